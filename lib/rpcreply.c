#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "rpcreply.h"
#include "syntax.h"

/* what the gateway says reaches logs and the state file, one line */
static void
copy(char *dst, size_t len, const char *src)
{
	snprintf(dst, len, "%s", src != NULL ? src : "");
	ocf_text_clean(dst);
}

int
ocf_rpc_parse(const char *body, size_t len, struct ocf_rpc_reply *r)
{
	json_t *root, *payload, *outcome;
	json_error_t je;
	int rc = -1;

	memset(r, 0, sizeof(*r));
	if ((root = json_loadb(body, len, 0, &je)) == NULL) {
		copy(r->message, sizeof(r->message), "not JSON");
		return -1;
	}
	payload = json_object_get(root, "payload");
	if (json_is_true(json_object_get(root, "ok"))) {
		r->ok = 1;
		copy(r->hash, sizeof(r->hash),
		    json_string_value(json_object_get(payload, "hash")));
		outcome = json_object_get(payload, "outcome");
		if (json_is_object(outcome)) {
			const char *st = json_string_value(json_object_get(
			    outcome, "status"));
			const char *why = json_string_value(json_object_get(
			    outcome, "reason"));
			char both[sizeof(r->outcome)];

			snprintf(both, sizeof(both), "%s%s%s", st != NULL ?
			    st : "", why != NULL ? ": " : "", why != NULL ?
			    why : "");
			copy(r->outcome, sizeof(r->outcome), both);
		}
		rc = 0;
	} else if (json_is_false(json_object_get(root, "ok"))) {
		const char *m = json_string_value(json_object_get(
		    json_object_get(root, "error"), "message"));

		/* an empty message would tell the operator nothing */
		copy(r->message, sizeof(r->message), m != NULL && *m != '\0' ?
		    m : "not ok");
		rc = -2;
	} else {
		copy(r->message, sizeof(r->message), "no \"ok\" in the reply");
	}
	json_decref(root);
	return rc;
}
