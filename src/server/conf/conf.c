/*
 * Configuration loading: one table of keys (section, name, type, bounds)
 * drives the INI file, the environment and the flags alike, so a key
 * cannot be accepted in one layer and unknown in another.  Layers apply
 * in order defaults < file < environment < flags; list keys replace the
 * list of a lower layer.  Cross-key rules (plain HTTP only on loopback,
 * cert and key together, the default database path) are checked once all
 * layers are in.
 */
#include "conf/conf.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ini.h>

#include "err.h"
#include "log/log.h"

enum ktype {
	K_LISTEN, /* comma list of host:port, replaces the lower layer's */
	K_PATH,
	K_USER,
	K_BOOL,
	K_INT, /* int field, bounds min..max */
	K_SIZE, /* int64_t bytes, suffix k/m/g */
	K_SECONDS, /* int64_t seconds, suffix s/m/h/d */
	K_LEVEL,
	K_TARGET,
	K_NETS, /* comma list of addresses or CIDR prefixes */
	K_URL, /* store.db: free text, never logged */
};

struct key {
	const char *section, *name;
	enum ktype type;
	size_t off; /* in struct conf */
	size_t size; /* of the field (strings) */
	int64_t min, max;
	const char *flag; /* "--listen", or NULL */
};

#define F(field) offsetof(struct conf, field), sizeof(((struct conf *)0)->field)
static const struct key keys[] = {
    {"server", "listen", K_LISTEN, F(listen), 0, 0, "--listen"},
    {"server", "state_dir", K_PATH, F(state_dir), 0, 0, "--state-dir"},
    {"server", "user", K_USER, F(user), 0, 0, "--user"},
    {"server", "tls_cert", K_PATH, F(tls_cert), 0, 0, NULL},
    {"server", "tls_key", K_PATH, F(tls_key), 0, 0, NULL},
    {"server", "plain_http", K_BOOL, F(plain_http), 0, 1, "--plain-http"},
    {"store", "db", K_URL, F(db), 0, 0, "--db"},
    {"http", "threads", K_INT, F(http_threads), 1, 256, NULL},
    {"http", "max_connections", K_INT, F(http_max_connections), 1, 100000,
	NULL},
    {"http", "per_ip_connections", K_INT, F(http_per_ip_connections), 0, 100000,
	NULL},
    {"http", "connection_timeout", K_SECONDS, F(http_connection_timeout), 1,
	3600, NULL},
    {"http", "body_max", K_SIZE, F(http_body_max), 1024, 256LL << 20, NULL},
    {"http", "header_max", K_SIZE, F(http_header_max), 8192, 1 << 20, NULL},
    {"auth", "session_idle", K_SECONDS, F(auth.session_idle), 60, 30LL * 86400,
	NULL},
    {"auth", "session_max", K_SECONDS, F(auth.session_max), 60, 365LL * 86400,
	NULL},
    {"auth", "login_max_failures", K_INT, F(auth.login_max_failures), 1, 1000,
	NULL},
    {"auth", "login_window", K_SECONDS, F(auth.login_window), 1, 86400, NULL},
    {"auth", "login_lockout", K_SECONDS, F(auth.login_lockout), 1, 86400, NULL},
    {"log", "level", K_LEVEL, F(log_level), 0, 0, "--log-level"},
    {"log", "target", K_TARGET, F(log_target), 0, 0, NULL},
    {"metrics", "allow", K_NETS, F(metrics_allow), 0, 0, NULL},
    {"signer", "user", K_USER, F(signer_user), 0, 0, NULL},
    {"signer", "approval_hosts", K_INT, F(signer_approval_hosts), 1, 1000000,
	NULL},
    {"fetch", "max_bytes", K_SIZE, F(fetch_max_bytes), 1024, 4LL << 30, NULL},
    {"fetch", "connect_timeout", K_SECONDS, F(fetch_connect_timeout), 1, 300,
	NULL},
    {"fetch", "timeout", K_SECONDS, F(fetch_timeout), 1, 3600, NULL},
    {"fetch", "max_redirects", K_INT, F(fetch_max_redirects), 0, 20, NULL},
    {"fetch", "concurrency", K_INT, F(fetch_concurrency), 1, 64, NULL},
};
#undef F
#define NKEYS (sizeof(keys) / sizeof(keys[0]))

