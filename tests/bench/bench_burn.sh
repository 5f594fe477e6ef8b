# Disc writing: Tenpo's path against xorriso, on the same trees, same disk,
# same run, three runs each (medians).
#
#   tenpo:   BUILD/burn_bench --author TREE X: the kiosk's own code — author's
#            libisofs image (Rock Ridge, Joliet, AAIP, session and file MD5
#            tags, its MD5 of the stream), burner_write_data() to the
#            pseudo-drive stdio:X (emulated DVD-R), burner_verify_data()
#            reading it back against author's MD5
#   xorriso: xorriso -md5 on -outdev stdio:X -map TREE / -commit, then
#            xorriso -md5 on -indev stdio:X -check_md5 FAILURE --
#            (-md5 on when writing too: without the MD5 tags -check_md5 has
#            nothing to compare and fails, see FACTS)
#   dd:      dd if=/dev/zero of=X bs=1M count=N conv=fdatasync, the disk's limit
#
# Trees: 700 MiB and 4000 MiB of random files (100 MiB each, 50 for the
# small one), or the largest the disk allows (stated).  MB/s is the image's
# bytes over write+verify time; CPU is user+system seconds per GB of image.
# Also printed, for reference: xorriso's plain write without MD5 tags (which
# nothing can then verify).
. "$TENPO_TOP/tests/lib.sh"
WORK="$BIN/bench/burn"
rm -rf "$WORK" && mkdir -p "$WORK"
BENCH="$BIN/burn_bench"
RUNS=${BENCH_RUNS:-3}
# e.g. BENCH_TENPO="--author --no-file-md5" to try the image without file MD5 tags
TENPO_FLAGS=${BENCH_TENPO:---author}

[ -x "$BENCH" ] || { echo "   $BENCH is missing (make bench builds it)"; exit 1; }
command -v xorriso >/dev/null || { echo "   xorriso is not installed"; exit 1; }

median() { sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
now() { date +%s.%N; }
mb_s() { awk -v b="$1" -v t="$2" 'BEGIN { printf "%.0f", b / 1e6 / t }'; }
row() { # LABEL BYTES SECONDS CPU_S_PER_GB
	printf '   %-44s %5s MB/s %6.1f s   CPU %4.1f s/GB\n' "$1" "$(mb_s "$2" "$3")" "$3" "$4"
}

# make_tree DIR MIB FILE_MIB
make_tree() {
	mkdir -p "$1"
	left=$2
	i=1
	while [ "$left" -gt 0 ]; do
		n=$3
		[ "$left" -lt "$n" ] && n=$left
		head -c "${n}M" /dev/urandom >"$1/part$i.bin" || return 1
		left=$((left - n))
		i=$((i + 1))
	done
}

# timed NAME COMMAND...: runs it under /usr/bin/time and appends its user+system
# seconds to $WORK/NAME.cpusum; the caller times the wall clock around it
timed() {
	name=$1
	shift
	/usr/bin/time -f '%U %S' -o "$WORK/$name.cpu" "$@" >"$WORK/$name.out" 2>"$WORK/$name.err" || {
		echo "   $name failed:"
		sed 's/^/      /' "$WORK/$name.err" | tail -5
		return 1
	}
	awk '{ s += $1 + $2 } END { print s }' "$WORK/$name.cpu" >>"$WORK/$name.cpusum"
}

bench_size() { # MIB FILE_MIB
	tree="$WORK/tree$1"
	make_tree "$tree" "$1" "$2" || { echo "   cannot make a $1 MiB tree"; return 1; }
	: >"$WORK/tenpo.times"
	: >"$WORK/xorriso.times"
	: >"$WORK/plain.times"
	for run in $(seq 1 "$RUNS"); do
		rm -f "$WORK/x.iso" "$WORK/t.iso"
		sync
		: >"$WORK/tenpo.cpusum"
		t0=$(now)
		# shellcheck disable=SC2086
		timed tenpo "$BENCH" $TENPO_FLAGS "$tree" "$WORK/t.iso" || return 1
		t1=$(now)
		tbytes=$(stat -c %s "$WORK/t.iso")
		echo "$t0 $t1 $(cat "$WORK/tenpo.cpusum")" >>"$WORK/tenpo.times"
		rm -f "$WORK/t.iso"
		sync

		: >"$WORK/xw.cpusum"
		: >"$WORK/xc.cpusum"
		t0=$(now)
		timed xw xorriso -md5 on -outdev "stdio:$WORK/x.iso" -map "$tree" / -commit || return 1
		timed xc xorriso -md5 on -indev "stdio:$WORK/x.iso" -check_md5 FAILURE -- || return 1
		t1=$(now)
		xbytes=$(stat -c %s "$WORK/x.iso")
		echo "$t0 $t1 $(cat "$WORK/xw.cpusum" "$WORK/xc.cpusum" | awk '{ s += $1 } END { print s }')" \
			>>"$WORK/xorriso.times"
		rm -f "$WORK/x.iso"
		sync

		: >"$WORK/xp.cpusum"
		t0=$(now)
		timed xp xorriso -outdev "stdio:$WORK/x.iso" -map "$tree" / -commit || return 1
		t1=$(now)
		echo "$t0 $t1 $(cat "$WORK/xp.cpusum")" >>"$WORK/plain.times"
		pbytes=$(stat -c %s "$WORK/x.iso")
		rm -f "$WORK/x.iso"
	done
	t=$(awk '{ print $2 - $1 }' "$WORK/tenpo.times" | median)
	x=$(awk '{ print $2 - $1 }' "$WORK/xorriso.times" | median)
	p=$(awk '{ print $2 - $1 }' "$WORK/plain.times" | median)
	tc=$(awk -v b="$tbytes" '{ print $3 / (b / 1e9) }' "$WORK/tenpo.times" | median)
	xc=$(awk -v b="$xbytes" '{ print $3 / (b / 1e9) }' "$WORK/xorriso.times" | median)
	pc=$(awk -v b="$pbytes" '{ print $3 / (b / 1e9) }' "$WORK/plain.times" | median)
	rm -f "$WORK/dd.out"
	sync
	d=$(dd if=/dev/zero of="$WORK/dd.out" bs=1M count="$1" conv=fdatasync 2>&1 |
		awk '/copied/ { for (i = 1; i <= NF; i++) if ($i == "s,") print $(i - 1) }')
	rm -f "$WORK/dd.out"
	echo "   tree: $1 MiB ($(ls "$tree" | wc -l) files), image $tbytes bytes, $RUNS runs, medians"
	row "tenpo $TENPO_FLAGS, write+verify" "$tbytes" "$t" "$tc"
	row "xorriso -md5 on, write+check_md5" "$xbytes" "$x" "$xc"
	echo "   ratio tenpo/xorriso: $(awk -v a="$x" -v b="$t" 'BEGIN { printf "%.2f", a / b }')"
	row "(xorriso plain write: no MD5, unverifiable)" "$pbytes" "$p" "$pc"
	echo "   dd bs=1M conv=fdatasync (the disk): $(mb_s "$(($1 * 1048576))" "$d") MB/s"
	rm -rf "$tree"
}

free_mb=$(df -Pm "$WORK" | awk 'NR == 2 { print $4 }')
BIG=${BENCH_BIG_MB:-4000}
# a tree, two images at a time at most (ours and xorriso's are removed
# before the next), the dd file: 3 times the tree and a margin
if [ $(((free_mb - 500) / 3)) -lt "$BIG" ]; then
	BIG=$(((free_mb - 500) / 3))
	echo "   disk is tight: the big tree is $BIG MiB instead of 4000"
fi
echo "   -- 700 MiB (a CD's worth)"
bench_size 700 50 || exit 1
if [ "$BIG" -gt 700 ]; then
	echo "   -- $BIG MiB (a DVD's worth)"
	bench_size "$BIG" 100 || exit 1
fi
rm -rf "$WORK"
