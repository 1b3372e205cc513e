/*
 * Base64 with libcrypto's EVP block coder, decoded strictly: groups of
 * four, '=' only at the end, as OpenSSH (known_hosts) and Go (etcd's
 * JSON gateway) write it.  EVP_DecodeBlock alone would skip blanks, read
 * a '=' anywhere as zero bits and count the padding as zero bytes.
 */
#ifndef OCF_BASE64_H
#define OCF_BASE64_H

#include <stddef.h>

/* room to decode up to n bytes into: the padding is written out first */
#define OCF_B64_ROOM(n) (((n) + 2) / 3 * 3)

/* decode slen characters of s into out, which holds OCF_B64_ROOM(max)
 * bytes.  The length decoded; -1 when s is not such base64, -2 when it
 * decodes to more than max bytes */
long ocf_b64_decode(const char *s, size_t slen, unsigned char *out,
    size_t max);

/* encode len bytes into out, NUL-terminated (outlen >= 4 * ((len + 2) /
 * 3) + 1).  0, or -1 when out is too small */
int ocf_b64_encode(const void *in, size_t len, char *out, size_t outlen);

#endif
