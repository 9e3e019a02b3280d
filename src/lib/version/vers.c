/*
 * package-url "vers" ranges (https://github.com/package-url/vers-spec):
 * the strict canonical parser, the tolerant parser for what advisories
 * really write, canonical printing and the spec's containment algorithm.
 *
 * Invariant of a finished struct vers_range: versions are percent-decoded,
 * printable ASCII; when the scheme has an ordering they are valid in it,
 * sorted, unique, and the comparator sequence obeys the spec's rules; "*"
 * is the only constraint when present.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "version.h"
#include "range.h"
#include "scheme.h"
#include "util/err.h"
#include "util/str.h"
#include "util/ascii.h"

#define SHOW "%.200s" /* how much of an input a message quotes */

static const char *
op_str(enum vers_op op)
{
	switch (op) {
	case VERS_OP_EQ:
		return "";
	case VERS_OP_NE:
		return "!=";
	case VERS_OP_LT:
		return "<";
	case VERS_OP_LE:
		return "<=";
	case VERS_OP_GT:
		return ">";
	case VERS_OP_GE:
		return ">=";
	case VERS_OP_ANY:
		return "*";
	}
	return "?";
}

void
vers_range_free(struct vers_range *r)
{
	size_t i;

	if (r == NULL)
		return;
	for (i = 0; i < r->n; i++)
		free(r->c[i].version);
	free(r->c);
	free(r->scheme_name);
	free(r);
}

struct vers_range *
range_new(const char *name, size_t n)
{
	struct vers_range *r;
	size_t i;

	if ((r = calloc(1, sizeof(*r))) == NULL)
		return NULL;
	if ((r->scheme_name = malloc(n + 1)) == NULL) {
		free(r);
		return NULL;
	}
	for (i = 0; i < n; i++)
		r->scheme_name[i] = (char)rp_tolower((unsigned char)name[i]);
	r->scheme_name[n] = '\0';
	return r;
}

int
range_add(struct vers_range *r, enum vers_op op, const char *v, size_t n)
{
	struct vers_constraint *nc;
	char *s = NULL;

	if (r->n >= VERS_CONSTRAINTS_MAX)
		return RP_ERR_LIMIT;
	if (v != NULL) {
		if ((s = malloc(n + 1)) == NULL)
			return RP_ERR_NOMEM;
		memcpy(s, v, n);
		s[n] = '\0';
	}
	if ((nc = reallocarray(r->c, r->n + 1, sizeof(*nc))) == NULL) {
		free(s);
		return RP_ERR_NOMEM;
	}
	r->c = nc;
	r->c[r->n].op = op;
	r->c[r->n].version = s;
	r->n++;
	return 0;
}

/* The vers type grammar; on a strict parse uppercase is an error. */
static int
check_type(
    const char *t, size_t n, int strict, const char *input, struct rp_diags *d)
{
	size_t i;
	int upper = 0;

	if (n == 0 ||
	    !((t[0] >= 'a' && t[0] <= 'z') || (t[0] >= 'A' && t[0] <= 'Z'))) {
		rp_diags_add(d, RP_DIAG_ERROR, NULL, NULL,
		    "vers '" SHOW "': the type must start with a letter",
		    input);
		return RP_ERR_INVALID;
	}
	for (i = 0; i < n; i++) {
		int c = (unsigned char)t[i];
		if (c >= 'A' && c <= 'Z')
			upper = 1;
		else if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
			     c == '.' || c == '-')) {
			rp_diags_add(d, RP_DIAG_ERROR, NULL, NULL,
			    "vers '" SHOW "': the type may only hold letters, "
			    "digits, '.' and '-'",
			    input);
			return RP_ERR_INVALID;
		}
	}
	if (upper && strict) {
		rp_diags_add(d, RP_DIAG_ERROR, NULL, NULL,
		    "non-canonical vers '" SHOW "': the type must be lowercase",
		    input);
		return RP_ERR_INVALID;
	}
	if (upper)
		rp_diags_add(d, RP_DIAG_WARNING, NULL, NULL,
		    "vers '" SHOW "': type lower-cased", input);
	if (n == 7 && strncasecmp(t, "invalid", 7) == 0) {
		rp_diags_add(d, RP_DIAG_ERROR, NULL, NULL,
		    "vers '" SHOW "': the reserved type 'invalid' is never "
		    "valid",
		    input);
		return RP_ERR_INVALID;
	}
	return 0;
}

/*
 * Percent-decodes v[0..n) into out (at least n+1 bytes).  Strict: reserved
 * characters must be encoded and hex digits uppercase.  Tolerant: a '%'
 * that starts no triplet stays literal.  Decoded bytes must be printable
 * ASCII.
 */
