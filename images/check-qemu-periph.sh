#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
#
# images/check-qemu-periph.sh BUILD_DIR: the kiosk's USB peripherals in the
# appliance (part of `make check`).  Inside the guest the kernel's USB
# gadget stack plays the devices (dummy_hcd and configfs, through the
# image's /usr/lib/tenpo/gadgets): a keyboard scanner, a HID POS scanner and
# an ESC/POS receipt printer, found by the kiosk through libusb like any USB
# device.  From the host, with QMP, the serial console and the server's
# records only, it proves:
#
#   1. the kiosk binds the three gadgets (its journal);
#   2. a pickup code typed by the keyboard scanner enters the code, and the
#      order is shown (screendump); the disc is written, and what reached
#      the printer (/dev/g_printer0) is the receipt the kiosk kept, byte for
#      byte; on the host, the project's ESC/POS renderer draws those bytes
#      and zbarimg reads the order ID from the QR code;
#   3. an unpaid order, its code scanned as the QR payload by the HID POS
#      scanner: the kiosk prints a payment slip and will not write; staff
#      (the corner held, the PIN) confirm the payment by scanning the slip's
#      payload; the code again, the disc written, one delivered report
#      saying it was paid at the register;
#   4. the printer unplugged (the gadget unbound) before a receipt: the
#      customer is told there is none; after the printer is plugged back
#      in, staff reprint it from the peripherals page and it arrives.
#
# TAP lines; logs and screenshots in BUILD_DIR/it/check-qemu-periph/.
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

