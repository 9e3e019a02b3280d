/*
 * The sweep report: counters and hits, filled by several threads (hits
 * under a mutex, into an arena that owns their strings), and its JSON
 * form, which carries for every file hit what quarantine needs to act on
 * exactly that file: absolute path, device, inode, size, mtime, SHA-256.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sweep/sweep_int.h"
#include "util/arena.h"
#include "util/err.h"
#include "util/str.h"

#define REPORT_ARENA_MAX ((size_t)256 * 1024 * 1024)

struct sweep_report_priv {
	pthread_mutex_t mu;
	struct rp_arena *arena;
	size_t caphits;
	size_t capinc;
};

struct sweep_report *
sweep_report_new(void)
{
	struct sweep_report *r = calloc(1, sizeof(*r));

	if (r == NULL)
		return NULL;
	if ((r->priv = calloc(1, sizeof(*r->priv))) == NULL ||
	    (r->priv->arena = rp_arena_new(REPORT_ARENA_MAX)) == NULL) {
		free(r->priv);
		free(r);
		return NULL;
	}
	pthread_mutex_init(&r->priv->mu, NULL);
	return r;
}

void
sweep_report_free(struct sweep_report *r)
{
	if (r == NULL)
		return;
	pthread_mutex_destroy(&r->priv->mu);
	rp_arena_free(r->priv->arena);
	free(r->priv);
	free(r);
}

static const struct inv_conn *
conn_copy(struct rp_arena *a, const struct inv_conn *c)
{
	struct inv_conn *v = rp_arena_memdup(a, c, sizeof(*c));

	if (v == NULL)
		return NULL;
	v->proto = rp_arena_strdup(a, c->proto);
	v->local_ip = rp_arena_strdup(a, c->local_ip);
	v->remote_ip = rp_arena_strdup(a, c->remote_ip);
	v->state = rp_arena_strdup(a, c->state);
	return v;
}

int
report_add_hit(struct sweep_report *rep, const struct sweep_hit *h,
    const struct sweep_match *m, size_t nm)
{
	struct sweep_report_priv *p = rep->priv;
	struct rp_arena *a = p->arena;
	struct sweep_hit *v, *dst;
	size_t i;
	int r = RP_ERR_NOMEM;

	pthread_mutex_lock(&p->mu);
	rep->c.hits++;
	if (rep->nhits >= SWEEP_MAX_HITS) {
		r = 0;
		goto out;
	}
	v = rp_arena_grow(a, rep->hits, rep->nhits, &p->caphits, sizeof(*v));
	if (v == NULL)
		goto out;
	rep->hits = v;
	dst = &v[rep->nhits];
	*dst = *h;
	dst->path = rp_arena_strdup(a, h->path);
	dst->m = rp_arena_calloc(a, nm ? nm : 1, sizeof(*dst->m));
	if ((h->path != NULL && dst->path == NULL) || dst->m == NULL)
		goto out;
	if (h->conn != NULL && (dst->conn = conn_copy(a, h->conn)) == NULL)
		goto out;
	for (i = 0; i < nm; i++) {
		dst->m[i] = m[i];
		dst->m[i].rule = rp_arena_strdup(a, m[i].rule);
		dst->m[i].ns = rp_arena_strdup(a, m[i].ns);
	}
	dst->nm = nm;
	rep->nhits++;
	r = 0;
out:
	pthread_mutex_unlock(&p->mu);
	return r;
}

int
report_add_incomplete(
    struct sweep_report *rep, const struct sweep_incomplete *f)
{
	struct sweep_report_priv *p = rep->priv;
	struct sweep_incomplete *v;
	int r = RP_ERR_NOMEM;

	pthread_mutex_lock(&p->mu);
	if (rep->ninc >= SWEEP_MAX_INCOMPLETE) {
		r = 0;
		goto out;
	}
	v = rp_arena_grow(
	    p->arena, rep->inc, rep->ninc, &p->capinc, sizeof(*v));
	if (v == NULL)
		goto out;
	rep->inc = v;
	v[rep->ninc] = *f;
	if ((v[rep->ninc].path = rp_arena_strdup(p->arena, f->path)) == NULL)
		goto out;
	rep->ninc++;
	r = 0;
out:
	pthread_mutex_unlock(&p->mu);
	return r;
}

uint64_t
report_hit_count(struct sweep_report *rep)
{
	uint64_t n;

	pthread_mutex_lock(&rep->priv->mu);
	n = rep->c.hits;
	pthread_mutex_unlock(&rep->priv->mu);
	return n;
}

void
report_add_counters(struct sweep_report *rep, const struct tcounters *tc)
{
	uint64_t *dst = (uint64_t *)&rep->c;
	size_t i;

	pthread_mutex_lock(&rep->priv->mu);
	for (i = 0; i < sizeof(rep->c) / sizeof(uint64_t); i++)
		if (i != CNT_IDX(hits))
			dst[i] += atomic_load(&tc->v[i]);
	pthread_mutex_unlock(&rep->priv->mu);
}

static json_t *
match_json(const struct sweep_match *m)
{
	json_t *o = json_object();

	if (o == NULL)
		return NULL;
	if (m->ioc != NULL) {
		json_object_set_new(
		    o, "type", json_string(ioc_type_name(m->ioc->type)));
		json_object_set_new(o, "value", json_string(m->ioc->value));
		if (m->ioc->size != 0)
			json_object_set_new(
			    o, "size", json_integer((json_int_t)m->ioc->size));
		if (m->ioc->source != NULL)
			json_object_set_new(
			    o, "source", json_string(m->ioc->source));
		if (m->ioc->comment != NULL)
			json_object_set_new(
			    o, "comment", json_string(m->ioc->comment));
	} else {
		json_object_set_new(o, "type", json_string("yara"));
		json_object_set_new(o, "rule", json_string(m->rule));
		json_object_set_new(o, "namespace", json_string(m->ns));
		if (m->yara_source != NULL)
			json_object_set_new(
			    o, "source", json_string(m->yara_source));
	}
	return o;
}

static void
set_hex(json_t *o, const char *key, const char *hex)
{
	if (hex[0] != '\0')
		json_object_set_new(o, key, json_string(hex));
}

/* Paths are bytes and JSON strings are UTF-8: a path that is not valid
   UTF-8 is given as "path" with '?' for each bad byte (for people) and
   exactly as "path_hex" (for quarantine). */
