#!/usr/bin/env bash
# Installs the peers of `make bench-peers` into DIR (default: $(go env
# GOPATH)/bin): NSD, dnsperf and GNU time from Debian (apt-get, as root), zdns at the
# version scripts/install-zdns.sh pins, dnsx at DNSX_VERSION, and massdns
# at MASSDNS_VERSION when its source is at hand. Nothing is done for a tool
# already there at that version.
#
#   [MASSDNS_SRC=DIR] scripts/bench-peers/install.sh [DIR]
#
# massdns (C, github.com/blechschmidt/massdns) is in none of the package
# registries this project's machines reach, so this script does not
# download it: MASSDNS_SRC names a copy of its source at MASSDNS_VERSION
# (a git checkout of the tag or its archive), which is checked against
# MASSDNS_SRC_SHA256 (sha256 of the sorted `sha256sum` lines of its src/
# files), built with the C compiler and installed as DIR/massdns. Without
# it, or without a C compiler, massdns is skipped with a message and
# bench-peers runs without it.
#
# dnsx is built in a scratch module, as install-zdns.sh builds zdns: `go
# install MODULE@VERSION` also asks the proxy for the module's version
# list, which some proxies refuse.
set -euo pipefail

DNSX_VERSION=v1.2.2
MASSDNS_VERSION=v1.1.0 # commit ca8114164361f6a296399d8160bb07d55bdc4843
MASSDNS_SRC_SHA256=d6de00ae40f511f11d29b0b09f7b57245cedf96d19364d5e4b5e365b414eebd2

dir=${1:-$(go env GOPATH)/bin}
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)
here=$(cd "$(dirname "$0")" && pwd)

missing=()
command -v nsd >/dev/null 2>&1 || missing+=(nsd)
command -v dnsperf >/dev/null 2>&1 || missing+=(dnsperf)
[ -x /usr/bin/time ] || missing+=(time)
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" != 0 ]; then
    echo "bench-peers needs ${missing[*]}: apt-get install ${missing[*]} (as root)" >&2
    exit 1
  fi
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

bash "$here/../install-zdns.sh" "$dir"

if ! { [ -x "$dir/dnsx" ] && "$dir/dnsx" -version 2>&1 | grep -q "${DNSX_VERSION#v}"; }; then
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
  (
    cd "$tmp"
    go mod init dnsx-install >/dev/null 2>&1
    go get "github.com/projectdiscovery/dnsx/cmd/dnsx@${DNSX_VERSION}" >/dev/null
    go build -o "$dir/dnsx" github.com/projectdiscovery/dnsx/cmd/dnsx
  )
fi
# massdns_tree_sum DIR prints the checksum of the C sources of a massdns
# tree, as MASSDNS_SRC_SHA256 pins it.
massdns_tree_sum() {
  (cd "$1" && find src -type f -name '*.[ch]' | LC_ALL=C sort | xargs sha256sum | sha256sum | cut -d' ' -f1)
}

if [ -x "$dir/massdns" ] && [ "$("$dir/massdns" --version 2>&1)" = "massdns $MASSDNS_VERSION" ]; then
  :
elif [ -z "${MASSDNS_SRC:-}" ] && [ -x "$dir/massdns" ]; then
  echo "massdns: $dir/massdns is not $MASSDNS_VERSION (it says: $("$dir/massdns" --version 2>&1 | head -1)); set MASSDNS_SRC to build $MASSDNS_VERSION" >&2
elif [ -z "${MASSDNS_SRC:-}" ]; then
  echo "massdns: not installed, skipped (it is in no registry reached here): set MASSDNS_SRC to its source at $MASSDNS_VERSION (github.com/blechschmidt/massdns) to build it" >&2
elif ! command -v "${CC:-cc}" >/dev/null 2>&1; then
  echo "massdns: no C compiler (${CC:-cc}), skipped: apt-get install gcc" >&2
elif [ ! -f "$MASSDNS_SRC/src/main.c" ]; then
  echo "massdns: MASSDNS_SRC=$MASSDNS_SRC has no src/main.c" >&2
  exit 1
elif [ "$(massdns_tree_sum "$MASSDNS_SRC")" != "$MASSDNS_SRC_SHA256" ]; then
  echo "massdns: the sources in $MASSDNS_SRC are not $MASSDNS_VERSION (checksum $(massdns_tree_sum "$MASSDNS_SRC"), want $MASSDNS_SRC_SHA256)" >&2
  exit 1
else
  # Built as its Makefile's default target does, in a scratch directory,
  # with the version compiled in (its Makefile asks git for it).
  build=$(mktemp -d)
  cp -r "$MASSDNS_SRC/src" "$build/"
  "${CC:-cc}" -DMASSDNS_REVISION="\"$MASSDNS_VERSION\"" -O3 -std=c11 -DHAVE_EPOLL -DHAVE_SYSINFO -Wall \
    -fstack-protector-strong "$build/src/main.c" -o "$dir/massdns" || { rm -rf "$build"; exit 1; }
  rm -rf "$build"
fi

nsd -v 2>&1 | head -1
dnsperf -h 2>&1 | grep -m1 -i version || true
"$dir/zdns" --version
"$dir/dnsx" -version 2>&1 | tail -1
[ ! -x "$dir/massdns" ] || "$dir/massdns" --version 2>&1
