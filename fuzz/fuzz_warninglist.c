/*
 * Fuzzes the MISP warninglist reader of the allowlist guard: JSON through
 * the reader layer into a guard with the built-in list, then a check of
 * a name, an address and a URL against what was read.
 */
#include <stddef.h>
#include <stdint.h>

#include "allow/allow.h"
#include "json/rpjson.h"
#include "util/diag.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rp_diags *d = rp_diags_new();
	struct allow *a = allow_new();
	struct allow_verdict v;
	json_t *root = NULL;

	if (d != NULL && a != NULL && allow_add_builtin(a) == 0 &&
	    (root = rpjson_load_buf(data, size, d)) != NULL &&
	    allow_read_warninglist_json(a, root, NULL, d) == 0) {
		allow_check(a, ALLOW_DOMAIN, "www.example.com", &v);
		allow_check(a, ALLOW_ADDR, "17.1.2.3", &v);
		allow_check(a, ALLOW_ADDR, "2620:0:861::/48", &v);
		allow_check(a, ALLOW_URL, "https://a.example.org/x", &v);
	}
	json_decref(root);
	allow_free(a);
	rp_diags_free(d);
	return 0;
}
