/*
 * Indicator lists as people and vendors publish them: plain lists (one
 * value per line, the type told by its form or by a "type:" prefix) and
 * CSV files (RFC 4180 quoting) in the Sophos, Volexity and Rampart
 * layouts.  Rows that are not indicators are reported with their line
 * number and skipped; the list is an error only when nothing in it was
 * usable.  docs/bundle.md has the rules for telling types apart.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/ascii.h"
#include "util/err.h"
#include "util/input.h"
#include "util/str.h"

#include "ioc_int.h"

#define LIST_MAX_INPUT RP_CAP_INDICATORS
#define CSV_MAX_CELLS 32
#define CSV_RECORD_MAX (64 * 1024)

struct lctx {
	struct ioc_bundle *b;
	struct rp_diags *d;
	const char *name; /* source of every indicator */
	size_t nused; /* valid indicators read (new or repeated) */
	int fatal; /* RP_ERR_LIMIT or RP_ERR_NOMEM: stop */
};

/*
 * Adds v of type t from a row.  An invalid value or a comment or size
 * that cannot be kept is a warning at its line: one bad row does not
 * spoil a list.  Repeated values are reported by the bundle.
 */
static void
add_row(struct lctx *x, enum ioc_type t, const char *v, uint64_t size,
    const char *comment, int line)
{
	char buf[IOC_NORM_MAX], net[IOC_NORM_MAX];
	const char *why;
	int r;

	/* "ip:10.0.0.0/8" or an "ip" column holding networks */
	if (strlen(v) < sizeof(net)) {
		memcpy(net, v, strlen(v) + 1);
		t = ioc_net_type(t, net, sizeof(net));
		v = net;
	}
	if (ioc_normalize(t, v, buf, sizeof(buf), &why) != 0) {
		rp_diags_add_at(x->d, RP_DIAG_WARNING, line, 0,
		    "not a valid %s, \"%.100s\": %s; skipped", ioc_type_name(t),
		    v, why);
		return;
	}
	if (comment != NULL &&
	    (strlen(comment) > IOC_VALUE_MAX ||
		!ioc_utf8_valid(comment, strlen(comment)))) {
		rp_diags_add_at(x->d, RP_DIAG_WARNING, line, 0,
		    "the comment is not UTF-8 text of at most %d bytes; "
		    "dropped",
		    IOC_VALUE_MAX);
		comment = NULL;
	}
	if (size != 0 && !ioc_type_is_hash(t)) {
		rp_diags_add_at(x->d, RP_DIAG_WARNING, line, 0,
		    "a size belongs to file hashes; ignored");
		size = 0;
	}
	r = ioc_bundle_add_at(
	    x->b, t, v, size, x->name, comment, x->d, line, NULL);
	if (r == 0)
		x->nused++;
	else if (r == RP_ERR_LIMIT || r == RP_ERR_NOMEM)
		x->fatal = r;
}

/* File extensions that are no top-level domain: such a name is a file. */
static const char *const file_exts[] = {"exe", "dll", "sys", "scr", "cpl",
    "ocx", "drv", "efi", "msi", "msp", "msix", "appx", "bat", "cmd", "ps1",
    "psm1", "vbs", "vbe", "js", "jse", "wsf", "hta", "lnk", "jar", "class",
    "dylib", "ko", "bin", "elf", "dmg", "pkg", "deb", "rpm", "iso", "img",
    "vhd", "vhdx", "7z", "rar", "gz", "tgz", "bz2", "xz", "tar", "doc", "docx",
    "docm", "xls", "xlsx", "xlsm", "ppt", "pptx", "pptm", "pdf", "rtf", "chm",
    "ico", "dat", "tmp", "plist", "kext", "ini", "cfg", NULL};
/* File extensions that are also top-level domains: say which it is. */
static const char *const ambiguous_exts[] = {
    "zip", "app", "mov", "sh", "so", "py", "pl", "ps", NULL};

static int
ext_in(const char *v, const char *const *list)
{
	const char *dot = strrchr(v, '.');
	size_t i;

	if (dot == NULL || strchr(v, '/') != NULL)
		return 0;
	for (i = 0; list[i] != NULL; i++) {
		if (rp_streq_ci(dot + 1, list[i]))
			return 1;
	}
	return 0;
}

