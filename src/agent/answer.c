/*
 * What the agent's server commands share: reading the server's answer
 * (its JSON, or its error object told as the server put it, through
 * util/out.h since a server is not trusted to send printable text) and
 * the facts about this machine that enrolment and heartbeats report.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agent_cmd.h"
#include "collectors/collectors.h"
#include "inventory/inventory.h"
#include "util/diag.h"
#include "util/err.h"
#include "util/out.h"
#include "util/str.h"

int
agent_answer(const char *cmd, const char *base, const char *path,
    const struct net_resp *resp, long want, json_t **out)
{
	json_t *v = NULL, *e;
	const char *code, *msg;

	*out = NULL;
	if (strcmp(resp->ctype, "application/json") == 0)
		v = json_loadb(
		    resp->body, resp->len, JSON_REJECT_DUPLICATES, NULL);
	if (!json_is_object(v)) {
		fprintf(stderr,
		    "rampart-agent %s: %s%s answered HTTP %ld with %s, not the "
		    "Rampart API's JSON: is this the Rampart server's URL?\n",
		    cmd, base, path, resp->status,
		    resp->ctype[0] ? resp->ctype : "no content type");
		json_decref(v);
		return EXIT_UNREACHABLE;
	}
	if (resp->status == want) {
		*out = v;
		return 0;
	}
	e = json_object_get(v, "error");
	code = json_string_value(json_object_get(e, "code"));
	msg = json_string_value(json_object_get(e, "message"));
	if (code == NULL) {
		fprintf(stderr,
		    "rampart-agent %s: %s%s answered HTTP %ld without the "
		    "API's "
		    "error object: is this a Rampart server?\n",
		    cmd, base, path, resp->status);
		json_decref(v);
		return EXIT_UNREACHABLE;
	}
	fprintf(stderr,
	    "rampart-agent %s: refused by the server (HTTP %ld): ", cmd,
	    resp->status);
	out_text(stderr, code, 64, 0);
	fputs(": ", stderr);
	out_text(stderr, msg != NULL ? msg : "(no message)", 2000, 0);
	fputc('\n', stderr);
	if (resp->status == 429 && resp->retry_after >= 0)
		fprintf(stderr, "rampart-agent %s: try again in %ld seconds\n",
		    cmd, resp->retry_after);
	json_decref(v);
	return EXIT_REFUSED;
}

int
agent_host_get(const char *name, struct agent_host *out)
{
	struct inv_host *h;
	struct rp_diags *d = NULL;
	const char *os, *ver;
	int r = RP_ERR_NOMEM;

	memset(out, 0, sizeof(*out));
	if ((h = inv_host_new()) == NULL || (d = rp_diags_new()) == NULL)
		goto out;
	/* what cannot be read is left out: the server shows "" */
	if (collect_host("/", h, d) == RP_ERR_NOMEM)
		goto out;
	os = h->os != NULL ? h->os : "";
	ver = h->os_version != NULL ? h->os_version : "";
	out->hostname =
	    strdup(name != NULL ? name : (h->name != NULL ? h->name : ""));
	out->os = rp_asprintf("%s%s%s", os, *os && *ver ? " " : "", ver);
	if (out->hostname == NULL || out->os == NULL) {
		agent_host_clear(out);
		goto out;
	}
	r = 0;
out:
	rp_diags_free(d);
	inv_host_free(h);
	return r;
}

void
agent_host_clear(struct agent_host *h)
{
	free(h->hostname);
	free(h->os);
	memset(h, 0, sizeof(*h));
}
