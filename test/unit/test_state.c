/*
 * Unit tests for lib/state.c, lib/atomic.c and lib/lock.c: the state file
 * format (parse/format round trip, safe to source from sh, torn and
 * mangled files rejected), load/save on disk, concurrent writers under the
 * lock, SIGKILL in the middle of a save, the lock itself, and the state
 * directory.  Every test works in its own mktemp directory, removed after.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "lock.h"
#include "state.h"
#include "timeutil.h"

#define TEXTMAX 16384

/* ---- fixtures ---- */

static int
rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	return flag == FTW_DP ? rmdir(path) : unlink(path);
}

static int
setup_dir(void **state)
{
	char *dir = strdup("/tmp/ocf-ut-state.XXXXXX");

	if (dir == NULL || mkdtemp(dir) == NULL) {
		free(dir);
		return -1;
	}
	*state = dir;
	return 0;
}

static int
teardown_dir(void **state)
{
	char *dir = *state;
	int r = nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);

	free(dir);
	return r == 0 ? 0 : -1;
}

static void
path_in(const char *dir, const char *name, char *buf, size_t len)
{
	assert_true((size_t)snprintf(buf, len, "%s/%s", dir, name) < len);
}

static void
write_file(const char *path, const char *text, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, len), (ssize_t)len);
	assert_int_equal(close(fd), 0);
}

static size_t
read_file(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY);
	ssize_t n;

	assert_true(fd >= 0);
	n = read(fd, buf, len - 1);
	assert_true(n >= 0);
	buf[n] = '\0';
	close(fd);
	return (size_t)n;
}

/* the names in dir other than . and .., sorted, space separated */
static void
list_dir(const char *dir, char *buf, size_t len)
{
	struct dirent **ents;
	int n = scandir(dir, &ents, NULL, alphasort);
	size_t at = 0;

	assert_true(n >= 0);
	buf[0] = '\0';
	for (int i = 0; i < n; i++) {
		if (strcmp(ents[i]->d_name, ".") != 0 &&
		    strcmp(ents[i]->d_name, "..") != 0 && at < len)
			at += (size_t)snprintf(buf + at, len - at, "%s%s",
			    at ? " " : "", ents[i]->d_name);
		free(ents[i]);
	}
	free(ents);
}

/* every field set, none to its default */
static void
full_state(struct ocf_state *s)
{
	ocf_state_init(s);
	s->role = OCF_ROLE_ACTIVE;
	s->maintenance = 1;
	s->latched = 1;
	snprintf(s->primary, sizeof(s->primary), "critical");
	s->fails = INT_MAX;
	s->rises = 7;
	s->last_probe = 1764075600.125;
	s->last_transition = 1764075000.5;
	s->transitions = LONG_MAX;
	snprintf(s->transition, sizeof(s->transition), "promote");
	s->transition_pid = 4194304;
	s->transition_pid_start = ULLONG_MAX;
	s->gateway_pid = 12345;
	s->gateway_start = 987654321;
	snprintf(s->last_error, sizeof(s->last_error),
	    "it's $(reboot) `reboot` \"q\" \\n ; | & < > * ? [a] ~ # end "
	    "'x''y' \x01\x1f\x7f\ntab\there\r$HOME ${PATH} \xc3\xa9");
	snprintf(s->flap_times, sizeof(s->flap_times),
	    "1764075000.5 1764075100.25");
	snprintf(s->pull, sizeof(s->pull), "warning");
	s->pull_at = 1.5;
	snprintf(s->push, sizeof(s->push), "ok");
	s->push_at = 0;
	snprintf(s->secrets, sizeof(s->secrets), "critical");
	s->secrets_at = 2.25;
	snprintf(s->sync_detail, sizeof(s->sync_detail),
	    "ahead 2, behind 3; diverged: 'MEMORY.md'");
}

/* what the format keeps of a string: control characters become '?' */
static void
sanitize(char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			*s = '?';
}

static long
format(const struct ocf_state *s, char *buf)
{
	long n = ocf_state_format(s, buf, TEXTMAX);

	assert_true(n > 0);
	assert_int_equal((size_t)n, strlen(buf));
	return n;
}

/* two states are equal when they format to the same text */
static int
same(const struct ocf_state *a, const struct ocf_state *b)
{
	static char ta[TEXTMAX], tb[TEXTMAX];

	format(a, ta);
	format(b, tb);
	return strcmp(ta, tb) == 0;
}

static int
parse_text(struct ocf_state *s, const char *text, size_t len, char *err)
{
	/* exactly len bytes on the heap, so valgrind sees a read past them */
	char *copy = malloc(len > 0 ? len : 1);
	int r;

	assert_non_null(copy);
	memcpy(copy, text, len);
	err[0] = '\0';
	r = ocf_state_parse(s, copy, len, err, OCF_STATE_ERRLEN);
	free(copy);
	return r;
}

/* ---- format and parse ---- */

