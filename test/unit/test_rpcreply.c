/*
 * Unit tests for the reader of the gateway's admin RPC replies
 * (rpcreply.c): what ocf takes of config.get and channels.start, and the
 * gateway's error replies.  The bodies are the gateway's (openclaw
 * 2026.9.6), cut down.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "rpcreply.h"

static int
parse(const char *body, struct ocf_rpc_reply *r)
{
	return ocf_rpc_parse(body, strlen(body), r);
}

static void
config_get_hash(void **unused)
{
	struct ocf_rpc_reply r;

	(void)unused;
	assert_int_equal(parse("{\"id\":\"x\",\"ok\":true,\"payload\":{\"path\":"
	    "\"/h/.openclaw/openclaw.json\",\"hash\":\"hmac-sha256:v1:clJur3v\","
	    "\"config\":{}}}", &r), 0);
	assert_true(r.ok);
	assert_string_equal(r.hash, "hmac-sha256:v1:clJur3v");
	assert_string_equal(r.outcome, "");
}

static void
channels_start_outcome(void **unused)
{
	struct ocf_rpc_reply r;

	(void)unused;
	assert_int_equal(parse("{\"ok\":true,\"payload\":{\"channel\":\"irc\","
	    "\"accountId\":\"default\",\"started\":true,\"outcome\":{\"status\":"
	    "\"handed-off\"}}}", &r), 0);
	assert_string_equal(r.outcome, "handed-off");
	/* OPENCLAW_SKIP_CHANNELS=1: the channels are not in its config */
	assert_int_equal(parse("{\"ok\":true,\"payload\":{\"started\":false,"
	    "\"outcome\":{\"status\":\"skipped\",\"reason\":\"unconfigured\"}}}",
	    &r), 0);
	assert_string_equal(r.outcome, "skipped: unconfigured");
}

static void
errors(void **unused)
{
	struct ocf_rpc_reply r;

	(void)unused;
	assert_int_equal(parse("{\"ok\":false,\"error\":{\"code\":"
	    "\"INVALID_REQUEST\",\"message\":\"config base hash required;\\n"
	    "re-run config.get\"}}", &r), -2);
	assert_false(r.ok);
	/* what the gateway says reaches logs: no control character */
	assert_string_equal(r.message, "config base hash required;?re-run "
	    "config.get");
	assert_int_equal(parse("{\"ok\":false}", &r), -2);
	assert_string_equal(r.message, "not ok");
	/* an empty message says nothing: the operator is told "not ok" */
	assert_int_equal(parse("{\"ok\":false,\"error\":{\"message\":\"\"}}",
	    &r), -2);
	assert_string_equal(r.message, "not ok");
	assert_int_equal(parse("<html>", &r), -1);
	assert_string_equal(r.message, "not JSON");
	assert_int_equal(parse("{\"payload\":{}}", &r), -1);
	assert_string_equal(r.message, "no \"ok\" in the reply");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(config_get_hash),
		cmocka_unit_test(channels_start_outcome),
		cmocka_unit_test(errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