static int
decode_version(const char *v, size_t n, char *out, int strict,
    const char *input, struct rp_diags *d)
{
	size_t i, o = 0;
	int c, h1, h2;

	for (i = 0; i < n; i++) {
		c = (unsigned char)v[i];
		if (c == '%') {
			h1 =
			    i + 1 < n ? rp_hexval((unsigned char)v[i + 1]) : -1;
			h2 =
			    i + 2 < n ? rp_hexval((unsigned char)v[i + 2]) : -1;
			if (h1 < 0 || h2 < 0) {
				if (!strict) {
					out[o++] = '%';
					continue;
				}
				rp_diags_add(d, RP_DIAG_ERROR, NULL, NULL,
				    "non-canonical vers '" SHOW "': invalid "
				    "percent-encoding in version",
				    input);
				return RP_ERR_INVALID;
			}
			if (strict &&
			    ((v[i + 1] >= 'a' && v[i + 1] <= 'f') ||
				(v[i + 2] >= 'a' && v[i + 2] <= 'f'))) {
				rp_diags_add(d, RP_DIAG_ERROR, NULL, NULL,
				    "non-canonical vers '" SHOW "': "
				    "percent-encoding in version is not "
				    "canonical (hex digits must be uppercase)",
				    input);
				return RP_ERR_INVALID;
			}
			c = h1 * 16 + h2;
			i += 2;
		} else if (strict && strchr("<>=!*", c) != NULL) {
			rp_diags_add(d, RP_DIAG_ERROR, NULL, NULL,
			    "non-canonical vers '" SHOW "': '%c' in a version "
			    "must be percent-encoded",
			    input, c);
			return RP_ERR_INVALID;
		}
		if (c < 0x20 || c >= 0x7f) {
			rp_diags_add(d, RP_DIAG_ERROR, NULL, NULL,
			    "vers '" SHOW "': control or non-ASCII byte in a "
			    "version",
			    input);
			return RP_ERR_INVALID;
		}
		out[o++] = (char)c;
	}
	out[o] = '\0';
	return 0;
}

/* Datetime versions (RFC 3339) have their own canonical form. */
static int
check_datetime(const char *raw, size_t n, const char *dec, int strict,
    const char *input, struct rp_diags *d)
{
	size_t i;

	for (i = 0; strict && i + 2 < n; i++) {
		if (raw[i] == '%' && raw[i + 1] == '3' &&
		    rp_tolower((unsigned char)raw[i + 2]) == 'a') {
			rp_diags_add(d, RP_DIAG_ERROR, NULL, NULL,
			    "non-canonical vers '" SHOW "': datetime time "
			    "colons must be unencoded",
			    input);
			return RP_ERR_INVALID;
		}
	}
	if (strchr(dec, 't') != NULL || strchr(dec, 'z') != NULL) {
		rp_diags_add(d, RP_DIAG_ERROR, NULL, NULL,
		    "non-canonical vers '" SHOW "': datetime must use "
		    "uppercase T and Z",
		    input);
		return RP_ERR_INVALID;
	}
	return 0;
}

/* Parses one constraint s[0..n) of a strict or tolerant vers. */
static int
parse_constraint(struct vers_range *r, const char *s, size_t n, int strict,
    const char *input, struct rp_diags *d)
{
	enum vers_op op = VERS_OP_EQ;
	char *buf = NULL;
	size_t k = 0;
	int rc = RP_ERR_INVALID;

	if (!strict) {
		while (n > 0 && rp_isspace((unsigned char)*s)) {
			s++;
			n--;
		}
	}
	if (n >= 2 && s[1] == '=' && strchr("<>!", s[0]) != NULL) {
		op = s[0] == '<'  ? VERS_OP_LE
		    : s[0] == '>' ? VERS_OP_GE
				  : VERS_OP_NE;
		k = 2;
	} else if (n >= 1 && (s[0] == '<' || s[0] == '>')) {
		op = s[0] == '<' ? VERS_OP_LT : VERS_OP_GT;
		k = 1;
	} else if (n >= 1 && s[0] == '=') {
		if (strict) {
			rp_diags_add(d, RP_DIAG_ERROR, NULL, NULL,
			    "non-canonical vers '" SHOW "': '=' is implicit, "
			    "write the bare version",
			    input);
			goto out;
		}
		k = (n >= 2 && s[1] == '=') ? 2 : 1;
		rp_diags_add(d, RP_DIAG_WARNING, NULL, NULL,
		    "vers '" SHOW "': '=' dropped (equality is implicit)",
		    input);
	} else if (n >= 1 && s[0] == '*') {
		/* A tolerant "*" among others: the union is everything. */
		if (!strict && n == 1) {
			rc = range_add(r, VERS_OP_ANY, NULL, 0);
			goto out;
		}
		rp_diags_add(d, RP_DIAG_ERROR, NULL, NULL,
		    "vers '" SHOW "': '*' must be the only constraint", input);
		goto out;
	}
	s += k;
	n -= k;
	if (!strict) {
		while (n > 0 && rp_isspace((unsigned char)*s)) {
			s++;
			n--;
		}
		while (n > 0 && rp_isspace((unsigned char)s[n - 1]))
			n--;
	}
	if (n == 0) {
		rp_diags_add(d, RP_DIAG_ERROR, NULL, NULL,
		    "vers '" SHOW "': empty version after '%s'", input,
		    op_str(op));
		goto out;
	}
	if ((buf = malloc(n + 1)) == NULL) {
		rc = RP_ERR_NOMEM;
		goto out;
	}
	if ((rc = decode_version(s, n, buf, strict, input, d)) != 0)
		goto out;
	/* Also tolerant: the canonical form must reparse strictly. */
	if (strcmp(r->scheme_name, "datetime") == 0 &&
	    (rc = check_datetime(s, n, buf, strict, input, d)) != 0)
		goto out;
	if ((rc = range_add(r, op, buf, strlen(buf))) == RP_ERR_LIMIT)
		rp_diags_add(d, RP_DIAG_ERROR, NULL, NULL,
		    "vers '" SHOW "': more than %d constraints", input,
		    VERS_CONSTRAINTS_MAX);
out:
	free(buf);
	return rc;
}

