/*
 * Fuzz target: the state file parser, and the format/parse round trip.
 *
 * The format is lossy on purpose in two ways only: control characters in
 * strings are written as '?' (the file is sourced by sh and read by
 * people), and times are written to the millisecond.  Properties, each an
 * abort():
 *   - a refused file says why;
 *   - whatever parses formats into the 8 KiB buffer ocf_state_save()
 *     uses (else a state we could load could never be saved again);
 *   - the formatted text parses back, to the same state up to the two
 *     losses above;
 *   - formatting that state again gives the same bytes (a fixed point:
 *     load and save of an unchanged state never drifts).
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "state.h"

#define SAVE_BUF 8192	/* buf[] of ocf_state_save() */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* a string as the format writes it */
static int
same_str(const char *parsed, const char *back)
{
	for (; *parsed != '\0'; parsed++, back++) {
		unsigned char ch = (unsigned char)*parsed;
		char want = ch < 0x20 || ch == 0x7f ? '?' : *parsed;

		if (*back != want)
			return 0;
	}
	return *back == '\0';
}

/* the format keeps three decimals; above 2^53 the double is exact */
static int
same_time(double a, double b)
{
	return fabs(a - b) <= 0.0005 + fabs(a) * 1e-15;
}

static void
compare(const struct ocf_state *a, const struct ocf_state *b)
{
	if (a->role != b->role || a->maintenance != b->maintenance ||
	    a->latched != b->latched || a->fails != b->fails ||
	    a->rises != b->rises || a->transitions != b->transitions ||
	    a->transition_pid != b->transition_pid ||
	    a->transition_pid_start != b->transition_pid_start ||
	    a->gateway_pid != b->gateway_pid ||
	    a->gateway_start != b->gateway_start)
		abort();
	if (!same_str(a->primary, b->primary) ||
	    !same_str(a->transition, b->transition) ||
	    !same_str(a->last_error, b->last_error) ||
	    !same_str(a->flap_times, b->flap_times) ||
	    !same_str(a->pull, b->pull) || !same_str(a->push, b->push) ||
	    !same_str(a->secrets, b->secrets) ||
	    !same_str(a->sync_detail, b->sync_detail))
		abort();
	if (!same_time(a->last_probe, b->last_probe) ||
	    !same_time(a->last_transition, b->last_transition) ||
	    !same_time(a->pull_at, b->pull_at) ||
	    !same_time(a->push_at, b->push_at) ||
	    !same_time(a->secrets_at, b->secrets_at) ||
	    !same_time(a->ok_since, b->ok_since) ||
	    !same_time(a->notready_since, b->notready_since))
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char buf[SAVE_BUF], again[SAVE_BUF];
	struct ocf_state s1, s2;
	char err[OCF_STATE_ERRLEN];
	long n, m;

	err[0] = '\0';
	if (ocf_state_parse(&s1, (const char *)data, size, err,
	    sizeof(err)) == -1) {
		const char *nul = memchr(err, '\0', sizeof(err));

		if (err[0] == '\0' || nul == NULL)
			abort();
		/* the message reaches a terminal: no control bytes from the file */
		for (const char *p = err; p < nul; p++)
			if ((unsigned char)*p < 0x20 || *p == 0x7f)
				abort();
		return 0;
	}
	if ((n = ocf_state_format(&s1, buf, sizeof(buf))) < 0 ||
	    (size_t)n >= sizeof(buf) || strlen(buf) != (size_t)n)
		abort();
	if (ocf_state_parse(&s2, buf, (size_t)n, err, sizeof(err)) == -1)
		abort();
	compare(&s1, &s2);
	if ((m = ocf_state_format(&s2, again, sizeof(again))) != n ||
	    memcmp(buf, again, (size_t)n) != 0)
		abort();
	return 0;
}
