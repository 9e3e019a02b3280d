/*
 * The data renderers: CSV (RFC 4180), JSON (an array of objects) and a
 * STIX 2.1 bundle (one indicator per entry, with ids derived from the
 * entry so the same entry keeps its id), for threat-intelligence
 * platforms and for people.  Unlike the device formats they carry
 * everything known about an entry.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>
#include <openssl/evp.h>

#include "blocklist_int.h"
#include "err.h"

/* Names of the kinds in CSV and JSON. */
static const char *const kind_names[BL_NTYPES] = {
    "domain", "address", "address", "url", "md5", "sha1", "sha256"};

/* The UUIDv5 namespace of Rampart's STIX ids. */
static const unsigned char stix_ns[16] = {0x3c, 0x1d, 0x2b, 0x0e, 0x7a, 0x4f,
    0x4b, 0x8e, 0x9a, 0x61, 0x72, 0x61, 0x6d, 0x70, 0x61, 0x72};

#define TIME_LEN 32

/* Unix seconds as RFC 3339 UTC ("" for 0); ms adds ".000". */
static void
time_text(int64_t t, int ms, char *out, size_t outlen)
{
	struct tm tm;
	time_t tt = (time_t)t;

	out[0] = '\0';
	if (t == 0 || gmtime_r(&tt, &tm) == NULL)
		return;
	strftime(out, outlen,
	    ms ? "%Y-%m-%dT%H:%M:%S.000Z" : "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* One CSV field: quoted (quotes doubled) when it has a comma, quote or
 * line break, as RFC 4180 asks. */
static void
csv_field(const char *s, int last, struct rp_buf *b)
{
	if (s == NULL)
		s = "";
	if (strpbrk(s, ",\"\r\n") == NULL)
		rp_buf_append(b, s);
	else {
		rp_buf_append(b, "\"");
		for (; *s != '\0'; s++)
			rp_buf_append(b, *s == '"' ? "\"\"" : (char[]){*s, 0});
		rp_buf_append(b, "\"");
	}
	rp_buf_append(b, last ? "\r\n" : ",");
}

int
bl_render_csv(struct bl_out *w)
{
	char t[3][TIME_LEN], conf[16];
	size_t i;

	rp_buf_append(w->b,
	    "kind,value,confidence,first_seen,last_seen,"
	    "expires,tlp,source,tags,comment\r\n");
	for (i = 0; i < w->n; i++) {
		const struct bl_entry *e = w->e[i];
		snprintf(conf, sizeof(conf), "%d", e->confidence);
		time_text(e->first_seen, 0, t[0], TIME_LEN);
		time_text(e->last_seen, 0, t[1], TIME_LEN);
		time_text(e->expires, 0, t[2], TIME_LEN);
		csv_field(kind_names[e->type], 0, w->b);
		csv_field(e->value, 0, w->b);
		csv_field(conf, 0, w->b);
		csv_field(t[0], 0, w->b);
		csv_field(t[1], 0, w->b);
		csv_field(t[2], 0, w->b);
		csv_field(e->tlp, 0, w->b);
		csv_field(e->source, 0, w->b);
		csv_field(e->tags, 0, w->b);
		csv_field(e->comment, 1, w->b);
	}
	return 0;
}

/* Sets key to a string, or to null when s is NULL or empty. */
static int
set_str(json_t *o, const char *key, const char *s)
{
	return json_object_set_new(
	    o, key, s != NULL && *s != '\0' ? json_string(s) : json_null());
}

static json_t *
tags_array(const char *tags)
{
	json_t *a = json_array();
	const char *p = tags;

	while (a != NULL && p != NULL && *p != '\0') {
		size_t n = strcspn(p, ",");
		if (json_array_append_new(a, json_stringn(p, n)) != 0) {
			json_decref(a);
			return NULL;
		}
		p += n + (p[n] == ',');
	}
	return a;
}

/* Appends o, compact with its keys in the order they were set. */
static int
dump(json_t *o, struct rp_buf *b)
{
	char *s;

	if (o == NULL)
		return RP_ERR_NOMEM;
	s = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(o);
	if (s == NULL)
		return RP_ERR_NOMEM;
	rp_buf_append(b, s);
	free(s);
	return 0;
}

static json_t *
json_entry(const struct bl_entry *e)
{
	char t[3][TIME_LEN];
	json_t *o = json_object();
	int r = 0;

	if (o == NULL)
		return NULL;
	time_text(e->first_seen, 0, t[0], TIME_LEN);
	time_text(e->last_seen, 0, t[1], TIME_LEN);
	time_text(e->expires, 0, t[2], TIME_LEN);
	r |= json_object_set_new(o, "kind", json_string(kind_names[e->type]));
	r |= json_object_set_new(o, "value", json_string(e->value));
	r |= json_object_set_new(o, "confidence", json_integer(e->confidence));
	r |= set_str(o, "first_seen", t[0]);
	r |= set_str(o, "last_seen", t[1]);
	r |= set_str(o, "expires", t[2]);
	r |= json_object_set_new(o, "sightings", json_integer(e->sightings));
	r |= set_str(o, "tlp", e->tlp);
	r |= set_str(o, "source", e->source);
	r |= json_object_set_new(o, "tags", tags_array(e->tags));
	r |= set_str(o, "comment", e->comment);
	if (r != 0) {
		json_decref(o);
		return NULL;
	}
	return o;
}

int
bl_render_json(struct bl_out *w)
{
	size_t i;
	int r;

	rp_buf_append(w->b, "[");
	for (i = 0; i < w->n; i++) {
		rp_buf_append(w->b, i ? ",\n" : "\n");
		if ((r = dump(json_entry(w->e[i]), w->b)) != 0)
			return r;
	}
	rp_buf_append(w->b, w->n ? "\n]\n" : "]\n");
	return 0;
}

/* A UUIDv5 (RFC 4122 4.3: SHA-1 of namespace and name) as text. */
static int
uuid5(const char *name, char out[37])
{
	unsigned char md[EVP_MAX_MD_SIZE], u[16];
	unsigned int mdlen = 0;
	EVP_MD_CTX *c = EVP_MD_CTX_new();
	int ok;

	if (c == NULL)
		return RP_ERR_NOMEM;
	ok = EVP_DigestInit_ex(c, EVP_sha1(), NULL) == 1 &&
	    EVP_DigestUpdate(c, stix_ns, sizeof(stix_ns)) == 1 &&
	    EVP_DigestUpdate(c, name, strlen(name)) == 1 &&
	    EVP_DigestFinal_ex(c, md, &mdlen) == 1;
	EVP_MD_CTX_free(c);
	if (!ok || mdlen < 16)
		return RP_ERR_INTERNAL;
	memcpy(u, md, 16);
	u[6] = (unsigned char)((u[6] & 0x0f) | 0x50);
	u[8] = (unsigned char)((u[8] & 0x3f) | 0x80);
	snprintf(out, 37,
	    "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-"
	    "%02x%02x%02x%02x%02x%02x",
	    u[0], u[1], u[2], u[3], u[4], u[5], u[6], u[7], u[8], u[9], u[10],
	    u[11], u[12], u[13], u[14], u[15]);
	return 0;
}

/* TLP 2.0 marking definitions (OASIS cti-stix-common-objects). */
static const char *const tlp_ids[] = {"clear",
    "94868c89-83c2-464b-929b-a1a8aa3c8487", "green",
    "bab4a63c-aed9-4cf5-a766-dfca5abac2bb", "amber",
    "55d920b0-5e8b-4f79-9ee9-91f868d9b421", "amber+strict",
    "939a9414-2ddd-4d32-a0cd-375ea402b003", "red",
    "e828b379-4e03-4974-9ac4-e53a884c97c1", NULL};
#define TLP_EXT "extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d"

static const char *
tlp_id(const char *tlp)
{
	size_t i;

	for (i = 0; tlp != NULL && tlp_ids[i] != NULL; i += 2)
		if (strcmp(tlp, tlp_ids[i]) == 0)
			return tlp_ids[i + 1];
	return NULL;
}

/* The STIX pattern of an entry; ' and \ escaped in the literal. */
static char *
stix_pattern(const struct bl_entry *e)
{
	static const char *const obj[BL_NTYPES] = {"domain-name:value",
	    "ipv4-addr:value", "ipv6-addr:value", "url:value",
	    "file:hashes.MD5", "file:hashes.'SHA-1'", "file:hashes.'SHA-256'"};
	struct rp_buf b;
	const char *s;

	rp_buf_init(&b, 4 * 2048 + 64);
	rp_buf_appendf(&b, "[%s = '", obj[e->type]);
	for (s = e->value; *s != '\0'; s++) {
		if (*s == '\'' || *s == '\\')
			rp_buf_append(&b, "\\");
		rp_buf_appendn(&b, s, 1);
	}
	rp_buf_append(&b, "']");
	return rp_buf_take(&b);
}

static json_t *
stix_indicator(const struct bl_entry *e)
{
	char id[48], uuid[37], created[TIME_LEN], modified[TIME_LEN],
	    until[TIME_LEN], *pat;
	int64_t c = e->first_seen ? e->first_seen : e->last_seen;
	int64_t m = e->last_seen > c ? e->last_seen : c;
	json_t *o;
	int r = 0;

	if (uuid5(e->key, uuid) != 0 || (pat = stix_pattern(e)) == NULL)
		return NULL;
	snprintf(id, sizeof(id), "indicator--%s", uuid);
	/* STIX needs the times: an entry seen at no known time gets the
	 * epoch, so its bytes still do not depend on the clock */
	time_text(c, 1, created, TIME_LEN);
	if (created[0] == '\0')
		snprintf(created, TIME_LEN, "1970-01-01T00:00:00.000Z");
	time_text(m, 1, modified, TIME_LEN);
	if (modified[0] == '\0')
		snprintf(modified, TIME_LEN, "%s", created);
	time_text(e->expires > c ? e->expires : 0, 1, until, TIME_LEN);
	if ((o = json_object()) == NULL) {
		free(pat);
		return NULL;
	}
	r |= json_object_set_new(o, "type", json_string("indicator"));
	r |= json_object_set_new(o, "spec_version", json_string("2.1"));
	r |= json_object_set_new(o, "id", json_string(id));
	r |= json_object_set_new(o, "created", json_string(created));
	r |= json_object_set_new(o, "modified", json_string(modified));
	r |= json_object_set_new(o, "name", json_string(e->value));
	if (e->comment != NULL)
		r |= json_object_set_new(
		    o, "description", json_string(e->comment));
	r |= json_object_set_new(
	    o, "indicator_types", json_pack("[s]", "malicious-activity"));
	r |= json_object_set_new(o, "pattern", json_string(pat));
	r |= json_object_set_new(o, "pattern_type", json_string("stix"));
	r |= json_object_set_new(o, "pattern_version", json_string("2.1"));
	r |= json_object_set_new(o, "valid_from", json_string(created));
	if (until[0] != '\0')
		r |= json_object_set_new(o, "valid_until", json_string(until));
	r |= json_object_set_new(o, "confidence", json_integer(e->confidence));
	if (e->tags != NULL)
		r |= json_object_set_new(o, "labels", tags_array(e->tags));
	if (tlp_id(e->tlp) != NULL)
		r |= json_object_set_new(o, "object_marking_refs",
		    json_pack("[s+]", "marking-definition--", tlp_id(e->tlp)));
	if (e->source != NULL)
		r |= json_object_set_new(
		    o, "x_rampart_source", json_string(e->source));
	r |= json_object_set_new(
	    o, "x_rampart_sightings", json_integer(e->sightings));
	free(pat);
	if (r != 0) {
		json_decref(o);
		return NULL;
	}
	return o;
}

static json_t *
stix_marking(size_t i)
{
	char id[64];

	snprintf(id, sizeof(id), "marking-definition--%s", tlp_ids[i + 1]);
	return json_pack("{s:s, s:s, s:s, s:s, s:s+, s:{s:{s:s, s:s}}}", "type",
	    "marking-definition", "spec_version", "2.1", "id", id, "created",
	    "2022-10-01T00:00:00.000Z", "name", "TLP:", tlp_ids[i],
	    "extensions", TLP_EXT, "extension_type", "property-extension",
	    "tlp_2_0", tlp_ids[i]);
}

/*
 * The bundle's id is derived from the ids of its indicators (a SHA-1
 * over their keys), so the same set gives the same bundle.
 */
static int
bundle_id(struct bl_out *w, unsigned *tlps, char out[37])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	char name[2 * EVP_MAX_MD_SIZE + 8];
	unsigned int mdlen = 0, k;
	EVP_MD_CTX *c = EVP_MD_CTX_new();
	size_t i, j;
	int ok;

	if (c == NULL)
		return RP_ERR_NOMEM;
	ok = EVP_DigestInit_ex(c, EVP_sha1(), NULL) == 1;
	for (i = 0; ok && i < w->n; i++) {
		const struct bl_entry *e = w->e[i];
		ok = EVP_DigestUpdate(c, e->key, strlen(e->key) + 1) == 1;
		for (j = 0; e->tlp != NULL && tlp_ids[j] != NULL; j += 2)
			if (strcmp(e->tlp, tlp_ids[j]) == 0)
				*tlps |= 1u << (j / 2);
	}
	ok = ok && EVP_DigestFinal_ex(c, md, &mdlen) == 1;
	EVP_MD_CTX_free(c);
	if (!ok)
		return RP_ERR_INTERNAL;
	memcpy(name, "bundle:", 7);
	for (k = 0; k < mdlen; k++)
		snprintf(name + 7 + 2 * k, 3, "%02x", md[k]);
	return uuid5(name, out);
}

int
bl_render_stix(struct bl_out *w)
{
	char uuid[37];
	unsigned tlps = 0;
	size_t i, n = 0;
	int r;

	if ((r = bundle_id(w, &tlps, uuid)) != 0)
		return r;
	rp_buf_appendf(w->b,
	    "{\"type\":\"bundle\",\"id\":\"bundle--%s\",\"objects\":[", uuid);
	for (i = 0; tlp_ids[2 * i] != NULL; i++) {
		if (!(tlps & (1u << i)))
			continue;
		rp_buf_append(w->b, n++ ? ",\n" : "\n");
		if ((r = dump(stix_marking(2 * i), w->b)) != 0)
			return r;
	}
	for (i = 0; i < w->n; i++) {
		rp_buf_append(w->b, n++ ? ",\n" : "\n");
		if ((r = dump(stix_indicator(w->e[i]), w->b)) != 0)
			return r;
	}
	rp_buf_append(w->b, n ? "\n]}\n" : "]}\n");
	return 0;
}
