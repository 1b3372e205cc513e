/*
 * Configuration: defaults < file < environment < flags.
 *
 * The file is systemd EnvironmentFile= syntax: KEY=VALUE lines, '#' or ';'
 * comments, optional single or double quotes, "export " tolerated.  Every
 * key is listed in keys[] of config.c with its type, range and default;
 * an unknown key in a file, a bad number or an out-of-range value is an
 * error that names the key, the origin (file:line, "environment",
 * "command line") and the allowed range.
 */
#ifndef OCF_CONFIG_H
#define OCF_CONFIG_H

#include <stddef.h>
#include <stdio.h>

/* ./configure --sysconfdir: the Makefile passes it to config.c alone */
#ifndef OCF_SYSCONFDIR
#define OCF_SYSCONFDIR "/etc"
#endif
#define OCF_CONFIG_FILE OCF_SYSCONFDIR "/ocf/ocf.conf"
#define OCF_HOOKS_DIR OCF_SYSCONFDIR "/ocf/hooks.d"
#define OCF_ERRLEN 512

enum ocf_fail_on { OCF_FAIL_ON_DOWN, OCF_FAIL_ON_NOTREADY };
enum ocf_failback { OCF_FAILBACK_AUTO, OCF_FAILBACK_DELAYED, OCF_FAILBACK_MANUAL };
enum ocf_notify_format { OCF_NOTIFY_JSON, OCF_NOTIFY_SLACK, OCF_NOTIFY_DISCORD,
    OCF_NOTIFY_NTFY };
enum ocf_ready_check { OCF_READY_AUTO, OCF_READY_CHANNELS, OCF_READY_READYZ };
enum ocf_arbiter_kind { OCF_ARBITER_NONE, OCF_ARBITER_ETCD };
enum ocf_standby_mode { OCF_STANDBY_COLD, OCF_STANDBY_HOT };

struct ocf_config {
	/* the primary; primary_url is derived by ocf_config_finish() */
	char primary_ip[256];
	int primary_port;
	char primary_url_set[1024];	/* PRIMARY_URL as given */
	char primary_url[1024];		/* effective base URL, no trailing '/' */

	/* timing (seconds, decimals allowed) and thresholds */
	double check_interval, fast_interval, probe_timeout;
	double ready_timeout, stop_timeout, hold_down, hook_timeout;
	int fail_threshold, rise_threshold;
	enum ocf_fail_on fail_on;	/* FAIL_ON=down|notready */
	double notready_grace;		/* NOTREADY_GRACE: with FAIL_ON=notready */
	enum ocf_failback failback;	/* FAILBACK=auto|delayed|manual */
	double failback_delay;		/* FAILBACK_DELAY: with FAILBACK=delayed */
	int flap_max;			/* FLAP_MAX transitions ... */
	double flap_window;		/* ... within FLAP_WINDOW seconds latch */

	/* probing */
	char ca_file[1024];		/* CA_FILE: CA bundle for https */
	char token_file[1024];		/* TOKEN_FILE: bearer token, read at use */

	/* the local gateway */
	char gateway_service[256];	/* GATEWAY_SERVICE (systemd unit) */
	char gateway_cmd[4096];		/* GATEWAY_CMD: run it ourselves */
	char gateway_url[1024];		/* GATEWAY_URL */
	int gateway_log_max;		/* GATEWAY_LOG_MAX: bytes, then rotated */
	char openclaw_user[64];		/* OPENCLAW_USER; "" = do not switch */
	enum ocf_ready_check ready_check; /* READY_CHECK: what "ready" means */
	char gateway_token_file[1024];	/* GATEWAY_TOKEN_FILE: its admin RPC */
	enum ocf_standby_mode standby_mode; /* STANDBY_MODE=cold|hot */
	char gateway_config[1024];	/* GATEWAY_CONFIG: its openclaw.json */

