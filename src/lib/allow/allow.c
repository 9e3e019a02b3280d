/*
 * The guard's names and its verdicts: protected domain names in a keyed
 * hash table (util/hashtab.h), with a second table of every proper
 * ancestor of a protected name, so that "is it, is it below, is it above
 * a protected name" costs one lookup per label of the name checked.
 * Public suffixes are libpsl's built-in list.  Strings live in one arena.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/arena.h"
#include "util/ascii.h"
#include "util/err.h"
#include "util/hashtab.h"
#include "util/indicator.h"
#include "util/str.h"

#include "allow_int.h"

#define ALLOW_ARENA_MAX ((size_t)768 * 1024 * 1024)
/* Most names share their parents ("com"); twice the names is ample. */
#define ALLOW_URL_MAX 8192
#define ALLOW_MAX_PARENTS (2 * ALLOW_MAX_NAMES)

struct allow *
allow_new(void)
{
	struct allow *a;

	if ((a = calloc(1, sizeof(*a))) == NULL)
		return NULL;
	if ((a->arena = rp_arena_new(ALLOW_ARENA_MAX)) == NULL ||
	    (a->names = rp_hashtab_new(ALLOW_MAX_NAMES)) == NULL ||
	    (a->parents = rp_hashtab_new(ALLOW_MAX_PARENTS)) == NULL ||
	    (a->psl = psl_builtin()) == NULL || allow_net_reserved(a) != 0) {
		allow_free(a);
		return NULL;
	}
	a->nets_sorted = 1;
	return a;
}

void
allow_free(struct allow *a)
{
	if (a == NULL)
		return;
	rp_hashtab_free(a->names);
	rp_hashtab_free(a->parents);
	rp_arena_free(a->arena);
	free(a->nets);
	free(a->maxhi);
	free(a);
}

void
allow_count(const struct allow *a, size_t *names, size_t *nets)
{
	*names = a != NULL ? rp_hashtab_count(a->names) : 0;
	*nets = a != NULL ? a->nnets : 0;
}

const char *
allow_intern(struct allow *a, const char *s, int is_list)
{
	const char **last = is_list ? &a->last_list : &a->last_why;

	if (s == NULL)
		return NULL;
	if (*last != NULL && strcmp(*last, s) == 0)
		return *last;
	*last = rp_arena_strndup(a->arena, s, strnlen(s, ALLOW_TEXT_MAX));
	return *last;
}

const char *
allow_name_norm(const char *in, char *out, size_t *labels)
{
	size_t n = strlen(in), i, lab = 0;

	if (n > 0 && in[n - 1] == '.')
		n--;
	if (n == 0 || n > 253)
		return "a domain name has 1 to 253 characters";
	*labels = 1;
	for (i = 0; i < n; i++) {
		if (in[i] == '.') {
			if (lab == 0)
				return "a domain name has no empty labels";
			(*labels)++;
			lab = 0;
		} else if (rp_isalnum(in[i]) || in[i] == '-' || in[i] == '_') {
			if (++lab > 63)
				return "each label of a domain name has 1 to "
				       "63 characters";
		} else
			return "a domain name has only letters, digits, '-' "
			       "and '.' (IDNs in their xn-- form)";
		out[i] = (char)rp_tolower(in[i]);
	}
	if (lab == 0)
		return "a domain name has no empty labels";
	out[n] = '\0';
	return NULL;
}

int
allow_is_suffix(const struct allow *a, const char *name, size_t labels)
{
	/* with PSL_TYPE_ANY the "*" rule makes any single label a suffix;
	 * it is said here so it does not depend on that */
	return labels < 2 || psl_is_public_suffix2(a->psl, name, PSL_TYPE_ANY);
}

int
allow_name_put(struct allow *a, const char *name, int subtree, const char *list,
    const char *why)
{
	struct allow_name *e;
	void *old;
	const char *p;
	int r;

	if (rp_hashtab_get(a->names, name, strlen(name), &old)) {
		/* a subtree entry is stronger than an exact one */
		if (subtree && !((struct allow_name *)old)->subtree)
			((struct allow_name *)old)->subtree = 1;
		return 0;
	}
	if ((e = rp_arena_alloc(a->arena, sizeof(*e))) == NULL ||
	    (e->name = rp_arena_strdup(a->arena, name)) == NULL)
		return RP_ERR_NOMEM;
	e->subtree = subtree;
	e->list = list;
	e->why = why;
	if ((r = rp_hashtab_add(a->names, e->name, strlen(e->name), e)) < 0)
		return r;
	/* every proper ancestor, keys borrowed from e->name */
	for (p = strchr(e->name, '.'); p != NULL; p = strchr(p + 1, '.')) {
		r = rp_hashtab_add(a->parents, p + 1, strlen(p + 1), e);
		if (r < 0)
			return r;
	}
	return 0;
}

int
allow_add_domain(
    struct allow *a, const char *name, const char *list_name, const char *why)
{
	char buf[256];
	const char *l, *w;
	size_t labels;

