/*
 * Unit tests for lib/knownhosts.c: host keys against OpenSSH known_hosts
 * lines.  The hashed entries come from `ssh-keygen -H` (OpenSSH 9.2) or,
 * for salts ssh-keygen never writes, from Python's hmac module; the
 * patterns were checked against `ssh-keygen -F`.  Every line is copied
 * into a heap buffer of exactly its size, so valgrind and ASan see a read
 * past its end.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "knownhosts.h"

/* ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIKEWDBew+qOexXwPsuxKNyghr2mgigyAa71e1fds+NES */
#define ED_B64 "AAAAC3NzaC1lZDI1NTE5AAAAIKEWDBew+qOexXwPsuxKNyghr2mgigyAa71e1fds+NES"
static const unsigned char ed[51] =
    "\x00\x00\x00\x0bssh-ed25519\x00\x00\x00\x20"
    "\xa1\x16\x0c\x17\xb0\xfa\xa3\x9e\xc5\x7c\x0f\xb2\xec\x4a\x37\x28"
    "\x21\xaf\x69\xa0\x8a\x0c\x80\x6b\xbd\x5e\xd5\xf7\x6c\xf8\xd1\x12";

/* another key: the same blob with its last byte changed */
static unsigned char other[51];

/*
 * Blobs of 1, 2, 3, 52 and 53 bytes (byte i is 7i+3): their base64 ends
 * in "==", "=" or nothing, which is where a decoder that counts the
 * padding as data goes wrong.  Only the blob is compared, never the type.
 */
static unsigned char syn[54];
#define SYN1_B64 "Aw=="
#define SYN2_B64 "Awo="
#define SYN3_B64 "AwoR"
#define SYN52_B64 "AwoRGB8mLTQ7QklQV15lbHN6gYiPlp2kq7K5wMfO1dzj6vH4/wYNFBsiKTA3" \
	"PkVMU1phaA=="
#define SYN53_B64 "AwoRGB8mLTQ7QklQV15lbHN6gYiPlp2kq7K5wMfO1dzj6vH4/wYNFBsiKTA3" \
	"PkVMU1phaG8="

static char tmpdir[] = "/tmp/ocf-test-knownhosts.XXXXXX";

static int
setup(void **state)
{
	(void)state;
	memcpy(other, ed, sizeof(ed));
	other[sizeof(other) - 1] ^= 0x01;
	for (size_t i = 0; i < sizeof(syn); i++)
		syn[i] = (unsigned char)(7 * i + 3);
	return mkdtemp(tmpdir) == NULL ? -1 : 0;
}

static int
teardown(void **state)
{
	char path[128];

	(void)state;
	snprintf(path, sizeof(path), "%s/known_hosts", tmpdir);
	(void)unlink(path);
	return rmdir(tmpdir);
}

/* ocf_kh_line on an exact-size heap copy of text */
static int
line_n(const char *text, const char *name, const unsigned char *key,
    size_t keylen)
{
	size_t n = strlen(text) + 1;
	char *copy = malloc(n);
	int v;

	assert_non_null(copy);
	memcpy(copy, text, n);
	v = ocf_kh_line(copy, name, key, keylen);
	free(copy);
	return v;
}

static int
line(const char *text, const char *name)
{
	return line_n(text, name, ed, sizeof(ed));
}

struct lcase {
	const char *line, *name;
	int want;
};

static void
check_cases(const struct lcase *c, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		int v = line(c[i].line, c[i].name);

		if (v != c[i].want)
			fail_msg("'%s' for '%s': got %d, want %d", c[i].line,
			    c[i].name, v, c[i].want);
	}
}

#define CASES(a) check_cases(a, sizeof(a) / sizeof(a[0]))

