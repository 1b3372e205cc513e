/*
 * Fuzz target: the boot fence of a hot standby (lib/fence.c).  The input
 * is an openclaw.json text: the gateway's file, which its owner edits by
 * hand.  Properties, each an abort():
 *   - ocf_fence_add() gives 1, 0 or -1; on 0 and -1 no text and an
 *     empty record; on -1 a reason that is text (it reaches the log);
 *   - on 1 the record is NUL-terminated text that ocf_fence_next() walks
 *     to its end, one item or more, each (channel, account) passing
 *     ocf_fence_id_ok() and kind one of n, e, k, t; every recorded
 *     account is disabled in the fenced text; the fenced text is one
 *     line-ended JSON object, outlen long;
 *   - the fenced text has nothing left to fence (0);
 *   - ocf_fence_undo() of the fenced text and the record gives 1 and a
 *     document equal (json_equal) to the input's: the fence undoes
 *     exactly what it did.  Parsed, not bytes: the fence writes its own
 *     indentation.  Undone once, nothing is left to undo (0);
 *   - ocf_fence_patch() of the record fits a buffer of its length + 1,
 *     and reports -1 for one byte less without writing past it; the
 *     patch, merged (RFC 7396) into the fenced text, gives the input's
 *     document again: the same undo through the gateway;
 *   - with hot.c's record size, the same record when it fits, else -1
 *     and no partial fence;
 *   - the input read as a record (HOT_FENCE is a line of the state file,
 *     which an operator may edit): ocf_fence_next() moves on at every
 *     item, well-formed or not, and what it gives passes the checks
 *     above; ocf_fence_patch() gives -1 or a text that fits.
 */
#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "check_text.h"
#include "fence.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define REC_MAX	4096
#define REC_HOT	256	/* hot.c's: one line of a worker's result */

/* kept off the stack of a replayed deep call chain; a patch takes less
 * than 8 bytes for each byte of its record ("a/b:k " gives 39) */
static char rec[REC_MAX], rec_hot[REC_HOT], pbuf[8 * REC_MAX + 64];

/* the text as a JSON object; anything else is a finding */
static json_t *
parse(const char *text, size_t len)
{
	json_error_t je;
	json_t *j = json_loadb(text, len, JSON_REJECT_DUPLICATES, &je);

	if (!json_is_object(j))
		abort();
	return j;
}

/* RFC 7396: patch merged into target; takes target's reference and
 * returns one to the result */
static json_t *
merge(json_t *target, json_t *patch)
{
	const char *k;
	json_t *v;

	if (!json_is_object(patch)) {
		json_decref(target);
		return json_deep_copy(patch);
	}
	if (!json_is_object(target)) {
		json_decref(target);
		target = json_object();
	}
	json_object_foreach(patch, k, v) {
		if (json_is_null(v))
			json_object_del(target, k);
		else if (json_object_set_new(target, k, merge(json_incref(
		    json_object_get(target, k)), v)) == -1)
			abort();
	}
	return target;
}

/* walk the record: well-formed items, each account disabled in fenced */
static void
check_record(const char *record, json_t *fenced)
{
	char c[64], a[64], kind;
	const char *p = record;
	json_t *en;
	int r, n = 0;

	check_text(record, REC_MAX);
	while ((r = ocf_fence_next(&p, c, sizeof(c), a, sizeof(a),
	    &kind)) == 1) {
		if (!ocf_fence_id_ok(c) || !ocf_fence_id_ok(a) ||
		    kind == '\0' || strchr("nekt", kind) == NULL)
			abort();
		en = json_object_get(json_object_get(json_object_get(
		    json_object_get(json_object_get(fenced, "channels"), c),
		    "accounts"), a), "enabled");
		if (!json_is_false(en))
			abort();
		n++;
	}
	if (r != 0 || *p != '\0' || n == 0)
		abort();
}

/* the record as a merge patch: fits exactly, never overruns; applied to
 * fenced, the input's document */
