#!/bin/sh
# make bench-wm: the forensic watermark against the attacks of issues 4 and
# 11, with Debian's own tools, on synthesised and real music.  Prints: per
# file, the objective quality of the marked copy (PEAQ ODG, basic and
# advanced, when a `peaq` program is on PATH: GstPEAQ's command line; it is
# not part of Tenpo) and the SNR, for format v2 and for the old v1; per
# attack, how many files gave back the embedded payload exactly (all 116
# payload bits right, CRC checked) and the mean confidence; false
# detections under wrong keys; speed.  Asserts nothing; needs no network.
#
# PEAQ (ITU-R BS.1387) is an objective model of a listener, not a listening
# test.  It is run on 48 kHz 24-bit copies of original and marked file made
# by sox without dither (-D): dither noise, added differently to the two,
# is heard by PEAQ's basic model as an impairment of its own (on band-limited
# music it alone costs more than 1 ODG).
#
#   tests/bench/wm_eval.sh BUILD_DIR
#
# Tools: lame (MP3), vorbis-tools (oggenc/oggdec), sox.  Music:
#   - synthesised: the reference delivery server's sample album (four
#     tracks, rendered by tests/delivery-server/music.c), joined into one
#     ~99 s file, and the album's first track alone;
#   - real: Debian's drascula-music (the Drascula soundtrack, Ogg Vorbis
#     44.1 kHz, freely redistributable), asc-music (three GPL-2+ songs,
#     electronic, MP3 22.05 kHz, upsampled to 44.1 kHz here) and
#     wesnoth-1.16-music (orchestral: a loud battle piece, a sparse love
#     theme, a choral "Nunc dimittis" for voices).  Missing packages are
#     skipped with a note.
# Tools for the newer attacks: opus-tools (opus-48), ffmpeg (aac-96);
# without them those attacks are skipped with a note.
# WM_EVAL_SECONDS (default 120) cuts every file to at most that long;
# WM_EVAL_ATTACKS, a list of attack names, runs only those;
# WM_EVAL_WRONG_KEYS (default 10) wrong keys are tried on every marked file.
set -u
export SOX_OPTS="-V1" # errors only: clipping warnings of the attacks are expected
BUILD=$(cd "${1:-build}" && pwd)
TOP=$(cd "$(dirname "$0")/../.." && pwd)
WM="$BUILD/tenpo-wm"
WORK="$BUILD/bench/wm"
MAXLEN=${WM_EVAL_SECONDS:-120}
KEY=7d1c0aa4e2b55f3e9a8c61d04b7f2e19c3a5d86f0e41b29a7c5d3e8f1a6b4c20
OTHER_KEY=0f1e2d3c4b5a69788796a5b4c3d2e1f00112233445566778899aabbccddeeff
IDS="user=3141592653,shop=1001,ds=7,cs=42"
WANT="user 3141592653, shop 1001, delivery server 7, content server 42"
rm -rf "$WORK" && mkdir -p "$WORK/src" "$WORK/att"

for t in lame oggenc oggdec sox; do
	command -v $t >/dev/null || { echo "   bench-wm needs $t (apt-get install lame vorbis-tools sox)"; exit 1; }
done
[ -x "$WM" ] || { echo "   $WM is not built"; exit 1; }

now() { date +%s.%N; }
dur() { soxi -D "$1"; }

