/*
 * Unit tests of lib/config.c: the key table, every value type, the
 * EnvironmentFile= syntax, the sources' precedence and the messages.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"
#include "syntax.h"

static struct ocf_config c;
static char err[OCF_ERRLEN];
static char dir[] = "/tmp/test_config.XXXXXX";

/* ---- helpers ---- */

/*
 * Parse text from an exactly sized heap copy without a terminating NUL,
 * so that valgrind or ASan catch any read past len.
 */
static int
parse_n(const char *text, size_t len)
{
	char *copy = malloc(len > 0 ? len : 1);
	int rc;

	assert_non_null(copy);
	memcpy(copy, text, len);
	err[0] = '\0';
	rc = ocf_config_parse(&c, copy, len, "t.conf", err, sizeof(err));
	free(copy);
	return rc;
}

static int
parse(const char *text)
{
	return parse_n(text, strlen(text));
}

static int
set(const char *key, const char *value)
{
	err[0] = '\0';
	return ocf_config_set(&c, key, value, "command line", err,
	    sizeof(err));
}

static void
set_ok(const char *key, const char *value)
{
	if (set(key, value) != 0)
		fail_msg("%s=%s: %s", key, value, err);
}

/* the value is refused with exactly this message */
static void
set_bad(const char *key, const char *value, const char *msg)
{
	assert_int_equal(set(key, value), -1);
	assert_string_equal(err, msg);
}

static size_t
key_index(const char *key)
{
	size_t i;

	for (i = 0; i < ocf_config_nkeys(); i++)
		if (strcmp(ocf_config_key(i), key) == 0)
			return i;
	fail_msg("no key %s", key);
	return 0;
}

static const char *
value(const char *key)
{
	static char buf[8192];

	return ocf_config_value(&c, key_index(key), buf, sizeof(buf));
}

static void
write_file(const char *path, const char *text, size_t len, mode_t mode)
{
	int fd;

	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, len), (ssize_t)len);
	assert_int_equal(fchmod(fd, mode), 0);
	assert_int_equal(close(fd), 0);
}

static char *
path_in_dir(const char *name)
{
	static char path[256];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	return path;
}

/* stderr into a file, to check what the library logs */
static int saved_stderr = -1;
static char capture_path[256];