	/* sync */
	char workspace[1024];		/* WORKSPACE: git checkout */
	char sync_remote[256];		/* SYNC_REMOTE: remote name [origin] */
	char sync_branch[256];		/* SYNC_BRANCH: "" = current branch */
	double sync_timeout;		/* SYNC_TIMEOUT: bound of one git op */
	char git_token_file[1024];	/* GIT_TOKEN_FILE: https token */
	char ssh_key[1024];		/* SSH_KEY: identity for git and rsync */
	char ssh_known_hosts[1024];	/* SSH_KNOWN_HOSTS: known_hosts file */
	int ssh_port;			/* SSH_PORT: for rsync [22] */
	char secrets_host[256];		/* SECRETS_HOST: user@host */
	char secrets_src[1024];		/* SECRETS_SRC: remote path [.secrets/] */
	char secrets_dir[1024];		/* SECRETS_DIR: "" = ~OPENCLAW_USER/.secrets */
	char node_name[256];		/* NODE_NAME: "" = hostname */

	/* transitions */
	char hooks_dir[1024];		/* HOOKS_DIR */
	char notify_url[1024];		/* NOTIFY_URL */
	enum ocf_notify_format notify_format; /* NOTIFY_FORMAT */
	char state_dir[1024];		/* STATE_DIR */

	/* monitoring the monitor */
	char metrics_file[1024];	/* METRICS_FILE: Prometheus textfile */
	char heartbeat_url[1024];	/* HEARTBEAT_URL: dead man's switch */
	double heartbeat_interval;	/* HEARTBEAT_INTERVAL */

	/* more than one pair */
	enum ocf_arbiter_kind arbiter;	/* ARBITER=none|etcd */
	char etcd_endpoints[1024];	/* ETCD_ENDPOINTS: comma-separated URLs */
	char etcd_prefix[256];		/* ETCD_PREFIX: keys under it */
	int lease_ttl;			/* LEASE_TTL: seconds */
	int node_priority;		/* NODE_PRIORITY: higher serves first */
	char witness_urls[1024];	/* WITNESS_URLS: comma-separated URLs */
};

struct ocf_probe_opts;

/* probe options for url (the primary's or the local gateway's) with this
 * configuration's CA file and token; returns o */
struct ocf_probe_opts *ocf_config_probe(const struct ocf_config *c,
    const char *url, double timeout, struct ocf_probe_opts *o);

/* the same for the local gateway's admin RPC: GATEWAY_URL with
 * GATEWAY_TOKEN_FILE (TOKEN_FILE when that is empty) */
struct ocf_probe_opts *ocf_config_rpc(const struct ocf_config *c,
    double timeout, struct ocf_probe_opts *o);

/* fill every field with its default */
void ocf_config_defaults(struct ocf_config *c);

/*
 * Read a file.  path NULL means OCF_CONFIG_FILE, which may be absent;
 * an explicit path must exist.  Returns 0, or -1 with err filled.
 */
int ocf_config_load_file(struct ocf_config *c, const char *path,
    char *err, size_t errlen);

/* parse a whole file's text; name is used in messages (fuzz target) */
int ocf_config_parse(struct ocf_config *c, const char *text, size_t len,
    const char *name, char *err, size_t errlen);

/* every known key present in the environment overrides */
int ocf_config_load_env(struct ocf_config *c, char *err, size_t errlen);

/* set one key (flags); origin is used in messages, e.g. "command line" */
int ocf_config_set(struct ocf_config *c, const char *key, const char *value,
    const char *origin, char *err, size_t errlen);

/* validate cross-key rules and derive primary_url; need_primary: the
 * primary's address is required */
int ocf_config_finish(struct ocf_config *c, int need_primary,
    char *err, size_t errlen);

/*
 * Defaults, file (path may be NULL), env; not finish: the caller applies
 * its flags with ocf_config_set() and then calls ocf_config_finish().
 * Logs the error itself and returns -1 (the caller exits 3).
 */
int ocf_config_load(struct ocf_config *c, const char *path);

/* the key table, for the --print-config listing (ocf_config_print) and
 * docs */
size_t ocf_config_nkeys(void);
const char *ocf_config_key(size_t i);
const char *ocf_config_help(size_t i);	/* one line, for docs */
/* current value of key i as text (into buf) */
const char *ocf_config_value(const struct ocf_config *c, size_t i,
    char *buf, size_t len);

/*
 * Every key as KEY='value', one a line, in the table's order: text that
 * sh can eval (a ' is written '\'', as in the state file).  The values
 * are those of the keys as set, PRIMARY_URL as given, not derived.
 * Returns 0, or -1 when f has a write error.
 */
int ocf_config_print(FILE *f, const struct ocf_config *c);

#endif
