/*
 * JSON loading and error locations.  jansson parses; we add the size limit,
 * duplicate-key rejection and the path builder used in every message.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rpjson.h"
#include "util/err.h"
#include "util/str.h"

#define LOAD_FLAGS (JSON_REJECT_DUPLICATES | JSON_DECODE_ANY)

static json_t *
load_done(json_t *root, const json_error_t *je, struct rp_diags *d)
{
	if (root == NULL)
		rp_diags_add_at(d, RP_DIAG_ERROR, je->line, je->column,
		    "not valid JSON: %s", je->text);
	return root;
}

json_t *
rpjson_load_buf(const void *buf, size_t len, struct rp_diags *d)
{
	json_error_t je;

	if (len > RPJSON_MAX_INPUT) {
		rp_diags_add(d, RP_DIAG_ERROR, NULL, NULL,
		    "input is %zu bytes; at most %u are accepted", len,
		    RPJSON_MAX_INPUT);
		return NULL;
	}
	return load_done(json_loadb(buf, len, LOAD_FLAGS, &je), &je, d);
}

/* Maps a failed open or read to a code: a missing file is not bad JSON. */
static int
io_code(int err)
{
	if (err == ENOENT || err == ENOTDIR)
		return RP_ERR_NOTFOUND;
	return err == ENOMEM ? RP_ERR_NOMEM : RP_ERR_IO;
}

int
rpjson_load(const char *path, size_t max, json_t **out, struct rp_diags *d)
{
	struct rp_buf b;
	char chunk[65536];
	json_error_t je;
	FILE *f;
	size_t n;
	int r = RP_ERR_INTERNAL, err;

	*out = NULL;
	if (strcmp(path, "-") == 0)
		f = stdin;
	else if ((f = fopen(path, "rb")) == NULL) {
		err = errno;
		if (rp_diags_add(d, RP_DIAG_ERROR, NULL, NULL,
			"cannot open: %s", strerror(err)) != 0)
			return RP_ERR_NOMEM;
		return io_code(err);
	}
	rp_buf_init(&b, max);
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
		if ((r = rp_buf_appendn(&b, chunk, n)) != 0)
			break;
	}
	if (ferror(f)) {
		err = errno;
		r = io_code(err);
		rp_diags_add(d, RP_DIAG_ERROR, NULL, NULL, "cannot read: %s",
		    strerror(err));
	} else if (b.failed && r == RP_ERR_NOMEM)
		; /* no memory to say so either */
	else if (b.failed) {
		r = RP_ERR_LIMIT;
		rp_diags_add(d, RP_DIAG_ERROR, NULL, NULL,
		    "file is larger than %zu bytes", max);
	} else if ((*out = json_loadb(b.s != NULL ? b.s : "", b.len, LOAD_FLAGS,
			&je)) == NULL) {
		/* jansson gives every syntax error a text; an allocation
		 * failing before it parses leaves the text empty. */
		if (json_error_code(&je) == json_error_out_of_memory ||
		    je.text[0] == '\0')
			r = RP_ERR_NOMEM;
		else {
			r = RP_ERR_INVALID;
			load_done(NULL, &je, d);
		}
	} else
		r = 0;
	if (f != stdin)
		fclose(f);
	rp_buf_free(&b);
	return r;
}

json_t *
rpjson_load_file(const char *path, size_t max, struct rp_diags *d)
{
	json_t *root;

	(void)rpjson_load(path, max, &root, d);
	return root;
}

void
rpjson_path_init(struct rpjson_path *p)
{
	p->s[0] = '\0';
	p->len = 0;
}

static void
path_truncate(struct rpjson_path *p)
{
	size_t at = p->len < RPJSON_PATH_MAX - 5 ? p->len : RPJSON_PATH_MAX - 5;

	/* right after what was written: no unwritten bytes in between */
	memcpy(p->s + at, "/...", 5);
	p->len = at + 4;
}

size_t
rpjson_path_push_key(struct rpjson_path *p, const char *key)
{
	size_t mark = p->len;
	const char *k;

	if (p->len + 1 >= RPJSON_PATH_MAX - 5) {
		path_truncate(p);
		return mark;
	}
	p->s[p->len++] = '/';
	for (k = key; *k != '\0'; k++) {
		if (p->len + 2 >= RPJSON_PATH_MAX - 5) {
			path_truncate(p);
			return mark;
		}
		if (*k == '~' || *k == '/') {
			p->s[p->len++] = '~';
			p->s[p->len++] = *k == '~' ? '0' : '1';
		} else
			p->s[p->len++] = *k;
	}
	p->s[p->len] = '\0';
	return mark;
}

size_t
rpjson_path_push_index(struct rpjson_path *p, size_t index)
{
	char tok[32];

	snprintf(tok, sizeof(tok), "%zu", index);
	return rpjson_path_push_key(p, tok);
}

void
rpjson_path_pop(struct rpjson_path *p, size_t mark)
{
	if (mark < RPJSON_PATH_MAX) {
		p->len = mark;
		p->s[mark] = '\0';
	}
}

const char *
rpjson_path_str(const struct rpjson_path *p)
{
	return p->s;
}

const char *
rpjson_str(const json_t *obj, const char *key)
{
	json_t *v;

	if (!json_is_object(obj) || (v = json_object_get(obj, key)) == NULL)
		return NULL;
	return json_string_value(v);
}

json_t *
rpjson_array(const json_t *obj, const char *key)
{
	json_t *v;

	if (!json_is_object(obj))
		return NULL;
	v = json_object_get(obj, key);
	return json_is_array(v) ? v : NULL;
}

json_t *
rpjson_object(const json_t *obj, const char *key)
{
	json_t *v;

	if (!json_is_object(obj))
		return NULL;
	v = json_object_get(obj, key);
	return json_is_object(v) ? v : NULL;
}
