/*
 * Server profiles and session files (profile.h).  servers.json is
 * {"current": NAME|null, "servers": [{"name", "url", "fingerprint"}]};
 * it names which certificate the CLI trusts, so a file others could have
 * written is refused rather than used; a session file is a secret, so
 * one others can read is refused too (as ssh refuses a private key).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "profile.h"
#include "util/ascii.h"
#include "util/err.h"
#include "util/str.h"

#define SERVERS_FILE "servers.json"

int
profile_name_ok(const char *name)
{
	size_t i;

	if (name == NULL || name[0] == '\0' || name[0] == '.' || name[0] == '-')
		return 0;
	for (i = 0; name[i] != '\0'; i++) {
		if (i >= 64 ||
		    !(rp_isalnum((unsigned char)name[i]) || name[i] == '.' ||
			name[i] == '_' || name[i] == '-'))
			return 0;
	}
	return 1;
}

char *
profile_dir(char err[CLIENT_ERR_MAX])
{
	const char *v;
	struct passwd *pw;

	if ((v = getenv("RAMPART_CONFIG_DIR")) != NULL && v[0] != '\0')
		return strdup(v);
	if ((v = getenv("XDG_CONFIG_HOME")) != NULL && v[0] == '/')
		return rp_asprintf("%s/rampart", v);
	if ((v = getenv("HOME")) == NULL || v[0] != '/') {
		pw = getpwuid(getuid());
		v = pw != NULL ? pw->pw_dir : NULL;
	}
	if (v == NULL || v[0] != '/') {
		snprintf(err, CLIENT_ERR_MAX,
		    "no home directory: set RAMPART_CONFIG_DIR");
		return NULL;
	}
	return rp_asprintf("%s/.config/rampart", v);
}

/* Creates dir and its missing parents, the new ones 0700. */
static int
mkdir_p(const char *dir, char err[CLIENT_ERR_MAX])
{
	char path[PATH_MAX];
	size_t i, n = strlen(dir);

	if (n == 0 || n >= sizeof(path)) {
		snprintf(err, CLIENT_ERR_MAX, "%s: path too long", dir);
		return RP_ERR_IO;
	}
	memcpy(path, dir, n + 1);
	for (i = 1; i <= n; i++) {
		if (path[i] != '/' && path[i] != '\0')
			continue;
		path[i] = '\0';
		if (mkdir(path, 0700) != 0 && errno != EEXIST) {
			snprintf(err, CLIENT_ERR_MAX,
			    "cannot create %.400s: %s", path, strerror(errno));
			return RP_ERR_IO;
		}
		path[i] = i == n ? '\0' : '/';
	}
	return 0;
}

/* Whether an opened file of ours may be trusted: ours, a regular file,
 * not writable (secret: not readable either) by others. */
static int
check_mode(int fd, const char *path, int secret, char err[CLIENT_ERR_MAX])
{
	struct stat st;

	if (fstat(fd, &st) != 0) {
		snprintf(err, CLIENT_ERR_MAX, "%s: %s", path, strerror(errno));
		return RP_ERR_IO;
	}
	if (!S_ISREG(st.st_mode)) {
		snprintf(err, CLIENT_ERR_MAX, "%s: not a regular file", path);
		return RP_ERR_IO;
	}
	if (st.st_uid != geteuid()) {
		snprintf(err, CLIENT_ERR_MAX,
		    "%s: owned by uid %u, not by you; refusing to use it", path,
		    (unsigned)st.st_uid);
		return RP_ERR_IO;
	}
	if ((st.st_mode & (secret ? 077 : 022)) != 0) {
		snprintf(err, CLIENT_ERR_MAX,
		    "%s: mode %04o lets others %s it; refusing to use it "
		    "(chmod 600 %s)",
		    path, (unsigned)(st.st_mode & 07777),
		    secret ? "read" : "change", path);
		return RP_ERR_IO;
	}
	if (st.st_size > (off_t)PROFILE_FILE_MAX) {
		snprintf(err, CLIENT_ERR_MAX, "%s: larger than %zu bytes", path,
		    PROFILE_FILE_MAX);
		return RP_ERR_LIMIT;
	}
	return 0;
}

/*
 * Writes data to dir/file through a temporary file in dir (0600) that
 * is synced and renamed over file, then syncs dir: a crash leaves the
 * old file or the new one, never a mix.
 */
