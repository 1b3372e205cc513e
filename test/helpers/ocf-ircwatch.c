/*
 * ocf-ircwatch - a user sitting in IRC channels, for the ocf scenario tests
 *
 * usage: ocf-ircwatch [-h] [-n nick] [-t lifetime] -l logfile -p port
 *                     channel...
 *
 * It connects to the IRC server on 127.0.0.1:port, registers as nick
 * (default "ocfwatch"), joins the channels and appends one line per event
 * it sees to logfile, with the wall-clock time in seconds since the epoch:
 *
 *   1795998112.910 JOIN ocfbot1 #ocf      a nick joined a channel (us too)
 *   1795998112.911 NAMES #ocf @ocfwatch ocfbot2   who was there when we joined
 *   1795998150.002 PART ocfbot1 #ocf
 *   1795998150.002 QUIT ocfbot1 Client closed connection
 *   1795998150.002 DISCONNECTED read: Connection reset by peer
 *
 * That is "reachable" as a user of the chat sees it: the bot's JOIN, and its
 * QUIT when the gateway goes away. The test greps the file.
 *
 * When the server is not there yet or goes away, it tries again every 0.2 s;
 * it answers PING, and exits 0 by itself after lifetime seconds (default
 * 600), or on SIGTERM. Every read and write is bounded by the lifetime.
 *
 * Exit status: 0 at the end of the lifetime or on SIGTERM/SIGINT, 2 when the
 * log cannot be written or the nick is taken, 3 on usage error.
 */

#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <arpa/inet.h>
#include <time.h>
#include <unistd.h>

#define LINE_MAX_IRC 512	/* RFC 1459: a message is at most 512 bytes */

static volatile sig_atomic_t stop;
static int logfd = -1;
static const char *nick_self = "ocfwatch";

static void
on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static double
mono(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* one event line into the log: time, then the text */
static void
event(const char *fmt, ...)
{
	struct timespec ts;
	char line[1024];
	va_list ap;
	int n, m;

	clock_gettime(CLOCK_REALTIME, &ts);
	n = snprintf(line, sizeof(line), "%lld.%03ld ", (long long)ts.tv_sec,
	    ts.tv_nsec / 1000000);
	va_start(ap, fmt);
	m = vsnprintf(line + n, sizeof(line) - (size_t)n - 1, fmt, ap);
	va_end(ap);
	if (m < 0)
		m = 0;
	n += m < (int)(sizeof(line) - (size_t)n - 1) ? m :
	    (int)(sizeof(line) - (size_t)n - 2);
	line[n++] = '\n';
	if (write(logfd, line, (size_t)n) != n) {
		perror("ocf-ircwatch: write log");
		exit(2);
	}
}

/* send all of s within the deadline; -1 when the connection is lost */
static int
send_all(int fd, const char *s, double deadline)
{
	size_t len = strlen(s), off = 0;

	while (off < len) {
		struct pollfd p = { fd, POLLOUT, 0 };
		double left = deadline - mono();
		ssize_t n;

		if (left <= 0 || stop)
			return -1;
		if (poll(&p, 1, (int)(left * 1000) + 1) <= 0)
			continue;
		n = send(fd, s + off, len - off, MSG_NOSIGNAL);
		if (n < 0 && errno != EINTR && errno != EAGAIN)
			return -1;
		if (n > 0)
			off += (size_t)n;
	}
	return 0;
}

/* connect to 127.0.0.1:port; -1 when refused or not within a second */
static int
dial(int port)
{
	struct sockaddr_in sa;
	struct pollfd p;
	int fd, err = 0;
	socklen_t el = sizeof(err);

	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_port = htons((unsigned short)port);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd == -1)
		return -1;
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0)
		return fd;
	if (errno != EINPROGRESS) {
		close(fd);
		return -1;
	}
	p.fd = fd;
	p.events = POLLOUT;
	if (poll(&p, 1, 1000) != 1 ||
	    getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &el) == -1 || err != 0) {
		close(fd);
		return -1;
	}
	return fd;
}

/* the nick of a ":nick!user@host" prefix */
static void
prefix_nick(const char *prefix, char *nick, size_t len)
{
	size_t n = strcspn(prefix, "!@ ");

	if (n >= len)
		n = len - 1;
	memcpy(nick, prefix, n);
	nick[n] = '\0';
}

/* one line from the server (no CR LF); -1 to drop the connection */
static int
handle(int fd, char *line, const char *joins, double deadline)
{
	char nick[64], out[LINE_MAX_IRC + 16];
	char *prefix = NULL, *cmd, *rest, *trail;

	if (*line == ':') {
		prefix = line + 1;
		line = strchr(line, ' ');
		if (line == NULL)
			return 0;
		*line++ = '\0';
	}
	cmd = line;
	rest = strchr(line, ' ');
	if (rest != NULL)
		*rest++ = '\0';
	else
		rest = cmd + strlen(cmd);
	trail = strstr(rest, " :");
	if (trail != NULL)
		*trail = '\0', trail += 2;
	else if (*rest == ':')
		trail = rest + 1, rest = rest + strlen(rest);
	else
		trail = "";
	nick[0] = '\0';
	if (prefix != NULL)
		prefix_nick(prefix, nick, sizeof(nick));

	if (strcmp(cmd, "PING") == 0) {
		snprintf(out, sizeof(out), "PONG :%s\r\n",
		    *trail != '\0' ? trail : rest);
		return send_all(fd, out, deadline);
	}
	if (strcmp(cmd, "001") == 0) {	/* welcome: registered */
		snprintf(out, sizeof(out), "JOIN %s\r\n", joins);
		return send_all(fd, out, deadline);
	}
	if (strcmp(cmd, "433") == 0) {	/* nick in use: we cannot watch */
		event("ERROR nick in use");
		fprintf(stderr, "ocf-ircwatch: nick '%s' in use\n", nick_self);
		exit(2);
	}
	if (strcmp(cmd, "JOIN") == 0)
		event("JOIN %s %s", nick, *trail != '\0' ? trail : rest);
	else if (strcmp(cmd, "PART") == 0)
		event("PART %s %s", nick, rest);
	else if (strcmp(cmd, "QUIT") == 0)
		event("QUIT %s %s", nick, trail);
	else if (strcmp(cmd, "353") == 0) {	/* "me = #chan" :names */
		const char *chan = strrchr(rest, ' ');

		event("NAMES %s %s", chan != NULL ? chan + 1 : rest, trail);
	} else if (strcmp(cmd, "ERROR") == 0) {
		event("DISCONNECTED server: %s", trail);
		return -1;
	}
	return 0;
}

