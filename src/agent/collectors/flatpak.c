/*
 * Flatpak: the applications and runtimes deployed in the system
 * installation (var/lib/flatpak) and in users' ones
 * (home/<user>/.local/share/flatpak).  A ref is deployed when
 * <kind>/<id>/<arch>/<branch>/active links to a commit directory; the
 * version is what `flatpak list` shows, the "appdata-version" flatpak
 * stored in that directory's `deploy` file (a GVariant of type
 * (ssasta{sv})) when it deployed it, parsed here with bounds on every
 * offset.  The keyfile `metadata` must name the same ID.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "collectors/collectors.h"
#include "collectors/rootfs.h"
#include "util/err.h"
#include "util/str.h"

#define FP_DEPLOY_MAX (1024u * 1024)
#define FP_METADATA_MAX (256u * 1024)
#define FP_VALUE_MAX 512

/* A byte range of the deploy file. */
struct gv {
	const unsigned char *b;
	size_t start, end;
};

/* GVariant framing offsets are as wide as the container needs. */
static size_t
gv_offsize(size_t n)
{
	if (n <= 0xff)
		return 1;
	if (n <= 0xffff)
		return 2;
	if (n <= 0xffffffffu)
		return 4;
	return 8;
}

/* Little-endian offset at p of width w. */
static size_t
gv_off(const unsigned char *p, size_t w)
{
	uint64_t v = 0;

	while (w-- > 0)
		v = v << 8 | p[w];
	return v > SIZE_MAX ? SIZE_MAX : (size_t)v;
}

static size_t
align8(size_t x)
{
	return (x + 7) & ~(size_t)7;
}

/* A string value: NUL-terminated, no other NUL.  NULL when not. */
static const char *
gv_string(struct gv v)
{
	size_t n = v.end - v.start;

	if (n == 0 || v.b[v.end - 1] != '\0' ||
	    memchr(v.b + v.start, '\0', n - 1) != NULL)
		return NULL;
	return (const char *)v.b + v.start;
}

/*
 * Member i of an a{sv} held in arr; -1 when the framing is broken.  The
 * element count is n; its offset table starts at *tab.
 */
static int
gv_array(struct gv arr, size_t *n, size_t *tab)
{
	size_t m = arr.end - arr.start, w;

	*n = 0;
	if (m == 0)
		return 0;
	w = gv_offsize(m);
	if (m < w)
		return -1;
	*tab = gv_off(arr.b + arr.end - w, w);
	if (*tab > m - w || (m - *tab) % w != 0)
		return -1;
	*n = (m - *tab) / w;
	return 0;
}

/* Looks up key in the a{sv} arr; sets *out to a string value. */
static int
gv_lookup(struct gv arr, const char *key, const char **out)
{
	size_t n, tab, i, w, prev = 0, end, kend, q;
	const unsigned char *sep;
	struct gv e, k, v;
	size_t sig;

	*out = NULL;
	if (gv_array(arr, &n, &tab) != 0)
		return -1;
	w = gv_offsize(arr.end - arr.start);
	for (i = 0; i < n; i++, prev = end) {
		end = gv_off(arr.b + arr.start + tab + i * w, w);
		e.b = arr.b;
		e.start = arr.start + (i == 0 ? 0 : align8(prev));
		e.end = arr.start + end;
		if (end > tab || e.start > e.end)
			return -1;
		/* {sv}: key, padding, variant, one offset (the key's end). */
		q = e.end - e.start;
		if (q < 1 + gv_offsize(q))
			return -1;
		kend = gv_off(e.b + e.end - gv_offsize(q), gv_offsize(q));
		if (kend > q - gv_offsize(q))
			return -1;
		k = (struct gv){e.b, e.start, e.start + kend};
		v = (struct gv){
		    e.b, e.start + align8(kend), e.end - gv_offsize(q)};
		if (v.start > v.end || gv_string(k) == NULL ||
		    strcmp(gv_string(k), key) != 0)
			continue;
		/* A variant: the value, a NUL, then its type signature. */
		sep = memrchr(v.b + v.start, '\0', v.end - v.start);
		if (sep == NULL)
			return -1;
		sig = (size_t)(sep - v.b);
		if (v.end - sig != 2 || v.b[sig + 1] != 's')
			return 0; /* not a string */
		v.end = sig;
		*out = gv_string(v);
		return 0;
	}
	return 0;
}

/*
 * The metadata dictionary of a deploy file (ssasta{sv}): the last member,
 * after three framing offsets for the variable-size ones before it.
 */
static int
gv_deploy_meta(const unsigned char *b, size_t n, struct gv *meta)
{
	size_t w, as_end, t_start;

	if (n < 8)
		return -1;
	w = gv_offsize(n);
	if (n < 3 * w)
		return -1;
	/* Offsets are stored last member first: origin, commit, subpaths. */
	as_end = gv_off(b + n - 3 * w, w);
	t_start = align8(as_end);
	if (as_end > n || t_start + 8 > n - 3 * w)
		return -1;
	meta->b = b;
	meta->start = t_start + 8;
	meta->end = n - 3 * w;
	return 0;
}