# --- sources, as 16-bit 44.1 kHz stereo WAV ---------------------------------
if [ -x "$BUILD/tenpo-delivery" ] &&
	"$BUILD/tenpo-delivery" init "$WORK/world" --listen 127.0.0.1:1 >"$WORK/init.log" 2>&1; then
	set -- $(ls "$WORK"/world/catalog/*/*.wav 2>/dev/null | sort)
	if [ $# -ge 2 ]; then
		sox "$@" -b 16 "$WORK/src/synth-album.wav"
		sox "$1" -b 16 "$WORK/src/synth-track1.wav"
	fi
	rm -rf "$WORK/world"
else
	echo "   note: no synthesised album (tenpo-delivery init failed: see $WORK/init.log)"
fi
DR=/usr/share/scummvm/drascula/audio
if [ -d "$DR" ]; then
	for n in 2 30 23 26; do
		[ -f "$DR/track$n.ogg" ] && oggdec -Q -o "$WORK/tmp.wav" "$DR/track$n.ogg" &&
			sox "$WORK/tmp.wav" -b 16 -r 44100 -c 2 "$WORK/src/drascula-$n.wav" trim 0 "$MAXLEN"
	done
else
	echo "   note: drascula-music is not installed: no real Ogg music (apt-get install drascula-music)"
fi
ASC=/usr/share/games/asc/music
if [ -d "$ASC" ]; then
	for f in "$ASC"/*.mp3; do
		lame --quiet --decode "$f" "$WORK/tmp.wav" &&
			sox "$WORK/tmp.wav" -b 16 -r 44100 -c 2 "$WORK/src/asc-$(basename "$f" .mp3).wav" \
				trim 0 "$MAXLEN"
	done
else
	echo "   note: asc-music is not installed: no real MP3 music (apt-get install asc-music)"
fi
WES=/usr/share/games/wesnoth/1.16/data/core/music
if [ -d "$WES" ]; then
	for n in battle-epic love_theme nunc_dimittis; do
		[ -f "$WES/$n.ogg" ] && oggdec -Q -o "$WORK/tmp.wav" "$WES/$n.ogg" &&
			sox "$WORK/tmp.wav" -b 16 -r 44100 -c 2 "$WORK/src/wesnoth-$n.wav" trim 0 "$MAXLEN"
	done
else
	echo "   note: wesnoth-1.16-music is not installed: no orchestral music (apt-get install wesnoth-1.16-music)"
fi
rm -f "$WORK/tmp.wav"
for f in "$WORK"/src/*.wav; do
	sox "$f" "$f.cut.wav" trim 0 "$MAXLEN" && mv "$f.cut.wav" "$f"
done
ls "$WORK"/src/*.wav >/dev/null 2>&1 || { echo "   no test music"; exit 1; }

ATTACKS=${WM_EVAL_ATTACKS:-"none mp3-128 mp3-64 ogg-q3 resample-48k volume-0.5 noise-40dB cut-7.3s excerpt-30s speed+1% speed-1% cd-16bit
opus-48 aac-96 lowpass-7k mono mix-20dB pitch+30c pitch-30c tempo+2% tempo-2% speed+2% speed-2% excerpt-15s"}
WRONG_KEYS=${WM_EVAL_WRONG_KEYS:-10}
command -v opusenc >/dev/null && command -v opusdec >/dev/null ||
	{ echo "   note: no opusenc/opusdec (apt-get install opus-tools): opus-48 skipped"; ATTACKS=$(echo $ATTACKS | sed 's/opus-48//'); }
command -v ffmpeg >/dev/null ||
	{ echo "   note: no ffmpeg (apt-get install ffmpeg): aac-96 skipped"; ATTACKS=$(echo $ATTACKS | sed 's/aac-96//'); }
PEAQ=$(command -v peaq || true)
[ -n "$PEAQ" ] || echo "   note: no peaq program on PATH: no PEAQ ODG figures (GstPEAQ's peaq, built outside Tenpo)"
# another file of the set, for mix-20dB: the next one in name order
other_of() {
	o=$(ls "$WORK"/src/*.wav | grep -vx "$1" | awk -v f="$1" '$0 > f { print; exit }')
	[ -n "$o" ] || o=$(ls "$WORK"/src/*.wav | grep -vx "$1" | head -n 1)
	echo "$o"
}
# odg MODE REF TEST: PEAQ's ODG on dither-free 48 kHz 24-bit copies, or -
odg() {
	[ -n "$PEAQ" ] || { echo -; return; }
	sox -D "$2" -b 24 -r 48000 "$WORK/peaq-ref.wav" && sox -D "$3" -b 24 -r 48000 "$WORK/peaq-test.wav" &&
		"$PEAQ" $1 "$WORK/peaq-ref.wav" "$WORK/peaq-test.wav" 2>/dev/null |
		sed -n 's/^Objective Difference Grade: *\([-0-9.]*\).*/\1/p' | grep . || echo -
	rm -f "$WORK/peaq-ref.wav" "$WORK/peaq-test.wav"
}

