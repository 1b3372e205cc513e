#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "atomic.h"
#include "lock.h"
#include "log.h"
#include "state.h"
#include "timeutil.h"

#define STATE_VERSION 1
#define STATE_MAX (64 * 1024)
#define END_LINE "# end"

enum ftype { F_ROLE, F_BOOL, F_INT, F_LONG, F_ULL, F_TIME, F_STR };

struct field {
	const char *key;
	enum ftype type;
	size_t off, size;
};

#define FLD(k, t, m) { k, t, offsetof(struct ocf_state, m), \
	sizeof(((struct ocf_state *)0)->m) }

static const struct field fields[] = {
	FLD("ROLE", F_ROLE, role),
	FLD("MAINTENANCE", F_BOOL, maintenance),
	FLD("LATCHED", F_BOOL, latched),
	FLD("PRIMARY", F_STR, primary),
	FLD("FAILS", F_INT, fails),
	FLD("RISES", F_INT, rises),
	FLD("LAST_PROBE", F_TIME, last_probe),
	FLD("LAST_TRANSITION", F_TIME, last_transition),
	FLD("TRANSITIONS", F_LONG, transitions),
	FLD("TRANSITION", F_STR, transition),
	FLD("TRANSITION_PID", F_LONG, transition_pid),
	FLD("TRANSITION_PID_START", F_ULL, transition_pid_start),
	FLD("GATEWAY_PID", F_LONG, gateway_pid),
	FLD("GATEWAY_START", F_ULL, gateway_start),
	FLD("LAST_ERROR", F_STR, last_error),
	FLD("FLAP_TIMES", F_STR, flap_times),
	FLD("PULL", F_STR, pull),
	FLD("PULL_AT", F_TIME, pull_at),
	FLD("PUSH", F_STR, push),
	FLD("PUSH_AT", F_TIME, push_at),
	FLD("SECRETS", F_STR, secrets),
	FLD("SECRETS_AT", F_TIME, secrets_at),
	FLD("SYNC_DETAIL", F_STR, sync_detail),
	FLD("OK_SINCE", F_TIME, ok_since),
	FLD("NOTREADY_SINCE", F_TIME, notready_since),
	FLD("BOOT_ID", F_STR, boot_id),
	FLD("LAST_TRANSITION_UP", F_TIME, last_transition_up),
	FLD("OK_SINCE_UP", F_TIME, ok_since_up),
	FLD("NOTREADY_SINCE_UP", F_TIME, notready_since_up),
	FLD("PROMOTE_FAILS", F_INT, promote_fails),
	FLD("PROMOTE_FAILED_UP", F_TIME, promote_failed_up),
	FLD("DOWN_SINCE", F_TIME, down_since),
	FLD("LAST_EVENT", F_STR, last_event),
	FLD("LAST_REASON", F_STR, last_reason),
	FLD("PROMOTE_OK", F_LONG, promoted[0]),
	FLD("PROMOTE_WARNING", F_LONG, promoted[1]),
	FLD("PROMOTE_CRITICAL", F_LONG, promoted[2]),
	FLD("DEMOTE_OK", F_LONG, demoted[0]),
	FLD("DEMOTE_WARNING", F_LONG, demoted[1]),
	FLD("DEMOTE_CRITICAL", F_LONG, demoted[2]),
	FLD("LEADER", F_STR, leader),
	FLD("TOKEN", F_LONG, token),
	FLD("WITNESS", F_STR, witness),
	FLD("HOT_FENCE", F_STR, hot_fence),
	FLD("HOT_GATEWAY", F_STR, hot_gateway),
	FLD("HOT_STARTS", F_INT, hot_starts),
	FLD("HOT_STARTED_UP", F_TIME, hot_started_up),
};
#define NFIELDS (sizeof(fields) / sizeof(fields[0]))
/* the parser marks each key seen in a 64-bit mask, VERSION last */
_Static_assert(NFIELDS < 64, "too many state fields");

static const char *const roles[] = { "standby", "active", "failed" };

void
ocf_state_init(struct ocf_state *s)
{
	memset(s, 0, sizeof(*s));
	s->role = OCF_ROLE_STANDBY;
	snprintf(s->primary, sizeof(s->primary), "unknown");
	snprintf(s->witness, sizeof(s->witness), "off");
	snprintf(s->boot_id, sizeof(s->boot_id), "%s", ocf_boot_id());
}

