/*
 * The server's store: one interface over two drivers, SQLite (the default,
 * WAL, a file under var/) and PostgreSQL (libpq).  Every query is a
 * prepared statement with bound parameters; the SQL text is the same for
 * both drivers wherever the dialects agree (the driver rewrites `?` to
 * `$n` for PostgreSQL).
 *
 * A struct store is one connection, used by one thread at a time: each
 * HTTP worker thread opens its own.  Writes that must be atomic with their
 * audit entry run between store_begin() and store_commit().
 *
 * Rows returned in structs are owned by the caller and freed with the
 * matching _free/_clear function; strings in them are NUL-terminated and
 * never NULL unless the field says so.  Times are seconds since the epoch
 * (UTC) unless the name says otherwise.
 *
 * Errors: 0, or RP_ERR_NOTFOUND (no such row), RP_ERR_INVALID (a
 * constraint: *conflict* with an existing row, e.g. a duplicate name),
 * RP_ERR_LIMIT (the database is newer than this binary), RP_ERR_IO (the
 * database failed; store_errmsg() says how), RP_ERR_NOMEM, RP_ERR_ARG.
 */
#ifndef RP_STORE_H
#define RP_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "audit/audit.h"

struct store;

/* Largest page a list returns; a larger limit is clamped to it. */
#define STORE_PAGE_MAX 500

enum store_driver {
	STORE_SQLITE,
	STORE_PG,
};

/*
 * Opens a connection.  url is "postgresql://..." / "postgres://..." for
 * PostgreSQL (a libpq connection URI), "sqlite:PATH" or a plain PATH for
 * SQLite (the file is created with mode 0600 when missing; WAL mode,
 * foreign keys on, a busy timeout so concurrent writers wait instead of
 * failing).  Does not migrate.  On failure returns an error and, when
 * errbuf is not NULL, a message there (never containing a password).
 */
int store_open(
    const char *url, struct store **out, char *errbuf, size_t errlen);
/* Closes the connection; NULL is a no-op. */
void store_close(struct store *s);
enum store_driver store_driver(const struct store *s);
/* The last driver error message of s ("" when none); borrowed. */
const char *store_errmsg(const struct store *s);

/* Work done on a connection since it was opened, for /metrics: queries
 * run, failures, and the wall time spent in the driver. */
struct store_stats {
	uint64_t queries;
	uint64_t errors;
	uint64_t nsec;
};
void store_stats(const struct store *s, struct store_stats *out);

/* SQLite: copies the WAL's committed pages into the database file as far
 * as readers allow, without waiting (rampartd's http role does this every
 * second outside any request, so that no request pays for it); a no-op
 * on PostgreSQL.  Returns 0 or RP_ERR_IO. */
int store_checkpoint(struct store *s);

/* Schema version this binary knows (the number of its migrations). */
int store_schema_version(void);
/*
 * Brings the schema to store_schema_version(), each migration in its own
 * transaction, numbered and recorded.  Refuses (RP_ERR_LIMIT) a database
 * whose recorded version is newer than the binary, changing nothing.
 * *from and *to (may be NULL) get the versions before and after.
 */
int store_migrate(struct store *s, int *from, int *to);

/* Transactions: begin takes the write lock at once (SQLite BEGIN
 * IMMEDIATE), so a transaction never fails half-way for a lock.  After a
 * store call failed with RP_ERR_INVALID or RP_ERR_IO inside a transaction,
 * roll back: store_commit then refuses (RP_ERR_ARG, rolled back) on both
 * drivers, as PostgreSQL aborts such a transaction.  Calls that write
 * several statements undo their own part when they fail and do not count
 * as failed. */
int store_begin(struct store *s);
int store_commit(struct store *s);
/* A read-only transaction: every read until store_commit (or
 * store_rollback) sees the same snapshot, so related reads agree (an
 * audit page and the head).  Takes no write lock. */
int store_begin_read(struct store *s);
/* Rolls back; safe to call when no transaction is open. */
void store_rollback(struct store *s);

/* Small key/value settings of the server (bootstrap done, ...). *value
 * gets a new string; RP_ERR_NOTFOUND when unset. */
int store_meta_get(struct store *s, const char *key, char **value);
int store_meta_set(struct store *s, const char *key, const char *value);

/*
 * Scopes.  Every principal (user or API token) has a scope: either all
 * tenants (msp-admin), or the set of tenants listed in its scope row.
 * Queries that return tenant data take the caller's scope and filter in
 * SQL, so another tenant's rows never leave the store.
 */
struct store_scope {
	int all; /* 1: every tenant */
	int64_t id; /* the scope row listing the tenants (all == 0) */
};
/* A new, empty scope row; *id gets its id. */
int store_scope_new(struct store *s, int64_t *id);
/* Replaces the tenants of scope id with tenants[0..n). */
int store_scope_set(
    struct store *s, int64_t id, const int64_t *tenants, size_t n);
/* The tenants of scope id in ascending id order; *v freed with free(). */
int store_scope_tenants(struct store *s, int64_t id, int64_t **v, size_t *n);
/* Whether tenant is visible in scope sc (1/0), or a negative error. */
int store_scope_has(
    struct store *s, const struct store_scope *sc, int64_t tenant);

/* A page of a list: rows with id > after, at most limit (1..PAGE_MAX). */
struct store_page {
	int64_t after;
	int limit;
};

/* --- tenants ----------------------------------------------------------- */

struct store_tenant {
	int64_t id;
	char *slug; /* [a-z0-9-], unique, used in URLs */
	char *name;
	int64_t created_at;
};
void store_tenant_clear(struct store_tenant *t);
void store_tenants_free(struct store_tenant *v, size_t n);
/* RP_ERR_INVALID when the slug is taken. */
int store_tenant_create(
    struct store *s, const char *slug, const char *name, int64_t *id);
/* Looks up by slug within sc (RP_ERR_NOTFOUND when absent or outside). */
int store_tenant_get(struct store *s, const struct store_scope *sc,
    const char *slug, struct store_tenant *out);
/* The automatic response policy: what rampartd does on its own when an
 * advisory import changes the tenant's rules bundle. */
#define TENANT_RESPONSE_OFF "off" /* nothing */
#define TENANT_RESPONSE_SWEEP "sweep" /* sweep every host */
#define TENANT_RESPONSE_QUARANTINE "quarantine" /* and quarantine matches */
int store_tenant_response(struct store *s, int64_t id, char out[16]);
/* RP_ERR_ARG for another value, RP_ERR_NOTFOUND for no such tenant. */
int store_tenant_set_response(struct store *s, int64_t id, const char *v);
/* Hosts above which the tenant's jobs need a second user's approval;
 * -1: the server's (signer.approval_hosts, which also caps it). */
int store_tenant_approval_hosts(struct store *s, int64_t id, int64_t *out);
int store_tenant_set_approval_hosts(struct store *s, int64_t id, int64_t n);
/* The same by id (an indexed lookup: one row, however many tenants). */
int store_tenant_by_id(struct store *s, const struct store_scope *sc,
    int64_t id, struct store_tenant *out);
int store_tenant_rename(struct store *s, int64_t id, const char *name);
/* Tenants visible in sc, by id, one page; *more is set when rows follow. */
int store_tenant_list(struct store *s, const struct store_scope *sc,
    const struct store_page *pg, struct store_tenant **v, size_t *n, int *more);
/* The ids of every tenant, ascending (for work done for each one, such
 * as rebuilding rules bundles); *v freed with free(). */
int store_tenant_ids(struct store *s, int64_t **v, size_t *n);

/* --- users ------------------------------------------------------------- */

enum store_role {
	ROLE_MSP_ADMIN,
	ROLE_TECHNICIAN,
	ROLE_VIEWER,
};
/* "msp-admin", "technician", "viewer"; from_name returns -1 if unknown. */
const char *store_role_name(enum store_role r);
int store_role_from_name(const char *name);

