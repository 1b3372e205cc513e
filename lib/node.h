#ifndef OCF_NODE_H
#define OCF_NODE_H

struct ocf_config;

/* NODE_NAME, or the host name, or "standby" when there is none: this
 * node in hooks, webhooks and git (which reduces it to a ref's
 * characters).  buf */
const char *ocf_node_name(const struct ocf_config *c, char *buf,
    unsigned long len);

#endif
