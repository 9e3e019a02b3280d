/*
 * The reader layer (rpjson.h): typed, bounded getters over jansson values
 * that say what they expected at the JSON pointer where it was missing,
 * the member allow-list and iteration with the path kept right.  Every
 * diagnostic of every JSON reader goes through rpjson_diag(), so they all
 * count the same way and read the same way.
 */
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "rpjson.h"
#include "util/arena.h"
#include "util/err.h"
#include "util/str.h"

#define MSG_MAX 1024
/* Longest unknown key quoted in a message. */
#define KEY_QUOTE_MAX 64

void
rpjson_rd_init(
    struct rpjson_rd *rd, struct rpjson_path *path, struct rp_diags *d)
{
	memset(rd, 0, sizeof(*rd));
	rd->d = d;
	rd->path = path;
	rd->level = RP_DIAG_ERROR;
	rd->unknown = RP_DIAG_WARNING;
	rpjson_path_init(path);
}

static void __attribute__((format(printf, 5, 0)))
vdiag(struct rpjson_rd *rd, enum rp_diag_level level, const char *test,
    const char *key, const char *fmt, va_list ap)
{
	char msg[MSG_MAX];
	size_t mark = rd->path->len;

	vsnprintf(msg, sizeof(msg), fmt, ap);
	if (level == RP_DIAG_ERROR)
		rd->nerrors++;
	else if (level == RP_DIAG_WARNING)
		rd->nwarnings++;
	if (key != NULL)
		mark = rpjson_path_push_key(rd->path, key);
	if (rp_diags_add(
		rd->d, level, test, rpjson_path_str(rd->path), "%s", msg) != 0)
		rd->nomem++;
	rpjson_path_pop(rd->path, mark);
}

void
rpjson_diag(struct rpjson_rd *rd, enum rp_diag_level level, const char *test,
    const char *key, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vdiag(rd, level, test, key, fmt, ap);
	va_end(ap);
}

int
rpjson_fail(struct rpjson_rd *rd, int r, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vdiag(rd, RP_DIAG_ERROR, NULL, NULL, fmt, ap);
	va_end(ap);
	return r;
}