struct store_user {
	int64_t id;
	char *name; /* login name, unique */
	char *display; /* may be "" */
	enum store_role role;
	int64_t scope_id; /* its tenants (unused for msp-admin) */
	char *pw_hash; /* argon2id encoded string */
	char *totp_secret; /* base32, or NULL when TOTP is off */
	int64_t totp_last_step; /* last accepted TOTP step (no replay) */
	int disabled;
	int64_t created_at;
	char *lang; /* language of the web UI: "en", "de" */
	char *tz; /* time zone: an IANA name ("UTC", "Europe/Berlin") */
};
void store_user_clear(struct store_user *u);
void store_users_free(struct store_user *v, size_t n);
/* Creates u (id, created_at ignored; lang, tz NULL: "en", "UTC");
 * *id gets the new id.  RP_ERR_INVALID when the name is taken. */
int store_user_create(struct store *s, const struct store_user *u, int64_t *id);
int store_user_get(struct store *s, int64_t id, struct store_user *out);
int store_user_by_name(
    struct store *s, const char *name, struct store_user *out);
int store_user_list(struct store *s, const struct store_page *pg,
    struct store_user **v, size_t *n, int *more);
/* Updates role, display, disabled, pw_hash, totp_secret, lang and tz
 * (these two: NULL leaves them) of u->id. */
int store_user_update(struct store *s, const struct store_user *u);
/* Sets only lang and tz (either NULL: unchanged), so that a user
 * changing their own settings never writes back role or disabled as
 * read before an msp-admin changed them.  RP_ERR_NOTFOUND. */
int store_user_set_prefs(
    struct store *s, int64_t id, const char *lang, const char *tz);
/* Replaces the TOTP secret of user id and records step as its last
 * accepted one (the code that proved the new secret is not good for a
 * login after it).  RP_ERR_NOTFOUND. */
int store_user_set_totp(
    struct store *s, int64_t id, const char *secret, int64_t step);
/* Records an accepted TOTP step; returns RP_ERR_INVALID (and changes
 * nothing) when step is not greater than the recorded one: a code is
 * accepted once. */
int store_user_totp_step(struct store *s, int64_t id, int64_t step);

/* --- sessions (browser and CLI logins) ---------------------------------- */

struct store_session {
	int64_t id;
	int64_t user_id;
	int64_t created_at;
	int64_t last_seen;
	int64_t expires_at; /* absolute expiry */
};
/* token_hash: hex SHA-256 of the cookie value (the value is never
 * stored). */
int store_session_create(struct store *s, const char *token_hash,
    int64_t user_id, int64_t now, int64_t expires_at, int64_t *id);
int store_session_get(
    struct store *s, const char *token_hash, struct store_session *out);
int store_session_touch(struct store *s, int64_t id, int64_t now);
int store_session_delete(struct store *s, int64_t id);
/* Ends every session of a user (password change, disable). */
int store_session_delete_user(struct store *s, int64_t user_id);
/* Ends every session of a user but keep (a new TOTP secret: the
 * session that enrolled it stays). */
int store_session_delete_others(struct store *s, int64_t user_id, int64_t keep);

/* --- API tokens --------------------------------------------------------- */

struct store_token {
	int64_t id;
	int64_t user_id; /* the owner, who created it */
	char *name;
	enum store_role role; /* never more than the owner's */
	int64_t scope_id;
	int64_t created_at;
	int64_t expires_at; /* 0: never */
	int64_t revoked_at; /* 0: active */
	int64_t last_used; /* 0: never */
};
void store_token_clear(struct store_token *t);
void store_tokens_free(struct store_token *v, size_t n);
/* token_hash: hex SHA-256 of the secret.  Fills t->id. */
int store_token_create(
    struct store *s, const char *token_hash, struct store_token *t);
int store_token_by_hash(
    struct store *s, const char *token_hash, struct store_token *out);
int store_token_get(struct store *s, int64_t id, struct store_token *out);
/* Tokens of user_id (0: every user's), one page. */
int store_token_list(struct store *s, int64_t user_id,
    const struct store_page *pg, struct store_token **v, size_t *n, int *more);
int store_token_revoke(struct store *s, int64_t id, int64_t now);
int store_token_touch(struct store *s, int64_t id, int64_t now);

/* --- login throttling ---------------------------------------------------- */

/*
 * Failed-login counters per key ("user:NAME", "addr:IP").  fail adds one
 * failure at now; when failures within the last `window` seconds reach
 * max, the key is locked until now + lock.  *locked_until (may be NULL)
 * gets the lock's end, 0 when not locked.
 */
int store_throttle_check(
    struct store *s, const char *key, int64_t now, int64_t *locked_until);
int store_throttle_fail(struct store *s, const char *key, int64_t now,
    int64_t window, int max, int64_t lock, int64_t *locked_until);
int store_throttle_reset(struct store *s, const char *key);

/* --- advisories ---------------------------------------------------------- */

/* An advisory document and its latest revision, as listed. */
struct store_advisory {
	int64_t id;
	char *doc_key; /* identity across revisions: publisher + id */
	char *doc_id; /* CSAF tracking ID / OSV id / native id */
	char *publisher; /* "" when the format has none */
	char *format; /* "csaf", "osv", "native" */
	char *title; /* "" when none */
	char *severity; /* "" when none */
	char *cves; /* space-separated CVE IDs, "" when none */
	int scope_all; /* 1: MSP-wide */
	int64_t *tenants; /* tenant ids when !scope_all, ascending */
	size_t ntenants;
	int revision; /* this revision's number, 1.. */
	char *version; /* the document's own version, "" when none */
	char *current_release; /* RFC 3339, "" when none */
	int64_t imported_at;
	char *imported_by; /* principal label */
	char *body; /* the document as imported (show only), or NULL */
};
void store_advisory_clear(struct store_advisory *a);
void store_advisories_free(struct store_advisory *v, size_t n);
/*
 * Imports a document: a new advisory (revision 1) or, when doc_key is
 * known, its next revision, which also replaces the scope (scope_all,
 * tenants).  Fields used from in: doc_key, doc_id, publisher, format,
 * title, severity, cves, scope_all, tenants, version, current_release,
 * imported_at, imported_by, body.  *id and *revision get the result.
 */
int store_advisory_put(struct store *s, const struct store_advisory *in,
    int64_t *id, int *revision);
/* The advisory's scope as stored (for the importer's permission check):
 * RP_ERR_NOTFOUND when doc_key is new. */
int store_advisory_scope(struct store *s, const char *doc_key, int64_t *id,
    int *scope_all, int64_t **tenants, size_t *ntenants);
/*
 * Lists advisories visible in sc (MSP-wide ones, and those listing a
 * tenant of sc), latest revision, by id, body NULL.  q (may be NULL or
 * ""): only those whose doc_id, title or CVEs contain q (case-insensitive
 * ASCII).  Tenant lists in the rows hold only tenants of sc.
 */
int store_advisory_list(struct store *s, const struct store_scope *sc,
    const char *q, const struct store_page *pg, struct store_advisory **v,
    size_t *n, int *more);
/* The latest revision number of advisory id (any scope). */
int store_advisory_latest(struct store *s, int64_t id, int *revision);
/* One advisory visible in sc; revision 0 is the latest.  body is set. */
int store_advisory_get(struct store *s, const struct store_scope *sc,
    int64_t id, int revision, struct store_advisory *out);
/*
 * The revisions of one advisory visible in sc, newest first, body NULL,
 * one page: pg->after, when not 0, is a revision number and only older
 * ones follow.  RP_ERR_NOTFOUND when the advisory has none visible in sc
 * (on the first page).
 */
int store_advisory_revisions(struct store *s, const struct store_scope *sc,
    int64_t id, const struct store_page *pg, struct store_advisory **v,
    size_t *n, int *more);

