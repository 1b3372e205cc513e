#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "knownhosts.h"

/* the longest key blob we decode; an RSA-16384 key is 2 KiB */
#define KEY_MAX 8192

/* SHA-1 and HMAC, for hashed host names */

struct sha1 {
	uint32_t h[5];
	uint64_t n;
	unsigned char b[64];
};

#define ROL(x, k) (((x) << (k)) | ((x) >> (32 - (k))))

static void
sha1_block(uint32_t h[5], const unsigned char *p)
{
	uint32_t w[80], a = h[0], b = h[1], c = h[2], d = h[3], e = h[4], t;

	for (int i = 0; i < 16; i++)
		w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 |
		    (uint32_t)p[4 * i + 2] << 8 | p[4 * i + 3];
	for (int i = 16; i < 80; i++)
		w[i] = ROL(w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16], 1);
	for (int i = 0; i < 80; i++) {
		if (i < 20)
			t = ((b & c) | (~b & d)) + 0x5a827999;
		else if (i < 40)
			t = (b ^ c ^ d) + 0x6ed9eba1;
		else if (i < 60)
			t = ((b & c) | (b & d) | (c & d)) + 0x8f1bbcdc;
		else
			t = (b ^ c ^ d) + 0xca62c1d6;
		t += ROL(a, 5) + e + w[i];
		e = d;
		d = c;
		c = ROL(b, 30);
		b = a;
		a = t;
	}
	h[0] += a;
	h[1] += b;
	h[2] += c;
	h[3] += d;
	h[4] += e;
}

static void
sha1_init(struct sha1 *s)
{
	static const uint32_t iv[5] = { 0x67452301, 0xefcdab89, 0x98badcfe,
	    0x10325476, 0xc3d2e1f0 };

	memcpy(s->h, iv, sizeof(iv));
	s->n = 0;
}

static void
sha1_update(struct sha1 *s, const unsigned char *p, size_t len)
{
	while (len-- > 0) {
		s->b[s->n++ % 64] = *p++;
		if (s->n % 64 == 0)
			sha1_block(s->h, s->b);
	}
}

static void
sha1_final(struct sha1 *s, unsigned char out[20])
{
	uint64_t bits = s->n * 8;
	unsigned char pad = 0x80, len[8];

	sha1_update(s, &pad, 1);
	pad = 0;
	while (s->n % 64 != 56)
		sha1_update(s, &pad, 1);
	for (int i = 0; i < 8; i++)
		len[i] = (unsigned char)(bits >> (56 - 8 * i));
	sha1_update(s, len, 8);
	for (int i = 0; i < 20; i++)
		out[i] = (unsigned char)(s->h[i / 4] >> (24 - 8 * (i % 4)));
}

static void
hmac_sha1(const unsigned char *key, size_t klen, const char *msg,
    unsigned char out[20])
{
	unsigned char k[64] = { 0 }, pad[64], inner[20];
	struct sha1 s;

	if (klen > 64) {
		sha1_init(&s);
		sha1_update(&s, key, klen);
		sha1_final(&s, k);
	} else
		memcpy(k, key, klen);
	for (int i = 0; i < 64; i++)
		pad[i] = k[i] ^ 0x36;
	sha1_init(&s);
	sha1_update(&s, pad, 64);
	sha1_update(&s, (const unsigned char *)msg, strlen(msg));
	sha1_final(&s, inner);
	for (int i = 0; i < 64; i++)
		pad[i] = k[i] ^ 0x5c;
	sha1_init(&s);
	sha1_update(&s, pad, 64);
	sha1_update(&s, inner, 20);
	sha1_final(&s, out);
}

/* decode base64 (no whitespace inside); length, or -1 */
static long
b64dec(const char *s, size_t slen, unsigned char *out, size_t outlen)
{
	static const char tab[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "abcdefghijklmnopqrstuvwxyz0123456789+/";
	uint32_t acc = 0;
	size_t o = 0;
	int bits = 0;

	for (size_t i = 0; i < slen && s[i] != '='; i++) {
		const char *q = memchr(tab, s[i], 64);

		if (q == NULL || s[i] == '\0')
			return -1;
		acc = acc << 6 | (uint32_t)(q - tab);
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			if (o == outlen)
				return -1;
			out[o++] = (unsigned char)(acc >> bits);
		}
	}
	return (long)o;
}

