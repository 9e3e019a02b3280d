/*
 * Blocklist entries with what is known about them: duplicates merged
 * field by field, capacity trimming by rank (and what was trimmed
 * reported), expiry, refusals of bad metadata, the format table, the
 * same bytes from any input order in every format, and the STIX output
 * read back by Rampart's own STIX reader.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "blocklist/blocklist.h"
#include "ioc/ioc.h"
#include "util/err.h"

static char *
render(const struct blocklist *bl, enum blocklist_format f,
    const struct blocklist_opts *o, struct blocklist_report *rep)
{
	char *out = NULL;
	size_t len = 0;

	assert_int_equal(blocklist_render(bl, f, o, &out, &len, rep), 0);
	assert_non_null(out);
	assert_int_equal(strlen(out), len);
	return out;
}

static void
add(struct blocklist *bl, const struct blocklist_entry *e)
{
	const char *why = NULL;
	int r = blocklist_add_entry(bl, e, &why);

	if (r != 0)
		fail_msg("%s: %s", e->value, why ? why : rp_strerror(r));
}

/* Every field merges by its own rule, whichever entry comes first. */
static void
test_merge(void **state)
{
	struct blocklist_entry a = {.kind = BLOCKLIST_DOMAIN,
	    .value = "Evil.Example.",
	    .comment = "b note",
	    .source = "misp",
	    .confidence = 40,
	    .first_seen = 1680000000,
	    .last_seen = 1680100000,
	    .expires = 1690000000,
	    .sightings = 2,
	    .tlp = "green",
	    .tags = "c2, 3cx"};
	struct blocklist_entry b = {.kind = BLOCKLIST_DOMAIN,
	    .value = "evil.example",
	    .comment = "a note",
	    .source = "sophos",
	    .confidence = 90,
	    .first_seen = 1670000000,
	    .last_seen = 1675000000,
	    .expires = 0,
	    .sightings = 5,
	    .tlp = "amber",
	    .tags = "3cx,loader"};
	static const char want[] =
	    "kind,value,confidence,first_seen,last_seen,expires,tlp,source,"
	    "tags,comment\r\n"
	    "domain,evil.example,90,2022-12-02T16:53:20Z,"
	    "2023-03-29T14:26:40Z,,amber,misp,\"3cx,c2,loader\",a note\r\n";
	struct blocklist_report rep;
	size_t order;

	for (order = 0; order < 2; order++) {
		struct blocklist *bl = blocklist_new();
		char *out;
		add(bl, order ? &b : &a);
		add(bl, order ? &a : &b);
		assert_int_equal(blocklist_count(bl), 1);
		out = render(bl, BLOCKLIST_CSV, NULL, &rep);
		assert_string_equal(out, want);
		assert_int_equal(rep.written, 1);
		free(out);
		blocklist_free(bl);
	}
}

/* Two expiries: the later one; one of them never: never. */
static void
test_merge_expiry(void **state)
{
	struct blocklist_entry e = {
	    .kind = BLOCKLIST_ADDR, .value = "192.0.2.1", .expires = 100};
	struct blocklist_opts o = {.now = 150};
	struct blocklist_report rep;
	struct blocklist *bl = blocklist_new();
	char *out;

	add(bl, &e);
	e.value = "192.0.2.1/32";
	e.expires = 200;
	add(bl, &e);
	out = render(bl, BLOCKLIST_PFSENSE, &o, &rep);
	assert_string_equal(out, "192.0.2.1\n");
	free(out);
	o.now = 200;
	out = render(bl, BLOCKLIST_PFSENSE, &o, &rep);
	assert_string_equal(out, "");
	assert_int_equal(rep.expired, 1);
	free(out);
	e.expires = 0;
	add(bl, &e);
	out = render(bl, BLOCKLIST_PFSENSE, &o, &rep);
	assert_string_equal(out, "192.0.2.1\n");
	assert_int_equal(rep.expired, 0);
	free(out);
	blocklist_free(bl);
}

struct trimmed {
	char v[8][64];
	size_t n;
};

static void
on_trimmed(void *arg, const struct blocklist_entry *e)
{
	struct trimmed *t = arg;

	assert_true(t->n < 8);
	snprintf(t->v[t->n++], sizeof(t->v[0]), "%s", e->value);
}

