/*
 * What inventory uploads keep: an agent's upload state (columns of
 * agents), its software entries (canonical JSON under a 64-bit
 * identity), and the matcher's lookup keys of every entry and of every
 * advisory, which let the findings engine find the few hosts and
 * advisories a change concerns (docs/internals/findings.md), and the
 * host's network addresses as its last inventory that named them says.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

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
/* A host's entries as people page through them (the host's rows by
 * the (agent_seq, ident) index; a name test on each). */
#define SW_PAGE_WHERE                                                          \
	" FROM host_software s WHERE s.agent_seq = ? AND (? IS NULL OR "       \
	"instr(s.name_key, ?) > 0)"
#define SW_PAGE_WHERE_PG                                                       \
	" FROM host_software s WHERE s.agent_seq = ?::bigint AND (?::text IS " \
	"NULL OR strpos(s.name_key, ?::text) > 0)"
static struct drv_sql q_sw_page =
    DRV_SQL2("SELECT s.id, s.ident, s.entry" SW_PAGE_WHERE
	     " AND s.id > ? ORDER BY s.id LIMIT ?",
	"SELECT s.id, s.ident, s.entry" SW_PAGE_WHERE_PG
	" AND s.id > ?::bigint ORDER BY s.id LIMIT ?::bigint");
static struct drv_sql q_sw_count = DRV_SQL2(
    "SELECT COUNT(*)" SW_PAGE_WHERE, "SELECT COUNT(*)" SW_PAGE_WHERE_PG);
static struct drv_sql q_sw_idents = DRV_SQL2(
    "SELECT id, ident, entry FROM host_software WHERE agent_seq = ? AND "
    "ident IN (SELECT value FROM json_each(?)) ORDER BY id",
    "SELECT id, ident, entry FROM host_software WHERE agent_seq = ? AND "
    "ident IN (SELECT jsonb_array_elements_text(?::jsonb)) ORDER BY id");
/* The batches: a JSON array argument, json_each / jsonb_array_elements.
 * An entry's name_key and version (the host lists' columns) are read
 * from it here; lower() changes ASCII letters only, on both drivers. */
static struct drv_sql q_sw_add_many = DRV_SQL2(
    "INSERT INTO host_software (agent_seq, ident, entry, name_key, version) "
    "SELECT ?, json_extract(value, '$[0]'), json_extract(value, '$[1]'), "
    "lower(json_extract(json_extract(value, '$[1]'), '$.name')), "
    "json_extract(json_extract(value, '$[1]'), '$.version') "
    "FROM json_each(?) RETURNING id, ident",
    "INSERT INTO host_software (agent_seq, ident, entry, name_key, version) "
    "SELECT ?::bigint, e->>0, e->>1, "
    "lower(((e->>1)::jsonb ->> 'name') COLLATE \"C\"), "
    "(e->>1)::jsonb ->> 'version' "
    "FROM jsonb_array_elements(?::jsonb) e RETURNING id, ident");
static struct drv_sql q_sw_delete_many = DRV_SQL2(
    "DELETE FROM host_software WHERE id IN (SELECT value FROM json_each(?))",
    "DELETE FROM host_software WHERE id IN "
    "(SELECT jsonb_array_elements_text(?::jsonb)::bigint)");
static struct drv_sql q_keys_add_many =
    DRV_SQL2("INSERT INTO software_keys (key, agent_seq, sw_id) SELECT "
	     "json_extract(value, '$[0]'), ?, json_extract(value, '$[1]') "
	     "FROM json_each(?) WHERE true ON CONFLICT DO NOTHING",
	"INSERT INTO software_keys (key, agent_seq, sw_id) SELECT e->>0, "
	"?::bigint, (e->>1)::bigint FROM jsonb_array_elements(?::jsonb) e "
	"ON CONFLICT DO NOTHING");
static struct drv_sql q_keys_delete_many = DRV_SQL2(
    "DELETE FROM software_keys WHERE agent_seq = ? AND (key, sw_id) IN "
    "(SELECT json_extract(value, '$[0]'), json_extract(value, '$[1]') "
    "FROM json_each(?))",
    "DELETE FROM software_keys WHERE agent_seq = ?::bigint AND (key, sw_id) "
    "IN (SELECT e->>0, (e->>1)::bigint FROM jsonb_array_elements(?::jsonb) "
    "e)");
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
static struct drv_sql q_adv_by_keys =
    DRV_SQL2("SELECT DISTINCT advisory_id FROM advisory_keys WHERE key IN "
	     "(SELECT value FROM json_each(?)) ORDER BY advisory_id",
	"SELECT DISTINCT advisory_id FROM advisory_keys WHERE key IN "
	"(SELECT jsonb_array_elements_text(?::jsonb)) ORDER BY advisory_id");