int
ioc_name_is_file(const char *v)
{
	return ext_in(v, file_exts) || ext_in(v, ambiguous_exts);
}

/*
 * Whether v is an address, '/' and digits: meant as a network whatever
 * its prefix length, not as a URL's host and path.
 */
static int
bad_network(const char *v)
{
	char buf[IOC_NORM_MAX], out[IOC_NORM_MAX];
	const char *slash = strrchr(v, '/'), *why;
	size_t n;

	if (slash == NULL || slash[1] == '\0' ||
	    strspn(slash + 1, "0123456789") != strlen(slash + 1) ||
	    (n = (size_t)(slash - v)) >= sizeof(buf))
		return 0;
	memcpy(buf, v, n);
	buf[n] = '\0';
	return ioc_normalize(IOC_IP, buf, out, sizeof(out), &why) == 0;
}

/*
 * The type a bare value has by its form, or -1 with a warning: hex of a
 * digest's length, an IP address, a URL, a name with a file extension
 * that is no TLD, a domain name, host/path.
 */
static int
guess_type(struct lctx *x, const char *v, int line)
{
	char buf[IOC_NORM_MAX];
	const char *why;
	size_t n = strlen(v);

	if (strspn(v, "0123456789abcdefABCDEF") == n && n >= 16) {
		if (n == 64 || n == 40 || n == 32)
			return n == 64 ? IOC_SHA256
			    : n == 40  ? IOC_SHA1
				       : IOC_MD5;
		rp_diags_add_at(x->d, RP_DIAG_WARNING, line, 0,
		    "\"%.100s\" looks like a hash but has %zu hex digits "
		    "(SHA-256 has 64, SHA-1 40, MD5 32); skipped",
		    v, n);
		return -1;
	}
	if (ioc_normalize(IOC_IP, v, buf, sizeof(buf), &why) == 0)
		return IOC_IP;
	/* before URLs: "185.100.87.0/24" is also host/path */
	if (ioc_normalize(IOC_CIDR, v, buf, sizeof(buf), &why) == 0)
		return IOC_CIDR;
	if (bad_network(v)) {
		rp_diags_add_at(x->d, RP_DIAG_WARNING, line, 0,
		    "\"%.100s\" is not a valid network: %s; skipped", v, why);
		return -1;
	}
	if (ioc_normalize(IOC_URL, v, buf, sizeof(buf), &why) == 0 &&
	    strstr(buf, "://") != NULL)
		return IOC_URL;
	if (ext_in(v, file_exts))
		return IOC_FILENAME;
	if (ext_in(v, ambiguous_exts)) {
		rp_diags_add_at(x->d, RP_DIAG_WARNING, line, 0,
		    "\"%.100s\" could be a file name or a domain; write "
		    "filename:%.100s or domain:%.100s; skipped",
		    v, v, v);
		return -1;
	}
	if (ioc_normalize(IOC_DOMAIN, v, buf, sizeof(buf), &why) == 0)
		return IOC_DOMAIN;
	if (ioc_normalize(IOC_URL, v, buf, sizeof(buf), &why) == 0)
		return IOC_URL;
	rp_diags_add_at(x->d, RP_DIAG_WARNING, line, 0,
	    "cannot tell what kind of indicator \"%.100s\" is; prefix it "
	    "with its type (filename:, domain:, ip:, url:, sha256:, ...); "
	    "skipped",
	    v);
	return -1;
}

/* One line of a plain list: [type:]value [comment]. */
static void
plain_line(struct lctx *x, char *s, int line)
{
	enum ioc_type t;
	char *colon, *sp, *comment = NULL;
	int g;

	if (s[0] == '\0' || s[0] == '#')
		return;
	if ((colon = strchr(s, ':')) != NULL) {
		*colon = '\0';
		if (ioc_type_from_name(s, &t) == 0) {
			s = colon + 1;
			while (*s == ' ' || *s == '\t')
				s++;
			if (t != IOC_FILENAME &&
			    (sp = strpbrk(s, " \t")) != NULL) {
				*sp = '\0';
				comment = sp + 1;
			}
			add_row(x, t, s, 0, comment, line);
			return;
		}
		*colon = ':';
	}
	if ((sp = strpbrk(s, " \t")) != NULL) {
		*sp = '\0';
		comment = sp + 1;
		while (*comment == ' ' || *comment == '\t')
			comment++;
		if (*comment == '\0')
			comment = NULL;
	}
	if ((g = guess_type(x, s, line)) >= 0)
		add_row(x, (enum ioc_type)g, s, 0, comment, line);
}

