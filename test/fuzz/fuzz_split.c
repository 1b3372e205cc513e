/*
 * Fuzz target: the GATEWAY_CMD word splitter, on a NUL-terminated copy
 * of the input (a configured value is a C string).  Properties, each an
 * abort():
 *   - on success argv holds 1 to 1024 words, none NULL, then NULL, and no
 *     word is longer than the line;
 *   - on failure argv is NULL and err says why;
 *   - a line without quotes or backslashes splits exactly where blanks
 *     are (a differential check against a plain tokenizer): more than
 *     1024 such words is an error, never a cut-off command.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cmdline.h"

#define MAX_WORDS 1024	/* documented limit of ocf_split_cmdline() */
#define BLANKS " \t\n\r"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* words of a line without quotes or backslashes, compared with argv;
 * argv NULL: only count them */
static size_t
plain_words(const char *line, char **argv)
{
	size_t i = 0, n = 0;

	for (;;) {
		size_t wl;

		i += strspn(line + i, BLANKS);
		if (line[i] == '\0')
			return n;
		wl = strcspn(line + i, BLANKS);
		if (argv != NULL && (strlen(argv[n]) != wl ||
		    memcmp(argv[n], line + i, wl) != 0))
			abort();
		n++;
		i += wl;
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[256], *line, **argv = (char **)1;
	size_t argc, len;
	int r, plain;

	if ((line = malloc(size + 1)) == NULL)
		return 0;
	memcpy(line, data, size);
	line[size] = '\0';
	len = strlen(line);
	plain = strpbrk(line, "\"'\\") == NULL;

	err[0] = '\0';
	r = ocf_split_cmdline(line, &argv, err, sizeof(err));
	if (r == -1) {
		if (argv != NULL || err[0] == '\0' ||
		    memchr(err, '\0', sizeof(err)) == NULL)
			abort();
		/* only an empty line or too many words fail without quoting */
		if (plain && plain_words(line, NULL) != 0 &&
		    plain_words(line, NULL) <= MAX_WORDS)
			abort();
		free(line);
		return 0;
	}
	if (r != 0 || argv == NULL)
		abort();
	for (argc = 0; argc <= MAX_WORDS && argv[argc] != NULL; argc++)
		if (strlen(argv[argc]) > len)
			abort();
	if (argc == 0 || argc > MAX_WORDS || argv[argc] != NULL)
		abort();
	if (plain && plain_words(line, argv) != argc)
		abort();
	ocf_argv_free(argv);
	free(line);
	return 0;
}
