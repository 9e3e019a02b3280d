/*
 * Unit tests of the CycloneDX reader and writer: real-world-shaped BOMs
 * (Rampart's own, syft's), nesting, skipped components with their JSON
 * pointers, header errors, the write -> read round trip, and the written
 * BOM checked against the structure of the CycloneDX 1.5 JSON schema.
 */
#include <ctype.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "inventory/inventory.h"
#include "json/rpjson.h"
#include "util/err.h"
#include "util/str.h"

#include "inv_test.h"

/* Parses text and reads it as CycloneDX; returns the RP_ERR code. */
static int
read_text(const char *text, struct inv_host **out, struct rp_diags *d)
{
	json_t *root;
	int r;

	root = rpjson_load_buf(text, strlen(text), d);
	assert_non_null(root);
	r = cyclonedx_read(root, out, d);
	json_decref(root);
	return r;
}

static void
test_read_rampart_bom(void **state)
{
	struct rp_diags *d = rp_diags_new();
	struct inv_set *set = inv_set_new();
	const struct inv_software *sw;
	const struct inv_host *h;

	assert_int_equal(
	    inventory_read_file(fixture("ws-acct-01.cdx.json"), set, d), 0);
	dump_diags(d);
	assert_int_equal(d->nwarnings + d->nerrors, 0);
	assert_int_equal(set->n, 1);
	h = set->hosts[0];
	assert_string_equal(h->name, "ws-acct-01");
	assert_string_equal(h->id, "5b1f0c2e-7d4a-4e8e-9a51-0c6f3e2d9a11");
	assert_string_equal(h->customer, "Mueller Steuerberatung");
	assert_string_equal(h->arch, "x86_64");
	assert_string_equal(h->os, "Windows");
	assert_string_equal(h->os_version, "11 23H2");
	assert_int_equal(h->nsw, 2);
	sw = &h->sw[0];
	assert_string_equal(sw->name, "3CX Desktop App");
	assert_string_equal(sw->vendor, "3CX Ltd");
	assert_string_equal(sw->version, "18.12.416.0");
	assert_int_equal(sw->source, INV_SOURCE_WINREG);
	assert_int_equal(sw->scheme, VERSION_SCHEME_GENERIC);
	assert_string_equal(sw->arch, "x86_64");
	assert_string_equal(sw->path,
	    "C:\\Users\\anna\\AppData\\Local\\Programs\\3CXDesktopApp");
	/* No scheme property: it follows the source. */
	assert_int_equal(h->sw[1].scheme, VERSION_SCHEME_GENERIC);
	inv_set_free(set);
	rp_diags_free(d);
}

static void
test_read_syft_bom(void **state)
{
	struct rp_diags *d = rp_diags_new();
	struct inv_set *set = inv_set_new();
	const struct inv_software *sw;
	const struct inv_host *h;

	assert_int_equal(
	    inventory_read_file(fixture("syft-debian12.cdx.json"), set, d), 0);
	dump_diags(d);
	/* Other tools' properties are not Rampart's business: no noise. */
	assert_int_equal(d->nwarnings + d->nerrors, 0);
	h = set->hosts[0];
	assert_string_equal(h->name, "web01");
	assert_string_equal(h->os, "debian");
	assert_string_equal(h->os_version, "12");
	/* Three packages; the OS and the file component are not software. */
	assert_int_equal(h->nsw, 3);
	sw = &h->sw[0];
	assert_string_equal(sw->name, "libc6");
	assert_string_equal(sw->version, "2.36-9+deb12u4");
	assert_string_equal(
	    sw->vendor, "GNU Libc Maintainers <debian-glibc@lists.debian.org>");
	assert_int_equal(sw->scheme, VERSION_SCHEME_DEB);
	assert_int_equal(sw->source, INV_SOURCE_DPKG);
	assert_string_equal(sw->arch, "amd64");
	assert_string_equal(sw->purl,
	    "pkg:deb/debian/"
	    "libc6@2.36-9%2Bdeb12u4?arch=amd64&distro=debian-12");
	assert_string_equal(
	    sw->cpe, "cpe:2.3:a:libc6:libc6:2.36-9\\+deb12u4:*:*:*:*:*:*:*");
	assert_string_equal(h->sw[1].version, "3.0.11-1~deb12u2");
	assert_string_equal(h->sw[2].arch, "all");
	inv_set_free(set);
	rp_diags_free(d);
}

/* trivy's shape: legacy tools array, rpm epoch only in the purl. */
static void
test_read_trivy_bom(void **state)
{
	struct rp_diags *d = rp_diags_new();
	struct inv_set *set = inv_set_new();
	const struct inv_host *h;

	assert_int_equal(
	    inventory_read_file(fixture("trivy-rhel9.cdx.json"), set, d), 0);
	dump_diags(d);
	assert_int_equal(d->nwarnings + d->nerrors, 0);
	h = set->hosts[0];
	assert_string_equal(h->name, "db02");
	assert_string_equal(h->os, "redhat");
	assert_string_equal(h->os_version, "9.3");
	assert_int_equal(h->nsw, 3);
	assert_string_equal(h->sw[0].version, "5.1.8-6.el9_1");
	assert_string_equal(h->sw[0].vendor, "Red Hat, Inc.");
	assert_int_equal(h->sw[0].scheme, VERSION_SCHEME_RPM);
	assert_int_equal(h->sw[0].source, INV_SOURCE_RPM);
	assert_string_equal(h->sw[0].arch, "x86_64");
	/* openssl-libs has epoch 1: compared as 1:3.0.7-24.el9. */
	assert_string_equal(h->sw[1].name, "openssl-libs");
	assert_string_equal(h->sw[1].version, "1:3.0.7-24.el9");
	/* A Python package: no ordering Rampart knows from the purl. */
	assert_string_equal(h->sw[2].name, "requests");
	assert_int_equal(h->sw[2].source, INV_SOURCE_UNKNOWN);
	assert_null(h->sw[2].arch);
	inv_set_free(set);
	rp_diags_free(d);
}

