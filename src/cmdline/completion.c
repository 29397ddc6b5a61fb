/* completion: bash, zsh and fish completion scripts written from the
 * command table; the shell code that does not depend on the table is the
 * fixed text of each shell below, the table becomes case statements (bash,
 * zsh) or complete lines (fish). */
#include "config.h"

#include "cmdline/completion.h"
#include "util/err.h"

#include <string.h>

/* ---- what the table says ---- */

static int is_end(const struct cli_option *o)
{
  return !o->long_name && !o->short_name;
}

static int has_word(const char *s, const char *w)
{
  return s && strstr(s, w) != NULL;
}

/* The kind of an option's value, as the scripts name it, into buf:
 * "words:a b c", "file", "dir", "services", "profiles" or "none". */
static const char *value_kind(const struct cli_option *o, char *buf, size_t n)
{
  if (o->choices) {
    snprintf(buf, n, "words:%s", o->choices);
    for (char *p = buf; *p; p++)
      if (*p == '|')
        *p = ' ';
    return buf;
  }
  if (o->long_name && !strcmp(o->long_name, "profile"))
    return "profiles";
  if (has_word(o->arg, "SERVICE"))
    return "services";
  if (has_word(o->arg, "DIR"))
    return "dir";
  if (has_word(o->arg, "FILE") || has_word(o->arg, "PATH"))
    return "file";
  return "none";
}

/* The kind of a command's positional arguments, from its usage; *many set
 * when every positional argument is of that kind ("SERVICE..."). */
static const char *pos_kind(const struct cli_command *c, char *buf, size_t n,
                            int *many)
{
  const char *u = c->usage ? c->usage : "";
  *many = 0;
  if (!strncmp(u, "[OPTIONS]", 9))
    u += 9;
  u += strspn(u, " [");
  size_t len = strcspn(u, " ]");
  if (!strncmp(u, "SERVICE", 7)) {
    *many = !strncmp(u, "SERVICE...", 10);
    return c->flags & CLI_CMD_RUNNING ? "running" : "services";
  }
  if (len == 7 && !strncmp(u, "COMMAND", 7))
    return "commands";
  if (memchr(u, '|', len) && len + 7 < n) {
    snprintf(buf, n, "words:%.*s", (int)len, u);
    for (char *p = buf; *p; p++)
      if (*p == '|')
        *p = ' ';
    return buf;
  }
  return "none";
}

/* ---- quoting ---- */

/* 'text' for sh, bash and zsh. */
static void sq(FILE *f, const char *s)
{
  fputc('\'', f);
  for (; *s; s++)
    if (*s == '\'')
      fputs("'\\''", f);
    else
      fputc(*s, f);
  fputc('\'', f);
}

/* 'text' for fish: backslash and quote escaped. */
static void fish_sq(FILE *f, const char *s)
{
  fputc('\'', f);
  for (; *s; s++) {
    if (*s == '\'' || *s == '\\')
      fputc('\\', f);
    fputc(*s, f);
  }
  fputc('\'', f);
}

/* zsh's _describe item "name:description": a colon in the name escaped. */
static void zsh_item(FILE *f, const char *name, const char *desc)
{
  char buf[512];
  size_t k = 0;
  for (const char *p = name; *p && k < sizeof(buf) - 3; p++) {
    if (*p == ':')
      buf[k++] = '\\';
    buf[k++] = *p;
  }
  buf[k] = 0;
  snprintf(buf + k, sizeof(buf) - k, ":%s", desc ? desc : "");
  fputc(' ', f);
  sq(f, buf);
}

/* ---- bash and zsh: the table as case statements ---- */

/* The k-th spelling of an option (0: "--long", 1: "-s") into buf; NULL
 * when it has no such spelling. */
static const char *spelling(const struct cli_option *o, int k, char *buf,
                            size_t n)
{
  if (k == 0 && o->long_name)
    snprintf(buf, n, "--%s", o->long_name);
  else if (k == 1 && o->short_name)
    snprintf(buf, n, "-%c", o->short_name);
  else
    return NULL;
  return buf;
}