static int
atomic_write(const char *dir, const char *file, const void *data, size_t len,
    char err[CLIENT_ERR_MAX])
{
	char *tmp = NULL, *dst = NULL;
	int fd = -1, dfd = -1, r = RP_ERR_IO;
	size_t off = 0;
	ssize_t w;

	if ((r = mkdir_p(dir, err)) != 0)
		return r;
	r = RP_ERR_IO;
	if ((tmp = rp_asprintf("%s/.%s.XXXXXX", dir, file)) == NULL ||
	    (dst = rp_asprintf("%s/%s", dir, file)) == NULL) {
		snprintf(err, CLIENT_ERR_MAX, "out of memory");
		r = RP_ERR_NOMEM;
		goto out;
	}
	/* mkstemp creates it 0600 */
	if ((fd = mkstemp(tmp)) < 0) {
		snprintf(err, CLIENT_ERR_MAX, "cannot write in %s: %s", dir,
		    strerror(errno));
		goto out;
	}
	while (off < len) {
		if ((w = write(fd, (const char *)data + off, len - off)) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		off += (size_t)w;
	}
	if (off < len || fsync(fd) != 0 || close(fd) != 0) {
		fd = -1;
		snprintf(err, CLIENT_ERR_MAX, "cannot write %s: %s", tmp,
		    strerror(errno));
		goto out;
	}
	fd = -1;
	if (rename(tmp, dst) != 0) {
		snprintf(err, CLIENT_ERR_MAX, "cannot rename %s to %s: %s", tmp,
		    dst, strerror(errno));
		goto out;
	}
	free(tmp);
	tmp = NULL;
	if ((dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) >= 0) {
		(void)fsync(dfd);
		close(dfd);
	}
	r = 0;
out:
	if (fd >= 0)
		close(fd);
	if (tmp != NULL)
		(void)unlink(tmp);
	free(tmp);
	free(dst);
	return r;
}

/* Opens dir/file for reading; RP_ERR_NOTFOUND when it is not there. */
static int
open_checked(const char *path, int secret, int *fd, char err[CLIENT_ERR_MAX])
{
	int r;

	*fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (*fd < 0) {
		if (errno == ENOENT)
			return RP_ERR_NOTFOUND;
		snprintf(err, CLIENT_ERR_MAX, "cannot open %s: %s", path,
		    errno == ELOOP ? "a symbolic link" : strerror(errno));
		return RP_ERR_IO;
	}
	if ((r = check_mode(*fd, path, secret, err)) != 0) {
		close(*fd);
		*fd = -1;
	}
	return r;
}

static const char *
str_field(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);

	return json_is_string(v) ? json_string_value(v) : NULL;
}

/* One entry of "servers": checked, then added to p. */
static int
load_one(struct profiles *p, json_t *s, size_t i, const char *path,
    char err[CLIENT_ERR_MAX])
{
	const char *name = str_field(s, "name"), *url = str_field(s, "url");
	const char *fp = str_field(s, "fingerprint"), *why;
	json_t *fpv = json_object_get(s, "fingerprint");
	char text[NET_FP_TEXT];
	uint8_t md[32];

	if (!json_is_object(s) || !profile_name_ok(name)) {
		snprintf(err, CLIENT_ERR_MAX,
		    "%s: /servers/%zu/name: expected a profile name", path, i);
		return RP_ERR_INVALID;
	}
	if ((why = net_url_problem(url)) != NULL) {
		snprintf(err, CLIENT_ERR_MAX, "%s: /servers/%zu/url: %s", path,
		    i, why);
		return RP_ERR_INVALID;
	}
	if ((fpv != NULL && !json_is_null(fpv) && fp == NULL) ||
	    (fp != NULL && net_fp_parse(fp, md, text) != 0)) {
		snprintf(err, CLIENT_ERR_MAX,
		    "%s: /servers/%zu/fingerprint: expected a SHA-256 "
		    "fingerprint (AB:CD:...)",
		    path, i);
		return RP_ERR_INVALID;
	}
	if (profiles_find(p, name) != NULL) {
		snprintf(err, CLIENT_ERR_MAX,
		    "%s: /servers/%zu/name: '%s' appears twice", path, i, name);
		return RP_ERR_INVALID;
	}
	if (profiles_put(p, name, url, fp ? text : NULL) != 0) {
		snprintf(err, CLIENT_ERR_MAX, "out of memory");
		return RP_ERR_NOMEM;
	}
	return 0;
}

static int
load_tree(struct profiles *p, json_t *root, const char *path,
    char err[CLIENT_ERR_MAX])
{
	json_t *servers = json_object_get(root, "servers");
	json_t *cur = json_object_get(root, "current");
	size_t i;
	int r;

	if (!json_is_object(root) || !json_is_array(servers) ||
	    json_array_size(servers) > PROFILE_MAX) {
		snprintf(err, CLIENT_ERR_MAX,
		    "%s: expected {\"servers\": [...]} with at most %d "
		    "profiles",
		    path, PROFILE_MAX);
		return RP_ERR_INVALID;
	}
	for (i = 0; i < json_array_size(servers); i++)
		if ((r = load_one(
			 p, json_array_get(servers, i), i, path, err)) != 0)
			return r;
	if (cur != NULL && !json_is_null(cur)) {
		if (!json_is_string(cur) ||
		    profiles_find(p, json_string_value(cur)) == NULL) {
			snprintf(err, CLIENT_ERR_MAX,
			    "%s: /current: not the name of a profile", path);
			return RP_ERR_INVALID;
		}
		if ((p->current = strdup(json_string_value(cur))) == NULL)
			return RP_ERR_NOMEM;
	}
	return 0;
}

