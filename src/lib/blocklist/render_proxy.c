/*
 * The proxy and IDS renderers: Suricata rules (DNS query, TLS SNI and
 * HTTP host for domains; HTTP host and URI together for exact URLs) with
 * stable sids in a range of our own, a Suricata dataset of names, and
 * Squid ACL files (dstdomain, dst, url_regex).  A URL is only ever
 * written as a rule for that exact URL, never widened to its host.
 */
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "blocklist_int.h"
#include "err.h"
#include "hashtab.h"

/* The sids our rules use: SID_BASE .. SID_BASE + SID_RANGE - 1
 * (docs/internals/blocklist.md). */
#define SID_BASE 1970000000u
#define SID_RANGE 10000000u
#define URL_PART_MAX 4096

/* The rules written for one entry. */
static const char *const dom_rules[] = {"dns", "tls", "http"};
#define DOM_RULES 3

/* FNV-1a, 64 bits: a hash that is the same in every process, so a value
 * keeps its sid from one render to the next. */
static uint64_t
fnv1a(const char *tag, const char *v)
{
	uint64_t h = 0xcbf29ce484222325ull;
	const unsigned char *p;

	for (p = (const unsigned char *)tag; *p != '\0'; p++)
		h = (h ^ *p) * 0x100000001b3ull;
	h = (h ^ ':') * 0x100000001b3ull;
	for (p = (const unsigned char *)v; *p != '\0'; p++)
		h = (h ^ *p) * 0x100000001b3ull;
	return h;
}

