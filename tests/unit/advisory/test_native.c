/*
 * Unit tests of the native advisory reader: the 3CX example imports with
 * the indicators of the published Sophos and Volexity lists (shared
 * data), and broken documents are rejected with errors at the right JSON
 * pointers.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "advisory/advisory.h"
#include "json/rpjson.h"
#include "util/diag.h"
#include "util/err.h"
#include "version/version.h"

static char *
data_path(const char *env, const char *name)
{
	const char *dir = getenv(env);
	char *p;

	assert_non_null(dir);
	assert_true(asprintf(&p, "%s/%s", dir, name) > 0);
	return p;
}

static char *
slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *s;
	long n;

	assert_non_null(f);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	assert_true(n >= 0);
	rewind(f);
	s = malloc((size_t)n + 1);
	assert_non_null(s);
	assert_int_equal(fread(s, 1, (size_t)n, f), (size_t)n);
	s[n] = '\0';
	fclose(f);
	return s;
}

static int
read_str(const char *json, struct advisory **a, struct rp_diags *d)
{
	json_t *root;
	int r;

	root = rpjson_load_buf(json, strlen(json), d);
	assert_non_null(root);
	r = advisory_read_json(root, ADV_FORMAT_AUTO, a, d);
	json_decref(root);
	return r;
}

static const struct rp_diag *
find_diag(const struct rp_diags *d, enum rp_diag_level lvl, const char *ptr,
    const char *needle)
{
	size_t i;

	for (i = 0; i < d->n; i++) {
		const struct rp_diag *e = &d->v[i];

		if (e->level == lvl && e->pointer != NULL &&
		    strcmp(e->pointer, ptr) == 0 &&
		    (needle == NULL || strstr(e->msg, needle) != NULL))
			return e;
	}
	return NULL;
}

static const struct adv_indicator *
find_ioc(const struct advisory *a, enum adv_ioc_type t, const char *v)
{
	size_t i;

	for (i = 0; i < a->niocs; i++) {
		if (a->iocs[i].type == t && strcmp(a->iocs[i].value, v) == 0)
			return &a->iocs[i];
	}
	return NULL;
}

static size_t
count_iocs(const struct advisory *a, enum adv_ioc_type t)
{
	size_t i, n = 0;

	for (i = 0; i < a->niocs; i++)
		n += a->iocs[i].type == t;
	return n;
}

static struct advisory *
read_3cx(struct rp_diags *d)
{
	char *p = data_path("RAMPART_TEST_DATA", "advisories/3cx-native.json");
	struct advisory *a;

	assert_int_equal(advisory_read_file(p, ADV_FORMAT_AUTO, &a, d), 0);
	free(p);
	return a;
}

static void
test_3cx_model(void **state)
{
	struct rp_diags *d = rp_diags_new();
	struct advisory *a = read_3cx(d);
	const struct adv_product *p;
	const struct adv_vuln *v;

	(void)state;
	assert_int_equal(d->n, 0);
	assert_int_equal(a->format, ADV_FORMAT_NATIVE);
	assert_string_equal(a->id, "MSP-2023-0001");
	assert_string_equal(a->severity, "critical");
	assert_string_equal(a->status, "final");
	assert_string_equal(a->initial_release, "2023-03-30T00:00:00Z");
	assert_int_equal(a->nreferences, 4);
	assert_int_equal(a->nvulns, 1);
	v = &a->vulns[0];
	assert_string_equal(v->cve, "CVE-2023-29059");
	assert_string_equal(v->cwe_id, "CWE-506");
	/* 2 Windows + 4 macOS versions, and the fix for each platform */
	assert_int_equal(a->nproducts, 8);
	assert_int_equal(v->nstatus[ADV_STATUS_KNOWN_AFFECTED], 6);
	assert_int_equal(v->nstatus[ADV_STATUS_FIXED], 2);
	p = advisory_product(a, "3cx-win@18.12.416");
	assert_non_null(p);
	assert_string_equal(p->vendor, "3CX");
	assert_string_equal(p->product, "3CX Desktop App");
	assert_string_equal(p->platform, "windows");
	assert_int_equal(p->scheme, VERSION_SCHEME_GENERIC);
	assert_string_equal(p->version, "18.12.416");
	assert_string_equal(p->name, "3CX Desktop App 18.12.416 (windows)");
	p = advisory_product(a, "3cx-mac@18.11.1213");
	assert_non_null(p);
	assert_string_equal(p->platform, "macos");
	p = advisory_product(a, "3cx-mac@18.12.422");
	assert_non_null(p);
	assert_string_equal(
	    v->status[ADV_STATUS_FIXED][1], "3cx-mac@18.12.422");
	assert_int_equal(v->nremediations, 2);
	assert_int_equal(v->remediations[0].category, ADV_REM_VENDOR_FIX);
	assert_int_equal(v->remediations[0].nproduct_ids, 2);
	assert_string_equal(v->remediations[0].url,
	    "https://www.3cx.com/blog/news/desktopapp-security-alert/");
	assert_int_equal(v->remediations[1].category, ADV_REM_VENDOR_FIX);
	assert_int_equal(v->remediations[1].nproduct_ids, 4);
	assert_null(v->remediations[1].url);

	assert_int_equal(a->niocs, 52);
	assert_int_equal(count_iocs(a, ADV_IOC_SHA256), 10);
	assert_int_equal(count_iocs(a, ADV_IOC_SHA1), 6);
	assert_int_equal(count_iocs(a, ADV_IOC_MD5), 6);
	assert_int_equal(count_iocs(a, ADV_IOC_DOMAIN), 23);
	assert_int_equal(count_iocs(a, ADV_IOC_URL), 1);
	assert_int_equal(count_iocs(a, ADV_IOC_YARA), 6);
	assert_non_null(find_ioc(a, ADV_IOC_DOMAIN, "akamaicontainer.com"));
	assert_non_null(find_ioc(a, ADV_IOC_DOMAIN, "sbmsa.wiki"));
	assert_non_null(find_ioc(a, ADV_IOC_URL,
	    "https://raw.githubusercontent.com/IconStorages/images/main/"));
	advisory_free(a);
	rp_diags_free(d);
}

