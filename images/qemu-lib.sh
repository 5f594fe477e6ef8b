# SPDX-License-Identifier: GPL-2.0-or-later
#
# images/qemu-lib.sh: the host's hands and eyes on the appliance VM, shared
# by the appliance tests (check-qemu.sh, check-qemu-power.sh) and the
# appliance benchmark (bench-qemu.sh).  Sourced after tests/lib.sh, which
# sets WORK; the caller sets TOP, IMG (the image's folder) and PORT (the
# reference server's, on the host's loopback).
#
# The VM: the image on a qcow2 overlay ($WORK/disk.qcow2, QEMU's default
# caching: what the guest has not flushed is lost at a power cut, as on a
# real kiosk), a blank's worth of virtio disk as the disc writer
# ($WORK/disc.img, drive id "disc"), QMP on $WORK/qmp.sock, the serial
# console (root's shell: the engineer's) on $WORK/serial.sock and logged to
# $WORK/serial.log, one log a boot (the earlier ones kept as
# serial-boot-N.log).  The guest reaches nothing but the server, through
# QEMU's user network (netdev "net0", restrict=on, one guestfwd).
#
# Waits give up after PATIENCE seconds each (TENPO_QEMU_PATIENCE, default
# 900): a hang guard, not a performance limit — TCG on a shared machine is
# slow, and a test never fails for being slow.

QMP="$TOP/images/qmp.py"
PATIENCE=${TENPO_QEMU_PATIENCE:-900}
SHOTS="$WORK/shots"
QEMU_PID=""
BOOTS=0
mkdir -p "$SHOTS"

now() { date +%s.%N; }
since() { echo "$(now) $1" | awk '{ printf "%.1f", $1 - $2 }'; }

# vm_disks: a fresh overlay on the image, and a blank CD-R's size of disc
vm_disks() {
	rm -f "$WORK/disk.qcow2" "$WORK/disc.img"
	qemu-img create -q -f qcow2 -b "$IMG/tenpo.img" -F raw "$WORK/disk.qcow2"
	truncate -s $((360000 * 2048)) "$WORK/disc.img"
}

# vm_start: powers the VM on (QEMU_PID, VM_T0).  The disc writer's writes
# are throttled to 1 MiB/s, about a 7x CD, so that a test can act while a
# disc is being written rather than after.
vm_start() {
	BOOTS=$((BOOTS + 1))
	[ -f "$WORK/serial.log" ] && mv "$WORK/serial.log" "$WORK/serial-boot-$((BOOTS - 1)).log"
	rm -f "$WORK/qmp.sock" "$WORK/serial.sock"
	VM_T0=$(now)
	qemu-system-x86_64 -accel tcg -cpu max -m 1536 -smp 2 -name tenpo-check \
		-drive "file=$WORK/disk.qcow2,if=virtio,format=qcow2" \
		-drive "id=disc,file=$WORK/disc.img,if=virtio,format=raw,throttling.bps-write=1048576" \
		-vga std -device qemu-xhci -device usb-tablet \
		-device i6300esb -action watchdog=reset \
		-netdev "user,id=net0,restrict=on,guestfwd=tcp:10.0.2.100:8443-cmd:socat - TCP:127.0.0.1:$PORT" \
		-device virtio-net-pci,netdev=net0 \
		-display none \
		-chardev "socket,id=ser0,path=$WORK/serial.sock,server=on,wait=off,logfile=$WORK/serial.log" \
		-serial chardev:ser0 \
		-qmp "unix:$WORK/qmp.sock,server=on,wait=off" 2>>"$WORK/qemu.log" &
	QEMU_PID=$!
	for _ in $(seq 1 100); do [ -S "$WORK/qmp.sock" ] && break; sleep 0.1; done
}

# vm_cut [quit|kill]: the power cut.  quit: QMP quit, QEMU exits at once;
# kill: SIGKILL of QEMU.  Neither lets the guest flush anything.
vm_cut() {
	[ -n "$QEMU_PID" ] || return 0
	if [ "${1:-quit}" = kill ]; then
		kill -KILL "$QEMU_PID" 2>/dev/null
	else
		python3 "$QMP" "$WORK/qmp.sock" quit 2>/dev/null || kill -KILL "$QEMU_PID" 2>/dev/null
	fi
	wait "$QEMU_PID" 2>/dev/null
	QEMU_PID=""
}

# shot NAME: a screendump to $SHOTS/NAME.ppm
shot() { python3 "$QMP" "$WORK/qmp.sock" screendump "$SHOTS/$1.ppm"; }

# wait_screen NAME REF [X0 Y0 X1 Y1]: screendumps until one is within
# tolerance of tests/ui/ref/REF.png (in that rectangle, when given); 0 when
# it came, 1 when patience ran out or the VM is gone
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

