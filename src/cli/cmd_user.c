/*
 * rampart user list|create|show|update: the MSP's people and their roles
 * (/api/v1/users, msp-admin only).  create prints the password and TOTP
 * secret the server generated, which it shows only once; they are wiped
 * from memory after printing.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "remote.h"
#include "util/out.h"
#include "util/str.h"

enum {
	OPT_ROLE = OPT_FIRST_OWN,
	OPT_TENANT,
	OPT_DISPLAY,
	OPT_NO_TOTP,
	OPT_DISABLE,
	OPT_ENABLE
};

static void
usage(FILE *f)
{
	fputs("usage: rampart user list [--limit N]\n"
	      "       rampart user create NAME --role ROLE [--tenant SLUG]... "
	      "[--display TEXT]\n"
	      "                           [--no-totp]\n"
	      "       rampart user show NAME\n"
	      "       rampart user update NAME [--role ROLE] [--tenant "
	      "SLUG]...\n"
	      "                           [--display TEXT] [--disable | "
	      "--enable]\n"
	      "       rampart user reset NAME [--no-totp]\n"
	      "\n"
	      "Users of the server (msp-admin only).  ROLE is msp-admin, "
	      "technician or\n"
	      "viewer; technicians and viewers see only their tenants "
	      "(--tenant, once\n"
	      "per tenant; on update the list replaces the old one).\n"
	      "create   the server makes a password and, unless --no-totp, "
	      "a TOTP secret;\n"
	      "         both are printed once, marked so: hand them over "
	      "safely.\n"
	      "update   changes only what is given; --disable ends the "
	      "user's access.\n"
	      "reset    a new password, and a new TOTP secret when the user "
	      "has TOTP\n"
	      "         (--no-totp: none; never for an msp-admin), printed "
	      "once; the\n"
	      "         user's sessions end.\n"
	      "  --limit N  show at most N users (default: all)\n"
	      "\n" REMOTE_COMMON_HELP
	      "Exit 0, 1 when the server refuses, 2 on bad usage, 3 when the "
	      "server\n"
	      "cannot be reached or is not a Rampart server.\n",
	    f);
}

struct uopts {
	const char *role, *display;
	struct remote_tenants tenants;
	int no_totp, disabled; /* disabled: -1 unset, 0 enable, 1 disable */
};

static void
print_user(json_t *u)
{
	char b[512];

	out_text(stdout, remote_str(u, "name", b, sizeof(b)), 200, 0);
	printf("\n");
	remote_field("display:", remote_str(u, "display", b, sizeof(b)));
	remote_field("role:", remote_str(u, "role", b, sizeof(b)));
	remote_field("tenants:", remote_join(u, "tenants", b, sizeof(b)));
	remote_field("totp:", remote_str(u, "totp", b, sizeof(b)));
	remote_field("disabled:", remote_str(u, "disabled", b, sizeof(b)));
	remote_field("id:", remote_str(u, "id", b, sizeof(b)));
	remote_field("created:", remote_str(u, "created_at", b, sizeof(b)));
}

static int
list(struct remote *r, const struct remote_opts *o)
{
	static const struct remote_col cols[] = {
	    {"NAME", "name", NULL},
	    {"ROLE", "role", NULL},
	    {"TENANTS", "tenants", NULL},
	    {"TOTP", "totp", NULL},
	    {"DISABLED", "disabled", NULL},
	    {"DISPLAY", "display", NULL},
	};

	return remote_list_show(
	    r, o, "/api/v1/users", "", cols, sizeof(cols) / sizeof(cols[0]));
}

/* The request body of create or update; NULL when out of memory. */
static json_t *
body(const char *name, const struct uopts *u, int create)
{
	json_t *b = json_object(), *ts = remote_tenants_json(&u->tenants);
	int bad = b == NULL || ts == NULL;

	if (!bad && create)
		bad = json_object_set_new(b, "name", json_string(name)) != 0 ||
		    json_object_set_new(b, "totp", json_boolean(!u->no_totp)) !=
			0;
	if (!bad && (create || u->tenants.n > 0))
		bad = json_object_set(b, "tenants", ts) != 0;
	if (!bad && u->role != NULL)
		bad = json_object_set_new(b, "role", json_string(u->role)) != 0;
	if (!bad && u->display != NULL)
		bad = json_object_set_new(
			  b, "display", json_string(u->display)) != 0;
	if (!bad && u->disabled >= 0)
		bad = json_object_set_new(
			  b, "disabled", json_boolean(u->disabled)) != 0;
	json_decref(ts);
	if (bad) {
		json_decref(b);
		return NULL;
	}
	return b;
}

static void
print_created(json_t *data)
{
	json_t *pw = json_object_get(data, "password");
	json_t *sec = json_object_get(data, "totp_secret");
	json_t *uri = json_object_get(data, "totp_uri");

	if (json_object_get(data, "user") != NULL)
		print_user(json_object_get(data, "user"));
	if (!json_is_string(pw) && !json_is_string(sec))
		return;
	printf("\nshown once, not stored anywhere you can read it again:\n");
	if (json_is_string(pw))
		remote_field("password:", json_string_value(pw));
	if (json_is_string(sec))
		remote_field("TOTP secret:", json_string_value(sec));
	if (json_is_string(uri))
		remote_field("TOTP URI:", json_string_value(uri));
}

