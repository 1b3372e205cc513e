/*
 * Running as OPENCLAW_USER when we are root: one lookup, one switch, for
 * spawned programs (spawn.c) and for the sync worker (worker.c).
 */
#ifndef OCF_USER_H
#define OCF_USER_H

#include <stddef.h>
#include <sys/types.h>

/*
 * Looked up before the switch, so that the switch itself is system calls
 * only: spawn.c switches between fork and execve, where a malloc or an
 * NSS lookup could deadlock on a lock another thread held at fork time.
 */
struct ocf_user {
	char	*name;		/* NULL: nothing to switch to */
	char	*home;		/* "/" when the passwd entry has none */
	uid_t	 uid;
	gid_t	 gid;
	gid_t	*groups;	/* supplementary groups */
	int	 ngroups;
};

/*
 * Fill u for user when we are root and user is non-empty; otherwise
 * leave u->name NULL, since only root can switch.  0, or -1 with err
 * ("unknown user 'x'").  Free u with ocf_user_free either way.
 */
int ocf_user_lookup(const char *user, struct ocf_user *u, char *err,
    size_t errlen);
void ocf_user_free(struct ocf_user *u);

/* the system call ocf_user_switch stopped at */
enum {
	OCF_USER_SETGROUPS = 1,
	OCF_USER_SETGID,
	OCF_USER_SETUID,
};

/*
 * setgroups, setgid, setuid, and check that root cannot be regained.
 * System calls only.  0 (also when u->name is NULL), or the step that
 * failed with errno set.
 */
int ocf_user_switch(const struct ocf_user *u);

/* "unable to switch to user 'x' (setuid): Operation not permitted" for
 * what ocf_user_switch returned and its errno */
void ocf_user_error(const char *name, int step, int errnum, char *err,
    size_t errlen);

#endif
