/*
 * Fuzz target: the configuration file parser (systemd EnvironmentFile=
 * syntax), then the cross-key checks, then the listing.
 *
 * Properties, each an abort():
 *   - a refused file says why (err is a non-empty string), without a
 *     control character: the message goes to a terminal or a log, and a
 *     file may hold any byte (config.c shows a bad key's bytes as '?');
 *   - once a file is accepted, every value the listing shows reads back
 *     through ocf_config_set() to the same text: the listing of
 *     --print-config (ocf_config_print) must itself be a valid
 *     configuration;
 *   - when ocf_config_finish() accepts a primary, primary_url is an
 *     http:// or https:// URL; when it refuses, as for the parser.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* ~25 KiB each: kept off the stack of a replayed deep call chain */
static struct ocf_config c, d;

/* a tab is allowed in a value, hence in a message quoting it */
static void
check_err(const char *err, size_t size)
{
	const char *nul = memchr(err, '\0', size);

	if (nul == NULL || nul == err)
		abort();
	for (; err < nul; err++)
		if (((unsigned char)*err < 0x20 && *err != '\t') ||
		    *err == 0x7f)
			abort();
}

static void
check_url(const struct ocf_config *cf)
{
	if (strncmp(cf->primary_url, "http://", 7) != 0 &&
	    strncmp(cf->primary_url, "https://", 8) != 0)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[OCF_ERRLEN], v1[sizeof(c.gateway_cmd) + 64];
	char v2[sizeof(v1)];
	size_t i;

	ocf_config_defaults(&c);
	err[0] = '\0';
	if (ocf_config_parse(&c, (const char *)data, size, "fuzz", err,
	    sizeof(err)) == -1) {
		check_err(err, sizeof(err));
		return 0;
	}

	for (i = 0; i < ocf_config_nkeys(); i++) {
		const char *key = ocf_config_key(i);

		if (ocf_config_value(&c, i, v1, sizeof(v1)) == NULL)
			abort();
		d = c;
		if (ocf_config_set(&d, key, v1, "listing", err,
		    sizeof(err)) == -1)
			abort();	/* the listing shows what cannot be read */
		if (ocf_config_value(&d, i, v2, sizeof(v2)) == NULL ||
		    strcmp(v1, v2) != 0)
			abort();
	}

	for (int need = 0; need <= 1; need++) {
		d = c;
		err[0] = '\0';
		if (ocf_config_finish(&d, need, err, sizeof(err)) == -1)
			check_err(err, sizeof(err));
		else if (need || d.primary_url[0] != '\0')
			check_url(&d);
	}
	return 0;
}
