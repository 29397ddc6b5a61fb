# cmdline: commands as declarations (cmdtab: the option parser and the help
# text made from them) and the shell completion scripts generated from them.
libwcompose_a_SOURCES += src/cmdline/cmdtab.c src/cmdline/cmdtab.h \
  src/cmdline/completion.c src/cmdline/completion.h \
  src/cmdline/plugin.c src/cmdline/plugin.h

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

# The docker CLI plugin: `docker compose ...` runs wcompose. Installed for
# the user running make (DOCKER_CONFIG, else ~/.docker); set CLI_PLUGIN_DIR
# for another place (/usr/local/lib/docker/cli-plugins for everyone).
CLI_PLUGIN_DIR = $${DOCKER_CONFIG:-$$HOME/.docker}/cli-plugins
install-plugin: wcompose
	$(MKDIR_P) "$(DESTDIR)$(CLI_PLUGIN_DIR)"
	$(INSTALL_PROGRAM) wcompose "$(DESTDIR)$(CLI_PLUGIN_DIR)/docker-compose"
uninstall-plugin:
	rm -f "$(DESTDIR)$(CLI_PLUGIN_DIR)/docker-compose"
.PHONY: install-plugin uninstall-plugin
