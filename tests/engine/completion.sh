#!/bin/sh
# completion: the bash script, sourced in a real bash and driven through
# COMP_WORDS/COMP_CWORD, completes commands, flags, option values (after
# the flag, or after '=' in --opt=value), the project's services and
# profiles (with the global options typed before the command), and for
# logs/exec the running services only; once in bash in a terminal; fish's script
# completes the same through `complete -C`; zsh's parses, and its function
# offers the same with zsh's completion builtins stubbed.
. "$TOP_SRCDIR/tests/lib/common.sh"
t_need_engine
. "$TOP_SRCDIR/tests/engine/lifecycle-lib.sh"

cat >compose.yaml <<YAML
services:
  web:
    image: $BB
    command: ["sleep", "300"]
    stop_signal: SIGKILL
  db:
    image: $BB
    command: ["sleep", "300"]
    stop_signal: SIGKILL
  worker:
    image: $BB
    profiles: [jobs]
YAML
mkdir bin
ln -s "$WCOMPOSE" bin/wcompose
PATH=$T_TMP/bin:$PATH
export PATH

for sh in bash zsh fish; do
  "$WCOMPOSE" completion $sh >wcompose.$sh
  check_eq "completion $sh: a script" "$?:$(test -s wcompose.$sh && echo y)" "0:y"
done
check "the bash script parses" bash -n wcompose.bash
check "the zsh script parses" zsh -n wcompose.zsh
check "the fish script parses" fish -n wcompose.fish
"$WCOMPOSE" completion ksh >/dev/null 2>err.txt
check_eq "another shell is a usage error" "$?" 2
check_match "... that names the shells" "$(cat err.txt)" "want bash, zsh or fish"

