/*
 * Agents' uploads (docs/agent-protocol.md): inventories and sweep
 * reports.  Each is checked whole before anything is written, applied in
 * one transaction with its audit entry, and acknowledged only once
 * stored; an upload whose seq the agent already had applied is
 * answered as a duplicate without writing, so a result re-sent after a
 * lost answer is stored once.
 */
#include <stdio.h>
#include <string.h>

#include "api_int.h"
#include "findings/findings.h"
#include "util/err.h"

/* Answers 400 (or 413 for a count over its cap) naming the field. */
static int
upload_refused(struct api_ctx *c, int r, const struct fnd_err *e)
{
	if (r == RP_ERR_NOMEM)
		return api_store_fail(c, r);
	return api_fail(c, r == RP_ERR_LIMIT ? 413 : 400,
	    r == RP_ERR_LIMIT ? "too_large" : "invalid_upload", e->field, "%s",
	    e->msg);
}

/* Reads the agent's state in the open transaction; 1 when seq was
 * already applied (answered). */
static int
upload_state(struct api_ctx *c, int64_t seq, struct store_inv_state *st)
{
	int r;

	if ((r = store_begin(c->s)) != 0 ||
	    (r = store_inv_state(c->s, c->who.agent_id, st)) != 0) {
		api_store_fail(c, r);
		return -1;
	}
	if (seq > st->last_upload)
		return 0;
	store_rollback(c->s);
	api_json(c, 200,
	    json_pack("{s:I,s:b,s:I}", "seq", (json_int_t)seq, "duplicate", 1,
		"inventory", (json_int_t)st->inventory));
	return 1;
}

/* The audit entry's detail of an inventory: what it changed; the
 * addresses' count when it names the host's. */
static json_t *
inventory_detail(const struct fnd_upload *u, json_t *tally)
{
	json_t *o;

	o = json_pack("{s:I,s:s,s:I,s:I,s:o}", "seq", (json_int_t)u->seq,
	    "kind", u->full ? "full" : "delta", "added", (json_int_t)u->nadd,
	    "removed", (json_int_t)u->nrm, "findings", tally);
	if (o != NULL && u->have_addrs &&
	    json_object_set_new(
		o, "addresses", json_integer((json_int_t)u->naddrs)) != 0) {
		json_decref(o);
		return NULL;
	}
	return o;
}

static json_t *
tally_json(const struct fnd_tally *t)
{
	return json_pack("{s:I,s:I,s:I}", "opened", (json_int_t)t->opened,
	    "resolved", (json_int_t)t->resolved, "changed",
	    (json_int_t)t->changed);
}

int
h_agent_inventory(struct api_ctx *c)
{
	struct store_inv_state st;
	struct fnd_upload *u = NULL;
	struct fnd_tally t;
	char slug[64];
	struct fnd_err e = {{0}, {0}};
	int r;

	if ((r = fnd_upload_parse(c->body, &u, &e)) != 0)
		return upload_refused(c, r, &e);
	if ((r = upload_state(c, u->seq, &st)) != 0) {
		fnd_upload_free(u);
		return r;
	}
	r = fnd_apply_inventory(c->s, &st, u, c->rq->now, &t);
	if (r == 0 && t.stale) {
		store_rollback(c->s);
		fnd_upload_free(u);
		return api_json(c, 409,
		    json_pack("{s:{s:s,s:s},s:I}", "error", "code",
			"inventory_base", "message",
			"the delta does not apply to the inventory the server "
			"has: send a full inventory",
			"inventory", (json_int_t)st.inventory));
	}
	if (r == 0)
		r = api_tenant_slug_any(c, st.tenant_id, slug);
	if (r == 0)
		r = api_audit_commit(c, "agent.inventory", slug, c->who.label,
		    "ok", inventory_detail(u, tally_json(&t)));
	if (r != 0) {
		fnd_upload_free(u);
		return api_store_fail(c, r);
	}
	r = api_json(c, 200,
	    json_pack("{s:I,s:b,s:I,s:o}", "seq", (json_int_t)u->seq,
		"duplicate", 0, "inventory", (json_int_t)u->seq, "findings",
		tally_json(&t)));
	fnd_upload_free(u);
	return r;
}

/* Stores the sweep and its detections in the open transaction. */
static int
sweep_store(struct api_ctx *c, const struct store_inv_state *st,
    const struct fnd_sweep *sw, int64_t *id)
{
	const struct fnd_hit *h;
	size_t i;
	int r;

	if ((r = store_sweep_add(c->s, st->agent_seq, st->tenant_id, sw->seq, 0,
		 sw->started_at, c->rq->now, (int64_t)sw->nhits, sw->report,
		 id)) != 0)
		return r;
	for (i = 0; i < sw->nhits; i++) {
		h = &sw->hits[i];
		if ((r = store_detection_add(c->s, *id, st->agent_seq,
			 st->tenant_id, h->kind, h->path ? h->path : "",
			 h->sha256 ? h->sha256 : "", h->what, c->rq->now)) != 0)
			return r;
	}
	return store_inv_upload_seen(c->s, st->agent_seq, sw->seq);
}

int
h_agent_sweep(struct api_ctx *c)
{
	struct store_inv_state st;
	struct fnd_sweep *sw = NULL;
	struct fnd_err e = {{0}, {0}};
	char slug[64];
	int64_t id = 0;
	int r;

	if ((r = fnd_sweep_parse(c->body, &sw, &e)) != 0)
		return upload_refused(c, r, &e);
	if ((r = upload_state(c, sw->seq, &st)) != 0) {
		fnd_sweep_free(sw);
		return r;
	}
	if ((r = sweep_store(c, &st, sw, &id)) == 0 &&
	    (r = api_tenant_slug_any(c, st.tenant_id, slug)) == 0)
		r = api_audit_commit(c, "agent.sweep", slug, c->who.label, "ok",
		    json_pack("{s:I,s:I,s:I}", "seq", (json_int_t)sw->seq,
			"sweep", (json_int_t)id, "detections",
			(json_int_t)sw->nhits));
	if (r != 0) {
		fnd_sweep_free(sw);
		return api_store_fail(c, r);
	}
	r = api_json(c, 200,
	    json_pack("{s:I,s:b,s:I,s:I}", "seq", (json_int_t)sw->seq,
		"duplicate", 0, "sweep", (json_int_t)id, "detections",
		(json_int_t)sw->nhits));
	fnd_sweep_free(sw);
	return r;
}
