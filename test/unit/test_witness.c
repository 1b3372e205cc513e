/*
 * Unit tests for WITNESS_URLS (witness.c): the counting rule, a pure
 * function, as a table; what the state's WITNESS becomes; and the asking
 * itself against sockets of this process on 127.0.0.1 (a closed port, a
 * listener that never accepts, one that answers 204), so the bound of
 * PROBE_TIMEOUT and the parallel asking are measured, not assumed.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "config.h"
#include "exitcode.h"
#include "probe.h"
#include "state.h"
#include "timeutil.h"
#include "witness.h"

static struct ocf_config cfg;

static int
setup(void **unused)
{
	(void)unused;
	ocf_config_defaults(&cfg);
	cfg.probe_timeout = 1;
	return 0;
}

static void
test_rule(void **unused)
{
	static const struct {
		int failure;
		enum ocf_witness w;
		const char *was;
		int counts;
		const char *word;
	} rows[] = {
		/* no witnesses: every check counts, as before */
		{ 1, OCF_WITNESS_OFF, "off", 1, "off" },
		{ 0, OCF_WITNESS_OFF, "none", 1, "off" },
		/* a failure counts when a witness answered */
		{ 1, OCF_WITNESS_REACHED, "off", 1, "ok" },
		{ 1, OCF_WITNESS_REACHED, "none", 1, "ok" },
		/* ... or the primary itself did (500, draining, not ready) */
		{ 1, OCF_WITNESS_PRIMARY, "none", 1, "ok" },
		{ 0, OCF_WITNESS_PRIMARY, "none", 1, "ok" },
		/* cut off: the failure does not count */
		{ 1, OCF_WITNESS_NONE, "ok", 0, "none" },
		{ 1, OCF_WITNESS_NONE, "none", 0, "none" },
		{ 1, OCF_WITNESS_NONE, "off", 0, "none" },
		/* our own error: nothing learnt, WITNESS as it was */
		{ 0, OCF_WITNESS_UNASKED, "none", 1, "none" },
		{ 0, OCF_WITNESS_UNASKED, "ok", 1, "ok" },
		{ 0, OCF_WITNESS_UNASKED, "off", 1, "ok" },
	};
	const char *word;

	(void)unused;
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		word = NULL;
		assert_int_equal(ocf_witness_rule(rows[i].failure, rows[i].w,
		    rows[i].was, &word), rows[i].counts);
		assert_non_null(word);
		assert_string_equal(word, rows[i].word);
	}
}

/* the state goes none and back; a check that does not count leaves the
 * counters to the caller (watch.c), the rule only says so */
static void
test_count_updates_state(void **unused)
{
	struct ocf_state s;

	(void)unused;
	ocf_state_init(&s);
	assert_string_equal(s.witness, "off");
	assert_int_equal(ocf_witness_count(&s, 1, OCF_WITNESS_REACHED), 1);
	assert_string_equal(s.witness, "ok");
	assert_int_equal(ocf_witness_count(&s, 1, OCF_WITNESS_NONE), 0);
	assert_string_equal(s.witness, "none");
	assert_int_equal(ocf_witness_count(&s, 1, OCF_WITNESS_NONE), 0);
	assert_string_equal(s.witness, "none");
	assert_int_equal(ocf_witness_count(&s, 0, OCF_WITNESS_PRIMARY), 1);
	assert_string_equal(s.witness, "ok");
	assert_int_equal(ocf_witness_count(&s, 1, OCF_WITNESS_OFF), 1);
	assert_string_equal(s.witness, "off");
}

/* a socket on 127.0.0.1, any port; listening or not */
static int
sock(int do_listen, int *port)
{
	struct sockaddr_in a;
	socklen_t len = sizeof(a);
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	assert_true(fd >= 0);
	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&a, &len), 0);
	*port = ntohs(a.sin_port);
	if (do_listen)
		assert_int_equal(listen(fd, 8), 0);
	return fd;
}