int
flatpak_deploy_parse(
    const char *buf, size_t len, const char **version, const char **name)
{
	struct gv dict;

	*version = *name = NULL;
	if (gv_deploy_meta((const unsigned char *)buf, len, &dict) != 0 ||
	    gv_lookup(dict, "appdata-version", version) != 0 ||
	    gv_lookup(dict, "appdata-name", name) != 0) {
		*version = *name = NULL;
		return RP_ERR_INVALID;
	}
	return 0;
}

/* The value of key in [group] of a keyfile, into out. */
static const char *
keyfile_get(
    const char *buf, const char *group, const char *key, char *out, size_t size)
{
	const char *p = buf, *nl, *eq;
	size_t glen = strlen(group), klen = strlen(key), n;
	int in = 0;

	for (; *p != '\0'; p = *nl != '\0' ? nl + 1 : nl) {
		nl = p + strcspn(p, "\n");
		if (*p == '[') {
			in = (size_t)(nl - p) >= glen + 2 &&
			    memcmp(p + 1, group, glen) == 0 &&
			    p[glen + 1] == ']';
			continue;
		}
		if (!in || strncmp(p, key, klen) != 0)
			continue;
		eq = p + klen;
		while (eq < nl && *eq == ' ')
			eq++;
		if (eq >= nl || *eq != '=')
			continue;
		for (eq++; eq < nl && *eq == ' '; eq++)
			;
		n = (size_t)(nl - eq);
		while (n > 0 && (eq[n - 1] == ' ' || eq[n - 1] == '\r'))
			n--;
		if (n == 0 || n >= size)
			return NULL;
		memcpy(out, eq, n);
		out[n] = '\0';
		return out;
	}
	return NULL;
}

struct fpwalk {
	struct inv_host *h;
	struct rp_diags *d;
	int first;
	const char *base; /* "/var/lib/flatpak" */
	const char *kind; /* "app" or "runtime" */
};

struct fpref {
	const char *id, *arch, *branch;
	char commit[256];
	char *path; /* the deployment, as the machine names it */
};

/* Reads one deployment (dfd: the commit directory) and adds it. */
static int
add_deploy(struct fpwalk *w, int dfd, struct fpref *ref)
{
	char *meta = NULL, *dep = NULL, mname[FP_VALUE_MAX], why[128];
	const char *group =
	    strcmp(w->kind, "app") == 0 ? "Application" : "Runtime";
	const char *ver = NULL, *title = NULL;
	struct inv_software sw;
	size_t len, dlen;
	int r;

	if ((r = rootfs_read(dfd, "metadata", FP_METADATA_MAX, &meta, &len)) !=
	    0) {
		rp_diags_add(w->d, RP_DIAG_ERROR, NULL, NULL, "%s/metadata: %s",
		    ref->path, rp_strerror(r));
		goto out;
	}
	r = RP_ERR_INVALID;
	if (keyfile_get(meta, group, "name", mname, sizeof(mname)) == NULL ||
	    strcmp(mname, ref->id) != 0) {
		rp_diags_add(w->d, RP_DIAG_ERROR, NULL, NULL,
		    "%s/metadata: no [%s] name=%s", ref->path, group, ref->id);
		goto out;
	}
	r = rootfs_read(dfd, "deploy", FP_DEPLOY_MAX, &dep, &dlen);
	if (r == 0)
		r = flatpak_deploy_parse(dep, dlen, &ver, &title);
	if (r != 0 && r != RP_ERR_NOTFOUND)
		rp_diags_add(w->d, RP_DIAG_WARNING, NULL, NULL,
		    "%s/deploy: %s; version from the branch", ref->path,
		    r != 0 ? rp_strerror(r) : "not a flatpak deploy file");
	/* Without appdata, a numbered branch ("23.08") is the version. */
	if (ver == NULL && ref->branch[0] >= '0' && ref->branch[0] <= '9')
		ver = ref->branch;
	memset(&sw, 0, sizeof(sw));
	sw.name = title != NULL ? title : ref->id;
	sw.version = ver;
	sw.bundle_id = ref->id;
	sw.arch = ref->arch;
	sw.path = ref->path;
	sw.source = INV_SOURCE_FLATPAK;
	sw.scheme = inv_source_scheme(sw.source);
	if (ver == NULL) {
		rp_diags_add(w->d, RP_DIAG_WARNING, NULL, NULL,
		    "%s: no version (no appdata-version, branch \"%s\"); "
		    "skipped",
		    ref->path, ref->branch);
		r = 0;
	} else if (inv_software_check(&sw, why, sizeof(why)) != 0) {
		rp_diags_add(
		    w->d, RP_DIAG_ERROR, NULL, NULL, "%s: %s", ref->path, why);
		r = RP_ERR_INVALID;
	} else {
		r = inv_host_add_software(w->h, &sw);
	}
out:
	free(meta);
	free(dep);
	return r;
}

