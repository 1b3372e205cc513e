/*
 * Configuration.  One table, keys[], drives the defaults, the file, the
 * environment, the flags and the listing, so that no source can know a
 * key that another does not, and every error can name the allowed range.
 *
 * The file syntax follows systemd's EnvironmentFile= parser (env-file.c)
 * wherever both accept a line, so that one file means the same to
 * systemd and to ocf: the environment systemd builds from it overrides
 * what we read from it.  Where systemd is lenient (a line without '=', a
 * quote left open to the next line, text after a closing quote) we stop
 * with an error instead of guessing.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cmdline.h"
#include "config.h"
#include "syntax.h"
#include "log.h"
#include "probe.h"
#include "state.h"

#define FILE_MAX (1024 * 1024)	/* a real file is a few hundred bytes */
#define NUM_MAX 63		/* longest text of a number or an enum word */
#define VALUE_MAX 4096		/* longest value held by the parser */

enum type {
	T_STR,		/* any text up to the field's size */
	T_HOST,		/* host name, IPv4 or IPv6 literal */
	T_URL,		/* http(s) URL, kept as given (an endpoint) */
	T_BASE,		/* http(s) URL that paths are appended to */
	T_URLS,		/* comma-separated http(s) URLs */
	T_INT,
	T_TIME,		/* seconds, decimals allowed */
	T_ENUM
};

struct key {
	const char *name;
	enum type type;
	size_t off, size;
	double min, max;		/* T_INT, T_TIME */
	const char *def;		/* parsed like any other value */
	const char *const *words;	/* T_ENUM: the value is the index */
	const char *help;
};

static const char *const fail_on_words[] = { "down", "notready", NULL };
static const char *const failback_words[] = {
	"auto", "delayed", "manual", NULL
};
static const char *const notify_format_words[] = {
	"json", "slack", "discord", "ntfy", NULL
};

static const char *const ready_check_words[] = {
	"auto", "channels", "readyz", NULL
};
static const char *const standby_mode_words[] = { "cold", "hot", NULL };

static const char *const arbiter_words[] = { "none", "etcd", NULL };

/* the enum fields are read and written as int */
_Static_assert(sizeof(enum ocf_fail_on) == sizeof(int), "enum size");
_Static_assert(sizeof(enum ocf_failback) == sizeof(int), "enum size");
_Static_assert(sizeof(enum ocf_notify_format) == sizeof(int), "enum size");
_Static_assert(sizeof(enum ocf_ready_check) == sizeof(int), "enum size");
_Static_assert(sizeof(enum ocf_arbiter_kind) == sizeof(int), "enum size");
_Static_assert(sizeof(enum ocf_standby_mode) == sizeof(int), "enum size");

#define FIELD(m) offsetof(struct ocf_config, m), \
	sizeof(((struct ocf_config *)0)->m)
#define STR(n, t, m, d, h) \
	{ .name = n, .type = t, FIELD(m), .def = d, .help = h }
#define NUM(n, t, m, lo, hi, d, h) \
	{ .name = n, .type = t, FIELD(m), .min = lo, .max = hi, .def = d, \
	  .help = h }
#define ENUM(n, m, w, d, h) \
	{ .name = n, .type = T_ENUM, FIELD(m), .words = w, .def = d, .help = h }

