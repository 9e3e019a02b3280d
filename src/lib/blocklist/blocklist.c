/*
 * The blocklist itself: reading and normalising entries (domains, IPv4/
 * IPv6 addresses and CIDR blocks, URLs, file hashes), merging duplicates,
 * and the render pipeline every format shares: expired entries out,
 * entries the format cannot express out, the lowest ranked out when over
 * capacity, then the rest sorted by value, so output depends on the set
 * alone.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ascii.h"
#include "blocklist_int.h"
#include "err.h"
#include "hashtab.h"
#include "indicator.h"
#include "uri.h"

#define BL_COMMENT_MAX 256
#define BL_TAGS_MAX 1024
#define BL_VALUE_MAX 2048

struct blocklist {
	struct bl_entry *v;
	size_t n, cap;
	struct rp_hashtab *index; /* key -> position in v, plus one */
};

/* The letter each type's merge key starts with. */
static const char type_letter[BL_NTYPES] = {'d', '4', '6', 'u', 'm', 's', 'S'};

struct blocklist *
blocklist_new(void)
{
	struct blocklist *bl = calloc(1, sizeof(*bl));

	if (bl == NULL)
		return NULL;
	if ((bl->index = rp_hashtab_new(BLOCKLIST_MAX_ENTRIES)) == NULL) {
		free(bl);
		return NULL;
	}
	return bl;
}

static void
entry_clear(struct bl_entry *e)
{
	free(e->key);
	free(e->comment);
	free(e->source);
	free(e->tlp);
	free(e->tags);
	memset(e, 0, sizeof(*e));
}

void
blocklist_free(struct blocklist *bl)
{
	size_t i;

	if (bl == NULL)
		return;
	for (i = 0; i < bl->n; i++)
		entry_clear(&bl->v[i]);
	rp_hashtab_free(bl->index);
	free(bl->v);
	free(bl);
}

size_t
blocklist_count(const struct blocklist *bl)
{
	return bl == NULL ? 0 : bl->n;
}

static enum blocklist_kind
bl_kind(enum bl_type t)
{
	static const enum blocklist_kind k[BL_NTYPES] = {BLOCKLIST_DOMAIN,
	    BLOCKLIST_ADDR, BLOCKLIST_ADDR, BLOCKLIST_URL, BLOCKLIST_MD5,
	    BLOCKLIST_SHA1, BLOCKLIST_SHA256};

	return k[t];
}

/* The length of the UTF-8 sequence at s, or 0 when it is not valid. */
static size_t
utf8_len(const unsigned char *s)
{
	size_t n, i;
	unsigned long c;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		n = 2, c = s[0] & 0x1fu;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		n = 3, c = s[0] & 0x0fu;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		n = 4, c = s[0] & 0x07u;
	else
		return 0;
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = c << 6 | (s[i] & 0x3fu);
	}
	if ((n == 3 && c < 0x800) || (n == 4 && c < 0x10000) ||
	    (c >= 0xd800 && c <= 0xdfff) || c > 0x10ffff)
		return 0;
	return n;
}

/*
 * Comments, sources and tags end up inside quoted strings and on comment
 * lines of many formats: valid UTF-8 without control characters, quotes
 * or backslashes, so no format can be broken by one.
 */
static const char *
text_check(const char *c, size_t max)
{
	const unsigned char *p = (const unsigned char *)c;
	size_t k;

	if (strlen(c) > max)
		return "comment, source or tags too long";
	while (*p != '\0') {
		if (*p < 0x20 || *p == 0x7f || *p == '"' || *p == '\\')
			return "comment, source or tags has a control "
			       "character, quote or backslash";
		if ((k = utf8_len(p)) == 0)
			return "comment, source or tags is not UTF-8";
		p += k;
	}
	return NULL;
}

static const char *const tlps[] = {
    "clear", "green", "amber", "amber+strict", "red", NULL};

static int
tlp_rank(const char *t)
{
	int i;

	for (i = 0; t != NULL && tlps[i] != NULL; i++)
		if (strcmp(t, tlps[i]) == 0)
			return i;
	return -1;
}

