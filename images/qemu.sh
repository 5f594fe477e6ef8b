#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
#
# images/qemu.sh BUILD_DIR: `make qemu` — boots the appliance image
# (make image) in a window, the mouse as a finger, against the reference
# delivery server on this machine's loopback, with two sample orders whose
# pickup codes are printed (both data discs: libburn writes audio only to a
# real CD writer, and this writer is the virtio disk /dev/vdb) (staff menu: hold the top-left corner 3 s,
# PIN 2468).  Without DISPLAY it runs headless (-display none); the serial
# console (the engineer's, root) is this terminal either way: Ctrl-A X quits.
#
# The guest reaches nothing but the server: QEMU's user network with
# restrict=on, and one guestfwd from 10.0.2.100:8443 to 127.0.0.1:PORT.
# The image is not changed: the VM runs on a qcow2 overlay, and the server
# on a fresh copy of the image's world, both in BUILD_DIR/qemu/.
#
#   TENPO_QEMU_DIRECT=1   boot the extracted kernel (-kernel) instead of SYSLINUX
set -eu
BUILD=$(cd "${1:-build}" && pwd)
TOP=$(cd "$(dirname "$0")/.." && pwd)
IMG="$BUILD/image"
RUN="$BUILD/qemu"
PORT=$(sed -n 's/^server *= *[^:]*:\([0-9]*\).*/\1/p' "$IMG/world/shops/1001/tenpo.conf" 2>/dev/null || true)

die() { echo "qemu: $*" >&2; exit 1; }
[ -f "$IMG/tenpo.img" ] || die "$IMG/tenpo.img: run make image first"
[ -n "$PORT" ] || die "$IMG/world: no server port"
command -v qemu-system-x86_64 >/dev/null || die "qemu-system-x86_64 missing (apt-get install qemu-system-x86 qemu-utils)"

rm -rf "$RUN"
mkdir -p "$RUN"
cp -a "$IMG/world" "$RUN/world"
SERVER_PID=""
cleanup() {
	[ -n "$SERVER_PID" ] && kill -TERM "$SERVER_PID" 2>/dev/null && wait "$SERVER_PID" 2>/dev/null
	echo "qemu: stopped; serial log, server log and records in $RUN"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

"$BUILD/tenpo-delivery" serve "$RUN/world" 2>"$RUN/server.log" &
SERVER_PID=$!
for _ in $(seq 1 100); do grep -q listening "$RUN/server.log" && break; sleep 0.05; done
grep -q listening "$RUN/server.log" || die "the delivery server did not start: $RUN/server.log"
"$BUILD/tenpo-delivery" order "$RUN/world" --shop 1001 --user 12345678 --title yoake --media data-cd >"$RUN/order-audio"
"$BUILD/tenpo-delivery" order "$RUN/world" --shop 1001 --user 87654321 --title film --media data-dvd >"$RUN/order-video"

qemu-img create -q -f qcow2 -b "$IMG/tenpo.img" -F raw "$RUN/disk.qcow2"
# the disc writer: a blank DVD-R's size (2 298 496 sectors), sparse; /dev/vdb
truncate -s $((2298496 * 2048)) "$RUN/disc.img"
set -- -accel tcg -cpu max -m 1536 -smp 2 -name tenpo \
	-drive "file=$RUN/disk.qcow2,if=virtio,format=qcow2" \
	-drive "file=$RUN/disc.img,if=virtio,format=raw" \
	-vga std -device qemu-xhci -device usb-tablet \
	-device i6300esb -action watchdog=reset \
	-netdev "user,id=net0,restrict=on,guestfwd=tcp:10.0.2.100:8443-cmd:socat - TCP:127.0.0.1:$PORT" \
	-device virtio-net-pci,netdev=net0 \
	-qmp "unix:$RUN/qmp.sock,server=on,wait=off"
if [ "${TENPO_QEMU_DIRECT:-0}" = 1 ]; then
	set -- "$@" -kernel "$IMG/vmlinuz" -initrd "$IMG/initrd.img" -append "$(cat "$IMG/cmdline")"
fi
if [ -n "${DISPLAY:-}" ]; then
	set -- "$@" -display gtk,zoom-to-fit=off
	where="in its window (the mouse is the finger)"
else
	set -- "$@" -display none
	where="headless (no DISPLAY): QMP at $RUN/qmp.sock takes screendumps"
fi
if [ -t 0 ]; then
	set -- "$@" -chardev "stdio,id=ser0,mux=on,signal=off,logfile=$RUN/serial.log" \
		-serial chardev:ser0 -mon chardev=ser0,mode=readline
else
	set -- "$@" -serial "file:$RUN/serial.log"
fi

cat <<EOF

The appliance boots $where, under TCG (about a minute to the attract screen).
Sample orders for shop 1001 (type the code on the touch keypad):
  album (data CD):   $(awk '{ print $4 }' "$RUN/order-audio")
  film (data DVD):   $(awk '{ print $4 }' "$RUN/order-video")
Staff menu: hold the top-left corner 3 s, PIN 2468.
A click is a touch (the image makes the usb-tablet a touchscreen); from a
script: python3 $TOP/images/qmp.py $RUN/qmp.sock touch X Y
The disc writer is /dev/vdb, the host's $RUN/disc.img
(afterwards: xorriso -md5 on -indev $RUN/disc.img -check_md5 FAILURE -- ).
The serial console below is root's.
Ctrl-A X stops the VM.

EOF
qemu-system-x86_64 "$@" || true
"$BUILD/tenpo-delivery" reports "$RUN/world" >"$RUN/reports" 2>&1 || true
echo "qemu: the server's reports:"
cat "$RUN/reports"