# guest_count PATTERN: lines of tenpo's journal (this boot) matching an
# extended regex
guest_count() {
	gc_n=$(date +%s%N)
	type_line "echo TENPO_CO\"\"UNT_$gc_n=\$(journalctl -b -u tenpo --no-pager -o cat | grep -Ec '$1')"
	wait_serial "^TENPO_COUNT_$gc_n=[0-9]+\$" || { echo 0; return 1; }
	serial_lines | sed -n "s/^TENPO_COUNT_$gc_n=//p" | tail -1
}
# wait_journal PATTERN [N]: until tenpo's journal has N (default 1) such lines
wait_journal() {
	wj_t=$(now)
	while [ "$(guest_count "$1")" -lt "${2:-1}" ]; do
		[ "$(since "$wj_t" | cut -d. -f1)" -lt "$PATIENCE" ] || return 1
		kill -0 "$QEMU_PID" 2>/dev/null || return 1
		sleep 3
	done
}
# guest_ok COMMAND: 0 when COMMAND (a root shell line) succeeds in the guest
guest_ok() {
	go_n=$(date +%s%N)
	type_line "if $1; then echo TENPO_OK_$go_n=yes; else echo TENPO_OK_$go_n=no; fi"
	wait_serial "^TENPO_OK_$go_n=(yes|no)\$" || return 1
	[ "$(serial_lines | sed -n "s/^TENPO_OK_$go_n=//p" | tail -1)" = yes ]
}
# wait_state ORDER STATE: until the guest's database has the order in STATE
wait_state() {
	wt_t=$(now)
	until [ "$(guest_state "$1")" = "$2" ]; do
		[ "$(since "$wt_t" | cut -d. -f1)" -lt "$PATIENCE" ] || return 1
		kill -0 "$QEMU_PID" 2>/dev/null || return 1
		sleep 3
	done
}
# printed KEPT [absent]: 0 when the document the kiosk kept at KEPT (a guest
# path, a glob) arrived whole at the printer's side (/run/printed.bin, which
# also holds the status queries around it); with "absent", 0 when it did
# not.  A document that is not kept at all fails both.
printed() {
	pr_want=0
	[ "${2:-}" = absent ] && pr_want=1
	guest_ok "sleep 5; perl -e 'local \$/; open(A, \"<:raw\", \$ARGV[0]) or exit 2; open(B, \"<:raw\", \$ARGV[1]) or exit 2; my (\$a, \$b) = (<A>, <B>); exit(!length(\$a) ? 2 : index(\$b, \$a) >= 0 ? 0 : 1)' $1 /run/printed.bin; [ \$? -eq $pr_want ]"
}
# qr_payload CODE: the pickup QR's payload for shop 1001 (firmware/scan_code.h)
qr_payload() {
	python3 -c "import sys; d=sys.argv[1].replace('-', ''); print('TENPO-P1-1001-%s-%02d' % (d, 98 - int('00001001' + d) * 100 % 97))" "$1"
}

# 1. the devices
type_line "/usr/lib/tenpo/gadgets up pos kbd printer && echo TENPO_GADGETS_\$((40 + 2))"
check "the guest's gadget stack plays a HID POS scanner, a keyboard scanner and a printer" \
	wait_serial "TENPO_GADGETS_42"
type_line "(/usr/lib/tenpo/gadgets printer /run/printed.bin >/run/printer-side.log 2>&1 &)"
check "the kiosk binds the printer (libusb, 1209:0003)" \
	wait_journal 'printer 1209:0003 attached'
check "the kiosk binds the keyboard scanner (1209:0002)" \
	wait_journal 'scanner 1209:0002 attached'
check "the kiosk binds the HID POS scanner (1209:0001)" \
	wait_journal 'scanner 1209:0001 attached'
check "the keyboard scanner's keystrokes reach no console (the kernel's driver let go)" \
	guest_ok "! grep -q 'Keyboard scanner' /proc/bus/input/devices"

# 2. a prepaid pickup, the code typed by the keyboard scanner
place --shop 1001 --user 24680 --title yoake --media data-cd || bail "no order placed"
ORDER1=$ORDER CODE1=$CODE
wait_reports "$ORDER1" received 1
type_line "/usr/lib/tenpo/gadgets type $CODE1"
check "the keyboard scanner's code is taken (one scan in the journal)" \
	wait_journal 'scan of 1[24] characters'
check "the scanned code shows the order" wait_screen scan-order order-film-ja 740 680 1220 745
touch_at 980 712 # write it
check "the disc is written and the done screen shown" wait_screen scan-done done-prepaid-ja
# what the printer got holds the receipt the kiosk kept, byte for byte (the
# capture has the status queries, DLE EOT, around it)
KEPT1="/var/lib/tenpo/out/receipts/*/$ORDER1-receipt.bin"
check "the receipt reached the printer: the bytes the kiosk kept for it" printed "$KEPT1"
# those bytes to the host (the serial console), drawn by the project's
# renderer, the QR code read by zbarimg
guest_file "$KEPT1" "$WORK/receipt.bin"
check "the host draws the printed receipt (tenpo receipt-preview)" \
	"$BUILD/tenpo" receipt-preview --config "$DIR/shops/1001/tenpo.conf" "$WORK/receipt.bin"
check "zbarimg reads the order ID from the printed receipt's QR code" \
	sh -c "zbarimg -q --raw '$WORK/receipt.bin.png' | grep -qx '$ORDER1'"
touch_at 1040 712 # end
wait_screen scan-ended attract-ja >/dev/null

# 3. an unpaid order: its QR code scanned, the slip printed, staff confirm
# the payment by scanning the slip, then the disc
place --shop 1001 --user 13579 --title film --media data-cd --unpaid || bail "no unpaid order placed"
ORDER2=$ORDER CODE2=$CODE
wait_reports "$ORDER2" received 1
type_line "/usr/lib/tenpo/gadgets scan $(qr_payload "$CODE2")"
check "the HID POS scanner's QR payload shows the unpaid order, to be paid first" \
	wait_screen unpaid-order order-pay-first-ja 720 665 1240 760
touch_at 980 712 # print the payment slip
check "the slip is printed: the customer is sent to the register" \
	wait_screen slip slip-printed-ja 200 190 1240 300
check "the order awaits payment (the guest's database)" wait_state "$ORDER2" awaiting-payment
KEPT2="/var/lib/tenpo/out/receipts/*/$ORDER2-slip.bin"
type_line "echo TENPO_SL\"\"IP=\$(grep -aoE 'TP[0-9]{16}$ORDER2' $KEPT2 | head -1)"
wait_serial "^TENPO_SLIP=TP" >/dev/null
SLIP=$(serial_lines | sed -n 's/^TENPO_SLIP=//p' | tail -1)
check "the printer got the slip, its payload ($SLIP) in it" \
	guest_ok "grep -aq '$SLIP' /run/printed.bin"
touch_at 1010 712 # back to the start
wait_screen slip-ended attract-ja >/dev/null
type_line "/usr/lib/tenpo/gadgets type $CODE2"
check "the code again before paying: still awaiting payment, nothing written" \
	wait_screen unpaid-again msg-awaiting-payment-ja 0 100 1280 660
touch_at 1010 712 # back to the start
wait_screen unpaid-again-ended attract-ja >/dev/null
check "staff: the corner held and the PIN open the staff menu" open_staff_menu periph-staff
type_line "/usr/lib/tenpo/gadgets scan $SLIP"
check "staff scan the slip: the payment is confirmed, the order ready again" \
	wait_state "$ORDER2" ready
check "the confirmation is in the staff log, with who took it" \
	guest_ok "sqlite3 -readonly /var/lib/tenpo/tenpo.db \"SELECT result FROM staff_log WHERE action = 'confirm-payment' AND order_id = '$ORDER2'\" | grep -q ok"
touch_at 1140 50 # log out
wait_screen staff-out attract-ja >/dev/null

# 4. the printer unplugged before the paid order's receipt: the customer is
# told there is none; plugged back in, it is found again
type_line "/usr/lib/tenpo/gadgets unplug printer && echo TENPO_UNPL\"\"UGGED"
wait_serial "^TENPO_UNPLUGGED" >/dev/null
check "the printer unplugged: the kiosk lets it go (the journal)" \
	wait_journal 'printer 1209:0003 (detached|gone|unplugged)'
type_line "/usr/lib/tenpo/gadgets type $CODE2"
check "the code again once paid: the order, to be written" \
	wait_screen paid-order order-film-ja 740 680 1220 745
touch_at 980 712 # write it
check "the paid order's disc is written; the customer is told no receipt could be printed" \
	wait_screen paid-done done-no-receipt-ja 0 100 1280 660
wait_reports "$ORDER2" delivered 1
check "one delivered report for the paid order" [ "$(reports_of "$ORDER2" delivered)" -eq 1 ]
check "its report says it was paid at the register" \
	sh -c "[ \"\$(sqlite3 '$DIR/server/server.db' \"SELECT count(*) FROM register_payments WHERE order_id = '$ORDER2' AND confirmed_at IS NOT NULL\")\" = 1 ]"
touch_at 1040 712 # end
wait_screen paid-ended attract-ja >/dev/null
# the printer's own side stops while it is unplugged and starts afresh once
# it is plugged in again, as a printer's firmware does (and as the kernel
# needs: see printer_side in the gadgets script)
type_line "pkill -f /dev/g_printer0; sleep 1; /usr/lib/tenpo/gadgets plug printer && (/usr/lib/tenpo/gadgets printer /run/printed.bin >>/run/printer-side.log 2>&1 &)"
check "the printer plugged back in: bound again" \
	wait_journal 'printer 1209:0003 attached' 2
# the receipt the customer missed, reprinted by staff from the
# peripherals page (today's documents, the newest first)
check "staff: the corner held and the PIN open the staff menu again" open_staff_menu periph-staff2
touch_at 232 562 # peripherals
sleep 5
shot periph-page
check "the receipt the printer missed is not in its capture" \
	printed "/var/lib/tenpo/out/receipts/*/$ORDER2-receipt.bin" absent
touch_at 971 241 # reprint the newest: the paid order's receipt
check "staff reprint it: the receipt the kiosk kept reaches the printer" \
	printed "/var/lib/tenpo/out/receipts/*/$ORDER2-receipt.bin"
touch_at 1140 50 # log out
wait_screen staff-out2 attract-ja >/dev/null
check "the guest's database passes tenpo audit at the end" guest_audit
vm_cut quit
echo "1..$T_NUM"
finish