/* Parses "addr" or "addr/prefix" into e; the host bits are cleared. */
static const char *
addr_parse(const char *value, struct bl_entry *e, char *text, size_t tlen)
{
	char a[INET6_ADDRSTRLEN + 8], nt[INET6_ADDRSTRLEN];
	const char *slash = strchr(value, '/');
	size_t alen = slash ? (size_t)(slash - value) : strlen(value);
	unsigned long p = 0, max, i;

	if (alen == 0 || alen >= INET6_ADDRSTRLEN)
		return "not an IPv4 or IPv6 address";
	memcpy(a, value, alen);
	a[alen] = '\0';
	memset(e->addr, 0, sizeof(e->addr));
	if (inet_pton(AF_INET, a, e->addr) == 1) {
		e->type = BL_V4;
		max = 32;
	} else if (inet_pton(AF_INET6, a, e->addr) == 1) {
		e->type = BL_V6;
		max = 128;
	} else
		return "not an IPv4 or IPv6 address";
	if (slash == NULL)
		p = max;
	else {
		const char *s = slash + 1;
		if (*s == '\0' || strlen(s) > 3)
			return "prefix length is not a number";
		for (; *s != '\0'; s++) {
			if (*s < '0' || *s > '9')
				return "prefix length is not a number";
			p = p * 10 + (unsigned long)(*s - '0');
		}
		if (p == 0)
			return "prefix length 0 would block every address";
		if (p > max)
			return "prefix length longer than the address";
	}
	e->prefix = (unsigned)p;
	for (i = p; i < max; i++)
		e->addr[i / 8] &= (unsigned char)~(0x80u >> (i % 8));
	if (inet_ntop(e->type == BL_V4 ? AF_INET : AF_INET6, e->addr, nt,
		sizeof(nt)) == NULL)
		return "not an IPv4 or IPv6 address";
	if (p == max)
		snprintf(text, tlen, "%s", nt);
	else
		snprintf(text, tlen, "%s/%lu", nt, p);
	return NULL;
}

/* The canonical text of the value into text (tlen bytes) and e->type. */
static const char *
value_parse(enum blocklist_kind kind, const char *value, struct bl_entry *e,
    char *text, size_t tlen)
{
	static const size_t hexlen[] = {64, 40, 32};
	enum rp_uri_err ue;
	const char *w;

	if (strlen(value) >= tlen)
		return "value longer than 2048 bytes";
	snprintf(text, tlen, "%s", value);
	switch (kind) {
	case BLOCKLIST_DOMAIN:
		e->type = BL_DOMAIN;
		return rp_domain_check(text);
	case BLOCKLIST_ADDR:
		return addr_parse(value, e, text, tlen);
	case BLOCKLIST_URL:
		e->type = BL_URL;
		/* feeds write "host/path": the URL under http and https; it
		 * must be a URI with a scheme put in front */
		if (strstr(text, "://") == NULL) {
			char full[BL_VALUE_MAX + 16];
			if ((w = rp_url_check(text, 0)) != NULL)
				return w;
			snprintf(full, sizeof(full), "http://%s", text);
			if (rp_uri_check(full, &ue) != 0)
				return rp_uri_strerror(ue);
			return NULL;
		}
		if (rp_uri_check(value, &ue) != 0)
			return rp_uri_strerror(ue);
		/* lowercase scheme and host: one spelling per URL */
		if ((w = rp_url_check(text, RP_URL_SCHEME)) != NULL)
			return w;
		if (strncmp(text, "http://", 7) != 0 &&
		    strncmp(text, "https://", 8) != 0)
			return "a URL to block starts with http:// or https://";
		return NULL;
	case BLOCKLIST_SHA256:
	case BLOCKLIST_SHA1:
	case BLOCKLIST_MD5:
		e->type = kind == BLOCKLIST_SHA256 ? BL_SHA256
		    : kind == BLOCKLIST_SHA1	   ? BL_SHA1
						   : BL_MD5;
		return rp_hash_check(text, hexlen[kind - BLOCKLIST_SHA256]);
	}
	return "unknown entry kind";
}

