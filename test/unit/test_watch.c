/*
 * Unit tests for the watcher's decision (ocf_watch_decide), its promotion
 * back-off (ocf_watch_backoff) and the state's clock handling
 * (ocf_state_rebase): pure functions, so every case is a table row.
 * Times are CLOCK_BOOTTIME seconds; a wall clock that steps does not
 * appear here at all, which is the point.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "config.h"
#include "exitcode.h"
#include "state.h"
#include "timeutil.h"
#include "watch.h"

static struct ocf_config cfg;

static int
setup(void **unused)
{
	(void)unused;
	ocf_config_defaults(&cfg);
	cfg.check_interval = 10;
	cfg.hold_down = 60;
	cfg.fail_threshold = 3;
	cfg.rise_threshold = 3;
	return 0;
}

static struct ocf_state
state(enum ocf_role role, int fails, int rises)
{
	struct ocf_state s;

	ocf_state_init(&s);
	s.role = role;
	s.fails = fails;
	s.rises = rises;
	return s;
}

static enum ocf_action
decide(const struct ocf_state *s, int verdict, int running, int present,
    double now)
{
	struct ocf_facts f = { .verdict = verdict, .running = running,
	    .present = present, .now = now };
	const char *why;

	return ocf_watch_decide(&cfg, s, &f, &why);
}

static void
test_standby_promotes_at_threshold(void **unused)
{
	struct ocf_state s = state(OCF_ROLE_STANDBY, 2, 0);

	(void)unused;
	assert_int_equal(decide(&s, OCF_CRITICAL, 0, 0, 1000), OCF_ACT_NOTHING);
	s.fails = 3;
	assert_int_equal(decide(&s, OCF_CRITICAL, 0, 0, 1000), OCF_ACT_PROMOTE);
}

/* issue 10 case 2: hold-down measured in uptime, a recorded time in the
 * future (a state from before a clock or boot change) counts as now */
static void
test_hold_down_in_uptime(void **unused)
{
	struct ocf_state s = state(OCF_ROLE_ACTIVE, 0, 3);

	(void)unused;
	s.last_transition_up = 1000;
	assert_int_equal(decide(&s, OCF_OK, 1, 0, 1059), OCF_ACT_NOTHING);
	assert_int_equal(decide(&s, OCF_OK, 1, 0, 1060), OCF_ACT_DEMOTE);
	/* in the future: as if it were now, so the hold-down starts over
	 * (ocf_state_rebase moves it to now when the state is loaded) */
	s.last_transition_up = 5000;
	assert_int_equal(decide(&s, OCF_OK, 1, 0, 1060), OCF_ACT_NOTHING);
	/* no transition recorded (a state from a crash or an older ocf):
	 * nothing to hold down, the primary's rise decides (it never did:
	 * found with a real systemd, t8001) */
	s.last_transition_up = 0;
	assert_int_equal(decide(&s, OCF_OK, 1, 0, 1060), OCF_ACT_DEMOTE);
}

/* issue 10 case 3: a stray gateway on a standby, on any check */
static void
test_stray_gateway_stopped_unless_primary_down(void **unused)
{
	struct ocf_state s = state(OCF_ROLE_STANDBY, 0, 1);

	(void)unused;
	assert_int_equal(decide(&s, OCF_OK, 0, 1, 10), OCF_ACT_DEMOTE);
	assert_int_equal(decide(&s, OCF_WARNING, 0, 1, 10), OCF_ACT_DEMOTE);
	s.rises = 0;
	s.fails = 1;
	assert_int_equal(decide(&s, OCF_CRITICAL, 0, 1, 10), OCF_ACT_NOTHING);
	s.role = OCF_ROLE_FAILED;
	s.fails = 0;
	assert_int_equal(decide(&s, OCF_OK, 0, 1, 10), OCF_ACT_DEMOTE);
}

/* issue 10 case 4: attempts back off, doubling up to a cap */
static void
test_backoff_grows_to_a_cap(void **unused)
{
	struct ocf_state s = state(OCF_ROLE_FAILED, 5, 0);

	(void)unused;
	assert_true(ocf_watch_backoff(&cfg, 0) == 0);
	assert_true(ocf_watch_backoff(&cfg, 1) == 60);
	assert_true(ocf_watch_backoff(&cfg, 2) == 120);
	assert_true(ocf_watch_backoff(&cfg, 5) == 960);
	assert_true(ocf_watch_backoff(&cfg, 50) == 960);
	cfg.hold_down = 0;	/* the base is never below CHECK_INTERVAL */
	assert_true(ocf_watch_backoff(&cfg, 1) == 10);
	cfg.hold_down = 60;

	s.promote_fails = 2;
	s.promote_failed_up = 1000;
	assert_int_equal(decide(&s, OCF_CRITICAL, 0, 0, 1119), OCF_ACT_NOTHING);
	assert_int_equal(decide(&s, OCF_CRITICAL, 0, 0, 1120), OCF_ACT_PROMOTE);
}