static void
capture_start(void)
{
	int fd;

	snprintf(capture_path, sizeof(capture_path), "%s/stderr", dir);
	fflush(stderr);
	saved_stderr = dup(2);
	fd = open(capture_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	assert_true(fd >= 0 && saved_stderr >= 0);
	assert_int_equal(dup2(fd, 2), 2);
	close(fd);
}

static const char *
capture_end(void)
{
	static char buf[4096];
	ssize_t n;
	int fd;

	fflush(stderr);
	dup2(saved_stderr, 2);
	close(saved_stderr);
	fd = open(capture_path, O_RDONLY);
	assert_true(fd >= 0);
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	buf[n > 0 ? n : 0] = '\0';
	return buf;
}

static int
setup(void **state)
{
	size_t i;

	(void)state;
	/* a caller's environment (e.g. a CI's WORKSPACE) must not leak in */
	for (i = 0; i < ocf_config_nkeys(); i++)
		unsetenv(ocf_config_key(i));
	ocf_config_defaults(&c);
	err[0] = '\0';
	return 0;
}

static int
group_setup(void **state)
{
	(void)state;
	return mkdtemp(dir) != NULL ? 0 : -1;
}

static int
group_teardown(void **state)
{
	static const char *const names[] = {
		"big.conf", "mib.conf", "ww.conf", "prec.conf", "bad.conf",
		"stderr", "sub",
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		remove(path_in_dir(names[i]));
	return rmdir(dir);
}

/* ---- the key table and the defaults ---- */

static const char *const defaults[][2] = {
	{ "PRIMARY_IP", "" },
	{ "PRIMARY_PORT", "18789" },
	{ "PRIMARY_URL", "" },
	{ "CHECK_INTERVAL", "10" },
	{ "FAST_INTERVAL", "2" },
	{ "FAIL_THRESHOLD", "3" },
	{ "RISE_THRESHOLD", "3" },
	{ "PROBE_TIMEOUT", "5" },
	{ "READY_TIMEOUT", "120" },
	{ "STOP_TIMEOUT", "30" },
	{ "GATEWAY_LOG_MAX", "4194304" },
	{ "HOLD_DOWN", "60" },
	{ "HOOK_TIMEOUT", "30" },
	{ "FAIL_ON", "down" },
	{ "NOTREADY_GRACE", "60" },
	{ "FAILBACK", "auto" },
	{ "FAILBACK_DELAY", "300" },
	{ "FLAP_MAX", "4" },
	{ "FLAP_WINDOW", "3600" },
	{ "CA_FILE", "" },
	{ "TOKEN_FILE", "" },
	{ "GATEWAY_SERVICE", "openclaw" },
	{ "GATEWAY_CMD", "" },
	{ "GATEWAY_URL", "http://127.0.0.1:18789" },
	{ "OPENCLAW_USER", "openclaw" },
	{ "READY_CHECK", "auto" },
	{ "GATEWAY_TOKEN_FILE", "" },
	{ "STANDBY_MODE", "cold" },
	{ "GATEWAY_CONFIG", "" },
	{ "WORKSPACE", "/home/openclaw/.openclaw/workspace" },
	{ "SYNC_REMOTE", "origin" },
	{ "SYNC_BRANCH", "" },
	{ "SYNC_TIMEOUT", "60" },
	{ "GIT_TOKEN_FILE", "" },
	{ "SSH_KEY", "" },
	{ "SSH_KNOWN_HOSTS", "" },
	{ "SSH_PORT", "22" },
	{ "SECRETS_HOST", "" },
	{ "SECRETS_SRC", ".secrets/" },
	{ "SECRETS_DIR", "" },
	{ "NODE_NAME", "" },
	{ "HOOKS_DIR", "/etc/ocf/hooks.d" },
	{ "NOTIFY_URL", "" },
	{ "NOTIFY_FORMAT", "json" },
	{ "STATE_DIR", "/var/lib/ocf" },
	{ "METRICS_FILE", "" },
	{ "HEARTBEAT_URL", "" },
	{ "HEARTBEAT_INTERVAL", "60" },
	{ "ARBITER", "none" },
	{ "ETCD_ENDPOINTS", "" },
	{ "ETCD_PREFIX", "/ocf/" },
	{ "LEASE_TTL", "10" },
	{ "NODE_PRIORITY", "0" },
	{ "WITNESS_URLS", "" },
};
#define NDEFAULTS (sizeof(defaults) / sizeof(defaults[0]))

static void
test_key_table(void **state)
{
	char buf[64];
	size_t i;

	(void)state;
	assert_int_equal(ocf_config_nkeys(), NDEFAULTS);
	for (i = 0; i < NDEFAULTS; i++) {
		assert_string_equal(ocf_config_key(i), defaults[i][0]);
		assert_non_null(ocf_config_help(i));
		assert_true(strlen(ocf_config_help(i)) > 10);
	}
	assert_null(ocf_config_key(NDEFAULTS));
	assert_null(ocf_config_help(NDEFAULTS));
	assert_null(ocf_config_value(&c, NDEFAULTS, buf, sizeof(buf)));
}

static void
test_defaults_listed(void **state)
{
	char buf[64];
	size_t i;

	(void)state;
	for (i = 0; i < NDEFAULTS; i++)
		assert_string_equal(ocf_config_value(&c, i, buf, sizeof(buf)),
		    defaults[i][1]);
}

static void
test_defaults_fields(void **state)
{
	(void)state;
	assert_string_equal(c.primary_ip, "");
	assert_int_equal(c.primary_port, 18789);
	assert_string_equal(c.primary_url_set, "");
	assert_string_equal(c.primary_url, "");
	assert_true(c.check_interval == 10.0);
	assert_true(c.fast_interval == 2.0);
	assert_int_equal(c.fail_threshold, 3);
	assert_int_equal(c.rise_threshold, 3);
	assert_true(c.probe_timeout == 5.0);
	assert_true(c.ready_timeout == 120.0);
	assert_true(c.stop_timeout == 30.0);
	assert_true(c.hold_down == 60.0);
	assert_true(c.hook_timeout == 30.0);
	assert_int_equal(c.fail_on, OCF_FAIL_ON_DOWN);
	assert_true(c.notready_grace == 60.0);
	assert_int_equal(c.failback, OCF_FAILBACK_AUTO);
	assert_true(c.failback_delay == 300.0);
	assert_int_equal(c.flap_max, 4);
	assert_true(c.flap_window == 3600.0);
	assert_string_equal(c.gateway_service, "openclaw");
	assert_string_equal(c.gateway_url, "http://127.0.0.1:18789");
	assert_string_equal(c.openclaw_user, "openclaw");
	assert_string_equal(c.workspace, "/home/openclaw/.openclaw/workspace");
	assert_string_equal(c.sync_remote, "origin");
	assert_true(c.sync_timeout == 60.0);
	assert_int_equal(c.ssh_port, 22);
	assert_string_equal(c.secrets_src, ".secrets/");
	assert_string_equal(c.hooks_dir, "/etc/ocf/hooks.d");
	assert_string_equal(c.state_dir, "/var/lib/ocf");
}

/* what a listing prints can be fed back unchanged */
static void
test_value_round_trip(void **state)
{
	char before[8192], after[8192];
	size_t i;

	(void)state;
	set_ok("PROBE_TIMEOUT", "0.25");
	set_ok("FAILBACK", "manual");
	set_ok("PRIMARY_IP", "::1");
	for (i = 0; i < ocf_config_nkeys(); i++) {
		ocf_config_value(&c, i, before, sizeof(before));
		set_ok(ocf_config_key(i), before);
		ocf_config_value(&c, i, after, sizeof(after));
		assert_string_equal(before, after);
	}
	assert_string_equal(value("PROBE_TIMEOUT"), "0.25");
}

static void
test_value_times(void **state)
{
	(void)state;
	set_ok("HOLD_DOWN", "0.00001");
	assert_string_equal(value("HOLD_DOWN"), "0.00001");
	set_ok("HOLD_DOWN", "1234.5678");
	assert_string_equal(value("HOLD_DOWN"), "1234.5678");
	set_ok("HOLD_DOWN", "0");
	assert_string_equal(value("HOLD_DOWN"), "0");
	set_ok("HOLD_DOWN", "100.");
	assert_string_equal(value("HOLD_DOWN"), "100");
	set_ok("FAILBACK_DELAY", "604800");
	assert_string_equal(value("FAILBACK_DELAY"), "604800");
	set_ok("PROBE_TIMEOUT", "0.01");
	assert_string_equal(value("PROBE_TIMEOUT"), "0.01");
}

static void
test_value_small_buffer(void **state)
{
	char buf[5];

	(void)state;
	assert_string_equal(ocf_config_value(&c, key_index("WORKSPACE"), buf,
	    sizeof(buf)), "/hom");
	assert_null(ocf_config_value(&c, 0, buf, 0));
}

/* --print-config: every key once, in the table's order, quoted for sh */
static void
test_print(void **state)
{
	char *text = NULL, want[256];
	size_t len = 0, i;
	const char *p;
	FILE *f;

	(void)state;
	set_ok("NODE_NAME", "it's $HOME\t`x`");
	snprintf(c.ssh_key, sizeof(c.ssh_key), "a\nb");	/* not via set */
	assert_non_null(f = open_memstream(&text, &len));
	assert_int_equal(ocf_config_print(f, &c), 0);
	assert_int_equal(fclose(f), 0);
	p = text;
	for (i = 0; i < ocf_config_nkeys(); i++) {
		size_t n = strlen(ocf_config_key(i));

		assert_memory_equal(p, ocf_config_key(i), n);
		assert_int_equal(p[n], '=');
		assert_non_null(p = strchr(p, '\n'));
		p++;
	}
	assert_int_equal(*p, '\0');
	assert_non_null(strstr(text, "\nPRIMARY_PORT='18789'\n"));
	snprintf(want, sizeof(want), "\nNODE_NAME='it'\\''s $HOME\t`x`'\n");
	assert_non_null(strstr(text, want));
	assert_non_null(strstr(text, "\nSSH_KEY='a?b'\n"));
	free(text);
}

/* ---- integers ---- */

static void
test_int_good(void **state)
{
	(void)state;
	set_ok("FAIL_THRESHOLD", "1");
	assert_int_equal(c.fail_threshold, 1);
	set_ok("FAIL_THRESHOLD", "1000");
	assert_int_equal(c.fail_threshold, 1000);
	set_ok("PRIMARY_PORT", "65535");
	assert_int_equal(c.primary_port, 65535);
	set_ok("SSH_PORT", "2222");
	assert_int_equal(c.ssh_port, 2222);
	set_ok("FLAP_MAX", "007");
	assert_int_equal(c.flap_max, 7);
}

static void
test_int_out_of_range(void **state)
{
	(void)state;
	set_bad("FAIL_THRESHOLD", "0",
	    "command line: FAIL_THRESHOLD: '0' is out of range (1..1000)");
	set_bad("FAIL_THRESHOLD", "1001",
	    "command line: FAIL_THRESHOLD: '1001' is out of range (1..1000)");
	set_bad("FAIL_THRESHOLD", "-1",
	    "command line: FAIL_THRESHOLD: '-1' is out of range (1..1000)");
	set_bad("PRIMARY_PORT", "65536",
	    "command line: PRIMARY_PORT: '65536' is out of range (1..65535)");
	set_bad("PRIMARY_PORT", "0",
	    "command line: PRIMARY_PORT: '0' is out of range (1..65535)");
	assert_int_equal(c.fail_threshold, 3);	/* untouched on error */
	assert_int_equal(c.primary_port, 18789);
}

static void
test_int_overflow(void **state)
{
	(void)state;
	set_bad("RISE_THRESHOLD", "99999999999999999999999",
	    "command line: RISE_THRESHOLD: '99999999999999999999999' is out "
	    "of range (1..1000)");
	set_bad("RISE_THRESHOLD", "4294967297",
	    "command line: RISE_THRESHOLD: '4294967297' is out of range "
	    "(1..1000)");
	assert_int_equal(c.rise_threshold, 3);
}

static void
test_int_not_a_number(void **state)
{
	static const char *const bad_values[] = {
		"abc", "", " 5", "5 ", "+5", "5s", "0x10", "1e3", "1.5", "-",
		"1_000",
	};
	char msg[256];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad_values) / sizeof(bad_values[0]); i++) {
		snprintf(msg, sizeof(msg), "command line: FAIL_THRESHOLD: "
		    "'%s' is not an integer (1..1000)", bad_values[i]);
		set_bad("FAIL_THRESHOLD", bad_values[i], msg);
	}
	assert_int_equal(c.fail_threshold, 3);
}

/* ---- times ---- */