/* _wcompose_valkind CMD OPTION: REPLY is the option's kind; 1 when the
 * option takes no value. The program's own options are CMD "". */
static void sh_valkind(FILE *f, const struct cli_command *program,
                       const struct cli_command *const *commands)
{
  fputs("_wcompose_valkind() {\n  case \"$1 $2\" in\n", f);
  for (size_t c = 0; c == 0 || commands[c - 1]; c++) {
    const struct cli_command *cmd = c ? commands[c - 1] : program;
    const char *name = c ? cmd->name : "";
    for (const struct cli_option *o = cmd->options; o && !is_end(o); o++) {
      if (!o->arg)
        continue;
      char kb[256], n[128];
      const char *sep = "  ";
      for (int k = 0; k < 2; k++)
        if (spelling(o, k, n, sizeof(n))) {
          fprintf(f, "%s\"%s %s\"", sep, name, n);
          sep = "|";
        }
      fputs(") REPLY=", f);
      sq(f, value_kind(o, kb, sizeof(kb)));
      fputs(" ;;\n", f);
    }
  }
  fputs("  *) return 1 ;;\n  esac\n}\n", f);
}

/* _wcompose_cmdinfo CMD: pos, many and the options (bash: opts, a word
 * list; zsh: the array opts of "name:description"). 1 for no such
 * command. The program's own is CMD "". */
static void sh_cmdinfo(FILE *f, int zsh, const struct cli_command *program,
                       const struct cli_command *const *commands)
{
  fputs("_wcompose_cmdinfo() {\n  case $1 in\n", f);
  for (size_t c = 0; c == 0 || commands[c - 1]; c++) {
    const struct cli_command *cmd = c ? commands[c - 1] : program;
    char kb[256];
    int many = 0;
    const char *pos = c ? pos_kind(cmd, kb, sizeof(kb), &many) : "commands";
    fprintf(f, "  %s)\n    pos=", c ? cmd->name : "''");
    sq(f, pos);
    fprintf(f, " many=%d\n    opts=%s", many, zsh ? "(" : "'");
    for (const struct cli_option *o = cmd->options; o && !is_end(o); o++) {
      if (o->flags & CLI_OPT_HIDDEN)
        continue;
      char n[128];
      for (int k = 0; k < 2; k++) {
        if (!spelling(o, k, n, sizeof(n)))
          continue;
        if (zsh)
          zsh_item(f, n, o->help);
        else
          fprintf(f, " %s", n);
      }
    }
    if (zsh)
      zsh_item(f, "--help", "Show this help");
    fputs(zsh ? ")\n    ;;\n" : " --help'\n    ;;\n", f);
  }
  fputs("  *) return 1 ;;\n  esac\n}\n", f);
  if (zsh) {
    fputs("_wcompose_commands=(", f);
    for (size_t c = 0; commands[c]; c++)
      zsh_item(f, commands[c]->name, commands[c]->summary);
  } else {
    fputs("_wcompose_commands='", f);
    for (size_t c = 0; commands[c]; c++)
      fprintf(f, "%s%s", c ? " " : "", commands[c]->name);
    fputc('\'', f);
  }
  fputs(zsh ? ")\n" : "\n", f);
}

/* The walk over the words before the cursor, shared by bash and zsh (both
 * read it the same): the command, the program's options to pass along,
 * how many positional arguments the command has so far. W(i) is word i,
 * the words run from FIRST to before CUR. */
static void sh_walk(FILE *f, const char *word, const char *first,
                    const char *cur)
{
  fprintf(f,
          "  local cmd= w opt REPLY npos=0 i=%s skip=0\n"
          "  _wcompose_pre=()\n"
          "  for ((; i < %s; i++)); do\n"
          "    w=%s\n"
          "    if ((skip)); then\n"
          "      skip=0\n"
          "      [[ -z $cmd ]] && _wcompose_pre+=(\"$opt\" \"$w\")\n"
          "      continue\n"
          "    fi\n"
          "    if [[ $w == -- && -n $cmd ]]; then\n"
          "      npos=$((npos + 1))\n"
          "      continue\n"
          "    fi\n"
          "    case $w in\n"
          "    -*)\n"
          "      if _wcompose_valkind \"$cmd\" \"$w\"; then\n"
          "        skip=1 opt=$w\n"
          "      elif [[ -z $cmd ]]; then\n"
          "        _wcompose_pre+=(\"$w\")\n"
          "      fi\n"
          "      ;;\n"
          "    *)\n"
          "      if [[ -z $cmd ]]; then cmd=$w; else npos=$((npos + 1)); fi\n"
          "      ;;\n"
          "    esac\n"
          "  done\n",
          first, cur, word);
}

