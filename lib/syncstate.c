#include <stdio.h>
#include <string.h>

#include "config.h"
#include "exitcode.h"
#include "state.h"
#include "syncstate.h"
#include "timeutil.h"
#include "worker.h"

void
ocf_sync_record(struct ocf_state *s, const char *what,
    const struct ocf_sync_result *r)
{
	const char *word = ocf_exit_word(r->status);
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
	struct ocf_txn x;
	int rc;

	if ((rc = ocf_txn_begin(&x, c->state_dir, OCF_WAIT_COMMAND, NULL)) == 0) {
		ocf_sync_record(&x.s, what, r);
		rc = ocf_txn_commit(&x);
	}
	if (rc != 0)
		snprintf(err, errlen, "%s", x.err);
	ocf_txn_end(&x);
	return rc == 0 ? 0 : -1;
}
