/*
 * Many indicators stored at once (store_indicator_put_many, on
 * PostgreSQL; SQLite runs in-process and keeps the per-value way): the lookup
 * of the values, the insert of the new ones and the merge into the
 * known ones are one statement each for the whole batch, the batch
 * passed as one JSON array parameter.  A large import otherwise spends
 * its time in a round trip per value and statement (PostgreSQL), long
 * enough for 200 000 values to outlast a connection's timeout.  A value
 * given twice in one batch, and any the insert did not take, go the
 * one-by-one way after the batch, so they merge exactly as before.
 */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "store.h"
#include "store_int.h"
#include "util/err.h"

/* x.value ->> K (SQLite) and CAST(x.e ->> K AS T) (PostgreSQL). */
#define LJ(k) "x.value ->> " #k
#define PJ(k, t) "CAST(x.e ->> " #k " AS " t ")"
#define LITE_EACH " FROM json_each(?) AS x"
#define PG_EACH " FROM json_array_elements(CAST(? AS json)) AS x(e)"

/* [type, value, index] -> the known rows and their index.  Planned for
 * each batch: a plan cached while the table was small scans it whole
 * for every batch after, quadratic over a large import. */
#define FIND_COLS                                                              \
	"SELECT i.id, i.confidence, i.first_seen, i.last_seen, i.expires, "    \
	"i.tags, i.size, "
#define FIND_LITE                                                              \
	FIND_COLS LJ(2) LITE_EACH                                              \
	    " JOIN indicators i ON i.scope = ? AND i.type = " LJ(              \
		0) " AND i.value = " LJ(1)
#define FIND_PG                                                                \
	FIND_COLS PJ(2, "BIGINT") PG_EACH                                      \
	    " JOIN indicators i ON i.scope = ? AND i.type = x.e ->> 0"         \
	    " AND i.value = x.e ->> 1 FOR UPDATE OF i"
static struct drv_sql q_find_many = DRV_SQL2_REPLAN(FIND_LITE, FIND_PG);

/* [type, value, size, confidence, first_seen, last_seen, expires, tags,
 * tlp, mode, comment] -> the new rows. */
#define INS_HEAD                                                               \
	"INSERT INTO indicators (tenant_id, scope, type, value, size, "        \
	"source_id, confidence, first_seen, last_seen, expires, tags, tlp, "   \
	"mode, comment, created_at, updated_at, created_by) SELECT ?, ?, "
#define INS_TAIL                                                               \
	" ON CONFLICT (scope, type, value) DO NOTHING RETURNING id, type, "    \
	"value"
#define INS_LITE                                                                     \
	INS_HEAD LJ(0) ", " LJ(1) ", " LJ(2) ", ?, " LJ(3) ", " LJ(4) ", " LJ(       \
	    5) ", " LJ(6) ", " LJ(7) ", " LJ(8) ", " LJ(9) ", " LJ(10) ", ?, "       \
								       "?, "         \
								       "?" LITE_EACH \
								       " WHER"       \
								       "E "          \
								       "1" INS_TAIL
#define INS_PG                                                                 \
	INS_HEAD "x.e ->> 0, x.e ->> 1, " PJ(2, "BIGINT") ", ?, " PJ(          \
	    3, "BIGINT") ", " PJ(4, "BIGINT") ", " PJ(5, "BIGINT") ", " PJ(6,  \
	    "BIGINT") ", x.e ->> 7, x.e ->> 8, x.e ->> 9, x.e ->> 10, "        \
		      "?, ?, ?" PG_EACH INS_TAIL
static struct drv_sql q_insert_many = DRV_SQL2(INS_LITE, INS_PG);

/* [id, confidence, first_seen, last_seen, expires, tags, size]. */
#define MERGE_LITE                                                                               \
	"UPDATE indicators SET confidence = " LJ(1) ", first_seen = " LJ(2) ", last_seen = " LJ( \
	    3) ", expires = " LJ(4) ", tags = " LJ(5) ", size = " LJ(6) ", "                     \
									"upda"                   \
									"ted_"                   \
									"at "                    \
									"= "                     \
									"?" LITE_EACH            \
									" WHE"                   \
									"RE "                    \
									"indi"                   \
									"cato"                   \
									"rs."                    \
									"id "                    \
									"="                      \
									" " LJ(                  \
									    0)
