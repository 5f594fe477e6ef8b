// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * burner_geometry: what burner knows without a drive — the media's
 * geometry, the blanks a pseudo-drive stands for, drive addresses, and the
 * arithmetic of a write's progress.  No libburn here: the manifest checks,
 * the delivery server and the UI ask these too, and link nothing else.
 */
#include "burner.h"

#include <stdio.h>
#include <string.h>

#define PSEUDO_PREFIX "stdio:"
#define PSEUDO_PREFIX_LEN (sizeof(PSEUDO_PREFIX) - 1)

/* The one table of blanks: name, MMC profile, family, capacity. */
static const struct burner_geometry blanks[BURNER_BLANK_COUNT] = {
	[BURNER_BLANK_NONE] = { "none", 0, BURNER_FAMILY_NONE, 0 },
	[BURNER_BLANK_CD_R] = { "cd-r", 0x09, BURNER_FAMILY_CD, BURNER_CD_SECTORS },
	[BURNER_BLANK_CD_RW] = { "cd-rw", 0x0a, BURNER_FAMILY_CD, BURNER_CD_SECTORS },
	[BURNER_BLANK_DVD_R] = { "dvd-r", 0x11, BURNER_FAMILY_DVD, BURNER_DVD_MINUS_SECTORS },
	[BURNER_BLANK_DVD_RW] = { "dvd-rw", 0x14, BURNER_FAMILY_DVD, BURNER_DVD_MINUS_SECTORS },
	[BURNER_BLANK_DVD_PLUS_R] = { "dvd+r", 0x1b, BURNER_FAMILY_DVD, BURNER_DVD_PLUS_SECTORS },
	[BURNER_BLANK_DVD_PLUS_RW] = { "dvd+rw", 0x1a, BURNER_FAMILY_DVD,
				       BURNER_DVD_PLUS_SECTORS },
	[BURNER_BLANK_BD_R] = { "bd-r", 0x41, BURNER_FAMILY_BD, BURNER_BD_SECTORS },
	[BURNER_BLANK_BD_RE] = { "bd-re", 0x43, BURNER_FAMILY_BD, BURNER_BD_SECTORS },
};

/* The blank each kind of order is written on by default, whose capacity is
 * the kind's: the smallest of its family, so that what fits it fits any. */
static const enum burner_blank kind_blank[MEDIA_KIND_COUNT] = {
	[MEDIA_AUDIO_CD] = BURNER_BLANK_CD_R,
	[MEDIA_DATA_CD] = BURNER_BLANK_CD_R,
	[MEDIA_DATA_DVD] = BURNER_BLANK_DVD_R,
};

_Static_assert(sizeof(blanks) / sizeof(blanks[0]) == BURNER_BLANK_COUNT,
	       "every blank has its geometry");
_Static_assert(sizeof(kind_blank) / sizeof(kind_blank[0]) == MEDIA_KIND_COUNT,
	       "every media kind has its blank");

const struct burner_geometry *burner_blank_geometry(enum burner_blank k)
{
	return (unsigned)k < BURNER_BLANK_COUNT ? &blanks[k] : &blanks[BURNER_BLANK_NONE];
}

const char *burner_blank_name(enum burner_blank k)
{
	return (unsigned)k < BURNER_BLANK_COUNT ? blanks[k].name : "?";
}

int burner_blank_parse(const char *name)
{
	for (int k = 0; name && k < BURNER_BLANK_COUNT; k++)
		if (strcmp(name, blanks[k].name) == 0)
			return k;
	return -1;
}

enum burner_blank burner_kind_blank(enum media_kind m)
{
	return (unsigned)m < MEDIA_KIND_COUNT ? kind_blank[m] : BURNER_BLANK_NONE;
}

uint64_t burner_capacity_bytes(enum media_kind m)
{
	uint64_t sectors = blanks[burner_kind_blank(m)].sectors;

	return sectors * (m == MEDIA_AUDIO_CD ? BURNER_AUDIO_SECTOR_BYTES
					      : BURNER_DATA_SECTOR_BYTES);
}

/* ---- drive addresses ------------------------------------------------- */

bool burner_address_pseudo(const char *address, const char **path)
{
	bool pseudo = address && !strncmp(address, PSEUDO_PREFIX, PSEUDO_PREFIX_LEN);

	if (path)
		*path = !address ? "" : pseudo ? address + PSEUDO_PREFIX_LEN : address;
	return pseudo;
}

int burner_address_resolve(char *address, size_t cap, const char *base_dir)
{
	char path[BURNER_ADDR_MAX * 4];
	const char *p;

	if (!burner_address_pseudo(address, &p) || !p[0] || p[0] == '/' || !base_dir ||
	    !base_dir[0])
		return 0;
	if (snprintf(path, sizeof(path), "%s", p) >= (int)sizeof(path))
		return -1;
	return snprintf(address, cap, PSEUDO_PREFIX "%s/%s", base_dir, path) >= (int)cap ? -1 : 0;
}

/* ---- progress -------------------------------------------------------- */

uint64_t burner_disc_progress(const uint32_t *track_sectors, int tracks, int track,
			      int sector, unsigned sector_bytes, uint64_t *total)
{
	uint64_t before = 0, all = 0, here = 0;

	for (int i = 0; i < tracks; i++) {
		all += track_sectors[i];
		if (i < track)
			before += track_sectors[i];
		else if (i == track)
			here = track_sectors[i];
	}
	if (total)
		*total = all * sector_bytes;
	if (track < 0 || tracks <= 0)
		return 0;
	if (track >= tracks)
		return all * sector_bytes;
	if (sector < 0)
		sector = 0;
	if ((uint64_t)sector > here)
		sector = (int)here;
	return (before + (uint64_t)sector) * sector_bytes;
}
