/*
 * The daemon's inventory (docs/agent-protocol.md, "Inventory"): what the
 * file collectors find below the inventory root, as the native format's
 * host fields (with the host's addresses, addrs.c, when the root is the
 * running system) and software objects; queued full at start, then as a
 * delta against the last one queued when something changed.
 *
 * The last inventory queued is kept in memory and in inventory.json
 * ({"seq", "host", "software"}).  Order on disk: inventory.json is
 * removed, the new item queued, then inventory.json written again; a
 * crash between the steps leaves no inventory.json (or, with the item
 * not queued, a base the server never saw, which it answers with 409
 * inventory_base): at worst the next inventory is full, never a delta
 * against something else than what the server holds.
 */
#include <stdlib.h>
#include <string.h>

#include "collectors/collectors.h"
#include "daemon_int.h"
#include "inventory/inventory.h"
#include "util/diag.h"
#include "util/err.h"

#define INV_FILE "inventory.json"

void
inv_state_clear(struct inv_state *s)
{
	json_decref(s->host);
	json_decref(s->software);
	memset(s, 0, sizeof(*s));
}

/* ---- the delta ---- */

struct ent {
	const json_t *o;
	char *key; /* the object in canonical form (sorted keys, compact) */
};

static int
ent_cmp(const void *a, const void *b)
{
	return strcmp(
	    ((const struct ent *)a)->key, ((const struct ent *)b)->key);
}

static void
ents_free(struct ent *v, size_t n)
{
	size_t i;

	for (i = 0; v != NULL && i < n; i++)
		free(v[i].key);
	free(v);
}

/* The entries of arr, sorted by their canonical form. */
static int
ents_of(const json_t *arr, struct ent **out, size_t *n)
{
	struct ent *v;
	size_t i, len;

	*out = NULL;
	*n = 0;
	if (!json_is_array(arr))
		return RP_ERR_INVALID;
	len = json_array_size(arr);
	if ((v = calloc(len ? len : 1, sizeof(*v))) == NULL)
		return RP_ERR_NOMEM;
	for (i = 0; i < len; i++) {
		v[i].o = json_array_get(arr, i);
		if (!json_is_object(v[i].o)) {
			ents_free(v, len);
			return RP_ERR_INVALID;
		}
		v[i].key = json_dumps(v[i].o, JSON_COMPACT | JSON_SORT_KEYS);
		if (v[i].key == NULL) {
			ents_free(v, len);
			return RP_ERR_NOMEM;
		}
	}
	qsort(v, len, sizeof(*v), ent_cmp);
	*out = v;
	*n = len;
	return 0;
}

static int
append(json_t *arr, const json_t *o)
{
	return json_array_append_new(arr, json_deep_copy(o)) == 0
	    ? 0
	    : RP_ERR_NOMEM;
}

/* Walks the two sorted lists side by side: what only one has. */
static int
merge(const struct ent *a, size_t na, const struct ent *b, size_t nb,
    json_t *add, json_t *remove)
{
	size_t i = 0, j = 0;
	int c, r = 0;

	while (r == 0 && (i < na || j < nb)) {
		if (i == na)
			c = 1;
		else if (j == nb)
			c = -1;
		else
			c = strcmp(a[i].key, b[j].key);
		if (c == 0 && json_equal(a[i].o, b[j].o)) {
			i++;
			j++;
		} else if (c <= 0) {
			r = append(remove, a[i++].o);
		} else {
			r = append(add, b[j++].o);
		}
	}
	return r;
}

int
daemon_inv_delta(
    const json_t *before, const json_t *now, json_t **add, json_t **remove)
{
	struct ent *a = NULL, *b = NULL;
	json_t *ad = NULL, *rm = NULL;
	size_t na = 0, nb = 0;
	int r;

	*add = *remove = NULL;
	if ((r = ents_of(before, &a, &na)) != 0 ||
	    (r = ents_of(now, &b, &nb)) != 0)
		goto out;
	if ((ad = json_array()) == NULL || (rm = json_array()) == NULL) {
		r = RP_ERR_NOMEM;
		goto out;
	}
	if ((r = merge(a, na, b, nb, ad, rm)) != 0)
		goto out;
	*add = ad;
	*remove = rm;
	ad = rm = NULL;
out:
	json_decref(ad);
	json_decref(rm);
	ents_free(a, na);
	ents_free(b, nb);
	return r;
}

/* ---- collecting ---- */

/* The collectors that read files (the live ones list processes and
 * connections, which uploads do not carry). */
static unsigned
file_collectors(void)
{
	const struct collector *c;
	unsigned what = 0;
	size_t i, n;

	c = collectors_list(&n);
	for (i = 0; i < n; i++) {
		if (c[i].platform == COLLECT_FILES)
			what |= 1u << i;
	}
	return what;
}