/* an uptime for an event at wall time `wall`, on this boot */
static double
up_of(double wall, double now_up, double now_wall)
{
	double up = now_up - ocf_since(wall, now_wall);

	/* before this boot: as early as this boot allows, never unset */
	return wall > 0 ? (up > 0.001 ? up : 0.001) : 0;
}

void
ocf_state_rebase(struct ocf_state *s, double now_up, double now_wall)
{
	double *ups[] = { &s->last_transition_up, &s->ok_since_up,
	    &s->notready_since_up, &s->promote_failed_up, &s->hot_started_up };

	if (strcmp(s->boot_id, ocf_boot_id()) != 0) {
		s->last_transition_up = up_of(s->last_transition, now_up,
		    now_wall);
		s->ok_since_up = up_of(s->ok_since, now_up, now_wall);
		s->notready_since_up = up_of(s->notready_since, now_up,
		    now_wall);
		s->promote_failed_up = s->promote_fails > 0 ? now_up : 0;
		s->hot_started_up = s->hot_starts > 0 ? now_up : 0;
		s->flap_times[0] = '\0';
		snprintf(s->boot_id, sizeof(s->boot_id), "%s", ocf_boot_id());
	}
	for (size_t i = 0; i < sizeof(ups) / sizeof(ups[0]); i++)
		if (*ups[i] > now_up)
			*ups[i] = now_up;
}

const char *
ocf_role_name(enum ocf_role r)
{
	return (unsigned)r < 3 ? roles[r] : "invalid";
}

int
ocf_role_parse(const char *str, enum ocf_role *r)
{
	for (unsigned i = 0; i < 3; i++)
		if (strcmp(str, roles[i]) == 0) {
			*r = (enum ocf_role)i;
			return 0;
		}
	return -1;
}

const char *
ocf_state_path(const char *dir, const char *name, char *buf, size_t len)
{
	int n = snprintf(buf, len, "%s/%s", dir, name);

	return n >= 0 && (size_t)n < len ? buf : NULL;
}

/* append to buf at *at; returns -1 once it no longer fits */
static int
put(char *buf, size_t len, size_t *at, const char *s, size_t n)
{
	if (*at + n >= len)
		return -1;
	memcpy(buf + *at, s, n);
	*at += n;
	buf[*at] = '\0';
	return 0;
}

/* KEY='value' with ' as '\'' and control characters as '?' */
static int
put_quoted(char *buf, size_t len, size_t *at, const char *key,
    const char *val)
{
	if (put(buf, len, at, key, strlen(key)) == -1 ||
	    put(buf, len, at, "='", 2) == -1)
		return -1;
	for (const char *p = val; *p != '\0'; p++) {
		int r;

		if (*p == '\'')
			r = put(buf, len, at, "'\\''", 4);
		else if ((unsigned char)*p < 0x20 || *p == 0x7f)
			r = put(buf, len, at, "?", 1);
		else
			r = put(buf, len, at, p, 1);
		if (r == -1)
			return -1;
	}
	return put(buf, len, at, "'\n", 2);
}

static void
field_text(const struct ocf_state *s, const struct field *f, char *v,
    size_t vlen)
{
	const char *p = (const char *)s + f->off;
	double d;

	switch (f->type) {
	case F_ROLE:
		snprintf(v, vlen, "%s", ocf_role_name(*(const enum ocf_role *)p));
		break;
	case F_BOOL:
	case F_INT:
		snprintf(v, vlen, "%d", *(const int *)p);
		break;
	case F_LONG:
		snprintf(v, vlen, "%ld", *(const long *)p);
		break;
	case F_ULL:
		snprintf(v, vlen, "%llu", *(const unsigned long long *)p);
		break;
	case F_TIME:
		memcpy(&d, p, sizeof(d));
		snprintf(v, vlen, "%.3f", d);
		break;
	case F_STR:
		snprintf(v, vlen, "%s", p);
		break;
	}
}