int
profiles_load(const char *dir, struct profiles **out, char err[CLIENT_ERR_MAX])
{
	struct profiles *p = NULL;
	json_error_t je;
	json_t *root = NULL;
	char *path = NULL;
	FILE *f = NULL;
	int fd = -1, r = RP_ERR_NOMEM;

	*out = NULL;
	if ((p = calloc(1, sizeof(*p))) == NULL ||
	    (path = rp_asprintf("%s/%s", dir, SERVERS_FILE)) == NULL) {
		snprintf(err, CLIENT_ERR_MAX, "out of memory");
		goto out;
	}
	if ((r = open_checked(path, 0, &fd, err)) == RP_ERR_NOTFOUND) {
		r = 0;
		goto done;
	}
	if (r != 0)
		goto out;
	if ((f = fdopen(fd, "r")) == NULL) {
		snprintf(err, CLIENT_ERR_MAX, "%s: %s", path, strerror(errno));
		r = RP_ERR_IO;
		goto out;
	}
	fd = -1;
	if ((root = json_loadf(f, JSON_REJECT_DUPLICATES, &je)) == NULL) {
		snprintf(err, CLIENT_ERR_MAX, "%s: line %d: %s", path, je.line,
		    je.text);
		r = RP_ERR_INVALID;
		goto out;
	}
	if ((r = load_tree(p, root, path, err)) != 0)
		goto out;
done:
	*out = p;
	p = NULL;
	r = 0;
out:
	if (f != NULL)
		fclose(f);
	if (fd >= 0)
		close(fd);
	json_decref(root);
	profiles_free(p);
	free(path);
	return r;
}

static json_t *
to_json(const struct profiles *p)
{
	json_t *root, *arr, *o;
	size_t i;

	root = json_object();
	arr = json_array();
	if (root == NULL || arr == NULL ||
	    json_object_set_new(root, "current",
		p->current ? json_string(p->current) : json_null()) != 0 ||
	    json_object_set(root, "servers", arr) != 0)
		goto fail;
	for (i = 0; i < p->n; i++) {
		if ((o = json_pack("{s:s, s:s, s:s?}", "name", p->v[i].name,
			 "url", p->v[i].url, "fingerprint",
			 p->v[i].fingerprint)) == NULL ||
		    json_array_append_new(arr, o) != 0)
			goto fail;
	}
	json_decref(arr);
	return root;
fail:
	json_decref(arr);
	json_decref(root);
	return NULL;
}

int
profiles_save(
    const char *dir, const struct profiles *p, char err[CLIENT_ERR_MAX])
{
	json_t *root;
	char *text = NULL, *withnl = NULL;
	int r = RP_ERR_NOMEM;

	if ((root = to_json(p)) == NULL ||
	    (text = json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER)) ==
		NULL ||
	    (withnl = rp_asprintf("%s\n", text)) == NULL)
		snprintf(err, CLIENT_ERR_MAX, "out of memory");
	else
		r = atomic_write(
		    dir, SERVERS_FILE, withnl, strlen(withnl), err);
	json_decref(root);
	free(text);
	free(withnl);
	return r;
}

void
profiles_free(struct profiles *p)
{
	size_t i;

	if (p == NULL)
		return;
	for (i = 0; i < p->n; i++) {
		free(p->v[i].name);
		free(p->v[i].url);
		free(p->v[i].fingerprint);
	}
	free(p->v);
	free(p->current);
	free(p);
}

struct profile *
profiles_find(const struct profiles *p, const char *name)
{
	size_t i;

	for (i = 0; name != NULL && i < p->n; i++)
		if (strcmp(p->v[i].name, name) == 0)
			return &p->v[i];
	return NULL;
}

int
profiles_put(struct profiles *p, const char *name, const char *url,
    const char *fingerprint)
{
	struct profile *e = profiles_find(p, name), *nv, n = {0};

	if ((n.name = strdup(name)) == NULL || (n.url = strdup(url)) == NULL ||
	    (fingerprint != NULL &&
		(n.fingerprint = strdup(fingerprint)) == NULL))
		goto nomem;
	if (e == NULL) {
		if (p->n >= PROFILE_MAX) {
			free(n.name);
			free(n.url);
			free(n.fingerprint);
			return RP_ERR_LIMIT;
		}
		if ((nv = realloc(p->v, (p->n + 1) * sizeof(*nv))) == NULL)
			goto nomem;
		p->v = nv;
		e = &p->v[p->n++];
	} else {
		free(e->name);
		free(e->url);
		free(e->fingerprint);
	}
	*e = n;
	return 0;
nomem:
	free(n.name);
	free(n.url);
	free(n.fingerprint);
	return RP_ERR_NOMEM;
}