/*
 * Over capacity the lowest ranked go: confidence, then last_seen, then
 * sightings, then value; expired and unexpressible entries are not
 * counted against the capacity; the file stays sorted by value.
 */
static void
test_capacity(void **state)
{
	static const struct blocklist_entry in[] = {
	    {.kind = BLOCKLIST_ADDR, .value = "192.0.2.1", .confidence = 50},
	    {.kind = BLOCKLIST_ADDR, .value = "192.0.2.2", .confidence = 90},
	    {.kind = BLOCKLIST_ADDR,
		.value = "192.0.2.3",
		.confidence = 50,
		.last_seen = 10},
	    {.kind = BLOCKLIST_ADDR,
		.value = "192.0.2.4",
		.confidence = 50,
		.sightings = 3},
	    {.kind = BLOCKLIST_ADDR, .value = "192.0.2.5", .confidence = 50},
	    {.kind = BLOCKLIST_ADDR,
		.value = "192.0.2.6",
		.confidence = 100,
		.expires = 5},
	    {.kind = BLOCKLIST_DOMAIN, .value = "a.example", .confidence = 100},
	};
	struct trimmed t = {.n = 0};
	struct blocklist_opts o = {.max_entries = 3,
	    .now = 1000,
	    .on_trimmed = on_trimmed,
	    .on_trimmed_arg = &t};
	struct blocklist_report rep;
	struct blocklist *bl = blocklist_new();
	char *out;
	size_t i;

	for (i = 0; i < sizeof(in) / sizeof(in[0]); i++)
		add(bl, &in[sizeof(in) / sizeof(in[0]) - 1 - i]);
	out = render(bl, BLOCKLIST_FORTIGATE_IP, &o, &rep);
	assert_string_equal(out, "192.0.2.2\n192.0.2.3\n192.0.2.4\n");
	assert_int_equal(rep.written, 3);
	assert_int_equal(rep.trimmed, 2);
	assert_int_equal(rep.expired, 1);
	assert_int_equal(rep.skipped, 1);
	assert_int_equal(t.n, 2);
	assert_string_equal(t.v[0], "192.0.2.1");
	assert_string_equal(t.v[1], "192.0.2.5");
	free(out);
	/* no limit: everything not expired */
	o.max_entries = 0;
	out = render(bl, BLOCKLIST_FORTIGATE_IP, &o, &rep);
	assert_int_equal(rep.written, 5);
	assert_int_equal(rep.trimmed, 0);
	free(out);
	blocklist_free(bl);
}

static void
test_refused_meta(void **state)
{
	static const char bad_utf8[] = {'a', (char)0xc3, '(', 0};
	struct blocklist_entry e[] = {
	    {.kind = BLOCKLIST_DOMAIN, .value = "a.example", .confidence = 101},
	    {.kind = BLOCKLIST_DOMAIN, .value = "a.example", .confidence = -1},
	    {.kind = BLOCKLIST_DOMAIN, .value = "a.example", .tlp = "white"},
	    {.kind = BLOCKLIST_DOMAIN, .value = "a.example", .expires = -5},
	    {.kind = BLOCKLIST_DOMAIN,
		.value = "a.example",
		.comment = bad_utf8},
	    {.kind = BLOCKLIST_DOMAIN, .value = "a.example", .tags = "a\nb"},
	    {.kind = BLOCKLIST_DOMAIN, .value = "a.example", .source = "\"x"},
	    {.kind = BLOCKLIST_SHA256, .value = "abc"},
	    {.kind = BLOCKLIST_MD5,
		.value = "0123456789abcdef0123456789abcdeg"},
	    {.kind = BLOCKLIST_URL, .value = "ftp://a.example/x"},
	    {.kind = 99, .value = "a.example"},
	};
	struct blocklist *bl = blocklist_new();
	size_t i;

	for (i = 0; i < sizeof(e) / sizeof(e[0]); i++) {
		const char *why = NULL;
		assert_int_equal(
		    blocklist_add_entry(bl, &e[i], &why), RP_ERR_INVALID);
		assert_non_null(why);
	}
	assert_int_equal(blocklist_count(bl), 0);
	blocklist_free(bl);
}