# type_line LINE: a command line for the root shell on the serial console
type_line() { python3 "$QMP" type "$WORK/serial.sock" "$1"; }

# serial_lines: this boot's serial log, a line per carriage return or
# newline, the terminal's escape sequences (bash's bracketed paste) taken out
serial_lines() {
	tr '\r' '\n' <"$WORK/serial.log" | sed 's/\x1b\[[0-9;?]*[a-zA-Z]//g'
}

# guest_file GUEST_PATH HOST_FILE: a guest file's bytes to the host, as
# base64 on the serial console.  Under TCG the guest's UART now and then
# doubles a character, so each line comes with its number and its cksum,
# a line is kept from whichever try brought it whole, and the file is
# checked against the guest's SHA-256; up to 4 tries, 0 when it matched
guest_file() {
	gf_dir="$WORK/guest_file.d"
	rm -rf "$gf_dir" && mkdir -p "$gf_dir" || return 1
	for gf_try in 1 2 3 4; do
		gf_n=$(date +%s%N)
		type_line "echo TENPO_F\"\"ILE_$gf_n; i=0; base64 -w 76 $1 | while read -r l; do i=\$((i + 1)); echo \"L\$i \$l \$(printf %s \"\$l\" | cksum | cut -d' ' -f1)\"; done; echo TENPO_S\"\"UM_$gf_n=\$(sha256sum <$1 | cut -c1-64)/\$(base64 -w 76 $1 | wc -l)"
		# a marker spoilt on the way is waited for 2 minutes, not $PATIENCE s
		gf_patience=$PATIENCE PATIENCE=120
		wait_serial "^TENPO_SUM_$gf_n=[0-9a-f]+/[0-9]+\$"
		gf_rc=$? PATIENCE=$gf_patience
		[ "$gf_rc" -eq 0 ] || continue
		gf_end=$(serial_lines | sed -n "s/^TENPO_SUM_$gf_n=//p" | tail -1)
		serial_lines | sed -n "/^TENPO_FILE_$gf_n\$/,/^TENPO_SUM_$gf_n=/p" |
			grep -E '^L[0-9]+ [A-Za-z0-9+/=]+ [0-9]+$' >"$gf_dir/try" || :
		while read -r gf_k gf_l gf_c; do
			[ "$(printf %s "$gf_l" | cksum | cut -d' ' -f1)" = "$gf_c" ] &&
				printf '%s\n' "$gf_l" >"$gf_dir/${gf_k#L}"
		done <"$gf_dir/try"
		gf_i=1 gf_whole=1
		: >"$2.b64"
		while [ "$gf_i" -le "${gf_end#*/}" ]; do
			[ -f "$gf_dir/$gf_i" ] || { gf_whole=0; break; }
			cat "$gf_dir/$gf_i" >>"$2.b64"
			gf_i=$((gf_i + 1))
		done
		if [ "$gf_whole" -eq 1 ]; then
			base64 -d <"$2.b64" >"$2" 2>/dev/null &&
				[ "$(sha256sum <"$2" | cut -c1-64)" = "${gf_end%/*}" ] && return 0
		fi
		echo "# $1: not all of it reached the host whole yet (try $gf_try)"
	done
	return 1
}

# wait_serial PATTERN: 0 when an extended regex PATTERN is in this boot's
# serial log, 1 when patience ran out (the typed line's echo must not match
# it: a marker holds what only the guest's shell expands)
wait_serial() {
	wr_t=$(now)
	while [ "$(since "$wr_t" | cut -d. -f1)" -lt "$PATIENCE" ]; do
		serial_lines | grep -Eq "$1" && return 0
		kill -0 "$QEMU_PID" 2>/dev/null || return 1
		sleep 2
	done
	return 1
}

# shell_up: 0 once the serial console's root shell answers
shell_up() {
	type_line ""
	type_line "echo TENPO_SHELL_UP_\$((6 * 7))_$BOOTS"
	wait_serial "TENPO_SHELL_UP_42_$BOOTS"
}

# guest_audit: `tenpo audit` in the guest, as the kiosk's user (a root
# process must not make the database's WAL files); prints its line, and
# returns 0 when it passed
guest_audit() {
	ga_n=$(date +%s%N) # unique per call: callers run it in $(...)
	type_line "runuser -u tenpo -- tenpo audit --config /etc/tenpo/tenpo.conf 2>&1 | sed 's/^/TENPO_AU''DIT_$ga_n /'; echo TENPO_AUDIT""_DONE_$ga_n"
	wait_serial "TENPO_AUDIT_DONE_$ga_n" || { echo "audit: no answer on the serial console"; return 1; }
	serial_lines | sed -n "s/^TENPO_AUDIT_$ga_n //p" | head -3
	serial_lines | grep -q "^TENPO_AUDIT_$ga_n audit: ok: "
}

