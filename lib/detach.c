#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include "detach.h"
#include "timeutil.h"

int
ocf_detach_busy(struct ocf_detach *d)
{
	pid_t r;

	if (d->pid <= 0)
		return 0;
	r = waitpid(d->pid, NULL, WNOHANG);
	if (r == 0)
		return 1;
	/* exited, or already reaped by a waitpid(-1) of the caller's loop */
	d->pid = 0;
	return 0;
}

pid_t
ocf_detach(struct ocf_detach *d, double limit)
{
	static const int sigs[] = { SIGTERM, SIGINT, SIGHUP, SIGALRM };
	struct itimerval it = { { 0, 0 }, { 0, 0 } };
	struct sigaction sa;
	pid_t pid;

	if (ocf_detach_busy(d))
		return -2;
	fflush(stdout);		/* or the child would write it a second time */
	fflush(stderr);
	if ((pid = fork()) == -1)
		return -1;
	if (pid > 0) {
		d->pid = pid;
		return pid;
	}
	/* the parent's handlers only set its flags: a child must die of a
	 * SIGTERM from the service manager, and of its own alarm */
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = 0;
	sa.sa_handler = SIG_DFL;
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		sigaction(sigs[i], &sa, NULL);
	ocf_idle_hook = NULL;	/* the watchdog is the parent's to serve */
	limit += 1.0;
	it.it_value.tv_sec = (time_t)limit;
	it.it_value.tv_usec = (suseconds_t)((limit - (double)(time_t)limit) * 1e6);
	setitimer(ITIMER_REAL, &it, NULL);
	return 0;
}

_Noreturn void
ocf_detach_exit(int code)
{
	_exit(code);
}
