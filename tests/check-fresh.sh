#!/bin/sh
# make check-fresh: the README's first commands on a fresh Debian 12 machine.
#
#   1. a fresh root: mmdebstrap (or debootstrap) --variant=minbase bookworm
#      from Debian's archive, in build/fresh/root (made anew every run)
#   2. only what the README says a fresh machine needs first: make, git,
#      ca-certificates
#   3. git clone of this repository's committed HEAD (a bundle of it: what
#      is not committed is not tested)
#   4. `make demo`, then `make check`, in the clone, as root, with nothing
#      of this machine's environment (no DISPLAY: the demo runs scripted)
#
# Each step logs to build/fresh/NN-step.log; the end says each command's
# result and make check's closing "N passed, N failed" line.  Exit status:
# 0 when every step passed.  It needs root (a chroot, mounts) and the
# network (Debian's archive); it takes long (tens of minutes), so it is not
# part of make check.
#
#   tests/check-fresh.sh            the whole run
#   FRESH_STOP=demo tests/check-fresh.sh    stop after make demo
#   FRESH_MIRROR=URL                another Debian mirror
#   FRESH_KEEP=1                    keep build/fresh/root after the run
set -u
TOP=$(cd "$(dirname "$0")/.." && pwd)
OUT="$TOP/build/fresh"
ROOT="$OUT/root"
MIRROR=${FRESH_MIRROR:-http://deb.debian.org/debian}
STOP=${FRESH_STOP:-}
SUITE=bookworm

fail() { echo "check-fresh: $*" >&2; exit 1; }
[ "$(id -u)" -eq 0 ] || fail "needs root (debootstrap, chroot, mounts): run it as root"
case "$STOP" in '' | demo) ;; *) fail "FRESH_STOP is 'demo' or unset, not '$STOP'" ;; esac
git -C "$TOP" rev-parse --verify -q HEAD >/dev/null || fail "$TOP is not a git repository with a commit"
if command -v mmdebstrap >/dev/null; then
	BOOTSTRAP=mmdebstrap
elif command -v debootstrap >/dev/null; then
	BOOTSTRAP=debootstrap
else
	fail "neither mmdebstrap nor debootstrap is installed (apt-get install mmdebstrap)"
fi
command -v chroot >/dev/null || fail "chroot (coreutils) not found"

