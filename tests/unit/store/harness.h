/*
 * The store tests' shared harness (harness.c): which driver runs, the
 * database URL, per-test setup, raw access and fixtures.
 */
#ifndef RP_TEST_STORE_HARNESS_H
#define RP_TEST_STORE_HARNESS_H

#include <stddef.h>
#include <stdint.h>

#include "store/store.h"

extern int use_sqlite; /* 1: SQLite files under tmpdir; 0: PostgreSQL */
extern char tmpdir[64];
extern char url[512]; /* the database of the current test */

/* SQL run (or one integer read) through the database's own client. */
void raw_exec(const char *sql);
long long raw_int(const char *sql);
/* A new connection to url (fails the test when it cannot). */
struct store *xopen(void);
/* cmocka setups: a fresh database, migrated (setup) or not; *state is
 * the connection, which teardown closes. */
int setup(void **state);
int setup_empty(void **state);
int teardown(void **state);

extern const struct store_scope all;
/* A new tenant named slug; a new scope of tenants t[0..n). */
int64_t tenant(struct store *s, const char *slug);
struct store_scope scope_of(struct store *s, const int64_t *t, size_t n);

/* The agent enrolment tests (test_store_agent.c): the cmocka result. */
int store_agent_tests(void);
/* The rules bundle tests (test_store_bundle.c). */
int store_bundle_tests(void);
/* A user's own settings, TOTP secret and sessions (test_store_user.c). */
int store_user_tests(void);
/* The quarantine entry and job detection tests
 * (test_store_quarantine.c). */
int store_quarantine_tests(void);
/* The audit log's filters and verifying walk (test_store_audit.c). */
int store_audit_tests(void);
/* The host lists tests (test_store_lists.c). */
int store_lists_tests(void);
/* Indicators, sources and the allowlist (test_store_indicator.c). */
int store_indicator_tests(void);

#endif