static const struct key keys[] = {
	STR("PRIMARY_IP", T_HOST, primary_ip, "",
	    "address of the primary gateway"),
	NUM("PRIMARY_PORT", T_INT, primary_port, 1, 65535, "18789",
	    "port of the primary gateway"),
	STR("PRIMARY_URL", T_BASE, primary_url_set, "",
	    "base URL of the primary instead of PRIMARY_IP:PRIMARY_PORT"),
	NUM("CHECK_INTERVAL", T_TIME, check_interval, 0.001, 86400, "10",
	    "seconds between checks while the primary is healthy"),
	NUM("FAST_INTERVAL", T_TIME, fast_interval, 0.001, 86400, "2",
	    "seconds between checks once a check has failed"),
	NUM("FAIL_THRESHOLD", T_INT, fail_threshold, 1, 1000, "3",
	    "consecutive failed checks before promotion"),
	NUM("RISE_THRESHOLD", T_INT, rise_threshold, 1, 1000, "3",
	    "consecutive good checks before demotion"),
	NUM("PROBE_TIMEOUT", T_TIME, probe_timeout, 0.01, 3600, "5",
	    "seconds one check may take in all"),
	NUM("READY_TIMEOUT", T_TIME, ready_timeout, 0.01, 86400, "120",
	    "seconds a promotion waits for the local gateway to be ready"),
	NUM("STOP_TIMEOUT", T_TIME, stop_timeout, 0.01, 86400, "30",
	    "seconds a demotion waits for the gateway to exit before SIGKILL"),
	NUM("GATEWAY_LOG_MAX", T_INT, gateway_log_max, 65536, 1073741824,
	    "4194304", "bytes of STATE_DIR/gateway.log (GATEWAY_CMD) before "
	    "it rotates to gateway.log.1"),
	NUM("HOLD_DOWN", T_TIME, hold_down, 0, 86400, "60",
	    "minimum seconds in the active role before automatic demotion"),
	NUM("HOOK_TIMEOUT", T_TIME, hook_timeout, 0.01, 3600, "30",
	    "seconds one hook may run"),
	ENUM("FAIL_ON", fail_on, fail_on_words, "down",
	    "down: promote when the primary is down; notready: also when "
	    "not ready"),
	NUM("NOTREADY_GRACE", T_TIME, notready_grace, 0, 86400, "60",
	    "seconds the primary may stay not ready (FAIL_ON=notready)"),
	ENUM("FAILBACK", failback, failback_words, "auto",
	    "auto, delayed (after FAILBACK_DELAY) or manual demotion"),
	NUM("FAILBACK_DELAY", T_TIME, failback_delay, 0, 604800, "300",
	    "seconds the primary must stay healthy (FAILBACK=delayed)"),
	NUM("FLAP_MAX", T_INT, flap_max, 1, OCF_FLAP_KEEP, "4",
	    "automatic transitions within FLAP_WINDOW that latch the node"),
	NUM("FLAP_WINDOW", T_TIME, flap_window, 1, 604800, "3600",
	    "seconds over which FLAP_MAX transitions are counted"),
	STR("CA_FILE", T_STR, ca_file, "",
	    "CA bundle for https probes"),
	STR("TOKEN_FILE", T_STR, token_file, "",
	    "file holding the bearer token for probes"),
	STR("GATEWAY_SERVICE", T_STR, gateway_service, "openclaw",
	    "systemd unit started on promotion, stopped on demotion"),
	STR("GATEWAY_CMD", T_STR, gateway_cmd, "",
	    "foreground gateway command run by ocf instead of systemd"),
	STR("GATEWAY_URL", T_BASE, gateway_url, "http://127.0.0.1:18789",
	    "base URL of the local gateway"),
	STR("OPENCLAW_USER", T_STR, openclaw_user, "openclaw",
	    "user the gateway, git and rsync run as"),
	ENUM("READY_CHECK", ready_check, ready_check_words, "auto",
	    "channels: a promotion waits for every channel to connect; "
	    "readyz: for /readyz only; auto: channels when the admin RPC "
	    "answers"),
	STR("GATEWAY_TOKEN_FILE", T_STR, gateway_token_file, "",
	    "file holding the local gateway's token for its admin RPC "
	    "(empty: TOKEN_FILE)"),
	ENUM("STANDBY_MODE", standby_mode, standby_mode_words, "cold",
	    "cold: the standby's gateway is stopped; hot: it runs with its "
	    "channels held down, and a promotion starts the channels"),
	STR("GATEWAY_CONFIG", T_STR, gateway_config, "",
	    "the local gateway's openclaw.json, where STANDBY_MODE=hot holds "
	    "the channels down across a start (empty: "
	    "~OPENCLAW_USER/.openclaw/openclaw.json)"),
	STR("WORKSPACE", T_STR, workspace,
	    "/home/openclaw/.openclaw/workspace",
	    "git checkout synced on promotion and demotion"),
	STR("SYNC_REMOTE", T_STR, sync_remote, "origin",
	    "git remote of the workspace"),
	STR("SYNC_BRANCH", T_STR, sync_branch, "",
	    "git branch of the workspace (empty: the current one)"),
	NUM("SYNC_TIMEOUT", T_TIME, sync_timeout, 0.01, 3600, "60",
	    "seconds one git or rsync operation may take"),
	STR("GIT_TOKEN_FILE", T_STR, git_token_file, "",
	    "file holding the token for an https git remote"),
	STR("SSH_KEY", T_STR, ssh_key, "",
	    "ssh identity for git and rsync"),
	STR("SSH_KNOWN_HOSTS", T_STR, ssh_known_hosts, "",
	    "known_hosts file for git and rsync"),
	NUM("SSH_PORT", T_INT, ssh_port, 1, 65535, "22",
	    "ssh port of SECRETS_HOST"),
	STR("SECRETS_HOST", T_STR, secrets_host, "",
	    "user@host to rsync secrets from on promotion"),
	STR("SECRETS_SRC", T_STR, secrets_src, ".secrets/",
	    "path of the secrets on SECRETS_HOST"),
	STR("SECRETS_DIR", T_STR, secrets_dir, "",
	    "local secrets directory (empty: ~OPENCLAW_USER/.secrets)"),
	STR("NODE_NAME", T_STR, node_name, "",
	    "name of this node in logs and webhooks (empty: hostname)"),
	STR("HOOKS_DIR", T_STR, hooks_dir, OCF_HOOKS_DIR,
	    "executables run in name order on every transition"),
	STR("NOTIFY_URL", T_URL, notify_url, "",
	    "webhook that receives a JSON POST on every transition"),
	ENUM("NOTIFY_FORMAT", notify_format, notify_format_words, "json",
	    "body of the NOTIFY_URL posts: json, slack, discord or ntfy"),
	STR("STATE_DIR", T_STR, state_dir, "/var/lib/ocf",
	    "state file, lock, pid file and logs"),
	STR("METRICS_FILE", T_STR, metrics_file, "",
	    "Prometheus text file the watcher rewrites after every check"),
	STR("HEARTBEAT_URL", T_URL, heartbeat_url, "",
	    "dead man's switch: GET while the watcher checks, /fail on a "
	    "failed transition"),
	NUM("HEARTBEAT_INTERVAL", T_TIME, heartbeat_interval, 0.1, 86400, "60",
	    "seconds between two heartbeats"),
	ENUM("ARBITER", arbiter, arbiter_words, "none",
	    "none: the standby decides alone; etcd: a lease in etcd decides "
	    "who serves"),
	STR("ETCD_ENDPOINTS", T_URLS, etcd_endpoints, "",
	    "comma-separated etcd client URLs (ARBITER=etcd)"),
	STR("ETCD_PREFIX", T_STR, etcd_prefix, "/ocf/",
	    "prefix of the arbiter's keys in etcd"),
	NUM("LEASE_TTL", T_INT, lease_ttl, 2, 3600, "10",
	    "seconds of the etcd lease; the holder stops its gateway when it "
	    "could not renew for 2/3 of it"),
	NUM("NODE_PRIORITY", T_INT, node_priority, 0, 1000, "0",
	    "ARBITER=etcd: the node with the highest priority serves when it "
	    "is healthy"),
	STR("WITNESS_URLS", T_URLS, witness_urls, "",
	    "comma-separated URLs; a standby that reaches none of them does "
	    "not count failed checks"),
};
#define NKEYS (sizeof(keys) / sizeof(keys[0]))

