/*
 * Unit tests of the quarantine metadata record: what is written reads back
 * the same (including paths that are not UTF-8), and a damaged or planted
 * record is refused field by field.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cmocka.h>

#include "quarantine/qstore_int.h"
#include "util/err.h"
#include "util/str.h"

static void
sample(struct qentry *e, const char *path)
{
	memset(e, 0, sizeof(*e));
	memcpy(e->id, "0123456789abcdef0123456789abcdef", 33);
	e->path = strdup(path);
	e->reason = strdup("sha256 match (advisory RP-2023-0001)");
	e->mode = S_IFREG | 04751;
	e->uid = 1234;
	e->gid = 5678;
	e->dev = 2049;
	e->ino = UINT64_C(18446744073709551000);
	e->atime.tv_sec = 1700000000;
	e->atime.tv_nsec = 1;
	e->mtime.tv_sec = -5;
	e->mtime.tv_nsec = 999999999;
	e->size = 123456789012;
	memset(e->sha256, 'a', 64);
	memset(e->sha1, 'b', 40);
	memset(e->md5, 'c', 32);
	e->quarantined_at = 1800000000;
}

static void
assert_same(const struct qentry *a, const struct qentry *b)
{
	assert_string_equal(a->id, b->id);
	assert_string_equal(a->path, b->path);
	assert_string_equal(a->reason, b->reason);
	assert_int_equal(a->mode, b->mode);
	assert_int_equal(a->uid, b->uid);
	assert_int_equal(a->gid, b->gid);
	assert_true(a->dev == b->dev && a->ino == b->ino);
	assert_int_equal(a->atime.tv_sec, b->atime.tv_sec);
	assert_int_equal(a->atime.tv_nsec, b->atime.tv_nsec);
	assert_int_equal(a->mtime.tv_sec, b->mtime.tv_sec);
	assert_int_equal(a->mtime.tv_nsec, b->mtime.tv_nsec);
	assert_true(a->size == b->size);
	assert_string_equal(a->sha256, b->sha256);
	assert_string_equal(a->sha1, b->sha1);
	assert_string_equal(a->md5, b->md5);
	assert_int_equal(a->quarantined_at, b->quarantined_at);
}

static void
round_trip(const char *path, const char *needle)
{
	struct qentry a, b;
	char *text;

	sample(&a, path);
	assert_non_null(text = qrecord_format(&a));
	assert_non_null(strstr(text, needle));
	assert_int_equal(qrecord_parse(text, strlen(text), &b, NULL), 0);
	assert_same(&a, &b);
	free(text);
	qentry_clear(&a);
	qentry_clear(&b);
}

static void
test_round_trip(void **state)
{
	round_trip("/tmp/a b/c", "\"path\": \"/tmp/a b/c\"");
	round_trip("/tmp/new\nline", "\"path\": \"/tmp/new\\nline\"");
	/* not UTF-8: stored as hex */
	round_trip("/tmp/\xff\xfe", "\"path_hex\": \"2f746d702ffffe\"");
}

/* The sample record with one member's value text replaced. */
static char *
with(const char *key, const char *value)
{
	struct qentry e;
	json_t *o;
	char *s;

	sample(&e, "/srv/x");
	o = qentry_to_json(&e, 0);
	qentry_clear(&e);
	if (value == NULL)
		json_object_del(o, key);
	else
		json_object_set_new(o, key,
		    json_loads(value, JSON_DECODE_ANY | JSON_ALLOW_NUL, NULL));
	s = json_dumps(o, 0);
	json_decref(o);
	return s;
}

static void
refused(const char *key, const char *value)
{
	struct rp_diags *d = rp_diags_new();
	struct qentry e;
	char *s = with(key, value);

	assert_non_null(s);
	assert_int_equal(qrecord_parse(s, strlen(s), &e, d), RP_ERR_INVALID);
	assert_true(d->nerrors > 0);
	assert_null(e.path);
	free(s);
	rp_diags_free(d);
}

