# The disc writer, checked by tools we did not write: xorriso reads every
# data image (tree, Rock Ridge and Joliet names, contents, MD5 tags), and
# libcdio's cd-info reads every audio CUE/BIN (tracks, lengths, CD-TEXT).
# Then the unlucky cases: wrong blank, too small, a write that fails
# mid-way, a damaged spool, a drive that is not there.
. "$TENPO_TOP/tests/lib.sh"

setup_world || { not_ok "init"; exit 1; }
start_server "$DIR" || { not_ok "server starts"; exit 1; }
SHOP="$DIR/shops/1001"
OUT="$WORK/discs"
mkdir -p "$OUT"

# order_ready TITLE MEDIA: places and syncs an order; sets ORDER and CODE
order_ready() {
	place --shop 1001 --user 4242 --title "$1" --media "$2" &&
		tenpo sync --config "$CONF" >/dev/null 2>&1 &&
		[ "$(state "$CONF" "$ORDER")" = ready ]
}

# names_of ORDER: the manifest's file names, one a line, and the stamp
names_of() {
	tenpo show --config "$CONF" "$1" | sed -n 's/^ *[0-9]* .... *[0-9]*  //p'
	echo TENPO-STAMP.JSON
}

# check_data_disc LABEL ORDER IMAGE: everything a reader of the disc sees
check_data_disc() {
	label=$1 id=$2 img=$3
	names_of "$id" | sort >"$WORK/want"
	xorriso -indev "stdio:$img" -ls / 2>/dev/null | sed "s/^'//; s/'\$//" | sort >"$WORK/rr"
	check "$label: Rock Ridge names are the manifest's" cmp -s "$WORK/want" "$WORK/rr"
	xorriso -read_fs norock -indev "stdio:$img" -ls / 2>/dev/null | sed "s/^'//; s/'\$//" | sort >"$WORK/joliet"
	check "$label: Joliet names are the manifest's" cmp -s "$WORK/want" "$WORK/joliet"
	rm -rf "$WORK/extract"
	xorriso -osirrox on -indev "stdio:$img" -extract / "$WORK/extract" >/dev/null 2>&1
	same=1
	for f in "$DIR/prepared/$id"/*.data; do
		idx=$(basename "$f" .data)
		name=$(tenpo show --config "$CONF" "$id" | awk -v i="$idx" '$1 == i { sub(/^ *[0-9]+ .... *[0-9]+  /, ""); print }')
		[ "$(sha256sum <"$f")" = "$(sha256sum <"$WORK/extract/$name")" ] || same=0
	done
	check "$label: every file's SHA-256 equals the order's" [ "$same" = 1 ]
	xorriso -md5 on -indev "stdio:$img" -check_md5 FAILURE -- >"$WORK/md5" 2>&1
	check "$label: xorriso -check_md5 passes" grep -q "session data match recorded md5" "$WORK/md5"
	tenpo check-disc --config "$CONF" --drive "stdio:$img" >"$WORK/stamp" 2>&1
	check "$label: the stamp verifies and names the customer" \
		grep -q "^user 4242" "$WORK/stamp"
	check "$label: the stamp names the order" grep -q "^order $id" "$WORK/stamp"
	check "$label: order reported" [ "$(state "$CONF" "$id")" = reported ]
	check "$label: the server has one delivered report" [ "$(reports_of "$id" delivered)" = 1 ]
	check "$label: the spool is erased" [ ! -e "$SHOP/spool/$id" ]
}

# --- data DVD: the film --------------------------------------------------------
order_ready film data-dvd || not_ok "film order ready"
tenpo pickup --config "$CONF" --drive "stdio:$OUT/film.iso" "$CODE" >"$WORK/pickup" 2>&1
check "data-dvd: pickup writes, verifies and reports" grep -q "^WRITTEN $ORDER .* verified" "$WORK/pickup"
check_data_disc data-dvd "$ORDER" "$OUT/film.iso"

# --- data CD: the album as files, Japanese names ----------------------------------
order_ready yoake data-cd || not_ok "album data order ready"
tenpo pickup --config "$CONF" --drive "stdio:$OUT/album.iso" "$CODE" >"$WORK/pickup" 2>&1
check "data-cd: pickup writes, verifies and reports" grep -q "^WRITTEN $ORDER" "$WORK/pickup"
check_data_disc data-cd "$ORDER" "$OUT/album.iso"

# --- audio CD: CUE/BIN with CD-TEXT ---------------------------------------------
order_ready yoake audio-cd || not_ok "audio order ready"
A=$ORDER
cp -r "$DIR/prepared/$A" "$WORK/tracks"   # the customer's copies, before the spool is erased
tenpo pickup --config "$CONF" --drive "stdio:$OUT/audio.bin" "$CODE" >"$WORK/pickup" 2>&1
check "audio-cd: pickup exports a CUE sheet" grep -q "^WRITTEN $A .*audio.cue" "$WORK/pickup"
(cd "$OUT" && cd-info --no-device-info --no-cddb --cue-file audio.cue) >"$WORK/cdinfo" 2>&1
check "audio-cd: cd-info sees 4 audio tracks" [ "$(grep -c '^ *[0-9]*: [0-9:]* *[0-9]* audio' "$WORK/cdinfo")" = 4 ]
# each track's length to the frame: the WAV's PCM frames, padded to a sector
lsns=$(sed -n 's/^ *[0-9]*: [0-9:]* *\([0-9]*\) *\(audio\|leadout\).*/\1/p' "$WORK/cdinfo" | tr '\n' ' ')
set -- $lsns
lengths_ok=1
for i in 0 1 2 3; do
	wav="$WORK/tracks/$i.data"
	frames=$(( $(od -A n -t u4 -j 40 -N 4 "$wav") / 4 ))
	sectors=$(( (frames + 587) / 588 ))
	start=$(awk -v n="$1" 'BEGIN { print n + 0 }')
	next=$(awk -v n="$2" 'BEGIN { print n + 0 }')
	gap=$([ "$i" -lt 3 ] && echo 150 || echo 0)
	[ $((next - start - gap)) -eq "$sectors" ] || { lengths_ok=0; echo "# track $((i + 1)): $((next - start - gap)) sectors, want $sectors"; }
	shift
done
check "audio-cd: every track's length matches its WAV to the sector" [ "$lengths_ok" = 1 ]
check "audio-cd: CD-TEXT album title" grep -q "TITLE: 夜明けの歌" "$WORK/cdinfo"
check "audio-cd: CD-TEXT performer" grep -q "PERFORMER: テンポ・アンサンブル" "$WORK/cdinfo"
check "audio-cd: CD-TEXT track titles" grep -q "Home Again" "$WORK/cdinfo"
check "audio-cd: reported" [ "$(state "$CONF" "$A")" = reported ]
check "audio-cd: the server has one delivered report" [ "$(reports_of "$A" delivered)" = 1 ]

# --- unlucky cases -------------------------------------------------------------
order_ready film data-dvd || not_ok "film order ready"
F=$ORDER
check_fails "a DVD order on a CD-R is refused in plain words" "Your order needs a DVD" \
	tenpo pickup --config "$CONF" --drive "stdio:$OUT/wrong.iso" --media cd-r "$CODE"
check "the order stays claimed" [ "$(state "$CONF" "$F")" = claimed ]
check "nothing was reported" [ "$(reports_of "$F" delivered)" = 0 ]

check_fails "a drive that is not there" "drive not found" \
	tenpo write --config "$CONF" --drive "stdio:$WORK/no/such/dir/x.iso" "$F"
check "the order stays claimed" [ "$(state "$CONF" "$F")" = claimed ]

if [ "$(id -u)" = 0 ] && mkdir -p "$WORK/small" && mount -t tmpfs -o size=4m tmpfs "$WORK/small" 2>/dev/null; then
	trap 'stop_server; umount "$WORK/small" 2>/dev/null' EXIT
	check_fails "an order larger than the blank is refused before writing" "this disc holds" \
		tenpo write --config "$CONF" --drive "stdio:$WORK/small/x.iso" "$F"
	umount "$WORK/small"
else
	ok "# SKIP too-small blank needs root and tmpfs"
fi

# a write that fails mid-way: the file system refuses the image's 4th MiB
# (a file size limit: deterministic, unlike racing a filler for the last byte)
( trap '' XFSZ; ulimit -f 6000; exec "$BIN/tenpo" write --config "$CONF" --drive "stdio:$OUT/broken.iso" "$F" ) \
	>"$WORK/write.out" 2>"$WORK/write.err"
rc=$?
check "a failed write fails (exit $rc): $(head -c 120 "$WORK/write.err")" [ "$rc" -ne 0 ]
check "after a failed write the order is claimed and retryable" [ "$(state "$CONF" "$F")" = claimed ]
check "the ruined blank is counted for staff" \
	[ "$(sqlite3 "$SHOP/tenpo.db" "SELECT value FROM counters WHERE name = 'ruined_blanks'")" -ge 1 ]
check "no success was reported" [ "$(reports_of "$F" delivered)" = 0 ]
check "the spool is intact" spool_matches "$F"
check "writing again succeeds" sh -c "'$BIN/tenpo' write --config '$CONF' --drive 'stdio:$OUT/again.iso' '$F' | grep -q '^WRITTEN'"

# a spool file damaged after download never reaches a disc
order_ready yoake data-cd || not_ok "album order ready"
D=$ORDER
printf 'X' | dd of="$SHOP/spool/$D/1.data" bs=1 seek=1000 conv=notrunc 2>/dev/null
check_fails "a damaged spool file is refused" "damaged" \
	tenpo pickup --config "$CONF" --drive "stdio:$OUT/damaged.iso" "$CODE"
check "the order is failed with the reason" [ "$(state "$CONF" "$D")" = failed ]
check "no image was written" [ ! -s "$OUT/damaged.iso" ]
tenpo refetch --config "$CONF" "$D" >/dev/null 2>&1
tenpo sync --config "$CONF" >/dev/null 2>&1
check "after refetch the order is downloaded again and ready" [ "$(state "$CONF" "$D")" = ready ]
check "and its spool is whole again" spool_matches "$D"

check "database consistent" db_consistent "$CONF"
finish
