/*
 * Identifier syntaxes the CSAF validator checks: BCP 47 language tags
 * (RFC 5646, with subtags looked up in the IANA registry table of
 * lang_data.c) and package URLs (the purl specification's parsing rules).
 * Both work on the string in place, without allocation.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "csaf_validate_int.h"
#include "util/purl.h"

#define RP_CHECK_BUF 1024

#define MAX_SUBTAGS 64

struct subtag {
	const char *s;
	size_t len;
};

static int
all_of(const struct subtag *t, int (*pred)(int))
{
	size_t i;

	for (i = 0; i < t->len; i++)
		if (!pred((unsigned char)t->s[i]))
			return 0;
	return 1;
}

static int
is_alpha(int ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z');
}

static int
is_digit(int ch)
{
	return ch >= '0' && ch <= '9';
}

static int
is_alnum(int ch)
{
	return is_alpha(ch) || is_digit(ch);
}

/* Splits tag at '-'; returns the count or -1 (empty subtag, too many). */
static int
split_tag(const char *tag, struct subtag *t)
{
	const char *p = tag, *dash;
	int n = 0;

	for (;;) {
		if (n == MAX_SUBTAGS)
			return -1;
		dash = strchr(p, '-');
		t[n].s = p;
		t[n].len = dash ? (size_t)(dash - p) : strlen(p);
		if (t[n].len == 0 || t[n].len > 8)
			return -1;
		n++;
		if (dash == NULL)
			return n;
		p = dash + 1;
	}
}

/* Parsed langtag: indexes into the subtag array. */
struct langtag {
	int lang, next_ext; /* language; first extlang */
	int nextlang;
	int script, region; /* -1 when absent */
	int var0, nvar;
	int ext0, next; /* extension subtags start, end */
	int priv; /* first private-use subtag or -1 */
	int n;
	int special; /* private-use only or grandfathered */
};

static int
parse_privateuse(const struct subtag *t, int i, int n)
{
	if (i + 1 >= n)
		return -1;
	for (i++; i < n; i++)
		if (!all_of(&t[i], is_alnum))
			return -1;
	return 0;
}

/*
 * RFC 5646 section 2.1 "grandfathered": irregular tags (not of the langtag
 * form) and regular ones (of that form, but only valid whole), matched
 * case-insensitively as complete tags before any other parsing.
 */
static const char *const grandfathered[] = {
    /* irregular */
    "en-GB-oed", "i-ami", "i-bnn", "i-default", "i-enochian", "i-hak",
    "i-klingon", "i-lux", "i-mingo", "i-navajo", "i-pwn", "i-tao", "i-tay",
    "i-tsu", "sgn-BE-FR", "sgn-BE-NL", "sgn-CH-DE",
    /* regular */
    "art-lojban", "cel-gaulish", "no-bok", "no-nyn", "zh-guoyu", "zh-hakka",
    "zh-min", "zh-min-nan", "zh-xiang"};

static int
is_grandfathered(const char *tag)
{
	size_t i;

	for (i = 0; i < sizeof(grandfathered) / sizeof(grandfathered[0]); i++)
		if (strcasecmp(tag, grandfathered[i]) == 0)
			return 1;
	return 0;
}

static int
parse_langtag(const char *tag, struct subtag *t, struct langtag *lt)
{
	int i = 0, n;

	memset(lt, 0, sizeof(*lt));
	lt->script = lt->region = lt->priv = -1;
	if (is_grandfathered(tag)) {
		lt->special = 1;
		return 0;
	}
	if ((n = split_tag(tag, t)) < 0)
		return -1;
	lt->n = n;
	if (t[0].len == 1 && (t[0].s[0] | 32) == 'x') {
		lt->special = 1;
		return parse_privateuse(t, 0, n);
	}
	if (t[0].len < 2 || !all_of(&t[0], is_alpha))
		return -1;
	lt->lang = i++;
	lt->next_ext = i;
	if (t[0].len <= 3)
		while (i < n && lt->nextlang < 3 && t[i].len == 3 &&
		    all_of(&t[i], is_alpha)) {
			lt->nextlang++;
			i++;
		}
	if (i < n && t[i].len == 4 && all_of(&t[i], is_alpha))
		lt->script = i++;
	if (i < n &&
	    ((t[i].len == 2 && all_of(&t[i], is_alpha)) ||
		(t[i].len == 3 && all_of(&t[i], is_digit))))
		lt->region = i++;
	lt->var0 = i;
	while (i < n &&
	    ((t[i].len >= 5 && all_of(&t[i], is_alnum)) ||
		(t[i].len == 4 && is_digit((unsigned char)t[i].s[0]) &&
		    all_of(&t[i], is_alnum)))) {
		lt->nvar++;
		i++;
	}
	lt->ext0 = i;
	while (i < n && t[i].len == 1 && is_alnum((unsigned char)t[i].s[0]) &&
	    (t[i].s[0] | 32) != 'x') {
		i++;
		if (i >= n || t[i].len < 2)
			return -1;
		while (i < n && t[i].len >= 2 && all_of(&t[i], is_alnum))
			i++;
	}
	lt->next = i;
	if (i < n && t[i].len == 1 && (t[i].s[0] | 32) == 'x') {
		lt->priv = i;
		return parse_privateuse(t, i, n);
	}
	return i == n ? 0 : -1;
}

