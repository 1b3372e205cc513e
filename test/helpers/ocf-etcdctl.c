/*
 * ocf-etcdctl - one call of ocf's etcd client (lib/etcd.h), for the tests
 *
 * usage: ocf-etcdctl [-c current] [-t timeout] endpoints grant ttl
 *        ocf-etcdctl [-c current] [-t timeout] endpoints keepalive id
 *        ocf-etcdctl [-c current] [-t timeout] endpoints revoke id
 *        ocf-etcdctl [-c current] [-t timeout] endpoints create key value lease
 *        ocf-etcdctl [-c current] [-t timeout] endpoints get key
 *        ocf-etcdctl [-c current] [-t timeout] endpoints put key value [lease]
 *        ocf-etcdctl [-c current] [-t timeout] endpoints delete key [rev]
 *
 * Prints what the call answered as key=value lines (grant: id, ttl;
 * keepalive: ttl; create: won and the key; get: the key; delete:
 * deleted; the key is found, value, create_revision, mod_revision,
 * lease), then current= the index of the endpoint that answered.
 * endpoints is ETCD_ENDPOINTS (comma-separated URLs), the timeout is
 * per endpoint (default 2 s, decimals allowed); -c starts with that
 * endpoint (e->current, as a long-lived caller keeps it; default 0).
 *
 * Exit status: 0 the call got its answer (a lost create, a key not
 * found and nothing deleted included), 1 it failed (the error on
 * stderr), 3 usage error.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "etcd.h"

#define PROG "ocf-etcdctl"

static void
usage(void)
{
	fputs("usage: " PROG " [-c current] [-t timeout] endpoints grant ttl | "
	    "keepalive id | revoke id |\n"
	    "       create key value lease | get key |\n"
	    "       put key value [lease] | delete key [rev]\n", stderr);
	exit(3);
}

static long long
number(const char *arg)
{
	char *end;
	long long v;

	errno = 0;
	v = strtoll(arg, &end, 10);
	if (errno != 0 || end == arg || *end != '\0') {
		fprintf(stderr, PROG ": bad number '%s'\n", arg);
		exit(3);
	}
	return v;
}

static void
print_kv(const struct ocf_etcd_kv *kv)
{
	printf("found=%d\n", kv->found);
	if (!kv->found)
		return;
	printf("value=%s\ncreate_revision=%lld\nmod_revision=%lld\n"
	    "lease=%lld\n", kv->value, kv->create_revision, kv->mod_revision,
	    kv->lease);
}

int
main(int argc, char *argv[])
{
	struct ocf_etcd e = { .timeout = 2 };
	struct ocf_etcd_kv kv;
	long long a, b;
	const char *op;
	char err[1024], *end;
	int c, n, rc = -1;

	while ((c = getopt(argc, argv, "c:t:")) != -1) {
		if (c == 'c') {
			e.current = (int)number(optarg);
			continue;
		}
		if (c != 't')
			usage();
		errno = 0;
		e.timeout = strtod(optarg, &end);
		if (errno != 0 || end == optarg || *end != '\0' ||
		    !(e.timeout > 0 && e.timeout <= 3600)) {
			fprintf(stderr, PROG ": bad timeout '%s'\n", optarg);
			return 3;
		}
	}
	argv += optind;
	argc -= optind;
	if (argc < 2)
		usage();
	e.endpoints = argv[0];
	op = argv[1];
	n = argc - 2;
	argv += 2;
	if (strcmp(op, "grant") == 0 && n == 1) {
		rc = ocf_etcd_grant(&e, number(argv[0]), &a, &b, err,
		    sizeof(err));
		if (rc == 0)
			printf("id=%lld\nttl=%lld\n", a, b);
	} else if (strcmp(op, "keepalive") == 0 && n == 1) {
		rc = ocf_etcd_keepalive(&e, number(argv[0]), &a, err,
		    sizeof(err));
		if (rc == 0)
			printf("ttl=%lld\n", a);
	} else if (strcmp(op, "revoke") == 0 && n == 1) {
		rc = ocf_etcd_revoke(&e, number(argv[0]), err, sizeof(err));
	} else if (strcmp(op, "create") == 0 && n == 3) {
		rc = ocf_etcd_create(&e, argv[0], argv[1], number(argv[2]),
		    &c, &kv, err, sizeof(err));
		if (rc == 0) {
			printf("won=%d\n", c);
			print_kv(&kv);
		}
	} else if (strcmp(op, "get") == 0 && n == 1) {
		rc = ocf_etcd_get(&e, argv[0], &kv, err, sizeof(err));
		if (rc == 0)
			print_kv(&kv);
	} else if (strcmp(op, "put") == 0 && (n == 2 || n == 3)) {
		rc = ocf_etcd_put(&e, argv[0], argv[1],
		    n == 3 ? number(argv[2]) : 0, err, sizeof(err));
	} else if (strcmp(op, "delete") == 0 && (n == 1 || n == 2)) {
		rc = ocf_etcd_delete(&e, argv[0], n == 2 ? number(argv[1]) : 0,
		    &c, err, sizeof(err));
		if (rc == 0)
			printf("deleted=%d\n", c);
	} else {
		usage();
	}
	if (rc == -1) {
		fprintf(stderr, PROG ": error: %s\n", err);
		return 1;
	}
	printf("current=%d\n", e.current);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		fprintf(stderr, PROG ": error: cannot write the answer\n");
		return 1;
	}
	return 0;
}