/* issue 10 case 5: a latched active node whose gateway died restarts it,
 * whatever the primary says */
static void
test_latched_active_keeps_a_gateway(void **unused)
{
	struct ocf_state s = state(OCF_ROLE_ACTIVE, 0, 3);

	(void)unused;
	assert_int_equal(decide(&s, OCF_OK, 0, 0, 10), OCF_ACT_DEMOTE);
	s.latched = 1;
	assert_int_equal(decide(&s, OCF_OK, 0, 0, 10), OCF_ACT_PROMOTE);
	s.rises = 0;
	s.fails = 3;
	assert_int_equal(decide(&s, OCF_CRITICAL, 0, 0, 10), OCF_ACT_PROMOTE);
}

static void
test_failback_delayed_and_manual(void **unused)
{
	struct ocf_state s = state(OCF_ROLE_ACTIVE, 0, 5);

	(void)unused;
	s.last_transition_up = 1;
	s.ok_since_up = 1000;
	cfg.failback = OCF_FAILBACK_DELAYED;
	cfg.failback_delay = 300;
	assert_int_equal(decide(&s, OCF_OK, 1, 0, 1299), OCF_ACT_NOTHING);
	assert_int_equal(decide(&s, OCF_OK, 1, 0, 1300), OCF_ACT_DEMOTE);
	cfg.failback = OCF_FAILBACK_MANUAL;
	assert_int_equal(decide(&s, OCF_OK, 1, 0, 9999), OCF_ACT_NOTHING);
	cfg.failback = OCF_FAILBACK_AUTO;
}

/* STANDBY_MODE=hot: the facts of a hot standby */
static enum ocf_action
decide_hot(const struct ocf_state *s, int verdict, int hot_running,
    int hot_ready, int chan_up, const char **why)
{
	struct ocf_facts f = { verdict, 0, 0, 100, 1, hot_running, hot_ready,
	    chan_up };

	return ocf_watch_decide(&cfg, s, &f, why);
}

/* issue 16: a hot standby's gateway is expected, its channels are not;
 * one that is gone is started again, one that came up fenced is armed */
static void
test_hot_standby(void **unused)
{
	struct ocf_state s = state(OCF_ROLE_STANDBY, 0, 5);
	const char *why;

	(void)unused;
	/* running, channels held: nothing; the gateway is no stray */
	assert_int_equal(decide_hot(&s, OCF_OK, 1, 1, 0, &why),
	    OCF_ACT_NOTHING);
	/* channels up on a standby: stopped (a demotion keeps the role) */
	assert_int_equal(decide_hot(&s, OCF_OK, 1, 1, 1, &why),
	    OCF_ACT_DEMOTE);
	assert_string_equal(why, "channels run on this hot standby");
	assert_int_equal(decide_hot(&s, OCF_WARNING, 1, 0, 1, &why),
	    OCF_ACT_DEMOTE);
	/* ... unless the primary is down: a promotion may need them */
	s.rises = 0;
	s.fails = 1;
	assert_int_equal(decide_hot(&s, OCF_CRITICAL, 1, 1, 1, &why),
	    OCF_ACT_NOTHING);
	/* gone: started again, also while the primary's failures count */
	assert_int_equal(decide_hot(&s, OCF_CRITICAL, 0, 0, 0, &why),
	    OCF_ACT_HOT_START);
	assert_string_equal(why, "the hot gateway is not running");
	/* at the threshold the promotion comes first: it starts it cold */
	s.fails = 3;
	assert_int_equal(decide_hot(&s, OCF_CRITICAL, 0, 0, 0, &why),
	    OCF_ACT_PROMOTE);
	s.fails = 0;
	s.rises = 2;
	assert_int_equal(decide_hot(&s, OCF_OK, 0, 0, 0, &why),
	    OCF_ACT_HOT_START);
	/* fenced: armed once it answers ready, not before */
	strcpy(s.hot_fence, "irc/default:n");
	assert_int_equal(decide_hot(&s, OCF_OK, 1, 0, 0, &why),
	    OCF_ACT_NOTHING);
	assert_int_equal(decide_hot(&s, OCF_OK, 1, 1, 0, &why),
	    OCF_ACT_HOT_ARM);
	/* a failed node is not tended: its promotion retries start it */
	s.role = OCF_ROLE_FAILED;
	assert_int_equal(decide_hot(&s, OCF_OK, 0, 0, 0, &why),
	    OCF_ACT_NOTHING);
	/* an active node: the gateway is its own, as in cold mode */
	s.role = OCF_ROLE_ACTIVE;
	s.hot_fence[0] = '\0';
	{
		struct ocf_facts f = { OCF_OK, 1, 0, 100, 0, 0, 0, 0 };

		s.rises = 0;
		assert_int_equal(ocf_watch_decide(&cfg, &s, &f, &why),
		    OCF_ACT_NOTHING);
	}
}