static int
read_plain(struct lctx *x, const char *buf, size_t len)
{
	char line[IOC_NORM_MAX + 1024];
	const char *p = buf, *e = buf + len, *nl, *t;
	size_t n;
	int lineno = 0;

	while (p < e && x->fatal == 0) {
		lineno++;
		if ((nl = memchr(p, '\n', (size_t)(e - p))) == NULL)
			nl = e;
		t = ioc_trim(p, (size_t)(nl - p), &n);
		p = nl + 1;
		if (n >= sizeof(line)) {
			rp_diags_add_at(x->d, RP_DIAG_WARNING, lineno, 0,
			    "line longer than %zu bytes; skipped",
			    sizeof(line) - 1);
			continue;
		}
		if (memchr(t, '\0', n) != NULL) {
			rp_diags_add_at(x->d, RP_DIAG_WARNING, lineno, 0,
			    "line holds a NUL byte; skipped");
			continue;
		}
		memcpy(line, t, n);
		line[n] = '\0';
		plain_line(x, line, lineno);
	}
	return x->fatal;
}

/* ---- CSV ---- */

struct csv {
	const char *s, *e; /* input */
	int line; /* line of the next character */
	char rec[CSV_RECORD_MAX]; /* cells of one record, NUL-separated */
	size_t nrec;
	const char *cell[CSV_MAX_CELLS];
	size_t ncell;
	int toolong;
};

static void
csv_put(struct csv *c, char ch)
{
	if (c->nrec + 1 >= sizeof(c->rec)) {
		c->toolong = 1;
		return;
	}
	c->rec[c->nrec++] = ch;
}

static void
csv_end_cell(struct csv *c)
{
	csv_put(c, '\0');
	if (c->toolong)
		return;
	if (c->ncell >= CSV_MAX_CELLS) {
		c->toolong = 1;
		return;
	}
	c->cell[c->ncell++] = c->rec + c->nrec;
}

/* A quoted cell from just after its opening quote; -1 when not closed. */
static int
csv_quoted(struct csv *c)
{
	while (c->s < c->e) {
		char ch = *c->s++;

		if (ch == '"') {
			if (c->s < c->e && *c->s == '"') {
				c->s++;
				csv_put(c, '"');
				continue;
			}
			return 0;
		}
		if (ch == '\n')
			c->line++;
		csv_put(c, ch);
	}
	return -1;
}

/*
 * Reads one record into c->cell.  Returns 1, 0 at the end of input, or
 * -1 for a malformed record (why set; the rest of it is skipped).
 */
static int
csv_next(struct csv *c, const char **why)
{
	int quoted;

	if (c->s >= c->e)
		return 0;
	c->nrec = c->ncell = 0;
	c->toolong = 0;
	c->cell[c->ncell++] = c->rec;
	*why = NULL;
	for (;;) {
		quoted = 0;
		if (c->s < c->e && *c->s == '"') {
			c->s++;
			quoted = 1;
			if (csv_quoted(c) != 0) {
				*why = "a quoted cell is not closed";
				return -1;
			}
		}
		while (c->s < c->e && *c->s != ',' && *c->s != '\n') {
			if (quoted && *c->s != '\r' && *why == NULL)
				*why = "text after the closing quote of a "
				       "cell";
			csv_put(c, *c->s++);
		}
		if (c->s < c->e && *c->s == ',') {
			c->s++;
			csv_end_cell(c);
			continue;
		}
		break;
	}
	csv_put(c, '\0');
	if (c->s < c->e) {
		c->s++;
		c->line++;
	}
	if (c->toolong)
		*why = "the record is too long or has too many cells";
	if (*why != NULL)
		return -1;
	/* a CRLF line end leaves '\r' on the last cell */
	if (c->nrec >= 2 && c->rec[c->nrec - 2] == '\r')
		c->rec[c->nrec - 2] = '\0';
	return 1;
}