/* a child that answers every connection with 204, until killed */
static pid_t
answering(int fd)
{
	static const char ans[] = "HTTP/1.0 204 No Content\r\n\r\n";
	char buf[1024];
	pid_t pid = fork();
	int c;

	assert_true(pid >= 0);
	if (pid > 0)
		return pid;
	for (;;) {
		if ((c = accept(fd, NULL, NULL)) < 0)
			continue;
		if (read(c, buf, sizeof(buf)) > 0 &&
		    write(c, ans, sizeof(ans) - 1) < 0)
			_exit(1);
		close(c);
	}
}

static struct ocf_probe_result
result(int status, long ready_code)
{
	struct ocf_probe_result r;

	memset(&r, 0, sizeof(r));
	r.status = status;
	r.ready_code = ready_code;
	return r;
}

/* not asked: none set, the primary answered, our own error */
static void
test_ask_not_needed(void **unused)
{
	struct ocf_probe_result r;
	int port, fd = sock(0, &port);	/* closed: would say none */

	(void)unused;
	close(fd);
	r = result(OCF_CRITICAL, 0);
	assert_int_equal(ocf_witness_ask(&cfg, &r), OCF_WITNESS_OFF);
	snprintf(cfg.witness_urls, sizeof(cfg.witness_urls),
	    "http://127.0.0.1:%d/", port);
	r = result(OCF_OK, 200);
	assert_int_equal(ocf_witness_ask(&cfg, &r), OCF_WITNESS_PRIMARY);
	r = result(OCF_WARNING, 503);
	assert_int_equal(ocf_witness_ask(&cfg, &r), OCF_WITNESS_PRIMARY);
	r = result(OCF_CRITICAL, 500);
	assert_int_equal(ocf_witness_ask(&cfg, &r), OCF_WITNESS_PRIMARY);
	r = result(OCF_UNKNOWN, 0);
	assert_int_equal(ocf_witness_ask(&cfg, &r), OCF_WITNESS_UNASKED);
	r = result(OCF_CRITICAL, 0);
	assert_int_equal(ocf_witness_ask(&cfg, &r), OCF_WITNESS_NONE);
}

/* a witness that never answers costs PROBE_TIMEOUT, no more; one that
 * answers beside it ends the wait at once */
static void
test_ask_bounded_and_parallel(void **unused)
{
	struct ocf_probe_result r = result(OCF_CRITICAL, 0);
	int hport, aport, closed, hung = sock(1, &hport);
	int fd = sock(0, &closed), srv = sock(1, &aport);
	pid_t pid;
	double t0, took;

	(void)unused;
	close(fd);
	/* hung and closed: none, after PROBE_TIMEOUT */
	snprintf(cfg.witness_urls, sizeof(cfg.witness_urls),
	    "http://127.0.0.1:%d/, http://127.0.0.1:%d/", hport, closed);
	t0 = ocf_mono();
	assert_int_equal(ocf_witness_ask(&cfg, &r), OCF_WITNESS_NONE);
	took = ocf_mono() - t0;
	print_message("hung + closed: %.3f s (PROBE_TIMEOUT %g)\n", took,
	    cfg.probe_timeout);
	assert_true(took >= cfg.probe_timeout - 0.1);
	assert_true(took < cfg.probe_timeout + 0.5);

	/* hung first, then one that answers: reached, long before the hung
	 * one's time is up (a margin for a loaded machine, or valgrind) */
	cfg.probe_timeout = 3;
	pid = answering(srv);
	snprintf(cfg.witness_urls, sizeof(cfg.witness_urls),
	    "http://127.0.0.1:%d/,http://127.0.0.1:%d/status", hport, aport);
	t0 = ocf_mono();
	assert_int_equal(ocf_witness_ask(&cfg, &r), OCF_WITNESS_REACHED);
	took = ocf_mono() - t0;
	print_message("hung + answering: %.3f s\n", took);
	assert_true(took < cfg.probe_timeout - 1);
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	/* the children asking are all reaped */
	assert_int_equal(waitpid(-1, NULL, WNOHANG), -1);
	close(hung);
	close(srv);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_rule, setup),
		cmocka_unit_test_setup(test_count_updates_state, setup),
		cmocka_unit_test_setup(test_ask_not_needed, setup),
		cmocka_unit_test_setup(test_ask_bounded_and_parallel, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