/* A diagnostic of the layer: the reader's level, rule id and "then". */
static int __attribute__((format(printf, 3, 4)))
bad(struct rpjson_rd *rd, const char *key, const char *fmt, ...)
{
	char msg[MSG_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	rpjson_diag(rd, rd->level, rd->test, key, "%s%s%s", msg,
	    rd->then != NULL ? "; " : "", rd->then != NULL ? rd->then : "");
	return RP_ERR_INVALID;
}

size_t
rpjson_push_key(struct rpjson_rd *rd, const char *key)
{
	return rpjson_path_push_key(rd->path, key);
}

size_t
rpjson_push_index(struct rpjson_rd *rd, size_t index)
{
	return rpjson_path_push_index(rd->path, index);
}

void
rpjson_pop(struct rpjson_rd *rd, size_t mark)
{
	rpjson_path_pop(rd->path, mark);
}

const char *
rpjson_pointer(const struct rpjson_rd *rd)
{
	return rpjson_path_str(rd->path);
}

void
rpjson_mark(const struct rpjson_rd *rd, struct rpjson_mark *m)
{
	rp_diags_mark(rd->d, &m->d);
	m->nerrors = rd->nerrors;
}

size_t
rpjson_demote(struct rpjson_rd *rd, const struct rpjson_mark *m)
{
	size_t k;

	if (rd->nerrors <= m->nerrors)
		return 0;
	k = rd->nerrors - m->nerrors;
	rp_diags_demote(rd->d, &m->d);
	rd->nerrors = m->nerrors;
	rd->nwarnings += k;
	return k;
}

const char *
rpjson_type_name(const json_t *v)
{
	if (v == NULL)
		return "nothing";
	switch (json_typeof(v)) {
	case JSON_OBJECT:
		return "an object";
	case JSON_ARRAY:
		return "an array";
	case JSON_STRING:
		return "a string";
	case JSON_INTEGER:
	case JSON_REAL:
		return "a number";
	case JSON_TRUE:
	case JSON_FALSE:
		return "a boolean";
	case JSON_NULL:
		return "null";
	}
	return "a value";
}

/* Whether a key can be shown: short, no control characters. */
static int
printable(const char *key)
{
	const unsigned char *p;

	for (p = (const unsigned char *)key; *p != '\0'; p++) {
		if (*p < 0x20 || *p == 0x7f ||
		    p - (const unsigned char *)key >= KEY_QUOTE_MAX)
			return 0;
	}
	return 1;
}

size_t
rpjson_check_keys(
    struct rpjson_rd *rd, const json_t *obj, const char *const *known)
{
	const char *key, *then;
	json_t *v;
	size_t n = 0;

	then = rd->unknown == RP_DIAG_ERROR ? "" : "; ignored";
	json_object_foreach((json_t *)obj, key, v)
	{
		if (rp_str_in_list(known, key))
			continue;
		if (++n > RPJSON_MAX_UNKNOWN)
			continue;
		if (printable(key))
			rpjson_diag(rd, rd->unknown, rd->test, key,
			    "unknown member \"%s\"%s", key, then);
		else
			rpjson_diag(rd, rd->unknown, rd->test, NULL,
			    "unknown member (its name is not printable)%s",
			    then);
	}
	if (n > RPJSON_MAX_UNKNOWN)
		rpjson_diag(rd, rd->unknown, rd->test, NULL,
		    "%zu more unknown members%s", n - RPJSON_MAX_UNKNOWN, then);
	return n;
}

/*
 * obj[key] into *v: 1 when there, 0 when absent (null too if nullable),
 * RP_ERR_INVALID after the diagnostic when required and absent.
 */
static int
member(struct rpjson_rd *rd, const json_t *obj, const char *key, unsigned flags,
    const json_t **v)
{
	*v = json_is_object(obj) ? json_object_get(obj, key) : NULL;
	if (*v != NULL && (flags & RPJSON_NULLABLE) && json_is_null(*v))
		*v = NULL;
	if (*v != NULL)
		return 1;
	if (flags & RPJSON_REQUIRED)
		return bad(rd, NULL, "required member \"%s\" is missing", key);
	return 0;
}

/* "a non-empty string of at most 256 bytes without control characters" */
static const char *
str_want(char *buf, size_t len, size_t max, unsigned flags)
{
	char bound[48] = "";

	if (max != SIZE_MAX)
		snprintf(bound, sizeof(bound), " of at most %zu bytes", max);
	snprintf(buf, len, "%sstring%s%s",
	    flags & RPJSON_NONEMPTY ? "a non-empty " : "a ", bound,
	    flags & RPJSON_LINE ? " without control characters" : "");
	return buf;
}

/* The check of a string value v at key (NULL: at the current pointer). */
static int
str_value(struct rpjson_rd *rd, const json_t *v, const char *key, size_t max,
    unsigned flags, const char **out)
{
	const unsigned char *p;
	char want[128];
	size_t n;

	str_want(want, sizeof(want), max, flags);
	if (!json_is_string(v))
		return bad(
		    rd, key, "expected %s, got %s", want, rpjson_type_name(v));
	n = json_string_length(v);
	if (strlen(json_string_value(v)) != n)
		return bad(rd, key, "expected %s, but it contains a NUL", want);
	if (n > max)
		return bad(
		    rd, key, "expected %s, but it has %zu bytes", want, n);
	if (n == 0 && (flags & RPJSON_NONEMPTY))
		return bad(rd, key, "expected %s, but it is empty", want);
	if (flags & RPJSON_LINE) {
		for (p = (const unsigned char *)json_string_value(v); *p != 0;
		     p++) {
			if (*p < 0x20 || *p == 0x7f)
				return bad(rd, key,
				    "expected %s, but it contains a control "
				    "character",
				    want);
		}
	}
	*out = json_string_value(v);
	return 1;
}

int
rpjson_get_str(struct rpjson_rd *rd, const json_t *obj, const char *key,
    size_t max, unsigned flags, const char **out)
{
	const json_t *v;
	int r;

	if ((r = member(rd, obj, key, flags, &v)) != 1)
		return r;
	return str_value(rd, v, key, max, flags, out);
}

const char *
rpjson_str_at(struct rpjson_rd *rd, const json_t *obj, const char *key,
    size_t max, unsigned flags)
{
	const char *s = NULL;

	return rpjson_get_str(rd, obj, key, max, flags, &s) == 1 ? s : NULL;
}

int
rpjson_check_str(struct rpjson_rd *rd, const json_t *v, size_t max,
    unsigned flags, const char **out)
{
	char want[128];

	if (v != NULL && (flags & RPJSON_NULLABLE) && json_is_null(v))
		v = NULL;
	if (v == NULL) {
		if (!(flags & RPJSON_REQUIRED))
			return 0;
		return bad(rd, NULL, "expected %s, but it is missing",
		    str_want(want, sizeof(want), max, flags));
	}
	return str_value(rd, v, NULL, max, flags, out);
}

int
rpjson_get_strdup(struct rpjson_rd *rd, const json_t *obj, const char *key,
    size_t max, unsigned flags, char **out)
{
	const char *s;
	char *copy;
	int r;

	if ((r = rpjson_get_str(rd, obj, key, max, flags, &s)) != 1)
		return r;
	if ((copy = rp_arena_strdup(rd->arena, s)) == NULL) {
		rpjson_err(rd, "out of memory");
		return RP_ERR_NOMEM;
	}
	*out = copy;
	return 1;
}

int
rpjson_get_enum(struct rpjson_rd *rd, const json_t *obj, const char *key,
    const char *const *names, unsigned flags, size_t *out)
{
	char list[512];
	const char *s;
	size_t i, n = 0;
	int r;

	if ((r = rpjson_get_str(
		 rd, obj, key, SIZE_MAX, flags | RPJSON_LINE, &s)) != 1)
		return r;
	for (i = 0; names[i] != NULL; i++) {
		if (strcmp(names[i], s) == 0) {
			*out = i;
			return 1;
		}
	}
	list[0] = '\0';
	for (i = 0; names[i] != NULL && n < sizeof(list); i++)
		n += (size_t)snprintf(list + n, sizeof(list) - n, "%s%s",
		    i > 0 ? ", " : "", names[i]);
	return bad(rd, key, "\"%.64s\" is not one of %s", s, list);
}

/* "an integer from 1 to 9", "a positive integer", ... */
static const char *
int_want(char *buf, size_t len, json_int_t min, json_int_t max)
{
	if (max == INT64_MAX && min == INT64_MIN)
		snprintf(buf, len, "an integer");
	else if (max == INT64_MAX && min == 1)
		snprintf(buf, len, "a positive integer");
	else if (max == INT64_MAX && min == 0)
		snprintf(buf, len, "a non-negative integer");
	else if (max == INT64_MAX)
		snprintf(buf, len,
		    "an integer of at least %" JSON_INTEGER_FORMAT, min);
	else
		snprintf(buf, len,
		    "an integer from %" JSON_INTEGER_FORMAT
		    " to %" JSON_INTEGER_FORMAT,
		    min, max);
	return buf;
}

int
rpjson_copy_str(struct rpjson_rd *rd, const json_t *obj, const char *key,
    size_t max, unsigned flags, char **out)
{
	int r;

	*out = NULL;
	r = rpjson_get_strdup(rd, obj, key, max, flags, out);
	return r == RP_ERR_NOMEM ? r : 0;
}

int
rpjson_get_int(struct rpjson_rd *rd, const json_t *obj, const char *key,
    json_int_t min, json_int_t max, unsigned flags, json_int_t *out)
{
	const json_t *v;
	char want[96];
	int r;

	if ((r = member(rd, obj, key, flags, &v)) != 1)
		return r;
	int_want(want, sizeof(want), min, max);
	if (!json_is_integer(v))
		return bad(
		    rd, key, "expected %s, got %s", want, rpjson_type_name(v));
	if (json_integer_value(v) < min || json_integer_value(v) > max)
		return bad(rd, key, "expected %s, got %" JSON_INTEGER_FORMAT,
		    want, json_integer_value(v));
	*out = json_integer_value(v);
	return 1;
}

int
rpjson_get_uint(struct rpjson_rd *rd, const json_t *obj, const char *key,
    uint64_t min, uint64_t max, unsigned flags, uint64_t *out)
{
	json_int_t v;
	int r;

	if (max > INT64_MAX)
		max = INT64_MAX;
	if (min > max)
		min = max;
	r = rpjson_get_int(
	    rd, obj, key, (json_int_t)min, (json_int_t)max, flags, &v);
	if (r == 1)
		*out = (uint64_t)v;
	return r;
}

int
rpjson_get_bool(struct rpjson_rd *rd, const json_t *obj, const char *key,
    unsigned flags, int *out)
{
	const json_t *v;
	int r;

	if ((r = member(rd, obj, key, flags, &v)) != 1)
		return r;
	if (!json_is_boolean(v))
		return bad(rd, key, "expected true or false, got %s",
		    rpjson_type_name(v));
	*out = json_is_true(v);
	return 1;
}

int
rpjson_get_number(struct rpjson_rd *rd, const json_t *obj, const char *key,
    double min, double max, unsigned flags, double *out)
{
	const json_t *v;
	double x;
	int r;

	if ((r = member(rd, obj, key, flags, &v)) != 1)
		return r;
	if (!json_is_number(v))
		return bad(rd, key, "expected a number from %g to %g, got %s",
		    min, max, rpjson_type_name(v));
	x = json_number_value(v);
	if (!isfinite(x) || x < min || x > max)
		return bad(rd, key, "expected a number from %g to %g, got %g",
		    min, max, x);
	*out = x;
	return 1;
}

int
rpjson_get_array(struct rpjson_rd *rd, const json_t *obj, const char *key,
    size_t max, unsigned flags, const json_t **out)
{
	const json_t *v;
	int r;

	if ((r = member(rd, obj, key, flags, &v)) != 1)
		return r;
	if (!json_is_array(v) && max == SIZE_MAX)
		return bad(
		    rd, key, "expected an array, got %s", rpjson_type_name(v));
	if (!json_is_array(v))
		return bad(rd, key,
		    "expected an array of at most %zu entries, got %s", max,
		    rpjson_type_name(v));
	if (json_array_size(v) > max) {
		bad(rd, key, "an array of %zu entries; expected at most %zu",
		    json_array_size(v), max);
		return RP_ERR_LIMIT;
	}
	*out = v;
	return 1;
}

json_t *
rpjson_array_at(struct rpjson_rd *rd, const json_t *obj, const char *key,
    size_t max, unsigned flags)
{
	const json_t *v = NULL;

	/* jansson's own getters hand out members of a const object alike */
	return rpjson_get_array(rd, obj, key, max, flags, &v) == 1 ? (json_t *)v
								   : NULL;
}

int
rpjson_get_object(struct rpjson_rd *rd, const json_t *obj, const char *key,
    unsigned flags, const json_t **out)
{
	const json_t *v;
	int r;

	if ((r = member(rd, obj, key, flags, &v)) != 1)
		return r;
	if (!json_is_object(v))
		return bad(
		    rd, key, "expected an object, got %s", rpjson_type_name(v));
	*out = v;
	return 1;
}

int
rpjson_each(struct rpjson_rd *rd, const json_t *arr, size_t max,
    rpjson_each_fn fn, void *arg)
{
	size_t i, n = json_array_size(arr), mark;
	int r = 0;

	if (n > max) {
		rpjson_diag(rd, rd->level, rd->test, NULL,
		    "more than %zu entries; only the first %zu read", max, max);
		n = max;
	}
	for (i = 0; i < n && r == 0; i++) {
		mark = rpjson_path_push_index(rd->path, i);
		r = fn(rd, json_array_get(arr, i), i, arg);
		rpjson_path_pop(rd->path, mark);
	}
	return r;
}

int
rpjson_each_member(struct rpjson_rd *rd, const json_t *obj, const char *key,
    size_t max, unsigned flags, rpjson_each_fn fn, void *arg)
{
	const json_t *arr = NULL;
	size_t mark;
	int r;

	if ((r = rpjson_get_array(rd, obj, key, SIZE_MAX, flags, &arr)) != 1)
		return r;
	mark = rpjson_path_push_key(rd->path, key);
	r = rpjson_each(rd, arr, max, fn, arg);
	rpjson_path_pop(rd->path, mark);
	return r;
}

json_t *
rpjson_object_at(
    struct rpjson_rd *rd, const json_t *obj, const char *key, unsigned flags)
{
	const json_t *v = NULL;

	return rpjson_get_object(rd, obj, key, flags, &v) == 1 ? (json_t *)v
							       : NULL;
}
