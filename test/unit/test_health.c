/*
 * Unit tests for lib/health.c: the scanner of the gateway's /readyz and
 * /health bodies.  Every body is copied into a heap buffer of exactly its
 * length (no NUL after it), so valgrind sees any read past the end.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "health.h"

/* parse exactly len bytes of text from a buffer that ends right there */
static int
parse_n(const char *text, size_t len, struct ocf_health *h)
{
	char *copy = malloc(len > 0 ? len : 1);
	int r;

	assert_non_null(copy);
	memcpy(copy, text, len);
	r = ocf_health_parse(copy, len, h);
	free(copy);
	return r;
}

static int
parse(const char *text, struct ocf_health *h)
{
	return parse_n(text, strlen(text), h);
}

/* ---- real bodies and what the scanner keeps of them ---- */

struct good {
	const char *name, *body;
	int has_ready, ready, has_ok, ok;
	const char *status, *failing;
};

static const struct good goods[] = {
	/* openclaw 2026.9.6, /readyz while the event loop was busy */
	{ "readyz ready, degraded event loop",
	  "{\"ready\":true,\"failing\":[],\"uptimeMs\":2551,\"eventLoop\":"
	  "{\"degraded\":true,\"reasons\":[\"cpu\"],\"delayP99Ms\":406.6}}",
	  1, 1, 0, 0, "", "" },
	{ "readyz startup sidecars",
	  "{\"ready\":false,\"failing\":[\"startup-sidecars\"]}",
	  1, 0, 0, 0, "", "startup-sidecars" },
	{ "readyz two channels",
	  "{\"ready\":false,\"failing\":[\"telegram\",\"discord\"]}",
	  1, 0, 0, 0, "", "telegram,discord" },
	{ "readyz draining",
	  "{\"ready\":false,\"failing\":[\"gateway-draining\"],\"uptimeMs\":9}",
	  1, 0, 0, 0, "", "gateway-draining" },
	{ "health live",
	  "{\"ok\":true,\"status\":\"live\"}",
	  0, 0, 1, 1, "live", "" },
	{ "health not ok",
	  "{\"ok\":false}",
	  0, 0, 1, 0, "", "" },
	{ "empty object", "{}", 0, 0, 0, 0, "", "" },
	{ "empty object, trailing whitespace", "{} \r\n\t ", 0, 0, 0, 0, "", "" },
	/* whitespace everywhere JSON allows it */
	{ "whitespace variants",
	  " \t\r\n{ \n\"ready\"\t:\r\nfalse , \"failing\" :[ \"a\" ,\n\"b\" ] ,"
	  "\"ok\" : true,\"status\"  :  \"live\"\n}\n",
	  1, 0, 1, 1, "live", "a,b" },
	{ "no whitespace at all",
	  "{\"ok\":true,\"ready\":true,\"failing\":[\"x\"]}",
	  1, 1, 1, 1, "", "x" },
	/* only top-level members count */
	{ "nested members are not ours",
	  "{\"x\":{\"ready\":false,\"ok\":false,\"status\":\"dead\","
	  "\"failing\":[\"nested\"]},\"ready\":true}",
	  1, 1, 0, 0, "", "" },
	{ "nested in array",
	  "{\"list\":[{\"ready\":true}],\"ok\":true}",
	  0, 0, 1, 1, "", "" },
	/* wrong types are skipped, not misread */
	{ "ready as a string", "{\"ready\":\"true\"}", 0, 0, 0, 0, "", "" },
	{ "ready null", "{\"ready\":null,\"ok\":1}", 0, 0, 0, 0, "", "" },
	{ "status as a number", "{\"status\":5}", 0, 0, 0, 0, "", "" },
	{ "failing as a string", "{\"failing\":\"telegram\"}", 0, 0, 0, 0, "", "" },
	{ "failing with non-strings",
	  "{\"failing\":[1,\"a\",{\"b\":[\"c\"]},null,\"d\"]}",
	  0, 0, 0, 0, "", "a,d" },
	/* escapes: \" \\ \/ kept as the character, other escapes as ' ',
	 * \uXXXX as '?' */
	{ "escapes in strings",
	  "{\"status\":\"l\\\"i\\\\v\\/e\",\"failing\":[\"a\\u0041b\","
	  "\"c\\nd\\te\\bf\\fg\\rh\"],\"x\":\"\\\"\\\\\\/\\b\\f\\n\\r\\t\\uABcd\"}",
	  0, 0, 0, 0, "l\"i\\v/e", "a?b,c d e f g h" },
	{ "escaped key is not the key",
	  "{\"re\\u0061dy\":true}", 0, 0, 0, 0, "", "" },
	{ "over-long key is not the key",
	  "{\"readyXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX\":true}",
	  0, 0, 0, 0, "", "" },
	{ "non-ASCII bytes in strings",
	  "{\"status\":\"caf\xc3\xa9\",\"failing\":[\"\xe2\x9c\x93\"]}",
	  0, 0, 0, 0, "caf\xc3\xa9", "\xe2\x9c\x93" },
	{ "all value kinds",
	  "{\"a\":[],\"b\":{},\"c\":[[],{}],\"d\":-0.5e+10,\"e\":1E3,"
	  "\"f\":0,\"g\":-0,\"h\":1.25,\"i\":true,\"j\":false,\"k\":null,"
	  "\"l\":\"\"}",
	  0, 0, 0, 0, "", "" },
	{ "duplicate member, the last one wins",
	  "{\"ready\":true,\"ready\":false}", 1, 0, 0, 0, "", "" },
	{ "empty failing list", "{\"ready\":false,\"failing\":[ ]}",
	  1, 0, 0, 0, "", "" },
};

