/*
 * openclaw.json is the gateway's file: the fence changes one switch per
 * account and keeps everything else, in its order (jansson keeps the
 * order of object members), the "meta" block above all (a config without
 * it is silently restored from a backup by the gateway).
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fence.h"
#include "syntax.h"

#define DUMP_FLAGS (JSON_INDENT(2) | JSON_REAL_PRECISION(17))

int
ocf_fence_id_ok(const char *id)
{
	size_t n = strlen(id);

	return n > 0 && n < 64 && strspn(id, "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-.@+") == n;
}

/* a reason reaches the log: what the file holds near an error (jansson
 * quotes it) or an id it has shows with control characters made '?' */
static void
clean(char *err, size_t errlen)
{
	if (errlen > 0)
		ocf_text_clean(err);
}

static int
fail(char *err, size_t errlen, const char *what)
{
	snprintf(err, errlen, "%s", what);
	return -1;
}

/* the text as a JSON object, or NULL with err */
static json_t *
load(const char *text, size_t len, char *err, size_t errlen)
{
	json_error_t je;
	json_t *root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &je);

	if (root == NULL) {
		snprintf(err, errlen, "not plain JSON (line %d: %s)", je.line,
		    je.text);
		clean(err, errlen);
		return NULL;
	}
	if (!json_is_object(root)) {
		json_decref(root);
		fail(err, errlen, "not a JSON object");
		return NULL;
	}
	return root;
}

static int
dump(json_t *root, char **out, size_t *outlen, char *err, size_t errlen)
{
	char *s = json_dumps(root, DUMP_FLAGS);
	size_t n;

	if (s == NULL)
		return fail(err, errlen, "unable to write the JSON text");
	n = strlen(s);
	/* a text file ends with a newline, as the gateway writes it */
	if ((*out = malloc(n + 2)) == NULL) {
		free(s);
		return fail(err, errlen, "out of memory");
	}
	memcpy(*out, s, n);
	(*out)[n++] = '\n';
	(*out)[n] = '\0';
	*outlen = n;
	free(s);
	return 0;
}

/* append "c/a:k" to the record */
static int
note(char *record, size_t reclen, const char *c, const char *a, char kind)
{
	size_t at = strlen(record);
	int n = snprintf(record + at, reclen - at, "%s%s/%s:%c",
	    at > 0 ? " " : "", c, a, kind);

	return n < 0 || (size_t)n >= reclen - at ? -1 : 0;
}

/* fence account a of channel c (its object ch); 1 fenced, 0 not (it is
 * disabled already), -1 err */
static int
fence_account(json_t *ch, const char *c, const char *a, char *record,
    size_t reclen, char *err, size_t errlen)
{
	json_t *accounts = json_object_get(ch, "accounts"), *entry, *en;
	char kind = '\0';

	if (!ocf_fence_id_ok(a)) {
		snprintf(err, errlen, "channel '%s': account id '%.64s' is not "
		    "one the fence can record", c, a);
		return -1;
	}
	if (accounts == NULL) {
		kind = 'n';
		accounts = json_object();
		if (json_object_set_new(ch, "accounts", accounts) == -1)
			return fail(err, errlen, "out of memory");
	}
	if (!json_is_object(accounts)) {
		snprintf(err, errlen, "channel '%s': \"accounts\" is not an "
		    "object", c);
		return -1;
	}
	if ((entry = json_object_get(accounts, a)) == NULL) {
		if (kind != 'n')
			kind = 'e';
		entry = json_object();
		if (json_object_set_new(accounts, a, entry) == -1)
			return fail(err, errlen, "out of memory");
	} else if (!json_is_object(entry)) {
		snprintf(err, errlen, "channel '%s': account '%s' is not an "
		    "object", c, a);
		return -1;
	} else if ((en = json_object_get(entry, "enabled")) == NULL) {
		kind = 'k';
	} else if (json_is_true(en)) {
		kind = 't';
	} else {
		return 0;	/* disabled by its owner: not ours */
	}
	if (json_object_set_new(entry, "enabled", json_false()) == -1)
		return fail(err, errlen, "out of memory");
	if (note(record, reclen, c, a, kind) == -1)
		return fail(err, errlen, "too many accounts to record");
	return 1;
}

/* the accounts of channel c to fence: its "accounts" keys, or the default
 * one; 0 or -1 */
static int
fence_channel(json_t *ch, const char *c, char *record, size_t reclen,
    int *n, char *err, size_t errlen)
{
	json_t *accounts = json_object_get(ch, "accounts");
	const char *a;
	json_t *v;
	int r;

	if (json_is_false(json_object_get(ch, "enabled")))
		return 0;	/* the whole channel is off: not ours either */
	if (!ocf_fence_id_ok(c)) {
		snprintf(err, errlen, "channel id '%.64s' is not one the fence "
		    "can record", c);
		return -1;
	}
	if (json_is_object(accounts) && json_object_size(accounts) > 0) {
		json_object_foreach(accounts, a, v) {
			if ((r = fence_account(ch, c, a, record, reclen, err,
			    errlen)) == -1)
				return -1;
			*n += r;
		}
		return 0;
	}
	if ((r = fence_account(ch, c, OCF_FENCE_DEFAULT_ACCOUNT, record,
	    reclen, err, errlen)) == -1)
		return -1;
	*n += r;
	return 0;
}

