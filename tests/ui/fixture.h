/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Synthetic core snapshots for the UI tests and the UI benchmark: an
 * audio CD of four Japanese/English tracks, a data-DVD film, a staff view
 * with a queue in every interesting state, a log, certificates.  Times are
 * fixed (2026-01-01 JST) so screenshots do not change from day to day.
 */
#ifndef TENPO_TESTS_UI_FIXTURE_H
#define TENPO_TESTS_UI_FIXTURE_H

#include <stdio.h>
#include <string.h>

#include "core.h"

#define FIX_NOW 1767193200 /* 2026-01-01 00:00 JST */
#define FIX_DAY 86400

static inline void fix_item(struct core_item *it, const char *name, const char *title,
			    const char *performer, uint64_t size, uint32_t ms)
{
	snprintf(it->name, sizeof(it->name), "%s", name);
	snprintf(it->title, sizeof(it->title), "%s", title);
	snprintf(it->performer, sizeof(it->performer), "%s", performer);
	it->size = size;
	it->duration_ms = ms;
}

static inline void fix_audio_order(struct core_order_view *o)
{
	memset(o, 0, sizeof(*o));
	snprintf(o->id, sizeof(o->id), "K7Q2M9X4P1");
	snprintf(o->title, sizeof(o->title), "夜明けの歌 — Songs for the Morning");
	snprintf(o->artist, sizeof(o->artist), "Tenpo Ensemble");
	o->media = MEDIA_AUDIO_CD;
	o->price = 1500;
	snprintf(o->currency, sizeof(o->currency), "JPY");
	o->prepaid = true;
	o->paid = true;
	o->item_count = 4;
	fix_item(&o->items[0], "01 Asayake.wav", "朝焼け", "Tenpo Ensemble", 42336044, 240000);
	fix_item(&o->items[1], "02 Morning Walk.wav", "Morning Walk", "Tenpo Ensemble feat. 佐藤みなみ",
		 37044044, 210000);
	fix_item(&o->items[2], "03 Ame.wav", "雨のち晴れ", "Tenpo Ensemble", 51156044, 290000);
	fix_item(&o->items[3], "04 Night Train.wav", "Night Train to Kyoto (Extended Mix)",
		 "Tenpo Ensemble & The Late Shift", 67032044, 380000);
	o->total_bytes = 42336044ull + 37044044ull + 51156044ull + 67032044ull;
}

static inline void fix_film_order(struct core_order_view *o)
{
	memset(o, 0, sizeof(*o));
	snprintf(o->id, sizeof(o->id), "NZUOS92X5H");
	snprintf(o->title, sizeof(o->title), "港の灯り Harbour Lights");
	snprintf(o->artist, sizeof(o->artist), "Minato Films");
	o->media = MEDIA_DATA_DVD;
	o->price = 2800;
	snprintf(o->currency, sizeof(o->currency), "JPY");
	o->prepaid = false;
	o->item_count = 4;
	fix_item(&o->items[0], "Harbour Lights.avi", "", "", 1234567890, 0);
	fix_item(&o->items[1], "字幕_日本語.srt", "", "", 84211, 0);
	fix_item(&o->items[2], "subtitles_en.srt", "", "", 80112, 0);
	fix_item(&o->items[3], "README.txt", "", "", 2100, 0);
	o->total_bytes = 1234567890ull + 84211 + 80112 + 2100;
}

static inline void fix_queue_row(struct core_queue_row *q, const char *id, enum order_state s,
				 const char *title, const char *reason, int64_t at)
{
	snprintf(q->id, sizeof(q->id), "%s", id);
	q->state = s;
	snprintf(q->title, sizeof(q->title), "%s", title);
	snprintf(q->reason, sizeof(q->reason), "%s", reason);
	q->updated_at = at;
}

