// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * usb: the manager of usb.h.
 *
 * The USB thread's loop, one turn about every USB_TURN_MS:
 *
 *   1. libusb_handle_events_timeout_completed(): the scanners' interrupt
 *      transfers complete here, and the hotplug callback runs here (it only
 *      appends to u->arrived / u->left);
 *   2. without hotplug, every USB_POLL_MS: the device list against the
 *      bound devices (by bus and address: a replugged device gets a new
 *      address, so it is bound afresh);
 *   3. departures, then arrivals: bind_device() / unbind_device();
 *   4. devices whose driver saw NO_DEVICE are let go; every other device's
 *      poll (a partial scan timing out, a printer's periodic status);
 *   5. one waiting print job, if any, to the bound printer.
 *
 * The lock (u->lock) guards only what other threads read or write: the
 * snapshot, the job queue and the stop flag.  The device list and the
 * drivers' state belong to the USB thread and are never locked.  Events
 * are delivered with the lock released.
 */
#include "usb_internal.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "log.h"

#define MOD "usb"
#define PENDING_MAX 64

struct usb_job {
	uint8_t *bytes;
	size_t len;
	uint64_t id;
};

struct usb {
	libusb_context *ctx;
	struct usb_table table;
	usb_event_fn on_event;
	void *user;
	unsigned scan_gap_ms, status_ms;
	bool poll_only;
	pthread_t thread;

	/* the USB thread's own */
	struct usb_dev *devs[USB_PERIPHERALS_MAX];
	libusb_device *arrived[PENDING_MAX];
	size_t narrived;
	libusb_device *left[PENDING_MAX];
	size_t nleft;
	uint16_t seen[64]; /* bus << 8 | address of devices looked at, not bound (polling) */
	size_t nseen;
	libusb_hotplug_callback_handle hotplug;
	bool has_hotplug;

	pthread_mutex_t lock; /* guards what follows */
	bool stop;
	struct usb_peripherals snap;
	struct usb_job jobs[USB_JOBS_QUEUED];
	size_t njobs;
};

uint64_t usb_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

const char *usb_event_name(enum usb_event_type t)
{
	static const char *const names[] = {
		[USB_EVENT_ATTACHED] = "attached",
		[USB_EVENT_DETACHED] = "detached",
		[USB_EVENT_SCAN] = "scan",
		[USB_EVENT_SCAN_REFUSED] = "scan refused",
		[USB_EVENT_PRINTER_STATUS] = "printer status",
		[USB_EVENT_JOB_DONE] = "job done",
		[USB_EVENT_ERROR] = "error",
	};

	return (size_t)t < sizeof(names) / sizeof(names[0]) ? names[t] : "?";
}

static void deliver(struct usb *u, const struct usb_event *ev)
{
	if (ev->type == USB_EVENT_SCAN)
		log_info(MOD, "%s: scan of %zu characters", ev->name, strlen(ev->text));
	else if (ev->type != USB_EVENT_PRINTER_STATUS)
		log_info(MOD, "%s %04x:%04x: %s%s%s", ev->name, ev->vid, ev->pid,
			 usb_event_name(ev->type), ev->reason[0] ? ": " : "", ev->reason);
	if (u->on_event)
		u->on_event(ev, u->user);
}

static void event_from(struct usb_event *ev, const struct usb_dev *d)
{
	const struct usb_peripheral *p = &d->mgr->snap.p[d->slot];

	ev->kind = d->ops->kind;
	ev->slot = d->slot;
	memcpy(ev->name, p->name, sizeof(ev->name));
	ev->vid = d->ids.vid;
	ev->pid = d->ids.pid;
}

void usb_dev_emit(struct usb_dev *d, struct usb_event *ev)
{
	struct usb *u = d->mgr;
	struct usb_peripheral *p;

	pthread_mutex_lock(&u->lock);
	event_from(ev, d);
	p = &u->snap.p[d->slot];
	if (ev->type == USB_EVENT_SCAN)
		p->scans++;
	else if (ev->type == USB_EVENT_SCAN_REFUSED)
		p->scans_refused++;
	else if (ev->type == USB_EVENT_JOB_DONE && ev->job_ok)
		p->jobs_ok++;
	else if (ev->type == USB_EVENT_JOB_DONE)
		p->jobs_failed++;
	if (ev->type == USB_EVENT_JOB_DONE && !ev->job_ok)
		snprintf(p->last_error, sizeof(p->last_error), "%s", ev->reason);
	pthread_mutex_unlock(&u->lock);
	deliver(u, ev);
}

void usb_dev_set_status(struct usb_dev *d, const struct printer_status *s)
{
	struct usb *u = d->mgr;
	struct usb_peripheral *p;
	struct usb_event ev;
	bool changed;

	memset(&ev, 0, sizeof(ev));
	pthread_mutex_lock(&u->lock);
	p = &u->snap.p[d->slot];
	changed = !printer_status_equal(&p->status, s) || !p->status_text[0];
	p->status = *s;
	printer_status_describe(s, p->status_text);
	if (changed) {
		ev.type = USB_EVENT_PRINTER_STATUS;
		ev.status = *s;
		event_from(&ev, d);
		snprintf(ev.reason, sizeof(ev.reason), "%s", p->status_text);
	}
	pthread_mutex_unlock(&u->lock);
	if (changed) {
		log_info(MOD, "%s: %s", ev.name, ev.reason);
		if (u->on_event)
			u->on_event(&ev, u->user);
	}
}

void usb_dev_set_error(struct usb_dev *d, const char *fmt, ...)
{
	struct usb *u = d->mgr;
	char msg[USB_REASON_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	pthread_mutex_lock(&u->lock);
	memcpy(u->snap.p[d->slot].last_error, msg, sizeof(msg));
	pthread_mutex_unlock(&u->lock);
	log_warn(MOD, "%04x:%04x: %s", d->ids.vid, d->ids.pid, msg);
}

const struct libusb_endpoint_descriptor *usb_dev_endpoint(const struct usb_dev *d,
							  enum libusb_endpoint_transfer_type type,
							  unsigned dir)
{
	for (uint8_t i = 0; i < d->alt->bNumEndpoints; i++) {
		const struct libusb_endpoint_descriptor *ep = &d->alt->endpoint[i];

		if ((ep->bmAttributes & LIBUSB_TRANSFER_TYPE_MASK) == type &&
		    (ep->bEndpointAddress & LIBUSB_ENDPOINT_DIR_MASK) == dir)
			return ep;
	}
	return NULL;
}

static const struct usb_driver_ops *driver_ops(enum usb_driver_id id)
{
	switch (id) {
	case USB_DRIVER_PRINTER:
		return &printer_ops;
	case USB_DRIVER_SCANNER_KBD:
		return &scanner_kbd_ops;
	case USB_DRIVER_SCANNER_HID_POS:
		return &scanner_hid_pos_ops;
	case USB_DRIVER_SCANNER_HID_POS_PLAIN:
		return &scanner_hid_pos_plain_ops;
	case USB_DRIVER_NONE:
		break;
	}
	return NULL;
}

/* A slot for this peripheral: the one this very device has (a second
 * arrival of a device that failed to bind), else the one it had before
 * (same vid:pid and driver, not present: it was unplugged and is back),
 * else a free one, else the oldest absent one.  Called with the lock held. */
static int slot_for(struct usb *u, const struct usb_ids *ids, enum usb_driver_id drv,
		    uint8_t bus, uint8_t address)
{
	struct usb_peripherals *s = &u->snap;

	for (size_t i = 0; i < s->n; i++)
		if (s->p[i].present && !s->p[i].working && s->p[i].bus == bus &&
		    s->p[i].address == address && s->p[i].vid == ids->vid && s->p[i].pid == ids->pid)
			return (int)i;
	for (size_t i = 0; i < s->n; i++)
		if (!s->p[i].present && s->p[i].vid == ids->vid && s->p[i].pid == ids->pid &&
		    s->p[i].driver == drv)
			return (int)i;
	if (s->n < USB_PERIPHERALS_MAX)
		return (int)s->n++;
	for (size_t i = 0; i < s->n; i++)
		if (!s->p[i].present)
			return (int)i;
	return -1;
}

static void name_device(struct usb_dev *d, const struct usb_rule *r,
			const struct libusb_device_descriptor *dd, char *name, size_t n)
{
	unsigned char product[USB_TABLE_NAME_MAX];

	if (r->name[0]) {
		snprintf(name, n, "%s", r->name);
		return;
	}
	if (dd->iProduct &&
	    libusb_get_string_descriptor_ascii(d->h, dd->iProduct, product, sizeof(product)) > 0) {
		for (unsigned char *c = product; *c; c++)
			if (*c < 0x20 || *c > 0x7e)
				*c = '?';
		snprintf(name, n, "%s", (char *)product);
		return;
	}
	snprintf(name, n, "%s", usb_driver_name(r->driver));
}

/* The best rule over the device's interfaces; *iface, *alt set. */
static const struct usb_rule *match_device(struct usb *u, const struct libusb_device_descriptor *dd,
					   const struct libusb_config_descriptor *cfg, int *iface,
					   const struct libusb_interface_descriptor **alt,
					   struct usb_ids *ids)
{
	const struct usb_rule *best = NULL;

	for (uint8_t i = 0; i < cfg->bNumInterfaces; i++) {
		const struct libusb_interface_descriptor *a;
		const struct usb_rule *r;
		struct usb_ids id;

		if (cfg->interface[i].num_altsetting < 1)
			continue;
		a = &cfg->interface[i].altsetting[0];
		id.vid = dd->idVendor;
		id.pid = dd->idProduct;
		id.iface_class = a->bInterfaceClass;
		id.iface_subclass = a->bInterfaceSubClass;
		id.iface_protocol = a->bInterfaceProtocol;
		r = usb_table_match(&u->table, &id);
		if (r && (!best || usb_rule_rank(r) > usb_rule_rank(best))) {
			best = r;
			*iface = a->bInterfaceNumber;
			*alt = a;
			*ids = id;
		}
	}
	return best;
}

static void dev_free(struct usb_dev *d)
{
	if (d->h) {
		libusb_release_interface(d->h, d->iface);
		libusb_close(d->h);
	}
	if (d->config)
		libusb_free_config_descriptor(d->config);
	if (d->dev)
		libusb_unref_device(d->dev);
	free(d);
}

static void emit_simple(struct usb *u, struct usb_dev *d, enum usb_event_type type,
			const char *reason)
{
	struct usb_event ev;

	memset(&ev, 0, sizeof(ev));
	ev.type = type;
	snprintf(ev.reason, sizeof(ev.reason), "%s", reason ? reason : "");
	pthread_mutex_lock(&u->lock);
	event_from(&ev, d);
	pthread_mutex_unlock(&u->lock);
	deliver(u, &ev);
}

static bool seen_before(struct usb *u, uint16_t key)
{
	for (size_t i = 0; i < u->nseen; i++)
		if (u->seen[i] == key)
			return true;
	if (u->nseen < sizeof(u->seen) / sizeof(u->seen[0]))
		u->seen[u->nseen++] = key;
	return false;
}

static void bind_device(struct usb *u, libusb_device *dev)
{
	struct libusb_device_descriptor dd;
	const struct libusb_interface_descriptor *alt = NULL;
	const struct usb_rule *rule;
	struct usb_peripheral *p;
	struct usb_dev *d;
	struct usb_ids ids;
	struct err e;
	size_t free_at = USB_PERIPHERALS_MAX;
	int iface = 0, rc, slot;
	char name[USB_TABLE_NAME_MAX];

	for (size_t i = 0; i < USB_PERIPHERALS_MAX; i++) {
		if (u->devs[i] && u->devs[i]->dev == dev)
			return; /* ENUMERATE and the event loop may both report it */
		if (!u->devs[i] && free_at == USB_PERIPHERALS_MAX)
			free_at = i;
	}
	if (libusb_get_device_descriptor(dev, &dd))
		return;
	d = calloc(1, sizeof(*d));
	if (!d)
		return;
	d->mgr = u;
	d->ctx = u->ctx;
	d->dev = libusb_ref_device(dev);
	d->slot = -1;
	d->scan_gap_ms = u->scan_gap_ms;
	d->status_ms = u->status_ms;
	if (libusb_get_active_config_descriptor(dev, &d->config) || !d->config) {
		dev_free(d);
		return;
	}
	rule = match_device(u, &dd, d->config, &iface, &alt, &ids);
	if (!rule || rule->driver == USB_DRIVER_NONE) {
		if (rule)
			log_debug(MOD, "%04x:%04x: left alone (devices.conf line %d)", dd.idVendor,
				  dd.idProduct, rule->line);
		dev_free(d);
		return;
	}
	d->alt = alt;
	d->iface = iface;
	d->ids = ids;
	d->driver = rule->driver;
	d->ops = driver_ops(rule->driver);
	if (free_at == USB_PERIPHERALS_MAX) {
		log_warn(MOD, "%04x:%04x: more than %d peripherals, not bound", ids.vid, ids.pid,
			 USB_PERIPHERALS_MAX);
		dev_free(d);
		return;
	}
	pthread_mutex_lock(&u->lock);
	slot = slot_for(u, &ids, rule->driver, libusb_get_bus_number(dev),
			libusb_get_device_address(dev));
	if (slot >= 0) {
		p = &u->snap.p[slot];
		memset(p, 0, sizeof(*p));
		p->present = true;
		p->kind = d->ops->kind;
		p->driver = rule->driver;
		p->vid = ids.vid;
		p->pid = ids.pid;
		p->bus = libusb_get_bus_number(dev);
		p->address = libusb_get_device_address(dev);
		snprintf(p->name, sizeof(p->name), "%s",
			 rule->name[0] ? rule->name : usb_driver_name(rule->driver));
	}
	pthread_mutex_unlock(&u->lock);
	if (slot < 0) {
		log_warn(MOD, "%04x:%04x: no slot left in the snapshot", ids.vid, ids.pid);
		dev_free(d);
		return;
	}
	d->slot = slot;
	rc = libusb_open(dev, &d->h);
	if (rc) {
		d->h = NULL;
		usb_dev_set_error(d, "cannot open: %s%s", libusb_strerror(rc),
				  rc == LIBUSB_ERROR_ACCESS ? " (no udev rule for the kiosk user?)" : "");
		goto fail;
	}
	name_device(d, rule, &dd, name, sizeof(name));
	pthread_mutex_lock(&u->lock);
	memcpy(u->snap.p[slot].name, name, sizeof(name));
	pthread_mutex_unlock(&u->lock);
	/* the kernel's driver (usbhid, usblp) is given the interface back when
	 * it is released; not supported off Linux, where there is none */
	rc = libusb_set_auto_detach_kernel_driver(d->h, 1);
	if (rc && rc != LIBUSB_ERROR_NOT_SUPPORTED)
		log_warn(MOD, "%s: auto-detach: %s", name, libusb_strerror(rc));
	rc = libusb_claim_interface(d->h, iface);
	if (rc) {
		usb_dev_set_error(d, "cannot claim interface %d: %s", iface, libusb_strerror(rc));
		libusb_close(d->h);
		d->h = NULL;
		goto fail;
	}
	err_clear(&e);
	if (d->ops->attach(d, &e)) {
		usb_dev_set_error(d, "%s", e.msg);
		goto fail;
	}
	pthread_mutex_lock(&u->lock);
	u->snap.p[slot].working = true;
	pthread_mutex_unlock(&u->lock);
	u->devs[free_at] = d;
	emit_simple(u, d, USB_EVENT_ATTACHED, NULL);
	if (d->ops->poll)
		d->ops->poll(d, usb_now_ms()); /* a printer's first status */
	return;
fail:
	pthread_mutex_lock(&u->lock);
	{
		char why[USB_REASON_MAX];

		memcpy(why, u->snap.p[slot].last_error, sizeof(why));
		pthread_mutex_unlock(&u->lock);
		emit_simple(u, d, USB_EVENT_ERROR, why);
	}
	dev_free(d);
}

static void unbind_device(struct usb *u, size_t i, const char *why)
{
	struct usb_dev *d = u->devs[i];

	u->devs[i] = NULL;
	if (d->ops->detach)
		d->ops->detach(d);
	pthread_mutex_lock(&u->lock);
	u->snap.p[d->slot].working = false;
	u->snap.p[d->slot].present = false;
	printer_status_init(&u->snap.p[d->slot].status);
	u->snap.p[d->slot].status_text[0] = '\0';
	pthread_mutex_unlock(&u->lock);
	emit_simple(u, d, USB_EVENT_DETACHED, why);
	dev_free(d);
}

/* A device that failed to bind and then left: present no more. */
static void forget_absent(struct usb *u, uint8_t bus, uint8_t address)
{
	pthread_mutex_lock(&u->lock);
	for (size_t i = 0; i < u->snap.n; i++)
		if (u->snap.p[i].present && !u->snap.p[i].working && u->snap.p[i].bus == bus &&
		    u->snap.p[i].address == address)
			u->snap.p[i].present = false;
	pthread_mutex_unlock(&u->lock);
}

static int hotplug_cb(libusb_context *ctx, libusb_device *dev, libusb_hotplug_event event,
		      void *user)
{
	struct usb *u = user;

	(void)ctx;
	/* only queued: opening a device inside this callback is not safe */
	if (event == LIBUSB_HOTPLUG_EVENT_DEVICE_ARRIVED && u->narrived < PENDING_MAX)
		u->arrived[u->narrived++] = libusb_ref_device(dev);
	else if (event == LIBUSB_HOTPLUG_EVENT_DEVICE_LEFT && u->nleft < PENDING_MAX)
		u->left[u->nleft++] = libusb_ref_device(dev);
	else
		log_warn(MOD, "more than %d hotplug events in one turn: one dropped", PENDING_MAX);
	return 0;
}

static void poll_device_list(struct usb *u)
{
	libusb_device **list;
	ssize_t n = libusb_get_device_list(u->ctx, &list);
	uint16_t keys[64];
	size_t nkeys = 0;

	if (n < 0)
		return;
	for (ssize_t i = 0; i < n; i++) {
		uint16_t key = (uint16_t)(libusb_get_bus_number(list[i]) << 8 |
					  libusb_get_device_address(list[i]));

		if (nkeys < sizeof(keys) / sizeof(keys[0]))
			keys[nkeys++] = key;
		if (!seen_before(u, key))
			bind_device(u, list[i]);
	}
	/* bound devices no longer listed have left */
	for (size_t i = 0; i < USB_PERIPHERALS_MAX; i++) {
		bool listed = false;

		if (!u->devs[i])
			continue;
		for (ssize_t k = 0; k < n; k++)
			listed |= list[k] == u->devs[i]->dev;
		if (!listed)
			u->devs[i]->gone = true;
	}
	/* forget what is gone, so a device back at the same address is seen */
	for (size_t i = 0; i < u->nseen;) {
		bool listed = false;

		for (size_t k = 0; k < nkeys; k++)
			listed |= keys[k] == u->seen[i];
		if (listed) {
			i++;
			continue;
		}
		forget_absent(u, (uint8_t)(u->seen[i] >> 8), (uint8_t)u->seen[i]);
		u->seen[i] = u->seen[--u->nseen];
	}
	libusb_free_device_list(list, 1);
}

static void handle_pending(struct usb *u)
{
	while (u->nleft) {
		libusb_device *dev = u->left[--u->nleft];

		for (size_t i = 0; i < USB_PERIPHERALS_MAX; i++)
			if (u->devs[i] && u->devs[i]->dev == dev)
				u->devs[i]->gone = true;
		forget_absent(u, libusb_get_bus_number(dev), libusb_get_device_address(dev));
		libusb_unref_device(dev);
	}
	for (size_t i = 0; i < USB_PERIPHERALS_MAX; i++)
		if (u->devs[i] && u->devs[i]->gone)
			unbind_device(u, i, "unplugged");
	for (size_t k = 0; k < u->narrived; k++) {
		bind_device(u, u->arrived[k]);
		libusb_unref_device(u->arrived[k]);
	}
	u->narrived = 0;
}

static struct usb_dev *bound_printer(struct usb *u)
{
	for (size_t i = 0; i < USB_PERIPHERALS_MAX; i++)
		if (u->devs[i] && !u->devs[i]->gone && u->devs[i]->ops->kind == USB_KIND_PRINTER)
			return u->devs[i];
	return NULL;
}

static void job_outcome(struct usb *u, struct usb_dev *d, uint64_t id, bool ok, const char *why)
{
	struct usb_event ev;

	memset(&ev, 0, sizeof(ev));
	ev.type = USB_EVENT_JOB_DONE;
	ev.job_id = id;
	ev.job_ok = ok;
	snprintf(ev.reason, sizeof(ev.reason), "%s", why ? why : "");
	if (d) {
		usb_dev_emit(d, &ev);
		return;
	}
	ev.slot = -1;
	ev.kind = USB_KIND_PRINTER;
	snprintf(ev.name, sizeof(ev.name), "printer");
	deliver(u, &ev);
}

static void run_one_job(struct usb *u)
{
	struct usb_job job;
	struct usb_dev *d;
	struct err e;

	pthread_mutex_lock(&u->lock);
	if (!u->njobs) {
		pthread_mutex_unlock(&u->lock);
		return;
	}
	job = u->jobs[0];
	memmove(u->jobs, u->jobs + 1, (u->njobs - 1) * sizeof(job));
	u->njobs--;
	pthread_mutex_unlock(&u->lock);
	d = bound_printer(u);
	err_clear(&e);
	if (!d)
		job_outcome(u, NULL, job.id, false, "no printer");
	else if (!d->ops->print || d->ops->print(d, job.bytes, job.len, &e))
		job_outcome(u, d, job.id, false, e.msg[0] ? e.msg : "printer failed");
	else
		job_outcome(u, d, job.id, true, NULL);
	free(job.bytes);
}

static bool stopping(struct usb *u)
{
	bool s;

	pthread_mutex_lock(&u->lock);
	s = u->stop;
	pthread_mutex_unlock(&u->lock);
	return s;
}

static void *usb_thread(void *arg)
{
	struct usb *u = arg;
	uint64_t next_poll = 0;
	int rc;

	if (!u->poll_only && libusb_has_capability(LIBUSB_CAP_HAS_HOTPLUG)) {
		rc = libusb_hotplug_register_callback(
			u->ctx, LIBUSB_HOTPLUG_EVENT_DEVICE_ARRIVED | LIBUSB_HOTPLUG_EVENT_DEVICE_LEFT,
			LIBUSB_HOTPLUG_ENUMERATE, LIBUSB_HOTPLUG_MATCH_ANY, LIBUSB_HOTPLUG_MATCH_ANY,
			LIBUSB_HOTPLUG_MATCH_ANY, hotplug_cb, u, &u->hotplug);
		u->has_hotplug = rc == LIBUSB_SUCCESS;
		if (rc)
			log_warn(MOD, "hotplug: %s; reading the device list every %d ms",
				 libusb_strerror(rc), USB_POLL_MS);
	}
	pthread_mutex_lock(&u->lock);
	u->snap.hotplug = u->has_hotplug;
	pthread_mutex_unlock(&u->lock);
	while (!stopping(u)) {
		struct timeval tv = { 0, USB_TURN_MS * 1000 };
		uint64_t now;

		libusb_handle_events_timeout_completed(u->ctx, &tv, NULL);
		now = usb_now_ms();
		if (!u->has_hotplug && now >= next_poll) {
			poll_device_list(u);
			next_poll = now + USB_POLL_MS;
		}
		handle_pending(u);
		for (size_t i = 0; i < USB_PERIPHERALS_MAX; i++)
			if (u->devs[i] && !u->devs[i]->gone && u->devs[i]->ops->poll)
				u->devs[i]->ops->poll(u->devs[i], now);
		for (size_t i = 0; i < USB_PERIPHERALS_MAX; i++)
			if (u->devs[i] && u->devs[i]->gone)
				unbind_device(u, i, "unplugged");
		run_one_job(u);
	}
	if (u->has_hotplug)
		libusb_hotplug_deregister_callback(u->ctx, u->hotplug);
	for (size_t i = 0; i < USB_PERIPHERALS_MAX; i++)
		if (u->devs[i])
			unbind_device(u, i, "stopping");
	for (size_t k = 0; k < u->narrived; k++)
		libusb_unref_device(u->arrived[k]);
	for (size_t k = 0; k < u->nleft; k++)
		libusb_unref_device(u->left[k]);
	u->narrived = u->nleft = 0;
	for (;;) {
		struct usb_job job;

		pthread_mutex_lock(&u->lock);
		if (!u->njobs) {
			u->snap.running = false;
			pthread_mutex_unlock(&u->lock);
			break;
		}
		job = u->jobs[--u->njobs];
		pthread_mutex_unlock(&u->lock);
		job_outcome(u, NULL, job.id, false, "stopping: not printed");
		free(job.bytes);
	}
	return NULL;
}

int usb_start(struct usb **out, const struct usb_config *cfg, struct err *e)
{
	struct usb *u;
	int rc;

	*out = NULL;
	if (!cfg || !cfg->table)
		return err_fail(e, "usb: no driver table");
	u = calloc(1, sizeof(*u));
	if (!u)
		return err_fail(e, "usb: out of memory");
	u->table = *cfg->table;
	u->on_event = cfg->on_event;
	u->user = cfg->user;
	u->scan_gap_ms = cfg->scan_gap_ms;
	u->status_ms = cfg->status_ms ? cfg->status_ms : USB_STATUS_MS_DEFAULT;
	u->poll_only = cfg->poll_only;
	rc = libusb_init(&u->ctx);
	if (rc) {
		free(u);
		return err_fail(e, "usb: libusb_init: %s", libusb_strerror(rc));
	}
	pthread_mutex_init(&u->lock, NULL);
	u->snap.running = true;
	rc = pthread_create(&u->thread, NULL, usb_thread, u);
	if (rc) {
		pthread_mutex_destroy(&u->lock);
		libusb_exit(u->ctx);
		free(u);
		return err_fail(e, "usb: cannot start the USB thread: %s", strerror(rc));
	}
	*out = u;
	return 0;
}

void usb_stop(struct usb *u)
{
	if (!u)
		return;
	pthread_mutex_lock(&u->lock);
	u->stop = true;
	pthread_mutex_unlock(&u->lock);
	libusb_interrupt_event_handler(u->ctx);
	pthread_join(u->thread, NULL);
	libusb_exit(u->ctx);
	pthread_mutex_destroy(&u->lock);
	free(u);
}

int usb_printer_submit(struct usb *u, const void *bytes, size_t len, uint64_t job_id,
		       struct err *e)
{
	bool printer = false;
	uint8_t *copy;

	if (!u)
		return err_fail(e, "usb: not started");
	if (!len || len > USB_JOB_MAX)
		return err_fail(e, "usb: a print job is 1..%d bytes, not %zu", USB_JOB_MAX, len);
	copy = malloc(len);
	if (!copy)
		return err_fail(e, "usb: out of memory");
	memcpy(copy, bytes, len);
	pthread_mutex_lock(&u->lock);
	for (size_t i = 0; i < u->snap.n; i++)
		printer |= u->snap.p[i].kind == USB_KIND_PRINTER && u->snap.p[i].working;
	if (!printer || u->stop || u->njobs == USB_JOBS_QUEUED) {
		bool full = printer && !u->stop;

		pthread_mutex_unlock(&u->lock);
		free(copy);
		if (full)
			return err_fail(e, "usb: %d print jobs are waiting already", USB_JOBS_QUEUED);
		return err_fail(e, "usb: no printer");
	}
	u->jobs[u->njobs].bytes = copy;
	u->jobs[u->njobs].len = len;
	u->jobs[u->njobs].id = job_id;
	u->njobs++;
	pthread_mutex_unlock(&u->lock);
	libusb_interrupt_event_handler(u->ctx);
	return 0;
}

void usb_snapshot(struct usb *u, struct usb_peripherals *out)
{
	if (!u) {
		memset(out, 0, sizeof(*out));
		return;
	}
	pthread_mutex_lock(&u->lock);
	*out = u->snap;
	pthread_mutex_unlock(&u->lock);
}
