/*
 * Replay driver: calls LLVMFuzzerTestOneInput once for each file named on
 * the command line, so that the seed corpora and the regression inputs
 * run under ASan/UBSan with gcc or clang, without libFuzzer.  Each input
 * is an exact-size heap copy, as libFuzzer gives it, so that a read one
 * byte past the end is caught.  Exit 0 when every file ran, 2 when one
 * could not be read; a finding aborts.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define INPUT_MAX (16 * 1024 * 1024)

static uint8_t *
slurp(const char *path, size_t *sizep)
{
	FILE *f;
	uint8_t *buf, *exact;
	size_t n;

	if ((f = fopen(path, "rb")) == NULL)
		return NULL;
	if ((buf = malloc(INPUT_MAX + 1)) == NULL) {
		fclose(f);
		return NULL;
	}
	n = fread(buf, 1, INPUT_MAX + 1, f);
	if (ferror(f) || n > INPUT_MAX) {
		if (!ferror(f))
			errno = EFBIG;
		fclose(f);
		free(buf);
		return NULL;
	}
	fclose(f);
	/* malloc(0) may return NULL: keep one byte, pass size 0 */
	if ((exact = malloc(n > 0 ? n : 1)) != NULL)
		memcpy(exact, buf, n);
	free(buf);
	*sizep = n;
	return exact;
}

int
main(int argc, char *argv[])
{
	int i;

	for (i = 1; i < argc; i++) {
		uint8_t *data;
		size_t size;

		if ((data = slurp(argv[i], &size)) == NULL) {
			fprintf(stderr, "replay: error: unable to read '%s': %s\n",
			    argv[i], strerror(errno));
			return 2;
		}
		LLVMFuzzerTestOneInput(data, size);
		free(data);
	}
	printf("replay: %d inputs\n", argc - 1);
	if (fflush(stdout) == EOF || ferror(stdout))
		return 2;
	return 0;
}
