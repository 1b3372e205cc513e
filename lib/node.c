#include <stdio.h>
#include <unistd.h>

#include "config.h"
#include "node.h"

const char *
ocf_node_name(const struct ocf_config *c, char *buf, unsigned long len)
{
	if (c->node_name[0] != '\0')
		snprintf(buf, len, "%s", c->node_name);
	else if (gethostname(buf, len) == -1 || buf[0] == '\0')
		snprintf(buf, len, "standby");
	buf[len - 1] = '\0';
	return buf;
}
