/*
 * Bearer tokens live in files, never in the configuration or an argv:
 * TOKEN_FILE for the probes (http.c), GIT_TOKEN_FILE for git (gitsync.c).
 */
#ifndef OCF_TOKEN_H
#define OCF_TOKEN_H

#include <stddef.h>

/* read a token file: first line, trailing whitespace stripped; refuses a
 * file readable by group or others, or not a regular file (a FIFO never
 * blocks).  0 or -1 with err */
int ocf_read_token(const char *path, char *buf, size_t len, char *err,
    size_t errlen);

#endif
