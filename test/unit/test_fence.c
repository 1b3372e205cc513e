/*
 * Unit tests for the boot fence of a hot standby (fence.c): the edit of
 * the gateway's openclaw.json that disables each channel account for a
 * start, and its exact undo, in the file or as a config.patch.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "fence.h"

/* a config as the IRC plugin's install leaves it, meta block first */
static const char conf[] =
    "{\n"
    "  \"meta\": { \"lastTouchedVersion\": \"2026.9.6\", \"lastTouchedAt\": "
    "\"2026-11-30T03:00:00.000Z\" },\n"
    "  \"gateway\": { \"mode\": \"local\", \"auth\": { \"mode\": \"none\" } },\n"
    "  \"channels\": {\n"
    "    \"irc\": { \"enabled\": true, \"host\": \"127.0.0.1\", \"port\": 6667,"
    " \"nick\": \"ocfbot\", \"channels\": [\"#ocf\"] },\n"
    "    \"telegram\": { \"botToken\": \"x\", \"accounts\": {"
    " \"main\": { \"enabled\": true }, \"work\": { \"name\": \"w\" },"
    " \"old\": { \"enabled\": false } } },\n"
    "    \"slack\": { \"enabled\": false, \"token\": \"y\" }\n"
    "  },\n"
    "  \"plugins\": { \"entries\": { \"irc\": { \"enabled\": true } } },\n"
    "  \"ratio\": 0.25\n"
    "}\n";

static json_t *
parse(const char *text)
{
	json_error_t je;
	json_t *j = json_loads(text, 0, &je);

	assert_non_null(j);
	return j;
}

/* the value at a dotted path of text, as JSON text ("" when absent) */
static char *
at(json_t *root, const char *path)
{
	char buf[256], *p, *tok;
	json_t *j = root;

	strcpy(buf, path);
	for (tok = strtok_r(buf, ".", &p); tok != NULL && j != NULL;
	    tok = strtok_r(NULL, ".", &p))
		j = json_object_get(j, tok);
	return j != NULL ? json_dumps(j, JSON_ENCODE_ANY | JSON_COMPACT) :
	    strdup("");
}

static void
expect(json_t *root, const char *path, const char *want)
{
	char *got = at(root, path);

	assert_string_equal(got, want);
	free(got);
}

static void
test_add_every_enabled_account(void **unused)
{
	char rec[256], err[200], *out;
	size_t len;
	json_t *j;

	(void)unused;
	assert_int_equal(ocf_fence_add(conf, strlen(conf), &out, &len, rec,
	    sizeof(rec), err, sizeof(err)), 1);
	assert_string_equal(rec, "irc/default:n telegram/main:t "
	    "telegram/work:k");
	assert_int_equal(strlen(out), len);
	assert_int_equal(out[len - 1], '\n');
	j = parse(out);
	expect(j, "channels.irc.accounts", "{\"default\":{\"enabled\":false}}");
	expect(j, "channels.irc.enabled", "true");
	expect(j, "channels.telegram.accounts.main.enabled", "false");
	expect(j, "channels.telegram.accounts.work",
	    "{\"name\":\"w\",\"enabled\":false}");
	/* what its owner disabled is left alone, and not recorded */
	expect(j, "channels.telegram.accounts.old.enabled", "false");
	expect(j, "channels.slack", "{\"enabled\":false,\"token\":\"y\"}");
	/* the rest as it was, meta first */
	expect(j, "meta.lastTouchedVersion", "\"2026.9.6\"");
	expect(j, "ratio", "0.25");
	assert_true(strncmp(out, "{\n  \"meta\"", 10) == 0);
	json_decref(j);
	free(out);
}

