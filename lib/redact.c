#include <stdio.h>
#include <string.h>

#include "redact.h"

static void
put(char *out, size_t len, size_t *o, const char *s, size_t n)
{
	while (n-- > 0 && *o + 1 < len)
		out[(*o)++] = *s++;
}

void
ocf_redact(char *s, size_t len, const char *secret)
{
	char out[512];	/* twice a detail: "***@" is longer than "u@" */
	size_t o = 0, sl = secret != NULL ? strlen(secret) : 0;
	const char *p = s;

	while (*p != '\0' && o + 1 < sizeof(out)) {
		if (sl > 0 && strncmp(p, secret, sl) == 0) {
			put(out, sizeof(out), &o, "***", 3);
			p += sl;
		} else if (strncmp(p, "://", 3) == 0) {
			size_t span;

			put(out, sizeof(out), &o, "://", 3);
			p += 3;
			span = strcspn(p, "/ \t'\"@");
			if (p[span] == '@') {
				put(out, sizeof(out), &o, "***@", 4);
				p += span + 1;
			}
		} else {
			unsigned char ch = (unsigned char)*p++;

			out[o++] = ch < 0x20 || ch == 0x7f ? ' ' : (char)ch;
		}
	}
	out[o] = '\0';
	snprintf(s, len, "%s", out);
}
