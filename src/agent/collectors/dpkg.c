/*
 * The dpkg collector: var/lib/dpkg/status (RFC 822 style paragraphs, one
 * per package, fields continued on lines that start with a space or tab)
 * and the one-paragraph files of var/lib/dpkg/status.d/ that distroless
 * images carry instead.  Only the fields an inventory needs are kept; the
 * text is never trusted: every value is bounded, cleaned to printable
 * UTF-8, and every problem is reported with the file and line.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "coll_int.h"
#include "collectors/collectors.h"
#include "util/err.h"
#include "util/str.h"

#define STATUS_FILE "var/lib/dpkg/status"
#define STATUS_DIR "var/lib/dpkg/status.d"
#define MAX_STATUS_D 100000 /* files in status.d */
#define VALUE_MAX 512 /* longest kept value (Package, Origin) */

enum dfield {
	F_PACKAGE,
	F_VERSION,
	F_ARCH,
	F_STATUS,
	F_ORIGIN,
	F_SOURCE,
	NFIELDS
};

static const struct {
	const char *name;
	size_t max;
} dfields[NFIELDS] = {
    [F_PACKAGE] = {"Package", 512},
    [F_VERSION] = {"Version", 256},
    [F_ARCH] = {"Architecture", 64},
    [F_STATUS] = {"Status", 128},
    [F_ORIGIN] = {"Origin", 512},
    [F_SOURCE] = {"Source", 512},
};

/* dpkg's package states (the third word of Status). */
static const char *const states[] = {"not-installed", "config-files",
    "half-installed", "unpacked", "half-configured", "triggers-awaited",
    "triggers-pending", "installed"};
static const char *const wants[] = {
    "unknown", "install", "hold", "deinstall", "purge"};
static const char *const eflags[] = {"ok", "reinstreq"};

struct dparse {
	const char *name; /* for messages */
	const char *distro; /* purl namespace */
	const char *distro_q; /* purl distro qualifier, or NULL */
	struct inv_host *h;
	struct rp_diags *d;
	int assume_installed; /* status.d: no Status means installed */
	int bad; /* an error was recorded */
	int r; /* fatal: RP_ERR_NOMEM or RP_ERR_LIMIT */
	/* The paragraph being read. */
	int pline; /* its first line, 0 when none is open */
	int cur; /* field continued by the next line, -1 none, NFIELDS other */
	const char *v[NFIELDS];
	size_t vlen[NFIELDS];
	int vline[NFIELDS];
};

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

static void
perr(struct dparse *p, int line, const char *what, const char *arg)
{
	p->bad = 1;
	rp_diags_add_at(p->d, RP_DIAG_ERROR, line, 0, "%s:%d: %s%s", p->name,
	    line, what, arg != NULL ? arg : "");
}

static int
in_list(const char *s, size_t n, const char *const *list, size_t nlist)
{
	size_t i;

	for (i = 0; i < nlist; i++) {
		if (strlen(list[i]) == n && memcmp(list[i], s, n) == 0)
			return 1;
	}
	return 0;
}

/* Copies field f into buf (cleaned); 0, or -1 after an error. */
static int
value(struct dparse *p, enum dfield f, char *buf, size_t len)
{
	if (p->v[f] == NULL) {
		buf[0] = '\0';
		return 0;
	}
	if (p->vlen[f] > dfields[f].max || p->vlen[f] >= len) {
		perr(p, p->vline[f], dfields[f].name,
		    " is too long; package skipped");
		return -1;
	}
	memcpy(buf, p->v[f], p->vlen[f]);
	buf[p->vlen[f]] = '\0';
	coll_clean(buf);
	return 0;
}

/*
 * Splits "want eflag status" and checks each word.  *state is the third
 * word, NULL for an installed package.  Returns 0 or -1 after an error.
 */
