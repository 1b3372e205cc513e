/*
 * GATEWAY_CMD and hooks' command lines split into an argv the way
 * systemd splits ExecStart=: no shell ever sees them.  Pure: no system
 * call, so the fuzzer (test/fuzz/fuzz_split.c) drives it directly.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmdline.h"

#define MAX_WORDS	1024

static int
is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* the same C escapes inside double quotes and outside; any other
 * character after a backslash stands for itself */
static char
unescape(char c)
{
	switch (c) {
	case 'a':
		return '\a';
	case 'b':
		return '\b';
	case 'f':
		return '\f';
	case 'n':
		return '\n';
	case 'r':
		return '\r';
	case 's':
		return ' ';
	case 't':
		return '\t';
	case 'v':
		return '\v';
	default:
		return c;
	}
}

/*
 * One word from s[*ip] (not blank) into out; *ip moves past it.  Quoted
 * and unquoted parts join: a"b c"d is one word.
 */
static int
scan_word(const char *s, size_t len, size_t *ip, char *out, size_t *olen,
    const char **why)
{
	size_t i = *ip, o = 0;
	char q = 0;

	for (; i < len; i++) {
		char c = s[i];

		if (q == '\'') {
			if (c == '\'')
				q = 0;
			else
				out[o++] = c;
		} else if (c == '\\') {
			if (i + 1 == len) {
				*why = q ? "unterminated quote" :
				    "trailing backslash";
				return -1;
			}
			out[o++] = unescape(s[++i]);
		} else if (q == '"') {
			if (c == '"')
				q = 0;
			else
				out[o++] = c;
		} else if (is_blank(c))
			break;
		else if (c == '"' || c == '\'')
			q = c;
		else
			out[o++] = c;
	}
	if (q) {
		*why = "unterminated quote";
		return -1;
	}
	*ip = i;
	*olen = o;
	return 0;
}

void
ocf_argv_free(char **argv)
{
	size_t i;

	if (argv == NULL)
		return;
	for (i = 0; argv[i] != NULL; i++)
		free(argv[i]);
	free(argv);
}

int
ocf_split_cmdline(const char *line, char ***argvp, char *err, size_t errlen)
{
	const char *why = "empty command";
	size_t len = line != NULL ? strlen(line) : 0, i = 0, n = 0, wl;
	char *word, **v;

	*argvp = NULL;
	word = malloc(len + 1);
	v = calloc(MAX_WORDS + 1, sizeof(*v));
	if (word == NULL || v == NULL) {
		why = strerror(ENOMEM);
		goto fail;
	}
	for (;;) {
		while (i < len && is_blank(line[i]))
			i++;
		if (i == len)
			break;
		if (n == MAX_WORDS) {
			why = "too many words (at most 1024)";
			goto fail;
		}
		if (scan_word(line, len, &i, word, &wl, &why) == -1)
			goto fail;
		if ((v[n] = malloc(wl + 1)) == NULL) {
			why = strerror(ENOMEM);
			goto fail;
		}
		memcpy(v[n], word, wl);
		v[n++][wl] = '\0';
	}
	if (n == 0)
		goto fail;
	free(word);
	*argvp = v;
	return 0;
fail:
	snprintf(err, errlen, "%s", why);
	free(word);
	ocf_argv_free(v);
	return -1;
}
