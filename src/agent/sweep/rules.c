/*
 * The bundle's rules made ready for matching: the indicator index, and
 * every YARA text compiled once into one rule set (a namespace per bundle
 * entry, includes refused so a bundle cannot read local files), plus a
 * tag that tells the cache which rule set a "nothing matched" verdict was
 * reached with.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sweep/sweep_int.h"
#include "util/err.h"

struct compile_ctx {
	struct rp_diags *d;
	const char *entry;
};

static void
compile_cb(int level, const char *file, int line, const YR_RULE *rule,
    const char *msg, void *arg)
{
	struct compile_ctx *cc = arg;

	rp_diags_add_at(cc->d,
	    level == YARA_ERROR_LEVEL_ERROR ? RP_DIAG_ERROR : RP_DIAG_WARNING,
	    line, 0, "YARA %s: %s", cc->entry, msg);
}

static const char *
include_cb(const char *name, const char *from, const char *ns, void *arg)
{
	return NULL; /* includes are refused */
}

/* First 8 bytes of SHA-256 over the entries' names and texts. */
static uint64_t
rules_tag(const struct ioc_bundle *b)
{
	unsigned char md[32];
	unsigned int len = 0;
	EVP_MD_CTX *c = EVP_MD_CTX_new();
	uint64_t tag = 0;
	size_t i;

	if (c == NULL || EVP_DigestInit_ex(c, EVP_sha256(), NULL) != 1)
		goto out;
	for (i = 0; i < b->nyara; i++) {
		EVP_DigestUpdate(
		    c, b->yara[i].name, strlen(b->yara[i].name) + 1);
		EVP_DigestUpdate(
		    c, b->yara[i].text, strlen(b->yara[i].text) + 1);
	}
	if (EVP_DigestFinal_ex(c, md, &len) == 1)
		memcpy(&tag, md, sizeof(tag));
out:
	EVP_MD_CTX_free(c);
	return tag == 0 ? 1 : tag;
}

static int
compile_yara(struct sweep_rules *r, struct rp_diags *d)
{
	YR_COMPILER *yc = NULL;
	YR_RULE *rule;
	struct compile_ctx cc = {d, NULL};
	size_t i;
	int ret = RP_ERR_NOMEM;

	if (yr_compiler_create(&yc) != ERROR_SUCCESS)
		return RP_ERR_NOMEM;
	yr_compiler_set_callback(yc, compile_cb, &cc);
	yr_compiler_set_include_callback(yc, include_cb, NULL, NULL);
	for (i = 0; i < r->b->nyara; i++) {
		cc.entry = r->b->yara[i].name;
		if (yr_compiler_add_string(yc, r->b->yara[i].text, cc.entry) !=
		    0) {
			/* The compiler cannot take more text after an error. */
			ret = RP_ERR_INVALID;
			goto out;
		}
	}
	if (yr_compiler_get_rules(yc, &r->yr) != ERROR_SUCCESS)
		goto out;
	yr_rules_foreach(r->yr, rule) r->nyara_rules++;
	r->yara_tag = rules_tag(r->b);
	ret = 0;
out:
	yr_compiler_destroy(yc);
	return ret;
}

int
sweep_rules_new(
    const struct ioc_bundle *b, struct sweep_rules **out, struct rp_diags *d)
{
	struct sweep_rules *r;
	int ret;

	*out = NULL;
	if ((r = calloc(1, sizeof(*r))) == NULL)
		return RP_ERR_NOMEM;
	r->b = b;
	if (yr_initialize() != ERROR_SUCCESS) {
		free(r);
		return RP_ERR_NOMEM;
	}
	if ((ret = ioc_index_new(b, &r->x)) != 0)
		goto out;
	r->any_hash = ioc_index_count(r->x, IOC_SHA256) +
		ioc_index_count(r->x, IOC_SHA1) +
		ioc_index_count(r->x, IOC_MD5) >
	    0;
	if (b->nyara > 0 && (ret = compile_yara(r, d)) != 0)
		goto out;
	*out = r;
	r = NULL;
	ret = 0;
out:
	sweep_rules_free(r);
	return ret;
}

void
sweep_rules_free(struct sweep_rules *r)
{
	if (r == NULL)
		return;
	if (r->yr != NULL)
		yr_rules_destroy(r->yr);
	ioc_index_free(r->x);
	yr_finalize();
	free(r);
}

size_t
sweep_rules_yara_count(const struct sweep_rules *r)
{
	return r->nyara_rules;
}

void
hex_encode(const unsigned char *v, size_t n, char *out)
{
	static const char hexd[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < n; i++) {
		out[2 * i] = hexd[v[i] >> 4];
		out[2 * i + 1] = hexd[v[i] & 15];
	}
	out[2 * n] = '\0';
}

static const char *
yara_source(const struct ioc_bundle *b, const char *ns)
{
	size_t i;

	for (i = 0; i < b->nyara; i++)
		if (strcmp(b->yara[i].name, ns) == 0)
			return b->yara[i].source;
	return NULL;
}

size_t
rules_match(const struct sweep_rules *r, const struct digests *dg,
    uint64_t size, const struct yara_hit *yh, size_t nyh, struct sweep_match *m,
    size_t mmax)
{
	static const struct {
		unsigned flag;
		enum ioc_type t;
	} kinds[] = {
	    {DIG_SHA256, IOC_SHA256}, {DIG_SHA1, IOC_SHA1}, {DIG_MD5, IOC_MD5}};
	const unsigned char *v[3] = {dg->sha256, dg->sha1, dg->md5};
	const struct ioc *hit;
	size_t n = 0, i;

	for (i = 0; i < 3 && n < mmax; i++) {
		if ((dg->flags & kinds[i].flag) == 0 ||
		    ioc_index_count(r->x, kinds[i].t) == 0)
			continue;
		hit = ioc_index_hash(r->x, kinds[i].t, v[i], size);
		if (hit != NULL) {
			memset(&m[n], 0, sizeof(m[n]));
			m[n++].ioc = hit;
		}
	}
	for (i = 0; i < nyh && n < mmax; i++) {
		memset(&m[n], 0, sizeof(m[n]));
		m[n].rule = yh[i].rule;
		m[n].ns = yh[i].ns;
		m[n++].yara_source = yara_source(r->b, yh[i].ns);
	}
	return n;
}
