/* What the tools' main() functions share. */
#ifndef OCF_CLI_H
#define OCF_CLI_H

#include <stddef.h>

struct ocf_config;
struct ocf_transition;

/* getopt_long's value for --print-config, which has no letter */
enum { OCF_OPT_PRINT_CONFIG = 256 };

/* a KEY=value given by a flag; the list ends with key == NULL */
struct ocf_flagset {
	const char *key, *value;
};

/*
 * Defaults, file (path NULL: OCF_CONFIG_FILE), environment, then the
 * flags (entries whose value is NULL are skipped), then the cross-key
 * checks.  On any problem, logs the error, leaves it in err (for
 * ocf_cli_unknown) and returns -1 (exit 3).
 */
int ocf_cli_config(struct ocf_config *c, const char *path,
    const struct ocf_flagset *flags, int need_primary, char *err,
    size_t errlen);

/*
 * -V, --version of every tool: "ocf-probe 0.1.0" on stdout.  Returns the
 * exit code: OCF_OK, or OCF_UNKNOWN when stdout cannot be written.
 */
int ocf_cli_version(void);

/*
 * "UNKNOWN - reason" on stdout, for a tool that reports a status and fails
 * before it has one (a bad configuration): the error is on stderr already,
 * but a monitoring system shows stdout.  Returns OCF_UNKNOWN.
 */
int ocf_cli_unknown(const char *reason);

/*
 * --print-config: load the configuration as ocf_cli_config() does, with
 * the flags but no primary required, and print it (ocf_config_print).
 * Returns the exit code: OCF_OK, or OCF_UNKNOWN for a bad configuration
 * (logged) or a stdout that cannot be written.
 */
int ocf_cli_print_config(const char *path, const struct ocf_flagset *flags);

/* "STATUS - detail" or a JSON object on stdout; returns status, or
 * OCF_UNKNOWN when stdout cannot be written */
int ocf_cli_report(const struct ocf_transition *t, int json, int quiet);

/* main() of ocf-promote and ocf-demote, which differ only in fn */
int ocf_cli_transition(int argc, char *argv[],
    int (*fn)(const struct ocf_config *, int, struct ocf_transition *));

#endif
