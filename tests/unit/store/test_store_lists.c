/*
 * The store's host lists, on both drivers (run by test_store.c's main):
 * agents filtered by hostname, OS, software and version, open verdicts,
 * state (at the boundary of the online window) and tenant, with their
 * totals and per-tenant counts, always within the caller's scope; a
 * host's software paged and searched; the total of a findings list and
 * the open findings per advisory; and the host-lists migration filling
 * the software columns of entries stored before it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "harness.h"
#include "util/err.h"

/* The host-lists migration's number (src/server/store/store_migrate.c),
 * and the host addresses' and the indicators' after it: the backfill
 * test undoes all three, so the last must be the newest. */
#define LISTS_MIGRATION 9
#define INDICATORS_MIGRATION 11

/* An agent seen last at last_seen; its seq. */
static int64_t
agent(struct store *s, const char *id, int64_t ten, const char *host,
    const char *os, int64_t last_seen)
{
	struct store_agent a = {.tenant_id = ten,
	    .public_key = "pk",
	    .hostname = (char *)host,
	    .os = (char *)os,
	    .agent_version = "",
	    .enrolled_at = 100};

	snprintf(a.id, sizeof(a.id), "%s", id);
	assert_int_equal(store_agent_create(s, &a), 0);
	assert_int_equal(
	    store_agent_touch(s, id, last_seen, NULL, NULL, NULL), 0);
	return a.seq;
}

static int
ignore_row(int64_t id, const char *ident, void *arg)
{
	(void)id;
	(void)ident;
	(void)arg;
	return 0;
}

/* Software entries of a host: rows is a JSON array of [ident, entry]. */
static void
software(struct store *s, int64_t seq, const char *rows)
{
	assert_int_equal(store_sw_add_many(s, seq, rows, ignore_row, NULL), 0);
}

/* A finding of advisory adv on host seq of tenant ten. */
static void
finding(int64_t ten, int64_t seq, int64_t adv, const char *key, int verdict,
    int open)
{
	char sql[512];

	snprintf(sql, sizeof(sql),
	    "INSERT INTO findings (tenant_id, agent_seq, advisory_id, sw_key, "
	    "sw_name, sw_version, revision, verdict, rule, reason, open, "
	    "first_seen, first_inventory, updated_at) VALUES (%lld, %lld, "
	    "%lld, '%s', '%s', '1', 1, %d, 'r', 'why', %d, 1, 1, 1)",
	    (long long)ten, (long long)seq, (long long)adv, key, key, verdict,
	    open);
	raw_exec(sql);
}

static void
advisory(int64_t id, const char *title, const char *severity)
{
	char sql[512];

	snprintf(sql, sizeof(sql),
	    "INSERT INTO advisories (id, doc_key, doc_id, publisher, format, "
	    "scope_all, latest) VALUES (%lld, 'k%lld', 'ADV-%lld', 'p', "
	    "'native', 1, 2); INSERT INTO advisory_revisions (advisory_id, "
	    "revision, version, title, severity, cves, current_release, "
	    "imported_at, imported_by) VALUES (%lld, 1, '1', 'old', 'low', "
	    "'', '', 1, 'x'), (%lld, 2, '2', '%s', '%s', '', '', 2, 'x')",
	    (long long)id, (long long)id, (long long)id, (long long)id,
	    (long long)id, title, severity);
	raw_exec(sql);
}

/* The hostnames store_agent_list gives for f in sc, joined by spaces,
 * after checking that store_agent_total agrees. */
static const char *
hosts(struct store *s, const struct store_scope *sc,
    const struct store_agent_filter *f)
{
	static char out[256];
	struct store_agent *v = NULL;
	int64_t total = -1;
	size_t n = 0, i, o = 0;
	int more = 0;

	assert_int_equal(store_agent_list(s, sc, f, NULL, &v, &n, &more), 0);
	assert_int_equal(store_agent_total(s, sc, f, &total), 0);
	assert_int_equal(total, (int64_t)n);
	out[0] = '\0';
	for (i = 0; i < n; i++)
		o += (size_t)snprintf(out + o, sizeof(out) - o, "%s%s",
		    i ? " " : "", v[i].hostname);
	store_agents_free(v, n);
	return out;
}

/* Three hosts of acme, one of globex, at now = 1000 with a window from
 * 800: ws-1 seen at 800 (online, just), srv-2 at 799 (stale), ws-3
 * revoked, gx-1 online. */
