/*
 * CSAF "vls" product_version_range strings as vendors and CISA write them:
 * "<V3.0.29", ">= 8.1.5", "< V4.1.3", ">=1.0 <2.0", ">= V2.0 and < V2.6",
 * "0 < 8.0.1", "All versions", "All versions < V4.3 SP1", ">= 6.x | <= 10.x",
 * "V4.7: < V4.7 HF27", "< 1.49 (1.29 for NX7)", or a vers string.  Each is
 * turned into a vers range, with a warning for every liberty taken; text
 * that cannot be read as a range (dates, prose, alternatives for several
 * products, inner wildcards) is rejected with the reason.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "version.h"
#include "range.h"
#include "scheme.h"
#include "util/err.h"
#include "util/ascii.h"

#define SHOW "%.200s"
#define VLS_ITEMS_MAX 64

struct item {
	int hasop;
	enum vers_op op;
	char *v; /* inside mem */
	char *mem;
};

static int
isopc(int c)
{
	return c == '<' || c == '>' || c == '=' || c == '!';
}

/* Whether token t[0..n) is one of the words (case-insensitive). */
static int
word_in(const char *t, size_t n, const char *const *words)
{
	for (; *words != NULL; words++) {
		if (strlen(*words) == n && strncasecmp(t, *words, n) == 0)
			return 1;
	}
	return 0;
}

static const char *const months[] = {"jan", "january", "feb", "february", "mar",
    "march", "apr", "april", "may", "jun", "june", "jul", "july", "aug",
    "august", "sep", "sept", "september", "oct", "october", "nov", "november",
    "dec", "december", NULL};
static const char *const connectors[] = {"on", "with", "for", "only", "when",
    "including", "before", "after", "if", "except", "and", "or", "via", "using",
    "from", "to", NULL};

int
vls_version_plausible(const char *v, const char **why)
{
	const char *p = v, *t;
	size_t n, words = 0, comp = 0;
	int seen_digit = 0;

	if (strcasestr(v, "serial") != NULL) {
		*why = "a serial-number condition, not a version";
		return 0;
	}
	/* Whitespace-separated tokens: dates and prose. */
	for (p = v; *p != '\0';) {
		while (*p == ' ')
			p++;
		for (t = p; *p != '\0' && *p != ' '; p++)
			;
		if ((n = p - t) == 0)
			continue;
		if (t == v && word_in(t, n, months)) {
			*why = "a date, not a version";
			return 0;
		}
		if (word_in(t, n, connectors)) {
			*why = "free text after the version";
			return 0;
		}
	}
	/* Components: leading words and "x" wildcards. */
	for (p = v; *p != '\0';) {
		if (!rp_isdigit((unsigned char)*p) &&
		    !rp_isalpha((unsigned char)*p)) {
			p++;
			continue;
		}
		t = p;
		if (rp_isdigit((unsigned char)*p)) {
			while (rp_isdigit((unsigned char)*p))
				p++;
			seen_digit = 1;
		} else {
			while (rp_isalpha((unsigned char)*p))
				p++;
			n = p - t;
			if ((n == 1 && (*t == 'x' || *t == 'X') &&
				(t == v || t[-1] == '.')) ||
			    (comp == 0 && n == 2 &&
				strncasecmp(t, "vx", 2) == 0)) {
				*why = "a wildcard 'x' inside a version cannot "
				       "be compared";
				return 0;
			}
			if (!seen_digit && ++words >= 2) {
				*why = "starts with words: a product name or "
				       "prose, not a version";
				return 0;
			}
		}
		comp++;
	}
	return 1;
}

/* Removes "(...)" asides in place; -1 when parentheses do not balance. */
static int
drop_asides(char *s, int *dropped)
{
	char *w = s, *p;
	int depth = 0;

	*dropped = 0;
	for (p = s; *p != '\0'; p++) {
		if (*p == '(') {
			depth++;
			*dropped = 1;
		} else if (*p == ')') {
			if (--depth < 0)
				return -1;
		} else if (depth == 0)
			*w++ = *p;
	}
	*w = '\0';
	return depth == 0 ? 0 : -1;
}