static const char bash_runtime[] =
    "# words and cword: COMP_WORDS up to the cursor with what bash split at\n"
    "# '=' (COMP_WORDBREAKS) put back: --file = x is --file=x again.\n"
    "_wcompose_words() {\n"
    "  local i w\n"
    "  words=() cword=-1\n"
    "  for ((i = 0; i <= COMP_CWORD; i++)); do\n"
    "    w=${COMP_WORDS[i]}\n"
    "    if ((cword > 0)) && [[ ${words[cword]} == -* ]] &&\n"
    "      [[ $w == = || ${words[cword]} == *= ]]; then\n"
    "      words[cword]+=$w\n"
    "    else\n"
    "      words[++cword]=$w\n"
    "    fi\n"
    "  done\n"
    "}\n"
    "\n"
    "_wcompose_run() {\n"
    "  \"${_wcompose_bin:-wcompose}\" \"${_wcompose_pre[@]}\" \"$@\" "
    "2>/dev/null\n"
    "}\n"
    "\n"
    "# _wcompose_kind KIND: COMPREPLY from the candidates of that kind.\n"
    "_wcompose_kind() {\n"
    "  local out\n"
    "  case $1 in\n"
    "  file | dir)\n"
    "    compopt -o filenames 2>/dev/null\n"
    "    if [[ $1 == dir ]]; then out=$(compgen -d -- \"$cur\")\n"
    "    else out=$(compgen -f -- \"$cur\"); fi\n"
    "    ;;\n"
    "  services) out=$(_wcompose_run config --services) ;;\n"
    "  running)\n"
    "    out=$(_wcompose_run ps --services) ||\n"
    "      out=$(_wcompose_run config --services)\n"
    "    ;;\n"
    "  profiles) out=$(_wcompose_run config --profiles) ;;\n"
    "  commands) out=$_wcompose_commands ;;\n"
    "  words:*) out=${1#words:} ;;\n"
    "  *) return 0 ;;\n"
    "  esac\n"
    "  local IFS=$'\\n'\n"
    "  case $1 in\n"
    "  file | dir) COMPREPLY=($out) ;;\n"
    "  *) COMPREPLY=($(IFS=$' \\t\\n' compgen -W \"$out\" -- \"$cur\")) ;;\n"
    "  esac\n"
    "}\n"
    "\n"
    "_wcompose() {\n"
    "  local cur pos many opts words cword\n"
    "  COMPREPLY=()\n"
    "  _wcompose_bin=${COMP_WORDS[0]}\n"
    "  _wcompose_words\n"
    "  cur=${words[cword]}\n";

static const char bash_tail[] =
    "  if ((skip)); then # the word before is an option's: its value\n"
    "    _wcompose_kind \"$REPLY\"\n"
    "    return 0\n"
    "  fi\n"
    "  if [[ $cur == -*=* ]] && _wcompose_valkind \"$cmd\" \"${cur%%=*}\"; "
    "then\n"
    "    # --opt=value: bash replaces what follows the '=' when '=' breaks\n"
    "    # words, else the whole word\n"
    "    local pre=\n"
    "    [[ $COMP_WORDBREAKS == *=* ]] || pre=${cur%%=*}=\n"
    "    cur=${cur#*=}\n"
    "    _wcompose_kind \"$REPLY\"\n"
    "    [[ -z $pre ]] || COMPREPLY=(\"${COMPREPLY[@]/#/$pre}\")\n"
    "    return 0\n"
    "  fi\n"
    "  _wcompose_cmdinfo \"$cmd\" || return 0\n"
    "  if [[ $cur == -* ]]; then\n"
    "    COMPREPLY=($(compgen -W \"$opts\" -- \"$cur\"))\n"
    "  elif [[ -z $cmd ]] || ((npos == 0 || many)); then\n"
    "    _wcompose_kind \"$pos\"\n"
    "  fi\n"
    "  return 0\n"
    "}\n"
    "\n"
    "complete -F _wcompose wcompose\n";