static void
path_json(json_t *o, const char *path)
{
	json_t *p = json_string(path);
	char *lossy, *hex;
	size_t n = strlen(path), i;

	if (p != NULL) {
		json_object_set_new(o, "path", p);
		return;
	}
	lossy = malloc(n + 1);
	hex = malloc(2 * n + 1);
	if (lossy != NULL && hex != NULL) {
		for (i = 0; i < n; i++)
			lossy[i] =
			    (unsigned char)path[i] < 0x80 ? path[i] : '?';
		lossy[n] = '\0';
		hex_encode((const unsigned char *)path, n, hex);
		json_object_set_new(o, "path", json_string(lossy));
		json_object_set_new(o, "path_hex", json_string(hex));
	}
	free(lossy);
	free(hex);
}

static json_t *
hit_json(const struct sweep_hit *h)
{
	static const char *const kinds[] = {"file", "process", "connection"};
	json_t *o = json_object(), *ms = json_array();
	size_t i;

	if (o == NULL || ms == NULL) {
		json_decref(o);
		json_decref(ms);
		return NULL;
	}
	json_object_set_new(o, "kind", json_string(kinds[h->kind]));
	if (h->kind != SWEEP_HIT_CONNECTION) {
		path_json(o, h->path);
		json_object_set_new(o, "dev", json_integer((json_int_t)h->dev));
		json_object_set_new(o, "ino", json_integer((json_int_t)h->ino));
		json_object_set_new(
		    o, "size", json_integer((json_int_t)h->size));
		json_object_set_new(
		    o, "mtime_ns", json_integer((json_int_t)h->mtime_ns));
		set_hex(o, "sha256", h->sha256);
		set_hex(o, "sha1", h->sha1);
		set_hex(o, "md5", h->md5);
	}
	if (h->pid >= 0)
		json_object_set_new(o, "pid", json_integer(h->pid));
	if (h->conn != NULL) {
		json_object_set_new(o, "proto", json_string(h->conn->proto));
		json_object_set_new(
		    o, "local_ip", json_string(h->conn->local_ip));
		json_object_set_new(
		    o, "local_port", json_integer(h->conn->local_port));
		json_object_set_new(
		    o, "remote_ip", json_string(h->conn->remote_ip));
		json_object_set_new(
		    o, "remote_port", json_integer(h->conn->remote_port));
	}
	for (i = 0; i < h->nm; i++)
		json_array_append_new(ms, match_json(&h->m[i]));
	json_object_set_new(o, "matches", ms);
	return o;
}

