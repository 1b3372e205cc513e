/*
 * A validating JSON scanner just large enough for the gateway's health
 * bodies.  It walks the whole document (bounded depth) so that garbage is
 * told apart from an object, and keeps only the top-level members "ready",
 * "ok", "status" and "failing".
 */
#include <string.h>

#include "health.h"

#define MAX_DEPTH 32

struct scan {
	const char *p, *end;
	int depth;
};

static void
skip_ws(struct scan *s)
{
	while (s->p < s->end && (*s->p == ' ' || *s->p == '\t' ||
	    *s->p == '\n' || *s->p == '\r'))
		s->p++;
}

static int
eat(struct scan *s, char c)
{
	skip_ws(s);
	if (s->p < s->end && *s->p == c) {
		s->p++;
		return 1;
	}
	return 0;
}

/* a string; its raw bytes (escapes kept, except \" and \\) go to out */
static int
string(struct scan *s, char *out, size_t outlen)
{
	size_t n = 0;

	if (!eat(s, '"'))
		return -1;
	while (s->p < s->end && *s->p != '"') {
		char c = *s->p++;

		if ((unsigned char)c < 0x20)
			return -1;
		if (c == '\\') {
			if (s->p >= s->end || *s->p == '\0' ||
			    strchr("\"\\/bfnrtu", *s->p) == NULL)
				return -1;
			c = *s->p++;
			if (c == 'u') {
				for (int i = 0; i < 4; i++, s->p++)
					if (s->p >= s->end || *s->p == '\0' ||
					    strchr("0123456789abcdefABCDEF",
					    *s->p) == NULL)
						return -1;
				c = '?';
			} else if (c != '"' && c != '\\' && c != '/') {
				c = ' ';
			}
		}
		if (out != NULL && n + 1 < outlen)
			out[n++] = c;
	}
	if (out != NULL && outlen > 0)
		out[n] = '\0';
	return eat(s, '"') ? 0 : -1;
}

static int
literal(struct scan *s, const char *word)
{
	size_t n = strlen(word);

	if ((size_t)(s->end - s->p) < n || memcmp(s->p, word, n) != 0)
		return -1;
	s->p += n;
	return 0;
}

static int
digits(struct scan *s)
{
	const char *start = s->p;

	while (s->p < s->end && *s->p >= '0' && *s->p <= '9')
		s->p++;
	return s->p > start ? 0 : -1;
}

/* -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? */
static int
number(struct scan *s)
{
	if (s->p < s->end && *s->p == '-')
		s->p++;
	if (s->p < s->end && *s->p == '0')
		s->p++;
	else if (digits(s) == -1)
		return -1;
	if (s->p < s->end && *s->p == '.') {
		s->p++;
		if (digits(s) == -1)
			return -1;
	}
	if (s->p < s->end && (*s->p == 'e' || *s->p == 'E')) {
		s->p++;
		if (s->p < s->end && (*s->p == '+' || *s->p == '-'))
			s->p++;
		if (digits(s) == -1)
			return -1;
	}
	return 0;
}

static int value(struct scan *s);

static int
array(struct scan *s, char *joined, size_t len)
{
	char item[128];
	size_t at = 0;
	int full = 0;

	if (joined != NULL)
		joined[0] = '\0';
	if (eat(s, ']'))
		return 0;
	do {
		skip_ws(s);
		if (joined != NULL && s->p < s->end && *s->p == '"') {
			if (string(s, item, sizeof(item)) == -1)
				return -1;
			/* join names with ','; silently stop when full */
			size_t n = strlen(item);

			if (!full && at + n + 2 >= len)
				full = 1;	/* a gap in the list would mislead */
			if (!full) {
				if (at > 0)
					joined[at++] = ',';
				memcpy(joined + at, item, n + 1);
				at += n;
			}
		} else if (value(s) == -1) {
			return -1;
		}
	} while (eat(s, ','));
	return eat(s, ']') ? 0 : -1;
}

static int
object(struct scan *s, struct ocf_health *h)
{
	char key[32];

	if (eat(s, '}'))
		return 0;
	do {
		skip_ws(s);
		if (string(s, key, sizeof(key)) == -1 || !eat(s, ':'))
			return -1;
		skip_ws(s);
		if (h != NULL && strcmp(key, "ready") == 0 &&
		    literal(s, "true") == 0) {
			h->has_ready = h->ready = 1;
		} else if (h != NULL && strcmp(key, "ready") == 0 &&
		    literal(s, "false") == 0) {
			h->has_ready = 1;
			h->ready = 0;
		} else if (h != NULL && strcmp(key, "ok") == 0 &&
		    literal(s, "true") == 0) {
			h->has_ok = h->ok = 1;
		} else if (h != NULL && strcmp(key, "ok") == 0 &&
		    literal(s, "false") == 0) {
			h->has_ok = 1;
			h->ok = 0;
		} else if (h != NULL && strcmp(key, "status") == 0 &&
		    s->p < s->end && *s->p == '"') {
			if (string(s, h->status, sizeof(h->status)) == -1)
				return -1;
		} else if (h != NULL && strcmp(key, "failing") == 0 &&
		    s->p < s->end && *s->p == '[') {
			s->p++;
			if (++s->depth > MAX_DEPTH ||
			    array(s, h->failing, sizeof(h->failing)) == -1)
				return -1;
			s->depth--;
		} else if (value(s) == -1) {
			return -1;
		}
	} while (eat(s, ','));
	return eat(s, '}') ? 0 : -1;
}

static int
value(struct scan *s)
{
	int r;

	skip_ws(s);
	if (s->p >= s->end)
		return -1;
	switch (*s->p) {
	case '{':
	case '[':
		if (++s->depth > MAX_DEPTH)
			return -1;
		r = *s->p++ == '{' ? object(s, NULL) : array(s, NULL, 0);
		s->depth--;
		return r;
	case '"':
		return string(s, NULL, 0);
	case 't':
		return literal(s, "true");
	case 'f':
		return literal(s, "false");
	case 'n':
		return literal(s, "null");
	default:
		return number(s);
	}
}

int
ocf_health_parse(const char *body, size_t len, struct ocf_health *h)
{
	struct scan s = { body, body + len, 1 };

	memset(h, 0, sizeof(*h));
	if (!eat(&s, '{') || object(&s, h) == -1)
		return -1;
	skip_ws(&s);
	return s.p == s.end ? 0 : -1;
}