#define MERGE_PG                                                               \
	"UPDATE indicators SET confidence = " PJ(                              \
	    1, "BIGINT") ", first_seen = " PJ(2,                               \
	    "BIGINT") ", last_seen = " PJ(3, "BIGINT") ", expires = " PJ(4,    \
	    "BIGINT") ", tags = x.e ->> 5, size = " PJ(6,                      \
	    "BIGINT") ", updated_at = ?" PG_EACH                               \
		      " WHERE indicators.id = " PJ(0, "BIGINT")
static struct drv_sql q_merge_many = DRV_SQL2_REPLAN(MERGE_LITE, MERGE_PG);

/* A value and its index (the comparison needs no global: rampartd's
 * threads store at the same time). */
struct ord {
	const struct store_indicator *in;
	size_t i;
};

struct batch {
	const struct store_indicator *in;
	size_t n;
	struct ord *ord; /* the valid values by (type, value, index) */
	size_t nord;
	unsigned char *later; /* a value given before in the batch */
	unsigned char *known, *done;
	struct ind_old *old;
	json_t *find, *ins, *merge;
};

static int
cmp_tv(const struct store_indicator *a, const struct store_indicator *b)
{
	int c = strcmp(a->type, b->type);

	return c != 0 ? c : strcmp(a->value, b->value);
}

static int
cmp_ord(const void *x, const void *y)
{
	const struct ord *a = x, *b = y;
	int c = cmp_tv(a->in, b->in);

	return c != 0 ? c : (a->i > b->i) - (a->i < b->i);
}

/* The index of (type, value) among the first occurrences, or n. */
static size_t
find_tv(const struct batch *b, const char *type, const char *value)
{
	struct store_indicator key = {
	    .type = (char *)type, .value = (char *)value};
	size_t lo = 0, hi = b->nord, mid;
	int c;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		c = cmp_tv(b->ord[mid].in, &key);
		if (c == 0) {
			/* the first of equal ones is the first given */
			while (mid > 0 && cmp_tv(b->ord[mid - 1].in, &key) == 0)
				mid--;
			return b->ord[mid].i;
		}
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return b->n;
}

/* Runs q with arr as its argument ja (rows: c open on success). */
static int
run_json(struct store *s, struct drv_sql *q, struct drv_arg *a, size_t na,
    size_t ja, json_t *arr, struct drv_cur *c, int rows)
{
	char *text = json_dumps(arr, JSON_COMPACT);
	int r;

	if (text == NULL)
		return RP_ERR_NOMEM;
	a[ja] = A_TEXT(text);
	r = rows ? sq_query(s, q, a, na, c) : sq_exec(s, q, a, na, NULL);
	free(text);
	return r;
}

/* The rows of the batch's values that exist. */
static int
batch_find(struct store *s, struct batch *b, int64_t scope)
{
	struct drv_cur c;
	int64_t k;
	int r;

	struct drv_arg a[] = {A_NULL, A_INT(scope)};
	if ((r = run_json(s, &q_find_many, a, NARGS(a), 0, b->find, &c, 1)) !=
	    0)
		return r;
	while ((r = sq_step(&c)) == 1) {
		k = sq_int(&c, 7);
		if (k < 0 || (size_t)k >= b->n || b->known[k])
			continue;
		b->old[k].id = sq_int(&c, 0);
		b->old[k].confidence = sq_int(&c, 1);
		b->old[k].first_seen = sq_int(&c, 2);
		b->old[k].last_seen = sq_int(&c, 3);
		b->old[k].expires = sq_int(&c, 4);
		b->old[k].size = sq_int(&c, 6);
		if ((r = sq_dup(&c, 5, &b->old[k].tags)) != 0)
			break;
		b->known[k] = 1;
	}
	sq_done(&c);
	return r < 0 ? r : 0;
}

