#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
#
# images/build-image.sh BUILD_DIR: the QEMU appliance's bootable disk image
# (`make image`), from Debian 12 packages only, with Tenpo installed by
# images/install.sh.  Everything goes to BUILD_DIR/image/:
#
#   tenpo.img        the disk: MBR + SYSLINUX, three partitions
#                      1 tenpo-boot  FAT   64 MiB  kernel, initrd, syslinux.cfg
#                      2 tenpo-root  ext4  ro      Debian + Tenpo, mounted read-only
#                      3 tenpo-data  ext4  rw      /data: tenpo/ bound on /var/lib/tenpo,
#                                                  journal/ on /var/log/journal
#   vmlinuz, initrd.img, cmdline   the same kernel, for QEMU's direct boot
#   world/           the reference delivery server's world whose shop 1001
#                    credentials the image carries (images/qemu.sh serves it)
#   build.log, figures
#
# Built as root without mounting anything: mmdebstrap into a folder,
# mkfs.ext4 -d and mkfs.vfat + mcopy into partition files, sfdisk on the
# disk file, the partitions dd'd in, syslinux installed through mtools.
# The kernel is Debian's linux-image-amd64 as resolved today; the runtime
# libraries are the Debian packages that own what build/tenpo links, found
# with ldd and dpkg -S, plus what SDL loads at run time on kmsdrm (Mesa's
# GBM/EGL) and the fonts.
#
# This image carries a test PKI: the guest is shop 1001 of world/, talking
# to 10.0.2.100:8443, which images/qemu.sh forwards to the host's loopback
# port TENPO_QEMU_PORT (default 18443, fixed at build time).  Its disc
# writer is the second virtio disk, /dev/vdb (drive = stdio:/dev/vdb).
set -eu
BUILD=$(cd "${1:-build}" && pwd)
TOP=$(cd "$(dirname "$0")/.." && pwd)
OUT="$BUILD/image"
PORT=${TENPO_QEMU_PORT:-18443}
MIRROR=${TENPO_DEBIAN_MIRROR:-http://deb.debian.org/debian}

die() { echo "build-image: $*" >&2; exit 1; }
say() { echo "build-image: $*"; }

[ "$(id -u)" -eq 0 ] || die "needs root (mmdebstrap --mode=root, file ownership in the image)"
for t in mmdebstrap mkfs.ext4 mkfs.vfat mcopy syslinux sfdisk ldd dpkg; do
	command -v "$t" >/dev/null || die "$t missing (apt-get install mmdebstrap e2fsprogs dosfstools mtools syslinux fdisk)"
done
[ -f /usr/lib/syslinux/mbr/mbr.bin ] || die "/usr/lib/syslinux/mbr/mbr.bin missing (apt-get install syslinux)"
[ -f /usr/lib/syslinux/modules/bios/ldlinux.c32 ] || die "syslinux-common missing"
[ -x "$BUILD/tenpo" ] && [ -x "$BUILD/tenpo-delivery" ] || die "$BUILD/tenpo: not built (make all)"

start=$(date +%s)
rm -rf "$OUT"
mkdir -p "$OUT"
ROOT="$OUT/root"
DATA="$OUT/data"

# 1. the packages: whoever owns what tenpo links, and what SDL dlopens
libs=$(ldd "$BUILD/tenpo" | awk '$3 ~ /^\// { print $3 }')
pkgs=""
for l in $libs; do
	real=$(readlink -f "$l")
	p=""
	# usr-merge: dpkg may know the path with or without /usr
	for cand in "$l" "$real" "${l#/usr}" "/usr$l" "${real#/usr}"; do
		p=$(dpkg -S "$cand" 2>/dev/null) && break
	done
	p=$(echo "$p" | head -1)
	p=${p%%:*}
	[ -n "$p" ] || die "$l: no Debian package owns it"
	pkgs="$pkgs $p"
done
pkgs=$(echo $pkgs | tr ' ' '\n' | sort -u | tr '\n' ',')
base="systemd-sysv,udev,kmod,linux-image-amd64,initramfs-tools,procps,sqlite3,fonts-noto-cjk"
mesa="libgbm1,libegl1,libegl-mesa0,libgles2,libgl1,libgl1-mesa-dri"
say "packages: $base,$mesa,${pkgs%,}"

# 2. the world whose shop 1001 the appliance is
"$BUILD/tenpo-delivery" init "$OUT/world" --listen "127.0.0.1:$PORT" >"$OUT/world.log"
SHOP="$OUT/world/shops/1001"
server_name=$(awk -F' *= *' '$1 == "server_name" { print $2 }' "$SHOP/tenpo.conf")

# 3. the root file system (hooks run here on the host, $1 is the root)
mmdebstrap --mode=root --variant=minbase --format=directory \
	--include="$base,$mesa,${pkgs%,}" \
	--dpkgopt='path-exclude=/usr/share/doc/*' \
	--dpkgopt='path-include=/usr/share/doc/*/copyright' \
	--dpkgopt='path-exclude=/usr/share/man/*' \
	--dpkgopt='path-exclude=/usr/share/locale/*' \
	--dpkgopt='path-exclude=/usr/share/info/*' \
	--customize-hook='cp -a "'"$TOP"'/images/qemu/rootfs/." "$1/"' \
	--customize-hook='sh "'"$TOP"'/images/install.sh" "$1" "'"$BUILD"'"' \
	--customize-hook='chroot "$1" update-initramfs -u -k all' \
	--customize-hook='chroot "$1" systemctl enable tenpo.service systemd-networkd.service' \
	--customize-hook='chroot "$1" systemctl mask getty@.service autovt@.service getty-static.service systemd-random-seed.service' \
	--customize-hook='systemd-machine-id-setup --root="$1"' \
	--customize-hook='echo tenpo >"$1/etc/hostname"' \
	bookworm "$ROOT" "deb $MIRROR bookworm main" \
	"deb $MIRROR-security bookworm-security main" >"$OUT/build.log" 2>&1 ||
	die "mmdebstrap failed: see $OUT/build.log"

# 4. the shop's credentials and config (0640 root:tenpo)
gid=$(awk -F: '$1 == "tenpo" { print $3 }' "$ROOT/etc/group")
uid=$(awk -F: '$1 == "tenpo" { print $3 }' "$ROOT/etc/passwd")
jgid=$(awk -F: '$1 == "systemd-journal" { print $3 }' "$ROOT/etc/group")
[ -n "$gid" ] && [ -n "$uid" ] || die "no tenpo user in the image"
for f in ca.crt client.crt client.key manifest.pub watermark.key; do
	install -m 0640 -o 0 -g "$gid" "$SHOP/$f" "$ROOT/etc/tenpo/$f"
done
{
	echo "# the QEMU appliance: shop 1001 of the reference server's world ($OUT/world)"
	echo "shop_id        = 1001"
	echo "server         = 10.0.2.100:8443"
	echo "server_name    = $server_name"
	echo "ca             = /etc/tenpo/ca.crt"
	echo "cert           = /etc/tenpo/client.crt"
	echo "key            = /etc/tenpo/client.key"
	echo "manifest_key   = /etc/tenpo/manifest.pub"
	echo "watermark_key  = /etc/tenpo/watermark.key"
	echo "board          = qemu"
	echo "database       = /var/lib/tenpo/tenpo.db"
	echo "spool          = /var/lib/tenpo/spool"
	echo "spool_quota_mb = 1024"
	echo "output         = /var/lib/tenpo/out"
	echo "drive          = stdio:/dev/vdb"
	echo "sync_interval_s = 10"
	# a diagnostic image: TENPO_LOG_LEVEL=debug make image (the journal then
	# has the UI's presses and releases, kinds and times only)
	[ -z "${TENPO_LOG_LEVEL:-}" ] || echo "log_level      = $TENPO_LOG_LEVEL"
	"$BUILD/tenpo" staff-pin --config "$SHOP/tenpo.conf" 2468
} >"$ROOT/etc/tenpo/tenpo.conf"
chown "0:$gid" "$ROOT/etc/tenpo/tenpo.conf"
chmod 0640 "$ROOT/etc/tenpo/tenpo.conf"
install -d -m 0755 "$ROOT/data"
# what the read-only root still needs at boot: empty mount points
install -d -m 0755 "$ROOT/var/log/journal"

# 5. the data partition's contents
mkdir -p "$DATA"
install -d -m 0750 -o "$uid" -g "$gid" "$DATA/tenpo"
install -d -m 0700 -o "$uid" -g "$gid" "$DATA/tenpo/spool"
install -d -m 0750 -o "$uid" -g "$gid" "$DATA/tenpo/out"
install -d -m 2755 -o 0 -g "${jgid:-0}" "$DATA/journal"
# provisioning makes the kiosk's database, as `tenpo init` does on a real
# kiosk: tenpo run refuses to start on a missing one (a lost database must
# not fetch, write and report its orders a second time)
sed "s|^database .*|database = $DATA/tenpo/tenpo.db|" "$ROOT/etc/tenpo/tenpo.conf" >"$OUT/init.conf"
"$BUILD/tenpo" init --config "$OUT/init.conf" >/dev/null || die "tenpo init failed"
rm -f "$OUT/init.conf" "$DATA/tenpo/tenpo.db.lock"
chown "$uid:$gid" "$DATA/tenpo/tenpo.db"
chmod 0640 "$DATA/tenpo/tenpo.db"

# 6. the boot partition: the image's own kernel and initrd, SYSLINUX
kver=$(ls "$ROOT/boot" | sed -n 's/^vmlinuz-//p' | sort -V | tail -1)
[ -n "$kver" ] || die "no kernel in the image"
cp "$ROOT/boot/vmlinuz-$kver" "$OUT/vmlinuz"
cp "$ROOT/boot/initrd.img-$kver" "$OUT/initrd.img"
cmdline="root=LABEL=tenpo-root ro console=ttyS0,115200 loglevel=4 vt.global_cursor_default=0 consoleblank=0"
echo "$cmdline" >"$OUT/cmdline"
cat >"$OUT/syslinux.cfg" <<EOF
DEFAULT tenpo
PROMPT 0
TIMEOUT 0
SERIAL 0 115200
LABEL tenpo
  LINUX /vmlinuz
  INITRD /initrd.img
  APPEND $cmdline
EOF

MIB=1048576
boot_mib=64
root_mib=$(( $(du -sm "$ROOT" | cut -f1) * 115 / 100 + 64 ))
data_mib=${TENPO_DATA_MIB:-1536}
rm -f "$OUT/boot.part" "$OUT/root.part" "$OUT/data.part"
mkfs.vfat -n TENPO-BOOT -C "$OUT/boot.part" $((boot_mib * 1024)) >/dev/null
mcopy -i "$OUT/boot.part" "$OUT/vmlinuz" "$OUT/initrd.img" "$OUT/syslinux.cfg" ::/
syslinux --install "$OUT/boot.part"
mkfs.ext4 -q -L tenpo-root -d "$ROOT" "$OUT/root.part" "${root_mib}M"
mkfs.ext4 -q -L tenpo-data -d "$DATA" "$OUT/data.part" "${data_mib}M"

# 7. the disk: 1 MiB for the MBR, the three partitions, dd'd in place
total=$((1 + boot_mib + root_mib + data_mib))
rm -f "$OUT/tenpo.img"
truncate -s "${total}M" "$OUT/tenpo.img"
sfdisk -q "$OUT/tenpo.img" <<EOF
label: dos
start=1MiB, size=${boot_mib}MiB, type=c, bootable
size=${root_mib}MiB, type=83
size=${data_mib}MiB, type=83
EOF
dd if=/usr/lib/syslinux/mbr/mbr.bin of="$OUT/tenpo.img" bs=440 count=1 conv=notrunc status=none
dd if="$OUT/boot.part" of="$OUT/tenpo.img" bs=$MIB seek=1 conv=notrunc,sparse status=none
dd if="$OUT/root.part" of="$OUT/tenpo.img" bs=$MIB seek=$((1 + boot_mib)) conv=notrunc,sparse status=none
dd if="$OUT/data.part" of="$OUT/tenpo.img" bs=$MIB seek=$((1 + boot_mib + root_mib)) conv=notrunc,sparse status=none
rm -f "$OUT/boot.part" "$OUT/root.part" "$OUT/data.part"

end=$(date +%s)
{
	echo "built_s        $((end - start))"
	echo "kernel         $kver"
	echo "root_used_mib  $(du -sm "$ROOT" | cut -f1)"
	echo "disk_mib       $total (partitions: boot $boot_mib, root $root_mib, data $data_mib)"
	echo "disk_alloc_mib $(du -m "$OUT/tenpo.img" | cut -f1) (sparse file)"
	echo "xz_mib         $(xz -T2 -1 -c "$OUT/tenpo.img" | wc -c | awk '{ printf "%d", $1 / 1048576 }')"
} >"$OUT/figures"
rm -rf "$ROOT" "$DATA"
cat "$OUT/figures"
say "$OUT/tenpo.img ready (make qemu boots it)"
