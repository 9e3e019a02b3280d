/*
 * The server's TLS identity: a self-signed ECDSA P-256 certificate made on
 * first start under STATE_DIR/tls/ (key 0600), or a configured certificate
 * and key.  The parent reads both into memory; the http role gets the PEM
 * text, never the files.  Agents and the CLI pin the certificate's SHA-256
 * fingerprint, printed at every start.
 */
#ifndef RP_TLS_H
#define RP_TLS_H

#include <stddef.h>

#define TLS_CERT_FILE "cert.pem"
#define TLS_KEY_FILE "key.pem"
#define TLS_VALIDITY_DAYS 825
/* "AB:CD:..." of 32 bytes, as `openssl x509 -fingerprint -sha256`. */
#define TLS_FINGERPRINT_LEN (32 * 3)

struct tls_material {
	char *cert_pem; /* NUL-terminated */
	size_t cert_len;
	char *key_pem; /* NUL-terminated; wiped by tls_material_free */
	size_t key_len;
	char fingerprint[TLS_FINGERPRINT_LEN];
};

/*
 * Makes dir/key.pem (mode 0600) and dir/cert.pem (0644) unless both
 * exist: a new P-256 key and a self-signed certificate for localhost,
 * host (may be NULL), 127.0.0.1 and ::1, valid TLS_VALIDITY_DAYS, with a
 * random serial.  *created is set to 1 when it made them.  dir must exist.
 * Returns 0, RP_ERR_IO or RP_ERR_INTERNAL with a message in err.
 */
int tls_ensure(
    const char *dir, const char *host, int *created, char *err, size_t errlen);

/*
 * Reads a certificate and its private key (PEM files), checks that the
 * key is the certificate's, and returns both texts and the fingerprint.
 * Returns 0, RP_ERR_IO (unreadable), RP_ERR_INVALID (not PEM, or the key
 * does not match) with a message in err; *out is set only on success.
 */
int tls_load(const char *cert_path, const char *key_path,
    struct tls_material **out, char *err, size_t errlen);

/* Frees m, wiping the key; NULL is a no-op. */
void tls_material_free(struct tls_material *m);

#endif
