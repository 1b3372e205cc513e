#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "chanprobe.h"
#include "cmdline.h"
#include "config.h"
#include "exitcode.h"
#include "gateway.h"
#include "log.h"
#include "probe.h"
#include "proc.h"
#include "spawn.h"
#include "state.h"
#include "timeutil.h"

#define MARK "OCF_GATEWAY_OF="

static int
use_cmd(const struct ocf_config *c)
{
	return c->gateway_cmd[0] != '\0';
}

/* systemctl VERB UNIT, bounded */
static int
systemctl(const struct ocf_config *c, const char *verb, double timeout,
    char *err, size_t errlen)
{
	char *argv[] = { "systemctl", "--quiet", (char *)verb,
	    (char *)c->gateway_service, NULL };

	if (strcmp(verb, "is-active") != 0)
		argv[1] = "--no-ask-password";
	return ocf_run(argv, &(struct ocf_spawn_opts){ 0 }, timeout, err,
	    errlen);
}

/*
 * The unit's ActiveState as `systemctl is-active` prints it, or "".  One
 * short line: the pipe is non-blocking, so more output would be lost
 * rather than hang systemctl.
 */
static void
unit_state(const struct ocf_config *c, char *word, size_t len)
{
	char *argv[] = { "systemctl", "is-active", (char *)c->gateway_service,
	    NULL };
	char err[OCF_ERRLEN];
	ssize_t n = 0;
	int p[2];

	word[0] = '\0';
	if (pipe2(p, O_CLOEXEC | O_NONBLOCK) == -1)
		return;
	if (ocf_run(argv, &(struct ocf_spawn_opts){ .stdout_fd = p[1] }, 10,
	    err, sizeof(err)) >= 0)
		n = read(p[0], word, len - 1);
	close(p[0]);
	close(p[1]);
	word[n > 0 ? n : 0] = '\0';
	word[strcspn(word, "\n")] = '\0';
}

static int
read_environ(pid_t pid, char *buf, size_t len, size_t *got)
{
	char path[64];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%ld/environ", (long)pid);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return -1;
	n = read(fd, buf, len);
	close(fd);
	if (n < 0)
		return -1;
	*got = (size_t)n;
	return 0;
}

static int
environ_has(const char *env, size_t len, const char *var)
{
	size_t vlen = strlen(var);

	for (size_t at = 0; at < len; at += strlen(env + at) + 1)
		if (len - at >= vlen + 1 && memcmp(env + at, var, vlen) == 0 &&
		    env[at + vlen] == '\0')
			return 1;
	return 0;
}

/*
 * Whose processes may be our gateway: root's, ours, and OPENCLAW_USER's
 * (whom we start it as).  Anyone can put our mark in an environment.
 */
static int
trusted_owner(const struct ocf_config *c, uid_t uid)
{
	struct passwd *pw;

	if (uid == 0 || uid == geteuid())
		return 1;
	return geteuid() == 0 && c->openclaw_user[0] != '\0' &&
	    (pw = getpwnam(c->openclaw_user)) != NULL && pw->pw_uid == uid;
}

pid_t
ocf_gateway_find_marked(const struct ocf_config *c)
{
	static char env[256 * 1024];
	char want[sizeof(MARK) + sizeof(c->state_dir)], path[64];
	struct dirent *de;
	struct stat st;
	DIR *d;
	pid_t found = 0;

	snprintf(want, sizeof(want), MARK "%s", c->state_dir);
	if ((d = opendir("/proc")) == NULL)
		return 0;
	while (found == 0 && (de = readdir(d)) != NULL) {
		pid_t pid;
		size_t got;

		if (!isdigit((unsigned char)de->d_name[0]))
			continue;
		pid = (pid_t)atol(de->d_name);
		snprintf(path, sizeof(path), "/proc/%ld", (long)pid);
		/* /proc/PID belongs to the process's effective user */
		if (pid == getpid() || stat(path, &st) == -1 ||
		    !trusted_owner(c, st.st_uid) ||
		    read_environ(pid, env, sizeof(env) - 1, &got) == -1)
			continue;
		env[got] = '\0';
		if (environ_has(env, got, want)) {
			pid_t pg = getpgid(pid);

			if (pg > 0 && ocf_pgrp_count(pg) > 0)
				found = pg;
		}
	}
	closedir(d);
	return found;
}

/*
 * The gateway's environment: a clean one (spawn.c keeps PATH, HOME,
 * LANG, TZ and the like), OpenClaw's own OPENCLAW_* settings, TMPDIR,
 * TMP and TEMP, and ours for it.  Never the rest of ours: NOTIFY_URL and the tokens' paths are
 * not the gateway's business.
 */
