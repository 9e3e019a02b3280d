/*
 * Indicators (store.h, "indicators"): the merge of a value stored again
 * in its scope, edits and deletions, the searches of the API, the walk
 * the blocklist feeds make over a tenant's active indicators, and the
 * per-scope change counter (indicator_versions) that gives those feeds
 * a cheap ETag.  Also the checks and helpers the source and allowlist
 * files share (store_int.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store.h"
#include "store_int.h"
#include "util/err.h"

#define IND_FROM                                                               \
	" FROM indicators i LEFT JOIN indicator_sources src"                   \
	" ON src.id = i.source_id "
#define IND_COLS                                                               \
	"i.id, i.tenant_id, i.type, i.value, i.size, i.source_id, "            \
	"COALESCE(src.name, ''), i.confidence, i.first_seen, i.last_seen, "    \
	"i.expires, i.tags, i.tlp, i.mode, "                                   \
	"COALESCE(i.mode, src.mode, 'block'), i.sightings, i.comment, "        \
	"i.created_at, i.updated_at, i.created_by"
#define IND_VISIBLE "(i.tenant_id IS NULL OR " SCOPE_FILTER("i.tenant_id") ")"
#define IND_FILTER(TAG)                                                        \
	" AND " IND_VISIBLE " AND (? = 0 OR i.scope = ? OR"                    \
	" (? = 0 AND i.scope = 0)) AND (? = 0 OR i.scope = 0)"                 \
	" AND (? = '' OR i.type = ?)"                                          \
	" AND (? = '' OR lower(i.value) LIKE ? ESCAPE '!')"                    \
	" AND (? = 0 OR i.source_id = ?)"                                      \
	" AND (? = '' OR " TAG "(',' || i.tags || ',', ?) > 0)"                \
	" AND (? = '' OR COALESCE(i.mode, src.mode, 'block') = ?)"             \
	" AND (? = '' OR src.name = ?)"                                        \
	" AND (CASE ? WHEN 1 THEN (i.expires IS NULL OR i.expires > ?)"        \
	" WHEN 2 THEN (i.expires <= ?) ELSE (1 = 1) END)"
#define IND_LIST(TAG)                                                          \
	"SELECT " IND_COLS IND_FROM                                            \
	"WHERE i.id > ?" IND_FILTER(TAG) " ORDER BY i.id LIMIT ?"
#define IND_TOTAL(TAG) "SELECT COUNT(*)" IND_FROM "WHERE 1 = 1" IND_FILTER(TAG)

#define FEED_TYPES "('domain', 'ip', 'cidr', 'url', 'sha256', 'sha1', 'md5')"
#define FEED_SQL(C)                                                            \
	"SELECT i.id, i.tenant_id, i.type, i.value, i.size, i.confidence, "    \
	"i.first_seen, i.last_seen, i.expires, i.sightings, i.tlp, i.tags, "   \
	"COALESCE(src.name, ''), i.comment" IND_FROM                           \
	"WHERE i.scope IN (0, ?) AND i.type IN " FEED_TYPES                    \
	" AND (i.expires IS NULL OR i.expires > ?)"                            \
	" AND COALESCE(i.mode, src.mode, 'block') = 'block'"                   \
	" ORDER BY i.type" C ", i.value" C ", i.scope DESC"

static struct drv_sql q_list =
    DRV_SQL2_REPLAN(IND_LIST("instr"), IND_LIST("strpos"));
static struct drv_sql q_total =
    DRV_SQL2_REPLAN(IND_TOTAL("instr"), IND_TOTAL("strpos"));
static struct drv_sql q_get =
    DRV_SQL("SELECT " IND_COLS IND_FROM "WHERE i.id = ? AND " IND_VISIBLE);
/* The row as its writer sees it: an MSP-wide row only in an all scope. */
#define IND_GET_W                                                              \
	"SELECT " IND_COLS IND_FROM                                            \
	"WHERE i.id = ? AND " SCOPE_FILTER("i.tenant_id")
static struct drv_sql q_get_w =
    DRV_SQL2(IND_GET_W, IND_GET_W " FOR UPDATE OF i");
/* The row a put merges into, locked on PostgreSQL until the commit so
 * that concurrent merges of one value take turns instead of losing one
 * another's tags (SQLite's writers take turns anyway). */
#define IND_FIND                                                               \
	"SELECT id, confidence, first_seen, last_seen, expires, tags, size "   \
	"FROM indicators WHERE scope = ? AND type = ? AND value = ?"
static struct drv_sql q_find = DRV_SQL2(IND_FIND, IND_FIND " FOR UPDATE");
static struct drv_sql q_insert =
    DRV_SQL("INSERT INTO indicators (tenant_id, scope, type, value, size, "
	    "source_id, confidence, first_seen, last_seen, expires, tags, tlp, "
	    "mode, comment, created_at, updated_at, created_by) "
	    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
	    "ON CONFLICT (scope, type, value) DO NOTHING RETURNING id");
