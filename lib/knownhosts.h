/*
 * Host keys against an OpenSSH known_hosts file (SSH_KNOWN_HOSTS): plain
 * and hashed (|1|salt|hash) host names, patterns with '*', '?' and '!',
 * "[host]:port" for another port than 22, @revoked.  @cert-authority
 * lines are skipped: we take no certificates.
 */
#ifndef OCF_KNOWNHOSTS_H
#define OCF_KNOWNHOSTS_H

#include <stddef.h>
#include <stdio.h>

/* what lines say about a host name and a key, in rising order of weight */
enum {
	OCF_KH_NONE,		/* nothing about this host */
	OCF_KH_OTHER_KEY,	/* this host, with another key */
	OCF_KH_MATCH,		/* this host with this key */
	OCF_KH_REVOKED,		/* this host with this key, @revoked */
};

/*
 * Check key for host:port against file.  0 when a line matches and none
 * revokes it; -1 otherwise, with why saying which (not in the file, does
 * not match, revoked, unreadable).
 */
int ocf_kh_check(const char *file, const char *host, int port,
    const unsigned char *key, size_t keylen, char *why, size_t len);

/* every line of fp: the weightiest verdict of ocf_kh_line */
int ocf_kh_scan(FILE *fp, const char *name, const unsigned char *key,
    size_t keylen);

/* one line, which is cut up in place, against name ("host" or
 * "[host]:port") and key: an OCF_KH_ verdict */
int ocf_kh_line(char *line, const char *name, const unsigned char *key,
    size_t keylen);

/* the port a git remote URL's host has in known_hosts: that of
 * ssh://[user@]host[:port]/path, 22 for scp-like URLs and when none */
int ocf_kh_port(const char *url);

#endif
