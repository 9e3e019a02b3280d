/*
 * rampart audit list|verify: the server's hash-chained audit log
 * (/api/v1/audit, msp-admin).  verify does not trust the server's word:
 * it recomputes every entry's hash with the same code the server appends
 * with (src/lib/audit), page by page, and checks the chain ends at the
 * head the last page reported (each page comes with the head of the same
 * snapshot, so an entry past it is an insertion).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit/audit.h"
#include "cmd.h"
#include "remote.h"
#include "util/out.h"

static void
usage(FILE *f)
{
	fputs("usage: rampart audit list [--limit N]\n"
	      "       rampart audit verify\n"
	      "\n"
	      "The server's audit log (msp-admin only): every login, change "
	      "and import,\n"
	      "each entry hashing the one before it.\n"
	      "list    the entries, oldest first (--limit N: the first N)\n"
	      "verify  fetches every entry, recomputes each hash and checks "
	      "the links and\n"
	      "        the head the server recorded; prints 'audit: N "
	      "entries verified,\n"
	      "        chain intact', or the first broken entry: 'audit: "
	      "entry SEQ edited'\n"
	      "        (its content does not match its hash), 'inserted' (it "
	      "does not link\n"
	      "        to the entry before), 'deleted' (entries before it "
	      "are missing),\n"
	      "        'truncated' (entries at the end are missing).\n"
	      "\n" REMOTE_COMMON_HELP
	      "Exit 0, 1 when the server refuses or the chain is broken, 2 "
	      "on bad usage,\n"
	      "3 when the server cannot be reached or is not a Rampart "
	      "server.\n",
	    f);
}

static int
list_page(json_t *page, void *arg)
{
	struct table *t = arg;
	const char *row[7];
	char b[7][512];
	json_t *it;
	size_t i;

	json_array_foreach(json_object_get(page, "items"), i, it)
	{
		row[0] = remote_str(it, "seq", b[0], 512);
		row[1] = remote_str(it, "at", b[1], 512);
		row[2] = remote_str(it, "actor", b[2], 512);
		row[3] = remote_str(it, "action", b[3], 512);
		row[4] = remote_str(it, "tenant", b[4], 512);
		row[5] = remote_str(it, "target", b[5], 512);
		row[6] = remote_str(it, "outcome", b[6], 512);
		if (table_add(t, row) != 0)
			return EXIT_UNREACHABLE;
	}
	return 0;
}

static int
list(struct remote *r, const struct remote_opts *o)
{
	const char *heads[] = {
	    "SEQ", "AT", "ACTOR", "ACTION", "TENANT", "TARGET", "OUTCOME"};
	struct table *t;
	json_t *items = NULL;
	int rc;

	if (o->json) {
		rc = remote_list(r, "/api/v1/audit", "", o->limit, &items);
		if (rc == 0)
			remote_print_json(items);
		json_decref(items);
		return rc;
	}
	if ((t = table_new(7, heads)) == NULL)
		return EXIT_UNREACHABLE;
	rc = remote_pages(r, "/api/v1/audit", "", o->limit, list_page, t);
	if (rc == 0)
		table_print(t, stdout);
	table_free(t);
	return rc;
}

/* ---- verify ---- */

struct walk {
	struct audit_verifier v;
	int have_head;
	int64_t head_seq;
	char head_hash[65];
	const char *bad; /* a malformed entry: which field */
	int64_t bad_seq;
};

static int
hex64(const char *s)
{
	return s != NULL && strlen(s) == 64 &&
	    strspn(s, "0123456789abcdef") == 64;
}

/* Copies a string field; "" is kept, absent or not a string fails. */
static int
take(json_t *j, const char *key, char **out)
{
	json_t *v = json_object_get(j, key);

	if (!json_is_string(v))
		return -1;
	return (*out = strdup(json_string_value(v))) == NULL ? -1 : 0;
}

/* Reads one AuditEntry; returns NULL or the name of the bad field. */
static const char *
entry_read(json_t *j, struct audit_entry *e)
{
	json_t *seq = json_object_get(j, "seq");
	const char *at = json_string_value(json_object_get(j, "at"));
	const char *prev = json_string_value(json_object_get(j, "prev"));
	const char *hash = json_string_value(json_object_get(j, "hash"));

	memset(e, 0, sizeof(*e));
	if (!json_is_integer(seq) || json_integer_value(seq) < 1)
		return "seq";
	e->seq = json_integer_value(seq);
	if (at == NULL || strlen(at) >= sizeof(e->at))
		return "at";
	memcpy(e->at, at, strlen(at) + 1);
	if (!hex64(prev))
		return "prev";
	if (!hex64(hash))
		return "hash";
	memcpy(e->prev, prev, 65);
	memcpy(e->hash, hash, 65);
	if (take(j, "actor", &e->actor) != 0)
		return "actor";
	if (take(j, "address", &e->address) != 0)
		return "address";
	if (take(j, "action", &e->action) != 0)
		return "action";
	if (take(j, "tenant", &e->tenant) != 0)
		return "tenant";
	if (take(j, "target", &e->target) != 0)
		return "target";
	if (take(j, "outcome", &e->outcome) != 0)
		return "outcome";
	if (take(j, "detail", &e->detail) != 0)
		return "detail";
	return NULL;
}