static void
test_time_good(void **state)
{
	(void)state;
	set_ok("PROBE_TIMEOUT", "0.5");
	assert_true(c.probe_timeout == 0.5);
	set_ok("PROBE_TIMEOUT", "0.01");
	assert_true(c.probe_timeout == 0.01);
	set_ok("PROBE_TIMEOUT", "3600");
	assert_true(c.probe_timeout == 3600.0);
	set_ok("CHECK_INTERVAL", ".25");
	assert_true(c.check_interval == 0.25);
	set_ok("CHECK_INTERVAL", "7.");
	assert_true(c.check_interval == 7.0);
	set_ok("HOLD_DOWN", "0");
	assert_true(c.hold_down == 0.0);
	set_ok("FAILBACK_DELAY", "604800");
	assert_true(c.failback_delay == 604800.0);
	assert_string_equal(value("FAILBACK_DELAY"), "604800");
	/* above CHECK_INTERVAL: allowed */
	set_ok("FAST_INTERVAL", "20");
	assert_true(c.fast_interval == 20.0);
}

static void
test_time_out_of_range(void **state)
{
	(void)state;
	set_bad("PROBE_TIMEOUT", "0.009",
	    "command line: PROBE_TIMEOUT: '0.009' is out of range "
	    "(0.01..3600)");
	set_bad("PROBE_TIMEOUT", "3600.01",
	    "command line: PROBE_TIMEOUT: '3600.01' is out of range "
	    "(0.01..3600)");
	set_bad("PROBE_TIMEOUT", "0",
	    "command line: PROBE_TIMEOUT: '0' is out of range (0.01..3600)");
	set_bad("HOLD_DOWN", "-1",
	    "command line: HOLD_DOWN: '-1' is out of range (0..86400)");
	set_bad("HOLD_DOWN", "-0",
	    "command line: HOLD_DOWN: '-0' is out of range (0..86400)");
	set_bad("FLAP_WINDOW", "0.5",
	    "command line: FLAP_WINDOW: '0.5' is out of range (1..604800)");
	assert_true(c.probe_timeout == 5.0);
	assert_true(c.hold_down == 60.0);
}

static void
test_time_overflow(void **state)
{
	char big[400];

	(void)state;
	memset(big, '9', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	/* NUM_MAX: a 399-digit number is refused before strtod */
	set_bad("CHECK_INTERVAL", big,
	    "command line: CHECK_INTERVAL: value is too long (at most 63 "
	    "bytes)");
	set_bad("CHECK_INTERVAL", "99999999999999999999999999999999999999999",
	    "command line: CHECK_INTERVAL: "
	    "'99999999999999999999999999999999999999999' is out of range "
	    "(0.001..86400)");
	assert_true(c.check_interval == 10.0);
}

static void
test_time_not_a_number(void **state)
{
	static const char *const bad_values[] = {
		"abc", "", " 5", "5 ", "5s", "nan", "NaN", "inf", "-inf",
		"0x10", "1e3", "1E3", ".", "1..2", "1.2.3", "+5", "1,5", "-",
		"--1",
	};
	char msg[256];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad_values) / sizeof(bad_values[0]); i++) {
		snprintf(msg, sizeof(msg), "command line: PROBE_TIMEOUT: "
		    "'%s' is not a number of seconds (0.01..3600)",
		    bad_values[i]);
		set_bad("PROBE_TIMEOUT", bad_values[i], msg);
	}
	assert_true(c.probe_timeout == 5.0);
}

/* ---- enums ---- */

static void
test_enum_good(void **state)
{
	(void)state;
	set_ok("FAIL_ON", "notready");
	assert_int_equal(c.fail_on, OCF_FAIL_ON_NOTREADY);
	assert_string_equal(value("FAIL_ON"), "notready");
	set_ok("FAIL_ON", "down");
	assert_int_equal(c.fail_on, OCF_FAIL_ON_DOWN);
	set_ok("FAILBACK", "delayed");
	assert_int_equal(c.failback, OCF_FAILBACK_DELAYED);
	set_ok("FAILBACK", "manual");
	assert_int_equal(c.failback, OCF_FAILBACK_MANUAL);
	assert_string_equal(value("FAILBACK"), "manual");
	set_ok("FAILBACK", "auto");
	assert_int_equal(c.failback, OCF_FAILBACK_AUTO);
}

static void
test_enum_bad(void **state)
{
	(void)state;
	set_bad("FAIL_ON", "up",
	    "command line: FAIL_ON: 'up' is not one of down|notready");
	set_bad("FAIL_ON", "DOWN",
	    "command line: FAIL_ON: 'DOWN' is not one of down|notready");
	set_bad("FAIL_ON", "",
	    "command line: FAIL_ON: '' is not one of down|notready");
	set_bad("FAILBACK", "never",
	    "command line: FAILBACK: 'never' is not one of "
	    "auto|delayed|manual");
	set_bad("FAILBACK", "auto ",
	    "command line: FAILBACK: 'auto ' is not one of "
	    "auto|delayed|manual");
	assert_int_equal(c.fail_on, OCF_FAIL_ON_DOWN);
	assert_int_equal(c.failback, OCF_FAILBACK_AUTO);
}

/* ---- strings ---- */

static void
test_string_length(void **state)
{
	char v[sizeof(c.gateway_cmd) + 1];

	(void)state;
	memset(v, 'u', sizeof(v));
	v[sizeof(c.openclaw_user) - 1] = '\0';
	set_ok("OPENCLAW_USER", v);
	assert_int_equal(strlen(c.openclaw_user), 63);
	v[sizeof(c.openclaw_user) - 1] = 'u';
	v[sizeof(c.openclaw_user)] = '\0';
	set_bad("OPENCLAW_USER", v, "command line: OPENCLAW_USER: value is "
	    "too long (at most 63 bytes)");
	assert_int_equal(strlen(c.openclaw_user), 63);

	memset(v, 'x', sizeof(v));
	v[sizeof(c.gateway_cmd) - 1] = '\0';
	set_ok("GATEWAY_CMD", v);
	assert_int_equal(strlen(c.gateway_cmd), 4095);
	v[sizeof(c.gateway_cmd) - 1] = 'x';
	v[sizeof(c.gateway_cmd)] = '\0';
	set_bad("GATEWAY_CMD", v, "command line: GATEWAY_CMD: value is too "
	    "long (at most 4095 bytes)");
}

static void
test_string_empty_and_control(void **state)
{
	(void)state;
	set_ok("GATEWAY_SERVICE", "");
	assert_string_equal(c.gateway_service, "");
	set_ok("GATEWAY_CMD", "/usr/bin/openclaw\tgateway run");
	assert_string_equal(c.gateway_cmd, "/usr/bin/openclaw\tgateway run");
	set_bad("WORKSPACE", "/srv/a\nb", "command line: WORKSPACE: value "
	    "contains a control character");
	set_bad("NODE_NAME", "a\033[2Jb", "command line: NODE_NAME: value "
	    "contains a control character");
	assert_string_equal(c.workspace, "/home/openclaw/.openclaw/workspace");
}

/* ---- URLs and hosts ---- */

static void
test_url_good(void **state)
{
	(void)state;
	set_ok("PRIMARY_URL", "https://gw.example.com:8443");
	assert_string_equal(c.primary_url_set, "https://gw.example.com:8443");
	set_ok("PRIMARY_URL", "http://10.0.0.1:18789/");
	assert_string_equal(c.primary_url_set, "http://10.0.0.1:18789");
	set_ok("GATEWAY_URL", "http://[::1]:18789/base///");
	assert_string_equal(c.gateway_url, "http://[::1]:18789/base");
	/* a webhook is an endpoint: its path is kept as given */
	set_ok("NOTIFY_URL", "https://hooks.example.com/T0/B1/");
	assert_string_equal(c.notify_url, "https://hooks.example.com/T0/B1/");
	set_ok("NOTIFY_FORMAT", "ntfy");
	assert_int_equal(c.notify_format, OCF_NOTIFY_NTFY);
	set_ok("HEARTBEAT_INTERVAL", "0.5");
	assert_true(c.heartbeat_interval == 0.5);
	set_ok("PRIMARY_URL", "");
	assert_string_equal(c.primary_url_set, "");
}

