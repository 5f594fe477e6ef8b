#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
#
# images/check-qemu-power.sh BUILD_DIR: power cuts of the appliance (part of
# `make check-qemu`).  The VM is killed without warning — QMP quit and
# SIGKILL of QEMU in turn, the disks' caching left at QEMU's default, so
# that what the guest had not flushed is lost — at random moments while an
# order downloads, while its disc is written and while its delivery is
# reported, in rounds of three:
#
#   download  the order placed, its first bytes sent (the server's log),
#             then a random 0-8 s (the server sends 2 MB/s: the 19 MB
#             album takes about 10 s)
#   write     the code typed by touches, "write it", the disc writer's
#             first bytes (QMP query-blockstats), then a random 0-15 s
#             (the writer takes 1 MiB/s: 19 s for the album)
#   report    the code again (the restart released the cut write's order), the
#             disc written and verified; the order carries the server's
#             late-ack fault, which records the delivered report and
#             answers 8 s later: the cut comes at a random 0-6 s after the
#             record, when the server has the report and the kiosk does
#             not know it
#
# TENPO_POWER_CUTS (default 10) cuts; the seed of the moments is printed
# (TENPO_POWER_SEED replays them).  After each reboot, from the host, with
# the serial console, QMP and the server's records: the attract screen
# comes back; `tenpo audit` in the guest passes (PRAGMA integrity_check and
# foreign keys, the state and log agree, no order written twice, at most one
# delivered report per order, no content left for an order whose content
# is gone); every order the server has a `received` report for is in the
# kiosk and past READY (no order lost); the server has at most one
# delivered report per order and never refused a second one (none reported
# twice).  At the end every order whose report was cut ends delivered once,
# its report sent again under the same report_id, and the disc in the
# writer reads back whole.
#
# TAP lines; logs, serial logs (one a boot) and screenshots in
# BUILD_DIR/it/check-qemu-power/.
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

CUTS=${TENPO_POWER_CUTS:-10}
SEED=${TENPO_POWER_SEED:-$(date +%s)}
echo "# power cuts: $CUTS, seed $SEED (TENPO_POWER_SEED=$SEED replays the moments)"

# moment N MAX: cut N's random delay, 0..MAX seconds
moment() { awk -v s="$SEED" -v n="$1" -v m="$2" 'BEGIN { srand(s + n * 7919); printf "%.1f", rand() * m }'; }

DIR="$WORK/world"
cp -a "$IMG/world" "$DIR"
start_server "$DIR" --throttle 2000000 || bail "the delivery server did not start: $WORK/server.log"
vm_disks

ORDERS=""  # every order placed, in order
CUT=0      # cuts so far
LOST=0     # cuts that did not land where aimed (the phase had ended)

# power_cut PHASE: the power cut, QMP quit and SIGKILL in turn
power_cut() {
	CUT=$((CUT + 1))
	mode=quit
	[ $((CUT % 2)) -eq 0 ] && mode=kill
	vm_cut "$mode"
	echo "# cut $CUT: $1, $mode, $(since "$VM_T0") s after power-on"
}

# guest_orders: "ID STATE" a line, the guest's whole queue (tenpo orders)
guest_orders() {
	go_n=$(date +%s%N)
	type_line "runuser -u tenpo -- tenpo orders --config /etc/tenpo/tenpo.conf | awk '{ print \"TENPO_OR\"\"DER_$go_n\", \$1, \$2 }'; echo TENPO_ORDERS""_DONE_$go_n"
	wait_serial "TENPO_ORDERS_DONE_$go_n" || return 1
	serial_lines | sed -n "s/^TENPO_ORDER_$go_n //p"
}

# after_cut: the checks after a reboot that follows a cut
after_cut() {
	check "cut $CUT: the kiosk boots to the attract screen again" wait_screen "boot-$BOOTS" attract-ja
	check "cut $CUT: the serial console answers" shell_up
	audit=$(guest_audit)
	check "cut $CUT: tenpo audit passes in the guest ($(echo "$audit" | tail -1))" \
		sh -c "echo '$audit' | grep -q '^audit: ok: '"
	# the server's view first: an order it had a received report for was
	# READY in the kiosk before (the report is queued in that transaction)
	seen=""
	for o in $ORDERS; do
		[ "$(reports_of "$o" received)" -ge 1 ] && seen="$seen $o"
	done
	guest_orders >"$WORK/guest-orders" || echo "# cut $CUT: no order list from the guest"
	lost=""
	for o in $seen; do
		s=$(awk -v o="$o" '$1 == o { print $2 }' "$WORK/guest-orders")
		case "$s" in "" | announced | downloading) lost="$lost $o:${s:-missing}" ;; esac
	done
	check "cut $CUT: no order lost (every order the server saw received is in the kiosk, past ready)${lost:+:$lost}" \
		[ -z "$lost" ]
	twice=""
	for o in $ORDERS; do
		[ "$(reports_of "$o" delivered)" -le 1 ] || twice="$twice $o"
	done
	grep -q "was delivered already" "$WORK/server.log" && twice="$twice (a second delivered report refused)"
	check "cut $CUT: none reported twice (the server's records)${twice:+:$twice}" [ -z "$twice" ]
}