static void
test_format_table(void **state)
{
	enum blocklist_format f, g;
	size_t n = 0;

	for (f = BLOCKLIST_NFT; f < BLOCKLIST_FORMAT_END; f++) {
		const char *name = blocklist_format_name(f);
		assert_non_null(name);
		assert_int_equal(blocklist_format_from_name(name, &g), 0);
		assert_int_equal(g, f);
		assert_non_null(blocklist_format_content_type(f));
		n++;
	}
	assert_int_equal(n, 24);
	assert_null(blocklist_format_name(BLOCKLIST_FORMAT_END));
	assert_int_equal(
	    blocklist_format_from_name("nope", &g), RP_ERR_NOTFOUND);
	assert_string_equal(
	    blocklist_format_content_type(BLOCKLIST_JSON), "application/json");
	assert_int_equal(
	    blocklist_format_default_limit(BLOCKLIST_FORTIGATE_IP), 131072);
	assert_int_equal(
	    blocklist_format_default_limit(BLOCKLIST_PAN_EDL_IP), 50000);
	assert_int_equal(blocklist_format_default_limit(BLOCKLIST_NFT), 0);
}

static const struct blocklist_entry mixed[] = {
    {.kind = BLOCKLIST_DOMAIN,
	.value = "evil.example",
	.comment = "3CX",
	.confidence = 80,
	.first_seen = 1680000000,
	.tlp = "amber",
	.tags = "3cx"},
    {.kind = BLOCKLIST_DOMAIN, .value = "b.evil.example"},
    {.kind = BLOCKLIST_DOMAIN, .value = "other.example", .tlp = "clear"},
    {.kind = BLOCKLIST_ADDR, .value = "198.51.100.7"},
    {.kind = BLOCKLIST_ADDR, .value = "2001:db8::7", .expires = 1900000000},
    {.kind = BLOCKLIST_URL,
	.value = "https://raw.githubusercontent.com/IconStorages/images/"
		 "main/icon13.ico",
	.last_seen = 1680300000},
    {.kind = BLOCKLIST_URL, .value = "http://evil.example/it's?a=1"},
    {.kind = BLOCKLIST_SHA256,
	.value = "4e08e4ffc699e0a1de4a5225a0b4920933fbb9cf123cde33e1674fde6d"
		 "61444f"},
    {.kind = BLOCKLIST_SHA1,
	.value = "bf939c9c261d27ee7bb92325cc588624fca75429"},
    {.kind = BLOCKLIST_MD5,
	.value = "0eeb1c0133eb4d571178b2d9d14ce3e9",
	.comment = "3CXDesktopApp"},
};
#define NMIXED (sizeof(mixed) / sizeof(mixed[0]))

/* Every format: the same bytes from the entries in any order. */
static void
test_stable_bytes(void **state)
{
	struct blocklist_opts o = {.now = 1700000000, .rpz_serial = 7};
	struct blocklist_report ra, rb;
	enum blocklist_format f;
	size_t i;

	for (f = BLOCKLIST_NFT; f < BLOCKLIST_FORMAT_END; f++) {
		struct blocklist *a = blocklist_new(), *b = blocklist_new();
		char *oa, *ob;
		for (i = 0; i < NMIXED; i++) {
			add(a, &mixed[i]);
			add(b, &mixed[(i * 7 + 3) % NMIXED]);
		}
		oa = render(a, f, &o, &ra);
		ob = render(b, f, &o, &rb);
		assert_string_equal(oa, ob);
		assert_int_equal(ra.written + ra.skipped, NMIXED);
		assert_int_equal(rb.written, ra.written);
		free(oa);
		free(ob);
		blocklist_free(a);
		blocklist_free(b);
	}
}