static int
parse_strict_constraints(
    struct vers_range *r, const char *cs, const char *input, struct rp_diags *d)
{
	const char *p, *bar;
	size_t n = strlen(cs);
	int rc;

	if (strcmp(cs, "*") == 0)
		return range_add(r, VERS_OP_ANY, NULL, 0);
	if (cs[0] == '|' || cs[n - 1] == '|' || strstr(cs, "||") != NULL) {
		rp_diags_add(d, RP_DIAG_ERROR, NULL, NULL,
		    "non-canonical vers '" SHOW "': %s pipe is not permitted",
		    input,
		    cs[0] == '|'	   ? "leading"
			: cs[n - 1] == '|' ? "trailing"
					   : "a consecutive");
		return RP_ERR_INVALID;
	}
	for (p = cs;; p = bar + 1) {
		bar = strchr(p, '|');
		n = bar != NULL ? (size_t)(bar - p) : strlen(p);
		if ((rc = parse_constraint(r, p, n, 1, input, d)) != 0)
			return rc;
		if (bar == NULL)
			return 0;
	}
}

int
vers_parse(const char *s, struct vers_range **out, struct rp_diags *d)
{
	struct vers_range *r = NULL;
	const char *p, *slash;
	int rc = RP_ERR_INVALID;

	*out = NULL;
	if (s == NULL)
		return RP_ERR_ARG;
	if (strlen(s) > VERS_INPUT_MAX) {
		rp_diags_add(d, RP_DIAG_ERROR, NULL, NULL,
		    "vers range longer than %d bytes", VERS_INPUT_MAX);
		return RP_ERR_LIMIT;
	}
	for (p = s; *p != '\0'; p++) {
		if (rp_isspace((unsigned char)*p)) {
			rp_diags_add(d, RP_DIAG_ERROR, NULL, NULL,
			    "non-canonical vers '" SHOW "': whitespace is not "
			    "permitted",
			    s);
			goto out;
		}
		if ((unsigned char)*p < 0x20 || (unsigned char)*p >= 0x7f) {
			rp_diags_add(d, RP_DIAG_ERROR, NULL, NULL,
			    "vers '" SHOW "': control or non-ASCII byte", s);
			goto out;
		}
	}
	if (strncmp(s, "vers:", 5) != 0) {
		rp_diags_add(d, RP_DIAG_ERROR, NULL, NULL,
		    "vers '" SHOW "': must start with 'vers:'", s);
		goto out;
	}
	if ((slash = strchr(s + 5, '/')) == NULL) {
		rp_diags_add(d, RP_DIAG_ERROR, NULL, NULL,
		    "vers '" SHOW "': expected 'vers:TYPE/CONSTRAINTS'", s);
		goto out;
	}
	if ((rc = check_type(s + 5, slash - (s + 5), 1, s, d)) != 0)
		goto out;
	if (slash[1] == '\0') {
		rp_diags_add(d, RP_DIAG_ERROR, NULL, NULL,
		    "vers '" SHOW "': no constraints after the type", s);
		rc = RP_ERR_INVALID;
		goto out;
	}
	if ((r = range_new(s + 5, slash - (s + 5))) == NULL) {
		rc = RP_ERR_NOMEM;
		goto out;
	}
	if ((rc = parse_strict_constraints(r, slash + 1, s, d)) != 0)
		goto out;
	if ((rc = range_finish(r, 1, s, d)) != 0)
		goto out;
	*out = r;
	r = NULL;
out:
	vers_range_free(r);
	return rc;
}