/* --- rules bundles (docs/bundle.md, "From the server") -------------------- */

/* Bundles kept per tenant: the current one and the ones before it. */
#define STORE_BUNDLE_KEEP 5

struct store_bundle {
	int64_t id;
	int64_t tenant_id;
	char sha256[65]; /* of the bytes, lower-case hex */
	char *body; /* the bytes (JSON text), or NULL when not read */
	int64_t size; /* bytes of body */
	int64_t built_at;
	char *counts; /* JSON object text: indicators by type, yara */
	char *advisories; /* JSON array text: the advisory IDs */
};
void store_bundle_clear(struct store_bundle *b);
/*
 * Makes in (tenant_id, sha256, body, built_at, counts, advisories) the
 * tenant's current bundle, unless the current one has the same sha256
 * (*changed 0, nothing written).  A kept older bundle with that hash is
 * replaced by the new row.  Keeps the STORE_BUNDLE_KEEP newest.
 */
int store_bundle_put(
    struct store *s, const struct store_bundle *in, int *changed);
/* The tenant's current bundle (body only when with_body);
 * RP_ERR_NOTFOUND when none was built. */
int store_bundle_current(
    struct store *s, int64_t tenant, int with_body, struct store_bundle *out);
/* One kept bundle of the tenant by its hash, body included;
 * RP_ERR_NOTFOUND when the tenant has none with it (another tenant's
 * is never returned). */
int store_bundle_get(struct store *s, int64_t tenant, const char *sha256,
    struct store_bundle *out);
/*
 * The latest revision of every advisory the tenant sees (MSP-wide ones
 * and those listing it), by advisory id: fn gets the id and the stored
 * document; its nonzero return stops the walk and is returned.
 */
int store_advisory_each_of_tenant(struct store *s, int64_t tenant,
    int (*fn)(int64_t id, const char *body, void *arg), void *arg);

/* --- agents -------------------------------------------------------------- */

/* An enrolment token of one tenant; its secret is stored as the hex
 * SHA-256 only. */
struct store_enroll_token {
	int64_t id;
	int64_t tenant_id;
	char *name; /* may be "" */
	int64_t uses; /* enrolments allowed; 0: no limit until it expires */
	int64_t used;
	int64_t created_at;
	char *created_by; /* principal label */
	int64_t expires_at;
	int64_t revoked_at; /* 0: active */
};
void store_enroll_token_clear(struct store_enroll_token *t);
void store_enroll_tokens_free(struct store_enroll_token *v, size_t n);
/* Creates t (id, used, revoked_at ignored) under secret_hash; fills
 * t->id.  RP_ERR_INVALID when the hash is taken. */
int store_enroll_token_create(
    struct store *s, const char *secret_hash, struct store_enroll_token *t);
/* One token visible in sc (RP_ERR_NOTFOUND when absent or outside). */
int store_enroll_token_get(struct store *s, const struct store_scope *sc,
    int64_t id, struct store_enroll_token *out);
/* The tokens of tenant_id visible in sc, by id, one page. */
int store_enroll_token_list(struct store *s, const struct store_scope *sc,
    int64_t tenant_id, const struct store_page *pg,
    struct store_enroll_token **v, size_t *n, int *more);
/* Revokes; revoking again keeps the first time.  RP_ERR_NOTFOUND. */
int store_enroll_token_revoke(struct store *s, int64_t id, int64_t now);
/*
 * Uses the token whose secret hashes to secret_hash: in one statement it
 * checks that the token is not revoked, not expired at now and not used
 * up, and counts the use, so two enrolments racing for the last use
 * cannot both have it.  *out gets the row after the use.  Returns
 * RP_ERR_NOTFOUND when the token is unknown or unusable (which one is
 * not said).  Run it in the transaction that records the agent, so a
 * failed enrolment gives the use back.
 */
int store_enroll_use(struct store *s, const char *secret_hash, int64_t now,
    struct store_enroll_token *out);

/* An enrolled agent.  Lists are ordered by seq (enrolment order), the
 * cursor of their pages. */
struct store_agent {
	int64_t seq;
	char id[27]; /* the agent ID: 26 characters of [a-z2-7] */
	int64_t tenant_id;
	char *public_key; /* base64url of the Ed25519 public key */
	char *hostname; /* as the agent claims */
	char *os;
	char *agent_version; /* "" until it says */
	int64_t enrolled_at;
	int64_t last_seen;
	int64_t token_id; /* the enrolment token; 0 when it is gone */
	int64_t revoked_at; /* 0: active */
	/* Its inventory (read only here; store_inv_state_set writes). */
	int64_t last_upload; /* highest upload seq applied */
	int64_t inventory; /* seq of the inventory upload in the store */
	int64_t inventory_at;
	int64_t software; /* entries */
	char *os_version; /* "" until an inventory says */
	char *arch; /* "" until an inventory says */
	char tenant[64]; /* the tenant's slug */
	int verdict; /* most urgent verdict of its open findings; -1: none */
};
void store_agent_clear(struct store_agent *a);
void store_agents_free(struct store_agent *v, size_t n);
/* Records a (seq, last_seen, revoked_at ignored; last_seen starts at
 * enrolled_at); fills a->seq.  RP_ERR_INVALID when the id is taken. */
int store_agent_create(struct store *s, struct store_agent *a);
/* One agent visible in sc, by agent ID. */
int store_agent_get(struct store *s, const struct store_scope *sc,
    const char *id, struct store_agent *out);
/* What an agent list or total covers; zero and NULL fields do not
 * filter.  Text is matched with ASCII letters in either case. */
enum store_agent_state {
	STORE_AGENT_ANY,
	STORE_AGENT_ONLINE, /* not revoked, last_seen >= online_since */
	STORE_AGENT_STALE, /* not revoked, seen before online_since */
	STORE_AGENT_REVOKED,
};
struct store_agent_filter {
	int64_t tenant;
	const char *hostname; /* a substring of the hostname */
	const char *os; /* a substring of os, a space and os_version */
	const char *software; /* a software name of its inventory */
	const char *version; /* with software: at exactly this version */
	unsigned verdicts; /* 1 << verdict: has an open finding of one */
	enum store_agent_state state;
	int64_t online_since;
};
/* Agents visible in sc and matching f (NULL: all), by seq, one page. */
int store_agent_list(struct store *s, const struct store_scope *sc,
    const struct store_agent_filter *f, const struct store_page *pg,
    struct store_agent **v, size_t *n, int *more);
/* How many agents store_agent_list would give across its pages. */
int store_agent_total(struct store *s, const struct store_scope *sc,
    const struct store_agent_filter *f, int64_t *total);
/* The agents of one tenant by state (fn gets each tenant visible in sc,
 * by slug, agents or not; the strings borrowed until it returns). */
struct store_agent_count {
	int64_t tenant_id;
	const char *tenant;
	int64_t online, stale, revoked, total;
};
int store_agent_counts(struct store *s, const struct store_scope *sc,
    int64_t online_since, int (*fn)(const struct store_agent_count *, void *),
    void *arg);
/* Revokes; revoking again keeps the first time.  RP_ERR_NOTFOUND. */
int store_agent_revoke(struct store *s, const char *id, int64_t now);
/* Records contact at now; hostname, os and version (each may be NULL:
 * unchanged) replace what the agent said before, except os once an
 * inventory has set it (findings are evaluated against that one). */
int store_agent_touch(struct store *s, const char *id, int64_t now,
    const char *hostname, const char *os, const char *version);
/*
 * Records the nonce of a signed request of agent_id, remembered until
 * now + keep, and forgets the agent's nonces that expired.  Returns
 * RP_ERR_INVALID when the nonce is still remembered: a replay.
 */
int store_nonce_use(struct store *s, const char *agent_id, const char *nonce,
    int64_t now, int64_t keep);