enum layer { L_DEFAULT, L_FILE, L_ENV, L_FLAG };

struct load {
	struct conf *c;
	char *err;
	size_t errlen;
	int failed;
	const char *file;
	int line;
	enum layer listen_layer, allow_layer;
	enum layer layer;
};

static void __attribute__((format(printf, 3, 4)))
fail(struct load *ld, const char *where, const char *fmt, ...)
{
	va_list ap;
	size_t n;

	if (ld->failed)
		return;
	ld->failed = 1;
	n = (size_t)snprintf(ld->err, ld->errlen, "%s: ", where);
	if (n >= ld->errlen)
		return;
	va_start(ap, fmt);
	vsnprintf(ld->err + n, ld->errlen - n, fmt, ap);
	va_end(ap);
}

/* Decimal digits only: no sign, no spaces, no overflow. */
static int
parse_uint(const char *s, const char **end, int64_t *out)
{
	int64_t v = 0;
	const char *p = s;

	if (*p < '0' || *p > '9')
		return -1;
	for (; *p >= '0' && *p <= '9'; p++) {
		if (v > (INT64_MAX - 9) / 10)
			return -1;
		v = v * 10 + (*p - '0');
	}
	*end = p;
	*out = v;
	return 0;
}

static int
parse_scaled(const char *s, enum ktype t, int64_t *out)
{
	const char *end;
	int64_t v, mul = 1;

	if (parse_uint(s, &end, &v) != 0)
		return -1;
	if (*end != '\0' && end[1] != '\0')
		return -1;
	switch (*end) {
	case '\0':
		break;
	case 'k':
	case 'K':
		mul = t == K_SIZE ? 1024 : -1;
		break;
	case 'M':
		mul = t == K_SIZE ? 1024 * 1024 : -1;
		break;
	case 'g':
	case 'G':
		mul = t == K_SIZE ? 1024 * 1024 * 1024 : -1;
		break;
	case 's':
		mul = t == K_SECONDS ? 1 : -1;
		break;
	case 'm':
		mul = t == K_SECONDS ? 60 : t == K_SIZE ? 1024 * 1024 : -1;
		break;
	case 'h':
		mul = t == K_SECONDS ? 3600 : -1;
		break;
	case 'd':
		mul = t == K_SECONDS ? 86400 : -1;
		break;
	default:
		mul = -1;
	}
	if (mul < 0 || (mul > 1 && v > INT64_MAX / mul))
		return -1;
	*out = v * mul;
	return 0;
}

static int
parse_bool(const char *s, int *out)
{
	static const char *const yes[] = {"1", "true", "yes", "on", NULL};
	static const char *const no[] = {"0", "false", "no", "off", NULL};

	for (size_t i = 0; yes[i] != NULL; i++) {
		if (strcmp(s, yes[i]) == 0) {
			*out = 1;
			return 0;
		}
		if (strcmp(s, no[i]) == 0) {
			*out = 0;
			return 0;
		}
	}
	return -1;
}

static int
is_loopback(const struct sockaddr_storage *ss)
{
	if (ss->ss_family == AF_INET) {
		const struct sockaddr_in *a = (const void *)ss;
		return (ntohl(a->sin_addr.s_addr) >> 24) == 127;
	}
	const struct sockaddr_in6 *a6 = (const void *)ss;
	return IN6_IS_ADDR_LOOPBACK(&a6->sin6_addr);
}