/* Drops a leading 'v'/'V' before a digit (generic and SemVer only). */
static void
strip_v(struct vers_range *r, const char *input, struct rp_diags *d)
{
	size_t i;
	char *v, c;

	if (r->scheme != VERSION_SCHEME_GENERIC &&
	    r->scheme != VERSION_SCHEME_SEMVER)
		return;
	for (i = 0; i < r->n; i++) {
		if ((v = r->c[i].version) == NULL)
			continue;
		if ((v[0] == 'v' || v[0] == 'V') && v[1] >= '0' &&
		    v[1] <= '9') {
			c = v[0];
			memmove(v, v + 1, strlen(v));
			rp_diags_add(d, RP_DIAG_WARNING, NULL, NULL,
			    "vers '" SHOW "': leading '%c' dropped from "
			    "version '%s'",
			    input, c, v);
		}
	}
}

int
vers_parse_tolerant(const char *s, struct vers_range **out, struct rp_diags *d)
{
	struct vers_range *r = NULL;
	const char *p, *e, *t, *slash, *bar;
	size_t tn, n;
	int rc = RP_ERR_INVALID;

	*out = NULL;
	if (s == NULL)
		return RP_ERR_ARG;
	if (strlen(s) > VERS_INPUT_MAX) {
		rp_diags_add(d, RP_DIAG_ERROR, NULL, NULL,
		    "vers range longer than %d bytes", VERS_INPUT_MAX);
		return RP_ERR_LIMIT;
	}
	for (p = s; rp_isspace((unsigned char)*p); p++)
		;
	for (e = p + strlen(p); e > p && rp_isspace((unsigned char)e[-1]); e--)
		;
	if (e - p < 5 || strncasecmp(p, "vers:", 5) != 0) {
		rp_diags_add(d, RP_DIAG_ERROR, NULL, NULL,
		    "vers '" SHOW "': must start with 'vers:'", s);
		goto out;
	}
	if (strncmp(p, "vers:", 5) != 0)
		rp_diags_add(d, RP_DIAG_WARNING, NULL, NULL,
		    "vers '" SHOW "': 'vers:' lower-cased", s);
	for (t = p + 5; t < e && rp_isspace((unsigned char)*t); t++)
		;
	if ((slash = memchr(t, '/', e - t)) == NULL) {
		rp_diags_add(d, RP_DIAG_ERROR, NULL, NULL,
		    "vers '" SHOW "': expected 'vers:TYPE/CONSTRAINTS'", s);
		goto out;
	}
	for (tn = slash - t; tn > 0 && rp_isspace((unsigned char)t[tn - 1]);
	     tn--)
		;
	if ((rc = check_type(t, tn, 0, s, d)) != 0)
		goto out;
	if ((r = range_new(t, tn)) == NULL) {
		rc = RP_ERR_NOMEM;
		goto out;
	}
	for (p = slash + 1;; p = bar + 1) {
		bar = memchr(p, '|', e - p);
		n = bar != NULL ? (size_t)(bar - p) : (size_t)(e - p);
		while (n > 0 && rp_isspace((unsigned char)p[n - 1]))
			n--;
		while (n > 0 && rp_isspace((unsigned char)*p)) {
			p++;
			n--;
		}
		if (n == 0)
			rp_diags_add(d, RP_DIAG_WARNING, NULL, NULL,
			    "vers '" SHOW "': empty constraint ignored", s);
		else if ((rc = parse_constraint(r, p, n, 0, s, d)) != 0)
			goto out;
		if (bar == NULL)
			break;
	}
	if (r->n == 0) {
		rp_diags_add(d, RP_DIAG_ERROR, NULL, NULL,
		    "vers '" SHOW "': no constraints", s);
		rc = RP_ERR_INVALID;
		goto out;
	}
	if ((rc = range_finish(r, 0, s, d)) != 0)
		goto out;
	*out = r;
	r = NULL;
out:
	vers_range_free(r);
	return rc;
}