static void
test_round_trip(void **state)
{
	struct ocf_state a, b;
	char text[TEXTMAX], err[OCF_STATE_ERRLEN], want[512];
	long n;

	(void)state;
	full_state(&a);
	n = format(&a, text);
	memset(&b, 0x5a, sizeof(b));
	if (parse_text(&b, text, (size_t)n, err) != 0)
		fail_msg("round trip rejected: %s", err);
	assert_int_equal(b.role, OCF_ROLE_ACTIVE);
	assert_int_equal(b.maintenance, 1);
	assert_int_equal(b.latched, 1);
	assert_string_equal(b.primary, "critical");
	assert_int_equal(b.fails, INT_MAX);
	assert_int_equal(b.rises, 7);
	assert_true(b.last_probe == 1764075600.125);
	assert_true(b.last_transition == 1764075000.5);
	assert_true(b.transitions == LONG_MAX);
	assert_string_equal(b.transition, "promote");
	assert_int_equal(b.transition_pid, 4194304);
	assert_true(b.transition_pid_start == ULLONG_MAX);
	assert_int_equal(b.gateway_pid, 12345);
	assert_true(b.gateway_start == 987654321ULL);
	snprintf(want, sizeof(want), "%s", a.last_error);
	sanitize(want);
	assert_string_equal(b.last_error, want);
	assert_string_equal(b.last_error, "it's $(reboot) `reboot` \"q\" \\n ; "
	    "| & < > * ? [a] ~ # end 'x''y' ????tab?here?$HOME ${PATH} \xc3\xa9");
	assert_string_equal(b.flap_times, "1764075000.5 1764075100.25");
	assert_string_equal(b.pull, "warning");
	assert_true(b.pull_at == 1.5);
	assert_string_equal(b.push, "ok");
	assert_true(b.push_at == 0);
	assert_string_equal(b.secrets, "critical");
	assert_true(b.secrets_at == 2.25);
	assert_string_equal(b.sync_detail,
	    "ahead 2, behind 3; diverged: 'MEMORY.md'");

	/* the text itself: header, quoting, trailer */
	assert_true(strncmp(text, "# ocf state", 11) == 0);
	assert_non_null(strstr(text, "\nVERSION='1'\n"));
	assert_non_null(strstr(text, "\nROLE='active'\n"));
	assert_non_null(strstr(text, "\nLAST_ERROR='it'\\''s $(reboot)"));
	assert_non_null(strstr(text, " '\\''x'\\'''\\''y'\\'' ????tab?here?"));
	assert_non_null(strstr(text, "\nTRANSITION_PID_START="
	    "'18446744073709551615'\n"));
	assert_true(n > 6 && strcmp(text + n - 6, "# end\n") == 0);
	/* every line but comments and the trailer is KEY='...' */
	for (const char *p = text; *p != '\0'; p = strchr(p, '\n') + 1) {
		const char *nl = strchr(p, '\n');

		assert_non_null(nl);
		if (*p == '#')
			continue;
		assert_true(strspn(p, "ABCDEFGHIJKLMNOPQRSTUVWXYZ_") > 0);
		assert_true(p[strspn(p, "ABCDEFGHIJKLMNOPQRSTUVWXYZ_")] == '=');
		assert_true(p[strspn(p, "ABCDEFGHIJKLMNOPQRSTUVWXYZ_") + 1] ==
		    '\'');
		assert_true(nl[-1] == '\'');
	}

	/* a parsed state formats back to the same text */
	{
		char again[TEXTMAX];

		format(&b, again);
		assert_string_equal(again, text);
	}
}

static void
test_round_trip_roles_and_init(void **state)
{
	static const enum ocf_role roles[] = { OCF_ROLE_STANDBY,
	    OCF_ROLE_ACTIVE, OCF_ROLE_FAILED };
	static const char *const names[] = { "standby", "active", "failed" };
	struct ocf_state a, b;
	char text[TEXTMAX], err[OCF_STATE_ERRLEN];
	enum ocf_role r;

	(void)state;
	for (int i = 0; i < 3; i++) {
		ocf_state_init(&a);
		a.role = roles[i];
		format(&a, text);
		assert_int_equal(parse_text(&b, text, strlen(text), err), 0);
		assert_int_equal(b.role, roles[i]);
		assert_string_equal(ocf_role_name(roles[i]), names[i]);
		assert_int_equal(ocf_role_parse(names[i], &r), 0);
		assert_int_equal(r, roles[i]);
		assert_true(same(&a, &b));
	}
	assert_int_equal(ocf_role_parse("leader", &r), -1);
	assert_int_equal(ocf_role_parse("", &r), -1);
	assert_int_equal(ocf_role_parse("Active", &r), -1);
	assert_string_equal(ocf_role_name((enum ocf_role)7), "invalid");

	/* the initial state */
	ocf_state_init(&a);
	assert_int_equal(a.role, OCF_ROLE_STANDBY);
	assert_string_equal(a.primary, "unknown");
	assert_int_equal(a.fails + a.rises + a.maintenance + a.latched, 0);
	assert_true(a.transitions == 0 && a.last_error[0] == '\0');
}

/* every string at its longest, made of nothing but quotes (4 bytes each
 * once escaped): still formats, saves, parses back */
static void
test_round_trip_longest(void **state)
{
	const char *dir = *state;
	struct ocf_state a, b;
	char text[TEXTMAX], err[OCF_STATE_ERRLEN];

	ocf_state_init(&a);
	memset(a.primary, '\'', sizeof(a.primary) - 1);
	memset(a.transition, '\'', sizeof(a.transition) - 1);
	memset(a.last_error, '\'', sizeof(a.last_error) - 1);
	memset(a.flap_times, '\'', sizeof(a.flap_times) - 1);
	memset(a.pull, '\'', sizeof(a.pull) - 1);
	memset(a.push, '\'', sizeof(a.push) - 1);
	memset(a.secrets, '\'', sizeof(a.secrets) - 1);
	memset(a.sync_detail, '\'', sizeof(a.sync_detail) - 1);
	format(&a, text);
	assert_int_equal(parse_text(&b, text, strlen(text), err), 0);
	assert_int_equal(strlen(b.last_error), sizeof(b.last_error) - 1);
	assert_true(same(&a, &b));
	if (ocf_state_save(dir, &a, err, sizeof(err)) != 0)
		fail_msg("save: %s", err);
	assert_int_equal(ocf_state_load(dir, &b, err, sizeof(err)), 0);
	assert_true(same(&a, &b));
}

/* too small a buffer: -1, never a write past len */
static void
test_format_small_buffer(void **state)
{
	static char ref[TEXTMAX], buf[TEXTMAX + 64];
	struct ocf_state a;
	long need;

	(void)state;
	full_state(&a);
	need = format(&a, ref);
	for (size_t len = 0; len <= (size_t)need + 1; len++) {
		long n;

		memset(buf, 'Z', (size_t)need + 64);
		n = ocf_state_format(&a, buf, len);
		for (size_t i = len; i < (size_t)need + 64; i++)
			if (buf[i] != 'Z')
				fail_msg("len %zu: byte %zu written", len, i);
		if (len <= (size_t)need && n != -1)
			fail_msg("len %zu: returned %ld, want -1", len, n);
		if (len == (size_t)need + 1) {
			assert_int_equal(n, need);
			assert_string_equal(buf, ref);
		}
	}
}

/*
 * Run script with an sh-like shell, args $1 $2; its stdout into out.
 * fork+execv rather than posix_spawn: with -Ilib, <spawn.h> finds ocf's
 * own lib/spawn.h instead of the system header.
 */
