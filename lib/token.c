#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "token.h"

int
ocf_read_token(const char *path, char *buf, size_t len, char *err,
    size_t errlen)
{
	struct stat st;
	ssize_t n;
	int fd;

	/* O_NONBLOCK: a FIFO must not hang the probe or the sync */
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	if (fd == -1) {
		snprintf(err, errlen, "unable to open '%s': %s", path,
		    strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) == 0 && !S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "token file '%s' is not a regular file",
		    path);
		close(fd);
		return -1;
	}
	if (fstat(fd, &st) == -1 || (st.st_mode & 077) != 0) {
		snprintf(err, errlen, "token file '%s' is readable by group "
		    "or others (chmod 600 it)", path);
		close(fd);
		return -1;
	}
	n = read(fd, buf, len - 1);
	close(fd);
	if (n < 0) {
		snprintf(err, errlen, "unable to read '%s': %s", path,
		    strerror(errno));
		return -1;
	}
	buf[n] = '\0';
	buf[strcspn(buf, "\r\n")] = '\0';
	for (n = (ssize_t)strlen(buf); n > 0 && (buf[n - 1] == ' ' ||
	    buf[n - 1] == '\t'); n--)
		buf[n - 1] = '\0';
	if (buf[0] == '\0') {
		snprintf(err, errlen, "token file '%s' is empty", path);
		return -1;
	}
	return 0;
}
