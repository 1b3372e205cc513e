/*
 * Unit tests for the arbiter's decision (ocf_arbiter_decide) and the
 * leader key's value (ocf_arbiter_parse_holder): pure functions, so each
 * case is a set of facts.  The rules under test, from ocf(7) "THREE NODES
 * AND AN ARBITER": only the holder serves; a node that cannot reach etcd
 * never starts; the holder lets go for maintenance and for a preferred
 * node; a preferred node asks only after RISE_THRESHOLD good checks, when
 * settled, and never of an equal.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "arbiter.h"
#include "config.h"

static struct ocf_config cfg;

static int
setup(void **unused)
{
	(void)unused;
	ocf_config_defaults(&cfg);
	cfg.arbiter = OCF_ARBITER_ETCD;
	cfg.node_priority = 50;
	cfg.rise_threshold = 3;
	return 0;
}

/* the holder, serving, nothing asked */
static struct ocf_arb_facts
holder(void)
{
	struct ocf_arb_facts f = {
		.reached = 1, .holding = 1, .found = 1, .ours = 1,
		.holder_me = 1, .holder_prio = 50, .active = 1, .serving = 1,
		.good = 10, .settled = 1,
	};

	return f;
}

/* a standby, another node of priority prio serving */
static struct ocf_arb_facts
standby(int prio)
{
	struct ocf_arb_facts f = {
		.reached = 1, .found = 1, .holder_prio = prio, .good = 10,
		.settled = 1,
	};

	return f;
}

static enum ocf_arb_action
decide(const struct ocf_arb_facts *f)
{
	const char *why = NULL;
	enum ocf_arb_action a = ocf_arbiter_decide(&cfg, f, &why);

	assert_non_null(why);
	/* every action says why; doing nothing needs no reason */
	if (a != OCF_ARB_NOTHING && a != OCF_ARB_WITHDRAW)
		assert_true(strlen(why) > 0);
	return a;
}

static void
test_holder_keeps_serving(void **unused)
{
	struct ocf_arb_facts f = holder();

	(void)unused;
	assert_int_equal(decide(&f), OCF_ARB_NOTHING);
	f.reached = 0;	/* cut off: the keeper fences on its own clock */
	assert_int_equal(decide(&f), OCF_ARB_NOTHING);
}

static void
test_holder_loses_the_key(void **unused)
{
	struct ocf_arb_facts f = holder();

	(void)unused;
	f.ours = 0;		/* another create revision: not ours */
	assert_int_equal(decide(&f), OCF_ARB_LOSE);
	f = holder();
	f.found = 0;
	f.ours = 0;
	assert_int_equal(decide(&f), OCF_ARB_LOSE);
}

static void
test_holder_lets_go(void **unused)
{
	struct ocf_arb_facts f = holder();

	(void)unused;
	f.maintenance = 1;
	assert_int_equal(decide(&f), OCF_ARB_RELEASE);
	f = holder();
	f.handover = 1;
	assert_int_equal(decide(&f), OCF_ARB_RELEASE);
	/* losing beats letting go: the key is not ours to release */
	f.ours = 0;
	assert_int_equal(decide(&f), OCF_ARB_LOSE);
}

static void
test_holder_repairs(void **unused)
{
	struct ocf_arb_facts f = holder();

	(void)unused;
	f.serving = 0;		/* the gateway died */
	assert_int_equal(decide(&f), OCF_ARB_SERVE);
	f.active = 0;		/* acquired, promotion not done */
	assert_int_equal(decide(&f), OCF_ARB_SERVE);
}

static void
test_non_holder_never_serves(void **unused)
{
	struct ocf_arb_facts f = standby(100);

	(void)unused;
	f.present = 1;
	assert_int_equal(decide(&f), OCF_ARB_STAND_DOWN);
	f.reached = 0;		/* cut off, and a gateway runs: stop it */
	assert_int_equal(decide(&f), OCF_ARB_STAND_DOWN);
	f = standby(100);
	f.active = 1;		/* the state says active: a fenced holder */
	assert_int_equal(decide(&f), OCF_ARB_STAND_DOWN);
	/* even a preferred node with a gateway that may not serve */
	f = standby(10);
	f.present = 1;
	assert_int_equal(decide(&f), OCF_ARB_STAND_DOWN);
}

static void
test_cut_off_never_acquires(void **unused)
{
	struct ocf_arb_facts f = standby(0);

	(void)unused;
	f.found = 0;
	f.reached = 0;
	assert_int_equal(decide(&f), OCF_ARB_NOTHING);
	f.reached = 1;
	assert_int_equal(decide(&f), OCF_ARB_ACQUIRE);
}