static int
parse_status(struct dparse *p, const char *s, const char **state,
    char *statebuf, size_t len)
{
	const char *w[3], *q = s;
	size_t n[3], i;

	for (i = 0; i < 3; i++) {
		while (*q == ' ')
			q++;
		w[i] = q;
		while (*q != ' ' && *q != '\0')
			q++;
		n[i] = (size_t)(q - w[i]);
	}
	while (*q == ' ')
		q++;
	if (n[2] == 0 || *q != '\0' || !in_list(w[0], n[0], wants, 5) ||
	    !in_list(w[1], n[1], eflags, 2) ||
	    !in_list(w[2], n[2], states, NELEM(states))) {
		perr(p, p->vline[F_STATUS], "expected Status: WANT FLAG STATE ",
		    "(e.g. \"install ok installed\"); package skipped");
		return -1;
	}
	*state = NULL;
	if (n[1] != 2) /* reinstreq: dpkg must reinstall it */
		*state = "reinstreq";
	else if (!(n[2] == 9 && memcmp(w[2], "installed", 9) == 0)) {
		memcpy(statebuf, w[2], n[2] < len ? n[2] : len - 1);
		statebuf[n[2] < len ? n[2] : len - 1] = '\0';
		*state = statebuf;
	}
	return 0;
}

/* A source package name as Debian Policy 5.6.1 allows ([a-z0-9][a-z0-9+.-]+). */
static int
deb_name_ok(const char *s)
{
	const char *q;

	if (!((s[0] >= 'a' && s[0] <= 'z') || (s[0] >= '0' && s[0] <= '9')) ||
	    s[1] == '\0')
		return 0;
	for (q = s; *q != '\0'; q++)
		if (!((*q >= 'a' && *q <= 'z') || (*q >= '0' && *q <= '9') ||
			*q == '+' || *q == '.' || *q == '-'))
			return 0;
	return 1;
}

/*
 * "Source: NAME" or "Source: NAME (VERSION)" (Debian Policy 5.6.1): the
 * source package, and its version where it differs from the binary's.
 * A value of another shape is a warning; the package is kept without it.
 */
static void
parse_source(struct dparse *p, char *s, const char **name, const char **ver)
{
	char *open, *close;
	size_t n;

	*name = *ver = NULL;
	if (s[0] == '\0')
		return;
	n = strcspn(s, " (");
	open = s + n + strspn(s + n, " ");
	if (*open == '(') {
		close = strchr(open, ')');
		if (close == NULL || close[1] != '\0' || close == open + 1 ||
		    memchr(open + 1, ' ', (size_t)(close - open - 1)) != NULL)
			goto bad;
		*close = '\0';
		*ver = open + 1;
	} else if (*open != '\0')
		goto bad;
	s[n] = '\0';
	if (n == 0 || !deb_name_ok(s))
		goto bad;
	*name = s;
	return;
bad:
	*name = *ver = NULL;
	rp_diags_add_at(p->d, RP_DIAG_WARNING, p->vline[F_SOURCE], 0,
	    "%s:%d: expected Source: NAME or NAME (VERSION); the source "
	    "package is not recorded",
	    p->name, p->vline[F_SOURCE]);
}

/*
 * pkg:deb/<distro>/<name>@<version>?arch=<arch>&distro=<id-version>
 * &upstream=<source>[@<source version>] (qualifiers sorted, as the purl
 * specification's canonical form has them).
 */
static char *
make_purl(struct dparse *p, const struct inv_software *sw)
{
	const char *name = sw->name, *ver = sw->version;
	const char *arch = sw->arch != NULL ? sw->arch : "";
	struct rp_buf b;

	rp_buf_init(&b, 4096);
	rp_buf_append(&b, "pkg:deb/");
	coll_purl_encode(&b, p->distro);
	rp_buf_append(&b, "/");
	coll_purl_encode(&b, name);
	rp_buf_append(&b, "@");
	coll_purl_encode(&b, ver);
	if (arch[0] != '\0') {
		rp_buf_append(&b, "?arch=");
		coll_purl_encode(&b, arch);
	}
	if (p->distro_q != NULL) {
		rp_buf_append(&b, arch[0] != '\0' ? "&distro=" : "?distro=");
		coll_purl_encode(&b, p->distro_q);
	}
	if (sw->source_name != NULL) {
		rp_buf_append(&b,
		    arch[0] != '\0' || p->distro_q != NULL ? "&upstream="
							   : "?upstream=");
		coll_purl_encode(&b, sw->source_name);
		if (sw->source_version != NULL) {
			rp_buf_append(&b, "%40");
			coll_purl_encode(&b, sw->source_version);
		}
	}
	return rp_buf_take(&b);
}

