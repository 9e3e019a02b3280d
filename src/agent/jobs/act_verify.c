/*
 * "Is the block live?" (docs/agent-jobs.md, "Blocklists"): block-verify
 * asks the host's own resolver (res_nquery with /etc/resolv.conf, as the
 * host's programs would) for the A and AAAA records of the blob's
 * domains and says for each whether it is blocked (NXDOMAIN, or only
 * sinkhole addresses), open (other addresses: which), or unknown
 * ("error": the resolver failed or did not answer -- never counted as
 * blocked).  It sends DNS queries to the configured resolver and
 * nothing else: it never connects to an indicator's address.
 */
#include <arpa/inet.h>
#include <arpa/nameser.h>
#include <netdb.h>
#include <netinet/in.h>
#include <resolv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "blockblob/blockblob.h"
#include "jobs_int.h"
#include "util/err.h"

#define VERIFY_DOMAINS_MAX 1000 /* domains checked, in sorted order */
#define VERIFY_ADDRS_SHOWN 4 /* addresses listed for an open domain */
#define VERIFY_ERRORS_STOP 10 /* resolver failures in a row: stop */
#define ANSWER_MAX 4096

/* What one query said. */
enum qres { Q_ANSWER, Q_NXDOMAIN, Q_NODATA, Q_ERROR };

/* Addresses seen for one domain (the first VERIFY_ADDRS_SHOWN open
 * ones kept); open: whether any is not a sinkhole. */
struct seen {
	char open[VERIFY_ADDRS_SHOWN][INET6_ADDRSTRLEN];
	size_t nopen, nsink;
};

static const char *const always_sinkhole[] = {
    "0.0.0.0", "::", "127.0.0.1", "::1", NULL};

static int
is_sinkhole(const struct blockblob *b, const char *a)
{
	size_t i;

	for (i = 0; always_sinkhole[i] != NULL; i++)
		if (strcmp(always_sinkhole[i], a) == 0)
			return 1;
	for (i = 0; i < b->nsinkhole; i++)
		if (strcmp(b->sinkhole[i], a) == 0)
			return 1;
	return 0;
}

/* The A or AAAA records of one answer into s. */
static void
collect(const struct blockblob *b, const unsigned char *ans, int len, int type,
    struct seen *s, int *any)
{
	char txt[INET6_ADDRSTRLEN];
	ns_msg m;
	ns_rr rr;
	int i, n;

	if (ns_initparse(ans, len, &m) != 0)
		return;
	n = ns_msg_count(m, ns_s_an);
	for (i = 0; i < n; i++) {
		if (ns_parserr(&m, ns_s_an, i, &rr) != 0)
			return;
		if ((int)ns_rr_type(rr) != type ||
		    ns_rr_rdlen(rr) != (type == ns_t_a ? 4 : 16) ||
		    inet_ntop(type == ns_t_a ? AF_INET : AF_INET6,
			ns_rr_rdata(rr), txt, sizeof(txt)) == NULL)
			continue;
		*any = 1;
		if (is_sinkhole(b, txt))
			s->nsink++;
		else if (s->nopen < VERIFY_ADDRS_SHOWN)
			memcpy(s->open[s->nopen++], txt, sizeof(txt));
		else
			s->nopen++;
	}
}

/* One query of name for type: what it said, addresses into s. */
static enum qres
query(res_state rs, const struct blockblob *b, const char *name, int type,
    struct seen *s)
{
	unsigned char ans[ANSWER_MAX];
	int len, any = 0;

	len = res_nquery(rs, name, ns_c_in, type, ans, sizeof(ans));
	if (len < 0)
		switch (rs->res_h_errno) {
		case HOST_NOT_FOUND:
			return Q_NXDOMAIN;
		case NO_DATA:
			return Q_NODATA;
		default: /* SERVFAIL, REFUSED, no answer in time */
			return Q_ERROR;
		}
	collect(b, ans, len < (int)sizeof(ans) ? len : (int)sizeof(ans), type,
	    s, &any);
	return any ? Q_ANSWER : Q_NODATA;
}

