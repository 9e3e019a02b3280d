/*
 * Files below a root: opened without escaping the root (an image's
 * symbolic links are resolved inside the image), read with a cap, and
 * cleaned to printable UTF-8 before anything read goes into an inventory.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "coll_int.h"
#include "platform/platform.h"
#include "util/err.h"
#include "util/str.h"

#define READ_CHUNK 65536

int
coll_open(const char *root, const char *rel, int flags)
{
	return plat_open_in_root(root, rel, flags);
}

/*
 * The first buffer size for fd: its size plus one (a byte more shows a
 * file that grew while read) when it is a regular file, else a chunk.
 * A regular file larger than max is refused here, before any memory is
 * taken for it.
 */
static int
first_cap(int fd, size_t max, size_t *cap)
{
	struct stat st;

	*cap = READ_CHUNK;
	if (fstat(fd, &st) != 0)
		return RP_ERR_IO;
	if (!S_ISREG(st.st_mode) || st.st_size <= 0)
		return 0;
	if ((unsigned long long)st.st_size > max)
		return RP_ERR_LIMIT;
	*cap = (size_t)st.st_size + 1;
	return 0;
}

int
coll_read_fd(int fd, size_t max, char **out, size_t *len)
{
	char *buf = NULL, *nb;
	size_t cap = 0, want, n = 0;
	ssize_t got;
	int r;

	*out = NULL;
	if ((r = first_cap(fd, max, &want)) != 0)
		return r;
	for (;;) {
		if (n == cap) {
			/* never more than max + 1 bytes: one past shows "too
			   large" */
			if (cap > max) {
				r = RP_ERR_LIMIT;
				goto out;
			}
			want = cap == 0 ? want : cap * 2;
			cap = want > max ? max + 1 : want;
			if ((nb = realloc(buf, cap + 1)) == NULL) {
				r = RP_ERR_NOMEM;
				goto out;
			}
			buf = nb;
		}
		got = read(fd, buf + n, cap - n);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			r = RP_ERR_IO;
			goto out;
		}
		if (got == 0)
			break;
		n += (size_t)got;
		if (n > max) {
			r = RP_ERR_LIMIT;
			goto out;
		}
	}
	if (buf == NULL && (buf = malloc(1)) == NULL) {
		r = RP_ERR_NOMEM;
		goto out;
	}
	buf[n] = '\0';
	*out = buf;
	*len = n;
	buf = NULL;
	r = 0;
out:
	free(buf);
	return r;
}

const char *
coll_path(char *buf, size_t len, const char *root, const char *rel)
{
	size_t rl = strlen(root);

	while (*rel == '/')
		rel++;
	snprintf(buf, len, "%s%s%s", root,
	    rl > 0 && root[rl - 1] == '/' ? "" : "/", rel);
	return buf;
}

int
coll_read_file(const char *root, const char *rel, size_t max, char **out,
    size_t *len, struct rp_diags *d)
{
	char path[4096];
	int fd, r;

	*out = NULL;
	if ((fd = coll_open(root, rel, O_RDONLY)) < 0) {
		if (errno == ENOENT)
			return RP_ERR_NOTFOUND;
		rp_diags_add(d, RP_DIAG_ERROR, NULL, NULL, "%s: %s",
		    coll_path(path, sizeof(path), root, rel), strerror(errno));
		return RP_ERR_IO;
	}
	r = coll_read_fd(fd, max, out, len);
	if (r == RP_ERR_IO)
		rp_diags_add(d, RP_DIAG_ERROR, NULL, NULL, "%s: %s",
		    coll_path(path, sizeof(path), root, rel), strerror(errno));
	else if (r == RP_ERR_LIMIT)
		rp_diags_add(d, RP_DIAG_ERROR, NULL, NULL,
		    "%s: larger than %zu bytes; not read",
		    coll_path(path, sizeof(path), root, rel), max);
	close(fd);
	return r;
}

/* Length of the valid UTF-8 sequence at s, or 0. */
static size_t
utf8_len(const unsigned char *s)
{
	size_t n, i;
	unsigned cp;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		n = 2;
		cp = s[0] & 0x1f;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		n = 3;
		cp = s[0] & 0x0f;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		n = 4;
		cp = s[0] & 0x07;
	} else
		return 0;
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	/* C1 controls, overlong forms, surrogates, past U+10FFFF. */
	if ((n == 2 && cp < 0xa0) || (n == 3 && cp < 0x800) ||
	    (n == 4 && cp < 0x10000) || (cp >= 0xd800 && cp <= 0xdfff) ||
	    cp > 0x10ffff)
		return 0;
	return n;
}

size_t
coll_clean(char *s)
{
	unsigned char *p = (unsigned char *)s;
	size_t n, bad = 0;

	while (*p != '\0') {
		if (*p < 0x20 || *p == 0x7f) {
			*p++ = '?';
			bad++;
			continue;
		}
		if ((n = utf8_len(p)) == 0) {
			*p++ = '?';
			bad++;
			continue;
		}
		p += n;
	}
	return bad;
}

void
coll_purl_encode(struct rp_buf *b, const char *s)
{
	const unsigned char *p;

	for (p = (const unsigned char *)s; *p != '\0'; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || *p == '.' || *p == '_' ||
		    *p == '~' || *p == '-')
			rp_buf_appendn(b, (const char *)p, 1);
		else
			rp_buf_appendf(b, "%%%02X", *p);
	}
}
