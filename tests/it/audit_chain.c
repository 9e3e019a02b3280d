/*
 * Test helper for tests/it/cli_api.sh: writes an audit log of 7 entries
 * as GET /api/v1/audit answers it ({"items": [...], "head": {...}}),
 * hashed by src/lib/audit itself, then damaged as asked:
 *   audit_chain intact | edit N | delete N | insert N | truncate
 * edit changes entry N's outcome and leaves its hash; delete drops it;
 * insert replaces it with a forged entry whose own hash is right but
 * whose prev is not its predecessor's; truncate drops the last entry
 * but keeps the head.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "audit/audit.h"

#define N 7

static void
fill(struct audit_entry *e, int64_t seq, const char *prev)
{
	static char actor[] = "user:alice", addr[] = "127.0.0.1",
		    act[] = "tenant.create", tenant[] = "acme", out[] = "ok",
		    detail[] = "{\"name\":\"Acme \\u00e9\"}";
	static char target[N + 2][32];

	snprintf(
	    target[seq], sizeof(target[seq]), "tenant:t%lld", (long long)seq);
	e->seq = seq;
	snprintf(e->at, sizeof(e->at), "2026-01-02T03:04:%02lld.000Z",
	    (long long)seq);
	e->actor = actor;
	e->address = addr;
	e->action = act;
	e->tenant = tenant;
	e->target = target[seq];
	e->outcome = out;
	e->detail = detail;
	memcpy(e->prev, prev, 65);
	if (audit_hash(e, e->hash) != 0)
		exit(1);
}

static json_t *
to_json(const struct audit_entry *e)
{
	return json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, "
			 "s:s}",
	    "seq", (json_int_t)e->seq, "at", e->at, "actor", e->actor,
	    "address", e->address, "action", e->action, "tenant", e->tenant,
	    "target", e->target, "outcome", e->outcome, "detail", e->detail,
	    "prev", e->prev, "hash", e->hash);
}

int
main(int argc, char **argv)
{
	struct audit_entry v[N + 1];
	static char failed[] = "failed";
	const char *mode = argc > 1 ? argv[1] : "intact";
	int64_t k = argc > 2 ? strtoll(argv[2], NULL, 10) : 0;
	json_t *items = json_array(), *root;
	int64_t i;

	memset(v, 0, sizeof(v));
	for (i = 1; i <= N; i++)
		fill(&v[i], i, i == 1 ? AUDIT_GENESIS : v[i - 1].hash);
	if (strcmp(mode, "edit") == 0)
		v[k].outcome = failed;
	if (strcmp(mode, "insert") == 0) {
		v[k].outcome = failed;
		memset(v[k].prev, 'f', 64);
		if (audit_hash(&v[k], v[k].hash) != 0)
			return 1;
	}
	for (i = 1; i <= N; i++) {
		if ((strcmp(mode, "delete") == 0 && i == k) ||
		    (strcmp(mode, "truncate") == 0 && i == N))
			continue;
		json_array_append_new(items, to_json(&v[i]));
	}
	root = json_pack("{s:o, s:{s:I, s:s}}", "items", items, "head", "seq",
	    (json_int_t)N, "hash", v[N].hash);
	if (root == NULL || json_dumpf(root, stdout, JSON_COMPACT) != 0)
		return 1;
	json_decref(root);
	return 0;
}