/* OpenClaw's own settings, and where Node puts temporary files */
static int
for_gateway(const char *kv)
{
	return (strncmp(kv, "OPENCLAW_", 9) == 0 &&
	    strncmp(kv, "OPENCLAW_SUPERVISOR_MODE=", 25) != 0) ||
	    strncmp(kv, "TMPDIR=", 7) == 0 || strncmp(kv, "TMP=", 4) == 0 ||
	    strncmp(kv, "TEMP=", 5) == 0;
}

static const char **
gateway_env(const char *mark)
{
	static const char *fixed[] = { "OPENCLAW_SUPERVISOR_MODE=external" };
	const char **env;
	size_t n = 0, i;

	for (i = 0; environ[i] != NULL; i++)
		n += for_gateway(environ[i]);
	if ((env = calloc(n + 3, sizeof(*env))) == NULL)
		return NULL;
	n = 0;
	for (i = 0; environ[i] != NULL; i++)
		if (for_gateway(environ[i]))
			env[n++] = environ[i];
	env[n++] = fixed[0];
	env[n] = mark;
	return env;
}

static int
cmd_start(const struct ocf_config *c, struct ocf_state *s, char *err,
    size_t errlen)
{
	char logpath[PATH_MAX], mark[sizeof(MARK) + sizeof(c->state_dir)];
	char **argv;
	const char **env;
	struct ocf_spawn_opts o = {
		.clean_env = 1,
		.new_session = 1,
		.log_path = ocf_state_path(c->state_dir, "gateway.log", logpath,
		    sizeof(logpath)),
		.log_max = c->gateway_log_max,
		.user = geteuid() == 0 ? c->openclaw_user : NULL,
		/* with an arbiter a gateway never outlives the watcher that
		 * holds its lease: should the lease keeper die with it, the
		 * kernel still fences the gateway's leader */
		.parent_death_signal = c->arbiter != OCF_ARBITER_NONE ?
		    SIGKILL : 0,
	};
	pid_t pid;

	snprintf(mark, sizeof(mark), MARK "%s", c->state_dir);
	/* a read-only STATE_DIR does not keep a gateway from serving */
	if (access(c->state_dir, W_OK) == -1) {
		ocf_warn("'%s' is not writable (%s): the gateway's output is "
		    "discarded", c->state_dir, strerror(errno));
		o.log_path = "/dev/null";
		o.log_max = 0;
	}
	if ((o.env = env = gateway_env(mark)) == NULL) {
		snprintf(err, errlen, "unable to build the gateway's "
		    "environment: %s", strerror(ENOMEM));
		return -1;
	}
	if (ocf_split_cmdline(c->gateway_cmd, &argv, err, errlen) == -1) {
		free(env);
		return -1;
	}
	pid = ocf_spawn(argv, &o, err, errlen);
	ocf_argv_free(argv);
	free(env);
	if (pid == -1)
		return -1;
	s->gateway_pid = pid;
	if (ocf_proc_start_time(pid, &s->gateway_start) == -1)
		s->gateway_start = 0;
	ocf_info("started gateway: process group %ld", (long)pid);
	return 0;
}

int
ocf_gateway_start(const struct ocf_config *c, struct ocf_state *s, char *err,
    size_t errlen)
{
	struct ocf_probe_result r;
	struct ocf_probe_opts o;
	int rc;

	/* what a dead or interrupted gateway left goes first: adopting a
	 * group that is draining away would fail a minute later */
	if (use_cmd(c) && ocf_gateway_stop(c, s, err, errlen) == -1)
		return -1;
	/* a stranger on the port would answer our readiness checks */
	if (ocf_probe(ocf_config_probe(c, c->gateway_url, 1.0, &o), &r) !=
	    OCF_CRITICAL) {
		snprintf(err, errlen, "something that is not this node's "
		    "gateway answers at '%s'", c->gateway_url);
		return -1;
	}
	if (use_cmd(c))
		return cmd_start(c, s, err, errlen);
	rc = systemctl(c, "start", c->ready_timeout + 30, err, errlen);
	if (rc == 0)
		return 0;
	if (rc >= 0)
		snprintf(err, errlen, "systemctl start '%s' failed (exit %d)",
		    c->gateway_service, rc);
	return -1;
}

int
ocf_gateway_running(const struct ocf_config *c, struct ocf_state *s)
{
	char err[OCF_ERRLEN];

	if (!use_cmd(c))
		return systemctl(c, "is-active", 10, err, sizeof(err)) == 0;
	/* the recorded leader with its start time: a recycled pid is not it */
	return s->gateway_pid > 0 && ocf_proc_same((pid_t)s->gateway_pid,
	    s->gateway_start);
}

