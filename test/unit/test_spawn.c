/*
 * lib/spawn.c against real processes: /bin/sh, sleep, env, id and friends
 * are the test subjects.  Every wait is bounded; a long-running subject
 * sleeps 30 s at most, so a failed test leaves nothing behind for long.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmdline.h"
#include "proc.h"
#include "spawn.h"
#include "timeutil.h"

static char tmpdir[] = "/tmp/ocf-test-spawn.XXXXXX";

static void
tpath(char *buf, size_t len, const char *name)
{
	assert_true(snprintf(buf, len, "%s/%s", tmpdir, name) < (int)len);
}

/* whole file into buf, NUL-terminated; -1 when it cannot be read */
static int
slurp(const char *path, char *buf, size_t size)
{
	size_t got = 0;
	ssize_t n;
	int fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return -1;
	while (got + 1 < size && (n = read(fd, buf + got, size - 1 - got)) > 0)
		got += (size_t)n;
	close(fd);
	buf[got] = '\0';
	return (int)got;
}

static void
write_file(const char *path, const char *text, mode_t mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);

	assert_true(fd != -1);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	assert_int_equal(close(fd), 0);
	assert_int_equal(chmod(path, mode), 0);
}

/*
 * ocf_run argv with stdout and stderr into a fresh log; the log's text
 * into out.  Returns ocf_run's result.
 */
static int
run_out(char *const argv[], struct ocf_spawn_opts *o, char *out,
    size_t outlen)
{
	struct ocf_spawn_opts none = { 0 };
	char log[256], err[256] = "";
	int rc;

	if (o == NULL)
		o = &none;
	tpath(log, sizeof(log), "run.log");
	unlink(log);
	o->log_path = log;
	rc = ocf_run(argv, o, 10, err, sizeof(err));
	o->log_path = NULL;
	if (rc == -1)
		print_message("ocf_run: %s\n", err);
	if (slurp(log, out, outlen) == -1)
		out[0] = '\0';
	return rc;
}

/* bounded wait until the group has want live members */
static int
wait_count(pid_t pgid, int want)
{
	double deadline = ocf_mono() + 5;

	while (ocf_pgrp_count(pgid) != want) {
		if (ocf_mono() > deadline)
			return -1;
		ocf_sleep(0.01);
	}
	return 0;
}

/* no child of ours left unreaped */
static void
assert_no_children(void)
{
	errno = 0;
	assert_int_equal(waitpid(-1, NULL, WNOHANG), -1);
	assert_int_equal(errno, ECHILD);
}

