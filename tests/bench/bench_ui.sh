# The touchscreen: frame time and touch-to-frame latency on SDL's offscreen
# driver with the software renderer (no GPU here; a kiosk's GPU is faster).
# There is no other tool to compare against: the figures stand against the
# 16.7 ms of one 60 Hz frame.
BENCH="$TENPO_BUILD/ui_bench"
[ -x "$BENCH" ] || { echo "   $BENCH is missing (make bench builds it)"; exit 1; }
"$BENCH"
