#ifndef OCF_SECRETS_H
#define OCF_SECRETS_H

#include <stddef.h>

struct ocf_config;
struct ocf_sync_result;

/*
 * rsync SECRETS_HOST:SECRETS_SRC into SECRETS_DIR, in the sync worker; a
 * failed sync keeps the cached copy.  OK "not configured" without
 * SECRETS_HOST.  Returns r->status, as the functions of gitsync.h do.
 */
/* SECRETS_DIR, or ~OPENCLAW_USER/.secrets, or ~/.secrets, without a
 * trailing '/'; -1 when there is no home to put it in */
int ocf_secrets_dir(const struct ocf_config *c, char *buf, size_t len);

int ocf_sync_secrets(const struct ocf_config *c, struct ocf_sync_result *r);

#endif
