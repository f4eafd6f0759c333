#!/usr/bin/env bash
# Installs the Debian packages heapdoc needs to build and test, if missing.
# Called by `make` targets; safe to run again (it does nothing when all are
# present).  Needs root (or sudo) only when something is missing.
set -eu
pkgs="gcc make cmake ninja-build pkg-config libdeflate-dev libdeflate-tools
zlib1g-dev libpcre2-dev libcurl4-openssl-dev libcmocka-dev jq libxml2-utils"
case "${1:-}" in
--fuzz) pkgs="$pkgs clang libclang-rt-14-dev" ;;
--test) pkgs="$pkgs clang libclang-rt-14-dev valgrind time" ;; # make check: fuzz smoke, valgrind run
--all) pkgs="$pkgs clang libclang-rt-14-dev valgrind time curl chromium" ;;
esac
missing=""
for p in $pkgs; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
echo "heapdoc: installing Debian packages:$missing" >&2
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
# shellcheck disable=SC2086
$sudo apt-get install -y -qq --no-install-recommends $missing >/dev/null