/* Trims spaces and a trailing "and", "&" or ",". */
static char *
clean_version(char *s)
{
	size_t n;

	while (*s == ' ')
		s++;
	n = strlen(s);
	for (;;) {
		while (n > 0 && s[n - 1] == ' ')
			n--;
		if (n >= 4 && strncasecmp(s + n - 4, " and", 4) == 0)
			n -= 4;
		else if (n == 3 && strncasecmp(s, "and", 3) == 0)
			n = 0;
		else if (n > 0 && (s[n - 1] == '&' || s[n - 1] == ','))
			n--;
		else
			break;
	}
	s[n] = '\0';
	return s;
}

/* Splits one '|'-group into items of optional comparator and version. */
static int
split_items(const char *g, struct item *it, size_t *nit, const char **why)
{
	const char *p = g, *v;
	char *mem;

	*nit = 0;
	while (*p != '\0') {
		struct item x = {0, VERS_OP_EQ, NULL, NULL};

		while (*p == ' ')
			p++;
		if (*p == '\0')
			break;
		if (isopc((unsigned char)*p)) {
			x.hasop = 1;
			if (p[1] == '=' && p[0] != '=') {
				x.op = p[0] == '<' ? VERS_OP_LE
				    : p[0] == '>'  ? VERS_OP_GE
						   : VERS_OP_NE;
				p += 2;
			} else if (*p == '<' || *p == '>') {
				x.op = *p == '<' ? VERS_OP_LT : VERS_OP_GT;
				p++;
			} else if (*p == '=') {
				p += p[1] == '=' ? 2 : 1;
			} else {
				*why = "'!' without '='";
				return RP_ERR_INVALID;
			}
		}
		for (v = p; *p != '\0' && !isopc((unsigned char)*p); p++)
			;
		if (*nit >= VLS_ITEMS_MAX) {
			*why = "too many constraints";
			return RP_ERR_LIMIT;
		}
		if ((mem = strndup(v, p - v)) == NULL)
			return RP_ERR_NOMEM;
		x.mem = mem;
		x.v = clean_version(mem);
		it[(*nit)++] = x;
		if (*x.v == '\0') {
			*why = "a comparator without a version";
			return RP_ERR_INVALID;
		}
	}
	return 0;
}

/* Writes v[0..n) with its last number plus one ("5.9" -> "5.10") to out. */
static int
increment(const char *v, size_t n, char *out)
{
	size_t b, j, i, o;
	int all9 = 1;

	for (b = n; b > 0 && !rp_isdigit((unsigned char)v[b - 1]); b--)
		;
	if (b == 0)
		return -1;
	for (j = b; j > 0 && rp_isdigit((unsigned char)v[j - 1]); j--)
		all9 &= v[j - 1] == '9';
	memcpy(out, v, j);
	o = j;
	if (all9) {
		out[o++] = '1';
		for (i = j; i < b; i++)
			out[o++] = '0';
	} else {
		memcpy(out + o, v + j, b - j);
		for (i = o + (b - j); out[i - 1] == '9'; i--)
			out[i - 1] = '0';
		out[i - 1]++;
		o += b - j;
	}
	memcpy(out + o, v + b, n - b);
	out[o + n - b] = '\0';
	return 0;
}

/*
 * "6.x": adds the bound(s) meaning the same without a wildcard.  Returns
 * 0 when added (or *rc set on failure), 1 when v has no trailing wildcard,
 * -1 when it cannot be expressed.
 */
static int
unwild(struct vers_range *r, enum vers_op op, char *v, int *rc)
{
	size_t n = strlen(v);
	char *inc;

	*rc = 0;
	if (n < 3 || v[n - 2] != '.' ||
	    (v[n - 1] != 'x' && v[n - 1] != 'X' && v[n - 1] != '*'))
		return 1;
	n -= 2;
	if (op == VERS_OP_NE)
		return -1;
	if ((inc = malloc(n + 2)) == NULL) {
		*rc = RP_ERR_NOMEM;
		return 0;
	}
	if (increment(v, n, inc) != 0) {
		free(inc);
		return -1;
	}
	switch (op) {
	case VERS_OP_GE:
	case VERS_OP_LT:
		*rc = range_add(r, op, v, n);
		break;
	case VERS_OP_GT:
		*rc = range_add(r, VERS_OP_GE, inc, strlen(inc));
		break;
	case VERS_OP_LE:
		*rc = range_add(r, VERS_OP_LT, inc, strlen(inc));
		break;
	default:
		if ((*rc = range_add(r, VERS_OP_GE, v, n)) == 0)
			*rc = range_add(r, VERS_OP_LT, inc, strlen(inc));
		break;
	}
	free(inc);
	return 0;
}

