/*
 * rampart enroll-token create|list|revoke: the tokens a machine joins a
 * tenant with (/api/v1/tenants/{tenant}/enroll-tokens,
 * docs/agent-protocol.md).  create prints the secret once, with the
 * rampart-agent command that uses it, and wipes it from memory after.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cmd.h"
#include "remote.h"
#include "util/out.h"
#include "util/str.h"

enum { OPT_NAME = OPT_FIRST_OWN, OPT_USES, OPT_HOURS };

/* The server's bounds (docs/agent-protocol.md). */
#define USES_MAX 100000L
#define HOURS_MAX 720L

static void
usage(FILE *f)
{
	fputs("usage: rampart enroll-token create TENANT [--name TEXT] "
	      "[--uses N]\n"
	      "                                   [--expires-hours H]\n"
	      "       rampart enroll-token list TENANT [--limit N]\n"
	      "       rampart enroll-token revoke ID\n"
	      "\n"
	      "An enrolment token lets 'rampart-agent enroll' join a "
	      "machine to a\n"
	      "tenant (technician of the tenant or msp-admin).  It carries "
	      "the server's\n"
	      "certificate fingerprint, so the agent trusts the right "
	      "server from the\n"
	      "first contact.\n"
	      "create  prints the secret once and the agent command that "
	      "uses it\n"
	      "list    the tenant's tokens: uses allowed, used, state\n"
	      "revoke  ends a token at once (enrolled machines stay)\n"
	      "  --name TEXT        a label for the token\n"
	      "  --uses N           machines it may enrol (0-100000, 0: no "
	      "limit until\n"
	      "                     it expires; default 1)\n"
	      "  --expires-hours H  it ends after H hours (1-720; default "
	      "24)\n"
	      "  --limit N          show at most N tokens (default: all)\n"
	      "\n" REMOTE_COMMON_HELP
	      "Exit 0, 1 when the server refuses, 2 on bad usage, 3 when the "
	      "server\n"
	      "cannot be reached or is not a Rampart server.\n",
	    f);
}

struct eopts {
	const char *name;
	long uses; /* -1: the server's default */
	long hours; /* 0: the server's default */
};

/* Revoked, used up, expired (by this machine's clock) or active. */
static const char *
state(json_t *t, char *buf, size_t len)
{
	json_t *exp = json_object_get(t, "expires_at");
	json_int_t uses = json_integer_value(json_object_get(t, "uses"));
	char now[32];
	time_t tt = time(NULL);
	struct tm tm;

	(void)buf;
	(void)len;
	if (json_is_string(json_object_get(t, "revoked_at")))
		return "revoked";
	if (uses > 0 && json_integer_value(json_object_get(t, "used")) >= uses)
		return "used up";
	/* RFC 3339 UTC in the server's one form: compares as text */
	if (json_is_string(exp) && gmtime_r(&tt, &tm) != NULL &&
	    strftime(now, sizeof(now), "%Y-%m-%dT%H:%M:%SZ", &tm) != 0 &&
	    strcmp(json_string_value(exp), now) <= 0)
		return "expired";
	return "active";
}

/* "N" uses, "no limit" for 0. */
static const char *
uses(json_t *t, char *buf, size_t len)
{
	if (json_integer_value(json_object_get(t, "uses")) == 0 &&
	    json_is_integer(json_object_get(t, "uses")))
		return "no limit";
	return remote_str(t, "uses", buf, len);
}

static int
list(struct remote *r, const struct remote_opts *o, const char *path)
{
	static const struct remote_col cols[] = {
	    {"ID", "id", NULL},
	    {"NAME", "name", NULL},
	    {"USES", NULL, uses},
	    {"USED", "used", NULL},
	    {"EXPIRES", "expires_at", NULL},
	    {"STATE", NULL, state},
	};

	return remote_list_show(
	    r, o, path, "", cols, sizeof(cols) / sizeof(cols[0]));
}

static void
print_created(struct remote *r, json_t *data)
{
	json_t *tok = json_object_get(data, "token");
	char buf[512];

	printf("enrolment token ");
	out_text(stdout, remote_str(tok, "id", buf, sizeof(buf)), 64, 0);
	printf(" created for tenant ");
	out_text(stdout, remote_str(tok, "tenant", buf, sizeof(buf)), 200, 0);
	printf(": ");
	out_text(stdout, remote_str(tok, "name", buf, sizeof(buf)), 200, 0);
	printf(", uses ");
	out_text(stdout, uses(tok, buf, sizeof(buf)), 64, 0);
	printf(", expires ");
	out_text(
	    stdout, remote_str(tok, "expires_at", buf, sizeof(buf)), 64, 0);
	printf("\n\nshown once, not stored anywhere you can read it "
	       "again:\n");
	remote_field("secret:", remote_str(data, "secret", buf, sizeof(buf)));
	printf("\non each machine to enrol, as root:\n  rampart-agent enroll ");
	out_text(stdout, client_base_url(r->c), 1000, 0);
	printf(" ");
	out_text(stdout, remote_str(data, "secret", buf, sizeof(buf)), 400, 0);
	printf("\n");
}