/* --- inventories ----------------------------------------------------------- */

/*
 * An agent's upload state (docs/agent-protocol.md): the highest upload
 * seq applied, and the seq of the inventory upload its software is from.
 * store_inv_state reads it for the caller's write (PostgreSQL: the row
 * locked until the transaction ends, so two uploads of one agent apply
 * one after the other); RP_ERR_NOTFOUND for an unknown agent.
 */
struct store_inv_state {
	int64_t agent_seq;
	int64_t tenant_id;
	int64_t last_upload;
	int64_t inventory; /* 0: none yet */
	int64_t inventory_at;
	int64_t software; /* entries */
};
int store_inv_state(
    struct store *s, const char *agent_id, struct store_inv_state *out);
/* Records st (last_upload, inventory, inventory_at, software) and, for
 * each one not NULL, the host's name, os, os_version and arch. */
int store_inv_state_set(struct store *s, const struct store_inv_state *st,
    const char *name, const char *os, const char *os_version, const char *arch);
/* Records only a new last_upload (an upload that is not an inventory). */
int store_inv_upload_seen(struct store *s, int64_t agent_seq, int64_t seq);

/* One software entry of a host: its identity (16 hex digits of the
 * SHA-256 of entry) and the canonical JSON of the native entry. */
struct store_sw {
	int64_t id;
	char ident[17];
	char *entry;
};
void store_sws_free(struct store_sw *v, size_t n);
/* Every entry of a host, by id (at most max; RP_ERR_LIMIT past it). */
int store_sw_list(struct store *s, int64_t agent_seq, size_t max,
    struct store_sw **v, size_t *n);
/* The entries of a host by id, one page; q (NULL: all): only those
 * whose name contains q (ASCII letters in either case).  *total (may be
 * NULL) gets how many match across the pages. */
int store_sw_page(struct store *s, int64_t agent_seq, const char *q,
    const struct store_page *pg, struct store_sw **v, size_t *n, int *more,
    int64_t *total);
/* The entries of a host whose identity is in idents (a JSON array of
 * strings), by id, at most max. */
int store_sw_by_idents(struct store *s, int64_t agent_seq, const char *idents,
    size_t max, struct store_sw **v, size_t *n);
/*
 * Adds and deletes entries and their lookup keys
 * (matcher_software_keys), many at once, one statement each (a full
 * inventory is thousands of entries: one round trip, not thousands;
 * an entry's identity is unique per host).  rows: a JSON
 * array of [ident, entry] pairs, fn given each new row's id and ident
 * (in no particular order); ids: a JSON array of row ids; keys: a JSON
 * array of [key, sw_id] pairs of host agent_seq.
 */
int store_sw_add_many(struct store *s, int64_t agent_seq, const char *rows,
    int (*fn)(int64_t id, const char *ident, void *), void *arg);
int store_sw_delete_many(struct store *s, const char *ids);
int store_sw_keys_add_many(
    struct store *s, int64_t agent_seq, const char *keys);
int store_sw_keys_delete_many(
    struct store *s, int64_t agent_seq, const char *keys);
/* What store_sw_by_key gives fn: borrowed until fn returns. */
struct store_sw_hit {
	int64_t agent_seq;
	int64_t tenant_id;
	int64_t sw_id;
	int64_t inventory; /* the host's current inventory */
	const char *agent_id;
	const char *hostname;
	const char *os;
	const char *os_version;
	const char *arch;
	const char *entry;
};
/* Every software entry (of any tenant: for the findings engine, never
 * shown) that has key, by host; stops at fn's first non-zero return. */
int store_sw_by_key(struct store *s, const char *key,
    int (*fn)(const struct store_sw_hit *, void *), void *arg);
/* The entries of host agent_seq that have key, by id; fn gets each
 * entry's row id and JSON (borrowed until fn returns). */
int store_sw_of_host_by_key(struct store *s, int64_t agent_seq, const char *key,
    int (*fn)(int64_t sw_id, const char *entry, void *), void *arg);
/* A host as the findings engine needs it (any tenant). */
struct store_host_info {
	int64_t agent_seq;
	int64_t tenant_id;
	int64_t inventory;
	char agent_id[27];
	char *hostname, *os, *os_version, *arch;
};
void store_host_info_clear(struct store_host_info *h);
int store_host_info(
    struct store *s, int64_t agent_seq, struct store_host_info *out);
/* A network address of a host, as its last inventory that named its
 * addresses says (docs/agent-protocol.md). */
#define STORE_ADDRS_MAX 64 /* per host */
struct store_addr {
	char ip[46]; /* canonical text (inet_ntop) */
	char iface[65];
	char mac[64]; /* "aa:bb:..."; "" when not said */
};
/* Replaces the addresses of host agent_seq (of tenant_id) by v[0..n),
 * kept in that order.  RP_ERR_ARG past STORE_ADDRS_MAX. */
int store_host_addrs_set(struct store *s, int64_t agent_seq, int64_t tenant_id,
    const struct store_addr *v, size_t n);
/* The addresses of the hosts seqs[0..n) (the caller's to show: no scope
 * here), in one query whatever n: by host seq, each host's in its order.
 * fn gets each (borrowed until it returns); its non-zero return stops
 * the walk and is returned. */
int store_host_addrs_each(struct store *s, const int64_t *seqs, size_t n,
    int (*fn)(int64_t agent_seq, const struct store_addr *a, void *arg),
    void *arg);

/* Replaces the lookup keys of an advisory's products. */
int store_advisory_keys_set(
    struct store *s, int64_t advisory_id, const char *const *keys, size_t n);
/* The advisories one of whose keys is in keys (a JSON array of
 * strings), each once; fn as above. */
int store_advisory_by_keys(struct store *s, const char *keys,
    int (*fn)(int64_t advisory_id, void *), void *arg);

/* --- findings --------------------------------------------------------------- */

/* One change of a finding: verdict (enum match_verdict), rule, version
 * installed, reason; inventory 0 when an advisory import made it. */
struct store_finding_event {
	int64_t at;
	int64_t inventory;
	int verdict;
	char *rule;
	char *version;
	char *reason;
};
void store_finding_events_free(struct store_finding_event *v, size_t n);

struct store_finding {
	int64_t id;
	int64_t tenant_id;
	int64_t agent_seq;
	int64_t advisory_id;
	char *sw_key; /* name and arch: a host's one finding per software */
	char *sw_name;
	char *sw_version;
	char *sw_arch; /* or NULL */
	char *sw_purl; /* or NULL */
	int revision; /* of the advisory that decided */
	int verdict; /* enum match_verdict */
	char *rule;
	char *reason;
	char *remediation; /* or NULL */
	int open;
	int64_t first_seen;
	int64_t first_inventory;
	int64_t resolved_at; /* 0: not resolved */
	int64_t resolved_inventory;
	int64_t updated_at;
	/* Set by the lists and store_finding_get (for showing). */
	char agent_id[27];
	char *hostname;
	char *doc_id;
	char *title;
	char tenant[64]; /* the tenant's slug */
};
void store_finding_clear(struct store_finding *f);
void store_findings_free(struct store_finding *v, size_t n);
/* The findings of agent_seq for advisory_id (either may be 0: any),
 * for the engine's comparison; at most max (RP_ERR_LIMIT past it). */
int store_findings_of(struct store *s, int64_t agent_seq, int64_t advisory_id,
    size_t max, struct store_finding **v, size_t *n);
/* Inserts f (id 0; fills it) or updates f->id, and records ev. */
int store_finding_put(struct store *s, struct store_finding *f,
    const struct store_finding_event *ev);

/* Inserts new findings f[0..n) (id 0, not resolved), each with its first
 * event (at updated_at, for inventory; 0: an advisory change), in as few
 * statements as the driver allows; the ids are not returned. */
