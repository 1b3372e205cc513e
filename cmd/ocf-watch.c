/* ocf-watch: watch the primary; promote and demote this node */
#include <getopt.h>
#include <stdio.h>

#include "cli.h"
#include "config.h"
#include "exitcode.h"
#include "log.h"
#include "status.h"
#include "watch.h"

static void
usage(FILE *f)
{
	fprintf(f, "usage: ocf-watch [-1hjqRVv] [-c file]\n"
	    "       ocf-watch -s [-j] [-c file]\n"
	    "       ocf-watch --print-config [-c file]\n");
}

int
main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "json", no_argument, NULL, 'j' },
		{ "once", no_argument, NULL, '1' },
		{ "print-config", no_argument, NULL, OCF_OPT_PRINT_CONFIG },
		{ "quiet", no_argument, NULL, 'q' },
		{ "reset", no_argument, NULL, 'R' },
		{ "status", no_argument, NULL, 's' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	struct ocf_config cfg;
	struct ocf_tick t;
	const char *conf = NULL;
	char msg[1200], err[OCF_ERRLEN];
	int ch, json = 0, once = 0, print = 0, quiet = 0, reset = 0, status = 0;
	int r;

	ocf_log_init(argv[0], OCF_LOG_TIME);
	argv[0] = (char *)ocf_prog;	/* getopt names us the same way */
	while ((ch = getopt_long(argc, argv, "1c:hjqRsVv", longopts,
	    NULL)) != -1) {
		switch (ch) {
		case '1':
			once = 1;
			break;
		case 'c':
			conf = optarg;
			break;
		case 'h':
			usage(stdout);
			return ocf_stdout_close() == 0 ? OCF_OK : OCF_UNKNOWN;
		case 'j':
			json = 1;
			break;
		case 'q':
			quiet = 1;
			ocf_log_level(LOG_WARNING);
			break;
		case 'R':
			reset = 1;
			break;
		case 's':
			status = 1;
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
	/* --json goes with --once or --status */
	if (optind != argc || once + reset + status > 1 ||
	    (json && !once && !status)) {
		usage(stderr);
		return OCF_UNKNOWN;
	}
	if (print)
		return ocf_cli_print_config(conf, NULL);
	if (ocf_cli_config(&cfg, conf, NULL, !reset && !status, err,
	    sizeof(err)) == -1)
		/* --once and --status report a status, as a monitoring
		 * plugin does */
		return (once || status) && !quiet ? ocf_cli_unknown(err) :
		    OCF_UNKNOWN;
	if (status) {
		r = ocf_status(&cfg, json);
		return ocf_stdout_close() == 0 ? r : OCF_UNKNOWN;
	}
	if (reset) {
		r = ocf_watch_reset(&cfg, msg, sizeof(msg));
		if (r == OCF_OK)
			ocf_notice("%s", msg);
		else
			ocf_err("%s", msg);
		return r;
	}
	if (!once)
		return ocf_watch_run(&cfg, conf);
	r = ocf_watch_tick(&cfg, &t);
	if (json && !quiet) {
		ocf_tick_json(&t, r, msg, sizeof(msg));
		printf("%s\n", msg);
	} else if (!quiet)
		printf("%s - primary: %s; fails %d, rises %d; %s%s\n",
		    ocf_exit_name(r), t.reason, t.fails, t.rises,
		    t.active ? "active" : "not active",
		    t.acted ? (t.status <= OCF_WARNING ? "; transition done" :
		    "; transition failed") : "");
	return ocf_stdout_close() == 0 ? r : OCF_UNKNOWN;
}
