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
#      the host reads back with xorriso -check_md5; one `delivered` report;
#   3. kill -9 of tenpo in the guest (typed on the serial console, root's)
#      while the first attempt at that pickup writes the disc: systemd
#      restarts it (the attract screen again), the order is back to CLAIMED
#      (handover_recover), the code taken again and the disc written once
#      whole; never more than one `delivered` report;
#   4. a hung kiosk (kill -STOP, on the code screen): the watchdog
#      (WatchdogSec) gets it restarted, the attract screen returns; the
#      journal says why (read on the serial console).
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

# type LINE: a command line for the root shell on the serial console
type_line() { python3 "$QMP" type "$WORK/serial.sock" "$1"; }

# serial_lines: the serial log, a line per carriage return or newline, the
# terminal's escape sequences (bash's bracketed paste) taken out
serial_lines() {
	tr '\r' '\n' <"$WORK/serial.log" | sed 's/\x1b\[[0-9;?]*[a-zA-Z]//g'
}

# wait_serial PATTERN: 0 when an extended regex PATTERN is in the serial
# log, 1 when patience ran out (the typed line's echo must not match it: a
# marker holds what only the guest's shell expands)
wait_serial() {
	wr_t=$(now)
	while [ "$(since "$wr_t" | cut -d. -f1)" -lt "$PATIENCE" ]; do
		serial_lines | grep -Eq "$1" && return 0
		kill -0 "$QEMU_PID" 2>/dev/null || return 1
		sleep 2
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
# (its writes throttled to 1 MiB/s, about a 7x CD: scenario 3 kills tenpo
# while the disc is being written, not after)
qemu-img create -q -f qcow2 -b "$IMG/tenpo.img" -F raw "$WORK/disk.qcow2"
truncate -s $((360000 * 2048)) "$WORK/disc.img"
port=$(sed -n 's/^server *= *[^:]*:\([0-9]*\).*/\1/p' "$DIR/shops/1001/tenpo.conf")
T0=$(now)
qemu-system-x86_64 -accel tcg -cpu max -m 1536 -smp 2 -name tenpo-check \
	-drive "file=$WORK/disk.qcow2,if=virtio,format=qcow2" \
	-drive "file=$WORK/disc.img,if=virtio,format=raw,throttling.bps-write=1048576" \
	-vga std -device qemu-xhci -device usb-tablet \
	-device i6300esb -action watchdog=reset \
	-netdev "user,id=net0,restrict=on,guestfwd=tcp:10.0.2.100:8443-cmd:socat - TCP:127.0.0.1:$port" \
	-device virtio-net-pci,netdev=net0 \
	-display none \
	-chardev "socket,id=ser0,path=$WORK/serial.sock,server=on,wait=off,logfile=$WORK/serial.log" \
	-serial chardev:ser0 \
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

# enter_code NAME: the attract screen to the order screen, by touches
enter_code() {
	touch_at 640 704 # start
	wait_screen "$1-code" code-empty-ja || return 1
	for dg in $(echo "$CODE" | tr -d -- '-' | sed 's/./& /g'); do
		touch_at $(digit_xy "$dg")
	done
	wait_settled "$1-code-typed"
	touch_at 517 712 # next
	wait_screen "$1-order" order-film-ja 740 680 1220 745
}

# 3. the first attempt: tenpo killed once the disc writer has taken writes
type_line ""
type_line "echo TENPO_SHELL_UP_\$((6 * 7))"
check "the serial console gives root a shell" wait_serial 'TENPO_SHELL_UP_42'
check "the first attempt reaches the order screen" enter_code first
type_line "(until [ \$(awk '{print \$7}' /sys/block/vdb/stat) -gt 0 ]; do sleep 0.1; done; p=\$(systemctl show -p MainPID --value tenpo); kill -9 \$p; echo TENPO_KILL""ED pid \$p after \$(awk '{print \$7}' /sys/block/vdb/stat) sectors) &"
sleep 2
touch_at 980 712 # write it
check "kill -9 of tenpo during the disc's write (serial)" wait_serial 'TENPO_KILLED pid [0-9]+ after [0-9]+ sectors'
serial_lines | grep -Eo 'TENPO_KILLED pid [0-9]+ after [0-9]+ sectors' | sed 's/^/# /'
check "systemd restarts tenpo: the attract screen again" wait_screen restarted attract-ja
type_line "echo TENPO_RESTARTS=\$(systemctl show -p NRestarts --value tenpo) TENPO_""STATE=\$(systemctl is-active tenpo)"
check "systemd counts the restart, tenpo is active (serial)" wait_serial 'TENPO_RESTARTS=[1-9][0-9]* TENPO_STATE=active'
check "no delivered report for the killed write" [ "$(reports_of "$ORDER" delivered)" -eq 0 ]

# 2. (and 3.) the pickup, again from the start: the order is CLAIMED again
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

# 4. a hung kiosk: stopped on the code screen, the watchdog restarts it
check "the done screen's end returns to the attract screen" wait_screen ended attract-ja
touch_at 640 704 # start
check "a touch opens the code screen again" wait_screen hang-code code-empty-ja
type_line "p=\$(systemctl show -p MainPID --value tenpo); kill -STOP \$p; echo TENPO_STOP""PED pid \$p state \$(awk '{print \$3}' /proc/\$p/stat)"
check "kill -STOP of tenpo (serial)" wait_serial 'TENPO_STOPPED pid [0-9]+ state T'
HANG_T=$(now)
sleep 5
check "the stopped kiosk's screen stays (the code screen)" sh -c "python3 '$QMP' '$WORK/qmp.sock' screendump '$SHOTS/hung.ppm' && python3 '$QMP' compare '$SHOTS/hung.ppm' '$TOP/tests/ui/ref/code-empty-ja.png' 16 0.02 >/dev/null"
if wait_screen watchdog attract-ja; then
	ok "the watchdog gets the hung kiosk restarted: the attract screen in $(since "$HANG_T") s (WatchdogSec=30, RestartSec=2)"
else
	not_ok "the watchdog gets the hung kiosk restarted (see $SHOTS/watchdog.ppm, $WORK/serial.log)"
fi
type_line "journalctl -b -u tenpo --no-pager | grep -c 'Watchdog timeout' | sed 's/^/TENPO_WATCH""DOG=/'"
check "the journal says the watchdog timed out (serial)" wait_serial 'TENPO_WATCHDOG=[1-9]'
check "still one delivered report at the server, no second" [ "$(reports_of "$ORDER" delivered)" -eq 1 ]
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
