/*
 * Fuzzes the checks of agents' uploads (src/server/findings/intake.c):
 * an inventory or a sweep report body.  An accepted inventory has only
 * entries with an identity of 16 hex digits and canonical JSON that
 * reads back; a refusal names a field.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "findings/findings.h"
#include "util/err.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check_entries(const struct fnd_entry *v, size_t n)
{
	json_t *j;
	size_t i;

	for (i = 0; i < n; i++) {
		if (strlen(v[i].ident) != 16 ||
		    (j = json_loads(v[i].json, 0, NULL)) == NULL)
			abort();
		json_decref(j);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fnd_upload *u = NULL;
	struct fnd_sweep *s = NULL;
	struct fnd_err e;
	json_t *body;
	int r;

	body =
	    json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES, NULL);
	if (body == NULL)
		return 0;
	if (json_is_object(body)) {
		memset(&e, 0, sizeof(e));
		r = fnd_upload_parse(body, &u, &e);
		if (r == 0) {
			check_entries(u->add, u->nadd);
			check_entries(u->rm, u->nrm);
			fnd_upload_free(u);
		} else if (r != RP_ERR_NOMEM && e.msg[0] == '\0')
			abort();
		if (fnd_sweep_parse(body, &s, &e) == 0)
			fnd_sweep_free(s);
	}
	json_decref(body);
	return 0;
}
