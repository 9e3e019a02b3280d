/*
 * The feed URL, /feeds/v1/{secret}/{file}: outside the API, without a
 * session; the secret is the credential.  Its SHA-256 finds the feed
 * and is compared with the stored hash in constant time; an unknown,
 * rotated-away or disabled secret, or a file name whose extension is not
 * the format's, is 404 with nothing that tells them apart.  A known
 * feed answers its cached render (cache.c) with a strong ETag from the
 * bytes and Last-Modified from the newest change they reflect, or 304
 * to a matching If-None-Match (or, without one, an If-Modified-Since at
 * or after it).  Every answer of a feed is recorded (record.c).
 */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "crypto/crypto.h"
#include "feeds_int.h"
#include "util/err.h"

/* The file name a feed's URL ends with: its extension is checked. */
static const struct {
	const char *format;
	const char *file;
} files[] = {
    {"nft", "rampart-blocklist.nft"},
    {"ipset", "rampart-blocklist.ipset"},
    {"iptables", "rampart-blocklist.rules"},
    {"ip6tables", "rampart-blocklist.rules"},
    {"unbound", "rampart-blocklist.conf"},
    {"rpz", "rampart-blocklist.zone"},
    {"dnsmasq", "rampart-blocklist.conf"},
    {"hosts", "rampart-blocklist.hosts"},
    {"suricata", "rampart-blocklist.rules"},
    {"suricata-dataset", "rampart-blocklist.lst"},
    {"pfsense", "rampart-blocklist.txt"},
    {"fortigate-ip", "rampart-blocklist.txt"},
    {"fortigate-domain", "rampart-blocklist.txt"},
    {"fortigate-hash", "rampart-blocklist.txt"},
    {"pan-ip", "rampart-blocklist.txt"},
    {"pan-domain", "rampart-blocklist.txt"},
    {"pan-url", "rampart-blocklist.txt"},
    {"squid-dstdomain", "rampart-blocklist.acl"},
    {"squid-dst", "rampart-blocklist.acl"},
    {"squid-url", "rampart-blocklist.acl"},
    {"mikrotik", "rampart-blocklist.rsc"},
    {"csv", "rampart-blocklist.csv"},
    {"json", "rampart-blocklist.json"},
    {"stix", "rampart-blocklist.json"},
};
#define NFILES (sizeof(files) / sizeof(files[0]))

int
feeds_format(const char *name, enum blocklist_format *fmt)
{
	return blocklist_format_from_name(name, fmt);
}

const char *
feeds_file_name(const char *fmt)
{
	size_t i;

	for (i = 0; fmt != NULL && i < NFILES; i++)
		if (strcmp(files[i].format, fmt) == 0)
			return files[i].file;
	return NULL;
}

int
feeds_format_ok(const char *fmt)
{
	enum blocklist_format f;

	return feeds_file_name(fmt) != NULL && feeds_format(fmt, &f) == 0;
}

int64_t
feeds_default_limit(const char *fmt)
{
	enum blocklist_format f;

	if (feeds_format(fmt, &f) != 0)
		return 0;
	return (int64_t)blocklist_format_default_limit(f);
}

int
feeds_secret_new(char *secret, size_t len, char hash[65])
{
	int r;

	if (len < FEEDS_SECRET_LEN + 1)
		return RP_ERR_ARG;
	if ((r = crypto_token_new(FEEDS_SECRET_PREFIX, secret, len)) != 0)
		return r;
	crypto_sha256_hex(secret, strlen(secret), hash);
	return 0;
}

/* Splits "{secret}/{file}" into its parts; 0, or -1 when it is not
 * of that shape (then 404). */
static int
split(const char *rest, char secret[FEEDS_SECRET_LEN + 1], const char **file)
{
	const char *slash = strchr(rest, '/');
	size_t n, i;

	if (slash == NULL || (n = (size_t)(slash - rest)) != FEEDS_SECRET_LEN)
		return -1;
	for (i = 0; i < n; i++) {
		char ch = rest[i];

		if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
			(ch >= '0' && ch <= '9') || ch == '-' || ch == '_'))
			return -1;
	}
	memcpy(secret, rest, n);
	secret[n] = '\0';
	*file = slash + 1;
	return 0;
}

/* Whether file ends with the extension of the format's file name. */
static int
file_ok(const char *file, const char *fmt)
{
	const char *want = feeds_file_name(fmt), *ext, *got;
	size_t n = strlen(file), i;

	if (want == NULL || n == 0 || n > 128)
		return 0;
	for (i = 0; i < n; i++) {
		char ch = file[i];

		if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
			(ch >= '0' && ch <= '9') || ch == '-' || ch == '_' ||
			ch == '.'))
			return 0;
	}
	ext = strrchr(want, '.');
	got = strrchr(file, '.');
	return got != NULL && got != file && strcmp(got, ext) == 0;
}

/* The feed whose secret the path carries; RP_ERR_NOTFOUND for every
 * kind of miss. */
static int
feed_of(struct store *s, const char *path, struct store_feed *out)
{
	char secret[FEEDS_SECRET_LEN + 1], hash[65], stored[65];
	struct store_feed f = {0};
	const char *file = NULL;
	int r;

	if (split(path + strlen(FEEDS_PATH), secret, &file) != 0)
		return RP_ERR_NOTFOUND;
	crypto_sha256_hex(secret, strlen(secret), hash);
	sodium_memzero(secret, sizeof(secret));
	if ((r = store_feed_by_hash(s, hash, &f, stored)) != 0)
		return r;
	if (sodium_memcmp(stored, hash, 64) != 0 || !f.enabled ||
	    !file_ok(file, f.format)) {
		store_feed_clear(&f);
		return RP_ERR_NOTFOUND;
	}
	*out = f;
	return 0;
}

