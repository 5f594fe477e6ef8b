#!/bin/sh
# Installs the Debian packages Tenpo builds, tests and demos with; does
# nothing when every one of them is already there.
#
#   tests/deps.sh          what build, tests and demo need
#   tests/deps.sh bench    and what the benchmarks compare against
set -e
PKGS="build-essential clang pkg-config libmbedtls-dev libsqlite3-dev sqlite3 libcjson-dev
libcmocka-dev nettle-dev libburn-dev libisofs-dev xorriso libcdio-utils time libsdl2-dev
libsdl2-ttf-dev libsdl2-image-dev fonts-noto-cjk python3 libusb-1.0-0-dev libsndfile1-dev
curl openssl ca-certificates util-linux"
# codecs and real music for the watermark's robustness benchmark (make bench-wm)
[ "${1:-}" = bench ] && PKGS="$PKGS lame vorbis-tools sox drascula-music asc-music"
missing=""
for p in $PKGS; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
		missing="$missing $p"
done
[ -z "$missing" ] && exit 0
echo "deps: installing$missing"
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
$SUDO apt-get update -q
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends $missing
