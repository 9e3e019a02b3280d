/*
 * rampart login|logout|whoami: the session of a server profile.  The
 * password and TOTP code come from the terminal (the password without
 * echo) or, for scripts, from a file or standard input and a flag; they
 * are held in stack buffers wiped before return and never reach argv
 * of another process.  The session cookie the server sets is kept in
 * the profile's session file (profile.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "cmd.h"
#include "profile.h"
#include "remote.h"
#include "util/err.h"
#include "util/out.h"

enum {
	OPT_USER = OPT_FIRST_OWN,
	OPT_PASSWORD_FILE,
	OPT_TOTP,
	OPT_NEW_PASSWORD
};

#define NAME_MAX_LEN 256
#define PASSWORD_MAX 1024

static void
usage(FILE *f, const char *which)
{
	if (strcmp(which, "login") == 0)
		fputs("usage: rampart login [--user NAME] [--password-file "
		      "FILE] [--totp CODE]\n"
		      "\n"
		      "Logs in to the server and keeps the session for the "
		      "next commands.\n"
		      "  --user NAME           the user (asked on a terminal "
		      "when not given)\n"
		      "  --password-file FILE  the password is the first line "
		      "of FILE ('-':\n"
		      "                        standard input); without it the "
		      "password is\n"
		      "                        asked on the terminal without "
		      "echo, or read from\n"
		      "                        standard input when that is not "
		      "a terminal\n"
		      "  --totp CODE           the 6-digit TOTP code (asked on "
		      "a terminal when\n"
		      "                        not given; msp-admin users "
		      "always need one)\n",
		    f);
	else if (strcmp(which, "passwd") == 0)
		fputs("usage: rampart passwd [--password-file FILE] "
		      "[--new-password-file FILE]\n"
		      "\n"
		      "Changes your password (from a login session).  Every "
		      "session of yours\n"
		      "ends, this one too: log in again afterwards.\n"
		      "  --password-file FILE      the current password, first "
		      "line of FILE\n"
		      "  --new-password-file FILE  the new one (at least 12 "
		      "characters)\n"
		      "Without them both are asked on the terminal without "
		      "echo (the new one\n"
		      "twice).\n",
		    f);
	else if (strcmp(which, "logout") == 0)
		fputs("usage: rampart logout\n"
		      "\n"
		      "Ends the session on the server and removes the stored "
		      "cookie.\n",
		    f);
	else
		fputs("usage: rampart whoami\n"
		      "\n"
		      "Who the server takes you for: user, role, tenants and "
		      "whether a\n"
		      "session or an API token is used.\n",
		    f);
	fputs("\n" REMOTE_COMMON_HELP
	      "Exit 0, 1 when the server refuses, 2 on bad usage, 3 when the "
	      "server\n"
	      "cannot be reached or is not a Rampart server.\n",
	    f);
}

/* ---- reading from the terminal ---- */

static volatile sig_atomic_t interrupted;

static void
on_signal(int sig)
{
	interrupted = sig;
}

/*
 * Asks label on the terminal and reads a line into out; without echo
 * when secret.  A signal restores the terminal, then is delivered again.
 * Returns 0, or -1 (out wiped).
 */
static int
ask(const char *label, int secret, char *out, size_t outlen)
{
	struct sigaction sa, old[3];
	const int sigs[3] = {SIGINT, SIGTERM, SIGHUP};
	struct termios t0, t1;
	size_t n = 0, i;
	int fd, rc = -1, set = 0;
	char ch;
	ssize_t k;

	if ((fd = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC)) < 0)
		return -1;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal; /* no SA_RESTART: read() returns */
	interrupted = 0;
	for (i = 0; i < 3; i++)
		sigaction(sigs[i], &sa, &old[i]);
	(void)!write(fd, label, strlen(label));
	if (secret && tcgetattr(fd, &t0) == 0) {
		t1 = t0;
		t1.c_lflag &= ~(tcflag_t)(ECHO | ECHONL);
		set = tcsetattr(fd, TCSAFLUSH, &t1) == 0;
	}
	while (!interrupted && (k = read(fd, &ch, 1)) == 1 && ch != '\n') {
		if (n + 1 >= outlen)
			goto out;
		out[n++] = ch;
	}
	if (!interrupted && n + 1 < outlen) {
		out[n] = '\0';
		rc = 0;
	}
