/*
 * The quarantine store directory: opening and locking it, recovery after
 * a crash, listing, reading and purging entries.  An entry is complete
 * when <id>.json exists; <id>.rpq is always made durable before it, so
 * recovery only ever deletes temporary files and content without a
 * record -- never a complete entry (docs/agent-quarantine.md, "States").
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "qstore_int.h"
#include "util/err.h"
#include "util/str.h"

/* mkdir -p: parents 0755, the store itself 0700. */
static int
make_dirs(const char *dir, struct rp_diags *d)
{
	char *p, *s;
	int r = 0;

	if ((s = strdup(dir)) == NULL)
		return RP_ERR_NOMEM;
	for (p = s + 1; r == 0 && *p != '\0'; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(s, 0755) != 0 && errno != EEXIST) {
			rp_diags_add(d, RP_DIAG_ERROR, NULL, NULL,
			    "cannot create %s: %m", s);
			r = RP_ERR_IO;
		}
		*p = '/';
	}
	if (r == 0 && mkdir(s, 0700) != 0 && errno != EEXIST) {
		rp_diags_add(
		    d, RP_DIAG_ERROR, NULL, NULL, "cannot create %s: %m", s);
		r = RP_ERR_IO;
	}
	free(s);
	return r;
}

static int
open_dir(const char *dir, int *fd, struct rp_diags *d)
{
	struct stat st;

	*fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (*fd < 0) {
		rp_diags_add(d, RP_DIAG_ERROR, NULL, NULL,
		    "cannot open quarantine store %s: %m%s", dir,
		    errno == ELOOP || errno == ENOTDIR
			? " (a symbolic link is not accepted)"
			: "");
		return errno == ELOOP || errno == ENOTDIR ? RP_ERR_INVALID
							  : RP_ERR_IO;
	}
	if (fstat(*fd, &st) != 0 || st.st_uid != geteuid() ||
	    (st.st_mode & 022) != 0) {
		rp_diags_add(d, RP_DIAG_ERROR, NULL, NULL,
		    "quarantine store %s must be owned by uid %d and not "
		    "group- or world-writable",
		    dir, (int)geteuid());
		return RP_ERR_INVALID;
	}
	if (flock(*fd, LOCK_EX) != 0) {
		rp_diags_add(d, RP_DIAG_ERROR, NULL, NULL,
		    "cannot lock quarantine store %s: %m", dir);
		return RP_ERR_IO;
	}
	return 0;
}

/* "<32 hex>.<ext>": the id part into id, returns ext or NULL. */
static const char *
entry_name(const char *name, char *id)
{
	const char *ext;

	if (strnlen(name, QUARANTINE_ID_LEN + 1) <= QUARANTINE_ID_LEN ||
	    name[QUARANTINE_ID_LEN] != '.')
		return NULL;
	memcpy(id, name, QUARANTINE_ID_LEN);
	id[QUARANTINE_ID_LEN] = '\0';
	ext = name + QUARANTINE_ID_LEN + 1;
	if (!qid_valid(id) || (strcmp(ext, "json") != 0 && strcmp(ext, "rpq")))
		return NULL;
	return ext;
}

