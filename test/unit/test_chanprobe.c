/*
 * Unit tests for lib/chanprobe.c without a gateway: which addresses count
 * as loopback (an admin RPC answering without a token elsewhere is warned
 * about), and the plugin line and JSON of a result.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "chanprobe.h"
#include "exitcode.h"

static void
loopback(void **st)
{
	(void)st;
	assert_true(ocf_url_loopback("http://127.0.0.1:18789"));
	assert_true(ocf_url_loopback("http://127.8.9.10"));
	assert_true(ocf_url_loopback("https://localhost:443/x"));
	assert_true(ocf_url_loopback("http://LOCALHOST"));
	assert_true(ocf_url_loopback("http://[::1]:18789"));
	assert_false(ocf_url_loopback("http://100.64.0.1:18789"));
	assert_false(ocf_url_loopback("http://127example.com"));
	assert_false(ocf_url_loopback("http://[fd7a::1]:18789"));
	assert_false(ocf_url_loopback("http://localhost.example.com"));
	assert_false(ocf_url_loopback("http://10.0.0.127"));
}

static void
format_and_json(void **st)
{
	struct ocf_chan_result r;
	char line[2048];

	(void)st;
	memset(&r, 0, sizeof(r));
	r.status = OCF_CRITICAL;
	r.code = 200;
	r.elapsed = 0.009;
	r.cs.total = 1;
	r.cs.kept = 1;
	snprintf(r.cs.acc[0].channel, sizeof(r.cs.acc[0].channel), "irc");
	snprintf(r.cs.acc[0].account, sizeof(r.cs.acc[0].account), "default");
	snprintf(r.cs.acc[0].lifecycle, sizeof(r.cs.acc[0].lifecycle),
	    "recovering");
	snprintf(r.cs.acc[0].last_error, sizeof(r.cs.acc[0].last_error),
	    "say \"no\"");
	snprintf(r.reason, sizeof(r.reason), "a | b");
	ocf_chan_format(&r, line, sizeof(line));
	assert_string_equal(line, "CRITICAL - a / b in 9ms | time=0.009000s;;;0 "
	    "connected=0;;;0;1");
	assert_true(ocf_chan_json(&r, "http://127.0.0.1:1", line,
	    sizeof(line)) > 0);
	assert_string_equal(line, "{\"status\":\"CRITICAL\",\"code\":2,"
	    "\"url\":\"http://127.0.0.1:1\",\"rpc_http\":200,\"time\":0.009000,"
	    "\"reason\":\"a | b\",\"total\":1,\"connected\":0,\"accounts\":"
	    "[{\"channel\":\"irc\",\"account\":\"default\",\"connected\":false,"
	    "\"lifecycle\":\"recovering\",\"last_error\":\"say \\\"no\\\"\"}]}");
	assert_int_equal(ocf_chan_json(&r, "http://127.0.0.1:1", line, 40), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(loopback),
		cmocka_unit_test(format_and_json),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
