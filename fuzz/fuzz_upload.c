/*
 * Fuzzes the checks of agents' uploads (src/server/findings/intake.c):
 * an inventory or a sweep report body, or a job's results as a done
 * quarantine job's and a done or failed sweep job's.  An accepted
 * inventory has only entries with an identity of 16 hex digits and
 * canonical JSON that reads back, and at most 64 host addresses, each
 * an IP address in the canonical text it reads back to, with an
 * interface name; accepted quarantine entries have an
 * entry ID of 32 hex digits, a path and a hash of 64 hex digits or none;
 * a refusal names a field.
 */
#include <arpa/inet.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "findings/findings.h"
#include "util/err.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check_entries(const struct fnd_entry *v, size_t n)
{
	json_t *j;
	size_t i;

	for (i = 0; i < n; i++) {
		if (strlen(v[i].ident) != 16 ||
		    (j = json_loads(v[i].json, 0, NULL)) == NULL)
			abort();
		json_decref(j);
	}
}

static void
check_addrs(const struct fnd_upload *u)
{
	char text[INET6_ADDRSTRLEN];
	unsigned char b[16];
	size_t i;
	int af;

	if (u->naddrs > FND_ADDRS_MAX || (u->naddrs > 0 && !u->have_addrs))
		abort();
	for (i = 0; i < u->naddrs; i++) {
		af = strchr(u->addrs[i].ip, ':') != NULL ? AF_INET6 : AF_INET;
		if (inet_pton(af, u->addrs[i].ip, b) != 1 ||
		    inet_ntop(af, b, text, sizeof(text)) == NULL ||
		    strcmp(text, u->addrs[i].ip) != 0 ||
		    u->addrs[i].iface[0] == '\0')
			abort();
	}
}

static void
check_job(const json_t *results)
{
	static const struct fnd_job jobs[] = {
	    {.type = "quarantine", .state = "done", .path = "/opt/x.dll"},
	    {.type = "sweep", .state = "done", .quarantine = 1},
	    {.type = "sweep", .state = "failed", .quarantine = 1},
	};
	struct fnd_job_result *res;
	struct fnd_err e;
	size_t i, k;
	int r;

	for (i = 0; i < sizeof(jobs) / sizeof(jobs[0]); i++) {
		memset(&e, 0, sizeof(e));
		r = fnd_job_result_parse(&jobs[i], results, &res, &e);
		if (r != 0) {
			if (r != RP_ERR_NOMEM && e.field[0] != '/')
				abort();
			continue;
		}
		for (k = 0; k < res->nentries; k++)
			if (strlen(res->entries[k].entry) != FND_QENTRY_LEN ||
			    res->entries[k].path[0] != '/' ||
			    (res->entries[k].sha256[0] != '\0' &&
				strlen(res->entries[k].sha256) != 64))
				abort();
		fnd_job_result_free(res);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fnd_upload *u = NULL;
	struct fnd_sweep *s = NULL;
	struct fnd_err e;
	json_t *body;
	int r;

	body =
	    json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES, NULL);
	if (body == NULL)
		return 0;
	if (json_is_object(body)) {
		memset(&e, 0, sizeof(e));
		r = fnd_upload_parse(body, &u, &e);
		if (r == 0) {
			check_entries(u->add, u->nadd);
			check_entries(u->rm, u->nrm);
			check_addrs(u);
			fnd_upload_free(u);
		} else if (r != RP_ERR_NOMEM && e.msg[0] == '\0')
			abort();
		if (fnd_sweep_parse(body, &s, &e) == 0)
			fnd_sweep_free(s);
	} else if (json_is_array(body))
		check_job(body);
	json_decref(body);
	return 0;
}
