/*
 * Blocklist feeds (docs/feeds.md): a customer's feeds with whether each
 * device fetched the newest indicators, creating a feed (its URL, which
 * carries the secret, is shown once on the page that answers the form,
 * with a copy button), rotating its secret, turning it off and on, and
 * deleting it.  Also the per-customer feed summary of the overview.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "api/api.h"
#include "util/err.h"
#include "util/str.h"
#include "web_int.h"

/* The formats a feed can have, in the order the form lists them. */
static const char *const formats[] = {"fortigate-ip", "fortigate-domain",
    "fortigate-hash", "pan-ip", "pan-domain", "pan-url", "pfsense", "mikrotik",
    "nft", "ipset", "iptables", "ip6tables", "unbound", "rpz", "dnsmasq",
    "hosts", "suricata", "suricata-dataset", "squid-dstdomain", "squid-dst",
    "squid-url", "csv", "json", "stix", NULL};

/* Minutes since the status's last fetch into its "ago_min". */
static void
add_ago(json_t *status, int64_t now)
{
	const char *at = json_string_value(
	    json_object_get(json_object_get(status, "last_fetch"), "at"));
	int64_t t;

	if (at != NULL && web_time_parse(at, &t) == 0)
		json_object_set_new(status, "ago_min",
		    json_integer(now > t ? (now - t) / 60 : 0));
}

/* Minutes since each feed's last fetch into its status's "ago_min". */
static void
web_feed_status(json_t *feeds)
{
	int64_t now = (int64_t)time(NULL);
	json_t *f;
	size_t i;

	json_array_foreach(feeds, i, f)
	    add_ago(json_object_get(f, "status"), now);
}

/* How bad a status is: stale, then never fetched, then fresh. */
static int
badness(json_t *status)
{
	const char *s = json_string_value(json_object_get(status, "state"));

	if (s == NULL)
		return 0;
	return strcmp(s, "stale") == 0 ? 3 : strcmp(s, "never") == 0 ? 2 : 1;
}

void
web_feed_summary(json_t *tenants, json_t *feeds)
{
	json_t *t, *f, *worst;
	const char *slug, *ft;
	size_t i, k;

	web_feed_status(feeds);
	json_array_foreach(tenants, i, t)
	{
		slug = json_string_value(json_object_get(t, "slug"));
		worst = NULL;
		json_array_foreach(feeds, k, f)
		{
			ft = json_string_value(json_object_get(f, "tenant"));
			if (ft == NULL || slug == NULL || strcmp(ft, slug) != 0)
				continue;
			if (worst == NULL ||
			    badness(json_object_get(f, "status")) >
				badness(json_object_get(worst, "status")))
				worst = f;
		}
		if (worst != NULL) {
			json_object_set(
			    t, "status", json_object_get(worst, "status"));
			json_object_set(
			    t, "feed_name", json_object_get(worst, "name"));
		}
	}
}

static int
feeds_page(struct web_ctx *w, int status, const char *error, json_t *created)
{
	const char *tenant = web_arg(w, "tenant");
	struct web_query q;
	json_t *tenants = NULL, *feeds = NULL, *fmts = json_array(), *data;
	size_t i;

	memset(&q, 0, sizeof(q));
	web_q_add(&q, "tenant", tenant);
	web_q_add(&q, "limit", "500");
	(void)web_api(
	    w, "GET", "/api/v1/tenants", NULL, NULL, NULL, 0, &tenants);
	(void)web_api(w, "GET", "/api/v1/feeds", q.v, NULL, NULL, 0, &feeds);
	web_feed_status(json_object_get(feeds, "items"));
	for (i = 0; formats[i] != NULL && fmts != NULL; i++)
		json_array_append_new(fmts, json_string(formats[i]));
	data = json_pack("{s:s,s:s,s:O*,s:O*,s:o*,s:s?,s:s?,s:o*,s:s?}",
	    "title", web_tr(&w->loc, T_("Blocklist feeds")), "nav", "feeds",
	    "tenants", json_object_get(tenants, "items"), "feeds",
	    json_object_get(feeds, "items"), "formats", fmts, "error", error,
	    "notice", web_notice(w), "created", created, "tenant", tenant);
	json_decref(tenants);
	json_decref(feeds);
	return web_page(w, status, "feeds", data);
}

int
p_feed_list(struct web_ctx *w)
{
	return feeds_page(w, 200, NULL, NULL);
}

/* The answer to a form: the feeds page with the new URL (shown this
 * once) or the API's words. */
static int
answered(struct web_ctx *w, int st, int want, json_t *ans)
{
	json_t *url;
	char *full;
	int r;

	if (st != want) {
		r = feeds_page(w, st == 0 ? 503 : st, web_api_error(ans), NULL);
		json_decref(ans);
		return r;
	}
	url = json_object_get(ans, "url");
	if (url == NULL) {
		json_decref(ans);
		return web_redirect(w, "/feeds?done=saved");
	}
	/* the API saw no Host (an internal call): the page's is this
	 * server's as the browser reached it */
	full = rp_asprintf("%s%s%s",
	    w->rq->host != NULL
		? (api_secure_cookies() ? "https://" : "http://")
		: "",
	    w->rq->host != NULL ? w->rq->host : "", json_string_value(url));
	r = feeds_page(w, want, NULL,
	    json_pack("{s:s?,s:O}", "url", full, "name",
		json_object_get(ans, "name")));
	if (full != NULL)
		sodium_memzero(full, strlen(full));
	free(full);
	/* the URL carries the secret: not kept past this page */
	sodium_memzero((char *)json_string_value(url), json_string_length(url));
	json_decref(ans);
	return r;
}

int
p_feed_create(struct web_ctx *w)
{
	const char *tenant = web_form_str(&w->form, "tenant");
	const char *max = web_form_str(&w->form, "max_entries");
	json_t *ans = NULL, *body;
	int st;

	body =
	    json_pack("{s:s,s:s,s:I}", "name", web_form_str(&w->form, "name"),
		"format", web_form_str(&w->form, "format"), "max_entries",
		(json_int_t)(*max != '\0' ? strtoll(max, NULL, 10) : 0));
	if (body != NULL)
		json_object_set_new(body, "tenant",
		    strcmp(tenant, "-") == 0 ? json_null()
					     : json_string(tenant));
	st = web_api_json(w, "POST", "/api/v1/feeds", body, &ans);
	return answered(w, st, 201, ans);
}

/* PATCH of the feed of the path with body (taken). */
static int
patch(struct web_ctx *w, json_t *body)
{
	json_t *ans = NULL;
	char path[64];
	int st;

	snprintf(path, sizeof(path), "/api/v1/feeds/%s", w->param[0]);
	st = web_api_json(w, "PATCH", path, body, &ans);
	return answered(w, st, 200, ans);
}

int
p_feed_rotate(struct web_ctx *w)
{
	return patch(w, json_pack("{s:b}", "rotate_secret", 1));
}

int
p_feed_enable(struct web_ctx *w)
{
	return patch(w,
	    json_pack("{s:b}", "enabled",
		strcmp(web_form_str(&w->form, "enabled"), "1") == 0));
}

int
p_feed_delete(struct web_ctx *w)
{
	json_t *ans = NULL;
	char path[64];
	int st;

	snprintf(path, sizeof(path), "/api/v1/feeds/%s", w->param[0]);
	st = web_api(w, "DELETE", path, NULL, NULL, NULL, 0, &ans);
	return answered(w, st, 204, ans);
}
