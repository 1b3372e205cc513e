/*
 * The boot fence of a hot standby (STANDBY_MODE=hot, see hot.h): the
 * edit of the gateway's openclaw.json that makes a gateway start with its
 * channels down.  Each channel account is marked disabled
 * (channels.<c>.accounts.<a>.enabled = false, OpenClaw's own per-account
 * switch, which every channel plugin obeys: the gateway checks it before
 * the plugin starts an account), and the edit is recorded so that exactly
 * it is undone later, nothing else of the file.
 *
 * Pure: JSON text in, JSON text out (jansson), for the unit tests and
 * for hot.c, which reads and writes the file.
 *
 * The record is a list of items "CHANNEL/ACCOUNT:K" separated by one
 * space, K saying what was there before the fence:
 *   n  no "accounts" object in the channel (the fence added it)
 *   e  no entry for the account in "accounts"
 *   k  an entry without "enabled"
 *   t  an entry with "enabled": true
 * An account already disabled (by its owner) is neither fenced nor
 * recorded: the fence never enables what it did not disable.
 */
#ifndef OCF_FENCE_H
#define OCF_FENCE_H

#include <stddef.h>

/* the account a channel without an "accounts" object runs (OpenClaw's
 * DEFAULT_ACCOUNT_ID) */
#define OCF_FENCE_DEFAULT_ACCOUNT "default"

/*
 * Fence every account of every channel that is not disabled: the keys of
 * its "accounts" object, or "default" when it has none.  Returns 1 with
 * *out (malloc'd, free it) and its length and the record; 0 when there is
 * nothing to fence (no channel, or all disabled); -1 with err when the
 * text is not a plain JSON object (a JSON5 file with comments, say), an id
 * cannot be recorded, or the record does not fit in reclen.
 */
int ocf_fence_add(const char *text, size_t len, char **out, size_t *outlen,
    char *record, size_t reclen, char *err, size_t errlen);

/*
 * Undo what record says the fence did, where it is still so (an entry
 * someone changed since is left alone).  Returns 1 with *out, 0 when
 * nothing was left to undo (*out NULL), -1 with err.
 */
int ocf_fence_undo(const char *text, size_t len, const char *record,
    char **out, size_t *outlen, char *err, size_t errlen);

/*
 * The same undo as a JSON merge patch (RFC 7396) for the gateway's
 * config.patch, for a gateway that runs and rewrites its own file:
 * {"channels":{"irc":{"accounts":null}}} and the like.  Returns its
 * length, or -1 when record is bad or buf too small.
 * OCF_FENCE_PATCH_ROOM(n) bytes always hold the patch of a record of
 * fewer than n bytes: an item of 6 ("c/a:k ") becomes at most 40
 * ("\"c\":{\"accounts\":{\"a\":{\"enabled\":null}}},"), and ids need no escape.
 */
#define OCF_FENCE_PATCH_ROOM(n) (8 * (n) + 64)
int ocf_fence_patch(const char *record, char *buf, size_t len);

/*
 * Walk record: at *p, the next item into channel, account and *kind;
 * advances *p.  1 for an item, 0 at the end, -1 for a malformed item.
 */
int ocf_fence_next(const char **p, char *channel, size_t clen,
    char *account, size_t alen, char *kind);

/* 1 when id can stand in a record and a JSON key as it is: 1-63 bytes of
 * letters, digits and "_-.@+" */
int ocf_fence_id_ok(const char *id);

#endif
