/*
 * The schema and its migrations.  Migration N (1, 2, ...) is entry N-1
 * of each driver's array; both arrays have the same length, which is
 * store_schema_version().  Each runs in its own transaction together
 * with the row recording it in schema_version, so a database is always
 * at one version.  A database recorded as newer than this binary is
 * refused before anything is written.  An applied migration is never
 * edited: a change is a new entry at the end of both arrays.
 *
 * Where the dialects differ only in type names, one macro writes the
 * script for both: PK is an id column that is never reused, INT a
 * 64-bit integer.  Times are INT seconds; the audit log's `at` is the
 * RFC 3339 text its hash covers.
 */
#include <stdio.h>
#include <string.h>

#include "drv.h"
#include "store.h"
#include "store_int.h"
#include "util/err.h"

#define ROLES "('msp-admin', 'technician', 'viewer')"

#define MIGRATION_1(PK, INT)                                                   \
	"CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);"       \
	"CREATE TABLE tenants (id " PK ", slug TEXT NOT NULL UNIQUE,"          \
	" name TEXT NOT NULL, created_at " INT " NOT NULL);"                   \
	"CREATE TABLE scopes (id " PK ");"                                     \
	"CREATE TABLE scope_tenants ("                                         \
	" scope_id " INT " NOT NULL REFERENCES scopes (id) ON DELETE CASCADE," \
	" tenant_id " INT " NOT NULL REFERENCES tenants (id)"                  \
	" ON DELETE CASCADE, PRIMARY KEY (scope_id, tenant_id));"              \
	"CREATE INDEX scope_tenants_tenant ON scope_tenants (tenant_id);"      \
	"CREATE TABLE users (id " PK ", name TEXT NOT NULL UNIQUE,"            \
	" display TEXT NOT NULL, role TEXT NOT NULL CHECK (role IN " ROLES     \
	"), scope_id " INT " REFERENCES scopes (id),"                          \
	" pw_hash TEXT NOT NULL, totp_secret TEXT,"                            \
	" totp_last_step " INT " NOT NULL DEFAULT 0,"                          \
	" disabled " INT " NOT NULL DEFAULT 0, created_at " INT " NOT NULL);"  \
	"CREATE TABLE sessions (id " PK ", token_hash TEXT NOT NULL UNIQUE,"   \
	" user_id " INT " NOT NULL REFERENCES users (id) ON DELETE CASCADE,"   \
	" created_at " INT " NOT NULL, last_seen " INT " NOT NULL,"            \
	" expires_at " INT " NOT NULL);"                                       \
	"CREATE INDEX sessions_user ON sessions (user_id);"                    \
	"CREATE TABLE tokens (id " PK ", token_hash TEXT NOT NULL UNIQUE,"     \
	" user_id " INT " NOT NULL REFERENCES users (id) ON DELETE CASCADE,"   \
	" name TEXT NOT NULL, role TEXT NOT NULL CHECK (role IN " ROLES "),"   \
	" scope_id " INT " REFERENCES scopes (id),"                            \
	" created_at " INT " NOT NULL, expires_at " INT " NOT NULL,"           \
	" revoked_at " INT " NOT NULL DEFAULT 0,"                              \
	" last_used " INT " NOT NULL DEFAULT 0);"                              \
	"CREATE INDEX tokens_user ON tokens (user_id);"                        \
	"CREATE TABLE throttle (key TEXT PRIMARY KEY,"                         \
	" failures " INT " NOT NULL, window_start " INT " NOT NULL,"           \
	" locked_until " INT " NOT NULL);"                                     \
	"CREATE TABLE advisories (id " PK ", doc_key TEXT NOT NULL UNIQUE,"    \
	" doc_id TEXT NOT NULL, publisher TEXT NOT NULL,"                      \
	" format TEXT NOT NULL, scope_all " INT " NOT NULL,"                   \
	" latest " INT " NOT NULL);"                                           \
	"CREATE TABLE advisory_tenants ("                                      \
	" advisory_id " INT " NOT NULL REFERENCES advisories (id)"             \
	" ON DELETE CASCADE, tenant_id " INT " NOT NULL"                       \
	" REFERENCES tenants (id) ON DELETE CASCADE,"                          \
	" PRIMARY KEY (advisory_id, tenant_id));"                              \
	"CREATE INDEX advisory_tenants_tenant ON advisory_tenants"             \
	" (tenant_id);"                                                        \
	"CREATE TABLE advisory_revisions ("                                    \
	" advisory_id " INT " NOT NULL REFERENCES advisories (id)"             \
	" ON DELETE CASCADE, revision " INT " NOT NULL,"                       \
	" version TEXT NOT NULL, title TEXT NOT NULL,"                         \
	" severity TEXT NOT NULL, cves TEXT NOT NULL,"                         \
	" current_release TEXT NOT NULL, imported_at " INT " NOT NULL,"        \
	" imported_by TEXT NOT NULL, body TEXT,"                               \
	" PRIMARY KEY (advisory_id, revision));"                               \
	"CREATE TABLE audit (seq " INT " PRIMARY KEY, at TEXT NOT NULL,"       \
	" actor TEXT NOT NULL, address TEXT NOT NULL, action TEXT NOT NULL,"   \
	" tenant TEXT NOT NULL, target TEXT NOT NULL,"                         \
	" outcome TEXT NOT NULL, detail TEXT NOT NULL,"                        \
	" prev TEXT NOT NULL, hash TEXT NOT NULL);"                            \
	"CREATE TABLE audit_head (id " INT " PRIMARY KEY CHECK (id = 1),"      \
	" seq " INT " NOT NULL, hash TEXT NOT NULL);"                          \
	"INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, '" AUDIT_GENESIS \
	"');"