static void
test_good_bodies(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(goods) / sizeof(goods[0]); i++) {
		const struct good *g = &goods[i];
		struct ocf_health h;
		int r = parse(g->body, &h);

		if (r != 0)
			fail_msg("%s: rejected: %s", g->name, g->body);
		if (h.has_ready != g->has_ready || h.ready != g->ready ||
		    h.has_ok != g->has_ok || h.ok != g->ok)
			fail_msg("%s: has_ready %d ready %d has_ok %d ok %d, "
			    "want %d %d %d %d", g->name, h.has_ready, h.ready,
			    h.has_ok, h.ok, g->has_ready, g->ready, g->has_ok,
			    g->ok);
		if (strcmp(h.status, g->status) != 0)
			fail_msg("%s: status '%s', want '%s'", g->name,
			    h.status, g->status);
		if (strcmp(h.failing, g->failing) != 0)
			fail_msg("%s: failing '%s', want '%s'", g->name,
			    h.failing, g->failing);
	}
}

/* ---- not JSON (or not an object): rejected ---- */

struct bad {
	const char *name, *body;
	size_t len;	/* 0: strlen(body) */
};

/* a body with NUL bytes in it: its length is the literal's */
#define BIN(n, s) { n, s, sizeof(s) - 1 }

static const struct bad bads[] = {
	{ "truncated literal", "{\"ready\":tru", 0 },
	{ "misspelt literal", "{\"ready\":tru}", 0 },
	{ "literal with a tail", "{\"ready\":truex}", 0 },
	{ "null misspelt", "{\"a\":nul}", 0 },
	{ "html", "<html><body>Bad Gateway</body></html>", 0 },
	{ "plain text", "OK", 0 },
	{ "empty body", "", 0 },
	{ "only whitespace", " \n\t", 0 },
	{ "extra text after the object", "{} extra", 0 },
	{ "second object", "{}{}", 0 },
	{ "extra brace", "{\"ready\":true}}", 0 },
	{ "number then letters", "{\"a\":01x}", 0 },
	{ "hex number", "{\"a\":0x10}", 0 },
	{ "unterminated string", "{\"status\":\"live", 0 },
	{ "unterminated key", "{\"status", 0 },
	{ "control char in a string", "{\"status\":\"li\x01ve\"}", 0 },
	{ "raw tab in a string", "{\"status\":\"li\tve\"}", 0 },
	{ "raw newline in a string", "{\"failing\":[\"a\nb\"]}", 0 },
	{ "raw newline in a key", "{\"a\nb\":1}", 0 },
	{ "trailing comma in object", "{\"a\":1,}", 0 },
	{ "trailing comma in array", "{\"failing\":[\"a\",]}", 0 },
	{ "trailing comma in nested array", "{\"a\":[1,]}", 0 },
	{ "leading comma", "{,\"a\":1}", 0 },
	{ "missing colon", "{\"a\" 1}", 0 },
	{ "missing comma", "{\"a\":1 \"b\":2}", 0 },
	{ "missing value", "{\"a\":}", 0 },
	{ "unquoted key", "{a:1}", 0 },
	{ "single quotes", "{'a':1}", 0 },
	{ "bad escape", "{\"a\":\"\\x41\"}", 0 },
	{ "short \\u escape", "{\"a\":\"\\u12\"}", 0 },
	{ "non-hex \\u escape", "{\"a\":\"\\u12G4\"}", 0 },
	{ "backslash at the end", "{\"a\":\"\\", 0 },
	{ "lone minus", "{\"a\":-}", 0 },
	{ "number ends in a dot", "{\"a\":1.}", 0 },
	{ "number ends in an exponent", "{\"a\":1e}", 0 },
	{ "unclosed array", "{\"a\":[1,2}", 0 },
	{ "mismatched brackets", "{\"a\":{\"b\":1]}", 0 },
	{ "unclosed object", "{", 0 },
	{ "unclosed nested object", "{\"a\":{\"b\":1}", 0 },
	{ "close only", "}", 0 },
	{ "top-level array", "[{\"ready\":true}]", 0 },
	{ "top-level string", "\"ready\"", 0 },
	{ "top-level number", "200", 0 },
	{ "top-level true", "true", 0 },
	{ "byte order mark", "\xef\xbb\xbf{}", 0 },
	/* NUL bytes are never JSON, escaped or not */
	BIN("NUL after the object", "{}\0"),
	BIN("NUL inside a string", "{\"a\":\"x\0y\"}"),
	BIN("NUL as a value", "{\"a\":\0}"),
	/* the length is honoured: a valid document cut short */
	{ "cut one byte short", "{\"ready\":true}", 13 },
};

