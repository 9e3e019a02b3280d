/*
 * The agent's caches of rules bundles, bundles/<sha256>.json in the
 * state directory, and of blocklist blobs, blocklists/<sha256>.json:
 * both are named by the SHA-256 a signed job carries.  A sweep job names its bundle by SHA-256 and is signed, so
 * a bundle is trusted exactly when its bytes hash to that name: bytes
 * fetched from the server are checked before they are written, and the
 * cached file again before every use (act_sweep.c).  A fetched bundle is
 * written to a temporary file, synced and renamed into place, so the
 * cache never holds half a bundle; the cache keeps the JOBS_BUNDLE_KEEP
 * most recently written.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "jobs_int.h"
#include "uplink/uplink.h"
#include "util/fdio.h"
#include "util/err.h"

#define BUNDLE_MAX ((size_t)64 << 20)

/* What is cached: its directory, its name in sentences, and how the
 * server is asked for one. */
struct kind {
	const char *dir, *what;
	int (*fetch)(void *arg, const char *sha256, char **buf, size_t *len,
	    char err[JOBS_ERR_MAX]);
};

/* The cache directory, made (0700) when missing; -1 with errno. */
static int
cache_dir(int statefd, const char *dir, int create)
{
	int fd = openat(
	    statefd, dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

	if (fd < 0 && errno == ENOENT && create &&
	    (mkdirat(statefd, dir, 0700) == 0 || errno == EEXIST))
		fd = openat(statefd, dir,
		    O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	return fd;
}

/* Reads name in dfd (no link followed, a regular file of at most
 * BUNDLE_MAX bytes): 0, 1 when absent, -1 with o set. */
static int
read_cached(int dfd, const struct kind *k, const char *name, const char *hash,
    char **buf, size_t *len, struct jobs_outcome *o)
{
	struct stat st;
	int fd;

	fd = openat(dfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0 && errno == ENOENT)
		return 1;
	if (fd < 0) {
		jobs_set(o, JOBS_FAILED, "%s %s: %s", k->what, hash,
		    strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) ||
	    (size_t)st.st_size > BUNDLE_MAX ||
	    (*buf = malloc((size_t)st.st_size + 1)) == NULL) {
		jobs_set(o, JOBS_FAILED,
		    "%s %s: not a regular file of at most %zu bytes", k->what,
		    hash, BUNDLE_MAX);
		close(fd);
		return -1;
	}
	*len = rp_read_full(fd, *buf, (size_t)st.st_size);
	close(fd);
	return 0;
}

struct cached {
	char name[80];
	struct timespec at;
};

static int
newer_first(const void *a, const void *b)
{
	const struct cached *x = a, *y = b;

	if (x->at.tv_sec != y->at.tv_sec)
		return x->at.tv_sec < y->at.tv_sec ? 1 : -1;
	if (x->at.tv_nsec != y->at.tv_nsec)
		return x->at.tv_nsec < y->at.tv_nsec ? 1 : -1;
	return strcmp(x->name, y->name);
}

/* Removes all but the JOBS_BUNDLE_KEEP newest bundles (and leftover
 * temporary files); best effort: a cache too large is no error. */
static void
prune(int dfd)
{
	struct cached *v = NULL, *nv;
	size_t n = 0, cap = 0, i;
	struct dirent *e;
	struct stat st;
	DIR *d;
	int fd = dup(dfd);

	if (fd < 0 || (d = fdopendir(fd)) == NULL) {
		if (fd >= 0)
			close(fd);
		return;
	}
	while ((e = readdir(d)) != NULL) {
		size_t l = strlen(e->d_name);

		if (e->d_name[0] == '.' && strncmp(e->d_name, ".tmp-", 5) != 0)
			continue;
		if (e->d_name[0] == '.') {
			(void)unlinkat(dfd, e->d_name, 0);
			continue;
		}
		if (l != 69 || strcmp(e->d_name + 64, ".json") != 0 ||
		    fstatat(dfd, e->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0)
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 16;
			if ((nv = realloc(v, cap * sizeof(*v))) == NULL)
				break;
			v = nv;
		}
		memcpy(v[n].name, e->d_name, l + 1);
		v[n++].at = st.st_mtim;
	}
	closedir(d);
	if (v != NULL)
		qsort(v, n, sizeof(*v), newer_first);
	for (i = JOBS_BUNDLE_KEEP; i < n; i++)
		(void)unlinkat(dfd, v[i].name, 0);
	free(v);
}

/* Writes buf as name in dfd: temporary file, fsync, rename, dir fsync. */
static int
write_cached(int dfd, const char *name, const char *buf, size_t len)
{
	char tmp[128];
	size_t off = 0;
	ssize_t n;
	int fd, r = -1;

	snprintf(tmp, sizeof(tmp), ".tmp-%ld-%s", (long)getpid(), name);
	fd = openat(dfd, tmp,
	    O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return -1;
	while (off < len) {
		if ((n = write(fd, buf + off, len - off)) < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		off += (size_t)n;
	}
	if (off == len && fsync(fd) == 0)
		r = 0;
	close(fd);
	if (r == 0 && renameat(dfd, tmp, dfd, name) == 0 && fsync(dfd) == 0)
		return 0;
	(void)unlinkat(dfd, tmp, 0);
	return -1;
}

/* The bytes from the server, checked against hash, then cached. */
static int
fetch(const struct jobs_ctx *c, const struct kind *k, int dfd, const char *name,
    const char *hash, char **buf, size_t *len, struct jobs_outcome *o)
{
	char err[JOBS_ERR_MAX] = "", hex[65];
	unsigned char sum[32];
	int r;

	r = k->fetch(c->fetch_arg, hash, buf, len, err);
	if (r != 0) {
		jobs_set(o, JOBS_FAILED,
		    "%s %s is not available on this agent, and the "
		    "server did not give it: %s",
		    k->what, hash, err);
		return -1;
	}
	crypto_hash_sha256(sum, (unsigned char *)*buf, *len);
	sodium_bin2hex(hex, sizeof(hex), sum, sizeof(sum));
	if (strcmp(hex, hash) != 0) {
		jobs_set(o, JOBS_FAILED,
		    "%s %s: the server's bytes have SHA-256 %s; refused",
		    k->what, hash, hex);
		free(*buf);
		*buf = NULL;
		return -1;
	}
	if (write_cached(dfd, name, *buf, *len) != 0) {
		jobs_set(o, JOBS_FAILED, "%s %s: cannot cache it: %s", k->what,
		    hash, strerror(errno));
		free(*buf);
		*buf = NULL;
		return -1;
	}
	prune(dfd);
	return 0;
}

static int
cache_load(const struct jobs_ctx *c, const struct kind *k, const char *hash,
    char **buf, size_t *len, struct jobs_outcome *o)
{
	char name[80];
	int dfd, r;

	*buf = NULL;
	snprintf(name, sizeof(name), "%s.json", hash);
	dfd = cache_dir(c->statefd, k->dir, k->fetch != NULL);
	if (dfd < 0 && (errno != ENOENT || k->fetch != NULL)) {
		jobs_set(o, JOBS_FAILED, "%s %s: %s: %s", k->what, hash, k->dir,
		    strerror(errno));
		return -1;
	}
	r = dfd >= 0 ? read_cached(dfd, k, name, hash, buf, len, o) : 1;
	if (r == 1 && k->fetch != NULL)
		r = fetch(c, k, dfd, name, hash, buf, len, o);
	else if (r == 1) {
		jobs_set(o, JOBS_FAILED, "%s %s is not available on this agent",
		    k->what, hash);
		r = -1;
	}
	if (dfd >= 0)
		close(dfd);
	return r;
}

int
jobs_bundle_load(const struct jobs_ctx *c, const char *hash, char **buf,
    size_t *len, struct jobs_outcome *o)
{
	struct kind k = {JOBS_BUNDLE_DIR, "rules bundle", c->fetch_bundle};

	return cache_load(c, &k, hash, buf, len, o);
}

int
jobs_blocklist_load(const struct jobs_ctx *c, const char *hash, char **buf,
    size_t *len, struct jobs_outcome *o)
{
	struct kind k = {JOBS_BLOCKLIST_DIR, "blocklist", c->fetch_blocklist};
	unsigned char sum[32];
	char hex[65];

	if (cache_load(c, &k, hash, buf, len, o) != 0)
		return -1;
	/* the cached file too: only bytes of the signed hash are used */
	crypto_hash_sha256(sum, (unsigned char *)*buf, *len);
	sodium_bin2hex(hex, sizeof(hex), sum, sizeof(sum));
	if (strcmp(hex, hash) != 0) {
		jobs_set(o, JOBS_FAILED,
		    "blocklist %s: the cached file's SHA-256 is %s (damaged or "
		    "replaced)",
		    hash, hex);
		free(*buf);
		*buf = NULL;
		return -1;
	}
	return 0;
}

/* A signed GET of path over the enrolled link (arg: its uplink). */
static int
uplink_get(void *arg, const char *path, const char *what, char **buf,
    size_t *len, char err[JOBS_ERR_MAX])
{
	struct net_resp resp = {0};
	char uerr[UPLINK_ERR_MAX];
	int r;

	r = uplink_call(arg, "GET", path, NULL, 0, &resp, uerr);
	if (r != 0) {
		snprintf(err, JOBS_ERR_MAX, "%s", uerr);
	} else if (resp.status != 200) {
		snprintf(err, JOBS_ERR_MAX, "the server answered %ld%s%s%s",
		    resp.status,
		    resp.status == 404 ? " (it keeps no such " : "",
		    resp.status == 404 ? what : "",
		    resp.status == 404 ? " for this agent's tenant)" : "");
		r = RP_ERR_NOTFOUND;
	} else {
		*buf = resp.body;
		*len = resp.len;
		resp.body = NULL;
	}
	net_resp_clear(&resp);
	return r;
}

int
jobs_uplink_blocklist(void *arg, const char *sha256, char **buf, size_t *len,
    char err[JOBS_ERR_MAX])
{
	char path[128];

	snprintf(path, sizeof(path), "/api/v1/agent/blocklists/%s", sha256);
	return uplink_get(arg, path, "blocklist", buf, len, err);
}

/* The sweep's bundle from the enrolled server, by a signed request. */
int
jobs_uplink_bundle(void *arg, const char *sha256, char **buf, size_t *len,
    char err[JOBS_ERR_MAX])
{
	char path[128];

	snprintf(path, sizeof(path), "/api/v1/agent/bundles/%s", sha256);
	return uplink_get(arg, path, "bundle", buf, len, err);
}