out:
	if (set) {
		tcsetattr(fd, TCSAFLUSH, &t0);
		(void)!write(fd, "\n", 1);
	}
	close(fd);
	ch = 0;
	for (i = 0; i < 3; i++)
		sigaction(sigs[i], &old[i], NULL);
	if (rc != 0)
		explicit_bzero(out, outlen);
	if (interrupted)
		raise(interrupted);
	return rc;
}

/* ---- login ---- */

/* Appends s as a JSON string to out[*n..cap); fails when it does not fit.
 * By hand, into the caller's buffer, so the secret has one copy. */
static int
put_json_string(char *out, size_t cap, size_t *n, const char *s)
{
	static const char hex[] = "0123456789abcdef";
	unsigned char c;

	if (*n + 1 >= cap)
		return -1;
	out[(*n)++] = '"';
	for (; *s != '\0'; s++) {
		c = (unsigned char)*s;
		if (*n + 7 >= cap)
			return -1;
		if (c == '"' || c == '\\') {
			out[(*n)++] = '\\';
			out[(*n)++] = (char)c;
		} else if (c < 0x20) {
			out[(*n)++] = '\\';
			out[(*n)++] = 'u';
			out[(*n)++] = '0';
			out[(*n)++] = '0';
			out[(*n)++] = hex[c >> 4];
			out[(*n)++] = hex[c & 15];
		} else
			out[(*n)++] = (char)c;
	}
	out[(*n)++] = '"';
	out[*n] = '\0';
	return 0;
}

struct login_in {
	char user[NAME_MAX_LEN];
	char password[PASSWORD_MAX];
	char totp[16];
	char body[8 * PASSWORD_MAX];
};

static int
put_field(struct login_in *in, size_t *n, const char *sep, const char *key,
    const char *v)
{
	size_t cap = sizeof(in->body);

	if (*n + strlen(sep) + strlen(key) + 4 >= cap)
		return -1;
	*n += (size_t)snprintf(in->body + *n, cap - *n, "%s\"%s\":", sep, key);
	return put_json_string(in->body, cap, n, v);
}

static int
build_body(struct login_in *in, size_t *len)
{
	size_t n = 0;

	if (put_field(in, &n, "{", "user", in->user) != 0 ||
	    put_field(in, &n, ",", "password", in->password) != 0 ||
	    (in->totp[0] != '\0' &&
		put_field(in, &n, ",", "totp", in->totp) != 0) ||
	    n + 2 >= sizeof(in->body))
		return -1;
	in->body[n++] = '}';
	in->body[n] = '\0';
	*len = n;
	return 0;
}

/* Fills in the password and the code; 0 or an exit status. */
static int
gather(const struct remote_opts *o, struct login_in *in, const char *pwfile,
    const char *totp)
{
	char err[CLIENT_ERR_MAX];
	int tty = isatty(STDIN_FILENO);

	if (in->user[0] == '\0' &&
	    (!tty || ask("user: ", 0, in->user, sizeof(in->user)) != 0 ||
		in->user[0] == '\0'))
		return remote_usage_error(
		    o, "--user is needed when not asked on a terminal");
	if (pwfile != NULL || !tty) {
		if (profile_secret_read(pwfile ? pwfile : "-", in->password,
			sizeof(in->password), err) != 0) {
			fprintf(stderr, "%s: password: %s\n", o->cmd, err);
			return EXIT_USAGE;
		}
	} else if (ask("password: ", 1, in->password, sizeof(in->password)) !=
	    0) {
		fprintf(stderr, "%s: no password read\n", o->cmd);
		return EXIT_USAGE;
	}
	if (totp != NULL)
		snprintf(in->totp, sizeof(in->totp), "%s", totp);
	else if (tty && pwfile == NULL &&
	    ask("TOTP code (Enter if the account has none): ", 0, in->totp,
		sizeof(in->totp)) != 0)
		in->totp[0] = '\0';
	return 0;
}