/* Agents: enrolment tokens (a tenant's, stored by the hex SHA-256 of
 * their secret), enrolled agents (the text id is the 26-character agent
 * ID; seq is an integer key that only orders pages) and the nonces of
 * signed requests, remembered until expires_at. */
#define MIGRATION_2(PK, INT)                                                   \
	"CREATE TABLE enroll_tokens (id " PK ","                               \
	" tenant_id " INT " NOT NULL REFERENCES tenants (id)"                  \
	" ON DELETE CASCADE, name TEXT NOT NULL,"                              \
	" secret_hash TEXT NOT NULL UNIQUE, uses " INT " NOT NULL,"            \
	" used " INT " NOT NULL DEFAULT 0, created_at " INT " NOT NULL,"       \
	" created_by TEXT NOT NULL, expires_at " INT " NOT NULL,"              \
	" revoked_at " INT " NOT NULL DEFAULT 0);"                             \
	"CREATE INDEX enroll_tokens_tenant ON enroll_tokens (tenant_id);"      \
	"CREATE TABLE agents (seq " PK ", id TEXT NOT NULL UNIQUE,"            \
	" tenant_id " INT " NOT NULL REFERENCES tenants (id)"                  \
	" ON DELETE CASCADE, public_key TEXT NOT NULL,"                        \
	" hostname TEXT NOT NULL, os TEXT NOT NULL,"                           \
	" agent_version TEXT NOT NULL, enrolled_at " INT " NOT NULL,"          \
	" last_seen " INT " NOT NULL, token_id " INT                           \
	" REFERENCES enroll_tokens (id) ON DELETE SET NULL,"                   \
	" revoked_at " INT " NOT NULL DEFAULT 0);"                             \
	"CREATE INDEX agents_tenant ON agents (tenant_id);"                    \
	"CREATE TABLE agent_nonces (agent_id TEXT NOT NULL"                    \
	" REFERENCES agents (id) ON DELETE CASCADE, nonce TEXT NOT NULL,"      \
	" expires_at " INT " NOT NULL, PRIMARY KEY (agent_id, nonce));"

/* Inventories and findings: the agent's upload state (columns of
 * agents), its software as the canonical JSON of each entry under a
 * 64-bit identity, the matcher's lookup keys of every entry and of every
 * advisory's products (so that a change finds what to evaluate again
 * without evaluating everything), findings per (host, advisory, software
 * name) with their history, and sweep reports with their detections.
 * WR is SQLite's WITHOUT ROWID for the key tables (their primary key is
 * all they hold). */
