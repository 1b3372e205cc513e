#ifndef OCF_JSON_H
#define OCF_JSON_H

#include <stddef.h>

/* s as a JSON string literal, quotes included, into buf; returns buf
 * (truncated at a character boundary when too small) */
const char *ocf_json_str(const char *s, char *buf, size_t len);

#endif