static int
fail(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int
fail(char *err, size_t errlen, const char *fmt, ...)
{
	if (err != NULL && errlen > 0) {
		va_list ap;

		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return -1;
}

/* "origin: KEY: reason" */
static int
bad(char *err, size_t errlen, const char *origin, const struct key *k,
    const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static int
bad(char *err, size_t errlen, const char *origin, const struct key *k,
    const char *fmt, ...)
{
	int n;

	if (err == NULL || errlen == 0)
		return -1;
	n = snprintf(err, errlen, "%s: %s: ", origin, k->name);
	if (n >= 0 && (size_t)n < errlen) {
		va_list ap;

		va_start(ap, fmt);
		vsnprintf(err + n, errlen - n, fmt, ap);
		va_end(ap);
	}
	return -1;
}

static const struct key *
lookup(const char *name, size_t len)
{
	size_t i;

	for (i = 0; i < NKEYS; i++)
		if (strlen(keys[i].name) == len &&
		    memcmp(keys[i].name, name, len) == 0)
			return &keys[i];
	return NULL;
}

/* "URL, URL,...": each an http(s) URL, blanks around commas allowed */
static int
valid_urls(const char *v)
{
	char one[1024];
	size_t n;

	while (*v != '\0') {
		v += strspn(v, " \t");
		n = strcspn(v, ",");
		while (n > 0 && (v[n - 1] == ' ' || v[n - 1] == '\t'))
			n--;
		if (n == 0 || n >= sizeof(one))
			return 0;
		memcpy(one, v, n);
		one[n] = '\0';
		if (!ocf_valid_url(one))
			return 0;
		v += strcspn(v, ",");
		if (*v == ',' && *++v == '\0')
			return 0;	/* a trailing comma */
	}
	return 1;
}

static size_t
max_len(const struct key *k)
{
	switch (k->type) {
	case T_STR:
	case T_HOST:
	case T_URL:
	case T_BASE:
	case T_URLS:
		return k->size - 1;
	default:
		return NUM_MAX;
	}
}

static int
set_int(void *field, const struct key *k, const char *v, const char *origin,
    char *err, size_t errlen)
{
	char *end;
	long n;

	/* strtol would skip blanks and take '+' */
	if (!(v[0] >= '0' && v[0] <= '9') &&
	    !(v[0] == '-' && v[1] >= '0' && v[1] <= '9'))
		return bad(err, errlen, origin, k,
		    "'%s' is not an integer (%g..%g)", v, k->min, k->max);
	errno = 0;
	n = strtol(v, &end, 10);
	if (*end != '\0')
		return bad(err, errlen, origin, k,
		    "'%s' is not an integer (%g..%g)", v, k->min, k->max);
	if (errno == ERANGE || n < k->min || n > k->max)
		return bad(err, errlen, origin, k,
		    "'%s' is out of range (%g..%g)", v, k->min, k->max);
	*(int *)field = (int)n;
	return 0;
}

/* digits with at most one '.': strtod alone would take nan, inf, 0x, 1e3 */
static int
decimal(const char *v)
{
	size_t ip, fp = 0;

	ip = strspn(v, "0123456789");
	if (v[ip] == '.')
		fp = strspn(v + ip + 1, "0123456789");
	return ip + fp > 0 && v[ip + (v[ip] == '.') + fp] == '\0';
}

static int
set_time(void *field, const struct key *k, const char *v, const char *origin,
    char *err, size_t errlen)
{
	int neg = v[0] == '-';
	double d;

	if (!decimal(v + neg))
		return bad(err, errlen, origin, k,
		    "'%s' is not a number of seconds (%g..%g)", v, k->min,
		    k->max);
	d = strtod(v + neg, NULL);
	/* an overflow is HUGE_VAL, which the range rejects */
	if (neg || d < k->min || d > k->max)
		return bad(err, errlen, origin, k,
		    "'%s' is out of range (%g..%g)", v, k->min, k->max);
	*(double *)field = d;
	return 0;
}

static int
set_enum(void *field, const struct key *k, const char *v, const char *origin,
    char *err, size_t errlen)
{
	char list[128];
	size_t i, n = 0;

	for (i = 0; k->words[i] != NULL; i++)
		if (strcmp(v, k->words[i]) == 0) {
			*(int *)field = (int)i;
			return 0;
		}
	list[0] = '\0';
	for (i = 0; k->words[i] != NULL && n < sizeof(list); i++)
		n += snprintf(list + n, sizeof(list) - n, "%s%s",
		    i > 0 ? "|" : "", k->words[i]);
	return bad(err, errlen, origin, k, "'%s' is not one of %s", v, list);
}

static int
set_key(struct ocf_config *c, const struct key *k, const char *v,
    const char *origin, char *err, size_t errlen)
{
	char *field = (char *)c + k->off;
	size_t n = strlen(v);

	if (n > max_len(k))
		return bad(err, errlen, origin, k,
		    "value is too long (at most %zu bytes)", max_len(k));
	if (ocf_has_control(v))
		return bad(err, errlen, origin, k,
		    "value contains a control character");
	switch (k->type) {
	case T_INT:
		return set_int(field, k, v, origin, err, errlen);
	case T_TIME:
		return set_time(field, k, v, origin, err, errlen);
	case T_ENUM:
		return set_enum(field, k, v, origin, err, errlen);
	case T_HOST:
		if (!ocf_valid_host(v))
			return bad(err, errlen, origin, k,
			    "'%s' is not a host name or IP address", v);
		break;
	case T_URL:
	case T_BASE:
		if (n > 0 && !ocf_valid_url(v))
			return bad(err, errlen, origin, k,
			    "'%s' is not an http:// or https:// URL", v);
		break;
	case T_URLS:
		if (!valid_urls(v))
			return bad(err, errlen, origin, k, "'%s' is not a "
			    "comma-separated list of http:// or https:// URLs",
			    v);
		break;
	case T_STR:
		break;
	}
	memcpy(field, v, n + 1);
	/* callers append "/readyz": no "//" */
	while (k->type == T_BASE && n > 0 && field[n - 1] == '/')
		field[--n] = '\0';
	return 0;
}

void
ocf_config_defaults(struct ocf_config *c)
{
	size_t i;

	memset(c, 0, sizeof(*c));
	for (i = 0; i < NKEYS; i++)
		if (set_key(c, &keys[i], keys[i].def, "default", NULL, 0) == -1)
			abort();	/* a bad default is a bug in keys[] */
}

int
ocf_config_set(struct ocf_config *c, const char *key, const char *value,
    const char *origin, char *err, size_t errlen)
{
	const struct key *k;

	if ((k = lookup(key, strlen(key))) == NULL)
		return fail(err, errlen, "%s: unknown key '%s'", origin, key);
	return set_key(c, k, value, origin, err, errlen);
}

int
ocf_config_load_env(struct ocf_config *c, char *err, size_t errlen)
{
	size_t i;

	for (i = 0; i < NKEYS; i++) {
		const char *v = getenv(keys[i].name);

		if (v != NULL &&
		    set_key(c, &keys[i], v, "environment", err, errlen) == -1)
			return -1;
	}
	return 0;
}

/* The file parser.  text is not NUL-terminated: every read checks end. */

struct cursor {
	const char *p, *end;
	size_t line;
};

struct value {
	char buf[VALUE_MAX + 1];
	size_t len;	/* beyond VALUE_MAX: too long, the rest is dropped */
};

static int
is_blank(char ch)
{
	/* '\r' so that a CRLF file reads like an LF one */
	return ch == ' ' || ch == '\t' || ch == '\r';
}

static void
skip_blanks(struct cursor *cur)
{
	while (cur->p < cur->end && is_blank(*cur->p))
		cur->p++;
}

static void
skip_to_eol(struct cursor *cur)
{
	const char *nl = memchr(cur->p, '\n', cur->end - cur->p);

	cur->p = nl != NULL ? nl : cur->end;
}

/* after a backslash: a newline (LF or CRLF) there continues the line */
static int
eat_newline(struct cursor *cur)
{
	const char *p = cur->p;

	if (p < cur->end && *p == '\r')
		p++;
	if (p == cur->end || *p != '\n')
		return 0;
	cur->p = p + 1;
	cur->line++;
	return 1;
}

static void
put(struct value *v, char ch)
{
	if (v->len < VALUE_MAX)
		v->buf[v->len] = ch;
	v->len++;
}

/* unquoted: a backslash escapes any character, trailing blanks go */
static void
read_plain(struct cursor *cur, struct value *v)
{
	size_t keep = 0;

	while (cur->p < cur->end && *cur->p != '\n') {
		char ch = *cur->p++;

		if (ch != '\\') {
			put(v, ch);
			if (!is_blank(ch))
				keep = v->len;
		} else if (!eat_newline(cur) && cur->p < cur->end) {
			put(v, *cur->p++);
			keep = v->len;
		}
	}
	v->len = keep;
}

/*
 * '...' is literal; in "..." a backslash escapes only " \ ` $ and a
 * newline, and stays otherwise ("\n" is two characters), as in systemd.
 * Returns -1 when the quote is not closed on its line.
 */
static int
read_quoted(struct cursor *cur, struct value *v)
{
	char q = *cur->p++;

	for (;;) {
		char ch;

		if (cur->p == cur->end || *cur->p == '\n')
			return -1;
		ch = *cur->p++;
		if (ch == q)
			return 0;
		if (ch == '\\' && q == '"') {
			if (eat_newline(cur))
				continue;
			if (cur->p == cur->end)
				return -1;
			ch = *cur->p++;
			if (ch == '\0' || strchr("\"\\`$", ch) == NULL)
				put(v, '\\');
		}
		put(v, ch);
	}
}

static int
valid_name(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!(s[i] == '_' || (s[i] >= 'A' && s[i] <= 'Z') ||
		    (s[i] >= 'a' && s[i] <= 'z') ||
		    (i > 0 && s[i] >= '0' && s[i] <= '9')))
			return 0;
	return n > 0;
}

/* "export " is how shells source such a file; systemd would skip the line */
static void
skip_export(struct cursor *cur)
{
	if (cur->end - cur->p > 6 && memcmp(cur->p, "export", 6) == 0 &&
	    is_blank(cur->p[6])) {
		cur->p += 6;
		skip_blanks(cur);
	}
}

/* KEY= with an optional "export "; NULL with err filled */
static const struct key *
parse_key(struct cursor *cur, const char *origin, char *err, size_t errlen)
{
	const struct key *k;
	const char *key;
	size_t keylen;

	skip_export(cur);
	key = cur->p;
	while (cur->p < cur->end && *cur->p != '=' && *cur->p != '\n' &&
	    !is_blank(*cur->p))
		cur->p++;
	keylen = cur->p - key;
	skip_blanks(cur);
	if (keylen == 0 || cur->p == cur->end || *cur->p != '=') {
		fail(err, errlen, "%s: line is not KEY=VALUE", origin);
		return NULL;
	}
	cur->p++;
	if (!valid_name(key, keylen)) {
		char shown[80];

		fail(err, errlen, "%s: '%s' is not a valid key name", origin,
		    ocf_printable(key, keylen, shown, sizeof(shown)));
		return NULL;
	}
	if ((k = lookup(key, keylen)) == NULL)
		fail(err, errlen, "%s: unknown key '%.*s'", origin,
		    (int)keylen, key);
	return k;
}

/* what follows '=', up to the end of the (continued) line */
static int
parse_value(struct cursor *cur, const struct key *k, struct value *v,
    const char *origin, char *err, size_t errlen)
{
	v->len = 0;
	skip_blanks(cur);
	if (cur->p < cur->end && (*cur->p == '"' || *cur->p == '\'')) {
		if (read_quoted(cur, v) == -1)
			return bad(err, errlen, origin, k,
			    "unterminated quote");
		skip_blanks(cur);
		if (cur->p < cur->end && *cur->p != '\n')
			return bad(err, errlen, origin, k,
			    "unexpected text after the closing quote");
	} else
		read_plain(cur, v);
	if (v->len > VALUE_MAX)
		return bad(err, errlen, origin, k,
		    "value is too long (at most %zu bytes)", max_len(k));
	v->buf[v->len] = '\0';
	return 0;
}

/* one KEY=VALUE at cur->p; leaves cur at the newline or the end */
static int
parse_entry(struct ocf_config *c, struct cursor *cur, const char *name,
    char *err, size_t errlen)
{
	char origin[OCF_ERRLEN];
	const struct key *k;
	struct value v;

	snprintf(origin, sizeof(origin), "%s:%zu", name, cur->line);
	if ((k = parse_key(cur, origin, err, errlen)) == NULL ||
	    parse_value(cur, k, &v, origin, err, errlen) == -1)
		return -1;
	return set_key(c, k, v.buf, origin, err, errlen);
}

static size_t
line_of(const char *text, const char *at)
{
	size_t line = 1;

	for (; text < at; text++)
		line += *text == '\n';
	return line;
}

int
ocf_config_parse(struct ocf_config *c, const char *text, size_t len,
    const char *name, char *err, size_t errlen)
{
	struct cursor cur;
	const char *nul;

	if (len == 0)	/* text may be NULL then */
		return 0;
	cur = (struct cursor){ text, text + len, 1 };
	if (name == NULL)
		name = "configuration";
	/* C strings would end the value there, unlike systemd's reading */
	if ((nul = memchr(text, '\0', len)) != NULL)
		return fail(err, errlen, "%s:%zu: file contains a NUL byte",
		    name, line_of(text, nul));
	for (;;) {
		skip_blanks(&cur);
		if (cur.p == cur.end)
			return 0;
		if (*cur.p == '#' || *cur.p == ';')
			skip_to_eol(&cur);
		else if (*cur.p != '\n' &&
		    parse_entry(c, &cur, name, err, errlen) == -1)
			return -1;
		if (cur.p < cur.end) {
			cur.p++;
			cur.line++;
		}
	}
}

/* the whole file into a new buffer, refusing what cannot be a config */
static int
read_all(int fd, const char *path, char **bufp, size_t *lenp, char *err,
    size_t errlen)
{
	char *buf;
	size_t len = 0;

	if ((buf = malloc(FILE_MAX + 1)) == NULL)
		return fail(err, errlen, "unable to read '%s': %s", path,
		    strerror(ENOMEM));
	while (len <= FILE_MAX) {
		ssize_t n = read(fd, buf + len, FILE_MAX + 1 - len);

		if (n == 0)
			break;
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			fail(err, errlen, "unable to read '%s': %s", path,
			    strerror(errno));
			free(buf);
			return -1;
		}
		len += n;
	}
	if (len > FILE_MAX) {
		free(buf);
		return fail(err, errlen,
		    "unable to read '%s': file is larger than 1 MiB", path);
	}
	*bufp = buf;
	*lenp = len;
	return 0;
}

int
ocf_config_load_file(struct ocf_config *c, const char *path, char *err,
    size_t errlen)
{
	struct stat st;
	char *buf = NULL;
	size_t len = 0;
	int fd, rc;

	if ((fd = open(path != NULL ? path : OCF_CONFIG_FILE,
	    O_RDONLY | O_CLOEXEC | O_NOCTTY)) == -1) {
		/* only the default file is optional */
		if (path == NULL && errno == ENOENT)
			return 0;
		return fail(err, errlen, "unable to open '%s': %s",
		    path != NULL ? path : OCF_CONFIG_FILE, strerror(errno));
	}
	if (path == NULL)
		path = OCF_CONFIG_FILE;
	/* others could choose what we run (GATEWAY_CMD, HOOKS_DIR) */
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) &&
	    (st.st_mode & (S_IWGRP | S_IWOTH)))
		ocf_warn("'%s' is writable by %s", path,
		    st.st_mode & S_IWOTH ? "any user" : "its group");
	rc = read_all(fd, path, &buf, &len, err, errlen);
	close(fd);
	if (rc == -1)
		return -1;
	rc = ocf_config_parse(c, buf, len, path, err, errlen);
	free(buf);
	return rc;
}

