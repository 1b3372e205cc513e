#ifndef OCF_SYNTAX_H
#define OCF_SYNTAX_H

/* a control character other than tab (it would corrupt logs) */
int ocf_is_control(char ch);
/* v holds one */
int ocf_has_control(const char *v);
/* what another program sent, made one line for a log or the state file:
 * every control character, tab too, becomes '?' */
void ocf_text_clean(char *s);
/* PRIMARY_IP: empty, a host name, an IPv4 or an IPv6 address ([...]
 * allowed, %zone too), nothing that would change a URL's meaning */
int ocf_valid_host(const char *h);
/* an http:// or https:// base URL with a host and no blanks */
int ocf_valid_url(const char *v);

#endif