struct layout {
	int type, value, comment, size; /* column numbers, -1 when none */
};

static int
col_of(const struct csv *c, const char *const *names)
{
	size_t i, j, n;
	const char *t;

	for (i = 0; i < c->ncell; i++) {
		t = ioc_trim(c->cell[i], strlen(c->cell[i]), &n);
		for (j = 0; names[j] != NULL; j++) {
			if (strlen(names[j]) == n &&
			    strncasecmp(t, names[j], n) == 0)
				return (int)i;
		}
	}
	return -1;
}

/* Sophos (Indicator,Data,Note), Volexity, Rampart (type,value,...). */
static int
csv_layout(const struct csv *c, struct layout *l)
{
	static const char *const sophos_type[] = {"indicator", NULL};
	static const char *const sophos_value[] = {"data", NULL};
	static const char *const vx_type[] = {"entity_type", NULL};
	static const char *const type[] = {"type", NULL};
	static const char *const value[] = {"value", NULL};
	static const char *const comment[] = {
	    "note", "description", "comment", NULL};
	static const char *const size[] = {"size", NULL};

	l->type = col_of(c, sophos_type);
	l->value = col_of(c, sophos_value);
	if (l->type < 0 || l->value < 0) {
		if ((l->type = col_of(c, vx_type)) < 0)
			l->type = col_of(c, type);
		l->value = col_of(c, value);
	}
	l->comment = col_of(c, comment);
	l->size = col_of(c, size);
	return l->type >= 0 && l->value >= 0 ? 0 : -1;
}

/* Row types that describe the list rather than name an indicator. */
static int
is_description(const char *t)
{
	static const char *const names[] = {"description", "reference",
	    "references", "note", "comment", "title", "author", "date", "tlp",
	    NULL};
	size_t i;

	for (i = 0; names[i] != NULL; i++) {
		if (rp_streq_ci(t, names[i]))
			return 1;
	}
	return 0;
}

/*
 * The indicator type a CSV type cell names: 0..IOC_TYPE_COUNT-1, or
 * IOC_TYPE_COUNT for "file"/"hash" (a cell of digests of one file), or
 * -1.
 */
static int
csv_type(const char *t)
{
	static const struct {
		const char *name;
		int type;
	} map[] = {{"sha256", IOC_SHA256}, {"sha-256", IOC_SHA256},
	    {"sha1", IOC_SHA1}, {"sha-1", IOC_SHA1}, {"md5", IOC_MD5},
	    {"filename", IOC_FILENAME}, {"file name", IOC_FILENAME},
	    {"file_name", IOC_FILENAME}, {"domain", IOC_DOMAIN},
	    {"hostname", IOC_DOMAIN}, {"host", IOC_DOMAIN},
	    {"fqdn", IOC_DOMAIN}, {"ip", IOC_IP}, {"ipv4", IOC_IP},
	    {"ipv6", IOC_IP}, {"ip address", IOC_IP}, {"ip-dst", IOC_IP},
	    {"ip-src", IOC_IP}, {"cidr", IOC_CIDR}, {"network", IOC_CIDR},
	    {"subnet", IOC_CIDR}, {"url", IOC_URL}, {"uri", IOC_URL},
	    {"file", IOC_TYPE_COUNT}, {"hash", IOC_TYPE_COUNT},
	    {"filehash", IOC_TYPE_COUNT}};
	size_t i;

	for (i = 0; i < sizeof(map) / sizeof(map[0]); i++) {
		if (rp_streq_ci(t, map[i].name))
			return map[i].type;
	}
	return -1;
}

