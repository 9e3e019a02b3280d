/*
 * The plumbing of the CLI's server commands (remote.h): options, the
 * profile and credential, one request with its errors told, paging, and
 * output.  Everything the server sends is escaped before it reaches the
 * terminal (util/out.h): a hostile or broken server must not be able to
 * drive it.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "cmd.h"
#include "json/rpjson.h"
#include "profile.h"
#include "remote.h"
#include "util/diag.h"
#include "util/err.h"
#include "util/input.h"
#include "util/out.h"
#include "util/str.h"

/* Items asked for per page (the API's maximum is 500). */
#define PAGE_SIZE 200L
/* A list longer than this is refused rather than held in memory. */
#define LIST_MAX 10000000L
#define CURSOR_MAX 1024

int
remote_usage_error(const struct remote_opts *o, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", o->cmd);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, " (try '%s --help')\n", o->cmd);
	return EXIT_USAGE;
}

int
remote_sub(int argc, char **argv, const char *const *subs,
    void (*usage)(FILE *), char *cmd, size_t cmdlen, int *rc)
{
	int i;

	*rc = EXIT_USAGE;
	if (argc < 2) {
		usage(stderr);
		return -1;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "help") == 0) {
		usage(stdout);
		*rc = 0;
		return -1;
	}
	for (i = 0; subs[i] != NULL; i++) {
		if (strcmp(subs[i], argv[1]) == 0) {
			snprintf(
			    cmd, cmdlen, "rampart %s %s", argv[0], subs[i]);
			return i;
		}
	}
	fprintf(stderr, "rampart %s: unknown command '", argv[0]);
	out_text(stderr, argv[1], 64, 0);
	fprintf(stderr, "'\n\n");
	usage(stderr);
	return -1;
}

int
remote_count(const struct remote_opts *o, const char *opt, const char *arg,
    long max, long *out)
{
	char *end;
	long v;

	v = strtol(arg, &end, 10);
	if (arg[0] < '0' || arg[0] > '9' || *end != '\0' || v < 1 || v > max)
		return remote_usage_error(
		    o, "%s: expected a number 1-%ld", opt, max);
	*out = v;
	return 0;
}

int
remote_getopt(
    int argc, char **argv, const struct option *lo, struct remote_opts *o)
{
	int ch;

	opterr = 0;
	for (;;) {
		ch = getopt_long(argc, argv, ":h", lo, NULL);
		switch (ch) {
		case OPT_SERVER:
			if (!profile_name_ok(optarg)) {
				remote_usage_error(o,
				    "--server %s: not a profile name", optarg);
				return REMOTE_BAD;
			}
			o->server = optarg;
			break;
		case OPT_TOKEN_FILE:
			o->token_file = optarg;
			break;
		case OPT_JSON:
			o->json = 1;
			break;
		case OPT_LIMIT:
			if (remote_count(
				o, "--limit", optarg, LIST_MAX, &o->limit) != 0)
				return REMOTE_BAD;
			break;
		case 'h':
		case OPT_HELP:
			return REMOTE_HELP;
		case ':':
			remote_usage_error(
			    o, "%s needs a value", argv[optind - 1]);
			return REMOTE_BAD;
		case '?':
			remote_usage_error(
			    o, "unknown option %s", argv[optind - 1]);
			return REMOTE_BAD;
		default:
			return ch;
		}
	}
}

/* ---- the profile and the credential ---- */

static int
pick_profile(const struct remote_opts *o, const struct profiles *p,
    const char *dir, struct profile **out)
{
	const char *name = o->server;

	if (name == NULL && (name = getenv("RAMPART_SERVER")) != NULL &&
	    name[0] == '\0')
		name = NULL;
	if (name == NULL)
		name = p->current;
	if (name == NULL && p->n == 1)
		name = p->v[0].name;
	if (name == NULL) {
		fprintf(stderr,
		    "%s: no server chosen: %s; add one with 'rampart server "
		    "add NAME --url URL --fingerprint FP', then 'rampart "
		    "server use NAME' or --server NAME\n",
		    o->cmd,
		    p->n == 0 ? "no profiles in" : "several profiles in");
		fprintf(stderr, "%s: (profiles are kept in %s)\n", o->cmd, dir);
		return EXIT_USAGE;
	}
	if ((*out = profiles_find(p, name)) == NULL) {
		fprintf(stderr,
		    "%s: no server profile '%s' (see 'rampart server list')\n",
		    o->cmd, name);
		return EXIT_USAGE;
	}
	return 0;
}

