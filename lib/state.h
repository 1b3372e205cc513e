/*
 * The state file, STATE_DIR/state: KEY='value' lines that sh can source
 * safely (every value single-quoted, ' written as '\''), ending with the
 * line "# end" so that a truncated file is recognised as torn.
 *
 * Writers hold the lock (lock.h) and call ocf_state_save(), which goes
 * through ocf_write_atomic(): temp file, fsync, rename, fsync of the
 * directory.  Readers never lock.
 */
#ifndef OCF_STATE_H
#define OCF_STATE_H

#include <stddef.h>
#include <sys/types.h>

#define OCF_STATE_ERRLEN 512

enum ocf_role { OCF_ROLE_STANDBY, OCF_ROLE_ACTIVE, OCF_ROLE_FAILED };

struct ocf_state {
	enum ocf_role role;		/* ROLE */
	int maintenance;		/* MAINTENANCE: 0/1 */
	char primary[16];		/* PRIMARY: last verdict: ok warning critical unknown */
	int fails, rises;		/* FAILS, RISES: consecutive */
	double last_probe;		/* LAST_PROBE: epoch seconds */
	double last_transition;		/* LAST_TRANSITION */
	long transitions;		/* TRANSITIONS: count, also the hooks' number */
	char transition[16];		/* TRANSITION: "" or promote/demote in flight */
	long transition_pid;		/* TRANSITION_PID: who runs it */
	unsigned long long transition_pid_start; /* TRANSITION_PID_START: its start time */
	long gateway_pid;		/* GATEWAY_PID: GATEWAY_CMD leader = pgid */
	unsigned long long gateway_start; /* GATEWAY_START: its /proc start time */
	char last_error[512];		/* LAST_ERROR */
	char flap_times[256];		/* FLAP_TIMES: recent transition times, space separated */
	int latched;			/* LATCHED: flap breaker tripped */
	char pull[16];			/* PULL: last workspace pull: ok warning critical */
	double pull_at;			/* PULL_AT */
	char push[16];			/* PUSH, PUSH_AT: last workspace push */
	double push_at;
	char secrets[16];		/* SECRETS, SECRETS_AT: last secrets sync */
	double secrets_at;
	char sync_detail[256];		/* SYNC_DETAIL: ahead/behind, what diverged */
	double ok_since;		/* OK_SINCE: start of the primary's ready streak */
	double notready_since;		/* NOTREADY_SINCE: start of its not-ready streak */
};

void ocf_state_init(struct ocf_state *s);

const char *ocf_role_name(enum ocf_role r);
int ocf_role_parse(const char *s, enum ocf_role *r);

/* text <-> struct; parse returns 0 or -1 with err (torn, mangled) */
int ocf_state_parse(struct ocf_state *s, const char *text, size_t len,
    char *err, size_t errlen);
/* returns the length written, or -1 if buf is too small */
long ocf_state_format(const struct ocf_state *s, char *buf, size_t len);

/*
 * Load STATE_DIR/state.  Returns 0 loaded, 1 no state file yet (s is the
 * initial standby state), -1 unreadable or torn (err says why).
 */
int ocf_state_load(const char *dir, struct ocf_state *s,
    char *err, size_t errlen);
/* save atomically; the caller holds the lock.  0 or -1 with err */
int ocf_state_save(const char *dir, const struct ocf_state *s,
    char *err, size_t errlen);

/* create STATE_DIR (mode 0700, parents 0755) if missing; refuse a symlink */
int ocf_state_dir(const char *dir, char *err, size_t errlen);

/* path of a file in the state dir ("state", "lock", "gateway.log");
 * NULL when it does not fit in buf */
const char *ocf_state_path(const char *dir, const char *name,
    char *buf, size_t len);

#endif
