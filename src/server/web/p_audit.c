/*
 * The audit log, newest first, with filters, and the hash chain's
 * verification on request (it reads every entry, so it runs when asked,
 * not on every view).
 */
#include <stdio.h>
#include <string.h>

#include "util/err.h"
#include "web_int.h"

static const char *const audit_filters[] = {
    "action", "actor", "tenant", "outcome", NULL};

int
p_audit(struct web_ctx *w)
{
	struct web_query q = {0};
	json_t *list = NULL, *verify = NULL, *f, *data;
	const char *v = web_arg(w, "verify");
	size_t i;
	int st;

	if (!WEB_IS_ADMIN(w))
		return web_fail(w, 403, T_("Your role may not do this."), NULL);
	web_q_add(&q, "order", "desc");
	web_q_add(&q, "limit", "100");
	if ((f = json_object()) == NULL)
		return RP_ERR_NOMEM;
	for (i = 0; audit_filters[i] != NULL; i++) {
		const char *a = web_arg(w, audit_filters[i]);

		web_q_add(&q, audit_filters[i], a);
		json_object_set_new(
		    f, audit_filters[i], json_string(a != NULL ? a : ""));
	}
	web_q_add(&q, "after", web_arg(w, "after"));
	st = web_api(w, "GET", "/api/v1/audit", q.v, NULL, NULL, 0, &list);
	if (v != NULL && strcmp(v, "1") == 0)
		(void)web_api(w, "GET", "/api/v1/audit/verify", NULL, NULL,
		    NULL, 0, &verify);
	data = json_pack("{s:s,s:s,s:o,s:O*,s:O*,s:s?}", "title",
	    web_tr(&w->loc, T_("Audit log")), "nav", "audit", "f", f, "items",
	    st == 200 ? json_object_get(list, "items") : NULL, "verify", verify,
	    "error", st == 200 ? NULL : web_api_error(list));
	web_set_next(w, data, json_object_get(list, "next"), "action", "actor",
	    "tenant", "outcome", NULL);
	json_decref(list);
	json_decref(verify);
	return web_page(w, st == 200 ? 200 : st == 0 ? 503 : st, "audit", data);
}