static void
test_plain(void **state)
{
	static const struct lcase c[] = {
		{ "example.com ssh-ed25519 " ED_B64, "example.com",
		  OCF_KH_MATCH },
		/* host names compare without case, as ssh does */
		{ "Example.COM ssh-ed25519 " ED_B64, "example.com",
		  OCF_KH_MATCH },
		{ "example.com ssh-ed25519 " ED_B64 " a comment", "example.com",
		  OCF_KH_MATCH },
		{ "example.com\tssh-ed25519\t" ED_B64 "\r\n", "example.com",
		  OCF_KH_MATCH },
		{ "  example.com  ssh-ed25519  " ED_B64 "\n", "example.com",
		  OCF_KH_MATCH },
		{ "example.com ssh-ed25519 " ED_B64, "example.org",
		  OCF_KH_NONE },
		{ "example.com ssh-ed25519 " ED_B64, "example.co", OCF_KH_NONE },
		{ "example.com ssh-ed25519 " ED_B64, "xexample.com",
		  OCF_KH_NONE },
		{ "a.example,example.com,b.example ssh-ed25519 " ED_B64,
		  "example.com", OCF_KH_MATCH },
		{ "192.0.2.7 ssh-ed25519 " ED_B64, "192.0.2.7", OCF_KH_MATCH },
		{ "example.com,192.0.2.7 ssh-ed25519 " ED_B64, "192.0.2.7",
		  OCF_KH_MATCH },
	};

	(void)state;
	CASES(c);
	/* the same line, another key: this host, but not this key */
	assert_int_equal(line_n("example.com ssh-ed25519 " ED_B64,
	    "example.com", other, sizeof(other)), OCF_KH_OTHER_KEY);
	/* a prefix of the key is not the key, nor is a longer one */
	assert_int_equal(line_n("example.com ssh-ed25519 " ED_B64,
	    "example.com", ed, sizeof(ed) - 1), OCF_KH_OTHER_KEY);
	assert_int_equal(line_n("h ssh-x " SYN52_B64, "h", syn, 53),
	    OCF_KH_OTHER_KEY);
}

static void
test_hashed(void **state)
{
	static const struct lcase c[] = {
		/* ssh-keygen -H */
		{ "|1|zKm6mcJ8mdnteOU9NhvibfxDO4o=|cJFSbmOJfQcF2F2gwCQlaT9172g="
		  " ssh-ed25519 " ED_B64, "example.com", OCF_KH_MATCH },
		{ "|1|zKm6mcJ8mdnteOU9NhvibfxDO4o=|cJFSbmOJfQcF2F2gwCQlaT9172g="
		  " ssh-ed25519 " ED_B64, "example.org", OCF_KH_NONE },
		/* hashes are of the exact name: no case folding, no port */
		{ "|1|zKm6mcJ8mdnteOU9NhvibfxDO4o=|cJFSbmOJfQcF2F2gwCQlaT9172g="
		  " ssh-ed25519 " ED_B64, "EXAMPLE.COM", OCF_KH_NONE },
		{ "|1|zKm6mcJ8mdnteOU9NhvibfxDO4o=|cJFSbmOJfQcF2F2gwCQlaT9172g="
		  " ssh-ed25519 " ED_B64, "[example.com]:2222", OCF_KH_NONE },
		{ "|1|e/bszXfQh++Sin5TfAIqcfqZhAk=|bHq2KSdY3kCszOs9O5yNaIESOEc="
		  " ssh-ed25519 " ED_B64, "[example.com]:2222", OCF_KH_MATCH },
		{ "|1|e/bszXfQh++Sin5TfAIqcfqZhAk=|bHq2KSdY3kCszOs9O5yNaIESOEc="
		  " ssh-ed25519 " ED_B64, "example.com", OCF_KH_NONE },
		/* a salt of 16 bytes ("==" padding) and of 64, the most we
		 * take; 65 is too long */
		{ "|1|AAECAwQFBgcICQoLDA0ODw==|LPTvnNagl3IwWu95KGE+jF+OnXU="
		  " ssh-ed25519 " ED_B64, "pad.example", OCF_KH_MATCH },
		{ "|1|AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gISIjJCUmJygp"
		  "KissLS4vMDEyMzQ1Njc4OTo7PD0+Pw==|hHVIuYn8X/KvdzIUWqekvQ58KaY="
		  " ssh-ed25519 " ED_B64, "long.example", OCF_KH_MATCH },
		{ "|1|AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gISIjJCUmJygp"
		  "KissLS4vMDEyMzQ1Njc4OTo7PD0+P0A=|6Lt0RtPkCUlNWmyMezjqRyySrb4="
		  " ssh-ed25519 " ED_B64, "long.example", OCF_KH_NONE },
		/* an empty salt is an HMAC with an empty key */
		{ "|1||Zl/Wh5qZybFZNanK2YfGxmp3kH8= ssh-ed25519 " ED_B64,
		  "nosalt.example", OCF_KH_MATCH },
		/* the hash must be 20 bytes: 19 is not a SHA-1 */
		{ "|1|zKm6mcJ8mdnteOU9NhvibfxDO4o=|cJFSbmOJfQcF2F2gwCQlaT917w=="
		  " ssh-ed25519 " ED_B64, "example.com", OCF_KH_NONE },
		/* no second '|', a bad salt, a bad hash, an empty hash */
		{ "|1|zKm6mcJ8mdnteOU9NhvibfxDO4o= ssh-ed25519 " ED_B64,
		  "example.com", OCF_KH_NONE },
		{ "|1|zKm6mcJ8mdnte!U9NhvibfxDO4o=|cJFSbmOJfQcF2F2gwCQlaT9172g="
		  " ssh-ed25519 " ED_B64, "example.com", OCF_KH_NONE },
		{ "|1|zKm6mcJ8mdnteOU9NhvibfxDO4o=|cJFSbmOJfQcF2F2g!CQlaT9172g="
		  " ssh-ed25519 " ED_B64, "example.com", OCF_KH_NONE },
		{ "|1|zKm6mcJ8mdnteOU9NhvibfxDO4o=| ssh-ed25519 " ED_B64,
		  "example.com", OCF_KH_NONE },
		/* another hash type than 1 is taken as a (non-matching)
		 * pattern */
		{ "|2|zKm6mcJ8mdnteOU9NhvibfxDO4o=|cJFSbmOJfQcF2F2gwCQlaT9172g="
		  " ssh-ed25519 " ED_B64, "example.com", OCF_KH_NONE },
	};

	(void)state;
	CASES(c);
	assert_int_equal(line_n("|1|zKm6mcJ8mdnteOU9NhvibfxDO4o=|"
	    "cJFSbmOJfQcF2F2gwCQlaT9172g= ssh-ed25519 " ED_B64, "example.com",
	    other, sizeof(other)), OCF_KH_OTHER_KEY);
}