/* The STIX bundle is read back, every indicator with its type. */
static void
test_stix_round_trip(void **state)
{
	static const enum ioc_type want[NMIXED] = {IOC_DOMAIN, IOC_DOMAIN,
	    IOC_DOMAIN, IOC_IP, IOC_IP, IOC_URL, IOC_URL, IOC_SHA256, IOC_SHA1,
	    IOC_MD5};
	struct blocklist *bl = blocklist_new();
	struct blocklist_report rep;
	struct ioc_bundle *b = ioc_bundle_new();
	struct ioc_import st;
	json_error_t jerr;
	json_t *root;
	char *out;
	size_t i, j;

	for (i = 0; i < NMIXED; i++)
		add(bl, &mixed[i]);
	out = render(bl, BLOCKLIST_STIX, NULL, &rep);
	assert_int_equal(rep.written, NMIXED);
	root = json_loads(out, 0, &jerr);
	assert_non_null(root);
	memset(&st, 0, sizeof(st));
	assert_int_equal(ioc_stix_read_json(root, "rampart", b, &st, NULL), 0);
	assert_int_equal(b->niocs, NMIXED);
	for (i = 0; i < NMIXED; i++) {
		for (j = 0; j < b->niocs; j++)
			if (b->iocs[j].type == want[i] &&
			    strcmp(b->iocs[j].value, mixed[i].value) == 0)
				break;
		if (j == b->niocs)
			fail_msg("%s not read back", mixed[i].value);
	}
	json_decref(root);
	ioc_bundle_free(b);
	free(out);
	blocklist_free(bl);
}

/* The documented derivation of a rule's home sid slot (FNV-1a 64 of
 * "kind:value" modulo 10 000 000), written out again here. */
static uint32_t
home(const char *kind, const char *v)
{
	uint64_t h = 0xcbf29ce484222325ull;
	const char *p;

	for (p = kind; *p != '\0'; p++)
		h = (h ^ (unsigned char)*p) * 0x100000001b3ull;
	h = (h ^ ':') * 0x100000001b3ull;
	for (p = v; *p != '\0'; p++)
		h = (h ^ (unsigned char)*p) * 0x100000001b3ull;
	return (uint32_t)(h % 10000000u);
}

/* The sid in the rule whose msg names v. */
static unsigned long
sid_of(const char *rules, const char *v)
{
	const char *p = strstr(rules, v), *s;

	assert_non_null(p);
	s = strstr(p, "sid:");
	assert_non_null(s);
	return strtoul(s + 4, NULL, 10);
}

/*
 * sids: a rule alone in its slot gets 1970000000 + its home slot; two
 * URLs whose home is the last slot: the first (in the file's order) takes
 * it, the second runs past the end and takes the first free slot, 0.
 */
static void
test_suricata_sids(void **state)
{
	char found[2][64], v[64];
	struct blocklist *bl = blocklist_new();
	struct blocklist_report rep;
	unsigned long i;
	size_t n = 0;
	char *out;

	for (i = 0; n < 2 && i < 200000000ul; i++) {
		snprintf(v, sizeof(v), "http://w.example/%lu", i);
		if (home("url", v) == 9999999u)
			memcpy(found[n++], v, sizeof(v));
	}
	assert_int_equal(n, 2);
	assert_int_equal(
	    blocklist_add(bl, BLOCKLIST_URL, found[0], NULL, NULL), 0);
	assert_int_equal(
	    blocklist_add(bl, BLOCKLIST_URL, found[1], NULL, NULL), 0);
	assert_int_equal(
	    blocklist_add(bl, BLOCKLIST_DOMAIN, "solo.example", NULL, NULL), 0);
	out = render(bl, BLOCKLIST_SURICATA_RULES, NULL, &rep);
	assert_int_equal(rep.written, 3);
	/* found[] are in the file's order when compared as strings */
	if (strcmp(found[0], found[1]) > 0) {
		memcpy(v, found[0], sizeof(v));
		memcpy(found[0], found[1], sizeof(v));
		memcpy(found[1], v, sizeof(v));
	}
	assert_int_equal(sid_of(out, found[0]), 1979999999ul);
	assert_int_equal(sid_of(out, found[1]), 1970000000ul);
	assert_int_equal(sid_of(out, "DNS query solo.example"),
	    1970000000ul + home("dns", "solo.example"));
	free(out);
	blocklist_free(bl);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_merge),
	    cmocka_unit_test(test_merge_expiry),
	    cmocka_unit_test(test_capacity),
	    cmocka_unit_test(test_refused_meta),
	    cmocka_unit_test(test_format_table),
	    cmocka_unit_test(test_stable_bytes),
	    cmocka_unit_test(test_stix_round_trip),
	    cmocka_unit_test(test_suricata_sids),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
