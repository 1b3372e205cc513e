#ifndef OCF_REDACT_H
#define OCF_REDACT_H

#include <stddef.h>

/*
 * Make s (len bytes) one line that never shows a credential, whatever a
 * library put in it: control characters become spaces, every copy of
 * secret (when not NULL or empty) and the user info of any URL
 * ("scheme://user:password@") become "***".  Cut to len.
 */
void ocf_redact(char *s, size_t len, const char *secret);

#endif