static const char zsh_runtime[] =
    "_wcompose_run() {\n"
    "  \"${_wcompose_bin:-wcompose}\" \"${_wcompose_pre[@]}\" \"$@\" "
    "2>/dev/null\n"
    "}\n"
    "\n"
    "# _wcompose_kind KIND: the candidates of that kind.\n"
    "_wcompose_kind() {\n"
    "  local out\n"
    "  case $1 in\n"
    "  file) _files; return ;;\n"
    "  dir) _files -/; return ;;\n"
    "  services) out=$(_wcompose_run config --services) ;;\n"
    "  running)\n"
    "    out=$(_wcompose_run ps --services) ||\n"
    "      out=$(_wcompose_run config --services)\n"
    "    ;;\n"
    "  profiles) out=$(_wcompose_run config --profiles) ;;\n"
    "  commands) _describe -t commands 'wcompose command' _wcompose_commands;"
    " return ;;\n"
    "  words:*) out=${1#words:} ;;\n"
    "  *) return 1 ;;\n"
    "  esac\n"
    "  local -a items\n"
    "  items=(${=out})\n"
    "  compadd -a items\n"
    "}\n"
    "\n"
    "_wcompose() {\n"
    "  local pos many\n"
    "  local -a opts\n"
    "  _wcompose_bin=${words[1]}\n";

static const char zsh_tail[] =
    "  if ((skip)); then # the word before is an option's: its value\n"
    "    _wcompose_kind \"$REPLY\"\n"
    "    return\n"
    "  fi\n"
    "  if [[ $PREFIX == -*=* ]] && _wcompose_valkind \"$cmd\" "
    "\"${PREFIX%%=*}\"; then\n"
    "    compset -P '*=' # --opt=value: complete the value\n"
    "    _wcompose_kind \"$REPLY\"\n"
    "    return\n"
    "  fi\n"
    "  _wcompose_cmdinfo \"$cmd\" || return 1\n"
    "  if [[ $PREFIX == -* ]]; then\n"
    "    _describe -t options option opts\n"
    "  elif [[ -z $cmd ]] || ((npos == 0 || many)); then\n"
    "    _wcompose_kind \"$pos\"\n"
    "  fi\n"
    "}\n"
    "\n"
    "if [[ $zsh_eval_context[-1] == loadautofunc ]]; then\n"
    "  _wcompose \"$@\"\n"
    "else\n"
    "  compdef _wcompose wcompose\n"
    "fi\n";

/* ---- fish: complete lines ---- */

static const char fish_runtime[] =
    "# The program's options typed before the command, to pass along.\n"
    "function __wcompose_pre\n"
    "    set -l w (commandline -opc)\n"
    "    set -l cmds $__wcompose_commands\n"
    "    for a in $w[2..-1]\n"
    "        contains -- $a $cmds; and break\n"
    "        echo $a\n"
    "    end\n"
    "end\n"
    "function __wcompose_run\n"
    "    set -l w (commandline -opc)\n"
    "    command $w[1] (__wcompose_pre) $argv 2>/dev/null\n"
    "end\n"
    "function __wcompose_running\n"
    "    __wcompose_run ps --services; or __wcompose_run config --services\n"
    "end\n"
    "complete -c wcompose -f\n";