static void
test_refused(void **state)
{
	refused("format", "\"rampart-quarantine-record/2\"");
	refused("id", "\"0123456789ABCDEF0123456789ABCDEF\"");
	refused("id", "\"../../etc/passwd\"");
	refused("mode", "16877"); /* a directory */
	refused("mode", "-1");
	refused("mode", "1.5");
	refused("uid", "4294967295");
	refused("atime_nsec", "1000000000");
	refused("mtime_sec", "\"1\"");
	refused("size", "-1");
	refused("sha256", "\"abc\"");
	refused("sha1", NULL);
	refused("md5", "\"CCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCC\"");
	refused("dev", "\"-1\"");
	refused("ino", "\"18446744073709551616\"");
	refused("ino", "\"\"");
	refused("path", "\"relative/path\"");
	refused("path", "\"/a\\u0000b\"");
	refused("path", NULL);
	refused("path_hex", "\"2f61\""); /* both path and path_hex */
	refused("extra", "1");
	refused("reason", "7");
}

static void
test_refused_text(void **state)
{
	static const char *bad[] = {
	    "",
	    "[]",
	    "{\"id\": \"0123456789abcdef0123456789abcdef\", "
	    "\"id\": \"0123456789abcdef0123456789abcdef\"}",
	    "{\"format\": \"rampart-quarantine-record/1\"",
	};
	struct qentry e;
	char *big;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(
		    qrecord_parse(bad[i], strlen(bad[i]), &e, NULL),
		    RP_ERR_INVALID);
	/* a record past the bound is refused before it is parsed */
	assert_non_null(big = malloc(QRECORD_MAX + 2));
	memset(big, ' ', QRECORD_MAX + 1);
	big[0] = '{';
	big[QRECORD_MAX] = '}';
	assert_int_equal(
	    qrecord_parse(big, QRECORD_MAX + 1, &e, NULL), RP_ERR_INVALID);
	free(big);
}

static void
test_path_hex(void **state)
{
	struct qentry e;
	char *s = with("path", NULL), *t;

	/* path_hex alone: decoded; with a NUL byte: refused */
	json_t *o = json_loads(s, 0, NULL);
	json_object_set_new(o, "path_hex", json_string("2f0a"));
	free(s);
	t = json_dumps(o, 0);
	assert_int_equal(qrecord_parse(t, strlen(t), &e, NULL), 0);
	assert_string_equal(e.path, "/\n");
	qentry_clear(&e);
	free(t);
	json_object_set_new(o, "path_hex", json_string("2f00"));
	t = json_dumps(o, 0);
	assert_int_equal(qrecord_parse(t, strlen(t), &e, NULL), RP_ERR_INVALID);
	free(t);
	json_object_set_new(o, "path_hex", json_string("2f6"));
	t = json_dumps(o, 0);
	assert_int_equal(qrecord_parse(t, strlen(t), &e, NULL), RP_ERR_INVALID);
	free(t);
	json_decref(o);
}

/* A sealed record checks under its key only, and not once changed. */
static void
test_seal(void **state)
{
	unsigned char key[QKEY_LEN], other[QKEY_LEN];
	struct qentry a, b;
	char *text, *p;
	int unsealed = -1;

	(void)state;
	memset(key, 7, sizeof(key));
	memset(other, 8, sizeof(other));
	sample(&a, "/home/u/caf\xc3\xa9 \xe2\x80\xae.exe");
	assert_non_null(text = qrecord_seal(&a, key));
	assert_int_equal(
	    qrecord_check_mac(text, strlen(text), key, &unsealed, NULL), 0);
	assert_int_equal(unsealed, 0);
	assert_int_equal(qrecord_parse(text, strlen(text), &b, NULL), 0);
	assert_same(&a, &b);
	qentry_clear(&b);
	assert_int_equal(
	    qrecord_check_mac(text, strlen(text), other, &unsealed, NULL),
	    RP_ERR_INVALID);
	/* one value changed, still a valid record: uid 1234 becomes 5234 */
	assert_non_null(p = strstr(text, "\"uid\": 1234"));
	p[7] = '5';
	assert_int_equal(
	    qrecord_check_mac(text, strlen(text), key, &unsealed, NULL),
	    RP_ERR_INVALID);
	assert_int_equal(unsealed, 0);
	free(text);
	/* no MAC at all */
	assert_non_null(text = qrecord_format(&a));
	assert_int_equal(
	    qrecord_check_mac(text, strlen(text), key, &unsealed, NULL),
	    RP_ERR_INVALID);
	assert_int_equal(unsealed, 1);
	free(text);
	qentry_clear(&a);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_round_trip),
	    cmocka_unit_test(test_seal),
	    cmocka_unit_test(test_refused),
	    cmocka_unit_test(test_refused_text),
	    cmocka_unit_test(test_path_hex),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