static int
u64_cmp(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/*
 * Gives each of the nr rules a sid.  Rule r's home slot is the hash of
 * its kind and value modulo SID_RANGE; rules are taken in the order of
 * (home, r) and each gets the first free slot from its home on, those
 * past the end of the range the first free slots from its start.  The
 * result depends only on the set of rules, and no input can make it
 * slower than a sort.
 */
static int
sids_assign(const struct bl_out *w, uint32_t *sid, size_t nr)
{
	uint64_t *k;
	size_t i, i0, r = 0, j;
	uint32_t next = 0, slot;

	if (nr > SID_RANGE)
		return RP_ERR_LIMIT;
	if (nr == 0)
		return 0;
	if ((k = calloc(nr, sizeof(*k))) == NULL)
		return RP_ERR_NOMEM;
	for (i = 0; i < w->n; i++) {
		const struct bl_entry *e = w->e[i];
		size_t t, nt = e->type == BL_DOMAIN ? DOM_RULES : 1;
		for (t = 0; t < nt; t++, r++) {
			uint64_t h =
			    fnv1a(e->type == BL_DOMAIN ? dom_rules[t] : "url",
				e->value);
			k[r] = (h % SID_RANGE) << 32 | r;
		}
	}
	qsort(k, nr, sizeof(*k), u64_cmp);
	for (i = 0; i < nr; i++) {
		slot = (uint32_t)(k[i] >> 32);
		if (i > 0 && slot < next)
			slot = next;
		if (slot >= SID_RANGE)
			break; /* so are all that follow */
		sid[k[i] & 0xffffffffu] = slot;
		next = slot + 1;
		k[i] = slot;
	}
	/* the taken slots are k[0..i0), ascending; the rules that ran past
	 * the end take the free slots from 0 on, in order */
	i0 = i;
	slot = 0;
	for (j = 0; i < nr; i++) {
		while (j < i0 && k[j] == slot)
			j++, slot++;
		sid[k[i] & 0xffffffffu] = slot++;
	}
	free(k);
	for (i = 0; i < nr; i++)
		sid[i] += SID_BASE;
	return 0;
}

/* A content string: printable ASCII as it is, the characters a rule
 * parser reads specially (quote, semicolon, backslash, pipe) and
 * anything else as |XX|. */
static void
sur_content(const char *s, struct rp_buf *b)
{
	for (; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;
		if (c < 0x20 || c >= 0x7f || c == '"' || c == ';' ||
		    c == '\\' || c == '|')
			rp_buf_appendf(b, "|%02X|", c);
		else
			rp_buf_appendn(b, s, 1);
	}
}

/* A msg string: quote, semicolon and backslash escaped; bytes outside
 * printable ASCII written as '?' (rule files are ASCII). */
static void
sur_msg(const char *s, struct rp_buf *b)
{
	for (; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;
		if (c < 0x20 || c >= 0x7f)
			rp_buf_append(b, "?");
		else if (c == '"' || c == ';' || c == '\\')
			rp_buf_appendf(b, "\\%c", c);
		else
			rp_buf_appendn(b, s, 1);
	}
}

static void
sur_head(const struct bl_entry *e, const char *proto, const char *what,
    struct rp_buf *b)
{
	rp_buf_appendf(b,
	    "drop %s any any -> any any (msg:\"Rampart blocklist: %s ", proto,
	    what);
	sur_msg(e->value, b);
	if (e->comment != NULL) {
		rp_buf_append(b, " (");
		sur_msg(e->comment, b);
		rp_buf_append(b, ")");
	}
	rp_buf_append(b, "\"; ");
}

static void
sur_domain(const struct bl_entry *e, const uint32_t *sid, struct rp_buf *b)
{
	static const char *const what[] = {"DNS query", "TLS SNI", "HTTP host"};
	static const char *const proto[] = {"dns", "tls", "http"};
	static const char *const buf[] = {"dns.query", "tls.sni", "http.host"};
	size_t t;

	for (t = 0; t < DOM_RULES; t++) {
		sur_head(e, proto[t], what[t], b);
		/* http.host is lowercased by Suricata and refuses nocase */
		rp_buf_appendf(b, "%s; dotprefix; content:\".", buf[t]);
		sur_content(e->value, b);
		rp_buf_appendf(b, "\"; endswith;%s sid:%u; rev:1;)\n",
		    t == 2 ? "" : " nocase;", sid[t]);
	}
}

static int
sur_url(const struct bl_entry *e, uint32_t sid, struct rp_buf *b)
{
	char host[URL_PART_MAX], path[URL_PART_MAX];
	unsigned port;

	if (bl_url_split(
		e->value, host, sizeof(host), path, sizeof(path), &port) != 0)
		return -1;
	sur_head(e, "http", "URL", b);
	rp_buf_append(b, "flow:established,to_server; http.host; content:\"");
	sur_content(host, b);
	/* a %-escape is matched as sent, before Suricata decodes it */
	rp_buf_appendf(b, "\"; startswith; endswith; %s; content:\"",
	    strchr(path, '%') != NULL ? "http.uri.raw" : "http.uri");
	sur_content(path, b);
	rp_buf_appendf(b, "\"; startswith; endswith; sid:%u; rev:1;)\n", sid);
	return 0;
}

int
bl_render_suricata(struct bl_out *w)
{
	uint32_t *sid = NULL;
	size_t i, r = 0, nr = 0;
	int rc;

	for (i = 0; i < w->n; i++)
		nr += w->e[i]->type == BL_DOMAIN ? DOM_RULES : 1;
	if (nr > 0 && (sid = calloc(nr, sizeof(*sid))) == NULL)
		return RP_ERR_NOMEM;
	if ((rc = sids_assign(w, sid, nr)) != 0)
		goto out;
	rp_buf_appendf(w->b,
	    "# Rampart blocklist (Suricata rules; sids %u-%u)\n", SID_BASE,
	    SID_BASE + SID_RANGE - 1);
	for (i = 0; i < w->n; i++) {
		const struct bl_entry *e = w->e[i];
		if (e->type == BL_DOMAIN) {
			sur_domain(e, sid + r, w->b);
			r += DOM_RULES;
			continue;
		}
		/* a URL this rule cannot match exactly keeps its sid unused */
		if (sur_url(e, sid[r++], w->b) != 0)
			w->refused++;
	}
	rc = 0;
out:
	free(sid);
	return rc;
}

/*
 * A Suricata dataset of type string: each name base64-encoded on a line
 * of its own (no comments: the loader reads every line as data).
 */
int
bl_render_suricata_dataset(struct bl_out *w)
{
	unsigned char enc[4 * ((253 + 2) / 3) + 1];
	size_t i;

	for (i = 0; i < w->n; i++) {
		const char *v = w->e[i]->value;
		int n = EVP_EncodeBlock(
		    enc, (const unsigned char *)v, (int)strlen(v));
		rp_buf_appendn(w->b, (const char *)enc, (size_t)n);
		rp_buf_append(w->b, "\n");
	}
	return 0;
}

/* Whether a parent domain of v (at a label boundary) is in t. */
static int
covered(const struct rp_hashtab *t, const char *v)
{
	const char *p;

	for (p = strchr(v, '.'); p != NULL; p = strchr(p + 1, '.'))
		if (rp_hashtab_get(t, p + 1, strlen(p + 1), NULL))
			return 1;
	return 0;
}

/*
 * Squid dstdomain: ".name" matches the name and its subdomains, and Squid
 * refuses a file that lists a name under another one, so names covered
 * by a listed parent are left out (they stay blocked by it).
 */
static int
squid_dstdomain(struct bl_out *w)
{
	struct rp_hashtab *t;
	size_t i;

	if ((t = rp_hashtab_new(w->n > 0 ? w->n : 1)) == NULL)
		return RP_ERR_NOMEM;
	if (rp_hashtab_reserve(t, w->n) != 0) {
		rp_hashtab_free(t);
		return RP_ERR_NOMEM;
	}
	for (i = 0; i < w->n; i++)
		if (rp_hashtab_add(
			t, w->e[i]->value, strlen(w->e[i]->value), NULL) < 0) {
			rp_hashtab_free(t);
			return RP_ERR_NOMEM;
		}
	for (i = 0; i < w->n; i++) {
		if (covered(t, w->e[i]->value))
			continue;
		bl_comment_line(w->e[i], "#", w->b);
		rp_buf_appendf(w->b, ".%s\n", w->e[i]->value);
	}
	rp_hashtab_free(t);
	return 0;
}

/* Squid url_regex: the exact URL, anchored, every ERE operator escaped;
 * "-i" makes the file's patterns case-insensitive. */
static void
squid_url(struct bl_out *w)
{
	size_t i;

	rp_buf_append(w->b, "-i\n");
	for (i = 0; i < w->n; i++) {
		const char *s = w->e[i]->value;
		size_t n = strcspn(s, "#"), k;
		bl_comment_line(w->e[i], "#", w->b);
		/* a URL given without its scheme: either */
		rp_buf_append(
		    w->b, strstr(s, "://") != NULL ? "^" : "^https?://");
		for (k = 0; k < n; k++) {
			if (strchr(".[]{}()\\*+?^$|", s[k]) != NULL)
				rp_buf_append(w->b, "\\");
			rp_buf_appendn(w->b, s + k, 1);
		}
		rp_buf_append(w->b, "$\n");
	}
}

int
bl_render_squid(struct bl_out *w, enum blocklist_format fmt)
{
	const struct bl_entry *last = NULL;
	size_t i;

	rp_buf_appendf(w->b, "# Rampart blocklist (Squid %s ACL file)\n",
	    blocklist_format_name(fmt));
	if (fmt == BLOCKLIST_SQUID_DSTDOMAIN)
		return squid_dstdomain(w);
	if (fmt == BLOCKLIST_SQUID_URL_REGEX) {
		squid_url(w);
		return 0;
	}
	/* dst: a block inside a listed block is left out, as Squid would
	 * ignore it with a warning */
	for (i = 0; i < w->n; i++) {
		if (last != NULL && bl_contains(last, w->e[i]))
			continue;
		last = w->e[i];
		rp_buf_appendf(w->b, "%s\n", w->e[i]->value);
	}
	return 0;
}