static inline void fix_snapshot(struct core_snapshot *s)
{
	static const char *const log[] = {
		"2026-01-01 08:58:02 INFO  sync: 2 new orders",
		"2026-01-01 08:58:03 INFO  delivery: manifest K7Q2M9X4P1 verified",
		"2026-01-01 08:59:40 INFO  spool: K7Q2M9X4P1 complete (197 MB, 4 files)",
		"2026-01-01 09:01:12 WARN  delivery: server stalled: no data for 30 s, resuming",
		"2026-01-01 09:02:55 INFO  pickup: code accepted for NZUOS92X5H",
		"2026-01-01 09:03:10 ERROR burner: write failed at 38%: medium error, blank ruined",
		"2026-01-01 09:05:44 INFO  staff: login",
	};

	memset(s, 0, sizeof(*s));
	s->seq = 1;
	s->now = FIX_NOW + 9 * 3600;
	s->stage = SESSION_IDLE;
	s->shop_id = 1001;
	snprintf(s->board, sizeof(s->board), "desktop");
	snprintf(s->version, sizeof(s->version), "0.5.0");
	s->drive.present = true;
	snprintf(s->drive.address, sizeof(s->drive.address), "stdio:out/disc.iso");
	snprintf(s->drive.profile, sizeof(s->drive.profile), "DVD-R");
	s->drive.disc = BURNER_MEDIA_BLANK;
	s->drive.free_bytes = 4707319808ull;
	s->drive.ruined_blanks = 1;
	s->net.reachable = true;
	s->net.last_sync_at = s->now - 120;
	s->net.server_cert_not_after = s->now + 200 * FIX_DAY;
	s->net.client_cert_not_after = s->now + 21 * FIX_DAY;
	s->net.outbox_pending = 2;
	s->staff.day = (struct core_day_view){ .valid = true, .from = 1796137200,
					       .to = 1796137200 + FIX_DAY, .discs_written = 7,
					       .blanks_ruined = 1, .register_count = 3,
					       .register_amount = 5400, .prepaid_count = 4,
					       .prepaid_amount = 6000, .fees_owed = 11400 };
	s->staff.queue_count = 7;
	fix_queue_row(&s->staff.queue[0], "K7Q2M9X4P1", ORDER_READY, "夜明けの歌 — Songs for the Morning",
		      "", s->now - 3600);
	fix_queue_row(&s->staff.queue[1], "NZUOS92X5H", ORDER_FAILED, "港の灯り Harbour Lights",
		      "write failed: medium error (blank ruined)", s->now - 1500);
	fix_queue_row(&s->staff.queue[2], "A1B2C3D4E5", ORDER_DOWNLOADING, "Jazz at Midnight", "",
		      s->now - 600);
	fix_queue_row(&s->staff.queue[3], "Q9W8E7R6T5", ORDER_WRITTEN, "交響曲第九番", "", s->now - 7200);
	fix_queue_row(&s->staff.queue[4], "Z0X9C8V7B6", ORDER_REPORTED, "Lo-fi Beats Vol. 3", "",
		      s->now - 86400);
	fix_queue_row(&s->staff.queue[5], "M1N2B3V4C5", ORDER_EXPIRED, "Old Radio Dramas",
		      "manifest expired before pickup", s->now - 3 * 86400);
	fix_queue_row(&s->staff.queue[6], "P0O9I8U7Y6", ORDER_CLAIMED, "Children's Songs 子どものうた",
		      "", s->now - 60);
	s->staff.spool_used = 1437000000ull;
	s->staff.spool_quota = 20000000000ull;
	s->staff.spool_fs_free = 112000000000ull;
	s->staff.log_count = sizeof(log) / sizeof(log[0]);
	for (unsigned i = 0; i < s->staff.log_count; i++)
		snprintf(s->staff.log[i], sizeof(s->staff.log[i]), "%s", log[i]);
	/* the peripherals: both there, four documents printed today */
	{
		struct core_periph_view *p = &s->periph;
		static const struct {
			const char *key, *kind;
			int ago;
		} docs[] = { { "TEST_083012", "test", 5400 }, { "Q9W8E7R6T5", "receipt", 3600 },
			     { "K7Q2M9X4P1", "slip", 1800 }, { "NZUOS92X5H", "receipt", 900 } };

		p->usb_running = true;
		p->scanner.present = p->scanner.working = true;
		snprintf(p->scanner.name, sizeof(p->scanner.name), "Newland FM420 (HID POS)");
		p->scanner.vid = 0x1eab;
		p->scanner.pid = 0x0d10;
		p->scanner.last_scan_at = s->now - 300;
		p->scanner.scans = 14;
		p->printer.present = p->printer.working = true;
		snprintf(p->printer.name, sizeof(p->printer.name), "USB receipt printer");
		p->printer.vid = 0x04b8;
		p->printer.pid = 0x0202;
		snprintf(p->printer.profile, sizeof(p->printer.profile), "generic-80mm");
		snprintf(p->printer.model, sizeof(p->printer.model), "Generic 80 mm ESC/POS");
		p->printer.status_known = true;
		snprintf(p->printer.status_text, sizeof(p->printer.status_text), "ready");
		p->printer.jobs_ok = 12;
		p->receipt_count = sizeof(docs) / sizeof(docs[0]);
		for (unsigned i = 0; i < p->receipt_count; i++) {
			snprintf(p->receipts[i].key, sizeof(p->receipts[i].key), "%s", docs[i].key);
			snprintf(p->receipts[i].kind, sizeof(p->receipts[i].kind), "%s", docs[i].kind);
			p->receipts[i].stored_at = s->now - docs[i].ago;
			p->receipts[i].size = 2900;
		}
	}
}

#endif