/* One <id>/<arch>/<branch> directory: deployed when `active` links. */
static int
scan_branch(struct fpwalk *w, int bfd, struct fpref *ref)
{
	int dfd, r;

	r = rootfs_readlink_name(
	    bfd, "active", ref->commit, sizeof(ref->commit));
	if (r == RP_ERR_NOTFOUND)
		return 0; /* pulled, not deployed */
	if ((ref->path = rp_asprintf("%s/%s/%s/%s/%s/%s", w->base, w->kind,
		 ref->id, ref->arch, ref->branch,
		 r == 0 ? ref->commit : "active")) == NULL)
		return RP_ERR_NOMEM;
	if (r == 0 && (r = rootfs_opendir(bfd, ref->commit, &dfd)) == 0) {
		r = add_deploy(w, dfd, ref);
		close(dfd);
	} else {
		rp_diags_add(w->d, RP_DIAG_ERROR, NULL, NULL,
		    "%s: the active deployment is not a directory here",
		    ref->path);
		r = RP_ERR_INVALID;
	}
	free(ref->path);
	ref->path = NULL;
	return r;
}

/* Calls fn for each subdirectory of dfd (symlinks such as "current" are
   not directories here). */
static int
each_dir(struct fpwalk *w, int dfd, struct fpref *ref, int level)
{
	char **names = NULL;
	size_t i, n;
	int fd, r;

	if ((r = rootfs_list(dfd, &names, &n)) != 0) {
		rp_diags_add(w->d, RP_DIAG_ERROR, NULL, NULL,
		    "%s/%s%s%s: cannot be listed: %s", w->base, w->kind,
		    level > 0 ? "/" : "", level > 0 ? ref->id : "",
		    rp_strerror(r));
		return r;
	}
	for (i = 0; i < n && r != RP_ERR_NOMEM; i++) {
		if (names[i][0] == '.' || rootfs_opendir(dfd, names[i], &fd))
			continue;
		if (level == 0)
			ref->id = names[i];
		else if (level == 1)
			ref->arch = names[i];
		else
			ref->branch = names[i];
		r = level < 2 ? each_dir(w, fd, ref, level + 1)
			      : scan_branch(w, fd, ref);
		close(fd);
		if (r != 0 && r != RP_ERR_NOMEM && w->first == 0)
			w->first = r;
	}
	rootfs_names_free(names);
	return r == RP_ERR_NOMEM ? r : 0;
}

/* One installation: base is how the machine names ROOT/rel. */
static int
scan_install(struct fpwalk *w, int rootfd, const char *rel, int *found)
{
	static const char *const kinds[] = {"app", "runtime"};
	struct fpref ref;
	size_t i;
	int fd, kfd, r = 0;

	if (rootfs_opendir(rootfd, rel, &fd) != 0)
		return 0;
	*found = 1;
	for (i = 0; i < 2 && r != RP_ERR_NOMEM; i++) {
		if (rootfs_opendir(fd, kinds[i], &kfd) != 0)
			continue;
		memset(&ref, 0, sizeof(ref));
		w->kind = kinds[i];
		r = each_dir(w, kfd, &ref, 0);
		close(kfd);
	}
	close(fd);
	return r;
}

int
collect_flatpak(const char *root, struct inv_host *h, struct rp_diags *d)
{
	struct fpwalk w = {h, d, 0, NULL, NULL};
	char **users = NULL, *rel = NULL;
	size_t i, n = 0;
	int rootfd = -1, hfd, found = 0, r;

	if ((r = rootfs_open_root(root != NULL ? root : "/", &rootfd, d)) != 0)
		return r;
	w.base = "/var/lib/flatpak";
	if ((r = scan_install(&w, rootfd, "var/lib/flatpak", &found)) != 0)
		goto out;
	if (rootfs_opendir(rootfd, "home", &hfd) == 0) {
		r = rootfs_list(hfd, &users, &n);
		close(hfd);
		if (r != 0) {
			rp_diags_add(d, RP_DIAG_ERROR, NULL, NULL,
			    "/home: cannot be listed: %s", rp_strerror(r));
			goto out;
		}
	}
	for (i = 0; i < n; i++) {
		r = RP_ERR_NOMEM;
		if ((rel = rp_asprintf(
			 "home/%s/.local/share/flatpak", users[i])) == NULL)
			goto out;
		if ((w.base = rp_asprintf("/%s", rel)) == NULL)
			goto out;
		r = scan_install(&w, rootfd, rel, &found);
		free((char *)w.base);
		free(rel);
		rel = NULL;
		if (r != 0)
			goto out;
	}
	r = w.first != 0 ? w.first : found ? 0 : RP_ERR_NOTFOUND;
out:
	free(rel);
	rootfs_names_free(users);
	close(rootfd);
	return r;
}
