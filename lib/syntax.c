/*
 * What a configuration value may look like: no control characters, a
 * host that stays a host inside a URL, an http(s) base URL.  Pure.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>

#include "syntax.h"

/* a tab is fine in a command line; anything else would only corrupt logs */
int
ocf_is_control(char ch)
{
	return ((unsigned char)ch < ' ' && ch != '\t') || ch == 0x7f;
}

int
ocf_has_control(const char *v)
{
	for (; *v != '\0'; v++)
		if (ocf_is_control(*v))
			return 1;
	return 0;
}

void
ocf_text_clean(char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s < ' ' || *s == 0x7f)
			*s = '?';
}

/* n bytes of h (h[n] is ']' or NUL): addr or addr%zone */
static int
valid_ipv6(const char *h, size_t n)
{
	static const char zonechars[] = "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-";
	struct in6_addr a;
	char addr[INET6_ADDRSTRLEN];
	const char *pct;
	size_t alen;

	pct = memchr(h, '%', n);
	alen = pct != NULL ? (size_t)(pct - h) : n;
	if (alen >= sizeof(addr))
		return 0;
	if (pct != NULL && (alen + 1 == n ||
	    strspn(pct + 1, zonechars) != n - alen - 1))
		return 0;
	memcpy(addr, h, alen);
	addr[alen] = '\0';
	return inet_pton(AF_INET6, addr, &a) == 1;
}

/*
 * PRIMARY_IP becomes the authority of a URL: '/', '@', '?' or blanks
 * would silently probe another host or path.  "10.0.0.1:18789" (a port
 * in the wrong key) must not pass as IPv6 either, hence inet_pton.
 */
int
ocf_valid_host(const char *h)
{
	static const char hostchars[] = "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-";
	size_t n = strlen(h);

	if (n == 0)
		return 1;
	if (h[0] == '[')
		return n > 2 && h[n - 1] == ']' && valid_ipv6(h + 1, n - 2);
	if (strchr(h, ':') != NULL)
		return valid_ipv6(h, n);
	return h[0] != '-' && h[0] != '.' && strspn(h, hostchars) == n;
}

int
ocf_valid_url(const char *v)
{
	const char *rest;

	if (strncmp(v, "http://", 7) == 0)
		rest = v + 7;
	else if (strncmp(v, "https://", 8) == 0)
		rest = v + 8;
	else
		return 0;
	return *rest != '\0' && *rest != '/' && strpbrk(rest, " \t") == NULL;
}
