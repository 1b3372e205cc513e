/*
 * Fuzz target: the /readyz and /health body scanner.  Any bytes a server
 * sends must give 0 or -1 without a crash.  Properties, each an abort():
 *   - the result is 0 or -1, the flags are 0 or 1, and a value is only
 *     set with its has_ flag;
 *   - status and failing are NUL-terminated within their arrays and hold
 *     no control character: they reach logs, state files and webhooks.
 * On -1 the members are not checked: callers use them only on 0.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "health.h"
#include "check_text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ocf_health h;
	int r;

	r = ocf_health_parse((const char *)data, size, &h);
	if (r != 0 && r != -1)
		abort();
	if ((h.has_ready != 0 && h.has_ready != 1) ||
	    (h.ready != 0 && h.ready != 1) || (h.ready && !h.has_ready) ||
	    (h.has_ok != 0 && h.has_ok != 1) ||
	    (h.ok != 0 && h.ok != 1) || (h.ok && !h.has_ok))
		abort();
	check_text(h.status, sizeof(h.status));
	check_text(h.failing, sizeof(h.failing));
	return 0;
}