struct fixture {
	int64_t acme, globex, ws1, srv2, ws3, gx1;
	struct store_scope sa;
};

static void
fixture(struct store *s, struct fixture *x)
{
	x->acme = tenant(s, "acme");
	x->globex = tenant(s, "globex");
	tenant(s, "initech");
	x->sa = scope_of(s, &x->acme, 1);
	x->ws1 = agent(
	    s, "aaaaaaaaaaaaaaaaaaaaaaaaa1", x->acme, "WS-1", "Windows", 800);
	x->srv2 = agent(s, "aaaaaaaaaaaaaaaaaaaaaaaaa2", x->acme, "srv-2",
	    "Debian GNU/Linux 12", 799);
	x->ws3 = agent(
	    s, "aaaaaaaaaaaaaaaaaaaaaaaaa3", x->acme, "ws-3", "Windows", 900);
	x->gx1 = agent(s, "aaaaaaaaaaaaaaaaaaaaaaaaa4", x->globex, "gx-ws-1",
	    "Windows", 900);
	assert_int_equal(
	    store_agent_revoke(s, "aaaaaaaaaaaaaaaaaaaaaaaaa3", 950), 0);
	software(s, x->ws1,
	    "[[\"0000000000000001\",\"{\\\"name\\\":\\\"3CX Desktop "
	    "App\\\",\\\"version\\\":\\\"18.12.416.0\\\"}\"],"
	    "[\"0000000000000002\",\"{\\\"name\\\":\\\"Google "
	    "Chrome\\\",\\\"version\\\":\\\"111.0\\\",\\\"arch\\\":\\\"x86_"
	    "64\\\"}\"],"
	    "[\"0000000000000003\",\"{\\\"name\\\":\\\"7-Zip\\\","
	    "\\\"version\\\""
	    ":\\\"22.01\\\"}\"]]");
	software(s, x->ws3,
	    "[[\"0000000000000001\",\"{\\\"name\\\":\\\"3CX Desktop "
	    "App\\\",\\\"version\\\":\\\"18.12.422.0\\\"}\"]]");
	software(s, x->gx1,
	    "[[\"0000000000000001\",\"{\\\"name\\\":\\\"3CX Desktop "
	    "App\\\",\\\"version\\\":\\\"18.12.416.0\\\"}\"]]");
	advisory(1, "3CX trojanised", "critical");
	advisory(2, "Chrome flaw", "");
	/* ws-1: affected and unknown of advisory 1, fixed (closed) of 2;
	 * srv-2: under investigation of 2; gx-1: affected of 1. */
	finding(x->acme, x->ws1, 1, "a", 4, 1);
	finding(x->acme, x->ws1, 1, "b", 2, 1);
	finding(x->acme, x->ws1, 2, "c", 1, 0);
	finding(x->acme, x->srv2, 2, "d", 3, 1);
	finding(x->globex, x->gx1, 1, "a", 4, 1);
}