/* The head of this page, read by the server in the same snapshot as the
 * page's entries: the chain must end at the last page's head, and no
 * entry of a page may lie beyond its own head. */
static int
read_head(struct walk *w, json_t *page)
{
	json_t *h = json_object_get(page, "head");
	json_t *seq = json_object_get(h, "seq");
	const char *hash = json_string_value(json_object_get(h, "hash"));

	w->have_head = 1;
	if (h == NULL || json_is_null(h)) {
		/* an empty log */
		w->head_seq = 0;
		memcpy(w->head_hash, AUDIT_GENESIS, 65);
		return 0;
	}
	if (!json_is_integer(seq) || json_integer_value(seq) < 0 ||
	    !hex64(hash)) {
		fprintf(stderr,
		    "rampart: the audit answer's head is not "
		    "{\"seq\", \"hash\"}\n");
		return EXIT_UNREACHABLE;
	}
	w->head_seq = json_integer_value(seq);
	memcpy(w->head_hash, hash, 65);
	return 0;
}

static int
verify_page(json_t *page, void *arg)
{
	struct walk *w = arg;
	struct audit_entry e;
	const char *bad;
	json_t *it;
	size_t i;
	int rc;

	if ((rc = read_head(w, page)) != 0)
		return rc;
	json_array_foreach(json_object_get(page, "items"), i, it)
	{
		if ((bad = entry_read(it, &e)) != NULL) {
			w->bad = bad;
			w->bad_seq = e.seq;
			audit_entry_clear(&e);
			return -1;
		}
		if (e.seq > w->head_seq) {
			/* Not appended by the server: it moves the head in
			 * the same transaction. */
			w->v.problem = AUDIT_INSERTED;
			w->v.seq = e.seq;
			audit_entry_clear(&e);
			return -1;
		}
		rc = audit_verify_next(&w->v, &e) != AUDIT_OK;
		audit_entry_clear(&e);
		if (rc)
			return -1;
	}
	return 0;
}

static int
report(const struct remote_opts *o, struct walk *w, enum audit_problem p)
{
	json_t *j;

	if (o->json) {
		j = json_pack("{s:I, s:b, s:s, s:I, s:I}", "verified",
		    (json_int_t)w->v.checked, "intact",
		    p == AUDIT_OK && !w->bad, "problem",
		    w->bad ? "malformed" : audit_problem_name(p), "seq",
		    (json_int_t)(w->bad ? w->bad_seq : w->v.seq), "head_seq",
		    (json_int_t)w->head_seq);
		if (j != NULL)
			remote_print_json(j);
		json_decref(j);
	} else if (w->bad != NULL)
		printf("audit: entry %lld malformed: its %s is missing or "
		       "not valid (%lld entries verified before it)\n",
		    (long long)w->bad_seq, w->bad, (long long)w->v.checked);
	else if (p != AUDIT_OK)
		printf("audit: entry %lld %s (%lld entries verified before "
		       "it)\n",
		    (long long)w->v.seq, audit_problem_name(p),
		    (long long)w->v.checked);
	else {
		printf("audit: %lld entries verified, chain intact\n",
		    (long long)w->v.checked);
	}
	return p == AUDIT_OK && w->bad == NULL ? 0 : EXIT_PROBLEM;
}

static int
verify(struct remote *r, const struct remote_opts *o)
{
	struct walk w;
	enum audit_problem p;
	int rc;

	memset(&w, 0, sizeof(w));
	audit_verify_init(&w.v);
	if ((rc = remote_pages(r, "/api/v1/audit", "", 0, verify_page, &w)) !=
	    0)
		return rc;
	if (!w.have_head) {
		fprintf(stderr, "rampart: the audit answer has no head\n");
		return EXIT_UNREACHABLE;
	}
	p = w.v.problem;
	if (p == AUDIT_OK && w.bad == NULL)
		p = audit_verify_end(&w.v, w.head_seq, w.head_hash);
	return report(o, &w, p);
}

static int
run(struct remote_opts *o, const char *sub, int argc, char **argv)
{
	static const struct option lo[] = {
	    REMOTE_OPTIONS, REMOTE_LIMIT_OPTION, {0}};
	struct remote *r = NULL;
	int ch, rc;

	while ((ch = remote_getopt(argc, argv, lo, o)) != -1) {
		if (ch == REMOTE_HELP) {
			usage(stdout);
			return 0;
		}
		return EXIT_USAGE;
	}
	if (optind != argc)
		return remote_usage_error(
		    o, "unexpected argument '%s'", argv[optind]);
	if (o->limit != 0 && strcmp(sub, "verify") == 0)
		return remote_usage_error(
		    o, "--limit belongs to 'list': verify reads every entry");
	if ((rc = remote_open(o, REMOTE_AUTH, &r)) != 0)
		return rc;
	rc = strcmp(sub, "list") == 0 ? list(r, o) : verify(r, o);
	remote_close(r);
	return rc;
}

int
cmd_audit(int argc, char **argv)
{
	static const char *const subs[] = {"list", "verify", NULL};

	return remote_main(argc, argv, subs, usage, run);
}
