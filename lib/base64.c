#include <limits.h>
#include <string.h>

#include <openssl/evp.h>

#include "base64.h"

long
ocf_b64_decode(const char *s, size_t slen, unsigned char *out, size_t max)
{
	static const char tab[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "abcdefghijklmnopqrstuvwxyz0123456789+/";
	size_t pad = 0;
	int n;

	if (slen == 0)
		return 0;
	if (slen % 4 != 0 || slen > INT_MAX)
		return -1;
	while (pad < 2 && s[slen - 1 - pad] == '=')
		pad++;
	for (size_t i = 0; i < slen - pad; i++)
		if (s[i] == '\0' || memchr(tab, s[i], 64) == NULL)
			return -1;
	if (slen / 4 * 3 - pad > max)
		return -2;
	if ((n = EVP_DecodeBlock(out, (const unsigned char *)s,
	    (int)slen)) < 0 || (size_t)n < pad)
		return -1;
	return (long)((size_t)n - pad);
}

int
ocf_b64_encode(const void *in, size_t len, char *out, size_t outlen)
{
	if (len > (size_t)INT_MAX / 4 * 3 || outlen < 4 * ((len + 2) / 3) + 1)
		return -1;
	EVP_EncodeBlock((unsigned char *)out, in, (int)len);
	return 0;
}