/* The example carries every indicator the Sophos and Volexity lists have. */
static void
test_3cx_matches_published_lists(void **state)
{
	struct rp_diags *d = rp_diags_new();
	struct advisory *a = read_3cx(d);
	char *p, *csv, *line, *next, *yar;
	size_t i, nsha = 0, ndom = 0;

	(void)state;
	p = data_path("RAMPART_SHARED_DATA", "3cx/sophos-3CX-IoCs-2023-03.csv");
	csv = slurp(p);
	free(p);
	for (line = csv; line != NULL; line = next) {
		char val[256], *comma, *o;
		const char *s;

		if ((next = strpbrk(line, "\r\n")) != NULL)
			*next++ = '\0';

		if (strncmp(line, "SHA256,", 7) == 0) {
			snprintf(val, sizeof(val), "%.64s", line + 7);
			assert_non_null(find_ioc(a, ADV_IOC_SHA256, val));
			nsha++;
		} else if (strncmp(line, "URL,", 4) == 0 &&
		    strstr(line, "[.]") != NULL) {
			/* defanged C2 domain: stored refanged */
			comma = strchr(line + 4, ',');
			assert_non_null(comma);
			for (s = line + 4, o = val; s < comma; s++) {
				if (strncmp(s, "[.]", 3) == 0) {
					*o++ = '.';
					s += 2;
				} else
					*o++ = *s;
			}
			*o = '\0';
			assert_non_null(find_ioc(a, ADV_IOC_DOMAIN, val));
			ndom++;
		}
	}
	free(csv);
	assert_int_equal(nsha, 8);
	assert_int_equal(ndom, 21);

	p = data_path("RAMPART_SHARED_DATA", "3cx/volexity-rules.yar");
	yar = slurp(p);
	free(p);
	for (i = 0; i < a->niocs; i++) {
		char *body;
		size_t n;

		if (a->iocs[i].type != ADV_IOC_YARA)
			continue;
		/* the rule text is kept as published */
		body = a->iocs[i].value;
		n = strlen(body);
		while (n > 0 && body[n - 1] == '\n')
			n--;
		assert_true(strncmp(body, "rule ", 5) == 0);
		assert_non_null(memmem(yar, strlen(yar), body, n));
		assert_non_null(strstr(body, a->iocs[i].comment + 10));
	}
	free(yar);
	advisory_free(a);
	rp_diags_free(d);
}

