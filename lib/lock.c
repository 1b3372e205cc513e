#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "lock.h"
#include "timeutil.h"

/*
 * A read-only STATE_DIR still gets a lock, so that two tools never stop
 * and start the gateway at once: a read lock on the lock file (or on the
 * directory when even that is missing), which excludes every writer.
 * Nobody can write the state there anyway.
 */
static int
open_lock(const char *state_dir, const char *path, short *type)
{
	int fd;

	*type = F_WRLCK;
	fd = open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd != -1 || errno != EROFS)
		return fd;
	*type = F_RDLCK;
	fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd == -1 && errno == ENOENT)
		fd = open(state_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	return fd;
}

static int
try_lock(int fd, short type, int cmd, struct flock *fl)
{
	memset(fl, 0, sizeof(*fl));
	fl->l_type = type;
	fl->l_whence = SEEK_SET;
	return fcntl(fd, cmd, fl);
}

int
ocf_lock(const char *state_dir, double wait, char *err, size_t errlen)
{
	char path[PATH_MAX];
	struct flock fl;
	double deadline = ocf_mono() + wait;
	short type;
	int fd;

	if (snprintf(path, sizeof(path), "%s/lock", state_dir) >=
	    (int)sizeof(path)) {
		snprintf(err, errlen, "STATE_DIR too long");
		return -1;
	}
	if ((fd = open_lock(state_dir, path, &type)) == -1) {
		snprintf(err, errlen, "unable to open '%s': %s", path,
		    strerror(errno));
		return -1;
	}
	for (;;) {
		if (try_lock(fd, type, F_SETLK, &fl) == 0)
			return fd;
		if (errno != EACCES && errno != EAGAIN && errno != EINTR) {
			snprintf(err, errlen, "unable to lock '%s': %s", path,
			    strerror(errno));
			close(fd);
			return -1;
		}
		if (ocf_mono() >= deadline)
			break;
		ocf_sleep(0.05);
	}
	if (try_lock(fd, type, F_GETLK, &fl) == 0 && fl.l_type != F_UNLCK)
		snprintf(err, errlen, "'%s' is held by process %ld", path,
		    (long)fl.l_pid);
	else
		snprintf(err, errlen, "'%s' is held by another process", path);
	close(fd);
	return -2;
}

void
ocf_unlock(int fd)
{
	if (fd >= 0)
		close(fd);	/* closing drops the fcntl lock */
}
