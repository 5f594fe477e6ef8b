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
#      restarts it (the attract screen again), the interrupted write is
#      recovered (the blank counted as ruined) and the order released to
#      READY, as for a customer who walked away: the code taken again and
#      the disc written once whole; never more than one `delivered` report;
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

bail() { echo "Bail out! $*"; exit 1; }
[ -f "$IMG/tenpo.img" ] || bail "$IMG/tenpo.img: run make image first"
command -v qemu-system-x86_64 >/dev/null || bail "qemu-system-x86_64 missing"
PORT=$(sed -n 's/^server *= *[^:]*:\([0-9]*\).*/\1/p' "$IMG/world/shops/1001/tenpo.conf")
. "$TOP/images/qemu-lib.sh"

stop_all() {
	vm_cut quit
	stop_server
}
trap stop_all EXIT

# the server: a fresh copy of the world whose shop the image is
DIR="$WORK/world"
cp -a "$IMG/world" "$DIR"
start_server "$DIR" || bail "the delivery server did not start: $WORK/server.log"
place --shop 1001 --user 24680 --title yoake --media data-cd || bail "no order placed"

# the VM (images/qemu-lib.sh: the disc writer's writes are throttled, so
# that scenario 3 kills tenpo while the disc is being written, not after)
vm_disks
vm_start
T0=$VM_T0

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
while [ "$(reports_of "$ORDER" received)" -lt 1 ] && [ "$(since "$T0" | cut -d. -f1)" -lt "$PATIENCE" ]; do
	sleep 1
done
READY_S=$(since "$T0")
check "the order reached the kiosk (a received report at the server)" [ "$(reports_of "$ORDER" received)" -eq 1 ]
echo "# power_on_to_order_ready_s $READY_S"

# 3. the first attempt: tenpo killed once the disc writer has taken writes
check "the serial console gives root a shell" shell_up
type_line "echo TENPO_ANA""LYZE \$(systemd-analyze | head -1)"
wait_serial '^TENPO_ANALYZE Startup finished' &&
	echo "# guest_systemd_analyze $(serial_lines | sed -n 's/^TENPO_ANALYZE Startup finished in //p' | tail -1)"
check "the first attempt reaches the order screen" enter_code first "$CODE"
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
check "the restart released the killed write's order: ready for its code again (the guest's database)" \
	[ "$(guest_state "$ORDER")" = ready ]
check "the code is checked and the order shown" enter_code again "$CODE"
touch_at 980 712 # write it
# no printer is plugged in here (check-qemu-periph has one): the done screen
# says the receipt could not be printed
check "the disc is written, verified and the done screen shown" \
	wait_screen done done-prepaid-no-receipt-ja
wait_reports "$ORDER" delivered 1
check "one delivered report at the server" [ "$(reports_of "$ORDER" delivered)" -eq 1 ]
type_line "echo TENPO_HW""M=\$(awk '/^(VmHWM|RssAnon|RssFile)/ { printf \"%s %s kB \", \$1, \$2 }' /proc/\$(systemctl show -p MainPID --value tenpo)/status)"
wait_serial '^TENPO_HWM=VmHWM: [0-9]+' &&
	echo "# guest_tenpo_peak_rss_kib $(serial_lines | sed -n 's/^TENPO_HWM=//p' | tail -1)"
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
# what the kiosk committed before each restart is still there
check "the order is reported in the guest's database, after both restarts" \
	[ "$(guest_state "$ORDER")" = reported ]

check "the guest's database passes tenpo audit at the end" guest_audit
vm_cut quit
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