static void
check_patch(const char *record, const char *fenced, size_t flen,
    json_t *want)
{
	json_t *doc, *pj;
	char *exact;
	int n;

	if ((n = ocf_fence_patch(record, pbuf, sizeof(pbuf))) < 0 ||
	    strlen(pbuf) != (size_t)n)
		abort();
	/* n bytes: one too few for the NUL; ASan sees a write past them */
	if ((exact = malloc((size_t)n + 1)) == NULL)
		abort();
	if (ocf_fence_patch(record, exact, (size_t)n) != -1 ||
	    ocf_fence_patch(record, exact, (size_t)n + 1) != n ||
	    strcmp(exact, pbuf) != 0)
		abort();
	free(exact);
	pj = parse(pbuf, (size_t)n);
	doc = merge(parse(fenced, flen), pj);
	if (!json_equal(doc, want))
		abort();
	json_decref(doc);
	json_decref(pj);
}

/* any text as a record: never read past its end, always move on */
static void
check_any_record(const uint8_t *data, size_t size)
{
	char c[64], a[64], kind, *s;
	const char *p, *was;
	int r, n;

	if ((s = malloc(size + 1)) == NULL)
		abort();
	memcpy(s, data, size);
	s[size] = '\0';
	p = s;
	do {
		was = p;
		kind = '\0';
		r = ocf_fence_next(&p, c, sizeof(c), a, sizeof(a), &kind);
		if (r == 1 && (!ocf_fence_id_ok(c) || !ocf_fence_id_ok(a) ||
		    kind == '\0' || strchr("nekt", kind) == NULL))
			abort();
		if ((r == 0 && *p != '\0') || (r != 0 && p <= was) ||
		    (r != 0 && r != 1 && r != -1))
			abort();
	} while (r != 0);
	n = ocf_fence_patch(s, pbuf, sizeof(pbuf));
	if (n < -1 || (n >= 0 && strlen(pbuf) != (size_t)n))
		abort();
	free(s);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data;
	char err[200], *out, *back, *again;
	size_t outlen, backlen, againlen;
	json_t *in, *fenced, *undone;
	int r;

	check_any_record(data, size);
	memset(rec, 'x', sizeof(rec));
	r = ocf_fence_add(text, size, &out, &outlen, rec, sizeof(rec), err,
	    sizeof(err));
	if (r == -1 || r == 0) {
		if (out != NULL || outlen != 0 || rec[0] != '\0')
			abort();
		if (r == -1) {
			check_text(err, sizeof(err));
			if (err[0] == '\0')
				abort();
		}
		return 0;
	}
	if (r != 1 || out == NULL || outlen == 0 || strlen(out) != outlen ||
	    out[outlen - 1] != '\n')
		abort();
	in = parse(text, size);
	fenced = parse(out, outlen);
	check_record(rec, fenced);
	json_decref(fenced);

	/* fenced: every account is off */
	if (ocf_fence_add(out, outlen, &again, &againlen, rec_hot,
	    sizeof(rec_hot), err, sizeof(err)) != 0 || again != NULL)
		abort();

	if (ocf_fence_undo(out, outlen, rec, &back, &backlen, err,
	    sizeof(err)) != 1 || back == NULL || strlen(back) != backlen)
		abort();
	undone = parse(back, backlen);
	if (!json_equal(undone, in))
		abort();
	json_decref(undone);
	if (ocf_fence_undo(back, backlen, rec, &again, &againlen, err,
	    sizeof(err)) != 0 || again != NULL)
		abort();
	free(back);

	check_patch(rec, out, outlen, in);
	free(out);
	json_decref(in);

	r = ocf_fence_add(text, size, &out, &outlen, rec_hot, sizeof(rec_hot),
	    err, sizeof(err));
	if (strlen(rec) < sizeof(rec_hot)) {
		if (r != 1 || strcmp(rec_hot, rec) != 0)
			abort();
	} else if (r != -1 || out != NULL || rec_hot[0] != '\0') {
		abort();
	}
	free(out);
	return 0;
}
