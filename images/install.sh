#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
#
# images/install.sh DESTDIR [BUILD_DIR]: installs Tenpo in Debian's layout
# under DESTDIR (`make install DESTDIR=...` calls it after building; an
# empty DESTDIR is this machine's /).
#
#   /usr/bin/tenpo                        the kiosk (BUILD_DIR/tenpo, default build/)
#   /usr/share/tenpo/board/NAME/          board profiles (firmware/board.c looks here)
#   /usr/share/tenpo/devices.conf         the USB driver table (drivers/usb_table.h)
#   /usr/share/tenpo/profiles/NAME.conf   receipt printer profiles (drivers/printer_profile.h)
#   /usr/share/doc/tenpo/                 README, PROTOCOL.md, licence
#   /etc/tenpo/tenpo.conf                 0640 root:tenpo, kept if already there
#   /var/lib/tenpo/{spool,out}            the state (database, spool, output)
#   /usr/lib/systemd/system/tenpo.service
#   /usr/lib/sysusers.d/tenpo.conf        the tenpo system user and group
#   /usr/lib/tmpfiles.d/tenpo.conf        /var/lib/tenpo at every boot
#   /usr/lib/udev/rules.d/60-tenpo.rules  drive, DRM, input, USB nodes to tenpo
#
# Fonts are Debian's (fonts-noto-cjk, /usr/share/fonts/opentype/noto, where
# ui/ui_text.c looks); the UI draws its icons itself and loads no other asset.
#
# When DESTDIR is a root file system (it has etc/passwd), the tenpo user is
# created in it by systemd-sysusers --root and the files get its IDs;
# otherwise they stay root's and the script says so.
set -eu
DESTDIR=${1-}
BUILD=${2:-build}
TOP=$(cd "$(dirname "$0")/.." && pwd)
ROOTFS="$TOP/images/rootfs"
BIN="$BUILD/tenpo"

die() { echo "install.sh: $*" >&2; exit 1; }

[ -x "$BIN" ] || die "$BIN: not built (make all first)"
case "$DESTDIR" in
"" | /*) ;;
*) DESTDIR=$(pwd)/$DESTDIR ;;
esac
D=${DESTDIR%/}

install -d -m 0755 "$D/usr/bin" "$D/usr/share/tenpo/board" "$D/usr/share/doc/tenpo" \
	"$D/usr/lib/systemd/system" "$D/usr/lib/sysusers.d" "$D/usr/lib/tmpfiles.d" \
	"$D/usr/lib/udev/rules.d" "$D/etc/tenpo"
install -m 0755 "$BIN" "$D/usr/bin/tenpo"
install -m 0644 "$TOP/board/README.md" "$D/usr/share/tenpo/board/README.md"
for b in "$TOP"/board/*/board.conf; do
	name=$(basename "$(dirname "$b")")
	install -d -m 0755 "$D/usr/share/tenpo/board/$name"
	install -m 0644 "$b" "$D/usr/share/tenpo/board/$name/board.conf"
done
# the peripherals: the USB driver table and the receipt printers' profiles
install -d -m 0755 "$D/usr/share/tenpo/profiles"
install -m 0644 "$TOP/drivers/devices.conf" "$D/usr/share/tenpo/devices.conf"
install -m 0644 "$TOP"/drivers/profiles/*.conf "$D/usr/share/tenpo/profiles/"
install -m 0644 "$TOP/README.md" "$TOP/firmware/PROTOCOL.md" "$TOP/LICENSE" "$D/usr/share/doc/tenpo/"
install -m 0644 "$TOP/drivers/README.md" "$D/usr/share/doc/tenpo/peripherals.md"
install -m 0644 "$ROOTFS/usr/lib/systemd/system/tenpo.service" "$D/usr/lib/systemd/system/"
install -m 0644 "$ROOTFS/usr/lib/sysusers.d/tenpo.conf" "$D/usr/lib/sysusers.d/"
install -m 0644 "$ROOTFS/usr/lib/tmpfiles.d/tenpo.conf" "$D/usr/lib/tmpfiles.d/"
install -m 0644 "$ROOTFS/usr/lib/udev/rules.d/60-tenpo.rules" "$D/usr/lib/udev/rules.d/"

# the tenpo user: in the target root if it is one, else this machine's
owner=""
if [ -f "$D/etc/passwd" ] && [ -n "$D" ]; then
	systemd-sysusers --root="$D" "$D/usr/lib/sysusers.d/tenpo.conf"
	uid=$(awk -F: '$1 == "tenpo" { print $3 }' "$D/etc/passwd")
	gid=$(awk -F: '$1 == "tenpo" { print $3 }' "$D/etc/group")
	[ -n "$uid" ] && [ -n "$gid" ] && owner="$uid:$gid"
elif getent passwd tenpo >/dev/null && getent group tenpo >/dev/null; then
	owner="tenpo:tenpo"
fi
gid=${owner#*:}

# the config: never overwrite a provisioned one
if [ ! -e "$D/etc/tenpo/tenpo.conf" ]; then
	install -m 0640 "$ROOTFS/etc/tenpo/tenpo.conf" "$D/etc/tenpo/tenpo.conf"
fi
chmod 0640 "$D/etc/tenpo/tenpo.conf"
install -d -m 0750 "$D/var/lib/tenpo"
install -d -m 0700 "$D/var/lib/tenpo/spool"
install -d -m 0750 "$D/var/lib/tenpo/out"
if [ -n "$owner" ] && [ "$(id -u)" -eq 0 ]; then
	chown "0:$gid" "$D/etc/tenpo" "$D/etc/tenpo/tenpo.conf"
	chmod 0750 "$D/etc/tenpo"
	chown "$owner" "$D/var/lib/tenpo" "$D/var/lib/tenpo/spool" "$D/var/lib/tenpo/out"
else
	echo "install.sh: no tenpo user here (or not root): /etc/tenpo and /var/lib/tenpo" \
		"left to $(id -un); run systemd-sysusers and systemd-tmpfiles --create, then" \
		"chgrp tenpo /etc/tenpo/tenpo.conf" >&2
fi
echo "install.sh: Tenpo installed under ${D:-/}"
