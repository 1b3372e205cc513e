/*
 * Unit tests for lib/chanstatus.c: the gateway's channels.status reply
 * (bodies as openclaw 2026.9.6 sent them with its IRC channel) and what
 * counts as connected.  Each body is parsed from a heap buffer of exactly
 * its length (no NUL after it), so valgrind and ASan see any overread.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "chanstatus.h"

static int
parse(const char *text, struct ocf_chan_status *cs, char *err, size_t errlen)
{
	size_t len = strlen(text);
	char *copy = malloc(len > 0 ? len : 1);
	int r;

	assert_non_null(copy);
	memcpy(copy, text, len);
	r = ocf_chan_parse(copy, len, cs, err, errlen);
	free(copy);
	return r;
}

/* the reply around one "irc" account object */
#define REPLY(acc) "{\"id\":\"x\",\"ok\":true,\"payload\":{\"ts\":1," \
	"\"channelOrder\":[\"irc\"],\"channels\":{\"irc\":{\"configured\":" \
	"true,\"running\":true,\"lastError\":null}},\"eventLoop\":" \
	"{\"degraded\":false,\"reasons\":[]},\"channelAccounts\":{\"irc\":" \
	"[" acc "]},\"statusIssues\":[]}}"

/* connected and ready */
static const char ready[] = REPLY("{\"accountId\":\"default\","
    "\"enabled\":true,\"reconnectAttempts\":0,\"lastConnectedAt\":17959,"
    "\"lifecycle\":\"ready\",\"nick\":\"ocfbot1\",\"configured\":true,"
    "\"running\":true,\"connected\":true,\"lastError\":null}");
/* the server went away: "connected" stays true, lifecycle says otherwise */
static const char recovering_stale[] = REPLY("{\"accountId\":\"default\","
    "\"enabled\":true,\"lifecycle\":\"recovering\",\"configured\":true,"
    "\"running\":true,\"connected\":true,\"lastError\":null}");
/* never connected: the server refused */
static const char refused[] = REPLY("{\"accountId\":\"default\","
    "\"enabled\":true,\"restartPending\":true,\"reconnectAttempts\":1,"
    "\"lifecycle\":\"recovering\",\"configured\":true,\"running\":false,"
    "\"lastError\":\"connect ECONNREFUSED 127.0.0.1:16667\"}");

static void
connected_and_ready(void **st)
{
	struct ocf_chan_status cs;
	char err[256], down[256];

	(void)st;
	assert_int_equal(parse(ready, &cs, err, sizeof(err)), 0);
	assert_int_equal(cs.total, 1);
	assert_int_equal(cs.connected, 1);
	assert_int_equal(cs.running, 1);
	assert_int_equal(cs.kept, 1);
	assert_int_equal(cs.acc[0].running, 1);
	assert_string_equal(cs.acc[0].channel, "irc");
	assert_string_equal(cs.acc[0].account, "default");
	assert_string_equal(cs.acc[0].lifecycle, "ready");
	assert_string_equal(cs.acc[0].last_error, "");
	assert_string_equal(ocf_chan_down(&cs, down, sizeof(down)), "");
}

static void
stale_connected_is_down(void **st)
{
	struct ocf_chan_status cs;
	char err[256], down[256];

	(void)st;
	assert_int_equal(parse(recovering_stale, &cs, err, sizeof(err)), 0);
	assert_int_equal(cs.total, 1);
	assert_int_equal(cs.connected, 0);
	assert_string_equal(ocf_chan_down(&cs, down, sizeof(down)),
	    "irc/default (recovering)");
}

static void
refused_names_error(void **st)
{
	struct ocf_chan_status cs;
	char err[256], down[256];

	(void)st;
	assert_int_equal(parse(refused, &cs, err, sizeof(err)), 0);
	assert_int_equal(cs.connected, 0);
	/* a hot standby holds what runs: this one does not (a retry timer
	 * may start it again: a hold stops every account, running or not) */
	assert_int_equal(cs.running, 0);
	assert_int_equal(cs.acc[0].running, 0);
	assert_string_equal(ocf_chan_down(&cs, down, sizeof(down)),
	    "irc/default (recovering: connect ECONNREFUSED 127.0.0.1:16667)");
}

