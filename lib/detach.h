/*
 * Work that must never delay a check or a transition (a webhook, a
 * heartbeat, the metrics file) runs in a child of its own: the caller
 * forks, the child does the work within its bound and exits, the parent
 * goes on at once.  One slot holds one such child at a time, so that a
 * receiver that hangs costs one process, never a pile of them.
 */
#ifndef OCF_DETACH_H
#define OCF_DETACH_H

#include <sys/types.h>

struct ocf_detach {
	pid_t pid;		/* the slot's child, 0: free */
};

/*
 * Fork into slot d, unless its last child still runs (then -2).  In the
 * child: returns 0, with the default signal dispositions, no idle hook,
 * and SIGALRM due after limit seconds (a backstop: the work has its own
 * bound); the child ends with ocf_detach_exit().  In the parent: the
 * child's pid, or -1 when fork fails.
 */
pid_t ocf_detach(struct ocf_detach *d, double limit);

/* is the slot's child still running?  Reaps it once it has exited */
int ocf_detach_busy(struct ocf_detach *d);

/* end the child: _exit(code), no atexit handlers, no stdio flush of the
 * parent's buffers */
_Noreturn void ocf_detach_exit(int code);

#endif
