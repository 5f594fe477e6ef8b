/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * config: the appliance's tenpo.conf.
 *
 * The file is plain `key = value` lines; `#` starts a comment; blank lines
 * are ignored.  Every key is known in advance (the table in config.c): an
 * unknown key, a duplicate key, a value that does not parse or is out of
 * range, a line longer than CONFIG_LINE_MAX or a file larger than
 * CONFIG_FILE_MAX is an error with the line number, never a silent default.
 * Relative paths are taken relative to the folder holding the config file,
 * so a shop folder can be moved as a whole.
 *
 * Example (what `tenpo-delivery init` writes for each sample shop):
 *
 *   shop_id       = 1001
 *   server        = 127.0.0.1:8443
 *   server_name   = localhost
 *   ca            = ca.crt
 *   cert          = client.crt
 *   key           = client.key
 *   manifest_key  = manifest.pub
 *   database      = tenpo.db
 *   spool         = spool
 *   spool_quota_mb = 8192
 *   output        = out
 *   watermark_key = watermark.key
 *
 * Paying at the register (orders that are not prepaid): `pay_before_write
 * = true|false` (default true), `slip_valid_minutes = 5..1440` (default 30),
 * `shop_name` (below) heads the slip too.  Staff PINs may be
 * named, `staff_pin.sato = pbkdf2-sha256$...` (up to CONFIG_STAFF_PINS), so
 * that the staff log and the delivered report say who confirmed a payment;
 * the unnamed `staff_pin` logs in as "staff".
 *
 * watermark_key is optional for the file, not for the orders: without it
 * the kiosk cannot check the watermark, and every order with audio fails at
 * sync with "no watermark key configured" (mark_check.h).  A shop that sells
 * only video and data needs none.
 *
 * The peripherals (drivers/, firmware/core_periph.c), all optional:
 *
 *   usb              = auto | on | off   auto: on when the board names a
 *                      scanner or a printer (board.conf), off otherwise
 *   devices_table    = PATH   the USB driver table; default: drivers/devices.conf
 *                      of the source tree the program runs from, else
 *                      /usr/share/tenpo/devices.conf (the installed layout)
 *   printer_profiles = DIR    likewise drivers/profiles, else /usr/share/tenpo/profiles
 *   printer_profile  = NAME   the receipt printer's profile; default generic-80mm
 *   shop_name, shop_address, shop_name_latin, shop_address_latin
 *                      printed at the top of the receipt (receipt.h); the
 *                      *_latin forms for printers without Kanji
 *   receipt_days     = N      days of printed documents kept for reprints (7)
 */
#ifndef TENPO_CONFIG_H
#define TENPO_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"

#define CONFIG_PATH_MAX 1024
#define CONFIG_LINE_MAX 2048
#define CONFIG_FILE_MAX (64 * 1024)
#define CONFIG_STAFF_PINS 8
#define CONFIG_STAFF_NAME_MAX 32
#define CONFIG_SHOP_TEXT 192

enum config_usb { CONFIG_USB_AUTO, CONFIG_USB_ON, CONFIG_USB_OFF };

struct config {
	uint32_t shop_id;                   /* 24-bit shop ID, as in the watermark */
	char server_host[256];              /* from server = host:port */
	uint16_t server_port;
	char server_name[256];              /* name checked in the server's certificate */
	char ca[CONFIG_PATH_MAX];           /* CA that signed the server certificate */
	char cert[CONFIG_PATH_MAX];         /* this shop's client certificate */
	char key[CONFIG_PATH_MAX];          /* and its private key */
	char manifest_key[CONFIG_PATH_MAX]; /* delivery server's manifest-signing public key */
	char watermark_key[CONFIG_PATH_MAX]; /* the watermark key's file; empty: none */
	char database[CONFIG_PATH_MAX];     /* SQLite file */
	char spool[CONFIG_PATH_MAX];        /* folder for downloaded content */
	uint64_t spool_quota_bytes;         /* spool_quota_mb × 2^20 */
	char output[CONFIG_PATH_MAX];       /* disc images of pseudo-drives, receipts */
	char log_file[CONFIG_PATH_MAX];     /* empty: stderr only */
	char board[64];                     /* board profile name: kiosk, qemu, desktop */
	char drive[CONFIG_PATH_MAX];        /* libburn drive address, e.g. stdio:out/disc.iso */
	char pseudo_media[16];              /* the blank a stdio: drive stands for: cd-r, dvd-r;
					       empty: the one each order needs */
	char staff_pin[160];                /* pbkdf2-sha256$ITER$SALTHEX$HASHHEX (tenpo staff-pin) */
	struct {
		char name[CONFIG_STAFF_NAME_MAX + 1];
		char pin[160];
	} staff_pins[CONFIG_STAFF_PINS];    /* staff_pin.NAME = ...: who confirmed a payment */
	unsigned staff_pin_count;
	unsigned sync_interval_s;           /* the appliance's fetch loop period */
	unsigned inactivity_s;              /* customer screens return to attract */
	unsigned connect_timeout_s;         /* TCP connect + TLS handshake */
	unsigned io_timeout_s;              /* no byte for this long: the server stalled */
	unsigned retries;                   /* attempts per request within one sync pass */
	unsigned retry_base_ms;             /* first backoff; doubles, with jitter */
	unsigned max_file_failures;         /* hash mismatches before the order fails */
	unsigned retention_days;            /* orders over for this long are compacted into
					       the disc record (store_compact); default 90 */
	unsigned max_ruined_blanks;         /* blanks one order may ruin before it stops
					       for staff (FAILED); default 3 */
	bool pay_before_write;              /* an order not prepaid is written only once its
					       payment is confirmed (true, the default); false:
					       written first, paid at the register after */
	unsigned slip_valid_minutes;        /* how long a payment slip is valid: 5..1440,
					       default 30 */
	int log_level;                      /* enum log_level */
	enum config_usb usb;                /* start the USB peripherals (default auto) */
	char devices_table[CONFIG_PATH_MAX]; /* empty: found as said above */
	char printer_profiles[CONFIG_PATH_MAX]; /* empty: found as said above */
	char printer_profile[32];           /* default generic-80mm */
	char shop_name[CONFIG_SHOP_TEXT];   /* default "Tenpo" */
	char shop_address[CONFIG_SHOP_TEXT];
	char shop_name_latin[CONFIG_SHOP_TEXT];
	char shop_address_latin[CONFIG_SHOP_TEXT];
	unsigned receipt_days;              /* printed documents kept this many days */
};

/* Fills c with defaults, then reads path over them.  On error returns -1 with
 * "FILE:LINE: reason" in e. */
int config_load(struct config *c, const char *path, struct err *e);

/* Parses text as if it were a file in folder base_dir (for tests and fuzzing). */
int config_parse(struct config *c, const char *text, size_t len,
		 const char *base_dir, const char *name, struct err *e);

void config_defaults(struct config *c);

#endif
