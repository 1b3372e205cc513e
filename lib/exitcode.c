#include <stdio.h>

#include "exitcode.h"

const char *
ocf_exit_name(int code)
{
	static const char *const names[] = {
		"OK", "WARNING", "CRITICAL", "UNKNOWN", "REFUSED"
	};

	if (code < 0 || code > OCF_REFUSED)
		return "UNKNOWN";
	return names[code];
}

const char *
ocf_exit_word(int code)
{
	static const char *const words[] = {
		"ok", "warning", "critical", "unknown", "refused"
	};

	if (code < 0 || code > OCF_REFUSED)
		return "unknown";
	return words[code];
}

int
ocf_exit_worst(int a, int b)
{
	/* rank: OK < WARNING < CRITICAL < UNKNOWN < REFUSED */
	return a > b ? a : b;
}

int
ocf_status_vset(int *status, char *detail, size_t len, int code,
    const char *fmt, va_list ap)
{
	*status = code;
	vsnprintf(detail, len, fmt, ap);
	return code;
}

int
ocf_status_set(int *status, char *detail, size_t len, int code,
    const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	ocf_status_vset(status, detail, len, code, fmt, ap);
	va_end(ap);
	return code;
}
