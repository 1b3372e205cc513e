#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "base64.h"
#include "knownhosts.h"

/* the longest key blob we decode; an RSA-16384 key is 2 KiB */
#define KEY_MAX 8192
/* ssh-keygen -H writes 20 bytes of salt; more is taken, up to this */
#define SALT_MAX 64
#define SHA1_LEN 20

/*
 * OpenSSH's patterns: '*' and '?' only ('[' is literal: "[host]:port"),
 * without case.  On a mismatch after a '*', only the latest '*' takes
 * one more character: that finds every match, in time bounded by the
 * product of the lengths, where recursion at every '*' is exponential.
 */
static int
wild_match(const char *p, const char *s)
{
	const char *star = NULL, *resume = NULL;

	while (*s != '\0') {
		if (*p == '*') {
			star = ++p;
			resume = s;
		} else if (*p != '\0' && (*p == '?' ||
		    tolower((unsigned char)*p) == tolower((unsigned char)*s))) {
			p++;
			s++;
		} else if (star != NULL) {
			p = star;
			s = ++resume;
		} else
			return 0;
	}
	while (*p == '*')
		p++;
	return *p == '\0';
}

/* one host pattern list against "host" or "[host]:port"; 1 if it matches */
static int
kh_host_match(char *pats, const char *name)
{
	unsigned char salt[OCF_B64_ROOM(SALT_MAX)], want[OCF_B64_ROOM(SHA1_LEN)];
	unsigned char got[EVP_MAX_MD_SIZE];
	unsigned int glen = 0;
	char *pat, *save = NULL;
	int found = 0;

	if (strncmp(pats, "|1|", 3) == 0) {
		char *s = pats + 3, *h = strchr(s, '|');
		long sl;

		if (h == NULL || (sl = ocf_b64_decode(s, (size_t)(h - s), salt,
		    SALT_MAX)) < 0 || ocf_b64_decode(h + 1, strlen(h + 1), want,
		    SHA1_LEN) != SHA1_LEN)
			return 0;
		if (HMAC(EVP_sha1(), salt, (int)sl, (const unsigned char *)name,
		    strlen(name), got, &glen) == NULL || glen != SHA1_LEN)
			return 0;
		return memcmp(want, got, SHA1_LEN) == 0;
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
	unsigned char blob[OCF_B64_ROOM(KEY_MAX)];
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
	bl = ocf_b64_decode(f[marker + 2], strlen(f[marker + 2]), blob, KEY_MAX);
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

int
ocf_kh_port(const char *url)
{
	const char *h = strstr(url, "://"), *end, *at, *colon;
	long port;

	if (h == NULL)
		return 22;
	h += 3;
	end = h + strcspn(h, "/");
	while ((at = memchr(h, '@', (size_t)(end - h))) != NULL)
		h = at + 1;
	if (*h == '[' && (h = memchr(h, ']', (size_t)(end - h))) == NULL)
		return 22;
	if ((colon = memchr(h, ':', (size_t)(end - h))) == NULL)
		return 22;
	port = strtol(colon + 1, NULL, 10);
	return port > 0 && port < 65536 ? (int)port : 22;
}