static int
rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static int
setup(void **state)
{
	(void)state;
	if (mkdtemp(tmpdir) == NULL)
		return -1;
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	return nftw(tmpdir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

static void
test_exit_codes(void **state)
{
	char *t[] = { "/bin/true", NULL };
	char *f[] = { "/bin/false", NULL };
	char *e7[] = { "/bin/sh", "-c", "exit 7", NULL };
	char *e255[] = { "/bin/sh", "-c", "exit 255", NULL };
	char *sig[] = { "/bin/sh", "-c", "kill -TERM $$", NULL };
	char err[256];

	(void)state;
	assert_int_equal(ocf_run(t, NULL, 10, err, sizeof(err)), 0);
	assert_int_equal(ocf_run(f, NULL, 10, err, sizeof(err)), 1);
	assert_int_equal(ocf_run(e7, NULL, 10, err, sizeof(err)), 7);
	assert_int_equal(ocf_run(e255, NULL, 10, err, sizeof(err)), 255);
	assert_int_equal(ocf_run(sig, NULL, 10, err, sizeof(err)),
	    128 + SIGTERM);
	assert_no_children();
}

static void
test_bad_argv(void **state)
{
	char *empty[] = { "", NULL };
	char *none[] = { NULL };
	char err[256];

	(void)state;
	err[0] = '\0';
	assert_int_equal(ocf_spawn(NULL, NULL, err, sizeof(err)), -1);
	assert_string_equal(err, "empty command");
	err[0] = '\0';
	assert_int_equal(ocf_spawn(none, NULL, err, sizeof(err)), -1);
	assert_string_equal(err, "empty command");
	err[0] = '\0';
	assert_int_equal(ocf_spawn(empty, NULL, err, sizeof(err)), -1);
	assert_string_equal(err, "empty command");
	/* no err buffer is allowed */
	assert_int_equal(ocf_spawn(empty, NULL, NULL, 0), -1);
	assert_no_children();
}

static void
test_exec_failure(void **state)
{
	char *nf[] = { "ocf-no-such-program-q7", NULL };
	char *abs[] = { "/nonexistent/ocf-q7", "x", NULL };
	/* ours may hold a directory we cannot search (EACCES) */
	const char *env[] = { "PATH=/nonexistent:/usr/bin:/bin", NULL };
	struct ocf_spawn_opts o = { .env = env };
	char err[256];

	(void)state;
	err[0] = '\0';
	assert_int_equal(ocf_spawn(nf, &o, err, sizeof(err)), -1);
	assert_string_equal(err,
	    "unable to run 'ocf-no-such-program-q7': No such file or directory");
	err[0] = '\0';
	assert_int_equal(ocf_spawn(abs, NULL, err, sizeof(err)), -1);
	assert_string_equal(err,
	    "unable to run '/nonexistent/ocf-q7': No such file or directory");
	err[0] = '\0';
	assert_int_equal(ocf_run(nf, &o, 5, err, sizeof(err)), -1);
	assert_string_equal(err,
	    "unable to run 'ocf-no-such-program-q7': No such file or directory");
	/* the failed child was reaped, not left a zombie */
	assert_no_children();
}

static void
test_exec_not_runnable(void **state)
{
	char noexec[256], script[256], marker[256], path[300], err[256];
	char text[600];
	char *a1[] = { "ocf-noexec", NULL };
	char *a2[] = { script, NULL };
	const char *env[] = { path, NULL };
	struct ocf_spawn_opts o = { .env = env };
	struct stat st;

	(void)state;
	tpath(noexec, sizeof(noexec), "ocf-noexec");
	tpath(script, sizeof(script), "noshebang");
	tpath(marker, sizeof(marker), "marker");
	write_file(noexec, "#!/bin/sh\nexit 0\n", 0644);
	snprintf(path, sizeof(path), "PATH=/nonexistent:%s", tmpdir);
	err[0] = '\0';
	assert_int_equal(ocf_spawn(a1, &o, err, sizeof(err)), -1);
	assert_string_equal(err, "unable to run 'ocf-noexec': Permission denied");

	/* no "#!": execvp would hand it to /bin/sh; we must not */
	snprintf(text, sizeof(text), "echo x > %s\n", marker);
	write_file(script, text, 0755);
	err[0] = '\0';
	assert_int_equal(ocf_spawn(a2, NULL, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "Exec format error"));
	assert_int_equal(stat(marker, &st), -1);
	assert_no_children();
}

static void
test_path_lookup(void **state)
{
	char script[256], path[300], out[256], err[256];
	char *t[] = { "true", NULL };
	char *mine[] = { "ocf-mine", "arg1", NULL };
	const char *env1[] = { "PATH=/nonexistent::/bin", NULL };
	const char *env2[] = { path, NULL };
	const char *env3[] = { "PATH=/nonexistent", NULL };
	const char *env4[] = { "PATH=::", NULL };
	struct ocf_spawn_opts o = { 0 };

	(void)state;
	tpath(script, sizeof(script), "ocf-mine");
	write_file(script, "#!/bin/sh\necho \"mine $1\"\n", 0755);
	snprintf(path, sizeof(path), "PATH=/nonexistent:%s:/bin", tmpdir);

	assert_int_equal(ocf_run(t, NULL, 10, err, sizeof(err)), 0);
	o.env = env1;
	assert_int_equal(ocf_run(t, &o, 10, err, sizeof(err)), 0);
	/* looked up in the child's PATH, not ours */
	o.env = env2;
	assert_int_equal(run_out(mine, &o, out, sizeof(out)), 0);
	assert_string_equal(out, "mine arg1\n");
	o.env = env3;
	err[0] = '\0';
	assert_int_equal(ocf_run(t, &o, 10, err, sizeof(err)), -1);
	assert_string_equal(err, "unable to run 'true': No such file or directory");
	/* empty elements are not ".", so nothing is searched */
	o.env = env4;
	err[0] = '\0';
	assert_int_equal(ocf_run(t, &o, 10, err, sizeof(err)), -1);
	assert_string_equal(err, "unable to run 'true': No such file or directory");
	assert_no_children();
}

static const char *
next_line(const char *p)
{
	p += strcspn(p, "\n");
	return *p != '\0' ? p + 1 : p;
}

/* the value of NAME in env(1) output, or NULL; *count how often */
static const char *
env_value(const char *out, const char *name, int *count)
{
	static char val[256];
	size_t nl = strlen(name);
	const char *p, *found = NULL;

	*count = 0;
	for (p = out; *p != '\0'; p = next_line(p)) {
		if (strncmp(p, name, nl) == 0 && p[nl] == '=') {
			size_t vl = strcspn(p + nl + 1, "\n");

			snprintf(val, sizeof(val), "%.*s", (int)vl, p + nl + 1);
			found = val;
			(*count)++;
		}
	}
	return found;
}

static void
test_env_inherit_add_replace(void **state)
{
	char out[16384];
	char *env_argv[] = { "env", NULL };
	const char *add[] = { "OCF_T_NEW=new", "OCF_T_KEEP=replaced",
	    "OCF_T_EMPTY=", NULL };
	struct ocf_spawn_opts o = { 0 };
	int n;

	(void)state;
	assert_int_equal(setenv("OCF_T_KEEP", "kept", 1), 0);
	assert_int_equal(run_out(env_argv, &o, out, sizeof(out)), 0);
	assert_string_equal(env_value(out, "OCF_T_KEEP", &n), "kept");
	assert_int_equal(n, 1);
	assert_null(env_value(out, "OCF_T_NEW", &n));

	o.env = add;
	assert_int_equal(run_out(env_argv, &o, out, sizeof(out)), 0);
	assert_string_equal(env_value(out, "OCF_T_KEEP", &n), "replaced");
	assert_int_equal(n, 1);
	assert_string_equal(env_value(out, "OCF_T_NEW", &n), "new");
	assert_int_equal(n, 1);
	assert_string_equal(env_value(out, "OCF_T_EMPTY", &n), "");
	/* ours is untouched */
	assert_string_equal(getenv("OCF_T_KEEP"), "kept");
	unsetenv("OCF_T_KEEP");
}

static void
test_env_clean(void **state)
{
	static const char *allowed[] = { "PATH", "HOME", "USER", "LOGNAME",
	    "LANG", "TZ", "OCF_T_EXTRA", NULL };
	char out[16384], *saved;
	char *env_argv[] = { "env", NULL };
	const char *add[] = { "OCF_T_EXTRA=1", NULL };
	struct ocf_spawn_opts o = { .clean_env = 1, .env = add };
	const char *p;
	int n, lines = 0;
	size_t i;

	(void)state;
	assert_int_equal(setenv("OCF_T_LEAK", "1", 1), 0);
	assert_int_equal(setenv("LANG", "C.UTF-8", 1), 0);
	assert_int_equal(run_out(env_argv, &o, out, sizeof(out)), 0);
	assert_null(env_value(out, "OCF_T_LEAK", &n));
	assert_string_equal(env_value(out, "OCF_T_EXTRA", &n), "1");
	assert_string_equal(env_value(out, "LANG", &n), "C.UTF-8");
	assert_string_equal(env_value(out, "PATH", &n), getenv("PATH"));
	for (p = out; *p != '\0'; p = next_line(p), lines++) {
		for (i = 0; allowed[i] != NULL; i++)
			if (strncmp(p, allowed[i], strlen(allowed[i])) == 0 &&
			    p[strlen(allowed[i])] == '=')
				break;
		if (allowed[i] == NULL)
			fail_msg("unexpected variable: %.*s",
			    (int)strcspn(p, "\n"), p);
	}
	assert_true(lines >= 3);

	/* no PATH of ours: the child still gets a sane one */
	saved = strdup(getenv("PATH"));
	assert_non_null(saved);
	unsetenv("PATH");
	n = run_out(env_argv, &o, out, sizeof(out));
	assert_int_equal(setenv("PATH", saved, 1), 0);
	free(saved);
	assert_int_equal(n, 0);
	assert_string_equal(env_value(out, "PATH", &n),
	    "/usr/local/bin:/usr/bin:/bin");
	unsetenv("OCF_T_LEAK");
}

static void
test_env_invalid(void **state)
{
	char *t[] = { "/bin/true", NULL };
	const char *bad1[] = { "NOEQUALS", NULL };
	const char *bad2[] = { "=value", NULL };
	struct ocf_spawn_opts o = { .env = bad1 };
	char err[256];

	(void)state;
	err[0] = '\0';
	assert_int_equal(ocf_spawn(t, &o, err, sizeof(err)), -1);
	assert_string_equal(err, "invalid environment entry 'NOEQUALS'");
	o.env = bad2;
	err[0] = '\0';
	assert_int_equal(ocf_spawn(t, &o, err, sizeof(err)), -1);
	assert_string_equal(err, "invalid environment entry '=value'");
	assert_no_children();
}

static void
test_log_path(void **state)
{
	char log[256], bad[256], out[256], err[512];
	char *a[] = { "/bin/sh", "-c", "echo out; echo err >&2", NULL };
	struct ocf_spawn_opts o = { 0 };
	struct stat st;

	(void)state;
	tpath(log, sizeof(log), "append.log");
	o.log_path = log;
	assert_int_equal(ocf_run(a, &o, 10, err, sizeof(err)), 0);
	assert_int_equal(ocf_run(a, &o, 10, err, sizeof(err)), 0);
	assert_int_equal(slurp(log, out, sizeof(out)), 16);
	assert_string_equal(out, "out\nerr\nout\nerr\n");
	assert_int_equal(stat(log, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);

	tpath(bad, sizeof(bad), "no/such/dir.log");
	o.log_path = bad;
	err[0] = '\0';
	assert_int_equal(ocf_run(a, &o, 10, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "unable to open '"));
	assert_non_null(strstr(err, "no/such/dir.log': No such file or"));
	assert_no_children();
}

static void
test_stdin_is_devnull(void **state)
{
	char out[256];
	char *a[] = { "readlink", "/proc/self/fd/0", NULL };

	(void)state;
	assert_int_equal(run_out(a, NULL, out, sizeof(out)), 0);
	assert_string_equal(out, "/dev/null\n");
}

static void
test_fds_not_leaked(void **state)
{
	char out[256], a4[16], a5[16];
	char *a[] = { "/bin/sh", "-c",
	    "for n; do test -e /proc/self/fd/$n && echo $n; done; exit 0",
	    "sh", "0", "1", "2", a4, a5, NULL };
	int fd, hi;

	(void)state;
	/* deliberately without O_CLOEXEC: the child must close them */
	fd = open("/dev/null", O_RDONLY);
	assert_true(fd > 2);
	hi = dup2(fd, 200);
	assert_int_equal(hi, 200);
	snprintf(a4, sizeof(a4), "%d", fd);
	snprintf(a5, sizeof(a5), "%d", hi);
	assert_int_equal(run_out(a, NULL, out, sizeof(out)), 0);
	close(fd);
	close(hi);
	assert_string_equal(out, "0\n1\n2\n");
}

static unsigned long long
sigbit(int sig)
{
	return 1ULL << (sig - 1);
}

/* the hex mask after "Name:" in a /proc/PID/status text; ~0 if absent */
static unsigned long long
sigmask_of(const char *status, const char *name)
{
	const char *p = strstr(status, name);

	return p != NULL ? strtoull(p + strlen(name), NULL, 16) : ~0ULL;
}

static void
test_signals_reset(void **state)
{
	char out[8192];
	char *a[] = { "cat", "/proc/self/status", NULL };
	sigset_t set, old;
	struct sigaction ign, prev;
	int rc;

	(void)state;
	memset(&ign, 0, sizeof(ign));
	ign.sa_handler = SIG_IGN;
	sigemptyset(&ign.sa_mask);
	assert_int_equal(sigaction(SIGUSR1, &ign, &prev), 0);
	sigemptyset(&set);
	sigaddset(&set, SIGUSR2);
	assert_int_equal(sigprocmask(SIG_BLOCK, &set, &old), 0);
	rc = run_out(a, NULL, out, sizeof(out));
	sigprocmask(SIG_SETMASK, &old, NULL);
	sigaction(SIGUSR1, &prev, NULL);
	assert_int_equal(rc, 0);
	/* only our two signals: glibc's reserved 32 and 33 cannot be reset
	 * and arrive ignored when make runs the tests */
	assert_int_equal(sigmask_of(out, "SigBlk:") & sigbit(SIGUSR2), 0);
	assert_int_equal(sigmask_of(out, "SigIgn:") & sigbit(SIGUSR1), 0);
	assert_int_not_equal(sigmask_of(out, "SigCgt:"), ~0ULL);
}

static void
test_new_session(void **state)
{
	char *a[] = { "sleep", "30", NULL };
	struct ocf_spawn_opts o = { .new_session = 1 };
	char err[256];
	pid_t pid;
	int st;

	(void)state;
	pid = ocf_spawn(a, &o, err, sizeof(err));
	assert_true(pid > 0);
	assert_int_equal(getpgid(pid), pid);
	assert_int_equal(getsid(pid), pid);
	assert_int_equal(ocf_pgrp_count(pid), 1);
	assert_int_equal(ocf_pgrp_stop(pid, 5), 0);
	assert_int_equal(ocf_pgrp_count(pid), 0);

	/* without it the child stays in our group */
	o.new_session = 0;
	pid = ocf_spawn(a, &o, err, sizeof(err));
	assert_true(pid > 0);
	assert_int_equal(getpgid(pid), getpgrp());
	assert_int_equal(getsid(pid), getsid(0));
	assert_int_equal(kill(pid, SIGKILL), 0);
	assert_int_equal(ocf_wait(pid, 5, &st), 0);
	assert_true(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);
	assert_no_children();
}

static void
test_cwd(void **state)
{
	char out[512], want[300], err[256];
	char *a[] = { "/bin/pwd", NULL };
	struct ocf_spawn_opts o = { .cwd = tmpdir };

	(void)state;
	assert_int_equal(run_out(a, &o, out, sizeof(out)), 0);
	snprintf(want, sizeof(want), "%s\n", tmpdir);
	assert_string_equal(out, want);
	o.cwd = "/nonexistent-ocf-q7";
	err[0] = '\0';
	assert_int_equal(ocf_spawn(a, &o, err, sizeof(err)), -1);
	assert_string_equal(err, "unable to change directory to "
	    "'/nonexistent-ocf-q7': No such file or directory");
	assert_no_children();
}

static void
on_alarm(int sig)
{
	(void)sig;
}

static void
test_wait(void **state)
{
	char *sl[] = { "sleep", "30", NULL };
	char *t[] = { "/bin/true", NULL };
	char *ex[] = { "/bin/sh", "-c", "exit 3", NULL };
	char err[256];
	double t0;
	pid_t pid;
	int st;

	(void)state;
	pid = ocf_spawn(sl, NULL, err, sizeof(err));
	assert_true(pid > 0);
	assert_int_equal(ocf_wait(pid, 0, &st), 1);
	assert_int_equal(ocf_wait(pid, NAN, &st), 1);
	t0 = ocf_mono();
	assert_int_equal(ocf_wait(pid, 0.2, &st), 1);
	assert_true(ocf_mono() - t0 >= 0.19);
	assert_true(ocf_mono() - t0 < 2);
	assert_int_equal(kill(pid, SIGKILL), 0);
	assert_int_equal(ocf_wait(pid, 5, &st), 0);
	assert_true(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);
	/* reaped: a second wait is an error, not a hang */
	assert_int_equal(ocf_wait(pid, 1, &st), -1);
	assert_int_equal(ocf_wait(pid, -1, &st), -1);
	assert_int_equal(ocf_wait(0, 1, &st), -1);
	assert_int_equal(ocf_wait(-1, 1, &st), -1);
	/* not our child */
	assert_int_equal(ocf_wait(getppid(), 0.1, &st), -1);

	/* a quick child is seen quickly, with and without a timeout */
	pid = ocf_spawn(ex, NULL, err, sizeof(err));
	assert_true(pid > 0);
	t0 = ocf_mono();
	assert_int_equal(ocf_wait(pid, 10, &st), 0);
	assert_true(ocf_mono() - t0 < 2);
	assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 3);
	pid = ocf_spawn(t, NULL, err, sizeof(err));
	assert_true(pid > 0);
	assert_int_equal(ocf_wait(pid, -1, NULL), 0);
	assert_no_children();
}

static void
test_wait_eintr(void **state)
{
	char *sl[] = { "sleep", "0.3", NULL };
	struct itimerval it = { { 0, 5000 }, { 0, 5000 } }, off = { 0 };
	struct sigaction sa, prev;
	char err[256];
	pid_t pid;
	int st = -1, r1, r2;

	(void)state;
	/* no SA_RESTART: every tick interrupts whatever we block in */
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_alarm;
	sigemptyset(&sa.sa_mask);
	assert_int_equal(sigaction(SIGALRM, &sa, &prev), 0);
	assert_int_equal(setitimer(ITIMER_REAL, &it, NULL), 0);
	pid = ocf_spawn(sl, NULL, err, sizeof(err));
	r1 = pid > 0 ? ocf_wait(pid, -1, &st) : -9;
	pid = ocf_spawn(sl, NULL, err, sizeof(err));
	r2 = pid > 0 ? ocf_wait(pid, 10, &st) : -9;
	setitimer(ITIMER_REAL, &off, NULL);
	sigaction(SIGALRM, &prev, NULL);
	assert_int_equal(r1, 0);
	assert_int_equal(r2, 0);
	assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	assert_no_children();
}

static pid_t
read_pid(const char *path)
{
	char buf[32];

	if (slurp(path, buf, sizeof(buf)) <= 0)
		return -1;
	return (pid_t)atol(buf);
}

static void
test_run_timeout(void **state)
{
	char pidfile[256], cmd[400], err[256];
	char *a[] = { "/bin/sh", "-c", cmd, NULL };
	double t0, dt;
	pid_t pg;

	(void)state;
	tpath(pidfile, sizeof(pidfile), "run.pid");
	snprintf(cmd, sizeof(cmd), "echo $$ > %s; sleep 30 & sleep 30",
	    pidfile);
	t0 = ocf_mono();
	err[0] = '\0';
	assert_int_equal(ocf_run(a, NULL, 0.5, err, sizeof(err)), -2);
	dt = ocf_mono() - t0;
	assert_true(dt >= 0.49);
	assert_true(dt < 2.4);
	assert_non_null(strstr(err, "timed out"));
	pg = read_pid(pidfile);
	assert_true(pg > 1);
	/* the grandchildren went too */
	assert_int_equal(ocf_pgrp_count(pg), 0);
	assert_no_children();
}

static void
test_run_timeout_term_ignored(void **state)
{
	char pidfile[256], cmd[400], err[256];
	char *a[] = { "/bin/sh", "-c", cmd, NULL };
	double t0, dt;
	pid_t pg;

	(void)state;
	tpath(pidfile, sizeof(pidfile), "run2.pid");
	snprintf(cmd, sizeof(cmd),
	    "trap '' TERM; echo $$ > %s; sleep 30 & wait", pidfile);
	t0 = ocf_mono();
	assert_int_equal(ocf_run(a, NULL, 0.3, err, sizeof(err)), -2);
	dt = ocf_mono() - t0;
	/* 0.3 s, then 2 s of SIGTERM grace, then SIGKILL */
	assert_true(dt >= 2.2);
	assert_true(dt < 5);
	pg = read_pid(pidfile);
	assert_true(pg > 1);
	assert_int_equal(ocf_pgrp_count(pg), 0);
	assert_no_children();
}

static void
test_pgrp_stop_term(void **state)
{
	char *a[] = { "/bin/sh", "-c", "sleep 30 & sleep 30", NULL };
	struct ocf_spawn_opts o = { .new_session = 1 };
	char err[256];
	double t0;
	pid_t pid;

	(void)state;
	pid = ocf_spawn(a, &o, err, sizeof(err));
	assert_true(pid > 0);
	assert_int_equal(wait_count(pid, 3), 0);
	t0 = ocf_mono();
	assert_int_equal(ocf_pgrp_stop(pid, 5), 0);
	assert_true(ocf_mono() - t0 < 2);
	/* (orphaned members may linger as zombies until init reaps them:
	 * they count as gone) */
	assert_int_equal(ocf_pgrp_count(pid), 0);
	/* the leader was our child and has been reaped */
	assert_no_children();
}

static void
test_pgrp_stop_kill(void **state)
{
	char *a[] = { "/bin/sh", "-c", "trap '' TERM; sleep 30 & wait", NULL };
	struct ocf_spawn_opts o = { .new_session = 1 };
	char err[256];
	double t0, dt;
	pid_t pid;

	(void)state;
	pid = ocf_spawn(a, &o, err, sizeof(err));
	assert_true(pid > 0);
	/* the sleep exists only once the trap is set */
	assert_int_equal(wait_count(pid, 2), 0);
	t0 = ocf_mono();
	assert_int_equal(ocf_pgrp_stop(pid, 0.3), 1);
	dt = ocf_mono() - t0;
	assert_true(dt >= 0.29);
	assert_true(dt < 3);
	assert_int_equal(ocf_pgrp_count(pid), 0);
	assert_no_children();
}

static void
test_pgrp_stop_stopped(void **state)
{
	char *a[] = { "sleep", "30", NULL };
	struct ocf_spawn_opts o = { .new_session = 1 };
	char err[256];
	pid_t pid;

	(void)state;
	/* a SIGSTOPped group still ends on SIGTERM, without SIGKILL */
	pid = ocf_spawn(a, &o, err, sizeof(err));
	assert_true(pid > 0);
	assert_int_equal(kill(pid, SIGSTOP), 0);
	assert_int_equal(ocf_pgrp_stop(pid, 3), 0);
	assert_int_equal(ocf_pgrp_count(pid), 0);
	assert_no_children();
}

static void
test_pgrp_stop_gone_and_zombie(void **state)
{
	char *t[] = { "/bin/true", NULL };
	char *z[] = { "/bin/sh", "-c", "sleep 30 & exit 0", NULL };
	struct ocf_spawn_opts o = { .new_session = 1 };
	siginfo_t si;
	char err[256];
	pid_t pid;

	(void)state;
	pid = ocf_spawn(t, &o, err, sizeof(err));
	assert_true(pid > 0);
	assert_int_equal(ocf_wait(pid, 5, NULL), 0);
	assert_int_equal(ocf_pgrp_stop(pid, 1), 0);

	/* a zombie leader counts as gone, but is reaped */
	pid = ocf_spawn(z, &o, err, sizeof(err));
	assert_true(pid > 0);
	memset(&si, 0, sizeof(si));
	assert_int_equal(waitid(P_PID, (id_t)pid, &si, WEXITED | WNOWAIT), 0);
	assert_int_equal(si.si_pid, pid);
	assert_int_equal(wait_count(pid, 1), 0);
	assert_int_equal(ocf_pgrp_stop(pid, 5), 0);
	assert_int_equal(ocf_pgrp_count(pid), 0);
	assert_no_children();

	/* never our own group or everyone */
	assert_int_equal(ocf_pgrp_stop(0, 1), -1);
	assert_int_equal(ocf_pgrp_stop(1, 1), -1);
	assert_int_equal(ocf_pgrp_stop(-1, 1), -1);
	assert_int_equal(ocf_pgrp_count(0), 0);
	assert_int_equal(ocf_pgrp_count(-1), 0);
}

static void
test_proc_start_time(void **state)
{
	char *a[] = { "sleep", "30", NULL };
	unsigned long long self1 = 0, self2 = 0, kid = 0, z = 0;
	siginfo_t si;
	char err[256];
	pid_t pid;

	(void)state;
	assert_int_equal(ocf_proc_start_time(getpid(), &self1), 0);
	assert_int_equal(ocf_proc_start_time(getpid(), &self2), 0);
	assert_true(self1 > 0);
	assert_true(self1 == self2);
	assert_true(ocf_proc_same(getpid(), self1));
	assert_false(ocf_proc_same(getpid(), self1 + 1));
	/* start times tick at 100 Hz: make sure a tick passes */
	ocf_sleep(0.05);
	pid = ocf_spawn(a, NULL, err, sizeof(err));
	assert_true(pid > 0);
	assert_int_equal(ocf_proc_start_time(pid, &kid), 0);
	assert_true(kid > self1);
	assert_true(ocf_proc_same(pid, kid));

	/* a zombie still has a start time but is not "the same" */
	assert_int_equal(kill(pid, SIGKILL), 0);
	memset(&si, 0, sizeof(si));
	assert_int_equal(waitid(P_PID, (id_t)pid, &si, WEXITED | WNOWAIT), 0);
	assert_int_equal(ocf_proc_start_time(pid, &z), 0);
	assert_true(z == kid);
	assert_false(ocf_proc_same(pid, kid));
	assert_int_equal(ocf_wait(pid, 5, NULL), 0);
	assert_int_equal(ocf_proc_start_time(pid, &z), -1);
	assert_false(ocf_proc_same(pid, kid));

	assert_int_equal(ocf_proc_start_time(0, &z), -1);
	assert_int_equal(ocf_proc_start_time(-1, &z), -1);
	assert_int_equal(ocf_proc_start_time(0x3fffffff, &z), -1);
	assert_false(ocf_proc_same(0x3fffffff, kid));
	assert_no_children();
}

static void
test_proc_weird_comm(void **state)
{
	char link[256], comm[64], cpath[64], err[256];
	char *a[] = { link, "30", NULL };
	struct ocf_spawn_opts o = { .new_session = 1 };
	unsigned long long self = 0, kid = 0;
	pid_t pid;

	(void)state;
	/* a first-')' parser would read state 'Z' and a bogus pgrp */
	tpath(link, sizeof(link), ") Z 1 2 (x");
	assert_int_equal(symlink("/bin/sleep", link), 0);
	pid = ocf_spawn(a, &o, err, sizeof(err));
	assert_true(pid > 0);
	snprintf(cpath, sizeof(cpath), "/proc/%ld/comm", (long)pid);
	assert_true(slurp(cpath, comm, sizeof(comm)) > 0);
	assert_string_equal(comm, ") Z 1 2 (x\n");
	assert_int_equal(ocf_proc_start_time(getpid(), &self), 0);
	assert_int_equal(ocf_proc_start_time(pid, &kid), 0);
	assert_true(kid >= self);
	assert_true(ocf_proc_same(pid, kid));
	assert_int_equal(ocf_pgrp_count(pid), 1);
	assert_int_equal(ocf_pgrp_stop(pid, 5), 0);
	assert_false(ocf_proc_same(pid, kid));
	assert_no_children();
}

struct split_case {
	const char	*line;
	const char	*words[10];	/* NULL-terminated; { NULL } on error */
	const char	*err;		/* NULL when it must succeed */
};

static const struct split_case split_cases[] = {
	{ "a", { "a" }, NULL },
	{ "  openclaw gateway  run ", { "openclaw", "gateway", "run" },
	    NULL },
	{ "a\tb\nc\rd", { "a", "b", "c", "d" }, NULL },
	{ "\"a b\" 'c d'", { "a b", "c d" }, NULL },
	{ "a\"b c\"d", { "ab cd" }, NULL },
	{ "x'y z'\"w\"v", { "xy zwv" }, NULL },
	{ "\"\" ''", { "", "" }, NULL },
	{ "a \"\"", { "a", "" }, NULL },
	{ "\"say \\\"hi\\\"\"", { "say \"hi\"" }, NULL },
	{ "\"back\\\\slash\"", { "back\\slash" }, NULL },
	{ "\"l1\\nl2\\tx\"", { "l1\nl2\tx" }, NULL },
	{ "'no \\n escape'", { "no \\n escape" }, NULL },
	{ "'it\"s'", { "it\"s" }, NULL },
	{ "\"it's\"", { "it's" }, NULL },
	{ "a\\ b c", { "a b", "c" }, NULL },
	/* C escapes work outside quotes too, as in systemd */
	{ "a\\nb x\\sy \\q", { "a\nb", "x y", "q" }, NULL },
	{ "\\\"q\\\"", { "\"q\"" }, NULL },
	{ "\\'", { "'" }, NULL },
	{ "\\\\", { "\\" }, NULL },
	{ "\\$HOME *.txt ~ $(x) `y` ; | &", { "$HOME", "*.txt", "~", "$(x)",
	    "`y`", ";", "|", "&" }, NULL },
	{ "--opt=\"a b\"", { "--opt=a b" }, NULL },
	{ "caf\xc3\xa9 \xff\xfe", { "caf\xc3\xa9", "\xff\xfe" }, NULL },
	{ "", { NULL }, "empty command" },
	{ "   \t\n ", { NULL }, "empty command" },
	{ "\"abc", { NULL }, "unterminated quote" },
	{ "'abc", { NULL }, "unterminated quote" },
	{ "a 'b\"c", { NULL }, "unterminated quote" },
	{ "a \"b\\\"", { NULL }, "unterminated quote" },
	{ "\"abc\\", { NULL }, "unterminated quote" },
	{ "abc\\", { NULL }, "trailing backslash" },
	{ "abc \\", { NULL }, "trailing backslash" },
};

static void
check_split(const struct split_case *c)
{
	char err[128], **v = (char **)1;
	size_t i;
	int r;

	err[0] = '\0';
	r = ocf_split_cmdline(c->line, &v, err, sizeof(err));
	if (c->err != NULL) {
		if (r != -1)
			fail_msg("'%s' should fail with %s", c->line, c->err);
		assert_null(v);
		assert_string_equal(err, c->err);
		return;
	}
	if (r != 0)
		fail_msg("'%s' failed: %s", c->line, err);
	assert_non_null(v);
	for (i = 0; c->words[i] != NULL; i++) {
		assert_non_null(v[i]);
		assert_string_equal(v[i], c->words[i]);
	}
	assert_null(v[i]);
	ocf_argv_free(v);
}

static void
test_split_table(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(split_cases) / sizeof(split_cases[0]); i++)
		check_split(&split_cases[i]);
}

static void
test_split_edges(void **state)
{
	char line[1025 * 2 + 1], err[128], **v = NULL;
	size_t i;

	(void)state;
	err[0] = '\0';
	assert_int_equal(ocf_split_cmdline(NULL, &v, err, sizeof(err)), -1);
	assert_string_equal(err, "empty command");
	assert_null(v);
	/* 1024 words fit, 1025 do not */
	for (i = 0; i < 1024; i++) {
		line[2 * i] = 'w';
		line[2 * i + 1] = ' ';
	}
	line[2 * 1024] = '\0';
	assert_int_equal(ocf_split_cmdline(line, &v, err, sizeof(err)), 0);
	assert_string_equal(v[1023], "w");
	assert_null(v[1024]);
	ocf_argv_free(v);
	line[2 * 1024] = 'w';
	line[2 * 1024 + 1] = '\0';
	assert_int_equal(ocf_split_cmdline(line, &v, err, sizeof(err)), -1);
	assert_null(v);
	assert_non_null(strstr(err, "too many words"));
	/* no err buffer is allowed */
	assert_int_equal(ocf_split_cmdline("'", &v, NULL, 0), -1);
	ocf_argv_free(NULL);
}

/* arbitrary bytes: either a sane argv or an error, never a crash */
static void
test_split_random(void **state)
{
	static const char alphabet[] = "ab \t\n\"'\\\\nt\xff";
	char line[64], err[128], **v;
	unsigned int seed = 12345;
	size_t i, total;
	int ok = 0, bad = 0, round;

	(void)state;
	for (round = 0; round < 20000; round++) {
		size_t len = (size_t)(rand_r(&seed) % (int)(sizeof(line) - 1));
		for (i = 0; i < len; i++)
			line[i] = round % 2 ? (char)(rand_r(&seed) % 255 + 1) :
			    alphabet[rand_r(&seed) % (int)(sizeof(alphabet) -
			    1)];
		line[len] = '\0';
		v = NULL;
		err[0] = '\0';
		if (ocf_split_cmdline(line, &v, err, sizeof(err)) == 0) {
			assert_non_null(v);
			assert_non_null(v[0]);
			for (i = 0, total = 0; v[i] != NULL; i++)
				total += strlen(v[i]);
			assert_true(total <= len);
			assert_true(i <= len);
			ocf_argv_free(v);
			ok++;
		} else {
			assert_null(v);
			assert_true(err[0] != '\0');
			bad++;
		}
	}
	/* both paths were exercised */
	assert_true(ok > 1000);
	assert_true(bad > 1000);
}

static void
test_user_switch(void **state)
{
	char out[512], want[300];
	char *uid[] = { "id", "-u", NULL };
	char *gids[] = { "id", "-G", NULL };
	char *envs[] = { "/bin/sh", "-c", "echo \"$HOME $USER $LOGNAME\"; pwd",
	    NULL };
	const char *home[] = { "HOME=/override", NULL };
	struct ocf_spawn_opts o = { .user = "nobody" };

	(void)state;
	if (geteuid() != 0)
		skip();
	assert_int_equal(run_out(uid, &o, out, sizeof(out)), 0);
	assert_string_equal(out, "65534\n");
	/* root's supplementary groups are gone */
	assert_int_equal(run_out(gids, &o, out, sizeof(out)), 0);
	assert_string_equal(out, "65534\n");
	/* nobody's home does not exist: "/" as login(1) would */
	assert_int_equal(run_out(envs, &o, out, sizeof(out)), 0);
	assert_string_equal(out, "/nonexistent nobody nobody\n/\n");
	o.cwd = "/tmp";
	o.env = home;
	assert_int_equal(run_out(envs, &o, out, sizeof(out)), 0);
	snprintf(want, sizeof(want), "/override nobody nobody\n/tmp\n");
	assert_string_equal(out, want);
	/* and with a clean environment */
	o.clean_env = 1;
	o.env = NULL;
	assert_int_equal(run_out(envs, &o, out, sizeof(out)), 0);
	assert_string_equal(out, "/nonexistent nobody nobody\n/tmp\n");
	assert_no_children();
}

static void
test_user_unknown(void **state)
{
	char *uid[] = { "id", "-u", NULL };
	struct ocf_spawn_opts o = { .user = "ocf-no-such-user-q7" };
	char out[64], want[64];

	(void)state;
	if (geteuid() == 0) {
		char err[256] = "";

		assert_int_equal(ocf_spawn(uid, &o, err, sizeof(err)), -1);
		assert_string_equal(err, "unknown user 'ocf-no-such-user-q7'");
		assert_no_children();
		return;
	}
	/* not root: the user is ignored and we run as ourselves */
	assert_int_equal(run_out(uid, &o, out, sizeof(out)), 0);
	snprintf(want, sizeof(want), "%ld\n", (long)geteuid());
	assert_string_equal(out, want);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_exit_codes),
		cmocka_unit_test(test_bad_argv),
		cmocka_unit_test(test_exec_failure),
		cmocka_unit_test(test_exec_not_runnable),
		cmocka_unit_test(test_path_lookup),
		cmocka_unit_test(test_env_inherit_add_replace),
		cmocka_unit_test(test_env_clean),
		cmocka_unit_test(test_env_invalid),
		cmocka_unit_test(test_log_path),
		cmocka_unit_test(test_stdin_is_devnull),
		cmocka_unit_test(test_fds_not_leaked),
		cmocka_unit_test(test_signals_reset),
		cmocka_unit_test(test_new_session),
		cmocka_unit_test(test_cwd),
		cmocka_unit_test(test_wait),
		cmocka_unit_test(test_wait_eintr),
		cmocka_unit_test(test_run_timeout),
		cmocka_unit_test(test_run_timeout_term_ignored),
		cmocka_unit_test(test_pgrp_stop_term),
		cmocka_unit_test(test_pgrp_stop_kill),
		cmocka_unit_test(test_pgrp_stop_stopped),
		cmocka_unit_test(test_pgrp_stop_gone_and_zombie),
		cmocka_unit_test(test_proc_start_time),
		cmocka_unit_test(test_proc_weird_comm),
		cmocka_unit_test(test_split_table),
		cmocka_unit_test(test_split_edges),
		cmocka_unit_test(test_split_random),
		cmocka_unit_test(test_user_switch),
		cmocka_unit_test(test_user_unknown),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
