/*
 * macOS application bundles: every *.app in Applications/ and
 * Users/<name>/Applications/ (and one folder deeper, such as
 * Applications/Utilities/), described by its Contents/Info.plist, XML or
 * binary, parsed with libplist.  Bundles are opened below the root without
 * following symlinks: a linked .app is reported, not read.  A plist that
 * cannot be used is an error naming it, and the other bundles still count.
 */
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <plist/plist.h>

#include "collectors/coll_int.h"
#include "collectors/collectors.h"
#include "collectors/rootfs.h"
#include "util/err.h"
#include "util/str.h"

/* Real Info.plists are a few KiB; the largest seen are well under 1 MiB. */
#define APP_PLIST_MAX (4u * 1024 * 1024)
/* Containers nested deeper than this are not an Info.plist. */
#define APP_PLIST_DEPTH 32
#define APP_VALUE_MAX 4096

static const char info_plist[] = "Contents/Info.plist";

/*
 * libplist 2.2's parsers recurse once per nesting level, so a hostile
 * file of a few MiB could exhaust the stack.  A binary plist's depth is
 * checked here first, walking the object references of the trailer
 * (bounded by APP_PLIST_DEPTH and by the object count).
 */
struct bplist {
	const unsigned char *b;
	size_t len, offtab;
	uint64_t nobj;
	unsigned offsz, refsz;
	size_t visits; /* objects reached, shared ones once per reference */
};

static uint64_t
be_uint(const unsigned char *p, unsigned n)
{
	uint64_t v = 0;

	while (n-- > 0)
		v = v << 8 | *p++;
	return v;
}

/* Offset of object i, or 0 when out of bounds. */
static size_t
bplist_obj(const struct bplist *bp, uint64_t i)
{
	uint64_t off;

	if (i >= bp->nobj)
		return 0;
	off = be_uint(bp->b + bp->offtab + i * bp->offsz, bp->offsz);
	if (off < 8 || off >= bp->offtab)
		return 0;
	return (size_t)off;
}

/*
 * Depth check of object i: arrays, sets and dicts list object references
 * after their marker (and count).  Returns 0 or -1 (too deep or broken;
 * libplist gives the precise error for the latter).
 */
static int
bplist_depth(struct bplist *bp, uint64_t i, int depth)
{
	size_t off, p;
	uint64_t n, k, refs;
	unsigned m, lo;

	/* Every reference takes a byte of the file, so a real plist reaches
	   fewer objects than it has bytes; more means shared containers
	   that would multiply when copied out. */
	if (depth > APP_PLIST_DEPTH || ++bp->visits > bp->len ||
	    (off = bplist_obj(bp, i)) == 0)
		return -1;
	m = bp->b[off] >> 4;
	lo = bp->b[off] & 0xf;
	if (m != 0xa && m != 0xc && m != 0xd)
		return 0;
	p = off + 1;
	n = lo;
	if (lo == 0xf) {
		/* The count is an int object: 0x1N, then 2^N bytes. */
		if (p + 1 >= bp->offtab || (bp->b[p] >> 4) != 1 ||
		    (bp->b[p] & 0xf) > 3)
			return -1;
		k = 1u << (bp->b[p] & 0xf);
		if (p + 1 + k > bp->offtab)
			return -1;
		n = be_uint(bp->b + p + 1, (unsigned)k);
		p += 1 + k;
	}
	refs = m == 0xd ? n * 2 : n;
	if (n > bp->nobj || refs * bp->refsz > bp->offtab - p)
		return -1;
	for (k = 0; k < refs; k++) {
		if (bplist_depth(bp,
			be_uint(bp->b + p + k * bp->refsz, bp->refsz),
			depth + 1) != 0)
			return -1;
	}
	return 0;
}

static int
bplist_check(const char *buf, size_t len)
{
	struct bplist bp;
	const unsigned char *t;
	uint64_t root, offtab;

	memset(&bp, 0, sizeof(bp));
	bp.b = (const unsigned char *)buf;
	bp.len = len;
	if (len < 8 + 32)
		return -1;
	t = bp.b + len - 32;
	bp.offsz = t[6];
	bp.refsz = t[7];
	bp.nobj = be_uint(t + 8, 8);
	root = be_uint(t + 16, 8);
	offtab = be_uint(t + 24, 8);
	if (bp.offsz < 1 || bp.offsz > 8 || bp.refsz < 1 || bp.refsz > 8 ||
	    offtab < 8 || offtab >= len - 32 ||
	    bp.nobj > (len - 32 - offtab) / bp.offsz)
		return -1;
	bp.offtab = (size_t)offtab;
	return bplist_depth(&bp, root, 0);
}

