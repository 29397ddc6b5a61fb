# cmdline: commands as declarations (cmdtab: the option parser and the help
# text made from them) and the shell completion scripts generated from them.
libwcompose_a_SOURCES += src/cmdline/cmdtab.c src/cmdline/cmdtab.h