static int
send_user(struct remote *r, const struct remote_opts *o, const char *method,
    const char *path, json_t *b)
{
	json_t *data = NULL;
	char *text = b ? json_dumps(b, JSON_COMPACT) : NULL;
	int rc;

	if (b != NULL && text == NULL) {
		fprintf(stderr, "%s: out of memory\n", o->cmd);
		return EXIT_USAGE;
	}
	rc = remote_call(
	    r, method, path, text, text ? strlen(text) : 0, &data, NULL);
	free(text);
	if (rc == 0 && o->json)
		remote_print_json(data);
	else if (rc == 0 && strcmp(method, "POST") == 0)
		print_created(data);
	else if (rc == 0)
		print_user(data);
	remote_wipe(data, "password");
	remote_wipe(data, "totp_secret");
	remote_wipe(data, "totp_uri");
	json_decref(data);
	return rc;
}

static int
parse(struct remote_opts *o, struct uopts *u, int argc, char **argv)
{
	static const struct option lo[] = {REMOTE_OPTIONS, REMOTE_LIMIT_OPTION,
	    {"role", required_argument, NULL, OPT_ROLE},
	    {"tenant", required_argument, NULL, OPT_TENANT},
	    {"display", required_argument, NULL, OPT_DISPLAY},
	    {"no-totp", no_argument, NULL, OPT_NO_TOTP},
	    {"disable", no_argument, NULL, OPT_DISABLE},
	    {"enable", no_argument, NULL, OPT_ENABLE}, {0}};
	int ch;

	u->disabled = -1;
	while ((ch = remote_getopt(argc, argv, lo, o)) != -1) {
		switch (ch) {
		case REMOTE_HELP:
			usage(stdout);
			return 1;
		case REMOTE_BAD:
			return EXIT_USAGE;
		case OPT_ROLE:
			u->role = optarg;
			break;
		case OPT_TENANT:
			if (remote_tenant_add(o, &u->tenants, optarg) != 0)
				return EXIT_USAGE;
			break;
		case OPT_DISPLAY:
			u->display = optarg;
			break;
		case OPT_NO_TOTP:
			u->no_totp = 1;
			break;
		default:
			if (u->disabled >= 0)
				return remote_usage_error(o,
				    "--disable and --enable exclude each "
				    "other");
			u->disabled = ch == OPT_DISABLE;
		}
	}
	return 0;
}

static int
reset(struct remote *r, const struct remote_opts *o, const char *esc,
    const struct uopts *u)
{
	json_t *b = u->no_totp ? json_pack("{s:b}", "totp", 0) : json_object();
	char *path = rp_asprintf("/api/v1/users/%s/reset", esc);
	int rc = EXIT_USAGE;

	if (b != NULL && path != NULL)
		rc = send_user(r, o, "POST", path, b);
	json_decref(b);
	free(path);
	return rc;
}

/* Which options each subcommand takes; 0 or EXIT_USAGE. */
static int
check(
    const struct remote_opts *o, const struct uopts *u, const char *sub, int n)
{
	int list = strcmp(sub, "list") == 0,
	    create = strcmp(sub, "create") == 0,
	    update = strcmp(sub, "update") == 0,
	    reset = strcmp(sub, "reset") == 0;

	if (n != (list ? 0 : 1))
		return remote_usage_error(o,
		    list ? "'list' takes no argument"
			 : "expected one user NAME");
	if (o->limit != 0 && !list)
		return remote_usage_error(o, "--limit belongs to 'list'");
	if (reset &&
	    (u->role || u->display || u->tenants.n || u->disabled >= 0))
		return remote_usage_error(o, "'reset' takes only --no-totp");
	if (!create && !update && !reset &&
	    (u->role || u->display || u->tenants.n || u->no_totp ||
		u->disabled >= 0))
		return remote_usage_error(o, "'%s' takes no user options", sub);
	if (create && u->role == NULL)
		return remote_usage_error(o, "--role is required");
	if (create && u->disabled >= 0)
		return remote_usage_error(
		    o, "--disable and --enable belong to 'update'");
	if (update && u->no_totp)
		return remote_usage_error(o, "--no-totp belongs to 'create'");
	if (update && !u->role && !u->display && !u->tenants.n &&
	    u->disabled < 0)
		return remote_usage_error(o, "nothing to update");
	return 0;
}

static int
run(struct remote_opts *o, const char *sub, int argc, char **argv)
{
	struct uopts u = {0};
	struct remote *r = NULL;
	char *path = NULL, *esc = NULL;
	json_t *b = NULL;
	int rc;

	if ((rc = parse(o, &u, argc, argv)) != 0)
		return rc == 1 ? 0 : rc;
	if ((rc = check(o, &u, sub, argc - optind)) != 0)
		return rc;
	if ((rc = remote_open(o, REMOTE_AUTH, &r)) != 0)
		return rc;
	rc = EXIT_USAGE;
	if (strcmp(sub, "list") == 0)
		rc = list(r, o);
	else if (strcmp(sub, "create") == 0) {
		if ((b = body(argv[optind], &u, 1)) != NULL)
			rc = send_user(r, o, "POST", "/api/v1/users", b);
	} else if ((esc = net_escape(argv[optind])) != NULL &&
	    (path = rp_asprintf("/api/v1/users/%s", esc)) != NULL) {
		if (strcmp(sub, "show") == 0)
			rc = send_user(r, o, "GET", path, NULL);
		else if (strcmp(sub, "reset") == 0)
			rc = reset(r, o, esc, &u);
		else if ((b = body(NULL, &u, 0)) != NULL)
			rc = send_user(r, o, "PATCH", path, b);
	}
	json_decref(b);
	free(esc);
	free(path);
	remote_close(r);
	return rc;
}

int
cmd_user(int argc, char **argv)
{
	static const char *const subs[] = {
	    "list", "create", "show", "update", "reset", NULL};

	return remote_main(argc, argv, subs, usage, run);
}