int store_findings_add(struct store *s, const struct store_finding *f, size_t n,
    int64_t inventory);

/* Which findings a list or count covers; zero fields do not filter. */
struct store_finding_filter {
	int64_t advisory_id;
	int64_t agent_seq;
	const char *tenants; /* a JSON array of tenant ids, or NULL */
	unsigned verdicts; /* 1 << verdict, 0: any */
	int status; /* 0: open, 1: resolved, 2: all */
	/* store_finding_counts: open findings only (for one advisory an
	 * index holds all it reads); else every finding is counted */
	int counts_open;
};
int store_finding_list(struct store *s, const struct store_scope *sc,
    const struct store_finding_filter *f, const struct store_page *pg,
    struct store_finding **v, size_t *n, int *more);
/* How many findings store_finding_list would give across its pages. */
int store_finding_total(struct store *s, const struct store_scope *sc,
    const struct store_finding_filter *f, int64_t *total);
int store_finding_get(struct store *s, const struct store_scope *sc, int64_t id,
    struct store_finding *out);
/* The history of finding id, newest first, at most max. */
int store_finding_events(struct store *s, int64_t id, size_t max,
    struct store_finding_event **v, size_t *n);
/* Counts (status and verdicts of f are not used; counts_open keeps the
 * open findings only): findings and hosts (by their most urgent
 * verdict) per verdict, per tenant, in tenant order.  fn gets each
 * (tenant, verdict, findings, hosts) group, possibly a tenant and
 * verdict more than once (the sums are the counts). */
int store_finding_counts(struct store *s, const struct store_scope *sc,
    const struct store_finding_filter *f,
    int (*fn)(
	int64_t tenant, int verdict, int64_t findings, int64_t hosts, void *),
    void *arg);

/* Open findings per advisory (status and verdicts of f are not used):
 * fn gets each advisory that has some, by id, with the latest
 * revision's title and severity ("" when none) borrowed until it
 * returns; findings and hosts per verdict (enum match_verdict), hosts
 * by their most urgent open verdict of the advisory. */
#define STORE_VERDICTS 5
struct store_advisory_count {
	int64_t advisory_id;
	const char *doc_id, *title, *severity;
	int64_t findings[STORE_VERDICTS], hosts[STORE_VERDICTS];
};
int store_finding_advisory_counts(struct store *s, const struct store_scope *sc,
    const struct store_finding_filter *f,
    int (*fn)(const struct store_advisory_count *, void *), void *arg);

/* --- sweeps and detections ---------------------------------------------------- */

struct store_detection {
	int64_t id;
	int64_t sweep_id;
	int64_t tenant_id;
	char agent_id[27];
	char job_id[27]; /* the sweep job that found it; "" when uploaded */
	char *kind; /* "file", "process", "connection" */
	char *path; /* "" for a connection */
	char *sha256; /* "" when none */
	char *what; /* what matched, one line */
	int64_t at;
};
void store_detections_free(struct store_detection *v, size_t n);
/* Records a sweep report of an agent, uploaded (upload_seq, job_seq 0)
 * or in a sweep job's results (job_seq, upload_seq 0); *id gets the
 * sweep's id. */
int store_sweep_add(struct store *s, int64_t agent_seq, int64_t tenant_id,
    int64_t upload_seq, int64_t job_seq, int64_t started_at,
    int64_t received_at, int64_t hits, const char *report, int64_t *id);
int store_detection_add(struct store *s, int64_t sweep_id, int64_t agent_seq,
    int64_t tenant_id, const char *kind, const char *path, const char *sha256,
    const char *what, int64_t at);
/* Detections visible in sc (of agent_seq / tenant when not 0), by id. */
int store_detection_list(struct store *s, const struct store_scope *sc,
    int64_t tenant, int64_t agent_seq, const struct store_page *pg,
    struct store_detection **v, size_t *n, int *more);

/* --- jobs (docs/jobs.md) ------------------------------------------------ */

/* A job's states: waiting for a second user, signed and delivered to
 * its hosts, or cancelled. */
#define JOB_AWAITING "awaiting_approval"
#define JOB_ACTIVE "active"
/* A host's states: not signed yet, then as the agent reports. */
#define JOBH_PENDING "pending"
#define JOBH_QUEUED "queued"
#define JOBH_DELIVERED "delivered"
#define JOBH_RUNNING "running"
#define JOBH_DONE "done"
#define JOBH_FAILED "failed"
#define JOBH_REJECTED "rejected"
#define JOBH_EXPIRED "expired"
#define JOBH_NSTATES 8

struct store_job {
	int64_t seq;
	char id[27];
	int64_t tenant_id; /* 0: MSP-wide */
	char *type;
	char *args; /* JSON object of the typed arguments */
	char *target; /* JSON object of the target as asked for */
	int64_t targets; /* hosts it resolved to */
	char *state; /* JOB_* */
	int64_t created_by;
	char *created_by_name;
	int64_t created_at, expires_at;
	int64_t approved_by; /* 0: not approved */
	char *approved_by_name;
	int64_t approved_at;
	/* store_job_get: hosts per JOBH_* state, in the order above */
	int64_t hosts[JOBH_NSTATES];
};
void store_job_clear(struct store_job *j);
void store_jobs_free(struct store_job *v, size_t n);
/* Records j (seq filled) and its hosts agents[0..n) with their tenants,
 * each JOBH_PENDING.  RP_ERR_INVALID when the ID is taken. */
int store_job_create(struct store *s, struct store_job *j,
    const int64_t *agents, const int64_t *tenants, size_t n);
/* One job visible in sc (an MSP-wide one only with every tenant). */
int store_job_get(struct store *s, const struct store_scope *sc, const char *id,
    struct store_job *out);
/* One job of any tenant without its hosts per state (hosts[] 0): one
 * row read however many hosts it has, for each agent's report. */
int store_job_by_id(struct store *s, const char *id, struct store_job *out);
/* Jobs visible in sc (of tenant when not 0, on the agent agent_seq
 * when not 0), in seq order: pg->after is a seq to continue after (0:
 * the start). */
int store_job_list(struct store *s, const struct store_scope *sc,
    int64_t tenant, int64_t agent_seq, const struct store_page *pg,
    struct store_job **v, size_t *n, int *more);
/* Per tenant visible in sc, its newest job of type with at least one
 * host done, in seq order (paged as store_job_list). */
int store_job_latest(struct store *s, const struct store_scope *sc,
    const char *type, const struct store_page *pg, struct store_job **v,
    size_t *n, int *more);
/* JOB_AWAITING -> JOB_ACTIVE with its approver; RP_ERR_NOTFOUND when
 * the job is not awaiting approval. */
int store_job_approve(
    struct store *s, int64_t seq, int64_t user, const char *name, int64_t now);

struct store_job_host {
	int64_t job_seq;
	int64_t agent_seq;
	char agent_id[27];
	char *hostname;
	int64_t tenant_id;
	char *state; /* JOBH_* */
	char *reason;
	char *results; /* JSON array as the agent reported, or NULL */
	int64_t updated_at;
};
void store_job_hosts_free(struct store_job_host *v, size_t n);
/* The hosts of a job by agent seq (pg->after: an agent seq). */
int store_job_hosts(struct store *s, int64_t job_seq,
    const struct store_page *pg, struct store_job_host **v, size_t *n,
    int *more);
/* The agents of a job still JOBH_PENDING (at most max), to be signed. */
int store_job_pending(struct store *s, int64_t job_seq, size_t max,
    struct store_job_host **v, size_t *n);
/* A pending host's envelope: -> JOBH_QUEUED. */
int store_job_host_queue(struct store *s, int64_t job_seq, int64_t agent_seq,
    const char *envelope, int64_t now);