int
vers_build(const char *type, const struct vers_constraint *c, size_t n,
    const char *input, struct vers_range **out, struct rp_diags *d)
{
	struct vers_range *r = NULL;
	const unsigned char *p;
	size_t i, len, total = 0;
	int rc = RP_ERR_INVALID;

	*out = NULL;
	if (type == NULL || (n > 0 && c == NULL))
		return RP_ERR_ARG;
	if (input == NULL)
		input = type;
	if ((rc = check_type(type, strlen(type), 0, input, d)) != 0)
		return rc;
	if (n == 0) {
		rp_diags_add(d, RP_DIAG_ERROR, NULL, NULL,
		    "vers '" SHOW "': no constraints", input);
		return RP_ERR_INVALID;
	}
	if ((r = range_new(type, strlen(type))) == NULL)
		return RP_ERR_NOMEM;
	for (i = 0; i < n; i++) {
		if (c[i].op == VERS_OP_ANY) {
			if ((rc = range_add(r, VERS_OP_ANY, NULL, 0)) != 0)
				goto out;
			continue;
		}
		rc = RP_ERR_INVALID;
		if (c[i].version == NULL || c[i].version[0] == '\0') {
			rp_diags_add(d, RP_DIAG_ERROR, NULL, NULL,
			    "vers '" SHOW "': empty version after '%s'", input,
			    op_str(c[i].op));
			goto out;
		}
		len = strlen(c[i].version);
		if ((total += len) > VERS_INPUT_MAX) {
			rp_diags_add(d, RP_DIAG_ERROR, NULL, NULL,
			    "vers range longer than %d bytes", VERS_INPUT_MAX);
			rc = RP_ERR_LIMIT;
			goto out;
		}
		for (p = (const unsigned char *)c[i].version; *p != '\0'; p++) {
			if (*p < 0x20 || *p >= 0x7f) {
				rp_diags_add(d, RP_DIAG_ERROR, NULL, NULL,
				    "vers '" SHOW "': control or non-ASCII "
				    "byte in a version",
				    input);
				goto out;
			}
		}
		if (strcmp(r->scheme_name, "datetime") == 0 &&
		    (rc = check_datetime(
			 c[i].version, len, c[i].version, 0, input, d)) != 0)
			goto out;
		if ((rc = range_add(r, c[i].op, c[i].version, len)) != 0) {
			if (rc == RP_ERR_LIMIT)
				rp_diags_add(d, RP_DIAG_ERROR, NULL, NULL,
				    "vers '" SHOW "': more than %d constraints",
				    input, VERS_CONSTRAINTS_MAX);
			goto out;
		}
	}
	if ((rc = range_finish(r, 0, input, d)) != 0)
		goto out;
	*out = r;
	r = NULL;
out:
	vers_range_free(r);
	return rc;
}

/* ---- finishing: order, duplicates, comparator sequence ---- */

static int
vcmp(const struct vers_range *r, const char *a, const char *b)
{
	if (r->scheme == VERSION_SCHEME_UNKNOWN)
		return strcmp(a, b);
	return version_cmp_valid(r->scheme, a, b);
}

static int
is_lower(enum vers_op op)
{
	return op == VERS_OP_LT || op == VERS_OP_LE;
}

static int
is_upper(enum vers_op op)
{
	return op == VERS_OP_GT || op == VERS_OP_GE;
}

/* Whether b may follow a (ignoring '!='), per the spec's rules. */
static int
pair_ok(enum vers_op a, enum vers_op b)
{
	if (a == VERS_OP_EQ || is_lower(a))
		return b == VERS_OP_EQ || is_upper(b);
	return is_lower(b);
}

/* Index of the first constraint that may not follow its predecessor, or 0. */
static size_t
bad_sequence(const struct vers_range *r)
{
	size_t i, prev = (size_t)-1;

	for (i = 0; i < r->n; i++) {
		if (r->c[i].op == VERS_OP_NE)
			continue;
		if (prev != (size_t)-1 && !pair_ok(r->c[prev].op, r->c[i].op))
			return i;
		prev = i;
	}
	return 0;
}

/* Stable insertion sort: safe even if an ordering is not transitive. */
static void
sort_constraints(struct vers_range *r)
{
	struct vers_constraint t;
	size_t i, j;

	for (i = 1; i < r->n; i++) {
		t = r->c[i];
		for (j = i;
		     j > 0 && vcmp(r, r->c[j - 1].version, t.version) > 0; j--)
			r->c[j] = r->c[j - 1];
		r->c[j] = t;
	}
}

static void
drop(struct vers_range *r, size_t i)
{
	free(r->c[i].version);
	memmove(&r->c[i], &r->c[i + 1], (r->n - i - 1) * sizeof(r->c[0]));
	r->n--;
}

/*
 * The one comparator meaning "a or b" on the same version, or -1 when
 * there is none ("<1|>1" is "!=1", "<=1|>=1" everything, "!=" with any
 * other is ambiguous).
 */
static int
op_union(enum vers_op a, enum vers_op b)
{
	int lo = a == VERS_OP_LT || a == VERS_OP_LE || b == VERS_OP_LT ||
	    b == VERS_OP_LE;
	int hi = a == VERS_OP_GT || a == VERS_OP_GE || b == VERS_OP_GT ||
	    b == VERS_OP_GE;

	if (a == b)
		return a;
	if (a == VERS_OP_NE || b == VERS_OP_NE || (lo && hi))
		return -1;
	/* Now a mix of "=", "<"/"<=" or of "=", ">"/">=": inclusive. */
	return lo ? VERS_OP_LE : VERS_OP_GE;
}