/* Picks the credential: --token-file, $RAMPART_TOKEN, the session. */
static int
credential(const struct remote_opts *o, struct remote *r)
{
	char secret[CLIENT_SECRET_MAX + 1], err[CLIENT_ERR_MAX];
	const char *env = getenv("RAMPART_TOKEN");
	int rc = EXIT_USAGE, x;

	if (o->token_file != NULL) {
		if (profile_secret_read(
			o->token_file, secret, sizeof(secret), err) != 0) {
			fprintf(stderr, "%s: %s\n", o->cmd, err);
			return EXIT_USAGE;
		}
		x = client_set_token(r->c, secret);
	} else if (env != NULL && env[0] != '\0')
		x = client_set_token(r->c, env);
	else {
		x = profile_session_load(r->dir, r->profile, secret, err);
		if (x == RP_ERR_NOTFOUND) {
			fprintf(stderr,
			    "%s: not logged in to '%s': run 'rampart login "
			    "--server %s', or give an API token "
			    "($RAMPART_TOKEN or --token-file)\n",
			    o->cmd, r->profile, r->profile);
			return EXIT_PROBLEM;
		}
		if (x != 0) {
			fprintf(stderr, "%s: %s\n", o->cmd, err);
			return EXIT_USAGE;
		}
		r->session = 1;
		x = client_set_session(r->c, secret);
	}
	if (x != 0)
		fprintf(stderr, "%s: the %s is not a valid credential\n",
		    o->cmd, r->session ? "stored session" : "API token");
	else
		rc = 0;
	explicit_bzero(secret, sizeof(secret));
	return rc;
}

int
remote_open(const struct remote_opts *o, int auth, struct remote **out)
{
	struct profiles *ps = NULL;
	struct profile *p;
	struct remote *r = NULL;
	char err[CLIENT_ERR_MAX], fptext[NET_FP_TEXT];
	uint8_t pin[32];
	int rc = EXIT_USAGE;

	*out = NULL;
	if ((r = calloc(1, sizeof(*r))) == NULL ||
	    (r->dir = profile_dir(err)) == NULL) {
		fprintf(stderr, "%s: %s\n", o->cmd, r ? err : "out of memory");
		goto out;
	}
	if (profiles_load(r->dir, &ps, err) != 0) {
		fprintf(stderr, "%s: %s\n", o->cmd, err);
		goto out;
	}
	if ((rc = pick_profile(o, ps, r->dir, &p)) != 0)
		goto out;
	rc = EXIT_USAGE;
	if ((r->profile = strdup(p->name)) == NULL)
		goto out;
	if (p->fingerprint != NULL &&
	    net_fp_parse(p->fingerprint, pin, fptext) != 0)
		goto out;
	if (client_new(p->url, p->fingerprint ? pin : NULL, &r->c, err) != 0) {
		fprintf(stderr, "%s: profile '%s': %s\n", o->cmd, p->name, err);
		goto out;
	}
	if (auth == REMOTE_AUTH && (rc = credential(o, r)) != 0)
		goto out;
	*out = r;
	r = NULL;
	rc = 0;
out:
	profiles_free(ps);
	remote_close(r);
	return rc;
}

void
remote_close(struct remote *r)
{
	if (r == NULL)
		return;
	client_free(r->c);
	free(r->dir);
	free(r->profile);
	free(r);
}

/* ---- one request ---- */

static void
print_details(json_t *details)
{
	json_t *d;
	size_t i;
	char b1[64], b2[64], b3[64];

	json_array_foreach(details, i, d)
	{
		if (i >= 200) {
			fprintf(stderr, "  ... %zu more\n",
			    json_array_size(details) - i);
			break;
		}
		fprintf(stderr, "  ");
		out_text(stderr, remote_str(d, "test", b1, sizeof(b1)), 40, 0);
		fputc(' ', stderr);
		out_text(stderr,
		    json_is_string(json_object_get(d, "pointer"))
			? remote_str(d, "pointer", b2, sizeof(b2))
			: remote_str(d, "field", b2, sizeof(b2)),
		    300, 0);
		fputc(' ', stderr);
		out_text(
		    stderr, remote_str(d, "message", b3, sizeof(b3)), 1000, 0);
		fputc('\n', stderr);
	}
}