static int
host_url(char *buf, size_t len, const char *host, int port)
{
	size_t n = strlen(host);
	const char *pct;
	int w;

	if (host[0] == '[') {	/* given bracketed: the same as without */
		host++;
		n -= 2;
	}
	pct = memchr(host, '%', n);
	if (memchr(host, ':', n) == NULL)
		w = snprintf(buf, len, "http://%.*s:%d", (int)n, host, port);
	else if (pct == NULL)
		w = snprintf(buf, len, "http://[%.*s]:%d", (int)n, host, port);
	else	/* a zone's '%' is "%25" in a URL (RFC 6874) */
		w = snprintf(buf, len, "http://[%.*s%%25%.*s]:%d",
		    (int)(pct - host), host, (int)(n - (pct - host) - 1),
		    pct + 1, port);
	return w >= 0 && (size_t)w < len ? 0 : -1;
}

/* GATEWAY_CMD is split at each start: a line that cannot be split is a
 * configuration error now, not a failed promotion later */
static int
check_cmdline(const struct ocf_config *c, char *err, size_t errlen)
{
	char why[OCF_ERRLEN], **argv;

	if (c->gateway_cmd[0] == '\0')
		return 0;
	if (ocf_split_cmdline(c->gateway_cmd, &argv, why, sizeof(why)) == -1)
		return fail(err, errlen, "GATEWAY_CMD: %s", why);
	ocf_argv_free(argv);
	return 0;
}

