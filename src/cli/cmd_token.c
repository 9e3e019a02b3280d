/*
 * rampart token list|create|revoke: API tokens for scripts
 * (/api/v1/tokens).  create prints the secret once (the server keeps
 * only its hash) and wipes it from memory afterwards.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "remote.h"
#include "util/out.h"
#include "util/str.h"

enum { OPT_ROLE = OPT_FIRST_OWN, OPT_TENANT, OPT_EXPIRES, OPT_USER };

#define EXPIRES_MAX 3650L

static void
usage(FILE *f)
{
	fputs("usage: rampart token list [--user NAME] [--limit N]\n"
	      "       rampart token create NAME [--role ROLE] [--tenant "
	      "SLUG]...\n"
	      "                            [--expires-days N]\n"
	      "       rampart token revoke ID\n"
	      "\n"
	      "API tokens let scripts use the API without a session: give "
	      "one with\n"
	      "$RAMPART_TOKEN or --token-file.  A token's role and tenants "
	      "are no wider\n"
	      "than its owner's (default: the owner's).\n"
	      "list    your tokens (msp-admin: everyone's, or --user NAME's)\n"
	      "create  needs a session ('rampart login'); prints the secret "
	      "once\n"
	      "revoke  ends a token at once\n"
	      "  --expires-days N  the token ends after N days (1-3650; "
	      "default: never)\n"
	      "  --limit N         show at most N tokens (default: all)\n"
	      "\n" REMOTE_COMMON_HELP
	      "Exit 0, 1 when the server refuses, 2 on bad usage, 3 when the "
	      "server\n"
	      "cannot be reached or is not a Rampart server.\n",
	    f);
}

struct topts {
	const char *role, *user;
	struct remote_tenants tenants;
	long expires;
};

static const char *
state(json_t *t, char *buf, size_t len)
{
	(void)buf;
	(void)len;
	if (json_is_string(json_object_get(t, "revoked_at")))
		return "revoked";
	return "active";
}

static int
list(struct remote *r, const struct remote_opts *o, const struct topts *t)
{
	static const struct remote_col cols[] = {
	    {"ID", "id", NULL},
	    {"NAME", "name", NULL},
	    {"USER", "user", NULL},
	    {"ROLE", "role", NULL},
	    {"TENANTS", "tenants", NULL},
	    {"STATE", NULL, state},
	    {"EXPIRES", "expires_at", NULL},
	    {"LAST-USED", "last_used", NULL},
	};
	char *q = NULL, *esc = NULL;
	int rc = EXIT_USAGE;

	if (t->user == NULL ||
	    ((esc = net_escape(t->user)) != NULL &&
		(q = rp_asprintf("&user=%s", esc)) != NULL))
		rc = remote_list_show(r, o, "/api/v1/tokens", q ? q : "", cols,
		    sizeof(cols) / sizeof(cols[0]));
	free(esc);
	free(q);
	return rc;
}

static int
create(struct remote *r, const struct remote_opts *o, const char *name,
    const struct topts *t)
{
	json_t *b, *ts, *data = NULL, *tok;
	char *text = NULL, buf[512];
	int rc = EXIT_USAGE, bad;

	b = json_pack("{s:s}", "name", name);
	ts = remote_tenants_json(&t->tenants);
	bad = b == NULL || ts == NULL;
	if (!bad && t->tenants.n > 0)
		bad = json_object_set(b, "tenants", ts) != 0;
	if (!bad && t->role != NULL)
		bad = json_object_set_new(b, "role", json_string(t->role)) != 0;
	if (!bad && t->expires > 0)
		bad = json_object_set_new(
			  b, "expires_days", json_integer(t->expires)) != 0;
	if (bad || (text = json_dumps(b, JSON_COMPACT)) == NULL) {
		fprintf(stderr, "%s: out of memory\n", o->cmd);
		goto out;
	}
	rc = remote_call(
	    r, "POST", "/api/v1/tokens", text, strlen(text), &data, NULL);
	if (rc != 0)
		goto out;
	if (o->json)
		remote_print_json(data);
	else {
		tok = json_object_get(data, "token");
		printf("token ");
		out_text(
		    stdout, remote_str(tok, "id", buf, sizeof(buf)), 200, 0);
		printf(" created: ");
		out_text(
		    stdout, remote_str(tok, "name", buf, sizeof(buf)), 200, 0);
		printf(", role ");
		out_text(
		    stdout, remote_str(tok, "role", buf, sizeof(buf)), 64, 0);
		printf(", tenants ");
		out_text(stdout, remote_join(tok, "tenants", buf, sizeof(buf)),
		    400, 0);
		printf(", expires ");
		out_text(stdout,
		    json_is_string(json_object_get(tok, "expires_at"))
			? remote_str(tok, "expires_at", buf, sizeof(buf))
			: "never",
		    64, 0);
		printf("\n\nshown once, not stored anywhere you can read it "
		       "again:\n");
		remote_field(
		    "secret:", remote_str(data, "secret", buf, sizeof(buf)));
	}
out:
	remote_wipe(data, "secret");
	json_decref(data);
	json_decref(b);
	json_decref(ts);
	free(text);
	return rc;
}

static int
revoke(struct remote *r, const struct remote_opts *o, const char *id)
{
	char *esc = NULL, *path = NULL;
	json_t *data = NULL;
	int rc = EXIT_USAGE;

	if ((esc = net_escape(id)) != NULL &&
	    (path = rp_asprintf("/api/v1/tokens/%s", esc)) != NULL)
		rc = remote_call(r, "DELETE", path, NULL, 0, &data, NULL);
	if (rc == 0 && !o->json) {
		printf("token ");
		out_text(stdout, id, 200, 0);
		printf(" revoked\n");
	} else if (rc == 0)
		printf("{\"revoked\": true}\n");
	json_decref(data);
	free(esc);
	free(path);
	return rc;
}

static int
parse(struct remote_opts *o, struct topts *t, int argc, char **argv)
{
	static const struct option lo[] = {REMOTE_OPTIONS, REMOTE_LIMIT_OPTION,
	    {"role", required_argument, NULL, OPT_ROLE},
	    {"tenant", required_argument, NULL, OPT_TENANT},
	    {"expires-days", required_argument, NULL, OPT_EXPIRES},
	    {"user", required_argument, NULL, OPT_USER}, {0}};
	int ch;

	while ((ch = remote_getopt(argc, argv, lo, o)) != -1) {
		switch (ch) {
		case REMOTE_HELP:
			usage(stdout);
			return 1;
		case REMOTE_BAD:
			return EXIT_USAGE;
		case OPT_ROLE:
			t->role = optarg;
			break;
		case OPT_TENANT:
			if (remote_tenant_add(o, &t->tenants, optarg) != 0)
				return EXIT_USAGE;
			break;
		case OPT_EXPIRES:
			if (remote_count(o, "--expires-days", optarg,
				EXPIRES_MAX, &t->expires) != 0)
				return EXIT_USAGE;
			break;
		default:
			t->user = optarg;
		}
	}
	return 0;
}

static int
run(struct remote_opts *o, const char *sub, int argc, char **argv)
{
	struct topts t = {0};
	struct remote *r = NULL;
	int rc, n, lst = strcmp(sub, "list") == 0,
		   cre = strcmp(sub, "create") == 0;

	if ((rc = parse(o, &t, argc, argv)) != 0)
		return rc == 1 ? 0 : rc;
	n = argc - optind;
	if (n != (lst ? 0 : 1))
		return remote_usage_error(o,
		    lst ? "'list' takes no argument" : "expected one argument");
	if (o->limit != 0 && !lst)
		return remote_usage_error(o, "--limit belongs to 'list'");
	if (t.user != NULL && !lst)
		return remote_usage_error(o, "--user belongs to 'list'");
	if (!cre && (t.role || t.tenants.n || t.expires))
		return remote_usage_error(o,
		    "--role, --tenant and --expires-days belong to 'create'");
	if ((rc = remote_open(o, REMOTE_AUTH, &r)) != 0)
		return rc;
	if (lst)
		rc = list(r, o, &t);
	else if (cre)
		rc = create(r, o, argv[optind], &t);
	else
		rc = revoke(r, o, argv[optind]);
	remote_close(r);
	return rc;
}

int
cmd_token(int argc, char **argv)
{
	static const char *const subs[] = {"list", "create", "revoke", NULL};

	return remote_main(argc, argv, subs, usage, run);
}