#define DOC(products, indicators)                                              \
	"{\"rampart_advisory\":1,\"id\":\"MSP-1\",\"title\":\"t\","            \
	"\"published\":\"2024-01-01T00:00:00Z\",\"products\":[" products       \
	"],\"indicators\":[" indicators "]}"
#define PROD "{\"id\":\"p\",\"product\":\"App\",\"versions\":[\"1.0\"]}"

static void
check_error(const char *json, const char *ptr, const char *needle)
{
	struct rp_diags *d = rp_diags_new();
	struct advisory *a = (void *)1;

	if (read_str(json, &a, d) != RP_ERR_INVALID)
		fail_msg("accepted: %s", json);
	assert_null(a);
	if (find_diag(d, RP_DIAG_ERROR, ptr, needle) == NULL) {
		for (size_t i = 0; i < d->n; i++) {
			char *s = rp_diag_format(&d->v[i], NULL);

			print_message("  %s\n", s);
			free(s);
		}
		fail_msg("no error \"%s\" at %s for %s", needle, ptr, json);
	}
	rp_diags_free(d);
}

static void
test_broken(void **state)
{
	enum version_scheme vs;

	(void)state;
	check_error("{\"rampart_advisory\":2,\"id\":\"x\",\"title\":\"t\","
		    "\"published\":\"2024-01-01T00:00:00Z\",\"products\":[" PROD
		    "]}",
	    "/rampart_advisory", "must be 1");
	check_error("{\"rampart_advisory\":1,\"id\":\"x\","
		    "\"published\":\"2024-01-01T00:00:00Z\",\"products\":[" PROD
		    "]}",
	    "", "\"title\"");
	check_error("{\"rampart_advisory\":1,\"id\":\"a b\",\"title\":\"t\","
		    "\"published\":\"2024-01-01T00:00:00Z\",\"products\":[" PROD
		    "]}",
	    "/id", "letters");
	check_error("{\"rampart_advisory\":1,\"id\":\"x\",\"title\":\"t\","
		    "\"published\":\"30.03.2023\",\"products\":[" PROD "]}",
	    "/published", "RFC 3339");
	check_error("{\"rampart_advisory\":1,\"id\":\"x\",\"title\":\"t\","
		    "\"published\":\"2024-01-01T00:00:00Z\",\"severity\":5,"
		    "\"products\":[" PROD "]}",
	    "/severity", "string");
	check_error("{\"rampart_advisory\":1,\"id\":\"x\",\"title\":\"t\","
		    "\"published\":\"2024-01-01T00:00:00Z\","
		    "\"severity\":\"urgent\",\"products\":[" PROD "]}",
	    "/severity", "critical");
	check_error(
	    "{\"rampart_advisory\":1,\"id\":\"x\",\"title\":\"t\","
	    "\"published\":\"2024-01-01T00:00:00Z\",\"cve\":\"CVE-23-1\","
	    "\"products\":[" PROD "]}",
	    "/cve", "CVE ID");
	check_error("{\"rampart_advisory\":1,\"id\":\"x\",\"title\":\"t\","
		    "\"published\":\"2024-01-01T00:00:00Z\"}",
	    "", "products or indicators");
	check_error("{\"rampart_advisory\":1,\"id\":\"x\",\"title\":\"t\","
		    "\"published\":\"2024-01-01T00:00:00Z\","
		    "\"references\":[\"www.example.com\"],\"products\":[" PROD
		    "]}",
	    "/references/0", "scheme");
	check_error(
	    DOC("{\"id\":\"p\",\"product\":\"App\",\"versions\":\"1\"}", ""),
	    "/products/0/versions", "array");
	check_error(DOC("{\"id\":\"p\",\"versions\":[\"1\"]}", ""),
	    "/products/0", "\"product\"");
	check_error(DOC(PROD "," PROD, ""), "/products/1/id", "not unique");
	check_error(DOC("{\"id\":\"p\",\"product\":\"App\",\"versions\":["
			"\"1.0\",\"2.0\"],\"fixed\":\"2.0\"}",
			""),
	    "/products/0/fixed", "listed twice");
	check_error(DOC("{\"id\":\"p\",\"product\":\"App\",\"scheme\":\"deb\","
			"\"affected\":\"vers:generic/<2.0\"}",
			""),
	    "/products/0/affected", "scheme deb");
	check_error(
	    DOC("{\"id\":\"p\",\"product\":\"App\",\"scheme\":\"apk\"}", ""),
	    "/products/0/scheme", "generic");
	check_error(DOC("{\"id\":\"p\",\"product\":\"App\","
			"\"status\":\"not_affected\",\"fixed\":\"2.0\"}",
			""),
	    "/products/0/fixed", "only affected");
	check_error(DOC("{\"id\":\"p\",\"product\":\"App\",\"fixed\":\"2.0\","
			"\"remediation\":{\"category\":\"patch\","
			"\"details\":\"x\"}}",
			""),
	    "/products/0/remediation/category", "vendor_fix");
	check_error(DOC("{\"id\":\"p\",\"product\":\"App\",\"remediation\":{"
			"\"details\":\"x\",\"url\":\"not a url\"}}",
			""),
	    "/products/0/remediation/url", "not a URL");
	check_error(DOC(PROD, "{\"type\":\"sha256\",\"value\":\"abc\"}"),
	    "/indicators/0/value", "SHA-256 hash has 64 hex digits");
	check_error(DOC(PROD,
			"{\"type\":\"md5\",\"value\":"
			"\"0eeb1c0133eb4d571178b2d9d14ce3eZ\"}"),
	    "/indicators/0/value", "hexadecimal");
	check_error(
	    DOC(PROD, "{\"type\":\"domain\",\"value\":\"exa mple.com\"}"),
	    "/indicators/0/value", "letters");
	check_error(DOC(PROD, "{\"type\":\"domain\",\"value\":\"localhost\"}"),
	    "/indicators/0/value", "two labels");
	check_error(DOC(PROD, "{\"type\":\"domain\",\"value\":\"-a.com\"}"),
	    "/indicators/0/value", "'-'");
	check_error(DOC(PROD, "{\"type\":\"ip\",\"value\":\"300.1.1.1\"}"),
	    "/indicators/0/value", "IPv4");
	check_error(DOC(PROD, "{\"type\":\"ip\",\"value\":\"10.0.0.0/33\"}"),
	    "/indicators/0/value", "prefix");
	check_error(DOC(PROD, "{\"type\":\"ip\",\"value\":\"2001:db8::g\"}"),
	    "/indicators/0/value", "IPv6");
	check_error(DOC(PROD, "{\"type\":\"url\",\"value\":\"evil.com/x\"}"),
	    "/indicators/0/value", "scheme");
	check_error(DOC(PROD, "{\"type\":\"url\",\"value\":\"http://a b/\"}"),
	    "/indicators/0/value", "spaces");
	check_error(
	    DOC(PROD, "{\"type\":\"url\",\"value\":\"http://x.com:0/\"}"),
	    "/indicators/0/value", "port");
	check_error(DOC(PROD,
			"{\"type\":\"url\",\"value\":"
			"\"http://[::1]x/\"}"),
	    "/indicators/0/value", "IPv6");
	check_error(DOC(PROD, "{\"type\":\"mutex\",\"value\":\"x\"}"),
	    "/indicators/0/type", "mutex");
	check_error(DOC(PROD, "{\"type\":\"yara\",\"name\":\"r\"}"),
	    "/indicators/0", "\"rule\"");
	check_error(DOC(PROD,
			"{\"type\":\"yara\",\"name\":\"r\","
			"\"rule\":\"rule s { condition: true }\"}"),
	    "/indicators/0/rule", "no rule of that name");
	check_error(
	    DOC(PROD, "{\"type\":\"yara\",\"rule\":\"condition: true\"}"),
	    "/indicators/0/rule", "declares no YARA rule");
	check_error(DOC(PROD,
			"{\"type\":\"sha256\",\"value\":\""
			"aa124a4b4df12b34e74ee7f6c683b2ebec4ce9a8edcf9be3"
			"45823b4fdcf5d868\",\"size\":-1}"),
	    "/indicators/0/size", "bytes");
	check_error(
	    DOC(PROD, "{\"type\":\"domain\"}"), "/indicators/0", "\"value\"");
	/* versions are checked by their scheme where Rampart has it */
	if (version_scheme_from_name("semver", &vs) == 0) {
		check_error(DOC("{\"id\":\"p\",\"product\":\"App\","
				"\"scheme\":\"semver\",\"versions\":[\"1.0\"]}",
				""),
		    "/products/0/versions/0", "not a semver version");
		check_error(DOC("{\"id\":\"p\",\"product\":\"App\","
				"\"scheme\":\"semver\","
				"\"affected\":\"vers:semver/<1.x\"}",
				""),
		    "/products/0/affected", "1.x");
	}
}