static void
test_nested_components(void **state)
{
	struct rp_diags *d = rp_diags_new();
	struct inv_host *h = NULL;
	const char *bom =
	    "{\"bomFormat\":\"CycloneDX\",\"specVersion\":\"1.6\",\"version\":"
	    "1,"
	    "\"metadata\":{\"component\":{\"type\":\"device\",\"name\":\"h1\","
	    "\"components\":[{\"type\":\"firmware\",\"name\":\"BIOS\","
	    "\"version\":\"1.2\",\"supplier\":{\"name\":\"Dell Inc.\"}}]}},"
	    "\"components\":[{\"type\":\"application\",\"name\":\"Office\","
	    "\"version\":\"16.0\",\"author\":\"Microsoft\",\"components\":["
	    "{\"type\":\"library\",\"name\":\"mso.dll\",\"version\":\"16.0.1\","
	    "\"group\":\"microsoft\"},"
	    "{\"type\":\"library\",\"name\":\"vc\",\"version\":\"14\","
	    "\"manufacturer\":{\"name\":\"MS\"},\"group\":\"g\"},"
	    "{\"type\":\"data\",\"name\":\"templates\",\"components\":["
	    "{\"name\":\"untyped\",\"version\":\"2\"}]}]}]}";

	assert_int_equal(read_text(bom, &h, d), 0);
	assert_non_null(h);
	assert_int_equal(h->nsw, 5);
	assert_string_equal(h->sw[0].name, "BIOS");
	assert_string_equal(h->sw[0].vendor, "Dell Inc.");
	assert_string_equal(h->sw[1].name, "Office");
	assert_string_equal(h->sw[1].vendor, "Microsoft");
	assert_string_equal(h->sw[2].name, "mso.dll");
	assert_string_equal(h->sw[2].vendor, "microsoft");
	assert_string_equal(h->sw[3].name, "vc");
	assert_string_equal(h->sw[3].vendor, "MS");
	assert_string_equal(h->sw[4].name, "untyped");
	/* The component without a type is read, with a warning. */
	assert_true(has_diag(
	    d, RP_DIAG_WARNING, "/components/0/components/2/components/0"));
	assert_null(h->os);
	inv_host_free(h);
	rp_diags_free(d);
}

static void
test_depth_bound(void **state)
{
	struct rp_diags *d = rp_diags_new();
	struct rp_buf b;
	struct inv_host *h = NULL;
	int i;

	rp_buf_init(&b, 1 << 20);
	rp_buf_append(&b,
	    "{\"bomFormat\":\"CycloneDX\",\"specVersion\":\"1.5\","
	    "\"metadata\":{\"component\":{\"type\":\"device\","
	    "\"name\":\"deep\"}},\"components\":");
	for (i = 0; i < 40; i++)
		rp_buf_appendf(&b,
		    "[{\"type\":\"library\",\"name\":\"l%d\",\"version\":\"1\","
		    "\"components\":",
		    i);
	rp_buf_append(&b, "[]");
	for (i = 0; i < 40; i++)
		rp_buf_append(&b, "}]");
	rp_buf_append(&b, "}");
	assert_false(b.failed);
	assert_int_equal(read_text(b.s, &h, d), 0);
	/* Levels 0..16 are read, deeper ones are not (with a warning). */
	assert_int_equal(h->nsw, 17);
	assert_int_equal(d->nwarnings, 1);
	rp_buf_free(&b);
	inv_host_free(h);
	rp_diags_free(d);
}

static void
test_property_bound(void **state)
{
	struct rp_diags *d = rp_diags_new();
	struct rp_buf b;
	struct inv_host *h = NULL;
	int i;

	rp_buf_init(&b, 1 << 20);
	rp_buf_append(&b,
	    "{\"bomFormat\":\"CycloneDX\",\"specVersion\":\"1.5\","
	    "\"metadata\":{\"component\":{\"name\":\"p\"}},"
	    "\"components\":[{\"type\":\"library\",\"name\":\"x\","
	    "\"version\":\"1\",\"properties\":[");
	for (i = 0; i < 300; i++)
		rp_buf_appendf(
		    &b, "{\"name\":\"other:%d\",\"value\":\"v\"},", i);
	rp_buf_append(
	    &b, "{\"name\":\"rampart:arch\",\"value\":\"arm64\"}]}]}");
	assert_false(b.failed);
	assert_int_equal(read_text(b.s, &h, d), 0);
	/* Past the first 256 properties nothing is read. */
	assert_null(h->sw[0].arch);
	assert_int_equal(d->nwarnings, 1);
	assert_true(has_diag(d, RP_DIAG_WARNING, "/components/0/properties"));
	rp_buf_free(&b);
	inv_host_free(h);
	rp_diags_free(d);
}

