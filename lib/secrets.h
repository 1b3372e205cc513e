#ifndef OCF_SECRETS_H
#define OCF_SECRETS_H

struct ocf_config;
struct ocf_sync_result;

/*
 * rsync SECRETS_HOST:SECRETS_SRC into SECRETS_DIR, in the sync worker; a
 * failed sync keeps the cached copy.  OK "not configured" without
 * SECRETS_HOST.  Returns r->status, as the functions of gitsync.h do.
 */
int ocf_sync_secrets(const struct ocf_config *c, struct ocf_sync_result *r);

#endif
