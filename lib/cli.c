#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "config.h"
#include "exitcode.h"
#include "json.h"
#include "log.h"
#include "transition.h"
#include "version.h"

int
ocf_cli_config(struct ocf_config *c, const char *path,
    const struct ocf_flagset *flags, int need_primary, char *err,
    size_t errlen)
{
	ocf_config_defaults(c);
	if (ocf_config_load_file(c, path, err, errlen) == -1 ||
	    ocf_config_load_env(c, err, errlen) == -1)
		goto fail;
	for (; flags != NULL && flags->key != NULL; flags++)
		if (flags->value != NULL && ocf_config_set(c, flags->key,
		    flags->value, "command line", err, errlen) == -1)
			goto fail;
	if (ocf_config_finish(c, need_primary, err, errlen) == 0)
		return 0;
fail:
	ocf_err("%s", err);
	return -1;
}

int
ocf_cli_version(void)
{
	printf("%s %s\n", ocf_prog, OCF_VERSION);
	return ocf_stdout_close() == 0 ? OCF_OK : OCF_UNKNOWN;
}

int
ocf_cli_unknown(const char *reason)
{
	char line[OCF_ERRLEN], *p;

	/* a '|' would start the performance data of a plugin line */
	snprintf(line, sizeof(line), "%s", reason);
	for (p = line; (p = strchr(p, '|')) != NULL; p++)
		*p = '/';
	printf("%s - %s\n", ocf_exit_name(OCF_UNKNOWN), line);
	ocf_stdout_close();
	return OCF_UNKNOWN;
}

int
ocf_cli_print_config(const char *path, const struct ocf_flagset *flags)
{
	struct ocf_config c;
	char err[OCF_ERRLEN];

	if (ocf_cli_config(&c, path, flags, 0, err, sizeof(err)) == -1)
		return OCF_UNKNOWN;
	ocf_config_print(stdout, &c);
	return ocf_stdout_close() == 0 ? OCF_OK : OCF_UNKNOWN;
}

int
ocf_cli_report(const struct ocf_transition *t, int json, int quiet)
{
	char d[1200];

	if (json)
		printf("{\"status\":\"%s\",\"code\":%d,\"changed\":%s,"
		    "\"detail\":%s}\n", ocf_exit_name(t->status), t->status,
		    t->changed ? "true" : "false",
		    ocf_json_str(t->detail, d, sizeof(d)));
	else if (!quiet)
		printf("%s - %s\n", ocf_exit_name(t->status), t->detail);
	return ocf_stdout_close() == 0 ? t->status : OCF_UNKNOWN;
}