/* Tells the server's error; returns EXIT_PROBLEM, or EXIT_UNREACHABLE
 * when the answer is not the API's. */
static int
server_error(struct remote *r, const char *path, json_t *v,
    const struct client_resp *resp)
{
	json_t *e = json_object_get(v, "error");
	const char *code = json_string_value(json_object_get(e, "code"));
	const char *msg = json_string_value(json_object_get(e, "message"));
	const char *field = json_string_value(json_object_get(e, "field"));

	if (code == NULL) {
		fprintf(stderr,
		    "rampart: %s%s answered HTTP %ld without the API's error "
		    "object: is this a Rampart server?\n",
		    client_base_url(r->c), path, resp->status);
		return EXIT_UNREACHABLE;
	}
	fputs("rampart: ", stderr);
	out_text(stderr, code, 64, 0);
	fputs(": ", stderr);
	out_text(stderr, msg ? msg : "(no message)", 2000, 0);
	if (field != NULL) {
		fputs(" (at ", stderr);
		out_text(stderr, field, 300, 0);
		fputc(')', stderr);
	}
	fputc('\n', stderr);
	print_details(json_object_get(e, "details"));
	if (resp->status == 429 && resp->retry_after >= 0)
		fprintf(stderr, "rampart: try again in %ld seconds\n",
		    resp->retry_after);
	if (resp->status == 401 && r->session &&
	    strcmp(code, "unauthorized") == 0)
		fprintf(stderr,
		    "rampart: the session has ended: 'rampart login --server "
		    "%s'\n",
		    r->profile);
	return EXIT_PROBLEM;
}

/* Parses an answer's body as JSON; NULL (after saying so) when it is
 * not JSON. */
static json_t *
parse_body(struct remote *r, const char *path, const struct client_resp *resp)
{
	struct rp_diags *d;
	json_t *v = NULL;

	if (strcmp(resp->ctype, "application/json") == 0 &&
	    (d = rp_diags_new()) != NULL) {
		v = rpjson_load_buf(resp->body, resp->len, d);
		rp_diags_free(d);
	}
	if (v == NULL) {
		fprintf(stderr,
		    "rampart: %s%s answered HTTP %ld with %s, not the Rampart "
		    "API's JSON: is the URL of profile '%s' right?\n",
		    client_base_url(r->c), path, resp->status,
		    resp->ctype[0] ? resp->ctype : "no content type",
		    r->profile);
	}
	return v;
}

int
remote_call(struct remote *r, const char *method, const char *path,
    const char *body, size_t len, json_t **data, struct client_resp *resp)
{
	struct client_resp mine = {.retry_after = -1};
	struct client_resp *rs = resp ? resp : &mine;
	char err[CLIENT_ERR_MAX];
	json_t *v = NULL;
	int rc;

	*data = NULL;
	if (client_request(r->c, method, path, body, len, rs, err) != 0) {
		fprintf(stderr, "rampart: %s\n", err);
		rc = EXIT_UNREACHABLE;
		goto out;
	}
	if (rs->status == 204) {
		rc = 0;
		goto out;
	}
	if (rs->status >= 300 && rs->status < 400) {
		fprintf(stderr,
		    "rampart: %s%s answered with a redirect (HTTP %ld): the "
		    "URL of profile '%s' should be the server's own\n",
		    client_base_url(r->c), path, rs->status, r->profile);
		rc = EXIT_UNREACHABLE;
		goto out;
	}
	if ((v = parse_body(r, path, rs)) == NULL) {
		rc = EXIT_UNREACHABLE;
		goto out;
	}
	if (rs->status < 200 || rs->status >= 300) {
		rc = server_error(r, path, v, rs);
		goto out;
	}
	*data = v;
	v = NULL;
	rc = 0;
out:
	json_decref(v);
	client_resp_clear(&mine);
	return rc;
}