/* one connection: register, join, read until it ends or the deadline */
static void
session(int fd, const char *nick, const char *joins, double deadline)
{
	char buf[4 * LINE_MAX_IRC], out[256];
	size_t have = 0;

	snprintf(out, sizeof(out), "NICK %s\r\nUSER %s 0 * :ocf test watcher\r\n",
	    nick, nick);
	if (send_all(fd, out, deadline) == -1) {
		event("DISCONNECTED write: %s", strerror(errno));
		return;
	}
	while (!stop) {
		struct pollfd p = { fd, POLLIN, 0 };
		double left = deadline - mono();
		char *nl;
		ssize_t n;

		if (left <= 0)
			return;
		if (poll(&p, 1, left > 1 ? 1000 : (int)(left * 1000) + 1) <= 0)
			continue;
		n = recv(fd, buf + have, sizeof(buf) - have - 1, 0);
		if (n == 0 || (n < 0 && errno != EINTR && errno != EAGAIN)) {
			event("DISCONNECTED read: %s",
			    n == 0 ? "closed by the server" : strerror(errno));
			return;
		}
		if (n < 0)
			continue;
		have += (size_t)n;
		buf[have] = '\0';
		while ((nl = strchr(buf, '\n')) != NULL) {
			size_t used = (size_t)(nl - buf) + 1;

			*nl = '\0';
			if (nl > buf && nl[-1] == '\r')
				nl[-1] = '\0';
			if (handle(fd, buf, joins, deadline) == -1)
				return;
			memmove(buf, buf + used, have - used + 1);
			have -= used;
		}
		if (have == sizeof(buf) - 1)	/* a line over any limit */
			have = 0;
	}
}

static void
usage(FILE *f)
{
	fprintf(f, "usage: ocf-ircwatch [-h] [-n nick] [-t lifetime] "
	    "-l logfile -p port\n"
	    "                    channel...\n");
}

int
main(int argc, char *argv[])
{
	const char *nick = nick_self, *logpath = NULL;
	char joins[LINE_MAX_IRC] = "";
	double lifetime = 600, deadline;
	struct sigaction sa;
	int ch, port = 0;
	char *end;

	while ((ch = getopt(argc, argv, "hl:n:p:t:")) != -1) {
		switch (ch) {
		case 'h':
			usage(stdout);
			return 0;
		case 'l':
			logpath = optarg;
			break;
		case 'n':
			nick = optarg;
			break;
		case 'p':
			port = (int)strtol(optarg, &end, 10);
			if (*end != '\0' || port < 1 || port > 65535) {
				fprintf(stderr, "ocf-ircwatch: bad port '%s'\n",
				    optarg);
				return 3;
			}
			break;
		case 't':
			lifetime = strtod(optarg, &end);
			if (*end != '\0' || !(lifetime > 0 && lifetime <= 86400)) {
				fprintf(stderr, "ocf-ircwatch: bad lifetime "
				    "'%s'\n", optarg);
				return 3;
			}
			break;
		default:
			usage(stderr);
			return 3;
		}
	}
	argc -= optind;
	argv += optind;
	if (logpath == NULL || port == 0 || argc == 0 ||
	    strpbrk(nick, " \r\n:") != NULL || *nick == '\0') {
		usage(stderr);
		return 3;
	}
	for (int i = 0; i < argc; i++) {
		if (argv[i][0] != '#' || strpbrk(argv[i], " ,\r\n") != NULL ||
		    strlen(joins) + strlen(argv[i]) + 2 > sizeof(joins)) {
			fprintf(stderr, "ocf-ircwatch: bad channel '%s'\n",
			    argv[i]);
			return 3;
		}
		if (i > 0)
			strcat(joins, ",");
		strcat(joins, argv[i]);
	}
	nick_self = nick;
	logfd = open(logpath, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
	if (logfd == -1) {
		fprintf(stderr, "ocf-ircwatch: unable to open '%s': %s\n",
		    logpath, strerror(errno));
		return 2;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);

	deadline = mono() + lifetime;
	while (!stop && mono() < deadline) {
		int fd = dial(port);

		if (fd == -1) {
			usleep(200000);
			continue;
		}
		event("CONNECTED 127.0.0.1:%d", port);
		session(fd, nick, joins, deadline);
		close(fd);
		if (!stop && mono() < deadline)
			usleep(200000);
	}
	return 0;
}
