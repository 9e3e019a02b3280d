/*
 * The TLS identity: a created certificate and key load back, the key is
 * 0600, the fingerprint is the one `openssl x509 -fingerprint -sha256`
 * prints for the written file, the names and validity are as documented,
 * a second start keeps the pair, and a key that is not the
 * certificate's is refused.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "tls/tls.h"
#include "util/err.h"

static char dir_a[64], dir_b[64];

static int
setup(void **state)
{
	(void)state;
	snprintf(dir_a, sizeof(dir_a), "/tmp/rampartd-tls-XXXXXX");
	snprintf(dir_b, sizeof(dir_b), "/tmp/rampartd-tls-XXXXXX");
	return mkdtemp(dir_a) == NULL || mkdtemp(dir_b) == NULL;
}

static int
teardown(void **state)
{
	char cmd[256];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf %s %s", dir_a, dir_b);
	return system(cmd);
}

/* The output of a command, first line, without the newline. */
static void
run(const char *cmd, char *out, size_t len)
{
	FILE *p = popen(cmd, "r");

	assert_non_null(p);
	assert_non_null(fgets(out, (int)len, p));
	out[strcspn(out, "\n")] = '\0';
	assert_int_equal(pclose(p), 0);
}

static void
paths(const char *dir, char *cert, char *key)
{
	snprintf(cert, 128, "%s/%s", dir, TLS_CERT_FILE);
	snprintf(key, 128, "%s/%s", dir, TLS_KEY_FILE);
}

static void
test_create_and_load(void **state)
{
	char cert[128], key[128], err[256], cmd[256], out[512];
	struct tls_material *m = NULL;
	struct stat st;
	int created = -1;

	(void)state;
	assert_int_equal(tls_ensure(dir_a, "rampart.example.org", &created, err,
			     sizeof(err)),
	    0);
	assert_int_equal(created, 1);
	paths(dir_a, cert, key);
	assert_int_equal(stat(key, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	assert_int_equal(tls_load(cert, key, &m, err, sizeof(err)), 0);
	assert_non_null(strstr(m->cert_pem, "BEGIN CERTIFICATE"));
	assert_non_null(strstr(m->key_pem, "PRIVATE KEY"));

	snprintf(cmd, sizeof(cmd),
	    "openssl x509 -noout -fingerprint -sha256 -in %s", cert);
	run(cmd, out, sizeof(out));
	assert_non_null(strchr(out, '='));
	assert_string_equal(strchr(out, '=') + 1, m->fingerprint);

	snprintf(cmd, sizeof(cmd),
	    "openssl x509 -noout -ext subjectAltName -in %s | tail -n 1", cert);
	run(cmd, out, sizeof(out));
	assert_non_null(strstr(out, "DNS:localhost"));
	assert_non_null(strstr(out, "DNS:rampart.example.org"));
	assert_non_null(strstr(out, "IP Address:127.0.0.1"));
	assert_non_null(strstr(out, "IP Address:0:0:0:0:0:0:0:1"));
	snprintf(cmd, sizeof(cmd),
	    "openssl x509 -noout -text -in %s | grep -c 'ASN1 OID: "
	    "prime256v1'",
	    cert);
	run(cmd, out, sizeof(out));
	assert_string_equal(out, "1");

	/* Second start: the pair is kept, the fingerprint is the same. */
	struct tls_material *again = NULL;
	assert_int_equal(
	    tls_ensure(dir_a, NULL, &created, err, sizeof(err)), 0);
	assert_int_equal(created, 0);
	assert_int_equal(tls_load(cert, key, &again, err, sizeof(err)), 0);
	assert_string_equal(again->fingerprint, m->fingerprint);
	tls_material_free(again);
	tls_material_free(m);
}

static void
test_validity_and_serial(void **state)
{
	char cert_a[128], key_a[128], cert_b[128], key_b[128], err[256];
	int created, days = 0, secs = 0;
	FILE *f;
	X509 *a, *b;

	(void)state;
	assert_int_equal(
	    tls_ensure(dir_a, NULL, &created, err, sizeof(err)), 0);
	assert_int_equal(
	    tls_ensure(dir_b, NULL, &created, err, sizeof(err)), 0);
	paths(dir_a, cert_a, key_a);
	paths(dir_b, cert_b, key_b);
	assert_non_null(f = fopen(cert_a, "r"));
	assert_non_null(a = PEM_read_X509(f, NULL, NULL, NULL));
	fclose(f);
	assert_non_null(f = fopen(cert_b, "r"));
	assert_non_null(b = PEM_read_X509(f, NULL, NULL, NULL));
	fclose(f);
	assert_int_equal(ASN1_TIME_diff(&days, &secs, X509_get0_notBefore(a),
			     X509_get0_notAfter(a)),
	    1);
	assert_true(days * 86400 + secs <= TLS_VALIDITY_DAYS * 86400);
	assert_true(days >= TLS_VALIDITY_DAYS - 1);
	assert_int_not_equal(ASN1_INTEGER_cmp(X509_get0_serialNumber(a),
				 X509_get0_serialNumber(b)),
	    0);
	X509_free(a);
	X509_free(b);
}

static void
test_refusals(void **state)
{
	char cert_a[128], key_a[128], cert_b[128], key_b[128], err[512];
	struct tls_material *m = NULL;
	int created;

	(void)state;
	assert_int_equal(
	    tls_ensure(dir_a, NULL, &created, err, sizeof(err)), 0);
	assert_int_equal(
	    tls_ensure(dir_b, NULL, &created, err, sizeof(err)), 0);
	paths(dir_a, cert_a, key_a);
	paths(dir_b, cert_b, key_b);
	assert_int_equal(
	    tls_load(cert_a, key_b, &m, err, sizeof(err)), RP_ERR_INVALID);
	assert_null(m);
	assert_non_null(strstr(err, "is not the private key of"));
	assert_int_equal(
	    tls_load(key_a, key_a, &m, err, sizeof(err)), RP_ERR_INVALID);
	assert_non_null(strstr(err, "not a PEM certificate"));
	assert_int_equal(
	    tls_load(cert_a, cert_a, &m, err, sizeof(err)), RP_ERR_INVALID);
	assert_non_null(strstr(err, "not an unencrypted PEM private key"));
	assert_int_equal(
	    tls_load("/nonexistent/c.pem", key_a, &m, err, sizeof(err)),
	    RP_ERR_IO);
	assert_null(m);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_create_and_load),
	    cmocka_unit_test(test_validity_and_serial),
	    cmocka_unit_test(test_refusals),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
