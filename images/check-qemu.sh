#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
#
# images/check-qemu.sh BUILD_DIR: the appliance tested as a device
# (`make check-qemu`; not part of `make check` yet).  Boots the image
# (make image) headless under software emulation, and proves from the host,
# with nothing but QMP, the serial log, the virtio disk standing in for the
# disc writer and the delivery server's records:
#
#   1. boot to the attract screen: QMP screendump within a tolerance of
#      tests/ui/ref/attract-ja.png; the boot time is printed;
#   2. a whole pickup by touches (QMP input-send-event on the usb-tablet):
#      the code on the keypad, confirm, the disc written to /dev/vdb, which
#      the host reads back with xorriso -check_md5; one `delivered` report.
#
# TAP lines, as tests/lib.sh writes them.  The serial log, the screenshots
# and the server's log stay in BUILD_DIR/it/check-qemu/.  Waits give up
# after TENPO_QEMU_PATIENCE seconds each (default 900): a hang guard, not a
# performance limit — TCG on a shared machine is slow.
set -u
BUILD=$(cd "${1:-build}" && pwd)
TOP=$(cd "$(dirname "$0")/.." && pwd)
export TENPO_BUILD="$BUILD" TENPO_TOP="$TOP"
. "$TOP/tests/lib.sh"
IMG="$BUILD/image"
QMP="$TOP/images/qmp.py"
PATIENCE=${TENPO_QEMU_PATIENCE:-900}
SHOTS="$WORK/shots"
QEMU_PID=""

bail() { echo "Bail out! $*"; exit 1; }
[ -f "$IMG/tenpo.img" ] || bail "$IMG/tenpo.img: run make image first"
command -v qemu-system-x86_64 >/dev/null || bail "qemu-system-x86_64 missing"
mkdir -p "$SHOTS"

stop_all() {
	if [ -n "$QEMU_PID" ]; then
		python3 "$QMP" "$WORK/qmp.sock" quit 2>/dev/null
		kill -KILL "$QEMU_PID" 2>/dev/null
		wait "$QEMU_PID" 2>/dev/null
		QEMU_PID=""
	fi
	stop_server
}
trap stop_all EXIT

now() { date +%s.%N; }
since() { echo "$(now) $1" | awk '{ printf "%.1f", $1 - $2 }'; }

# shot NAME: a screendump to $SHOTS/NAME.ppm
shot() { python3 "$QMP" "$WORK/qmp.sock" screendump "$SHOTS/$1.ppm"; }

# wait_screen NAME REF [X0 Y0 X1 Y1]: screendumps until one is within
# tolerance of tests/ui/ref/REF.png (in that rectangle, when given); 0 when
# it came, 1 when patience ran out
wait_screen() {
	ws_t=$(now)
	while [ "$(since "$ws_t" | cut -d. -f1)" -lt "$PATIENCE" ]; do
		kill -0 "$QEMU_PID" 2>/dev/null || return 1
		if shot "$1" 2>/dev/null &&
			python3 "$QMP" compare "$SHOTS/$1.ppm" "$TOP/tests/ui/ref/$2.png" 16 0.02 \
				${3:+"$3" "$4" "$5" "$6"} >"$WORK/compare.out" 2>&1; then
			return 0
		fi
		sleep 3
	done
	return 1
}

touch_at() { python3 "$QMP" "$WORK/qmp.sock" touch "$1" "$2" && sleep 1; }

# wait_settled NAME: screendumps until two in a row are the same (the
# guest's UI has caught up with the touches sent)
wait_settled() {
	shot "$1-a" 2>/dev/null
	wl_t=$(now)
	while [ "$(since "$wl_t" | cut -d. -f1)" -lt "$PATIENCE" ]; do
		kill -0 "$QEMU_PID" 2>/dev/null || return 1
		sleep 3
		shot "$1" 2>/dev/null || continue
		python3 "$QMP" compare "$SHOTS/$1.ppm" "$SHOTS/$1-a.ppm" 0 0 >/dev/null 2>&1 && return 0
		mv "$SHOTS/$1.ppm" "$SHOTS/$1-a.ppm"
	done
	return 1
}

# the keypad of the code screen (tests/ui/ref/code-empty-ja.png)
digit_xy() {
	case $1 in
	0) echo "1019 692" ;;
	*) echo "$(( 868 + ($1 - 1) % 3 * 151 )) $(( 258 + ($1 - 1) / 3 * 145 ))" ;;
	esac
}