/*
 * The XML nesting depth, counting <array> and <dict> (not <array/>): an
 * over-count (such a tag in a comment) only makes the check stricter.
 */
static int
xml_depth_ok(const char *buf, size_t len)
{
	const char *p = buf, *end = buf + len;
	int depth = 0;

	while ((p = memchr(p, '<', (size_t)(end - p))) != NULL) {
		p++;
		if (end - p >= 6 && memcmp(p, "array>", 6) == 0)
			depth++;
		else if (end - p >= 5 && memcmp(p, "dict>", 5) == 0)
			depth++;
		else if (end - p >= 7 &&
		    (memcmp(p, "/array>", 7) == 0 ||
			memcmp(p, "/dict>", 6) == 0))
			depth--;
		if (depth > APP_PLIST_DEPTH)
			return 0;
	}
	return 1;
}

/* The string value of dict[key], trimmed of spaces; NULL if not a string. */
static const char *
dict_str(plist_t dict, const char *key, char *out, size_t size)
{
	plist_t v = plist_dict_get_item(dict, key);
	const char *s, *e;
	uint64_t n = 0;

	if (v == NULL || plist_get_node_type(v) != PLIST_STRING)
		return NULL;
	if ((s = plist_get_string_ptr(v, &n)) == NULL)
		return NULL;
	e = s + strnlen(s, (size_t)n);
	while (s < e && (*s == ' ' || *s == '\t'))
		s++;
	while (e > s && (e[-1] == ' ' || e[-1] == '\t'))
		e--;
	if (s == e || (size_t)(e - s) >= size)
		return NULL;
	memcpy(out, s, (size_t)(e - s));
	out[e - s] = '\0';
	return out;
}

/* "/Applications/Foo.app" -> "Foo" into out; NULL if nothing is left. */
static const char *
bundle_dir_name(const char *path, char *out, size_t size)
{
	const char *b = strrchr(path, '/');
	size_t n;

	b = b != NULL ? b + 1 : path;
	n = strlen(b);
	if (n > 4 && rp_streq_ci(b + n - 4, ".app"))
		n -= 4;
	if (n == 0 || n >= size)
		return NULL;
	memcpy(out, b, n);
	out[n] = '\0';
	return out;
}

static int
add_app(plist_t root, const char *bundle_path, struct inv_host *h,
    struct rp_diags *d)
{
	char name[APP_VALUE_MAX], version[APP_VALUE_MAX], build[APP_VALUE_MAX],
	    id[APP_VALUE_MAX];
	struct inv_software sw;
	char why[128];

	memset(&sw, 0, sizeof(sw));
	if ((sw.name = dict_str(root, "CFBundleName", name, sizeof(name))) ==
		NULL &&
	    (sw.name = dict_str(
		 root, "CFBundleDisplayName", name, sizeof(name))) == NULL)
		sw.name = bundle_dir_name(bundle_path, name, sizeof(name));
	/* The marketing version is what vendors and advisories name; the
	   build number stands in only when there is nothing else. */
	sw.version = dict_str(
	    root, "CFBundleShortVersionString", version, sizeof(version));
	if (sw.version == NULL)
		sw.version =
		    dict_str(root, "CFBundleVersion", build, sizeof(build));
	if (sw.name == NULL || sw.version == NULL) {
		rp_diags_add(d, RP_DIAG_ERROR, NULL, NULL,
		    "%s/%s: no %s (expected CFBundleShortVersionString or "
		    "CFBundleVersion, and a bundle name)",
		    bundle_path, info_plist,
		    sw.name == NULL ? "name" : "version");
		return RP_ERR_INVALID;
	}
	sw.bundle_id = dict_str(root, "CFBundleIdentifier", id, sizeof(id));
	sw.source = INV_SOURCE_APP_BUNDLE;
	sw.scheme = inv_source_scheme(sw.source);
	sw.path = bundle_path;
	if (inv_software_check(&sw, why, sizeof(why)) != 0) {
		rp_diags_add(d, RP_DIAG_ERROR, NULL, NULL, "%s/%s: %s",
		    bundle_path, info_plist, why);
		return RP_ERR_INVALID;
	}
	return inv_host_add_software(h, &sw);
}