static void
log_diags(const struct rp_diags *d)
{
	struct dlog l;
	size_t i;

	for (i = 0; i < d->n && i < 10; i++) {
		dlog_begin(&l, d->v[i].level == RP_DIAG_ERROR ? "warn" : "info",
		    "inventory: a database could not be read whole");
		dlog_str(&l, "detail", d->v[i].msg);
		dlog_end(&l);
	}
	if (d->n + d->dropped > 10) {
		dlog_begin(&l, "warn", "inventory: more problems not shown");
		dlog_u64(&l, "count", d->n + d->dropped - 10);
		dlog_end(&l);
	}
}

/* The upload's host: the native host fields, and with live (the root is
 * the running system, whose addresses the collector read) the addresses
 * to send, even none. */
static json_t *
host_fields(const json_t *ho, int live)
{
	static const char *const keys[] = {
	    "name", "id", "os", "os_version", "arch"};
	json_t *h = json_object(), *v;
	size_t i, left = 0;
	struct dlog l;

	for (i = 0; h != NULL && i < sizeof(keys) / sizeof(keys[0]); i++) {
		if ((v = json_object_get(ho, keys[i])) != NULL &&
		    json_object_set(h, keys[i], v) != 0) {
			json_decref(h);
			return NULL;
		}
	}
	if (h == NULL || !live)
		return h;
	v = daemon_inv_addresses(json_object_get(ho, "addresses"), &left);
	if (json_object_set_new(h, "addresses", v) != 0) {
		json_decref(h);
		return NULL;
	}
	if (left > 0) {
		dlog_begin(&l, "warn",
		    "inventory: more addresses than an upload carries; the "
		    "first ones sent");
		dlog_u64(&l, "left_out", left);
		dlog_u64(&l, "max", DAEMON_UPLOAD_ADDRS);
		dlog_end(&l);
	}
	return h;
}

/* Collects into *host and *sw (new references).  0 or RP_ERR_NOMEM. */
static int
collect(const struct daemon_opts *o, json_t **host, json_t **sw)
{
	const struct inv_host *hv[1];
	struct inv_host *h = NULL;
	struct rp_diags *d = NULL;
	json_t *j = NULL, *ho;
	int r = RP_ERR_NOMEM;

	*host = *sw = NULL;
	if ((h = inv_host_new()) == NULL || (d = rp_diags_new()) == NULL)
		goto out;
	if (collect_inventory(o->inventory_root, file_collectors(), h, d) ==
	    RP_ERR_NOMEM)
		goto out;
	log_diags(d);
	if (o->hostname != NULL &&
	    inv_host_set(h, o->hostname, NULL, NULL, NULL) != 0)
		goto out;
	if (h->name == NULL && inv_host_set(h, "unknown", NULL, NULL, NULL))
		goto out;
	hv[0] = h;
	if ((j = inv_native_write(hv, 1)) == NULL)
		goto out;
	ho = json_array_get(json_object_get(j, "hosts"), 0);
	if ((*host = host_fields(ho, strcmp(o->inventory_root, "/") == 0)) ==
	    NULL)
		goto out;
	*sw = json_incref(json_object_get(ho, "software"));
	r = *sw != NULL ? 0 : RP_ERR_INTERNAL;
out:
	if (r != 0) {
		json_decref(*host);
		*host = NULL;
	}
	json_decref(j);
	rp_diags_free(d);
	inv_host_free(h);
	return r;
}

/* ---- queueing ---- */

/* inventory.json for the inventory just queued as seq. */
static void
state_save(struct daemon *d)
{
	char err[QUEUE_ERR_MAX], *text;
	json_t *o;

	o = json_pack("{s:I, s:O, s:O}", "seq", (json_int_t)d->inv.seq, "host",
	    d->inv.host, "software", d->inv.software);
	text = o != NULL ? json_dumps(o, JSON_COMPACT) : NULL;
	json_decref(o);
	if (text == NULL ||
	    queue_state_write(d->statefd, INV_FILE, text, strlen(text), err) !=
		0)
		dlog1("warn",
		    "inventory: " INV_FILE " not written (the next inventory "
		    "after a restart is full anyway)",
		    "error", text == NULL ? "out of memory" : err);
	free(text);
}

/*
 * Queues body as kind; on success the inventory state becomes host and
 * sw (references taken) with the new seq.  On failure the state is
 * forgotten, so that the next inventory is full.
 */