/* Metadata checks: 0 or the reason. */
static const char *
meta_check(const struct blocklist_entry *in)
{
	const char *w;

	if (in->confidence < 0 || in->confidence > 100)
		return "confidence is not 0 to 100";
	if (in->first_seen < 0 || in->last_seen < 0 || in->expires < 0)
		return "a time before 1970";
	if (in->tlp != NULL && tlp_rank(in->tlp) < 0)
		return "TLP is not clear, green, amber, amber+strict or red";
	if (in->comment != NULL &&
	    (w = text_check(in->comment, BL_COMMENT_MAX)) != NULL)
		return w;
	if (in->source != NULL &&
	    (w = text_check(in->source, BL_COMMENT_MAX)) != NULL)
		return w;
	if (in->tags != NULL && (w = text_check(in->tags, BL_TAGS_MAX)) != NULL)
		return w;
	return NULL;
}

static int
str_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * The union of two comma-separated tag lists, each tag trimmed of
 * spaces, sorted and distinct, or NULL (empty) -- *r is RP_ERR_NOMEM when
 * out of memory.
 */
static char *
tags_union(const char *a, const char *b, int *r)
{
	char *all, *t[BL_TAGS_MAX], *p, *s, *end;
	size_t n = 0, i, k = 0;

	*r = RP_ERR_NOMEM;
	if ((all = rp_asprintf("%s,%s", a ? a : "", b ? b : "")) == NULL)
		return NULL;
	for (p = all; p != NULL && n < BL_TAGS_MAX; p = s) {
		if ((s = strchr(p, ',')) != NULL)
			*s++ = '\0';
		while (*p == ' ')
			p++;
		end = p + strlen(p);
		while (end > p && end[-1] == ' ')
			*--end = '\0';
		if (*p != '\0')
			t[n++] = p;
	}
	qsort(t, n, sizeof(t[0]), str_cmp);
	for (i = 0; i < n; i++)
		if (k == 0 || strcmp(t[k - 1], t[i]) != 0)
			t[k++] = t[i];
	/* a merged list keeps the first tags in order that fit */
	s = NULL;
	*r = 0;
	if (k > 0) {
		struct rp_buf buf;
		rp_buf_init(&buf, BL_TAGS_MAX + 1);
		for (i = 0; i < k; i++)
			if (buf.len + strlen(t[i]) + 1 <= BL_TAGS_MAX) {
				rp_buf_append(&buf, buf.len ? "," : "");
				rp_buf_append(&buf, t[i]);
			}
		if ((s = rp_buf_take(&buf)) == NULL)
			*r = RP_ERR_NOMEM;
		rp_buf_free(&buf);
	}
	free(all);
	return s;
}

/* Replaces *dst by a copy of src when src comes first in byte order. */
static int
keep_least(char **dst, const char *src)
{
	char *c;

	if (src == NULL || (*dst != NULL && strcmp(*dst, src) <= 0))
		return 0;
	if ((c = rp_strdup0(src)) == NULL)
		return RP_ERR_NOMEM;
	free(*dst);
	*dst = c;
	return 0;
}

/* Merges in into the present entry d (see blocklist_add_entry). */
static int
merge(struct bl_entry *d, const struct blocklist_entry *in)
{
	char *tags;
	int r;

	if ((r = keep_least(&d->comment, in->comment)) != 0 ||
	    (r = keep_least(&d->source, in->source)) != 0)
		return r;
	if (tlp_rank(in->tlp) > tlp_rank(d->tlp)) {
		char *c = rp_strdup0(in->tlp);
		if (c == NULL)
			return RP_ERR_NOMEM;
		free(d->tlp);
		d->tlp = c;
	}
	if (in->tags != NULL) {
		tags = tags_union(d->tags, in->tags, &r);
		if (r != 0)
			return r;
		free(d->tags);
		d->tags = tags;
	}
	if (in->confidence > d->confidence)
		d->confidence = in->confidence;
	if (in->first_seen != 0 &&
	    (d->first_seen == 0 || in->first_seen < d->first_seen))
		d->first_seen = in->first_seen;
	if (in->last_seen > d->last_seen)
		d->last_seen = in->last_seen;
	d->sightings = in->sightings > UINT32_MAX - d->sightings
	    ? UINT32_MAX
	    : d->sightings + in->sightings;
	if (d->expires != 0 && (in->expires == 0 || in->expires > d->expires))
		d->expires = in->expires;
	return 0;
}