/*
 * Parses buf (XML or binary) into a dictionary *out after the size, depth
 * and reference checks that keep libplist's recursion bounded; what names
 * the file in messages.
 */
static int
plist_load(const char *buf, size_t len, const char *what, plist_t *out,
    struct rp_diags *d)
{
	plist_t root = NULL;
	int binary;

	*out = NULL;
	if (len > APP_PLIST_MAX) {
		rp_diags_add(d, RP_DIAG_ERROR, NULL, NULL,
		    "%s: larger than %u bytes", what, APP_PLIST_MAX);
		return RP_ERR_LIMIT;
	}
	binary = len >= 8 && memcmp(buf, "bplist00", 8) == 0;
	if (binary ? bplist_check(buf, len) != 0 : !xml_depth_ok(buf, len)) {
		rp_diags_add(d, RP_DIAG_ERROR, NULL, NULL,
		    "%s: not a property list (broken %s structure, or "
		    "nested deeper than %d levels)",
		    what, binary ? "binary" : "XML", APP_PLIST_DEPTH);
		return RP_ERR_INVALID;
	}
	if (binary)
		plist_from_bin(buf, (uint32_t)len, &root);
	else
		plist_from_xml(buf, (uint32_t)len, &root);
	if (root == NULL) {
		rp_diags_add(d, RP_DIAG_ERROR, NULL, NULL,
		    "%s: not a property list (neither XML nor binary)", what);
		return RP_ERR_INVALID;
	}
	if (plist_get_node_type(root) != PLIST_DICT) {
		rp_diags_add(d, RP_DIAG_ERROR, NULL, NULL,
		    "%s: the top level is not a dictionary", what);
		plist_free(root);
		return RP_ERR_INVALID;
	}
	*out = root;
	return 0;
}

int
app_plist_parse(const char *buf, size_t len, const char *bundle_path,
    struct inv_host *h, struct rp_diags *d)
{
	plist_t root = NULL;
	char what[PATH_MAX + sizeof(info_plist) + 1];
	int r;

	snprintf(what, sizeof(what), "%s/%s", bundle_path, info_plist);
	if ((r = plist_load(buf, len, what, &root, d)) != 0)
		return r;
	r = add_app(root, bundle_path, h, d);
	plist_free(root);
	return r;
}

/* A property list read by the parent, parsed by the confined child. */
struct plist_job {
	char *path; /* the bundle (Info.plist) or the file, for messages */
	char *buf;
	size_t len;
};

/* SystemVersion.plist in the confined child: ProductName, -Version. */
static int
version_confined(void *arg, int jailed, struct inv_host *h, struct rp_diags *d)
{
	const struct plist_job *j = arg;
	char name[APP_VALUE_MAX], version[APP_VALUE_MAX];
	const char *what = j->path;
	plist_t dict = NULL;
	int r;

	(void)jailed;
	if ((r = plist_load(j->buf, j->len, what, &dict, d)) != 0)
		goto out;
	if (dict_str(dict, "ProductName", name, sizeof(name)) == NULL ||
	    dict_str(dict, "ProductVersion", version, sizeof(version)) ==
		NULL) {
		rp_diags_add(d, RP_DIAG_ERROR, NULL, NULL,
		    "%s: no ProductName or ProductVersion string", what);
		r = RP_ERR_INVALID;
		goto out;
	}
	coll_clean(name);
	coll_clean(version);
	r = inv_host_set(h, NULL, name, version, NULL);
out:
	if (dict != NULL)
		plist_free(dict);
	return r;
}

int
coll_macos_version(const char *root, struct inv_host *h, struct rp_diags *d)
{
	static const char rel[] =
	    "System/Library/CoreServices/SystemVersion.plist";
	struct coll_confined cc = {NULL, NULL, version_confined, NULL};
	struct plist_job j = {NULL, NULL, 0};
	char what[PATH_MAX];
	int r;

	if ((r = coll_read_file(root, rel, APP_PLIST_MAX, &j.buf, &j.len, d)) !=
	    0)
		return r;
	coll_path(what, sizeof(what), root, rel);
	j.path = what;
	cc.what = what;
	cc.arg = &j;
	r = coll_run_confined(&cc, h, d);
	free(j.buf);
	return r;
}