#define MIGRATION_3(PK, INT, WR)                                               \
	"ALTER TABLE agents ADD COLUMN last_upload " INT                       \
	" NOT NULL DEFAULT 0;"                                                 \
	"ALTER TABLE agents ADD COLUMN inventory " INT " NOT NULL DEFAULT 0;"  \
	"ALTER TABLE agents ADD COLUMN inventory_at " INT                      \
	" NOT NULL DEFAULT 0;"                                                 \
	"ALTER TABLE agents ADD COLUMN software " INT " NOT NULL DEFAULT 0;"   \
	"ALTER TABLE agents ADD COLUMN os_version TEXT NOT NULL DEFAULT '';"   \
	"ALTER TABLE agents ADD COLUMN arch TEXT NOT NULL DEFAULT '';"         \
	"CREATE TABLE host_software (id " PK ", agent_seq " INT                \
	" NOT NULL REFERENCES agents (seq) ON DELETE CASCADE,"                 \
	" ident TEXT NOT NULL, entry TEXT NOT NULL,"                           \
	" UNIQUE (agent_seq, ident));"                                         \
	"CREATE TABLE software_keys (key TEXT NOT NULL, agent_seq " INT        \
	" NOT NULL, sw_id " INT " NOT NULL,"                                   \
	" PRIMARY KEY (key, agent_seq, sw_id))" WR ";"                         \
	"CREATE TABLE advisory_keys (key TEXT NOT NULL, advisory_id " INT      \
	" NOT NULL REFERENCES advisories (id) ON DELETE CASCADE,"              \
	" PRIMARY KEY (key, advisory_id))" WR ";"                              \
	"CREATE INDEX advisory_keys_advisory ON advisory_keys (advisory_id);"  \
	"CREATE TABLE findings (id " PK ", tenant_id " INT " NOT NULL,"        \
	" agent_seq " INT " NOT NULL REFERENCES agents (seq)"                  \
	" ON DELETE CASCADE, advisory_id " INT " NOT NULL"                     \
	" REFERENCES advisories (id) ON DELETE CASCADE,"                       \
	" sw_key TEXT NOT NULL, sw_name TEXT NOT NULL,"                        \
	" sw_version TEXT NOT NULL, sw_arch TEXT, sw_purl TEXT,"               \
	" revision " INT " NOT NULL, verdict " INT " NOT NULL,"                \
	" rule TEXT NOT NULL, reason TEXT NOT NULL, remediation TEXT,"         \
	" open " INT " NOT NULL, first_seen " INT " NOT NULL,"                 \
	" first_inventory " INT " NOT NULL,"                                   \
	" resolved_at " INT " NOT NULL DEFAULT 0,"                             \
	" resolved_inventory " INT " NOT NULL DEFAULT 0,"                      \
	" updated_at " INT " NOT NULL,"                                        \
	" UNIQUE (agent_seq, advisory_id, sw_key));"                           \
	"CREATE INDEX findings_advisory ON findings (advisory_id, tenant_id);" \
	"CREATE INDEX findings_tenant ON findings (tenant_id, id);"            \
	"CREATE TABLE finding_events (id " PK ", finding_id " INT              \
	" NOT NULL REFERENCES findings (id) ON DELETE CASCADE,"                \
	" at " INT " NOT NULL, inventory " INT " NOT NULL,"                    \
	" verdict " INT " NOT NULL, rule TEXT NOT NULL,"                       \
	" version TEXT NOT NULL, reason TEXT NOT NULL);"                       \
	"CREATE INDEX finding_events_finding ON finding_events (finding_id);"  \
	"CREATE TABLE sweeps (id " PK ", agent_seq " INT " NOT NULL"           \
	" REFERENCES agents (seq) ON DELETE CASCADE, tenant_id " INT           \
	" NOT NULL, upload_seq " INT " NOT NULL, started_at " INT              \
	" NOT NULL, received_at " INT " NOT NULL, hits " INT " NOT NULL,"      \
	" report TEXT NOT NULL);"                                              \
	"CREATE INDEX sweeps_agent ON sweeps (agent_seq);"                     \
	"CREATE TABLE detections (id " PK ", sweep_id " INT " NOT NULL"        \
	" REFERENCES sweeps (id) ON DELETE CASCADE, agent_seq " INT            \
	" NOT NULL, tenant_id " INT " NOT NULL, kind TEXT NOT NULL,"           \
	" path TEXT NOT NULL, sha256 TEXT NOT NULL, what TEXT NOT NULL,"       \
	" at " INT " NOT NULL);"                                               \
	"CREATE INDEX detections_tenant ON detections (tenant_id, id);"        \
	"CREATE INDEX detections_agent ON detections (agent_seq, id);"