/* A host's addresses: rows [ip, iface, mac|null] of a JSON array, pos
 * their index. */
static struct drv_sql q_addrs_clear =
    DRV_SQL("DELETE FROM agent_addresses WHERE agent_seq = ?");
static struct drv_sql q_addrs_add = DRV_SQL2(
    "INSERT INTO agent_addresses (agent_seq, pos, tenant_id, ip, iface, "
    "mac) SELECT ?, key, ?, json_extract(value, '$[0]'), "
    "json_extract(value, '$[1]'), json_extract(value, '$[2]') "
    "FROM json_each(?)",
    "INSERT INTO agent_addresses (agent_seq, pos, tenant_id, ip, iface, "
    "mac) SELECT ?::bigint, e.n - 1, ?::bigint, e.v ->> 0, e.v ->> 1, "
    "e.v ->> 2 FROM jsonb_array_elements(?::jsonb) WITH ORDINALITY "
    "AS e(v, n)");
static struct drv_sql q_addrs_of = DRV_SQL2(
    "SELECT agent_seq, ip, iface, mac FROM agent_addresses WHERE agent_seq "
    "IN (SELECT value FROM json_each(?)) ORDER BY agent_seq, pos",
    "SELECT agent_seq, ip, iface, mac FROM agent_addresses WHERE agent_seq "
    "IN (SELECT jsonb_array_elements_text(?::jsonb)::bigint) "
    "ORDER BY agent_seq, pos");

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

static int
read_sw(struct drv_cur *c, void *row)
{
	struct store_sw *w = row;
	const char *id = c->s->ops->col_text(c, 1);

	memset(w, 0, sizeof(*w));
	w->id = sq_int(c, 0);
	snprintf(w->ident, sizeof(w->ident), "%s", id != NULL ? id : "");
	return sq_dup(c, 2, &w->entry);
}

static void
clear_sw(void *row)
{
	struct store_sw *w = row;

	free(w->entry);
	w->entry = NULL;
}

static const struct sq_rows sw_kind = {
    sizeof(struct store_sw), 0, read_sw, clear_sw};

/* The rows of q (id, ident, entry) into *v. */
static int
sw_rows(struct store *s, struct drv_sql *q, const struct drv_arg *a, size_t na,
    size_t max, struct store_sw **v, size_t *n)
{
	return sq_all(s, q, a, na, &sw_kind, max, (void **)v, n);
}

int
store_sw_list(struct store *s, int64_t agent_seq, size_t max,
    struct store_sw **v, size_t *n)
{
	struct drv_arg a[] = {A_INT(agent_seq)};

	return sw_rows(s, &q_sw_list, a, NARGS(a), max, v, n);
}

static const struct sq_rows sw_page_kind = {
    sizeof(struct store_sw), 3, read_sw, clear_sw};

int
store_sw_page(struct store *s, int64_t agent_seq, const char *q,
    const struct store_page *pg, struct store_sw **v, size_t *n, int *more,
    int64_t *total)
{
	int64_t t = 0;
	char *lq = NULL;
	int r;

	if ((r = sq_lower_dup(q, &lq)) != 0)
		return r;
	struct drv_arg a[] = {A_INT(agent_seq), lq ? A_TEXT(lq) : A_NULL,
	    lq ? A_TEXT(lq) : A_NULL, A_INT(0), A_INT(0)};
	if ((total == NULL || (r = sq_int1(s, &q_sw_count, a, 3, &t)) == 0) &&
	    (r = sq_list(s, &q_sw_page, a, NARGS(a), pg, &sw_page_kind,
		 (void **)v, n, more)) == 0 &&
	    total != NULL)
		*total = t;
	free(lq);
	return r;
}

int
store_sw_by_idents(struct store *s, int64_t agent_seq, const char *idents,
    size_t max, struct store_sw **v, size_t *n)
{
	struct drv_arg a[] = {A_INT(agent_seq), A_TEXT(idents)};

	return sw_rows(s, &q_sw_idents, a, NARGS(a), max, v, n);
}

/* Runs q and gives fn each row's (integer, text) first two columns. */
static int
id_text_rows(struct store *s, struct drv_sql *q, const struct drv_arg *a,
    size_t n, int (*fn)(int64_t, const char *, void *), void *arg)
{
	struct drv_cur c;
	int r;

	if ((r = sq_query(s, q, a, n, &c)) != 0)
		return r;
	while ((r = sq_step(&c)) == 1)
		if ((r = fn(sq_int(&c, 0), c.s->ops->col_text(&c, 1), arg)) !=
		    0)
			break;
	sq_done(&c);
	return r;
}

int
store_sw_add_many(struct store *s, int64_t agent_seq, const char *rows,
    int (*fn)(int64_t, const char *, void *), void *arg)
{
	struct drv_arg a[] = {A_INT(agent_seq), A_TEXT(rows)};

	return id_text_rows(s, &q_sw_add_many, a, NARGS(a), fn, arg);
}