/* "host:port" or "[v6]:port"; host is an address or "localhost". */
static const char *
parse_listen_one(const char *s, struct conf_listen *out)
{
	char host[64];
	const char *port, *end;
	int64_t p;
	size_t hl;

	memset(out, 0, sizeof(*out));
	if (s[0] == '[') {
		const char *rb = strchr(s, ']');
		if (rb == NULL || rb[1] != ':')
			return "expected [IPv6-address]:port";
		hl = (size_t)(rb - s - 1);
		if (hl >= sizeof(host))
			return "address too long";
		memcpy(host, s + 1, hl);
		port = rb + 2;
	} else {
		const char *colon = strrchr(s, ':');
		if (colon == NULL)
			return "expected host:port (IPv6 as [address]:port)";
		hl = (size_t)(colon - s);
		if (hl >= sizeof(host))
			return "address too long";
		memcpy(host, s, hl);
		if (memchr(host, ':', hl) != NULL)
			return "IPv6 addresses are written [address]:port";
		port = colon + 1;
	}
	host[hl] = '\0';
	if (parse_uint(port, &end, &p) != 0 || *end != '\0' || p < 1 ||
	    p > 65535)
		return "expected a port number 1-65535 after the address";
	if (strcmp(host, "localhost") == 0)
		memcpy(host, "127.0.0.1", sizeof("127.0.0.1"));
	struct sockaddr_in *a4 = (void *)&out->sa;
	struct sockaddr_in6 *a6 = (void *)&out->sa;
	if (s[0] != '[' && inet_pton(AF_INET, host, &a4->sin_addr) == 1) {
		a4->sin_family = AF_INET;
		a4->sin_port = htons((uint16_t)p);
		out->salen = sizeof(*a4);
	} else if (s[0] == '[' &&
	    inet_pton(AF_INET6, host, &a6->sin6_addr) == 1) {
		a6->sin6_family = AF_INET6;
		a6->sin6_port = htons((uint16_t)p);
		out->salen = sizeof(*a6);
	} else {
		return "expected an IP address or localhost before the port";
	}
	out->loopback = is_loopback(&out->sa);
	char txt[INET6_ADDRSTRLEN];
	inet_ntop(out->sa.ss_family,
	    out->sa.ss_family == AF_INET ? (void *)&a4->sin_addr
					 : (void *)&a6->sin6_addr,
	    txt, sizeof(txt));
	snprintf(out->text, sizeof(out->text),
	    out->sa.ss_family == AF_INET ? "%s:%d" : "[%s]:%d", txt, (int)p);
	return NULL;
}

static const char *
parse_net_one(const char *s, struct conf_net *out)
{
	char host[64];
	const char *slash = strchr(s, '/'), *end;
	size_t hl = slash != NULL ? (size_t)(slash - s) : strlen(s);
	int64_t pfx;

	memset(out, 0, sizeof(*out));
	if (hl >= sizeof(host))
		return "address too long";
	memcpy(host, s, hl);
	host[hl] = '\0';
	if (inet_pton(AF_INET, host, out->addr) == 1) {
		out->family = AF_INET;
		out->prefix = 32;
	} else if (inet_pton(AF_INET6, host, out->addr) == 1) {
		out->family = AF_INET6;
		out->prefix = 128;
	} else {
		return "expected an IP address or address/prefix";
	}
	if (slash != NULL) {
		if (parse_uint(slash + 1, &end, &pfx) != 0 || *end != '\0' ||
		    pfx > out->prefix)
			return "expected a prefix length after '/' (0-32 for "
			       "IPv4, 0-128 for IPv6)";
		out->prefix = (int)pfx;
	}
	return NULL;
}