int
ocf_fence_add(const char *text, size_t len, char **out, size_t *outlen,
    char *record, size_t reclen, char *err, size_t errlen)
{
	json_t *root, *chans, *ch;
	const char *c;
	int n = 0, rc = -1;

	*out = NULL;
	*outlen = 0;
	if (reclen == 0)
		return fail(err, errlen, "no room for the record");
	record[0] = '\0';
	if ((root = load(text, len, err, errlen)) == NULL)
		return -1;
	chans = json_object_get(root, "channels");
	if (chans != NULL && !json_is_object(chans)) {
		fail(err, errlen, "\"channels\" is not an object");
		goto out;
	}
	json_object_foreach(chans, c, ch) {
		if (json_is_object(ch) && fence_channel(ch, c, record, reclen,
		    &n, err, errlen) == -1)
			goto out;
	}
	rc = 0;
	if (n > 0 && (rc = dump(root, out, outlen, err, errlen)) == 0)
		rc = 1;
out:
	if (rc == -1)
		clean(err, errlen);
	if (rc != 1)
		record[0] = '\0';
	json_decref(root);
	return rc;
}

int
ocf_fence_next(const char **p, char *channel, size_t clen, char *account,
    size_t alen, char *kind)
{
	const char *s = *p, *slash, *colon, *end;

	while (*s == ' ')
		s++;
	if (*s == '\0') {
		*p = s;
		return 0;
	}
	end = s + strcspn(s, " ");
	slash = memchr(s, '/', (size_t)(end - s));
	colon = slash != NULL ? memchr(slash, ':', (size_t)(end - slash)) :
	    NULL;
	*p = end;
	if (slash == NULL || colon == NULL || colon + 2 != end ||
	    strchr("nekt", colon[1]) == NULL ||
	    (size_t)(slash - s) >= clen || (size_t)(colon - slash - 1) >= alen)
		return -1;
	snprintf(channel, clen, "%.*s", (int)(slash - s), s);
	snprintf(account, alen, "%.*s", (int)(colon - slash - 1), slash + 1);
	*kind = colon[1];
	return ocf_fence_id_ok(channel) && ocf_fence_id_ok(account) ? 1 : -1;
}

/* undo one item in root; 1 undone, 0 not there any more */
static int
undo_item(json_t *root, const char *c, const char *a, char kind)
{
	json_t *ch = json_object_get(json_object_get(root, "channels"), c);
	json_t *accounts = json_object_get(ch, "accounts");
	json_t *entry = json_object_get(accounts, a);

	if (!json_is_object(entry) ||
	    !json_is_false(json_object_get(entry, "enabled")))
		return 0;	/* someone changed it since: theirs now */
	if (kind == 't')
		return json_object_set_new(entry, "enabled", json_true()) == 0;
	json_object_del(entry, "enabled");
	if (kind != 'k' && json_object_size(entry) == 0)
		json_object_del(accounts, a);
	if (kind == 'n' && json_object_size(accounts) == 0)
		json_object_del(ch, "accounts");
	return 1;
}

int
ocf_fence_undo(const char *text, size_t len, const char *record, char **out,
    size_t *outlen, char *err, size_t errlen)
{
	char c[64], a[64], kind;
	const char *p = record;
	json_t *root;
	int r, n = 0, rc = -1;

	*out = NULL;
	*outlen = 0;
	if ((root = load(text, len, err, errlen)) == NULL)
		return -1;
	while ((r = ocf_fence_next(&p, c, sizeof(c), a, sizeof(a), &kind)) == 1)
		n += undo_item(root, c, a, kind);
	if (r == -1)
		fail(err, errlen, "malformed fence record");
	else if (n == 0)
		rc = 0;
	else if (dump(root, out, outlen, err, errlen) == 0)
		rc = 1;
	json_decref(root);
	return rc;
}

/* patch.channels.<c>(.accounts), created on the way */
static json_t *
member(json_t *parent, const char *key)
{
	json_t *o = json_object_get(parent, key);

	if (!json_is_object(o)) {
		o = json_object();
		json_object_set_new(parent, key, o);
	}
	return o;
}

int
ocf_fence_patch(const char *record, char *buf, size_t len)
{
	char c[64], a[64], kind, *s;
	const char *p = record;
	json_t *patch = json_object(), *ch, *acc;
	int r, n = -1;

	while ((r = ocf_fence_next(&p, c, sizeof(c), a, sizeof(a), &kind)) == 1) {
		ch = member(member(patch, "channels"), c);
		if (kind == 'n') {
			json_object_set_new(ch, "accounts", json_null());
			continue;
		}
		if (json_is_null(json_object_get(ch, "accounts")))
			continue;
		acc = member(ch, "accounts");
		if (kind == 'e')
			json_object_set_new(acc, a, json_null());
		else
			json_object_set_new(member(acc, a), "enabled",
			    kind == 't' ? json_true() : json_null());
	}
	if (r == 0 && (s = json_dumps(patch, JSON_COMPACT)) != NULL) {
		if (strlen(s) < len) {
			n = (int)strlen(s);
			memcpy(buf, s, (size_t)n + 1);
		}
		free(s);
	}
	json_decref(patch);
	return n;
}