/* Adds [v...] to arr; RP_ERR_NOMEM. */
static int
push(json_t *arr, json_t *v)
{
	return v != NULL && json_array_append_new(arr, v) == 0 ? 0
							       : RP_ERR_NOMEM;
}

static json_t *
int_or_null(int64_t v)
{
	return v != 0 ? json_integer((json_int_t)v) : json_null();
}

/* A known value: its merged row into b->merge when it changes. */
static int
plan_merge(struct batch *b, size_t i, int conf, int64_t now, int64_t *ids,
    enum store_put_outcome *outcomes, int *rcs, int *any)
{
	const struct store_indicator *in = &b->in[i];
	int64_t fs = in->first_seen != 0 ? in->first_seen : now;
	int64_t ls = in->last_seen != 0 ? in->last_seen : now;
	struct ind_old m;
	int changed = 0, r;

	r = sq_ind_merged(&b->old[i], in,
	    in->confidence >= 0 ? in->confidence : conf, fs, ls, &m, &changed);
	if (r == RP_ERR_ARG) {
		rcs[i] = r;
		return 0;
	}
	if (r != 0)
		return r;
	ids[i] = m.id;
	outcomes[i] = changed ? STORE_PUT_UPDATED : STORE_PUT_UNCHANGED;
	*any |= changed;
	if (changed)
		r = push(b->merge,
		    json_pack("[I,I,I,I,o,s,I]", (json_int_t)m.id,
			(json_int_t)m.confidence, (json_int_t)m.first_seen,
			(json_int_t)m.last_seen, int_or_null(m.expires), m.tags,
			(json_int_t)m.size));
	free(m.tags);
	b->done[i] = 1;
	return r;
}

/* A new value: its row into b->ins. */
static int
plan_insert(
    struct batch *b, size_t i, int conf, const char *tlp, int64_t now, int *rcs)
{
	const struct store_indicator *in = &b->in[i];
	char *tags = NULL;
	int r;

	if ((r = sq_ind_tags(in->tags, &tags)) == RP_ERR_ARG) {
		rcs[i] = r;
		b->done[i] = 1;
		return 0;
	}
	if (r != 0)
		return r;
	r = push(b->ins,
	    json_pack("[s,s,I,I,I,I,o,s,s,s?,s]", in->type, in->value,
		(json_int_t)in->size,
		(json_int_t)(in->confidence >= 0 ? in->confidence : conf),
		(json_int_t)(in->first_seen != 0 ? in->first_seen : now),
		(json_int_t)(in->last_seen != 0 ? in->last_seen : now),
		int_or_null(in->expires), tags, in->tlp != NULL ? in->tlp : tlp,
		in->mode, in->comment != NULL ? in->comment : ""));
	free(tags);
	return r;
}

/* Runs the insert; what it took is done and new. */
static int
batch_insert(struct store *s, struct batch *b, int64_t now, int64_t *ids,
    enum store_put_outcome *outcomes, int *any)
{
	const struct store_indicator *in0 = &b->in[0];
	struct drv_cur c;
	size_t k;
	int r;

	if (json_array_size(b->ins) == 0)
		return 0;
	struct drv_arg a[] = {A_ID(in0->tenant_id), A_INT(in0->tenant_id),
	    A_ID(in0->source_id), A_INT(now), A_INT(now),
	    A_TEXT(in0->created_by), A_NULL};
	if ((r = run_json(s, &q_insert_many, a, NARGS(a), NARGS(a) - 1, b->ins,
		 &c, 1)) != 0)
		return r;
	while ((r = sq_step(&c)) == 1) {
		k = find_tv(
		    b, s->ops->col_text(&c, 1), s->ops->col_text(&c, 2));
		if (k >= b->n || b->done[k])
			continue;
		ids[k] = sq_int(&c, 0);
		outcomes[k] = STORE_PUT_NEW;
		b->done[k] = 1;
		*any = 1;
	}
	sq_done(&c);
	return r < 0 ? r : 0;
}

