/*
 * ocf-holdlock - hold ocf's state lock for a while, as another tool would
 *
 * usage: ocf-holdlock [-w WAIT] FILE SECONDS
 *
 * Takes the same lock as the ocf tools (an fcntl(2) F_SETLK write lock on
 * the whole of FILE, normally STATE_DIR/lock), trying for up to WAIT seconds
 * (default 3, decimals allowed) while someone else holds it, prints
 * "locked" once it has it, holds it for SECONDS, and exits: the lock dies
 * with the process, as it does when an ocf tool exits.
 *
 * Exit status: 0 held and released, 2 the file cannot be opened or locked
 * (a read-only file system, say), 3 usage error, 4 someone else held the
 * lock for all of WAIT (the ocf "REFUSED").
 */

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define PROG "ocf-holdlock"

static double
mono(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void
nap(double s)
{
	struct timespec ts;

	if (s <= 0)
		return;
	ts.tv_sec = (time_t)s;
	ts.tv_nsec = (long)((s - (double)ts.tv_sec) * 1e9);
	while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
		;
}

static double
seconds(const char *arg)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(arg, &end);
	if (errno != 0 || end == arg || *end != '\0' || v < 0 || v > 86400) {
		fprintf(stderr, PROG ": bad number of seconds '%s'\n", arg);
		exit(3);
	}
	return v;
}

int
main(int argc, char *argv[])
{
	double wait = 3, hold, deadline;
	struct flock fl;
	int c, fd;

	while ((c = getopt(argc, argv, "w:")) != -1) {
		if (c != 'w') {
			fputs("usage: " PROG " [-w WAIT] FILE SECONDS\n", stderr);
			return 3;
		}
		wait = seconds(optarg);
	}
	if (argc - optind != 2) {
		fputs("usage: " PROG " [-w WAIT] FILE SECONDS\n", stderr);
		return 3;
	}
	hold = seconds(argv[optind + 1]);
	fd = open(argv[optind], O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd == -1) {
		fprintf(stderr, PROG ": cannot open '%s': %s\n", argv[optind],
		    strerror(errno));
		return 2;
	}
	deadline = mono() + wait;
	for (;;) {
		memset(&fl, 0, sizeof(fl));
		fl.l_type = F_WRLCK;
		fl.l_whence = SEEK_SET;
		if (fcntl(fd, F_SETLK, &fl) == 0)
			break;
		if (errno != EACCES && errno != EAGAIN && errno != EINTR) {
			fprintf(stderr, PROG ": cannot lock '%s': %s\n",
			    argv[optind], strerror(errno));
			return 2;
		}
		if (mono() >= deadline) {
			memset(&fl, 0, sizeof(fl));
			fl.l_type = F_WRLCK;
			fl.l_whence = SEEK_SET;
			if (fcntl(fd, F_GETLK, &fl) == 0 && fl.l_type != F_UNLCK)
				fprintf(stderr, PROG ": '%s' is held by process "
				    "%ld\n", argv[optind], (long)fl.l_pid);
			return 4;
		}
		nap(0.02);
	}
	printf("locked\n");
	fflush(stdout);
	nap(hold);
	return 0;
}
