/*
 * One message format for every tool:
 *	ocf-probe: error: unable to open '/etc/ocf/ocf.conf': Permission denied
 * To stderr; with "<N>" priority prefixes when stderr is the journal
 * (JOURNAL_STREAM) or OCF_LOG_JOURNAL; with a UTC timestamp when
 * OCF_LOG_TIME; copied to syslog(3) when OCF_LOG_SYSLOG.
 */
#ifndef OCF_LOG_H
#define OCF_LOG_H

#include <stddef.h>
#include <syslog.h>	/* LOG_ERR, LOG_WARNING, LOG_NOTICE, LOG_INFO, LOG_DEBUG */

enum {
	OCF_LOG_TIME = 1 << 0,
	OCF_LOG_JOURNAL = 1 << 1,
	OCF_LOG_SYSLOG = 1 << 2,
};

extern const char *ocf_prog;	/* "ocf-probe"; set by ocf_log_init */

/* prog: basename used as prefix; flags: OCF_LOG_*; journal is autodetected */
void ocf_log_init(const char *argv0, int flags);
/* messages above this priority are dropped: LOG_NOTICE unless set.  Every
 * tool's -v sets LOG_DEBUG; ocf-promote and ocf-demote start at LOG_INFO
 * (each step of a transition); their -q, and ocf-watch's, LOG_WARNING */
void ocf_log_level(int maxprio);
int ocf_log_enabled(int prio);

void ocf_log(int prio, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
#define ocf_err(...) ocf_log(LOG_ERR, __VA_ARGS__)
#define ocf_warn(...) ocf_log(LOG_WARNING, __VA_ARGS__)
#define ocf_notice(...) ocf_log(LOG_NOTICE, __VA_ARGS__)
#define ocf_info(...) ocf_log(LOG_INFO, __VA_ARGS__)
#define ocf_debug(...) ocf_log(LOG_DEBUG, __VA_ARGS__)

/* at most 64 bytes of s (length n) for a message: control and non-ASCII
 * bytes as '?', so that a hostile file cannot drive the terminal */
const char *ocf_printable(const char *s, size_t n, char *buf, size_t len);

/* flush stdout and report a write error on it (e.g. >/dev/full): 0 or -1 */
int ocf_stdout_close(void);

#endif