static int
run_shell(const char *shell, const char *script, const char *a1,
    const char *a2, char *out, size_t outlen)
{
	char *argv[] = { (char *)shell, (char *)"-c", (char *)script,
	    (char *)"sh", (char *)a1, (char *)a2, NULL };
	size_t got = 0;
	int p[2], status;
	pid_t pid;

	assert_int_equal(pipe(p), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		if (dup2(p[1], 1) == -1)
			_exit(126);
		close(p[0]);
		close(p[1]);
		execv(shell, argv);
		_exit(127);
	}
	close(p[1]);
	for (;;) {
		ssize_t n = read(p[0], out + got, outlen - 1 - got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0 || (got += (size_t)n) >= outlen - 1)
			break;
	}
	out[got] = '\0';
	close(p[0]);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

static int
have(const char *path)
{
	return access(path, X_OK) == 0;
}

/*
 * The state file is sourced by shell scripts (drills, hooks): no value may
 * run anything.  Every string holds an injection that would create a file
 * in the state directory if the shell ever executed it; after sourcing,
 * the directory must hold only the state file, and the shell must see the
 * values exactly as stored.
 */
static void
test_safe_to_source(void **state)
{
	static const char script[] =
	    "cd \"$2\" || exit 90\n"
	    ". \"$1\" || exit 91\n"
	    "printf '%s\\n' \"$VERSION\" \"$ROLE\" \"$TRANSITIONS\" "
	    "\"$PRIMARY\" \"$TRANSITION\" \"$LAST_ERROR\" \"$FLAP_TIMES\" "
	    "\"$PULL\" \"$PUSH\" \"$SECRETS\" \"$SYNC_DETAIL\"\n";
	static const char *const shells[] = { "/bin/sh", "/bin/dash",
	    "/bin/bash", "/usr/bin/bash", "/bin/busybox" };
	const char *dir = *state;
	struct ocf_state a;
	char file[PATH_MAX], err[OCF_STATE_ERRLEN], out[8192], want[8192];
	char ls[1024], s[8][600];
	int ran = 0;

	ocf_state_init(&a);
	a.role = OCF_ROLE_FAILED;
	a.transitions = 42;
	snprintf(a.primary, sizeof(a.primary), "';>p1;'");
	snprintf(a.transition, sizeof(a.transition), "$(>p2)");
	snprintf(a.last_error, sizeof(a.last_error),
	    "'; touch %s/p3; ' $(touch %s/p4) `touch %s/p5` \ntouch %s/p6\n"
	    "'\\''; touch %s/p7; # \"; touch %s/p8; \"", dir, dir, dir, dir,
	    dir, dir);
	snprintf(a.flap_times, sizeof(a.flap_times),
	    "\\'; touch %s/p9 \\ ${x:=$(touch %s/p10)}", dir, dir);
	snprintf(a.pull, sizeof(a.pull), "`>p11`");
	snprintf(a.push, sizeof(a.push), "'>p12'");
	snprintf(a.secrets, sizeof(a.secrets), "\\'>p13'\\");
	snprintf(a.sync_detail, sizeof(a.sync_detail),
	    "'\n>p14\n' \"$(>p15)\" $'\\x27' ; >p16 ; '");
	if (ocf_state_save(dir, &a, err, sizeof(err)) != 0)
		fail_msg("save: %s", err);
	path_in(dir, "state", file, sizeof(file));

	snprintf(s[0], sizeof(s[0]), "%s", a.primary);
	snprintf(s[1], sizeof(s[1]), "%s", a.transition);
	snprintf(s[2], sizeof(s[2]), "%s", a.last_error);
	snprintf(s[3], sizeof(s[3]), "%s", a.flap_times);
	snprintf(s[4], sizeof(s[4]), "%s", a.pull);
	snprintf(s[5], sizeof(s[5]), "%s", a.push);
	snprintf(s[6], sizeof(s[6]), "%s", a.secrets);
	snprintf(s[7], sizeof(s[7]), "%s", a.sync_detail);
	for (int i = 0; i < 8; i++)
		sanitize(s[i]);
	snprintf(want, sizeof(want), "1\nfailed\n42\n%s\n%s\n%s\n%s\n%s\n%s\n"
	    "%s\n%s\n", s[0], s[1], s[2], s[3], s[4], s[5], s[6], s[7]);

	for (size_t i = 0; i < sizeof(shells) / sizeof(shells[0]); i++) {
		int rc;

		if (!have(shells[i]))
			continue;
		rc = run_shell(shells[i], script, file, dir, out, sizeof(out));
		if (rc != 0)
			fail_msg("%s: sourcing exited %d", shells[i], rc);
		if (strcmp(out, want) != 0)
			fail_msg("%s printed:\n%s\nwant:\n%s", shells[i], out, want);
		list_dir(dir, ls, sizeof(ls));
		if (strcmp(ls, "state") != 0)
			fail_msg("%s: sourcing created files: %s", shells[i], ls);
		ran++;
	}
	assert_true(ran > 0);
}

/* a file cut at any byte is torn: rejected, never half-read */
static void
test_torn(void **state)
{
	struct ocf_state a, b;
	char text[TEXTMAX], err[OCF_STATE_ERRLEN];
	size_t len;

	(void)state;
	full_state(&a);
	len = (size_t)format(&a, text);
	for (size_t cut = 0; cut < len; cut++) {
		if (parse_text(&b, text, cut, err) != -1)
			fail_msg("torn at %zu of %zu accepted", cut, len);
		if (err[0] == '\0')
			fail_msg("torn at %zu: no error message", cut);
	}
	assert_int_equal(parse_text(&b, text, len, err), 0);
	/* the end marker is what tells a torn file: without it, rejected */
	assert_int_equal(parse_text(&b, text, len - 6, err), -1);
	assert_non_null(strstr(err, "# end"));
}

/* replace the line KEY=... (key "# end": the trailer) with repl */
static size_t
mangle(const char *base, const char *key, const char *repl, size_t rlen,
    char *out)
{
	char needle[64];
	const char *at, *nl;
	size_t pre;

	if (strcmp(key, "# end") == 0)
		snprintf(needle, sizeof(needle), "\n# end\n");
	else
		snprintf(needle, sizeof(needle), "\n%s=", key);
	at = strstr(base, needle);
	assert_non_null(at);
	at++;
	nl = strchr(at, '\n');
	pre = (size_t)(at - base);
	memcpy(out, base, pre);
	memcpy(out + pre, repl, rlen);
	strcpy(out + pre + rlen, nl + 1);
	return pre + rlen + strlen(nl + 1);
}

struct mcase {
	const char *name, *key, *repl;
	size_t rlen;		/* 0: strlen(repl) */
	const char *msg;	/* substring of the error */
};

#define M(n, k, r, m) { n, k, r, 0, m }
#define MB(n, k, r, m) { n, k, r, sizeof(r) - 1, m }

static const struct mcase mcases[] = {
	M("unknown key", "# end", "COLOR='red'\n# end\n", "unknown key 'COLOR'"),
	M("lower-case key", "# end", "role='active'\n# end\n", "'role'"),
	M("bad role", "ROLE", "ROLE='leader'\n", "ROLE"),
	M("empty role", "ROLE", "ROLE=''\n", "ROLE"),
	M("unquoted value", "FAILS", "FAILS=3\n", "FAILS"),
	M("double-quoted value", "FAILS", "FAILS=\"3\"\n", "FAILS"),
	M("unquoted string", "LAST_ERROR", "LAST_ERROR=oops\n", "LAST_ERROR"),
	M("quote in the middle", "LAST_ERROR", "LAST_ERROR='a'b'\n",
	  "LAST_ERROR"),
	M("unterminated quote", "LAST_ERROR", "LAST_ERROR='abc\n", "LAST_ERROR"),
	M("text after the quote", "LAST_ERROR", "LAST_ERROR='a' b\n",
	  "LAST_ERROR"),
	M("half an escape", "LAST_ERROR", "LAST_ERROR='a'\\'\n", "LAST_ERROR"),
	M("carriage return", "ROLE", "ROLE='active'\r\n", "ROLE"),
	M("no '='", "# end", "GARBAGE\n# end\n", "KEY="),
	M("empty key", "# end", "='x'\n# end\n", "KEY="),
	M("int out of range", "FAILS", "FAILS='2147483648'\n", "FAILS"),
	M("long out of range", "TRANSITIONS",
	  "TRANSITIONS='99999999999999999999'\n", "TRANSITIONS"),
	M("unsigned out of range", "GATEWAY_START",
	  "GATEWAY_START='18446744073709551616'\n", "GATEWAY_START"),
	M("bool out of range", "MAINTENANCE", "MAINTENANCE='2'\n",
	  "MAINTENANCE"),
	M("time out of range", "LAST_PROBE", "LAST_PROBE='1e999'\n",
	  "LAST_PROBE"),
	M("time nan", "LAST_PROBE", "LAST_PROBE='nan'\n", "LAST_PROBE"),
	M("time inf", "PULL_AT", "PULL_AT='inf'\n", "PULL_AT"),
	M("negative int", "FAILS", "FAILS='-1'\n", "FAILS"),
	M("negative long", "TRANSITIONS", "TRANSITIONS='-5'\n", "TRANSITIONS"),
	M("negative pid", "GATEWAY_PID", "GATEWAY_PID='-1'\n", "GATEWAY_PID"),
	M("negative unsigned", "TRANSITION_PID_START",
	  "TRANSITION_PID_START='-1'\n", "TRANSITION_PID_START"),
	M("negative time", "LAST_PROBE", "LAST_PROBE='-1.5'\n", "LAST_PROBE"),
	M("plus sign", "FAILS", "FAILS='+3'\n", "FAILS"),
	M("leading space", "FAILS", "FAILS=' 3'\n", "FAILS"),
	M("trailing space", "FAILS", "FAILS='3 '\n", "FAILS"),
	M("trailing junk", "FAILS", "FAILS='3x'\n", "FAILS"),
	M("empty number", "RISES", "RISES=''\n", "RISES"),
	M("fraction in an int", "RISES", "RISES='1.5'\n", "RISES"),
	M("string too long", "PRIMARY", "PRIMARY='0123456789abcdef'\n",
	  "PRIMARY"),
	MB("NUL byte", "LAST_ERROR", "LAST_ERROR='a\0b'\n", "binary"),
	M("missing VERSION", "VERSION", "", "VERSION"),
	M("unsupported VERSION", "VERSION", "VERSION='2'\n", "VERSION"),
	M("missing ROLE", "ROLE", "", "ROLE"),
	M("text after # end", "# end", "# end\nFAILS='1'\n", "after"),
	M("comment after # end", "# end", "# end\n# more\n", "after"),
	M("blank line after # end", "# end", "# end\n\n", "after"),
	M("no # end", "# end", "", "# end"),
	M("# end with a tail", "# end", "# end.\n", "# end"),
};

static void
test_mangled(void **state)
{
	struct ocf_state a, b;
	char base[TEXTMAX], text[TEXTMAX], err[OCF_STATE_ERRLEN];
	int bad = 0;

	(void)state;
	full_state(&a);
	format(&a, base);
	for (size_t i = 0; i < sizeof(mcases) / sizeof(mcases[0]); i++) {
		const struct mcase *m = &mcases[i];
		size_t len = mangle(base, m->key, m->repl,
		    m->rlen ? m->rlen : strlen(m->repl), text);

		if (parse_text(&b, text, len, err) != -1) {
			print_error("%s: accepted\n", m->name);
			bad++;
		} else if (strstr(err, m->msg) == NULL) {
			print_error("%s: error '%s' does not name '%s'\n",
			    m->name, err, m->msg);
			bad++;
		}
	}
	if (bad > 0)
		fail_msg("%d mangled files not rejected properly", bad);

	/* what is allowed: comments, blank lines, any order */
	{
		char ok[TEXTMAX];
		size_t len = mangle(base, "ROLE", "\n# a comment\n", 13, text);

		snprintf(ok, sizeof(ok), "%s", text);
		len = mangle(ok, "# end", "ROLE='failed'\n# end\n", 20, text);
		if (parse_text(&b, text, len, err) != 0)
			fail_msg("reordered file rejected: %s", err);
		assert_int_equal(b.role, OCF_ROLE_FAILED);
	}
}

/*
 * Numbers with leading whitespace other than ' '.  lib/state.c parse_num()
 * refuses a leading ' ', '+' and (for unsigned fields) '-', but strtol()
 * and strtoull() skip any isspace() first, so '\t' or '\r' slip through:
 * TRANSITION_PID_START='<TAB>-1' is read as 18446744073709551615 and
 * FAILS='<TAB>3' as 3.
 */
static void
test_mangled_whitespace(void **state)
{
	static const struct mcase ws[] = {
		M("tab then minus, unsigned", "TRANSITION_PID_START",
		  "TRANSITION_PID_START='\t-1'\n", "TRANSITION_PID_START"),
		M("tab then minus, unsigned", "GATEWAY_START",
		  "GATEWAY_START='\t-2'\n", "GATEWAY_START"),
		M("tab before an int", "FAILS", "FAILS='\t3'\n", "FAILS"),
		M("carriage return before a long", "TRANSITIONS",
		  "TRANSITIONS='\r5'\n", "TRANSITIONS"),
		M("tab then plus", "RISES", "RISES='\t+1'\n", "RISES"),
		M("tab before a time", "LAST_PROBE", "LAST_PROBE='\t1.5'\n",
		  "LAST_PROBE"),
	};
	struct ocf_state a, b;
	char base[TEXTMAX], text[TEXTMAX], err[OCF_STATE_ERRLEN];
	int bad = 0;

	(void)state;
	full_state(&a);
	format(&a, base);
	for (size_t i = 0; i < sizeof(ws) / sizeof(ws[0]); i++) {
		size_t len = mangle(base, ws[i].key, ws[i].repl,
		    strlen(ws[i].repl), text);

		if (parse_text(&b, text, len, err) != -1) {
			print_error("%s: %s accepted\n", ws[i].name, ws[i].key);
			bad++;
		}
	}
	if (bad > 0)
		fail_msg("%d numbers with leading whitespace accepted", bad);
}

/* ---- load and save ---- */

static void
test_load_missing(void **state)
{
	const char *dir = *state;
	struct ocf_state s;
	char err[OCF_STATE_ERRLEN] = "";

	memset(&s, 0x5a, sizeof(s));
	assert_int_equal(ocf_state_load(dir, &s, err, sizeof(err)), 1);
	assert_int_equal(s.role, OCF_ROLE_STANDBY);
	assert_string_equal(s.primary, "unknown");
	assert_int_equal(s.fails, 0);
	assert_true(s.transitions == 0);
	assert_string_equal(s.last_error, "");
}

static void
test_load_symlink(void **state)
{
	const char *dir = *state;
	struct ocf_state a, s;
	char target[PATH_MAX], file[PATH_MAX], text[TEXTMAX], back[TEXTMAX];
	char err[OCF_STATE_ERRLEN];
	struct stat st;
	long n;

	full_state(&a);
	n = format(&a, text);
	path_in(dir, "target", target, sizeof(target));
	path_in(dir, "state", file, sizeof(file));
	write_file(target, text, (size_t)n);
	assert_int_equal(symlink(target, file), 0);
	err[0] = '\0';
	assert_int_equal(ocf_state_load(dir, &s, err, sizeof(err)), -1);
	if (strstr(err, "symbolic link") == NULL || strstr(err, file) == NULL)
		fail_msg("error: %s", err);
	read_file(target, back, sizeof(back));
	assert_string_equal(back, text);

	/* a save replaces the link itself; the target is not written */
	ocf_state_init(&a);
	assert_int_equal(ocf_state_save(dir, &a, err, sizeof(err)), 0);
	assert_int_equal(lstat(file, &st), 0);
	assert_true(S_ISREG(st.st_mode));
	read_file(target, back, sizeof(back));
	assert_string_equal(back, text);

	/* a dangling link is not "no state yet" */
	assert_int_equal(unlink(file), 0);
	assert_int_equal(symlink("/nonexistent/ocf-ut", file), 0);
	assert_int_equal(ocf_state_load(dir, &s, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "symbolic link"));
}

static void
test_load_not_a_file(void **state)
{
	const char *dir = *state;
	struct ocf_state s;
	char file[PATH_MAX], err[OCF_STATE_ERRLEN];

	path_in(dir, "state", file, sizeof(file));
	/* a directory */
	assert_int_equal(mkdir(file, 0700), 0);
	err[0] = '\0';
	assert_int_equal(ocf_state_load(dir, &s, err, sizeof(err)), -1);
	assert_non_null(strstr(err, file));
	assert_int_equal(rmdir(file), 0);

	/* a FIFO: refused at once, not waited on (alarm as a guard) */
	assert_int_equal(mkfifo(file, 0600), 0);
	alarm(10);
	err[0] = '\0';
	assert_int_equal(ocf_state_load(dir, &s, err, sizeof(err)), -1);
	alarm(0);
	assert_non_null(strstr(err, file));
	assert_int_equal(unlink(file), 0);
}

static void
test_load_huge(void **state)
{
	const char *dir = *state;
	struct ocf_state a, s;
	char file[PATH_MAX], err[OCF_STATE_ERRLEN], text[TEXTMAX];
	size_t size = 1024 * 1024, at;
	char *big = malloc(size);
	long n;

	assert_non_null(big);
	/* 1 MB that would parse: comment lines, then a valid state */
	full_state(&a);
	n = format(&a, text);
	for (at = 0; at + 64 < size - (size_t)n; at += 64) {
		memset(big + at, 'x', 64);
		big[at] = '#';
		big[at + 63] = '\n';
	}
	memset(big + at, '\n', size - (size_t)n - at);
	memcpy(big + size - n, text, (size_t)n);
	assert_int_equal(parse_text(&s, big, size, err), 0);
	path_in(dir, "state", file, sizeof(file));
	write_file(file, big, size);
	free(big);
	err[0] = '\0';
	assert_int_equal(ocf_state_load(dir, &s, err, sizeof(err)), -1);
	assert_non_null(strstr(err, file));
	assert_int_equal(s.role, OCF_ROLE_STANDBY);
}

static void
test_load_torn_on_disk(void **state)
{
	const char *dir = *state;
	struct ocf_state a, s;
	char file[PATH_MAX], err[OCF_STATE_ERRLEN], text[TEXTMAX];
	long n;

	full_state(&a);
	n = format(&a, text);
	path_in(dir, "state", file, sizeof(file));
	write_file(file, text, (size_t)n / 2);
	err[0] = '\0';
	assert_int_equal(ocf_state_load(dir, &s, err, sizeof(err)), -1);
	if (strstr(err, file) == NULL || strstr(err, "torn") == NULL)
		fail_msg("error: %s", err);
	write_file(file, text, (size_t)n);
	assert_int_equal(ocf_state_load(dir, &s, err, sizeof(err)), 0);
	assert_true(same(&a, &s));
}

static void
test_save_load(void **state)
{
	const char *dir = *state;
	struct ocf_state a, s;
	char file[PATH_MAX], err[OCF_STATE_ERRLEN], ls[1024];
	struct stat st;

	full_state(&a);
	for (int i = 0; i < 5; i++) {
		a.transitions = i;
		a.role = (enum ocf_role)(i % 3);
		if (ocf_state_save(dir, &a, err, sizeof(err)) != 0)
			fail_msg("save %d: %s", i, err);
		memset(&s, 0, sizeof(s));
		assert_int_equal(ocf_state_load(dir, &s, err, sizeof(err)), 0);
		assert_true(same(&a, &s));
		assert_true(s.transitions == i);
	}
	/* no temp files left behind, the file is 0644 */
	list_dir(dir, ls, sizeof(ls));
	assert_string_equal(ls, "state");
	path_in(dir, "state", file, sizeof(file));
	assert_int_equal(stat(file, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0644);
}

static void
test_save_no_dir(void **state)
{
	const char *dir = *state;
	struct ocf_state a;
	char sub[PATH_MAX], err[OCF_STATE_ERRLEN], ls[1024];

	ocf_state_init(&a);
	path_in(dir, "nonexistent", sub, sizeof(sub));
	err[0] = '\0';
	assert_int_equal(ocf_state_save(sub, &a, err, sizeof(err)), -1);
	if (strstr(err, sub) == NULL || strstr(err, strerror(ENOENT)) == NULL)
		fail_msg("error: %s", err);
	list_dir(dir, ls, sizeof(ls));
	assert_string_equal(ls, "");
}

/* ---- several processes ---- */

/* wait for pid, at most secs seconds, then SIGKILL it; its wait status */
static int
reap(pid_t pid, double secs)
{
	double end = ocf_mono() + secs;
	int status;

	for (;;) {
		pid_t w = waitpid(pid, &status, WNOHANG);

		if (w == pid)
			return status;
		assert_int_equal(w, 0);
		if (ocf_mono() > end) {
			kill(pid, SIGKILL);
			assert_int_equal(waitpid(pid, &status, 0), pid);
			fail_msg("child %ld did not finish in %.0fs", (long)pid, secs);
		}
		ocf_sleep(0.01);
	}
}

#define WRITERS 4
#define ROUNDS 200

static void
writer(const char *dir)
{
	char err[OCF_STATE_ERRLEN];
	struct ocf_state s;

	for (int i = 0; i < ROUNDS; i++) {
		int fd = ocf_lock(dir, 30.0, err, sizeof(err));	/* fairness is not the point */

		if (fd < 0) {
			fprintf(stderr, "child %ld: lock: %s\n", (long)getpid(), err);
			_exit(10);
		}
		if (ocf_state_load(dir, &s, err, sizeof(err)) < 0) {
			fprintf(stderr, "child %ld: load: %s\n", (long)getpid(), err);
			_exit(11);
		}
		s.transitions++;
		s.transition_pid = getpid();
		if (ocf_state_save(dir, &s, err, sizeof(err)) != 0) {
			fprintf(stderr, "child %ld: save: %s\n", (long)getpid(), err);
			_exit(12);
		}
		ocf_unlock(fd);
	}
	_exit(0);
}

static void
test_concurrent_writers(void **state)
{
	const char *dir = *state;
	pid_t pids[WRITERS];
	struct ocf_state s;
	char err[OCF_STATE_ERRLEN], ls[1024];

	for (int i = 0; i < WRITERS; i++) {
		pids[i] = fork();
		assert_true(pids[i] >= 0);
		if (pids[i] == 0)
			writer(dir);
	}
	for (int i = 0; i < WRITERS; i++) {
		int st = reap(pids[i], 120);

		if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
			fail_msg("writer %d: status 0x%x", i, st);
	}
	if (ocf_state_load(dir, &s, err, sizeof(err)) != 0)
		fail_msg("load: %s", err);
	assert_true(s.transitions == WRITERS * ROUNDS);
	list_dir(dir, ls, sizeof(ls));
	assert_string_equal(ls, "lock state");
}

/* a small deterministic generator: the same kill moments every run */
static unsigned long rng = 20261125;

static unsigned
next_rand(void)
{
	rng = rng * 6364136223846793005UL + 1442695040888963407UL;
	return (unsigned)(rng >> 33);
}

static void
two_states(struct ocf_state *a, struct ocf_state *b)
{
	full_state(a);
	ocf_state_init(b);
	b->role = OCF_ROLE_FAILED;
	b->transitions = 1;
	memset(b->last_error, 'B', sizeof(b->last_error) - 1);
	memset(b->sync_detail, '\'', sizeof(b->sync_detail) - 1);
	snprintf(b->primary, sizeof(b->primary), "ok");
}

static void
test_kill_during_save(void **state)
{
	const char *dir = *state;
	struct ocf_state a, b, s;
	char err[OCF_STATE_ERRLEN], ls[4096], allowed[4096];
	int saw[2] = { 0, 0 };

	two_states(&a, &b);
	if (ocf_state_save(dir, &a, err, sizeof(err)) != 0)
		fail_msg("save: %s", err);
	snprintf(allowed, sizeof(allowed), " ");
	for (int i = 0; i < 20; i++) {
		unsigned ms = 2 + next_rand() % 30;
		pid_t pid = fork();
		int st;

		assert_true(pid >= 0);
		if (pid == 0) {
			/* bounded: killed long before this ends */
			for (long k = 0; k < 1000000; k++)
				if (ocf_state_save(dir, k % 2 ? &b : &a, err,
				    sizeof(err)) != 0)
					_exit(20);
			_exit(0);
		}
		ocf_sleep(ms / 1000.0);
		assert_int_equal(kill(pid, SIGKILL), 0);
		st = reap(pid, 10);
		if (!WIFSIGNALED(st) || WTERMSIG(st) != SIGKILL)
			fail_msg("round %d: child status 0x%x", i, st);

		/* the old or the new state, never a mix */
		memset(&s, 0, sizeof(s));
		if (ocf_state_load(dir, &s, err, sizeof(err)) != 0)
			fail_msg("round %d (%ums): %s", i, ms, err);
		if (same(&s, &a))
			saw[0]++;
		else if (same(&s, &b))
			saw[1]++;
		else
			fail_msg("round %d: a state that was never saved", i);

		/* leftovers: only this child's temp file */
		{
			size_t at = strlen(allowed);

			snprintf(allowed + at, sizeof(allowed) - at,
			    "state.tmp.%ld ", (long)pid);
		}
		list_dir(dir, ls, sizeof(ls));
		for (char *w = strtok(ls, " "); w != NULL; w = strtok(NULL, " ")) {
			char word[300];

			snprintf(word, sizeof(word), " %s ", w);
			if (strcmp(w, "state") != 0 && strstr(allowed, word) == NULL)
				fail_msg("round %d: unexpected file '%s'", i, w);
		}
		/* and the next save still works */
		if (ocf_state_save(dir, i % 2 ? &a : &b, err, sizeof(err)) != 0)
			fail_msg("round %d: save after the kill: %s", i, err);
		assert_int_equal(ocf_state_load(dir, &s, err, sizeof(err)), 0);
		assert_true(same(&s, i % 2 ? &a : &b));
	}
	print_message("kill during save: %d times old/A, %d times B\n",
	    saw[0], saw[1]);
}

/* ---- the lock ---- */

/* a child that takes the lock, says so on the pipe, then waits */
static pid_t
holder(const char *dir, double hold)
{
	char err[OCF_STATE_ERRLEN], c;
	int p[2];
	pid_t pid;

	assert_int_equal(pipe(p), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		int fd = ocf_lock(dir, 0, err, sizeof(err));

		close(p[0]);
		c = fd >= 0 ? 'L' : 'E';
		if (write(p[1], &c, 1) != 1)
			_exit(31);
		close(p[1]);
		ocf_sleep(hold);
		_exit(fd >= 0 ? 0 : 30);
	}
	close(p[1]);
	assert_int_equal(read(p[0], &c, 1), 1);
	close(p[0]);
	assert_int_equal(c, 'L');
	return pid;
}

static void
test_lock(void **state)
{
	const char *dir = *state;
	char err[OCF_STATE_ERRLEN], want[64], file[PATH_MAX];
	struct stat st;
	pid_t pid;
	double t0;
	int fd, status;

	pid = holder(dir, 60);
	/* held: -2 at once, naming the holder */
	err[0] = '\0';
	t0 = ocf_mono();
	assert_int_equal(ocf_lock(dir, 0, err, sizeof(err)), -2);
	assert_true(ocf_mono() - t0 < 0.5);
	snprintf(want, sizeof(want), "process %ld", (long)pid);
	if (strstr(err, want) == NULL)
		fail_msg("'%s' does not name %s", err, want);
	/* with a wait: -2 after about that long */
	t0 = ocf_mono();
	assert_int_equal(ocf_lock(dir, 0.3, err, sizeof(err)), -2);
	assert_true(ocf_mono() - t0 >= 0.29 && ocf_mono() - t0 < 2);
	assert_non_null(strstr(err, want));

	/* the holder dies: the lock is free, no stale lock */
	assert_int_equal(kill(pid, SIGKILL), 0);
	status = reap(pid, 10);
	assert_true(WIFSIGNALED(status));
	fd = ocf_lock(dir, 0, err, sizeof(err));
	if (fd < 0)
		fail_msg("lock after the holder died: %d %s", fd, err);
	path_in(dir, "lock", file, sizeof(file));
	assert_int_equal(stat(file, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	ocf_unlock(fd);

	/* released while we wait: taken within the wait */
	pid = holder(dir, 0.3);
	t0 = ocf_mono();
	fd = ocf_lock(dir, 10, err, sizeof(err));
	if (fd < 0)
		fail_msg("lock while waiting: %d %s", fd, err);
	assert_true(ocf_mono() - t0 < 5);
	ocf_unlock(fd);
	status = reap(pid, 10);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);

	/* after ocf_unlock another process can take it */
	fd = ocf_lock(dir, 0, err, sizeof(err));
	assert_true(fd >= 0);
	ocf_unlock(fd);
	pid = holder(dir, 0);
	status = reap(pid, 10);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	ocf_unlock(-1);	/* harmless */
}

static void
test_lock_errors(void **state)
{
	const char *dir = *state;
	char sub[PATH_MAX], err[OCF_STATE_ERRLEN], file[PATH_MAX];

	path_in(dir, "nonexistent", sub, sizeof(sub));
	err[0] = '\0';
	assert_int_equal(ocf_lock(sub, 0, err, sizeof(err)), -1);
	assert_non_null(strstr(err, sub));
	/* a symlink planted as the lock file is not followed */
	path_in(dir, "lock", file, sizeof(file));
	assert_int_equal(symlink("/nonexistent/ocf-ut-lock", file), 0);
	err[0] = '\0';
	assert_int_equal(ocf_lock(dir, 0, err, sizeof(err)), -1);
	assert_non_null(strstr(err, file));
}

/*
 * A long STATE_DIR.  lib/lock.c ocf_lock() builds the lock path in a
 * 1100-byte buffer through ocf_state_path(), which truncates silently
 * (snprintf), so a STATE_DIR of 1095 to PATH_MAX bytes locks a different
 * file ("DIR/lo" ...) instead of failing or using DIR/lock.
 */
static void
test_lock_long_dir(void **state)
{
	const char *dir = *state;
	char deep[PATH_MAX], file[PATH_MAX + 8], err[OCF_STATE_ERRLEN];
	char comp[200];
	size_t at;
	int fd;

	memset(comp, 'd', sizeof(comp) - 1);
	comp[sizeof(comp) - 1] = '\0';
	at = (size_t)snprintf(deep, sizeof(deep), "%s", dir);
	/* components of 199 bytes until the path is about 1097 bytes long */
	while (at < 1097) {
		size_t want = 1097 - at - 1 < 199 ? 1097 - at - 1 : 199;

		at += (size_t)snprintf(deep + at, sizeof(deep) - at, "/%.*s",
		    (int)want, comp);
		assert_int_equal(mkdir(deep, 0700), 0);
	}
	assert_int_equal(strlen(deep), 1097);
	fd = ocf_lock(deep, 0, err, sizeof(err));
	if (fd >= 0) {
		snprintf(file, sizeof(file), "%s/lock", deep);
		ocf_unlock(fd);
		if (access(file, F_OK) != 0) {
			char ls[1024];

			list_dir(deep, ls, sizeof(ls));
			fail_msg("locked, but '%s/lock' does not exist (the "
			    "directory holds: %s)", "STATE_DIR", ls);
		}
	} else {
		assert_int_equal(fd, -1);
		assert_true(err[0] != '\0');
	}
}

/* ---- the state directory ---- */

static void
test_state_dir(void **state)
{
	const char *dir = *state;
	char sd[PATH_MAX], p1[PATH_MAX], link[PATH_MAX], file[PATH_MAX];
	char err[OCF_STATE_ERRLEN];
	struct stat st;
	mode_t old = umask(022);

	/* created with missing parents: parents 0755, itself 0700 */
	path_in(dir, "var/lib/ocf", sd, sizeof(sd));
	path_in(dir, "var", p1, sizeof(p1));
	if (ocf_state_dir(sd, err, sizeof(err)) != 0)
		fail_msg("state dir: %s", err);
	assert_int_equal(lstat(sd, &st), 0);
	assert_true(S_ISDIR(st.st_mode));
	assert_int_equal(st.st_mode & 0777, 0700);
	assert_int_equal(stat(p1, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0755);
	/* an existing directory is fine, and usable */
	assert_int_equal(ocf_state_dir(sd, err, sizeof(err)), 0);
	{
		struct ocf_state a;

		ocf_state_init(&a);
		assert_int_equal(ocf_state_save(sd, &a, err, sizeof(err)), 0);
	}

	/* a symlink to a directory is refused */
	path_in(dir, "link", link, sizeof(link));
	assert_int_equal(symlink(sd, link), 0);
	err[0] = '\0';
	assert_int_equal(ocf_state_dir(link, err, sizeof(err)), -1);
	if (strstr(err, link) == NULL || strstr(err, "symbolic link") == NULL)
		fail_msg("error: %s", err);
	/* so is a dangling one */
	path_in(dir, "dangling", link, sizeof(link));
	assert_int_equal(symlink("/nonexistent/ocf-ut", link), 0);
	assert_int_equal(ocf_state_dir(link, err, sizeof(err)), -1);

	/* a regular file */
	path_in(dir, "file", file, sizeof(file));
	write_file(file, "x", 1);
	err[0] = '\0';
	assert_int_equal(ocf_state_dir(file, err, sizeof(err)), -1);
	if (strstr(err, file) == NULL || strstr(err, "not a directory") == NULL)
		fail_msg("error: %s", err);
	/* a regular file as a parent */
	path_in(dir, "file/sub", file, sizeof(file));
	err[0] = '\0';
	assert_int_equal(ocf_state_dir(file, err, sizeof(err)), -1);
	assert_true(err[0] != '\0');

	/* a relative path */
	err[0] = '\0';
	assert_int_equal(ocf_state_dir("var/lib/ocf", err, sizeof(err)), -1);
	assert_non_null(strstr(err, "absolute"));
	umask(old);
}

/*
 * STATE_DIR written with a trailing slash, "/var/lib/ocf/", where ocf is
 * a symlink.  lib/state.c ocf_state_dir() checks with lstat(dir), and
 * lstat() follows a symlink when the path ends in '/', so the symlink is
 * accepted and the state goes wherever it points.
 */
static void
test_state_dir_trailing_slash(void **state)
{
	const char *dir = *state;
	char real[PATH_MAX], link[PATH_MAX], slash[PATH_MAX + 1];
	char err[OCF_STATE_ERRLEN];

	path_in(dir, "real", real, sizeof(real));
	path_in(dir, "link", link, sizeof(link));
	assert_int_equal(mkdir(real, 0700), 0);
	assert_int_equal(symlink(real, link), 0);
	snprintf(slash, sizeof(slash), "%s/", link);
	err[0] = '\0';
	if (ocf_state_dir(slash, err, sizeof(err)) != -1)
		fail_msg("symlink '%s' accepted as STATE_DIR", slash);
	/* a plain directory with a trailing slash is fine */
	snprintf(slash, sizeof(slash), "%s/", real);
	assert_int_equal(ocf_state_dir(slash, err, sizeof(err)), 0);
}

static void
test_state_path(void **state)
{
	char buf[64];

	(void)state;
	assert_string_equal(ocf_state_path("/var/lib/ocf", "state", buf,
	    sizeof(buf)), "/var/lib/ocf/state");
	assert_ptr_equal(ocf_state_path("/d", "lock", buf, sizeof(buf)), buf);
	assert_string_equal(buf, "/d/lock");
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup_dir, teardown_dir)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_round_trip),
		T(test_round_trip_roles_and_init),
		T(test_round_trip_longest),
		T(test_format_small_buffer),
		T(test_safe_to_source),
		T(test_torn),
		T(test_mangled),
		T(test_mangled_whitespace),
		T(test_load_missing),
		T(test_load_symlink),
		T(test_load_not_a_file),
		T(test_load_huge),
		T(test_load_torn_on_disk),
		T(test_save_load),
		T(test_save_no_dir),
		T(test_concurrent_writers),
		T(test_kill_during_save),
		T(test_lock),
		T(test_lock_errors),
		T(test_lock_long_dir),
		T(test_state_dir),
		T(test_state_dir_trailing_slash),
		T(test_state_path),
	};

	umask(022);
	return cmocka_run_group_tests_name("state", tests, NULL, NULL);
}
