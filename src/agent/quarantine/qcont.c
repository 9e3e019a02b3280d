/*
 * The neutralised container of a quarantined file: a fixed header
 * ("RAMPARTQ", version, flags, the entry id, the content's size and
 * SHA-256) followed by one zstd frame (with its own checksum).  Nothing
 * in it is the original format, so it cannot be run or opened by
 * accident.  Content is streamed through bounded buffers both ways and
 * hashed (SHA-256, SHA-1, MD5) as it passes.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <zstd.h>

#include "qstore_int.h"
#include "util/err.h"

#define CHUNK (128 * 1024)
#define ZLEVEL 3

int
qhashes_init(struct qhashes *h)
{
	EVP_MD_CTX *c[3] = {NULL, NULL, NULL};
	const EVP_MD *md[3] = {EVP_sha256(), EVP_sha1(), EVP_md5()};
	int i;

	memset(h, 0, sizeof(*h));
	for (i = 0; i < 3; i++) {
		if ((c[i] = EVP_MD_CTX_new()) == NULL ||
		    EVP_DigestInit_ex(c[i], md[i], NULL) != 1)
			goto fail;
	}
	h->sha256 = c[0];
	h->sha1 = c[1];
	h->md5 = c[2];
	return 0;
fail:
	for (i = 0; i < 3; i++)
		EVP_MD_CTX_free(c[i]);
	return RP_ERR_NOMEM;
}

int
qhashes_update(struct qhashes *h, const void *buf, size_t n)
{
	if (EVP_DigestUpdate(h->sha256, buf, n) != 1 ||
	    EVP_DigestUpdate(h->sha1, buf, n) != 1 ||
	    EVP_DigestUpdate(h->md5, buf, n) != 1)
		return RP_ERR_INTERNAL;
	return 0;
}

static int
final_hex(void *ctx, char *out, size_t want)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int n = 0;

	if (EVP_DigestFinal_ex(ctx, md, &n) != 1 || n != want)
		return RP_ERR_INTERNAL;
	qhex(md, n, out);
	return 0;
}

int
qhashes_final(struct qhashes *h, struct qentry *e)
{
	int r;

	if ((r = final_hex(h->sha256, e->sha256, 32)) == 0 &&
	    (r = final_hex(h->sha1, e->sha1, 20)) == 0)
		r = final_hex(h->md5, e->md5, 16);
	qhashes_free(h);
	return r;
}

void
qhashes_free(struct qhashes *h)
{
	EVP_MD_CTX_free(h->sha256);
	EVP_MD_CTX_free(h->sha1);
	EVP_MD_CTX_free(h->md5);
	memset(h, 0, sizeof(*h));
}

static void
put_be(unsigned char *p, uint64_t v, int n)
{
	int i;

	for (i = n - 1; i >= 0; i--) {
		p[i] = (unsigned char)(v & 0xff);
		v >>= 8;
	}
}

static uint64_t
get_be(const unsigned char *p, int n)
{
	uint64_t v = 0;
	int i;

	for (i = 0; i < n; i++)
		v = (v << 8) | p[i];
	return v;
}

static void
hdr_build(unsigned char *h, const unsigned char idraw[16], uint64_t size,
    const unsigned char *sha)
{
	memset(h, 0, QCONT_HDR_LEN);
	memcpy(h, QCONT_MAGIC, 8);
	put_be(h + 8, QCONT_VERSION, 4);
	put_be(h + 12, 0, 4); /* flags: none defined */
	memcpy(h + 16, idraw, 16);
	put_be(h + 32, size, 8);
	if (sha != NULL)
		memcpy(h + 40, sha, 32);
}

static int
hex_to_raw(const char *hex, unsigned char *out, size_t n)
{
	size_t i;
	int hi, lo;

	for (i = 0; i < n; i++) {
		hi = hex[2 * i];
		lo = hex[2 * i + 1];
		hi = hi >= 'a' ? hi - 'a' + 10 : hi - '0';
		lo = lo >= 'a' ? lo - 'a' + 10 : lo - '0';
		if (hi < 0 || hi > 15 || lo < 0 || lo > 15)
			return -1;
		out[i] = (unsigned char)(hi << 4 | lo);
	}
	return 0;
}

/* Runs the compressor on one input chunk (or the end) and writes out. */
static int
compress_chunk(ZSTD_CCtx *z, int dst, const void *in, size_t n,
    ZSTD_EndDirective mode, unsigned char *obuf, struct rp_diags *d)
{
	ZSTD_inBuffer ib = {in, n, 0};
	ZSTD_outBuffer ob;
	size_t left;

	do {
		ob = (ZSTD_outBuffer){obuf, CHUNK, 0};
		left = ZSTD_compressStream2(z, &ob, &ib, mode);
		if (ZSTD_isError(left)) {
			rp_diags_add(d, RP_DIAG_ERROR, NULL, NULL,
			    "compression failed: %s", ZSTD_getErrorName(left));
			return RP_ERR_INTERNAL;
		}
		if (qwrite_all(dst, obuf, ob.pos) != 0) {
			rp_diags_add(d, RP_DIAG_ERROR, NULL, NULL,
			    "cannot write to the store: %m");
			return RP_ERR_IO;
		}
	} while (mode == ZSTD_e_end ? left != 0 : ib.pos < ib.size);
	return 0;
}