int
ocf_gateway_adopt(const struct ocf_config *c, struct ocf_state *s)
{
	struct ocf_probe_result r;
	struct ocf_probe_opts o;
	unsigned long long start;
	pid_t pg;

	if (!use_cmd(c) || (pg = ocf_gateway_find_marked(c)) <= 0 ||
	    ocf_probe(ocf_config_probe(c, c->gateway_url, c->probe_timeout, &o),
	    &r) != OCF_OK || ocf_proc_start_time(pg, &start) == -1)
		return 0;
	ocf_notice("adopting the ready gateway already running: process "
	    "group %ld", (long)pg);
	s->gateway_pid = pg;
	s->gateway_start = start;
	return 1;
}

int
ocf_gateway_up(const struct ocf_config *c)
{
	struct ocf_probe_result r;
	struct ocf_probe_opts o;
	int v = ocf_probe(ocf_config_probe(c, c->gateway_url, c->probe_timeout,
	    &o), &r);

	/* ready, or live with only a channel (or the like) failing */
	return v == OCF_OK || (v == OCF_WARNING && r.live &&
	    strstr(r.failing, "startup") == NULL &&
	    strstr(r.failing, "draining") == NULL);
}

int
ocf_gateway_adopt_held(const struct ocf_config *c, struct ocf_state *s)
{
	unsigned long long start;
	pid_t pg;

	if (!use_cmd(c) || (pg = ocf_gateway_find_marked(c)) <= 0 ||
	    !ocf_gateway_up(c) || ocf_proc_start_time(pg, &start) == -1)
		return 0;
	ocf_notice("adopting the hot gateway already running: process group "
	    "%ld", (long)pg);
	s->gateway_pid = pg;
	s->gateway_start = start;
	return 1;
}

int
ocf_gateway_present(const struct ocf_config *c, struct ocf_state *s)
{
	/*
	 * Besides a running gateway: helpers of a dead leader, a gateway
	 * whose pid never reached the state file, one still draining.  They
	 * all carry our mark; a stranger never does.
	 */
	return ocf_gateway_running(c, s) ||
	    (use_cmd(c) && ocf_gateway_find_marked(c) > 0);
}

/* 0 stopped, 1 stopped with SIGKILL, -1 with err */
static int
stop_group(const struct ocf_config *c, pid_t pg, char *err, size_t errlen)
{
	int rc = ocf_pgrp_stop(pg, c->stop_timeout);

	if (rc == 1)
		ocf_warn("gateway group %ld ignored SIGTERM for %gs: killed",
		    (long)pg, c->stop_timeout);
	if (rc == -1) {
		snprintf(err, errlen, "processes of group %ld survived SIGKILL",
		    (long)pg);
		return -1;
	}
	ocf_info("stopped gateway: process group %ld", (long)pg);
	return rc;
}

int
ocf_gateway_stop(const struct ocf_config *c, struct ocf_state *s, char *err,
    size_t errlen)
{
	pid_t pg;
	int rc, killed = 0;

	if (!use_cmd(c)) {
		/* also for a unit is-active calls inactive: it may be
		 * activating, and stop waits for that */
		rc = systemctl(c, "stop", c->stop_timeout + 30, err, errlen);
		if (rc == 0)
			return 0;
		if (rc >= 0)
			snprintf(err, errlen, "systemctl stop '%s' failed (exit %d)",
			    c->gateway_service, rc);
		return -1;
	}
	if (ocf_gateway_running(c, s)) {
		if ((rc = stop_group(c, (pid_t)s->gateway_pid, err, errlen)) == -1)
			return -1;
		killed |= rc;
	}
	s->gateway_pid = 0;
	s->gateway_start = 0;
	/*
	 * Then every marked group left over.  A helper forked just before
	 * its leader died may not have shown up yet: look again a few times
	 * (bounded) before calling the node clean.
	 */
	for (int i = 0, quiet = 0; i < 16 && quiet < 3; i++) {
		if ((pg = ocf_gateway_find_marked(c)) > 0) {
			if ((rc = stop_group(c, pg, err, errlen)) == -1)
				return -1;
			killed |= rc;
			quiet = 0;
		} else {
			quiet++;
			ocf_sleep(0.05);
		}
	}
	if (ocf_gateway_find_marked(c) > 0) {
		snprintf(err, errlen, "gateway processes keep appearing");
		return -1;
	}
	return killed;
}

int
ocf_gateway_fence(const struct ocf_config *c, struct ocf_state *s,
    double within, char *err, size_t errlen)
{
	static struct ocf_config f;	/* big: not on the stack */
	char *kill[] = { "systemctl", "--no-ask-password", "kill",
	    "--signal=SIGKILL", (char *)c->gateway_service, NULL };

	if (within < 0.1)
		within = 0.1;
	if (!use_cmd(c)) {
		if (systemctl(c, "stop", within, err, errlen) == 0)
			return 0;
		/* the stop job goes on: kill what it waits for */
		ocf_run(kill, &(struct ocf_spawn_opts){ 0 }, 5, err, errlen);
		return systemctl(c, "stop", 5, err, errlen) == 0 ? 1 : -1;
	}
	f = *c;
	f.stop_timeout = within;
	return ocf_gateway_stop(&f, s, err, errlen);
}

