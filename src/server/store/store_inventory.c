/*
 * What inventory uploads keep: an agent's upload state (columns of
 * agents), its software entries (canonical JSON under a 64-bit
 * identity), and the matcher's lookup keys of every entry and of every
 * advisory, which let the findings engine find the few hosts and
 * advisories a change concerns (docs/internals/findings.md).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store.h"
#include "store_int.h"
#include "util/err.h"

/* PostgreSQL locks the agent's row: its uploads apply one at a time
 * (SQLite's write transaction already serialises them). */
static struct drv_sql q_state = DRV_SQL2(
    "SELECT seq, tenant_id, last_upload, inventory, inventory_at, software "
    "FROM agents WHERE id = ?",
    "SELECT seq, tenant_id, last_upload, inventory, inventory_at, software "
    "FROM agents WHERE id = ? FOR UPDATE");
static struct drv_sql q_state_set =
    DRV_SQL("UPDATE agents SET last_upload = ?, inventory = ?, "
	    "inventory_at = ?, software = ?, hostname = COALESCE(?, hostname), "
	    "os = COALESCE(?, os), os_version = COALESCE(?, os_version), "
	    "arch = COALESCE(?, arch) WHERE seq = ?");
static struct drv_sql q_upload_seen =
    DRV_SQL("UPDATE agents SET last_upload = ? WHERE seq = ?");
static struct drv_sql q_sw_list =
    DRV_SQL("SELECT id, ident, entry FROM host_software WHERE agent_seq = ? "
	    "ORDER BY id");
static struct drv_sql q_sw_add =
    DRV_SQL("INSERT INTO host_software (agent_seq, ident, entry) "
	    "VALUES (?, ?, ?) RETURNING id");
static struct drv_sql q_sw_delete =
    DRV_SQL("DELETE FROM host_software WHERE id = ?");
static struct drv_sql q_key_add =
    DRV_SQL("INSERT INTO software_keys (key, agent_seq, sw_id) "
	    "VALUES (?, ?, ?) ON CONFLICT DO NOTHING");
static struct drv_sql q_key_delete = DRV_SQL(
    "DELETE FROM software_keys WHERE key = ? AND agent_seq = ? AND sw_id = ?");
#define HOST_COLS                                                              \
	"a.seq, a.tenant_id, a.inventory, a.id, a.hostname, a.os, "            \
	"a.os_version, a.arch"
static struct drv_sql q_by_key =
    DRV_SQL("SELECT " HOST_COLS ", s.id, s.entry FROM software_keys k "
	    "JOIN host_software s ON s.id = k.sw_id JOIN agents a ON a.seq = "
	    "k.agent_seq WHERE k.key = ? ORDER BY k.agent_seq, k.sw_id");
static struct drv_sql q_host_key =
    DRV_SQL("SELECT s.id, s.entry FROM software_keys k JOIN host_software s "
	    "ON s.id = k.sw_id WHERE k.key = ? AND k.agent_seq = ? "
	    "ORDER BY k.sw_id");
static struct drv_sql q_host =
    DRV_SQL("SELECT " HOST_COLS " FROM agents a WHERE a.seq = ?");
static struct drv_sql q_adv_keys_clear =
    DRV_SQL("DELETE FROM advisory_keys WHERE advisory_id = ?");
static struct drv_sql q_adv_key_add =
    DRV_SQL("INSERT INTO advisory_keys (key, advisory_id) VALUES (?, ?) "
	    "ON CONFLICT DO NOTHING");
static struct drv_sql q_adv_by_key =
    DRV_SQL("SELECT advisory_id FROM advisory_keys WHERE key = ? "
	    "ORDER BY advisory_id");

int
store_inv_state(
    struct store *s, const char *agent_id, struct store_inv_state *out)
{
	struct drv_arg a[] = {A_TEXT(agent_id)};
	struct drv_cur c;
	int r;

	if ((r = sq_row(s, &q_state, a, NARGS(a), &c)) != 0)
		return r;
	out->agent_seq = sq_int(&c, 0);
	out->tenant_id = sq_int(&c, 1);
	out->last_upload = sq_int(&c, 2);
	out->inventory = sq_int(&c, 3);
	out->inventory_at = sq_int(&c, 4);
	out->software = sq_int(&c, 5);
	sq_done(&c);
	return 0;
}

