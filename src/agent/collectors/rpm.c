/*
 * The rpm collector: the package database below var/lib/rpm or
 * usr/lib/sysimage/rpm, read through librpm.  librpm writes into the
 * directory it opens (SQLite -shm/-wal files, or a fresh empty
 * rpmdb.sqlite when it cannot read what is there), and the collector must
 * never write below root: so the database files are copied into a
 * private temporary directory, librpm reads the copy with the backend the
 * files call for (sqlite, ndb, bdb_ro), and the copy is removed.  librpm's
 * log goes into the diagnostics, not to stderr.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <rpm/header.h>
#include <rpm/rpmdb.h>
#include <rpm/rpmlib.h>
#include <rpm/rpmlog.h>
#include <rpm/rpmmacro.h>
#include <rpm/rpmtag.h>
#include <rpm/rpmts.h>

#include "coll_int.h"
#include "collectors/collectors.h"
#include "util/err.h"
#include "util/str.h"

#define DB_FILE_MAX (4ull * 1024 * 1024 * 1024) /* one database file */
#define MAX_LOG 100 /* librpm messages kept per database */

static const char *const db_dirs[] = {"var/lib/rpm", "usr/lib/sysimage/rpm"};

/* The formats, by the file that holds the packages. */
static const struct {
	const char *file;
	const char *backend;
	const char *what;
	const char *const extra[3]; /* files that belong with it */
} formats[] = {
    {"rpmdb.sqlite", "sqlite", "SQLite",
	{"rpmdb.sqlite-wal", "rpmdb.sqlite-shm", NULL}},
    {"Packages.db", "ndb", "NDB", {"Index.db", NULL, NULL}},
    {"Packages", "bdb_ro", "Berkeley DB", {NULL, NULL, NULL}},
};

#define NFORMATS (sizeof(formats) / sizeof(formats[0]))

struct rpm_read {
	const char *path; /* the database file, for messages */
	const char *tmp; /* the private copy, or NULL */
	struct rp_diags *d;
	size_t nlog;
	int errors; /* librpm logged an error */
};

/* librpm's log, into the diagnostics (bounded); nothing to stderr. */
static int
log_cb(rpmlogRec rec, rpmlogCallbackData data)
{
	struct rpm_read *c = data;
	rpmlogLvl lvl = rpmlogRecPriority(rec);
	char msg[512];
	size_t n;

	if (c == NULL || lvl > RPMLOG_WARNING)
		return 0;
	/* bdb_ro looks for index files a copy of Packages does not need. */
	if (lvl == RPMLOG_WARNING && c->tmp != NULL &&
	    strstr(rpmlogRecMessage(rec), c->tmp) != NULL &&
	    strstr(rpmlogRecMessage(rec), "No such file") != NULL)
		return 0;
	if (lvl <= RPMLOG_ERR)
		c->errors = 1;
	if (c->nlog++ >= MAX_LOG)
		return 0;
	snprintf(msg, sizeof(msg), "%s", rpmlogRecMessage(rec));
	n = strlen(msg);
	while (n > 0 && (msg[n - 1] == '\n' || msg[n - 1] == ' '))
		msg[--n] = '\0';
	coll_clean(msg);
	rp_diags_add(c->d, lvl <= RPMLOG_ERR ? RP_DIAG_ERROR : RP_DIAG_WARNING,
	    NULL, NULL, "%s: rpm: %s", c->path, msg);
	return 0;
}

/* Copies dir/name into tmp/name; 0, RP_ERR_NOTFOUND or an error in d. */
static int
copy_file(int dfd, const char *dirpath, const char *name, const char *tmp,
    struct rp_diags *d)
{
	char buf[65536], out[2048];
	struct stat st;
	ssize_t n, w, off;
	uint64_t total = 0;
	int in = -1, o = -1, r = RP_ERR_IO;

