/*
 * Secrets: rsync SECRETS_HOST:SECRETS_SRC into SECRETS_DIR.
 *
 * rsync writes into a fresh sibling directory, DIR.ocf-new (symlinks that
 * leave the tree are not copied); only a
 * complete transfer is swapped in (renameat2 RENAME_EXCHANGE, atomic), so
 * a failed or killed sync leaves the cached copy as it was.  The whole job
 * runs in the sync worker, as OPENCLAW_USER when we are root: the copy
 * gets that user's ownership, and old trees are never removed by root
 * inside a directory that user controls.
 */
#include <sys/stat.h>
#include <sys/types.h>

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "exitcode.h"
#include "secrets.h"
#include "spawn.h"
#include "worker.h"

struct job {
	const struct ocf_config *c;
	char dir[1024];		/* SECRETS_DIR, no trailing '/' */
	char tmp[1100];		/* DIR.ocf-new: rsync's target */
	char old[1100];		/* DIR.ocf-old: only without RENAME_EXCHANGE */
	char log[1100];		/* DIR.ocf-log: rsync's messages */
	char src[1400];		/* HOST:SRC/ */
	char rsh[4096];		/* rsync -e: the ssh command */
};

static long nfiles;	/* for count_one: the worker has one thread */

/* rsync and ssh take whole seconds: round up, at least 1 */
static int
whole_seconds(double s)
{
	int n = (int)s;

	return n < 1 ? 1 : n < s ? n + 1 : n;
}

static int
rm_one(const char *path, const struct stat *st, int flag, struct FTW *f)
{
	(void)st;
	(void)flag;
	(void)f;
	return remove(path) == -1 && errno != ENOENT ? -1 : 0;
}