static int
create(struct remote *r, const struct remote_opts *o, const char *path,
    const struct eopts *e)
{
	json_t *b = json_object(), *data = NULL;
	char *text = NULL;
	int rc = EXIT_USAGE, bad = b == NULL;

	if (!bad && e->name != NULL)
		bad = json_object_set_new(b, "name", json_string(e->name)) != 0;
	if (!bad && e->uses >= 0)
		bad =
		    json_object_set_new(b, "uses", json_integer(e->uses)) != 0;
	if (!bad && e->hours > 0)
		bad = json_object_set_new(
			  b, "expires_hours", json_integer(e->hours)) != 0;
	if (bad || (text = json_dumps(b, JSON_COMPACT)) == NULL) {
		fprintf(stderr, "%s: out of memory\n", o->cmd);
		goto out;
	}
	rc = remote_call(r, "POST", path, text, strlen(text), &data, NULL);
	if (rc != 0)
		goto out;
	if (o->json)
		remote_print_json(data);
	else
		print_created(r, data);
out:
	remote_wipe(data, "secret");
	json_decref(data);
	json_decref(b);
	free(text);
	return rc;
}

static int
revoke(struct remote *r, const struct remote_opts *o, const char *id,
    const char *path)
{
	json_t *data = NULL;
	int rc = remote_call(r, "DELETE", path, NULL, 0, &data, NULL);

	if (rc == 0 && !o->json) {
		printf("enrolment token ");
		out_text(stdout, id, 200, 0);
		printf(" revoked\n");
	} else if (rc == 0)
		printf("{\"revoked\": true}\n");
	json_decref(data);
	return rc;
}

static int
parse(struct remote_opts *o, struct eopts *e, int argc, char **argv)
{
	static const struct option lo[] = {REMOTE_OPTIONS, REMOTE_LIMIT_OPTION,
	    {"name", required_argument, NULL, OPT_NAME},
	    {"uses", required_argument, NULL, OPT_USES},
	    {"expires-hours", required_argument, NULL, OPT_HOURS}, {0}};
	char *end;
	int ch;

	while ((ch = remote_getopt(argc, argv, lo, o)) != -1) {
		switch (ch) {
		case REMOTE_HELP:
			usage(stdout);
			return 1;
		case REMOTE_BAD:
			return EXIT_USAGE;
		case OPT_NAME:
			e->name = optarg;
			break;
		case OPT_USES:
			/* 0 (no limit) is below remote_count's range */
			e->uses = strtol(optarg, &end, 10);
			if (optarg[0] < '0' || optarg[0] > '9' ||
			    *end != '\0' || e->uses < 0 || e->uses > USES_MAX)
				return remote_usage_error(o,
				    "--uses: expected a number 0-%ld",
				    USES_MAX);
			break;
		default:
			if (remote_count(o, "--expires-hours", optarg,
				HOURS_MAX, &e->hours) != 0)
				return EXIT_USAGE;
		}
	}
	return 0;
}

static int
run(struct remote_opts *o, const char *sub, int argc, char **argv)
{
	struct eopts e = {NULL, -1, 0};
	struct remote *r = NULL;
	char *esc = NULL, *path = NULL;
	int rc, lst = strcmp(sub, "list") == 0,
		cre = strcmp(sub, "create") == 0;

	if ((rc = parse(o, &e, argc, argv)) != 0)
		return rc == 1 ? 0 : rc;
	if (argc - optind != 1)
		return remote_usage_error(o, "expected one argument");
	if (o->limit != 0 && !lst)
		return remote_usage_error(o, "--limit belongs to 'list'");
	if (!cre && (e.name != NULL || e.uses >= 0 || e.hours > 0))
		return remote_usage_error(
		    o, "--name, --uses and --expires-hours belong to 'create'");
	if ((esc = net_escape(argv[optind])) == NULL ||
	    (path = rp_asprintf(cre || lst ? "/api/v1/tenants/%s/enroll-tokens"
					   : "/api/v1/enroll-tokens/%s",
		 esc)) == NULL) {
		free(esc);
		fprintf(stderr, "%s: out of memory\n", o->cmd);
		return EXIT_USAGE;
	}
	if ((rc = remote_open(o, REMOTE_AUTH, &r)) == 0) {
		if (lst)
			rc = list(r, o, path);
		else if (cre)
			rc = create(r, o, path, &e);
		else
			rc = revoke(r, o, argv[optind], path);
		remote_close(r);
	}
	free(esc);
	free(path);
	return rc;
}

int
cmd_enroll_token(int argc, char **argv)
{
	static const char *const subs[] = {"create", "list", "revoke", NULL};

	return remote_main(argc, argv, subs, usage, run);
}