static void
test_patterns(void **state)
{
	static const struct lcase c[] = {
		{ "*.example.com ssh-ed25519 " ED_B64, "a.example.com",
		  OCF_KH_MATCH },
		{ "*.example.com ssh-ed25519 " ED_B64, "a.b.example.com",
		  OCF_KH_MATCH },
		{ "*.example.com ssh-ed25519 " ED_B64, "example.com",
		  OCF_KH_NONE },
		{ "* ssh-ed25519 " ED_B64, "anything", OCF_KH_MATCH },
		{ "host? ssh-ed25519 " ED_B64, "host1", OCF_KH_MATCH },
		{ "host? ssh-ed25519 " ED_B64, "HOST1", OCF_KH_MATCH },
		{ "host? ssh-ed25519 " ED_B64, "host12", OCF_KH_NONE },
		{ "host? ssh-ed25519 " ED_B64, "host", OCF_KH_NONE },
		{ "h*t*x ssh-ed25519 " ED_B64, "habtcdx", OCF_KH_MATCH },
		{ "h*t*x ssh-ed25519 " ED_B64, "habtcd", OCF_KH_NONE },
		{ "**** ssh-ed25519 " ED_B64, "", OCF_KH_MATCH },
		/* a negated pattern vetoes the whole line, wherever it is */
		{ "!bad.example.com,*.example.com ssh-ed25519 " ED_B64,
		  "bad.example.com", OCF_KH_NONE },
		{ "*.example.com,!bad.example.com ssh-ed25519 " ED_B64,
		  "bad.example.com", OCF_KH_NONE },
		{ "!bad.example.com,*.example.com ssh-ed25519 " ED_B64,
		  "good.example.com", OCF_KH_MATCH },
		/* a negation alone matches nothing */
		{ "!bad.example.com ssh-ed25519 " ED_B64, "good.example.com",
		  OCF_KH_NONE },
		/* empty list members are harmless */
		{ ",,example.com,, ssh-ed25519 " ED_B64, "example.com",
		  OCF_KH_MATCH },
	};

	(void)state;
	CASES(c);
}

