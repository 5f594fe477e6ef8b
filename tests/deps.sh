#!/bin/sh
# Installs the Debian packages Tenpo builds, tests and demos with; does
# nothing when every one of them is already there.
#
#   tests/deps.sh          what build, tests and demo need
#   tests/deps.sh bench    and what the benchmarks compare against
#   tests/deps.sh image    and what the appliance image and QEMU need (images/)
#
# Packages are installed without their recommendations, so what a build or
# a test needs is named here even when Debian only recommends it:
# libclang-rt-14-dev holds clang's libFuzzer and sanitizer runtimes (only
# recommended by libclang-common-14-dev).  Then every command the tests
# call is looked for, so that a fresh machine (a debootstrap minbase root
# has no file, nginx, xorriso, ...) fails here, by name, rather than in a
# test.
set -e
PKGS="build-essential clang libclang-rt-14-dev pkg-config libmbedtls-dev libsqlite3-dev
sqlite3 libcjson-dev libcmocka-dev nettle-dev libburn-dev libisofs-dev xorriso
libcdio-utils time libsdl2-dev libsdl2-ttf-dev libsdl2-image-dev fonts-noto-cjk python3
libusb-1.0-0-dev libqrencode-dev libpng-dev libfreetype-dev zbar-tools libsndfile1-dev libsystemd-dev curl openssl ca-certificates util-linux mount file nginx"
# the commands tests/ and the Makefile call beyond POSIX sh and coreutils
TOOLS="make cc clang ar nm pkg-config sqlite3 xorriso cd-info curl openssl python3 file
nginx timeout find cmp awk sed grep mount umount lsns zbarimg"
# codecs (MP3, Vorbis, Opus, AAC through ffmpeg) and real music (three games' soundtracks)
# for the watermark's benchmark (make bench-wm); its PEAQ figures need a `peaq`
# program (GstPEAQ), which Debian does not package: without it they are left out
[ "${1:-}" = bench ] && PKGS="$PKGS lame vorbis-tools sox opus-tools ffmpeg drascula-music asc-music
wesnoth-1.16-music"
# the appliance image (mmdebstrap, partitions without mounting, SYSLINUX) and QEMU
[ "${1:-}" = image ] && PKGS="$PKGS mmdebstrap fdisk dosfstools mtools syslinux syslinux-common
qemu-system-x86 qemu-utils socat"
missing=""
for p in $PKGS; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
		missing="$missing $p"
done
if [ -n "$missing" ]; then
	echo "deps: installing$missing"
	SUDO=""
	if [ "$(id -u)" -ne 0 ]; then
		command -v sudo >/dev/null ||
			{ echo "deps: installing needs root: run 'make deps' as root, or install sudo" >&2; exit 1; }
		SUDO="sudo"
	fi
	$SUDO apt-get update -q
	DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends $missing
fi
absent=""
for t in $TOOLS; do
	command -v "$t" >/dev/null 2>&1 || absent="$absent $t"
done
[ -z "$absent" ] || { echo "deps: still missing after install:$absent" >&2; exit 1; }
# clang's runtimes: the fuzzers link libclang_rt.fuzzer
rt=$(clang -print-file-name=libclang_rt.fuzzer-x86_64.a 2>/dev/null || true)
case "$(uname -m)" in x86_64)
	[ -f "$rt" ] || { echo "deps: clang's libFuzzer runtime is missing ($rt)" >&2; exit 1; } ;;
esac
