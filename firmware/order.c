// SPDX-License-Identifier: GPL-2.0-or-later
#include "order.h"

#include <stdio.h>
#include <string.h>

static const char *const state_names[ORDER_STATE_COUNT] = {
	[ORDER_ANNOUNCED] = "announced", [ORDER_DOWNLOADING] = "downloading",
	[ORDER_READY] = "ready",         [ORDER_CLAIMED] = "claimed",
	[ORDER_AWAITING_PAYMENT] = "awaiting-payment",
	[ORDER_WRITING] = "writing",     [ORDER_VERIFYING] = "verifying",
	[ORDER_WRITTEN] = "written",     [ORDER_ERASED] = "erased",
	[ORDER_REPORTED] = "reported",   [ORDER_FAILED] = "failed",
	[ORDER_EXPIRED] = "expired",     [ORDER_CANCELLED] = "cancelled",
};

#define BIT(s) (1u << (s))

/* moves[from] is the set of states `from` may go to. */
static const unsigned moves[ORDER_STATE_COUNT] = {
	[ORDER_ANNOUNCED] = BIT(ORDER_DOWNLOADING) | BIT(ORDER_FAILED) | BIT(ORDER_EXPIRED) |
			    BIT(ORDER_CANCELLED),
	[ORDER_DOWNLOADING] = BIT(ORDER_READY) | BIT(ORDER_FAILED) | BIT(ORDER_EXPIRED) |
			      BIT(ORDER_CANCELLED),
	[ORDER_READY] = BIT(ORDER_CLAIMED) | BIT(ORDER_FAILED) | BIT(ORDER_EXPIRED) |
			BIT(ORDER_CANCELLED),
	[ORDER_CLAIMED] = BIT(ORDER_WRITING) | BIT(ORDER_READY) | BIT(ORDER_AWAITING_PAYMENT) |
			  BIT(ORDER_FAILED) | BIT(ORDER_EXPIRED) | BIT(ORDER_CANCELLED),
	[ORDER_AWAITING_PAYMENT] = BIT(ORDER_READY) | BIT(ORDER_EXPIRED) | BIT(ORDER_CANCELLED),
	[ORDER_WRITING] = BIT(ORDER_VERIFYING) | BIT(ORDER_CLAIMED) | BIT(ORDER_FAILED),
	[ORDER_VERIFYING] = BIT(ORDER_WRITTEN) | BIT(ORDER_CLAIMED) | BIT(ORDER_FAILED),
	[ORDER_WRITTEN] = BIT(ORDER_ERASED),
	[ORDER_ERASED] = BIT(ORDER_REPORTED),
	[ORDER_REPORTED] = 0,
	[ORDER_FAILED] = BIT(ORDER_ANNOUNCED) | BIT(ORDER_CLAIMED) | BIT(ORDER_EXPIRED) |
			 BIT(ORDER_CANCELLED),
	[ORDER_EXPIRED] = 0,
	[ORDER_CANCELLED] = 0,
};

const char *order_state_name(enum order_state s)
{
	return (unsigned)s < ORDER_STATE_COUNT ? state_names[s] : "?";
}

int order_state_parse(const char *name)
{
	for (int i = 0; i < ORDER_STATE_COUNT; i++)
		if (!strcmp(state_names[i], name))
			return i;
	return -1;
}

bool order_can_move(enum order_state from, enum order_state to)
{
	if ((unsigned)from >= ORDER_STATE_COUNT || (unsigned)to >= ORDER_STATE_COUNT)
		return false;
	return moves[from] & BIT(to);
}

enum order_state order_retry_target(enum order_state failed_from)
{
	switch (failed_from) {
	case ORDER_CLAIMED:
	case ORDER_WRITING:
	case ORDER_VERIFYING:
		return ORDER_CLAIMED;
	default:
		return ORDER_ANNOUNCED;
	}
}

bool order_is_final(enum order_state s)
{
	return s == ORDER_REPORTED || s == ORDER_EXPIRED || s == ORDER_CANCELLED;
}

bool order_content_gone(enum order_state s)
{
	return s == ORDER_ERASED || order_is_final(s);
}

static const char *const action_names[ORDER_ACTION_COUNT] = {
	[ORDER_ACT_RETRY] = "retry",
	[ORDER_ACT_WRITE] = "write again",
	[ORDER_ACT_REFETCH] = "download again",
	[ORDER_ACT_CANCEL] = "cancel",
	[ORDER_ACT_CONFIRM_PAYMENT] = "confirm payment",
};

/* allowed[action] is the set of states the action may start from. */
static const unsigned allowed[ORDER_ACTION_COUNT] = {
	[ORDER_ACT_RETRY] = BIT(ORDER_FAILED),
	[ORDER_ACT_WRITE] = BIT(ORDER_CLAIMED),
	[ORDER_ACT_REFETCH] = BIT(ORDER_FAILED),
	[ORDER_ACT_CANCEL] = BIT(ORDER_ANNOUNCED) | BIT(ORDER_DOWNLOADING) | BIT(ORDER_READY) |
			     BIT(ORDER_CLAIMED) | BIT(ORDER_AWAITING_PAYMENT) | BIT(ORDER_FAILED),
	[ORDER_ACT_CONFIRM_PAYMENT] = BIT(ORDER_AWAITING_PAYMENT),
};

const char *order_action_name(enum order_action a)
{
	return (unsigned)a < ORDER_ACTION_COUNT ? action_names[a] : "?";
}

bool order_action_allowed(enum order_action a, enum order_state s)
{
	if ((unsigned)a >= ORDER_ACTION_COUNT || (unsigned)s >= ORDER_STATE_COUNT)
		return false;
	return allowed[a] & BIT(s);
}

int order_action_check(enum order_action a, enum order_state s, const char *id,
		       struct err *e)
{
	char states[160] = "";
	size_t len = 0;
	unsigned n = 0, total;

	if (order_action_allowed(a, s))
		return 0;
	if ((unsigned)a >= ORDER_ACTION_COUNT)
		return err_fail(e, "order %s: no such action", id);
	total = (unsigned)__builtin_popcount(allowed[a]);
	for (int i = 0; i < ORDER_STATE_COUNT; i++) {
		if (!(allowed[a] & BIT(i)))
			continue;
		n++;
		len += (size_t)snprintf(states + len, sizeof(states) - len, "%s%s",
					n == 1 ? "" : n == total ? " or " : ", ", state_names[i]);
		if (len >= sizeof(states))
			break;
	}
	return err_fail(e, "order %s is %s: %s is only for %s orders", id, order_state_name(s),
			order_action_name(a), states);
}

bool order_id_ok(const char *id)
{
	size_t n = 0;

	for (; id[n]; n++) {
		char c = id[n];

		if (n >= 64 || !((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
				 (c >= '0' && c <= '9') || c == '_' || c == '-'))
			return false;
	}
	return n > 0;
}

static const char *const media_names[MEDIA_KIND_COUNT] = {
	[MEDIA_AUDIO_CD] = "audio-cd",
	[MEDIA_DATA_CD] = "data-cd",
	[MEDIA_DATA_DVD] = "data-dvd",
};

const char *media_kind_name(enum media_kind m)
{
	return (unsigned)m < MEDIA_KIND_COUNT ? media_names[m] : "?";
}

int media_kind_parse(const char *name)
{
	for (int i = 0; i < MEDIA_KIND_COUNT; i++)
		if (!strcmp(media_names[i], name))
			return i;
	return -1;
}

