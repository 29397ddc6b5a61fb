#!/bin/sh
# Install what wcompose needs to build, test and run its sample on Debian
# (as root). Quiet when everything is already there. chromium is for the
# blog sample's test, which looks at the served page headless; the shells
# are for the completion scripts' tests, graphviz for `graph --format svg`,
# debhelper for the Debian package.
set -e
pkgs="build-essential autoconf automake libtool pkg-config libyaml-dev
  libuv1-dev libcurl4-openssl-dev libcjson-dev libarchive-dev busybox-static
  debootstrap curl ca-certificates python3 socat openssl docker-registry apache2-utils clang clang-format docker.io
  docker-compose time chromium tmux iproute2 bash-completion zsh fish graphviz
  debhelper"
missing=""
for p in $pkgs; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" ||
    missing="$missing $p"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" != 0 ]; then
  echo "deps.sh: missing packages:$missing (run as root to install)" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# docker.io is only needed when no engine is installed; docker-compose is a
# benchmark peer. Neither may replace an engine the machine already has.
for p in docker.io docker-compose; do
  case "$missing" in *" $p"*)
    if command -v dockerd >/dev/null 2>&1 || command -v docker >/dev/null 2>&1; then
      [ "$p" = docker.io ] && missing=$(echo "$missing" | sed "s/ $p//")
    fi ;;
  esac
done
apt-get install -y -qq $missing >/dev/null