int
ocf_config_finish(struct ocf_config *c, int need_primary, char *err,
    size_t errlen)
{
	/* set_key checked it, but a caller may have written the field */
	if (!ocf_valid_host(c->primary_ip))
		return fail(err, errlen,
		    "PRIMARY_IP: '%s' is not a host name or IP address",
		    c->primary_ip);
	if (c->primary_url_set[0] != '\0')
		snprintf(c->primary_url, sizeof(c->primary_url), "%s",
		    c->primary_url_set);
	else if (c->primary_ip[0] != '\0') {
		if (host_url(c->primary_url, sizeof(c->primary_url),
		    c->primary_ip, c->primary_port) == -1)
			return fail(err, errlen,
			    "PRIMARY_IP: '%s' is too long", c->primary_ip);
	} else if (need_primary && c->arbiter == OCF_ARBITER_NONE)
		return fail(err, errlen, "PRIMARY_IP or PRIMARY_URL is required"
		    " (set it in %s or the environment)", OCF_CONFIG_FILE);
	else
		c->primary_url[0] = '\0';
	if (c->gateway_url[0] == '\0')
		return fail(err, errlen, "GATEWAY_URL must not be empty");
	if (c->arbiter == OCF_ARBITER_ETCD && c->etcd_endpoints[0] == '\0')
		return fail(err, errlen, "ETCD_ENDPOINTS is required with "
		    "ARBITER=etcd");
	if (c->etcd_prefix[0] != '/')
		return fail(err, errlen, "ETCD_PREFIX: '%s' does not start "
		    "with '/'", c->etcd_prefix);
	/* a hot standby is told from a serving node by its channels alone */
	if (c->standby_mode == OCF_STANDBY_HOT &&
	    c->ready_check == OCF_READY_READYZ)
		return fail(err, errlen, "STANDBY_MODE=hot needs the channels "
		    "checked: READY_CHECK must be channels or auto, not readyz");
	return check_cmdline(c, err, errlen);
}

