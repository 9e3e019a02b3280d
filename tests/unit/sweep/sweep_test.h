/* Helpers shared by the sweep unit tests: temporary trees, files with
   known content, digests computed independently with OpenSSL. */
#ifndef RP_SWEEP_TEST_H
#define RP_SWEEP_TEST_H

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/evp.h>

static inline char *
tmpdir_new(void)
{
	char tmpl[] = "/tmp/rampart-sweep-test.XXXXXX";
	char *d = mkdtemp(tmpl);

	return d != NULL ? strdup(d) : NULL;
}

static inline void
tmpdir_free(char *d)
{
	char *cmd;

	if (d == NULL)
		return;
	cmd = malloc(strlen(d) + 16);
	if (cmd != NULL) {
		snprintf(cmd, strlen(d) + 16, "rm -rf '%s'", d);
		if (system(cmd) != 0)
			fprintf(stderr, "could not remove %s\n", d);
		free(cmd);
	}
	free(d);
}

/* Writes content to dir/name (mkdir of intermediate dirs is the
   caller's); returns the full path (caller frees). */
static inline char *
put_file(const char *dir, const char *name, const char *content)
{
	size_t n = strlen(dir) + strlen(name) + 2;
	char *p = malloc(n);
	FILE *f;

	snprintf(p, n, "%s/%s", dir, name);
	f = fopen(p, "wb");
	if (f == NULL)
		return p;
	fputs(content, f);
	fclose(f);
	return p;
}

/* Hex digest ("SHA256", "SHA1", "MD5") of a string. */
static inline void
hex_of(const char *alg, const char *s, char *out)
{
	unsigned char md[64];
	unsigned int len = 0, i;

	EVP_Digest(s, strlen(s), md, &len, EVP_get_digestbyname(alg), NULL);
	for (i = 0; i < len; i++)
		snprintf(out + 2 * i, 3, "%02x", md[i]);
}

#endif