static void
test_url_bad(void **state)
{
	(void)state;
	set_bad("PRIMARY_URL", "ftp://x",
	    "command line: PRIMARY_URL: 'ftp://x' is not an http:// or "
	    "https:// URL");
	set_bad("PRIMARY_URL", "10.0.0.1:18789",
	    "command line: PRIMARY_URL: '10.0.0.1:18789' is not an http:// "
	    "or https:// URL");
	set_bad("GATEWAY_URL", "http://",
	    "command line: GATEWAY_URL: 'http://' is not an http:// or "
	    "https:// URL");
	set_bad("GATEWAY_URL", "http:///x",
	    "command line: GATEWAY_URL: 'http:///x' is not an http:// or "
	    "https:// URL");
	set_bad("NOTIFY_FORMAT", "teams",
	    "command line: NOTIFY_FORMAT: 'teams' is not one of "
	    "json|slack|discord|ntfy");
	set_bad("HEARTBEAT_INTERVAL", "0",
	    "command line: HEARTBEAT_INTERVAL: '0' is out of range (0.1..86400)");
	set_bad("NOTIFY_URL", "https://a b/",
	    "command line: NOTIFY_URL: 'https://a b/' is not an http:// or "
	    "https:// URL");
	set_bad("NOTIFY_URL", " https://a/",
	    "command line: NOTIFY_URL: ' https://a/' is not an http:// or "
	    "https:// URL");
	assert_string_equal(c.gateway_url, "http://127.0.0.1:18789");
}

static void
test_host_good(void **state)
{
	static const char *const good[] = {
		"10.0.0.1", "gw-1.example.com", "primary", "::1",
		"2001:db8::1", "fe80::1%eth0", "[2001:db8::2]",
		"::ffff:10.0.0.1",
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		set_ok("PRIMARY_IP", good[i]);
		assert_string_equal(c.primary_ip, good[i]);
	}
}

static void
test_host_bad(void **state)
{
	static const char *const bad_values[] = {
		"10.0.0.1/x", "a b", "user@10.0.0.1", "host?x", "host#x",
		"10.0.0.1:18789", "-oProxy", "fe80::1%", "fe80::1%e/0",
		"[::1", "[]", "[10.0.0.1]", "1:2:3",
	};
	char msg[256];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad_values) / sizeof(bad_values[0]); i++) {
		snprintf(msg, sizeof(msg), "command line: PRIMARY_IP: '%s' is "
		    "not a host name or IP address", bad_values[i]);
		set_bad("PRIMARY_IP", bad_values[i], msg);
	}
	assert_string_equal(c.primary_ip, "");
}

static void
test_unknown_key_flag(void **state)
{
	(void)state;
	set_bad("FAIL_TRESHOLD", "3",
	    "command line: unknown key 'FAIL_TRESHOLD'");
	set_bad("fail_threshold", "3",
	    "command line: unknown key 'fail_threshold'");
}

/* ---- file syntax ---- */

static void
test_parse_basic(void **state)
{
	(void)state;
	assert_int_equal(parse("PRIMARY_IP=10.0.0.5\nFAIL_THRESHOLD=5\n"), 0);
	assert_string_equal(c.primary_ip, "10.0.0.5");
	assert_int_equal(c.fail_threshold, 5);
	assert_int_equal(c.rise_threshold, 3);
}

static void
test_parse_empty_text(void **state)
{
	(void)state;
	assert_int_equal(parse(""), 0);
	assert_int_equal(parse("\n\n   \n\t\n"), 0);
	assert_int_equal(c.fail_threshold, 3);
	assert_int_equal(ocf_config_parse(&c, NULL, 0, "t.conf", err,
	    sizeof(err)), 0);
}

static void
test_parse_comments_blanks(void **state)
{
	(void)state;
	assert_int_equal(parse("# comment\n"
	    "; also a comment\n"
	    "   # indented comment FAIL_THRESHOLD=9\n"
	    "\n"
	    "  \t FAIL_THRESHOLD=6\n"
	    "#FAIL_THRESHOLD=7\n"
	    ";RISE_THRESHOLD=7\n"), 0);
	assert_int_equal(c.fail_threshold, 6);
	assert_int_equal(c.rise_threshold, 3);
}

static void
test_parse_comment_no_continuation(void **state)
{
	(void)state;
	/* systemd >= 254: a backslash does not extend a comment */
	assert_int_equal(parse("# comment \\\nFAIL_THRESHOLD=8\n"), 0);
	assert_int_equal(c.fail_threshold, 8);
}

static void
test_parse_hash_in_value(void **state)
{
	(void)state;
	/* as in systemd, '#' starts a comment only at the start of a line */
	assert_int_equal(parse("NODE_NAME=node-b # the standby\n"), 0);
	assert_string_equal(c.node_name, "node-b # the standby");
}

static void
test_parse_export(void **state)
{
	(void)state;
	assert_int_equal(parse("export PRIMARY_PORT=8080\n"
	    "  export\tSSH_PORT=2222\n"), 0);
	assert_int_equal(c.primary_port, 8080);
	assert_int_equal(c.ssh_port, 2222);
	assert_int_equal(parse("exportFAIL_THRESHOLD=2\n"), -1);
	assert_string_equal(err,
	    "t.conf:1: unknown key 'exportFAIL_THRESHOLD'");
	assert_int_equal(parse("export FAIL_THRESHOLD\n"), -1);
	assert_string_equal(err, "t.conf:1: line is not KEY=VALUE");
}

static void
test_parse_spaces_around_equals(void **state)
{
	(void)state;
	assert_int_equal(parse("FAIL_THRESHOLD = 4\nWORKSPACE\t=\t/srv/ws\n"),
	    0);
	assert_int_equal(c.fail_threshold, 4);
	assert_string_equal(c.workspace, "/srv/ws");
}

static void
test_parse_trailing_blanks(void **state)
{
	(void)state;
	assert_int_equal(parse("WORKSPACE=/srv/my ws \t \nFLAP_MAX=5  \n"), 0);
	assert_string_equal(c.workspace, "/srv/my ws");
	assert_int_equal(c.flap_max, 5);
}

static void
test_parse_empty_value(void **state)
{
	(void)state;
	assert_int_equal(parse("GATEWAY_SERVICE=\nHOOKS_DIR=   \n"), 0);
	assert_string_equal(c.gateway_service, "");
	assert_string_equal(c.hooks_dir, "");
	assert_int_equal(parse("CHECK_INTERVAL=\n"), -1);
	assert_string_equal(err, "t.conf:1: CHECK_INTERVAL: '' is not a number "
	    "of seconds (0.001..86400)");
	assert_int_equal(parse("PRIMARY_PORT=\"\"\n"), -1);
	assert_string_equal(err, "t.conf:1: PRIMARY_PORT: '' is not an integer "
	    "(1..65535)");
}

static void
test_parse_double_quotes(void **state)
{
	(void)state;
	assert_int_equal(parse("WORKSPACE=\"/srv/my ws  \"\n"), 0);
	assert_string_equal(c.workspace, "/srv/my ws  ");
	assert_int_equal(parse("GATEWAY_CMD=\"a \\\"b c\\\" \\\\ \\$HOME "
	    "\\`x\\`\"\n"), 0);
	assert_string_equal(c.gateway_cmd, "a \"b c\" \\ $HOME `x`");
	assert_int_equal(parse("  FAIL_THRESHOLD = \"7\"  \n"), 0);
	assert_int_equal(c.fail_threshold, 7);
	assert_int_equal(parse("NODE_NAME=\"it's # here\"\n"), 0);
	assert_string_equal(c.node_name, "it's # here");
}

