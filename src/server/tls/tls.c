/*
 * Certificate creation and loading with OpenSSL 3 libcrypto.  Files are
 * written to a temporary name (O_EXCL, O_NOFOLLOW, final mode at
 * creation) and renamed into place, the key before the certificate, so a
 * crash leaves either no pair or a key whose certificate is missing; a
 * missing half makes tls_ensure() start over.
 */
#include "tls/tls.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "err.h"

#define PEM_MAX (64 * 1024)

static int __attribute__((format(printf, 4, 5)))
fail(char *err, size_t errlen, int r, const char *fmt, ...)
{
	va_list ap;

	if (errlen > 0) {
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return r;
}

static int
add_ext(X509 *x, int nid, const char *value)
{
	X509V3_CTX ctx;
	X509_EXTENSION *e;
	int ok;

	X509V3_set_ctx_nodb(&ctx);
	X509V3_set_ctx(&ctx, x, x, NULL, NULL, 0);
	e = X509V3_EXT_conf_nid(NULL, &ctx, nid, value);
	if (e == NULL)
		return -1;
	ok = X509_add_ext(x, e, -1);
	X509_EXTENSION_free(e);
	return ok ? 0 : -1;
}

/* A host name fit for a SAN dNSName: letters, digits, '-', '.'. */
static int
host_ok(const char *h)
{
	if (h == NULL || h[0] == '\0' || strlen(h) > 253 ||
	    strcmp(h, "localhost") == 0)
		return 0;
	for (const char *p = h; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
			(*p >= '0' && *p <= '9') || *p == '-' || *p == '.'))
			return 0;
	return 1;
}

static X509 *
make_cert(EVP_PKEY *key, const char *host)
{
	X509 *x = X509_new();
	BIGNUM *bn = BN_new();
	X509_NAME *name;
	char san[400];
	const char *cn = host_ok(host) ? host : "localhost";

	if (x == NULL || bn == NULL)
		goto bad;
	/* 127 random bits: positive, and unique with overwhelming odds. */
	if (!X509_set_version(x, 2) ||
	    !BN_rand(bn, 127, BN_RAND_TOP_ANY, BN_RAND_BOTTOM_ANY) ||
	    BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(x)) == NULL)
		goto bad;
	/* Five minutes back for clocks behind ours; the whole span stays
	 * TLS_VALIDITY_DAYS (browsers refuse longer ones). */
	if (X509_gmtime_adj(X509_getm_notBefore(x), -300) == NULL ||
	    X509_gmtime_adj(X509_getm_notAfter(x),
		(long)TLS_VALIDITY_DAYS * 86400 - 300) == NULL)
		goto bad;
	name = X509_get_subject_name(x);
	if (!X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC,
		(const unsigned char *)"Rampart", -1, -1, 0) ||
	    !X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
		(const unsigned char *)cn, -1, -1, 0) ||
	    !X509_set_issuer_name(x, name) || !X509_set_pubkey(x, key))
		goto bad;
	if (host_ok(host))
		snprintf(san, sizeof(san),
		    "DNS:localhost,DNS:%s,IP:127.0.0.1,IP:::1", host);
	else
		snprintf(san, sizeof(san), "DNS:localhost,IP:127.0.0.1,IP:::1");
	if (add_ext(x, NID_subject_alt_name, san) != 0 ||
	    add_ext(x, NID_basic_constraints, "critical,CA:FALSE") != 0 ||
	    add_ext(x, NID_key_usage, "critical,digitalSignature") != 0 ||
	    add_ext(x, NID_ext_key_usage, "serverAuth") != 0 ||
	    add_ext(x, NID_subject_key_identifier, "hash") != 0)
		goto bad;
	if (X509_sign(x, key, EVP_sha256()) == 0)
		goto bad;
	BN_free(bn);
	return x;
bad:
	BN_free(bn);
	X509_free(x);
	return NULL;
}