# attack NAME IN OUT: writes the attacked copy (its extension may change;
# prints the path)
attack() {
	a=$1 in=$2 out=$3
	case $a in
	none) cp "$in" "$out.wav" && echo "$out.wav" ;;
	mp3-128) lame --quiet -b 128 "$in" "$out.mp3" && echo "$out.mp3" ;;
	mp3-64) lame --quiet -b 64 "$in" "$out.mp3" && echo "$out.mp3" ;;
	ogg-q3) oggenc -Q -q 3 -o "$out.ogg" "$in" && echo "$out.ogg" ;;
	resample-48k) sox "$in" -r 48000 "$out.48.wav" && sox "$out.48.wav" -r 44100 "$out.wav" &&
		rm -f "$out.48.wav" && echo "$out.wav" ;;
	volume-0.5) sox -v 0.5 "$in" "$out.wav" && echo "$out.wav" ;;
	noise-40dB) # uniform white noise of RMS 0.0098 (-40.2 dBFS), added
		sox -n -r 44100 -c 2 -b 16 "$out.n.wav" synth "$(dur "$in")" whitenoise vol 0.017 &&
			sox -m -v 1 "$in" -v 1 "$out.n.wav" "$out.wav" && rm -f "$out.n.wav" &&
			echo "$out.wav" ;;
	cut-7.3s) sox "$in" "$out.wav" trim 7.3 && echo "$out.wav" ;;
	excerpt-30s) mid=$(dur "$in" | awk '{ s = $1 / 2 - 15; print s < 0 ? 0 : s }')
		sox "$in" "$out.wav" trim "$mid" 30 && echo "$out.wav" ;;
	speed+1%) sox "$in" "$out.wav" speed 1.01 && echo "$out.wav" ;;
	speed-1%) sox "$in" "$out.wav" speed 0.99 && echo "$out.wav" ;;
	cd-16bit) sox "$in" -b 16 "$out.wav" gain -0.1 dither -s && echo "$out.wav" ;;
	opus-48) opusenc --quiet --bitrate 48 "$in" "$out.opus" &&
		opusdec --quiet --rate 48000 "$out.opus" "$out.wav" && rm -f "$out.opus" && echo "$out.wav" ;;
	aac-96) ffmpeg -loglevel error -y -i "$in" -c:a aac -b:a 96k "$out.m4a" &&
		ffmpeg -loglevel error -y -i "$out.m4a" "$out.wav" && rm -f "$out.m4a" && echo "$out.wav" ;;
	lowpass-7k) sox "$in" "$out.wav" lowpass 7000 && echo "$out.wav" ;;
	mono) sox "$in" "$out.wav" remix 1-2 && echo "$out.wav" ;;
	mix-20dB) # another piece of the set, 20 dB down, over the marked copy
		o=$(other_of "$4") && sox "$o" -c 2 "$out.o.wav" trim 0 "$(dur "$in")" &&
			sox -m -v 1 "$in" -v 0.1 "$out.o.wav" "$out.wav" && rm -f "$out.o.wav" &&
			echo "$out.wav" ;;
	pitch+30c) sox "$in" "$out.wav" pitch 30 && echo "$out.wav" ;;
	pitch-30c) sox "$in" "$out.wav" pitch -30 && echo "$out.wav" ;;
	tempo+2%) sox "$in" "$out.wav" tempo 1.02 && echo "$out.wav" ;;
	tempo-2%) sox "$in" "$out.wav" tempo 0.98 && echo "$out.wav" ;;
	speed+2%) sox "$in" "$out.wav" speed 1.02 && echo "$out.wav" ;;
	speed-2%) sox "$in" "$out.wav" speed 0.98 && echo "$out.wav" ;;
	excerpt-15s) mid=$(dur "$in" | awk '{ s = $1 / 2 - 7.5; print s < 0 ? 0 : s }')
		sox "$in" "$out.wav" trim "$mid" 15 && echo "$out.wav" ;;
	esac
}