/* Splits a comma list; calls one() on each trimmed, non-empty item. */
static const char *
split_list(const char *v, void *base, size_t each, size_t max, size_t *n,
    const char *(*one)(const char *, void *))
{
	char item[128];
	const char *p = v;

	*n = 0;
	while (*p != '\0') {
		const char *comma = strchr(p, ',');
		size_t len = comma != NULL ? (size_t)(comma - p) : strlen(p);
		while (len > 0 && (*p == ' ' || *p == '\t')) {
			p++;
			len--;
		}
		while (len > 0 && (p[len - 1] == ' ' || p[len - 1] == '\t'))
			len--;
		if (len == 0)
			return "empty item in the list";
		if (len >= sizeof(item))
			return "list item too long";
		if (*n == max)
			return "too many items in the list";
		memcpy(item, p, len);
		item[len] = '\0';
		const char *why = one(item, (char *)base + *n * each);
		if (why != NULL)
			return why;
		(*n)++;
		p = comma != NULL ? comma + 1 : p + len;
	}
	if (*n == 0)
		return "expected at least one item";
	return NULL;
}

static const char *
listen_cb(const char *s, void *out)
{
	return parse_listen_one(s, out);
}

static const char *
net_cb(const char *s, void *out)
{
	return parse_net_one(s, out);
}

static const char *
check_user(const char *v)
{
	if (v[0] == '\0' || strlen(v) > 32)
		return "expected a user name of 1-32 characters";
	for (const char *p = v; *p; p++) {
		int ok = (*p >= 'a' && *p <= 'z') || *p == '_' ||
		    (p != v && ((*p >= '0' && *p <= '9') || *p == '-'));
		if (!ok)
			return "expected a user name of a-z, 0-9, '_', '-' "
			       "starting with a letter or '_'";
	}
	return NULL;
}

/* Appends one item to a list key (a repeated flag or INI line) unless
 * this layer has not set the list yet, which starts it over. */
static const char *
set_list(struct load *ld, const struct key *k, const char *v)
{
	struct conf *c = ld->c;
	size_t n;
	const char *why;

	if (k->type == K_LISTEN) {
		struct conf_listen tmp[CONF_LISTEN_MAX];
		size_t have = ld->listen_layer == ld->layer ? c->nlisten : 0;
		why = split_list(v, tmp, sizeof(tmp[0]), CONF_LISTEN_MAX - have,
		    &n, listen_cb);
		if (why != NULL)
			return why;
		memcpy(c->listen + have, tmp, n * sizeof(tmp[0]));
		c->nlisten = have + n;
		ld->listen_layer = ld->layer;
		return NULL;
	}
	struct conf_net tmp[CONF_ALLOW_MAX];
	size_t have = ld->allow_layer == ld->layer ? c->nmetrics_allow : 0;
	why = split_list(
	    v, tmp, sizeof(tmp[0]), CONF_ALLOW_MAX - have, &n, net_cb);
	if (why != NULL)
		return why;
	memcpy(c->metrics_allow + have, tmp, n * sizeof(tmp[0]));
	c->nmetrics_allow = have + n;
	ld->allow_layer = ld->layer;
	return NULL;
}

/* Sets one key from text; returns NULL or what was expected. */
static const char *
set_value(struct load *ld, const struct key *k, const char *v)
{
	char *field = (char *)ld->c + k->off;
	int64_t n;
	int b, e;

	switch (k->type) {
	case K_LISTEN:
	case K_NETS:
		return set_list(ld, k, v);
	case K_USER:
		if (check_user(v) != NULL)
			return check_user(v);
		/* fall through */
	case K_PATH:
	case K_URL:
		if (v[0] == '\0')
			return k->type == K_URL ? "expected a database URL or "
						  "sqlite:PATH"
						: "expected a path";
		if (strlen(v) >= k->size)
			return "value too long";
		memcpy(field, v, strlen(v) + 1);
		return NULL;
	case K_BOOL:
		if (parse_bool(v, &b) != 0)
			return "expected true or false (yes/no, on/off, 1/0)";
		*(int *)field = b;
		return NULL;
	case K_INT:
		if (parse_scaled(v, K_INT, &n) != 0 || n < k->min || n > k->max)
			return "expected an integer";
		*(int *)field = (int)n;
		return NULL;
	case K_SIZE:
		if (parse_scaled(v, K_SIZE, &n) != 0 || n < k->min ||
		    n > k->max)
			return "expected a size in bytes (suffix k, m or g)";
		*(int64_t *)field = n;
		return NULL;
	case K_SECONDS:
		if (parse_scaled(v, K_SECONDS, &n) != 0 || n < k->min ||
		    n > k->max)
			return "expected a duration in seconds (suffix s, m, h "
			       "or d)";
		if (k->size == sizeof(int))
			*(int *)field = (int)n;
		else
			*(int64_t *)field = n;
		return NULL;
	case K_LEVEL:
		if ((e = log_level_from_name(v)) < 0)
			return "expected debug, info, warn or error";
		*(int *)field = e;
		return NULL;
	case K_TARGET:
		if ((e = log_target_from_name(v)) < 0)
			return "expected auto, stderr or journald";
		*(int *)field = e;
		return NULL;
	}
	return "unknown key type";
}