static void
test_bad_components(void **state)
{
	struct rp_diags *d = rp_diags_new();
	struct inv_host *h = NULL;
	const char *bom =
	    "{\"bomFormat\":\"CycloneDX\",\"specVersion\":\"1.4\",\"version\":"
	    "1,"
	    "\"metadata\":{\"component\":{\"type\":\"device\",\"name\":\"h2\","
	    "\"properties\":[{\"name\":\"rampart:host:customer\","
	    "\"value\":\"C1\"},{\"name\":\"rampart:host:nonsense\","
	    "\"value\":\"x\"},{\"value\":\"no name\"}]}},"
	    "\"components\":["
	    "{\"type\":\"application\",\"name\":\"ok\",\"version\":\"1.0\","
	    "\"purl\":17,\"properties\":[{\"name\":\"rampart:source\","
	    "\"value\":\"floppy\"},{\"name\":\"rampart:scheme\","
	    "\"value\":\"rpm\"},{\"name\":\"rampart:scheme\","
	    "\"value\":\"deb\"}]},"
	    "{\"type\":\"application\",\"name\":\"no version\"},"
	    "{\"type\":\"application\",\"name\":\"num\",\"version\":2},"
	    "{\"type\":\"application\",\"version\":\"1\"},"
	    "{\"type\":\"application\",\"name\":\"ctl\",\"version\":"
	    "\"1\\u001b\"},"
	    "{\"type\":7,\"name\":\"t\",\"version\":\"1\"},"
	    "[],"
	    "{\"type\":\"cryptographic-asset\",\"name\":\"rsa\",\"version\":"
	    "\"1\"},"
	    "{\"type\":\"library\",\"name\":\"kids\",\"version\":\"1\","
	    "\"components\":{}}"
	    "]}";

	assert_int_equal(read_text(bom, &h, d), 0);
	assert_non_null(h);
	assert_string_equal(h->customer, "C1");
	assert_int_equal(h->nsw, 2);
	assert_string_equal(h->sw[0].name, "ok");
	assert_null(h->sw[0].purl);
	assert_int_equal(h->sw[0].source, INV_SOURCE_UNKNOWN);
	assert_int_equal(h->sw[0].scheme, VERSION_SCHEME_RPM);
	assert_string_equal(h->sw[1].name, "kids");
	assert_int_equal(d->nerrors, 0);
	assert_true(
	    has_diag(d, RP_DIAG_WARNING, "/metadata/component/properties/1"));
	assert_true(
	    has_diag(d, RP_DIAG_WARNING, "/metadata/component/properties/2"));
	assert_true(has_diag(d, RP_DIAG_WARNING, "/components/0/purl"));
	assert_true(has_diag(d, RP_DIAG_WARNING, "/components/0"));
	assert_true(has_diag(d, RP_DIAG_WARNING, "/components/0/properties/2"));
	assert_true(has_diag(d, RP_DIAG_WARNING, "/components/1"));
	assert_true(has_diag(d, RP_DIAG_WARNING, "/components/2/version"));
	assert_true(has_diag(d, RP_DIAG_WARNING, "/components/3"));
	assert_true(has_diag(d, RP_DIAG_WARNING, "/components/4/version"));
	assert_true(has_diag(d, RP_DIAG_WARNING, "/components/5"));
	assert_true(has_diag(d, RP_DIAG_WARNING, "/components/6"));
	/* An unknown (newer) type is skipped quietly. */
	assert_false(has_diag(d, RP_DIAG_WARNING, "/components/7"));
	assert_true(has_diag(d, RP_DIAG_WARNING, "/components/8/components"));
	inv_host_free(h);
	rp_diags_free(d);
}

static void
test_os_image_bom(void **state)
{
	struct rp_diags *d = rp_diags_new();
	struct inv_host *h = NULL;
	const char *bom =
	    "{\"bomFormat\":\"CycloneDX\",\"specVersion\":\"1.5\",\"version\":"
	    "1,"
	    "\"metadata\":{\"component\":{\"type\":\"operating-system\","
	    "\"name\":\"rhel\",\"version\":\"9.3\"}},\"components\":["
	    "{\"type\":\"library\",\"name\":\"bash\",\"version\":\"5.1.8-6."
	    "el9\","
	    "\"purl\":\"pkg:rpm/redhat/"
	    "bash@5.1.8-6.el9?arch=x86_64&epoch=1\"}]}";

	assert_int_equal(read_text(bom, &h, d), 0);
	assert_string_equal(h->name, "rhel");
	assert_string_equal(h->os, "rhel");
	assert_string_equal(h->os_version, "9.3");
	assert_string_equal(h->sw[0].version, "1:5.1.8-6.el9");
	assert_int_equal(h->sw[0].scheme, VERSION_SCHEME_RPM);
	assert_int_equal(h->sw[0].source, INV_SOURCE_RPM);
	assert_string_equal(h->sw[0].arch, "x86_64");
	inv_host_free(h);
	rp_diags_free(d);
}