: >"$WORK/results"
: >"$WORK/quality"
: >"$WORK/speed"
: >"$WORK/peaq"
files=0
for src in "$WORK"/src/*.wav; do
	name=$(basename "$src" .wav)
	marked="$WORK/$name.marked.wav"
	len=$(dur "$src")
	t0=$(now)
	"$WM" embed --key "$KEY" --ids "$IDS" "$src" "$marked" >"$WORK/$name.embed" 2>&1 ||
		{ echo "   $name: embed failed: $(cat "$WORK/$name.embed")"; continue; }
	t1=$(now)
	files=$((files + 1))
	q=$("$WM" compare "$src" "$marked")
	echo "$name $q" >>"$WORK/quality"
	level=$(sed -n 's/^embedded format v2 at level \([0-9]*\).*/\1/p' "$WORK/$name.embed")
	"$WM" embed --format 1 --key "$KEY" --ids "$IDS" "$src" "$WORK/$name.v1.wav" >/dev/null 2>&1
	echo "$name ${level:--} $(echo "$q" | sed 's/^SNR \([-0-9.]*\) dB.*/\1/') $(odg --basic "$src" "$marked") $(odg --advanced "$src" "$marked") $("$WM" compare "$src" "$WORK/$name.v1.wav" | sed 's/^SNR \([-0-9.]*\) dB.*/\1/') $(odg --basic "$src" "$WORK/$name.v1.wav") $(odg --advanced "$src" "$WORK/$name.v1.wav")" >>"$WORK/peaq"
	rm -f "$WORK/$name.v1.wav"
	t2=$(now)
	"$WM" detect --key "$KEY" "$marked" >/dev/null 2>&1
	t3=$(now)
	echo "$name $len $t0 $t1 $t2 $t3" >>"$WORK/speed"
	for i in $(seq 1 "$WRONG_KEYS"); do
		wk=$(printf '%s%02d%s' "$OTHER_KEY" "$i" "$name" | sha256sum | cut -c1-64)
		if "$WM" detect --key "$wk" "$marked" >"$WORK/$name.wrongkey" 2>&1; then
			echo "wrongkey $name 1" >>"$WORK/results"
		else
			echo "wrongkey $name 0" >>"$WORK/results"
		fi
	done
	for a in $ATTACKS; do
		f=$(attack "$a" "$marked" "$WORK/att/$name.$a" "$src") || { echo "$a $name error 0" >>"$WORK/results"; continue; }
		out=$("$WM" detect --key "$KEY" "$f" 2>&1)
		conf=$(echo "$out" | sed -n 's/^confidence \([0-9.]*\).*/\1/p')
		if echo "$out" | grep -q "^watermark: $WANT\$"; then
			echo "$a $name ok ${conf:-0}" >>"$WORK/results"
		elif echo "$out" | grep -q "^watermark: "; then
			echo "$a $name WRONG 0" >>"$WORK/results"
		else
			echo "$a $name miss 0" >>"$WORK/results"
		fi
		rm -f "$f"
	done
done