long
ocf_state_format(const struct ocf_state *s, char *buf, size_t len)
{
	static const char head[] =
	    "# ocf state: written by ocf tools, safe to source from sh\n";
	char v[600], ver[32];
	size_t at = 0;

	snprintf(ver, sizeof(ver), "%d", STATE_VERSION);
	if (put(buf, len, &at, head, sizeof(head) - 1) == -1 ||
	    put_quoted(buf, len, &at, "VERSION", ver) == -1)
		return -1;
	for (size_t i = 0; i < NFIELDS; i++) {
		field_text(s, &fields[i], v, sizeof(v));
		if (put_quoted(buf, len, &at, fields[i].key, v) == -1)
			return -1;
	}
	if (put(buf, len, &at, END_LINE "\n", sizeof(END_LINE)) == -1)
		return -1;
	return (long)at;
}

/* the value of one KEY='...' line: quoted segments joined by \' */
static int
unquote(const char *p, const char *end, char *out, size_t outlen)
{
	size_t n = 0;

	for (;;) {
		if (p >= end || *p++ != '\'')
			return -1;
		while (p < end && *p != '\'') {
			if (n + 1 >= outlen)
				return -1;
			out[n++] = *p++;
		}
		if (p >= end)
			return -1;	/* unterminated */
		p++;
		if (p == end)
			break;
		if (end - p < 2 || p[0] != '\\' || p[1] != '\'')
			return -1;
		if (n + 1 >= outlen)
			return -1;
		out[n++] = '\'';
		p += 2;
	}
	out[n] = '\0';
	return 0;
}

static int
parse_num(const char *v, enum ftype t, void *dst)
{
	char *end;

	/* strto* would skip any leading blank and take a sign or hex */
	if (*v < '0' || *v > '9')
		return -1;
	errno = 0;
	if (t == F_TIME) {
		double d;

		/* plain decimals only: strtod would also take hex and exponents */
		if (strspn(v, "0123456789.") != strlen(v) ||
		    strchr(v, '.') != strrchr(v, '.'))
			return -1;
		d = strtod(v, &end);

		if (errno || *end != '\0' || !isfinite(d) || d < 0)
			return -1;
		*(double *)dst = d;
	} else if (t == F_ULL) {
		unsigned long long u;

		u = strtoull(v, &end, 10);
		if (errno || *end != '\0')
			return -1;
		*(unsigned long long *)dst = u;
	} else {
		long l = strtol(v, &end, 10);

		if (errno || *end != '\0' || l < 0)
			return -1;
		if (t == F_LONG) {
			*(long *)dst = l;
		} else {
			if (l > INT_MAX || (t == F_BOOL && l > 1))
				return -1;
			*(int *)dst = (int)l;
		}
	}
	return 0;
}

static int
set_field(struct ocf_state *s, const struct field *f, const char *v)
{
	char *p = (char *)s + f->off;

	switch (f->type) {
	case F_ROLE:
		return ocf_role_parse(v, (enum ocf_role *)p);
	case F_STR:
		if (strlen(v) >= f->size)
			return -1;
		memcpy(p, v, strlen(v) + 1);
		return 0;
	default:
		return parse_num(v, f->type, p);
	}
}

static int
parse_line(struct ocf_state *s, const char *line, const char *end,
    unsigned long long *seen, char *err, size_t errlen, int lineno)
{
	const char *eq = memchr(line, '=', (size_t)(end - line));
	char key[32], val[600], shown[80];
	size_t klen;

	if (eq == NULL || eq == line || (klen = (size_t)(eq - line)) >= sizeof(key)) {
		snprintf(err, errlen, "line %d: not KEY='VALUE'", lineno);
		return -1;
	}
	memcpy(key, line, klen);
	key[klen] = '\0';
	if (unquote(eq + 1, end, val, sizeof(val)) == -1) {
		snprintf(err, errlen, "line %d: %s: badly quoted value", lineno,
		    ocf_printable(key, klen, shown, sizeof(shown)));
		return -1;
	}
	if (strcmp(key, "VERSION") == 0) {
		if (strcmp(val, "1") != 0) {
			snprintf(err, errlen, "line %d: unsupported VERSION '%s'",
			    lineno, ocf_printable(val, strlen(val), shown,
			    sizeof(shown)));
			return -1;
		}
		*seen |= 1ull << NFIELDS;
		return 0;
	}
	for (size_t i = 0; i < NFIELDS; i++) {
		if (strcmp(key, fields[i].key) != 0)
			continue;
		if (set_field(s, &fields[i], val) == -1) {
			snprintf(err, errlen, "line %d: %s: invalid value '%s'",
			    lineno, key, ocf_printable(val, strlen(val), shown,
			    sizeof(shown)));
			return -1;
		}
		*seen |= 1ull << i;
		return 0;
	}
	snprintf(err, errlen, "line %d: unknown key '%s'", lineno,
	    ocf_printable(key, klen, shown, sizeof(shown)));
	return -1;
}

