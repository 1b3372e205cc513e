#ifndef OCF_LOCK_H
#define OCF_LOCK_H

#include <stddef.h>

/*
 * The transition lock: an fcntl write lock on STATE_DIR/lock.  It dies
 * with its holder, so a killed tool never leaves a stale lock.
 * wait: seconds to keep trying (0: once).  Returns an fd >= 0, -1 on an
 * error (err filled), or -2 when another process holds it (err names
 * its pid when known).
 */
int ocf_lock(const char *state_dir, double wait, char *err, size_t errlen);
void ocf_unlock(int fd);

#endif
