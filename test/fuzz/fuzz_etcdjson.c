/*
 * Fuzz target: the etcd v3 JSON gateway reply readers (lib/etcdjson.c).
 * Any bytes an etcd member (or whatever answers on its port) sends must
 * give 0 or -1 from every reader, without a crash.  Properties, each an
 * abort():
 *   - the result is 0 or -1, and an error message is NUL-terminated;
 *   - a kv read is found 0 or 1, its value NUL-terminated within its
 *     array, and nothing is found on an error;
 *   - a txn's succeeded is 0 or 1;
 *   - every error message is text: it reaches the log.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "check_text.h"
#include "etcdjson.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check_kv(int r, const struct ocf_etcd_kv *kv)
{
	if (r != 0 && r != -1)
		abort();
	if (kv->found != 0 && kv->found != 1)
		abort();
	if (memchr(kv->value, '\0', sizeof(kv->value)) == NULL)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *body = (const char *)data;
	struct ocf_etcd_kv kv;
	long long id, ttl;
	char err[256];
	int r, n;

	r = ocf_etcd_parse_range(body, size, &kv, err, sizeof(err));
	check_kv(r, &kv);
	if (r == -1)
		check_text(err, sizeof(err));
	r = ocf_etcd_parse_txn(body, size, &n, &kv, err, sizeof(err));
	check_kv(r, &kv);
	if (r == 0 && n != 0 && n != 1)
		abort();
	if (r == -1)
		check_text(err, sizeof(err));
	r = ocf_etcd_parse_keepalive(body, size, &ttl, err, sizeof(err));
	if (r != 0 && r != -1)
		abort();
	r = ocf_etcd_parse_grant(body, size, &id, &ttl, err, sizeof(err));
	if (r != 0 && r != -1)
		abort();
	r = ocf_etcd_parse_delete(body, size, &n, err, sizeof(err));
	if (r != 0 && r != -1)
		abort();
	if (r == -1)
		check_text(err, sizeof(err));
	return 0;
}