static void
test_parse_double_quote_other_escapes(void **state)
{
	(void)state;
	/* systemd keeps the backslash before other characters: \n is two */
	assert_int_equal(parse("GATEWAY_CMD=\"a\\nb \\t \\x\"\n"), 0);
	assert_string_equal(c.gateway_cmd, "a\\nb \\t \\x");
}

static void
test_parse_single_quotes(void **state)
{
	(void)state;
	assert_int_equal(parse("GATEWAY_CMD='a \\\"b\\\" \\\\ $HOME \"q\"'\n"),
	    0);
	assert_string_equal(c.gateway_cmd, "a \\\"b\\\" \\\\ $HOME \"q\"");
	assert_int_equal(parse("NODE_NAME='  padded  '\n"), 0);
	assert_string_equal(c.node_name, "  padded  ");
}

static void
test_parse_unquoted_escapes(void **state)
{
	(void)state;
	/* unquoted, a backslash escapes any character (systemd) */
	assert_int_equal(parse("WORKSPACE=/srv/my\\ ws\\ \n"), 0);
	assert_string_equal(c.workspace, "/srv/my ws ");
	assert_int_equal(parse("NODE_NAME=a\\\\b\\\"c\n"), 0);
	assert_string_equal(c.node_name, "a\\b\"c");
	/* a quote inside an unquoted value is an ordinary character */
	assert_int_equal(parse("NODE_NAME=a\"b'c\n"), 0);
	assert_string_equal(c.node_name, "a\"b'c");
}

static void
test_parse_continuation(void **state)
{
	(void)state;
	assert_int_equal(parse("GATEWAY_CMD=/usr/bin/openclaw gateway \\\n"
	    "  run --port 18789\n"
	    "FAIL_THRESHOLD=4\n"), 0);
	assert_string_equal(c.gateway_cmd,
	    "/usr/bin/openclaw gateway   run --port 18789");
	assert_int_equal(c.fail_threshold, 4);
	assert_int_equal(parse("FAIL_THRESHOLD=1\\\n2\n"), 0);
	assert_int_equal(c.fail_threshold, 12);
	assert_int_equal(parse("WORKSPACE=\\\n/srv/ws\n"), 0);
	assert_string_equal(c.workspace, "/srv/ws");
}

static void
test_parse_continuation_at_eof(void **state)
{
	(void)state;
	assert_int_equal(parse("NODE_NAME=abc\\"), 0);
	assert_string_equal(c.node_name, "abc");
	assert_int_equal(parse("NODE_NAME=xyz\\\n"), 0);
	assert_string_equal(c.node_name, "xyz");
}

static void
test_parse_continuation_in_double_quotes(void **state)
{
	(void)state;
	assert_int_equal(parse("GATEWAY_CMD=\"openclaw \\\ngateway run\"\n"
	    "FLAP_MAX=9\n"), 0);
	assert_string_equal(c.gateway_cmd, "openclaw gateway run");
	assert_int_equal(c.flap_max, 9);
}

static void
test_parse_continuation_line_numbers(void **state)
{
	(void)state;
	assert_int_equal(parse("GATEWAY_CMD=a \\\nb \\\nc\nFLAP_MAX=0\n"), -1);
	assert_string_equal(err,
	    "t.conf:4: FLAP_MAX: '0' is out of range (1..32)");
}

static void
test_parse_crlf(void **state)
{
	(void)state;
	assert_int_equal(parse("FAIL_THRESHOLD=5\r\nWORKSPACE=/srv/ws\r\n"
	    "NODE_NAME=\"b\"\r\n# c\r\n\r\nGATEWAY_CMD=x \\\r\ny\r\n"), 0);
	assert_int_equal(c.fail_threshold, 5);
	assert_string_equal(c.workspace, "/srv/ws");
	assert_string_equal(c.node_name, "b");
	assert_string_equal(c.gateway_cmd, "x y");
}

static void
test_parse_no_final_newline(void **state)
{
	(void)state;
	assert_int_equal(parse("FAIL_THRESHOLD=5\nRISE_THRESHOLD=6"), 0);
	assert_int_equal(c.rise_threshold, 6);
	assert_int_equal(parse("NODE_NAME='q'"), 0);
	assert_string_equal(c.node_name, "q");
}

static void
test_parse_not_nul_terminated(void **state)
{
	(void)state;
	/* only len bytes count: the '9' after them is not read */
	assert_int_equal(parse_n("FAIL_THRESHOLD=59", 16), 0);
	assert_int_equal(c.fail_threshold, 5);
	assert_int_equal(parse_n("NODE_NAME=\"ab\"", 13), -1);
	assert_string_equal(err, "t.conf:1: NODE_NAME: unterminated quote");
	assert_int_equal(parse_n("FAIL_THRESHOLD", 9), -1);
	assert_string_equal(err, "t.conf:1: line is not KEY=VALUE");
	assert_int_equal(parse_n("NODE_NAME=a\\b", 12), 0);
	assert_string_equal(c.node_name, "a");
}

static void
test_parse_duplicate_last_wins(void **state)
{
	(void)state;
	assert_int_equal(parse("FAIL_THRESHOLD=5\nFAIL_THRESHOLD=8\n"
	    "WORKSPACE=/a\nWORKSPACE=/b\n"), 0);
	assert_int_equal(c.fail_threshold, 8);
	assert_string_equal(c.workspace, "/b");
}

static void
test_parse_seed_script_file(void **state)
{
	(void)state;
	/* the variables of the seed's health-monitor.sh, verbatim */
	assert_int_equal(parse("PRIMARY_IP=\"203.0.113.10\"\n"
	    "PRIMARY_PORT=18789\n"
	    "CHECK_INTERVAL=10\n"
	    "FAIL_THRESHOLD=3\n"
	    "WORKSPACE=\"/home/openclaw/.openclaw/workspace\"\n"
	    "SECRETS_HOST=\"openclaw@203.0.113.10\"\n"
	    "OPENCLAW_USER=\"openclaw\"\n"), 0);
	assert_string_equal(c.primary_ip, "203.0.113.10");
	assert_string_equal(c.secrets_host, "openclaw@203.0.113.10");
}

/* ---- file syntax errors ---- */

static void
test_parse_unknown_key(void **state)
{
	(void)state;
	assert_int_equal(parse("# c\nFAIL_THRESHOLD=3\nFAIL_TRESHOLD=3\n"), -1);
	assert_string_equal(err, "t.conf:3: unknown key 'FAIL_TRESHOLD'");
	assert_int_equal(parse("primary_ip=10.0.0.1\n"), -1);
	assert_string_equal(err, "t.conf:1: unknown key 'primary_ip'");
}

static void
test_parse_missing_equals(void **state)
{
	(void)state;
	assert_int_equal(parse("FAIL_THRESHOLD=3\n\nPRIMARY_IP 10.0.0.1\n"),
	    -1);
	assert_string_equal(err, "t.conf:3: line is not KEY=VALUE");
	assert_int_equal(parse("hello\n"), -1);
	assert_string_equal(err, "t.conf:1: line is not KEY=VALUE");
	assert_int_equal(parse("=5\n"), -1);
	assert_string_equal(err, "t.conf:1: line is not KEY=VALUE");
}