static struct drv_arg
opt_text(const char *v)
{
	return v != NULL ? A_TEXT(v) : A_NULL;
}

int
store_inv_state_set(struct store *s, const struct store_inv_state *st,
    const char *name, const char *os, const char *os_version, const char *arch)
{
	struct drv_arg a[] = {A_INT(st->last_upload), A_INT(st->inventory),
	    A_INT(st->inventory_at), A_INT(st->software), opt_text(name),
	    opt_text(os), opt_text(os_version), opt_text(arch),
	    A_INT(st->agent_seq)};
	int64_t n;
	int r;

	if ((r = sq_exec(s, &q_state_set, a, NARGS(a), &n)) != 0)
		return r;
	return n == 1 ? 0 : RP_ERR_NOTFOUND;
}

int
store_inv_upload_seen(struct store *s, int64_t agent_seq, int64_t seq)
{
	struct drv_arg a[] = {A_INT(seq), A_INT(agent_seq)};

	return sq_exec(s, &q_upload_seen, a, NARGS(a), NULL);
}

void
store_sws_free(struct store_sw *v, size_t n)
{
	size_t i;

	if (v == NULL)
		return;
	for (i = 0; i < n; i++)
		free(v[i].entry);
	free(v);
}

int
store_sw_list(struct store *s, int64_t agent_seq, size_t max,
    struct store_sw **v, size_t *n)
{
	struct drv_arg a[] = {A_INT(agent_seq)};
	struct store_sw *out = NULL;
	size_t cnt = 0, cap = 0;
	struct drv_cur c;
	const char *id;
	int r;

	if ((r = sq_query(s, &q_sw_list, a, NARGS(a), &c)) != 0)
		return r;
	while ((r = sq_step(&c)) == 1) {
		if ((r = sq_grow(
			 (void **)&out, &cap, cnt + 1, sizeof(*out), max)) != 0)
			break;
		memset(&out[cnt], 0, sizeof(*out));
		out[cnt].id = sq_int(&c, 0);
		id = c.s->ops->col_text(&c, 1);
		snprintf(out[cnt].ident, sizeof(out[cnt].ident), "%s",
		    id != NULL ? id : "");
		if ((r = sq_dup(&c, 2, &out[cnt].entry)) != 0)
			break;
		cnt++;
	}
	sq_done(&c);
	if (r != 0) {
		store_sws_free(out, cnt);
		return r;
	}
	*v = out;
	*n = cnt;
	return 0;
}

int
store_sw_add(struct store *s, int64_t agent_seq, const char *ident,
    const char *entry, int64_t *id)
{
	struct drv_arg a[] = {A_INT(agent_seq), A_TEXT(ident), A_TEXT(entry)};

	return sq_int1(s, &q_sw_add, a, NARGS(a), id);
}

int
store_sw_delete(struct store *s, int64_t id)
{
	struct drv_arg a[] = {A_INT(id)};

	return sq_exec(s, &q_sw_delete, a, NARGS(a), NULL);
}

int
store_sw_key_add(
    struct store *s, const char *key, int64_t agent_seq, int64_t sw_id)
{
	struct drv_arg a[] = {A_TEXT(key), A_INT(agent_seq), A_INT(sw_id)};

	return sq_exec(s, &q_key_add, a, NARGS(a), NULL);
}

int
store_sw_key_delete(
    struct store *s, const char *key, int64_t agent_seq, int64_t sw_id)
{
	struct drv_arg a[] = {A_TEXT(key), A_INT(agent_seq), A_INT(sw_id)};

	return sq_exec(s, &q_key_delete, a, NARGS(a), NULL);
}

/* The HOST_COLS of c into h (strings borrowed from the row). */
static void
host_cols(struct drv_cur *c, struct store_sw_hit *h)
{
	const struct drv_ops *o = c->s->ops;

	h->agent_seq = sq_int(c, 0);
	h->tenant_id = sq_int(c, 1);
	h->inventory = sq_int(c, 2);
	h->agent_id = o->col_text(c, 3);
	h->hostname = o->col_text(c, 4);
	h->os = o->col_text(c, 5);
	h->os_version = o->col_text(c, 6);
	h->arch = o->col_text(c, 7);
}

