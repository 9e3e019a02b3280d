/*
 * Fuzzes matching: the input, read as an advisory (any format), is indexed
 * and checked against hosts whose package names, versions, purls and CPEs
 * are the input's own strings (the OS release and a source package too),
 * so the key functions see hostile text and the verdict logic sees
 * hostile product trees.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "advisory/advisory.h"
#include "inventory/inventory.h"
#include "json/rpjson.h"
#include "match/match.h"
#include "util/diag.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A host carrying the input (cut at NULs) in every package field. */
static struct inv_host *
host_from(const char *s, const char *os)
{
	struct inv_software sw;
	struct inv_host *h;

	if ((h = inv_host_new()) == NULL)
		return NULL;
	memset(&sw, 0, sizeof(sw));
	(void)inv_host_set(h, "fuzz", os, s, NULL);
	sw.name = s;
	sw.vendor = s;
	sw.version = s;
	sw.purl = s;
	sw.cpe = s;
	sw.source = INV_SOURCE_MANUAL;
	(void)inv_host_add_software(h, &sw);
	sw.name = "3CX Desktop App";
	sw.vendor = NULL;
	sw.purl = NULL;
	sw.cpe = NULL;
	sw.source = INV_SOURCE_WINREG;
	(void)inv_host_add_software(h, &sw);
	sw.name = "openssl";
	sw.version = "3.0.11-1~deb12u2";
	sw.purl = "pkg:deb/debian/openssl@3.0.11-1~deb12u2";
	sw.source = INV_SOURCE_DPKG;
	(void)inv_host_add_software(h, &sw);
	/* A binary of a hostile source package (distribution advisories). */
	sw.name = "libssl3";
	sw.purl = s;
	sw.source_name = s;
	sw.source_version = s;
	(void)inv_host_add_software(h, &sw);
	return h;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const oses[] = {
	    "Windows", "macOS", "Debian GNU/Linux", NULL};
	struct rp_diags *d = rp_diags_new();
	struct advisory *a = NULL;
	struct matcher *m = NULL;
	struct match_results res;
	struct inv_host *h;
	json_t *root = NULL;
	char *s = NULL;
	size_t i;

	if (d == NULL || (s = malloc(size + 1)) == NULL ||
	    (m = matcher_new()) == NULL)
		goto out;
	memcpy(s, data, size);
	s[size] = '\0';
	(void)matcher_add_alias(m, s, "3CX Desktop App");
	if ((root = rpjson_load_buf(data, size, d)) != NULL &&
	    advisory_read_json(root, ADV_FORMAT_AUTO, &a, d) == 0)
		(void)matcher_add_advisory(m, a, d);
	for (i = 0; i < sizeof(oses) / sizeof(oses[0]); i++) {
		if ((h = host_from(s, oses[i])) == NULL)
			continue;
		memset(&res, 0, sizeof(res));
		(void)matcher_check_host(m, h, &res);
		match_results_free(&res);
		inv_host_free(h);
	}
out:
	matcher_free(m);
	advisory_free(a);
	json_decref(root);
	rp_diags_free(d);
	free(s);
	return 0;
}