/* Reads inventory fixture name: one host, no errors; returns the set. */
static struct inv_set *
read_one(const char *name, struct rp_diags *d)
{
	struct inv_set *set = inv_set_new();

	if (inventory_read_file(fixture(name), set, d) != 0 ||
	    d->nerrors != 0 || set->n != 1) {
		dump_diags(d);
		fail_msg("%s: not read as one host", name);
	}
	return set;
}

/* The note at pointer, which must contain needle. */
static void
expect_note(const struct rp_diags *d, const char *pointer, const char *needle)
{
	size_t i;

	for (i = 0; i < d->n; i++) {
		if (d->v[i].level == RP_DIAG_NOTE &&
		    strcmp(d->v[i].pointer, pointer) == 0 &&
		    strstr(d->v[i].msg, needle) != NULL)
			return;
	}
	dump_diags(d);
	fail_msg("no note \"%s\" at \"%s\"", needle, pointer);
}

/* CycloneDX 1.2: a tools array, nested components, no properties. */
static void
test_read_v12(void **state)
{
	struct rp_diags *d = rp_diags_new();
	struct inv_set *set = read_one("cdx/v1.2-device.cdx.json", d);
	const struct inv_host *h = set->hosts[0];

	assert_int_equal(d->n, 0);
	assert_string_equal(h->name, "kiosk-07");
	assert_string_equal(h->os, "Ubuntu");
	assert_string_equal(h->os_version, "20.04");
	assert_int_equal(h->nsw, 2);
	assert_string_equal(h->sw[0].name, "openssl");
	assert_string_equal(h->sw[0].vendor, "Ubuntu Developers");
	assert_int_equal(h->sw[0].scheme, VERSION_SCHEME_DEB);
	assert_int_equal(h->sw[0].source, INV_SOURCE_DPKG);
	assert_string_equal(h->sw[1].name, "libssl1.1");
	assert_string_equal(h->sw[1].vendor, "Ubuntu");
	inv_set_free(set);
	rp_diags_free(d);
}

/* CycloneDX 1.3: properties, a container as the described component. */
static void
test_read_v13(void **state)
{
	struct rp_diags *d = rp_diags_new();
	struct inv_set *set = read_one("cdx/v1.3-properties.cdx.json", d);
	const struct inv_host *h = set->hosts[0];

	assert_int_equal(d->n, 0);
	assert_string_equal(h->name, "registry.example/app:2.1");
	assert_string_equal(h->customer, "Beispiel GmbH");
	assert_int_equal(h->nsw, 1);
	assert_string_equal(h->sw[0].name, "musl");
	assert_string_equal(h->sw[0].arch, "x86_64");
	inv_set_free(set);
	rp_diags_free(d);
}

/* A VEX BOM: no metadata.component; named after its serial number. */
static void
test_read_vex(void **state)
{
	struct rp_diags *d = rp_diags_new();
	struct inv_set *set = read_one("cdx/v1.4-vex.cdx.json", d);
	const struct inv_host *h = set->hosts[0];

	assert_int_equal(d->nwarnings, 0);
	assert_int_equal(d->nnotes, 1);
	expect_note(d, "",
	    "software list named \"urn:uuid:3e671687-395b-41f5-"
	    "a30f-a58921a69b79\" after its serial number");
	assert_string_equal(
	    h->name, "urn:uuid:3e671687-395b-41f5-a30f-a58921a69b79");
	assert_null(h->os);
	assert_int_equal(h->nsw, 1);
	assert_string_equal(h->sw[0].name, "3CX Desktop App");
	assert_string_equal(h->sw[0].version, "18.12.416");
	assert_string_equal(h->sw[0].vendor, "3CX Ltd");
	inv_set_free(set);
	rp_diags_free(d);
}

/*
 * The SBOM of one application: the application is an entry, not the
 * host; without a serial number the list is named after the file.
 */
static void
test_read_app_sbom(void **state)
{
	struct rp_diags *d = rp_diags_new();
	struct inv_set *set = read_one("cdx/v1.5-app-sbom.cdx.json", d);
	const struct inv_host *h = set->hosts[0];

	assert_int_equal(d->nnotes, 1);
	expect_note(d, "/metadata/component",
	    "describes the application \"billing-ui\", not a host");
	assert_string_equal(h->name, "v1.5-app-sbom.cdx.json");
	assert_int_equal(h->nsw, 3);
	assert_string_equal(h->sw[0].name, "billing-ui");
	assert_string_equal(h->sw[0].version, "3.4.0");
	assert_int_equal(h->sw[0].scheme, VERSION_SCHEME_SEMVER);
	assert_string_equal(h->sw[1].name, "lodash");
	assert_string_equal(h->sw[2].name, "left-pad");
	inv_set_free(set);
	rp_diags_free(d);
}

/* CycloneDX 1.6: components only, no serial: named after the file. */
static void
test_read_v16_list(void **state)
{
	struct rp_diags *d = rp_diags_new();
	struct inv_set *set = read_one("cdx/v1.6-components-only.cdx.json", d);
	const struct inv_host *h = set->hosts[0];

	expect_note(d, "",
	    "named \"v1.6-components-only.cdx.json\" after its "
	    "file");
	assert_string_equal(h->name, "v1.6-components-only.cdx.json");
	assert_int_equal(h->nsw, 1);
	assert_string_equal(h->sw[0].name, "BIOS");
	assert_string_equal(h->sw[0].vendor, "Dell Inc.");
	inv_set_free(set);
	rp_diags_free(d);
}