/* Tolerant: merges constraints on one version where the union is expressible. */
static int
merge_duplicates(struct vers_range *r, const char *input, struct rp_diags *d)
{
	size_t i;
	int u;

	for (i = 1; i < r->n;) {
		if (vcmp(r, r->c[i - 1].version, r->c[i].version) != 0) {
			i++;
			continue;
		}
		if ((u = op_union(r->c[i - 1].op, r->c[i].op)) < 0) {
			rp_diags_add(d, RP_DIAG_ERROR, NULL, NULL,
			    "vers '" SHOW "': version '%s' appears with both "
			    "'%s' and '%s'",
			    input, r->c[i].version, op_str(r->c[i - 1].op),
			    op_str(r->c[i].op));
			return RP_ERR_INVALID;
		}
		r->c[i - 1].op = (enum vers_op)u;
		rp_diags_add(d, RP_DIAG_WARNING, NULL, NULL,
		    "vers '" SHOW "': duplicate version '%s' merged", input,
		    r->c[i].version);
		drop(r, i);
	}
	return 0;
}

/* The spec's simplification: union semantics for redundant bounds. */
static void
simplify(struct vers_range *r)
{
	size_t i, prev, cur;
	int changed = 1;

	while (changed) {
		changed = 0;
		prev = (size_t)-1;
		for (i = 0; i < r->n && !changed; i++) {
			if (r->c[i].op == VERS_OP_NE)
				continue;
			cur = i;
			if (prev != (size_t)-1) {
				enum vers_op a = r->c[prev].op,
					     b = r->c[cur].op;
				if (is_upper(a) &&
				    (b == VERS_OP_EQ || is_upper(b))) {
					drop(r, cur);
					changed = 1;
				} else if ((a == VERS_OP_EQ || is_lower(a)) &&
				    is_lower(b)) {
					drop(r, prev);
					changed = 1;
				}
			}
			prev = cur;
		}
	}
}

static int
finish_any(
    struct vers_range *r, int strict, const char *input, struct rp_diags *d)
{
	size_t i;

	for (i = 0; i < r->n; i++) {
		if (r->c[i].op != VERS_OP_ANY)
			continue;
		if (r->n > 1) {
			if (strict) {
				rp_diags_add(d, RP_DIAG_ERROR, NULL, NULL,
				    "vers '" SHOW "': '*' must be the only "
				    "constraint",
				    input);
				return RP_ERR_INVALID;
			}
			rp_diags_add(d, RP_DIAG_WARNING, NULL, NULL,
			    "vers '" SHOW "': '*' with other constraints "
			    "means every version",
			    input);
			while (r->n > 0)
				drop(r, r->n - 1);
			return range_add(r, VERS_OP_ANY, NULL, 0);
		}
	}
	return 0;
}

/* The generic types "all" and "none" only admit "*". */
static int
finish_all_none(
    struct vers_range *r, int strict, const char *input, struct rp_diags *d)
{
	char *g;
	int all = strcmp(r->scheme_name, "all") == 0;

	if (!all && strcmp(r->scheme_name, "none") != 0)
		return 0;
	if (r->n == 1 && r->c[0].op == VERS_OP_ANY)
		return 0;
	if (strict || !all) {
		rp_diags_add(d, RP_DIAG_ERROR, NULL, NULL,
		    "vers '" SHOW "': type '%s' only admits '*'", input,
		    r->scheme_name);
		return RP_ERR_INVALID;
	}
	/* CISA writes "vers:all/<V4.3.8": read it as a generic range. */
	if ((g = strdup("generic")) == NULL)
		return RP_ERR_NOMEM;
	free(r->scheme_name);
	r->scheme_name = g;
	rp_diags_add(d, RP_DIAG_WARNING, NULL, NULL,
	    "vers '" SHOW "': type 'all' only admits '*'; read as 'generic'",
	    input);
	return 0;
}

/*
 * Checks each version against the scheme.  Tolerant: an invalid version is
 * an error (the range could not be ordered).  Strict: the vers grammar
 * does not depend on the scheme, so it is a warning, *ordered is cleared
 * and containment will report the bound as invalid.
 */
