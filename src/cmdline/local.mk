# cmdline: commands as declarations (cmdtab: the option parser and the help
# text made from them) and the shell completion scripts generated from them.
libwcompose_a_SOURCES += src/cmdline/cmdtab.c src/cmdline/cmdtab.h \
  src/cmdline/completion.c src/cmdline/completion.h

# The completion scripts, written by the program just built.
completion/wcompose completion/_wcompose completion/wcompose.fish: wcompose
	$(AM_V_GEN)$(MKDIR_P) completion && \
	  case $@ in *.fish) sh=fish ;; */_*) sh=zsh ;; *) sh=bash ;; esac && \
	  ./wcompose completion $$sh >$@.tmp && mv $@.tmp $@
CLEANFILES += completion/wcompose completion/_wcompose \
  completion/wcompose.fish
if BASH_COMPLETION_DIR_ON
bashcompletiondir = $(BASH_COMPLETION_DIR)
bashcompletion_DATA = completion/wcompose
endif
if ZSH_COMPLETION_DIR_ON
zshcompletiondir = $(ZSH_COMPLETION_DIR)
zshcompletion_DATA = completion/_wcompose
endif
if FISH_COMPLETION_DIR_ON
fishcompletiondir = $(FISH_COMPLETION_DIR)
fishcompletion_DATA = completion/wcompose.fish
endif