static void
test_agent_filters(void **state)
{
	struct store *s = *state;
	struct fixture x;
	struct store_agent_filter f = {.online_since = 800};
	struct store_agent a;

	fixture(s, &x);
	assert_string_equal(hosts(s, &all, &f), "WS-1 srv-2 ws-3 gx-ws-1");
	assert_string_equal(hosts(s, &x.sa, &f), "WS-1 srv-2 ws-3");
	f.hostname = "ws-";
	assert_string_equal(hosts(s, &all, &f), "WS-1 ws-3 gx-ws-1");
	f.hostname = "GX-WS";
	assert_string_equal(hosts(s, &x.sa, &f), "");
	f.hostname = NULL;
	f.os = "linux 12";
	assert_string_equal(hosts(s, &all, &f), "srv-2");
	f.os = NULL;
	f.software = "3cx DESKTOP app";
	assert_string_equal(hosts(s, &all, &f), "WS-1 ws-3 gx-ws-1");
	f.version = "18.12.416.0";
	assert_string_equal(hosts(s, &all, &f), "WS-1 gx-ws-1");
	assert_string_equal(hosts(s, &x.sa, &f), "WS-1");
	f.software = "3cx";
	assert_string_equal(hosts(s, &all, &f), "");
	f.software = f.version = NULL;
	f.verdicts = 1u << 4;
	assert_string_equal(hosts(s, &all, &f), "WS-1 gx-ws-1");
	f.verdicts = 1u << 3 | 1u << 2;
	assert_string_equal(hosts(s, &all, &f), "WS-1 srv-2");
	f.verdicts = 1u << 1; /* a closed finding is not counted */
	assert_string_equal(hosts(s, &all, &f), "");
	f.verdicts = 0;
	f.state = STORE_AGENT_ONLINE;
	assert_string_equal(hosts(s, &all, &f), "WS-1 gx-ws-1");
	f.state = STORE_AGENT_STALE;
	assert_string_equal(hosts(s, &all, &f), "srv-2");
	f.state = STORE_AGENT_REVOKED;
	assert_string_equal(hosts(s, &all, &f), "ws-3");
	f.state = STORE_AGENT_ANY;
	f.tenant = x.globex;
	assert_string_equal(hosts(s, &all, &f), "gx-ws-1");
	assert_string_equal(hosts(s, &x.sa, &f), "");
	/* A row: its tenant's slug and its most urgent open verdict. */
	assert_int_equal(
	    store_agent_get(s, &all, "aaaaaaaaaaaaaaaaaaaaaaaaa1", &a), 0);
	assert_string_equal(a.tenant, "acme");
	assert_int_equal(a.verdict, 4);
	store_agent_clear(&a);
	assert_int_equal(
	    store_agent_get(s, &all, "aaaaaaaaaaaaaaaaaaaaaaaaa3", &a), 0);
	assert_int_equal(a.verdict, -1);
	store_agent_clear(&a);
}

struct counted {
	char line[256];
	size_t off;
};

static int
count_row(const struct store_agent_count *k, void *arg)
{
	struct counted *c = arg;

	c->off += (size_t)snprintf(c->line + c->off, sizeof(c->line) - c->off,
	    "%s:%lld/%lld/%lld/%lld ", k->tenant, (long long)k->online,
	    (long long)k->stale, (long long)k->revoked, (long long)k->total);
	return 0;
}

static void
test_agent_counts(void **state)
{
	struct store *s = *state;
	struct fixture x;
	struct counted c = {.off = 0};

	fixture(s, &x);
	assert_int_equal(store_agent_counts(s, &all, 800, count_row, &c), 0);
	assert_string_equal(
	    c.line, "acme:1/1/1/3 globex:1/0/0/1 initech:0/0/0/0 ");
	c.off = 0;
	c.line[0] = '\0';
	assert_int_equal(store_agent_counts(s, &x.sa, 800, count_row, &c), 0);
	assert_string_equal(c.line, "acme:1/1/1/3 ");
}

static void
test_software_page(void **state)
{
	struct store *s = *state;
	struct fixture x;
	struct store_page pg = {.after = 0, .limit = 2};
	struct store_sw *v = NULL;
	int64_t total = 0;
	size_t n = 0;
	int more = 0;

	fixture(s, &x);
	assert_int_equal(
	    store_sw_page(s, x.ws1, NULL, &pg, &v, &n, &more, &total), 0);
	assert_int_equal(n, 2);
	assert_true(more);
	assert_int_equal(total, 3);
	assert_true(v[0].id < v[1].id);
	pg.after = v[1].id;
	store_sws_free(v, n);
	assert_int_equal(
	    store_sw_page(s, x.ws1, NULL, &pg, &v, &n, &more, &total), 0);
	assert_int_equal(n, 1);
	assert_false(more);
	store_sws_free(v, n);
	pg.after = 0;
	assert_int_equal(
	    store_sw_page(s, x.ws1, "CHROME", &pg, &v, &n, &more, &total), 0);
	assert_int_equal(n, 1);
	assert_int_equal(total, 1);
	assert_non_null(strstr(v[0].entry, "Google Chrome"));
	store_sws_free(v, n);
	assert_int_equal(
	    store_sw_page(s, x.srv2, NULL, &pg, &v, &n, &more, &total), 0);
	assert_int_equal(n, 0);
	assert_int_equal(total, 0);
	store_sws_free(v, n);
}

struct adv_line {
	char line[512];
	size_t off;
};

