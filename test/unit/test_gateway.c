/*
 * The systemd backend of lib/gateway.c (GATEWAY_CMD empty), with ocf_run
 * replaced through --wrap (test_gateway.wrap): the exact argv, timeout
 * and spawn options of `systemctl start|stop|is-active GATEWAY_SERVICE`,
 * and what ocf_gateway_start/stop/running make of each result (0, a
 * non-zero exit, -2 timeout, -1 not run).  Then the same fake under
 * ocf_promote/ocf_demote: a unit that starts but never answers ready is a
 * failed promotion, a stop that fails is a failed demotion, and a started
 * unit that answers ready (a tiny HTTP responder thread on 127.0.0.1) is
 * an active node.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <ftw.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>

#include "config.h"
#include "exitcode.h"
#include "gateway.h"
#include "log.h"
#include "timeutil.h"
#include "spawn.h"
#include "state.h"
#include "transition.h"

/* ---- the fake ocf_run ---- */

#define MAXCALLS 32

struct call {
	char line[512];		/* argv joined by single spaces */
	int argc;
	double timeout;
	int had_opts;		/* o != NULL */
	int env_set;		/* o->env != NULL */
	int user_set;		/* o->user non-empty */
	int log_set;		/* o->log_path != NULL */
};

struct reply {
	int rc;			/* what ocf_run returns */
	const char *err;	/* written to err when rc < 0 */
};

static struct call calls[MAXCALLS];
static int ncalls;
static struct reply r_start, r_stop, r_active;
static int non_systemctl;	/* ocf_run called for something else */

int __wrap_ocf_run(char *const argv[], const struct ocf_spawn_opts *o,
    double timeout, char *err, size_t errlen);

/* the unit's gateway answers only between a good start and a stop, as a
 * real one would: serve() below reads this */
static volatile int unit_up;
/* ... or always, like a process that systemd does not know of */
static volatile int stray;
/* what `systemctl is-active UNIT` prints; NULL: from unit_up */
static const char *unit_word;

int
__wrap_ocf_run(char *const argv[], const struct ocf_spawn_opts *o,
    double timeout, char *err, size_t errlen)
{
	struct call *c = &calls[ncalls < MAXCALLS ? ncalls : MAXCALLS - 1];
	const struct reply *r;
	size_t at = 0;

	memset(c, 0, sizeof(*c));
	for (int i = 0; argv[i] != NULL; i++) {
		at += (size_t)snprintf(c->line + at, sizeof(c->line) - at, "%s%s",
		    i > 0 ? " " : "", argv[i]);
		if (at >= sizeof(c->line))
			at = sizeof(c->line) - 1;
		c->argc++;
	}
	c->timeout = timeout;
	c->had_opts = o != NULL;
	c->env_set = o != NULL && o->env != NULL;
	c->user_set = o != NULL && o->user != NULL && o->user[0] != '\0';
	c->log_set = o != NULL && o->log_path != NULL;
	if (ncalls < MAXCALLS)
		ncalls++;
	if (strcmp(argv[0], "systemctl") != 0 || c->argc < 3) {
		non_systemctl++;
		return 0;
	}
	/* `systemctl is-active UNIT`, no --quiet: the state word on stdout */
	if (strcmp(argv[1], "is-active") == 0) {
		const char *w = unit_word != NULL ? unit_word :
		    unit_up ? "active\n" : "inactive\n";

		if (o != NULL && o->stdout_fd > 0)
			assert_true(write(o->stdout_fd, w, strlen(w)) ==
			    (ssize_t)strlen(w));
		return strncmp(w, "active", 6) == 0 ? 0 : 3;
	}
	if (strcmp(argv[2], "start") == 0) {
		r = &r_start;
		unit_up = r_start.rc == 0;
	} else if (strcmp(argv[2], "stop") == 0) {
		r = &r_stop;
		unit_up = 0;
	}
	else if (strcmp(argv[2], "is-active") == 0)
		r = &r_active;
	else {
		non_systemctl++;
		return 0;
	}
	if (r->rc < 0 && err != NULL && errlen > 0)
		snprintf(err, errlen, "%s", r->err != NULL ? r->err : "");
	return r->rc;
}