/*
 * Read from memory (no file), a BOM without serial number or host still
 * reads, under a fixed name; and a bad serial number is not a name.
 */
static void
test_software_list_names(void **state)
{
	struct rp_diags *d = rp_diags_new();
	struct inv_host *h = NULL;

	assert_int_equal(read_text("{\"bomFormat\":\"CycloneDX\","
				   "\"specVersion\":\"1.5\"}",
			     &h, d),
	    0);
	assert_string_equal(h->name, "(unnamed software list)");
	assert_int_equal(h->nsw, 0);
	assert_int_equal(d->nnotes, 1);
	inv_host_free(h);
	rp_diags_clear(d);
	assert_int_equal(
	    read_text("{\"bomFormat\":\"CycloneDX\",\"specVersion\":\"1.4\","
		      "\"serialNumber\":\"a\\u0001b\",\"components\":[]}",
		&h, d),
	    0);
	assert_string_equal(h->name, "(unnamed software list)");
	inv_host_free(h);
	rp_diags_free(d);
}

/* Reads text expecting failure r with an error at pointer. */
static void
expect_error(const char *text, int r, const char *pointer)
{
	struct rp_diags *d = rp_diags_new();
	struct inv_host *h = (struct inv_host *)1;

	assert_int_equal(read_text(text, &h, d), r);
	assert_null(h);
	if (!has_diag(d, RP_DIAG_ERROR, pointer)) {
		dump_diags(d);
		fail_msg("no error at \"%s\"", pointer);
	}
	rp_diags_free(d);
}

static void
test_header_errors(void **state)
{
	expect_error("[]", RP_ERR_INVALID, "");
	expect_error("{\"bomFormat\":\"SPDX\",\"specVersion\":\"1.5\"}",
	    RP_ERR_INVALID, "/bomFormat");
	expect_error("{\"bomFormat\":\"CycloneDX\",\"specVersion\":1.5}",
	    RP_ERR_INVALID, "/specVersion");
	expect_error("{\"bomFormat\":\"CycloneDX\",\"specVersion\":\"1.1\"}",
	    RP_ERR_UNSUPPORTED, "/specVersion");
	expect_error("{\"bomFormat\":\"CycloneDX\",\"specVersion\":\"1.7\"}",
	    RP_ERR_UNSUPPORTED, "/specVersion");
	expect_error("{\"bomFormat\":\"CycloneDX\",\"specVersion\":\"1.5\","
		     "\"metadata\":{\"component\":[]}}",
	    RP_ERR_INVALID, "/metadata/component");
	expect_error("{\"bomFormat\":\"CycloneDX\",\"specVersion\":\"1.5\","
		     "\"metadata\":{\"component\":{\"type\":\"device\"}}}",
	    RP_ERR_INVALID, "/metadata/component");
	expect_error("{\"bomFormat\":\"CycloneDX\",\"specVersion\":\"1.5\","
		     "\"metadata\":{\"component\":{\"name\":[]}}}",
	    RP_ERR_INVALID, "/metadata/component/name");
	expect_error("{\"bomFormat\":\"CycloneDX\",\"specVersion\":\"1.5\","
		     "\"metadata\":{\"component\":{\"name\":\"a\\nb\"}}}",
	    RP_ERR_INVALID, "/metadata/component/name");
}

static void
test_read_file_errors(void **state)
{
	struct rp_diags *d = rp_diags_new();
	struct inv_set *set = inv_set_new();

	assert_int_equal(
	    inventory_read_file(fixture("old-spec.cdx.json"), set, d),
	    RP_ERR_UNSUPPORTED);
	assert_true(has_diag(d, RP_DIAG_ERROR, "/specVersion"));
	assert_int_equal(
	    inventory_read_file(fixture("does-not-exist.json"), set, d),
	    RP_ERR_NOTFOUND);
	assert_int_equal(set->n, 0);
	inv_set_free(set);
	rp_diags_free(d);
}

/* A host with every field set, and entries exercising each one. */
static struct inv_host *
full_host(void)
{
	struct inv_host *h = inv_host_new();
	struct inv_software sw;

	assert_non_null(h);
	assert_int_equal(
	    inv_host_set(h, "mac-design-02", "macOS", "13.2", "arm64"), 0);
	assert_int_equal(inv_host_set_ids(h, "C02XK0AAJG5H", "Müller & Co"), 0);
	memset(&sw, 0, sizeof(sw));
	sw.name = "3CX Desktop App";
	sw.vendor = "3CX Ltd";
	sw.version = "18.11.1213";
	sw.scheme = VERSION_SCHEME_GENERIC;
	sw.source = INV_SOURCE_APP_BUNDLE;
	sw.arch = "arm64";
	sw.path = "/Applications/3CX Desktop App.app";
	sw.bundle_id = "com.electron.3cx-desktop-app";
	sw.cpe = "cpe:2.3:a:3cx:3cx:18.11.1213:*:*:*:*:macos:*:*";
	assert_int_equal(inv_host_add_software(h, &sw), 0);
	memset(&sw, 0, sizeof(sw));
	sw.name = "openssl";
	sw.version = "1:3.0.11-1~deb12u2";
	sw.scheme = VERSION_SCHEME_DEB;
	sw.source = INV_SOURCE_DPKG;
	sw.arch = "amd64";
	sw.purl = "pkg:deb/debian/openssl@3.0.11-1~deb12u2?arch=amd64";
	assert_int_equal(inv_host_add_software(h, &sw), 0);
	memset(&sw, 0, sizeof(sw));
	sw.name = "left-pad";
	sw.version = "1.3.0";
	sw.scheme = VERSION_SCHEME_SEMVER;
	assert_int_equal(inv_host_add_software(h, &sw), 0);
	/* Twice the same: still two distinct components. */
	assert_int_equal(inv_host_add_software(h, &sw), 0);
	return h;
}

