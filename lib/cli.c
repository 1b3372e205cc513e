#include <stdio.h>

#include "cli.h"
#include "config.h"
#include "exitcode.h"
#include "json.h"
#include "log.h"
#include "transition.h"

int
ocf_cli_config(struct ocf_config *c, const char *path,
    const struct ocf_flagset *flags, int need_primary)
{
	char err[OCF_ERRLEN];

	if (ocf_config_load(c, path) == -1)
		return -1;
	for (; flags != NULL && flags->key != NULL; flags++)
		if (flags->value != NULL && ocf_config_set(c, flags->key,
		    flags->value, "command line", err, sizeof(err)) == -1)
			goto fail;
	if (ocf_config_finish(c, need_primary, err, sizeof(err)) == 0)
		return 0;
fail:
	ocf_err("%s", err);
	return -1;
}

int
ocf_cli_print_config(const char *path, const struct ocf_flagset *flags)
{
	struct ocf_config c;

	if (ocf_cli_config(&c, path, flags, 0) == -1)
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
