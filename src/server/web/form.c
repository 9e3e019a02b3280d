/*
 * Form bodies from browsers: application/x-www-form-urlencoded (the
 * WHATWG URL standard's form encoding) and multipart/form-data (RFC
 * 7578), the latter for uploads.  Both are untrusted: sizes are the
 * HTTP layer's cap, fields are capped here, and every name and text
 * value must be UTF-8.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "http/http.h"
#include "util/ascii.h"
#include "util/err.h"
#include "web_int.h"

void
web_form_clear(struct web_form *f)
{
	size_t i;

	for (i = 0; i < f->n; i++) {
		free(f->v[i].name);
		if (f->v[i].value != NULL)
			explicit_bzero(f->v[i].value, f->v[i].len);
		free(f->v[i].value);
		free(f->v[i].filename);
	}
	free(f->v);
	f->v = NULL;
	f->n = 0;
}

const struct web_field *
web_form_get(const struct web_form *f, const char *name)
{
	size_t i;

	for (i = 0; i < f->n; i++)
		if (strcmp(f->v[i].name, name) == 0)
			return &f->v[i];
	return NULL;
}

const char *
web_form_str(const struct web_form *f, const char *name)
{
	const struct web_field *x = web_form_get(f, name);

	return x != NULL ? x->value : "";
}

/* s[0..n) form-decoded into a new string; NULL on a bad escape (*err). */
static char *
form_decode(const char *s, size_t n, size_t *outlen, const char **err)
{
	char *o = malloc(n + 1);
	size_t i, k = 0;
	int hi, lo;

	if (o == NULL)
		return NULL;
	for (i = 0; i < n; i++) {
		if (s[i] == '+')
			o[k++] = ' ';
		else if (s[i] != '%')
			o[k++] = s[i];
		else if (i + 2 < n &&
		    (hi = rp_hexval((unsigned char)s[i + 1])) >= 0 &&
		    (lo = rp_hexval((unsigned char)s[i + 2])) >= 0) {
			o[k++] = (char)(hi * 16 + lo);
			i += 2;
		} else {
			*err = "a form field has a bad %-escape";
			free(o);
			return NULL;
		}
	}
	o[k] = '\0';
	if (memchr(o, '\0', k) != NULL || !http_utf8_ok(o)) {
		*err = "a form field is not UTF-8 text";
		free(o);
		return NULL;
	}
	*outlen = k;
	return o;
}

static int
add_field(
    struct web_form *f, char *name, char *value, size_t len, char *filename)
{
	struct web_field *v;

	if (f->n >= WEB_FORM_MAX_FIELDS ||
	    (v = realloc(f->v, (f->n + 1) * sizeof(*v))) == NULL) {
		free(name);
		if (value != NULL)
			explicit_bzero(value, len);
		free(value);
		free(filename);
		return f->n >= WEB_FORM_MAX_FIELDS ? RP_ERR_LIMIT
						   : RP_ERR_NOMEM;
	}
	f->v = v;
	v[f->n].name = name;
	v[f->n].value = value;
	v[f->n].len = len;
	v[f->n].filename = filename;
	f->n++;
	return 0;
}

static int
parse_urlencoded(
    const char *body, size_t len, struct web_form *f, const char **err)
{
	const char *p = body, *end = body + len, *amp, *eq;
	char *name, *value;
	size_t nl, vl;
	int r;

	while (p < end) {
		amp = memchr(p, '&', (size_t)(end - p));
		if (amp == NULL)
			amp = end;
		if (amp == p) {
			p++;
			continue;
		}
		eq = memchr(p, '=', (size_t)(amp - p));
		if (eq == NULL)
			eq = amp;
		if ((name = form_decode(p, (size_t)(eq - p), &nl, err)) == NULL)
			return *err != NULL ? RP_ERR_INVALID : RP_ERR_NOMEM;
		value = form_decode(eq < amp ? eq + 1 : amp,
		    eq < amp ? (size_t)(amp - eq - 1) : 0, &vl, err);
		if (value == NULL) {
			free(name);
			return *err != NULL ? RP_ERR_INVALID : RP_ERR_NOMEM;
		}
		if ((r = add_field(f, name, value, vl, NULL)) != 0)
			return r;
		p = amp + 1;
	}
	return 0;
}

/* The value of parameter name (quoted or not) in a header value such as
 * `form-data; name="x"` into a new string; NULL when absent or bad. */