	in = openat(dfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (in < 0 && errno == ENOENT)
		return RP_ERR_NOTFOUND;
	if (in < 0 || fstat(in, &st) != 0 || !S_ISREG(st.st_mode)) {
		rp_diags_add(d, RP_DIAG_ERROR, NULL, NULL, "%s/%s: %s", dirpath,
		    name, in < 0 ? strerror(errno) : "not a regular file");
		goto out;
	}
	snprintf(out, sizeof(out), "%s/%s", tmp, name);
	o = open(
	    out, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (o < 0) {
		rp_diags_add(d, RP_DIAG_ERROR, NULL, NULL, "%s: %s", out,
		    strerror(errno));
		goto out;
	}
	while ((n = read(in, buf, sizeof(buf))) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 || (total += (uint64_t)n) > DB_FILE_MAX) {
			rp_diags_add(d, RP_DIAG_ERROR, NULL, NULL, "%s/%s: %s",
			    dirpath, name,
			    n < 0 ? strerror(errno) : "too large");
			goto out;
		}
		for (off = 0; off < n; off += w) {
			if ((w = write(o, buf + off, (size_t)(n - off))) < 0) {
				rp_diags_add(d, RP_DIAG_ERROR, NULL, NULL,
				    "%s: %s", out, strerror(errno));
				goto out;
			}
		}
	}
	r = 0;
out:
	if (in >= 0)
		close(in);
	if (o >= 0 && close(o) != 0 && r == 0)
		r = RP_ERR_IO;
	return r;
}

/* Removes the copy: every file in it (librpm's own too), then the dir. */
static void
remove_copy(const char *tmp)
{
	struct dirent *e;
	DIR *dir;

	if ((dir = opendir(tmp)) != NULL) {
		while ((e = readdir(dir)) != NULL) {
			if (strcmp(e->d_name, ".") != 0 &&
			    strcmp(e->d_name, "..") != 0)
				unlinkat(dirfd(dir), e->d_name, 0);
		}
		closedir(dir);
	}
	rmdir(tmp);
}

/* Whether the first bytes of the copy are what format f should start with. */
static int
magic_ok(const char *tmp, size_t f)
{
	unsigned char b[16];
	char p[2048];
	int fd;
	ssize_t n;

	snprintf(p, sizeof(p), "%s/%s", tmp, formats[f].file);
	if ((fd = open(p, O_RDONLY | O_CLOEXEC)) < 0)
		return 0;
	n = read(fd, b, sizeof(b));
	close(fd);
	if (n != (ssize_t)sizeof(b))
		return 0;
	if (f == 0)
		return memcmp(b, "SQLite format 3", 16) == 0;
	if (f == 1)
		return memcmp(b, "RpmP", 4) == 0;
	/* Berkeley DB hash or btree magic at offset 12, either order. */
	return (b[12] == 0x61 && b[13] == 0x15 && b[14] == 0x06) ||
	    (b[13] == 0x06 && b[14] == 0x15 && b[15] == 0x61) ||
	    (b[12] == 0x62 && b[13] == 0x31 && b[14] == 0x05) ||
	    (b[13] == 0x05 && b[14] == 0x31 && b[15] == 0x62);
}

/* A header's string tag, or NULL when absent. */
static const char *
tag_str(Header hdr, rpmTagVal tag)
{
	const char *s = headerGetString(hdr, tag);

	return s != NULL && *s != '\0' ? s : NULL;
}

/* Copies s cleaned into buf, or returns NULL. */
static const char *
clean_copy(const char *s, char *buf, size_t len)
{
	if (s == NULL || strlen(s) >= len)
		return NULL;
	memcpy(buf, s, strlen(s) + 1);
	coll_clean(buf);
	return buf;
}

/*
 * pkg:rpm/NS/NAME@V-R?arch=A&epoch=E&upstream=SOURCERPM (qualifiers
 * sorted, as the purl specification's canonical form has them).
 */
static char *
make_purl(const char *ns, const struct inv_software *sw, const char *epoch,
    const char *srpm)
{
	struct rp_buf b;
	const char *q = "?";

	rp_buf_init(&b, 4096);
	rp_buf_append(&b, "pkg:rpm/");
	if (ns != NULL) {
		coll_purl_encode(&b, ns);
		rp_buf_append(&b, "/");
	}
	coll_purl_encode(&b, sw->name);
	rp_buf_append(&b, "@");
	coll_purl_encode(
	    &b, epoch[0] ? strchr(sw->version, ':') + 1 : sw->version);
	if (sw->arch != NULL) {
		rp_buf_append(&b, "?arch=");
		coll_purl_encode(&b, sw->arch);
		q = "&";
	}
	if (epoch[0] != '\0') {
		rp_buf_appendf(&b, "%sepoch=%s", q, epoch);
		q = "&";
	}
	if (srpm != NULL) {
		rp_buf_appendf(&b, "%supstream=", q);
		coll_purl_encode(&b, srpm);
	}
	return rp_buf_take(&b);
}

/*
 * The source package from SOURCERPM ("openssl-3.0.7-27.el9.src.rpm"):
 * its name, and its version with the package's epoch (a source rpm's
 * file name has none), each only where it differs from the package's.
 */
static void
set_source(struct inv_software *sw, const char *srpm, char *name,
    size_t namelen, char *ver, size_t verlen)
{
	if (srpm == NULL ||
	    inv_srpm_source(
		srpm, sw->name, sw->version, name, namelen, ver, verlen) != 0)
		return;
	sw->source_name = name;
	sw->source_version = ver[0] != '\0' ? ver : NULL;
}

/* The package in hdr; 0, or an RP_ERR_* from the model. */
static int
add_header(Header hdr, const char *ns, struct inv_host *h, struct rpm_read *c)
{
	char name[512], ver[256], arch[64], vendor[512], epoch[24];
	char srcname[512], srcver[300], srpm[1024];
	const char *v, *rel, *sr;
	struct inv_software sw;
	struct rp_buf b;
	int r;

	memset(&sw, 0, sizeof(sw));
	sw.name = clean_copy(tag_str(hdr, RPMTAG_NAME), name, sizeof(name));
	v = tag_str(hdr, RPMTAG_VERSION);
	rel = tag_str(hdr, RPMTAG_RELEASE);
	if (sw.name == NULL || v == NULL) {
		rp_diags_add(c->d, RP_DIAG_WARNING, NULL, NULL,
		    "%s: a package without a usable name or version; skipped",
		    c->path);
		return 0;
	}
	epoch[0] = '\0';
	if (headerIsEntry(hdr, RPMTAG_EPOCH))
		snprintf(epoch, sizeof(epoch), "%llu",
		    (unsigned long long)headerGetNumber(hdr, RPMTAG_EPOCH));
	rp_buf_init(&b, sizeof(ver) - 1);
	rp_buf_appendf(&b, "%s%s%s%s%s", epoch, epoch[0] ? ":" : "", v,
	    rel ? "-" : "", rel ? rel : "");
	if (b.failed) {
		rp_buf_free(&b);
		rp_diags_add(c->d, RP_DIAG_WARNING, NULL, NULL,
		    "%s: package %s: version too long; skipped", c->path, name);
		return 0;
	}
	memcpy(ver, b.s, b.len + 1);
	coll_clean(ver);
	sw.version = ver;
	sw.arch = clean_copy(tag_str(hdr, RPMTAG_ARCH), arch, sizeof(arch));
	sw.vendor =
	    clean_copy(tag_str(hdr, RPMTAG_VENDOR), vendor, sizeof(vendor));
	sw.scheme = VERSION_SCHEME_RPM;
	sw.source = INV_SOURCE_RPM;
	rp_buf_free(&b);
	sr = clean_copy(tag_str(hdr, RPMTAG_SOURCERPM), srpm, sizeof(srpm));
	set_source(&sw, sr, srcname, sizeof(srcname), srcver, sizeof(srcver));
	if ((sw.purl = make_purl(ns, &sw, epoch, sr)) == NULL)
		return RP_ERR_NOMEM;
	r = inv_host_add_software(h, &sw);
	free((char *)sw.purl);
	return r;
}

/* Reads the copy in tmp with backend; RP_ERR_INVALID when nothing read. */
static int
read_copy(const char *tmp, size_t f, const char *ns, struct inv_host *h,
    struct rpm_read *c)
{
	rpmts ts = NULL;
	rpmdbMatchIterator mi = NULL;
	Header hdr;
	size_t n = 0;
	int r = RP_ERR_INVALID;