static void
test_undo_in_the_file_restores_it(void **unused)
{
	char rec[256], err[200], *out, *back;
	size_t len, blen;
	json_t *a, *b;

	(void)unused;
	assert_int_equal(ocf_fence_add(conf, strlen(conf), &out, &len, rec,
	    sizeof(rec), err, sizeof(err)), 1);
	assert_int_equal(ocf_fence_undo(out, len, rec, &back, &blen, err,
	    sizeof(err)), 1);
	a = parse(conf);
	b = parse(back);
	assert_true(json_equal(a, b));
	json_decref(a);
	json_decref(b);
	/* once undone, nothing is left to undo */
	free(out);
	assert_int_equal(ocf_fence_undo(back, blen, rec, &out, &len, err,
	    sizeof(err)), 0);
	assert_null(out);
	free(back);
}

/* an entry someone changed since the fence is theirs: not touched */
static void
test_undo_leaves_what_changed(void **unused)
{
	static const char fenced[] = "{\"channels\":{\"irc\":{\"accounts\":"
	    "{\"default\":{\"enabled\":true}}},\"x\":{\"accounts\":{\"a\":"
	    "{\"enabled\":false}}}}}";
	char err[200], *out;
	size_t len;
	json_t *j;

	(void)unused;
	assert_int_equal(ocf_fence_undo(fenced, strlen(fenced),
	    "irc/default:n x/a:e", &out, &len, err, sizeof(err)), 1);
	j = parse(out);
	expect(j, "channels.irc.accounts.default.enabled", "true");
	expect(j, "channels.x", "{\"accounts\":{}}");
	json_decref(j);
	free(out);
}

static void
test_patch_for_the_gateway(void **unused)
{
	char buf[512];

	(void)unused;
	assert_true(ocf_fence_patch("irc/default:n telegram/main:t "
	    "telegram/work:k x/a:e", buf, sizeof(buf)) > 0);
	assert_string_equal(buf, "{\"channels\":{\"irc\":{\"accounts\":null},"
	    "\"telegram\":{\"accounts\":{\"main\":{\"enabled\":true},"
	    "\"work\":{\"enabled\":null}}},\"x\":{\"accounts\":{\"a\":null}}}}");
	assert_int_equal(ocf_fence_patch("irc/default:q", buf, sizeof(buf)),
	    -1);
	assert_int_equal(ocf_fence_patch("irc/default:n", buf, 10), -1);
	assert_true(ocf_fence_patch("", buf, sizeof(buf)) > 0);
	assert_string_equal(buf, "{}");
}

/* the worst record that fits the state's HOT_FENCE (511 bytes): a new
 * channel of the shortest ids in every item; its patch fits in
 * OCF_FENCE_PATCH_ROOM (hot.c held 1100 bytes, and said "bad HOT_FENCE") */
static void
test_patch_room(void **unused)
{
	static const char ids[] = "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-.@+";
	char rec[512], item[16], buf[OCF_FENCE_PATCH_ROOM(sizeof(rec))];
	size_t used = 0, n = strlen(ids);
	int i, len;

	(void)unused;
	rec[0] = '\0';
	for (i = 0;; i++) {
		if (i < (int)n)
			snprintf(item, sizeof(item), "%c/a:k ", ids[i]);
		else
			snprintf(item, sizeof(item), "%c%c/a:k ",
			    ids[i / n - 1], ids[i % n]);
		if (used + strlen(item) >= sizeof(rec))
			break;
		memcpy(rec + used, item, strlen(item) + 1);
		used += strlen(item);
	}
	len = ocf_fence_patch(rec, buf, sizeof(buf));
	assert_true(len > 1100);
	assert_true((size_t)len < sizeof(buf));
	assert_int_equal(ocf_fence_patch(rec, buf, (size_t)len), -1);
}

/* JSON5 (comments, trailing commas) is the gateway's, not ours: refused
 * with a reason, never half edited */