/* disabled or unconfigured accounts are not expected to connect; an
 * account without a lifecycle is judged by "connected" and "running" */
static void
which_accounts_count(void **st)
{
	struct ocf_chan_status cs;
	char err[256], down[256];
	static const char body[] = "{\"ok\":true,\"payload\":{"
	    "\"channelAccounts\":{\"irc\":[{\"accountId\":\"a\",\"enabled\":"
	    "false},{\"accountId\":\"b\",\"configured\":false},{\"accountId\":"
	    "\"c\",\"connected\":true}],\"telegram\":[{\"accountId\":\"d\","
	    "\"connected\":true,\"running\":false}],\"x\":{}}}}";

	(void)st;
	assert_int_equal(parse(body, &cs, err, sizeof(err)), 0);
	assert_int_equal(cs.total, 2);
	assert_int_equal(cs.connected, 1);
	assert_int_equal(cs.running, 1);	/* c: connected, so running */
	assert_string_equal(ocf_chan_down(&cs, down, sizeof(down)),
	    "telegram/d (not connected)");
}

static void
no_channels(void **st)
{
	struct ocf_chan_status cs;
	char err[256];

	(void)st;
	assert_int_equal(parse("{\"ok\":true,\"payload\":{\"channelAccounts\""
	    ":{}}}", &cs, err, sizeof(err)), 0);
	assert_int_equal(cs.total, 0);
}

/* more accounts than kept: all counted, the list says it is cut */
static void
many_accounts(void **st)
{
	struct ocf_chan_status cs;
	char body[8192], err[256], down[4096];
	size_t at;

	(void)st;
	at = (size_t)snprintf(body, sizeof(body),
	    "{\"ok\":true,\"payload\":{\"channelAccounts\":{\"irc\":[");
	for (int i = 0; i < OCF_CHAN_MAX + 5; i++)
		at += (size_t)snprintf(body + at, sizeof(body) - at,
		    "%s{\"accountId\":\"a%d\",\"connected\":false}",
		    i > 0 ? "," : "", i);
	snprintf(body + at, sizeof(body) - at, "]}}}");
	assert_int_equal(parse(body, &cs, err, sizeof(err)), 0);
	assert_int_equal(cs.total, OCF_CHAN_MAX + 5);
	assert_int_equal(cs.kept, OCF_CHAN_MAX);
	ocf_chan_down(&cs, down, sizeof(down));
	assert_non_null(strstr(down, "irc/a0 (not connected)"));
	assert_non_null(strstr(down, ", ..."));
	/* a small buffer is cut, never overrun */
	ocf_chan_down(&cs, down, 10);
	assert_int_equal(strlen(down), 9);
}

static void
errors(void **st)
{
	struct ocf_chan_status cs;
	char err[256];

	(void)st;
	assert_int_equal(parse("", &cs, err, sizeof(err)), -1);
	assert_int_equal(parse("{\"ok\":true", &cs, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "not JSON"));
	assert_int_equal(parse("{\"ok\":false,\"error\":{\"code\":"
	    "\"UNAVAILABLE\",\"message\":\"suspended\"}}", &cs, err,
	    sizeof(err)), -2);
	assert_string_equal(err, "the gateway says: suspended");
	assert_int_equal(parse("{\"ok\":true,\"payload\":{}}", &cs, err,
	    sizeof(err)), -1);
	assert_string_equal(err, "no channelAccounts in the reply");
	assert_int_equal(parse("[1,2]", &cs, err, sizeof(err)), -1);
	assert_int_equal(parse("{\"ok\":true,\"ok\":true}", &cs, err,
	    sizeof(err)), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(connected_and_ready),
		cmocka_unit_test(stale_connected_is_down),
		cmocka_unit_test(refused_names_error),
		cmocka_unit_test(which_accounts_count),
		cmocka_unit_test(no_channels),
		cmocka_unit_test(many_accounts),
		cmocka_unit_test(errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