static void
test_round_trip(void **state)
{
	struct rp_diags *d = rp_diags_new();
	struct inv_host *h = full_host(), *back = NULL;
	json_t *bom, *again;

	bom = cyclonedx_write(h);
	again = reparse(bom);
	assert_int_equal(cyclonedx_read(again, &back, d), 0);
	dump_diags(d);
	assert_int_equal(d->nwarnings + d->nerrors, 0);
	assert_host_equal(h, back);
	json_decref(bom);
	json_decref(again);
	inv_host_free(back);
	inv_host_free(h);
	rp_diags_free(d);
}

/* ---- the written BOM against the CycloneDX 1.5 schema's structure ---- */

static const char *const bom_keys[] = {"$schema", "bomFormat", "specVersion",
    "serialNumber", "version", "metadata", "components", "services",
    "externalReferences", "dependencies", "compositions", "properties",
    "vulnerabilities", "annotations", "formulation", "signature", NULL};
static const char *const metadata_keys[] = {"timestamp", "lifecycles", "tools",
    "authors", "component", "manufacture", "supplier", "licenses", "properties",
    NULL};
static const char *const component_keys[] = {"type", "mime-type", "bom-ref",
    "supplier", "author", "publisher", "group", "name", "version",
    "description", "scope", "hashes", "licenses", "copyright", "cpe", "purl",
    "swid", "modified", "pedigree", "externalReferences", "properties",
    "components", "evidence", "releaseNotes", "modelCard", "data", "signature",
    NULL};
static const char *const component_types[] = {"application", "framework",
    "library", "container", "platform", "operating-system", "device",
    "device-driver", "firmware", "file", "machine-learning-model", "data",
    NULL};

static int
in_list(const char *const *list, const char *s)
{
	size_t i;

	for (i = 0; list[i] != NULL; i++) {
		if (strcmp(list[i], s) == 0)
			return 1;
	}
	return 0;
}

static void
assert_keys_in(const json_t *obj, const char *const *allowed)
{
	const char *key;
	json_t *v;

	assert_true(json_is_object(obj));
	json_object_foreach((json_t *)obj, key, v)
	{
		if (!in_list(allowed, key))
			fail_msg("key \"%s\" is not in the 1.5 schema", key);
	}
}

/* ^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$ */
static int
serial_ok(const char *s)
{
	static const int groups[] = {8, 4, 4, 4, 12};
	int g, i;

	if (strncmp(s, "urn:uuid:", 9) != 0)
		return 0;
	s += 9;
	for (g = 0; g < 5; g++) {
		for (i = 0; i < groups[g]; i++, s++) {
			if (!isxdigit((unsigned char)*s) ||
			    isupper((unsigned char)*s))
				return 0;
		}
		if (g < 4 && *s++ != '-')
			return 0;
	}
	return *s == '\0';
}

/* RFC 3339 date-time as we write it: YYYY-MM-DDTHH:MM:SSZ. */
static int
timestamp_ok(const char *s)
{
	static const char *pat = "dddd-dd-ddTdd:dd:ddZ";
	size_t i;

	if (strlen(s) != strlen(pat))
		return 0;
	for (i = 0; pat[i] != '\0'; i++) {
		if (pat[i] == 'd' ? !isdigit((unsigned char)s[i])
				  : s[i] != pat[i])
			return 0;
	}
	return 1;
}

static void
check_component(const json_t *c, json_t *refs)
{
	const char *type, *ref, *key;
	json_t *p, *v, *kids;
	size_t i;

	assert_keys_in(c, component_keys);
	type = rpjson_str(c, "type");
	assert_non_null(type);
	assert_true(in_list(component_types, type));
	assert_non_null(rpjson_str(c, "name"));
	json_object_foreach((json_t *)c, key, v)
	{
		if (strcmp(key, "properties") != 0 &&
		    strcmp(key, "components") != 0)
			assert_true(json_is_string(v));
	}
	if ((ref = rpjson_str(c, "bom-ref")) != NULL) {
		/* Every bom-ref MUST be unique within the BOM. */
		assert_null(json_object_get(refs, ref));
		json_object_set_new(refs, ref, json_true());
	}
	if ((p = json_object_get(c, "properties")) != NULL) {
		assert_true(json_is_array(p));
		json_array_foreach(p, i, v)
		{
			assert_keys_in(
			    v, (const char *const[]){"name", "value", NULL});
			assert_non_null(rpjson_str(v, "name"));
			assert_non_null(rpjson_str(v, "value"));
		}
	}
	if ((kids = json_object_get(c, "components")) != NULL) {
		json_array_foreach(kids, i, v) check_component(v, refs);
	}
}