int
ocf_state_parse(struct ocf_state *s, const char *text, size_t len,
    char *err, size_t errlen)
{
	const char *p = text, *end = text + len;
	unsigned long long seen = 0;
	int lineno = 0, ended = 0;

	ocf_state_init(s);
	if (memchr(text, '\0', len) != NULL) {
		snprintf(err, errlen, "binary content");
		return -1;
	}
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));

		lineno++;
		if (nl == NULL) {
			snprintf(err, errlen, "line %d: torn (no newline)", lineno);
			return -1;
		}
		if (ended) {
			snprintf(err, errlen, "line %d: text after '%s'",
			    lineno, END_LINE);
			return -1;
		}
		if ((size_t)(nl - p) == strlen(END_LINE) &&
		    memcmp(p, END_LINE, strlen(END_LINE)) == 0)
			ended = 1;
		else if (p != nl && *p != '#' &&
		    parse_line(s, p, nl, &seen, err, errlen, lineno) == -1)
			return -1;
		p = nl + 1;
	}
	if (!ended) {
		snprintf(err, errlen, "torn: no '%s' line", END_LINE);
		return -1;
	}
	if (!(seen & 1ull << NFIELDS) || !(seen & 1ull)) {
		snprintf(err, errlen, "VERSION or ROLE missing");
		return -1;
	}
	return 0;
}

int
ocf_state_load(const char *dir, struct ocf_state *s, char *err, size_t errlen)
{
	char path[PATH_MAX], *buf;
	struct stat st;
	ssize_t n;
	size_t got = 0;
	int fd, r;

	ocf_state_init(s);
	ocf_state_path(dir, "state", path, sizeof(path));
	/* O_NOFOLLOW: a symlink planted in place of the state is refused */
	fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
	if (fd == -1) {
		if (errno == ENOENT)
			return 1;
		snprintf(err, errlen, "unable to open '%s': %s", path,
		    errno == ELOOP ? "is a symbolic link" : strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode) ||
	    st.st_size > STATE_MAX) {
		snprintf(err, errlen, "'%s' is not a regular file of at most %d bytes",
		    path, STATE_MAX);
		close(fd);
		return -1;
	}
	if ((buf = malloc(STATE_MAX + 1)) == NULL) {
		snprintf(err, errlen, "out of memory");
		close(fd);
		return -1;
	}
	while (got < STATE_MAX &&
	    (n = read(fd, buf + got, STATE_MAX - got)) != 0) {
		if (n == -1) {
			if (errno == EINTR)
				continue;
			snprintf(err, errlen, "unable to read '%s': %s", path,
			    strerror(errno));
			free(buf);
			close(fd);
			return -1;
		}
		got += (size_t)n;
	}
	close(fd);
	r = ocf_state_parse(s, buf, got, err, errlen);
	free(buf);
	if (r == 0)
		ocf_state_rebase(s, ocf_uptime(), ocf_wall());
	if (r == -1) {
		char why[OCF_STATE_ERRLEN];

		snprintf(why, sizeof(why), "%s", err);
		snprintf(err, errlen, "'%s' is unreadable: %s", path, why);
	}
	return r;
}

int
ocf_state_save(const char *dir, const struct ocf_state *s, char *err,
    size_t errlen)
{
	char path[PATH_MAX], buf[8192];
	long n = ocf_state_format(s, buf, sizeof(buf));

	if (n < 0) {
		snprintf(err, errlen, "state too large to format");
		return -1;
	}
	ocf_state_path(dir, "state", path, sizeof(path));
	return ocf_write_atomic(path, buf, (size_t)n, 0644, err, errlen);
}