# the server: a fresh copy of the world whose shop the image is
DIR="$WORK/world"
cp -a "$IMG/world" "$DIR"
start_server "$DIR" || bail "the delivery server did not start: $WORK/server.log"
place --shop 1001 --user 24680 --title yoake --media data-cd || bail "no order placed"

# the VM: the image on an overlay, a blank CD-R's size as the disc writer
qemu-img create -q -f qcow2 -b "$IMG/tenpo.img" -F raw "$WORK/disk.qcow2"
truncate -s $((360000 * 2048)) "$WORK/disc.img"
port=$(sed -n 's/^server *= *[^:]*:\([0-9]*\).*/\1/p' "$DIR/shops/1001/tenpo.conf")
T0=$(now)
qemu-system-x86_64 -accel tcg -cpu max -m 1536 -smp 2 -name tenpo-check \
	-drive "file=$WORK/disk.qcow2,if=virtio,format=qcow2" \
	-drive "file=$WORK/disc.img,if=virtio,format=raw" \
	-vga std -device qemu-xhci -device usb-tablet \
	-device i6300esb -action watchdog=reset \
	-netdev "user,id=net0,restrict=on,guestfwd=tcp:10.0.2.100:8443-cmd:socat - TCP:127.0.0.1:$port" \
	-device virtio-net-pci,netdev=net0 \
	-display none -serial "file:$WORK/serial.log" \
	-qmp "unix:$WORK/qmp.sock,server=on,wait=off" 2>"$WORK/qemu.log" &
QEMU_PID=$!
for _ in $(seq 1 100); do [ -S "$WORK/qmp.sock" ] && break; sleep 0.1; done

# 1. boot to the attract screen
if wait_screen boot attract-ja; then
	BOOT_S=$(since "$T0")
	ok "boot to the attract screen in ${BOOT_S} s (screendump differs from the reference in $(cat "$WORK/compare.out") of its pixels)"
	echo "# boot_to_attract_s $BOOT_S"
else
	not_ok "boot to the attract screen (last: $(cat "$WORK/compare.out" 2>/dev/null); see $WORK/serial.log, $SHOTS/boot.ppm)"
	exit 1
fi

# 2. one pickup by touches: the order must have reached the kiosk first
t=$(now)
while [ "$(reports_of "$ORDER" received)" -lt 1 ] && [ "$(since "$t" | cut -d. -f1)" -lt "$PATIENCE" ]; do
	sleep 3
done
check "the order reached the kiosk (a received report at the server)" [ "$(reports_of "$ORDER" received)" -eq 1 ]
touch_at 640 704 # start
check "a touch opens the code screen" wait_screen code code-empty-ja
for d in $(echo "$CODE" | tr -d -- '-' | sed 's/./& /g'); do
	touch_at $(digit_xy "$d")
done
wait_settled code-typed
touch_at 517 712 # next
# the order screen: its "write it" button (the film's reference has the same)
check "the code is checked and the order shown" wait_screen order order-film-ja 740 680 1220 745
touch_at 980 712 # write it
check "the disc is written, verified and the done screen shown" wait_screen done done-prepaid-ja
t=$(now)
while [ "$(reports_of "$ORDER" delivered)" -lt 1 ] && [ "$(since "$t" | cut -d. -f1)" -lt "$PATIENCE" ]; do
	sleep 3
done
check "one delivered report at the server" [ "$(reports_of "$ORDER" delivered)" -eq 1 ]
touch_at 1040 712 # end
python3 "$QMP" "$WORK/qmp.sock" quit 2>/dev/null
wait "$QEMU_PID" 2>/dev/null
QEMU_PID=""
# (the log is xorriso's alone: check's own TAP line must reach stdout)
check "the host reads the disc back: xorriso -check_md5 passes" \
	sh -c "xorriso -md5 on -indev '$WORK/disc.img' -check_md5 FAILURE -- >'$WORK/xorriso.log' 2>&1"
# the disc's files are the order's files (names hold spaces: no word splitting)
xorriso -osirrox on -indev "$WORK/disc.img" -extract / "$WORK/disc" >>"$WORK/xorriso.log" 2>&1
same=1
for f in "$DIR/prepared/$ORDER"/*.data; do
	find "$WORK/disc" -type f -exec cmp -s "$f" {} \; -print | grep -q . || same=0
done
check "every file of the order is on the disc, byte for byte" [ "$same" -eq 1 ]
echo "1..$T_NUM"
finish
