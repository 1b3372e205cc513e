#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "log.h"
#include "timeutil.h"

const char *ocf_prog = "ocf";
static int log_flags;
static int log_max = LOG_NOTICE;

/* systemd sets JOURNAL_STREAM=DEV:INO when stderr is connected to it */
static int
stderr_is_journal(void)
{
	const char *js = getenv("JOURNAL_STREAM");
	unsigned long long dev, ino;
	struct stat st;

	if (js == NULL || sscanf(js, "%llu:%llu", &dev, &ino) != 2)
		return 0;
	if (fstat(2, &st) == -1)
		return 0;
	return (unsigned long long)st.st_dev == dev &&
	    (unsigned long long)st.st_ino == ino;
}

void
ocf_log_init(const char *argv0, int flags)
{
	const char *slash;

	if (argv0 != NULL && *argv0 != '\0') {
		slash = strrchr(argv0, '/');
		ocf_prog = slash != NULL ? slash + 1 : argv0;
	}
	log_flags = flags;
	if (stderr_is_journal())
		log_flags = (log_flags | OCF_LOG_JOURNAL) & ~OCF_LOG_TIME;
	if (log_flags & OCF_LOG_SYSLOG)
		openlog(ocf_prog, LOG_PID, LOG_DAEMON);
}

void
ocf_log_level(int maxprio)
{
	log_max = maxprio;
}

int
ocf_log_enabled(int prio)
{
	return prio <= log_max;
}

static const char *
prio_word(int prio)
{
	switch (prio) {
	case LOG_EMERG: case LOG_ALERT: case LOG_CRIT: case LOG_ERR:
		return "error: ";
	case LOG_WARNING:
		return "warning: ";
	case LOG_DEBUG:
		return "debug: ";
	default:
		return "";
	}
}

void
ocf_log(int prio, const char *fmt, ...)
{
	char msg[2048], stamp[40];
	va_list ap;
	int saved = errno;

	if (!ocf_log_enabled(prio))
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);

	/* one write per line, so concurrent tools do not interleave; the
	 * journal names the program itself (SYSLOG_IDENTIFIER) */
	if (log_flags & OCF_LOG_JOURNAL)
		fprintf(stderr, "<%d>%s%s\n", prio, prio_word(prio), msg);
	else if (log_flags & OCF_LOG_TIME)
		fprintf(stderr, "%s %s: %s%s\n",
		    ocf_iso8601(ocf_wall(), stamp, sizeof(stamp)), ocf_prog,
		    prio_word(prio), msg);
	else
		fprintf(stderr, "%s: %s%s\n", ocf_prog, prio_word(prio), msg);
	if (log_flags & OCF_LOG_SYSLOG)
		syslog(prio, "%s%s", prio_word(prio), msg);
	errno = saved;
}

const char *
ocf_printable(const char *s, size_t n, char *buf, size_t len)
{
	size_t i;

	if (n > 64)
		n = 64;
	for (i = 0; i < n && i + 1 < len; i++)
		buf[i] = (unsigned char)s[i] < ' ' ||
		    (unsigned char)s[i] >= 0x7f ? '?' : s[i];
	buf[i] = '\0';
	return buf;
}

int
ocf_stdout_close(void)
{
	if (fflush(stdout) == EOF || ferror(stdout)) {
		ocf_err("unable to write to standard output: %s",
		    strerror(errno ? errno : EIO));
		return -1;
	}
	return 0;
}