/* Adds the package of the paragraph that just ended. */
static void
emit(struct dparse *p)
{
	char name[VALUE_MAX + 1], ver[VALUE_MAX + 1], arch[VALUE_MAX + 1];
	char origin[VALUE_MAX + 1], status[VALUE_MAX + 1], sbuf[32];
	char source[VALUE_MAX + 1];
	struct inv_software sw;
	const char *state = NULL;
	int r;

	if (p->v[F_PACKAGE] == NULL || p->vlen[F_PACKAGE] == 0) {
		perr(p, p->pline, "paragraph without a Package field; skipped",
		    NULL);
		return;
	}
	if (value(p, F_PACKAGE, name, sizeof(name)) != 0 ||
	    value(p, F_VERSION, ver, sizeof(ver)) != 0 ||
	    value(p, F_ARCH, arch, sizeof(arch)) != 0 ||
	    value(p, F_ORIGIN, origin, sizeof(origin)) != 0 ||
	    value(p, F_STATUS, status, sizeof(status)) != 0 ||
	    value(p, F_SOURCE, source, sizeof(source)) != 0)
		return;
	if (p->v[F_STATUS] == NULL && !p->assume_installed) {
		perr(p, p->pline, "no Status field; package skipped: ", name);
		return;
	}
	if (p->v[F_STATUS] != NULL &&
	    parse_status(p, status, &state, sbuf, sizeof(sbuf)) != 0)
		return;
	/* dpkg remembers selections of packages never installed. */
	if (p->v[F_VERSION] == NULL && state != NULL &&
	    strcmp(state, "not-installed") == 0)
		return;
	if (p->v[F_VERSION] == NULL || ver[0] == '\0') {
		perr(p, p->pline, "no Version field; package skipped: ", name);
		return;
	}
	memset(&sw, 0, sizeof(sw));
	sw.name = name;
	sw.version = ver;
	sw.arch = arch[0] != '\0' ? arch : NULL;
	sw.vendor = origin[0] != '\0' ? origin : NULL;
	sw.scheme = VERSION_SCHEME_DEB;
	sw.source = INV_SOURCE_DPKG;
	sw.state = state;
	parse_source(p, source, &sw.source_name, &sw.source_version);
	/* The package's own name and version are implied, not repeated. */
	if (sw.source_name != NULL && sw.source_version == NULL &&
	    strcmp(sw.source_name, name) == 0)
		sw.source_name = NULL;
	if (sw.source_version != NULL && strcmp(sw.source_version, ver) == 0)
		sw.source_version = NULL;
	if ((sw.purl = make_purl(p, &sw)) == NULL) {
		p->r = RP_ERR_NOMEM;
		return;
	}
	r = inv_host_add_software(p->h, &sw);
	free((char *)sw.purl);
	/* The dpkg package's architecture is the system's. */
	if (r == 0 && state == NULL && strcmp(name, "dpkg") == 0 &&
	    p->h->arch == NULL && sw.arch != NULL)
		r = inv_host_set(p->h, NULL, NULL, NULL, sw.arch);
	if (r != 0)
		p->r = r;
}

static void
end_paragraph(struct dparse *p)
{
	if (p->pline != 0)
		emit(p);
	p->pline = 0;
	p->cur = -1;
	memset(p->v, 0, sizeof(p->v));
}