static int
is_file(struct qstore *q, const char *name)
{
	struct stat st;

	return fstatat(q->dirfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
	    S_ISREG(st.st_mode);
}

static int
has_file(struct qstore *q, const char *id, const char *ext)
{
	char name[QUARANTINE_ID_LEN + 8];

	snprintf(name, sizeof(name), "%s.%s", id, ext);
	return is_file(q, name);
}

/* Deletes temporaries and records-less content; returns what it did. */
static int
recover(struct qstore *q, struct rp_diags *d)
{
	char id[QUARANTINE_ID_LEN + 1];
	struct dirent *de;
	const char *ext;
	DIR *dir;
	int fd, changed = 0, r = 0;

	if ((fd = dup(q->dirfd)) < 0 || (dir = fdopendir(fd)) == NULL) {
		if (fd >= 0)
			close(fd);
		rp_diags_add(d, RP_DIAG_ERROR, NULL, NULL,
		    "cannot list quarantine store %s: %m", q->dir);
		return RP_ERR_IO;
	}
	while ((de = readdir(dir)) != NULL) {
		if (!is_file(q, de->d_name))
			continue; /* not ours: left alone */
		if (rp_str_startswith(de->d_name, ".tmp-") ||
		    ((ext = entry_name(de->d_name, id)) != NULL &&
			strcmp(ext, "rpq") == 0 && !has_file(q, id, "json"))) {
			if (unlinkat(q->dirfd, de->d_name, 0) != 0) {
				rp_diags_add(d, RP_DIAG_ERROR, NULL, NULL,
				    "cannot remove incomplete %s/%s: %m",
				    q->dir, de->d_name);
				r = RP_ERR_IO;
			}
			changed = 1;
		}
	}
	closedir(dir);
	if (changed && qfsync(q->dirfd) != 0) {
		rp_diags_add(d, RP_DIAG_ERROR, NULL, NULL,
		    "cannot sync quarantine store %s: %m", q->dir);
		r = RP_ERR_IO;
	}
	return r;
}

static int
open_store(const char *dir, int adopt, struct qstore **out, struct rp_diags *d)
{
	struct qstore *q;
	int r;

	*out = NULL;
	if (dir == NULL)
		dir = QUARANTINE_DEFAULT_DIR;
	if (dir[0] == '\0')
		return RP_ERR_ARG;
	if ((q = calloc(1, sizeof(*q))) == NULL)
		return RP_ERR_NOMEM;
	q->dirfd = -1;
	if ((q->dir = strdup(dir)) == NULL) {
		r = RP_ERR_NOMEM;
		goto out;
	}
	if ((r = make_dirs(dir, d)) != 0 ||
	    (r = open_dir(dir, &q->dirfd, d)) != 0 ||
	    (r = recover(q, d)) != 0 || (r = qkey_load(q, adopt, d)) != 0)
		goto out;
	*out = q;
	q = NULL;
	r = 0;
out:
	qstore_close(q);
	return r;
}

int
qstore_open(const char *dir, struct qstore **out, struct rp_diags *d)
{
	return open_store(dir, 0, out, d);
}

void
qstore_close(struct qstore *q)
{
	if (q == NULL)
		return;
	explicit_bzero(q->key, sizeof(q->key));
	if (q->dirfd >= 0)
		close(q->dirfd); /* releases the lock */
	free(q->dir);
#ifdef RP_QUARANTINE_CRASH_HOOK
	free(q->crash_at);
#endif
	free(q);
}

#ifdef RP_QUARANTINE_CRASH_HOOK
void
qstore_set_crash_point(struct qstore *q, const char *step)
{
	free(q->crash_at);
	q->crash_at = step != NULL ? strdup(step) : NULL;
}
#endif

/* Reads a whole small file below the store, at most QRECORD_MAX bytes. */
static int
read_small(struct qstore *q, const char *name, char **buf, size_t *len,
    struct rp_diags *d)
{
	struct stat st;
	ssize_t n;
	int fd, r = RP_ERR_IO;

	*buf = NULL;
	if ((fd = openat(q->dirfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)) <
	    0) {
		if (errno == ENOENT)
			return RP_ERR_NOTFOUND;
		rp_diags_add(d, RP_DIAG_ERROR, NULL, NULL,
		    "cannot open %s/%s: %m", q->dir, name);
		return RP_ERR_IO;
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) ||
	    st.st_size > QRECORD_MAX) {
		rp_diags_add(d, RP_DIAG_ERROR, NULL, NULL,
		    "%s/%s is not a record of at most %d bytes", q->dir, name,
		    QRECORD_MAX);
		r = RP_ERR_INVALID;
		goto out;
	}
	if ((*buf = malloc((size_t)st.st_size + 1)) == NULL) {
		r = RP_ERR_NOMEM;
		goto out;
	}
	n = pread(fd, *buf, (size_t)st.st_size + 1, 0);
	if (n != st.st_size) {
		rp_diags_add(d, RP_DIAG_ERROR, NULL, NULL,
		    "cannot read %s/%s: %s", q->dir, name,
		    n < 0 ? strerror(errno) : "size changed");
		free(*buf);
		*buf = NULL;
		goto out;
	}
	*len = (size_t)n;
	r = 0;
out:
	close(fd);
	return r;
}

int
qstore_read_record(
    struct qstore *q, const char *id, struct qentry *out, struct rp_diags *d)
{
	char name[QUARANTINE_ID_LEN + 8], *buf = NULL;
	size_t len = 0;
	int r, unsealed;