/* a unit that failed (or ended) since its start: no use waiting.  A
 * unit restarting on its own is "activating" and waited for */
static int
exited(const struct ocf_config *c, char *err, size_t errlen)
{
	char word[64];

	unit_state(c, word, sizeof(word));
	if (strcmp(word, "failed") != 0 && strcmp(word, "inactive") != 0)
		return 0;
	snprintf(err, errlen, "gateway unit '%s' %s before it was ready "
	    "(see journalctl -u %s)", c->gateway_service,
	    word[0] == 'f' ? "failed" : "stopped", c->gateway_service);
	return 1;
}

/*
 * Past /readyz 200, READY_CHECK asks the admin RPC whether every channel
 * is connected: /readyz stays 200 while a channel retries an unreachable
 * chat server.  1 ready (or not asked), 0 not yet (why says which), -1
 * never (err): READY_CHECK=channels and the RPC is off or refuses us.
 * With auto, that falls back to /readyz alone, with a warning.
 */
static int
channels_ready(const struct ocf_config *c, double timeout, int *warned,
    char *why, size_t whylen, char *err, size_t errlen)
{
	struct ocf_chan_result r;
	struct ocf_probe_opts o;

	if (c->ready_check == OCF_READY_READYZ)
		return 1;
	ocf_chan_probe(ocf_config_rpc(c, timeout, &o), &r);
	if (r.rpc == OCF_RPC_ABSENT || r.rpc == OCF_RPC_DENIED) {
		/* a hot standby's channels are started over the RPC: no
		 * fallback to /readyz for it */
		if (c->ready_check == OCF_READY_CHANNELS ||
		    c->standby_mode == OCF_STANDBY_HOT) {
			snprintf(err, errlen, "%s: %s", c->ready_check ==
			    OCF_READY_CHANNELS ? "READY_CHECK=channels" :
			    "STANDBY_MODE=hot", r.reason);
			return -1;
		}
		ocf_warn("channels not checked, ready by /readyz alone: %s",
		    r.reason);
		return 1;
	}
	if (r.open && !*warned) {
		ocf_warn("the admin RPC of '%s' answers without a token on an "
		    "address that is not loopback: whoever reaches it operates "
		    "the gateway (set its gateway.auth)", c->gateway_url);
		*warned = 1;
	}
	if (r.status == OCF_OK) {
		ocf_info("channels: %s", r.reason);
		return 1;
	}
	/* a call cut short by the deadline ("no answer") must not hide
	 * the account and last error an answer named */
	if (r.code != 0 || strstr(why, " channel accounts ") == NULL)
		snprintf(why, whylen, "%s", r.reason);
	return 0;
}

int
ocf_gateway_wait_ready(const struct ocf_config *c, struct ocf_state *s,
    double timeout, char *err, size_t errlen)
{
	double deadline = ocf_mono() + timeout, step = 0.1;
	struct ocf_probe_result r;
	struct ocf_probe_opts o;
	int warned = 0;

	char why[sizeof(r.reason)] = "no check completed";

	ocf_config_probe(c, c->gateway_url, c->probe_timeout, &o);
	for (;;) {
		double left = deadline - ocf_mono();
		int ch;

		if (left <= 0)
			break;
		o.timeout = left < c->probe_timeout ? left : c->probe_timeout;
		if (ocf_probe(&o, &r) == OCF_OK) {
			ch = channels_ready(c, o.timeout, &warned, why,
			    sizeof(why), err, errlen);
			if (ch != 0)
				return ch == 1 ? 0 : -1;
		} else if (o.timeout >= c->probe_timeout / 2 || why[0] == 'n') {
			/* a last check cut short by the deadline says less
			 * than a full one (typically only "timeout") */
			snprintf(why, sizeof(why), "%s", r.reason);
		}
		if (use_cmd(c) && !ocf_gateway_running(c, s)) {
			snprintf(err, errlen, "gateway exited before it was ready "
			    "(see %s/gateway.log)", c->state_dir);
			return -1;
		}
		if (!use_cmd(c) && exited(c, err, errlen))
			return -1;
		ocf_sleep(step);
		if (step < 0.5)
			step *= 1.5;
	}
	/* to the tenth: what is left of READY_TIMEOUT after a hot start */
	snprintf(err, errlen, "gateway not ready after %gs: %s",
	    (double)(long)(timeout * 10 + 0.5) / 10, why);
	return -1;
}