# guest_state ORDER: the order's state in the guest's database (tenpo show)
guest_state() {
	gs_n=$(date +%s%N)
	type_line "echo TENPO_ST\"\"ATE_$gs_n=\$(runuser -u tenpo -- tenpo show --config /etc/tenpo/tenpo.conf $1 | awk '\$1 == \"state\" { print \$2 }')"
	wait_serial "^TENPO_STATE_$gs_n=[a-z-]+\$" || return 1 # awaiting-payment
	serial_lines | sed -n "s/^TENPO_STATE_$gs_n=//p" | tail -1
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

# keypads: the code screen's (tests/ui/ref/code-empty-ja.png) and the staff
# PIN's (staff-pin-ja.png)
digit_xy() {
	case $1 in
	0) echo "1019 692" ;;
	*) echo "$(( 868 + ($1 - 1) % 3 * 151 )) $(( 258 + ($1 - 1) / 3 * 145 ))" ;;
	esac
}
pin_xy() {
	case $1 in
	0) echo "1004 684" ;;
	*) echo "$(( 843 + ($1 - 1) % 3 * 161 )) $(( 201 + ($1 - 1) / 3 * 161 ))" ;;
	esac
}

# enter_code NAME CODE: from the attract screen to the order screen, by
# touches; 0 when the order screen came
enter_code() {
	# a press on a busy TCG guest can be lost, or answered late: start is
	# pressed again only while the attract screen is still showing
	ec_t=$(now)
	until shot "$1-code" 2>/dev/null &&
		python3 "$QMP" compare "$SHOTS/$1-code.ppm" "$TOP/tests/ui/ref/code-empty-ja.png" 16 0.02 >/dev/null 2>&1; do
		[ "$(since "$ec_t" | cut -d. -f1)" -lt "$PATIENCE" ] || return 1
		kill -0 "$QEMU_PID" 2>/dev/null || return 1
		if python3 "$QMP" compare "$SHOTS/$1-code.ppm" "$TOP/tests/ui/ref/attract-ja.png" 16 0.02 >/dev/null 2>&1; then
			touch_at 640 704 # start
			sleep 10
		else
			sleep 3
		fi
	done
	for dg in $(echo "$2" | tr -d -- '-' | sed 's/./& /g'); do
		touch_at $(digit_xy "$dg")
	done
	wait_settled "$1-code-typed"
	touch_at 517 712 # next
	# the order screen: its "write it" button (the film's reference has the same)
	wait_screen "$1-order" order-film-ja 740 680 1220 745
}

# wait_reports ORDER KIND N: until the server has recorded N reports of
# KIND for ORDER (or patience ran out); then compare yourself
wait_reports() {
	wp_t=$(now)
	while [ "$(reports_of "$1" "$2")" -lt "$3" ] && [ "$(since "$wp_t" | cut -d. -f1)" -lt "$PATIENCE" ]; do
		sleep 3
	done
}

# wait_log PATTERN: until the server's log has a line matching it
wait_log() {
	wl_t=$(now)
	until grep -Eq "$1" "$WORK/server.log"; do
		[ "$(since "$wl_t" | cut -d. -f1)" -lt "$PATIENCE" ] || return 1
		kill -0 "$QEMU_PID" 2>/dev/null || return 1
		sleep 0.5
	done
}

# staff_pin NAME: the staff corner held until the PIN pad shows; 0 when it
# came.  A hold gets three tries, each watched for a minute: under TCG the
# first press after boot is sometimes lost (the guest's evdev has the whole
# press, the UI sees none of it; not understood yet, README "Status"), and
# staff at a real kiosk would simply hold again.
staff_pin() {
	for sp_try in 1 2 3; do
		python3 "$QMP" "$WORK/qmp.sock" hold 12 12 4
		sp_t=$(now)
		while [ "$(since "$sp_t" | cut -d. -f1)" -lt 60 ]; do
			kill -0 "$QEMU_PID" 2>/dev/null || return 1
			if shot "$1" 2>/dev/null && python3 "$QMP" compare "$SHOTS/$1.ppm" \
				"$TOP/tests/ui/ref/staff-pin-ja.png" 16 0.02 0 0 1280 100 >/dev/null 2>&1; then
				[ "$sp_try" -eq 1 ] || echo "# the PIN pad came at hold $sp_try"
				return 0
			fi
			sleep 3
		done
	done
	return 1
}

# open_staff_menu NAME: the corner held, the image's staff PIN (2468)
# typed, signed in; 0 when the staff menu shows
open_staff_menu() {
	staff_pin "$1-pin" || return 1
	for sm_dg in 2 4 6 8; do touch_at $(pin_xy "$sm_dg"); done
	touch_at 500 712 # log in
	wait_screen "$1-menu" staff-menu-ja 0 0 760 100
}