static const struct key *
find_key(const char *section, const char *name, int *section_known)
{
	*section_known = 0;
	for (size_t i = 0; i < NKEYS; i++) {
		if (strcmp(keys[i].section, section) != 0)
			continue;
		*section_known = 1;
		if (strcmp(keys[i].name, name) == 0)
			return &keys[i];
	}
	return NULL;
}

/* Applies one value and reports a failure as
 * "WHERE: [section] key: EXPECTED (bounds), got 'VALUE'". */
static int
apply(struct load *ld, const char *where, const struct key *k, const char *v)
{
	const char *why = set_value(ld, k, v);

	if (why == NULL)
		return 0;
	if (k->type == K_INT || k->type == K_SIZE || k->type == K_SECONDS)
		fail(ld, where, "%s.%s: %s from %lld to %lld, got '%s'",
		    k->section, k->name, why, (long long)k->min,
		    (long long)k->max, v);
	else if (k->type == K_URL)
		fail(ld, where, "%s.%s: %s", k->section, k->name, why);
	else
		fail(ld, where, "%s.%s: %s, got '%s'", k->section, k->name, why,
		    v);
	return -1;
}

static void
known_keys(const char *section, char *buf, size_t len)
{
	size_t at = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < NKEYS && at < len; i++)
		if (strcmp(keys[i].section, section) == 0)
			at += (size_t)snprintf(buf + at, len - at, "%s%s",
			    at > 0 ? ", " : "", keys[i].name);
}

static int
conf_ini_line(
    void *user, const char *section, const char *name, const char *value)
{
	struct load *ld = user;
	char where[CONF_PATH_MAX + 16], list[512];
	int sk;
	const struct key *k;

	if (ld->failed)
		return 0;
	snprintf(where, sizeof(where), "%s:%d", ld->file, ld->line);
	if (section[0] == '\0') {
		fail(ld, where,
		    "'%s' is outside a section: put it under "
		    "[server], [store], [http], [auth], [log] or "
		    "[metrics]",
		    name);
		return 0;
	}
	k = find_key(section, name, &sk);
	if (k == NULL) {
		if (sk) {
			known_keys(section, list, sizeof(list));
			fail(ld, where, "unknown key '%s' in [%s] (known: %s)",
			    name, section, list);
		} else {
			fail(ld, where,
			    "unknown section [%s] (known: server, store, "
			    "http, auth, log, metrics)",
			    section);
		}
		return 0;
	}
	return apply(ld, where, k, value) == 0;
}

/* inih's reader, counting lines so that every error names its line;
 * a line longer than inih's buffer is an error, not two lines. */
struct ini_src {
	FILE *f;
	struct load *ld;
	int too_long;
};

static char *
conf_ini_read(char *str, int num, void *stream)
{
	struct ini_src *src = stream;
	size_t len;

	if (src->ld->failed || src->too_long)
		return NULL;
	if (fgets(str, num, src->f) == NULL)
		return NULL;
	src->ld->line++;
	len = strlen(str);
	if (len == (size_t)num - 1 && str[len - 1] != '\n' && !feof(src->f)) {
		src->too_long = 1;
		return NULL;
	}
	return str;
}

