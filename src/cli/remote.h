/*
 * What every server command of the CLI shares (internal to src/cli): the
 * common options (--server, --token-file, --json, --limit, --help),
 * choosing the profile and the credential, one request with the
 * server's errors told to the user, paging through lists, and printing
 * tables and JSON.  These functions print their own messages to stderr
 * and return the process exit status (cmd.h).
 */
#ifndef RP_CLI_REMOTE_H
#define RP_CLI_REMOTE_H

#include <getopt.h>
#include <stdio.h>

#include <jansson.h>

#include "client.h"

/* Option ids of the common options (getopt_long values). */
enum {
	OPT_SERVER = 1000,
	OPT_TOKEN_FILE,
	OPT_JSON,
	OPT_LIMIT,
	OPT_HELP,
	OPT_FIRST_OWN /* a command's own options start here */
};
#define REMOTE_OPTIONS                                                         \
	{"server", required_argument, NULL, OPT_SERVER},                       \
	    {"token-file", required_argument, NULL, OPT_TOKEN_FILE},           \
	    {"json", no_argument, NULL, OPT_JSON},                             \
	{                                                                      \
		"help", no_argument, NULL, OPT_HELP                            \
	}
#define REMOTE_LIMIT_OPTION                                                    \
	{                                                                      \
		"limit", required_argument, NULL, OPT_LIMIT                    \
	}

/* The lines every server command's --help ends with. */
#define REMOTE_COMMON_HELP                                                     \
	"common options:\n"                                                    \
	"  --server NAME      the server profile (else $RAMPART_SERVER, "      \
	"else the one\n"                                                       \
	"                     'rampart server use' chose)\n"                   \
	"  --token-file FILE  an API token from FILE (first line), else "      \
	"$RAMPART_TOKEN,\n"                                                    \
	"                     else the session of 'rampart login'\n"           \
	"  --json             the server's JSON instead of a table\n"

struct remote_opts {
	const char *cmd; /* "rampart tenant list", for messages */
	const char *server;
	const char *token_file;
	int json;
	long limit; /* 0: all */
};

/*
 * getopt_long over argv with lo (which includes REMOTE_OPTIONS): handles
 * the common options in o and returns a command's own option, -1 at the
 * end (positional arguments from optind), REMOTE_HELP for --help or -h,
 * or REMOTE_BAD after printing what is wrong.
 */
#define REMOTE_HELP -2
#define REMOTE_BAD -3
int remote_getopt(
    int argc, char **argv, const struct option *lo, struct remote_opts *o);

/*
 * Finds the subcommand argv[1] of "rampart argv[0]" in the NULL-ended
 * subs and writes "rampart GROUP SUB" to cmd.  Returns its index, or -1
 * with the exit status in *rc after --help (usage to stdout) or a
 * missing or unknown subcommand (to stderr).
 */
int remote_sub(int argc, char **argv, const char *const *subs,
    void (*usage)(FILE *), char *cmd, size_t cmdlen, int *rc);

/*
 * A file's bytes (or stdin's for "-"), at most cap, read before the
 * server is asked anything: an unreadable file is a usage error whoever
 * is logged in.  0 (*buf the caller's), or EXIT_USAGE after "CMD: "
 * and what is wrong on stderr.
 */
int remote_read_file(
    const char *cmd, const char *file, size_t cap, char **buf, size_t *len);

