/*
 * STIX 2.1 bundles as indicators: the indicator objects whose pattern is
 * a STIX pattern made only of equality tests on the values the model
 * holds (domain names, IP addresses, URLs, file hashes and names), joined
 * by OR or AND.  AND is read as "each of these is an indicator": a sweep
 * matches single facts, so [file:name = 'a' AND file:hashes.MD5 = 'b']
 * gives both.  Every other pattern (other operators, objects,
 * FOLLOWEDBY, qualifiers such as WITHIN or REPEATS) is rejected with an
 * error that quotes it, never half-read.
 *
 * The pattern is read by a small tokenizer and a recursive-descent
 * parser of the STIX 2.1 patterning grammar's subset (part 5 of the
 * specification), with a bound on nesting and on the number of tests.
 */
#include <stdlib.h>
#include <string.h>

#include "json/rpjson.h"
#include "util/ascii.h"
#include "util/err.h"
#include "util/input.h"

#include "ioc_int.h"

#define STIX_MAX_INPUT RP_CAP_INDICATORS
#define STIX_MAX_OBJECTS IOC_BUNDLE_MAX_IOCS
#define STIX_PATTERN_MAX (64 * 1024)
#define STIX_MAX_TERMS 1024
#define STIX_MAX_DEPTH 32
#define STIX_TYPE_MAX 128
#define STIX_QUOTE_MAX 300 /* bytes of a rejected pattern in its error */

enum tok {
	T_END,
	T_LBRACK,
	T_RBRACK,
	T_LPAREN,
	T_RPAREN,
	T_COLON,
	T_DOT,
	T_EQ,
	T_OP, /* another comparison operator: != < <= > >= */
	T_WORD, /* [A-Za-z0-9_-]+: object types, properties, keywords */
	T_STRING, /* '...' with \' and \\ */
};

struct term {
	enum ioc_type type;
	const char *value; /* in the parser's unescaped-string buffer */
};

struct pat {
	const char *s, *p, *e; /* pattern, position, end */
	enum tok tok; /* current token */
	const char *tstart; /* where it starts */
	size_t tlen; /* its length (T_STRING: unescaped length) */
	char *str; /* unescaped strings, one after another */
	size_t nstr;
	const char *tstr; /* T_STRING: its unescaped text in str */
	struct term terms[STIX_MAX_TERMS];
	size_t nterms;
	int depth;
	const char *why; /* the reason for a rejection (static) */
	const char *where; /* where in the pattern */
};

static int
fail(struct pat *x, const char *why)
{
	if (x->why == NULL) {
		x->why = why;
		x->where = x->tstart;
	}
	return -1;
}

/* A quoted string from just after its quote; -1 when not closed. */
static int
lex_string(struct pat *x)
{
	char *out = x->str + x->nstr;
	size_t n = 0;

	while (x->p < x->e && *x->p != '\'') {
		if (*x->p == '\\') {
			if (x->p + 1 >= x->e ||
			    (x->p[1] != '\'' && x->p[1] != '\\'))
				return fail(x,
				    "a string escape other than \\' "
				    "or \\\\");
			x->p++;
		}
		out[n++] = *x->p++;
	}
	if (x->p >= x->e)
		return fail(x, "a string that is not closed");
	x->p++;
	out[n] = '\0';
	x->nstr += n + 1;
	x->tstr = out;
	x->tlen = n;
	x->tok = T_STRING;
	return 0;
}

/* Reads the next token into x->tok; -1 on a character outside it. */
static int
lex(struct pat *x)
{
	char c;

	while (x->p < x->e && rp_isspace((unsigned char)*x->p))
		x->p++;
	x->tstart = x->p;
	if (x->p >= x->e) {
		x->tok = T_END;
		return 0;
	}
	c = *x->p++;
	x->tlen = 1;
	switch (c) {
	case '[':
		x->tok = T_LBRACK;
		return 0;
	case ']':
		x->tok = T_RBRACK;
		return 0;
	case '(':
		x->tok = T_LPAREN;
		return 0;
	case ')':
		x->tok = T_RPAREN;
		return 0;
	case ':':
		x->tok = T_COLON;
		return 0;
	case '.':
		x->tok = T_DOT;
		return 0;
	case '=':
		x->tok = T_EQ;
		return 0;
	case '\'':
		return lex_string(x);
	case '!':
	case '<':
	case '>':
		if (x->p < x->e && *x->p == '=')
			x->p++;
		x->tok = T_OP;
		x->tlen = (size_t)(x->p - x->tstart);
		return 0;
	default:
		break;
	}
	if (!rp_isalnum((unsigned char)c) && c != '_' && c != '-')
		return fail(x, "a character outside the pattern grammar");
	while (x->p < x->e &&
	    (rp_isalnum((unsigned char)*x->p) || *x->p == '_' || *x->p == '-'))
		x->p++;
	x->tok = T_WORD;
	x->tlen = (size_t)(x->p - x->tstart);
	return 0;
}

