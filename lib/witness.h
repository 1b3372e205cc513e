/*
 * WITNESS_URLS: is this node the one cut off?  A standby that gets no
 * answer from the primary cannot tell a dead primary from its own dead
 * link.  Before such a check counts towards promotion it asks the
 * witnesses, addresses that a node with a working link reaches (its
 * default gateway, the provider's status page, the other nodes): any
 * HTTP answer from any one of them will do.  A node that reaches none
 * is cut off, and its failed checks do not count.
 *
 * The witnesses cost nothing while the primary answers: a check in which
 * the primary gave any HTTP answer (ready, not ready, an error status,
 * draining) reached it, and needs no other proof of the link.
 */
#ifndef OCF_WITNESS_H
#define OCF_WITNESS_H

struct ocf_config;
struct ocf_probe_result;
struct ocf_state;

enum ocf_witness {
	OCF_WITNESS_OFF,	/* WITNESS_URLS is empty */
	OCF_WITNESS_UNASKED,	/* nothing learnt: our own error (UNKNOWN) */
	OCF_WITNESS_PRIMARY,	/* not asked: the primary answered */
	OCF_WITNESS_REACHED,	/* a witness answered */
	OCF_WITNESS_NONE,	/* no witness answered: this node is cut off */
};

/* at most this many witnesses are asked (the first ones listed) */
#define OCF_WITNESS_MAX 16

/*
 * After a check of the primary (r): ask the witnesses when the check got
 * no answer from it.  They are asked all at once, each by a child
 * process, and the first answer ends the wait; all within PROBE_TIMEOUT
 * seconds in total.  Called without the state lock.
 */
enum ocf_witness ocf_witness_ask(const struct ocf_config *c,
    const struct ocf_probe_result *r);

/*
 * The rule, a pure function: does the check count (1), or is it ignored
 * (0: neither a failed nor a good check, the counters as they were)?
 * failure: its verdict would count as a failed check; w: what
 * ocf_witness_ask() found; was: the state's WITNESS before.  *word is
 * WITNESS after it: "off", "ok" (the primary or a witness answered) or
 * "none" (cut off).
 */
int ocf_witness_rule(int failure, enum ocf_witness w, const char *was,
    const char **word);

/* the rule applied to s, the change of WITNESS logged (once: a node
 * that stays cut off says so at the first check only); returns whether
 * the check counts */
int ocf_witness_count(struct ocf_state *s, int failure, enum ocf_witness w);

#endif