static void
test_acquire_waits(void **unused)
{
	struct ocf_arb_facts f = standby(0);

	(void)unused;
	f.found = 0;
	f.maintenance = 1;
	assert_int_equal(decide(&f), OCF_ARB_NOTHING);
	f.maintenance = 0;
	f.waiting = 1;		/* back-off, or just handed over */
	assert_int_equal(decide(&f), OCF_ARB_NOTHING);
	f.waiting = 0;
	f.handover = 1;		/* the node we hand over to goes first */
	assert_int_equal(decide(&f), OCF_ARB_NOTHING);
	f.handover = 0;
	assert_int_equal(decide(&f), OCF_ARB_ACQUIRE);
}

static void
test_preferred_node_asks(void **unused)
{
	struct ocf_arb_facts f = standby(10);

	(void)unused;
	assert_int_equal(decide(&f), OCF_ARB_ASK);
	f.good = cfg.rise_threshold - 1;
	assert_int_equal(decide(&f), OCF_ARB_NOTHING);
	f.good = cfg.rise_threshold;
	f.settled = 0;		/* HOLD_DOWN since our last transition */
	assert_int_equal(decide(&f), OCF_ARB_NOTHING);
	f.settled = 1;
	f.waiting = 1;
	assert_int_equal(decide(&f), OCF_ARB_NOTHING);
	f.waiting = 0;
	cfg.failback = OCF_FAILBACK_MANUAL;
	assert_int_equal(decide(&f), OCF_ARB_NOTHING);
	f.asking = 1;
	assert_int_equal(decide(&f), OCF_ARB_WITHDRAW);
	cfg.failback = OCF_FAILBACK_AUTO;
	assert_int_equal(decide(&f), OCF_ARB_ASK);	/* renewed */
}

static void
test_equal_or_higher_is_left_alone(void **unused)
{
	struct ocf_arb_facts f = standby(50);

	(void)unused;
	assert_int_equal(decide(&f), OCF_ARB_NOTHING);
	f.asking = 1;
	assert_int_equal(decide(&f), OCF_ARB_WITHDRAW);
	f = standby(90);
	assert_int_equal(decide(&f), OCF_ARB_NOTHING);
	/* our own name under an old lease: never ask ourselves */
	f = standby(10);
	f.holder_me = 1;
	assert_int_equal(decide(&f), OCF_ARB_NOTHING);
	f.maintenance = 1;
	f.holder_me = 0;
	f.asking = 1;
	assert_int_equal(decide(&f), OCF_ARB_WITHDRAW);
}

static void
test_parse_holder(void **unused)
{
	char name[64];
	int prio;

	(void)unused;
	assert_int_equal(ocf_arbiter_parse_holder("100 node a", &prio, name,
	    sizeof(name)), 0);
	assert_int_equal(prio, 100);
	assert_string_equal(name, "node a");
	assert_int_equal(ocf_arbiter_parse_holder("0 b", &prio, name,
	    sizeof(name)), 0);
	assert_int_equal(prio, 0);
	/* not ours: priority 0, the whole value as the name */
	assert_int_equal(ocf_arbiter_parse_holder("b", &prio, name,
	    sizeof(name)), -1);
	assert_int_equal(prio, 0);
	assert_string_equal(name, "b");
	assert_int_equal(ocf_arbiter_parse_holder("1001 b", &prio, name,
	    sizeof(name)), -1);
	assert_int_equal(ocf_arbiter_parse_holder("-1 b", &prio, name,
	    sizeof(name)), -1);
	assert_int_equal(ocf_arbiter_parse_holder("", &prio, name,
	    sizeof(name)), -1);
	assert_int_equal(ocf_arbiter_parse_holder("7", &prio, name,
	    sizeof(name)), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_holder_keeps_serving, setup),
		cmocka_unit_test_setup(test_holder_loses_the_key, setup),
		cmocka_unit_test_setup(test_holder_lets_go, setup),
		cmocka_unit_test_setup(test_holder_repairs, setup),
		cmocka_unit_test_setup(test_non_holder_never_serves, setup),
		cmocka_unit_test_setup(test_cut_off_never_acquires, setup),
		cmocka_unit_test_setup(test_acquire_waits, setup),
		cmocka_unit_test_setup(test_preferred_node_asks, setup),
		cmocka_unit_test_setup(test_equal_or_higher_is_left_alone,
		    setup),
		cmocka_unit_test(test_parse_holder),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
