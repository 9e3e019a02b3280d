/*
 * The http role's metrics, served as OpenMetrics text at GET /metrics:
 * requests by route, method and status; a latency histogram per route;
 * the store's work; the agents online (a gauge, 0 until agents exist);
 * the process start time.  Routes come from the API's table, so label
 * values are bounded: unknown paths count as route "unmatched", unknown
 * methods as "other".  Counters are atomics: updates from every worker
 * thread take no lock.
 */
#ifndef RP_METRICS_H
#define RP_METRICS_H

#include <stddef.h>
#include <stdint.h>

#define METRICS_CONTENT_TYPE                                                   \
	"application/openmetrics-text; version=1.0.0; charset=utf-8"
/* The route label of /metrics itself. */
#define METRICS_ROUTE "/metrics"

/* Builds the route slots from api_route_count()/api_route_at(); once,
 * before serving.  0 or RP_ERR_NOMEM. */
int metrics_init(void);
/* Frees what metrics_init made. */
void metrics_free(void);

/* Counts one answered request.  route is the API's label ("GET
 * /api/v1/health"), METRICS_ROUTE, or anything else for "unmatched". */
void metrics_request(
    const char *route, const char *method, int status, uint64_t nsec);
/* Adds a store connection's work since the last call. */
void metrics_store(uint64_t queries, uint64_t errors, uint64_t nsec);

/* An agent's long poll held, or ended (woken by a job, or timed out). */
enum { METRICS_POLL_HELD, METRICS_POLL_WOKEN, METRICS_POLL_TIMEOUT };
void metrics_long_poll(int event);

/* The exposition text (caller frees), or NULL when out of memory. */
char *metrics_render(size_t *len);

#endif