static void
test_parse_invalid_key_name(void **state)
{
	(void)state;
	assert_int_equal(parse("FAIL-THRESHOLD=3\n"), -1);
	assert_string_equal(err,
	    "t.conf:1: 'FAIL-THRESHOLD' is not a valid key name");
	assert_int_equal(parse("\n1KEY=3\n"), -1);
	assert_string_equal(err, "t.conf:2: '1KEY' is not a valid key name");
	assert_int_equal(parse("\xef\xbb\xbfPRIMARY_IP=x\n"), -1);
	assert_string_equal(err, "t.conf:1: '???PRIMARY_IP' is not a valid key "
	    "name");
}

static void
test_parse_unterminated_quote(void **state)
{
	(void)state;
	assert_int_equal(parse("FAIL_THRESHOLD=3\nWORKSPACE=\"/srv/ws\n"), -1);
	assert_string_equal(err, "t.conf:2: WORKSPACE: unterminated quote");
	assert_int_equal(parse("WORKSPACE='/srv/ws"), -1);
	assert_string_equal(err, "t.conf:1: WORKSPACE: unterminated quote");
	assert_int_equal(parse("WORKSPACE=\"/srv/ws\\\"\n"), -1);
	assert_string_equal(err, "t.conf:1: WORKSPACE: unterminated quote");
	assert_int_equal(parse("WORKSPACE=\"/srv\\"), -1);
	assert_string_equal(err, "t.conf:1: WORKSPACE: unterminated quote");
}

static void
test_parse_quote_across_lines(void **state)
{
	(void)state;
	/* systemd would take the newline into the value: refuse instead */
	assert_int_equal(parse("NODE_NAME='a\nb'\n"), -1);
	assert_string_equal(err, "t.conf:1: NODE_NAME: unterminated quote");
}

static void
test_parse_text_after_quote(void **state)
{
	(void)state;
	assert_int_equal(parse("NODE_NAME=\"a\"b\n"), -1);
	assert_string_equal(err, "t.conf:1: NODE_NAME: unexpected text after "
	    "the closing quote");
	assert_int_equal(parse("NODE_NAME='a' # note\n"), -1);
	assert_string_equal(err, "t.conf:1: NODE_NAME: unexpected text after "
	    "the closing quote");
}

static void
test_parse_bad_value_names_line(void **state)
{
	(void)state;
	assert_int_equal(parse("PRIMARY_IP=10.0.0.1\n# x\n\n"
	    "FAIL_THRESHOLD=0\n"), -1);
	assert_string_equal(err,
	    "t.conf:4: FAIL_THRESHOLD: '0' is out of range (1..1000)");
	assert_int_equal(parse("PRIMARY_URL=ftp://x\n"), -1);
	assert_string_equal(err, "t.conf:1: PRIMARY_URL: 'ftp://x' is not an "
	    "http:// or https:// URL");
}

static void
test_parse_nul_byte(void **state)
{
	static const char text[] = "FAIL_THRESHOLD=3\nNODE_NAME=a\0b\n";

	(void)state;
	assert_int_equal(parse_n(text, sizeof(text) - 1), -1);
	assert_string_equal(err, "t.conf:2: file contains a NUL byte");
	assert_string_equal(c.node_name, "");
	assert_int_equal(parse_n("\0", 1), -1);
	assert_string_equal(err, "t.conf:1: file contains a NUL byte");
}

static void
test_parse_control_in_value(void **state)
{
	(void)state;
	assert_int_equal(parse("NODE_NAME=a\rb\n"), -1);
	assert_string_equal(err, "t.conf:1: NODE_NAME: value contains a "
	    "control character");
}

static void
test_parse_long_value(void **state)
{
	size_t n = 5000, i;
	char *text = malloc(n + 64);
	int len;

	(void)state;
	assert_non_null(text);
	/* exactly the field's limit from a file */
	len = snprintf(text, n + 64, "GATEWAY_CMD=");
	for (i = 0; i < 4095; i++)
		text[len++] = 'x';
	assert_int_equal(parse_n(text, len), 0);
	assert_int_equal(strlen(c.gateway_cmd), 4095);
	/* one more is too long */
	text[len++] = 'x';
	assert_int_equal(parse_n(text, len), -1);
	assert_string_equal(err, "t.conf:1: GATEWAY_CMD: value is too long (at "
	    "most 4095 bytes)");
	/* far more than the parser holds: still an error, not a cut */
	while ((size_t)len < n)
		text[len++] = 'y';
	memcpy(text + len, "\nFLAP_MAX=2\n", 12);
	assert_int_equal(parse_n(text, len + 12), -1);
	assert_string_equal(err, "t.conf:1: GATEWAY_CMD: value is too long (at "
	    "most 4095 bytes)");
	assert_int_equal(c.flap_max, 4);
	free(text);
}

static void
test_parse_long_value_trailing_blanks(void **state)
{
	char text[6000];
	int len;

	(void)state;
	/* blanks that are trimmed do not count against the limit */
	len = snprintf(text, sizeof(text), "NODE_NAME=n");
	memset(text + len, ' ', 5000);
	len += 5000;
	assert_int_equal(parse_n(text, len), 0);
	assert_string_equal(c.node_name, "n");
}

static void
test_parse_long_key(void **state)
{
	char text[3000];

	(void)state;
	memset(text, 'K', sizeof(text));
	memcpy(text + sizeof(text) - 2, "=1", 2);
	assert_int_equal(parse_n(text, sizeof(text)), -1);
	assert_non_null(strstr(err, "t.conf:1: unknown key 'KKKKKKKK"));
	/* cut at err's size, not overrun */
	assert_int_equal(strlen(err), sizeof(err) - 1);
}

static void
test_parse_stops_at_first_error(void **state)
{
	(void)state;
	assert_int_equal(parse("FLAP_MAX=7\nBOGUS=1\nRISE_THRESHOLD=9\n"), -1);
	assert_string_equal(err, "t.conf:2: unknown key 'BOGUS'");
	assert_int_equal(c.flap_max, 7);
	assert_int_equal(c.rise_threshold, 3);
}

/* ---- files ---- */

static void
test_file_missing(void **state)
{
	(void)state;
	assert_int_equal(ocf_config_load_file(&c, "/x/ocf.conf", err,
	    sizeof(err)), -1);
	assert_string_equal(err,
	    "unable to open '/x/ocf.conf': No such file or directory");
}

static void
test_file_default_absent(void **state)
{
	struct stat st;

	(void)state;
	if (stat(OCF_CONFIG_FILE, &st) == 0)
		skip();	/* this machine has one: not ours to move */
	err[0] = '\0';
	assert_int_equal(ocf_config_load_file(&c, NULL, err, sizeof(err)), 0);
	assert_string_equal(err, "");
	assert_int_equal(c.fail_threshold, 3);
}

static void
test_file_directory(void **state)
{
	char *sub = path_in_dir("sub");
	char msg[512];

	(void)state;
	assert_int_equal(mkdir(sub, 0700), 0);
	assert_int_equal(ocf_config_load_file(&c, sub, err, sizeof(err)), -1);
	snprintf(msg, sizeof(msg), "unable to read '%s': Is a directory", sub);
	assert_string_equal(err, msg);
	assert_int_equal(rmdir(sub), 0);
}

static void
test_file_read(void **state)
{
	static const char text[] = "# ocf\nPRIMARY_IP=10.1.2.3\n"
	    "FAIL_THRESHOLD=2\nFAST_INTERVAL=0.5\n";
	char *path = path_in_dir("prec.conf");

	(void)state;
	write_file(path, text, sizeof(text) - 1, 0600);
	assert_int_equal(ocf_config_load_file(&c, path, err, sizeof(err)), 0);
	assert_string_equal(c.primary_ip, "10.1.2.3");
	assert_int_equal(c.fail_threshold, 2);
	assert_true(c.fast_interval == 0.5);
}

