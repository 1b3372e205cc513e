/* The exit-code table: every tool uses it, ocf(7) and every man page
 * list it under EXIT STATUS. */
#ifndef OCF_EXITCODE_H
#define OCF_EXITCODE_H

enum {
	OCF_OK = 0,		/* check passed / node is in the requested state */
	OCF_WARNING = 1,	/* degraded or partial */
	OCF_CRITICAL = 2,	/* failed */
	OCF_UNKNOWN = 3,	/* usage error, bad configuration, unreadable state */
	OCF_REFUSED = 4,	/* a precondition blocked it */
};

/* "OK", "WARNING", "CRITICAL", "UNKNOWN", "REFUSED" */
const char *ocf_exit_name(int code);

/* the worse of two results (REFUSED and UNKNOWN outrank CRITICAL) */
int ocf_exit_worst(int a, int b);

#endif