/* rm -rf that never follows a symlink */
static int
remove_tree(const char *path)
{
	struct stat st;

	if (lstat(path, &st) == -1)
		return errno == ENOENT ? 0 : -1;
	return nftw(path, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

static int
count_one(const char *path, const struct stat *st, int flag, struct FTW *f)
{
	(void)path;
	(void)st;
	(void)f;
	if (flag == FTW_F || flag == FTW_SL)
		nfiles++;
	return 0;
}

static int
append(char *buf, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int
append(char *buf, size_t len, const char *fmt, ...)
{
	size_t o = strlen(buf);
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf + o, len - o, fmt, ap);
	va_end(ap);
	return n < 0 || (size_t)n >= len - o ? -1 : 0;
}

/*
 * The ssh command for rsync -e: never prompts (BatchMode), bounded
 * connect.  rsync splits it at spaces and honours quotes but not
 * backslashes, so a path holding ' cannot be passed.
 */
static int
ssh_command(const struct ocf_config *c, char *buf, size_t len, int secs)
{
	if (strchr(c->ssh_key, '\'') != NULL ||
	    strchr(c->ssh_known_hosts, '\'') != NULL)
		return -1;
	buf[0] = '\0';
	if (append(buf, len, "ssh -p %d -o BatchMode=yes -o ConnectTimeout=%d",
	    c->ssh_port, secs) == -1)
		return -1;
	if (c->ssh_key[0] != '\0' && append(buf, len, " -i '%s'",
	    c->ssh_key) == -1)
		return -1;
	if (c->ssh_known_hosts[0] != '\0' && append(buf, len,
	    " -o 'UserKnownHostsFile=%s' -o StrictHostKeyChecking=yes",
	    c->ssh_known_hosts) == -1)
		return -1;
	return 0;
}

int
ocf_secrets_dir(const struct ocf_config *c, char *buf, size_t len)
{
	const char *home = getenv("HOME");
	struct passwd *pw = NULL;
	size_t n;

	if (c->secrets_dir[0] != '\0')
		snprintf(buf, len, "%s", c->secrets_dir);
	else {
		if (c->openclaw_user[0] != '\0')
			pw = getpwnam(c->openclaw_user);
		else if (home == NULL || *home == '\0')
			pw = getpwuid(getuid());
		if (pw != NULL)
			home = pw->pw_dir;
		if (home == NULL || *home == '\0')
			return -1;
		snprintf(buf, len, "%s/.secrets", home);
	}
	for (n = strlen(buf); n > 1 && buf[n - 1] == '/'; n--)
		buf[n - 1] = '\0';
	return 0;
}

/* the first line rsync or ssh wrote, to say why it failed */
static void
first_line(const char *path, char *buf, size_t len)
{
	FILE *fp;

	buf[0] = '\0';
	if ((fp = fopen(path, "re")) == NULL)
		return;
	while (fgets(buf, (int)len, fp) != NULL) {
		buf[strcspn(buf, "\r\n")] = '\0';
		if (buf[0] != '\0')
			break;
	}
	fclose(fp);
}

/* put the new copy in place of the cached one */
static int
swap_in(struct job *j)
{
	if (renameat2(AT_FDCWD, j->tmp, AT_FDCWD, j->dir,
	    RENAME_EXCHANGE) == 0) {
		(void)remove_tree(j->tmp);	/* the old copy; next run retries */
		return 0;
	}
	if (errno == ENOENT)		/* nothing cached yet */
		return rename(j->tmp, j->dir);
	if (errno != EINVAL && errno != ENOSYS && errno != EOPNOTSUPP)
		return -1;
	/* no RENAME_EXCHANGE on this file system: two renames */
	if (remove_tree(j->old) == -1 || rename(j->dir, j->old) == -1)
		return -1;
	if (rename(j->tmp, j->dir) == -1) {
		int e = errno;

		(void)rename(j->old, j->dir);
		errno = e;
		return -1;
	}
	(void)remove_tree(j->old);
	return 0;
}

static void
rsync_failed(const struct ocf_config *c, struct job *j, int rc,
    const char *err, struct ocf_sync_result *rep)
{
	char why[200];

	first_line(j->log, why, sizeof(why));
	if (rc == -2)
		ocf_sync_set(rep, OCF_CRITICAL, "rsync from '%s' timed out "
		    "after %gs; kept the cached copy", j->src, c->sync_timeout);
	else if (rc == -1)
		ocf_sync_set(rep, OCF_CRITICAL, "unable to run rsync: %s; kept "
		    "the cached copy", err);
	else
		ocf_sync_set(rep, OCF_CRITICAL, "rsync from '%s' failed (exit "
		    "%d)%s%s; kept the cached copy", j->src, rc,
		    why[0] ? ": " : "", why);
}

static void
do_secrets(void *arg, struct ocf_sync_result *rep)
{
	struct job *j = arg;
	const struct ocf_config *c = j->c;
	struct ocf_spawn_opts o = { .log_path = j->log };
	char tmpdst[1200], tmo[32], err[512];
	/* --safe-links: a symlink that leaves the tree (absolute, or with
	 * enough ../) is not copied: SECRETS_DIR must not point the gateway
	 * at /etc/shadow because SECRETS_HOST said so */
	char *argv[] = { "rsync", "-rlpt", "--safe-links", "--chmod=D700,F600",
	    tmo, "-e", j->rsh, j->src, tmpdst, NULL };
	int rc;

	if (ocf_secrets_dir(c, j->dir, sizeof(j->dir)) == -1) {
		ocf_sync_set(rep, OCF_UNKNOWN, "no home directory to hold "
		    ".secrets: set SECRETS_DIR");
		return;
	}
	snprintf(j->tmp, sizeof(j->tmp), "%s.ocf-new", j->dir);
	snprintf(j->old, sizeof(j->old), "%s.ocf-old", j->dir);
	snprintf(j->log, sizeof(j->log), "%s.ocf-log", j->dir);
	snprintf(tmpdst, sizeof(tmpdst), "%s/", j->tmp);
	snprintf(tmo, sizeof(tmo), "--timeout=%d",
	    whole_seconds(c->sync_timeout));
	/* a leftover of a killed run must not be taken for a new copy */
	if (remove_tree(j->tmp) == -1 || mkdir(j->tmp, 0700) == -1) {
		ocf_sync_set(rep, OCF_CRITICAL, "unable to create '%s': %s",
		    j->tmp, strerror(errno));
		return;
	}
	(void)unlink(j->log);
	rc = ocf_run(argv, &o, c->sync_timeout, err, sizeof(err));
	if (rc != 0) {
		rsync_failed(c, j, rc, err, rep);
		(void)remove_tree(j->tmp);
	} else if (chmod(j->tmp, 0700) == -1 || swap_in(j) == -1) {
		ocf_sync_set(rep, OCF_CRITICAL, "unable to move the new copy "
		    "to '%s': %s; kept the cached copy", j->dir,
		    strerror(errno));
		(void)remove_tree(j->tmp);
	} else {
		nfiles = 0;
		(void)nftw(j->dir, count_one, 16, FTW_PHYS);
		ocf_sync_set(rep, OCF_OK, "synced %ld file%s into '%s'", nfiles,
		    nfiles == 1 ? "" : "s", j->dir);
	}
	(void)unlink(j->log);
}

int
ocf_sync_secrets(const struct ocf_config *c, struct ocf_sync_result *r)
{
	struct job *j;
	const char *slash;
	int secs = whole_seconds(c->sync_timeout);

	memset(r, 0, sizeof(*r));
	r->ahead = r->behind = -1;
	if (c->secrets_host[0] == '\0')
		return ocf_sync_set(r, OCF_OK, "not configured");
	/* a leading '-' would reach ssh as an option */
	if (c->secrets_host[0] == '-' ||
	    strpbrk(c->secrets_host, " \t\r\n'\"") != NULL)
		return ocf_sync_set(r, OCF_UNKNOWN, "bad SECRETS_HOST "
		    "'%.200s': expected user@host", c->secrets_host);
	if ((j = calloc(1, sizeof(*j))) == NULL)
		return ocf_sync_set(r, OCF_CRITICAL, "out of memory");
	j->c = c;
	/* "src/" copies the contents, not a directory named src */
	slash = c->secrets_src[0] == '\0' || c->secrets_src[strlen(
	    c->secrets_src) - 1] != '/' ? "/" : "";
	snprintf(j->src, sizeof(j->src), "%s:%s%s", c->secrets_host,
	    c->secrets_src[0] != '\0' ? c->secrets_src : ".", slash);
	if (ssh_command(c, j->rsh, sizeof(j->rsh), secs) == -1) {
		free(j);
		return ocf_sync_set(r, OCF_UNKNOWN, "SSH_KEY and "
		    "SSH_KNOWN_HOSTS cannot hold a ' for rsync");
	}
	/* ocf_run stops rsync after SYNC_TIMEOUT, then 2 s to SIGKILL */
	ocf_worker_run(c->openclaw_user, do_secrets, j, c->sync_timeout + 5, r);
	free(j);
	return r->status;
}