static int
check_versions(struct vers_range *r, int strict, int *ordered,
    const char *input, struct rp_diags *d)
{
	const char *why = NULL;
	size_t i;

	*ordered = r->scheme != VERSION_SCHEME_UNKNOWN;
	for (i = 0; i < r->n && *ordered; i++) {
		struct version_check vc;

		version_check(r->scheme, r->c[i].version, &vc);
		why = vc.why;
		if (vc.valid && vc.warning != VERSION_WARN_NONE)
			rp_diags_add(d, RP_DIAG_WARNING, NULL, NULL,
			    "vers '" SHOW "': '%s' has bad %s syntax: %s",
			    input, r->c[i].version,
			    version_scheme_name(r->scheme), why);
		if (!vc.valid) {
			rp_diags_add(d,
			    strict ? RP_DIAG_WARNING : RP_DIAG_ERROR, NULL,
			    NULL,
			    "vers '" SHOW "': '%s' is not a valid %s version: "
			    "%s",
			    input, r->c[i].version,
			    version_scheme_name(r->scheme), why);
			if (!strict)
				return RP_ERR_INVALID;
			*ordered = 0;
		} else if (!strict && r->scheme == VERSION_SCHEME_GENERIC &&
		    !vls_version_plausible(r->c[i].version, &why)) {
			rp_diags_add(d, RP_DIAG_ERROR, NULL, NULL,
			    "vers '" SHOW "': '%s' does not look like a "
			    "version: %s",
			    input, r->c[i].version, why);
			return RP_ERR_INVALID;
		}
	}
	return 0;
}

/* Sorted and unique; without an ordering only repeated strings are caught. */
static int
check_order(
    struct vers_range *r, int ordered, const char *input, struct rp_diags *d)
{
	size_t i;
	int c;

	for (i = 1; i < r->n; i++) {
		if (ordered)
			c = vcmp(r, r->c[i - 1].version, r->c[i].version);
		else
			c = strcmp(r->c[i - 1].version, r->c[i].version) != 0;
		if (c == 0) {
			rp_diags_add(d, RP_DIAG_ERROR, NULL, NULL,
			    "vers '" SHOW "': version '%s' appears twice",
			    input, r->c[i].version);
			return RP_ERR_INVALID;
		}
		if (c > 0 && ordered) {
			rp_diags_add(d, RP_DIAG_ERROR, NULL, NULL,
			    "non-canonical vers '" SHOW "': constraints are "
			    "not sorted by version ('%s' before '%s')",
			    input, r->c[i - 1].version, r->c[i].version);
			return RP_ERR_INVALID;
		}
	}
	return 0;
}

int
range_finish(
    struct vers_range *r, int strict, const char *input, struct rp_diags *d)
{
	size_t bad;
	int rc, ordered;

	if ((rc = finish_any(r, strict, input, d)) != 0 ||
	    (rc = finish_all_none(r, strict, input, d)) != 0)
		return rc;
	(void)version_scheme_from_name(r->scheme_name, &r->scheme);
	if (r->n == 1 && r->c[0].op == VERS_OP_ANY)
		return 0;
	if (!strict)
		strip_v(r, input, d);
	if ((rc = check_versions(r, strict, &ordered, input, d)) != 0)
		return rc;
	if (!ordered) {
		if (r->scheme == VERSION_SCHEME_UNKNOWN)
			rp_diags_add(d, RP_DIAG_WARNING, NULL, NULL,
			    "vers '" SHOW "': Rampart has no version ordering "
			    "for type '%s'; order not checked",
			    input, r->scheme_name);
		return check_order(r, 0, input, d);
	}
	if (!strict) {
		sort_constraints(r);
		if ((rc = merge_duplicates(r, input, d)) != 0)
			return rc;
	}
	if ((rc = check_order(r, 1, input, d)) != 0)
		return rc;
	if ((bad = bad_sequence(r)) != 0 && !strict) {
		rp_diags_add(d, RP_DIAG_WARNING, NULL, NULL,
		    "vers '" SHOW "': redundant constraints simplified", input);
		simplify(r);
		bad = bad_sequence(r);
	}
	if (bad != 0) {
		rp_diags_add(d, RP_DIAG_ERROR, NULL, NULL,
		    "vers '" SHOW "': '%s%s' may not follow the constraint "
		    "before it (ranges must alternate '>'/'<')",
		    input, op_str(r->c[bad].op), r->c[bad].version);
		return RP_ERR_INVALID;
	}
	return 0;
}

/* ---- containment and printing ---- */

int
vers_range_valid(const struct vers_range *r)
{
	size_t i;

	if (r == NULL || r->n == 0)
		return 0;
	if (r->n == 1 && r->c[0].op == VERS_OP_ANY)
		return 1;
	if (r->scheme == VERSION_SCHEME_UNKNOWN)
		return 0;
	for (i = 0; i < r->n; i++) {
		if (r->c[i].version == NULL || r->c[i].op == VERS_OP_ANY ||
		    !version_valid(r->scheme, r->c[i].version, NULL))
			return 0;
	}
	return 1;
}

