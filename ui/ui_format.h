/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ui_format: numbers as people read them — sizes in decimal units (as disc
 * boxes print them), track lengths, prices, local dates — into caller
 * buffers.  Each returns its buffer.
 */
#ifndef TENPO_UI_FORMAT_H
#define TENPO_UI_FORMAT_H

#include <stddef.h>
#include <stdint.h>

char *ui_format_bytes(char *buf, size_t n, uint64_t bytes);
/* "4:05", "1:02:15" */
char *ui_format_duration(char *buf, size_t n, uint64_t ms);
/* "¥1,500" for JPY; "12.50 EUR" for a currency with cents */
char *ui_format_price(char *buf, size_t n, uint64_t amount, const char *currency);
/* "2026-03-14 09:05" in local time; "" for 0 */
char *ui_format_time(char *buf, size_t n, int64_t unix_s);
/* "2026-03-14" */
char *ui_format_date(char *buf, size_t n, int64_t unix_s);
char *ui_format_uint(char *buf, size_t n, uint64_t v);
/* "1234-5678-9012" from up to 12 digits */
char *ui_format_code(char *buf, size_t n, const char *digits);

#endif
