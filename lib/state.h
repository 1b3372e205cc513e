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
/* transition times kept for the flap breaker: FLAP_MAX's upper bound */
#define OCF_FLAP_KEEP 32

enum ocf_role { OCF_ROLE_STANDBY, OCF_ROLE_ACTIVE, OCF_ROLE_FAILED };

struct ocf_state {
	enum ocf_role role;		/* ROLE */
	int maintenance;		/* MAINTENANCE: 0/1 */
	char primary[16];		/* PRIMARY: last verdict: ok warning critical unknown */
	int fails, rises;		/* FAILS, RISES: consecutive */
	double last_probe;		/* LAST_PROBE: epoch seconds */
	double last_transition;		/* LAST_TRANSITION */
	/*
	 * Decisions measure durations on CLOCK_BOOTTIME (ocf_uptime), which
	 * a wall-clock step does not move; the *_UP twins of the wall times
	 * above and below are those, valid for the boot named by BOOT_ID.
	 */
	char boot_id[40];		/* BOOT_ID */
	double last_transition_up;	/* LAST_TRANSITION_UP */
	long transitions;		/* TRANSITIONS: count, also the hooks' number */
	char transition[16];		/* TRANSITION: "" or promote/demote in flight */
	long transition_pid;		/* TRANSITION_PID: who runs it */
	unsigned long long transition_pid_start; /* TRANSITION_PID_START: its start time */
	long gateway_pid;		/* GATEWAY_PID: GATEWAY_CMD leader = pgid */
	unsigned long long gateway_start; /* GATEWAY_START: its /proc start time */
	char last_error[512];		/* LAST_ERROR */
	/* FLAP_TIMES: uptimes of the recent automatic transitions */
	char flap_times[OCF_FLAP_KEEP * 12];
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
	double ok_since_up;		/* OK_SINCE_UP */
	double notready_since_up;	/* NOTREADY_SINCE_UP */
	int promote_fails;		/* PROMOTE_FAILS: consecutive failed promotions */
	double promote_failed_up;	/* PROMOTE_FAILED_UP: uptime of the last one */
	double down_since;		/* DOWN_SINCE: start of the primary's failed streak */
	char last_event[16];		/* LAST_EVENT: promote, demote or fail */
	char last_reason[256];		/* LAST_REASON: why it was done */
	/* PROMOTE_OK ... DEMOTE_CRITICAL: transitions by kind and result,
	 * for the metrics' counters: [0] ok, [1] warning, [2] critical */
	long promoted[3], demoted[3];
	/* ARBITER=etcd */
	char leader[256];		/* LEADER: who holds the leader key, "" none */
	long token;			/* TOKEN: its create revision while we hold it */
	/* WITNESS: off (WITNESS_URLS empty), ok, or none: the last check
	 * reached neither the primary nor a witness (witness.h) */
	char witness[8];
	/*
	 * STANDBY_MODE=hot (hot.h): HOT_FENCE, what ocf wrote into the
	 * gateway's openclaw.json to hold its channels down across a start
	 * and has not undone yet ("irc/default:n ..."); HOT_GATEWAY, the hot
	 * gateway as last seen: "held" (runs, channels down), "serving",
	 * "stopped", or "" (cold mode)
	 */
	char hot_fence[512];		/* HOT_FENCE */
	char hot_gateway[16];		/* HOT_GATEWAY */
	/* HOT_STARTS: starts in a row of a hot gateway that did not outlive
	 * READY_TIMEOUT (reset once one does); HOT_STARTED_UP: uptime of
	 * the last start.  The next waits as a failed promotion does. */
	int hot_starts;
	double hot_started_up;
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
 * Make the *_UP times valid for this boot: after a reboot (another
 * BOOT_ID) they are rebuilt from the wall times (never later than now),
 * the flap window restarts and a promotion back-off starts again; an
 * uptime in the future becomes now.  ocf_state_load() calls it.
 */
void ocf_state_rebase(struct ocf_state *s, double now_up, double now_wall);

/*
 * Load STATE_DIR/state.  Returns 0 loaded, 1 no state file yet (s is the
 * initial standby state), -1 unreadable or torn (err says why).
 */
int ocf_state_load(const char *dir, struct ocf_state *s,
    char *err, size_t errlen);
/* save atomically; the caller holds the lock.  0 or -1 with err */
int ocf_state_save(const char *dir, const struct ocf_state *s,
    char *err, size_t errlen);

/*
 * A state transaction, in the manner of git's lockfile: begin takes the
 * lock (waiting up to `wait` seconds) and loads the state into t->s;
 * commit saves t->s (any number of times); end unlocks.  begin returns 0,
 * -1 on an error or -2 when the lock is busy (t->err says why; end is
 * still called).  A failed commit keeps its error in t->err and sets
 * t->unsaved: callers go on with what is safe and report it at the end.
 */
#define OCF_WAIT_CHECK 2.0	/* a check or transition: a check's lock is short */
#define OCF_WAIT_COMMAND 5.0	/* a command that only edits the state */

/*
 * What a long-running caller (the watcher) keeps of a state it could not
 * save: the next begin starts from it instead of the file, as long as
 * the file has not been replaced since.  So counting and transitions go
 * on while STATE_DIR is full or read-only, and the file catches up once
 * it can be written.
 */
struct ocf_memory {
	int unsaved;			/* s is newer than the file */
	unsigned long long file_id;	/* the file s replaces (inode, mtime) */
	struct ocf_state s;
};

struct ocf_txn {
	const char *dir;
	int fd;
	int unsaved;			/* a commit failed */
	unsigned long long file_id;	/* the state file as loaded */
	struct ocf_memory *mem;		/* NULL, or the caller's memory */
	char err[OCF_STATE_ERRLEN];
	struct ocf_state s;
};

int ocf_txn_begin(struct ocf_txn *t, const char *dir, double wait,
    struct ocf_memory *mem);
int ocf_txn_commit(struct ocf_txn *t);
void ocf_txn_end(struct ocf_txn *t);

/* create STATE_DIR (mode 0700, parents 0755) if missing; refuse a symlink */
int ocf_state_dir(const char *dir, char *err, size_t errlen);

/* path of a file in the state dir ("state", "lock", "gateway.log");
 * NULL when it does not fit in buf */
const char *ocf_state_path(const char *dir, const char *name,
    char *buf, size_t len);

#endif