/* every body of the table must be rejected; names all that are not */
static void
expect_rejected(const struct bad *tab, size_t n)
{
	int missed = 0;

	for (size_t i = 0; i < n; i++) {
		size_t len = tab[i].len != 0 ? tab[i].len : strlen(tab[i].body);
		struct ocf_health h;

		if (parse_n(tab[i].body, len, &h) != -1) {
			print_error("%s: accepted (%zu bytes)\n", tab[i].name, len);
			missed++;
		}
	}
	if (missed > 0)
		fail_msg("%d invalid bodies accepted", missed);
}

static void
test_bad_bodies(void **state)
{
	(void)state;
	expect_rejected(bads, sizeof(bads) / sizeof(bads[0]));
}

/*
 * A NUL byte after a backslash.  lib/health.c string() checks the escape
 * character with strchr("\"\\/bfnrtu", *s->p) and the \u digits with
 * strchr("0123456789abcdefABCDEF", *s->p); strchr() also finds the
 * terminating NUL of its set, so "\<NUL>" and "\u<NUL>..." pass as
 * escapes although a raw NUL anywhere else is rejected.
 */
static const struct bad nul_escapes[] = {
	BIN("NUL after a backslash", "{\"a\":\"\\\0\"}"),
	BIN("NUL in a \\u escape", "{\"a\":\"\\u00\0\0\"}"),
	BIN("NUL as the \\u escape", "{\"a\":\"\\u\0\0\0\0\"}"),
	BIN("NUL escape in a key", "{\"\\\0\":1}"),
};

static void
test_nul_in_escapes(void **state)
{
	(void)state;
	expect_rejected(nul_escapes, sizeof(nul_escapes) / sizeof(nul_escapes[0]));
}

/*
 * Numbers follow the JSON grammar: leading zeros (01), several dots
 * (1.2.3), embedded or leading signs (1-2, +1, --1), a leading dot (.5),
 * odd exponents (1e+-5) are not JSON and are rejected; real numbers of
 * every shape pass.
 */
static void
test_strict_numbers(void **state)
{
	static const char *const bad[] = {
		"{\"a\":01}", "{\"a\":1.2.3}", "{\"a\":1-2}", "{\"a\":+1}",
		"{\"a\":--1}", "{\"a\":.5}", "{\"a\":1e+-5}", "{\"a\":[00,-01]}",
		"{\"a\":1.}", "{\"a\":-}", "{\"a\":1e}",
		"{\"ready\":true,\"uptimeMs\":0002551}",
	};
	static const char *const good[] = {
		"{\"a\":0}", "{\"a\":-0}", "{\"a\":10}", "{\"a\":-1.25}",
		"{\"a\":1e5}", "{\"a\":1E+5}", "{\"a\":2.5e-3}", "{\"a\":[0,1,-2]}",
		"{\"ready\":true,\"uptimeMs\":2551,\"delayP99Ms\":406.6}",
	};
	struct ocf_health h;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (parse(bad[i], &h) != -1)
			fail_msg("non-JSON number accepted: %s", bad[i]);
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		if (parse(good[i], &h) != 0)
			fail_msg("JSON number rejected: %s", good[i]);
	assert_int_equal(parse(good[8], &h), 0);
	assert_int_equal(h.ready, 1);
}