	memset(out, 0, sizeof(*out));
	if (!qid_valid(id))
		return RP_ERR_ARG;
	snprintf(name, sizeof(name), "%s.json", id);
	if ((r = read_small(q, name, &buf, &len, d)) != 0)
		return r;
	/* authenticated first: nothing of a forged record is used */
	if ((r = qrecord_check_mac(buf, len, q->key, &unsealed, d)) == 0)
		r = qrecord_parse(buf, len, out, d);
	free(buf);
	if (r == 0 && strcmp(out->id, id) != 0) {
		rp_diags_add(d, RP_DIAG_ERROR, NULL, "/id",
		    "record %s names entry %s", name, out->id);
		qentry_clear(out);
		r = RP_ERR_INVALID;
	}
	if (r == RP_ERR_INVALID)
		rp_diags_add(d, RP_DIAG_ERROR, NULL, NULL,
		    "record %s/%s is refused: damaged, or changed outside the "
		    "agent",
		    q->dir, name);
	return r;
}

static void
qstore_state(struct qstore *q, struct qentry *e)
{
	if (!has_file(q, e->id, "rpq"))
		e->state = QENTRY_DAMAGED;
	else if (e->path != NULL && qpath_exists(e->path))
		e->state = QENTRY_ORIGINAL_PRESENT;
	else
		e->state = QENTRY_STORED;
}

int
qstore_get(
    struct qstore *q, const char *id, struct qentry *out, struct rp_diags *d)
{
	int r;

	if ((r = qstore_read_record(q, id, out, d)) != 0)
		return r;
	qstore_state(q, out);
	return 0;
}

#define LIST_MAX 1000000 /* entries; a store past this is not ours */

static int
list_push(struct qentry **v, size_t *n, size_t *cap, struct qentry *e)
{
	struct qentry *nv;
	size_t ncap;

	if (*n == *cap) {
		if (*cap >= LIST_MAX)
			return RP_ERR_LIMIT;
		ncap = *cap == 0 ? 16 : *cap * 2;
		if ((nv = realloc(*v, ncap * sizeof(**v))) == NULL)
			return RP_ERR_NOMEM;
		*v = nv;
		*cap = ncap;
	}
	(*v)[(*n)++] = *e;
	memset(e, 0, sizeof(*e));
	return 0;
}

static int
list_cmp(const void *a, const void *b)
{
	const struct qentry *x = a, *y = b;

	if (x->quarantined_at != y->quarantined_at)
		return x->quarantined_at < y->quarantined_at ? -1 : 1;
	return strcmp(x->id, y->id);
}

/* Reads one record for the list; a damaged one is listed by its ID alone,
   as damaged. */
static int
list_one(struct qstore *q, const char *id, struct qentry *e, struct rp_diags *d)
{
	int r = qstore_read_record(q, id, e, d);

	if (r == RP_ERR_NOMEM)
		return r;
	if (r != 0) {
		memset(e, 0, sizeof(*e));
		memcpy(e->id, id, QUARANTINE_ID_LEN + 1);
		e->state = QENTRY_DAMAGED;
		return 0;
	}
	qstore_state(q, e);
	return 0;
}

int
qstore_list(
    struct qstore *q, struct qentry **out, size_t *n, struct rp_diags *d)
{
	char id[QUARANTINE_ID_LEN + 1];
	struct qentry *v = NULL, e;
	struct dirent *de;
	const char *ext;
	size_t nv = 0, cap = 0;
	DIR *dir = NULL;
	int fd, r = RP_ERR_IO;

	*out = NULL;
	*n = 0;
	memset(&e, 0, sizeof(e));
	if ((fd = dup(q->dirfd)) < 0 || (dir = fdopendir(fd)) == NULL) {
		if (fd >= 0)
			close(fd);
		rp_diags_add(d, RP_DIAG_ERROR, NULL, NULL,
		    "cannot list quarantine store %s: %m", q->dir);
		goto out;
	}
	rewinddir(dir);
	while ((de = readdir(dir)) != NULL) {
		if ((ext = entry_name(de->d_name, id)) == NULL ||
		    strcmp(ext, "json") != 0)
			continue;
		if ((r = list_one(q, id, &e, d)) != 0 ||
		    (r = list_push(&v, &nv, &cap, &e)) != 0)
			goto out;
	}
	if (nv > 1)
		qsort(v, nv, sizeof(*v), list_cmp);
	*out = v;
	*n = nv;
	v = NULL;
	nv = 0;
	r = 0;
out:
	if (dir != NULL)
		closedir(dir);
	qentry_clear(&e);
	qentry_list_free(v, nv);
	return r;
}