/* Signed jobs (docs/jobs.md): a job as a user asked for it (type, typed
 * arguments, target, approval), and its state on each host it resolved
 * to, with the envelope the signer made for that host and the agent's
 * report.  tenant_id NULL: an MSP-wide job. */
#define MIGRATION_4(PK, INT)                                                   \
	"CREATE TABLE jobs (seq " PK ", id TEXT NOT NULL UNIQUE,"              \
	" tenant_id " INT " REFERENCES tenants (id) ON DELETE CASCADE,"        \
	" type TEXT NOT NULL, args TEXT NOT NULL, target TEXT NOT NULL,"       \
	" targets " INT " NOT NULL, state TEXT NOT NULL,"                      \
	" created_by " INT " NOT NULL, created_by_name TEXT NOT NULL,"         \
	" created_at " INT " NOT NULL, expires_at " INT " NOT NULL,"           \
	" approved_by " INT " NOT NULL DEFAULT 0,"                             \
	" approved_by_name TEXT NOT NULL DEFAULT '',"                          \
	" approved_at " INT " NOT NULL DEFAULT 0);"                            \
	"CREATE INDEX jobs_tenant ON jobs (tenant_id, seq);"                   \
	"CREATE TABLE job_hosts (job_seq " INT " NOT NULL"                     \
	" REFERENCES jobs (seq) ON DELETE CASCADE, agent_seq " INT             \
	" NOT NULL REFERENCES agents (seq) ON DELETE CASCADE,"                 \
	" tenant_id " INT " NOT NULL, state TEXT NOT NULL, envelope TEXT,"     \
	" reason TEXT NOT NULL DEFAULT '', results TEXT,"                      \
	" updated_at " INT " NOT NULL, PRIMARY KEY (job_seq, agent_seq));"     \
	"CREATE INDEX job_hosts_agent ON job_hosts (agent_seq, state);"

/* Rules bundles rampartd builds for each tenant from the advisories it
 * sees (docs/bundle.md, "From the server"): the current one (highest id)
 * and a few before it, so that a job naming a recent hash is served.
 * body is the bundle's exact bytes (JSON text); counts and advisories
 * are JSON text for the metadata route. */
#define MIGRATION_5(PK, INT)                                                   \
	"CREATE TABLE bundles (id " PK ", tenant_id " INT " NOT NULL"          \
	" REFERENCES tenants (id) ON DELETE CASCADE,"                          \
	" sha256 TEXT NOT NULL, body TEXT NOT NULL, size " INT " NOT NULL,"    \
	" built_at " INT " NOT NULL, counts TEXT NOT NULL,"                    \
	" advisories TEXT NOT NULL, UNIQUE (tenant_id, sha256));"              \
	"CREATE INDEX bundles_tenant ON bundles (tenant_id, id);"

/* Per tenant (docs/jobs.md): the automatic response policy ("off",
 * "sweep" or "quarantine"), and the hosts above which its jobs need a
 * second user's approval (-1: the server's signer.approval_hosts). */
#define MIGRATION_6(PK, INT)                                                   \
	"ALTER TABLE tenants ADD COLUMN response TEXT NOT NULL"                \
	" DEFAULT 'off';"                                                      \
	"ALTER TABLE tenants ADD COLUMN approval_hosts " INT                   \
	" NOT NULL DEFAULT -1;"

/* Per user: the language of the web UI ("en", "de") and the time zone
 * it shows times in (an IANA name, as ICU canonicalises it).  No CHECK
 * on lang: the API checks it, so a new language needs no migration (a
 * CHECK in SQLite can only change by rebuilding the table). */
#define MIGRATION_7                                                            \
	"ALTER TABLE users ADD COLUMN lang TEXT NOT NULL DEFAULT 'en';"        \
	"ALTER TABLE users ADD COLUMN tz TEXT NOT NULL DEFAULT 'UTC';"

/* What jobs left on each agent (docs/jobs.md, "What the reports
 * record"): the quarantine entries its quarantine and sweep jobs made
 * (entry: the agent's 32-hex-digit entry ID), held until a restore or
 * purge job of the entry reports done; and the job whose report a
 * sweep row holds (job_seq; NULL for a sweep the agent uploaded). */