	rpmPushMacro(NULL, "_dbpath", NULL, tmp, RMIL_CMDLINE);
	rpmPushMacro(
	    NULL, "_db_backend", NULL, formats[f].backend, RMIL_CMDLINE);
	if ((ts = rpmtsCreate()) == NULL) {
		r = RP_ERR_NOMEM;
		goto out;
	}
	rpmtsSetRootDir(ts, "/");
	if (rpmtsOpenDB(ts, O_RDONLY) != 0)
		goto out;
	if ((mi = rpmtsInitIterator(ts, RPMDBI_PACKAGES, NULL, 0)) == NULL)
		goto out;
	r = 0;
	while (r == 0 && (hdr = rpmdbNextIterator(mi)) != NULL) {
		r = add_header(hdr, ns, h, c);
		n++;
	}
	if (r == 0 && n == 0)
		r = RP_ERR_INVALID;
out:
	rpmdbFreeIterator(mi);
	if (ts != NULL) {
		rpmtsCloseDB(ts);
		rpmtsFree(ts);
	}
	rpmPopMacro(NULL, "_db_backend");
	rpmPopMacro(NULL, "_dbpath");
	return r;
}

struct rpm_job {
	const char *path; /* the database, for messages */
	const char *tmp; /* its private copy */
	size_t f; /* its format */
	const char *ns; /* the purl namespace, or NULL */
};

/*
 * Reads the copy in the confined child (coll_run_confined): librpm and
 * its SQLite or Berkeley DB backend parse what the machine's database
 * says, so they never run in the agent itself.  Shut in, the copy is "/".
 */
static int
read_confined(void *arg, int jailed, struct inv_host *h, struct rp_diags *d)
{
	const struct rpm_job *j = arg;
	struct rpm_read c = {0};
	const char *dir = jailed ? "/" : j->tmp;
	int r;

	c.path = j->path;
	c.tmp = dir;
	c.d = d;
	rpmlogSetCallback(log_cb, &c);
	r = read_copy(dir, j->f, j->ns, h, &c);
	rpmlogSetCallback(log_cb, NULL);
	if (r == RP_ERR_INVALID && j->f == 1) {
		rp_diags_add(d, RP_DIAG_ERROR, NULL, NULL,
		    "%s: an NDB rpm database; this librpm reads only the "
		    "sqlite and bdb_ro formats, so it cannot be read here",
		    j->path);
		r = RP_ERR_UNSUPPORTED;
	} else if (r == RP_ERR_INVALID)
		rp_diags_add(d, RP_DIAG_ERROR, NULL, NULL,
		    "%s: librpm read no package from this %s database", j->path,
		    formats[j->f].what);
	else if (r == 0 && c.errors)
		r = RP_ERR_INVALID; /* some headers were unreadable */
	if (r != 0 && r != RP_ERR_NOMEM && j->f == 1)
		h->nsw = 0; /* nothing half-read from NDB */
	return r;
}

/* Copies the database of format f in dfd to a private dir and reads it. */
static int
read_db(int dfd, const char *dirpath, size_t f, const char *ns,
    struct inv_host *h, struct rp_diags *d)
{
	struct coll_confined cc;
	struct rpm_job job;
	char tmp[1024], path[8192];
	const char *t = getenv("TMPDIR");
	size_t i;
	int r;

