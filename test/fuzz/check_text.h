/* What every fuzz target asks of a text the code under test made: one
 * NUL-terminated string within size bytes, no control character. */
#ifndef OCF_FUZZ_CHECK_TEXT_H
#define OCF_FUZZ_CHECK_TEXT_H

#include <stdlib.h>
#include <string.h>

static void
check_text(const char *s, size_t size)
{
	const char *nul = memchr(s, '\0', size);

	if (nul == NULL)
		abort();
	for (; s < nul; s++)
		if ((unsigned char)*s < 0x20)
			abort();
}

#endif