int
store_sw_delete_many(struct store *s, const char *ids)
{
	struct drv_arg a[] = {A_TEXT(ids)};

	return sq_exec(s, &q_sw_delete_many, a, NARGS(a), NULL);
}

int
store_sw_keys_add_many(struct store *s, int64_t agent_seq, const char *keys)
{
	struct drv_arg a[] = {A_INT(agent_seq), A_TEXT(keys)};

	return sq_exec(s, &q_keys_add_many, a, NARGS(a), NULL);
}

int
store_sw_keys_delete_many(struct store *s, int64_t agent_seq, const char *keys)
{
	struct drv_arg a[] = {A_INT(agent_seq), A_TEXT(keys)};

	return sq_exec(s, &q_keys_delete_many, a, NARGS(a), NULL);
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

	return id_text_rows(s, &q_host_key, a, NARGS(a), fn, arg);
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
store_advisory_by_keys(struct store *s, const char *keys,
    int (*fn)(int64_t advisory_id, void *), void *arg)
{
	struct drv_arg a[] = {A_TEXT(keys)};
	struct drv_cur c;
	int r;

	if ((r = sq_query(s, &q_adv_by_keys, a, NARGS(a), &c)) != 0)
		return r;
	while ((r = sq_step(&c)) == 1)
		if ((r = fn(sq_int(&c, 0), arg)) != 0)
			break;
	sq_done(&c);
	return r;
}

/* v[0..n) as the JSON text of q_addrs_add's rows; NULL when out of
 * memory. */
static char *
addrs_rows(const struct store_addr *v, size_t n)
{
	json_t *arr = json_array(), *row;
	char *t = NULL;
	size_t i;

	for (i = 0; arr != NULL && i < n; i++) {
		row = json_pack("[s,s,s?]", v[i].ip, v[i].iface,
		    v[i].mac[0] != '\0' ? v[i].mac : NULL);
		if (json_array_append_new(arr, row) != 0)
			goto out;
	}
	if (arr != NULL)
		t = json_dumps(arr, JSON_COMPACT);
out:
	json_decref(arr);
	return t;
}

int
store_host_addrs_set(struct store *s, int64_t agent_seq, int64_t tenant_id,
    const struct store_addr *v, size_t n)
{
	struct drv_arg a[] = {A_INT(agent_seq)};
	struct sq_tx t;
	char *rows;
	int r;

	if (n > STORE_ADDRS_MAX)
		return RP_ERR_ARG;
	if ((rows = addrs_rows(v, n)) == NULL)
		return RP_ERR_NOMEM;
	if ((r = sq_tx_enter(s, &t)) != 0) {
		free(rows);
		return r;
	}
	r = sq_exec(s, &q_addrs_clear, a, NARGS(a), NULL);
	if (r == 0 && n > 0) {
		struct drv_arg b[] = {
		    A_INT(agent_seq), A_INT(tenant_id), A_TEXT(rows)};

		r = sq_exec(s, &q_addrs_add, b, NARGS(b), NULL);
	}
	free(rows);
	return sq_tx_leave(s, &t, r);
}

/* Column col of c into buf (NULL: ""). */
static void
col_copy(struct drv_cur *c, int col, char *buf, size_t len)
{
	const char *v = c->s->ops->col_text(c, col);

	snprintf(buf, len, "%s", v != NULL ? v : "");
}

int
store_host_addrs_each(struct store *s, const int64_t *seqs, size_t n,
    int (*fn)(int64_t agent_seq, const struct store_addr *a, void *arg),
    void *arg)
{
	struct store_addr x;
	struct drv_arg a[1];
	struct drv_cur c;
	json_t *ids = json_array();
	char *t = NULL;
	size_t i;
	int r = RP_ERR_NOMEM;

	for (i = 0; ids != NULL && i < n; i++)
		if (json_array_append_new(ids, json_integer(seqs[i])) != 0)
			goto out;
	if (ids == NULL || (t = json_dumps(ids, JSON_COMPACT)) == NULL)
		goto out;
	a[0] = A_TEXT(t);
	if ((r = sq_query(s, &q_addrs_of, a, NARGS(a), &c)) != 0)
		goto out;
	while ((r = sq_step(&c)) == 1) {
		col_copy(&c, 1, x.ip, sizeof(x.ip));
		col_copy(&c, 2, x.iface, sizeof(x.iface));
		col_copy(&c, 3, x.mac, sizeof(x.mac));
		if ((r = fn(sq_int(&c, 0), &x, arg)) != 0)
			break;
	}
	sq_done(&c);
out:
	free(t);
	json_decref(ids);
	return r;
}