struct store_job_env {
	char job_id[27];
	char *envelope;
};
void store_job_envs_free(struct store_job_env *v, size_t n);
/*
 * Takes up to max envelopes queued for an agent whose job has not
 * expired (-> JOBH_DELIVERED) into *v, oldest job first; also those
 * delivered a minute ago or more with no report since (offered again).
 */
int store_agent_jobs_take(struct store *s, int64_t agent_seq, int64_t now,
    size_t max, struct store_job_env **v, size_t *n);
/*
 * An agent's report on a job: state (JOBH_RUNNING, _DONE, _FAILED,
 * _REJECTED) with reason and results (may be NULL).  Only forward
 * moves are taken (queued or delivered -> running -> a final state; a
 * final state is final): RP_ERR_NOTFOUND when the agent has no such job,
 * RP_ERR_INVALID (*cur gets the state it is in, when not NULL) when
 * the move is not allowed.
 */
int store_job_report(struct store *s, const char *job_id, int64_t agent_seq,
    const char *state, const char *reason, const char *results, int64_t now,
    char cur[16]);
/* Hosts not in a final state whose job expired before now -> expired;
 * *n gets how many. */
int store_jobs_expire(struct store *s, int64_t now, int64_t *n);

/*
 * The hosts a target resolves to, in sc: one agent (agent_id), a
 * tenant's (tenant != 0), every tenant's (neither), or, with advisory
 * != 0, those of the former with an open finding of that advisory.
 * Revoked agents are left out.  At most max (RP_ERR_LIMIT past it);
 * *agents, *tenants malloc'd.
 */
int store_job_targets(struct store *s, const struct store_scope *sc,
    const char *agent_id, int64_t tenant, int64_t advisory, size_t max,
    int64_t **agents, int64_t **tenants, size_t *n);

/* --- quarantine entries (docs/jobs.md, "What the reports record") ------ */

/* An entry's states: in the agent's quarantine store, then put back or
 * deleted by a job. */
#define QENTRY_HELD "held"
#define QENTRY_RESTORED "restored"
#define QENTRY_PURGED "purged"

struct store_qentry {
	int64_t id;
	int64_t tenant_id;
	int64_t agent_seq;
	char entry[33]; /* the agent's entry ID: 32 hex digits */
	char *path; /* where the file was */
	char *sha256; /* of the file taken; "" when the agent did not say */
	char job_id[27]; /* the job that quarantined it */
	int64_t created_at;
	char state[16]; /* QENTRY_* */
	char state_job_id[27]; /* the job that restored or purged it, or "" */
	int64_t state_at; /* 0 while held */
};
void store_qentries_free(struct store_qentry *v, size_t n);
/* Records an entry job_seq made on agent_seq, held since at; an entry
 * the agent has recorded already is left as it is. */
int store_qentry_add(struct store *s, int64_t tenant_id, int64_t agent_seq,
    const char *entry, const char *path, const char *sha256, int64_t job_seq,
    int64_t at);
/* A held entry of agent_seq -> state (QENTRY_RESTORED or _PURGED) by
 * job_seq at at; RP_ERR_NOTFOUND when the agent has no such held entry,
 * RP_ERR_ARG for another state. */
int store_qentry_set_state(struct store *s, int64_t agent_seq,
    const char *entry, const char *state, int64_t job_seq, int64_t at);
/* The entries of agent_seq visible in sc in state (NULL: every state),
 * by id, one page. */
int store_qentry_list(struct store *s, const struct store_scope *sc,
    int64_t agent_seq, const char *state, const struct store_page *pg,
    struct store_qentry **v, size_t *n, int *more);

/* --- audit log ----------------------------------------------------------- */

/*
 * Appends e to the hash chain: fills e->seq, e->prev and e->hash (e->at
 * is set by the caller).  Must run inside the transaction of the change
 * it records; appends are serialised (PostgreSQL: a transaction-scoped
 * advisory lock), so the chain never forks.  Also records the new head.
 */
int store_audit_append(struct store *s, struct audit_entry *e);
/* Entries with seq > after in seq order, one page (caller frees with
 * audit_entries_free). */
int store_audit_list(struct store *s, const struct store_page *pg,
    struct audit_entry **v, size_t *n, int *more);
/* The recorded head (seq 0 and the genesis hash when empty). */
int store_audit_head(struct store *s, int64_t *seq, char hash[65]);

/* What store_audit_find keeps; a NULL member does not filter.  Texts
 * compare exactly (bytes), except action ending in '.': a prefix. */
struct store_audit_filter {
	const char *action;
	const char *actor;
	const char *tenant; /* the tenant column as recorded */
	const char *outcome;
	/* since <= at < until, both in the form of audit_entry.at */
	const char *since;
	const char *until;
	int desc; /* newest first */
};
/* One page of the entries f keeps, in seq order; with f->desc newest
 * first, and pg->after (0: from the newest) is then the seq the page
 * stays below.  The caller frees with audit_entries_free. */
int store_audit_find(struct store *s, const struct store_audit_filter *f,
    const struct store_page *pg, struct audit_entry **v, size_t *n, int *more);

/* The whole chain checked against the head recorded when the check
 * began (entries appended since are left to the next check). */
struct store_audit_check {
	int64_t head_seq;
	char head_hash[65];
	int64_t entries; /* verified before the problem, or all */
	enum audit_problem problem; /* AUDIT_OK when intact */
	int64_t seq; /* where the problem is */
};
/* Walks the chain one page at a time, each page in a read snapshot of
 * its own (no write lock, no long transaction); must not be called
 * inside a transaction.  Returns 0 with *out filled, or a store error. */
int store_audit_verify(struct store *s, struct store_audit_check *out);

/* --- indicators, their sources and the allowlist (migration 11) -------- */

/*
 * Indicators of compromise held by the server (docs/api.md,
 * "Indicators"), each either a tenant's or MSP-wide (tenant_id 0), which
 * applies to every tenant.  One row per (scope, type, value): a value
 * stored again in the same scope merges into the row (store_indicator_put).
 * Values arrive normalised (ioc_normalize); the store checks the type,
 * the bounds and the enumerations, not the syntax.
 *
 * Types: sha256 sha1 md5 filename domain ip cidr url yara.  TLP: clear
 * green amber amber+strict red; an indicator or source that does not say
 * is amber (STORE_TLP_DEFAULT): a marking nobody chose must not let a
 * value be shared more widely than its provider meant.  Mode: block or
 * inform; an indicator's NULL mode is its source's (block without one).
 * Tags: comma-separated, each 1..STORE_TAG_MAX bytes without control
 * characters or commas, surrounding blanks dropped; kept sorted (bytes)
 * and unique, at most STORE_TAGS_MAX.
 *
 * Writes take the caller's scope: a tenant's rows are written only by a
 * scope holding the tenant, MSP-wide rows only by an all-tenant scope
 * (otherwise RP_ERR_NOTFOUND, as for a missing row).  Reads see the
 * scope's tenants' rows and the MSP-wide ones.  Every change of rows a
 * tenant's lists depend on (indicators, the mode of a source, the
 * allowlist) advances that scope's version (store_indicator_version) in
 * the same transaction.
 */
#define STORE_TLP_DEFAULT "amber"
#define STORE_IND_CONFIDENCE 50 /* when neither indicator nor source says */
#define STORE_IND_VALUE_MAX 8192
#define STORE_IND_YARA_MAX 65536 /* YARA rule text */
#define STORE_IND_COMMENT_MAX 4096
#define STORE_TAGS_MAX 64
#define STORE_TAG_MAX 128

