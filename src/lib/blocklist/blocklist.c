/*
 * The blocklist itself: reading and normalising entries (domains, IPv4/
 * IPv6 addresses and CIDR blocks, URLs), and the sorted, deduplicated view
 * every renderer writes from, so output depends on the set alone.
 */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "blocklist_int.h"
#include "err.h"
#include "uri.h"

#define BL_COMMENT_MAX 256
#define BL_VALUE_MAX 2048

struct blocklist {
	struct bl_entry *v;
	size_t n, cap;
};

struct blocklist *
blocklist_new(void)
{
	return calloc(1, sizeof(struct blocklist));
}

void
blocklist_free(struct blocklist *bl)
{
	size_t i;

	if (bl == NULL)
		return;
	for (i = 0; i < bl->n; i++) {
		free(bl->v[i].value);
		free(bl->v[i].comment);
	}
	free(bl->v);
	free(bl);
}

/* Comments go on their own line in every format: printable text only. */
static const char *
comment_check(const char *c)
{
	size_t i, n = strlen(c);

	if (n > BL_COMMENT_MAX)
		return "comment longer than 256 bytes";
	for (i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)c[i];
		if (ch < 0x20 || ch == 0x7f || ch == '"' || ch == '\\')
			return "comment has a control character, quote or "
			       "backslash";
	}
	return NULL;
}

/* Parses "addr" or "addr/prefix" into e; the host bits are cleared. */
static const char *
addr_parse(const char *value, struct bl_entry *e)
{
	char a[INET6_ADDRSTRLEN + 8], text[INET6_ADDRSTRLEN];
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
	if (inet_ntop(e->type == BL_V4 ? AF_INET : AF_INET6, e->addr, text,
		sizeof(text)) == NULL)
		return "not an IPv4 or IPv6 address";
	e->value = p == max ? rp_strdup0(text) : rp_asprintf("%s/%lu", text, p);
	return NULL;
}

static const char *
value_parse(enum blocklist_kind kind, const char *value, struct bl_entry *e)
{
	enum rp_uri_err ue;

	if (strlen(value) > BL_VALUE_MAX)
		return "value longer than 2048 bytes";
	switch (kind) {
	case BLOCKLIST_DOMAIN:
		e->type = BL_DOMAIN;
		if ((e->value = rp_strdup0(value)) == NULL)
			return NULL;
		return rp_domain_check(e->value);
	case BLOCKLIST_ADDR:
		return addr_parse(value, e);
	case BLOCKLIST_URL:
		e->type = BL_URL;
		if (rp_uri_check(value, &ue) != 0)
			return rp_uri_strerror(ue);
		if (strchr(value, '"') != NULL)
			return "URL has a quote";
		e->value = rp_strdup0(value);
		return NULL;
	}
	return "unknown entry kind";
}

int
blocklist_add(struct blocklist *bl, enum blocklist_kind kind, const char *value,
    const char *comment, const char **why)
{
	struct bl_entry e;
	const char *w = NULL;
	int r = RP_ERR_INVALID;

	memset(&e, 0, sizeof(e));
	if (bl == NULL || value == NULL)
		return RP_ERR_ARG;
	if (bl->n >= BLOCKLIST_MAX_ENTRIES) {
		w = "more entries than a blocklist holds";
		r = RP_ERR_LIMIT;
		goto out;
	}
	if (comment != NULL && (w = comment_check(comment)) != NULL)
		goto out;
	if ((w = value_parse(kind, value, &e)) != NULL)
		goto out;
	r = RP_ERR_NOMEM;
	if (e.value == NULL)
		goto out;
	if (comment != NULL && (e.comment = rp_strdup0(comment)) == NULL)
		goto out;
	if (bl->n == bl->cap) {
		size_t cap = bl->cap ? bl->cap * 2 : 64;
		struct bl_entry *v = reallocarray(bl->v, cap, sizeof(*v));
		if (v == NULL)
			goto out;
		bl->v = v;
		bl->cap = cap;
	}
	bl->v[bl->n++] = e;
	memset(&e, 0, sizeof(e));
	r = 0;
out:
	if (w != NULL && why != NULL)
		*why = w;
	free(e.value);
	free(e.comment);
	return r;
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
entry_cmp_value(const struct bl_entry *a, const struct bl_entry *b)
{
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

/* The comment breaks ties, so which duplicate is kept never depends on
 * the order entries were added in. */
static int
entry_cmp(const void *pa, const void *pb)
{
	const struct bl_entry *a = *(const struct bl_entry *const *)pa;
	const struct bl_entry *b = *(const struct bl_entry *const *)pb;
	int c = entry_cmp_value(a, b);

	if (c != 0)
		return c;
	if (a->comment == NULL || b->comment == NULL)
		return (a->comment != NULL) - (b->comment != NULL);
	return strcmp(a->comment, b->comment);
}

int
blocklist_render(const struct blocklist *bl, enum blocklist_format fmt,
    const struct blocklist_opts *opts, char **out, size_t *outlen,
    size_t *skipped)
{
	static const struct blocklist_opts none;
	const struct bl_entry **e = NULL;
	struct rp_buf b;
	size_t i, n = 0, sk = 0, len;
	char *s;
	int r = RP_ERR_NOMEM;

	rp_buf_init(&b, BLOCKLIST_MAX_OUTPUT);
	if (bl == NULL || out == NULL || outlen == NULL || skipped == NULL)
		return RP_ERR_ARG;
	if (opts == NULL)
		opts = &none;
	if (bl->n > 0 && (e = calloc(bl->n, sizeof(*e))) == NULL)
		goto out;
	for (i = 0; i < bl->n; i++)
		e[i] = &bl->v[i];
	if (bl->n > 0)
		qsort(e, bl->n, sizeof(*e), entry_cmp);
	for (i = 0; i < bl->n; i++)
		if (n == 0 || entry_cmp_value(e[n - 1], e[i]) != 0)
			e[n++] = e[i];
	switch (fmt) {
	case BLOCKLIST_NFT:
		r = bl_render_nft(e, n, &b, &sk);
		break;
	case BLOCKLIST_UNBOUND:
		r = bl_render_unbound(e, n, opts, &b, &sk);
		break;
	case BLOCKLIST_RPZ:
		r = bl_render_rpz(e, n, opts, &b, &sk);
		break;
	case BLOCKLIST_DNSMASQ:
		r = bl_render_dnsmasq(e, n, opts, &b, &sk);
		break;
	case BLOCKLIST_HOSTS:
		r = bl_render_hosts(e, n, opts, &b, &sk);
		break;
	default:
		r = RP_ERR_ARG;
	}
	if (r != 0)
		goto out;
	r = b.failed ? RP_ERR_LIMIT : RP_ERR_NOMEM;
	len = b.len;
	if ((s = rp_buf_take(&b)) == NULL)
		goto out;
	*out = s;
	*outlen = len;
	*skipped = sk;
	r = 0;
out:
	rp_buf_free(&b);
	free(e);
	return r;
}
