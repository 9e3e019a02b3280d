/*
 * Collectors whose parsing of hostile files is done by a library (librpm
 * with SQLite or Berkeley DB, libplist) run that part in a child process
 * that is confined before it starts (platform.h: plat_confine when the
 * data is already in memory, plat_jail when the library opens files of
 * its own).  The child fills a host of its own and answers with it as
 * native inventory JSON, with its return code and diagnostics, over a
 * socket; the parent reads that answer as untrusted input (size cap, the
 * JSON loader's bounds, the inventory reader's checks of every field)
 * and only then copies it into the real host.
 */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <jansson.h>

#include "coll_int.h"
#include "collectors/collectors.h"
#include "inventory/inventory.h"
#include "json/rpjson.h"
#include "platform/platform.h"
#include "util/err.h"

#define ANSWER_MAX ((size_t)64 << 20) /* bytes of one answer */
#define TEXT_MAX 4096 /* bytes of one diagnostic's text */

/* Sends all of buf over sock; 0 or -1. */
static int
send_all(int sock, const char *buf, size_t len)
{
	struct iovec iov;
	struct msghdr mh;
	ssize_t n;

	while (len > 0) {
		memset(&mh, 0, sizeof(mh));
		iov.iov_base = (void *)buf;
		iov.iov_len = len > 65536 ? 65536 : len;
		mh.msg_iov = &iov;
		mh.msg_iovlen = 1;
		if ((n = sendmsg(sock, &mh, MSG_NOSIGNAL)) < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

static json_t *
diags_json(const struct rp_diags *d)
{
	json_t *a = json_array();
	size_t i;

	for (i = 0; a != NULL && i < d->n; i++)
		json_array_append_new(a,
		    json_pack("[i, i, s]", (int)d->v[i].level, d->v[i].line,
			d->v[i].msg ? d->v[i].msg : ""));
	return a;
}

/* The child: confine, run, answer, exit.  Never returns. */
static void
child(const struct coll_confined *c, int sock)
{
	struct rp_diags *d = NULL;
	struct inv_host *h = NULL;
	const struct inv_host *hp;
	json_t *w = NULL;
	char *text = NULL;
	int jailed, rc;

	jailed =
	    c->jail != NULL ? plat_jail(c->jail, sock) : plat_confine(sock);
	if (jailed == 1)
		_exit(0);
	if (jailed < 0)
		_exit(3); /* never run unconfined */
	if ((h = inv_host_new()) == NULL || (d = rp_diags_new()) == NULL ||
	    inv_host_set(h, "confined", NULL, NULL, NULL) != 0)
		_exit(4);
	rc = c->fn(c->arg, jailed == 2, h, d);
	hp = h;
	w = json_pack("{s:i, s:o, s:o}", "rc", rc, "inventory",
	    inv_native_write(&hp, 1), "diags", diags_json(d));
	if (w == NULL || (text = json_dumps(w, JSON_COMPACT)) == NULL)
		_exit(4);
	_exit(send_all(sock, text, strlen(text)) == 0 ? 0 : 5);
}

/* Reads the whole answer (at most ANSWER_MAX bytes). */
static int
read_answer(int sock, char **out, size_t *outlen)
{
	size_t len = 0, cap = 0;
	char *buf = NULL, *nb;
	ssize_t n;

	for (;;) {
		if (cap - len < 65536) {
			if (cap >= ANSWER_MAX) {
				free(buf);
				return RP_ERR_LIMIT;
			}
			cap = cap ? cap * 2 : 65536;
			if ((nb = realloc(buf, cap + 1)) == NULL) {
				free(buf);
				return RP_ERR_NOMEM;
			}
			buf = nb;
		}
		if ((n = recv(sock, buf + len, cap - len, 0)) < 0) {
			if (errno == EINTR)
				continue;
			free(buf);
			return RP_ERR_IO;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	*out = buf;
	*outlen = len;
	return 0;
}

/* Copies the child's diagnostics, each checked, into d. */
static void
take_diags(const json_t *a, struct rp_diags *d)
{
	const json_t *e;
	const char *text;
	json_int_t level, line;
	size_t i;

	json_array_foreach(a, i, e)
	{
		if (i >= RP_DIAGS_MAX)
			break;
		text = json_string_value(json_array_get(e, 2));
		level = json_integer_value(json_array_get(e, 0));
		line = json_integer_value(json_array_get(e, 1));
		if (text == NULL || level < RP_DIAG_ERROR ||
		    level > RP_DIAG_NOTE || line < 0 || line > 1 << 30)
			continue;
		rp_diags_add_at(d, (enum rp_diag_level)level, (int)line, 0,
		    "%.*s", TEXT_MAX, text);
	}
}

/* Copies the child's host (OS and software) into h. */
static int
take_host(const struct inv_host *from, struct inv_host *h)
{
	size_t i;
	int r;

	if (h->os == NULL && from->os != NULL &&
	    (r = inv_host_set(h, NULL, from->os, from->os_version, NULL)) != 0)
		return r;
	for (i = 0; i < from->nsw; i++)
		if ((r = inv_host_add_software(h, &from->sw[i])) != 0)
			return r;
	return 0;
}

int
coll_confined_take(const char *what, const char *buf, size_t len,
    struct inv_host *h, struct rp_diags *d)
{
	struct rp_diags *scratch = rp_diags_new();
	struct inv_set *set = inv_set_new();
	json_t *w = NULL;
	json_int_t rc;
	int r = RP_ERR_NOMEM;

	if (scratch == NULL || set == NULL)
		goto out;
	r = RP_ERR_INVALID;
	if ((w = rpjson_load_buf(buf, len, scratch)) == NULL ||
	    !json_is_integer(json_object_get(w, "rc")) ||
	    (rc = json_integer_value(json_object_get(w, "rc"))) > 0 ||
	    rc < RP_ERR_ARG || !json_is_array(json_object_get(w, "diags")) ||
	    !json_is_object(json_object_get(w, "inventory")) ||
	    inv_native_read(json_object_get(w, "inventory"), set, scratch) !=
		0 ||
	    set->n != 1 || scratch->nerrors > 0) {
		rp_diags_add(d, RP_DIAG_ERROR, NULL, NULL,
		    "%s: the confined reader's answer is not valid", what);
		goto out;
	}
	take_diags(json_object_get(w, "diags"), d);
	if ((r = take_host(set->hosts[0], h)) == 0)
		r = (int)rc;
out:
	json_decref(w);
	inv_set_free(set);
	rp_diags_free(scratch);
	return r;
}

/* Waits for the child; a child that did not exit 0 is an error in d. */
static int
reap(const struct coll_confined *c, pid_t pid, struct rp_diags *d)
{
	int st;

	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return RP_ERR_IO;
	if (WIFEXITED(st) && WEXITSTATUS(st) == 0)
		return 0;
	if (WIFSIGNALED(st))
		rp_diags_add(d, RP_DIAG_ERROR, NULL, NULL,
		    "%s: the confined reader was killed by signal %d%s",
		    c->what, WTERMSIG(st),
		    WTERMSIG(st) == SIGSYS ? " (a forbidden system call)" : "");
	else
		rp_diags_add(d, RP_DIAG_ERROR, NULL, NULL,
		    "%s: the confined reader failed (exit status %d)", c->what,
		    WEXITSTATUS(st));
	return RP_ERR_IO;
}

int
coll_run_confined(
    const struct coll_confined *c, struct inv_host *h, struct rp_diags *d)
{
	char *buf = NULL;
	size_t len = 0;
	int sock, r, rr;
	pid_t pid;

	/* jansson seeds its hash from /dev/urandom at the first object:
	   here, not in a child that may not open files. */
	json_object_seed(0);
	if ((pid = plat_fork_child(SOCK_STREAM, &sock)) < 0)
		return RP_ERR_IO;
	if (pid == 0)
		child(c, sock);
	r = read_answer(sock, &buf, &len);
	if (r != 0)
		kill(pid, SIGKILL);
	close(sock);
	rr = reap(c, pid, d);
	if (r == RP_ERR_LIMIT)
		rp_diags_add(d, RP_DIAG_ERROR, NULL, NULL,
		    "%s: the confined reader's answer is larger than %zu bytes",
		    c->what, ANSWER_MAX);
	if (r == 0 && rr == 0)
		r = coll_confined_take(c->what, buf, len, h, d);
	else if (r == 0)
		r = rr;
	free(buf);
	return r;
}