static void
test_normalizing(void **state)
{
	struct rp_diags *d = rp_diags_new();
	const struct adv_product *p;
	const struct adv_indicator *i;
	struct advisory *a;

	(void)state;
	assert_int_equal(
	    read_str(
		DOC("{\"id\":\"all\",\"vendor\":\"ACME\","
		    "\"product\":\"Widget\",\"platform\":\"plan9\","
		    "\"colour\":\"red\"},"
		    "{\"id\":\"rng\",\"product\":\"Tool\",\"scheme\":"
		    "\"semver\",\"affected\":\"vers:semver/>=1.0.0|<1.2.0\","
		    "\"fixed\":\"1.2.0\"},"
		    "{\"id\":\"web\",\"product\":\"Web\","
		    "\"status\":\"not_affected\"}",
		    "{\"type\":\"url\",\"value\":\"hxxps://Evil[.]Example[.]com"
		    "/Path?q=1\"},"
		    "{\"type\":\"ip\",\"value\":\"198.51.100[.]7\"},"
		    "{\"type\":\"ip\",\"value\":\"2001:DB8::1/64\"},"
		    "{\"type\":\"domain\",\"value\":\"fxpro.com.\"},"
		    "{\"type\":\"domain\",\"value\":\"FXPRO.com\"},"
		    "{\"type\":\"sha1\",\"value\":"
		    "\"BFECB8CE89A312D2EF4AFC64A63847AE11C6F69E\",\"size\":"
		    "1024},"
		    "{\"type\":\"filename\",\"value\":\"ffmpeg.dll\"},"
		    "{\"type\":\"url\",\"value\":\"http://[2001:db8::2]:8080/"
		    "x\"}"),
		&a, d),
	    0);
	/* neither versions nor a range: every version */
	p = advisory_product(a, "all");
	assert_string_equal(p->range, "vers:generic/*");
	assert_string_equal(p->name, "ACME Widget (plan9)");
	assert_non_null(
	    find_diag(d, RP_DIAG_WARNING, "/products/0/platform", "plan9"));
	assert_non_null(
	    find_diag(d, RP_DIAG_WARNING, "/products/0/colour", "unknown"));
	p = advisory_product(a, "rng");
	assert_string_equal(p->range, "vers:semver/>=1.0.0|<1.2.0");
	assert_int_equal(p->scheme, VERSION_SCHEME_SEMVER);
	/* parsed once, by the reader */
	assert_non_null(p->vr);
	assert_int_equal(p->vr->n, 2);
	assert_null(p->range_err);
	p = advisory_product(a, "rng@1.2.0");
	assert_string_equal(p->version, "1.2.0");
	/* The fixed version as data; presenters write the advice. */
	assert_null(a->vulns[0].remediations[0].details);
	assert_string_equal(a->vulns[0].remediations[0].fix_version, "1.2.0");
	assert_string_equal(
	    a->vulns[0].status[ADV_STATUS_KNOWN_NOT_AFFECTED][0], "web");
	assert_non_null(
	    find_ioc(a, ADV_IOC_URL, "https://evil.example.com/Path?q=1"));
	assert_non_null(find_ioc(a, ADV_IOC_IP, "198.51.100.7"));
	assert_non_null(find_ioc(a, ADV_IOC_IP, "2001:db8::1/64"));
	/* not mistaken for a defanged "ftp" */
	assert_non_null(find_ioc(a, ADV_IOC_DOMAIN, "fxpro.com"));
	assert_non_null(
	    find_diag(d, RP_DIAG_WARNING, "/indicators/4", "duplicate"));
	i = find_ioc(
	    a, ADV_IOC_SHA1, "bfecb8ce89a312d2ef4afc64a63847ae11c6f69e");
	assert_non_null(i);
	assert_int_equal(i->size, 1024);
	assert_non_null(find_ioc(a, ADV_IOC_FILENAME, "ffmpeg.dll"));
	assert_non_null(
	    find_ioc(a, ADV_IOC_URL, "http://[2001:db8::2]:8080/x"));
	assert_int_equal(a->niocs, 7);
	assert_string_equal(a->status, "final");
	assert_string_equal(a->current_release, "2024-01-01T00:00:00Z");
	advisory_free(a);
	rp_diags_free(d);
}