/* the verbs called so far, "is-active start stop" */
static const char *
verbs(void)
{
	static char buf[512];
	size_t at = 0;

	buf[0] = '\0';
	for (int i = 0; i < ncalls && i < MAXCALLS; i++) {
		const char *v = strrchr(calls[i].line, ' ');
		const char *w = calls[i].line;

		/* "systemctl OPT VERB UNIT": the third word */
		for (int k = 0; k < 2 && w != NULL; k++)
			if ((w = strchr(w, ' ')) != NULL)
				w++;
		if (w == NULL || v == NULL || v < w)
			continue;
		at += (size_t)snprintf(buf + at, sizeof(buf) - at, "%s%.*s",
		    at > 0 ? " " : "", (int)(v - w), w);
		if (at >= sizeof(buf))
			break;
	}
	return buf;
}

/* ---- fixture: a config with the systemd backend, a state dir ---- */

static char tmpdir[] = "/tmp/ocf-test-gateway.XXXXXX";
static struct ocf_config cfg;

static void
set(const char *key, const char *value)
{
	char err[OCF_ERRLEN];

	if (ocf_config_set(&cfg, key, value, "test", err, sizeof(err)) != 0)
		fail_msg("%s=%s: %s", key, value, err);
}

static int
rm_one(const char *path, const struct stat *st, int flag, struct FTW *f)
{
	(void)st;
	(void)flag;
	(void)f;
	return remove(path);
}