/* Whether the If-None-Match list names etag (or is "*"). */
static int
etag_match(const char *inm, const char *etag)
{
	size_t n = strlen(etag);
	const char *p = inm;

	while (*p != '\0') {
		while (*p == ' ' || *p == '\t' || *p == ',')
			p++;
		if (*p == '*')
			return 1;
		if (strncmp(p, "W/", 2) == 0)
			p += 2;
		if (strncmp(p, etag, n) == 0 &&
		    (p[n] == '\0' || p[n] == ',' || p[n] == ' ' ||
			p[n] == '\t'))
			return 1;
		while (*p != '\0' && *p != ',')
			p++;
	}
	return 0;
}

/* An IMF-fixdate ("Sun, 06 Nov 1994 08:49:37 GMT") as seconds; -1 when
 * it is not one. */
static int64_t
http_date(const char *v)
{
	static const char months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
	struct tm tm = {0};
	int64_t t;
	int i;

	if (strlen(v) != 29 || v[3] != ',' || v[4] != ' ' ||
	    strcmp(v + 25, " GMT") != 0)
		return -1;
	for (i = 0; i < 12; i++)
		if (strncmp(v + 8, months + 3 * i, 3) == 0)
			break;
	if (i == 12)
		return -1;
	tm.tm_mon = i;
	for (i = 0; i < 2; i++)
		if (v[5 + i] < '0' || v[5 + i] > '9' || v[17 + i] < '0' ||
		    v[17 + i] > '9' || v[20 + i] < '0' || v[20 + i] > '9' ||
		    v[23 + i] < '0' || v[23 + i] > '9')
			return -1;
	for (i = 12; i < 16; i++)
		if (v[i] < '0' || v[i] > '9')
			return -1;
	tm.tm_mday = (v[5] - '0') * 10 + (v[6] - '0');
	tm.tm_year = (v[12] - '0') * 1000 + (v[13] - '0') * 100 +
	    (v[14] - '0') * 10 + (v[15] - '0') - 1900;
	tm.tm_hour = (v[17] - '0') * 10 + (v[18] - '0');
	tm.tm_min = (v[20] - '0') * 10 + (v[21] - '0');
	tm.tm_sec = (v[23] - '0') * 10 + (v[24] - '0');
	t = (int64_t)timegm(&tm);
	return t;
}

static void
format_date(int64_t t, char out[40])
{
	struct tm tm;
	time_t tt = (time_t)t;

	if (gmtime_r(&tt, &tm) == NULL ||
	    strftime(out, 40, "%a, %d %b %Y %H:%M:%S GMT", &tm) == 0)
		out[0] = '\0';
}

/* Whether the request's conditions say the client has c already. */
static int
not_modified(const struct feeds_request *rq, const struct feeds_content *c)
{
	int64_t since;

	if (rq->if_none_match != NULL)
		return etag_match(rq->if_none_match, c->etag);
	if (rq->if_modified_since != NULL &&
	    (since = http_date(rq->if_modified_since)) >= 0)
		return since >= c->content_at;
	return 0;
}

int
feeds_serve(
    struct store *s, const struct feeds_request *rq, struct feeds_answer *out)
{
	struct store_feed f = {0};
	struct store_feed_fetch rec;
	struct feeds_content *c = NULL;
	enum blocklist_format fmt;
	int r;

	memset(out, 0, sizeof(*out));
	out->status = 404;
	if (strncmp(rq->path, FEEDS_PATH, strlen(FEEDS_PATH)) != 0)
		return 0;
	if (strcmp(rq->method, "GET") != 0 && strcmp(rq->method, "HEAD") != 0) {
		out->status = 405;
		return 0;
	}
	if ((r = feed_of(s, rq->path, &f)) == RP_ERR_NOTFOUND)
		return 0;
	if (r != 0 || (r = feeds_content_get(s, &f, rq->now, &c)) != 0) {
		store_feed_clear(&f);
		out->status = 503;
		return r;
	}
	out->head = strcmp(rq->method, "HEAD") == 0;
	out->status = not_modified(rq, c) ? 304 : 200;
	out->content = c;
	out->content_type = feeds_format(f.format, &fmt) == 0
	    ? blocklist_format_content_type(fmt)
	    : "text/plain; charset=utf-8";
	format_date(c->content_at, out->last_modified);
	memset(&rec, 0, sizeof(rec));
	rec.feed_id = f.id;
	rec.at = rq->now;
	snprintf(rec.address, sizeof(rec.address), "%s",
	    rq->address != NULL ? rq->address : "");
	snprintf(rec.etag, sizeof(rec.etag), "%s", c->etag);
	rec.status = out->status;
	rec.entries = (int64_t)c->written;
	rec.bytes = out->status == 200 && !out->head ? (int64_t)c->len : 0;
	rec.version = c->version;
	rec.content_at = c->content_at;
	store_feed_clear(&f);
	/* the answer goes even when the record could not be kept; the
	 * caller logs the error */
	return record_add(s, &rec);
}
