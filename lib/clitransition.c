/* main() of ocf-promote and ocf-demote: separate from cli.c so that
 * ocf-probe does not link the transition code */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "config.h"
#include "exitcode.h"
#include "log.h"
#include "transition.h"

static void
usage(FILE *f)
{
	fprintf(f, "usage: %s [-fhjnqVv] [-c file] [-M on|off]\n"
	    "       %s --print-config [-c file]\n", ocf_prog, ocf_prog);
}

int
ocf_cli_transition(int argc, char *argv[],
    int (*fn)(const struct ocf_config *, int, struct ocf_transition *))
{
	static const struct option longopts[] = {
		{ "force", no_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ "json", no_argument, NULL, 'j' },
		{ "maintenance", required_argument, NULL, 'M' },
		{ "no-sync", no_argument, NULL, 'n' },
		{ "print-config", no_argument, NULL, OCF_OPT_PRINT_CONFIG },
		{ "quiet", no_argument, NULL, 'q' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	struct ocf_config cfg;
	struct ocf_transition t;
	const char *conf = NULL, *maint = NULL;
	int ch, flags = 0, json = 0, print = 0, quiet = 0;

	ocf_log_init(argv[0], 0);
	argv[0] = (char *)ocf_prog;	/* getopt names us the same way */
	ocf_log_level(LOG_INFO);
	while ((ch = getopt_long(argc, argv, "c:fhjM:nqVv", longopts,
	    NULL)) != -1) {
		switch (ch) {
		case 'c':
			conf = optarg;
			break;
		case 'f':
			flags |= OCF_TR_FORCE;
			break;
		case 'h':
			usage(stdout);
			return ocf_stdout_close() == 0 ? OCF_OK : OCF_UNKNOWN;
		case 'j':
			json = 1;
			break;
		case 'M':
			maint = optarg;
			if (strcmp(maint, "on") != 0 && strcmp(maint, "off") != 0) {
				ocf_err("-M takes 'on' or 'off', not '%s'", maint);
				return OCF_UNKNOWN;
			}
			break;
		case 'n':
			flags |= OCF_TR_NOSYNC;
			break;
		case 'q':
			quiet = 1;
			ocf_log_level(LOG_WARNING);
			break;
		case 'V':
			return ocf_cli_version();
		case 'v':
			ocf_log_level(LOG_DEBUG);
			break;
		case OCF_OPT_PRINT_CONFIG:
			print = 1;
			break;
		default:
			usage(stderr);
			return OCF_UNKNOWN;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return OCF_UNKNOWN;
	}
	if (print)
		return ocf_cli_print_config(conf, NULL);
	/* the primary is needed only to refuse promoting over a healthy one */
	if (ocf_cli_config(&cfg, conf, NULL, fn == ocf_promote && maint == NULL &&
	    !(flags & OCF_TR_FORCE), t.detail, sizeof(t.detail)) == -1) {
		/* reported as any result is, for the monitoring that reads it */
		t.status = OCF_UNKNOWN;
		t.changed = 0;
		return ocf_cli_report(&t, json, quiet);
	}
	if (maint != NULL)
		ocf_maintenance(&cfg, strcmp(maint, "on") == 0, &t);
	else
		fn(&cfg, flags, &t);
	/* a transition logs what it did; what it could not, we do */
	if (t.status > OCF_WARNING)
		ocf_err("%s", t.detail);
	return ocf_cli_report(&t, json, quiet);
}
