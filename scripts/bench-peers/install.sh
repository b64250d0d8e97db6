#!/usr/bin/env bash
# Installs the peers of `make bench-peers` into DIR (default: $(go env
# GOPATH)/bin): NSD, dnsperf and GNU time from Debian (apt-get, as root), zdns at the
# version scripts/install-zdns.sh pins, dnsx at DNSX_VERSION. Nothing is
# done for a tool already there at that version.
#
#   scripts/bench-peers/install.sh [DIR]
#
# dnsx is built in a scratch module, as install-zdns.sh builds zdns: `go
# install MODULE@VERSION` also asks the proxy for the module's version
# list, which some proxies refuse.
set -euo pipefail

DNSX_VERSION=v1.2.2

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
nsd -v 2>&1 | head -1
dnsperf -h 2>&1 | grep -m1 -i version || true
"$dir/zdns" --version
"$dir/dnsx" -version 2>&1 | tail -1