/* Prints "CMD: what" and returns EXIT_USAGE. */
int remote_usage_error(const struct remote_opts *o, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Reads a count option's value (1..max) into *out; 0 or EXIT_USAGE. */
int remote_count(const struct remote_opts *o, const char *opt, const char *arg,
    long max, long *out);

struct remote {
	struct client *c;
	char *dir; /* the configuration directory */
	char *profile; /* the profile's name */
	int session; /* the credential is the profile's session cookie */
};

/* Credentials wanted by remote_open. */
#define REMOTE_ANON 0
#define REMOTE_AUTH 1
/*
 * Opens the profile o selects with the credential wanted.  Returns 0
 * and *out (remote_close), or the exit status after saying why.
 */
int remote_open(const struct remote_opts *o, int auth, struct remote **out);
void remote_close(struct remote *r);

/*
 * One request: body (JSON text, may be NULL) to path.  On a 2xx answer
 * returns 0 with the parsed JSON in *data (NULL for 204; the caller
 * decrefs) and, when resp is not NULL, the raw answer in *resp (the
 * caller clears it).  Otherwise prints the server's error or the
 * transport's and returns EXIT_PROBLEM or EXIT_UNREACHABLE.
 */
int remote_call(struct remote *r, const char *method, const char *path,
    const char *body, size_t len, json_t **data, struct client_resp *resp);

/*
 * Every item of a paginated list at path (query: "" or "&a=b..."
 * escaped), at most limit (0: all), paging through "next" cursors.
 * Returns 0 and the items in *items, or an exit status.
 */
int remote_list(struct remote *r, const char *path, const char *query,
    long limit, json_t **items);
/*
 * As remote_list, handing each page (the answer's object) to on_page,
 * which returns 0 to go on, -1 to stop, or an exit status to fail with.
 */
int remote_pages(struct remote *r, const char *path, const char *query,
    long limit, int (*on_page)(json_t *page, void *arg), void *arg);

/* Prints v as indented JSON and a newline to stdout. */
void remote_print_json(json_t *v);
/* The string field key of o, "-" when absent or null ("yes"/"no" for a
 * boolean, the number for an integer). */
const char *remote_str(json_t *o, const char *key, char *buf, size_t len);
/* The array of strings o[key] joined by ", " into buf ("-" if empty). */
const char *remote_join(json_t *o, const char *key, char *buf, size_t len);
/* Wipes the text of the string o[key] in place (a secret the server
 * handed out) before the tree is freed. */
void remote_wipe(json_t *o, const char *key);
/* "SELF, TEXT" with text escaped for the terminal. */
void remote_field(const char *label, const char *text);

/* A table for people: columns sized to their content, text escaped. */
struct table;
struct table *table_new(size_t ncols, const char *const *heads);
/* Adds a row of ncols cells (copied); NULL cells print "-". */
int table_add(struct table *t, const char *const *cells);
void table_print(struct table *t, FILE *f);
/* No cell of t is cut at 60 characters: for values that mean nothing
 * cut, such as digests and paths. */
void table_uncut(struct table *t);
/* As table_print, the last column cut so that a line fits width
 * characters (0: not cut; never below 20 characters). */
void table_print_fit(struct table *t, FILE *f, size_t width);
/* The terminal's width when stdout is a terminal (80 when it does not
 * say), else 0: output for a file or a program is not cut. */
size_t remote_width(void);
void table_free(struct table *t);

/* The tenants named by a command's --tenant options, in order. */
#define REMOTE_TENANTS_MAX 256
struct remote_tenants {
	const char *v[REMOTE_TENANTS_MAX]; /* borrowed from argv */
	size_t n;
};
/* Adds one --tenant; past REMOTE_TENANTS_MAX prints what is wrong and
 * returns EXIT_USAGE, else 0. */
int remote_tenant_add(
    const struct remote_opts *o, struct remote_tenants *t, const char *slug);
/* The tenants as a new JSON array of strings; NULL when out of memory. */
json_t *remote_tenants_json(const struct remote_tenants *t);

/* A column of a list's table: the item's member key (an array is
 * joined with ", "), or what cell works out of the whole item. */
struct remote_col {
	const char *head;
	const char *key; /* NULL: cell */
	const char *(*cell)(json_t *item, char *buf, size_t len);
};
#define REMOTE_COLS_MAX 8
/*
 * Every item of the list at path (query as for remote_list, o->limit
 * items at most): one JSON array with --json, else a table of cols.
 * Returns 0 or an exit status.
 */
int remote_list_show(struct remote *r, const struct remote_opts *o,
    const char *path, const char *query, const struct remote_col *cols,
    size_t ncols);

/*
 * A command group's entry point: picks the subcommand of subs (as
 * remote_sub), names it in the options, and returns run's status.
 */
int remote_main(int argc, char **argv, const char *const *subs,
    void (*usage)(FILE *),
    int (*run)(struct remote_opts *, const char *, int, char **));
/* As remote_main, with dflt run when no subcommand is given (nothing,
 * or options first): `rampart findings --tenant acme` lists. */
int remote_main_default(int argc, char **argv, const char *const *subs,
    const char *dflt, void (*usage)(FILE *),
    int (*run)(struct remote_opts *, const char *, int, char **));

#endif