int
vers_contains(const struct vers_range *r, const char *v, int *in)
{
	*in = 0;
	if (r == NULL || v == NULL)
		return RP_ERR_ARG;
	if (r->n == 1 && r->c[0].op == VERS_OP_ANY)
		return vers_contains_valid(r, v, in);
	if (r->scheme == VERSION_SCHEME_UNKNOWN)
		return RP_ERR_UNSUPPORTED;
	if (!vers_range_valid(r) || !version_valid(r->scheme, v, NULL))
		return RP_ERR_INVALID;
	return vers_contains_valid(r, v, in);
}

/* Comparisons remembered per constraint for ranges up to this size. */
#define CMP_MEMO 32

struct cmp_valid {
	const struct vers_range *r;
	const char *v;
	int memo[CMP_MEMO];
	unsigned char have[CMP_MEMO], any[CMP_MEMO];
};

static int
cmp_valid_fn(size_t i, void *arg, int *any)
{
	struct cmp_valid *c = arg;
	int a;

	if (i >= CMP_MEMO)
		return version_cmp_bound_valid(
		    c->r->scheme, c->v, c->r->c[i].version, any);
	if (!c->have[i]) {
		c->memo[i] = version_cmp_bound_valid(
		    c->r->scheme, c->v, c->r->c[i].version, &a);
		c->any[i] = (unsigned char)a;
		c->have[i] = 1;
	}
	*any = c->any[i];
	return c->memo[i];
}

int
vers_contains_valid(const struct vers_range *r, const char *v, int *in)
{
	struct cmp_valid c;

	c.r = r;
	c.v = v;
	memset(c.have, 0, sizeof(c.have));
	return vers_contains_by(r, cmp_valid_fn, &c, in);
}

int
vers_contains_by(const struct vers_range *r,
    int (*cmp_at)(size_t, void *, int *), void *arg, int *in)
{
	const struct vers_constraint *c, *lo, *hi;
	size_t i, nb = 0, first = 0;
	int cmp, nonne = 0, any;

	*in = 0;
	if (r->n == 1 && r->c[0].op == VERS_OP_ANY) {
		*in = strcmp(r->scheme_name, "none") != 0;
		return 0;
	}
	/* Equal to a bound: "=", "<=", ">=" include it, "!=" excludes it. */
	for (i = 0; i < r->n; i++) {
		c = &r->c[i];
		if ((cmp = cmp_at(i, arg, &any)) == 0) {
			/* rpm: a v without release matches any relation to
			 * a bound with one (rpmverOverlap()). */
			*in = c->op == VERS_OP_EQ || c->op == VERS_OP_LE ||
			    c->op == VERS_OP_GE || (any && c->op != VERS_OP_NE);
			return 0;
		}
		if (c->op != VERS_OP_NE)
			nonne = 1;
		if (c->op != VERS_OP_EQ && c->op != VERS_OP_NE) {
			if (nb++ == 0)
				first = i;
		}
	}
	if (nb == 0) {
		/* Only "!=" constraints: every other version. */
		*in = !nonne;
		return 0;
	}
	/* Walk the bounds pairwise, as the spec's algorithm does. */
	lo = NULL;
	for (i = first; i < r->n; i++) {
		hi = &r->c[i];
		if (hi->op == VERS_OP_EQ || hi->op == VERS_OP_NE)
			continue;
		cmp = cmp_at(i, arg, &any);
		if (lo == NULL && is_lower(hi->op) && cmp < 0) {
			*in = 1;
			return 0;
		}
		if (lo != NULL && is_upper(lo->op) && is_lower(hi->op)) {
			if (cmp < 0 &&
			    cmp_at((size_t)(lo - r->c), arg, &any) > 0) {
				*in = 1;
				return 0;
			}
		}
		lo = hi;
	}
	/* The last bound opens upwards. */
	if (lo != NULL && is_upper(lo->op))
		*in = cmp_at((size_t)(lo - r->c), arg, &any) > 0;
	return 0;
}

char *
vers_to_string(const struct vers_range *r)
{
	struct rp_buf b;
	const char *p;
	size_t i;

	if (r == NULL)
		return NULL;
	rp_buf_init(&b, 4 * VERS_INPUT_MAX);
	rp_buf_appendf(&b, "vers:%s/", r->scheme_name);
	for (i = 0; i < r->n; i++) {
		if (i > 0)
			rp_buf_append(&b, "|");
		rp_buf_append(&b, op_str(r->c[i].op));
		if (r->c[i].version == NULL)
			continue;
		for (p = r->c[i].version; *p != '\0'; p++) {
			if (strchr("<>=!*|% ", *p) != NULL ||
			    (unsigned char)*p < 0x20 ||
			    (unsigned char)*p >= 0x7f)
				rp_buf_appendf(&b, "%%%02X", (unsigned char)*p);
			else
				rp_buf_appendn(&b, p, 1);
		}
	}
	return rp_buf_take(&b);
}