/* ---- lists ---- */

int
remote_pages(struct remote *r, const char *path, const char *query, long limit,
    int (*on_page)(json_t *page, void *arg), void *arg)
{
	char cursor[CURSOR_MAX] = "", *url = NULL, *esc = NULL;
	json_t *page = NULL, *next;
	long seen = 0, want;
	int rc;

	for (;;) {
		want = limit > 0 && limit - seen < PAGE_SIZE ? limit - seen
							     : PAGE_SIZE;
		if (cursor[0] != '\0' && (esc = net_escape(cursor)) == NULL)
			goto nomem;
		url = rp_asprintf("%s?limit=%ld%s%s%s", path, want, query,
		    esc ? "&after=" : "", esc ? esc : "");
		free(esc);
		esc = NULL;
		if (url == NULL)
			goto nomem;
		rc = remote_call(r, "GET", url, NULL, 0, &page, NULL);
		free(url);
		if (rc != 0)
			return rc;
		if (!json_is_array(page) &&
		    !json_is_array(json_object_get(page, "items"))) {
			fprintf(stderr,
			    "rampart: %s: the answer is not a list\n", path);
			json_decref(page);
			return EXIT_UNREACHABLE;
		}
		seen += (long)json_array_size(json_is_array(page)
			? page
			: json_object_get(page, "items"));
		next = json_object_get(page, "next");
		if ((rc = on_page(page, arg)) != 0) {
			json_decref(page);
			return rc < 0 ? 0 : rc;
		}
		if (!json_is_string(next) || (limit > 0 && seen >= limit) ||
		    json_array_size(json_object_get(page, "items")) == 0) {
			json_decref(page);
			return 0;
		}
		if (json_string_length(next) >= sizeof(cursor)) {
			fprintf(stderr, "rampart: %s: cursor too long\n", path);
			json_decref(page);
			return EXIT_UNREACHABLE;
		}
		snprintf(cursor, sizeof(cursor), "%s", json_string_value(next));
		json_decref(page);
		page = NULL;
	}
nomem:
	fprintf(stderr, "rampart: out of memory\n");
	return EXIT_UNREACHABLE;
}

struct collect {
	json_t *all;
	long limit;
};

static int
collect_page(json_t *page, void *arg)
{
	struct collect *c = arg;
	json_t *items =
	    json_is_array(page) ? page : json_object_get(page, "items");
	json_t *it;
	size_t i;

	json_array_foreach(items, i, it)
	{
		if (json_array_append(c->all, it) != 0)
			return EXIT_UNREACHABLE;
		/* stop at the limit, without asking for another page */
		if (c->limit > 0 && (long)json_array_size(c->all) >= c->limit)
			return -1;
	}
	return 0;
}

/* Every item keep accepts (keep NULL: all), limit of them at most. */
int
remote_list(struct remote *r, const char *path, const char *query, long limit,
    json_t **items)
{
	struct collect c = {json_array(), limit};
	int rc;

	*items = NULL;
	if (c.all == NULL)
		return EXIT_UNREACHABLE;
	if ((rc = remote_pages(r, path, query, limit, collect_page, &c)) != 0) {
		json_decref(c.all);
		return rc;
	}
	*items = c.all;
	return 0;
}

/* ---- output ---- */

void
remote_print_json(json_t *v)
{
	json_dumpf(v, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	fputc('\n', stdout);
}

const char *
remote_str(json_t *o, const char *key, char *buf, size_t len)
{
	json_t *v = json_object_get(o, key);

	if (json_is_string(v))
		return json_string_value(v);
	if (json_is_boolean(v))
		return json_is_true(v) ? "yes" : "no";
	if (json_is_integer(v)) {
		snprintf(buf, len, "%lld", (long long)json_integer_value(v));
		return buf;
	}
	return "-";
}

const char *
remote_join(json_t *o, const char *key, char *buf, size_t len)
{
	json_t *v = json_object_get(o, key), *s;
	struct rp_buf b;
	size_t i;
	char *t;

	if (json_array_size(v) == 0)
		return "-";
	rp_buf_init(&b, len);
	json_array_foreach(v, i, s)
	{
		if (i > 0)
			rp_buf_append(&b, ", ");
		rp_buf_append(
		    &b, json_is_string(s) ? json_string_value(s) : "?");
	}
	if ((t = rp_buf_take(&b)) == NULL)
		return "(too many)";
	snprintf(buf, len, "%s", t);
	free(t);
	return buf;
}

void
remote_wipe(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);

	/* jansson frees strings without wiping: wipe the text first */
	if (json_is_string(v))
		explicit_bzero(
		    (char *)json_string_value(v), json_string_length(v));
}