static void
test_file_error_names_path(void **state)
{
	static const char text[] = "PRIMARY_IP=10.1.2.3\nPROBE_TIMEOUT=abc\n";
	char *path = path_in_dir("bad.conf");
	char msg[512];

	(void)state;
	write_file(path, text, sizeof(text) - 1, 0600);
	assert_int_equal(ocf_config_load_file(&c, path, err, sizeof(err)), -1);
	snprintf(msg, sizeof(msg), "%s:2: PROBE_TIMEOUT: 'abc' is not a "
	    "number of seconds (0.01..3600)", path);
	assert_string_equal(err, msg);
}

static void
test_file_too_large(void **state)
{
	size_t n = 2 * 1024 * 1024;
	char *text = malloc(n), *path = path_in_dir("big.conf");
	char msg[512];
	size_t i;

	(void)state;
	assert_non_null(text);
	for (i = 0; i < n; i++)
		text[i] = i % 64 == 63 ? '\n' : '#';
	write_file(path, text, n, 0600);
	free(text);
	assert_int_equal(ocf_config_load_file(&c, path, err, sizeof(err)), -1);
	snprintf(msg, sizeof(msg), "unable to read '%s': file is larger "
	    "than 1 MiB", path);
	assert_string_equal(err, msg);
}

static void
test_file_exactly_one_mib(void **state)
{
	size_t n = 1024 * 1024, i;
	char *text = malloc(n), *path = path_in_dir("mib.conf");
	static const char last[] = "FAIL_THRESHOLD=9\n";

	(void)state;
	assert_non_null(text);
	for (i = 0; i < n; i++)
		text[i] = i % 64 == 63 ? '\n' : '#';
	memcpy(text + n - (sizeof(last) - 1), last, sizeof(last) - 1);
	text[n - sizeof(last)] = '\n';
	write_file(path, text, n, 0600);
	free(text);
	assert_int_equal(ocf_config_load_file(&c, path, err, sizeof(err)), 0);
	assert_int_equal(c.fail_threshold, 9);
}

static void
test_file_world_writable_warns(void **state)
{
	static const char text[] = "FAIL_THRESHOLD=4\n";
	char *path = path_in_dir("ww.conf");
	char msg[512];
	const char *out;

	(void)state;
	write_file(path, text, sizeof(text) - 1, 0666);
	capture_start();
	assert_int_equal(ocf_config_load_file(&c, path, err, sizeof(err)), 0);
	out = capture_end();
	snprintf(msg, sizeof(msg), "warning: '%s' is writable by any user\n",
	    path);
	assert_non_null(strstr(out, msg));
	assert_int_equal(c.fail_threshold, 4);

	/* group-writable: the group could choose GATEWAY_CMD, so it warns */
	assert_int_equal(chmod(path, 0664), 0);
	capture_start();
	assert_int_equal(ocf_config_load_file(&c, path, err, sizeof(err)), 0);
	out = capture_end();
	assert_non_null(strstr(out, "is writable by its group"));

	/* 0644 is quiet */
	assert_int_equal(chmod(path, 0644), 0);
	capture_start();
	assert_int_equal(ocf_config_load_file(&c, path, err, sizeof(err)), 0);
	out = capture_end();
	assert_string_equal(out, "");
}

/* ---- environment and precedence ---- */

static void
test_env_overrides(void **state)
{
	(void)state;
	setenv("FAIL_THRESHOLD", "7", 1);
	setenv("WORKSPACE", "/srv/ws", 1);
	setenv("FAIL_TRESHOLD", "1", 1);	/* not ours: ignored */
	assert_int_equal(ocf_config_load_env(&c, err, sizeof(err)), 0);
	assert_int_equal(c.fail_threshold, 7);
	assert_string_equal(c.workspace, "/srv/ws");
	assert_int_equal(c.rise_threshold, 3);
	unsetenv("FAIL_THRESHOLD");
	unsetenv("WORKSPACE");
	unsetenv("FAIL_TRESHOLD");
}

static void
test_env_bad_value(void **state)
{
	(void)state;
	setenv("PROBE_TIMEOUT", "abc", 1);
	assert_int_equal(ocf_config_load_env(&c, err, sizeof(err)), -1);
	assert_string_equal(err, "environment: PROBE_TIMEOUT: 'abc' is not a "
	    "number of seconds (0.01..3600)");
	unsetenv("PROBE_TIMEOUT");
}

static void
test_env_empty(void **state)
{
	(void)state;
	setenv("SECRETS_SRC", "", 1);
	assert_int_equal(ocf_config_load_env(&c, err, sizeof(err)), 0);
	assert_string_equal(c.secrets_src, "");
	setenv("PRIMARY_PORT", "", 1);
	assert_int_equal(ocf_config_load_env(&c, err, sizeof(err)), -1);
	assert_string_equal(err, "environment: PRIMARY_PORT: '' is not an "
	    "integer (1..65535)");
	unsetenv("SECRETS_SRC");
	unsetenv("PRIMARY_PORT");
}

static void
test_precedence(void **state)
{
	static const char text[] = "CHECK_INTERVAL=5\nFAIL_THRESHOLD=4\n"
	    "RISE_THRESHOLD=7\nPRIMARY_IP=10.0.0.9\n";
	char *path = path_in_dir("prec.conf");

	(void)state;
	write_file(path, text, sizeof(text) - 1, 0600);
	setenv("CHECK_INTERVAL", "7", 1);
	setenv("FAIL_THRESHOLD", "6", 1);
	assert_int_equal(ocf_config_load(&c, path), 0);
	set_ok("CHECK_INTERVAL", "9");
	assert_int_equal(ocf_config_finish(&c, 1, err, sizeof(err)), 0);
	assert_true(c.check_interval == 9.0);	/* flag */
	assert_int_equal(c.fail_threshold, 6);	/* environment */
	assert_int_equal(c.rise_threshold, 7);	/* file */
	assert_true(c.fast_interval == 2.0);	/* default */
	assert_string_equal(c.primary_url, "http://10.0.0.9:18789");
	unsetenv("CHECK_INTERVAL");
	unsetenv("FAIL_THRESHOLD");
}

static void
test_load_resets_to_defaults(void **state)
{
	char *path = path_in_dir("prec.conf");

	(void)state;
	write_file(path, "FLAP_MAX=9\n", 11, 0600);
	c.fail_threshold = 99;
	assert_int_equal(ocf_config_load(&c, path), 0);
	assert_int_equal(c.fail_threshold, 3);
	assert_int_equal(c.flap_max, 9);
}

static void
test_load_does_not_finish(void **state)
{
	char *path = path_in_dir("prec.conf");

	(void)state;
	/* no primary: load succeeds, finish decides whether it is needed */
	write_file(path, "FLAP_MAX=9\n", 11, 0600);
	assert_int_equal(ocf_config_load(&c, path), 0);
	assert_string_equal(c.primary_url, "");
	assert_int_equal(ocf_config_finish(&c, 1, err, sizeof(err)), -1);
}

static void
test_load_logs_error(void **state)
{
	const char *out;

	(void)state;
	capture_start();
	assert_int_equal(ocf_config_load(&c, "/x/ocf.conf"), -1);
	out = capture_end();
	assert_non_null(strstr(out, "error: unable to open '/x/ocf.conf': "
	    "No such file or directory\n"));
}

static void
test_load_logs_env_error(void **state)
{
	const char *out;
	char *path = path_in_dir("prec.conf");

	(void)state;
	write_file(path, "FLAP_MAX=9\n", 11, 0600);
	setenv("FAILBACK", "sometimes", 1);
	capture_start();
	assert_int_equal(ocf_config_load(&c, path), -1);
	out = capture_end();
	unsetenv("FAILBACK");
	assert_non_null(strstr(out, "error: environment: FAILBACK: 'sometimes' "
	    "is not one of auto|delayed|manual\n"));
}