	if (a == NULL || name == NULL || list_name == NULL)
		return RP_ERR_ARG;
	if (allow_name_norm(name, buf, &labels) != NULL ||
	    rp_domain_check(buf) != NULL || allow_is_suffix(a, buf, labels))
		return RP_ERR_INVALID;
	if ((l = allow_intern(a, list_name, 1)) == NULL ||
	    (why != NULL && (w = allow_intern(a, why, 0)) == NULL))
		return RP_ERR_NOMEM;
	return allow_name_put(a, buf, 1, l, why != NULL ? w : NULL);
}

int
allow_add_cidr(
    struct allow *a, const char *cidr, const char *list_name, const char *why)
{
	struct allow_net n;
	char text[64];
	int r;

	if (a == NULL || cidr == NULL || list_name == NULL)
		return RP_ERR_ARG;
	if (allow_net_parse(cidr, &n) != 0)
		return RP_ERR_INVALID;
	allow_net_format(&n, text, sizeof(text));
	if ((n.text = rp_arena_strdup(a->arena, text)) == NULL ||
	    (n.list = allow_intern(a, list_name, 1)) == NULL ||
	    (why != NULL && (n.why = allow_intern(a, why, 0)) == NULL))
		return RP_ERR_NOMEM;
	if ((r = allow_net_push(a, &n)) != 0)
		return r;
	return allow_net_finish(a);
}

static void
name_verdict(
    struct allow_verdict *v, enum allow_reason r, const struct allow_name *e)
{
	v->result = r == ALLOW_R_NONE ? ALLOW_OK : ALLOW_REFUSED;
	v->reason = r;
	v->entry = e != NULL ? e->name : NULL;
	v->list = e != NULL ? e->list : NULL;
	v->why = e != NULL ? e->why : NULL;
}

/* The name one label up ("b.c" for "a.b.c"), or NULL after the last. */
static const char *
next_label(const char *p)
{
	const char *dot = strchr(p, '.');

	return dot != NULL ? dot + 1 : NULL;
}

/* The verdict on a normalised name (v->subject set). */
static void
check_name(const struct allow *a, const char *name, size_t labels,
    struct allow_verdict *v)
{
	const struct allow_name *e;
	const char *p;
	void *val;

	if (allow_is_suffix(a, name, labels)) {
		name_verdict(v, ALLOW_R_PUBLIC_SUFFIX, NULL);
		return;
	}
	/* the most specific protected name at or above it */
	for (p = name; p != NULL; p = next_label(p)) {
		if (rp_hashtab_get(a->names, p, strlen(p), &val)) {
			e = val;
			if (p == name) {
				name_verdict(v, ALLOW_R_ALLOWLISTED, e);
				return;
			}
			if (e->subtree) {
				name_verdict(v, ALLOW_R_UNDER_ALLOWLISTED, e);
				return;
			}
		}
	}
	if (rp_hashtab_get(a->parents, name, strlen(name), &val)) {
		name_verdict(v, ALLOW_R_PARENT_OF_ALLOWLISTED, val);
		return;
	}
	name_verdict(v, ALLOW_R_NONE, NULL);
}

/* The host of a checked URL into host (256 bytes); 0 or -1. */
static int
url_host(const char *url, char *host, size_t hostlen)
{
	const char *h = url, *p;
	size_t n;

	if ((p = strstr(url, "://")) != NULL)
		h = p + 3;
	n = strcspn(h, "/?#");
	if ((p = memchr(h, '@', n)) != NULL) {
		n -= (size_t)(p + 1 - h);
		h = p + 1;
	}
	if (h[0] == '[') {
		if ((p = memchr(h, ']', n)) == NULL)
			return -1;
		h++;
		n = (size_t)(p - h);
	} else if ((p = memchr(h, ':', n)) != NULL)
		n = (size_t)(p - h);
	if (n == 0 || n >= hostlen)
		return -1;
	memcpy(host, h, n);
	host[n] = '\0';
	return 0;
}

/* Checks one host or network text as kind DOMAIN or ADDR into *v. */
static int
check_one(const struct allow *a, enum allow_kind kind, const char *s,
    struct allow_verdict *v)
{
	struct allow_net n;
	char buf[256];
	size_t labels;

	if (kind == ALLOW_ADDR) {
		if (allow_net_parse(s, &n) != 0)
			return RP_ERR_INVALID;
		allow_net_format(&n, v->subject, sizeof(v->subject));
		if (strchr(s, '/') == NULL)
			*strchr(v->subject, '/') = '\0';
		allow_net_check(a, &n, v);
		return 0;
	}
	if (rp_refang(s, buf, sizeof(buf)) != 0 ||
	    allow_name_norm(buf, buf, &labels) != NULL)
		return RP_ERR_INVALID;
	/* a suffix may be one label ("com"), which no host name is */
	if (!allow_is_suffix(a, buf, labels) && rp_domain_check(buf) != NULL)
		return RP_ERR_INVALID;
	memcpy(v->subject, buf, strlen(buf) + 1);
	check_name(a, buf, labels, v);
	return 0;
}