void
remote_field(const char *label, const char *text)
{
	printf("  %-16s ", label);
	out_text(stdout, text, 4000, 0);
	fputc('\n', stdout);
}

/* ---- tables ---- */

#define CELL_MAX 60
/* a cell of table_uncut: as long as a line of the last column */
#define UNCUT_MAX 4000
/* the fewest characters table_print_fit leaves the last column */
#define LAST_MIN 20

struct table {
	size_t ncols, nrows, cap;
	size_t cell_max; /* a cell is cut past it (but the last column) */
	char **cells; /* nrows * ncols, row 0 the heads */
};

struct table *
table_new(size_t ncols, const char *const *heads)
{
	struct table *t = calloc(1, sizeof(*t));

	if (t == NULL)
		return NULL;
	t->ncols = ncols;
	t->cell_max = CELL_MAX;
	if (table_add(t, heads) != 0) {
		table_free(t);
		return NULL;
	}
	return t;
}

int
table_add(struct table *t, const char *const *cells)
{
	char **nc;
	size_t i, base;

	if (t->nrows == t->cap) {
		t->cap = t->cap ? t->cap * 2 : 16;
		if ((nc = realloc(t->cells, t->cap * t->ncols * sizeof(*nc))) ==
		    NULL)
			return RP_ERR_NOMEM;
		t->cells = nc;
	}
	base = t->nrows * t->ncols;
	for (i = 0; i < t->ncols; i++) {
		if ((t->cells[base + i] = strdup(cells[i] ? cells[i] : "-")) ==
		    NULL) {
			while (i-- > 0)
				free(t->cells[base + i]);
			return RP_ERR_NOMEM;
		}
	}
	t->nrows++;
	return 0;
}

void
table_print(struct table *t, FILE *f)
{
	table_print_fit(t, f, 0);
}

void
table_print_fit(struct table *t, FILE *f, size_t width)
{
	size_t w[16] = {0}, r, c, n, used = 0, avail = 0, last;
	const char *cell;

	for (r = 0; r < t->nrows; r++)
		for (c = 0; c < t->ncols && c < 16; c++) {
			n = out_width(
			    t->cells[r * t->ncols + c], t->cell_max + 3);
			if (n > w[c])
				w[c] = n > t->cell_max ? t->cell_max + 3 : n;
		}
	for (c = 0; c + 1 < t->ncols; c++)
		used += c < 16 ? w[c] + 2 : 0;
	/* the last column fills the line; a column squeezed below LAST_MIN
	   would say nothing: the line wraps instead */
	if (width > 0)
		avail = width > used + LAST_MIN ? width - used : LAST_MIN;
	for (r = 0; r < t->nrows; r++) {
		for (c = 0; c < t->ncols; c++) {
			cell = t->cells[r * t->ncols + c];
			if (c + 1 == t->ncols) {
				/* a cut ends in "...", within the line too */
				last = UNCUT_MAX;
				if (avail > 0)
					last =
					    out_width(cell, avail + 1) <= avail
					    ? avail
					    : avail - 3;
				out_text(f, cell, last, 0);
				break;
			}
			out_text(f, cell, t->cell_max, c < 16 ? w[c] + 2 : 0);
		}
		fputc('\n', f);
	}
}

void
table_uncut(struct table *t)
{
	t->cell_max = UNCUT_MAX;
}

void
table_free(struct table *t)
{
	size_t i;

	if (t == NULL)
		return;
	for (i = 0; i < t->nrows * t->ncols; i++)
		free(t->cells[i]);
	free(t->cells);
	free(t);
}