static void
test_ports(void **state)
{
	static const struct lcase c[] = {
		{ "[alt.example]:2222 ssh-ed25519 " ED_B64, "[alt.example]:2222",
		  OCF_KH_MATCH },
		{ "[alt.example]:2222 ssh-ed25519 " ED_B64, "[alt.example]:22",
		  OCF_KH_NONE },
		{ "[alt.example]:2222 ssh-ed25519 " ED_B64, "alt.example",
		  OCF_KH_NONE },
		/* a plain name is port 22 only */
		{ "alt.example ssh-ed25519 " ED_B64, "[alt.example]:2222",
		  OCF_KH_NONE },
		/* '[' is literal: "[host]:port" is a name, not a class */
		{ "[*.wild]:* ssh-ed25519 " ED_B64, "[x.wild]:44", OCF_KH_MATCH },
		{ "[*.wild]:* ssh-ed25519 " ED_B64, "x.wild", OCF_KH_NONE },
		{ "[ab]x ssh-ed25519 " ED_B64, "ax", OCF_KH_NONE },
		{ "[2001:db8::1]:2222 ssh-ed25519 " ED_B64,
		  "[2001:db8::1]:2222", OCF_KH_MATCH },
	};

	(void)state;
	CASES(c);
}

static void
test_markers(void **state)
{
	static const struct lcase c[] = {
		{ "@revoked example.com ssh-ed25519 " ED_B64, "example.com",
		  OCF_KH_REVOKED },
		{ "@revoked * ssh-ed25519 " ED_B64, "example.com",
		  OCF_KH_REVOKED },
		{ "@revoked other.example ssh-ed25519 " ED_B64, "example.com",
		  OCF_KH_NONE },
		/* certificates are not taken: the line says nothing */
		{ "@cert-authority *.example.com ssh-ed25519 " ED_B64,
		  "a.example.com", OCF_KH_NONE },
		{ "@unknown example.com ssh-ed25519 " ED_B64, "example.com",
		  OCF_KH_NONE },
		/* a marker with no key */
		{ "@revoked example.com ssh-ed25519", "example.com",
		  OCF_KH_NONE },
		{ "@revoked ssh-ed25519 " ED_B64, "ssh-ed25519", OCF_KH_NONE },
	};

	(void)state;
	CASES(c);
	/* a revoked line for this host and another key: this host, other
	 * key */
	assert_int_equal(line_n("@revoked example.com ssh-ed25519 " ED_B64,
	    "example.com", other, sizeof(other)), OCF_KH_OTHER_KEY);
}

static void
test_bad_lines(void **state)
{
	static const struct lcase c[] = {
		{ "", "example.com", OCF_KH_NONE },
		{ "\n", "example.com", OCF_KH_NONE },
		{ " \t \r\n", "example.com", OCF_KH_NONE },
		{ "# example.com ssh-ed25519 " ED_B64, "example.com",
		  OCF_KH_NONE },
		{ "#example.com ssh-ed25519 " ED_B64, "#example.com",
		  OCF_KH_NONE },
		{ "example.com", "example.com", OCF_KH_NONE },
		{ "example.com ssh-ed25519", "example.com", OCF_KH_NONE },
		/* the host matches, the key cannot be read: another key */
		{ "example.com ssh-ed25519 !!!!", "example.com",
		  OCF_KH_OTHER_KEY },
		{ "example.com ssh-ed25519 AAAA!AAA", "example.com",
		  OCF_KH_OTHER_KEY },
		{ "example.com ssh-ed25519 " ED_B64 "!", "example.com",
		  OCF_KH_OTHER_KEY },
		{ "example.com ssh-ed25519 =" ED_B64, "example.com",
		  OCF_KH_OTHER_KEY },
		/* the old RSA1 form: bits, exponent, modulus */
		{ "example.com 2048 65537 1234567", "example.com",
		  OCF_KH_OTHER_KEY },
	};
	char big[12000];

	(void)state;
	CASES(c);
	/* a key longer than any we decode: another key, not an overflow */
	memset(big, 'A', sizeof(big));
	memcpy(big, "example.com x ", 14);
	big[sizeof(big) - 1] = '\0';
	assert_int_equal(line(big, "example.com"), OCF_KH_OTHER_KEY);
	/* a NUL ends the line */
	assert_int_equal(line("example.com\0ssh-ed25519 " ED_B64,
	    "example.com"), OCF_KH_NONE);
}

