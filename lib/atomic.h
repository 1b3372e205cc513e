#ifndef OCF_ATOMIC_H
#define OCF_ATOMIC_H

#include <stddef.h>
#include <sys/types.h>

/*
 * The one function that replaces a file: write buf to a temp file in the
 * same directory, fsync, close, rename over path, fsync the directory.
 * The temp file is unlinked on any error, so a crash leaves the old or the
 * new content, never a mix.  Nothing else replaces a file: the other
 * rename() calls move, they do not replace -- lib/spawn.c's log keeper
 * rotates gateway.log to gateway.log.1, and lib/secrets.c swaps the
 * secrets directory for its new copy.
 */
int ocf_write_atomic(const char *path, const void *buf, size_t len,
    mode_t mode, char *err, size_t errlen);

#endif