MOUNTED=""
unmount_all() {
	# in reverse order of mounting; lazily if a process still holds one
	for m in $MOUNTED; do
		umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null
	done
	MOUNTED=""
}
# processes still running in the root (a daemon a package started, a
# kiosk a failed demo left), by their pid: they hold its mounts
stop_root_processes() {
	for p in /proc/[0-9]*; do
		[ "$(readlink "$p/root" 2>/dev/null)" = "$ROOT" ] && kill -KILL "${p#/proc/}" 2>/dev/null
	done
	sleep 1
}
# whatever is mounted under the root (ours, or a test's tmpfs), deepest first
unmount_under_root() {
	for m in $(awk -v r="$ROOT/" 'index($2, r) == 1 { print $2 }' /proc/mounts | sort -r); do
		umount "$m" 2>/dev/null || umount -l "$m"
	done
}
cleanup() {
	[ -d "$ROOT" ] && stop_root_processes
	unmount_all
	unmount_under_root
	if [ -z "${FRESH_KEEP:-}" ] && [ -d "$ROOT" ] && ! grep -q " $ROOT/" /proc/mounts; then
		echo "check-fresh: removing $ROOT (FRESH_KEEP=1 keeps it)"
		rm -rf "$ROOT"
	fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM
mount_in() { # mount arguments..., TARGET last
	eval "target=\${$#}"
	mkdir -p "$target"
	mount "$@" || return 1
	MOUNTED="$target $MOUNTED"
}

# a root left mounted by an interrupted run: unmount before removing
unmount_under_root
rm -rf "$OUT"
mkdir -p "$OUT"
HEAD=$(git -C "$TOP" rev-parse --short HEAD)
echo "check-fresh: commit $HEAD in a fresh Debian 12 root ($BOOTSTRAP, $MIRROR); logs in $OUT/"
[ -z "$(git -C "$TOP" status --porcelain --untracked-files=no)" ] ||
	echo "check-fresh: note: uncommitted changes are not part of the test (HEAD is cloned)"

RESULTS=""
result() { RESULTS="$RESULTS$(printf '%-34s %s' "$1" "$2")
"; }
# step NAME LOG command...: runs it, logs it, records the outcome
step() {
	name=$1 log="$OUT/$2.log"
	shift 2
	printf '%-34s ' "$name"
	start=$(date +%s)
	"$@" >"$log" 2>&1
	rc=$?
	took=$(($(date +%s) - start))
	if [ "$rc" -eq 0 ]; then
		echo "ok (${took} s)"
		result "$name" "ok (${took} s)"
	else
		echo "FAILED, status $rc (${took} s), see $log"
		tail -n 15 "$log" | sed 's/^/    /'
		result "$name" "FAILED, status $rc, see $log"
	fi
	return "$rc"
}
summary() {
	echo
	echo "check-fresh: commit $HEAD"
	printf '%s' "$RESULTS"
	[ -f "$OUT/05-make-check.log" ] &&
		echo "make check said: $(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$OUT/05-make-check.log" | tail -n 1)"
}

bootstrap() {
	if [ "$BOOTSTRAP" = mmdebstrap ]; then
		mmdebstrap --variant=minbase "$SUITE" "$ROOT" "$MIRROR"
	else
		debootstrap --variant=minbase "$SUITE" "$ROOT" "$MIRROR"
	fi
}
# what a fresh machine is given before the README's first command
prepare() {
	cp /etc/resolv.conf "$ROOT/etc/resolv.conf" || return 1
	# packages installed in the root must not start daemons (nginx) on
	# this machine's network
	printf '#!/bin/sh\nexit 101\n' >"$ROOT/usr/sbin/policy-rc.d" && chmod +x "$ROOT/usr/sbin/policy-rc.d" || return 1
	mount_in -t proc proc "$ROOT/proc" &&
		mount_in -t sysfs sysfs "$ROOT/sys" &&
		mount_in --bind /dev "$ROOT/dev" &&
		mount --make-private "$ROOT/dev" &&
		mount_in -t devpts -o newinstance,ptmxmode=0666 devpts "$ROOT/dev/pts" &&
		mount_in -t tmpfs -o mode=1777 tmpfs "$ROOT/dev/shm" || return 1
	in_root sh -c 'apt-get update -q &&
		DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends make git ca-certificates'
}
in_root() {
	chroot "$ROOT" /usr/bin/env -i HOME=/root USER=root LOGNAME=root TERM=dumb LANG=C.UTF-8 \
		PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
		${TENPO_DEMO_PORT:+TENPO_DEMO_PORT=$TENPO_DEMO_PORT} "$@"
}
clone() {
	git -C "$TOP" bundle create "$ROOT/root/tenpo.bundle" HEAD &&
		in_root sh -c 'cd /root && git clone -q tenpo.bundle tenpo && cd tenpo && git log --oneline -1'
}
readme() { # the command, as the README has it
	in_root sh -c "cd /root/tenpo && $1"
}

# the demo's delivery server listens on a fixed port by default: pick a
# free one, so a demo running on this machine is not in the way
if [ -z "${TENPO_DEMO_PORT:-}" ] && command -v python3 >/dev/null; then
	TENPO_DEMO_PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
fi

ok=1
step "1. fresh Debian 12 root" 01-bootstrap bootstrap || { summary; exit 1; }
step "2. make, git, ca-certificates" 02-prepare prepare || { summary; exit 1; }
step "3. git clone (HEAD $HEAD)" 03-clone clone || { summary; exit 1; }
step "4. make demo" 04-make-demo readme "make demo" || ok=0
if [ "$STOP" != demo ]; then
	step "5. make check" 05-make-check readme "make check" || ok=0
fi
summary
[ "$ok" -eq 1 ]
