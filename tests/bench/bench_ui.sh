# The touchscreen and the kiosk as a whole.
#   1. frame time (median, 99th percentile) of the busiest screen and the
#      time from a touch to the frame that shows it, on SDL's offscreen
#      driver with the software renderer (BUILD/ui_bench);
#   2. the kiosk's peak memory (max RSS) over a whole scripted pickup of a
#      data DVD and of an audio CD: `tenpo run` with its core, sync, watermark
#      check, libisofs/libburn write and verify, against the reference server.
# There is no other kiosk to compare with: the figures stand against one
# 60 Hz frame (16.7 ms) and the 100 MB the issue allows.
. "$TENPO_TOP/tests/lib.sh"
WORK="$BIN/bench/ui"
rm -rf "$WORK" && mkdir -p "$WORK"

[ -x "$BIN/ui_bench" ] || { echo "   $BIN/ui_bench is missing (make bench builds it)"; exit 1; }
"$BIN/ui_bench" || exit 1

setup_world || exit 1
start_server "$DIR" || exit 1
conf_set "$CONF" drive "stdio:out/disc.iso"
for media in data-dvd audio-cd; do
	case $media in data-dvd) title=film blank=dvd-r ;; *) title=yoake blank=cd-r ;; esac
	place --shop 1001 --user 77 --title "$title" --media "$media" || exit 1
	"$BIN/tenpo" sync --config "$CONF" >/dev/null || exit 1
	conf_set "$CONF" pseudo_media "$blank"
	cat >"$WORK/pickup.script" <<SCRIPT
wait attract 60
tap start
wait code 60
type $CODE
tap submit
wait order 120
tap confirm-order
wait done 600
tap end
wait attract 60
quit
SCRIPT
	/usr/bin/time -f "%M %e" -o "$WORK/rss" "$BIN/tenpo" run --config "$CONF" --display offscreen \
		--script "$WORK/pickup.script" 2>"$WORK/run.err" || { cat "$WORK/run.err"; exit 1; }
	read -r kb secs <"$WORK/rss"
	bytes=$(sqlite3 "$(conf_get "$CONF" database)" "SELECT total_bytes FROM orders WHERE id = '$ORDER'")
	printf '   kiosk pickup (%s, %s bytes): peak memory %.1f MB (max RSS), %s s from start to attract\n' \
		"$media" "$bytes" "$(echo "$kb" | awk '{ print $1 / 1024 }')" "$secs"
done
