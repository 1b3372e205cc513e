#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "sdnotify.h"
#include "timeutil.h"

static struct sockaddr_un addr;
static socklen_t addrlen;
static double half_watchdog, last_keepalive;

void
ocf_sd_init(void)
{
	const char *sock = getenv("NOTIFY_SOCKET");
	const char *usec = getenv("WATCHDOG_USEC");
	const char *wpid = getenv("WATCHDOG_PID");
	size_t n;

	addrlen = 0;
	half_watchdog = 0;
	if (sock == NULL || (sock[0] != '/' && sock[0] != '@') ||
	    (n = strlen(sock)) >= sizeof(addr.sun_path))
		return;
	memset(&addr, 0, sizeof(addr));
	addr.sun_family = AF_UNIX;
	memcpy(addr.sun_path, sock, n);
	if (sock[0] == '@')
		addr.sun_path[0] = '\0';	/* abstract namespace */
	addrlen = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + n);
	if (usec != NULL && (wpid == NULL || atol(wpid) == (long)getpid()))
		half_watchdog = strtod(usec, NULL) / 2e6;
	if (!(half_watchdog > 0))
		half_watchdog = 0;
	else
		ocf_idle_hook = ocf_sd_keepalive;
	/* our children (the gateway, hooks) are not the notifying service */
	unsetenv("NOTIFY_SOCKET");
	unsetenv("WATCHDOG_USEC");
	unsetenv("WATCHDOG_PID");
}

int
ocf_sd_notify(const char *msg)
{
	int fd, r;

	if (addrlen == 0)
		return 0;
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd == -1)
		return -1;
	r = sendto(fd, msg, strlen(msg), MSG_NOSIGNAL,
	    (const struct sockaddr *)&addr, addrlen) == -1 ? -1 : 0;
	close(fd);
	return r;
}

double
ocf_sd_keepalive_interval(void)
{
	return half_watchdog;
}

void
ocf_sd_keepalive(void)
{
	double now;

	if (half_watchdog <= 0)
		return;
	now = ocf_mono();
	if (now - last_keepalive >= half_watchdog) {
		ocf_sd_notify("WATCHDOG=1");
		last_keepalive = now;
	}
}