int
ocf_state_dir(const char *dir, char *err, size_t errlen)
{
	char copy[PATH_MAX];
	struct stat st;

	if (*dir != '/') {
		snprintf(err, errlen, "STATE_DIR '%s' is not an absolute path", dir);
		return -1;
	}
	if (snprintf(copy, sizeof(copy), "%s", dir) >= (int)sizeof(copy) - 16) {
		snprintf(err, errlen, "STATE_DIR too long");
		return -1;
	}
	for (size_t n = strlen(copy); n > 1 && copy[n - 1] == '/'; n--)
		copy[n - 1] = '\0';
	dir = copy;	/* the loop below restores every slash it cuts */
	/* parents 0755, the directory itself 0700 */
	for (char *p = copy + 1; *p != '\0'; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(copy, 0755) == -1 && errno != EEXIST) {
			snprintf(err, errlen, "unable to create '%s': %s", copy,
			    strerror(errno));
			return -1;
		}
		*p = '/';
	}
	if (mkdir(dir, 0700) == -1 && errno != EEXIST) {
		snprintf(err, errlen, "unable to create '%s': %s", dir,
		    strerror(errno));
		return -1;
	}
	if (lstat(dir, &st) == -1) {
		snprintf(err, errlen, "unable to stat '%s': %s", dir,
		    strerror(errno));
		return -1;
	}
	if (!S_ISDIR(st.st_mode)) {
		snprintf(err, errlen, "'%s' is not a directory%s", dir,
		    S_ISLNK(st.st_mode) ? " (a symbolic link)" : "");
		return -1;
	}
	/* whoever may write here chooses GATEWAY_PID (a group we kill) and
	 * plants symbolic links for our logs */
	if (st.st_uid != geteuid() || (st.st_mode & (S_IWGRP | S_IWOTH))) {
		snprintf(err, errlen, "'%s' is writable by %s (chmod 700 it)",
		    dir, st.st_uid != geteuid() ? "another user" :
		    "its group or others");
		return -1;
	}
	/* not writable (read-only, full) is the save's to report: what a
	 * tool does first, stopping a gateway, needs no writing */
	return 0;
}

/* which file this is: a save renames a new inode into place */
static unsigned long long
file_id(const char *dir)
{
	char path[PATH_MAX];
	struct stat st;

	if (ocf_state_path(dir, "state", path, sizeof(path)) == NULL ||
	    lstat(path, &st) == -1)
		return 0;
	return (unsigned long long)st.st_ino * 1000003u ^
	    (unsigned long long)st.st_mtim.tv_nsec ^
	    (unsigned long long)st.st_mtim.tv_sec << 30;
}

int
ocf_txn_begin(struct ocf_txn *t, const char *dir, double wait,
    struct ocf_memory *mem)
{
	memset(t, 0, sizeof(*t));
	t->dir = dir;
	t->fd = -1;
	t->mem = mem;
	ocf_state_init(&t->s);
	if (ocf_state_dir(dir, t->err, sizeof(t->err)) == -1)
		return -1;
	if ((t->fd = ocf_lock(dir, wait, t->err, sizeof(t->err))) < 0)
		return t->fd;
	if (ocf_state_load(dir, &t->s, t->err, sizeof(t->err)) == -1)
		return -1;
	t->file_id = file_id(dir);
	if (mem != NULL && mem->unsaved && mem->file_id == t->file_id)
		t->s = mem->s;
	return 0;
}

int
ocf_txn_commit(struct ocf_txn *t)
{
	char err[sizeof(t->err)];

	if (ocf_state_save(t->dir, &t->s, err, sizeof(err)) == 0) {
		if (t->mem != NULL)
			t->mem->unsaved = 0;
		t->file_id = file_id(t->dir);
		return 0;
	}
	if (t->mem != NULL) {
		t->mem->unsaved = 1;
		t->mem->file_id = t->file_id;
		t->mem->s = t->s;
	}
	/* the first failure is the one to report; later ones repeat it */
	if (!t->unsaved)
		memcpy(t->err, err, sizeof(err));
	t->unsaved = 1;
	return -1;
}

void
ocf_txn_end(struct ocf_txn *t)
{
	ocf_unlock(t->fd);
	t->fd = -1;
}
