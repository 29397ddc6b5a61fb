# Base images made without a registry (sourced by setup.sh; the sample
# carries its own copy so that it works copied out on its own): busybox
# FROM scratch from Debian's busybox-static, and a Debian bookworm base with
# python3 and docutils made by debootstrap.
#
#   busybox_ensure [TAG]        default busybox:latest
#   debian_base_ensure [TAG]    default debian:bookworm-slim
#
# Both return 0 at once when the engine (the docker CLI's: DOCKER_HOST, else
# /var/run/docker.sock) already has TAG, and non-zero with a message on
# stderr when the image cannot be made. The debootstrap rootfs is cached as a
# tarball ($WCOMPOSE_IMAGE_CACHE, default /var/cache/wcompose), so an engine
# that lost the image only needs a `docker import` (seconds). Making the
# tarball needs root, debootstrap and the Debian mirror of
# /etc/apt/sources.list* ($WCOMPOSE_DEBIAN_MIRROR overrides it).

IMAGES_SUITE=bookworm
IMAGES_BASE_NAME=debian-bookworm-docutils
IMAGES_BASE_LABEL=org.wcompose.base

images_log() {
  echo "images.sh: $*" >&2
}

# images_pkg_ensure PACKAGE...: installs the Debian packages that are missing
images_pkg_ensure() {
  _img_missing=
  for _img_p in "$@"; do
    dpkg-query -W -f='${Status}' "$_img_p" 2>/dev/null |
      grep -q "ok installed" || _img_missing="$_img_missing $_img_p"
  done
  [ -z "$_img_missing" ] && return 0
  if [ "$(id -u)" != 0 ]; then
    images_log "missing packages:$_img_missing (install them as root)"
    return 1
  fi
  images_log "installing$_img_missing"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $_img_missing \
    >/dev/null 2>&1 || {
    apt-get update -qq >/dev/null 2>&1
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $_img_missing \
      >/dev/null
  }
}

# images_mirror: prints the Debian mirror the machine's apt uses for the
# suite (one-line .list files and deb822 .sources files), else the default.
images_mirror() {
  if [ -n "${WCOMPOSE_DEBIAN_MIRROR:-}" ]; then
    echo "$WCOMPOSE_DEBIAN_MIRROR"
    return 0
  fi
  _img_m=$(
    for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
      [ -f "$f" ] || continue
      awk -v s="$IMAGES_SUITE" '
        $1 == "deb" {
          i = 2
          if ($i ~ /^\[/) { while (i <= NF && $i !~ /\]$/) i++; i++ }
          if ($(i + 1) == s) { print $i; exit }
        }' "$f"
    done
    for f in /etc/apt/sources.list.d/*.sources; do
      [ -f "$f" ] || continue
      awk -v s="$IMAGES_SUITE" '
        function flush() {
          if (deb && suite && uri != "") { print uri; exit }
          deb = 0; suite = 0; uri = ""
        }
        /^[ \t]*#/ { next }
        /^[ \t]*$/ { flush(); next }
        tolower($1) == "types:" { for (i = 2; i <= NF; i++) if ($i == "deb") deb = 1 }
        tolower($1) == "suites:" { for (i = 2; i <= NF; i++) if ($i == s) suite = 1 }
        tolower($1) == "uris:" { uri = $2 }
        END { flush() }' "$f"
    done | head -n 1
  )
  echo "${_img_m:-http://deb.debian.org/debian}"
}

images_cache_dir() {
  if [ -n "${WCOMPOSE_IMAGE_CACHE:-}" ]; then
    echo "$WCOMPOSE_IMAGE_CACHE"
  elif [ "$(id -u)" = 0 ] || [ -w /var/cache/wcompose ]; then
    echo /var/cache/wcompose
  else
    echo "${XDG_CACHE_HOME:-$HOME/.cache}/wcompose"
  fi
}

images_have() {
  docker image inspect "$1" >/dev/null 2>&1
}

busybox_ensure() {
  _img_tag=${1:-busybox:latest}
  images_have "$_img_tag" && return 0
  images_pkg_ensure busybox-static || return 1
  _img_ctx=$(mktemp -d /tmp/wcompose-busybox.XXXXXX) || return 1
  cp /bin/busybox "$_img_ctx/busybox"
  printf '%s\n' 'FROM scratch' 'COPY busybox /bin/busybox' \
    'RUN ["/bin/busybox", "--install", "-s", "/bin"]' 'CMD ["sh"]' \
    >"$_img_ctx/Dockerfile"
  images_log "building '$_img_tag' from busybox-static"
  # the legacy builder's deprecation notice is noise here: show stderr
  # only when the build fails
  _img_rc=0
  docker build -q -t "$_img_tag" "$_img_ctx" >/dev/null 2>"$_img_ctx.err" ||
    _img_rc=$?
  if [ $_img_rc -ne 0 ]; then
    cat "$_img_ctx.err" >&2
    images_log "building '$_img_tag' failed"
  fi
  rm -rf "$_img_ctx" "$_img_ctx.err"
  return $_img_rc
}

# images_base_tarball: prints the path of the cached rootfs tarball, making
# it with debootstrap when it is missing. Concurrent callers wait on a lock.
images_base_tarball() {
  _img_dir=$(images_cache_dir)
  _img_tar=$_img_dir/$IMAGES_BASE_NAME.tar
  if [ -s "$_img_tar" ]; then
    echo "$_img_tar"
    return 0
  fi
  mkdir -p "$_img_dir" || return 1
  (
    flock 9 || exit 1
    [ -s "$_img_tar" ] && exit 0
    if [ "$(id -u)" != 0 ]; then
      images_log "making '$_img_tar' needs root (debootstrap)"
      exit 1
    fi
    images_pkg_ensure debootstrap || exit 1
    _img_mirror=$(images_mirror)
    _img_root=$(mktemp -d "$_img_dir/rootfs.XXXXXX") || exit 1
    images_log "debootstrap $IMAGES_SUITE from $_img_mirror (about a minute)"
    if ! debootstrap --variant=minbase --include=python3-docutils \
      "$IMAGES_SUITE" "$_img_root" "$_img_mirror" >"$_img_root.log" 2>&1; then
      tail -n 20 "$_img_root.log" >&2
      images_log "debootstrap failed (log: $_img_root.log)"
      rm -rf "$_img_root"
      exit 1
    fi
    rm -rf "$_img_root"/var/cache/apt/archives/*.deb \
      "$_img_root"/var/lib/apt/lists/* "$_img_root"/debootstrap
    tar --numeric-owner -C "$_img_root" -cf "$_img_tar.tmp" . &&
      mv "$_img_tar.tmp" "$_img_tar"
    _img_rc=$?
    rm -rf "$_img_root" "$_img_root.log" "$_img_tar.tmp"
    exit $_img_rc
  ) 9>"$_img_dir/.lock" || return 1
  echo "$_img_tar"
}

debian_base_ensure() {
  _img_tag=${1:-debian:$IMAGES_SUITE-slim}
  images_have "$_img_tag" && return 0
  _img_tar=$(images_base_tarball) || return 1
  images_log "importing '$_img_tag' from $_img_tar"
  if ! docker import \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change 'ENV LANG=C.UTF-8' \
    --change "LABEL $IMAGES_BASE_LABEL=$IMAGES_BASE_NAME" \
    --change 'CMD ["bash"]' \
    - "$_img_tag" <"$_img_tar" >/dev/null; then
    images_log "importing '$_img_tag' failed"
    return 1
  fi
}