static int
login_send(const struct remote_opts *o, struct remote *r, struct login_in *in)
{
	struct client_resp resp = {.retry_after = -1};
	char err[CLIENT_ERR_MAX], b1[32], b2[32];
	json_t *data = NULL, *user;
	size_t len;
	int rc;

	if (build_body(in, &len) != 0) {
		fprintf(stderr, "%s: the password is too long\n", o->cmd);
		return EXIT_USAGE;
	}
	rc = remote_call(
	    r, "POST", "/api/v1/login", in->body, len, &data, &resp);
	if (rc != 0)
		goto out;
	rc = EXIT_UNREACHABLE;
	if (resp.session[0] == '\0') {
		fprintf(stderr,
		    "%s: the server answered without a session cookie\n",
		    o->cmd);
		goto out;
	}
	if (profile_session_save(r->dir, r->profile, resp.session, err) != 0) {
		fprintf(stderr, "%s: %s\n", o->cmd, err);
		rc = EXIT_USAGE;
		goto out;
	}
	rc = 0;
	if (o->json) {
		remote_print_json(data);
		goto out;
	}
	user = json_object_get(data, "user");
	printf("logged in to '%s' as ", r->profile);
	out_text(stdout, remote_str(user, "name", b1, sizeof(b1)), 200, 0);
	printf(" (");
	out_text(stdout, remote_str(user, "role", b1, sizeof(b1)), 64, 0);
	printf("); the session ends at ");
	out_text(stdout, remote_str(data, "expires_at", b2, sizeof(b2)), 64, 0);
	printf("\n");
out:
	json_decref(data);
	client_resp_clear(&resp);
	return rc;
}

static int
login(struct remote_opts *o, int argc, char **argv)
{
	static const struct option lo[] = {REMOTE_OPTIONS,
	    {"user", required_argument, NULL, OPT_USER},
	    {"password-file", required_argument, NULL, OPT_PASSWORD_FILE},
	    {"totp", required_argument, NULL, OPT_TOTP}, {0}};
	struct login_in in;
	struct remote *r = NULL;
	const char *pwfile = NULL, *totp = NULL;
	int ch, rc = EXIT_USAGE;

	memset(&in, 0, sizeof(in));
	while ((ch = remote_getopt(argc, argv, lo, o)) != -1) {
		if (ch == REMOTE_HELP) {
			usage(stdout, "login");
			return 0;
		}
		if (ch == REMOTE_BAD)
			return EXIT_USAGE;
		if (ch == OPT_USER) {
			if (strlen(optarg) >= sizeof(in.user))
				return remote_usage_error(
				    o, "--user: too long");
			snprintf(in.user, sizeof(in.user), "%s", optarg);
		} else if (ch == OPT_PASSWORD_FILE)
			pwfile = optarg;
		else
			totp = optarg;
	}
	if (optind != argc)
		return remote_usage_error(
		    o, "unexpected argument '%s'", argv[optind]);
	if (totp != NULL &&
	    (strlen(totp) != 6 || strspn(totp, "0123456789") != 6))
		return remote_usage_error(o, "--totp: expected 6 digits");
	if ((rc = remote_open(o, REMOTE_ANON, &r)) != 0)
		return rc;
	if ((rc = gather(o, &in, pwfile, totp)) == 0)
		rc = login_send(o, r, &in);
	explicit_bzero(&in, sizeof(in));
	remote_close(r);
	return rc;
}

/* ---- passwd ---- */

struct passwd_in {
	char old[PASSWORD_MAX];
	char new1[PASSWORD_MAX];
	char new2[PASSWORD_MAX];
	char body[8 * PASSWORD_MAX];
};

/* One secret from FILE, else from the terminal; 0 or an exit status. */
static int
secret_in(const struct remote_opts *o, const char *file, const char *label,
    char *out, size_t outlen)
{
	char err[CLIENT_ERR_MAX];

	if (file != NULL) {
		if (profile_secret_read(file, out, outlen, err) == 0)
			return 0;
		fprintf(stderr, "%s: %s\n", o->cmd, err);
		return EXIT_USAGE;
	}
	if (!isatty(STDIN_FILENO) || ask(label, 1, out, outlen) != 0)
		return remote_usage_error(o,
		    "give --password-file and --new-password-file when not "
		    "asked on a terminal");
	return 0;
}