static int
add_items(struct vers_range *r, struct item *it, size_t n,
    enum version_scheme scheme, const char *input, struct rp_diags *d)
{
	const char *why = NULL;
	size_t i;
	int rc = 0, w;

	/* "0 < 8.0.1" and "A.01 <= C.0x": read as lower OP version OP upper. */
	if (n >= 2 && !it[0].hasop && it[1].hasop &&
	    (it[1].op == VERS_OP_LT || it[1].op == VERS_OP_LE)) {
		it[0].hasop = 1;
		it[0].op = it[1].op == VERS_OP_LT ? VERS_OP_GT : VERS_OP_GE;
		rp_diags_add(d, RP_DIAG_WARNING, NULL, NULL,
		    "vls '" SHOW "': 'A %s B' read as a range from A to B",
		    input, it[1].op == VERS_OP_LT ? "<" : "<=");
	}
	for (i = 0; i < n; i++) {
		/* "V4.3" means 4.3 where a "v" is no part of the scheme. */
		if (scheme == VERSION_SCHEME_GENERIC ||
		    scheme == VERSION_SCHEME_SEMVER)
			it[i].v = (char *)generic_skip_v(it[i].v);
		if (!it[i].hasop && n > 1) {
			rp_diags_add(d, RP_DIAG_ERROR, NULL, NULL,
			    "vls '" SHOW "': version '%s' without a "
			    "comparator among others",
			    input, it[i].v);
			return RP_ERR_INVALID;
		}
		if (scheme == VERSION_SCHEME_GENERIC) {
			w = unwild(r, it[i].op, it[i].v, &rc);
			if (w < 0) {
				rp_diags_add(d, RP_DIAG_ERROR, NULL, NULL,
				    "vls '" SHOW "': cannot express wildcard "
				    "'%s.x' as a bound",
				    input, it[i].v);
				return RP_ERR_INVALID;
			}
			if (w == 0) {
				if (rc != 0)
					return rc;
				continue;
			}
			if (!vls_version_plausible(it[i].v, &why)) {
				rp_diags_add(d, RP_DIAG_ERROR, NULL, NULL,
				    "vls '" SHOW "': '%s' is not a version: %s",
				    input, it[i].v, why);
				return RP_ERR_INVALID;
			}
		}
		if ((rc = range_add(r, it[i].op, it[i].v, strlen(it[i].v))) !=
		    0)
			return rc;
	}
	return 0;
}

/* Copies s with whitespace runs folded to one space, trimmed; NULL on control bytes. */
static char *
fold_spaces(const char *s, int *rc)
{
	char *buf, *w;

	*rc = RP_ERR_NOMEM;
	if ((buf = malloc(strlen(s) + 1)) == NULL)
		return NULL;
	for (w = buf; *s != '\0'; s++) {
		if (rp_isspace((unsigned char)*s)) {
			if (w > buf && w[-1] != ' ')
				*w++ = ' ';
		} else if ((unsigned char)*s < 0x20 || *s == 0x7f) {
			free(buf);
			*rc = RP_ERR_INVALID;
			return NULL;
		} else
			*w++ = *s;
	}
	while (w > buf && w[-1] == ' ')
		w--;
	*w = '\0';
	*rc = 0;
	return buf;
}