static ssize_t
read_some(int fd, void *buf, size_t n)
{
	ssize_t r;

	while ((r = read(fd, buf, n)) < 0 && errno == EINTR)
		;
	return r;
}

/* Streams src through the hashes and the compressor into dst. */
static int
compress_all(const struct qstore *q, ZSTD_CCtx *z, int src, int dst,
    struct qhashes *hs, uint64_t *size, struct rp_diags *d)
{
	unsigned char *ibuf = NULL, *obuf = NULL;
	ssize_t n;
	int r = RP_ERR_NOMEM, first = 1;

	if ((ibuf = malloc(CHUNK)) == NULL || (obuf = malloc(CHUNK)) == NULL)
		goto out;
	for (;;) {
		if ((n = read_some(src, ibuf, CHUNK)) < 0) {
			rp_diags_add(d, RP_DIAG_ERROR, NULL, NULL,
			    "cannot read the file: %m");
			r = RP_ERR_IO;
			goto out;
		}
		if (n == 0)
			break;
		*size += (uint64_t)n;
		if ((r = qhashes_update(hs, ibuf, (size_t)n)) != 0 ||
		    (r = compress_chunk(z, dst, ibuf, (size_t)n,
			 ZSTD_e_continue, obuf, d)) != 0)
			goto out;
		if (first)
			qstore_crash(q, "add-rpq-partial");
		first = 0;
	}
	r = compress_chunk(z, dst, NULL, 0, ZSTD_e_end, obuf, d);
out:
	free(ibuf);
	free(obuf);
	return r;
}

int
qcont_write(const struct qstore *q, int src, int dst,
    const unsigned char idraw[16], struct qentry *e, struct rp_diags *d)
{
	unsigned char hdr[QCONT_HDR_LEN], sha[32];
	struct qhashes hs;
	ZSTD_CCtx *z = NULL;
	int r;

	if ((r = qhashes_init(&hs)) != 0)
		return r;
	r = RP_ERR_NOMEM;
	if ((z = ZSTD_createCCtx()) == NULL)
		goto out;
	if (ZSTD_isError(
		ZSTD_CCtx_setParameter(z, ZSTD_c_compressionLevel, ZLEVEL)) ||
	    ZSTD_isError(ZSTD_CCtx_setParameter(z, ZSTD_c_checksumFlag, 1))) {
		r = RP_ERR_INTERNAL;
		goto out;
	}
	/* the header is written again once size and digest are known */
	e->size = 0;
	hdr_build(hdr, idraw, 0, NULL);
	if (qwrite_all(dst, hdr, sizeof(hdr)) != 0) {
		rp_diags_add(d, RP_DIAG_ERROR, NULL, NULL,
		    "cannot write to the store: %m");
		r = RP_ERR_IO;
		goto out;
	}
	if ((r = compress_all(q, z, src, dst, &hs, &e->size, d)) != 0 ||
	    (r = qhashes_final(&hs, e)) != 0)
		goto out;
	if (hex_to_raw(e->sha256, sha, 32) != 0) {
		r = RP_ERR_INTERNAL;
		goto out;
	}
	hdr_build(hdr, idraw, e->size, sha);
	if (pwrite(dst, hdr, sizeof(hdr), 0) != (ssize_t)sizeof(hdr)) {
		rp_diags_add(d, RP_DIAG_ERROR, NULL, NULL,
		    "cannot write to the store: %m");
		r = RP_ERR_IO;
		goto out;
	}
	r = 0;
out:
	qhashes_free(&hs);
	ZSTD_freeCCtx(z);
	return r;
}

/* Reads exactly the header; checks magic, version, flags and id. */
static int
hdr_read(int fd, const unsigned char *idraw, uint64_t *size, unsigned char *sha,
    struct rp_diags *d)
{
	unsigned char h[QCONT_HDR_LEN];
	ssize_t n;

	if ((n = pread(fd, h, sizeof(h), 0)) < 0) {
		rp_diags_add(d, RP_DIAG_ERROR, NULL, NULL,
		    "cannot read the stored content: %m");
		return RP_ERR_IO;
	}
	if ((size_t)n < sizeof(h) || memcmp(h, QCONT_MAGIC, 8) != 0 ||
	    get_be(h + 8, 4) != QCONT_VERSION || get_be(h + 12, 4) != 0) {
		rp_diags_add(d, RP_DIAG_ERROR, NULL, NULL,
		    "stored content is not a version %d quarantine container",
		    QCONT_VERSION);
		return RP_ERR_INVALID;
	}
	if (idraw != NULL && memcmp(h + 16, idraw, 16) != 0) {
		rp_diags_add(d, RP_DIAG_ERROR, NULL, NULL,
		    "stored content belongs to another entry");
		return RP_ERR_INVALID;
	}
	*size = get_be(h + 32, 8);
	memcpy(sha, h + 40, 32);
	return 0;
}

