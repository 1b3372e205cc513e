/*
 * Unit tests for lib/redact.c: what libgit2 or rsync say reaches logs,
 * the state file and webhooks, so no credential may survive it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "redact.h"

static void
check(const char *in, const char *secret, const char *want)
{
	char buf[256];

	snprintf(buf, sizeof(buf), "%s", in);
	ocf_redact(buf, sizeof(buf), secret);
	if (strcmp(buf, want) != 0)
		fail_msg("'%s' (secret '%s'): got '%s', want '%s'", in,
		    secret != NULL ? secret : "(null)", buf, want);
}

static void
test_secret(void **state)
{
	(void)state;
	check("token s3cr3t refused", "s3cr3t", "token *** refused");
	check("s3cr3ts3cr3t", "s3cr3t", "******");
	check("s3cr3", "s3cr3t", "s3cr3");
	check("nothing here", "s3cr3t", "nothing here");
	check("nothing here", NULL, "nothing here");
	check("nothing here", "", "nothing here");
}

static void
test_url_userinfo(void **state)
{
	(void)state;
	check("unable to fetch 'http://bob:pa55w0rd@127.0.0.1:9/x.git'", NULL,
	    "unable to fetch 'http://***@127.0.0.1:9/x.git'");
	check("ssh://git@example.com/x and https://u@h/y", NULL,
	    "ssh://***@example.com/x and https://***@h/y");
	/* an '@' past the host part is a path, not user info */
	check("https://example.com/a@b", NULL, "https://example.com/a@b");
	check("https://example.com 'x@y'", NULL, "https://example.com 'x@y'");
	check("://", NULL, "://");
	/* the token inside a URL goes too */
	check("https://x-access-token:tok@h/r", "tok", "https://***@h/r");
}

static void
test_one_line(void **state)
{
	(void)state;
	check("two\nlines\r\tand\x7f", NULL, "two lines  and ");
	check("\x1b[31mred\x1b[0m", NULL, " [31mred [0m");
}

static void
test_cut(void **state)
{
	char buf[16], big[2000];

	(void)state;
	snprintf(buf, sizeof(buf), "u://a@b/cdefghi");
	ocf_redact(buf, sizeof(buf), NULL);
	assert_string_equal(buf, "u://***@b/cdefg");
	/* longer than any detail: cut, never overrun */
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	ocf_redact(big, sizeof(big), "xx");
	assert_true(strlen(big) < 512);
	assert_int_equal(big[0], '*');
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_secret),
		cmocka_unit_test(test_url_userinfo),
		cmocka_unit_test(test_one_line),
		cmocka_unit_test(test_cut),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