static int
setup(void **state)
{
	char err[OCF_ERRLEN], sd[sizeof(tmpdir) + 16];

	(void)state;
	ocf_log_init("test_gateway", 0);
	ocf_log_level(LOG_ERR);
	strcpy(tmpdir, "/tmp/ocf-test-gateway.XXXXXX");
	if (mkdtemp(tmpdir) == NULL)
		return -1;
	snprintf(sd, sizeof(sd), "%s/state", tmpdir);
	ocf_config_defaults(&cfg);
	set("STATE_DIR", sd);
	set("HOOKS_DIR", "");
	set("WORKSPACE", "");
	set("OPENCLAW_USER", "");
	set("GATEWAY_CMD", "");
	/* nothing listens on port 1 */
	set("GATEWAY_URL", "http://127.0.0.1:1");
	set("READY_TIMEOUT", "0.3");
	set("STOP_TIMEOUT", "7");
	set("PROBE_TIMEOUT", "0.5");
	if (ocf_config_finish(&cfg, 0, err, sizeof(err)) != 0)
		return -1;
	memset(calls, 0, sizeof(calls));
	ncalls = 0;
	non_systemctl = 0;
	r_start = r_stop = r_active = (struct reply){ 0, NULL };
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	nftw(tmpdir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	return 0;
}

static void
load(struct ocf_state *s)
{
	char err[OCF_ERRLEN];

	assert_true(ocf_state_load(cfg.state_dir, s, err, sizeof(err)) >= 0);
}

/* ---- ocf_gateway_start ---- */

static void
start_argv(void **state)
{
	struct ocf_state s;
	char err[OCF_ERRLEN] = "";

	(void)state;
	ocf_state_init(&s);
	assert_int_equal(ocf_gateway_start(&cfg, &s, err, sizeof(err)), 0);
	assert_int_equal(ncalls, 1);
	assert_string_equal(calls[0].line,
	    "systemctl --no-ask-password start openclaw");
	assert_int_equal(calls[0].argc, 4);
	/* bounded by READY_TIMEOUT + 30 */
	assert_true(calls[0].timeout > 30.29 && calls[0].timeout < 30.31);
	assert_true(calls[0].had_opts);
	assert_false(calls[0].user_set);
	assert_false(calls[0].env_set);
	/* the systemd backend records no pid of its own */
	assert_int_equal(s.gateway_pid, 0);
}

static void
start_service_override(void **state)
{
	struct ocf_state s;
	char err[OCF_ERRLEN] = "";

	(void)state;
	set("GATEWAY_SERVICE", "openclaw-test@blue.service");
	ocf_state_init(&s);
	assert_int_equal(ocf_gateway_start(&cfg, &s, err, sizeof(err)), 0);
	assert_string_equal(calls[0].line,
	    "systemctl --no-ask-password start openclaw-test@blue.service");
	/* one argv word, whatever the unit name holds: no shell */
	set("GATEWAY_SERVICE", "a b;c");
	assert_int_equal(ocf_gateway_start(&cfg, &s, err, sizeof(err)), 0);
	assert_int_equal(calls[1].argc, 4);
	assert_string_equal(calls[1].line,
	    "systemctl --no-ask-password start a b;c");
}

static void
start_exit_1(void **state)
{
	struct ocf_state s;
	char err[OCF_ERRLEN] = "";

	(void)state;
	r_start.rc = 1;
	ocf_state_init(&s);
	assert_int_equal(ocf_gateway_start(&cfg, &s, err, sizeof(err)), -1);
	assert_string_equal(err, "systemctl start 'openclaw' failed (exit 1)");
}

static void
start_timeout(void **state)
{
	struct ocf_state s;
	char err[OCF_ERRLEN] = "";

	(void)state;
	r_start = (struct reply){ -2, "'systemctl' timed out after 30.3s" };
	ocf_state_init(&s);
	assert_int_equal(ocf_gateway_start(&cfg, &s, err, sizeof(err)), -1);
	/* ocf_run's own message is kept, not replaced by "exit -2" */
	assert_string_equal(err, "'systemctl' timed out after 30.3s");
}

static void
start_not_run(void **state)
{
	struct ocf_state s;
	char err[OCF_ERRLEN] = "";

	(void)state;
	r_start = (struct reply){ -1,
	    "unable to run 'systemctl': No such file or directory" };
	ocf_state_init(&s);
	assert_int_equal(ocf_gateway_start(&cfg, &s, err, sizeof(err)), -1);
	assert_string_equal(err,
	    "unable to run 'systemctl': No such file or directory");
}

/* ---- ocf_gateway_stop ---- */

static void
stop_argv(void **state)
{
	struct ocf_state s;
	char err[OCF_ERRLEN] = "";

	(void)state;
	ocf_state_init(&s);
	assert_int_equal(ocf_gateway_stop(&cfg, &s, err, sizeof(err)), 0);
	assert_int_equal(ncalls, 1);
	assert_string_equal(calls[0].line,
	    "systemctl --no-ask-password stop openclaw");
	/* bounded by STOP_TIMEOUT + 30 */
	assert_true(calls[0].timeout > 36.99 && calls[0].timeout < 37.01);
	assert_false(calls[0].user_set);
}

static void
stop_results(void **state)
{
	struct ocf_state s;
	char err[OCF_ERRLEN] = "";

	(void)state;
	ocf_state_init(&s);
	set("GATEWAY_SERVICE", "gw.service");
	r_stop.rc = 5;
	assert_int_equal(ocf_gateway_stop(&cfg, &s, err, sizeof(err)), -1);
	assert_string_equal(err, "systemctl stop 'gw.service' failed (exit 5)");
	assert_string_equal(calls[0].line,
	    "systemctl --no-ask-password stop gw.service");

	r_stop = (struct reply){ -2, "'systemctl' timed out after 37s" };
	err[0] = '\0';
	assert_int_equal(ocf_gateway_stop(&cfg, &s, err, sizeof(err)), -1);
	assert_string_equal(err, "'systemctl' timed out after 37s");

	r_stop = (struct reply){ -1, "unable to run 'systemctl': Permission denied" };
	err[0] = '\0';
	assert_int_equal(ocf_gateway_stop(&cfg, &s, err, sizeof(err)), -1);
	assert_string_equal(err, "unable to run 'systemctl': Permission denied");

	/* killed by a signal: 128 + N is a failure too */
	r_stop.rc = 128 + 9;
	assert_int_equal(ocf_gateway_stop(&cfg, &s, err, sizeof(err)), -1);
	assert_string_equal(err, "systemctl stop 'gw.service' failed (exit 137)");
}

/* ---- ocf_gateway_running ---- */

static void
running_argv_and_results(void **state)
{
	struct ocf_state s;

	(void)state;
	ocf_state_init(&s);
	assert_int_equal(ocf_gateway_running(&cfg, &s), 1);
	assert_string_equal(calls[0].line,
	    "systemctl --quiet is-active openclaw");
	assert_true(calls[0].timeout > 9.99 && calls[0].timeout < 10.01);
	r_active.rc = 3;	/* inactive */
	assert_int_equal(ocf_gateway_running(&cfg, &s), 0);
	r_active.rc = 4;	/* no such unit */
	assert_int_equal(ocf_gateway_running(&cfg, &s), 0);
	r_active = (struct reply){ -2, "'systemctl' timed out after 10s" };
	assert_int_equal(ocf_gateway_running(&cfg, &s), 0);
	r_active = (struct reply){ -1, "unable to run 'systemctl': x" };
	assert_int_equal(ocf_gateway_running(&cfg, &s), 0);
	set("GATEWAY_SERVICE", "other");
	r_active.rc = 0;
	assert_int_equal(ocf_gateway_running(&cfg, &s), 1);
	assert_string_equal(calls[5].line, "systemctl --quiet is-active other");
	assert_int_equal(ncalls, 6);
	assert_int_equal(non_systemctl, 0);
}

/* ---- through the transitions ---- */

static void
demote_stops_the_unit(void **state)
{
	struct ocf_transition t;
	struct ocf_state s;

	(void)state;
	r_active.rc = 0;	/* running */
	assert_int_equal(ocf_demote(&cfg, 0, &t), OCF_OK);
	assert_string_equal(verbs(), "is-active stop");
	load(&s);
	assert_int_equal(s.role, OCF_ROLE_STANDBY);
	assert_string_equal(s.transition, "");
	assert_int_equal(non_systemctl, 0);
}

static void
demote_standby_stopped_is_a_no_op(void **state)
{
	struct ocf_transition t;

	(void)state;
	r_active.rc = 3;	/* inactive, or activating: it cannot tell */
	assert_int_equal(ocf_demote(&cfg, 0, &t), OCF_OK);
	assert_string_equal(t.detail, "already standby");
	assert_false(t.changed);
	/* a stop all the same: idempotent, and it waits for an activation */
	assert_string_equal(verbs(), "is-active stop");
}

/*
 * `systemctl is-active` exits non-zero for a unit that is "activating" or
 * "deactivating" as well as for an inactive one.  A demotion of an active
 * node must still stop the unit: `systemctl stop` is idempotent and waits
 * for a stop job in flight, whereas skipping it lets a unit that is still
 * activating come up on a node recorded as standby (two active gateways).
 */
static void
demote_active_stops_whatever_is_active_says(void **state)
{
	struct ocf_transition t;
	struct ocf_state s;
	char err[OCF_ERRLEN];

	(void)state;
	assert_int_equal(ocf_state_dir(cfg.state_dir, err, sizeof(err)), 0);
	ocf_state_init(&s);
	s.role = OCF_ROLE_ACTIVE;
	s.transitions = 1;
	assert_int_equal(ocf_state_save(cfg.state_dir, &s, err, sizeof(err)), 0);
	r_active.rc = 3;	/* "activating" or "deactivating" */
	assert_int_equal(ocf_demote(&cfg, 0, &t), OCF_OK);
	/* an active node is stopped without asking is-active first */
	assert_string_equal(verbs(), "stop");
	load(&s);
	assert_int_equal(s.role, OCF_ROLE_STANDBY);
}

static void
demote_stop_fails(void **state)
{
	struct ocf_transition t;
	struct ocf_state s;

	(void)state;
	r_active.rc = 0;
	r_stop.rc = 1;
	assert_int_equal(ocf_demote(&cfg, 0, &t), OCF_CRITICAL);
	assert_non_null(strstr(t.detail,
	    "systemctl stop 'openclaw' failed (exit 1)"));
	load(&s);
	assert_int_equal(s.role, OCF_ROLE_FAILED);
	assert_non_null(strstr(s.last_error, "failed (exit 1)"));
	assert_string_equal(s.transition, "");
}

static void
demote_stop_times_out(void **state)
{
	struct ocf_transition t;
	struct ocf_state s;

	(void)state;
	r_active.rc = 0;
	r_stop = (struct reply){ -2, "'systemctl' timed out after 37s" };
	assert_int_equal(ocf_demote(&cfg, 0, &t), OCF_CRITICAL);
	assert_non_null(strstr(t.detail, "timed out"));
	load(&s);
	assert_int_equal(s.role, OCF_ROLE_FAILED);
}

static void
promote_start_fails(void **state)
{
	struct ocf_transition t;
	struct ocf_state s;

	(void)state;
	r_active.rc = 3;
	r_start.rc = 1;
	assert_int_equal(ocf_promote(&cfg, OCF_TR_NOCHECK, &t), OCF_CRITICAL);
	assert_non_null(strstr(t.detail,
	    "systemctl start 'openclaw' failed (exit 1)"));
	/* what was (half) started is stopped again */
	assert_string_equal(verbs(), "is-active start stop");
	load(&s);
	assert_int_equal(s.role, OCF_ROLE_FAILED);
	assert_non_null(strstr(s.last_error, "failed (exit 1)"));
	assert_string_equal(s.transition, "");
}

static void
promote_started_but_never_ready(void **state)
{
	struct ocf_transition t;
	struct ocf_state s;

	(void)state;
	r_active.rc = 3;
	r_start.rc = 0;		/* systemctl says started ... */
	/* ... but nothing answers at GATEWAY_URL: not promoted */
	assert_int_equal(ocf_promote(&cfg, OCF_TR_NOCHECK, &t), OCF_CRITICAL);
	assert_non_null(strstr(t.detail, "not ready after 0.3s"));
	assert_string_equal(verbs(), "is-active start stop");
	load(&s);
	assert_int_equal(s.role, OCF_ROLE_FAILED);
}

/* issue 10 case 8: a unit that fails at once is noticed at once, not
 * after READY_TIMEOUT; one that restarts on its own is waited for */
static void
promote_unit_fails_at_once(void **state)
{
	struct ocf_transition t;
	double t0;

	(void)state;
	r_active.rc = 3;
	r_start.rc = 0;
	cfg.ready_timeout = 30;
	unit_word = "failed\n";
	t0 = ocf_mono();
	assert_int_equal(ocf_promote(&cfg, OCF_TR_NOCHECK, &t), OCF_CRITICAL);
	assert_true(ocf_mono() - t0 < 10);
	assert_non_null(strstr(t.detail, "gateway unit"));
	assert_non_null(strstr(t.detail, "failed before it was ready"));

	unit_word = "activating\n";	/* auto-restart: keep waiting */
	cfg.ready_timeout = 0.3;
	assert_int_equal(ocf_promote(&cfg, OCF_TR_NOCHECK, &t), OCF_CRITICAL);
	assert_non_null(strstr(t.detail, "not ready after 0.3s"));
	unit_word = NULL;
}

/* a gateway that answers every request 200 ready, on 127.0.0.1 */
static int srv_fd = -1;
static volatile int srv_stop;

static void *
serve(void *arg)
{
	static const char body[] =
	    "{\"ready\":true,\"failing\":[],\"ok\":true,\"status\":\"live\"}";
	char resp[512];
	int rlen = snprintf(resp, sizeof(resp), "HTTP/1.1 200 OK\r\n"
	    "Content-Type: application/json\r\nConnection: close\r\n"
	    "Content-Length: %zu\r\n\r\n%s", sizeof(body) - 1, body);

	(void)arg;
	while (!srv_stop) {
		struct pollfd p = { .fd = srv_fd, .events = POLLIN };
		char buf[4096];
		int fd;

		if (poll(&p, 1, 50) <= 0)
			continue;
		if ((fd = accept(srv_fd, NULL, NULL)) == -1)
			continue;
		p.fd = fd;
		if ((unit_up || stray) && poll(&p, 1, 1000) > 0 &&
		    read(fd, buf, sizeof(buf)) > 0 &&
		    write(fd, resp, (size_t)rlen) < 0)
			(void)0;
		close(fd);
	}
	return NULL;
}

static void
promote_ready_then_demote(void **state)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	socklen_t alen = sizeof(a);
	struct ocf_transition t;
	struct ocf_state s;
	pthread_t th;
	char url[64], err[OCF_ERRLEN];

	(void)state;
	srv_fd = socket(AF_INET, SOCK_STREAM, 0);
	assert_true(srv_fd >= 0);
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(srv_fd, (struct sockaddr *)&a, sizeof(a)), 0);
	assert_int_equal(listen(srv_fd, 16), 0);
	assert_int_equal(getsockname(srv_fd, (struct sockaddr *)&a, &alen), 0);
	snprintf(url, sizeof(url), "http://127.0.0.1:%d", ntohs(a.sin_port));
	set("GATEWAY_URL", url);
	assert_int_equal(ocf_config_finish(&cfg, 0, err, sizeof(err)), 0);
	srv_stop = 0;
	assert_int_equal(pthread_create(&th, NULL, serve, NULL), 0);

	r_active.rc = 3;
	assert_int_equal(ocf_promote(&cfg, OCF_TR_NOCHECK, &t), OCF_OK);
	assert_true(t.changed);
	assert_string_equal(verbs(), "is-active start");
	load(&s);
	assert_int_equal(s.role, OCF_ROLE_ACTIVE);
	assert_int_equal(s.transitions, 1);

	/* active, unit active, ready: nothing is started again */
	ncalls = 0;
	r_active.rc = 0;
	assert_int_equal(ocf_promote(&cfg, OCF_TR_NOCHECK, &t), OCF_OK);
	assert_string_equal(t.detail, "already active");
	assert_string_equal(verbs(), "is-active");

	/* active, but the unit is inactive (it died): started again */
	ncalls = 0;
	r_active.rc = 3;
	unit_up = 0;
	assert_int_equal(ocf_promote(&cfg, OCF_TR_NOCHECK, &t), OCF_OK);
	assert_string_equal(verbs(), "is-active start");

	/* systemctl stop says done, but a gateway still answers */
	ncalls = 0;
	r_active.rc = 0;
	stray = 1;
	assert_int_equal(ocf_demote(&cfg, 0, &t), OCF_CRITICAL);
	assert_non_null(strstr(t.detail, "still answers"));
	load(&s);
	assert_int_equal(s.role, OCF_ROLE_FAILED);

	srv_stop = 1;
	stray = 0;
	pthread_join(th, NULL);
	close(srv_fd);
	srv_fd = -1;

	/* now it is gone: standby */
	ncalls = 0;
	assert_int_equal(ocf_demote(&cfg, 0, &t), OCF_OK);
	assert_string_equal(verbs(), "stop");
	load(&s);
	assert_int_equal(s.role, OCF_ROLE_STANDBY);
	assert_int_equal(non_systemctl, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(start_argv, setup, teardown),
		cmocka_unit_test_setup_teardown(start_service_override, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(start_exit_1, setup, teardown),
		cmocka_unit_test_setup_teardown(start_timeout, setup, teardown),
		cmocka_unit_test_setup_teardown(start_not_run, setup, teardown),
		cmocka_unit_test_setup_teardown(stop_argv, setup, teardown),
		cmocka_unit_test_setup_teardown(stop_results, setup, teardown),
		cmocka_unit_test_setup_teardown(running_argv_and_results, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(demote_stops_the_unit, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(demote_standby_stopped_is_a_no_op,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(
		    demote_active_stops_whatever_is_active_says, setup, teardown),
		cmocka_unit_test_setup_teardown(demote_stop_fails, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(demote_stop_times_out, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(promote_start_fails, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(promote_started_but_never_ready,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(promote_unit_fails_at_once,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(promote_ready_then_demote, setup,
		    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