static void fish_opt(FILE *f, const char *cond, const struct cli_option *o)
{
  fputs("complete -c wcompose -n ", f);
  fish_sq(f, cond);
  if (o->short_name)
    fprintf(f, " -s %c", o->short_name);
  if (o->long_name)
    fprintf(f, " -l %s", o->long_name);
  if (o->arg) {
    char kb[256];
    const char *k = value_kind(o, kb, sizeof(kb));
    if (!strcmp(k, "file") || !strcmp(k, "dir"))
      fputs(" -r -F", f);
    else if (!strcmp(k, "services"))
      fputs(" -x -a '(__wcompose_run config --services)'", f);
    else if (!strcmp(k, "profiles"))
      fputs(" -x -a '(__wcompose_run config --profiles)'", f);
    else if (!strncmp(k, "words:", 6)) {
      fputs(" -x -a ", f);
      fish_sq(f, k + 6);
    } else
      fputs(" -x", f);
  }
  if (o->help) {
    fputs(" -d ", f);
    fish_sq(f, o->help);
  }
  fputc('\n', f);
}

static void fish_write(FILE *f, const struct cli_command *program,
                       const struct cli_command *const *commands)
{
  fputs("set -g __wcompose_commands", f);
  for (size_t c = 0; commands[c]; c++)
    fprintf(f, " %s", commands[c]->name);
  fputs("\n", f);
  fputs(fish_runtime, f);
  for (const struct cli_option *o = program->options; o && !is_end(o); o++)
    if (!(o->flags & CLI_OPT_HIDDEN))
      fish_opt(f, "__fish_use_subcommand", o);
  for (size_t c = 0; commands[c]; c++) {
    const struct cli_command *cmd = commands[c];
    fputs("complete -c wcompose -n __fish_use_subcommand -a ", f);
    fish_sq(f, cmd->name);
    fputs(" -d ", f);
    fish_sq(f, cmd->summary);
    fputc('\n', f);
    char cond[256];
    snprintf(cond, sizeof(cond), "__fish_seen_subcommand_from %s", cmd->name);
    for (const struct cli_option *o = cmd->options; o && !is_end(o); o++)
      if (!(o->flags & CLI_OPT_HIDDEN))
        fish_opt(f, cond, o);
    char kb[256];
    int many;
    const char *k = pos_kind(cmd, kb, sizeof(kb), &many);
    const char *what = NULL;
    if (!strcmp(k, "services"))
      what = "(__wcompose_run config --services)";
    else if (!strcmp(k, "running"))
      what = "(__wcompose_running)";
    else if (!strcmp(k, "commands"))
      what = "$__wcompose_commands";
    else if (!strncmp(k, "words:", 6))
      what = k + 6;
    if (what) {
      fputs("complete -c wcompose -n ", f);
      fish_sq(f, cond);
      fputs(" -a ", f);
      fish_sq(f, what);
      fputc('\n', f);
    }
  }
}

int completion_write(FILE *f, const char *shell,
                     const struct cli_command *program,
                     const struct cli_command *const *commands,
                     const char *version, struct err *err)
{
  int bash = shell && !strcmp(shell, "bash");
  int zsh = shell && !strcmp(shell, "zsh");
  if (!bash && !zsh && !(shell && !strcmp(shell, "fish")))
    return err_set(err, ERR_USAGE,
                   "wcompose completion: '%s' is not a shell there is a "
                   "script for (want bash, zsh or fish)",
                   shell ? shell : "");
  if (zsh)
    fputs("#compdef wcompose\n", f);
  fprintf(f,
          "# %s completion for wcompose %s, generated by `wcompose "
          "completion %s`\n# from its command table; project names come "
          "from wcompose itself.\n\n",
          shell, version, shell);
  if (bash || zsh) {
    sh_valkind(f, program, commands);
    sh_cmdinfo(f, zsh, program, commands);
    fputs(bash ? bash_runtime : zsh_runtime, f);
    if (bash)
      sh_walk(f, "${words[i]}", "1", "cword");
    else
      sh_walk(f, "${words[i]}", "2", "CURRENT");
    fputs(bash ? bash_tail : zsh_tail, f);
  } else {
    fish_write(f, program, commands);
  }
  if (fflush(f) || ferror(f))
    return err_set(err, ERR_IO, "writing the completion script: %s",
                   "write error");
  return 0;
}