/* {"a":[[...]]} (or {"a":{"a":{...}}}, or {"failing":[[...]]}) with
 * depth levels of nesting in all, the top object counting as level 1 */
static char *
nested(int depth, int objects, int in_failing)
{
	const char *key = in_failing ? "\"failing\":" : "\"a\":";
	size_t klen = strlen(key), n = 0;
	char *b = malloc((size_t)depth * (klen + 2) + 16);

	assert_non_null(b);
	b[n++] = '{';
	for (int i = 1; i < depth; i++) {
		if (i == 1 || objects) {
			memcpy(b + n, key, klen);
			n += klen;
		}
		b[n++] = objects ? '{' : '[';
	}
	for (int i = 1; i < depth; i++)
		b[n++] = objects ? '}' : ']';
	b[n++] = '}';
	b[n] = '\0';
	return b;
}

static void
test_depth(void **state)
{
	static const struct { int depth, ok; } cases[] = {
		{ 1, 1 }, { 2, 1 }, { 31, 1 }, { 32, 1 }, { 33, 0 }, { 40, 0 },
		{ 5000, 0 },
	};
	struct ocf_health h;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		for (int kind = 0; kind < 3; kind++) {
			/* arrays, objects, arrays under "failing" */
			char *b = nested(cases[i].depth, kind == 1, kind == 2);
			int r = parse(b, &h);

			if ((r == 0) != cases[i].ok)
				fail_msg("depth %d (%s): got %d: %.80s",
				    cases[i].depth, kind == 1 ? "objects" :
				    kind == 2 ? "failing arrays" : "arrays", r, b);
			free(b);
		}
	}
	/* the nesting helper itself: depth 3 */
	{
		char *b = nested(3, 0, 0);

		assert_string_equal(b, "{\"a\":[[]]}");
		free(b);
		b = nested(3, 1, 0);
		assert_string_equal(b, "{\"a\":{\"a\":{}}}");
		free(b);
		b = nested(3, 0, 1);
		assert_string_equal(b, "{\"failing\":[[]]}");
		free(b);
	}
}

/* a canary right after the struct: the scanner must stay inside it */
struct guarded {
	struct ocf_health h;
	unsigned char canary[64];
};

static void
check_canary(const struct guarded *g)
{
	for (size_t i = 0; i < sizeof(g->canary); i++)
		if (g->canary[i] != 0xa5)
			fail_msg("byte %zu after struct ocf_health overwritten", i);
}

/* true when got is the first k names of want, for some k >= 1 */
static int
is_name_prefix(const char *got, const char *want)
{
	size_t n = strlen(got);

	return n > 0 && strncmp(got, want, n) == 0 &&
	    (want[n] == '\0' || want[n] == ',');
}