/* "sha256,sha1,md5" of one file (Volexity): each by its length. */
static void
csv_hashes(struct lctx *x, const char *v, const char *comment, int line)
{
	char tok[IOC_NORM_MAX];
	size_t n;
	int any = 0;

	while (*v != '\0') {
		v += strspn(v, ",; \t|");
		n = strcspn(v, ",; \t|");
		if (n == 0)
			break;
		if (n >= sizeof(tok))
			n = sizeof(tok) - 1;
		memcpy(tok, v, n);
		tok[n] = '\0';
		v += n;
		any = 1;
		if (n != 64 && n != 40 && n != 32) {
			rp_diags_add_at(x->d, RP_DIAG_WARNING, line, 0,
			    "\"%.100s\" is not a SHA-256, SHA-1 or MD5 "
			    "hash; skipped",
			    tok);
			continue;
		}
		add_row(x,
		    n == 64	  ? IOC_SHA256
			: n == 40 ? IOC_SHA1
				  : IOC_MD5,
		    tok, 0, comment, line);
	}
	if (!any)
		rp_diags_add_at(x->d, RP_DIAG_WARNING, line, 0,
		    "no hash in the cell; skipped");
}

/* A decimal size cell; 0 when empty or not a number (with a warning). */
static uint64_t
csv_size(struct lctx *x, const char *s, int line)
{
	unsigned long long v;
	char *end;

	if (*s == '\0')
		return 0;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (!rp_isdigit(*s) || *end != '\0' || errno != 0) {
		rp_diags_add_at(x->d, RP_DIAG_WARNING, line, 0,
		    "size \"%.40s\" is not a number of bytes; ignored", s);
		return 0;
	}
	return v;
}

static const char *
cell(const struct csv *c, int col, char *buf, size_t len)
{
	const char *t;
	size_t n;

	if (col < 0 || (size_t)col >= c->ncell)
		return NULL;
	t = ioc_trim(c->cell[col], strlen(c->cell[col]), &n);
	if (n >= len)
		n = len - 1;
	memcpy(buf, t, n);
	buf[n] = '\0';
	return buf;
}

/* URL cells holding a bare host name (Sophos writes C2 domains so). */
static void
csv_url(struct lctx *x, const char *v, const char *comment, int line)
{
	char buf[IOC_NORM_MAX];
	const char *why;

	if (ioc_normalize(IOC_URL, v, buf, sizeof(buf), &why) != 0) {
		if (ioc_normalize(IOC_DOMAIN, v, buf, sizeof(buf), &why) == 0) {
			add_row(x, IOC_DOMAIN, v, 0, comment, line);
			return;
		}
		if (ioc_normalize(IOC_IP, v, buf, sizeof(buf), &why) == 0) {
			add_row(x, IOC_IP, v, 0, comment, line);
			return;
		}
	}
	add_row(x, IOC_URL, v, 0, comment, line);
}

static void
csv_row(struct lctx *x, const struct csv *c, const struct layout *l, int line)
{
	char tb[128], vb[CSV_RECORD_MAX], cb[CSV_RECORD_MAX], sb[64];
	const char *t, *v, *com, *sz;
	uint64_t size;
	int type;

	t = cell(c, l->type, tb, sizeof(tb));
	v = cell(c, l->value, vb, sizeof(vb));
	com = cell(c, l->comment, cb, sizeof(cb));
	sz = cell(c, l->size, sb, sizeof(sb));
	if (t == NULL || v == NULL) {
		if (c->ncell > 1 || c->cell[0][0] != '\0')
			rp_diags_add_at(x->d, RP_DIAG_WARNING, line, 0,
			    "row has %zu cells, fewer than the header; "
			    "skipped",
			    c->ncell);
		return;
	}
	if (t[0] == '\0' && v[0] == '\0')
		return;
	if (com != NULL && com[0] == '\0')
		com = NULL;
	if (is_description(t)) {
		rp_diags_add_at(x->d, RP_DIAG_NOTE, line, 0,
		    "\"%.40s\" row describes the list; not an indicator", t);
		return;
	}
	if ((type = csv_type(t)) < 0) {
		rp_diags_add_at(x->d, RP_DIAG_WARNING, line, 0,
		    "\"%.40s\" is not an indicator type a sweep can use "
		    "(hashes, file names, domains, IP addresses, networks, "
		    "URLs); "
		    "skipped",
		    t);
		return;
	}
	size = sz != NULL ? csv_size(x, sz, line) : 0;
	if (type == IOC_TYPE_COUNT)
		csv_hashes(x, v, com, line);
	else if (type == IOC_URL)
		csv_url(x, v, com, line);
	else
		add_row(x, (enum ioc_type)type, v, size, com, line);
}