/* Bundles read in one run, and their bytes, at most. */
#define APP_BUNDLES_MAX 100000
#define APP_BYTES_MAX ((size_t)256 << 20)

struct walk {
	struct inv_host *h;
	struct rp_diags *d;
	int first; /* first error, or 0 */
	int found; /* an Applications folder was there */
	struct plist_job *jobs; /* read, to be parsed by the child */
	size_t njobs, capjobs, bytes;
};

/* Keeps a bundle's Info.plist (taking buf and a copy of path). */
static int
add_job(struct walk *w, const char *path, char *buf, size_t len)
{
	struct plist_job *n;
	size_t ncap;

	if (w->njobs == APP_BUNDLES_MAX || len > APP_BYTES_MAX - w->bytes) {
		rp_diags_add(w->d, RP_DIAG_ERROR, NULL, NULL,
		    "%s: more than %d bundles or %zu bytes of Info.plist; "
		    "the rest are not read",
		    path, APP_BUNDLES_MAX, APP_BYTES_MAX);
		free(buf);
		return RP_ERR_LIMIT;
	}
	if (w->njobs == w->capjobs) {
		ncap = w->capjobs ? w->capjobs * 2 : 64;
		if ((n = reallocarray(w->jobs, ncap, sizeof(*n))) == NULL) {
			free(buf);
			return RP_ERR_NOMEM;
		}
		w->jobs = n;
		w->capjobs = ncap;
	}
	if ((w->jobs[w->njobs].path = strdup(path)) == NULL) {
		free(buf);
		return RP_ERR_NOMEM;
	}
	w->jobs[w->njobs].buf = buf;
	w->jobs[w->njobs++].len = len;
	w->bytes += len;
	return 0;
}

/* Every Info.plist read, in the confined child. */
static int
apps_confined(void *arg, int jailed, struct inv_host *h, struct rp_diags *d)
{
	const struct walk *w = arg;
	size_t i;
	int r, first = 0;

	(void)jailed;
	for (i = 0; i < w->njobs; i++) {
		r = app_plist_parse(
		    w->jobs[i].buf, w->jobs[i].len, w->jobs[i].path, h, d);
		if (r == RP_ERR_NOMEM)
			return r;
		if (first == 0)
			first = r;
	}
	return first;
}

static void
walk_free(struct walk *w)
{
	size_t i;

	for (i = 0; i < w->njobs; i++) {
		free(w->jobs[i].path);
		free(w->jobs[i].buf);
	}
	free(w->jobs);
}

static void
walk_err(struct walk *w, int r)
{
	if (w->first == 0 && r != 0 && r != RP_ERR_NOTFOUND)
		w->first = r;
}

/* Reads and parses one bundle; dirfd is the folder holding it. */
static int
read_bundle(struct walk *w, int dirfd, const char *name, const char *path)
{
	char *buf = NULL;
	size_t len;
	int fd = -1, r;

	if ((r = rootfs_opendir(dirfd, name, &fd)) != 0) {
		/* A symlink (or a file named *.app) is not a bundle to read. */
		rp_diags_add(w->d, RP_DIAG_WARNING, NULL, NULL,
		    "%s: not a directory (a symlink is not followed); "
		    "skipped",
		    path);
		return r == RP_ERR_NOTFOUND ? 0 : r;
	}
	r = rootfs_read(fd, info_plist, APP_PLIST_MAX, &buf, &len);
	if (r == RP_ERR_NOTFOUND) {
		rp_diags_add(w->d, RP_DIAG_WARNING, NULL, NULL,
		    "%s: no %s (or not a regular file); skipped", path,
		    info_plist);
		r = 0;
	} else if (r != 0 && r != RP_ERR_NOMEM) {
		rp_diags_add(w->d, RP_DIAG_ERROR, NULL, NULL, "%s/%s: %s", path,
		    info_plist,
		    r == RP_ERR_LIMIT ? "too large" : rp_strerror(r));
	} else if (r == 0) {
		r = add_job(w, path, buf, len); /* takes buf */
		buf = NULL;
	}
	free(buf);
	close(fd);
	return r;
}