/* One "Name: value" line. */
static void
field_line(struct dparse *p, const char *s, size_t n, int line)
{
	const char *colon, *v, *e;
	size_t k, nlen;

	if (p->pline == 0)
		p->pline = line;
	p->cur = -1;
	if ((colon = memchr(s, ':', n)) == NULL || colon == s) {
		perr(p, line, "expected \"Field: value\"", NULL);
		return;
	}
	nlen = (size_t)(colon - s);
	if (memchr(s, ' ', nlen) != NULL || memchr(s, '\t', nlen) != NULL) {
		perr(p, line, "a field name with white space", NULL);
		return;
	}
	for (v = colon + 1, e = s + n; v < e && (*v == ' ' || *v == '\t');)
		v++;
	while (e > v && (e[-1] == ' ' || e[-1] == '\t'))
		e--;
	for (k = 0; k < NFIELDS; k++) {
		if (strlen(dfields[k].name) == nlen &&
		    strncasecmp(dfields[k].name, s, nlen) == 0)
			break;
	}
	p->cur = (int)k;
	if (k == NFIELDS)
		return;
	if (p->v[k] != NULL) {
		perr(p, line, "repeated field ", dfields[k].name);
		return;
	}
	p->v[k] = v;
	p->vlen[k] = (size_t)(e - v);
	p->vline[k] = line;
}

/* A line starting with white space continues the field before it. */
static void
continuation(struct dparse *p, int line)
{
	if (p->cur < 0) {
		perr(p, line, "continuation line outside a field", NULL);
		return;
	}
	/* The fields kept are single-line ones. */
	if (p->cur < NFIELDS)
		perr(p, line, dfields[p->cur].name,
		    " continues on a second line; it must be one line");
}

static int
parse(struct dparse *p, const char *buf, size_t len)
{
	const char *s = buf, *end = buf + len, *nl, *z;
	size_t n, i;
	int line = 0;

	p->cur = -1;
	if ((z = memchr(buf, '\0', len)) != NULL) {
		for (s = buf; s < z; s++)
			line += *s == '\n';
		perr(p, line + 1, "a NUL byte: not a text file", NULL);
		return RP_ERR_INVALID;
	}
	while (s < end && p->r == 0) {
		line++;
		nl = memchr(s, '\n', (size_t)(end - s));
		n = nl != NULL ? (size_t)(nl - s) : (size_t)(end - s);
		if (n > 0 && s[n - 1] == '\r')
			n--;
		for (i = 0; i < n && (s[i] == ' ' || s[i] == '\t'); i++)
			;
		if (i == n)
			end_paragraph(p);
		else if (i > 0)
			continuation(p, line);
		else
			field_line(p, s, n, line);
		s = nl != NULL ? nl + 1 : end;
	}
	if (p->r == 0)
		end_paragraph(p);
	if (p->r != 0)
		return p->r;
	return p->bad ? RP_ERR_INVALID : 0;
}

static int
parse_with(const char *buf, size_t len, const char *name,
    const struct coll_osrel *os, int assume_installed, struct inv_host *h,
    struct rp_diags *d)
{
	struct dparse p;
	char q[160];

	memset(&p, 0, sizeof(p));
	p.name = name;
	p.h = h;
	p.d = d;
	p.assume_installed = assume_installed;
	p.distro = os != NULL && os->id[0] != '\0' ? os->id : "debian";
	if (os != NULL && os->id[0] != '\0' && os->version_id[0] != '\0') {
		snprintf(q, sizeof(q), "%s-%s", os->id, os->version_id);
		p.distro_q = q;
	}
	return parse(&p, buf, len);
}

int
dpkg_status_parse(const char *buf, size_t len, const char *name,
    struct inv_host *h, struct rp_diags *d)
{
	return parse_with(buf, len, name, NULL, 0, h, d);
}

static int
cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The file names in dir worth reading, sorted (caller frees each and v). */
static int
list_dir(DIR *dir, char ***out, size_t *nout)
{
	struct dirent *e;
	char **v = NULL, **nv;
	size_t n = 0, cap = 0, l;
	int r = RP_ERR_INTERNAL;

	while ((e = readdir(dir)) != NULL) {
		l = strlen(e->d_name);
		/* Distroless keeps each package's md5sums next to it. */
		if (e->d_name[0] == '.' ||
		    (l > 8 && strcmp(e->d_name + l - 8, ".md5sums") == 0))
			continue;
		if (n == MAX_STATUS_D) {
			r = RP_ERR_LIMIT;
			goto out;
		}
		if (n == cap) {
			cap = cap ? cap * 2 : 64;
			if ((nv = reallocarray(v, cap, sizeof(*v))) == NULL) {
				r = RP_ERR_NOMEM;
				goto out;
			}
			v = nv;
		}
		if ((v[n] = strdup(e->d_name)) == NULL) {
			r = RP_ERR_NOMEM;
			goto out;
		}
		n++;
	}
	if (n > 0)
		qsort(v, n, sizeof(*v), cmp_names);
	*out = v;
	*nout = n;
	v = NULL;
	r = 0;
out:
	while (v != NULL && n > 0)
		free(v[--n]);
	free(v);
	return r;
}

