/*
 * Fuzz target: the channels.status reply reader.  Any bytes a gateway
 * sends must give 0, -1 or -2 without a crash.  Properties, each an
 * abort():
 *   - the result is 0, -1 or -2; on 0, 0 <= connected <= total, kept is at
 *     most total and OCF_CHAN_MAX, connected is 0 or 1 per account;
 *   - every kept string is NUL-terminated within its array and holds no
 *     control character: they reach logs, the state file and webhooks;
 *   - the list of accounts that are down fits any buffer, cut, never
 *     overrun, and is NUL-terminated.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "chanstatus.h"
#include "check_text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ocf_chan_status cs;
	char err[256], down[64];
	int r;

	r = ocf_chan_parse((const char *)data, size, &cs, err, sizeof(err));
	if (r == -1 || r == -2) {
		check_text(err, sizeof(err));
		return 0;
	}
	if (r != 0 || cs.connected < 0 || cs.connected > cs.total ||
	    cs.kept < 0 || cs.kept > cs.total || cs.kept > OCF_CHAN_MAX)
		abort();
	for (int i = 0; i < cs.kept; i++) {
		const struct ocf_chan_account *a = &cs.acc[i];

		if (a->connected != 0 && a->connected != 1)
			abort();
		check_text(a->channel, sizeof(a->channel));
		check_text(a->account, sizeof(a->account));
		check_text(a->lifecycle, sizeof(a->lifecycle));
		check_text(a->last_error, sizeof(a->last_error));
	}
	memset(down, 'x', sizeof(down));
	ocf_chan_down(&cs, down, sizeof(down));
	check_text(down, sizeof(down));
	return 0;
}