static void
test_padding(void **state)
{
	static const struct {
		const char *b64;
		size_t n;
	} c[] = {
		{ SYN1_B64, 1 }, { SYN2_B64, 2 }, { SYN3_B64, 3 },
		{ SYN52_B64, 52 }, { SYN53_B64, 53 },
	};
	char text[256];

	(void)state;
	for (size_t i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		snprintf(text, sizeof(text), "h ssh-x %s", c[i].b64);
		if (line_n(text, "h", syn, c[i].n) != OCF_KH_MATCH)
			fail_msg("%zu bytes as '%s': not decoded", c[i].n,
			    c[i].b64);
		/* padding is not data: one byte more or less is another key */
		if (line_n(text, "h", syn, c[i].n + 1) != OCF_KH_OTHER_KEY)
			fail_msg("%zu bytes as '%s': matched %zu", c[i].n,
			    c[i].b64, c[i].n + 1);
		if (line_n(text, "h", syn, c[i].n - 1) != OCF_KH_OTHER_KEY)
			fail_msg("%zu bytes as '%s': matched %zu", c[i].n,
			    c[i].b64, c[i].n - 1);
	}
	/* what OpenSSH's decoder refuses: no padding, '=' inside, blanks */
	assert_int_equal(line_n("h ssh-x Aw", "h", syn, 1), OCF_KH_OTHER_KEY);
	assert_int_equal(line_n("h ssh-x Awo", "h", syn, 2), OCF_KH_OTHER_KEY);
	assert_int_equal(line_n("h ssh-x A=w=", "h", syn, 1),
	    OCF_KH_OTHER_KEY);
	assert_int_equal(line_n("h ssh-x Aw=A", "h", syn, 1),
	    OCF_KH_OTHER_KEY);
	assert_int_equal(line_n("h ssh-x Aw===", "h", syn, 1),
	    OCF_KH_OTHER_KEY);
	assert_int_equal(line_n("h ssh-x ====", "h", syn, 0),
	    OCF_KH_OTHER_KEY);
	assert_int_equal(line_n("|1|AAECAwQFBgcICQoLDA0ODw|LPTvnNagl3IwWu95KGE+"
	    "jF+OnXU= ssh-ed25519 " ED_B64, "pad.example", ed, sizeof(ed)),
	    OCF_KH_NONE);
	assert_int_equal(line_n("|1|AAECAwQFBgcICQoLDA0ODw==|LPTvnNagl3IwWu95KG"
	    "E+jF+OnXU ssh-ed25519 " ED_B64, "pad.example", ed, sizeof(ed)),
	    OCF_KH_NONE);
}

/* a pattern that makes a naive matcher backtrack for ever */
static void
test_pattern_time(void **state)
{
	char pat[200], name[256], text[600];
	size_t n = 0;

	(void)state;
	while (n + 3 < sizeof(pat)) {
		pat[n++] = '*';
		pat[n++] = 'a';
	}
	pat[n++] = 'b';
	pat[n] = '\0';
	memset(name, 'a', sizeof(name) - 1);
	name[sizeof(name) - 1] = '\0';
	snprintf(text, sizeof(text), "%s ssh-ed25519 %s", pat, ED_B64);
	assert_int_equal(line(text, name), OCF_KH_NONE);
	name[sizeof(name) - 2] = 'b';
	assert_int_equal(line(text, name), OCF_KH_MATCH);
}

static void
write_hosts(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	assert_int_equal(fputs(text, f) < 0, 0);
	assert_int_equal(fclose(f), 0);
}

