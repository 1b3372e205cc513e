/*
 * The local gateway: start, stop, ask.  Two backends: systemd
 * (`systemctl start|stop|is-active GATEWAY_SERVICE`) or, when GATEWAY_CMD
 * is set, a process group of our own, recorded in the state by pid and
 * start time and marked in its environment (OCF_GATEWAY_OF=STATE_DIR) so
 * that a gateway whose pid never reached the state file is still found.
 */
#ifndef OCF_GATEWAY_H
#define OCF_GATEWAY_H

#include <stddef.h>
#include <sys/types.h>

struct ocf_config;
struct ocf_state;

/* start it, after stopping what an earlier GATEWAY_CMD gateway left and
 * refusing when something else already answers at GATEWAY_URL; for
 * GATEWAY_CMD records GATEWAY_PID/GATEWAY_START in s (the caller saves).
 * 0 or -1 with err */
int ocf_gateway_start(const struct ocf_config *c, struct ocf_state *s,
    char *err, size_t errlen);

/* 1 when our gateway runs: the unit is active, or the recorded leader
 * lives (same pid and start time) */
int ocf_gateway_running(const struct ocf_config *c, struct ocf_state *s);

/*
 * GATEWAY_CMD: take a marked gateway that runs unrecorded (its start was
 * never saved: a full disk, a lost state) as ours, but only when it
 * answers ready now; one starting or draining away is not adopted, it is
 * replaced.  Records it in s and returns 1, else 0.
 */
int ocf_gateway_adopt(const struct ocf_config *c, struct ocf_state *s);

/* the same for a hot standby's gateway (hot.h), whose /readyz is 503
 * naming the channels it holds down: adopted when it is live, past its
 * start and not draining */
int ocf_gateway_adopt_held(const struct ocf_config *c, struct ocf_state *s);

/* 1 when GATEWAY_URL answers live, past its start (no "startup-*" failing)
 * and not draining: ready, or not only because of its channels */
int ocf_gateway_up(const struct ocf_config *c);

/* 1 when anything of a gateway may be left: running, or processes that
 * carry our mark (helpers of a dead leader, an unrecorded or draining
 * gateway) */
int ocf_gateway_present(const struct ocf_config *c, struct ocf_state *s);

/* stop every process of it (SIGTERM, STOP_TIMEOUT, SIGKILL): the recorded
 * group and every marked one; for systemd, `systemctl stop` (idempotent,
 * and it waits for a unit still activating).  Clears the recorded pid.
 * 0 stopped, -1 with err when something is left */
int ocf_gateway_stop(const struct ocf_config *c, struct ocf_state *s,
    char *err, size_t errlen);

/*
 * The arbiter's fence: stop it within `within` seconds whatever it takes
 * (SIGTERM, then SIGKILL at the end; for systemd, `systemctl stop`, then
 * `systemctl kill --signal=SIGKILL`).  0 stopped, 1 killed, -1 with err
 * when something is left.
 */
int ocf_gateway_fence(const struct ocf_config *c, struct ocf_state *s,
    double within, char *err, size_t errlen);

/* poll GATEWAY_URL until it answers ready or timeout seconds pass, or
 * (GATEWAY_CMD) the group dies.  0 ready, -1 with err */
int ocf_gateway_wait_ready(const struct ocf_config *c, struct ocf_state *s,
    double timeout, char *err, size_t errlen);

/* the leader pid of a process group marked for this state dir and owned
 * by root, us or OPENCLAW_USER, or 0 */
pid_t ocf_gateway_find_marked(const struct ocf_config *c);

#endif