/* ---- finish ---- */

static int
finish(int need)
{
	err[0] = '\0';
	return ocf_config_finish(&c, need, err, sizeof(err));
}

static void
test_finish_ipv4(void **state)
{
	(void)state;
	set_ok("PRIMARY_IP", "10.0.0.5");
	assert_int_equal(finish(1), 0);
	assert_string_equal(c.primary_url, "http://10.0.0.5:18789");
	set_ok("PRIMARY_PORT", "8080");
	assert_int_equal(finish(1), 0);
	assert_string_equal(c.primary_url, "http://10.0.0.5:8080");
	set_ok("PRIMARY_IP", "gw.example.com");
	assert_int_equal(finish(1), 0);
	assert_string_equal(c.primary_url, "http://gw.example.com:8080");
}

static void
test_finish_ipv6(void **state)
{
	(void)state;
	set_ok("PRIMARY_IP", "2001:db8::1");
	assert_int_equal(finish(1), 0);
	assert_string_equal(c.primary_url, "http://[2001:db8::1]:18789");
	set_ok("PRIMARY_IP", "[::1]");
	assert_int_equal(finish(1), 0);
	assert_string_equal(c.primary_url, "http://[::1]:18789");
	set_ok("PRIMARY_IP", "fe80::1%eth0");
	assert_int_equal(finish(1), 0);
	assert_string_equal(c.primary_url, "http://[fe80::1%25eth0]:18789");
	set_ok("PRIMARY_IP", "[fe80::2%lo]");
	assert_int_equal(finish(1), 0);
	assert_string_equal(c.primary_url, "http://[fe80::2%25lo]:18789");
}

static void
test_finish_url_wins(void **state)
{
	(void)state;
	set_ok("PRIMARY_IP", "10.0.0.5");
	set_ok("PRIMARY_URL", "https://gw.example.com/");
	assert_int_equal(finish(1), 0);
	assert_string_equal(c.primary_url, "https://gw.example.com");
	/* and unset again, the address is used */
	set_ok("PRIMARY_URL", "");
	assert_int_equal(finish(1), 0);
	assert_string_equal(c.primary_url, "http://10.0.0.5:18789");
}

static void
test_finish_missing_primary(void **state)
{
	(void)state;
	assert_int_equal(finish(1), -1);
	assert_string_equal(err, "PRIMARY_IP or PRIMARY_URL is required "
	    "(set it in /etc/ocf/ocf.conf or the environment)");
	assert_int_equal(finish(0), 0);
	assert_string_equal(c.primary_url, "");
}

static void
test_finish_gateway_url_empty(void **state)
{
	(void)state;
	set_ok("PRIMARY_IP", "10.0.0.5");
	set_ok("GATEWAY_URL", "");
	assert_int_equal(finish(1), -1);
	assert_string_equal(err, "GATEWAY_URL must not be empty");
	assert_int_equal(finish(0), -1);
}

static void
test_finish_bad_primary_ip_field(void **state)
{
	(void)state;
	/* a caller that writes the field directly is checked too */
	snprintf(c.primary_ip, sizeof(c.primary_ip), "evil.com/x?");
	assert_int_equal(finish(0), -1);
	assert_string_equal(err, "PRIMARY_IP: 'evil.com/x?' is not a host name "
	    "or IP address");
}

/* issue 16: a hot standby is told from a serving node by its channels:
 * READY_CHECK=readyz cannot see them */
static void
test_finish_hot_needs_channels(void **state)
{
	(void)state;
	set_ok("STANDBY_MODE", "hot");
	assert_int_equal(c.standby_mode, OCF_STANDBY_HOT);
	assert_int_equal(finish(0), 0);		/* READY_CHECK=auto */
	set_ok("READY_CHECK", "channels");
	assert_int_equal(finish(0), 0);
	set_ok("READY_CHECK", "readyz");
	assert_int_equal(finish(0), -1);
	assert_string_equal(err, "STANDBY_MODE=hot needs the channels checked: "
	    "READY_CHECK must be channels or auto, not readyz");
	set_ok("STANDBY_MODE", "cold");
	assert_int_equal(finish(0), 0);
}

/* what other programs send is made one line before a log or the state
 * file sees it: control characters (tab too) become '?', UTF-8 stays */
static void
test_text_clean(void **unused)
{
	char s[] = "a\tb\nc\177d\001e \303\251";

	(void)unused;
	ocf_text_clean(s);
	assert_string_equal(s, "a?b?c?d?e \303\251");
}

#define T(f) cmocka_unit_test_setup(f, setup)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_key_table),
		T(test_text_clean),
		T(test_defaults_listed),
		T(test_defaults_fields),
		T(test_value_round_trip),
		T(test_value_times),
		T(test_value_small_buffer),
		T(test_print),
		T(test_int_good),
		T(test_int_out_of_range),
		T(test_int_overflow),
		T(test_int_not_a_number),
		T(test_time_good),
		T(test_time_out_of_range),
		T(test_time_overflow),
		T(test_time_not_a_number),
		T(test_enum_good),
		T(test_enum_bad),
		T(test_string_length),
		T(test_string_empty_and_control),
		T(test_url_good),
		T(test_url_bad),
		T(test_host_good),
		T(test_host_bad),
		T(test_unknown_key_flag),
		T(test_parse_basic),
		T(test_parse_empty_text),
		T(test_parse_comments_blanks),
		T(test_parse_comment_no_continuation),
		T(test_parse_hash_in_value),
		T(test_parse_export),
		T(test_parse_spaces_around_equals),
		T(test_parse_trailing_blanks),
		T(test_parse_empty_value),
		T(test_parse_double_quotes),
		T(test_parse_double_quote_other_escapes),
		T(test_parse_single_quotes),
		T(test_parse_unquoted_escapes),
		T(test_parse_continuation),
		T(test_parse_continuation_at_eof),
		T(test_parse_continuation_in_double_quotes),
		T(test_parse_continuation_line_numbers),
		T(test_parse_crlf),
		T(test_parse_no_final_newline),
		T(test_parse_not_nul_terminated),
		T(test_parse_duplicate_last_wins),
		T(test_parse_seed_script_file),
		T(test_parse_unknown_key),
		T(test_parse_missing_equals),
		T(test_parse_invalid_key_name),
		T(test_parse_unterminated_quote),
		T(test_parse_quote_across_lines),
		T(test_parse_text_after_quote),
		T(test_parse_bad_value_names_line),
		T(test_parse_nul_byte),
		T(test_parse_control_in_value),
		T(test_parse_long_value),
		T(test_parse_long_value_trailing_blanks),
		T(test_parse_long_key),
		T(test_parse_stops_at_first_error),
		T(test_file_missing),
		T(test_file_default_absent),
		T(test_file_directory),
		T(test_file_read),
		T(test_file_error_names_path),
		T(test_file_too_large),
		T(test_file_exactly_one_mib),
		T(test_file_world_writable_warns),
		T(test_env_overrides),
		T(test_env_bad_value),
		T(test_env_empty),
		T(test_precedence),
		T(test_load_resets_to_defaults),
		T(test_load_does_not_finish),
		T(test_load_logs_error),
		T(test_load_logs_env_error),
		T(test_finish_ipv4),
		T(test_finish_ipv6),
		T(test_finish_url_wins),
		T(test_finish_missing_primary),
		T(test_finish_gateway_url_empty),
		T(test_finish_bad_primary_ip_field),
		T(test_finish_hot_needs_channels),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