/* Fills the new entry e from in, with the canonical value text. */
static int
fill(struct bl_entry *e, const struct blocklist_entry *in, const char *text)
{
	int r = 0;

	if ((e->key = rp_asprintf("%c%s", type_letter[e->type], text)) == NULL)
		return RP_ERR_NOMEM;
	e->value = e->key + 1;
	if ((in->comment != NULL &&
		(e->comment = rp_strdup0(in->comment)) == NULL) ||
	    (in->source != NULL &&
		(e->source = rp_strdup0(in->source)) == NULL) ||
	    (in->tlp != NULL && (e->tlp = rp_strdup0(in->tlp)) == NULL))
		return RP_ERR_NOMEM;
	if (in->tags != NULL &&
	    (e->tags = tags_union(NULL, in->tags, &r)) == NULL && r != 0)
		return r;
	e->confidence = in->confidence;
	e->first_seen = in->first_seen;
	e->last_seen = in->last_seen;
	e->expires = in->expires;
	e->sightings = in->sightings;
	return 0;
}

static int
append(struct blocklist *bl, struct bl_entry *e)
{
	if (bl->n == bl->cap) {
		size_t cap = bl->cap ? bl->cap * 2 : 64;
		struct bl_entry *v = reallocarray(bl->v, cap, sizeof(*v));
		if (v == NULL)
			return RP_ERR_NOMEM;
		bl->v = v;
		bl->cap = cap;
	}
	if (rp_hashtab_add(bl->index, e->key, strlen(e->key),
		(void *)(uintptr_t)(bl->n + 1)) != 0)
		return RP_ERR_NOMEM;
	bl->v[bl->n++] = *e;
	memset(e, 0, sizeof(*e));
	return 0;
}

int
blocklist_add_entry(
    struct blocklist *bl, const struct blocklist_entry *in, const char **why)
{
	char text[BL_VALUE_MAX + 1], key[BL_VALUE_MAX + 2];
	struct bl_entry e;
	const char *w = NULL;
	void *pos;
	int r = RP_ERR_INVALID;

	memset(&e, 0, sizeof(e));
	if (bl == NULL || in == NULL || in->value == NULL)
		return RP_ERR_ARG;
	if ((w = meta_check(in)) != NULL ||
	    (w = value_parse(in->kind, in->value, &e, text, sizeof(text))) !=
		NULL)
		goto out;
	snprintf(key, sizeof(key), "%c%s", type_letter[e.type], text);
	if (rp_hashtab_get(bl->index, key, strlen(key), &pos)) {
		r = merge(&bl->v[(uintptr_t)pos - 1], in);
		goto out;
	}
	if (bl->n >= BLOCKLIST_MAX_ENTRIES) {
		w = "more entries than a blocklist holds";
		r = RP_ERR_LIMIT;
		goto out;
	}
	if ((r = fill(&e, in, text)) != 0 || (r = append(bl, &e)) != 0)
		goto out;
	r = 0;
out:
	if (w != NULL && why != NULL)
		*why = w;
	entry_clear(&e);
	return r;
}

int
blocklist_add(struct blocklist *bl, enum blocklist_kind kind, const char *value,
    const char *comment, const char **why)
{
	struct blocklist_entry e;

	memset(&e, 0, sizeof(e));
	e.kind = kind;
	e.value = value;
	e.comment = comment;
	return blocklist_add_entry(bl, &e, why);
}