/* Strips "All versions", "Version", a "LABEL: " and "(asides)". */
static int
strip_prose(char **pp, int *all, const char *input, struct rp_diags *d)
{
	char *p = *pp, *colon, *op;
	int dropped;

	*all = 0;
	if (strncasecmp(p, "all versions", 12) == 0 &&
	    (p[12] == '\0' || p[12] == ' ' || isopc((unsigned char)p[12]))) {
		for (p += 12; *p == ' '; p++)
			;
		if (*p == '\0' || !isopc((unsigned char)*p)) {
			if (*p != '\0')
				rp_diags_add(d, RP_DIAG_WARNING, NULL, NULL,
				    "vls '" SHOW "': condition '%s' ignored: "
				    "read as all versions",
				    input, p);
			*all = 1;
			return 0;
		}
	} else if (strncasecmp(p, "versions ", 9) == 0)
		p += 9;
	else if (strncasecmp(p, "version ", 8) == 0)
		p += 8;
	colon = strstr(p, ": ");
	op = strpbrk(p, "<>=!");
	if (colon != NULL && (op == NULL || colon < op)) {
		rp_diags_add(d, RP_DIAG_WARNING, NULL, NULL,
		    "vls '" SHOW "': label before ':' ignored", input);
		p = colon + 2;
	}
	if (drop_asides(p, &dropped) != 0) {
		rp_diags_add(d, RP_DIAG_ERROR, NULL, NULL,
		    "vls '" SHOW "': unbalanced parentheses", input);
		return RP_ERR_INVALID;
	}
	if (dropped)
		rp_diags_add(d, RP_DIAG_WARNING, NULL, NULL,
		    "vls '" SHOW "': text in parentheses ignored", input);
	if (strstr(p, " / ") != NULL) {
		rp_diags_add(d, RP_DIAG_ERROR, NULL, NULL,
		    "vls '" SHOW "': ' / ' gives versions for different "
		    "products; cannot tell which applies",
		    input);
		return RP_ERR_INVALID;
	}
	*pp = p;
	return 0;
}

static int
parse_groups(struct vers_range *r, char *p, enum version_scheme scheme,
    const char *input, struct rp_diags *d)
{
	struct item it[VLS_ITEMS_MAX];
	const char *why = NULL;
	char *bar;
	size_t nit = 0, i;
	int rc = 0;

	for (;; p = bar + 1) {
		if ((bar = strchr(p, '|')) != NULL)
			*bar = '\0';
		why = NULL;
		rc = split_items(p, it, &nit, &why);
		if (rc == 0 && nit == 0) {
			rc = RP_ERR_INVALID;
			why = "empty constraint";
		}
		if (rc == 0)
			rc = add_items(r, it, nit, scheme, input, d);
		for (i = 0; i < nit; i++)
			free(it[i].mem);
		if (rc != 0) {
			if (why != NULL)
				rp_diags_add(d, RP_DIAG_ERROR, NULL, NULL,
				    "vls '" SHOW "': %s", input, why);
			return rc;
		}
		if (bar == NULL)
			return 0;
	}
}

int
vls_parse(const char *s, enum version_scheme scheme, struct vers_range **out,
    struct rp_diags *d)
{
	struct vers_range *r = NULL;
	const char *q;
	char *buf = NULL, *p;
	int rc = RP_ERR_INVALID, all;

	*out = NULL;
	if (s == NULL)
		return RP_ERR_ARG;
	if (strlen(s) > VERS_INPUT_MAX) {
		rp_diags_add(d, RP_DIAG_ERROR, NULL, NULL,
		    "version range longer than %d bytes", VERS_INPUT_MAX);
		return RP_ERR_LIMIT;
	}
	if (scheme == VERSION_SCHEME_UNKNOWN)
		scheme = VERSION_SCHEME_GENERIC;
	for (q = s; rp_isspace((unsigned char)*q); q++)
		;
	if (strncasecmp(q, "vers:", 5) == 0)
		return vers_parse_tolerant(s, out, d);
	if ((buf = fold_spaces(q, &rc)) == NULL) {
		if (rc == RP_ERR_INVALID)
			rp_diags_add(d, RP_DIAG_ERROR, NULL, NULL,
			    "vls '" SHOW "': control character", s);
		goto out;
	}
	p = buf;
	if ((rc = strip_prose(&p, &all, s, d)) != 0)
		goto out;
	while (*p == ' ')
		p++;
	if (!all && *p == '\0') {
		rp_diags_add(d, RP_DIAG_ERROR, NULL, NULL,
		    "vls '" SHOW "': no version range", s);
		rc = RP_ERR_INVALID;
		goto out;
	}
	q = version_scheme_name(scheme);
	if ((r = range_new(q, strlen(q))) == NULL) {
		rc = RP_ERR_NOMEM;
		goto out;
	}
	if (all)
		rc = range_add(r, VERS_OP_ANY, NULL, 0);
	else
		rc = parse_groups(r, p, scheme, s, d);
	if (rc != 0 || (rc = range_finish(r, 0, s, d)) != 0)
		goto out;
	*out = r;
	r = NULL;
out:
	free(buf);
	vers_range_free(r);
	return rc;
}