static int
is_app(const char *name)
{
	size_t n = strlen(name);

	return n > 4 && rp_streq_ci(name + n - 4, ".app");
}

/*
 * The bundles in one Applications folder (path is how the machine names
 * it) and, at depth 0, in its subfolders ("Utilities", a vendor's folder).
 */
static int
scan_folder(struct walk *w, int dirfd, const char *path, int depth)
{
	char **names = NULL, *sub = NULL;
	size_t i, n;
	int fd, r;

	if ((r = rootfs_list(dirfd, &names, &n)) != 0) {
		rp_diags_add(w->d, RP_DIAG_ERROR, NULL, NULL, "%s: %s", path,
		    rp_strerror(r));
		walk_err(w, r);
		return r == RP_ERR_NOMEM ? r : 0;
	}
	for (i = 0; i < n; i++) {
		if (names[i][0] == '.')
			continue;
		r = RP_ERR_NOMEM;
		if ((sub = rp_asprintf("%s/%s", path, names[i])) == NULL)
			goto out;
		if (is_app(names[i])) {
			r = read_bundle(w, dirfd, names[i], sub);
		} else if (depth == 0 &&
		    rootfs_opendir(dirfd, names[i], &fd) == 0) {
			r = scan_folder(w, fd, sub, depth + 1);
			close(fd);
		} else {
			r = 0;
		}
		free(sub);
		sub = NULL;
		if (r == RP_ERR_NOMEM)
			goto out;
		walk_err(w, r);
	}
	r = 0;
out:
	rootfs_names_free(names);
	return r;
}

/* ROOT/rel, shown as "/rel"; a missing folder is no error. */
static int
scan_applications(struct walk *w, int rootfd, const char *rel)
{
	char *path;
	int fd, r;

	if ((r = rootfs_opendir(rootfd, rel, &fd)) != 0) {
		if (r != RP_ERR_NOTFOUND) {
			rp_diags_add(w->d, RP_DIAG_ERROR, NULL, NULL, "/%s: %s",
			    rel, rp_strerror(r));
			walk_err(w, r);
		}
		return 0;
	}
	w->found = 1;
	if ((path = rp_asprintf("/%s", rel)) == NULL) {
		close(fd);
		return RP_ERR_NOMEM;
	}
	r = scan_folder(w, fd, path, 0);
	free(path);
	close(fd);
	return r;
}

static int
scan_users(struct walk *w, int rootfd)
{
	char **users = NULL, *rel;
	size_t i, n;
	int fd, r;

	if (rootfs_opendir(rootfd, "Users", &fd) != 0)
		return 0;
	r = rootfs_list(fd, &users, &n);
	close(fd);
	if (r != 0) {
		rp_diags_add(w->d, RP_DIAG_ERROR, NULL, NULL, "/Users: %s",
		    rp_strerror(r));
		walk_err(w, r);
		return r == RP_ERR_NOMEM ? r : 0;
	}
	for (i = 0; i < n; i++) {
		if (users[i][0] == '.')
			continue;
		r = RP_ERR_NOMEM;
		if ((rel = rp_asprintf("Users/%s/Applications", users[i])) ==
		    NULL)
			break;
		r = scan_applications(w, rootfd, rel);
		free(rel);
		if (r != 0)
			break;
	}
	rootfs_names_free(users);
	return r == RP_ERR_NOMEM ? r : 0;
}

int
collect_apps(const char *root, struct inv_host *h, struct rp_diags *d)
{
	struct walk w = {h, d, 0, 0, NULL, 0, 0, 0};
	struct coll_confined cc = {"libplist", NULL, apps_confined, &w};
	int rootfd = -1, r;

	if ((r = rootfs_open_root(root != NULL ? root : "/", &rootfd, d)) != 0)
		return r;
	if ((r = scan_applications(&w, rootfd, "Applications")) != 0 ||
	    (r = scan_users(&w, rootfd)) != 0)
		goto out;
	/* libplist parses in a child that may open nothing. */
	if (w.njobs > 0 && (r = coll_run_confined(&cc, h, d)) != 0)
		walk_err(&w, r);
	r = w.first != 0 ? w.first : w.found ? 0 : RP_ERR_NOTFOUND;
out:
	walk_free(&w);
	close(rootfd);
	return r;
}
