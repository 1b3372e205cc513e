#include <stdio.h>
#include <string.h>

#include "config.h"
#include "lock.h"
#include "state.h"
#include "syncstate.h"
#include "timeutil.h"
#include "worker.h"

/* seconds to wait for the state lock: a transition holds it for long */
#define SAVE_LOCK_WAIT 5.0

void
ocf_sync_record(struct ocf_state *s, const char *what,
    const struct ocf_sync_result *r)
{
	static const char *const words[] = { "ok", "warning", "critical",
	    "unknown", "refused" };
	const char *word = r->status >= 0 && r->status <= 4 ?
	    words[r->status] : "unknown";
	char *field;
	double *at;

	if (strcmp(what, "pull") == 0) {
		field = s->pull;
		at = &s->pull_at;
	} else if (strcmp(what, "push") == 0) {
		field = s->push;
		at = &s->push_at;
	} else if (strcmp(what, "secrets") == 0) {
		field = s->secrets;
		at = &s->secrets_at;
	} else
		return;
	snprintf(field, sizeof(s->pull), "%s", word);
	*at = ocf_wall();
	snprintf(s->sync_detail, sizeof(s->sync_detail), "%.8s: %.240s",
	    what, r->detail);
}

int
ocf_sync_save(const struct ocf_config *c, const char *what,
    const struct ocf_sync_result *r, char *err, size_t errlen)
{
	struct ocf_state s;
	int fd, rc = -1;

	if (ocf_state_dir(c->state_dir, err, errlen) == -1 ||
	    (fd = ocf_lock(c->state_dir, SAVE_LOCK_WAIT, err, errlen)) < 0)
		return -1;
	if (ocf_state_load(c->state_dir, &s, err, errlen) != -1) {
		ocf_sync_record(&s, what, r);
		rc = ocf_state_save(c->state_dir, &s, err, errlen);
	}
	ocf_unlock(fd);
	return rc;
}