/* a hot gateway that dies soon after each start is started again with
 * the promotions' back-off (base 60 s here), not at every check; the
 * primary being down still promotes at once */
static void
test_hot_start_backs_off(void **unused)
{
	struct ocf_state s = state(OCF_ROLE_STANDBY, 0, 5);
	const char *why;
	double t0 = 1000;

	(void)unused;
	s.hot_starts = 1;
	s.hot_started_up = t0;
	{
		struct ocf_facts f = { OCF_OK, 0, 0, t0 + 59, 1, 0, 0, 0 };

		assert_int_equal(ocf_watch_decide(&cfg, &s, &f, &why),
		    OCF_ACT_NOTHING);
		f.now = t0 + 60;
		assert_int_equal(ocf_watch_decide(&cfg, &s, &f, &why),
		    OCF_ACT_HOT_START);
		/* the third start in a row waits 4 x 60 s after the last */
		s.hot_starts = 3;
		f.now = t0 + 239;
		assert_int_equal(ocf_watch_decide(&cfg, &s, &f, &why),
		    OCF_ACT_NOTHING);
		f.now = t0 + 240;
		assert_int_equal(ocf_watch_decide(&cfg, &s, &f, &why),
		    OCF_ACT_HOT_START);
		/* no back-off after a start that lasted (counter reset) */
		s.hot_starts = 0;
		f.now = t0 + 1;
		assert_int_equal(ocf_watch_decide(&cfg, &s, &f, &why),
		    OCF_ACT_HOT_START);
		/* the primary down: the promotion does not wait for it */
		s.hot_starts = 5;
		s.rises = 0;
		s.fails = 3;
		f.verdict = OCF_CRITICAL;
		assert_int_equal(ocf_watch_decide(&cfg, &s, &f, &why),
		    OCF_ACT_PROMOTE);
	}
}

/* cold mode: a running gateway on a standby is a stray, whatever the
 * hot facts would say (they are not asked) */
static void
test_cold_ignores_hot_facts(void **unused)
{
	struct ocf_state s = state(OCF_ROLE_STANDBY, 0, 1);

	(void)unused;
	assert_int_equal(decide(&s, OCF_OK, 0, 0, 10), OCF_ACT_NOTHING);
	assert_int_equal(decide(&s, OCF_OK, 0, 1, 10), OCF_ACT_DEMOTE);
}

/* a state from another boot: uptimes rebuilt from the wall times, never
 * later than now, the flap window restarted, a back-off started anew */
static void
test_rebase_after_reboot(void **unused)
{
	struct ocf_state s;

	(void)unused;
	ocf_state_init(&s);
	strcpy(s.boot_id, "another-boot");
	s.last_transition = 10000;	/* wall: 100 s before "now" */
	s.last_transition_up = 99999;
	s.ok_since = 20000;		/* in the future of the wall clock */
	s.notready_since = 0;
	s.promote_fails = 2;
	strcpy(s.flap_times, "5 6 7");
	ocf_state_rebase(&s, 500, 10100);
	assert_true(s.last_transition_up == 400);
	assert_true(s.ok_since_up == 500);
	assert_true(s.notready_since_up == 0);
	assert_true(s.promote_failed_up == 500);
	assert_string_equal(s.flap_times, "");
	assert_string_equal(s.boot_id, ocf_boot_id());

	/* the same boot: only a time in the future moves, to now */
	s.last_transition_up = 450;
	s.ok_since_up = 9999;
	ocf_state_rebase(&s, 500, 10100);
	assert_true(s.last_transition_up == 450);
	assert_true(s.ok_since_up == 500);

	/* before this boot began: as early as the boot allows, still set */
	strcpy(s.boot_id, "x");
	s.last_transition = 1;
	ocf_state_rebase(&s, 500, 10100);
	assert_true(s.last_transition_up > 0 && s.last_transition_up < 1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_standby_promotes_at_threshold, setup),
		cmocka_unit_test_setup(test_hold_down_in_uptime, setup),
		cmocka_unit_test_setup(test_stray_gateway_stopped_unless_primary_down,
		    setup),
		cmocka_unit_test_setup(test_backoff_grows_to_a_cap, setup),
		cmocka_unit_test_setup(test_latched_active_keeps_a_gateway, setup),
		cmocka_unit_test_setup(test_failback_delayed_and_manual, setup),
		cmocka_unit_test_setup(test_rebase_after_reboot, setup),
		cmocka_unit_test_setup(test_hot_standby, setup),
		cmocka_unit_test_setup(test_hot_start_backs_off, setup),
		cmocka_unit_test_setup(test_cold_ignores_hot_facts, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