static int
load_file(struct load *ld, const char *path, int must_exist)
{
	struct ini_src src = {0};
	char where[CONF_PATH_MAX + 16];
	int r;

	src.f = fopen(path, "re");
	if (src.f == NULL) {
		if (errno == ENOENT && !must_exist)
			return 0;
		fail(ld, path, "cannot read the configuration file: %s",
		    strerror(errno));
		return RP_ERR_IO;
	}
	snprintf(ld->c->config_file, sizeof(ld->c->config_file), "%s", path);
	src.ld = ld;
	ld->file = ld->c->config_file;
	ld->line = 0;
	ld->layer = L_FILE;
	r = ini_parse_stream(conf_ini_read, &src, conf_ini_line, ld);
	fclose(src.f);
	snprintf(where, sizeof(where), "%s:%d", path, ld->line);
	if (src.too_long)
		fail(ld, where, "line too long");
	else if (r > 0)
		fail(ld, where,
		    "expected 'key = value', '[section]' or a "
		    "comment ('#' or ';')");
	else if (r < 0)
		fail(ld, path, "out of memory reading the file");
	return ld->failed ? RP_ERR_INVALID : 0;
}

/* RAMPART_<SECTION>_<KEY>=value for the sections in the table; other
 * RAMPART_ variables belong to other programs and are left alone. */
static int
load_env(struct load *ld, char *const *envp)
{
	static const char *const sections[] = {"server", "store", "http",
	    "auth", "log", "metrics", "signer", "fetch", NULL};

	ld->layer = L_ENV;
	for (size_t i = 0; envp != NULL && envp[i] != NULL; i++) {
		const char *e = envp[i], *eq = strchr(e, '=');
		char name[128], section[16], key[64];
		size_t nl;
		int sk;

		if (eq == NULL || strncmp(e, "RAMPART_", 8) != 0)
			continue;
		nl = (size_t)(eq - e);
		if (nl >= sizeof(name))
			continue;
		memcpy(name, e, nl);
		name[nl] = '\0';
		for (size_t s = 0; sections[s] != NULL; s++) {
			size_t sl = strlen(sections[s]);
			if (nl <= 8 + sl + 1 || name[8 + sl] != '_' ||
			    strncasecmp(name + 8, sections[s], sl) != 0)
				continue;
			memcpy(section, sections[s], sl + 1);
			size_t kl = nl - 8 - sl - 1;
			if (kl >= sizeof(key))
				kl = sizeof(key) - 1;
			for (size_t j = 0; j < kl; j++) {
				char ch = name[8 + sl + 1 + j];
				key[j] = (ch >= 'A' && ch <= 'Z')
				    ? (char)(ch + 32)
				    : ch;
			}
			key[kl] = '\0';
			char where[160];
			snprintf(where, sizeof(where), "environment %s", name);
			const struct key *k = find_key(section, key, &sk);
			if (k == NULL) {
				char list[512];
				known_keys(section, list, sizeof(list));
				fail(ld, where,
				    "unknown key '%s' in [%s] (known: %s)", key,
				    section, list);
				return RP_ERR_INVALID;
			}
			if (apply(ld, where, k, eq + 1) != 0)
				return RP_ERR_INVALID;
		}
	}
	return 0;
}

static const char usage[] =
    "usage: rampartd [options]\n"
    "  --config FILE      read FILE (default: " CONF_DEFAULT_FILE
    " if it exists)\n"
    "  --listen ADDR      listen on host:port or [v6]:port (repeatable;\n"
    "                     default 127.0.0.1:8443)\n"
    "  --state-dir DIR    state directory (default var)\n"
    "  --db URL           store: sqlite:PATH or postgresql://...\n"
    "                     (default sqlite:STATE_DIR/db/rampart.db)\n"
    "  --user NAME        service user of the unprivileged roles "
    "(default rampart)\n"
    "  --plain-http       serve HTTP without TLS (loopback addresses only)\n"
    "  --log-level LEVEL  debug, info, warn or error (default info)\n"
    "  --help             show this help\n"
    "  --version          show the version\n"
    "Every key of the configuration file can also be set as\n"
    "RAMPART_<SECTION>_<KEY>; see rampartd(8).\n";