static int
passwd_send(const struct remote_opts *o, struct passwd_in *in)
{
	struct remote *r = NULL;
	char err[CLIENT_ERR_MAX];
	json_t *d = NULL;
	size_t n = 0;
	int rc;

	in->body[n++] = '{';
	if (put_json_string(in->body, sizeof(in->body), &n, "password") != 0 ||
	    n + 1 >= sizeof(in->body))
		return EXIT_USAGE;
	in->body[n++] = ':';
	if (put_json_string(in->body, sizeof(in->body), &n, in->old) != 0 ||
	    n + 20 >= sizeof(in->body))
		return EXIT_USAGE;
	n += (size_t)snprintf(
	    in->body + n, sizeof(in->body) - n, ",\"new_password\":");
	if (put_json_string(in->body, sizeof(in->body), &n, in->new1) != 0 ||
	    n + 2 >= sizeof(in->body))
		return EXIT_USAGE;
	in->body[n++] = '}';
	in->body[n] = '\0';
	if ((rc = remote_open(o, REMOTE_AUTH, &r)) != 0)
		return rc;
	rc = remote_call(
	    r, "POST", "/api/v1/me/password", in->body, n, &d, NULL);
	json_decref(d);
	if (rc == 0) {
		/* The server ended every session: the stored one is void. */
		if (profile_session_save(r->dir, r->profile, NULL, err) != 0)
			fprintf(stderr, "%s: %s\n", o->cmd, err);
		printf("password changed; every session ended: log in to '%s' "
		       "again\n",
		    r->profile);
	}
	remote_close(r);
	return rc;
}

static int
passwd(struct remote_opts *o, int argc, char **argv)
{
	static const struct option lo[] = {REMOTE_OPTIONS,
	    {"password-file", required_argument, NULL, OPT_PASSWORD_FILE},
	    {"new-password-file", required_argument, NULL, OPT_NEW_PASSWORD},
	    {0}};
	const char *oldf = NULL, *newf = NULL;
	struct passwd_in in;
	int ch, rc;

	while ((ch = remote_getopt(argc, argv, lo, o)) != -1) {
		if (ch == REMOTE_HELP) {
			usage(stdout, "passwd");
			return 0;
		}
		if (ch == REMOTE_BAD)
			return EXIT_USAGE;
		if (ch == OPT_PASSWORD_FILE)
			oldf = optarg;
		else
			newf = optarg;
	}
	if (optind != argc)
		return remote_usage_error(
		    o, "unexpected argument '%s'", argv[optind]);
	memset(&in, 0, sizeof(in));
	if ((rc = secret_in(
		 o, oldf, "current password: ", in.old, sizeof(in.old))) != 0 ||
	    (rc = secret_in(
		 o, newf, "new password: ", in.new1, sizeof(in.new1))) != 0)
		goto out;
	if (newf == NULL &&
	    ((rc = secret_in(o, NULL, "new password again: ", in.new2,
		  sizeof(in.new2))) != 0 ||
		strcmp(in.new1, in.new2) != 0)) {
		if (rc == 0)
			rc = remote_usage_error(
			    o, "the new passwords differ; nothing changed");
		goto out;
	}
	rc = passwd_send(o, &in);
out:
	explicit_bzero(&in, sizeof(in));
	return rc;
}

/* ---- logout, whoami ---- */