int
allow_check(const struct allow *a, enum allow_kind kind, const char *value,
    struct allow_verdict *v)
{
	struct allow_verdict w;
	struct allow_net n;
	char *url = NULL, host[256];
	int r;

	if (a == NULL || value == NULL || v == NULL)
		return RP_ERR_ARG;
	memset(&w, 0, sizeof(w));
	if (kind != ALLOW_URL) {
		if ((r = check_one(a, kind, value, &w)) != 0)
			return r;
		*v = w;
		return 0;
	}
	if (strlen(value) > ALLOW_URL_MAX)
		return RP_ERR_INVALID;
	if ((url = malloc(ALLOW_URL_MAX + 1)) == NULL)
		return RP_ERR_NOMEM;
	r = RP_ERR_INVALID;
	if (rp_refang(value, url, ALLOW_URL_MAX + 1) != 0 ||
	    rp_url_check(url, 0) != NULL ||
	    url_host(url, host, sizeof(host)) != 0)
		goto out;
	r = check_one(a,
	    allow_net_parse(host, &n) == 0 ? ALLOW_ADDR : ALLOW_DOMAIN, host,
	    &w);
	if (r != 0)
		goto out;
	/* a protected host: the exact URL only */
	if (w.result == ALLOW_REFUSED)
		w.result = ALLOW_URL_ONLY;
	*v = w;
out:
	free(url);
	return r;
}

const char *
allow_reason_name(enum allow_reason r)
{
	switch (r) {
	case ALLOW_R_NONE:
		return "none";
	case ALLOW_R_PUBLIC_SUFFIX:
		return "public-suffix";
	case ALLOW_R_ALLOWLISTED:
		return "allowlisted";
	case ALLOW_R_UNDER_ALLOWLISTED:
		return "under-allowlisted";
	case ALLOW_R_PARENT_OF_ALLOWLISTED:
		return "parent-of-allowlisted";
	case ALLOW_R_RESERVED_ADDR:
		return "reserved-address";
	case ALLOW_R_TOO_WIDE:
		return "too-wide";
	}
	return "?";
}

/* " on the built-in allowlist (why)" for an entry's list. */
static void
list_phrase(const struct allow_verdict *v, char *buf, size_t len)
{
	const char *list = v->list != NULL ? v->list : "an";

	if (strcmp(list, "built-in") == 0)
		snprintf(buf, len, "on the built-in allowlist%s%s%s",
		    v->why != NULL ? " (" : "", v->why != NULL ? v->why : "",
		    v->why != NULL ? ")" : "");
	else
		snprintf(buf, len, "on the allowlist \"%s\"%s%s%s", list,
		    v->why != NULL ? " (" : "", v->why != NULL ? v->why : "",
		    v->why != NULL ? ")" : "");
}

const char *
allow_reason_text(const struct allow_verdict *v, char *buf, size_t len)
{
	char on[2 * ALLOW_TEXT_MAX + 64];
	const char *s = v->subject, *e = v->entry != NULL ? v->entry : "?";
	const char *tail = v->result == ALLOW_URL_ONLY
	    ? "; only the exact URL may be blocked"
	    : "";

	list_phrase(v, on, sizeof(on));
	switch (v->reason) {
	case ALLOW_R_NONE:
		snprintf(buf, len, "%s may be blocked", s);
		break;
	case ALLOW_R_PUBLIC_SUFFIX:
		snprintf(buf, len,
		    "%s is a public suffix: blocking it would block every "
		    "site registered under it%s",
		    s, tail);
		break;
	case ALLOW_R_ALLOWLISTED:
		if (strcmp(s, e) == 0)
			snprintf(buf, len, "%s is %s%s", s, on, tail);
		else
			snprintf(buf, len, "%s is inside %s, which is %s%s", s,
			    e, on, tail);
		break;
	case ALLOW_R_UNDER_ALLOWLISTED:
		snprintf(
		    buf, len, "%s is under %s, which is %s%s", s, e, on, tail);
		break;
	case ALLOW_R_PARENT_OF_ALLOWLISTED:
		snprintf(buf, len,
		    "blocking %s would also block %s, which is %s%s", s, e, on,
		    tail);
		break;
	case ALLOW_R_RESERVED_ADDR:
		snprintf(buf, len, "%s is in %s, %s: never a block target%s", s,
		    e, v->why != NULL ? v->why : "a reserved range", tail);
		break;
	case ALLOW_R_TOO_WIDE:
		snprintf(buf, len,
		    "%s is wider than /%d (IPv4) or /%d (IPv6): too many "
		    "hosts to block at once%s",
		    s, ALLOW_MIN_PREFIX4, ALLOW_MIN_PREFIX6, tail);
		break;
	}
	return buf;
}