static int
is_word(const struct pat *x, const char *w)
{
	return x->tok == T_WORD && x->tlen == strlen(w) &&
	    memcmp(x->tstart, w, x->tlen) == 0;
}

/* The indicator type of object path obj:prop[.key]; -1 when none. */
static int
path_type(const char *obj, size_t nobj, const char *prop, size_t nprop,
    const char *key)
{
#define IS(s, n, lit) ((n) == sizeof(lit) - 1 && memcmp(s, lit, n) == 0)
	if (IS(prop, nprop, "value") && key == NULL) {
		if (IS(obj, nobj, "domain-name"))
			return IOC_DOMAIN;
		if (IS(obj, nobj, "ipv4-addr") || IS(obj, nobj, "ipv6-addr"))
			return IOC_IP;
		if (IS(obj, nobj, "url"))
			return IOC_URL;
		return -1;
	}
	if (!IS(obj, nobj, "file"))
		return -1;
	if (IS(prop, nprop, "name") && key == NULL)
		return IOC_FILENAME;
	if (!IS(prop, nprop, "hashes") || key == NULL)
		return -1;
	if (strcmp(key, "SHA-256") == 0 || strcmp(key, "SHA256") == 0)
		return IOC_SHA256;
	if (strcmp(key, "SHA-1") == 0 || strcmp(key, "SHA1") == 0)
		return IOC_SHA1;
	if (strcmp(key, "MD5") == 0)
		return IOC_MD5;
	return -1;
#undef IS
}

/* object-type ':' property [ '.' key ] '=' 'string' */
static int
comparison(struct pat *x)
{
	const char *obj, *prop, *key = NULL;
	size_t nobj, nprop;
	int t;

	if (x->tok != T_WORD)
		return fail(x,
		    "expected an object path such as "
		    "domain-name:value");
	obj = x->tstart;
	nobj = x->tlen;
	if (lex(x) != 0 || x->tok != T_COLON)
		return fail(x, "expected ':' after the object type");
	if (lex(x) != 0 || x->tok != T_WORD)
		return fail(x, "expected a property after ':'");
	prop = x->tstart;
	nprop = x->tlen;
	if (lex(x) != 0)
		return -1;
	if (x->tok == T_DOT) {
		if (lex(x) != 0)
			return -1;
		if (x->tok == T_STRING)
			key = x->tstr;
		else if (x->tok == T_WORD && x->tlen < 16) {
			/* an unquoted key: copied to the string buffer */
			key = x->str + x->nstr;
			memcpy(x->str + x->nstr, x->tstart, x->tlen);
			x->str[x->nstr + x->tlen] = '\0';
			x->nstr += x->tlen + 1;
		} else
			return fail(x, "expected a key after '.'");
		if (lex(x) != 0)
			return -1;
	}
	if (x->tok == T_DOT || x->tok == T_LBRACK)
		return fail(x, "an object path deeper than the model holds");
	if ((t = path_type(obj, nobj, prop, nprop, key)) < 0)
		return fail(x,
		    "an object path other than domain-name:value, "
		    "ipv4-addr:value, ipv6-addr:value, url:value, "
		    "file:name, file:hashes.'SHA-256', "
		    "file:hashes.'SHA-1' or file:hashes.MD5");
	if (x->tok != T_EQ)
		return fail(x, "a comparison other than '='");
	if (lex(x) != 0 || x->tok != T_STRING)
		return fail(x, "expected a quoted string after '='");
	if (x->nterms >= STIX_MAX_TERMS)
		return fail(x, "more comparisons than an indicator may hold");
	x->terms[x->nterms].type = (enum ioc_type)t;
	x->terms[x->nterms].value = x->tstr;
	x->nterms++;
	return lex(x);
}

static int cmp_or(struct pat *x);