/* The row of one domain; *state gets "blocked", "open" or "error". */
static json_t *
check_domain(res_state rs, const struct blockblob *b, const char *name,
    const char **state)
{
	struct seen s;
	enum qres a, aaaa;
	const char *how = NULL;
	json_t *row, *open;
	size_t i;

	memset(&s, 0, sizeof(s));
	a = query(rs, b, name, ns_t_a, &s);
	aaaa = a == Q_NXDOMAIN ? Q_NXDOMAIN : query(rs, b, name, ns_t_aaaa, &s);
	if (s.nopen > 0)
		*state = "open"; /* an address answered is an address */
	else if (a == Q_NXDOMAIN || aaaa == Q_NXDOMAIN)
		*state = "blocked", how = "nxdomain";
	else if (a == Q_ERROR || aaaa == Q_ERROR)
		*state = "error", how = "the resolver failed or did not answer";
	else if (s.nsink > 0)
		*state = "blocked", how = "sinkhole";
	else
		*state = "blocked", how = "no address";
	row = json_pack(
	    "{s:s, s:s, s:s?}", "domain", name, "state", *state, "how", how);
	if (row != NULL && s.nopen > 0 && (open = json_array()) != NULL) {
		for (i = 0; i < s.nopen && i < VERIFY_ADDRS_SHOWN; i++)
			json_array_append_new(open, json_string(s.open[i]));
		json_object_set_new(row, "addresses", open);
	}
	return row;
}

/* Checks the first VERIFY_DOMAINS_MAX domains into rows and counts. */
static int
verify(res_state rs, const struct blockblob *b, json_t *rows, size_t n[3],
    size_t *checked, int *stopped)
{
	static const char *const names[3] = {"blocked", "open", "error"};
	size_t i, k, errors = 0;
	const char *state = NULL;
	json_t *row;

	for (i = 0; i < b->ndomains && i < VERIFY_DOMAINS_MAX; i++) {
		if ((row = check_domain(rs, b, b->domains[i], &state)) ==
			NULL ||
		    json_array_append_new(rows, row) != 0)
			return RP_ERR_NOMEM;
		for (k = 0; k < 3; k++)
			n[k] += strcmp(state, names[k]) == 0;
		errors = strcmp(state, "error") == 0 ? errors + 1 : 0;
		*checked = i + 1;
		if (errors == VERIFY_ERRORS_STOP && i + 1 < b->ndomains) {
			*stopped = 1; /* the resolver is down: say so */
			break;
		}
	}
	return 0;
}

int
act_block_verify(
    const struct jobs_ctx *c, const struct proto_job *j, struct jobs_outcome *o)
{
	struct __res_state rs;
	struct blockblob *b = NULL;
	char *buf = NULL, why[256] = "";
	size_t len = 0, n[3] = {0, 0, 0}, checked = 0;
	int stopped = 0, inited = 0, r = 0;
	json_t *rows = NULL;

	memset(&rs, 0, sizeof(rs));
	if (jobs_blocklist_load(c, j->blocklist, &buf, &len, o) != 0)
		return 0;
	r = blockblob_read(buf, len, &b, why, sizeof(why));
	free(buf);
	if (r != 0) {
		jobs_set(o, JOBS_FAILED, "blocklist %s: %s", j->blocklist,
		    r == RP_ERR_NOMEM ? "out of memory" : why);
		return r == RP_ERR_NOMEM ? r : 0;
	}
	if (res_ninit(&rs) != 0) {
		jobs_set(o, JOBS_FAILED, "%s",
		    "the host's resolver configuration cannot be read");
		goto out;
	}
	inited = 1; /* res_nclose only then: a zeroed state names fd 0 */
	rs.retrans = 2; /* seconds per try; a resolver that is down */
	rs.retry = 2; /* must not hold the job for long */
	rs.options &= ~(unsigned long)(RES_DNSRCH | RES_DEFNAMES);
	if ((rows = json_array()) == NULL ||
	    verify(&rs, b, rows, n, &checked, &stopped) != 0) {
		r = RP_ERR_NOMEM;
		goto out;
	}
	jobs_set(o, JOBS_DONE, "%s", "");
	r = jobs_result(o,
	    json_pack("{s:s, s:s, s:I, s:I, s:I, s:b, s:b, s:{s:I, s:I, s:I}, "
		      "s:O}",
		"blocklist", j->blocklist, "resolver",
		"the host's own "
		"(/etc/resolv.conf)",
		"domains", (json_int_t)b->ndomains, "checked",
		(json_int_t)checked, "limit", (json_int_t)VERIFY_DOMAINS_MAX,
		"truncated", checked < b->ndomains, "resolver_down", stopped,
		"counts", "blocked", (json_int_t)n[0], "open", (json_int_t)n[1],
		"error", (json_int_t)n[2], "rows", rows));
out:
	if (r == RP_ERR_NOMEM)
		jobs_set(o, JOBS_FAILED, "out of memory");
	if (inited)
		res_nclose(&rs);
	json_decref(rows);
	blockblob_free(b);
	return r;
}