/* Writes len bytes to dir/name through a temporary file of the mode. */
static int
write_file(const char *dir, const char *name, const char *data, size_t len,
    mode_t mode)
{
	char tmp[1100], path[1100];
	int fd, r = -1;
	size_t off = 0;

	if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, name) >=
		sizeof(path) ||
	    (size_t)snprintf(tmp, sizeof(tmp), "%s/.%s.tmp", dir, name) >=
		sizeof(tmp))
		return -1;
	unlink(tmp);
	fd = open(
	    tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
	if (fd < 0)
		return -1;
	while (off < len) {
		ssize_t n = write(fd, data + off, len - off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			goto out;
		off += (size_t)n;
	}
	if (fchmod(fd, mode) != 0 || fsync(fd) != 0)
		goto out;
	r = 0;
out:
	if (close(fd) != 0)
		r = -1;
	if (r == 0 && rename(tmp, path) != 0)
		r = -1;
	if (r != 0)
		unlink(tmp);
	return r;
}

/* PEM text of a BIO's contents; the caller wipes and frees it. */
static char *
bio_text(BIO *b, size_t *len)
{
	char *data, *s;
	long n = BIO_get_mem_data(b, &data);

	if (n <= 0 || (s = malloc((size_t)n + 1)) == NULL)
		return NULL;
	memcpy(s, data, (size_t)n);
	s[n] = '\0';
	*len = (size_t)n;
	return s;
}

static int
exists(const char *dir, const char *name)
{
	char path[1100];
	struct stat st;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	return lstat(path, &st) == 0 && S_ISREG(st.st_mode);
}

int
tls_ensure(
    const char *dir, const char *host, int *created, char *err, size_t errlen)
{
	EVP_PKEY *key = NULL;
	X509 *x = NULL;
	BIO *kb = NULL, *cb = NULL;
	char *kt = NULL, *ct = NULL;
	size_t kl = 0, cl = 0;
	int r = RP_ERR_INTERNAL;

	*created = 0;
	if (exists(dir, TLS_KEY_FILE) && exists(dir, TLS_CERT_FILE))
		return 0;
	if ((key = EVP_EC_gen("P-256")) == NULL ||
	    (x = make_cert(key, host)) == NULL) {
		r = fail(err, errlen, RP_ERR_INTERNAL,
		    "cannot make a key and certificate (OpenSSL)");
		goto out;
	}
	if ((kb = BIO_new(BIO_s_secmem())) == NULL ||
	    (cb = BIO_new(BIO_s_mem())) == NULL ||
	    !PEM_write_bio_PrivateKey(kb, key, NULL, NULL, 0, NULL, NULL) ||
	    !PEM_write_bio_X509(cb, x) || (kt = bio_text(kb, &kl)) == NULL ||
	    (ct = bio_text(cb, &cl)) == NULL) {
		r = fail(err, errlen, RP_ERR_NOMEM, "out of memory");
		goto out;
	}
	if (write_file(dir, TLS_KEY_FILE, kt, kl, 0600) != 0 ||
	    write_file(dir, TLS_CERT_FILE, ct, cl, 0644) != 0) {
		r = fail(err, errlen, RP_ERR_IO, "cannot write %s/%s: %s", dir,
		    TLS_KEY_FILE, strerror(errno));
		goto out;
	}
	*created = 1;
	r = 0;
out:
	if (kt != NULL) {
		OPENSSL_cleanse(kt, kl);
		free(kt);
	}
	free(ct);
	BIO_free(kb);
	BIO_free(cb);
	X509_free(x);
	EVP_PKEY_free(key);
	return r;
}

/* Reads a whole PEM file (at most PEM_MAX bytes) into a new string. */
static int
read_pem(const char *path, char **out, size_t *len, char *err, size_t errlen)
{
	char *buf = NULL;
	size_t n = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return fail(err, errlen, RP_ERR_IO, "cannot read %s: %s", path,
		    strerror(errno));
	if ((buf = malloc(PEM_MAX + 1)) == NULL) {
		close(fd);
		return fail(err, errlen, RP_ERR_NOMEM, "out of memory");
	}
	for (;;) {
		ssize_t k = read(fd, buf + n, PEM_MAX + 1 - n);
		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0 || (k > 0 && n + (size_t)k > PEM_MAX)) {
			int e = k < 0 ? errno : EFBIG;
			OPENSSL_cleanse(buf, PEM_MAX + 1);
			free(buf);
			close(fd);
			return fail(err, errlen, RP_ERR_IO,
			    "cannot read %s: %s", path,
			    e == EFBIG ? "larger than 64 KiB" : strerror(e));
		}
		if (k == 0)
			break;
		n += (size_t)k;
	}
	close(fd);
	buf[n] = '\0';
	*out = buf;
	*len = n;
	return 0;
}

static void
fingerprint(X509 *x, char out[TLS_FINGERPRINT_LEN])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int n = 0;
	static const char hex[] = "0123456789ABCDEF";

	X509_digest(x, EVP_sha256(), md, &n);
	for (unsigned int i = 0; i < n && i < 32; i++) {
		out[3 * i] = hex[md[i] >> 4];
		out[3 * i + 1] = hex[md[i] & 15];
		out[3 * i + 2] = i + 1 < n ? ':' : '\0';
	}
}

int
tls_load(const char *cert_path, const char *key_path, struct tls_material **out,
    char *err, size_t errlen)
{
	struct tls_material *m = calloc(1, sizeof(*m));
	BIO *b = NULL;
	X509 *x = NULL;
	EVP_PKEY *key = NULL;
	int r;

	*out = NULL;
	if (m == NULL)
		return fail(err, errlen, RP_ERR_NOMEM, "out of memory");
	if ((r = read_pem(
		 cert_path, &m->cert_pem, &m->cert_len, err, errlen)) != 0 ||
	    (r = read_pem(key_path, &m->key_pem, &m->key_len, err, errlen)) !=
		0)
		goto out;
	r = RP_ERR_INVALID;
	if ((b = BIO_new_mem_buf(m->cert_pem, (int)m->cert_len)) == NULL ||
	    (x = PEM_read_bio_X509(b, NULL, NULL, NULL)) == NULL) {
		fail(err, errlen, r, "%s: not a PEM certificate", cert_path);
		goto out;
	}
	BIO_free(b);
	if ((b = BIO_new_mem_buf(m->key_pem, (int)m->key_len)) == NULL ||
	    (key = PEM_read_bio_PrivateKey(b, NULL, NULL, NULL)) == NULL) {
		fail(err, errlen, r, "%s: not an unencrypted PEM private key",
		    key_path);
		goto out;
	}
	if (X509_check_private_key(x, key) != 1) {
		fail(err, errlen, r, "%s is not the private key of %s",
		    key_path, cert_path);
		goto out;
	}
	fingerprint(x, m->fingerprint);
	*out = m;
	m = NULL;
	r = 0;
out:
	BIO_free(b);
	X509_free(x);
	EVP_PKEY_free(key);
	tls_material_free(m);
	return r;
}

void
tls_material_free(struct tls_material *m)
{
	if (m == NULL)
		return;
	if (m->key_pem != NULL)
		OPENSSL_cleanse(m->key_pem, m->key_len);
	free(m->key_pem);
	free(m->cert_pem);
	free(m);
}