int
bl_url_split(const char *url, char *host, size_t hostlen, char *path,
    size_t pathlen, unsigned *port)
{
	const char *a = strstr(url, "://"), *end, *h, *he, *p;
	size_t i, n;
	unsigned long pt = 0;

	a = a != NULL ? a + 3 : url;
	end = a + strcspn(a, "/?#");
	if (memchr(a, '@', (size_t)(end - a)) != NULL)
		return -1;
	h = a;
	if (*h == '[') {
		if ((he = memchr(h, ']', (size_t)(end - h))) == NULL)
			return -1;
		he++;
	} else
		he = h + strcspn(h, ":/?#");
	if (he < end && *he == ':') {
		for (p = he + 1; p < end; p++) {
			if (!rp_isdigit(*p) || pt > 65535)
				return -1;
			pt = pt * 10 + (unsigned long)(*p - '0');
		}
		if (pt > 65535)
			return -1;
	}
	n = (size_t)(he - h);
	if (n == 0 || n >= hostlen)
		return -1;
	for (i = 0; i < n; i++)
		host[i] = rp_isupper(h[i]) ? (char)(h[i] - 'A' + 'a') : h[i];
	host[n] = '\0';
	n = strcspn(end, "#");
	if (n + 2 > pathlen)
		return -1;
	if (*end != '/')
		path[0] = '/', memcpy(path + 1, end, n), path[n + 1] = '\0';
	else
		memcpy(path, end, n), path[n] = '\0';
	*port = (unsigned)pt;
	return 0;
}

void
bl_comment_line(const struct bl_entry *e, const char *mark, struct rp_buf *b)
{
	if (e->comment != NULL)
		rp_buf_appendf(b, "%s %s\n", mark, e->comment);
}

int
bl_ascii(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s < 0x20 || (unsigned char)*s >= 0x7f)
			return 0;
	return 1;
}

int
bl_contains(const struct bl_entry *a, const struct bl_entry *b)
{
	unsigned i;

	if (a->type != b->type || a->prefix > b->prefix)
		return 0;
	for (i = 0; i < a->prefix; i++) {
		unsigned m = 0x80u >> (i % 8);
		if ((a->addr[i / 8] & m) != (b->addr[i / 8] & m))
			return 0;
	}
	return 1;
}

/* Type, then value (addresses numerically, widest block first). */
static int
entry_cmp(const void *pa, const void *pb)
{
	const struct bl_entry *a = *(const struct bl_entry *const *)pa;
	const struct bl_entry *b = *(const struct bl_entry *const *)pb;
	int c;

	if (a->type != b->type)
		return a->type < b->type ? -1 : 1;
	if (a->type == BL_V4 || a->type == BL_V6) {
		if ((c = memcmp(a->addr, b->addr, sizeof(a->addr))) != 0)
			return c;
		if (a->prefix != b->prefix)
			return a->prefix < b->prefix ? -1 : 1;
		return 0;
	}
	return strcmp(a->value, b->value);
}

/* Ranking: confidence, last_seen, sightings descending, then value. */
static int
rank_cmp(const void *pa, const void *pb)
{
	const struct bl_entry *a = *(const struct bl_entry *const *)pa;
	const struct bl_entry *b = *(const struct bl_entry *const *)pb;

	if (a->confidence != b->confidence)
		return a->confidence > b->confidence ? -1 : 1;
	if (a->last_seen != b->last_seen)
		return a->last_seen > b->last_seen ? -1 : 1;
	if (a->sightings != b->sightings)
		return a->sightings > b->sightings ? -1 : 1;
	return entry_cmp(pa, pb);
}

static void
entry_public(const struct bl_entry *s, struct blocklist_entry *d)
{
	d->kind = bl_kind(s->type);
	d->value = s->value;
	d->comment = s->comment;
	d->source = s->source;
	d->confidence = s->confidence;
	d->first_seen = s->first_seen;
	d->last_seen = s->last_seen;
	d->expires = s->expires;
	d->sightings = s->sightings;
	d->tlp = s->tlp;
	d->tags = s->tags;
}

/*
 * Selects into e (room for bl->n) the entries fmt writes: not expired,
 * expressible, the best ranked max_entries; sorted by value.
 */
static size_t
select_entries(const struct blocklist *bl, enum blocklist_format fmt,
    const struct blocklist_opts *o, const struct bl_entry **e,
    struct blocklist_report *rep)
{
	size_t i, n = 0;

