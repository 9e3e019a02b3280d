/*
 * The package URL parser (util/purl.h).  Components are taken from the
 * right (subpath after '#', qualifiers after '?', version after the last
 * '@'), then the type from the left; what remains is namespace and name.
 * Decoded output is appended to the caller's buffer, each string
 * NUL-terminated; a decoded NUL byte is refused so that no component is
 * silently cut.
 */
#include <string.h>
#include <strings.h>

#include "err.h"
#include "purl.h"

struct pbuf {
	char *b;
	size_t len, n;
};

static int
is_digit(int c)
{
	return c >= '0' && c <= '9';
}

static int
is_alnum(int c)
{
	return is_digit(c) || ((c | 32) >= 'a' && (c | 32) <= 'z');
}

static int
hexval(int c)
{
	if (is_digit(c))
		return c - '0';
	c |= 32;
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/*
 * Appends s[0..n) percent-decoded (lower-cased when lower) and a NUL.
 * Returns the start, or NULL with *r set: RP_ERR_INVALID for a bad or
 * NUL escape, RP_ERR_LIMIT when the buffer is full.
 */
static const char *
put(struct pbuf *pb, const char *s, size_t n, int lower, int *r)
{
	const char *start = pb->b + pb->n;
	size_t i;
	int c, hi, lo;

	for (i = 0; i < n; i++) {
		c = (unsigned char)s[i];
		if (c == '%') {
			if (i + 2 >= n) {
				*r = RP_ERR_INVALID;
				return NULL;
			}
			hi = hexval((unsigned char)s[i + 1]);
			lo = hexval((unsigned char)s[i + 2]);
			if (hi < 0 || lo < 0 || (hi | lo) == 0) {
				*r = RP_ERR_INVALID;
				return NULL;
			}
			c = hi * 16 + lo;
			i += 2;
		}
		if (lower && c >= 'A' && c <= 'Z')
			c += 'a' - 'A';
		if (pb->n + 1 >= pb->len) {
			*r = RP_ERR_LIMIT;
			return NULL;
		}
		pb->b[pb->n++] = (char)c;
	}
	if (pb->n >= pb->len) {
		*r = RP_ERR_LIMIT;
		return NULL;
	}
	pb->b[pb->n++] = '\0';
	return start;
}

/*
 * Appends the '/'-separated segments of s[0..n) decoded and joined by
 * '/', empty segments dropped; "." and ".." refused when strict (the
 * subpath).  *out is NULL when no segment is left.
 */
static int
put_segments(
    struct pbuf *pb, const char *s, size_t n, int strict, const char **out)
{
	const char *end = s + n, *slash, *seg;
	size_t len, first = pb->n;
	int r = 0;

	*out = NULL;
	while (s < end) {
		slash = memchr(s, '/', (size_t)(end - s));
		len = (size_t)((slash != NULL ? slash : end) - s);
		if (len > 0) {
			if (pb->n > first)
				pb->b[pb->n - 1] = '/'; /* joins, was NUL */
			if ((seg = put(pb, s, len, 0, &r)) == NULL)
				return r;
			/* "." and ".." are refused decoded ("%2E" too). */
			if (strict &&
			    (strcmp(seg, ".") == 0 || strcmp(seg, "..") == 0))
				return RP_ERR_INVALID;
		}
		s += len + (slash != NULL);
	}
	if (pb->n > first)
		*out = pb->b + first;
	return 0;
}

static int
fail(const char **why, const char *reason, int r)
{
	if (why != NULL)
		*why = r == RP_ERR_LIMIT ? "too long or too many qualifiers"
					 : reason;
	return r;
}

/* Qualifiers "k=v&k=v" in q[0..n). */
static int
qualifiers(struct pbuf *pb, struct rp_purl *out, const char *q, size_t n,
    const char **why)
{
	const char *end = q + n, *amp, *eq, *k, *v;
	size_t i;
	int r = 0;

	for (; q < end; q = amp + 1) {
		if ((amp = memchr(q, '&', (size_t)(end - q))) == NULL)
			amp = end;
		if (amp == q)
			continue; /* "a=1&&b=2" */
		eq = memchr(q, '=', (size_t)(amp - q));
		if (eq == NULL || eq == q)
			return fail(
			    why, "qualifier without key=value", RP_ERR_INVALID);
		if (is_digit((unsigned char)q[0]))
			return fail(why, "qualifier key starts with a digit",
			    RP_ERR_INVALID);
		for (k = q; k < eq; k++)
			if (!is_alnum((unsigned char)*k) && *k != '.' &&
			    *k != '-' && *k != '_')
				return fail(why,
				    "invalid character in qualifier key",
				    RP_ERR_INVALID);
		if ((k = put(pb, q, (size_t)(eq - q), 1, &r)) == NULL)
			return fail(why, "", r);
		for (i = 0; i < out->nq; i++)
			if (strcmp(out->q[i].key, k) == 0)
				return fail(why, "repeated qualifier key",
				    RP_ERR_INVALID);
		if ((v = put(pb, eq + 1, (size_t)(amp - eq - 1), 0, &r)) ==
		    NULL)
			return fail(
			    why, "bad percent-encoding in qualifier value", r);
		if (v[0] == '\0')
			continue; /* the specification discards empty values */
		if (out->nq == RP_PURL_MAX_QUALIFIERS)
			return fail(why, "", RP_ERR_LIMIT);
		out->q[out->nq].key = k;
		out->q[out->nq++].value = v;
	}
	return 0;
}

/* The type: letters, digits, '.', '+', '-', not starting with a digit. */
static int
type_ok(const char *p, const char *slash, const char **why)
{
	const char *t;

	if (slash == NULL || slash == p)
		return fail(why, "missing type or name", RP_ERR_INVALID);
	if (is_digit((unsigned char)*p))
		return fail(why, "type starts with a digit", RP_ERR_INVALID);
	for (t = p; t < slash; t++)
		if (!is_alnum((unsigned char)*t) && *t != '.' && *t != '+' &&
		    *t != '-')
			return fail(
			    why, "invalid character in type", RP_ERR_INVALID);
	return 0;
}

/* Namespace, name and version in p[0..end). */
static int
path_parts(struct pbuf *pb, struct rp_purl *out, const char *p, const char *end,
    const char **why)
{
	const char *at = NULL, *name, *t;
	int r = 0;

	while (end > p && end[-1] == '/')
		end--;
	for (t = end; t > p; t--)
		if (t[-1] == '@') {
			at = t - 1;
			break;
		}
	if (at != NULL) {
		out->version = put(pb, at + 1, (size_t)(end - at - 1), 0, &r);
		if (out->version == NULL || out->version[0] == '\0')
			return fail(why, "empty or badly encoded version",
			    r ? r : RP_ERR_INVALID);
		end = at;
	}
	for (name = end; name > p && name[-1] != '/'; name--)
		;
	out->name = put(pb, name, (size_t)(end - name), 0, &r);
	if (out->name == NULL || out->name[0] == '\0')
		return fail(why, "name is required", r ? r : RP_ERR_INVALID);
	if ((r = put_segments(pb, p, (size_t)(name - p), 0, &out->ns)) != 0)
		return fail(why, "bad percent-encoding in namespace", r);
	return 0;
}

int
rp_purl_parse(
    const char *s, struct rp_purl *out, char *buf, size_t len, const char **why)
{
	struct pbuf pb = {buf, len, 0};
	const char *p, *end, *hash, *qm, *slash;
	int r = 0;

	memset(out, 0, sizeof(*out));
	if (s == NULL || strncasecmp(s, "pkg:", 4) != 0)
		return fail(why, "scheme is not \"pkg\"", RP_ERR_INVALID);
	end = s + strlen(s);
	if ((hash = strchr(s, '#')) != NULL) {
		if ((r = put_segments(&pb, hash + 1, (size_t)(end - hash - 1),
			 1, &out->subpath)) != 0)
			return fail(why, "invalid subpath segment", r);
		end = hash;
	}
	if ((qm = memchr(s, '?', (size_t)(end - s))) != NULL) {
		if ((r = qualifiers(
			 &pb, out, qm + 1, (size_t)(end - qm - 1), why)) != 0)
			return r;
		end = qm;
	}
	for (p = s + 4; p < end && *p == '/'; p++)
		;
	slash = memchr(p, '/', (size_t)(end - p));
	if ((r = type_ok(p, slash, why)) != 0)
		return r;
	if ((out->type = put(&pb, p, (size_t)(slash - p), 1, &r)) == NULL)
		return fail(why, "", r);
	return path_parts(&pb, out, slash + 1, end, why);
}

const char *
rp_purl_qualifier(const struct rp_purl *p, const char *key)
{
	size_t i;

	for (i = 0; i < p->nq; i++)
		if (strcmp(p->q[i].key, key) == 0)
			return p->q[i].value;
	return NULL;
}