#define MIGRATION_8(PK, INT)                                                   \
	"CREATE TABLE quarantine_entries (id " PK ", tenant_id " INT           \
	" NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,"                 \
	" agent_seq " INT " NOT NULL REFERENCES agents (seq)"                  \
	" ON DELETE CASCADE, entry TEXT NOT NULL, path TEXT NOT NULL,"         \
	" sha256 TEXT NOT NULL, job_seq " INT " REFERENCES jobs (seq)"         \
	" ON DELETE SET NULL, created_at " INT " NOT NULL,"                    \
	" state TEXT NOT NULL CHECK (state IN ('held', 'restored',"            \
	" 'purged')), state_job_seq " INT " REFERENCES jobs (seq)"             \
	" ON DELETE SET NULL, state_at " INT " NOT NULL DEFAULT 0,"            \
	" UNIQUE (agent_seq, entry));"                                         \
	"CREATE INDEX quarantine_entries_agent ON quarantine_entries"          \
	" (agent_seq, id);"                                                    \
	"ALTER TABLE sweeps ADD COLUMN job_seq " INT                           \
	" REFERENCES jobs (seq) ON DELETE SET NULL;"

/* The lists of hosts (docs/api.md): a host's most urgent open verdict,
 * and whether it has an open finding of some verdicts, by one seek per
 * host in an index of the open findings; the open findings per
 * advisory from another that holds all the count reads; the hosts with
 * a software name and version from an index instead of the JSON of
 * every entry.  name_key is the entry's name with ASCII letters
 * lower-cased, version its version; the insert of an entry writes both
 * (SQLite's trusted_schema = OFF allows no JSON function in a generated
 * column), and this migration fills them for the entries stored before
 * it. */
#define MIGRATION_9(NAME_KEY, VERSION)                                         \
	"ALTER TABLE host_software ADD COLUMN name_key TEXT"                   \
	" NOT NULL DEFAULT '';"                                                \
	"ALTER TABLE host_software ADD COLUMN version TEXT"                    \
	" NOT NULL DEFAULT '';"                                                \
	"UPDATE host_software SET name_key = " NAME_KEY ","                    \
	" version = " VERSION ";"                                              \
	"CREATE INDEX host_software_name ON host_software"                     \
	" (name_key, version, agent_seq);"                                     \
	"CREATE INDEX findings_host_open ON findings"                          \
	" (agent_seq, verdict) WHERE open = 1;"                                \
	"CREATE INDEX findings_advisory_open ON findings"                      \
	" (advisory_id, agent_seq, verdict, tenant_id) WHERE open = 1;"
#define LITE_NAME_KEY "lower(json_extract(entry, '$.name'))"
#define LITE_VERSION "json_extract(entry, '$.version')"
/* COLLATE "C": lower() changes ASCII letters only, as SQLite's does. */
#define PG_NAME_KEY "lower((entry::jsonb ->> 'name') COLLATE \"C\")"
#define PG_VERSION "(entry::jsonb ->> 'version')"

/* A host's network addresses (docs/agent-protocol.md, "Inventory"), as
 * the last inventory that named them says: replaced whole by the next
 * one, kept in the agent's order (pos); mac NULL when not said.
 * tenant_id is the agent's, copied so that a host is found by address,
 * within a tenant or across them (log sightings), with one seek of
 * agent_addresses_ip. */
#define MIGRATION_10(INT, WR)                                                  \
	"CREATE TABLE agent_addresses (agent_seq " INT " NOT NULL"             \
	" REFERENCES agents (seq) ON DELETE CASCADE, pos " INT " NOT NULL,"    \
	" tenant_id " INT " NOT NULL, ip TEXT NOT NULL,"                       \
	" iface TEXT NOT NULL, mac TEXT,"                                      \
	" PRIMARY KEY (agent_seq, pos))" WR ";"                                \
	"CREATE INDEX agent_addresses_ip ON agent_addresses (ip, tenant_id);"

/* Indicators, their sources and the allowlist (store.h).  scope is the
 * row's tenant_id, or 0 for an MSP-wide row, so that uniqueness and the
 * feed's lookups see MSP-wide rows as one scope (UNIQUE treats NULLs as
 * distinct).  Tags are one text column, sorted and unique, searched
 * with LIKE.  indicator_versions holds per scope the time and count of
 * the changes a tenant's blocklists depend on, advanced in the same
 * transaction, so a feed's ETag costs one read. */