struct store_indicator {
	int64_t id;
	int64_t tenant_id; /* 0: MSP-wide */
	char *type;
	char *value;
	int64_t size; /* file size for hashes; 0: unknown */
	int64_t source_id; /* 0: none */
	char *source; /* its name, "" when none (read only) */
	int confidence; /* 0..100; put: -1 takes the source's default */
	int64_t first_seen, last_seen; /* put: 0 is now */
	int64_t expires; /* 0: never */
	char *tags; /* see above; "" none */
	char *tlp; /* put: NULL takes the source's default */
	char *mode; /* "block", "inform", or NULL: the source's */
	char *mode_eff; /* what applies: mode, or the source's (read only) */
	int64_t sightings;
	char *comment; /* "" none */
	int64_t created_at, updated_at;
	char *created_by;
};
void store_indicator_clear(struct store_indicator *i);
void store_indicators_free(struct store_indicator *v, size_t n);

/* What a put did to the row of its (scope, type, value). */
enum store_put_outcome {
	STORE_PUT_NEW,
	STORE_PUT_UPDATED,
	STORE_PUT_UNCHANGED,
};
/*
 * Stores in (id, source, mode_eff, sightings, created_at and updated_at
 * are ignored) at time now.  A new (scope, type, value) is inserted; an
 * existing row is merged: last_seen the later, first_seen the earlier,
 * confidence the higher, tags the union, expires the later (never wins
 * over any time), size filled when unknown; its mode, TLP, source and
 * comment stay (store_indicator_edit changes them).  A source must be
 * the indicator's tenant's or MSP-wide (an MSP-wide indicator's: MSP-wide).
 * *id and *outcome are set on success.  RP_ERR_ARG: a bad type, value,
 * tag, TLP, mode or confidence; RP_ERR_NOTFOUND: not writable in sc, or
 * no such source there.
 */
int store_indicator_put(struct store *s, const struct store_scope *sc,
    const struct store_indicator *in, int64_t now, int64_t *id,
    enum store_put_outcome *outcome);
/*
 * As store_indicator_put for in[0..n) in one transaction, which must all
 * be of one tenant and one source (else RP_ERR_ARG) -- an import: the
 * checks of the scope and the source are made once, the version advances
 * once.  rcs[i] gets 0, or RP_ERR_ARG for an indicator out of the model
 * (then ids[i] is 0 and nothing of it stored); ids[i] and outcomes[i] as
 * for store_indicator_put.  Returns 0 or a store error (nothing stored).
 */
int store_indicator_put_many(struct store *s, const struct store_scope *sc,
    const struct store_indicator *in, size_t n, int64_t now, int64_t *ids,
    enum store_put_outcome *outcomes, int *rcs);
/* The indicator id if visible in sc. */
int store_indicator_get(struct store *s, const struct store_scope *sc,
    int64_t id, struct store_indicator *out);

enum store_expired_filter {
	STORE_EXPIRED_ANY = 0,
	STORE_EXPIRED_NO, /* never, or expires after now */
	STORE_EXPIRED_YES, /* expires at or before now */
};
/* What store_indicator_list keeps; zero/NULL members do not filter. */
struct store_indicator_filter {
	int64_t tenant; /* > 0: rows that apply to it (its own, MSP-wide) */
	int own_only; /* with tenant: its own rows only */
	int msp_only; /* MSP-wide rows only */
	const char *type;
	const char *q; /* value substring, ASCII case-insensitive, bounded
			  by SQ_TEXT_ARG_MAX bytes (RP_ERR_ARG past it) */
	int64_t source_id;
	const char *source; /* a source's name (of any scope) */
	const char *tag; /* one tag, exactly */
	const char *mode; /* the mode that applies */
	enum store_expired_filter expired;
	int64_t now; /* what expired means */
};
/* One page in id order (caller frees with store_indicators_free). */
int store_indicator_list(struct store *s, const struct store_scope *sc,
    const struct store_indicator_filter *f, const struct store_page *pg,
    struct store_indicator **v, size_t *n, int *more);
int store_indicator_total(struct store *s, const struct store_scope *sc,
    const struct store_indicator_filter *f, int64_t *total);

/* Fields store_indicator_edit sets (bits of set). */
#define STORE_IND_SET_MODE 0x01 /* mode; NULL: back to the source's */
#define STORE_IND_SET_CONFIDENCE 0x02
#define STORE_IND_SET_EXPIRES 0x04 /* 0: never */
#define STORE_IND_SET_TLP 0x08
#define STORE_IND_SET_TAGS 0x10 /* replaces them */
#define STORE_IND_SET_COMMENT 0x20
struct store_indicator_edit {
	unsigned set;
	const char *mode;
	int confidence;
	int64_t expires;
	const char *tlp;
	const char *tags;
	const char *comment;
};
/* Sets the fields of e on indicator id (writable in sc) at now; *changed
 * (may be NULL) says whether anything changed. */
int store_indicator_edit(struct store *s, const struct store_scope *sc,
    int64_t id, const struct store_indicator_edit *e, int64_t now,
    int *changed);
/* Deletes indicator id (writable in sc) at now. */
int store_indicator_delete(
    struct store *s, const struct store_scope *sc, int64_t id, int64_t now);

/*
 * One indicator of a tenant's blocklists as store_indicator_each_active
 * hands it over: the strings are borrowed for the callback only.
 */
struct store_feed_indicator {
	int64_t id;
	int64_t tenant_id; /* 0: MSP-wide */
	const char *type;
	const char *value;
	int64_t size;
	int confidence;
	int64_t first_seen, last_seen, expires, sightings;
	const char *tlp;
	const char *tags;
	const char *source; /* "" none */
	const char *comment;
};
/*
 * Calls fn for each indicator the blocklists of tenant hold at now: the
 * tenant's and the MSP-wide ones whose mode (or source's mode) is block,
 * not expired (expires > now or never), of the types domain ip cidr url
 * sha256 sha1 md5; ordered by type, then value (bytes).  A value both the
 * tenant and MSP-wide hold comes once, as the tenant's row.  tenant 0:
 * the MSP-wide indicators alone (the MSP-wide lists).  fn returns 0
 * to go on, anything else stops the walk and is returned.  fn must not
 * use s (a statement is open on it); run it inside store_begin_read for
 * one snapshot together with store_indicator_version.
 */
int store_indicator_each_active(struct store *s, int64_t tenant, int64_t now,
    int (*fn)(const struct store_feed_indicator *ind, void *arg), void *arg);
/*
 * What a tenant's lists were made from, for an ETag: *max_updated is the
 * time of the latest change affecting them (the tenant's or MSP-wide
 * indicators, the mode of a source, the allowlist; deletions included),
 * *count the number of such changes so far, which every change advances
 * (two changes within one second still differ).  Both 0 before the
 * first.  Expiry is no change: see store_indicator_expiry.  tenant 0:
 * the MSP-wide lists' (MSP-wide changes only).
 */
int store_indicator_version(
    struct store *s, int64_t tenant, int64_t *max_updated, int64_t *count);
/* For the same ETag, the expiry times around now of the tenant's (and
 * MSP-wide) indicators: *last_passed the latest expires <= now, *next the
 * earliest > now (each 0 when there is none): the lists change at *next
 * without any write. */
int store_indicator_expiry(struct store *s, int64_t tenant, int64_t now,
    int64_t *last_passed, int64_t *next);

/*
 * Where indicators come from: a tenant's or MSP-wide, its name unique in
 * its scope.  kind: manual, import, misp-feed, list-url (the last two
 * pulled from url by the feed fetcher, which records its state with
 * store_source_fetch_state).  mode, confidence and tlp are the defaults
 * of its indicators.
 */
struct store_source {
	int64_t id;
	int64_t tenant_id; /* 0: MSP-wide */
	char *name;
	char *kind;
	char *url; /* NULL unless pulled */
	char *mode; /* block (default) or inform */
	int confidence;
	char *tlp;
	int enabled;
	int64_t fetch_interval; /* seconds; 0: not pulled */
	/* fetch state, NULL / 0 until the first fetch */
	char *etag;
	char *last_modified;
	int64_t last_fetch_at, last_ok_at;
	char *last_error;
	char *last_good_sha256;
	int64_t created_at, updated_at;
};
void store_source_clear(struct store_source *src);
void store_sources_free(struct store_source *v, size_t n);
/* Creates in (id, fetch state and times ignored; NULL mode/tlp take the
 * defaults, confidence < 0 is STORE_IND_CONFIDENCE) in its scope, writable
 * in sc; *id on success.  RP_ERR_INVALID: the name is taken there. */