	snprintf(path, sizeof(path), "%s/%s", dirpath, formats[f].file);
	/* Only an absolute TMPDIR that leaves room for the names. */
	if (t == NULL || t[0] != '/' || strlen(t) > 512)
		t = "/tmp";
	snprintf(tmp, sizeof(tmp), "%s/rampart-rpmdb.XXXXXX", t);
	if (mkdtemp(tmp) == NULL) {
		rp_diags_add(d, RP_DIAG_ERROR, NULL, NULL,
		    "%s: cannot make a private copy: %s: %s", path, tmp,
		    strerror(errno));
		return RP_ERR_IO;
	}
	r = copy_file(dfd, dirpath, formats[f].file, tmp, d);
	for (i = 0; r == 0 && formats[f].extra[i] != NULL; i++) {
		r = copy_file(dfd, dirpath, formats[f].extra[i], tmp, d);
		if (r == RP_ERR_NOTFOUND)
			r = 0;
	}
	if (r != 0)
		goto out;
	if (!magic_ok(tmp, f)) {
		rp_diags_add(d, RP_DIAG_ERROR, NULL, NULL,
		    "%s: not a%s %s rpm database", path, f == 2 ? "" : "n",
		    formats[f].what);
		r = RP_ERR_INVALID;
		goto out;
	}
	job.path = path;
	job.tmp = tmp;
	job.f = f;
	job.ns = ns;
	cc.what = path;
	cc.jail = tmp;
	cc.fn = read_confined;
	cc.arg = &job;
	r = coll_run_confined(&cc, h, d);
out:
	remove_copy(tmp);
	return r;
}

/* Loads rpm's configuration once (macros such as _dbpath's default). */
static int
rpm_init(struct rp_diags *d)
{
	static int done;
	struct rpm_read c = {"rpm configuration", NULL, d, 0, 0};

	if (done)
		return 0;
	rpmlogSetMask(RPMLOG_UPTO(RPMLOG_WARNING));
	rpmlogSetCallback(log_cb, &c);
	if (rpmReadConfigFiles(NULL, NULL) != 0) {
		rpmlogSetCallback(log_cb, NULL);
		rp_diags_add(d, RP_DIAG_ERROR, NULL, NULL,
		    "librpm: cannot read its configuration");
		return RP_ERR_IO;
	}
	rpmlogSetCallback(log_cb, NULL);
	done = 1;
	return 0;
}

int
collect_rpm(const char *root, struct inv_host *h, struct rp_diags *d)
{
	struct coll_osrel os;
	struct stat st;
	char dirpath[4096];
	const char *ns = NULL;
	size_t i, f;
	int dfd, r = RP_ERR_NOTFOUND;

	for (i = 0; i < sizeof(db_dirs) / sizeof(db_dirs[0]); i++) {
		if ((dfd = coll_open(
			 root, db_dirs[i], O_RDONLY | O_DIRECTORY)) < 0)
			continue;
		coll_path(dirpath, sizeof(dirpath), root, db_dirs[i]);
		coll_clean(dirpath);
		for (f = 0; f < NFORMATS; f++) {
			if (fstatat(dfd, formats[f].file, &st,
				AT_SYMLINK_NOFOLLOW) == 0)
				break;
		}
		if (f < NFORMATS) {
			if (coll_os_release(root, &os, NULL) == 0 &&
			    os.id[0] != '\0')
				ns = os.id;
			if ((r = rpm_init(d)) == 0)
				r = read_db(dfd, dirpath, f, ns, h, d);
		}
		close(dfd);
		if (f < NFORMATS)
			break;
	}
	return r;
}