#define TLPS "('clear', 'green', 'amber', 'amber+strict', 'red')"
#define MIGRATION_11(PK, INT)                                                  \
	"CREATE TABLE indicator_sources (id " PK ","                           \
	" tenant_id " INT " REFERENCES tenants (id) ON DELETE CASCADE,"        \
	" scope " INT " NOT NULL, name TEXT NOT NULL,"                         \
	" kind TEXT NOT NULL CHECK (kind IN ('manual', 'import',"              \
	" 'misp-feed', 'list-url')), url TEXT,"                                \
	" mode TEXT NOT NULL CHECK (mode IN ('block', 'inform')),"             \
	" confidence " INT " NOT NULL"                                         \
	" CHECK (confidence BETWEEN 0 AND 100),"                               \
	" tlp TEXT NOT NULL CHECK (tlp IN " TLPS "),"                          \
	" enabled " INT " NOT NULL, fetch_interval " INT " NOT NULL,"          \
	" etag TEXT, last_modified TEXT, last_fetch_at " INT " NOT NULL"       \
	" DEFAULT 0, last_ok_at " INT " NOT NULL DEFAULT 0, last_error TEXT,"  \
	" last_good_sha256 TEXT, created_at " INT " NOT NULL,"                 \
	" updated_at " INT " NOT NULL, UNIQUE (scope, name));"                 \
	"CREATE TABLE indicators (id " PK ","                                  \
	" tenant_id " INT " REFERENCES tenants (id) ON DELETE CASCADE,"        \
	" scope " INT " NOT NULL, type TEXT NOT NULL CHECK (type IN"           \
	" ('sha256', 'sha1', 'md5', 'filename', 'domain', 'ip', 'cidr',"       \
	" 'url', 'yara')), value TEXT NOT NULL,"                               \
	" size " INT " NOT NULL DEFAULT 0, source_id " INT                     \
	" REFERENCES indicator_sources (id) ON DELETE CASCADE,"                \
	" confidence " INT " NOT NULL CHECK (confidence BETWEEN 0 AND 100),"   \
	" first_seen " INT " NOT NULL, last_seen " INT " NOT NULL,"            \
	" expires " INT ", tags TEXT NOT NULL DEFAULT '',"                     \
	" tlp TEXT NOT NULL CHECK (tlp IN " TLPS "),"                          \
	" mode TEXT CHECK (mode IN ('block', 'inform')),"                      \
	" sightings " INT " NOT NULL DEFAULT 0,"                               \
	" comment TEXT NOT NULL DEFAULT '', created_at " INT " NOT NULL,"      \
	" updated_at " INT " NOT NULL, created_by TEXT NOT NULL,"              \
	" UNIQUE (scope, type, value));"                                       \
	"CREATE INDEX indicators_source ON indicators (source_id);"            \
	"CREATE INDEX indicators_expires ON indicators (scope, expires)"       \
	" WHERE expires IS NOT NULL;"                                          \
	"CREATE TABLE indicator_versions (scope " INT " PRIMARY KEY,"          \
	" changed_at " INT " NOT NULL, changes " INT " NOT NULL);"             \
	"CREATE TABLE allow_entries (id " PK ","                               \
	" tenant_id " INT " REFERENCES tenants (id) ON DELETE CASCADE,"        \
	" scope " INT " NOT NULL,"                                             \
	" kind TEXT NOT NULL CHECK (kind IN ('domain', 'cidr')),"              \
	" value TEXT NOT NULL, list_name TEXT NOT NULL,"                       \
	" reason TEXT NOT NULL, created_at " INT " NOT NULL,"                  \
	" created_by TEXT NOT NULL, UNIQUE (scope, kind, value, list_name));"

#define LITE_PK "INTEGER PRIMARY KEY AUTOINCREMENT"
#define PG_PK "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY"

