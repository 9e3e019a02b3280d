/*
 * Metric storage and the OpenMetrics writer.  Every series is a fixed
 * slot allocated at start (route x method x status for the counter,
 * route x bucket for the histogram), so a request never allocates and
 * a hostile client cannot create series.
 */
#include "metrics/metrics.h"

#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "api/api.h"
#include "err.h"
#include "str.h"

static const char *const methods[] = {
    "GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "other"};
#define NMETHODS (sizeof(methods) / sizeof(methods[0]))
static const int statuses[] = {200, 201, 204, 301, 304, 400, 401, 403, 404, 405,
    408, 409, 413, 415, 422, 429, 431, 500, 503, 0};
#define NSTATUS (sizeof(statuses) / sizeof(statuses[0]))
/* Upper bounds in seconds (then +Inf); the API answers in milliseconds,
 * the tail shows a slow store. */
static const double buckets[] = {
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
/* The same bounds in OpenMetrics' canonical form ("1.0", not "1"). */
static const char *const bucket_text[] = {"0.001", "0.0025", "0.005", "0.01",
    "0.025", "0.05", "0.1", "0.25", "0.5", "1.0", "2.5", "5.0", "10.0"};
#define NBUCKETS (sizeof(buckets) / sizeof(buckets[0]))

struct slot {
	char *label; /* the API's "METHOD pattern", matched against */
	const char *route; /* the label value written */
	atomic_uint_least64_t count[NMETHODS][NSTATUS];
	atomic_uint_least64_t hist[NBUCKETS + 1];
	atomic_uint_least64_t nsec;
};

static struct slot *slots;
static size_t nslots; /* routes, then /metrics, then unmatched */
static atomic_uint_least64_t store_queries, store_errors, store_nsec;
/* Agents' long polls: held, and how each ended. */
static atomic_int_least64_t polls_waiting;
static atomic_uint_least64_t polls_woken, polls_timeout;
static int64_t start_time;

int
metrics_init(void)
{
	size_t n = api_route_count();

	if ((slots = calloc(n + 2, sizeof(*slots))) == NULL)
		return RP_ERR_NOMEM;
	for (size_t i = 0; i < n; i++) {
		const struct api_route_info *ri = api_route_at(i);
		slots[i].label = rp_asprintf("%s %s", ri->method, ri->pattern);
		slots[i].route = ri->pattern;
		if (slots[i].label == NULL) {
			nslots = i;
			metrics_free();
			return RP_ERR_NOMEM;
		}
	}
	slots[n].route = METRICS_ROUTE;
	slots[n + 1].route = "unmatched";
	nslots = n + 2;
	start_time = (int64_t)time(NULL);
	return 0;
}

void
metrics_free(void)
{
	for (size_t i = 0; i < nslots; i++)
		free(slots[i].label);
	free(slots);
	slots = NULL;
	nslots = 0;
}

static struct slot *
find_slot(const char *route)
{
	if (route != NULL && strcmp(route, METRICS_ROUTE) == 0)
		return &slots[nslots - 2];
	for (size_t i = 0; route != NULL && i + 2 < nslots; i++)
		if (strcmp(slots[i].label, route) == 0)
			return &slots[i];
	return &slots[nslots - 1];
}

void
metrics_request(
    const char *route, const char *method, int status, uint64_t nsec)
{
	size_t m = NMETHODS - 1, s = NSTATUS - 1, b = 0;
	struct slot *sl;

	if (nslots == 0)
		return;
	sl = find_slot(route);
	for (size_t i = 0; i + 1 < NMETHODS; i++)
		if (strcmp(method, methods[i]) == 0)
			m = i;
	for (size_t i = 0; i + 1 < NSTATUS; i++)
		if (statuses[i] == status)
			s = i;
	while (b < NBUCKETS && (double)nsec / 1e9 > buckets[b])
		b++;
	atomic_fetch_add(&sl->count[m][s], 1);
	atomic_fetch_add(&sl->hist[b], 1);
	atomic_fetch_add(&sl->nsec, nsec);
}

void
metrics_store(uint64_t queries, uint64_t errors, uint64_t nsec)
{
	atomic_fetch_add(&store_queries, queries);
	atomic_fetch_add(&store_errors, errors);
	atomic_fetch_add(&store_nsec, nsec);
}

void
metrics_long_poll(int event)
{
	if (event == METRICS_POLL_HELD)
		atomic_fetch_add(&polls_waiting, 1);
	else {
		atomic_fetch_sub(&polls_waiting, 1);
		atomic_fetch_add(
		    event == METRICS_POLL_WOKEN ? &polls_woken : &polls_timeout,
		    1);
	}
}

static void
render_requests(struct rp_buf *b)
{
	rp_buf_append(b,
	    "# TYPE rampart_http_requests counter\n"
	    "# HELP rampart_http_requests HTTP requests "
	    "answered, by route, method and status.\n");
	for (size_t i = 0; i < nslots; i++)
		for (size_t m = 0; m < NMETHODS; m++)
			for (size_t s = 0; s < NSTATUS; s++) {
				uint64_t v = atomic_load(&slots[i].count[m][s]);
				char st[8];
				if (v == 0)
					continue;
				if (statuses[s] != 0)
					snprintf(
					    st, sizeof(st), "%d", statuses[s]);
				else
					snprintf(st, sizeof(st), "other");
				rp_buf_appendf(b,
				    "rampart_http_requests_total{route=\"%s\","
				    "method=\"%s\",status=\"%s\"} %llu\n",
				    slots[i].route, methods[m], st,
				    (unsigned long long)v);
			}
}

static void
render_histogram(struct rp_buf *b)
{
	rp_buf_append(b,
	    "# TYPE rampart_http_request_duration_seconds "
	    "histogram\n"
	    "# HELP rampart_http_request_duration_seconds Time "
	    "from a request's headers to its answer.\n"
	    "# UNIT rampart_http_request_duration_seconds "
	    "seconds\n");
	for (size_t i = 0; i < nslots; i++) {
		uint64_t cum = 0;
		const char *r = slots[i].route;
		for (size_t k = 0; k <= NBUCKETS; k++) {
			cum += atomic_load(&slots[i].hist[k]);
			if (k < NBUCKETS)
				rp_buf_appendf(b,
				    "rampart_http_request_duration_seconds_"
				    "bucket{route=\"%s\",le=\"%s\"} %llu\n",
				    r, bucket_text[k], (unsigned long long)cum);
			else
				rp_buf_appendf(b,
				    "rampart_http_request_duration_seconds_"
				    "bucket{route=\"%s\",le=\"+Inf\"} %llu\n",
				    r, (unsigned long long)cum);
		}
		rp_buf_appendf(b,
		    "rampart_http_request_duration_seconds_count{route=\"%s\"} "
		    "%llu\n"
		    "rampart_http_request_duration_seconds_sum{route=\"%s\"} "
		    "%.9f\n",
		    r, (unsigned long long)cum, r,
		    (double)atomic_load(&slots[i].nsec) / 1e9);
	}
}

char *
metrics_render(size_t *len)
{
	struct rp_buf b;
	char *s;

	rp_buf_init(&b, 4 << 20);
	render_requests(&b);
	render_histogram(&b);
	rp_buf_appendf(&b,
	    "# TYPE rampart_agents_online gauge\n"
	    "# HELP rampart_agents_online Agents connected now.\n"
	    "rampart_agents_online 0\n"
	    "# TYPE rampart_store_queries counter\n"
	    "# HELP rampart_store_queries Store queries run.\n"
	    "rampart_store_queries_total %llu\n"
	    "# TYPE rampart_store_errors counter\n"
	    "# HELP rampart_store_errors Store queries that failed.\n"
	    "rampart_store_errors_total %llu\n"
	    "# TYPE rampart_store_query_seconds counter\n"
	    "# UNIT rampart_store_query_seconds seconds\n"
	    "# HELP rampart_store_query_seconds Time spent in the store.\n"
	    "rampart_store_query_seconds_total %.9f\n"
	    "# TYPE rampart_agent_long_polls_waiting gauge\n"
	    "# HELP rampart_agent_long_polls_waiting Agents' job requests "
	    "held until a job comes.\n"
	    "rampart_agent_long_polls_waiting %lld\n"
	    "# TYPE rampart_agent_long_polls counter\n"
	    "# HELP rampart_agent_long_polls Held job requests by how they "
	    "ended: woken by a job, or their time was up.\n"
	    "rampart_agent_long_polls_total{end=\"job\"} %llu\n"
	    "rampart_agent_long_polls_total{end=\"timeout\"} %llu\n"
	    "# TYPE process_start_time_seconds gauge\n"
	    "# UNIT process_start_time_seconds seconds\n"
	    "# HELP process_start_time_seconds When the http role started.\n"
	    "process_start_time_seconds %lld\n"
	    "# EOF\n",
	    (unsigned long long)atomic_load(&store_queries),
	    (unsigned long long)atomic_load(&store_errors),
	    (double)atomic_load(&store_nsec) / 1e9,
	    (long long)atomic_load(&polls_waiting),
	    (unsigned long long)atomic_load(&polls_woken),
	    (unsigned long long)atomic_load(&polls_timeout),
	    (long long)start_time);
	if (b.failed) {
		rp_buf_free(&b);
		return NULL;
	}
	*len = b.len;
	s = rp_buf_take(&b);
	return s;
}
