#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
#
# images/check-qemu-offline.sh BUILD_DIR: the appliance without its network
# (`make check-qemu`; not yet in `make check`: see the README's status).  An
# order fetched ahead, then the cable out (QMP set_link): the pickup works,
# the delivered report waits in the outbox (tenpo audit on the serial
# console), the staff network screen says the server cannot be reached;
# the cable back in, the report reaches the server once.
#
# TAP lines; logs and screenshots in BUILD_DIR/it/check-qemu-offline/.
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

DIR="$WORK/world"
cp -a "$IMG/world" "$DIR"
start_server "$DIR" || bail "the delivery server did not start: $WORK/server.log"
vm_disks
vm_start
check "boot to the attract screen" wait_screen boot attract-ja
check "the serial console gives root a shell" shell_up

# an order fetched ahead, then the cable out (QMP set_link): the
# pickup works, the delivered report waits in the outbox, the staff network
# screen says the server cannot be reached; the cable back in, the report goes
place --shop 1001 --user 13579 --title film --media data-cd || bail "no order placed"
ORDER2=$ORDER CODE2=$CODE
wait_reports "$ORDER2" received 1
check "offline: the order reached the kiosk first" [ "$(reports_of "$ORDER2" received)" -eq 1 ]
python3 "$QMP" "$WORK/qmp.sock" set-link net0 off
check "offline: the code is checked and the order shown" enter_code offline "$CODE2"
touch_at 980 712 # write it
check "offline: the disc is written and the done screen shown" \
	wait_screen offline-done done-prepaid-no-receipt-ja
touch_at 1040 712 # end
check "offline: the attract screen again" wait_screen offline-ended attract-ja
check "offline: the order is erased, its report not sent (the guest's database)" [ "$(guest_state "$ORDER2")" = erased ]
audit=$(guest_audit)
echo "$audit" | sed 's/^/# /'
check "offline: the delivered report waits in the outbox (tenpo audit: 1 waiting)" \
	sh -c "echo '$audit' | grep -q 'audit: ok: .* 1 reports waiting'"
check "offline: the server has no delivered report for it" [ "$(reports_of "$ORDER2" delivered)" -eq 0 ]
# the staff network screen: the corner held, the PIN, the network tile
check "offline: holding the staff corner asks for the PIN" staff_pin staff-pin
for dg in 2 4 6 8; do touch_at $(pin_xy "$dg"); done
touch_at 500 712 # log in
check "offline: the PIN opens the staff menu" wait_screen staff-menu staff-menu-ja 0 0 760 100
touch_at 638 385 # network and TLS
check "offline: the staff network screen says the server cannot be reached" \
	wait_screen staff-net-down staff-network-down-ja 40 128 760 200
python3 "$QMP" "$WORK/qmp.sock" set-link net0 on
wait_reports "$ORDER2" delivered 1
check "offline: the cable back in, the delivered report reaches the server, once" \
	[ "$(reports_of "$ORDER2" delivered)" -eq 1 ]
check "offline: the staff network screen says the server is reachable again" \
	wait_screen staff-net-up staff-network-ja 40 128 760 200
check "the guest's database passes tenpo audit at the end" guest_audit
vm_cut quit
echo "1..$T_NUM"
finish