static int
enqueue(struct daemon *d, enum queue_kind kind, json_t *body, json_t *host,
    json_t *sw, size_t nadd, size_t nremove)
{
	char err[QUEUE_ERR_MAX];
	const json_t *a;
	size_t gone = 0;
	uint64_t seq;
	struct dlog l;
	int r;

	/* No inventory.json while the queue and it may disagree. */
	if (queue_state_remove(d->statefd, INV_FILE, err) != 0)
		dlog1("warn", "inventory: " INV_FILE " not removed", "error",
		    err);
	r = queue_add(d->q, kind, body, &seq, &gone, err);
	if (r != 0) {
		dlog_begin(&l, "error", "inventory not queued");
		dlog_str(&l, "kind", queue_kind_name(kind));
		dlog_str(&l, "error", err);
		dlog_end(&l);
		inv_state_clear(&d->inv);
		json_decref(host);
		json_decref(sw);
		return r;
	}
	inv_state_clear(&d->inv);
	d->inv.have = 1;
	d->inv.seq = seq;
	d->inv.host = host;
	d->inv.software = sw;
	dlog_begin(&l, "info", "inventory queued");
	dlog_u64(&l, "seq", seq);
	dlog_str(&l, "kind", queue_kind_name(kind));
	dlog_u64(&l, "software", json_array_size(sw));
	if (kind == QUEUE_INVENTORY_DELTA) {
		dlog_u64(&l, "add", nadd);
		dlog_u64(&l, "remove", nremove);
	}
	/* the addresses the upload carries (a delta: when they changed) */
	a = json_object_get(json_object_get(body, "host"), "addresses");
	if (a != NULL)
		dlog_u64(&l, "addresses", json_array_size(a));
	if (gone > 0)
		dlog_u64(&l, "superseded", gone);
	dlog_end(&l);
	state_save(d);
	return 0;
}

/* A body that would be refused for its size is not queued. */
static int
too_large(json_t *body)
{
	size_t n = json_dumpb(body, NULL, 0, JSON_COMPACT);
	struct dlog l;

	/* room for the "seq" member the queue adds */
	if (n != 0 && n + 32 <= DAEMON_UPLOAD_MAX)
		return 0;
	dlog_begin(&l, "error",
	    "inventory not queued: larger than the server takes in one "
	    "upload");
	dlog_u64(&l, "bytes", n);
	dlog_u64(&l, "max", DAEMON_UPLOAD_MAX);
	dlog_end(&l);
	return 1;
}

static int
queue_full(struct daemon *d, json_t *host, json_t *sw)
{
	json_t *body;
	int r;

	body = json_pack(
	    "{s:s, s:O, s:O}", "kind", "full", "host", host, "software", sw);
	if (body == NULL || too_large(body)) {
		r = body == NULL ? RP_ERR_NOMEM : RP_ERR_LIMIT;
		inv_state_clear(&d->inv);
		json_decref(host);
		json_decref(sw);
	} else {
		r = enqueue(d, QUEUE_INVENTORY_FULL, body, host, sw, 0, 0);
	}
	json_decref(body);
	return r;
}

static int
queue_delta(struct daemon *d, json_t *host, json_t *sw)
{
	json_t *add = NULL, *rm = NULL, *body = NULL, *dh = NULL;
	int r;

	if ((r = daemon_inv_delta(d->inv.software, sw, &add, &rm)) != 0)
		goto fail;
	if (json_array_size(add) == 0 && json_array_size(rm) == 0 &&
	    json_equal(host, d->inv.host)) {
		dlog1("info", "inventory unchanged", NULL, NULL);
		json_decref(host);
		json_decref(sw);
		r = 0;
		goto out;
	}
	/* The host's addresses only when they changed. */
	if ((dh = daemon_inv_delta_host(d->inv.host, host)) == NULL) {
		r = RP_ERR_NOMEM;
		goto fail;
	}
	body = json_pack("{s:s, s:I, s:O, s:O, s:O}", "kind", "delta", "base",
	    (json_int_t)d->inv.seq, "host", dh, "add", add, "remove", rm);
	if (body == NULL || too_large(body)) {
		r = body == NULL ? RP_ERR_NOMEM : RP_ERR_LIMIT;
		goto fail;
	}
	r = enqueue(d, QUEUE_INVENTORY_DELTA, body, host, sw,
	    json_array_size(add), json_array_size(rm));
	goto out;
fail:
	inv_state_clear(&d->inv);
	json_decref(host);
	json_decref(sw);
out:
	json_decref(body);
	json_decref(dh);
	json_decref(add);
	json_decref(rm);
	return r;
}

int
inv_tick(struct daemon *d, int full)
{
	json_t *host, *sw;
	int r;

	if ((r = collect(d->o, &host, &sw)) != 0) {
		dlog1("error", "inventory not collected", "error",
		    rp_strerror(r));
		return r;
	}
	if (full || !d->inv.have)
		return queue_full(d, host, sw);
	return queue_delta(d, host, sw);
}

int
inv_requeue_full(struct daemon *d)
{
	json_t *host, *sw;

	if (!d->inv.have)
		return inv_tick(d, 1);
	host = json_incref(d->inv.host);
	sw = json_incref(d->inv.software);
	return queue_full(d, host, sw);
}