static int
logout(struct remote_opts *o)
{
	char secret[CLIENT_SECRET_MAX + 1], err[CLIENT_ERR_MAX];
	struct client_resp resp = {.retry_after = -1};
	struct remote *r = NULL;
	int rc, x;

	if ((rc = remote_open(o, REMOTE_ANON, &r)) != 0)
		return rc;
	x = profile_session_load(r->dir, r->profile, secret, err);
	if (x != 0) {
		if (x == RP_ERR_NOTFOUND)
			printf("not logged in to '%s'\n", r->profile);
		else
			fprintf(stderr, "%s: %s\n", o->cmd, err);
		rc = x == RP_ERR_NOTFOUND ? 0 : EXIT_USAGE;
		goto out;
	}
	x = client_set_session(r->c, secret);
	explicit_bzero(secret, sizeof(secret));
	if (x != 0) {
		fprintf(
		    stderr, "%s: the stored session is not valid\n", o->cmd);
		rc = EXIT_USAGE;
	} else if (client_request(r->c, "POST", "/api/v1/logout", "{}", 2,
		       &resp, err) != 0) {
		/* the session stays: it can still be ended later */
		fprintf(stderr, "rampart: %s\n", err);
		rc = EXIT_UNREACHABLE;
		goto out;
	} else if (resp.status >= 300 && resp.status != 401) {
		fprintf(stderr,
		    "%s: the server answered HTTP %ld; the session is "
		    "forgotten here\n",
		    o->cmd, resp.status);
		rc = EXIT_PROBLEM;
	}
	if (profile_session_save(r->dir, r->profile, NULL, err) != 0) {
		fprintf(stderr, "%s: %s\n", o->cmd, err);
		rc = EXIT_USAGE;
	} else if (rc == 0)
		printf("logged out of '%s'%s\n", r->profile,
		    resp.status == 401 ? " (the session had already ended)"
				       : "");
out:
	client_resp_clear(&resp);
	remote_close(r);
	return rc;
}

static int
whoami(struct remote_opts *o)
{
	struct remote *r = NULL;
	json_t *me = NULL, *user;
	char b[512];
	int rc;

	if ((rc = remote_open(o, REMOTE_AUTH, &r)) != 0)
		return rc;
	if ((rc = remote_call(r, "GET", "/api/v1/me", NULL, 0, &me, NULL)) != 0)
		goto out;
	if (o->json) {
		remote_print_json(me);
		goto out;
	}
	user = json_object_get(me, "user");
	out_text(stdout, remote_str(user, "name", b, sizeof(b)), 200, 0);
	printf(" on '%s' (%s)\n", r->profile, client_base_url(r->c));
	remote_field("display:", remote_str(user, "display", b, sizeof(b)));
	remote_field("role:", remote_str(me, "role", b, sizeof(b)));
	remote_field("tenants:",
	    strcmp(remote_str(me, "role", b, sizeof(b)), "msp-admin") == 0
		? "all"
		: remote_join(me, "tenants", b, sizeof(b)));
	if (strcmp(remote_str(me, "kind", b, sizeof(b)), "token") == 0)
		remote_field("credential:", "API token");
	else
		remote_field("credential:", "session");
	if (json_object_get(me, "token_id") != NULL)
		remote_field(
		    "token id:", remote_str(me, "token_id", b, sizeof(b)));
out:
	json_decref(me);
	remote_close(r);
	return rc;
}

static int
simple(struct remote_opts *o, int argc, char **argv, const char *which)
{
	static const struct option lo[] = {REMOTE_OPTIONS, {0}};
	int ch;

	while ((ch = remote_getopt(argc, argv, lo, o)) != -1) {
		if (ch == REMOTE_HELP) {
			usage(stdout, which);
			return 0;
		}
		return EXIT_USAGE;
	}
	if (optind != argc)
		return remote_usage_error(
		    o, "unexpected argument '%s'", argv[optind]);
	return strcmp(which, "logout") == 0 ? logout(o) : whoami(o);
}

int
cmd_login(int argc, char **argv)
{
	struct remote_opts o = {.cmd = "rampart login"};

	return login(&o, argc, argv);
}

int
cmd_logout(int argc, char **argv)
{
	struct remote_opts o = {.cmd = "rampart logout"};

	return simple(&o, argc, argv, "logout");
}

int
cmd_passwd(int argc, char **argv)
{
	struct remote_opts o = {.cmd = "rampart passwd"};

	return passwd(&o, argc, argv);
}

int
cmd_whoami(int argc, char **argv)
{
	struct remote_opts o = {.cmd = "rampart whoami"};

	return simple(&o, argc, argv, "whoami");
}