static struct drv_sql q_merge =
    DRV_SQL("UPDATE indicators SET confidence = ?, first_seen = ?, "
	    "last_seen = ?, expires = ?, tags = ?, size = ?, updated_at = ? "
	    "WHERE id = ?");
static struct drv_sql q_edit =
    DRV_SQL("UPDATE indicators SET mode = ?, confidence = ?, expires = ?, "
	    "tlp = ?, tags = ?, comment = ?, updated_at = ? WHERE id = ?");
static struct drv_sql q_delete =
    DRV_SQL("DELETE FROM indicators WHERE id = ? AND " SCOPE_FILTER(
	"tenant_id") " RETURNING scope");
static struct drv_sql q_source =
    DRV_SQL("SELECT scope, confidence, tlp FROM indicator_sources "
	    "WHERE id = ?");
static struct drv_sql q_feed =
    DRV_SQL2(FEED_SQL(""), FEED_SQL(" COLLATE \"C\""));
static struct drv_sql q_bump =
    DRV_SQL("INSERT INTO indicator_versions (scope, changed_at, changes) "
	    "VALUES (?, ?, 1) ON CONFLICT (scope) DO UPDATE SET changed_at = "
	    "CASE WHEN excluded.changed_at > indicator_versions.changed_at "
	    "THEN excluded.changed_at ELSE indicator_versions.changed_at END, "
	    "changes = indicator_versions.changes + 1");
static struct drv_sql q_version =
    DRV_SQL("SELECT COALESCE(MAX(changed_at), 0), "
	    "CAST(COALESCE(SUM(changes), 0) AS BIGINT) FROM indicator_versions "
	    "WHERE scope IN (0, ?)");
static struct drv_sql q_expiry =
    DRV_SQL("SELECT COALESCE(MAX(CASE WHEN expires <= ? THEN expires END), "
	    "0), COALESCE(MIN(CASE WHEN expires > ? THEN expires END), 0) "
	    "FROM indicators WHERE scope IN (0, ?) AND expires IS NOT NULL");

/* Writers of a scope's indicators take turns on PostgreSQL: each takes
 * this transaction-scoped lock first, before any row, so that two
 * imports into one scope never hold rows (and its version row) the other
 * waits for.  The key is arbitrary but fixed, plus the scope. */
#define IND_LOCK_KEY ((int64_t)0x5249000000000000LL)
static struct drv_sql q_scope_lock = DRV_SQL("SELECT pg_advisory_xact_lock(?)");
static struct drv_sql q_scope_of =
    DRV_SQL("SELECT scope FROM indicators WHERE id = ?");

static const char *const ind_types[] = {"sha256", "sha1", "md5", "filename",
    "domain", "ip", "cidr", "url", "yara", NULL};
static const char *const tlps[] = {
    "clear", "green", "amber", "amber+strict", "red", NULL};

int
sq_in_set(const char *v, const char *const *set)
{
	size_t i;

	if (v == NULL)
		return 0;
	for (i = 0; set[i] != NULL; i++)
		if (strcmp(v, set[i]) == 0)
			return 1;
	return 0;
}

int
sq_tlp_ok(const char *tlp)
{
	return sq_in_set(tlp, tlps);
}

int
sq_mode_ok(const char *mode)
{
	return mode != NULL &&
	    (strcmp(mode, "block") == 0 || strcmp(mode, "inform") == 0);
}

int
sq_writable(struct store *s, const struct store_scope *sc, int64_t tenant)
{
	int r;

	if (sc == NULL || tenant < 0)
		return RP_ERR_ARG;
	if (tenant == 0)
		return sc->all ? 0 : RP_ERR_NOTFOUND;
	if ((r = store_scope_has(s, sc, tenant)) < 0)
		return r;
	return r == 1 ? 0 : RP_ERR_NOTFOUND;
}

int
sq_ind_lock(struct store *s, int64_t scope)
{
	struct drv_arg a[] = {A_INT(IND_LOCK_KEY + scope)};

	if (s->ops->kind != STORE_PG || scope < 0)
		return 0;
	return sq_exec(s, &q_scope_lock, a, NARGS(a), NULL);
}

/* sq_ind_lock for the scope of indicator id (none: RP_ERR_NOTFOUND). */
static int
lock_scope_of(struct store *s, int64_t id)
{
	int64_t scope;
	int r;

	struct drv_arg a[] = {A_INT(id)};
	if ((r = sq_int1(s, &q_scope_of, a, NARGS(a), &scope)) != 0)
		return r;
	return sq_ind_lock(s, scope);
}

int
sq_ind_bump(struct store *s, int64_t scope, int64_t now)
{
	struct drv_arg a[] = {A_INT(scope), A_INT(now)};

	return sq_exec(s, &q_bump, a, NARGS(a), NULL);
}

