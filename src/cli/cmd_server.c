/*
 * rampart server add|list|use|remove: the server profiles (profile.h).
 * Nothing here talks to a server; the first profile added becomes the
 * current one.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "profile.h"
#include "remote.h"
#include "util/out.h"

enum { OPT_URL = OPT_FIRST_OWN, OPT_FP };

static void
usage(FILE *f)
{
	fputs("usage: rampart server add NAME --url URL [--fingerprint FP]\n"
	      "       rampart server list [--json]\n"
	      "       rampart server use NAME\n"
	      "       rampart server remove NAME\n"
	      "\n"
	      "Server profiles: which rampartd to talk to and how to know "
	      "it.\n"
	      "add     adds profile NAME.  URL is the server's base URL "
	      "(https://host:port;\n"
	      "        http:// only for localhost, 127.0.0.1 or [::1]).  FP "
	      "is the SHA-256\n"
	      "        fingerprint of the server's certificate as\n"
	      "        'openssl x509 -noout -fingerprint -sha256 -in "
	      "cert.pem' prints it\n"
	      "        (AB:CD:..., any case): the CLI then accepts exactly "
	      "that certificate\n"
	      "        (self-signed is fine, the host name is not checked).  "
	      "Without FP the\n"
	      "        system's certificate authorities and the host name "
	      "are checked.\n"
	      "        The first profile added becomes the current one.\n"
	      "list    the profiles; '*' marks the current one.\n"
	      "use     makes NAME the current profile.\n"
	      "remove  removes NAME and its stored session.\n"
	      "\n"
	      "Profiles are kept in $RAMPART_CONFIG_DIR, else "
	      "$XDG_CONFIG_HOME/rampart,\n"
	      "else ~/.config/rampart (servers.json, session-NAME; mode "
	      "0600).\n"
	      "Exit 0, 1 when the profile exists or does not, 2 on bad usage "
	      "or a\n"
	      "profile file that cannot be used.\n",
	    f);
}

struct ctx {
	struct remote_opts o;
	char *dir;
	struct profiles *p;
	char err[CLIENT_ERR_MAX];
};

static int
load(struct ctx *c)
{
	if ((c->dir = profile_dir(c->err)) == NULL ||
	    profiles_load(c->dir, &c->p, c->err) != 0) {
		fprintf(stderr, "%s: %s\n", c->o.cmd, c->err);
		return EXIT_USAGE;
	}
	return 0;
}

static int
save(struct ctx *c)
{
	if (profiles_save(c->dir, c->p, c->err) != 0) {
		fprintf(stderr, "%s: %s\n", c->o.cmd, c->err);
		return EXIT_USAGE;
	}
	return 0;
}

static int
add(struct ctx *c, const char *name, const char *url, const char *fp)
{
	char text[NET_FP_TEXT];
	const char *why;
	uint8_t md[32];
	int rc;

	if (!profile_name_ok(name))
		return remote_usage_error(&c->o,
		    "'%s' is not a profile name (1-64 of A-Z a-z 0-9 . _ -)",
		    name);
	if (url == NULL)
		return remote_usage_error(&c->o, "--url is required");
	if ((why = net_url_problem(url)) != NULL)
		return remote_usage_error(&c->o, "--url %s: %s", url, why);
	if (fp != NULL && net_fp_parse(fp, md, text) != 0)
		return remote_usage_error(&c->o,
		    "--fingerprint: expected 32 bytes of hex separated by "
		    "':' (as 'openssl x509 -fingerprint -sha256' prints)");
	if ((rc = load(c)) != 0)
		return rc;
	if (profiles_find(c->p, name) != NULL) {
		fprintf(stderr,
		    "%s: profile '%s' exists; 'rampart server remove %s' "
		    "first\n",
		    c->o.cmd, name, name);
		return EXIT_PROBLEM;
	}
	if (profiles_put(c->p, name, url, fp ? text : NULL) != 0 ||
	    (c->p->current == NULL && (c->p->current = strdup(name)) == NULL)) {
		fprintf(stderr, "%s: too many profiles or out of memory\n",
		    c->o.cmd);
		return EXIT_USAGE;
	}
	if ((rc = save(c)) != 0)
		return rc;
	printf("server '%s' added: %s, %s%s\n", name, url,
	    fp ? "certificate pinned to "
	       : "certificate checked against "
		 "the system's authorities",
	    fp ? text : "");
	if (strcmp(c->p->current, name) == 0)
		printf("'%s' is the current server\n", name);
	return 0;
}

static int
list(struct ctx *c)
{
	const char *heads[] = {"", "NAME", "URL", "FINGERPRINT"}, *row[4];
	struct table *t;
	json_t *arr, *o;
	size_t i;
	int rc;

	if ((rc = load(c)) != 0)
		return rc;
	if (c->o.json) {
		if ((arr = json_array()) == NULL)
			return EXIT_USAGE;
		for (i = 0; i < c->p->n; i++) {
			o = json_pack("{s:s, s:s, s:s?, s:b}", "name",
			    c->p->v[i].name, "url", c->p->v[i].url,
			    "fingerprint", c->p->v[i].fingerprint, "current",
			    c->p->current &&
				strcmp(c->p->current, c->p->v[i].name) == 0);
			json_array_append_new(arr, o);
		}
		remote_print_json(arr);
		json_decref(arr);
		return 0;
	}
	if ((t = table_new(4, heads)) == NULL)
		return EXIT_USAGE;
	for (i = 0; i < c->p->n; i++) {
		row[0] =
		    c->p->current && strcmp(c->p->current, c->p->v[i].name) == 0
		    ? "*"
		    : "";
		row[1] = c->p->v[i].name;
		row[2] = c->p->v[i].url;
		row[3] = c->p->v[i].fingerprint ? c->p->v[i].fingerprint
						: "(CA store)";
		table_add(t, row);
	}
	if (c->p->n == 0)
		printf("no server profiles (in %s): 'rampart server add'\n",
		    c->dir);
	else
		table_print(t, stdout);
	table_free(t);
	return 0;
}

static int
use(struct ctx *c, const char *name)
{
	int rc;

	if ((rc = load(c)) != 0)
		return rc;
	if (profiles_find(c->p, name) == NULL) {
		fprintf(stderr, "%s: no profile '%s'\n", c->o.cmd, name);
		return EXIT_PROBLEM;
	}
	free(c->p->current);
	if ((c->p->current = strdup(name)) == NULL)
		return EXIT_USAGE;
	if ((rc = save(c)) == 0)
		printf("'%s' is the current server\n", name);
	return rc;
}

static int
remove_one(struct ctx *c, const char *name)
{
	int rc;

	if ((rc = load(c)) != 0)
		return rc;
	if (profiles_remove(c->p, name) != 0) {
		fprintf(stderr, "%s: no profile '%s'\n", c->o.cmd, name);
		return EXIT_PROBLEM;
	}
	if ((rc = save(c)) != 0)
		return rc;
	if (profile_session_save(c->dir, name, NULL, c->err) != 0) {
		fprintf(stderr, "%s: %s\n", c->o.cmd, c->err);
		return EXIT_USAGE;
	}
	printf("server '%s' removed\n", name);
	return 0;
}

static int
run(struct ctx *c, int argc, char **argv)
{
	static const struct option lo[] = {REMOTE_OPTIONS,
	    {"url", required_argument, NULL, OPT_URL},
	    {"fingerprint", required_argument, NULL, OPT_FP}, {0}};
	const char *sub = argv[0], *url = NULL, *fp = NULL;
	int ch, n;

	while ((ch = remote_getopt(argc, argv, lo, &c->o)) != -1) {
		if (ch == REMOTE_HELP) {
			usage(stdout);
			return 0;
		}
		if (ch == REMOTE_BAD)
			return EXIT_USAGE;
		if (ch == OPT_URL)
			url = optarg;
		else
			fp = optarg;
	}
	n = argc - optind;
	if (c->o.server != NULL || c->o.token_file != NULL)
		return remote_usage_error(&c->o,
		    "--server and --token-file belong to the commands that "
		    "talk to a server");
	if (c->o.json && strcmp(sub, "list") != 0)
		return remote_usage_error(&c->o, "--json belongs to 'list'");
	if ((url != NULL || fp != NULL) && strcmp(sub, "add") != 0)
		return remote_usage_error(
		    &c->o, "--url and --fingerprint belong to 'server add'");
	if (strcmp(sub, "list") == 0 && n == 0)
		return list(c);
	if (n != 1)
		return remote_usage_error(&c->o, "expected one profile NAME");
	if (strcmp(sub, "add") == 0)
		return add(c, argv[optind], url, fp);
	if (strcmp(sub, "use") == 0)
		return use(c, argv[optind]);
	return remove_one(c, argv[optind]);
}

int
cmd_server(int argc, char **argv)
{
	static const char *const subs[] = {
	    "add", "list", "use", "remove", NULL};
	struct ctx c;
	char cmd[64];
	int i, rc;

	memset(&c, 0, sizeof(c));
	if ((i = remote_sub(argc, argv, subs, usage, cmd, sizeof(cmd), &rc)) <
	    0)
		return rc;
	c.o.cmd = cmd;
	rc = run(&c, argc - 1, argv + 1);
	profiles_free(c.p);
	free(c.dir);
	return rc;
}
