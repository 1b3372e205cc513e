#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "lock.h"
#include "state.h"
#include "timeutil.h"

int
ocf_lock(const char *state_dir, double wait, char *err, size_t errlen)
{
	char path[PATH_MAX];
	struct flock fl;
	double deadline = ocf_mono() + wait;
	int fd;

	if (ocf_state_path(state_dir, "lock", path, sizeof(path)) == NULL) {
		snprintf(err, errlen, "STATE_DIR too long");
		return -1;
	}
	fd = open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd == -1) {
		snprintf(err, errlen, "unable to open '%s': %s", path,
		    strerror(errno));
		return -1;
	}
	for (;;) {
		memset(&fl, 0, sizeof(fl));
		fl.l_type = F_WRLCK;
		fl.l_whence = SEEK_SET;
		if (fcntl(fd, F_SETLK, &fl) == 0)
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
	memset(&fl, 0, sizeof(fl));
	fl.l_type = F_WRLCK;
	fl.l_whence = SEEK_SET;
	if (fcntl(fd, F_GETLK, &fl) == 0 && fl.l_type != F_UNLCK)
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