int
remote_list_show(struct remote *r, const struct remote_opts *o,
    const char *path, const char *query, const struct remote_col *cols,
    size_t ncols)
{
	const char *heads[REMOTE_COLS_MAX], *row[REMOTE_COLS_MAX];
	char b[REMOTE_COLS_MAX][512];
	struct table *t = NULL;
	json_t *items = NULL, *it, *v;
	size_t i, k;
	int rc;

	if (ncols > REMOTE_COLS_MAX)
		return EXIT_USAGE;
	if ((rc = remote_list(r, path, query, o->limit, &items)) != 0)
		return rc;
	for (k = 0; k < ncols; k++)
		heads[k] = cols[k].head;
	if (o->json)
		remote_print_json(items);
	else if ((t = table_new(ncols, heads)) != NULL) {
		json_array_foreach(items, i, it)
		{
			for (k = 0; k < ncols; k++) {
				v = cols[k].key != NULL
				    ? json_object_get(it, cols[k].key)
				    : NULL;
				row[k] = cols[k].key == NULL
				    ? cols[k].cell(it, b[k], sizeof(b[k]))
				    : json_is_array(v)
				    ? remote_join(
					  it, cols[k].key, b[k], sizeof(b[k]))
				    : remote_str(
					  it, cols[k].key, b[k], sizeof(b[k]));
			}
			table_add(t, row);
		}
		table_print(t, stdout);
	} else
		rc = EXIT_UNREACHABLE;
	table_free(t);
	json_decref(items);
	return rc;
}

int
remote_main(int argc, char **argv, const char *const *subs,
    void (*usage)(FILE *),
    int (*run)(struct remote_opts *, const char *, int, char **))
{
	return remote_main_default(argc, argv, subs, NULL, usage, run);
}

int
remote_main_default(int argc, char **argv, const char *const *subs,
    const char *dflt, void (*usage)(FILE *),
    int (*run)(struct remote_opts *, const char *, int, char **))
{
	struct remote_opts o = {0};
	char cmd[64];
	int i, rc;

	/* nothing, or an option first (not --help): the default's options */
	if (dflt != NULL &&
	    (argc < 2 ||
		(argv[1][0] == '-' && strcmp(argv[1], "--help") != 0 &&
		    strcmp(argv[1], "-h") != 0))) {
		snprintf(cmd, sizeof(cmd), "rampart %s %s", argv[0], dflt);
		o.cmd = cmd;
		return run(&o, dflt, argc, argv);
	}
	if ((i = remote_sub(argc, argv, subs, usage, cmd, sizeof(cmd), &rc)) <
	    0)
		return rc;
	o.cmd = cmd;
	return run(&o, subs[i], argc - 1, argv + 1);
}

size_t
remote_width(void)
{
	struct winsize ws;

	if (!isatty(STDOUT_FILENO))
		return 0;
	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
		return ws.ws_col;
	return 80;
}

int
remote_tenant_add(
    const struct remote_opts *o, struct remote_tenants *t, const char *slug)
{
	if (t->n >= REMOTE_TENANTS_MAX)
		return remote_usage_error(
		    o, "more than %d --tenant", REMOTE_TENANTS_MAX);
	t->v[t->n++] = slug;
	return 0;
}

json_t *
remote_tenants_json(const struct remote_tenants *t)
{
	json_t *a = json_array();
	size_t i;

	for (i = 0; a != NULL && i < t->n; i++)
		if (json_array_append_new(a, json_string(t->v[i])) != 0) {
			json_decref(a);
			return NULL;
		}
	return a;
}

int
remote_read_file(
    const char *cmd, const char *file, size_t cap, char **buf, size_t *len)
{
	struct rp_diags *d = rp_diags_new();
	int rc = EXIT_USAGE;

	if (d == NULL)
		fprintf(stderr, "%s: out of memory\n", cmd);
	else if (rp_input_read(file, cap, buf, len, d) != 0) {
		char prefix[160];

		snprintf(prefix, sizeof(prefix), "%s: ", cmd);
		out_diags(stderr, d, prefix, file, 1);
	} else
		rc = 0;
	rp_diags_free(d);
	return rc;
}