static void
test_failing_truncated(void **state)
{
	char body[8192], full[8192], name[200];
	struct guarded g;
	size_t at, fat;

	(void)state;
	/* 40 names of 20 characters: 839 bytes joined, the buffer is 256 */
	at = (size_t)snprintf(body, sizeof(body), "{\"ready\":false,\"failing\":[");
	fat = 0;
	for (int i = 0; i < 40; i++) {
		snprintf(name, sizeof(name), "component-%02d-xxxxxx", i);
		at += (size_t)snprintf(body + at, sizeof(body) - at, "%s\"%s\"",
		    i ? "," : "", name);
		fat += (size_t)snprintf(full + fat, sizeof(full) - fat, "%s%s",
		    i ? "," : "", name);
	}
	snprintf(body + at, sizeof(body) - at, "],\"ok\":true}");
	memset(&g, 0xa5, sizeof(g));
	assert_int_equal(parse(body, &g.h), 0);
	check_canary(&g);
	assert_true(strlen(g.h.failing) < sizeof(g.h.failing));
	assert_true(strlen(g.h.failing) > 200);
	if (!is_name_prefix(g.h.failing, full))
		fail_msg("failing '%s' is not a prefix of the list", g.h.failing);
	/* members after the long list are still read */
	assert_int_equal(g.h.has_ok, 1);
	assert_int_equal(g.h.has_ready, 1);

	/* one name far longer than the buffer */
	at = (size_t)snprintf(body, sizeof(body), "{\"failing\":[\"");
	for (int i = 0; i < 1000; i++)
		body[at++] = (char)('a' + i % 26);
	snprintf(body + at, sizeof(body) - at, "\"]}");
	memset(&g, 0xa5, sizeof(g));
	assert_int_equal(parse(body, &g.h), 0);
	check_canary(&g);
	assert_true(strlen(g.h.failing) < sizeof(g.h.failing));
	assert_memory_equal(g.h.failing, "abcdefghij", 10);

	/* a status longer than its buffer */
	at = (size_t)snprintf(body, sizeof(body), "{\"status\":\"");
	for (int i = 0; i < 500; i++)
		body[at++] = 'L';
	snprintf(body + at, sizeof(body) - at, "\"}");
	memset(&g, 0xa5, sizeof(g));
	assert_int_equal(parse(body, &g.h), 0);
	check_canary(&g);
	assert_int_equal(strlen(g.h.status), sizeof(g.h.status) - 1);
}

/*
 * Once a name does not fit, the list must stop there (the code's own
 * comment: "silently stop when full").  lib/health.c array() only skips
 * the name that does not fit and keeps appending later, shorter ones, so
 * the result names components out of order with a hole in the middle.
 */
static void
test_failing_stops_when_full(void **state)
{
	char body[2048], full[2048], a[101], b[121], c[101];
	struct guarded g;

	(void)state;
	memset(a, 'a', 100), a[100] = '\0';
	memset(b, 'b', 120), b[120] = '\0';
	memset(c, 'c', 100), c[100] = '\0';
	snprintf(body, sizeof(body),
	    "{\"failing\":[\"%s\",\"%s\",\"%s\",\"d\"]}", a, b, c);
	snprintf(full, sizeof(full), "%s,%s,%s,d", a, b, c);
	memset(&g, 0xa5, sizeof(g));
	assert_int_equal(parse(body, &g.h), 0);
	check_canary(&g);
	if (!is_name_prefix(g.h.failing, full))
		fail_msg("failing list has a hole: ends with '%s'",
		    g.h.failing + (strlen(g.h.failing) > 8 ?
		    strlen(g.h.failing) - 8 : 0));
}

/* a fresh struct every call: nothing left over from the last body */
static void
test_resets_result(void **state)
{
	struct ocf_health h;

	(void)state;
	assert_int_equal(parse("{\"ready\":true,\"ok\":true,\"status\":\"live\","
	    "\"failing\":[\"x\"]}", &h), 0);
	assert_int_equal(parse("{}", &h), 0);
	assert_int_equal(h.has_ready + h.ready + h.has_ok + h.ok, 0);
	assert_string_equal(h.status, "");
	assert_string_equal(h.failing, "");
	assert_int_equal(parse("<html>", &h), -1);
	assert_int_equal(h.has_ready, 0);
}

/* the body need not be NUL-terminated: bytes past len are not read */
static void
test_length_is_honoured(void **state)
{
	const char text[] = "{\"ready\":true}GARBAGE";
	struct ocf_health h;

	(void)state;
	assert_int_equal(parse_n(text, 14, &h), 0);
	assert_int_equal(h.ready, 1);
	assert_int_equal(parse_n(text, 15, &h), -1);
	/* every proper prefix of a real body is rejected */
	{
		const char *body = goods[0].body;
		size_t len = strlen(body);

		for (size_t cut = 0; cut < len; cut++)
			if (parse_n(body, cut, &h) != -1)
				fail_msg("prefix of %zu bytes accepted", cut);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good_bodies),
		cmocka_unit_test(test_bad_bodies),
		cmocka_unit_test(test_nul_in_escapes),
		cmocka_unit_test(test_strict_numbers),
		cmocka_unit_test(test_depth),
		cmocka_unit_test(test_failing_truncated),
		cmocka_unit_test(test_failing_stops_when_full),
		cmocka_unit_test(test_resets_result),
		cmocka_unit_test(test_length_is_honoured),
	};

	return cmocka_run_group_tests_name("health", tests, NULL, NULL);
}