const char *
conf_usage(void)
{
	return usage;
}

/* The flag's value: "--x=v" or "--x v".  NULL when missing. */
static const char *
flag_value(int argc, char **argv, int *i, const char *arg, size_t nl)
{
	if (arg[nl] == '=')
		return arg + nl + 1;
	if (*i + 1 < argc)
		return argv[++*i];
	return NULL;
}

/* First pass: --help, --version and --config, which decide what else is
 * read; unknown options are reported by the second pass. */
static int
scan_flags(struct load *ld, int argc, char **argv, const char **config)
{
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
			ld->c->action = CONF_HELP;
			return 0;
		}
		if (strcmp(a, "--version") == 0) {
			ld->c->action = CONF_VERSION;
			return 0;
		}
		if (strncmp(a, "--config", 8) == 0 &&
		    (a[8] == '\0' || a[8] == '=')) {
			*config = flag_value(argc, argv, &i, a, 8);
			if (*config == NULL || **config == '\0') {
				fail(ld, "--config", "expected a file name");
				return RP_ERR_INVALID;
			}
		}
	}
	return 0;
}

static int
load_flags(struct load *ld, int argc, char **argv)
{
	ld->layer = L_FLAG;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v;
		const struct key *k = NULL;
		size_t nl = 0;

		if (strncmp(a, "--config", 8) == 0 &&
		    (a[8] == '\0' || a[8] == '=')) {
			flag_value(argc, argv, &i, a, 8);
			continue;
		}
		for (size_t j = 0; j < NKEYS; j++) {
			const char *f = keys[j].flag;
			if (f != NULL && strncmp(a, f, strlen(f)) == 0 &&
			    (a[strlen(f)] == '\0' || a[strlen(f)] == '=')) {
				k = &keys[j];
				nl = strlen(f);
				break;
			}
		}
		if (k == NULL) {
			fail(ld, a, "unknown option (see rampartd --help)");
			return RP_ERR_INVALID;
		}
		if (k->type == K_BOOL && a[nl] == '\0')
			v = "true";
		else if ((v = flag_value(argc, argv, &i, a, nl)) == NULL) {
			fail(ld, k->flag, "expected a value");
			return RP_ERR_INVALID;
		}
		if (apply(ld, k->flag, k, v) != 0)
			return RP_ERR_INVALID;
	}
	return 0;
}

static void
set_defaults(struct conf *c, const struct api_config *auth)
{
	static const char *const allow[] = {"127.0.0.0/8", "::1"};

	memset(c, 0, sizeof(*c));
	c->action = CONF_RUN;
	parse_listen_one("127.0.0.1:8443", &c->listen[0]);
	c->nlisten = 1;
	memcpy(c->state_dir, "var", 4);
	memcpy(c->user, "rampart", 8);
	memcpy(c->signer_user, "rampart-signer", 15);
	c->signer_approval_hosts = 25;
	c->fetch_max_bytes = 256LL << 20;
	c->fetch_connect_timeout = 30;
	c->fetch_timeout = 600;
	c->fetch_max_redirects = 5;
	c->fetch_concurrency = 4;
	c->http_threads = 4;
	c->http_max_connections = 1024;
	c->http_per_ip_connections = 64;
	c->http_connection_timeout = 30;
	c->http_body_max = 32 << 20;
	c->http_header_max = 32 << 10;
	c->auth = *auth;
	c->log_level = LOGL_INFO;
	c->log_target = LOGT_AUTO;
	for (size_t i = 0; i < 2; i++)
		parse_net_one(allow[i], &c->metrics_allow[i]);
	c->nmetrics_allow = 2;
}

