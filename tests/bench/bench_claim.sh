# Code entry with 100 000 orders stored: claim_by_code() with a wrong and a
# right code on a real store (BUILD/claim_bench), against what trying every
# stored order's PBKDF2 (the design before the pickup locator) costs: one
# PBKDF2 measured on its own, times the number of orders.
. "$TENPO_TOP/tests/lib.sh"
WORK="$BIN/bench/claim"
rm -rf "$WORK" && mkdir -p "$WORK"

[ -x "$BIN/claim_bench" ] || { echo "   $BIN/claim_bench is missing (make bench builds it)"; exit 1; }
line=$("$BIN/claim_bench" "$WORK" 100000) || exit 1
echo "   $line"
echo "$line" | awk '{ for (i = 1; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
	printf "   code entry, %s orders stored: wrong code %s ms, right code %s ms;" \
	       " one PBKDF2 per order would take %.1f s (ratio %.0f)\n",
	       v["orders"], v["wrong_ms"], v["right_ms"], v["scan_estimate_ms"] / 1000,
	       v["scan_estimate_ms"] / v["wrong_ms"] }'
rm -rf "$WORK"
