/* ocf-sync: workspace (git) and secrets sync */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "config.h"
#include "exitcode.h"
#include "gitsync.h"
#include "json.h"
#include "log.h"
#include "secrets.h"
#include "state.h"
#include "syncstate.h"
#include "timeutil.h"

static void
usage(FILE *f)
{
	fprintf(f, "usage: ocf-sync [-hjVv] [-C dir] [-c file] "
	    "pull | push | sync | status | secrets | all\n"
	    "       ocf-sync --print-config [-C dir] [-c file]\n");
}

/* silent on success (cron mails any output) unless -v or --json */
static void
report(const char *what, const struct ocf_sync_result *r, int json)
{
	char d[600];

	if (json)
		printf("{\"what\":\"%s\",\"status\":\"%s\",\"code\":%d,"
		    "\"detail\":%s}\n", what, ocf_exit_name(r->status),
		    r->status, ocf_json_str(r->detail, d, sizeof(d)));
	if (r->note[0] != '\0')
		ocf_warn("%s", r->note);
	if (r->status == OCF_OK)
		ocf_info("%s: %s", what, r->detail);
	else if (r->status == OCF_WARNING)
		ocf_warn("%s", r->detail);
	else
		ocf_err("%s", r->detail);
}

/* one operation, reported and recorded; r for the caller */
static int
run(const struct ocf_config *c, const char *what, int json,
    struct ocf_sync_result *rp)
{
	struct ocf_sync_result r;
	char err[OCF_STATE_ERRLEN];

	if (strcmp(what, "pull") == 0)
		ocf_sync_pull(c, &r);
	else if (strcmp(what, "push") == 0)
		ocf_sync_push(c, &r);
	else
		ocf_sync_secrets(c, &r);
	report(what, &r, json);
	if (r.status != OCF_UNKNOWN &&
	    ocf_sync_save(c, what, &r, err, sizeof(err)) == -1)
		ocf_warn("%s result not recorded: %s", what, err);
	if (rp != NULL)
		*rp = r;
	else
		ocf_sync_announce(c, &r);
	return r.status;
}

/*
 * pull, then push: what the primary's timer runs.  A conflict is told
 * once, even when both steps met it (the push's words: it says where
 * our commits went).
 */
static int
both_ways(const struct ocf_config *c, int json)
{
	struct ocf_sync_result pull, push;
	int rc;

	rc = run(c, "pull", json, &pull);
	rc = ocf_exit_worst(rc, run(c, "push", json, &push));
	ocf_sync_announce(c, push.conflict ? &push : &pull);
	return rc;
}

/* "ok at 2026-11-25T13:00:00.000Z (125s ago)" or "never" */
static const char *
when(const char *verdict, double at, double now, char *buf, size_t len)
{
	char t[40];

	if (at <= 0 || verdict[0] == '\0')
		return "never";
	snprintf(buf, len, "%s at %s (%.0fs ago)", verdict,
	    ocf_iso8601(at, t, sizeof(t)), now - at);
	return buf;
}

static void
status_json(const struct ocf_config *c, const struct ocf_sync_result *r,
    int ahead, int behind, const struct ocf_state *s, double now)
{
	const char *what[] = { "pull", "push", "secrets" };
	const char *verdict[] = { s->pull, s->push, s->secrets };
	const double at[] = { s->pull_at, s->push_at, s->secrets_at };
	char a[1200], b[600];

	printf("{\"status\":\"%s\",\"code\":%d,\"detail\":%s,"
	    "\"workspace\":%s,", ocf_exit_name(r->status), r->status,
	    ocf_json_str(r->detail, b, sizeof(b)),
	    ocf_json_str(c->workspace, a, sizeof(a)));
	if (ahead >= 0)
		printf("\"ahead\":%d,\"behind\":%d", ahead, behind);
	else
		printf("\"ahead\":null,\"behind\":null");
	for (int i = 0; i < 3; i++) {
		printf(",\"%s\":%s", what[i], verdict[i][0] == '\0' ? "null" :
		    ocf_json_str(verdict[i], a, sizeof(a)));
		if (at[i] > 0)
			printf(",\"%s_at\":%.3f,\"%s_age\":%.3f", what[i],
			    at[i], what[i], now - at[i]);
		else
			printf(",\"%s_at\":null,\"%s_age\":null", what[i],
			    what[i]);
	}
	printf(",\"sync_detail\":%s}\n", ocf_json_str(s->sync_detail, a,
	    sizeof(a)));
}

static int
status(const struct ocf_config *c, int json)
{
	struct ocf_sync_result r;
	struct ocf_state s;
	char err[OCF_STATE_ERRLEN], buf[200];
	double now = ocf_wall();
	int ahead, behind;

	ocf_sync_status(c, &r, &ahead, &behind);
	if (ocf_state_load(c->state_dir, &s, err, sizeof(err)) == -1) {
		ocf_warn("%s", err);
		ocf_state_init(&s);
	}
	if (json)
		status_json(c, &r, ahead, behind, &s, now);
	else {
		printf("workspace: %s\n", c->workspace);
		printf("status: %s - %s\n", ocf_exit_name(r.status), r.detail);
		if (ahead >= 0)
			printf("ahead: %d\nbehind: %d\n", ahead, behind);
		printf("last pull: %s\n", when(s.pull, s.pull_at, now, buf,
		    sizeof(buf)));
		printf("last push: %s\n", when(s.push, s.push_at, now, buf,
		    sizeof(buf)));
		printf("last secrets: %s\n", when(s.secrets, s.secrets_at,
		    now, buf, sizeof(buf)));
	}
	return r.status;
}

int
main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "json", no_argument, NULL, 'j' },
		{ "print-config", no_argument, NULL, OCF_OPT_PRINT_CONFIG },
		{ "verbose", no_argument, NULL, 'v' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	static const char *const ops[] = { "pull", "push", "sync", "status",
	    "secrets", "all" };
	struct ocf_flagset flags[] = { { "WORKSPACE", NULL }, { NULL, NULL } };
	struct ocf_config cfg;
	const char *conf = NULL, *op;
	char err[OCF_ERRLEN];
	int ch, json = 0, print = 0, rc, known = 0;

	ocf_log_init(argv[0], 0);
	argv[0] = (char *)ocf_prog;	/* getopt names us the same way */
	while ((ch = getopt_long(argc, argv, "C:c:hjVv", longopts,
	    NULL)) != -1) {
		switch (ch) {
		case 'C':
			flags[0].value = optarg;
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
	argc -= optind;
	argv += optind;
	if (print && argc == 0)
		return ocf_cli_print_config(conf, flags);
	for (size_t i = 0; argc == 1 && i < sizeof(ops) / sizeof(ops[0]); i++)
		known |= strcmp(argv[0], ops[i]) == 0;
	if (!known || print) {
		usage(stderr);
		return OCF_UNKNOWN;
	}
	op = argv[0];
	if (ocf_cli_config(&cfg, conf, flags, 0, err, sizeof(err)) == -1)
		return OCF_UNKNOWN;

	if (strcmp(op, "status") == 0)
		rc = status(&cfg, json);
	else if (strcmp(op, "sync") == 0)
		rc = both_ways(&cfg, json);
	else if (strcmp(op, "all") == 0) {
		rc = run(&cfg, "pull", json, NULL);	/* then, in this order */
		rc = ocf_exit_worst(rc, run(&cfg, "secrets", json, NULL));
	} else
		rc = run(&cfg, op, json, NULL);
	if (ocf_stdout_close() == -1)
		return OCF_UNKNOWN;
	return rc;
}