# wait_blockwrites: until the disc writer has taken its first bytes
wait_blockwrites() {
	wb_t=$(now)
	while [ "$(python3 "$QMP" "$WORK/qmp.sock" wr-bytes disc 2>/dev/null || echo 0)" -eq 0 ]; do
		[ "$(since "$wb_t" | cut -d. -f1)" -lt "$PATIENCE" ] || return 1
		kill -0 "$QEMU_PID" 2>/dev/null || return 1
		sleep 0.5
	done
}

vm_start
phase=download
while [ "$CUT" -lt "$CUTS" ]; do
	n=$((CUT + 1))
	case $phase in
	download)
		place --shop 1001 --user $((30000 + n)) --title yoake --media data-cd --fault late-ack ||
			bail "no order placed"
		O=$ORDER OCODE=$CODE
		ORDERS="$ORDERS $O"
		if wait_log "order $O file [0-9]+: sending bytes"; then
			sleep "$(moment "$n" 8)"
			[ "$(reports_of "$O" received)" -eq 0 ] || LOST=$((LOST + 1))
		else
			not_ok "cut $n: the order's download began (see $WORK/server.log)"
		fi
		power_cut download
		phase=write
		;;
	write)
		wait_reports "$O" received 1
		check "cut $n: the order cut while downloading is ready after the reboot" \
			[ "$(reports_of "$O" received)" -eq 1 ]
		grep "order $O file [0-9]*: sending bytes [1-9]" "$WORK/server.log" | sed 's/.*: order/# resumed: order/'
		if enter_code "w$n" "$OCODE"; then
			touch_at 980 712 # write it
			if wait_blockwrites; then
				sleep "$(moment "$n" 15)"
			else
				not_ok "cut $n: the disc writer took no bytes"
			fi
		else
			not_ok "cut $n: the order screen by touches (see $SHOTS/w$n-*.ppm)"
		fi
		power_cut write
		phase=report
		;;
	report)
		check "cut $n: the cut write's order is ready for its code again (the guest's database)" \
			[ "$(guest_state "$O")" = ready ]
		if enter_code "r$n" "$OCODE"; then
			touch_at 980 712 # write it
			if wait_log "order $O: fault late-ack"; then
				sleep "$(moment "$n" 6)"
			else
				not_ok "cut $n: the delivered report reached the server (see $WORK/server.log)"
			fi
		else
			not_ok "cut $n: the order screen by touches (see $SHOTS/r$n-*.ppm)"
		fi
		power_cut report
		phase=download
		;;
	esac
	vm_start
	after_cut
done
echo "# cuts that came after their phase had ended: $LOST"

# the end: every order whose report was cut is delivered once, the same
# report sent again; the rest are where the last cut left them
for o in $ORDERS; do
	posts=$("$BIN/tenpo-delivery" reports "$DIR" | awk -v o="$o" '$2 == o && $3 == "delivered" { sub("posts=", "", $5); print $5 }')
	if [ -n "$posts" ]; then
		wait_reports "$o" delivered 1
		check "order $o: one delivered report, sent $posts times under one report_id" \
			[ "$(reports_of "$o" delivered)" -eq 1 -a "$posts" -ge 2 ]
		check "order $o: reported in the kiosk" [ "$(guest_state "$o")" = reported ]
	fi
done
check "the guest's database passes tenpo audit at the end" guest_audit
vm_cut quit
# the last disc written whole is in the writer: the host reads it back
check "the host reads the last disc back: xorriso -check_md5 passes" \
	sh -c "xorriso -md5 on -indev '$WORK/disc.img' -check_md5 FAILURE -- >'$WORK/xorriso.log' 2>&1"
echo "1..$T_NUM"
finish
