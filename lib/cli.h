/* What the tools' main() functions share. */
#ifndef OCF_CLI_H
#define OCF_CLI_H

struct ocf_config;
struct ocf_transition;

/* getopt_long's value for --print-config, which has no letter */
enum { OCF_OPT_PRINT_CONFIG = 256 };

/* a KEY=value given by a flag; the list ends with key == NULL */
struct ocf_flagset {
	const char *key, *value;
};

/*
 * Defaults, file (path NULL: /etc/ocf/ocf.conf), environment, then the
 * flags (entries whose value is NULL are skipped), then the cross-key
 * checks.  Logs the error and returns -1 (exit 3) on any problem.
 */
int ocf_cli_config(struct ocf_config *c, const char *path,
    const struct ocf_flagset *flags, int need_primary);

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