	for (i = 0; i < bl->n; i++) {
		const struct bl_entry *x = &bl->v[i];
		if (!bl_format_takes(fmt, x->type))
			rep->skipped++;
		else if (o->now != 0 && x->expires != 0 && x->expires <= o->now)
			rep->expired++;
		else
			e[n++] = x;
	}
	if (o->max_entries != 0 && n > o->max_entries) {
		qsort(e, n, sizeof(*e), rank_cmp);
		rep->trimmed = n - o->max_entries;
		for (i = o->max_entries; i < n && o->on_trimmed != NULL; i++) {
			struct blocklist_entry pub;
			entry_public(e[i], &pub);
			o->on_trimmed(o->on_trimmed_arg, &pub);
		}
		n = o->max_entries;
	}
	if (n > 0)
		qsort(e, n, sizeof(*e), entry_cmp);
	rep->written = n;
	return n;
}

static int
dispatch(enum blocklist_format fmt, struct bl_out *w)
{
	switch (fmt) {
	case BLOCKLIST_NFT:
		return bl_render_nft(w);
	case BLOCKLIST_UNBOUND:
		return bl_render_unbound(w);
	case BLOCKLIST_RPZ:
		return bl_render_rpz(w);
	case BLOCKLIST_DNSMASQ:
		return bl_render_dnsmasq(w);
	case BLOCKLIST_HOSTS:
		return bl_render_hosts(w);
	case BLOCKLIST_IPSET:
		return bl_render_ipset(w);
	case BLOCKLIST_IPTABLES:
	case BLOCKLIST_IP6TABLES:
		return bl_render_iptables(w, fmt == BLOCKLIST_IP6TABLES);
	case BLOCKLIST_PFSENSE:
		return bl_render_pfsense(w);
	case BLOCKLIST_FORTIGATE_IP:
	case BLOCKLIST_FORTIGATE_DOMAIN:
	case BLOCKLIST_FORTIGATE_HASH:
		return bl_render_fortigate(w, fmt);
	case BLOCKLIST_PAN_EDL_IP:
	case BLOCKLIST_PAN_EDL_DOMAIN:
	case BLOCKLIST_PAN_EDL_URL:
		return bl_render_pan(w, fmt);
	case BLOCKLIST_MIKROTIK:
		return bl_render_mikrotik(w);
	case BLOCKLIST_SURICATA_RULES:
		return bl_render_suricata(w);
	case BLOCKLIST_SURICATA_DATASET:
		return bl_render_suricata_dataset(w);
	case BLOCKLIST_SQUID_DSTDOMAIN:
	case BLOCKLIST_SQUID_DST:
	case BLOCKLIST_SQUID_URL_REGEX:
		return bl_render_squid(w, fmt);
	case BLOCKLIST_CSV:
		return bl_render_csv(w);
	case BLOCKLIST_JSON:
		return bl_render_json(w);
	case BLOCKLIST_STIX:
		return bl_render_stix(w);
	default:
		return RP_ERR_ARG;
	}
}

int
blocklist_render(const struct blocklist *bl, enum blocklist_format fmt,
    const struct blocklist_opts *opts, char **out, size_t *outlen,
    struct blocklist_report *rep)
{
	static const struct blocklist_opts none;
	const struct bl_entry **e = NULL;
	struct blocklist_report rp;
	struct rp_buf b;
	struct bl_out w;
	size_t len;
	char *s;
	int r = RP_ERR_NOMEM;

	rp_buf_init(&b, BLOCKLIST_MAX_OUTPUT);
	memset(&rp, 0, sizeof(rp));
	if (bl == NULL || out == NULL || outlen == NULL || rep == NULL ||
	    blocklist_format_name(fmt) == NULL)
		return RP_ERR_ARG;
	if (opts == NULL)
		opts = &none;
	if (bl->n > 0 && (e = calloc(bl->n, sizeof(*e))) == NULL)
		goto out;
	w.n = select_entries(bl, fmt, opts, e, &rp);
	w.e = e;
	w.o = opts;
	w.b = &b;
	w.refused = 0;
	if ((r = dispatch(fmt, &w)) != 0)
		goto out;
	rp.written -= w.refused;
	rp.skipped += w.refused;
	r = b.failed ? RP_ERR_LIMIT : RP_ERR_NOMEM;
	len = b.len;
	if ((s = rp_buf_take(&b)) == NULL)
		goto out;
	*out = s;
	*outlen = len;
	*rep = rp;
	r = 0;
out:
	rp_buf_free(&b);
	free(e);
	return r;
}
