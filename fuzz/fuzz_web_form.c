/*
 * Fuzzes the web UI's form bodies (web_form_parse in
 * src/server/web/form.c): the first byte chooses url-encoded or
 * multipart (with a fixed boundary), the rest is the body.  An accepted
 * form has at most WEB_FORM_MAX_FIELDS fields, each named in UTF-8, and
 * every text value is as long as it says.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/err.h"
#include "web/web_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct web_form f;
	const char *err = NULL;
	const char *ct;
	char *body;
	size_t i;
	int r;

	if (size < 1)
		return 0;
	ct = data[0] & 1 ? "multipart/form-data; boundary=\"b0\""
			 : "application/x-www-form-urlencoded";
	if ((body = malloc(size)) == NULL)
		return 0;
	memcpy(body, data + 1, size - 1);
	r = web_form_parse(ct, body, size - 1, &f, &err);
	if (r == 0) {
		if (f.n > WEB_FORM_MAX_FIELDS)
			abort();
		for (i = 0; i < f.n; i++) {
			if (f.v[i].name == NULL || f.v[i].value == NULL ||
			    f.v[i].value[f.v[i].len] != '\0')
				abort();
			if (f.v[i].filename == NULL &&
			    strlen(f.v[i].value) != f.v[i].len)
				abort();
			if (web_form_get(&f, f.v[i].name) == NULL)
				abort();
		}
		web_form_clear(&f);
	} else if (r == RP_ERR_INVALID && err == NULL)
		abort();
	free(body);
	return 0;
}
