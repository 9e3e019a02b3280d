/*
 * The audit log's routes (msp-admin).  The list goes out with the exact
 * text each hash covers, so a client verifies the chain itself (rampart
 * audit verify) from the unfiltered pages; filters and the newest-first
 * order are for people reading it.  The verify route is the server's own
 * walk of the whole chain, for a page that shows whether it is intact.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "api_int.h"
#include "util/err.h"
#include "util/rfc3339.h"
#include "util/str.h"

/* Longest actor, tenant, outcome or action a filter may name. */
#define FILTER_MAX 200

static const char *const outcomes[] = {
    "ok", "failed", "denied", "refused", NULL};

/* ?name as it stands in an error's field. */
static const char *
qfield(char *buf, size_t len, const char *name)
{
	snprintf(buf, len, "?%s", name);
	return buf;
}

/* A text query argument: 1 when absent, 0 with *out when it has 1 to
 * FILTER_MAX bytes and no control character, else answered (-1). */
static int
query_text(struct api_ctx *c, const char *name, const char **out)
{
	const char *s = c->rq->arg(c->rq->arg_cls, name);
	char f[24];
	size_t i;

	if (s == NULL)
		return 1;
	for (i = 0; s[i] != '\0' && i <= FILTER_MAX; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			break;
	if (i == 0 || i > FILTER_MAX || s[i] != '\0')
		return api_fail(c, 400, "invalid_query",
		    qfield(f, sizeof(f), name),
		    "?%s: expected 1 to %d bytes without control characters",
		    name, FILTER_MAX);
	*out = s;
	return 0;
}

/* An action, or a prefix of actions ending in '.': what actions are made
 * of ("tenant.create"), so that a prefix is a plain byte prefix. */
static int
action_ok(const char *s)
{
	size_t i;

	for (i = 0; s[i] != '\0'; i++) {
		char ch = s[i];

		if (!((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') ||
			(i > 0 && (ch == '.' || ch == '_' || ch == '-'))))
			return 0;
	}
	return i > 0 && i <= 64;
}

/*
 * ?name as an instant in the form of audit_entry.at, so that the store
 * compares text.  Any RFC 3339 offset is taken and converted to UTC;
 * the fraction is rounded up to the millisecond, the precision of the
 * entries, so "at >= since" and "at < until" keep their meaning.
 */
static int
query_time(struct api_ctx *c, const char *name, char out[40], const char **set)
{
	const char *s = c->rq->arg(c->rq->arg_cls, name);
	enum rp_time_err e = RP_TIME_SYNTAX;
	struct rp_time t;
	struct tm tm;
	time_t tt;
	long long sec;
	long ms;
	char f[24];

	if (s == NULL)
		return 1;
	if (rp_rfc3339_parse(s, &t, &e) != 0)
		return api_fail(c, 400, "invalid_query",
		    qfield(f, sizeof(f), name),
		    "?%s: expected an RFC 3339 date-time such as "
		    "2026-01-02T03:04:05Z (%s)",
		    name, rp_rfc3339_strerror(e));
	sec = t.sec;
	if ((ms = (t.nsec + 999999) / 1000000) == 1000) {
		sec++;
		ms = 0;
	}
	tt = (time_t)sec;
	if (gmtime_r(&tt, &tm) == NULL || tm.tm_year < -1900 ||
	    tm.tm_year > 9999 - 1900)
		return api_fail(c, 400, "invalid_query",
		    qfield(f, sizeof(f), name),
		    "?%s: expected a time in the years 0000 to 9999 (UTC)",
		    name);
	/* The remainders change nothing (gmtime's ranges, the check
	 * above); they show the compiler every field's width. */
	snprintf(out, 40, "%04u-%02u-%02uT%02u:%02u:%02u.%03uZ",
	    (unsigned)(tm.tm_year + 1900) % 10000u,
	    (unsigned)(tm.tm_mon + 1) % 100u, (unsigned)tm.tm_mday % 100u,
	    (unsigned)tm.tm_hour % 100u, (unsigned)tm.tm_min % 100u,
	    (unsigned)tm.tm_sec % 100u, (unsigned)ms % 1000u);
	*set = out;
	return 0;
}

/* The filters of the list; answers 400 naming the first bad argument. */
static int
audit_filter(struct api_ctx *c, struct store_audit_filter *f, char since[40],
    char until[40])
{
	const char *order = NULL;
	int r;

	memset(f, 0, sizeof(*f));
	if ((r = query_text(c, "action", &f->action)) < 0)
		return -1;
	if (r == 0 && !action_ok(f->action))
		return api_fail(c, 400, "invalid_query", "?action",
		    "?action: expected an action such as tenant.create, or "
		    "a prefix ending in '.' such as job. (a-z, 0-9, '.', "
		    "'_', '-'; at most 64)");
	if (query_text(c, "actor", &f->actor) < 0 ||
	    query_text(c, "tenant", &f->tenant) < 0)
		return -1;
	if (f->tenant != NULL && !api_name_ok(f->tenant, 0))
		return api_fail(c, 400, "invalid_query", "?tenant",
		    "?tenant: expected a tenant slug");
	if ((r = query_text(c, "outcome", &f->outcome)) < 0)
		return -1;
	if (r == 0 && !rp_str_in_list(outcomes, f->outcome))
		return api_fail(c, 400, "invalid_query", "?outcome",
		    "?outcome: expected ok, failed, denied or refused");
	if (query_time(c, "since", since, &f->since) < 0 ||
	    query_time(c, "until", until, &f->until) < 0)
		return -1;
	if ((r = query_text(c, "order", &order)) < 0)
		return -1;
	if (r == 0 && strcmp(order, "asc") != 0 && strcmp(order, "desc") != 0)
		return api_fail(c, 400, "invalid_query", "?order",
		    "?order: expected asc or desc");
	f->desc = r == 0 && strcmp(order, "desc") == 0;
	return 0;
}

static json_t *
entry_json(const struct audit_entry *e)
{
	return json_pack("{s:I,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s}", "seq",
	    (json_int_t)e->seq, "at", e->at, "actor", e->actor, "address",
	    e->address, "action", e->action, "tenant", e->tenant, "target",
	    e->target, "outcome", e->outcome, "detail", e->detail, "prev",
	    e->prev, "hash", e->hash);
}

int
h_audit_list(struct api_ctx *c)
{
	struct store_audit_filter f;
	struct store_page pg;
	struct audit_entry *v = NULL;
	size_t n = 0, i;
	int64_t head = 0;
	char hhash[65], since[40], until[40];
	int more = 0, r;
	json_t *items;

	if (api_page(c, &pg) < 0 || audit_filter(c, &f, since, until) < 0)
		return -1;
	/* One snapshot: the head never lags or leads the page, so a
	 * verifier can hold every entry past it for an insertion. */
	if ((r = store_begin_read(c->s)) != 0)
		return api_store_fail(c, r);
	if ((r = store_audit_find(c->s, &f, &pg, &v, &n, &more)) != 0 ||
	    (r = store_audit_head(c->s, &head, hhash)) != 0) {
		audit_entries_free(v, n);
		return api_store_fail(c, r);
	}
	store_rollback(c->s);
	items = json_array();
	for (i = 0; i < n && items != NULL; i++)
		json_array_append_new(items, entry_json(&v[i]));
	r = api_list_ext(c, items, more, n > 0 ? v[n - 1].seq : 0,
	    json_pack("{s:{s:I,s:s}}", "head", "seq", (json_int_t)head, "hash",
		hhash));
	audit_entries_free(v, n);
	return r;
}

/*
 * The store walks the chain up to the head it reads first; "head" is
 * that head, so an entry appended while the walk ran is not counted in
 * "entries" nor judged (the next check judges it), and the answer says
 * exactly what it vouches for.
 */
int
h_audit_verify(struct api_ctx *c)
{
	struct store_audit_check k;
	int r, ok;

	if ((r = store_audit_verify(c->s, &k)) != 0)
		return api_store_fail(c, r);
	ok = k.problem == AUDIT_OK;
	return api_json(c, 200,
	    json_pack("{s:b,s:I,s:{s:I,s:s},s:o,s:o,s:o}", "ok", ok, "entries",
		(json_int_t)k.entries, "head", "seq", (json_int_t)k.head_seq,
		"hash", k.head_hash, "problem",
		ok ? json_null() : json_string(audit_problem_name(k.problem)),
		"seq", ok ? json_null() : json_integer((json_int_t)k.seq),
		"checked_at", api_time(c->rq->now)));
}