static void
check_bom_1_5(const json_t *bom)
{
	json_t *meta, *tools, *comps, *c, *refs, *v;
	size_t i;

	assert_keys_in(bom, bom_keys);
	/* required: bomFormat, specVersion, version */
	assert_string_equal(rpjson_str(bom, "bomFormat"), "CycloneDX");
	assert_string_equal(rpjson_str(bom, "specVersion"), "1.5");
	v = json_object_get(bom, "version");
	assert_true(json_is_integer(v));
	assert_true(json_integer_value(v) >= 1);
	assert_true(serial_ok(rpjson_str(bom, "serialNumber")));

	meta = json_object_get(bom, "metadata");
	assert_keys_in(meta, metadata_keys);
	assert_true(timestamp_ok(rpjson_str(meta, "timestamp")));
	/* tools: the 1.5 object form, {"components": [...]} */
	tools = json_object_get(meta, "tools");
	assert_keys_in(
	    tools, (const char *const[]){"components", "services", NULL});
	refs = json_object();
	json_array_foreach(json_object_get(tools, "components"), i, c)
	    check_component(c, refs);
	check_component(json_object_get(meta, "component"), refs);
	assert_string_equal(
	    rpjson_str(json_object_get(meta, "component"), "type"), "device");
	comps = json_object_get(bom, "components");
	assert_true(json_is_array(comps));
	json_array_foreach(comps, i, c) check_component(c, refs);
	json_decref(refs);
}

static void
test_written_bom_schema(void **state)
{
	struct inv_host *h = full_host(), *empty;
	json_t *bom, *bom2, *comps;

	bom = cyclonedx_write(h);
	assert_non_null(bom);
	check_bom_1_5(bom);
	comps = json_object_get(bom, "components");
	/* The OS, then the four entries. */
	assert_int_equal(json_array_size(comps), 5);
	assert_string_equal(
	    rpjson_str(json_array_get(comps, 0), "type"), "operating-system");
	/* Serial numbers are fresh for every BOM. */
	bom2 = cyclonedx_write(h);
	assert_string_not_equal(
	    rpjson_str(bom, "serialNumber"), rpjson_str(bom2, "serialNumber"));

	/* A host with nothing set still gives a valid BOM. */
	empty = inv_host_new();
	json_decref(bom);
	bom = cyclonedx_write(empty);
	check_bom_1_5(bom);
	assert_int_equal(
	    json_array_size(json_object_get(bom, "components")), 0);
	json_decref(bom);
	json_decref(bom2);
	inv_host_free(empty);
	inv_host_free(h);
}

/*
 * The source package of an entry (dpkg "Source:", rpm SOURCERPM): kept
 * through both formats, and read from a purl's "upstream" qualifier as
 * syft and Rampart's collectors write it.
 */
static struct inv_host *
source_host(void)
{
	struct inv_software sw[] = {
	    {.name = "libssl3",
		.version = "3.0.11-1~deb12u2",
		.source = INV_SOURCE_DPKG,
		.scheme = VERSION_SCHEME_DEB,
		.source_name = "openssl"},
	    {.name = "liblzma5",
		.version = "5.4.1-0.2+b1",
		.source = INV_SOURCE_DPKG,
		.scheme = VERSION_SCHEME_DEB,
		.source_name = "xz-utils",
		.source_version = "5.4.1-0.2"},
	    {.name = "tzdata",
		.version = "2024a-0+deb12u1",
		.source = INV_SOURCE_DPKG,
		.scheme = VERSION_SCHEME_DEB},
	};
	struct inv_host *h = inv_host_new();
	size_t i;

	assert_non_null(h);
	assert_int_equal(
	    inv_host_set(h, "db-01", "Debian GNU/Linux", "12", "x86_64"), 0);
	for (i = 0; i < sizeof(sw) / sizeof(sw[0]); i++)
		assert_int_equal(inv_host_add_software(h, &sw[i]), 0);
	return h;
}

static void
test_source_round_trip(void **state)
{
	struct inv_host *h = source_host(), *back = NULL;
	const struct inv_host *hp = h;
	struct rp_diags *d = rp_diags_new();
	struct inv_set *set = inv_set_new();
	json_t *bom, *nat;

	(void)state;
	bom = cyclonedx_write(h);
	assert_non_null(bom);
	assert_int_equal(cyclonedx_read(bom, &back, d), 0);
	assert_host_equal(h, back);
	assert_string_equal(back->sw[1].source_version, "5.4.1-0.2");
	nat = inv_native_write(&hp, 1);
	assert_non_null(nat);
	assert_int_equal(inv_native_read(nat, set, d), 0);
	assert_int_equal(set->n, 1);
	assert_host_equal(h, set->hosts[0]);
	json_decref(bom);
	json_decref(nat);
	inv_host_free(back);
	inv_host_free(h);
	inv_set_free(set);
	rp_diags_free(d);
}