/* A comparison, or a parenthesised comparison expression. */
static int
cmp_term(struct pat *x)
{
	if (x->tok != T_LPAREN)
		return comparison(x);
	if (++x->depth > STIX_MAX_DEPTH)
		return fail(x, "parentheses nested too deep");
	if (lex(x) != 0 || cmp_or(x) != 0)
		return -1;
	if (x->tok != T_RPAREN)
		return fail(x, "expected ')'");
	x->depth--;
	return lex(x);
}

/* term ((AND | OR) term)*: both read as "each is an indicator". */
static int
cmp_or(struct pat *x)
{
	if (cmp_term(x) != 0)
		return -1;
	while (is_word(x, "AND") || is_word(x, "OR")) {
		if (lex(x) != 0 || cmp_term(x) != 0)
			return -1;
	}
	return 0;
}

static int obs_or(struct pat *x);

/* '[' comparisons ']' or '(' observations ')', without qualifiers. */
static int
obs_term(struct pat *x)
{
	if (x->tok == T_LBRACK) {
		if (lex(x) != 0 || cmp_or(x) != 0)
			return -1;
		if (x->tok != T_RBRACK)
			return fail(x, "expected ']' or AND/OR");
	} else if (x->tok == T_LPAREN) {
		if (++x->depth > STIX_MAX_DEPTH)
			return fail(x, "parentheses nested too deep");
		if (lex(x) != 0 || obs_or(x) != 0)
			return -1;
		if (x->tok != T_RPAREN)
			return fail(x, "expected ')'");
		x->depth--;
	} else
		return fail(x, "expected '[' opening an observation");
	if (lex(x) != 0)
		return -1;
	if (is_word(x, "WITHIN") || is_word(x, "REPEATS") ||
	    is_word(x, "START") || is_word(x, "STOP"))
		return fail(x,
		    "a qualifier (WITHIN, REPEATS, START/STOP): "
		    "timing is not an indicator");
	return 0;
}

static int
obs_or(struct pat *x)
{
	if (obs_term(x) != 0)
		return -1;
	while (is_word(x, "AND") || is_word(x, "OR")) {
		if (lex(x) != 0 || obs_term(x) != 0)
			return -1;
	}
	if (is_word(x, "FOLLOWEDBY"))
		return fail(x, "FOLLOWEDBY: a sequence is not an indicator");
	return 0;
}

/*
 * Parses pattern s (n bytes) into x->terms.  Returns 0, -1 (x->why and
 * x->where say why) or RP_ERR_NOMEM.
 */
static int
pattern_parse(struct pat *x, const char *s, size_t n)
{
	memset(x, 0, sizeof(*x));
	x->s = x->p = s;
	x->e = s + n;
	/* unescaped strings and copied keys are never longer than s */
	if ((x->str = malloc(2 * n + 2)) == NULL)
		return RP_ERR_NOMEM;
	if (lex(x) != 0 || obs_or(x) != 0)
		return -1;
	if (x->tok != T_END)
		return fail(x, "expected AND, OR or the end of the pattern");
	return 0;
}

struct stix {
	struct rpjson_rd rd; /* first: the layer hands it to callbacks */
	struct rpjson_path p;
	struct ioc_bundle *b;
	struct ioc_import st;
	const char *source;
	size_t nrejected;
	struct pat pat;
	int fatal; /* RP_ERR_LIMIT / RP_ERR_NOMEM stop the reading */
};

/* How much of s an error quotes: cut on a UTF-8 character boundary. */
static size_t
quote_len(const char *s)
{
	size_t n = strlen(s);

	if (n <= STIX_QUOTE_MAX)
		return n;
	n = STIX_QUOTE_MAX;
	while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
		n--;
	return n;
}

