#include <stdio.h>
#include <string.h>

#include "json.h"

const char *
ocf_json_str(const char *s, char *buf, size_t len)
{
	size_t at = 0;

	if (len < 3) {
		if (len > 0)
			buf[0] = '\0';
		return buf;
	}
	buf[at++] = '"';
	for (; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;
		char esc[8];
		size_t n;

		if (c == '"' || c == '\\')
			n = (size_t)snprintf(esc, sizeof(esc), "\\%c", c);
		else if (c < 0x20)
			n = (size_t)snprintf(esc, sizeof(esc), "\\u%04x", c);
		else
			esc[0] = (char)c, esc[1] = '\0', n = 1;
		if (at + n + 2 > len)
			break;
		memcpy(buf + at, esc, n);
		at += n;
	}
	buf[at++] = '"';
	buf[at] = '\0';
	return buf;
}