int
ocf_config_load(struct ocf_config *c, const char *path)
{
	char err[OCF_ERRLEN];

	ocf_config_defaults(c);
	if (ocf_config_load_file(c, path, err, sizeof(err)) == -1 ||
	    ocf_config_load_env(c, err, sizeof(err)) == -1) {
		ocf_err("%s", err);
		return -1;
	}
	return 0;
}

size_t
ocf_config_nkeys(void)
{
	return NKEYS;
}

const char *
ocf_config_key(size_t i)
{
	return i < NKEYS ? keys[i].name : NULL;
}

const char *
ocf_config_help(size_t i)
{
	return i < NKEYS ? keys[i].help : NULL;
}

/*
 * Like %g, but never "1e-05" nor "1234.57": what is listed must read back
 * (the parser takes no exponent) and keep its value to the microsecond.
 */
static void
format_time(char *buf, size_t len, double d)
{
	char *p;
	int n;

	n = snprintf(buf, len, "%.6f", d);
	if (n < 0 || (size_t)n >= len || strchr(buf, '.') == NULL)
		return;
	for (p = buf + n - 1; *p == '0'; p--)
		*p = '\0';
	if (*p == '.')
		*p = '\0';
}

const char *
ocf_config_value(const struct ocf_config *c, size_t i, char *buf,
    size_t len)
{
	const struct key *k;
	const void *field;
	int n, w;

	if (i >= NKEYS || len == 0)
		return NULL;
	k = &keys[i];
	field = (const char *)c + k->off;
	switch (k->type) {
	case T_INT:
		snprintf(buf, len, "%d", *(const int *)field);
		break;
	case T_TIME:
		format_time(buf, len, *(const double *)field);
		break;
	case T_ENUM:
		n = *(const int *)field;
		for (w = 0; k->words[w] != NULL; w++)
			if (w == n)
				break;
		snprintf(buf, len, "%s",
		    k->words[w] != NULL ? k->words[w] : "?");
		break;
	default:
		snprintf(buf, len, "%s", (const char *)field);
		break;
	}
	return buf;
}