int
profiles_remove(struct profiles *p, const char *name)
{
	struct profile *e = profiles_find(p, name);
	size_t i;

	if (e == NULL)
		return RP_ERR_NOTFOUND;
	i = (size_t)(e - p->v);
	free(e->name);
	free(e->url);
	free(e->fingerprint);
	memmove(&p->v[i], &p->v[i + 1], (p->n - i - 1) * sizeof(*e));
	p->n--;
	if (p->current != NULL && strcmp(p->current, name) == 0) {
		free(p->current);
		p->current = NULL;
	}
	return 0;
}

/* Reads one line of at most outlen - 1 bytes from f into out. */
static int
read_line(FILE *f, const char *path, char *out, size_t outlen,
    char err[CLIENT_ERR_MAX])
{
	size_t n = 0;
	int ch;

	while ((ch = getc(f)) != EOF && ch != '\n') {
		if (n + 1 >= outlen) {
			explicit_bzero(out, outlen);
			snprintf(err, CLIENT_ERR_MAX,
			    "%s: the first line is longer than %zu bytes", path,
			    outlen - 1);
			return RP_ERR_LIMIT;
		}
		out[n++] = (char)ch;
	}
	if (ferror(f)) {
		explicit_bzero(out, outlen);
		snprintf(err, CLIENT_ERR_MAX, "cannot read %s", path);
		return RP_ERR_IO;
	}
	if (n > 0 && out[n - 1] == '\r')
		n--;
	out[n] = '\0';
	if (n == 0) {
		snprintf(
		    err, CLIENT_ERR_MAX, "%s: the first line is empty", path);
		return RP_ERR_INVALID;
	}
	return 0;
}

int
profile_secret_read(
    const char *path, char *out, size_t outlen, char err[CLIENT_ERR_MAX])
{
	FILE *f;
	int r;

	if (strcmp(path, "-") == 0)
		return read_line(stdin, "standard input", out, outlen, err);
	if ((f = fopen(path, "re")) == NULL) {
		snprintf(err, CLIENT_ERR_MAX, "cannot open %s: %s", path,
		    strerror(errno));
		return RP_ERR_IO;
	}
	/* no copy of the secret left in stdio's buffer */
	setvbuf(f, NULL, _IONBF, 0);
	r = read_line(f, path, out, outlen, err);
	fclose(f);
	return r;
}

int
profile_session_load(const char *dir, const char *name,
    char out[CLIENT_SECRET_MAX + 1], char err[CLIENT_ERR_MAX])
{
	char *path;
	FILE *f;
	int fd, r;

	if ((path = rp_asprintf("%s/session-%s", dir, name)) == NULL) {
		snprintf(err, CLIENT_ERR_MAX, "out of memory");
		return RP_ERR_NOMEM;
	}
	if ((r = open_checked(path, 1, &fd, err)) != 0)
		goto out;
	if ((f = fdopen(fd, "r")) == NULL) {
		close(fd);
		snprintf(err, CLIENT_ERR_MAX, "%s: %s", path, strerror(errno));
		r = RP_ERR_IO;
		goto out;
	}
	setvbuf(f, NULL, _IONBF, 0);
	r = read_line(f, path, out, CLIENT_SECRET_MAX + 1, err);
	fclose(f);
out:
	free(path);
	return r;
}

int
profile_session_save(const char *dir, const char *name, const char *value,
    char err[CLIENT_ERR_MAX])
{
	char file[128], line[CLIENT_SECRET_MAX + 2];
	char *path;
	int r;

	snprintf(file, sizeof(file), "session-%s", name);
	if (value != NULL) {
		if (strlen(value) > CLIENT_SECRET_MAX) {
			snprintf(err, CLIENT_ERR_MAX,
			    "the session cookie is too long");
			return RP_ERR_LIMIT;
		}
		snprintf(line, sizeof(line), "%s\n", value);
		r = atomic_write(dir, file, line, strlen(line), err);
		explicit_bzero(line, sizeof(line));
		return r;
	}
	if ((path = rp_asprintf("%s/%s", dir, file)) == NULL) {
		snprintf(err, CLIENT_ERR_MAX, "out of memory");
		return RP_ERR_NOMEM;
	}
	r = 0;
	if (unlink(path) != 0 && errno != ENOENT) {
		snprintf(err, CLIENT_ERR_MAX, "cannot remove %s: %s", path,
		    strerror(errno));
		r = RP_ERR_IO;
	}
	free(path);
	return r;
}
