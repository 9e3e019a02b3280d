/*
 * Blocklist blobs (docs/agent-jobs.md, "Blocklists"): the canonical
 * bytes a block-apply or block-verify job names by SHA-256, kept per
 * tenant.  A blob's bytes never change under its hash, so a second put
 * of the same blob writes nothing; every lookup names the tenant, so a
 * hash of another tenant's blob finds nothing.
 */
#include <stdlib.h>
#include <string.h>

#include "store.h"
#include "store_int.h"
#include "util/err.h"

static struct drv_sql q_insert =
    DRV_SQL("INSERT INTO blocklist_blobs (tenant_id, sha256, body, size, "
	    "created) VALUES (?, ?, ?, ?, ?) "
	    "ON CONFLICT (tenant_id, sha256) DO NOTHING");
static struct drv_sql q_get =
    DRV_SQL("SELECT tenant_id, sha256, size, created, "
	    "CASE WHEN ? = 1 THEN body ELSE NULL END FROM blocklist_blobs "
	    "WHERE tenant_id = ? AND sha256 = ?");

void
store_blocklist_clear(struct store_blocklist *b)
{
	if (b == NULL)
		return;
	free(b->body);
	memset(b, 0, sizeof(*b));
}

static int
hex64(const char *s)
{
	size_t i;

	for (i = 0; s != NULL && s[i] != '\0'; i++)
		if (i >= 64 ||
		    !((s[i] >= '0' && s[i] <= '9') ||
			(s[i] >= 'a' && s[i] <= 'f')))
			return 0;
	return s != NULL && i == 64;
}

int
store_blocklist_put(struct store *s, int64_t tenant, const char *sha256,
    const char *body, int64_t now, int *created)
{
	int64_t n = 0;
	int r;

	if (!hex64(sha256) || body == NULL || tenant <= 0)
		return RP_ERR_ARG;
	struct drv_arg a[] = {A_INT(tenant), A_TEXT(sha256), A_TEXT(body),
	    A_INT((int64_t)strlen(body)), A_INT(now)};
	if ((r = sq_exec(s, &q_insert, a, NARGS(a), &n)) != 0)
		return r;
	*created = n > 0;
	return 0;
}

int
store_blocklist_get(struct store *s, int64_t tenant, const char *sha256,
    int with_body, struct store_blocklist *out)
{
	struct store_blocklist b;
	struct drv_cur c;
	char *hash = NULL;
	int r;

	if (!hex64(sha256))
		return RP_ERR_NOTFOUND;
	struct drv_arg a[] = {
	    A_INT(with_body ? 1 : 0), A_INT(tenant), A_TEXT(sha256)};
	if ((r = sq_row(s, &q_get, a, NARGS(a), &c)) != 0)
		return r;
	memset(&b, 0, sizeof(b));
	b.tenant_id = sq_int(&c, 0);
	b.size = sq_int(&c, 2);
	b.created = sq_int(&c, 3);
	if ((r = sq_dup(&c, 1, &hash)) == 0 &&
	    (r = sq_dup0(&c, 4, &b.body)) == 0 && strlen(hash) == 64)
		memcpy(b.sha256, hash, 65);
	sq_done(&c);
	free(hash);
	if (r != 0) {
		store_blocklist_clear(&b);
		return r;
	}
	*out = b;
	return 0;
}
