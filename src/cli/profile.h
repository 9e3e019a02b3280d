/*
 * Server profiles of the CLI (internal to src/cli): a name, the server's
 * base URL and its certificate fingerprint, kept in servers.json in the
 * configuration directory ($RAMPART_CONFIG_DIR, else
 * $XDG_CONFIG_HOME/rampart, else ~/.config/rampart; mode 0700), with the
 * session cookie of each profile in a file of its own (session-NAME,
 * mode 0600).  Every file is written whole to a temporary file and
 * renamed over the old one, so a reader never sees half of it.  Errors
 * are sentences naming the file, in a CLIENT_ERR_MAX buffer.
 */
#ifndef RP_CLI_PROFILE_H
#define RP_CLI_PROFILE_H

#include <stddef.h>

#include "client.h"

/* The largest servers.json read. */
#define PROFILE_FILE_MAX ((size_t)1024 * 1024)
#define PROFILE_MAX 256

struct profile {
	char *name;
	char *url;
	char *fingerprint; /* normal form (net_fp_parse), NULL: CA store */
};

struct profiles {
	struct profile *v;
	size_t n;
	char *current; /* the profile `server use` chose, NULL when none */
};

/* Whether name is a profile name: 1-64 of A-Z a-z 0-9 . _ -, not
 * starting with '.' or '-'. */
int profile_name_ok(const char *name);

/* The configuration directory (caller frees), or NULL when it cannot be
 * named (err says why). */
char *profile_dir(char err[CLIENT_ERR_MAX]);

/*
 * Reads dir/servers.json into *out (a missing file is no profiles).
 * Refuses a file not owned by the user or writable by others, one that
 * is not JSON or holds a bad name, URL or fingerprint.  Returns 0,
 * RP_ERR_IO, RP_ERR_INVALID, RP_ERR_LIMIT or RP_ERR_NOMEM.
 */
int profiles_load(
    const char *dir, struct profiles **out, char err[CLIENT_ERR_MAX]);
/* Writes p to dir/servers.json (mode 0600), creating dir (0700) first. */
int profiles_save(
    const char *dir, const struct profiles *p, char err[CLIENT_ERR_MAX]);
void profiles_free(struct profiles *p);
/* The profile named name, or NULL. */
struct profile *profiles_find(const struct profiles *p, const char *name);
/* Adds or replaces a profile (copies the strings).  Returns 0,
 * RP_ERR_LIMIT or RP_ERR_NOMEM. */
int profiles_put(struct profiles *p, const char *name, const char *url,
    const char *fingerprint);
/* Drops a profile (and current when it named it); RP_ERR_NOTFOUND. */
int profiles_remove(struct profiles *p, const char *name);

/*
 * The session cookie of profile name into out (wiped by the caller).
 * Returns 0, RP_ERR_NOTFOUND when there is none, RP_ERR_IO (also for a
 * file readable by others) or RP_ERR_INVALID.
 */
int profile_session_load(const char *dir, const char *name,
    char out[CLIENT_SECRET_MAX + 1], char err[CLIENT_ERR_MAX]);
/* Stores (value not NULL) or removes (NULL) the session of a profile. */
int profile_session_save(const char *dir, const char *name, const char *value,
    char err[CLIENT_ERR_MAX]);

/*
 * Reads the first line of a file holding a secret (a token or password
 * file; "-" is standard input) into out[0..outlen), without the line
 * end.  Refuses an empty line or one that does not fit.  Returns 0,
 * RP_ERR_IO, RP_ERR_INVALID or RP_ERR_LIMIT; out is wiped on failure.
 */
int profile_secret_read(
    const char *path, char *out, size_t outlen, char err[CLIENT_ERR_MAX]);

#endif