/* An indicator object: its pattern read, its tests added. */
static int
stix_indicator(struct stix *c, const json_t *o)
{
	const char *ptype = NULL, *pattern = NULL, *name = NULL;
	size_t i, mark, before = c->rd.nerrors;
	int r;

	rpjson_get_str(&c->rd, o, "pattern_type", STIX_TYPE_MAX,
	    RPJSON_REQUIRED | RPJSON_LINE, &ptype);
	rpjson_get_str(
	    &c->rd, o, "pattern", STIX_PATTERN_MAX, RPJSON_REQUIRED, &pattern);
	rpjson_get_str(
	    &c->rd, o, "name", IOC_VALUE_MAX, RPJSON_NULLABLE, &name);
	if (c->rd.nerrors != before) {
		c->nrejected++;
		return 0;
	}
	if (strcmp(ptype, "stix") != 0) {
		ioc_import_skip(&c->st,
		    "indicator with pattern_type other "
		    "than stix");
		return 0;
	}
	mark = rpjson_push_key(&c->rd, "pattern");
	r = pattern_parse(&c->pat, pattern, strlen(pattern));
	if (r == RP_ERR_NOMEM) {
		c->fatal = r;
	} else if (r != 0) {
		rpjson_err(&c->rd,
		    "pattern \"%.*s%s\" rejected at offset %zu: %s; this "
		    "reader takes [type:property = 'value'] tests on "
		    "domain names, IP addresses, URLs, file names and hashes "
		    "joined by AND or OR",
		    (int)quote_len(pattern), pattern,
		    strlen(pattern) > STIX_QUOTE_MAX ? "..." : "",
		    (size_t)(c->pat.where - pattern), c->pat.why);
		c->nrejected++;
	} else {
		for (i = 0; i < c->pat.nterms && c->fatal == 0; i++)
			c->fatal = ioc_import_add(c->b, &c->st,
			    c->pat.terms[i].type, IOC_MODE_BLOCK,
			    c->pat.terms[i].value, c->source, name, c->rd.d,
			    rpjson_pointer(&c->rd));
	}
	rpjson_pop(&c->rd, mark);
	free(c->pat.str);
	c->pat.str = NULL;
	return c->fatal;
}

static int
stix_object(struct rpjson_rd *rd, const json_t *o, size_t i, void *arg)
{
	struct stix *c = arg;
	const char *type = NULL;
	int revoked = 0;

	(void)i;
	(void)rd;
	if (!json_is_object(o)) {
		rpjson_err(&c->rd, "a STIX object is a JSON object, got %s",
		    rpjson_type_name(o));
		c->nrejected++;
		return 0;
	}
	if (rpjson_get_str(&c->rd, o, "type", STIX_TYPE_MAX,
		RPJSON_REQUIRED | RPJSON_NONEMPTY | RPJSON_LINE, &type) != 1) {
		c->nrejected++;
		return 0;
	}
	if (strcmp(type, "indicator") != 0) {
		ioc_import_skip(&c->st, type);
		return 0;
	}
	rpjson_get_bool(&c->rd, o, "revoked", 0, &revoked);
	if (revoked) {
		c->st.ndeleted++;
		return 0;
	}
	return stix_indicator(c, o);
}

int
ioc_stix_read_json(const json_t *root, const char *name, struct ioc_bundle *b,
    struct ioc_import *st, struct rp_diags *d)
{
	struct stix *c;
	const char *type;
	int r = RP_ERR_INVALID;

	if (root == NULL || b == NULL)
		return RP_ERR_ARG;
	if ((c = calloc(1, sizeof(*c))) == NULL)
		return RP_ERR_NOMEM;
	rpjson_rd_init(&c->rd, &c->p, d);
	c->b = b;
	if (!json_is_object(root) ||
	    (type = rpjson_str(root, "type")) == NULL ||
	    strcmp(type, "bundle") != 0) {
		rpjson_err(&c->rd,
		    "not a STIX bundle: expected an object with "
		    "\"type\": \"bundle\"");
		goto out;
	}
	c->source = name != NULL ? name : rpjson_str(root, "id");
	if ((r = rpjson_each_member(&c->rd, root, "objects", STIX_MAX_OBJECTS,
		 RPJSON_REQUIRED, stix_object, c)) != 0)
		goto out;
	ioc_import_notes(&c->st, "objects", d);
	r = RP_ERR_INVALID;
	if (c->nrejected > 0)
		goto out;
	if (c->st.nread == 0) {
		rp_diags_add(d, RP_DIAG_ERROR, NULL, "",
		    "no usable indicators in the STIX bundle");
		goto out;
	}
	if (st != NULL)
		*st = c->st;
	r = 0;
out:
	free(c);
	return r;
}

int
ioc_stix_read_file(const char *path, struct ioc_bundle *b,
    struct ioc_import *st, struct rp_diags *d)
{
	return ioc_read_json_file(
	    path, STIX_MAX_INPUT, ioc_stix_read_json, b, st, d);
}