/* Rules across keys, once every layer is in. */
static int
finish(struct load *ld)
{
	struct conf *c = ld->c;

	if (c->plain_http) {
		for (size_t i = 0; i < c->nlisten; i++)
			if (!c->listen[i].loopback) {
				fail(ld, "server.plain_http",
				    "refused: listen address %s is not "
				    "loopback (plain HTTP is only served on "
				    "127.0.0.0/8 and ::1)",
				    c->listen[i].text);
				return RP_ERR_INVALID;
			}
	}
	if ((c->tls_cert[0] == '\0') != (c->tls_key[0] == '\0')) {
		fail(ld, "server.tls_cert",
		    "server.tls_cert and "
		    "server.tls_key are set together "
		    "or not at all");
		return RP_ERR_INVALID;
	}
	if (c->auth.session_idle > c->auth.session_max) {
		fail(ld, "auth.session_idle",
		    "must not exceed auth.session_max (%lld s)",
		    (long long)c->auth.session_max);
		return RP_ERR_INVALID;
	}
	for (size_t i = 0; i < c->nlisten; i++)
		for (size_t j = 0; j < i; j++)
			if (strcmp(c->listen[i].text, c->listen[j].text) == 0) {
				fail(ld, "server.listen", "%s is listed twice",
				    c->listen[i].text);
				return RP_ERR_INVALID;
			}
	if (c->db[0] == '\0' &&
	    (size_t)snprintf(c->db, sizeof(c->db), "sqlite:%s/db/rampart.db",
		c->state_dir) >= sizeof(c->db)) {
		fail(ld, "server.state_dir", "path too long");
		return RP_ERR_INVALID;
	}
	c->auth.secure_cookies = !c->plain_http;
	return 0;
}

int
conf_load(struct conf *c, int argc, char **argv, char *const *envp,
    const struct api_config *auth_defaults, const char *default_file, char *err,
    size_t errlen)
{
	struct load ld = {0};
	const char *config = NULL;
	int r;

	set_defaults(c, auth_defaults);
	ld.c = c;
	ld.err = err;
	ld.errlen = errlen;
	if (errlen > 0)
		err[0] = '\0';
	if ((r = scan_flags(&ld, argc, argv, &config)) != 0 ||
	    c->action != CONF_RUN)
		return r;
	if (config != NULL)
		r = load_file(&ld, config, 1);
	else if (default_file != NULL)
		r = load_file(&ld, default_file, 0);
	if (r != 0)
		return r;
	if ((r = load_env(&ld, envp)) != 0 ||
	    (r = load_flags(&ld, argc, argv)) != 0)
		return r;
	return finish(&ld);
}

int
conf_net_match(const struct conf_net *v, size_t n, const struct sockaddr *sa)
{
	unsigned char a[16];
	int family;

	if (sa->sa_family == AF_INET) {
		memcpy(a,
		    &((const struct sockaddr_in *)(const void *)sa)->sin_addr,
		    4);
		family = AF_INET;
	} else if (sa->sa_family == AF_INET6) {
		const struct in6_addr *a6 =
		    &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr;
		if (IN6_IS_ADDR_V4MAPPED(a6)) {
			memcpy(a, a6->s6_addr + 12, 4);
			family = AF_INET;
		} else {
			memcpy(a, a6->s6_addr, 16);
			family = AF_INET6;
		}
	} else {
		return 0;
	}
	for (size_t i = 0; i < n; i++) {
		int bits = v[i].prefix, byte = 0;
		if (v[i].family != family)
			continue;
		for (; bits >= 8; bits -= 8, byte++)
			if (a[byte] != v[i].addr[byte])
				break;
		if (bits >= 8)
			continue;
		if (bits > 0) {
			unsigned char mask =
			    (unsigned char)(0xff << (8 - bits));
			if ((a[byte] & mask) != (v[i].addr[byte] & mask))
				continue;
		}
		return 1;
	}
	return 0;
}