# comp WORD...: the candidates bash's script offers for the last word
{
  echo ". '$T_TMP/wcompose.bash'"
  cat <<'SH'
COMP_WORDS=("$@")
COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
COMPREPLY=()
_wcompose
[ ${#COMPREPLY[@]} -eq 0 ] || printf '%s\n' "${COMPREPLY[@]}" | sort | tr '\n' ' '
SH
} >comp.bash
comp() { bash comp.bash "$@"; }
P="-p $T_PROJECT"
# compl LINE [WORDBREAKS]: the same for the end of a typed line, split into
# COMP_WORDS as bash splits it (blanks; '=' a word of its own while it is in
# COMP_WORDBREAKS: "--file=co" is --file = co, "--file=" ends at "=")
{
  echo ". '$T_TMP/wcompose.bash'"
  cat <<'SH'
line=$1
[ -n "${2+x}" ] && COMP_WORDBREAKS=$2
COMP_WORDS=() w=
for ((i = 0; i < ${#line}; i++)); do
  c=${line:i:1}
  if [[ $c == ' ' ]]; then
    [[ -n $w ]] && COMP_WORDS+=("$w")
    w=
  elif [[ $c == = && $COMP_WORDBREAKS == *=* ]]; then
    [[ -n $w ]] && COMP_WORDS+=("$w")
    COMP_WORDS+=("=")
    w=
  else
    w+=$c
  fi
done
[[ -z $w && $line == *= && $COMP_WORDBREAKS == *=* ]] || COMP_WORDS+=("$w")
COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
COMPREPLY=()
_wcompose
[ ${#COMPREPLY[@]} -eq 0 ] || printf '%s\n' "${COMPREPLY[@]}" | sort | tr '\n' ' '
SH
} >compl.bash
compl() { bash compl.bash "$@"; }

check_eq "wcompose e<TAB>: the commands" "$(comp wcompose e)" "events exec "
check_eq "wcompose up --bu<TAB>: the flag" "$(comp wcompose up --bu)" \
  "--build "
check_eq "a flag's choices" "$(comp wcompose up --pull '')" \
  "always build missing never "
check_eq "up <TAB>: the services (no profile)" "$(comp wcompose $P up '')" \
  "db web "
check_eq "--profile <TAB>: the profiles" "$(comp wcompose --profile '')" \
  "jobs "
check_eq "the profile typed is passed along" \
  "$(comp wcompose --profile jobs $P up -d '')" "db web worker "
check_eq "-f FILE is passed along" \
  "$(cd / && bash "$T_TMP/comp.bash" wcompose -f "$T_TMP/compose.yaml" \
    up w 2>&1)" "web "
check_eq "help <TAB>: the commands" "$(comp wcompose help con)" "config "
check_eq "completion <TAB>: the shells" "$(comp wcompose completion '')" \
  "bash fish zsh "

# --opt=value as one word
check_eq "--file=<TAB>: files" "$(compl 'wcompose --file=compo')" \
  "compose.yaml "
check_eq "--file=<TAB>, nothing typed after '='" \
  "$(cd "$T_TMP" && mkdir -p only && cd only && : >a.yaml &&
    bash "$T_TMP/compl.bash" 'wcompose --file=')" "a.yaml "
check_eq "--profile=<TAB>: the profiles" "$(compl 'wcompose --profile=')" \
  "jobs "
check_eq "--profile=jobs is passed along" \
  "$(compl "wcompose --profile=jobs $P up -d ")" "db web worker "
check_eq "--file=FILE is passed along" \
  "$(cd / && bash "$T_TMP/compl.bash" \
    "wcompose --file=$T_TMP/compose.yaml up w" 2>&1)" "web "
check_eq "a command's --opt=<TAB>: its choices" \
  "$(compl 'wcompose up --pull=')" "always build missing never "
check_eq "... by prefix" "$(compl 'wcompose up --pull=n')" "never "
check_eq "and its value does not count as an argument" \
  "$(compl "wcompose $P up --pull=never ")" "db web "
check_eq "'=' not in COMP_WORDBREAKS: the whole word" \
  "$(compl 'wcompose --ansi=a' ' \t\n')" "--ansi=always --ansi=auto "
check_eq "the split --opt = value still completes plain flags" \
  "$(compl 'wcompose up --bu')" "--build "

W up -d web >/dev/null 2>err.txt
check_eq "up -d web" "$?" 0
check_eq "wcompose logs <TAB>: the running service only" \
  "$(comp wcompose $P logs '')" "web "
check_eq "exec <TAB>: the running service" "$(comp wcompose $P exec w)" "web "
check_eq "exec SERVICE <TAB>: the command is not completed" \
  "$(comp wcompose $P exec web '')" ""
check_eq "logs --tail N <TAB>: services again" \
  "$(comp wcompose $P logs --tail 5 '')" "web "

fishc() { fish -c "source wcompose.fish; complete -C '$1'" | cut -f1 | sort | tr '\n' ' '; }
check_eq "fish: wcompose e<TAB>" "$(fishc 'wcompose e')" "events exec "
check_eq "fish: wcompose up --bu<TAB>" "$(fishc 'wcompose up --bu')" "--build "
check_eq "fish: wcompose logs <TAB>" "$(fishc "wcompose $P logs ")" "web "
check_eq "fish: up <TAB> with a profile" \
  "$(fishc "wcompose --profile jobs $P up ")" "db web worker "

# zsh: the script's function with zsh's completion builtins stubbed to
# print what they are given (zsh itself filters by the prefix)
cat >stubs.zsh <<'SH'
compdef() { :; }
source ./wcompose.zsh
compadd() { print -r -- ${(P)2}; }
compset() { PREFIX=${PREFIX#*=}; }
_describe() { print -r -- ${${(P)4}%%:*}; }
_files() { print files; }
words=("$@"); CURRENT=$#; PREFIX=${words[CURRENT]}
_wcompose
SH
zshc() { zsh -f stubs.zsh "$@" | tr '\n' ' '; }
check_match "zsh: the commands" "$(zshc wcompose e)" " exec .*graph "
check_eq "zsh: the running service" "$(zshc wcompose $P logs '')" "web "
check_eq "zsh: the profiles" "$(zshc wcompose --profile '')" "jobs "
check_eq "zsh: a flag's choices" "$(zshc wcompose up --pull '')" \
  "always missing never build "
check_eq "zsh: files for -f" "$(zshc wcompose -f '')" "files "
check_eq "zsh: --profile=<TAB>" "$(zshc wcompose --profile=)" "jobs "
check_eq "zsh: --file=<TAB>" "$(zshc wcompose --file=co)" "files "
check_eq "zsh: a command's --opt=<TAB>" "$(zshc wcompose up --pull=)" \
  "always missing never build "

# bash itself, in a terminal: readline puts the value after the '='
if command -v python3 >/dev/null 2>&1; then
  got=$(python3 - "$T_TMP/wcompose.bash" <<'PY'
import os, pty, select, sys, time
pid, fd = pty.fork()
if pid == 0:
    os.environ["PS1"] = "$ "
    os.execvp("bash", ["bash", "--norc", "--noprofile", "-i"])
def read(until, limit=10):
    out, end = b"", time.time() + limit
    while time.time() < end and until not in out:
        r, _, _ = select.select([fd], [], [], 0.1)
        if r:
            out += os.read(fd, 4096)
    return out
read(b"$ ")
os.write(fd, b". '" + sys.argv[1].encode() + b"'; echo sourced\n")
read(b"sourced")
read(b"$ ")
os.write(fd, b"wcompose --profile=\t")
out = read(b"jobs")
os.write(fd, b"\x15exit\n")
print("jobs" if b"--profile=jobs" in out else repr(out[-200:]))
PY
)
  check_eq "bash in a terminal: --profile=<TAB> becomes --profile=jobs" \
    "$got" "jobs"
fi

W down -t 0 >/dev/null 2>&1