/* The complete example of docs/advisory-native.md reads as it says. */
static void
test_doc_example(void **state)
{
	struct rp_diags *d = rp_diags_new();
	char *p =
	    data_path("RAMPART_TEST_DATA", "../../docs/advisory-native.md");
	char *md = slurp(p), *start, *end;
	const struct adv_vuln *v;
	struct advisory *a;

	(void)state;
	free(p);
	start = strstr(md, "## Complete example");
	assert_non_null(start);
	start = strstr(start, "```json\n");
	assert_non_null(start);
	start += 8;
	end = strstr(start, "```");
	assert_non_null(end);
	*end = '\0';
	assert_int_equal(read_str(start, &a, d), 0);
	assert_int_equal(d->n, 0);
	v = &a->vulns[0];
	assert_int_equal(v->nstatus[ADV_STATUS_KNOWN_AFFECTED], 6);
	assert_int_equal(v->nstatus[ADV_STATUS_FIXED], 2);
	assert_int_equal(v->nstatus[ADV_STATUS_KNOWN_NOT_AFFECTED], 1);
	assert_string_equal(
	    advisory_product(a, "3cx-web")->range, "vers:generic/*");
	assert_int_equal(v->nremediations, 2);
	assert_int_equal(a->niocs, 10);
	assert_non_null(find_ioc(a, ADV_IOC_DOMAIN, "akamaicontainer.com"));
	advisory_free(a);
	free(md);
	rp_diags_free(d);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_3cx_model),
	    cmocka_unit_test(test_3cx_matches_published_lists),
	    cmocka_unit_test(test_broken),
	    cmocka_unit_test(test_normalizing),
	    cmocka_unit_test(test_doc_example),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