/* v single-quoted for sh.  set_key() lets no control character but a tab
 * in, and sh keeps a tab as it is within quotes; a field a caller wrote
 * itself gets '?' for one, as in the state file. */
static void
print_quoted(FILE *f, const char *v)
{
	putc('\'', f);
	for (; *v != '\0'; v++)
		if (*v == '\'')
			fputs("'\\''", f);
		else if (ocf_is_control(*v))
			putc('?', f);
		else
			putc(*v, f);
	putc('\'', f);
}

int
ocf_config_print(FILE *f, const struct ocf_config *c)
{
	char buf[VALUE_MAX + 1];
	size_t i;

	for (i = 0; i < NKEYS; i++) {
		fprintf(f, "%s=", keys[i].name);
		print_quoted(f, ocf_config_value(c, i, buf, sizeof(buf)));
		putc('\n', f);
	}
	return ferror(f) ? -1 : 0;
}

struct ocf_probe_opts *
ocf_config_probe(const struct ocf_config *c, const char *url, double timeout,
    struct ocf_probe_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->url = url;
	o->timeout = timeout;
	o->ca_file = c->ca_file;
	o->token_file = c->token_file;
	return o;
}

struct ocf_probe_opts *
ocf_config_rpc(const struct ocf_config *c, double timeout,
    struct ocf_probe_opts *o)
{
	ocf_config_probe(c, c->gateway_url, timeout, o);
	if (c->gateway_token_file[0] != '\0')
		o->token_file = c->gateway_token_file;
	return o;
}
