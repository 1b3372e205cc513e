#include <sys/types.h>

#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "user.h"

/* getgrouplist says how many it needs only on some libcs: grow and retry */
static int
lookup_groups(struct ocf_user *u)
{
	gid_t *g;
	int want = 32, have, tries;

	for (tries = 0; tries < 4; tries++) {
		if ((g = realloc(u->groups, want * sizeof(*g))) == NULL)
			return -1;
		u->groups = g;
		have = want;
		if (getgrouplist(u->name, u->gid, g, &have) != -1) {
			u->ngroups = have;
			return 0;
		}
		want = have > want ? have : want * 2;
	}
	errno = ENOMEM;
	return -1;
}

int
ocf_user_lookup(const char *user, struct ocf_user *u, char *err,
    size_t errlen)
{
	struct passwd *pw;

	memset(u, 0, sizeof(*u));
	/* switching needs root; otherwise we simply run as ourselves */
	if (user == NULL || user[0] == '\0' || geteuid() != 0)
		return 0;
	errno = 0;
	if ((pw = getpwnam(user)) == NULL) {
		if (errno == 0 || errno == ENOENT || errno == ESRCH)
			snprintf(err, errlen, "unknown user '%s'", user);
		else
			snprintf(err, errlen, "unable to look up user '%s': %s",
			    user, strerror(errno));
		return -1;
	}
	u->uid = pw->pw_uid;
	u->gid = pw->pw_gid;
	u->name = strdup(pw->pw_name);
	/* like login(1): no home directory means "/" */
	u->home = strdup(pw->pw_dir[0] != '\0' ? pw->pw_dir : "/");
	if (u->name == NULL || u->home == NULL || lookup_groups(u) == -1) {
		snprintf(err, errlen, "unable to look up user '%s': %s", user,
		    strerror(errno));
		return -1;
	}
	return 0;
}

void
ocf_user_free(struct ocf_user *u)
{
	free(u->name);
	free(u->home);
	free(u->groups);
	memset(u, 0, sizeof(*u));
}

int
ocf_user_switch(const struct ocf_user *u)
{
	if (u->name == NULL)
		return 0;
	if (setgroups((size_t)u->ngroups, u->groups) == -1)
		return OCF_USER_SETGROUPS;
	if (setgid(u->gid) == -1)
		return OCF_USER_SETGID;
	if (setuid(u->uid) == -1)
		return OCF_USER_SETUID;
	/* a saved set-user-ID of 0 left behind would let the code we run
	 * next take root back */
	if (u->uid != 0 && setuid(0) != -1) {
		errno = EPERM;
		return OCF_USER_SETUID;
	}
	return 0;
}

void
ocf_user_error(const char *name, int step, int errnum, char *err,
    size_t errlen)
{
	const char *call = step == OCF_USER_SETGROUPS ? "setgroups" :
	    step == OCF_USER_SETGID ? "setgid" : "setuid";

	if (err != NULL && errlen > 0)
		snprintf(err, errlen, "unable to switch to user '%s' (%s): %s",
		    name, call, strerror(errnum));
}