static int
batch_merge(struct store *s, struct batch *b, int64_t now)
{
	if (json_array_size(b->merge) == 0)
		return 0;
	struct drv_arg a[] = {A_INT(now), A_NULL};
	return run_json(s, &q_merge_many, a, NARGS(a), 1, b->merge, NULL, 0);
}

/* Sorts the valid values, marks repeats, and asks for the known rows. */
static int
batch_prepare(struct store *s, struct batch *b, const int *rcs)
{
	size_t i, k;
	int r;

	for (i = 0; i < b->n; i++)
		if (rcs[i] == 0) {
			b->ord[b->nord].in = &b->in[i];
			b->ord[b->nord++].i = i;
		}
	qsort(b->ord, b->nord, sizeof(*b->ord), cmp_ord);
	for (k = 0; k < b->nord; k++) {
		i = b->ord[k].i;
		if (k > 0 && cmp_tv(b->ord[k - 1].in, &b->in[i]) == 0) {
			b->later[i] = 1;
			continue;
		}
		if ((r = push(b->find,
			 json_pack("[s,s,I]", b->in[i].type, b->in[i].value,
			     (json_int_t)i))) != 0)
			return r;
	}
	if (json_array_size(b->find) == 0)
		return 0;
	return batch_find(s, b, b->in[0].tenant_id);
}

static void
batch_free(struct batch *b)
{
	size_t i;

	if (b->old != NULL)
		for (i = 0; i < b->n; i++)
			free(b->old[i].tags);
	free(b->ord);
	free(b->later);
	free(b->known);
	free(b->done);
	free(b->old);
	json_decref(b->find);
	json_decref(b->ins);
	json_decref(b->merge);
}

static int
batch_plan(struct batch *b, int conf, const char *tlp, int64_t now,
    int64_t *ids, enum store_put_outcome *outcomes, int *rcs, int *any)
{
	size_t i;
	int r = 0;

	for (i = 0; r == 0 && i < b->n; i++) {
		if (rcs[i] != 0 || b->later[i])
			continue;
		r = b->known[i]
		    ? plan_merge(b, i, conf, now, ids, outcomes, rcs, any)
		    : plan_insert(b, i, conf, tlp, now, rcs);
	}
	return r;
}

int
sq_ind_put_batch(struct store *s, const struct store_indicator *in, size_t n,
    int conf, const char *tlp, int64_t now, int64_t *ids,
    enum store_put_outcome *outcomes, int *rcs, int *any)
{
	struct batch b;
	size_t i;
	int changed, r;

	memset(&b, 0, sizeof(b));
	b.in = in;
	b.n = n;
	if ((b.ord = calloc(n, sizeof(*b.ord))) == NULL ||
	    (b.later = calloc(n, 1)) == NULL ||
	    (b.known = calloc(n, 1)) == NULL ||
	    (b.done = calloc(n, 1)) == NULL ||
	    (b.old = calloc(n, sizeof(*b.old))) == NULL ||
	    (b.find = json_array()) == NULL || (b.ins = json_array()) == NULL ||
	    (b.merge = json_array()) == NULL) {
		r = RP_ERR_NOMEM;
		goto out;
	}
	if ((r = batch_prepare(s, &b, rcs)) != 0 ||
	    (r = batch_plan(&b, conf, tlp, now, ids, outcomes, rcs, any)) !=
		0 ||
	    (r = batch_merge(s, &b, now)) != 0 ||
	    (r = batch_insert(s, &b, now, ids, outcomes, any)) != 0)
		goto out;
	/* repeats, and what the insert did not take, one by one */
	for (i = 0; r == 0 && i < n; i++) {
		if (rcs[i] != 0 || b.done[i])
			continue;
		r = sq_ind_put_locked(
		    s, &in[i], conf, tlp, now, &ids[i], &outcomes[i], &changed);
		if (r == RP_ERR_ARG) {
			rcs[i] = r;
			r = 0;
		}
		*any |= r == 0 && changed;
	}
out:
	batch_free(&b);
	return r;
}