/* Removes <id>.json (the commit) and then <id>.rpq, then syncs. */
int
qstore_remove_entry(struct qstore *q, const char *id, struct rp_diags *d)
{
	char name[QUARANTINE_ID_LEN + 8];
	int r = 0;

	snprintf(name, sizeof(name), "%s.json", id);
	if (unlinkat(q->dirfd, name, 0) != 0 && errno != ENOENT)
		r = RP_ERR_IO;
	else {
		qstore_crash(q, "restore-json-removed");
		snprintf(name, sizeof(name), "%s.rpq", id);
		if (unlinkat(q->dirfd, name, 0) != 0 && errno != ENOENT)
			r = RP_ERR_IO;
	}
	if (r == 0 && qfsync(q->dirfd) != 0)
		r = RP_ERR_IO;
	if (r != 0)
		rp_diags_add(d, RP_DIAG_ERROR, NULL, NULL,
		    "cannot remove %s/%s: %m", q->dir, name);
	return r;
}

int
qstore_purge(struct qstore *q, const char *id, struct rp_diags *d)
{
	if (!qid_valid(id)) {
		rp_diags_add(d, RP_DIAG_ERROR, NULL, NULL,
		    "'%.40s' is not an entry id (32 hex digits)", id);
		return RP_ERR_ARG;
	}
	if (!has_file(q, id, "json") && !has_file(q, id, "rpq")) {
		rp_diags_add(d, RP_DIAG_ERROR, NULL, NULL, "no entry %s in %s",
		    id, q->dir);
		return RP_ERR_NOTFOUND;
	}
	return qstore_remove_entry(q, id, d);
}

/* Seals one record that has no MAC; *sealed counts it.  A record with a
   MAC is left as it is (a wrong MAC is never replaced by a right one). */
static int
adopt_one(struct qstore *q, const char *id, size_t *sealed, struct rp_diags *d)
{
	char name[QUARANTINE_ID_LEN + 8], *buf = NULL, *text = NULL;
	char *line = NULL;
	struct qentry e;
	size_t len = 0;
	int r, unsealed;

	memset(&e, 0, sizeof(e));
	snprintf(name, sizeof(name), "%s.json", id);
	if ((r = read_small(q, name, &buf, &len, d)) != 0)
		return r == RP_ERR_NOMEM ? r : 0;
	if (qrecord_check_mac(buf, len, q->key, &unsealed, NULL) == 0 ||
	    !unsealed) {
		if (!unsealed)
			rp_diags_add(d, RP_DIAG_WARNING, NULL, NULL,
			    "%s/%s: its MAC does not match; left as it is",
			    q->dir, name);
		goto out;
	}
	if ((r = qrecord_parse(buf, len, &e, d)) != 0 ||
	    strcmp(e.id, id) != 0) {
		rp_diags_add(d, RP_DIAG_WARNING, NULL, NULL,
		    "%s/%s is damaged; not sealed", q->dir, name);
		r = r == RP_ERR_NOMEM ? r : 0;
		goto out;
	}
	r = RP_ERR_NOMEM;
	if ((text = qrecord_seal(&e, q->key)) == NULL ||
	    (line = rp_asprintf("%s\n", text)) == NULL)
		goto out;
	if (qstore_write_file(q, name, line, strlen(line)) != 0) {
		r = qfail(d, RP_ERR_IO, "cannot rewrite %s/%s: %s", q->dir,
		    name, strerror(errno));
		goto out;
	}
	(*sealed)++;
	r = 0;
out:
	free(line);
	free(text);
	free(buf);
	qentry_clear(&e);
	return r;
}

int
qstore_adopt(const char *dir, size_t *sealed, struct rp_diags *d)
{
	char id[QUARANTINE_ID_LEN + 1];
	struct qstore *q = NULL;
	struct dirent *de;
	const char *ext;
	DIR *dp = NULL;
	int fd, r;

	*sealed = 0;
	if ((r = open_store(dir, 1, &q, d)) != 0)
		return r;
	r = RP_ERR_IO;
	if ((fd = dup(q->dirfd)) < 0 || (dp = fdopendir(fd)) == NULL) {
		if (fd >= 0)
			close(fd);
		goto out;
	}
	rewinddir(dp); /* the descriptor's offset is shared with the store's */
	r = 0;
	while (r == 0 && (de = readdir(dp)) != NULL)
		if ((ext = entry_name(de->d_name, id)) != NULL &&
		    strcmp(ext, "json") == 0)
			r = adopt_one(q, id, sealed, d);
out:
	if (dp != NULL)
		closedir(dp);
	qstore_close(q);
	return r;
}
