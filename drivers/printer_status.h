/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * printer_status: what an ESC/POS printer's real-time status answers mean.
 * Pure parsing, no USB (drivers/printer.c sends the queries and reads the
 * answers), so the tests and the fuzzer feed it bytes.
 *
 * The printer driver asks `DLE EOT n` (0x10 0x04 n) for n = 1..4 and hands
 * each answer here.  An answer is exactly one byte whose fixed bits are
 * right (bit 0 off, bit 1 on, bit 4 on, bit 7 off: `(b & 0x93) == 0x12`);
 * anything else — nothing at all (the Linux g_printer gadget, whose host
 * side answers only what a program on the gadget writes), two bytes, a byte
 * with the fixed bits wrong — is no answer, and leaves the fields that query
 * would have told UNKNOWN.  An unanswered status is unknown, never fine.
 *
 *   n=1 printer status   bit 3: offline                        → online
 *   n=2 offline cause    bit 2: cover open                     → cover_open
 *                        bit 5: printing stopped by paper end  → paper_out
 *                        bit 6: an error occurred              → error
 *   n=3 error cause      bit 2: mechanical error, bit 3: autocutter error,
 *                        bit 5: unrecoverable, bit 6: auto-recoverable
 *                                                              → error
 *   n=4 roll paper       bits 2,3: near end                    → paper_near_end
 *                        bits 5,6: paper not present           → paper_out
 *
 * Within one reading (printer_status_init, then n = 1..4), a YES is never
 * turned back to NO by a later answer: n=2 and n=4 both speak of paper, n=2
 * and n=3 both of errors, and either saying so is enough.  Models that set
 * only one bit of a pair (near end on bit 3 alone) count as set.
 *
 * Automatic Status Back (`GS a`) is not used: the driver asks when it wants
 * to know (before and after each job, and every few seconds when idle), so
 * no unsolicited bytes can land in the middle of an answer.
 */
#ifndef TENPO_PRINTER_STATUS_H
#define TENPO_PRINTER_STATUS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum printer_tri { PRINTER_UNKNOWN = 0, PRINTER_NO, PRINTER_YES };

struct printer_status {
	enum printer_tri online;
	enum printer_tri paper_out;
	enum printer_tri paper_near_end;
	enum printer_tri cover_open;
	enum printer_tri error;
};

#define PRINTER_STATUS_QUERY_LEN 3
#define PRINTER_STATUS_TEXT_MAX 96

/* Every field UNKNOWN.  Cannot fail. */
void printer_status_init(struct printer_status *s);

/* The three bytes of `DLE EOT n` (n in 1..4). */
void printer_status_query(unsigned n, uint8_t out[PRINTER_STATUS_QUERY_LEN]);

/* Takes the answer to `DLE EOT n` (answer may be NULL when len is 0).
 * Returns 0 when it was an answer, -1 when it was none (fields unchanged). */
int printer_status_apply(struct printer_status *s, unsigned n, const uint8_t *answer,
			 size_t len);

/* True only when every field is known and says the printer can print:
 * online, paper present, cover closed, no error (near end is still ready). */
bool printer_status_ready(const struct printer_status *s);

/* True when some field is known to stop printing (offline, paper out,
 * cover open, error): a job is then refused before it is sent. */
bool printer_status_blocked(const struct printer_status *s);

/* True when no query was answered at all. */
bool printer_status_unknown(const struct printer_status *s);

/* One line for a log or the staff screen: "ready", "paper near end",
 * "paper out, cover open", "status unknown (no answer)". */
void printer_status_describe(const struct printer_status *s, char out[PRINTER_STATUS_TEXT_MAX]);

/* Field by field. */
bool printer_status_equal(const struct printer_status *a, const struct printer_status *b);

#endif