static int
read_csv(struct lctx *x, const char *buf, size_t len)
{
	struct csv *c;
	struct layout l;
	const char *why;
	int r, line;

	if ((c = calloc(1, sizeof(*c))) == NULL)
		return RP_ERR_NOMEM;
	c->s = buf;
	c->e = buf + len;
	c->line = 1;
	do {
		line = c->line;
		r = csv_next(c, &why);
	} while (r == 1 && c->ncell == 1 && c->cell[0][0] == '\0');
	if (r != 1 || csv_layout(c, &l) != 0) {
		rp_diags_add_at(x->d, RP_DIAG_ERROR, r == 1 ? line : c->line, 0,
		    "unknown CSV header; expected one of the layouts "
		    "Sophos (Indicator,Data,Note), Volexity "
		    "(value,entity_type,description) or Rampart "
		    "(type,value[,comment][,size])");
		free(c);
		return RP_ERR_INVALID;
	}
	while (x->fatal == 0) {
		line = c->line;
		if ((r = csv_next(c, &why)) == 0)
			break;
		if (r < 0)
			rp_diags_add_at(x->d, RP_DIAG_WARNING, line, 0,
			    "%s; row skipped", why);
		else
			csv_row(x, c, &l, line);
	}
	free(c);
	return x->fatal;
}

/* CSV when the name says so or the first content line has a comma. */
static int
looks_csv(const char *buf, size_t len, const char *name)
{
	const char *p = buf, *e = buf + len, *nl, *t;
	size_t n = name != NULL ? strlen(name) : 0;

	if (n > 4 && rp_streq_ci(name + n - 4, ".csv"))
		return 1;
	while (p < e) {
		if ((nl = memchr(p, '\n', (size_t)(e - p))) == NULL)
			nl = e;
		t = ioc_trim(p, (size_t)(nl - p), &n);
		if (n > 0 && t[0] != '#')
			return memchr(t, ',', n) != NULL;
		p = nl + 1;
	}
	return 0;
}

int
ioc_list_read_buf(const char *buf, size_t len, const char *name,
    struct ioc_bundle *b, struct rp_diags *d)
{
	struct lctx x = {.b = b, .d = d, .name = name};
	size_t nomem0 = d != NULL ? d->nomem : 0;
	int r;

	if (b == NULL || (buf == NULL && len > 0))
		return RP_ERR_ARG;
	if (buf == NULL)
		buf = "";
	if (name != NULL &&
	    (strlen(name) > IOC_VALUE_MAX ||
		!ioc_utf8_valid(name, strlen(name)))) {
		rp_diags_add(d, RP_DIAG_WARNING, NULL, NULL,
		    "the list's name is not UTF-8; indicators carry no "
		    "source");
		x.name = NULL;
	}
	if (len >= 3 && memcmp(buf, "\xef\xbb\xbf", 3) == 0) {
		buf += 3;
		len -= 3;
	}
	if (looks_csv(buf, len, name))
		r = read_csv(&x, buf, len);
	else
		r = read_plain(&x, buf, len);
	if (r != 0)
		return r;
	/* A warning lost to memory is a failed read, not a clean one. */
	if (d != NULL && d->nomem != nomem0)
		return RP_ERR_NOMEM;
	if (x.nused == 0) {
		rp_diags_add(d, RP_DIAG_ERROR, NULL, NULL,
		    "no usable indicators in the list");
		return RP_ERR_INVALID;
	}
	return 0;
}

int
ioc_list_read_file(const char *path, struct ioc_bundle *b, struct rp_diags *d)
{
	const char *base;
	char *buf = NULL;
	size_t len = 0;
	int r;

	if (path == NULL || b == NULL)
		return RP_ERR_ARG;
	if ((r = rp_input_read(path, LIST_MAX_INPUT, &buf, &len, d)) != 0)
		return r;
	base = strrchr(path, '/') != NULL ? strrchr(path, '/') + 1 : path;
	r = ioc_list_read_buf(buf, len, base, b, d);
	free(buf);
	return r;
}