static json_t *
incomplete_json(const struct sweep_incomplete *f)
{
	json_t *o = json_object();

	if (o == NULL)
		return NULL;
	path_json(o, f->path);
	json_object_set_new(o, "dev", json_integer((json_int_t)f->dev));
	json_object_set_new(o, "ino", json_integer((json_int_t)f->ino));
	json_object_set_new(o, "size", json_integer((json_int_t)f->size));
	json_object_set_new(o, "reason",
	    json_string(f->why == SWEEP_INCOMPLETE_BUDGET ? "budget exceeded"
							  : "scanner failed"));
	if (f->signal != 0)
		json_object_set_new(o, "signal", json_integer(f->signal));
	return o;
}

json_t *
sweep_report_json(const struct sweep_report *rep)
{
	static const char *const names[] = {"files_seen", "dirs_seen",
	    "files_opened", "bytes_read", "bytes_seen", "cache_hits", "hits",
	    "skip_permission", "skip_vanished", "skip_changed",
	    "skip_too_large", "skip_special", "skip_excluded", "skip_fs",
	    "symlinks", "replaced", "yara_skipped", "yara_timeouts", "errors",
	    "budget_exceeded", "scan_failed"};
	const uint64_t *c = (const uint64_t *)&rep->c;
	json_t *o = json_object(), *cs = json_object(), *hs = json_array();
	json_t *is;
	size_t i;

	_Static_assert(sizeof(names) / sizeof(names[0]) ==
		sizeof(struct sweep_counters) / sizeof(uint64_t),
	    "a name for every counter");
	if (o == NULL || cs == NULL || hs == NULL) {
		json_decref(o);
		json_decref(cs);
		json_decref(hs);
		return NULL;
	}
	json_object_set_new(o, "rampart_sweep", json_integer(1));
	json_object_set_new(o, "seconds", json_real(rep->seconds));
	json_object_set_new(o, "cache_used", json_boolean(rep->cache_used));
	json_object_set_new(o, "cache_saved", json_boolean(rep->cache_saved));
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		json_object_set_new(
		    cs, names[i], json_integer((json_int_t)c[i]));
	json_object_set_new(o, "counters", cs);
	for (i = 0; i < rep->nhits; i++)
		json_array_append_new(hs, hit_json(&rep->hits[i]));
	json_object_set_new(o, "hits", hs);
	json_object_set_new(o, "hits_truncated",
	    json_boolean(rep->c.hits > (uint64_t)rep->nhits));
	if ((is = json_array()) != NULL) {
		for (i = 0; i < rep->ninc; i++)
			json_array_append_new(
			    is, incomplete_json(&rep->inc[i]));
		json_object_set_new(o, "incomplete", is);
	}
	return o;
}

char *
sweep_default_cache_path(void)
{
	const char *x = getenv("XDG_CACHE_HOME"), *home = getenv("HOME");

	if (geteuid() == 0)
		return rp_strdup0("/var/lib/rampart/sweep-cache.bin");
	if (x != NULL && x[0] == '/')
		return rp_asprintf("%s/rampart/sweep-cache.bin", x);
	if (home != NULL && home[0] == '/')
		return rp_asprintf("%s/.cache/rampart/sweep-cache.bin", home);
	return NULL;
}
