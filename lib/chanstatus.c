/*
 * channels.status is a nested reply (an object of channels, each an array
 * of account objects, beside a few KiB of other status): jansson reads it,
 * where health.c's scanner keeps a few top-level members only.
 */
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "chanstatus.h"
#include "syntax.h"

/* a string of the reply, cut to len, cleaned */
static void
copy(char *dst, size_t len, const char *src)
{
	snprintf(dst, len, "%s", src != NULL ? src : "");
	ocf_text_clean(dst);
}

/* a member that is false (absent or anything else is not) */
static int
is_false(json_t *o, const char *key)
{
	return json_is_false(json_object_get(o, key));
}

/*
 * An account counts as connected when it says so, is running, and its
 * lifecycle (when it reports one) is "ready": an IRC account whose server
 * went away keeps "connected":true with "lifecycle":"recovering".
 */
static int
is_connected(json_t *a)
{
	const char *life = json_string_value(json_object_get(a, "lifecycle"));

	return json_is_true(json_object_get(a, "connected")) &&
	    !is_false(a, "running") && (life == NULL || strcmp(life, "ready") == 0);
}

static void
account(struct ocf_chan_status *cs, const char *channel, json_t *a)
{
	struct ocf_chan_account *k;
	int up, run;

	if (!json_is_object(a) || is_false(a, "enabled") ||
	    is_false(a, "configured"))
		return;
	up = is_connected(a);
	cs->total++;
	cs->connected += up;
	/* up, or started and not yet (or no longer) connected */
	run = up || json_is_true(json_object_get(a, "running"));
	cs->running += run;
	if (cs->kept == OCF_CHAN_MAX)
		return;
	k = &cs->acc[cs->kept++];
	copy(k->channel, sizeof(k->channel), channel);
	copy(k->account, sizeof(k->account),
	    json_string_value(json_object_get(a, "accountId")));
	copy(k->lifecycle, sizeof(k->lifecycle),
	    json_string_value(json_object_get(a, "lifecycle")));
	copy(k->last_error, sizeof(k->last_error),
	    json_string_value(json_object_get(a, "lastError")));
	k->connected = up;
	k->running = run;
}

int
ocf_chan_parse(const char *body, size_t len, struct ocf_chan_status *cs,
    char *err, size_t errlen)
{
	json_t *root, *payload, *chans, *list;
	json_error_t je;
	const char *channel;
	void *it;
	size_t i;
	int rc = -1;

	memset(cs, 0, sizeof(*cs));
	root = json_loadb(body, len, JSON_REJECT_DUPLICATES, &je);
	if (root == NULL) {
		/* jansson quotes the bytes near the error */
		snprintf(err, errlen, "not JSON: %s", je.text);
		ocf_text_clean(err);
		return -1;
	}
	payload = json_object_get(root, "payload");
	chans = json_object_get(payload, "channelAccounts");
	if (json_is_false(json_object_get(root, "ok"))) {
		const char *m = json_string_value(json_object_get(
		    json_object_get(root, "error"), "message"));

		snprintf(err, errlen, "the gateway says: %s",
		    m != NULL ? m : "not ok");
		ocf_text_clean(err);
		rc = -2;
	} else if (!json_is_true(json_object_get(root, "ok"))) {
		snprintf(err, errlen, "no \"ok\":true in the reply");
	} else if (!json_is_object(chans)) {
		snprintf(err, errlen, "no channelAccounts in the reply");
	} else {
		for (it = json_object_iter(chans); it != NULL;
		    it = json_object_iter_next(chans, it)) {
			channel = json_object_iter_key(it);
			list = json_object_iter_value(it);
			for (i = 0; i < json_array_size(list); i++)
				account(cs, channel, json_array_get(list, i));
		}
		rc = 0;
	}
	json_decref(root);
	return rc;
}

const char *
ocf_chan_down(const struct ocf_chan_status *cs, char *buf, size_t len)
{
	size_t at = 0;
	int down = 0;

	if (len > 0)
		buf[0] = '\0';
	for (int i = 0; i < cs->kept && at < len; i++) {
		const struct ocf_chan_account *k = &cs->acc[i];
		int n;

		if (k->connected)
			continue;
		down++;
		n = snprintf(buf + at, len - at, "%s%s/%s (%s%s%s)",
		    at > 0 ? ", " : "", k->channel, k->account,
		    k->lifecycle[0] != '\0' ? k->lifecycle : "not connected",
		    k->last_error[0] != '\0' ? ": " : "", k->last_error);
		if (n < 0)
			break;
		at += (size_t)n;
	}
	if (down < cs->total - cs->connected && at < len)
		snprintf(buf + at, len - at, "%s...", at > 0 ? ", " : "");
	return buf;
}