/* OpenSSH's patterns: '*' and '?' only ('[' is literal: "[host]:port") */
static int
wild_match(const char *p, const char *s)
{
	for (; *p != '\0'; p++, s++) {
		if (*p == '*') {
			for (;; s++) {
				if (wild_match(p + 1, s))
					return 1;
				if (*s == '\0')
					return 0;
			}
		}
		if (*s == '\0' || (*p != '?' && tolower((unsigned char)*p) !=
		    tolower((unsigned char)*s)))
			return 0;
	}
	return *s == '\0';
}

/* one host pattern list against "host" or "[host]:port"; 1 if it matches */
static int
kh_host_match(char *pats, const char *name)
{
	unsigned char salt[64], want[20], got[20];
	char *pat, *save = NULL;
	int found = 0;

	if (strncmp(pats, "|1|", 3) == 0) {
		char *s = pats + 3, *h = strchr(s, '|');
		long sl;

		if (h == NULL || (sl = b64dec(s, (size_t)(h - s), salt,
		    sizeof(salt))) < 0 || b64dec(h + 1, strlen(h + 1), want,
		    sizeof(want)) != 20)
			return 0;
		hmac_sha1(salt, (size_t)sl, name, got);
		return memcmp(want, got, 20) == 0;
	}
	for (pat = strtok_r(pats, ",", &save); pat != NULL;
	    pat = strtok_r(NULL, ",", &save)) {
		int neg = *pat == '!';

		if (!wild_match(pat + neg, name))
			continue;
		if (neg)
			return 0;
		found = 1;
	}
	return found;
}

int
ocf_kh_line(char *line, const char *name, const unsigned char *key,
    size_t keylen)
{
	unsigned char blob[KEY_MAX];
	char *f[4], *save = NULL;
	int n = 0, marker;
	long bl;

	for (char *w = strtok_r(line, " \t\r\n", &save); w != NULL &&
	    n < 4; w = strtok_r(NULL, " \t\r\n", &save))
		f[n++] = w;
	if (n < 3 || f[0][0] == '#')
		return OCF_KH_NONE;
	marker = f[0][0] == '@';
	if (marker && n < 4)
		return OCF_KH_NONE;
	if (marker && strcmp(f[0], "@revoked") != 0)
		return OCF_KH_NONE;	/* @cert-authority: not supported */
	if (!kh_host_match(f[marker], name))
		return OCF_KH_NONE;
	bl = b64dec(f[marker + 2], strlen(f[marker + 2]), blob, sizeof(blob));
	if (bl < 0 || (size_t)bl != keylen || memcmp(blob, key, keylen))
		return OCF_KH_OTHER_KEY;
	return marker ? OCF_KH_REVOKED : OCF_KH_MATCH;
}

int
ocf_kh_scan(FILE *fp, const char *name, const unsigned char *key,
    size_t keylen)
{
	char *line = NULL;
	size_t cap = 0;
	int v, worst = OCF_KH_NONE;

	while (getline(&line, &cap, fp) != -1)
		if ((v = ocf_kh_line(line, name, key, keylen)) > worst)
			worst = v;
	free(line);
	return worst;
}

int
ocf_kh_check(const char *file, const char *host, int port,
    const unsigned char *key, size_t keylen, char *why, size_t len)
{
	char name[300];
	FILE *fp;
	int v;

	if (port == 22)
		snprintf(name, sizeof(name), "%s", host);
	else
		snprintf(name, sizeof(name), "[%s]:%d", host, port);
	if ((fp = fopen(file, "re")) == NULL) {
		snprintf(why, len, "unable to read '%s' (SSH_KNOWN_HOSTS): %s",
		    file, strerror(errno));
		return -1;
	}
	v = ocf_kh_scan(fp, name, key, keylen);
	fclose(fp);
	if (v == OCF_KH_MATCH)
		return 0;
	if (v == OCF_KH_REVOKED)
		snprintf(why, len, "host key of '%s' is revoked in '%s'",
		    name, file);
	else if (v == OCF_KH_OTHER_KEY)
		snprintf(why, len, "host key of '%s' does not match '%s' "
		    "(SSH_KNOWN_HOSTS): refusing to connect", name, file);
	else
		snprintf(why, len, "host '%s' is not in '%s' (SSH_KNOWN_HOSTS)",
		    name, file);
	return -1;
}