/* A BOM of another producer: the source comes from the purl alone. */
static void
test_source_from_upstream(void **state)
{
	static const char *const bom_text =
	    "{\"bomFormat\":\"CycloneDX\",\"specVersion\":\"1.5\","
	    "\"components\":["
	    "{\"type\":\"library\",\"name\":\"liblzma5\","
	    "\"version\":\"5.4.1-0.2+b1\",\"purl\":\"pkg:deb/debian/"
	    "liblzma5@5.4.1-0.2%2Bb1?arch=amd64&upstream=xz-utils%405.4.1-0.2"
	    "\"},"
	    "{\"type\":\"library\",\"name\":\"libssl3\","
	    "\"version\":\"3.0.11-1~deb12u2\",\"purl\":\"pkg:deb/debian/"
	    "libssl3@3.0.11-1~deb12u2?upstream=openssl\"},"
	    "{\"type\":\"library\",\"name\":\"openssl-libs\","
	    "\"version\":\"1:3.0.7-27.el9\",\"purl\":\"pkg:rpm/redhat/"
	    "openssl-libs@3.0.7-27.el9?arch=x86_64&epoch=1&upstream=openssl-"
	    "3.0.7-27.el9.src.rpm\"},"
	    "{\"type\":\"library\",\"name\":\"bash\","
	    "\"version\":\"5.1.8-6.el9\",\"purl\":\"pkg:rpm/redhat/"
	    "bash@5.1.8-6.el9?upstream=bash-5.1.8-6.el9.src.rpm\"},"
	    "{\"type\":\"library\",\"name\":\"odd\",\"version\":\"1\","
	    "\"purl\":\"pkg:rpm/redhat/odd@1?upstream=not-a-source-rpm\"}]}";
	struct rp_diags *d = rp_diags_new();
	struct inv_host *h = NULL;
	json_error_t err;
	json_t *bom = json_loads(bom_text, 0, &err);

	(void)state;
	assert_non_null(bom);
	assert_int_equal(cyclonedx_read(bom, &h, d), 0);
	assert_int_equal(h->nsw, 5);
	assert_string_equal(h->sw[0].source_name, "xz-utils");
	assert_string_equal(h->sw[0].source_version, "5.4.1-0.2");
	assert_string_equal(h->sw[1].source_name, "openssl");
	assert_null(h->sw[1].source_version);
	assert_string_equal(h->sw[2].source_name, "openssl");
	/* The source rpm's version takes the package's epoch: equal. */
	assert_null(h->sw[2].source_version);
	/* The package's own name and version: nothing to record. */
	assert_null(h->sw[3].source_name);
	assert_null(h->sw[3].source_version);
	assert_null(h->sw[4].source_name);
	json_decref(bom);
	inv_host_free(h);
	rp_diags_free(d);
}

static void
test_srpm_split(void **state)
{
	char n[64], v[64];

	(void)state;
	assert_int_equal(inv_srpm_split("openssl-3.0.7-27.el9.src.rpm", n,
			     sizeof(n), v, sizeof(v)),
	    0);
	assert_string_equal(n, "openssl");
	assert_string_equal(v, "3.0.7-27.el9");
	assert_int_equal(inv_srpm_split("perl-Net-SSLeay-1.92-2.el9.nosrc.rpm",
			     n, sizeof(n), v, sizeof(v)),
	    0);
	assert_string_equal(n, "perl-Net-SSLeay");
	assert_string_equal(v, "1.92-2.el9");
	assert_int_equal(
	    inv_srpm_split("openssl.src.rpm", n, sizeof(n), v, sizeof(v)),
	    RP_ERR_INVALID);
	assert_int_equal(
	    inv_srpm_split("a-1-2.rpm", n, sizeof(n), v, sizeof(v)),
	    RP_ERR_INVALID);
	assert_int_equal(
	    inv_srpm_split("-1-2.src.rpm", n, sizeof(n), v, sizeof(v)),
	    RP_ERR_INVALID);
	assert_int_equal(
	    inv_srpm_split("abcdefgh-1-2.src.rpm", n, 4, v, sizeof(v)),
	    RP_ERR_LIMIT);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_read_rampart_bom),
	    cmocka_unit_test(test_read_syft_bom),
	    cmocka_unit_test(test_read_trivy_bom),
	    cmocka_unit_test(test_nested_components),
	    cmocka_unit_test(test_depth_bound),
	    cmocka_unit_test(test_property_bound),
	    cmocka_unit_test(test_bad_components),
	    cmocka_unit_test(test_os_image_bom),
	    cmocka_unit_test(test_header_errors),
	    cmocka_unit_test(test_read_v12),
	    cmocka_unit_test(test_read_v13),
	    cmocka_unit_test(test_read_vex),
	    cmocka_unit_test(test_read_app_sbom),
	    cmocka_unit_test(test_read_v16_list),
	    cmocka_unit_test(test_software_list_names),
	    cmocka_unit_test(test_read_file_errors),
	    cmocka_unit_test(test_round_trip),
	    cmocka_unit_test(test_source_round_trip),
	    cmocka_unit_test(test_source_from_upstream),
	    cmocka_unit_test(test_srpm_split),
	    cmocka_unit_test(test_written_bom_schema),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
