# The appliance under software emulation (QEMU TCG): the image's weight and
# build time (make image's figures), then one run of images/check-qemu.sh,
# whose figures are the benchmark: power-on to the attract screen's first
# frame, power-on to the first order ready (its `received` report at the
# server), tenpo's peak RSS in the guest during a pickup (VmHWM), beside
# the guest's own view of its boot (systemd-analyze: kernel + userspace),
# which is the reference a boot time is read against.
. "$TENPO_TOP/tests/lib.sh"
IMG="$BIN/image"
[ -f "$IMG/tenpo.img" ] && [ -f "$IMG/figures" ] ||
	{ echo "   $IMG/tenpo.img is missing (make bench builds it)"; exit 1; }
sed 's/^/   image: /' "$IMG/figures"
log="$BIN/bench/appliance.log"
mkdir -p "$BIN/bench"
sh "$TENPO_TOP/images/check-qemu.sh" "$BIN" >"$log" 2>&1
rc=$?
fig() { sed -n "s/^# $1 //p" "$log" | tail -1; }
echo "   power-on to the attract screen (TCG): $(fig boot_to_attract_s) s"
echo "   power-on to the first order ready:    $(fig power_on_to_order_ready_s) s"
echo "   the guest's own count:                $(fig guest_systemd_analyze)"
echo "   tenpo in the guest after a pickup (peak, now anonymous, now file-backed): $(fig guest_tenpo_peak_rss_kib)"
[ "$rc" -eq 0 ] || echo "   (check-qemu failed: $log)"
