/*
 * Inside the http role: the request-deadline watchdog (conns.c).  MHD's
 * connection timeout is an idle timeout that every received byte resets,
 * so a client sending one byte a second would hold a connection forever;
 * the watchdog gives each request http.connection_timeout seconds from
 * its first byte (or from the previous answer on a kept-alive
 * connection) and shuts the socket down when they pass.
 */
#ifndef RP_HTTP_INT_H
#define RP_HTTP_INT_H

struct conn_watch;

/* Starts the watchdog thread; 0 or RP_ERR_NOMEM/RP_ERR_IO. */
int conns_start(int timeout_seconds);
/* Stops it (after the MHD daemons are stopped). */
void conns_stop(void);
/* A new connection on fd; NULL when out of memory (then unwatched). */
struct conn_watch *conns_add(int fd);
/* An answer was sent: the next request gets a full timeout again. */
void conns_rearm(struct conn_watch *w);
/* The connection closed; w is freed.  NULL is a no-op. */
void conns_remove(struct conn_watch *w);

#endif
