/* The exit-code table: every tool uses it, ocf(7) and every man page
 * list it under EXIT STATUS. */
#ifndef OCF_EXITCODE_H
#define OCF_EXITCODE_H

#include <stdarg.h>
#include <stddef.h>

enum {
	OCF_OK = 0,		/* check passed / node is in the requested state */
	OCF_WARNING = 1,	/* degraded or partial */
	OCF_CRITICAL = 2,	/* failed */
	OCF_UNKNOWN = 3,	/* usage error, bad configuration, unreadable state */
	OCF_REFUSED = 4,	/* a precondition blocked it */
};

/* "OK", "WARNING", "CRITICAL", "UNKNOWN", "REFUSED" */
const char *ocf_exit_name(int code);
/* the same in lower case, as the state file and JSON say it ("ok") */
const char *ocf_exit_word(int code);

/*
 * The one way to give a result its reason: *status = code and detail
 * formatted (cut to len); returns code, so `return ocf_status_set(...)`.
 */
int ocf_status_set(int *status, char *detail, size_t len, int code,
    const char *fmt, ...) __attribute__((format(printf, 5, 6)));
int ocf_status_vset(int *status, char *detail, size_t len, int code,
    const char *fmt, va_list ap) __attribute__((format(printf, 5, 0)));

/* the worse of two results (REFUSED and UNKNOWN outrank CRITICAL) */
int ocf_exit_worst(int a, int b);

#endif