int
csaf_lang_syntax_ok(const char *tag)
{
	struct subtag t[MAX_SUBTAGS];
	struct langtag lt;

	return parse_langtag(tag, t, &lt) == 0;
}

static int
cmp_key(const void *key, const void *elem)
{
	const struct subtag *k = key;
	const char *e = *(const char *const *)elem;
	int r = strncasecmp(k->s, e, k->len);

	if (r != 0)
		return r;
	return e[k->len] == '\0' ? 0 : -1;
}

/* Whether subtag t is registered in table (exact or in an "a..b" range). */
static int
registered(const struct subtag *t, const char *const *table, size_t n)
{
	char low[9];
	const char *e, *dots;
	size_t i;

	if (bsearch(t, table, n, sizeof(*table), cmp_key) != NULL)
		return 1;
	for (i = 0; i < t->len && i < 8; i++)
		low[i] = (char)(t->s[i] | 32);
	low[i] = '\0';
	for (i = 0; i < n; i++) {
		e = table[i];
		if ((dots = strstr(e, "..")) == NULL ||
		    (size_t)(dots - e) != t->len)
			continue;
		if (strncmp(e, low, t->len) <= 0 && strcmp(low, dots + 2) <= 0)
			return 1;
	}
	return 0;
}

int
csaf_check_lang(const char *tag, const char **why)
{
	struct subtag t[MAX_SUBTAGS];
	struct langtag lt;
	int i, j;

	if (parse_langtag(tag, t, &lt) != 0) {
		*why = "not a well-formed BCP 47 language tag";
		return -1;
	}
	if (lt.special)
		return 0;
	if (!registered(&t[lt.lang], lang_language, lang_language_len)) {
		*why = "unknown language subtag";
		return -1;
	}
	if (lt.nextlang > 1) {
		*why = "more than one extended language subtag";
		return -1;
	}
	if (lt.nextlang == 1 &&
	    !registered(&t[lt.next_ext], lang_extlang, lang_extlang_len)) {
		*why = "unknown extended language subtag";
		return -1;
	}
	if (lt.script >= 0 &&
	    !registered(&t[lt.script], lang_script, lang_script_len)) {
		*why = "unknown script subtag";
		return -1;
	}
	if (lt.region >= 0 &&
	    !registered(&t[lt.region], lang_region, lang_region_len)) {
		*why = "unknown region subtag";
		return -1;
	}
	for (i = lt.var0; i < lt.var0 + lt.nvar; i++) {
		if (!registered(&t[i], lang_variant, lang_variant_len)) {
			*why = "unknown variant subtag";
			return -1;
		}
		for (j = lt.var0; j < i; j++)
			if (t[j].len == t[i].len &&
			    strncasecmp(t[j].s, t[i].s, t[i].len) == 0) {
				*why = "repeated variant subtag";
				return -1;
			}
	}
	for (i = lt.ext0; i < lt.next; i++) {
		if (t[i].len != 1)
			continue;
		if ((t[i].s[0] | 32) != 't' && (t[i].s[0] | 32) != 'u') {
			*why = "unregistered extension singleton";
			return -1;
		}
		for (j = lt.ext0; j < i; j++)
			if (t[j].len == 1 &&
			    (t[j].s[0] | 32) == (t[i].s[0] | 32)) {
				*why = "repeated extension singleton";
				return -1;
			}
	}
	return 0;
}

int
csaf_check_purl(const char *purl, const char **why)
{
	struct rp_purl p;
	char buf[RP_CHECK_BUF];
	char *heap = NULL;
	size_t len = strlen(purl) + 8;
	int r;

	/* Long purls are rare: the stack serves the rest. */
	if (len > sizeof(buf) && (heap = malloc(len)) == NULL) {
		*why = "out of memory";
		return -1;
	}
	r = rp_purl_parse(
	    purl, &p, heap ? heap : buf, heap ? len : sizeof(buf), why);
	free(heap);
	return r == 0 ? 0 : -1;
}