int
store_sw_by_key(struct store *s, const char *key,
    int (*fn)(const struct store_sw_hit *, void *), void *arg)
{
	struct drv_arg a[] = {A_TEXT(key)};
	struct store_sw_hit h;
	struct drv_cur c;
	int r;

	if ((r = sq_query(s, &q_by_key, a, NARGS(a), &c)) != 0)
		return r;
	while ((r = sq_step(&c)) == 1) {
		host_cols(&c, &h);
		h.sw_id = sq_int(&c, 8);
		h.entry = c.s->ops->col_text(&c, 9);
		if ((r = fn(&h, arg)) != 0)
			break;
	}
	sq_done(&c);
	return r;
}

int
store_sw_of_host_by_key(struct store *s, int64_t agent_seq, const char *key,
    int (*fn)(int64_t, const char *, void *), void *arg)
{
	struct drv_arg a[] = {A_TEXT(key), A_INT(agent_seq)};
	struct drv_cur c;
	int r;

	if ((r = sq_query(s, &q_host_key, a, NARGS(a), &c)) != 0)
		return r;
	while ((r = sq_step(&c)) == 1)
		if ((r = fn(sq_int(&c, 0), c.s->ops->col_text(&c, 1), arg)) !=
		    0)
			break;
	sq_done(&c);
	return r;
}

void
store_host_info_clear(struct store_host_info *h)
{
	if (h == NULL)
		return;
	free(h->hostname);
	free(h->os);
	free(h->os_version);
	free(h->arch);
	h->hostname = h->os = h->os_version = h->arch = NULL;
}

int
store_host_info(struct store *s, int64_t agent_seq, struct store_host_info *out)
{
	struct drv_arg a[] = {A_INT(agent_seq)};
	struct store_host_info h;
	struct store_sw_hit b;
	struct drv_cur c;
	int r;

	if ((r = sq_row(s, &q_host, a, NARGS(a), &c)) != 0)
		return r;
	memset(&h, 0, sizeof(h));
	host_cols(&c, &b);
	h.agent_seq = b.agent_seq;
	h.tenant_id = b.tenant_id;
	h.inventory = b.inventory;
	snprintf(h.agent_id, sizeof(h.agent_id), "%s", b.agent_id);
	if ((r = sq_dup(&c, 4, &h.hostname)) != 0 ||
	    (r = sq_dup(&c, 5, &h.os)) != 0 ||
	    (r = sq_dup(&c, 6, &h.os_version)) != 0 ||
	    (r = sq_dup(&c, 7, &h.arch)) != 0)
		store_host_info_clear(&h);
	sq_done(&c);
	if (r == 0)
		*out = h;
	return r;
}

int
store_advisory_keys_set(
    struct store *s, int64_t advisory_id, const char *const *keys, size_t n)
{
	struct drv_arg a[] = {A_INT(advisory_id)};
	struct sq_tx t;
	size_t i;
	int r;

	if ((r = sq_tx_enter(s, &t)) != 0)
		return r;
	r = sq_exec(s, &q_adv_keys_clear, a, NARGS(a), NULL);
	for (i = 0; r == 0 && i < n; i++) {
		struct drv_arg b[] = {A_TEXT(keys[i]), A_INT(advisory_id)};

		r = sq_exec(s, &q_adv_key_add, b, NARGS(b), NULL);
	}
	return sq_tx_leave(s, &t, r);
}

int
store_advisory_by_key(struct store *s, const char *key,
    int (*fn)(int64_t advisory_id, void *), void *arg)
{
	struct drv_arg a[] = {A_TEXT(key)};
	struct drv_cur c;
	int r;

	if ((r = sq_query(s, &q_adv_by_key, a, NARGS(a), &c)) != 0)
		return r;
	while ((r = sq_step(&c)) == 1)
		if ((r = fn(sq_int(&c, 0), arg)) != 0)
			break;
	sq_done(&c);
	return r;
}
