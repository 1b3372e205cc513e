/* ocf-probe: one health check of an OpenClaw gateway */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chanprobe.h"
#include "cli.h"
#include "config.h"
#include "exitcode.h"
#include "log.h"
#include "probe.h"

static void
usage(FILE *f)
{
	fprintf(f, "usage: ocf-probe [-46hjlqVv] [-C cafile] [-c file] "
	    "[-T tokenfile] [-t timeout]\n"
	    "                 [url | host[:port]]\n"
	    "       ocf-probe --channels [-46jlqv] [-C cafile] [-c file] "
	    "[-T tokenfile]\n"
	    "                 [-t timeout] [url | host[:port]]\n"
	    "       ocf-probe --print-config [-C cafile] [-c file] "
	    "[-T tokenfile]\n"
	    "                 [-t timeout]\n");
}

/* a target on the command line: a URL, or host[:port] / [v6]:port */
static int
target_url(const char *arg, int port, char *buf, size_t len)
{
	const char *colon;

	size_t n = strlen(arg);

	if (strncmp(arg, "http://", 7) == 0 || strncmp(arg, "https://", 8) == 0) {
		while (n > 8 && arg[n - 1] == '/')
			n--;	/* the paths are appended: no "//readyz" */
		return snprintf(buf, len, "%.*s", (int)n, arg) < (int)len ? 0 : -1;
	}
	if (*arg == '\0' || strpbrk(arg, "/?#@ \t") != NULL)
		return -1;
	if (*arg == '[')
		colon = strstr(arg, "]:") ? strstr(arg, "]:") + 1 : NULL;
	else
		colon = strchr(arg, ':') == strrchr(arg, ':') ?
		    strchr(arg, ':') : NULL;
	if (colon != NULL)
		return snprintf(buf, len, "http://%s", arg) < (int)len ? 0 : -1;
	if (strchr(arg, ':') != NULL && *arg != '[')	/* bare IPv6 */
		return snprintf(buf, len, "http://[%s]:%d", arg, port) <
		    (int)len ? 0 : -1;
	return snprintf(buf, len, "http://%s:%d", arg, port) < (int)len ? 0 : -1;
}

/* a failure before the check (a bad configuration or target): the
 * plugin line or the JSON object still says why, as stderr did */
static int
unknown(const char *why, const char *url, int json, int quiet)
{
	struct ocf_probe_result r = { .status = OCF_UNKNOWN };
	char line[1600];

	if (!json)
		return quiet ? OCF_UNKNOWN : ocf_cli_unknown(why);
	snprintf(r.reason, sizeof(r.reason), "%s", why);
	if (ocf_probe_json(&r, url, line, sizeof(line)) != -1)
		puts(line);
	ocf_stdout_close();
	return OCF_UNKNOWN;
}

/* --channels: the gateway's channels.status over its admin RPC */
static int
check_channels(const struct ocf_probe_opts *o, int json, int quiet)
{
	struct ocf_chan_result r;
	char line[16384];

	ocf_chan_probe(o, &r);
	if (r.open)
		ocf_warn("the admin RPC of '%s' answers without a token on an "
		    "address that is not loopback: whoever reaches it operates "
		    "the gateway", o->url);
	if (json && ocf_chan_json(&r, o->url, line, sizeof(line)) == -1)
		snprintf(line, sizeof(line), "{\"status\":\"%s\",\"code\":%d}",
		    ocf_exit_name(r.status), r.status);
	else if (!json)
		ocf_chan_format(&r, line, sizeof(line));
	if (json || !quiet)
		puts(line);
	if (ocf_stdout_close() == -1)
		return OCF_UNKNOWN;
	return r.status;
}

int
main(int argc, char *argv[])
{
	enum { OPT_CHANNELS = OCF_OPT_PRINT_CONFIG + 1 };
	static const struct option longopts[] = {
		{ "channels", no_argument, NULL, OPT_CHANNELS },
		{ "help", no_argument, NULL, 'h' },
		{ "json", no_argument, NULL, 'j' },
		{ "local", no_argument, NULL, 'l' },
		{ "print-config", no_argument, NULL, OCF_OPT_PRINT_CONFIG },
		{ "quiet", no_argument, NULL, 'q' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	struct ocf_config cfg;
	struct ocf_probe_opts o;
	struct ocf_probe_result r;
	/* the flags that set a key, in the order they are applied */
	struct ocf_flagset flags[] = { { "PROBE_TIMEOUT", NULL },
	    { "CA_FILE", NULL }, { "TOKEN_FILE", NULL }, { NULL, NULL } };
	const char *conf = NULL;
	char url[1200], line[1600], err[OCF_ERRLEN];
	int ch, channels = 0, ipv = 0, json = 0, local = 0, print = 0;
	int quiet = 0;

	ocf_log_init(argv[0], 0);
	argv[0] = (char *)ocf_prog;	/* getopt names us the same way */
	while ((ch = getopt_long(argc, argv, "46C:c:hjlqT:t:Vv", longopts,
	    NULL)) != -1) {
		switch (ch) {
		case '4':
		case '6':
			ipv = ch - '0';
			break;
		case 'C':
			flags[1].value = optarg;
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
		case 'l':
			local = 1;
			break;
		case 'q':
			quiet = 1;
			break;
		case 'T':
			flags[2].value = optarg;
			break;
		case 't':
			flags[0].value = optarg;
			break;
		case 'V':
			return ocf_cli_version();
		case 'v':
			ocf_log_level(LOG_DEBUG);
			break;
		case OCF_OPT_PRINT_CONFIG:
			print = 1;
			break;
		case OPT_CHANNELS:
			channels = 1;
			break;
		default:
			usage(stderr);
			return OCF_UNKNOWN;
		}
	}
	argc -= optind;
	argv += optind;
	if (argc > 1 || (argc == 1 && (local || print)) ||
	    (channels && print)) {
		usage(stderr);
		return OCF_UNKNOWN;
	}
	if (print)
		return ocf_cli_print_config(conf, flags);
	if (ocf_cli_config(&cfg, conf, flags, argc == 0 && !local, err,
	    sizeof(err)) == -1)
		return unknown(err, "", json, quiet);
	if (argc == 1 && target_url(argv[0], cfg.primary_port, url,
	    sizeof(url)) == -1) {
		snprintf(err, sizeof(err), "'%s' is not a URL or host[:port]",
		    argv[0]);
		ocf_err("%s", err);
		return unknown(err, "", json, quiet);
	}
	if (argc == 0)
		snprintf(url, sizeof(url), "%s",
		    local ? cfg.gateway_url : cfg.primary_url);

	o = (struct ocf_probe_opts){
		.url = url,
		.timeout = cfg.probe_timeout,
		.ca_file = cfg.ca_file,
		.token_file = cfg.token_file,
		.ipv = ipv,
	};
	/* the local gateway's admin RPC has a token of its own */
	if (local && flags[2].value == NULL &&
	    cfg.gateway_token_file[0] != '\0')
		o.token_file = cfg.gateway_token_file;
	ocf_debug("checking '%s' within %gs", url, cfg.probe_timeout);
	if (channels)
		return check_channels(&o, json, quiet);
	ocf_probe(&o, &r);
	if (json)
		ocf_probe_json(&r, url, line, sizeof(line));
	else
		ocf_probe_format(&r, url, line, sizeof(line));
	if (json || !quiet)
		puts(line);
	if (ocf_stdout_close() == -1)
		return OCF_UNKNOWN;
	return r.status;
}