static char *
header_param(const char *h, size_t n, const char *name)
{
	size_t nl = strlen(name), i = 0, k;
	const char *v;
	char *o;

	for (i = 0; i + nl + 1 < n; i++) {
		if ((i > 0 && h[i - 1] != ';' && h[i - 1] != ' ') ||
		    strncasecmp(h + i, name, nl) != 0 || h[i + nl] != '=')
			continue;
		v = h + i + nl + 1;
		if (*v == '"') {
			for (k = 1; v + k < h + n && v[k] != '"'; k++)
				if (v[k] == '\\')
					return NULL;
			if (v + k >= h + n)
				return NULL;
			o = strndup(v + 1, k - 1);
		} else {
			for (k = 0; v + k < h + n && v[k] != ';' && v[k] != ' ';
			     k++)
				;
			o = strndup(v, k);
		}
		if (o != NULL && !http_utf8_ok(o)) {
			free(o);
			return NULL;
		}
		return o;
	}
	return NULL;
}

/* One part's headers [h, he): its field name and file name. */
static int
part_names(const char *h, const char *he, char **name, char **filename)
{
	const char *line = h, *eol;
	int seen = 0;

	*name = *filename = NULL;
	while (line < he) {
		eol = memmem(line, (size_t)(he - line), "\r\n", 2);
		if (eol == NULL)
			eol = he;
		if ((size_t)(eol - line) > 20 &&
		    strncasecmp(line, "content-disposition:", 20) == 0 &&
		    !seen) {
			/* the first one counts; a second is not looked at */
			seen = 1;
			*name = header_param(
			    line + 20, (size_t)(eol - line - 20), "name");
			*filename = header_param(
			    line + 20, (size_t)(eol - line - 20), "filename");
		}
		line = eol + 2;
	}
	return *name != NULL ? 0 : RP_ERR_INVALID;
}

static int
parse_multipart(const char *ct, const char *body, size_t len,
    struct web_form *f, const char **err)
{
	char *bnd = header_param(ct, strlen(ct), "boundary"), delim[80];
	const char *p, *end = body + len, *hend, *next;
	char *name, *filename, *value;
	size_t dl;
	int r;

	*err = "the multipart body is malformed";
	if (bnd == NULL || *bnd == '\0' || strlen(bnd) > 70) {
		free(bnd);
		*err = "multipart/form-data without a boundary";
		return RP_ERR_INVALID;
	}
	dl = (size_t)snprintf(delim, sizeof(delim), "\r\n--%s", bnd);
	free(bnd);
	/* the first delimiter may open the body without its CRLF */
	if (len >= dl - 2 && memcmp(body, delim + 2, dl - 2) == 0)
		p = body + dl - 2;
	else if ((p = memmem(body, len, delim, dl)) != NULL)
		p += dl;
	else
		return RP_ERR_INVALID;
	for (;;) {
		if (end - p >= 2 && memcmp(p, "--", 2) == 0)
			break; /* the close delimiter */
		if (end - p < 2 || memcmp(p, "\r\n", 2) != 0)
			return RP_ERR_INVALID;
		p += 2;
		if ((hend = memmem(p, (size_t)(end - p), "\r\n\r\n", 4)) ==
		    NULL)
			return RP_ERR_INVALID;
		if ((next = memmem(hend + 4, (size_t)(end - hend - 4), delim,
			 dl)) == NULL)
			return RP_ERR_INVALID;
		if (part_names(p, hend, &name, &filename) != 0) {
			free(filename);
			return RP_ERR_INVALID;
		}
		dl = (size_t)(next - hend - 4);
		if ((value = malloc(dl + 1)) == NULL) {
			free(name);
			free(filename);
			return RP_ERR_NOMEM;
		}
		memcpy(value, hend + 4, dl);
		value[dl] = '\0';
		if (filename == NULL &&
		    (memchr(value, '\0', dl) != NULL || !http_utf8_ok(value))) {
			*err = "a form field is not UTF-8 text";
			free(name);
			free(value);
			return RP_ERR_INVALID;
		}
		if ((r = add_field(f, name, value, dl, filename)) != 0)
			return r;
		dl = strlen(delim);
		p = next + dl;
	}
	*err = NULL;
	return 0;
}

int
web_form_parse(const char *content_type, const char *body, size_t len,
    struct web_form *f, const char **err)
{
	int r;

	memset(f, 0, sizeof(*f));
	*err = NULL;
	if (content_type == NULL)
		content_type = "";
	if (strncasecmp(
		content_type, "application/x-www-form-urlencoded", 33) == 0)
		r = parse_urlencoded(body != NULL ? body : "", len, f, err);
	else if (strncasecmp(content_type, "multipart/form-data", 19) == 0)
		r = parse_multipart(
		    content_type, body != NULL ? body : "", len, f, err);
	else {
		*err = "a form must be sent as a form";
		r = RP_ERR_INVALID;
	}
	if (r == RP_ERR_LIMIT)
		*err = "too many form fields";
	if (r != 0)
		web_form_clear(f);
	return r;
}
