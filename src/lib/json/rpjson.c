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

/*
 * Nesting depth of JSON text, byte by byte: brackets outside strings.  The
 * parser checks the text fully afterwards; this only has to be right for
 * valid JSON and never recurse.
 */
struct depth_scan {
	size_t depth;
	int in_str, esc, too_deep;
	int line, col;
};

static void
scan_init(struct depth_scan *s)
{
	memset(s, 0, sizeof(*s));
	s->line = 1;
}

/* Returns -1 (and sets too_deep) when the text nests too deeply. */
static int
scan(struct depth_scan *s, const char *p, size_t n)
{
	size_t i;
	char ch;

	for (i = 0; i < n; i++) {
		ch = p[i];
		s->col++;
		if (ch == '\n') {
			s->line++;
			s->col = 0;
		}
		if (s->in_str) {
			if (s->esc)
				s->esc = 0;
			else if (ch == '\\')
				s->esc = 1;
			else if (ch == '"')
				s->in_str = 0;
		} else if (ch == '"')
			s->in_str = 1;
		else if (ch == '[' || ch == '{') {
			if (++s->depth > RPJSON_MAX_DEPTH) {
				s->too_deep = 1;
				return -1;
			}
		} else if ((ch == ']' || ch == '}') && s->depth > 0)
			s->depth--;
	}
	return 0;
}

static json_t *
load_done(json_t *root, const json_error_t *je, const struct depth_scan *s,
    struct rp_diags *d)
{
	if (root == NULL && s->too_deep)
		rp_diags_add_at(d, RP_DIAG_ERROR, s->line, s->col,
		    "not accepted: arrays and objects nest deeper than %d "
		    "levels",
		    RPJSON_MAX_DEPTH);
	else if (root == NULL)
		rp_diags_add_at(d, RP_DIAG_ERROR, je->line, je->column,
		    "not valid JSON: %s", je->text);
	return root;
}

json_t *
rpjson_load_buf(const void *buf, size_t len, struct rp_diags *d)
{
	struct depth_scan s;
	json_error_t je;

	if (len > RPJSON_MAX_INPUT) {
		rp_input_too_large(d, len, RPJSON_MAX_INPUT);
		return NULL;
	}
	scan_init(&s);
	if (scan(&s, buf, len) != 0)
		return load_done(NULL, NULL, &s, d);
	return load_done(json_loadb(buf, len, LOAD_FLAGS, &je), &je, &s, d);
}

/* jansson pulls the text through this, so the file is never held whole. */
struct reader {
	FILE *f;
	size_t max, total;
	int over, failed;
	struct depth_scan s;
};

static size_t
read_chunk(void *buf, size_t buflen, void *arg)
{
	struct reader *rd = arg;
	size_t n;

	if ((n = fread(buf, 1, buflen, rd->f)) == 0) {
		if (ferror(rd->f)) {
			rd->failed = errno != 0 ? errno : EIO;
			return (size_t)-1;
		}
		return 0;
	}
	if (n > rd->max - rd->total) {
		rd->over = 1;
		return (size_t)-1;
	}
	rd->total += n;
	if (scan(&rd->s, buf, n) != 0)
		return (size_t)-1;
	return n;
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
	int err;

	struct reader rd;
	json_error_t je;

	*out = NULL;
	memset(&rd, 0, sizeof(rd));
	scan_init(&rd.s);
	rd.max = max < RPJSON_MAX_INPUT ? max : RPJSON_MAX_INPUT;
	if ((err = rp_input_open(path, rd.max, &rd.f, d)) != 0)
		return err;
	*out = json_load_callback(read_chunk, &rd, LOAD_FLAGS, &je);
	rp_input_close(rd.f);
	if (*out != NULL)
		return 0;
	if (rd.over) {
		rp_input_too_large(d, 0, rd.max);
		return RP_ERR_LIMIT;
	}
	if (rd.failed) {
		rp_diags_add(d, RP_DIAG_ERROR, NULL, NULL, "cannot read: %s",
		    strerror(rd.failed));
		return io_code(rd.failed);
	}
	if (rd.s.too_deep) {
		load_done(NULL, &je, &rd.s, d);
		return RP_ERR_LIMIT;
	}
	/* jansson gives every syntax error a text; an allocation failing
	 * before it parses leaves the text empty. */
	if (json_error_code(&je) == json_error_out_of_memory ||
	    je.text[0] == '\0')
		return RP_ERR_NOMEM;
	load_done(NULL, &je, &rd.s, d);
	return RP_ERR_INVALID;
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

/*
 * Ends the path in "/..." right after what was written.  A path that is
 * not cut is at most RPJSON_PATH_MAX - 6 long, so the marker fits; one
 * that is cut is longer and stays as it is.  Nothing below p->len is ever
 * overwritten, so popping to a mark taken before restores the path.
 */
static void
path_truncate(struct rpjson_path *p)
{
	if (p->len > RPJSON_PATH_MAX - 6)
		return;
	memcpy(p->s + p->len, "/...", 5);
	p->len += 4;
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
