// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * order: the staff-action table against the state machine.  Every action
 * the table allows must be a move the lifecycle allows, and the actions
 * whose move is the whole rule (cancel, write) must be allowed exactly where
 * that move is.  The store's enforcement is in test_store.c.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "order.h"

/* The move the action makes from s (retry: from FAILED for every failed_from). */
static bool action_move_legal(enum order_action a, enum order_state s)
{
	switch (a) {
	case ORDER_ACT_RETRY:
		for (int ff = 0; ff < ORDER_STATE_COUNT; ff++)
			if (!order_can_move(s, order_retry_target((enum order_state)ff)))
				return false;
		return true;
	case ORDER_ACT_WRITE:
		return order_can_move(s, ORDER_WRITING);
	case ORDER_ACT_REFETCH:
		return order_can_move(s, ORDER_ANNOUNCED);
	case ORDER_ACT_CANCEL:
		return order_can_move(s, ORDER_CANCELLED);
	case ORDER_ACT_CONFIRM_PAYMENT:
		return order_can_move(s, ORDER_READY);
	default:
		return false;
	}
}

static void allowed_actions_are_legal_moves(void **state)
{
	unsigned allowed = 0;

	(void)state;
	for (int a = 0; a < ORDER_ACTION_COUNT; a++)
		for (int s = 0; s < ORDER_STATE_COUNT; s++) {
			if (!order_action_allowed((enum order_action)a, (enum order_state)s))
				continue;
			allowed++;
			if (!action_move_legal((enum order_action)a, (enum order_state)s))
				fail_msg("%s allowed in %s, but the lifecycle has no such move",
					 order_action_name((enum order_action)a),
					 order_state_name((enum order_state)s));
		}
	assert_int_equal(allowed, 1 + 1 + 1 + 6 + 1);
}

static void cancel_and_write_follow_the_lifecycle(void **state)
{
	(void)state;
	for (int s = 0; s < ORDER_STATE_COUNT; s++) {
		enum order_state st = (enum order_state)s;

		assert_int_equal(order_action_allowed(ORDER_ACT_CANCEL, st),
				 order_can_move(st, ORDER_CANCELLED));
		assert_int_equal(order_action_allowed(ORDER_ACT_WRITE, st),
				 order_can_move(st, ORDER_WRITING));
		/* retry and download again are for failed orders only */
		assert_int_equal(order_action_allowed(ORDER_ACT_RETRY, st), st == ORDER_FAILED);
		assert_int_equal(order_action_allowed(ORDER_ACT_REFETCH, st), st == ORDER_FAILED);
		/* a payment is confirmed only while its slip waits */
		assert_int_equal(order_action_allowed(ORDER_ACT_CONFIRM_PAYMENT, st),
				 st == ORDER_AWAITING_PAYMENT);
		/* nothing touches an order being written, or a finished one */
		if (order_is_final(st) || st == ORDER_WRITING || st == ORDER_VERIFYING ||
		    st == ORDER_WRITTEN || st == ORDER_ERASED)
			for (int a = 0; a < ORDER_ACTION_COUNT; a++)
				assert_false(order_action_allowed((enum order_action)a, st));
	}
	assert_false(order_action_allowed(ORDER_ACTION_COUNT, ORDER_FAILED));
	assert_false(order_action_allowed(ORDER_ACT_RETRY, ORDER_STATE_COUNT));
}

static void refusal_names_the_states(void **state)
{
	struct err e = { "" };

	(void)state;
	assert_int_equal(order_action_check(ORDER_ACT_REFETCH, ORDER_FAILED, "A1", &e), 0);
	assert_int_equal(order_action_check(ORDER_ACT_REFETCH, ORDER_READY, "A1", &e), -1);
	assert_string_equal(e.msg, "order A1 is ready: download again is only for failed orders");
	assert_int_equal(order_action_check(ORDER_ACT_CANCEL, ORDER_WRITTEN, "A1", &e), -1);
	assert_string_equal(e.msg, "order A1 is written: cancel is only for announced, downloading, "
				   "ready, claimed, awaiting-payment or failed orders");
	assert_int_equal(order_action_check(ORDER_ACT_WRITE, ORDER_FAILED, "A1", &e), -1);
	assert_string_equal(e.msg, "order A1 is failed: write again is only for claimed orders");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(allowed_actions_are_legal_moves),
		cmocka_unit_test(cancel_and_write_follow_the_lifecycle),
		cmocka_unit_test(refusal_names_the_states),
	};

	return cmocka_run_group_tests_name("order", tests, NULL, NULL);
}