echo "   files: $files ($(ls "$WORK"/src | sed 's/\.wav$//' | tr '\n' ' '))"
echo "   payload: 116 bits (version 4, content server 16, delivery server 16, user 32, shop 24, CRC-24)"
printf '   %-14s %-10s %-10s %s\n' attack recovered "mean conf" "misses (file)"
for a in $ATTACKS; do
	awk -v a="$a" '$1 == a {
		n++; if ($3 == "ok") { ok++; c += $4 } else { miss = miss " " $2 "(" $3 ")" }
	} END {
		printf "   %-14s %2d / %-5d %-10s %s\n", a, ok, n, ok ? sprintf("%.2f", c / ok) : "-", miss
	}' "$WORK/results"
done
awk '$1 == "wrongkey" { n++; fp += $3 } END {
	printf "   %-14s %d false detections in %d trials (must be 0)\n", "wrong key", fp, n }' "$WORK/results"
echo "   quality of the marked copy: v2 (level 1 quietest .. 4 = v1's strength) and v1"
echo "   (PEAQ ODG: 0 imperceptible, -1 perceptible not annoying; an objective model, not a listening test)"
printf '   %-26s %5s %8s %8s %8s %8s %8s %8s\n' file level "v2 SNR" "v2 ODGb" "v2 ODGa" "v1 SNR" "v1 ODGb" "v1 ODGa"
awk '{ printf "   %-26s %5s %8s %8s %8s %8s %8s %8s\n", $1, $2, $3, $4, $5, $6, $7, $8 }' "$WORK/peaq"
# medians and worst over the real music (the synth- files are left out: see the README)
grep -v '^synth-' "$WORK/peaq" | awk '
	function med(col,   n, i, j, t, v) {
		n = 0
		for (i = 1; i <= NR; i++) if (val[i, col] != "-") v[++n] = val[i, col] + 0
		if (!n) return "-"
		for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (v[j] < v[i]) { t = v[i]; v[i] = v[j]; v[j] = t }
		worst[col] = v[1]
		return n % 2 ? sprintf("%.2f", v[(n + 1) / 2]) : sprintf("%.2f", (v[n / 2] + v[n / 2 + 1]) / 2)
	}
	{ for (c = 3; c <= 8; c++) val[NR, c] = $c }
	END {
		if (!NR) exit
		m3 = med(3); m4 = med(4); m5 = med(5); m6 = med(6); m7 = med(7); m8 = med(8)
		printf "   real music, %d files: v2 median SNR %s dB, ODG basic %s (worst %s), advanced %s (worst %s)\n", NR, m3, m4, m4 == "-" ? "-" : worst[4], m5, m5 == "-" ? "-" : worst[5]
		printf "   %24s v1 median SNR %s dB, ODG basic %s (worst %s), advanced %s (worst %s)\n", "", m6, m7, m7 == "-" ? "-" : worst[7], m8, m8 == "-" ? "-" : worst[8]
	}'
echo "   quality (tenpo-wm compare, own masking model; no listening test was possible):"
sed 's/^/     /' "$WORK/quality"
awk '{ snr += $3; n++ } END { if (n) printf "   mean SNR %.1f dB over %d files\n", snr / n, n }' "$WORK/quality"
awk '{ len += $2; e += $4 - $3; d += $6 - $5 } END {
	if (e > 0 && d > 0)
		printf "   speed (whole tool, file I/O included): embed %.0fx real time, detect %.0fx real time (%.0f s of audio)\n", len / e, len / d, len
}' "$WORK/speed"
if apt-cache policy audiowmark 2>/dev/null | grep -q "Candidate: [0-9]"; then
	echo "   audiowmark is in this Debian release: install it to compare in the same run"
else
	echo "   audiowmark: not packaged in this Debian release, so not run here.  Its published"
	echo "   figures (its README and maintainer's notes, not measured here): 128-bit payload,"
	echo "   usually robust to MP3/Ogg at >= 128 kbit/s and to resampling; needs about"
	echo "   50 s of audio for a full 128-bit block (a 'clip' mode reads shorter excerpts);"
	echo "   speed changes only in an experimental, slow --detect-speed mode."
fi
