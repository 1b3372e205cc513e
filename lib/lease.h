/*
 * The leader key's lease (ARBITER=etcd), kept alive by a process of its
 * own, the keeper: no transition of the watcher (a pull, a READY_TIMEOUT
 * wait, a hung hook) ever delays a renewal.
 *
 * The keeper renews every LEASE_TTL/3 and fences, that is, stops the
 * local gateway (ocf_gateway_fence) so that it is down before
 * LEASE_TTL * 0.9 has passed since the last successful renewal was *sent*
 * (etcd starts the lease's TTL on receipt, so no other node can acquire
 * before LEASE_TTL after that send), when
 *   - no renewal has succeeded for LEASE_TTL * 2/3 since that send
 *     (etcd unreachable, or its majority lost);
 *   - etcd answers that the lease has expired;
 *   - the watcher is gone (its end of a pipe closed): then it also
 *     revokes the lease, so that another node takes over at once.
 * It measures on CLOCK_BOOTTIME (ocf_uptime), which a wall-clock step
 * does not move and a suspend does not stop: a node resumed after its
 * lease ran out fences at once.  The send time of its last
 * successful renewal is shared with the watcher, which fences by itself
 * when the keeper stalls (ocf_lease_overdue).
 */
#ifndef OCF_LEASE_H
#define OCF_LEASE_H

#include <stddef.h>
#include <sys/types.h>

struct ocf_config;

struct ocf_lease {
	pid_t keeper;		/* 0: none */
	int fd;			/* our end of the pipe */
	long long id;		/* the lease */
	volatile long long *sent_us; /* shared: ocf_uptime(), microseconds */
};

/* fork a keeper for lease id, whose last successful grant or renewal was
 * sent at `sent` (ocf_uptime()).  0, or -1 with err */
int ocf_lease_keep(const struct ocf_config *c, struct ocf_lease *l,
    long long id, double sent, char *err, size_t errlen);

/* 1 when the keeper has ended (why: fenced, and for what), 0 while it
 * keeps the lease, -1 when there is none */
int ocf_lease_ended(struct ocf_lease *l, char *why, size_t len);

/* 1 when the keeper has not renewed for LEASE_TTL * 3/4, past its own
 * fence at 2/3: stalled (a SIGSTOP), or fencing; the caller fences */
int ocf_lease_overdue(const struct ocf_config *c, const struct ocf_lease *l);

/* seconds left until the gateway must be down (LEASE_TTL * 0.9 after the
 * last renewal sent), -1 when there is no keeper */
double ocf_lease_left(const struct ocf_config *c, const struct ocf_lease *l);

/* stop the keeper (no fence: the caller has stopped the gateway or is
 * about to); the lease runs out unless revoked */
void ocf_lease_drop(struct ocf_lease *l);

/* drop, and revoke the lease, so that the leader key goes at once */
void ocf_lease_release(const struct ocf_config *c, struct ocf_lease *l);

/* the exit statuses of a keeper that fenced */
enum {
	OCF_LEASE_LATE = 10,	/* no renewal for LEASE_TTL * 2/3 */
	OCF_LEASE_EXPIRED = 11,	/* etcd: the lease has expired */
	OCF_LEASE_ORPHAN = 12,	/* the watcher is gone */
	OCF_LEASE_LEFT = 13	/* fenced, but something was left */
};

#endif