static void
test_check(void **state)
{
	char path[128], why[512], want[512];

	(void)state;
	snprintf(path, sizeof(path), "%s/known_hosts", tmpdir);
	write_hosts(path, "# ours\n"
	    "other.example ssh-ed25519 " ED_B64 "\n"
	    "\n"
	    "|1|zKm6mcJ8mdnteOU9NhvibfxDO4o=|cJFSbmOJfQcF2F2gwCQlaT9172g= "
	    "ssh-ed25519 " ED_B64 "\n"
	    "[alt.example]:2222 ssh-ed25519 " ED_B64 "\n"
	    "gone.example ssh-ed25519 " ED_B64 "\n"
	    "@revoked gone.example ssh-ed25519 " ED_B64 "\n"
	    "last.example ssh-ed25519 " ED_B64);	/* no final newline */
	assert_int_equal(ocf_kh_check(path, "example.com", 22, ed, sizeof(ed),
	    why, sizeof(why)), 0);
	assert_int_equal(ocf_kh_check(path, "alt.example", 2222, ed,
	    sizeof(ed), why, sizeof(why)), 0);
	assert_int_equal(ocf_kh_check(path, "last.example", 22, ed,
	    sizeof(ed), why, sizeof(why)), 0);

	assert_int_equal(ocf_kh_check(path, "example.com", 22, other,
	    sizeof(other), why, sizeof(why)), -1);
	snprintf(want, sizeof(want), "host key of 'example.com' does not "
	    "match '%s' (SSH_KNOWN_HOSTS): refusing to connect", path);
	assert_string_equal(why, want);
	assert_int_equal(ocf_kh_check(path, "alt.example", 22, ed, sizeof(ed),
	    why, sizeof(why)), -1);
	snprintf(want, sizeof(want), "host 'alt.example' is not in '%s' "
	    "(SSH_KNOWN_HOSTS)", path);
	assert_string_equal(why, want);
	assert_int_equal(ocf_kh_check(path, "nowhere.example", 2200, ed,
	    sizeof(ed), why, sizeof(why)), -1);
	snprintf(want, sizeof(want), "host '[nowhere.example]:2200' is not "
	    "in '%s' (SSH_KNOWN_HOSTS)", path);
	assert_string_equal(why, want);
	/* revoked wins over a matching line before it */
	assert_int_equal(ocf_kh_check(path, "gone.example", 22, ed,
	    sizeof(ed), why, sizeof(why)), -1);
	snprintf(want, sizeof(want), "host key of 'gone.example' is revoked "
	    "in '%s'", path);
	assert_string_equal(why, want);

	/* an unreadable file is a refusal that says why */
	assert_int_equal(ocf_kh_check("/nonexistent/known_hosts",
	    "example.com", 22, ed, sizeof(ed), why, sizeof(why)), -1);
	assert_string_equal(why, "unable to read '/nonexistent/known_hosts' "
	    "(SSH_KNOWN_HOSTS): No such file or directory");
	/* an empty file knows nobody */
	write_hosts(path, "");
	assert_int_equal(ocf_kh_check(path, "example.com", 22, ed, sizeof(ed),
	    why, sizeof(why)), -1);
	assert_non_null(strstr(why, "is not in"));
}

static void
test_scan(void **state)
{
	static char text[] =
	    "x.example ssh-ed25519 " ED_B64 "\n"
	    "y.example ssh-ed25519 " ED_B64 "\n"
	    "@revoked y.example ssh-ed25519 " ED_B64 "\n"
	    "z.example ssh-ed25519 AAAA\n";
	FILE *f;

	(void)state;
	f = fmemopen(text, strlen(text), "r");
	assert_non_null(f);
	assert_int_equal(ocf_kh_scan(f, "x.example", ed, sizeof(ed)),
	    OCF_KH_MATCH);
	rewind(f);
	assert_int_equal(ocf_kh_scan(f, "y.example", ed, sizeof(ed)),
	    OCF_KH_REVOKED);
	rewind(f);
	assert_int_equal(ocf_kh_scan(f, "z.example", ed, sizeof(ed)),
	    OCF_KH_OTHER_KEY);
	rewind(f);
	assert_int_equal(ocf_kh_scan(f, "w.example", ed, sizeof(ed)),
	    OCF_KH_NONE);
	fclose(f);
}

static void
test_port(void **state)
{
	static const struct {
		const char *url;
		int port;
	} c[] = {
		{ "ssh://git@example.com/x.git", 22 },
		{ "ssh://git@example.com:2222/x.git", 2222 },
		{ "ssh://example.com:2222/x.git", 2222 },
		{ "ssh://[2001:db8::1]:2200/x.git", 2200 },
		{ "ssh://[2001:db8::1]/x.git", 22 },
		{ "ssh://a@b@example.com:23/x", 23 },
		{ "ssh://example.com/x:99", 22 },
		/* scp-like: the ':' starts the path */
		{ "git@example.com:x.git", 22 },
		{ "ssh://example.com:0/x", 22 },
		{ "ssh://example.com:65536/x", 22 },
		{ "ssh://example.com:65535/x", 65535 },
		{ "ssh://example.com:junk/x", 22 },
		{ "ssh://[2001:db8::1/x", 22 },
		{ "", 22 },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(c) / sizeof(c[0]); i++)
		if (ocf_kh_port(c[i].url) != c[i].port)
			fail_msg("'%s': port %d, want %d", c[i].url,
			    ocf_kh_port(c[i].url), c[i].port);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plain),
		cmocka_unit_test(test_hashed),
		cmocka_unit_test(test_patterns),
		cmocka_unit_test(test_ports),
		cmocka_unit_test(test_markers),
		cmocka_unit_test(test_bad_lines),
		cmocka_unit_test(test_padding),
		cmocka_unit_test(test_pattern_time),
		cmocka_unit_test(test_check),
		cmocka_unit_test(test_scan),
		cmocka_unit_test(test_port),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
