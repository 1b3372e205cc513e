/*
 * Fuzz target: known_hosts matching (SSH_KNOWN_HOSTS).  The first line of
 * the input is the host name asked for ("host" or "[host]:port"), the
 * rest is the file; the key is a fixed ed25519 key, whose base64 is in the
 * dictionary and the seeds.  Properties, each an abort():
 *   - the verdict of the file is one of OCF_KH_NONE..OCF_KH_REVOKED, the
 *     same when the file is read again, and the weightiest verdict of
 *     its lines taken one by one (lines end at '\n', as getline's do);
 *   - a plain line (three words, no marker, no comment, a host list
 *     without '*', '?', '!' or '|', the key's own base64 third) is
 *     OCF_KH_MATCH exactly when one of its names is the name asked for,
 *     without case, and OCF_KH_NONE otherwise: a differential check
 *     against strcasecmp.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "knownhosts.h"

#define KEY_B64 "AAAAC3NzaC1lZDI1NTE5AAAAIKEWDBew+qOexXwPsuxKNyghr2mgigyAa71e1fds+NES"
#define BLANKS " \t\r\n"

static const unsigned char key[51] =
    "\x00\x00\x00\x0bssh-ed25519\x00\x00\x00\x20"
    "\xa1\x16\x0c\x17\xb0\xfa\xa3\x9e\xc5\x7c\x0f\xb2\xec\x4a\x37\x28"
    "\x21\xaf\x69\xa0\x8a\x0c\x80\x6b\xbd\x5e\xd5\xf7\x6c\xf8\xd1\x12";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* a NUL-terminated heap copy of n bytes */
static char *
copy(const uint8_t *p, size_t n)
{
	char *s = malloc(n + 1);

	if (s == NULL)
		abort();
	memcpy(s, p, n);
	s[n] = '\0';
	return s;
}

/* the verdict a plain line must get, or -1 when the line is not plain */
static int
plain_verdict(const char *line, const char *name)
{
	char *s = strdup(line), *w[4], *save = NULL, *h;
	int n = 0, v = -1;

	if (s == NULL)
		abort();
	for (char *t = strtok_r(s, BLANKS, &save); t != NULL && n < 4;
	    t = strtok_r(NULL, BLANKS, &save))
		w[n++] = t;
	if (n != 3 || w[0][0] == '#' || w[0][0] == '@' ||
	    strpbrk(w[0], "*?!|") != NULL || strcmp(w[2], KEY_B64) != 0)
		goto out;
	v = OCF_KH_NONE;
	save = NULL;
	for (h = strtok_r(w[0], ",", &save); h != NULL;
	    h = strtok_r(NULL, ",", &save))
		if (strcasecmp(h, name) == 0)
			v = OCF_KH_MATCH;
out:
	free(s);
	return v;
}

static int
scan(const char *text, size_t len, const char *name)
{
	FILE *f;
	int v;

	/* a zero-size fmemopen is refused by older C libraries */
	if ((f = fmemopen((void *)(uintptr_t)text, len > 0 ? len : 1,
	    "r")) == NULL)
		abort();
	v = ocf_kh_scan(f, name, key, sizeof(key));
	fclose(f);
	return v;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *nl = memchr(data, '\n', size), *p, *end = data + size;
	char *name, *text;
	size_t tlen;
	int v, worst = OCF_KH_NONE;

	if (nl == NULL)
		return 0;
	name = copy(data, (size_t)(nl - data));
	tlen = (size_t)(end - (nl + 1));
	text = copy(nl + 1, tlen);
	v = scan(text, tlen, name);
	if (v < OCF_KH_NONE || v > OCF_KH_REVOKED ||
	    scan(text, tlen, name) != v)
		abort();
	for (p = nl + 1; p < end; ) {
		const uint8_t *e = memchr(p, '\n', (size_t)(end - p));
		size_t n = (e != NULL ? (size_t)(e - p) + 1 : (size_t)(end - p));
		char *line = copy(p, n);
		int want = plain_verdict(line, name), lv;

		lv = ocf_kh_line(line, name, key, sizeof(key));
		if (want != -1 && lv != want)
			abort();
		if (lv > worst)
			worst = lv;
		free(line);
		p += n;
	}
	if (worst != v)
		abort();
	free(text);
	free(name);
	return 0;
}