/* Whether v (n bytes) holds no control character. */
static int
printable(const char *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if ((unsigned char)v[i] < 0x20 || v[i] == 0x7f)
			return 0;
	return 1;
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Splits the tag list in (commas) into t[], blanks around each dropped,
 * cut in place in buf. */
static int
tags_split(char *buf, char **t, size_t *nt)
{
	char *p = buf, *e, *end;

	*nt = 0;
	while (p != NULL) {
		if ((e = strchr(p, ',')) != NULL)
			*e = '\0';
		while (*p == ' ' || *p == '\t')
			p++;
		end = p + strlen(p);
		while (end > p && (end[-1] == ' ' || end[-1] == '\t'))
			*--end = '\0';
		if (*p != '\0') {
			if (*nt == STORE_TAGS_MAX ||
			    (size_t)(end - p) > STORE_TAG_MAX ||
			    !printable(p, (size_t)(end - p)))
				return RP_ERR_ARG;
			t[(*nt)++] = p;
		}
		p = e != NULL ? e + 1 : NULL;
	}
	return 0;
}

/* The tag lists a and b (either NULL) as one normalised list (store.h)
 * in *out; RP_ERR_ARG for a bad tag or too many, RP_ERR_NOMEM. */
static int
tags_norm(const char *a, const char *b, char **out)
{
	char *buf = NULL, *t[STORE_TAGS_MAX], *o;
	size_t na = a != NULL ? strlen(a) : 0, nb = b != NULL ? strlen(b) : 0;
	size_t nt, i, k = 0;
	int r;

	*out = NULL;
	if (na > STORE_TAGS_MAX * (STORE_TAG_MAX + 1) ||
	    nb > STORE_TAGS_MAX * (STORE_TAG_MAX + 1))
		return RP_ERR_ARG;
	if ((buf = malloc(na + nb + 2)) == NULL)
		return RP_ERR_NOMEM;
	memcpy(buf, a != NULL ? a : "", na);
	buf[na] = ',';
	memcpy(buf + na + 1, b != NULL ? b : "", nb);
	buf[na + nb + 1] = '\0';
	if ((r = tags_split(buf, t, &nt)) != 0)
		goto out;
	qsort(t, nt, sizeof(t[0]), cmp_str);
	if ((o = malloc(na + nb + 2)) == NULL) {
		r = RP_ERR_NOMEM;
		goto out;
	}
	o[0] = '\0';
	for (i = 0; i < nt; i++) {
		size_t n = strlen(t[i]);
		if (i > 0 && strcmp(t[i], t[i - 1]) == 0)
			continue;
		if (k > 0)
			o[k++] = ',';
		memcpy(o + k, t[i], n);
		k += n;
	}
	o[k] = '\0';
	*out = o;
out:
	free(buf);
	return r;
}

void
store_indicator_clear(struct store_indicator *i)
{
	if (i == NULL)
		return;
	free(i->type);
	free(i->value);
	free(i->source);
	free(i->tags);
	free(i->tlp);
	free(i->mode);
	free(i->mode_eff);
	free(i->comment);
	free(i->created_by);
	memset(i, 0, sizeof(*i));
}

void
store_indicators_free(struct store_indicator *v, size_t n)
{
	size_t k;

	if (v == NULL)
		return;
	for (k = 0; k < n; k++)
		store_indicator_clear(&v[k]);
	free(v);
}

/* One row of IND_COLS into *row. */
static int
ind_read(struct drv_cur *c, void *row)
{
	struct store_indicator *i = row;
	int r;

	memset(i, 0, sizeof(*i));
	i->id = sq_int(c, 0);
	i->tenant_id = sq_int(c, 1);
	i->size = sq_int(c, 4);
	i->source_id = sq_int(c, 5);
	i->confidence = (int)sq_int(c, 7);
	i->first_seen = sq_int(c, 8);
	i->last_seen = sq_int(c, 9);
	i->expires = sq_int(c, 10);
	i->sightings = sq_int(c, 15);
	i->created_at = sq_int(c, 17);
	i->updated_at = sq_int(c, 18);
	if ((r = sq_dup(c, 2, &i->type)) != 0 ||
	    (r = sq_dup(c, 3, &i->value)) != 0 ||
	    (r = sq_dup(c, 6, &i->source)) != 0 ||
	    (r = sq_dup(c, 11, &i->tags)) != 0 ||
	    (r = sq_dup(c, 12, &i->tlp)) != 0 ||
	    (r = sq_dup0(c, 13, &i->mode)) != 0 ||
	    (r = sq_dup(c, 14, &i->mode_eff)) != 0 ||
	    (r = sq_dup(c, 16, &i->comment)) != 0 ||
	    (r = sq_dup(c, 19, &i->created_by)) != 0) {
		store_indicator_clear(i);
		return r;
	}
	return 0;
}

static void
ind_clear(void *row)
{
	store_indicator_clear(row);
}

static const struct sq_rows ind_rows = {
    .size = sizeof(struct store_indicator),
    .after_at = 0,
    .read = ind_read,
    .clear = ind_clear,
};

static int
ind_one(struct store *s, struct drv_sql *q, const struct drv_arg *a, size_t n,
    struct store_indicator *out)
{
	struct store_indicator i;
	struct drv_cur c;
	int r;

	if ((r = sq_row(s, q, a, n, &c)) != 0)
		return r;
	r = ind_read(&c, &i);
	sq_done(&c);
	if (r != 0)
		return r;
	*out = i;
	return 0;
}

int
store_indicator_get(struct store *s, const struct store_scope *sc, int64_t id,
    struct store_indicator *out)
{
	if (sc == NULL)
		return RP_ERR_ARG;
	struct drv_arg a[] = {A_INT(id), A_SCOPE_ALL(sc), A_SCOPE_ID(sc)};
	return ind_one(s, &q_get, a, NARGS(a), out);
}

/* Whether in's fields are within the model (tags are checked apart). */
static int
ind_check(const struct store_indicator *in)
{
	size_t max, n;

	if (!sq_in_set(in->type, ind_types) || in->value == NULL ||
	    in->created_by == NULL)
		return RP_ERR_ARG;
	max = strcmp(in->type, "yara") == 0 ? STORE_IND_YARA_MAX
					    : STORE_IND_VALUE_MAX;
	n = strnlen(in->value, max + 1);
	if (n == 0 || n > max)
		return RP_ERR_ARG;
	if (strcmp(in->type, "yara") != 0 && !printable(in->value, n))
		return RP_ERR_ARG;
	if (in->confidence < -1 || in->confidence > 100 || in->size < 0 ||
	    in->expires < 0 || in->first_seen < 0 || in->last_seen < 0 ||
	    in->tenant_id < 0)
		return RP_ERR_ARG;
	if ((in->tlp != NULL && !sq_tlp_ok(in->tlp)) ||
	    (in->mode != NULL && !sq_mode_ok(in->mode)))
		return RP_ERR_ARG;
	if (in->comment != NULL &&
	    strnlen(in->comment, STORE_IND_COMMENT_MAX + 1) >
		STORE_IND_COMMENT_MAX)
		return RP_ERR_ARG;
	return 0;
}

/* The defaults source id gives an indicator of scope; RP_ERR_NOTFOUND
 * when it is no source of that scope or MSP-wide. */
static int
source_defaults(struct store *s, int64_t id, int64_t scope, int *conf,
    char *tlp, size_t tlplen)
{
	struct drv_cur c;
	int64_t sscope;
	int r;

	*conf = STORE_IND_CONFIDENCE;
	snprintf(tlp, tlplen, "%s", STORE_TLP_DEFAULT);
	if (id == 0)
		return 0;
	struct drv_arg a[] = {A_INT(id)};
	if ((r = sq_row(s, &q_source, a, NARGS(a), &c)) != 0)
		return r;
	sscope = sq_int(&c, 0);
	*conf = (int)sq_int(&c, 1);
	snprintf(tlp, tlplen, "%s", s->ops->col_text(&c, 2));
	sq_done(&c);
	if (sscope != 0 && sscope != scope)
		return RP_ERR_NOTFOUND;
	return 0;
}

/* The existing row of in merged with in: *changed says whether it
 * differs from what is stored. */

int
sq_ind_merged(const struct ind_old *o, const struct store_indicator *in,
    int conf, int64_t fs, int64_t ls, struct ind_old *m, int *changed)
{
	int r;

	m->id = o->id;
	m->confidence = o->confidence > conf ? o->confidence : conf;
	m->first_seen = o->first_seen < fs ? o->first_seen : fs;
	m->last_seen = o->last_seen > ls ? o->last_seen : ls;
	m->expires = (o->expires == 0 || in->expires == 0)
	    ? 0
	    : (o->expires > in->expires ? o->expires : in->expires);
	m->size = o->size != 0 ? o->size : in->size;
	m->tags = NULL;
	if ((r = tags_norm(o->tags, in->tags, &m->tags)) != 0)
		return r;
	*changed = m->confidence != o->confidence ||
	    m->first_seen != o->first_seen || m->last_seen != o->last_seen ||
	    m->expires != o->expires || m->size != o->size ||
	    strcmp(m->tags, o->tags) != 0;
	return 0;
}

int
sq_ind_tags(const char *tags, char **out)
{
	return tags_norm(tags, NULL, out);
}

static int
ind_merge(struct store *s, const struct ind_old *o,
    const struct store_indicator *in, int conf, int64_t fs, int64_t ls,
    int64_t now, int *changed)
{
	struct ind_old m;
	int r;

	if ((r = sq_ind_merged(o, in, conf, fs, ls, &m, changed)) != 0)
		return r;
	if (*changed) {
		struct drv_arg a[] = {A_INT(m.confidence), A_INT(m.first_seen),
		    A_INT(m.last_seen), A_ID(m.expires), A_TEXT(m.tags),
		    A_INT(m.size), A_INT(now), A_INT(o->id)};
		r = sq_exec(s, &q_merge, a, NARGS(a), NULL);
	}
	free(m.tags);
	return r;
}

/* The row of (scope, type, value) into *o (RP_ERR_NOTFOUND: none). */
static int
ind_find(struct store *s, int64_t scope, const struct store_indicator *in,
    struct ind_old *o)
{
	struct drv_cur c;
	int r;

	struct drv_arg a[] = {
	    A_INT(scope), A_TEXT(in->type), A_TEXT(in->value)};
	if ((r = sq_row(s, &q_find, a, NARGS(a), &c)) != 0)
		return r;
	o->id = sq_int(&c, 0);
	o->confidence = sq_int(&c, 1);
	o->first_seen = sq_int(&c, 2);
	o->last_seen = sq_int(&c, 3);
	o->expires = sq_int(&c, 4);
	o->size = sq_int(&c, 6);
	r = sq_dup(&c, 5, &o->tags);
	sq_done(&c);
	return r;
}

static int
ind_insert(struct store *s, const struct store_indicator *in, int conf,
    const char *tlp, int64_t fs, int64_t ls, int64_t now, int64_t *id)
{
	char *tags = NULL;
	int r;

	if ((r = tags_norm(in->tags, NULL, &tags)) != 0)
		return r;
	struct drv_arg a[] = {A_ID(in->tenant_id), A_INT(in->tenant_id),
	    A_TEXT(in->type), A_TEXT(in->value), A_INT(in->size),
	    A_ID(in->source_id), A_INT(conf), A_INT(fs), A_INT(ls),
	    A_ID(in->expires), A_TEXT(tags), A_TEXT(tlp),
	    in->mode != NULL ? A_TEXT(in->mode) : A_NULL,
	    A_TEXT(in->comment != NULL ? in->comment : ""), A_INT(now),
	    A_INT(now), A_TEXT(in->created_by)};
	r = sq_int1(s, &q_insert, a, NARGS(a), id);
	free(tags);
	return r;
}

/* Stores one value of in (valid; the caller holds the scope's turn):
 * conf and tlp are the source's defaults.  *changed says whether a row
 * changed. */
int
sq_ind_put_locked(struct store *s, const struct store_indicator *in, int conf,
    const char *tlp, int64_t now, int64_t *id, enum store_put_outcome *what,
    int *changed)
{
	int64_t fs = in->first_seen != 0 ? in->first_seen : now;
	int64_t ls = in->last_seen != 0 ? in->last_seen : now;
	struct ind_old o = {0};
	int merge, r;

	*changed = 0;
	if (in->confidence >= 0)
		conf = in->confidence;
	r = ind_find(s, in->tenant_id, in, &o);
	merge = r == 0;
	if (r == RP_ERR_NOTFOUND) {
		r = ind_insert(s, in, conf, in->tlp != NULL ? in->tlp : tlp, fs,
		    ls, now, id);
		*what = STORE_PUT_NEW;
		*changed = r == 0;
		/* no row inserted: another writer stored the value since
		 * (concurrent imports on PostgreSQL), so merge into it */
		if (r == RP_ERR_NOTFOUND)
			merge = (r = ind_find(s, in->tenant_id, in, &o)) == 0;
	}
	if (merge) {
		*id = o.id;
		r = ind_merge(s, &o, in, conf, fs, ls, now, changed);
		*what = *changed ? STORE_PUT_UPDATED : STORE_PUT_UNCHANGED;
	}
	free(o.tags);
	return r;
}

/* The start of a put: sc may write tenant's rows, the scope's turn,
 * the defaults of source. */
static int
put_begin(struct store *s, const struct store_scope *sc, int64_t tenant,
    int64_t source, int *conf, char tlp[16])
{
	int r;

	if ((r = sq_writable(s, sc, tenant)) != 0 ||
	    (r = sq_ind_lock(s, tenant)) != 0)
		return r;
	return source_defaults(s, source, tenant, conf, tlp, 16);
}

int
store_indicator_put(struct store *s, const struct store_scope *sc,
    const struct store_indicator *in, int64_t now, int64_t *id,
    enum store_put_outcome *outcome)
{
	enum store_put_outcome what = STORE_PUT_UNCHANGED;
	int64_t rid = 0;
	char tlp[16];
	struct sq_tx tx;
	int conf, changed = 0, r;

	if (in == NULL || ind_check(in) != 0)
		return RP_ERR_ARG;
	if ((r = sq_tx_enter(s, &tx)) != 0)
		return r;
	if ((r = put_begin(s, sc, in->tenant_id, in->source_id, &conf, tlp)) ==
		0 &&
	    (r = sq_ind_put_locked(
		 s, in, conf, tlp, now, &rid, &what, &changed)) == 0 &&
	    changed)
		r = sq_ind_bump(s, in->tenant_id, now);
	if ((r = sq_tx_leave(s, &tx, r)) != 0)
		return r;
	*id = rid;
	*outcome = what;
	return 0;
}

int
store_indicator_put_many(struct store *s, const struct store_scope *sc,
    const struct store_indicator *in, size_t n, int64_t now, int64_t *ids,
    enum store_put_outcome *outcomes, int *rcs)
{
	char tlp[16];
	struct sq_tx tx;
	size_t i;
	int conf, changed, any = 0, r;

	if (n == 0)
		return 0;
	if (in == NULL || ids == NULL || outcomes == NULL || rcs == NULL)
		return RP_ERR_ARG;
	for (i = 0; i < n; i++)
		if (in[i].tenant_id != in[0].tenant_id ||
		    in[i].source_id != in[0].source_id)
			return RP_ERR_ARG;
	if ((r = sq_tx_enter(s, &tx)) != 0)
		return r;
	r = put_begin(s, sc, in[0].tenant_id, in[0].source_id, &conf, tlp);
	for (i = 0; i < n; i++) {
		ids[i] = 0;
		outcomes[i] = STORE_PUT_UNCHANGED;
		rcs[i] = ind_check(&in[i]);
	}
	/* SQLite runs in this process: a statement per value costs no
	 * round trip, and its planner walks json_each joins poorly */
	if (r == 0 && store_driver(s) == STORE_PG)
		r = sq_ind_put_batch(
		    s, in, n, conf, tlp, now, ids, outcomes, rcs, &any);
	for (i = 0; r == 0 && store_driver(s) != STORE_PG && i < n; i++) {
		if (rcs[i] != 0)
			continue;
		/* a bad tag is found before anything is written */
		r = sq_ind_put_locked(
		    s, &in[i], conf, tlp, now, &ids[i], &outcomes[i], &changed);
		if (r == RP_ERR_ARG) {
			rcs[i] = r;
			r = 0;
		}
		any |= r == 0 && changed;
	}
	if (r == 0 && any)
		r = sq_ind_bump(s, in[0].tenant_id, now);
	return sq_tx_leave(s, &tx, r);
}

/* Applies e to the copy *i of a row (strings of e borrowed). */
static int
edit_apply(const struct store_indicator_edit *e, struct store_indicator *i,
    const char **mode, const char **tlp, char **tags, const char **comment)
{
	*mode = i->mode;
	*tlp = i->tlp;
	*comment = i->comment;
	*tags = NULL;
	if (e->set & STORE_IND_SET_MODE) {
		if (e->mode != NULL && !sq_mode_ok(e->mode))
			return RP_ERR_ARG;
		*mode = e->mode;
	}
	if (e->set & STORE_IND_SET_CONFIDENCE) {
		if (e->confidence < 0 || e->confidence > 100)
			return RP_ERR_ARG;
		i->confidence = e->confidence;
	}
	if (e->set & STORE_IND_SET_EXPIRES) {
		if (e->expires < 0)
			return RP_ERR_ARG;
		i->expires = e->expires;
	}
	if (e->set & STORE_IND_SET_TLP) {
		if (!sq_tlp_ok(e->tlp))
			return RP_ERR_ARG;
		*tlp = e->tlp;
	}
	if (e->set & STORE_IND_SET_COMMENT) {
		if (e->comment == NULL ||
		    strnlen(e->comment, STORE_IND_COMMENT_MAX + 1) >
			STORE_IND_COMMENT_MAX)
			return RP_ERR_ARG;
		*comment = e->comment;
	}
	return tags_norm(
	    (e->set & STORE_IND_SET_TAGS) ? e->tags : i->tags, NULL, tags);
}

static int
str_differs(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return a != b;
	return strcmp(a, b) != 0;
}

int
store_indicator_edit(struct store *s, const struct store_scope *sc, int64_t id,
    const struct store_indicator_edit *e, int64_t now, int *changed)
{
	struct store_indicator i = {0};
	const char *mode, *tlp, *comment;
	char *tags = NULL;
	int64_t conf0, exp0;
	struct sq_tx tx;
	int ch = 0, r;

	if (sc == NULL || e == NULL)
		return RP_ERR_ARG;
	if ((r = sq_tx_enter(s, &tx)) != 0)
		return r;
	struct drv_arg a[] = {A_INT(id), A_SCOPE_ALL(sc), A_SCOPE_ID(sc)};
	if ((r = lock_scope_of(s, id)) != 0 ||
	    (r = ind_one(s, &q_get_w, a, NARGS(a), &i)) != 0)
		goto out;
	conf0 = i.confidence;
	exp0 = i.expires;
	if ((r = edit_apply(e, &i, &mode, &tlp, &tags, &comment)) != 0)
		goto out;
	ch = conf0 != i.confidence || exp0 != i.expires ||
	    str_differs(mode, i.mode) || strcmp(tlp, i.tlp) != 0 ||
	    strcmp(tags, i.tags) != 0 || strcmp(comment, i.comment) != 0;
	if (!ch)
		goto out;
	struct drv_arg b[] = {mode != NULL ? A_TEXT(mode) : A_NULL,
	    A_INT(i.confidence), A_ID(i.expires), A_TEXT(tlp), A_TEXT(tags),
	    A_TEXT(comment), A_INT(now), A_INT(id)};
	if ((r = sq_exec(s, &q_edit, b, NARGS(b), NULL)) != 0)
		goto out;
	r = sq_ind_bump(s, i.tenant_id, now);
out:
	free(tags);
	store_indicator_clear(&i);
	if ((r = sq_tx_leave(s, &tx, r)) != 0)
		return r;
	if (changed != NULL)
		*changed = ch;
	return 0;
}

int
store_indicator_delete(
    struct store *s, const struct store_scope *sc, int64_t id, int64_t now)
{
	struct sq_tx tx;
	int64_t scope = 0;
	int r;

	if (sc == NULL)
		return RP_ERR_ARG;
	if ((r = sq_tx_enter(s, &tx)) != 0)
		return r;
	struct drv_arg a[] = {A_INT(id), A_SCOPE_ALL(sc), A_SCOPE_ID(sc)};
	if ((r = lock_scope_of(s, id)) == 0 &&
	    (r = sq_int1(s, &q_delete, a, NARGS(a), &scope)) == 0)
		r = sq_ind_bump(s, scope, now);
	return sq_tx_leave(s, &tx, r);
}

/* The filter's arguments (after the cursor) into a[0..21); the patterns
 * are the caller's to free. */
static int
filter_args(const struct store_scope *sc,
    const struct store_indicator_filter *f, struct drv_arg *a, char **qpat,
    char **tagpat)
{
	static const struct store_indicator_filter none = {0};
	char *low = NULL;
	size_t n;
	int r, k = 0;

	*qpat = *tagpat = NULL;
	if (sc == NULL)
		return RP_ERR_ARG;
	if (f == NULL)
		f = &none;
	if ((r = sq_lower_dup(f->q, &low)) != 0)
		return r;
	if (low != NULL) {
		n = strlen(low);
		if ((*qpat = malloc(2 * n + 3)) == NULL) {
			free(low);
			return RP_ERR_NOMEM;
		}
		size_t i, o = 0;
		(*qpat)[o++] = '%';
		for (i = 0; i < n; i++) {
			if (low[i] == '%' || low[i] == '_' || low[i] == '!')
				(*qpat)[o++] = '!';
			(*qpat)[o++] = low[i];
		}
		(*qpat)[o++] = '%';
		(*qpat)[o] = '\0';
		free(low);
	}
	if (f->tag != NULL && f->tag[0] != '\0') {
		n = strnlen(f->tag, STORE_TAG_MAX + 1);
		if (n > STORE_TAG_MAX || (*tagpat = malloc(n + 3)) == NULL)
			return n > STORE_TAG_MAX ? RP_ERR_ARG : RP_ERR_NOMEM;
		(*tagpat)[0] = ',';
		memcpy(*tagpat + 1, f->tag, n);
		(*tagpat)[n + 1] = ',';
		(*tagpat)[n + 2] = '\0';
	}
	const char *type = f->type != NULL ? f->type : "";
	const char *mode = f->mode != NULL ? f->mode : "";
	const char *sname = f->source != NULL ? f->source : "";
	const char *qp = *qpat != NULL ? *qpat : "";
	const char *tp = *tagpat != NULL ? *tagpat : "";
	int ex = (int)f->expired;
	a[k++] = A_SCOPE_ALL(sc);
	a[k++] = A_SCOPE_ID(sc);
	a[k++] = A_INT(f->tenant);
	a[k++] = A_INT(f->tenant);
	a[k++] = A_INT(f->own_only ? 1 : 0);
	a[k++] = A_INT(f->msp_only ? 1 : 0);
	a[k++] = A_TEXT(type);
	a[k++] = A_TEXT(type);
	a[k++] = A_TEXT(qp);
	a[k++] = A_TEXT(qp);
	a[k++] = A_INT(f->source_id);
	a[k++] = A_INT(f->source_id);
	a[k++] = A_TEXT(tp);
	a[k++] = A_TEXT(tp);
	a[k++] = A_TEXT(mode);
	a[k++] = A_TEXT(mode);
	a[k++] = A_TEXT(sname);
	a[k++] = A_TEXT(sname);
	a[k++] = A_INT(ex);
	a[k++] = A_INT(f->now);
	a[k++] = A_INT(f->now);
	return 0;
}
#define FILTER_NARGS 21

int
store_indicator_list(struct store *s, const struct store_scope *sc,
    const struct store_indicator_filter *f, const struct store_page *pg,
    struct store_indicator **v, size_t *n, int *more)
{
	struct drv_arg a[FILTER_NARGS + 2];
	char *qpat, *tagpat;
	void *rows = NULL;
	int r;

	*v = NULL;
	*n = 0;
	*more = 0;
	if ((r = filter_args(sc, f, a + 1, &qpat, &tagpat)) == 0)
		r = sq_list(
		    s, &q_list, a, NARGS(a), pg, &ind_rows, &rows, n, more);
	free(qpat);
	free(tagpat);
	if (r != 0)
		return r;
	*v = rows;
	return 0;
}

int
store_indicator_total(struct store *s, const struct store_scope *sc,
    const struct store_indicator_filter *f, int64_t *total)
{
	struct drv_arg a[FILTER_NARGS];
	char *qpat, *tagpat;
	int64_t t = 0;
	int r;

	if ((r = filter_args(sc, f, a, &qpat, &tagpat)) == 0)
		r = sq_int1(s, &q_total, a, NARGS(a), &t);
	free(qpat);
	free(tagpat);
	if (r != 0)
		return r;
	*total = t;
	return 0;
}

/* The walk's state: the previous row's type and value, to hand a value
 * the tenant and MSP-wide both hold over once. */
struct feed_prev {
	char *type, *value;
};

static int
feed_same(struct feed_prev *p, const char *type, const char *value)
{
	return p->type != NULL && strcmp(p->type, type) == 0 &&
	    strcmp(p->value, value) == 0;
}

static int
feed_keep(struct feed_prev *p, const char *type, const char *value)
{
	char *t = strdup(type), *v = strdup(value);

	if (t == NULL || v == NULL) {
		free(t);
		free(v);
		return RP_ERR_NOMEM;
	}
	free(p->type);
	free(p->value);
	p->type = t;
	p->value = v;
	return 0;
}

int
store_indicator_each_active(struct store *s, int64_t tenant, int64_t now,
    int (*fn)(const struct store_feed_indicator *ind, void *arg), void *arg)
{
	struct store_feed_indicator f;
	struct feed_prev prev = {0};
	struct drv_cur c;
	int r;

	if (fn == NULL || tenant < 0)
		return RP_ERR_ARG;
	struct drv_arg a[] = {A_INT(tenant), A_INT(now)};
	if ((r = sq_query(s, &q_feed, a, NARGS(a), &c)) != 0)
		return r;
	while ((r = sq_step(&c)) == 1) {
		memset(&f, 0, sizeof(f));
		f.type = s->ops->col_text(&c, 2);
		f.value = s->ops->col_text(&c, 3);
		if (feed_same(&prev, f.type, f.value))
			continue;
		if ((r = feed_keep(&prev, f.type, f.value)) != 0)
			break;
		f.id = sq_int(&c, 0);
		f.tenant_id = sq_int(&c, 1);
		f.size = sq_int(&c, 4);
		f.confidence = (int)sq_int(&c, 5);
		f.first_seen = sq_int(&c, 6);
		f.last_seen = sq_int(&c, 7);
		f.expires = sq_int(&c, 8);
		f.sightings = sq_int(&c, 9);
		f.tlp = s->ops->col_text(&c, 10);
		f.tags = s->ops->col_text(&c, 11);
		f.source = s->ops->col_text(&c, 12);
		f.comment = s->ops->col_text(&c, 13);
		if ((r = fn(&f, arg)) != 0)
			break;
	}
	sq_done(&c);
	free(prev.type);
	free(prev.value);
	return r;
}

int
store_indicator_version(
    struct store *s, int64_t tenant, int64_t *max_updated, int64_t *count)
{
	struct drv_cur c;
	int r;

	if (tenant < 0)
		return RP_ERR_ARG;
	struct drv_arg a[] = {A_INT(tenant)};
	if ((r = sq_row(s, &q_version, a, NARGS(a), &c)) != 0)
		return r;
	*max_updated = sq_int(&c, 0);
	*count = sq_int(&c, 1);
	sq_done(&c);
	return 0;
}

int
store_indicator_expiry(struct store *s, int64_t tenant, int64_t now,
    int64_t *last_passed, int64_t *next)
{
	struct drv_cur c;
	int r;

	if (tenant < 0)
		return RP_ERR_ARG;
	struct drv_arg a[] = {A_INT(now), A_INT(now), A_INT(tenant)};
	if ((r = sq_row(s, &q_expiry, a, NARGS(a), &c)) != 0)
		return r;
	*last_passed = sq_int(&c, 0);
	*next = sq_int(&c, 1);
	sq_done(&c);
	return 0;
}
