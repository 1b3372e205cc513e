#ifndef OCF_JSON_H
#define OCF_JSON_H

#include <stddef.h>

/* room for a JSON literal of a string of n bytes: every byte may become
 * \u00XX, plus the quotes and the NUL */
#define OCF_JSON_ROOM(n) (6 * (n) + 3)

/* s as a JSON string literal, quotes included, into buf; returns buf
 * (truncated at a character boundary when too small) */
const char *ocf_json_str(const char *s, char *buf, size_t len);

#endif