static int
adv_row(const struct store_advisory_count *k, void *arg)
{
	struct adv_line *c = arg;
	int v;

	c->off += (size_t)snprintf(c->line + c->off, sizeof(c->line) - c->off,
	    "%lld %s %s [%s]", (long long)k->advisory_id, k->doc_id, k->title,
	    k->severity);
	for (v = 0; v < STORE_VERDICTS; v++)
		c->off += (size_t)snprintf(c->line + c->off,
		    sizeof(c->line) - c->off, " %lld/%lld",
		    (long long)k->findings[v], (long long)k->hosts[v]);
	c->off +=
	    (size_t)snprintf(c->line + c->off, sizeof(c->line) - c->off, "; ");
	return 0;
}

static void
test_finding_totals(void **state)
{
	struct store *s = *state;
	struct fixture x;
	struct store_finding_filter f = {.advisory_id = 1};
	struct adv_line c = {.off = 0};
	struct store_finding *v = NULL;
	int64_t total = 0;
	size_t n = 0;
	int more = 0;

	fixture(s, &x);
	assert_int_equal(store_finding_total(s, &all, &f, &total), 0);
	assert_int_equal(total, 3);
	assert_int_equal(store_finding_total(s, &x.sa, &f, &total), 0);
	assert_int_equal(total, 2);
	f.verdicts = 1u << 4;
	assert_int_equal(store_finding_total(s, &all, &f, &total), 0);
	assert_int_equal(total, 2);
	f.advisory_id = 0;
	f.verdicts = 0;
	f.status = 2;
	assert_int_equal(store_finding_total(s, &all, &f, &total), 0);
	assert_int_equal(total, 5);
	/* A listed finding carries its tenant's slug. */
	assert_int_equal(
	    store_finding_list(s, &all, &f, NULL, &v, &n, &more), 0);
	assert_int_equal(n, 5);
	assert_string_equal(v[0].tenant, "acme");
	assert_string_equal(v[4].tenant, "globex");
	store_findings_free(v, n);
	/* Per advisory: open findings only, hosts by their most urgent
	 * verdict of it (ws-1's unknown finding is not a host), the latest
	 * revision's title and severity. */
	f.status = 0;
	assert_int_equal(
	    store_finding_advisory_counts(s, &all, &f, adv_row, &c), 0);
	assert_string_equal(c.line,
	    "1 ADV-1 3CX trojanised [critical] 0/0 0/0 1/0 0/0 2/2; "
	    "2 ADV-2 Chrome flaw [] 0/0 0/0 0/0 1/1 0/0; ");
	c.off = 0;
	c.line[0] = '\0';
	f.tenants = "[2]";
	assert_int_equal(
	    store_finding_advisory_counts(s, &all, &f, adv_row, &c), 0);
	assert_string_equal(
	    c.line, "1 ADV-1 3CX trojanised [critical] 0/0 0/0 0/0 0/0 1/1; ");
}

/* Entries stored before the host-lists migration get their name_key
 * and version from it. */
static void
test_lists_backfill(void **state)
{
	struct store *s = *state;
	struct fixture x;
	struct store_agent_filter f = {
	    .software = "google chrome", .version = "111.0"};
	char sql[128];

	assert_int_equal(store_schema_version(), INDICATORS_MIGRATION);
	fixture(s, &x);
	/* Back to the schema before it, entries kept. */
	snprintf(sql, sizeof(sql),
	    "DELETE FROM schema_version WHERE version >= %d", LISTS_MIGRATION);
	raw_exec(sql);
	raw_exec("DROP TABLE allow_entries; DROP TABLE indicator_versions; "
		 "DROP TABLE indicators; DROP TABLE indicator_sources; "
		 "DROP TABLE agent_addresses; DROP INDEX host_software_name; "
		 "DROP INDEX findings_host_open; "
		 "DROP INDEX findings_advisory_open; "
		 "ALTER TABLE host_software DROP COLUMN name_key; "
		 "ALTER TABLE host_software DROP COLUMN version");
	store_close(s);
	*state = s = xopen();
	assert_int_equal(store_migrate(s, NULL, NULL), 0);
	assert_int_equal(raw_int("SELECT COUNT(*) FROM host_software WHERE "
				 "name_key = '3cx desktop app'"),
	    3);
	assert_string_equal(hosts(s, &all, &f), "WS-1");
}

int
store_lists_tests(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(
		test_agent_filters, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_agent_counts, setup, teardown),
	    cmocka_unit_test_setup_teardown(
		test_software_page, setup, teardown),
	    cmocka_unit_test_setup_teardown(
		test_finding_totals, setup, teardown),
	    cmocka_unit_test_setup_teardown(
		test_lists_backfill, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