struct xstate {
	ZSTD_DCtx *z;
	EVP_MD_CTX *md;
	uint64_t got, size;
	int out, ended;
};

/* Decompresses one input chunk, hashing and (out >= 0) writing it. */
static int
extract_chunk(struct xstate *x, const void *in, size_t n, unsigned char *obuf,
    struct rp_diags *d)
{
	ZSTD_inBuffer ib = {in, n, 0};
	ZSTD_outBuffer ob;
	size_t ret;

	do {
		if (x->ended && ib.pos < ib.size) {
			rp_diags_add(d, RP_DIAG_ERROR, NULL, NULL,
			    "stored content has data after its end");
			return RP_ERR_INVALID;
		}
		if (x->ended)
			break;
		ob = (ZSTD_outBuffer){obuf, CHUNK, 0};
		ret = ZSTD_decompressStream(x->z, &ob, &ib);
		if (ZSTD_isError(ret)) {
			rp_diags_add(d, RP_DIAG_ERROR, NULL, NULL,
			    "stored content is corrupt: %s",
			    ZSTD_getErrorName(ret));
			return RP_ERR_INVALID;
		}
		x->ended = ret == 0;
		if (ob.pos > x->size - x->got) {
			rp_diags_add(d, RP_DIAG_ERROR, NULL, NULL,
			    "stored content is longer than it claims");
			return RP_ERR_INVALID;
		}
		x->got += ob.pos;
		if (EVP_DigestUpdate(x->md, obuf, ob.pos) != 1)
			return RP_ERR_INTERNAL;
		if (x->out >= 0 && qwrite_all(x->out, obuf, ob.pos) != 0) {
			rp_diags_add(d, RP_DIAG_ERROR, NULL, NULL,
			    "cannot write the restored file: %m");
			return RP_ERR_IO;
		}
	} while (ib.pos < ib.size || ob.pos == ob.size);
	return 0;
}

static int
extract_all(struct xstate *x, int fd, struct rp_diags *d)
{
	unsigned char *ibuf = NULL, *obuf = NULL;
	off_t off = QCONT_HDR_LEN;
	ssize_t n;
	int r = RP_ERR_NOMEM;

	if ((ibuf = malloc(CHUNK)) == NULL || (obuf = malloc(CHUNK)) == NULL)
		goto out;
	for (;;) {
		while ((n = pread(fd, ibuf, CHUNK, off)) < 0 && errno == EINTR)
			;
		if (n < 0) {
			rp_diags_add(d, RP_DIAG_ERROR, NULL, NULL,
			    "cannot read the stored content: %m");
			r = RP_ERR_IO;
			goto out;
		}
		if (n == 0)
			break;
		off += n;
		if ((r = extract_chunk(x, ibuf, (size_t)n, obuf, d)) != 0)
			goto out;
	}
	r = 0;
out:
	free(ibuf);
	free(obuf);
	return r;
}

static int
check_result(struct xstate *x, const unsigned char *sha,
    const struct qentry *want, struct rp_diags *d)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	char hex[65];
	unsigned int n = 0;

	if (!x->ended || x->got != x->size) {
		rp_diags_add(d, RP_DIAG_ERROR, NULL, NULL,
		    "stored content is truncated (%llu of %llu bytes)",
		    (unsigned long long)x->got, (unsigned long long)x->size);
		return RP_ERR_INVALID;
	}
	if (EVP_DigestFinal_ex(x->md, md, &n) != 1 || n != 32)
		return RP_ERR_INTERNAL;
	qhex(md, 32, hex);
	if (memcmp(md, sha, 32) != 0 ||
	    (want != NULL &&
		(want->size != x->size || strcmp(want->sha256, hex) != 0))) {
		rp_diags_add(d, RP_DIAG_ERROR, NULL, NULL,
		    "stored content does not match its record (SHA-256 %s)",
		    hex);
		return RP_ERR_INVALID;
	}
	return 0;
}

int
qcont_extract(int fd, int out, const unsigned char *idraw,
    const struct qentry *want, struct rp_diags *d)
{
	struct xstate x = {.out = out};
	unsigned char sha[32];
	int r;

	if ((r = hdr_read(fd, idraw, &x.size, sha, d)) != 0)
		return r;
	r = RP_ERR_NOMEM;
	if ((x.z = ZSTD_createDCtx()) == NULL ||
	    (x.md = EVP_MD_CTX_new()) == NULL)
		goto out;
	if (EVP_DigestInit_ex(x.md, EVP_sha256(), NULL) != 1) {
		r = RP_ERR_INTERNAL;
		goto out;
	}
	if ((r = extract_all(&x, fd, d)) != 0)
		goto out;
	r = check_result(&x, sha, want, d);
out:
	ZSTD_freeDCtx(x.z);
	EVP_MD_CTX_free(x.md);
	return r;
}