int store_source_create(struct store *s, const struct store_scope *sc,
    const struct store_source *in, int64_t now, int64_t *id);
int store_source_get(struct store *s, const struct store_scope *sc, int64_t id,
    struct store_source *out);
/* The source named name that tenant's imports use: the tenant's own, else
 * the MSP-wide one (tenant 0: MSP-wide only); visible in sc. */
int store_source_by_name(struct store *s, const struct store_scope *sc,
    int64_t tenant, const char *name, struct store_source *out);
/* The sources visible in sc (tenant > 0: its own and MSP-wide), id order. */
int store_source_list(struct store *s, const struct store_scope *sc,
    int64_t tenant, const struct store_page *pg, struct store_source **v,
    size_t *n, int *more);
/* Replaces name, url, mode, confidence, tlp, enabled and fetch_interval
 * of source in->id (writable in sc); a mode change advances the version
 * of the source's scope. */
int store_source_update(struct store *s, const struct store_scope *sc,
    const struct store_source *in, int64_t now);
/* Deletes the source and its indicators (writable in sc); *removed (may
 * be NULL) gets the number of indicators removed with it. */
int store_source_delete(struct store *s, const struct store_scope *sc,
    int64_t id, int64_t now, int64_t *removed);
/* Records the fetcher's state of source id (etag, last_modified,
 * last_error and last_good_sha256 may be NULL). */
int store_source_fetch_state(
    struct store *s, int64_t id, const struct store_source *st);

/*
 * The allowlist guard's entries (src/lib/allow): values that must never
 * be blocked, a tenant's or MSP-wide, named by the list they belong to
 * ("customer domains", a MISP warninglist's name).  kind: domain or cidr.
 * Unique per (scope, kind, value, list_name).
 */
struct store_allow {
	int64_t id;
	int64_t tenant_id; /* 0: MSP-wide */
	char *kind;
	char *value;
	char *list_name;
	char *reason;
	int64_t created_at;
	char *created_by;
};
void store_allow_clear(struct store_allow *a);
void store_allows_free(struct store_allow *v, size_t n);
/* Adds in (writable in sc); RP_ERR_INVALID when it is there already. */
int store_allow_add(struct store *s, const struct store_scope *sc,
    const struct store_allow *in, int64_t now, int64_t *id);
int store_allow_get(struct store *s, const struct store_scope *sc, int64_t id,
    struct store_allow *out);
/* The entries visible in sc: tenant > 0 its own and MSP-wide, tenant 0
 * all, tenant < 0 MSP-wide only; id order. */
int store_allow_list(struct store *s, const struct store_scope *sc,
    int64_t tenant, const struct store_page *pg, struct store_allow **v,
    size_t *n, int *more);
int store_allow_delete(
    struct store *s, const struct store_scope *sc, int64_t id, int64_t now);
/* Calls fn with each entry that applies to tenant (its own, MSP-wide),
 * strings borrowed for the call; fn must not use s. */
int store_allow_each(struct store *s, int64_t tenant,
    int (*fn)(const struct store_allow *a, void *arg), void *arg);
/* --- blocklist feeds (store_feed.c, docs/internals/feeds.md) ------------- */

/* A feed: one tenant's blocklist (tenant_id 0: the MSP-wide feed) in
 * one format (a blocklist format name) at a URL carrying its secret,
 * which the store keeps only as the hex SHA-256 given to create. */
struct store_feed {
	int64_t id;
	int64_t tenant_id; /* 0: MSP-wide */
	char *name;
	char *format;
	int64_t max_entries; /* 0: the format's default device limit */
	char *sinkhole4; /* NULL: none (NXDOMAIN) */
	char *sinkhole6;
	int64_t created_at;
	char *created_by; /* the creator's audit label */
	int enabled;
};
void store_feed_clear(struct store_feed *f);
void store_feeds_free(struct store_feed *v, size_t n);
/* Inserts f (its id is set) under secret_hash (64 hex digits). */
int store_feed_create(
    struct store *s, const char *secret_hash, struct store_feed *f);
/* The feed id when its tenant is in sc (the MSP-wide feed only when sc
 * is every tenant); RP_ERR_NOTFOUND otherwise. */
int store_feed_get(struct store *s, const struct store_scope *sc, int64_t id,
    struct store_feed *out);
/* The feed whose secret hashes to secret_hash; *stored gets the hash as
 * stored, for the caller's constant-time comparison. */
int store_feed_by_hash(struct store *s, const char *secret_hash,
    struct store_feed *out, char stored[65]);
/* One page of the feeds in sc, by id; tenant_id > 0: that tenant's
 * only, 0: every feed in sc, -1: the MSP-wide ones only. */
int store_feed_list(struct store *s, const struct store_scope *sc,
    int64_t tenant_id, const struct store_page *pg, struct store_feed **v,
    size_t *n, int *more);
/* Sets enabled, max_entries and the sinkholes of f->id, and the secret
 * when secret_hash is not NULL. */
int store_feed_update(
    struct store *s, const struct store_feed *f, const char *secret_hash);
int store_feed_delete(struct store *s, int64_t id);

/* One answer the feed URL gave. */
struct store_feed_fetch {
	int64_t feed_id;
	int64_t at;
	char address[46];
	char etag[72];
	int status; /* 200 or 304 */
	int64_t entries;
	int64_t bytes;
	int64_t version; /* the indicator-store version the content reflects */
	int64_t content_at; /* the time of its newest change (Last-Modified) */
};
/* How long fetch records are kept, and how many per feed at most. */
#define STORE_FEED_FETCH_DAYS 90
#define STORE_FEED_FETCH_MAX 1000
/* Records v[0..n) in one transaction (records of feeds deleted since
 * are dropped) and trims the records past the retention of the feeds
 * named. */
int store_feed_fetches_add(
    struct store *s, const struct store_feed_fetch *v, size_t n, int64_t now);
/* The newest max records of feed_id, newest first; free() *v. */
int store_feed_fetch_list(struct store *s, int64_t feed_id, size_t max,
    struct store_feed_fetch **v, size_t *n);

/* --- blocklist blobs (docs/agent-jobs.md, "Blocklists") ----------------- */

struct store_blocklist {
	int64_t tenant_id;
	char sha256[65]; /* of body, lower-case hex */
	char *body; /* the canonical JSON text, or NULL when not read */
	int64_t size; /* bytes of body */
	int64_t created;
};
void store_blocklist_clear(struct store_blocklist *b);
/* Keeps body (its hash sha256) for tenant; *created 0 when the tenant
 * had it already (nothing written).  RP_ERR_ARG on a malformed hash. */
int store_blocklist_put(struct store *s, int64_t tenant, const char *sha256,
    const char *body, int64_t now, int *created);
/* The tenant's blob of that hash (body when with_body); RP_ERR_NOTFOUND
 * when the tenant has none (another tenant's is never returned). */
int store_blocklist_get(struct store *s, int64_t tenant, const char *sha256,
    int with_body, struct store_blocklist *out);
/*
 * Replaces every entry of list_name in tenant's scope (0: MSP-wide;
 * writable in sc) by v[0..n) (kind, value, reason, created_by of each;
 * tenant_id and list_name ignored), in one transaction; a value given
 * twice is stored once.  *removed and *added get the counts.
 */
int store_allow_replace(struct store *s, const struct store_scope *sc,
    int64_t tenant, const char *list_name, const struct store_allow *v,
    size_t n, int64_t now, int64_t *removed, int64_t *added);

#endif