static void
test_refuses_what_it_cannot_keep(void **unused)
{
	static const char json5[] = "{ // mine\n channels: { irc: {} }, }";
	static const char badid[] = "{\"channels\":{\"i rc\":{}}}";
	static const char none[] = "{\"channels\":{\"irc\":{\"enabled\":false}}}";
	char rec[256] = "junk", err[200], *out;
	size_t len;

	(void)unused;
	assert_int_equal(ocf_fence_add(json5, strlen(json5), &out, &len, rec,
	    sizeof(rec), err, sizeof(err)), -1);
	assert_non_null(strstr(err, "not plain JSON"));
	assert_string_equal(rec, "");
	assert_int_equal(ocf_fence_add(badid, strlen(badid), &out, &len, rec,
	    sizeof(rec), err, sizeof(err)), -1);
	assert_non_null(strstr(err, "i rc"));
	assert_int_equal(ocf_fence_add(none, strlen(none), &out, &len, rec,
	    sizeof(rec), err, sizeof(err)), 0);
	assert_null(out);
	assert_int_equal(ocf_fence_add("[]", 2, &out, &len, rec, sizeof(rec),
	    err, sizeof(err)), -1);
	/* a record that does not fit is an error, not a partial fence */
	assert_int_equal(ocf_fence_add(conf, strlen(conf), &out, &len, rec,
	    10, err, sizeof(err)), -1);
	assert_string_equal(rec, "");
}

/* the reason reaches the log: what the file holds near an error, or an
 * id it has, shows without its control characters */
static void
test_reason_is_one_line(void **unused)
{
	static const char ctl[] = "\001";
	static const char nl[] = "{\"channels\":{\"i\\nrc\":{}}}";
	static const char acc[] = "{\"channels\":{\"irc\":{\"accounts\":"
	    "{\"a\\u001bb\":{}}}}}";
	char rec[256], err[200], *out;
	size_t len;

	(void)unused;
	assert_int_equal(ocf_fence_add(ctl, 1, &out, &len, rec, sizeof(rec),
	    err, sizeof(err)), -1);
	assert_non_null(strstr(err, "not plain JSON"));
	assert_non_null(strstr(err, "near '?'"));
	assert_int_equal(ocf_fence_undo(ctl, 1, "irc/default:n", &out, &len,
	    err, sizeof(err)), -1);
	assert_non_null(strstr(err, "near '?'"));
	assert_int_equal(ocf_fence_add(nl, strlen(nl), &out, &len, rec,
	    sizeof(rec), err, sizeof(err)), -1);
	assert_non_null(strstr(err, "'i?rc'"));
	assert_int_equal(ocf_fence_add(acc, strlen(acc), &out, &len, rec,
	    sizeof(rec), err, sizeof(err)), -1);
	assert_non_null(strstr(err, "'a?b'"));
}

static void
test_record_walk(void **unused)
{
	const char *p = " a/b:n  c-1/d.e@f:t";
	char c[64], a[64], k;

	(void)unused;
	assert_int_equal(ocf_fence_next(&p, c, sizeof(c), a, sizeof(a), &k), 1);
	assert_string_equal(c, "a");
	assert_string_equal(a, "b");
	assert_int_equal(k, 'n');
	assert_int_equal(ocf_fence_next(&p, c, sizeof(c), a, sizeof(a), &k), 1);
	assert_string_equal(c, "c-1");
	assert_string_equal(a, "d.e@f");
	assert_int_equal(ocf_fence_next(&p, c, sizeof(c), a, sizeof(a), &k), 0);
	p = "a:b/c";
	assert_int_equal(ocf_fence_next(&p, c, sizeof(c), a, sizeof(a), &k), -1);
	p = "a/b:nn";
	assert_int_equal(ocf_fence_next(&p, c, sizeof(c), a, sizeof(a), &k), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_add_every_enabled_account),
		cmocka_unit_test(test_undo_in_the_file_restores_it),
		cmocka_unit_test(test_undo_leaves_what_changed),
		cmocka_unit_test(test_patch_for_the_gateway),
		cmocka_unit_test(test_patch_room),
		cmocka_unit_test(test_refuses_what_it_cannot_keep),
		cmocka_unit_test(test_reason_is_one_line),
		cmocka_unit_test(test_record_walk),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