static const char *const lite_migrations[] = {
    MIGRATION_1(LITE_PK, "INTEGER"),
    MIGRATION_2(LITE_PK, "INTEGER"),
    MIGRATION_3(LITE_PK, "INTEGER", " WITHOUT ROWID"),
    MIGRATION_4(LITE_PK, "INTEGER"),
    MIGRATION_5(LITE_PK, "INTEGER"),
    MIGRATION_6(LITE_PK, "INTEGER"),
    MIGRATION_7,
    MIGRATION_8(LITE_PK, "INTEGER"),
    MIGRATION_9(LITE_NAME_KEY, LITE_VERSION),
    MIGRATION_10("INTEGER", " WITHOUT ROWID"),
    MIGRATION_11(LITE_PK, "INTEGER"),
};
static const char *const pg_migrations[] = {
    MIGRATION_1(PG_PK, "BIGINT"),
    MIGRATION_2(PG_PK, "BIGINT"),
    MIGRATION_3(PG_PK, "BIGINT", ""),
    MIGRATION_4(PG_PK, "BIGINT"),
    MIGRATION_5(PG_PK, "BIGINT"),
    MIGRATION_6(PG_PK, "BIGINT"),
    MIGRATION_7,
    MIGRATION_8(PG_PK, "BIGINT"),
    MIGRATION_9(PG_NAME_KEY, PG_VERSION),
    MIGRATION_10("BIGINT", ""),
    MIGRATION_11(PG_PK, "BIGINT"),
};
_Static_assert(sizeof(lite_migrations) == sizeof(pg_migrations),
    "every migration is written for both drivers");
#define NMIGRATIONS                                                            \
	((int)(sizeof(lite_migrations) / sizeof(lite_migrations[0])))

static const char version_table[] =
    "CREATE TABLE IF NOT EXISTS schema_version ("
    " version BIGINT PRIMARY KEY, applied_at BIGINT NOT NULL)";
/* Serialises rampartd nodes migrating one PostgreSQL database at once
 * (a transaction-scoped advisory lock; the key is arbitrary but fixed). */
static struct drv_sql q_lock =
    DRV_SQL("SELECT pg_advisory_xact_lock(5262160001)");
static struct drv_sql q_version =
    DRV_SQL("SELECT COALESCE(MAX(version), 0) FROM schema_version");
static struct drv_sql q_record =
    DRV_SQL("INSERT INTO schema_version (version, applied_at) VALUES (?, ?)");

int
store_schema_version(void)
{
	return NMIGRATIONS;
}

/* One step under the lock: applies the next migration, or says the
 * database is current (*done).  *ver gets the version it found. */
static int
migrate_step(struct store *s, int64_t *ver, int *done)
{
	const char *const *mig =
	    s->ops->kind == STORE_PG ? pg_migrations : lite_migrations;
	int64_t v = 0;
	int r;

	if ((r = store_begin(s)) != 0)
		return r;
	if (s->ops->kind == STORE_PG &&
	    (r = sq_exec(s, &q_lock, NULL, 0, NULL)) != 0)
		goto out;
	if ((r = sq_script(s, version_table)) != 0 ||
	    (r = sq_int1(s, &q_version, NULL, 0, &v)) != 0)
		goto out;
	if (v > NMIGRATIONS || v < 0) {
		drv_set_err(s,
		    "the database's schema version %lld is newer "
		    "than this program's (%d)",
		    (long long)v, NMIGRATIONS);
		r = RP_ERR_LIMIT;
		goto out;
	}
	*ver = v;
	if (v == NMIGRATIONS) {
		*done = 1;
		goto out;
	}
	{
		struct drv_arg a[] = {A_INT(v + 1), A_INT(sq_now())};
		if ((r = sq_script(s, mig[v])) != 0 ||
		    (r = sq_exec(s, &q_record, a, NARGS(a), NULL)) != 0)
			goto out;
	}
out:
	if (r != 0) {
		store_rollback(s);
		return r;
	}
	return store_commit(s);
}

int
store_migrate(struct store *s, int *from, int *to)
{
	int64_t first = -1, v = 0;
	int done = 0, r;

	if (s->in_tx) {
		drv_set_err(s, "migrations run outside a transaction");
		return RP_ERR_ARG;
	}
	/* Each pass applies at most one migration; another node may apply
	 * some in between, which the next pass sees. */
	while (!done) {
		if ((r = migrate_step(s, &v, &done)) != 0)
			return r;
		if (first < 0)
			first = v;
	}
	if (from != NULL)
		*from = (int)first;
	if (to != NULL)
		*to = (int)v;
	return 0;
}