/* One file of status.d, opened below the directory without links. */
static int
read_one(int dfd, const char *dirpath, const char *fname,
    const struct coll_osrel *os, struct inv_host *h, struct rp_diags *d)
{
	char path[8192], *buf = NULL;
	struct stat st;
	size_t len;
	int fd, r;

	snprintf(path, sizeof(path), "%s/%s", dirpath, fname);
	coll_clean(path);
	fd = openat(dfd, fname, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		rp_diags_add(d, RP_DIAG_ERROR, NULL, NULL, "%s: %s", path,
		    fd < 0 ? strerror(errno) : "not a regular file");
		r = RP_ERR_IO;
		goto out;
	}
	if ((r = coll_read_fd(fd, COLL_MAX_FILE, &buf, &len)) != 0) {
		rp_diags_add(d, RP_DIAG_ERROR, NULL, NULL, "%s: %s", path,
		    r == RP_ERR_LIMIT ? "too large" : strerror(errno));
		goto out;
	}
	r = parse_with(buf, len, path, os, 1, h, d);
out:
	if (fd >= 0)
		close(fd);
	free(buf);
	return r;
}

static int
read_status_d(const char *root, const struct coll_osrel *os, struct inv_host *h,
    struct rp_diags *d)
{
	char dirpath[4096], **names = NULL;
	size_t n = 0, i;
	DIR *dir = NULL;
	int fd, r, first = 0;

	coll_path(dirpath, sizeof(dirpath), root, STATUS_DIR);
	if ((fd = coll_open(root, STATUS_DIR, O_RDONLY | O_DIRECTORY)) < 0) {
		if (errno == ENOENT)
			return RP_ERR_NOTFOUND;
		rp_diags_add(d, RP_DIAG_ERROR, NULL, NULL, "%s: %s", dirpath,
		    strerror(errno));
		return RP_ERR_IO;
	}
	if ((dir = fdopendir(fd)) == NULL) {
		close(fd);
		return RP_ERR_NOMEM;
	}
	if ((r = list_dir(dir, &names, &n)) != 0) {
		if (r == RP_ERR_LIMIT)
			rp_diags_add(d, RP_DIAG_ERROR, NULL, NULL,
			    "%s: more than %d files; not read", dirpath,
			    MAX_STATUS_D);
		goto out;
	}
	for (i = 0; i < n; i++) {
		r = read_one(dirfd(dir), dirpath, names[i], os, h, d);
		if (r == RP_ERR_NOMEM)
			goto out;
		if (r != 0 && first == 0)
			first = r;
	}
	r = first;
out:
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
	closedir(dir);
	return r;
}

int
collect_dpkg(const char *root, struct inv_host *h, struct rp_diags *d)
{
	struct coll_osrel os, *osp = &os;
	char path[4096], *buf = NULL;
	size_t len;
	int r, r2;

	if (coll_os_release(root, &os, NULL) != 0)
		osp = NULL;
	coll_path(path, sizeof(path), root, STATUS_FILE);
	coll_clean(path);
	r = coll_read_file(root, STATUS_FILE, COLL_MAX_FILE, &buf, &len, d);
	if (r == 0)
		r = parse_with(buf, len, path, osp, 0, h, d);
	free(buf);
	if (r == RP_ERR_NOMEM)
		return r;
	r2 = read_status_d(root, osp, h, d);
	if (r == RP_ERR_NOTFOUND || (r == 0 && r2 != RP_ERR_NOTFOUND))
		r = r2;
	return r;
}
