/*
 * Fuzz target: the reader of the gateway's admin RPC replies
 * (lib/rpcreply.c), for config.get, config.patch, channels.start and
 * channels.stop.  Any bytes that answer on the gateway's port must give
 * 0, -1 or -2 without a crash.  Properties, each an abort():
 *   - the result is 0, -1 or -2; ok is 0 or 1, and 1 exactly when the
 *     result is 0;
 *   - message, hash and outcome are each NUL-terminated within their
 *     arrays and hold no control character: gwrpc.c puts them in the
 *     log, the state file and the webhook;
 *   - on -1 or -2 the message is not empty: it is all the operator is
 *     told of why the call failed.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "check_text.h"
#include "rpcreply.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ocf_rpc_reply r;
	int rc;

	/* what the parser leaves unset shows as unterminated */
	memset(&r, 'x', sizeof(r));
	rc = ocf_rpc_parse((const char *)data, size, &r);
	if (rc != 0 && rc != -1 && rc != -2)
		abort();
	if ((r.ok != 0 && r.ok != 1) || (r.ok == 1) != (rc == 0))
		abort();
	check_text(r.message, sizeof(r.message));
	check_text(r.hash, sizeof(r.hash));
	check_text(r.outcome, sizeof(r.outcome));
	if (rc != 0 && r.message[0] == '\0')
		abort();
	return 0;
}
