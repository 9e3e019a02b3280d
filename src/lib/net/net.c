/*
 * HTTPS to rampartd on libcurl (net.h).  Pinning: with a
 * fingerprint, OpenSSL's whole chain verification is replaced by one
 * check of the leaf certificate's SHA-256 (SSL_CTX_set_cert_verify_
 * callback, installed from CURLOPT_SSL_CTX_FUNCTION), so a mismatch
 * aborts the handshake before curl writes a byte of the request; a
 * self-signed server certificate is then fine, and the host name is not
 * checked because the pin already names the one certificate accepted.
 * One curl handle per struct net keeps the connection across requests.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <curl/curl.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include "net.h"
#include "util/ascii.h"
#include "util/err.h"
#include "util/str.h"

#define CONNECT_TIMEOUT_S 15L
/* A whole exchange; an import of a large advisory stays well inside. */
#define TOTAL_TIMEOUT_S 300L
/* Below 1 byte/s for this long is a dead server. */
#define LOW_SPEED_S 60L

struct net {
	CURL *h;
	char *base; /* without a trailing '/' */
	char *agent; /* the User-Agent */
	int pinned;
	uint8_t pin[32];
	int pin_mismatch; /* the last handshake saw another certificate */
	char got[NET_FP_TEXT]; /* what it saw */
	net_header_fn on_header; /* the caller's look at each header */
	void *on_header_arg;
};

struct body_sink {
	struct net_resp *r;
	size_t cap;
	int over;
};

/* What the header callback needs: the answer and the caller's hook. */
struct header_sink {
	struct net_resp *r;
	net_header_fn fn;
	void *arg;
};

static int curl_ready;

static void
fp_text(const uint8_t md[32], char text[NET_FP_TEXT])
{
	static const char hex[] = "0123456789ABCDEF";
	size_t i;

	for (i = 0; i < 32; i++) {
		text[3 * i] = hex[md[i] >> 4];
		text[3 * i + 1] = hex[md[i] & 15];
		text[3 * i + 2] = i == 31 ? '\0' : ':';
	}
}

int
net_fp_parse(const char *s, uint8_t out[32], char text[NET_FP_TEXT])
{
	static const char prefix[] = "sha256 fingerprint=";
	uint8_t md[32];
	size_t n = 0, plen = sizeof(prefix) - 1;
	int hi, lo, colons = -1;

	while (*s == ' ' || *s == '\t')
		s++;
	if (strncasecmp(s, prefix, plen) == 0)
		s += plen;
	while (n < 32) {
		if ((hi = rp_hexval((unsigned char)s[0])) < 0 ||
		    (lo = rp_hexval((unsigned char)s[1])) < 0)
			return RP_ERR_INVALID;
		md[n++] = (uint8_t)(hi << 4 | lo);
		s += 2;
		if (n == 32)
			break;
		/* either a ':' between every pair or none at all */
		if (colons < 0)
			colons = *s == ':';
		if (colons && *s++ != ':')
			return RP_ERR_INVALID;
	}
	while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
		s++;
	if (*s != '\0')
		return RP_ERR_INVALID;
	memcpy(out, md, 32);
	if (text != NULL)
		fp_text(md, text);
	return 0;
}

static int
loopback_host(const char *host)
{
	char buf[64];
	struct in_addr a4;
	struct in6_addr a6;
	size_t n = strlen(host);

	if (rp_streq_ci(host, "localhost"))
		return 1;
	if (inet_pton(AF_INET, host, &a4) == 1)
		return (ntohl(a4.s_addr) >> 24) == 127;
	if (n < 3 || n - 2 >= sizeof(buf) || host[0] != '[' ||
	    host[n - 1] != ']')
		return 0;
	memcpy(buf, host + 1, n - 2);
	buf[n - 2] = '\0';
	return inet_pton(AF_INET6, buf, &a6) == 1 && IN6_IS_ADDR_LOOPBACK(&a6);
}

/* Whether part of u is present. */
static int
has_part(CURLU *u, CURLUPart part)
{
	char *v = NULL;
	int has = curl_url_get(u, part, &v, 0) == CURLUE_OK && v != NULL;

	curl_free(v);
	return has;
}

const char *
net_url_problem(const char *url)
{
	const char *why = NULL;
	char *scheme = NULL, *host = NULL;
	CURLU *u;

	if (url == NULL || *url == '\0')
		return "no URL";
	if (strncasecmp(url, "http://", 7) != 0 &&
	    strncasecmp(url, "https://", 8) != 0)
		return "expected an https:// URL";
	if ((u = curl_url()) == NULL)
		return "out of memory";
	if (curl_url_set(u, CURLUPART_URL, url, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_HOST, &host, 0) != CURLUE_OK)
		why = "not a valid URL";
	else if (has_part(u, CURLUPART_USER) || has_part(u, CURLUPART_PASSWORD))
		why = "a user name or password in the URL is not allowed "
		      "(credentials come from 'rampart login' or a token)";
	else if (has_part(u, CURLUPART_QUERY) ||
	    has_part(u, CURLUPART_FRAGMENT))
		why = "the URL must not have a query or fragment";
	else if (strcmp(scheme, "http") == 0 && !loopback_host(host))
		why = "plain http:// is allowed only for a loopback host "
		      "(localhost, 127.0.0.1, [::1]); use https://";
	curl_free(scheme);
	curl_free(host);
	curl_url_cleanup(u);
	return why;
}

int
net_url_https(const char *url)
{
	return url != NULL && strncasecmp(url, "https://", 8) == 0;
}

int
net_new(const char *base_url, const uint8_t *pin, const char *agent,
    struct net **out, char err[NET_ERR_MAX])
{
	struct net *c = NULL;
	const char *why;
	size_t n;

	*out = NULL;
	if ((why = net_url_problem(base_url)) != NULL) {
		snprintf(err, NET_ERR_MAX, "%s", why);
		return RP_ERR_INVALID;
	}
	if (!curl_ready) {
		if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
			goto nomem;
		curl_ready = 1;
	}
	if ((c = calloc(1, sizeof(*c))) == NULL ||
	    (c->base = strdup(base_url)) == NULL ||
	    (c->agent = strdup(agent)) == NULL ||
	    (c->h = curl_easy_init()) == NULL)
		goto nomem;
	n = strlen(c->base);
	while (n > 0 && c->base[n - 1] == '/')
		c->base[--n] = '\0';
	if (pin != NULL) {
		c->pinned = 1;
		memcpy(c->pin, pin, 32);
	}
	*out = c;
	return 0;
nomem:
	net_free(c);
	snprintf(err, NET_ERR_MAX, "out of memory");
	return RP_ERR_NOMEM;
}

void
net_free(struct net *c)
{
	if (c == NULL)
		return;
	if (c->h != NULL)
		curl_easy_cleanup(c->h);
	free(c->base);
	free(c->agent);
	explicit_bzero(c, sizeof(*c));
	free(c);
}

const char *
net_base_url(const struct net *c)
{
	return c->base;
}

void
net_on_header(struct net *c, net_header_fn fn, void *arg)
{
	c->on_header = fn;
	c->on_header_arg = arg;
}

void
net_resp_clear(struct net_resp *r)
{
	if (r->body != NULL) {
		explicit_bzero(r->body, r->len);
		free(r->body);
	}
	explicit_bzero(r, sizeof(*r));
	r->retry_after = -1;
}

char *
net_escape(const char *s)
{
	char *e, *copy;

	if ((e = curl_easy_escape(NULL, s, 0)) == NULL)
		return NULL;
	copy = strdup(e);
	curl_free(e);
	return copy;
}

/* ---- the pin ---- */

static int
verify_pin(X509_STORE_CTX *x, void *arg)
{
	struct net *c = arg;
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int n = 0;
	X509 *leaf = X509_STORE_CTX_get0_cert(x);

	if (leaf == NULL || X509_digest(leaf, EVP_sha256(), md, &n) != 1 ||
	    n != 32) {
		X509_STORE_CTX_set_error(x, X509_V_ERR_UNSPECIFIED);
		return 0;
	}
	if (CRYPTO_memcmp(md, c->pin, 32) != 0) {
		c->pin_mismatch = 1;
		fp_text(md, c->got);
		X509_STORE_CTX_set_error(x, X509_V_ERR_CERT_REJECTED);
		return 0;
	}
	X509_STORE_CTX_set_error(x, X509_V_OK);
	return 1;
}

static CURLcode
ssl_ctx_pin(CURL *h, void *ctx, void *arg)
{
	(void)h;
	/* SSL_VERIFY_PEER: a 0 from verify_pin ends the handshake */
	SSL_CTX_set_verify((SSL_CTX *)ctx, SSL_VERIFY_PEER, NULL);
	SSL_CTX_set_cert_verify_callback((SSL_CTX *)ctx, verify_pin, arg);
	return CURLE_OK;
}

/* ---- the answer ---- */

static size_t
on_body(char *p, size_t size, size_t nmemb, void *arg)
{
	struct body_sink *s = arg;
	struct net_resp *r = s->r;
	size_t n = size * nmemb, cap;
	char *nb;

	if (n > NET_BODY_MAX - r->len) {
		s->over = 1;
		return 0;
	}
	if (r->len + n + 1 > s->cap) {
		cap = s->cap ? s->cap : 16384;
		while (cap < r->len + n + 1)
			cap *= 2;
		if ((nb = malloc(cap)) == NULL)
			return 0;
		/* copied by hand so a secret in the old buffer is wiped */
		if (r->body != NULL) {
			memcpy(nb, r->body, r->len);
			explicit_bzero(r->body, r->len);
			free(r->body);
		}
		r->body = nb;
		s->cap = cap;
	}
	memcpy(r->body + r->len, p, n);
	r->len += n;
	r->body[r->len] = '\0';
	return n;
}

size_t
net_header_value(
    const char *line, size_t n, size_t name_len, char *out, size_t outlen)
{
	const char *v = line + name_len, *end = line + n;
	size_t len;

	while (v < end && (*v == ' ' || *v == '\t'))
		v++;
	while (end > v &&
	    (end[-1] == '\r' || end[-1] == '\n' || end[-1] == ' ' ||
		end[-1] == '\t'))
		end--;
	len = (size_t)(end - v);
	if (len >= outlen)
		len = outlen - 1;
	memcpy(out, v, len);
	out[len] = '\0';
	return len;
}

static size_t
on_header(char *line, size_t size, size_t nmemb, void *arg)
{
	struct header_sink *hs = arg;
	struct net_resp *r = hs->r;
	size_t n = size * nmemb, i;
	char v[32];

	if (n >= 5 && strncmp(line, "HTTP/", 5) == 0) {
		/* a new answer (after 100 Continue): forget the last one's */
		r->ctype[0] = '\0';
		r->retry_after = -1;
	} else if (n > 13 && strncasecmp(line, "content-type:", 13) == 0) {
		net_header_value(line, n, 13, r->ctype, sizeof(r->ctype));
		for (i = 0; r->ctype[i] != '\0'; i++) {
			if (r->ctype[i] == ';' || r->ctype[i] == ' ') {
				r->ctype[i] = '\0';
				break;
			}
			r->ctype[i] = (char)rp_tolower(r->ctype[i]);
		}
	} else if (n > 12 && strncasecmp(line, "retry-after:", 12) == 0) {
		net_header_value(line, n, 12, v, sizeof(v));
		r->retry_after = strtol(v, NULL, 10);
	}
	if (hs->fn != NULL)
		hs->fn(hs->arg, line, n);
	return n;
}

/* ---- one exchange ---- */

static int
setup(struct net *c, const char *method, const char *url, const void *body,
    size_t len, struct curl_slist *hdrs, struct body_sink *sink,
    struct header_sink *hsink, char *cerr)
{
	CURL *h = c->h;
	CURLcode e = CURLE_OK;

	curl_easy_reset(h);
#define SET(opt, val)                                                          \
	do {                                                                   \
		if (e == CURLE_OK)                                             \
			e = curl_easy_setopt(h, opt, val);                     \
	} while (0)
	SET(CURLOPT_URL, url);
	SET(CURLOPT_PROTOCOLS_STR, "http,https");
	SET(CURLOPT_NOSIGNAL, 1L);
	SET(CURLOPT_ERRORBUFFER, cerr);
	SET(CURLOPT_CONNECTTIMEOUT, CONNECT_TIMEOUT_S);
	SET(CURLOPT_TIMEOUT, TOTAL_TIMEOUT_S);
	SET(CURLOPT_LOW_SPEED_LIMIT, 1L);
	SET(CURLOPT_LOW_SPEED_TIME, LOW_SPEED_S);
	SET(CURLOPT_FOLLOWLOCATION, 0L);
	SET(CURLOPT_USERAGENT, c->agent);
	SET(CURLOPT_HTTPHEADER, hdrs);
	SET(CURLOPT_WRITEFUNCTION, on_body);
	SET(CURLOPT_WRITEDATA, sink);
	SET(CURLOPT_HEADERFUNCTION, on_header);
	SET(CURLOPT_HEADERDATA, hsink);
	SET(CURLOPT_SSL_VERIFYPEER, 1L);
	SET(CURLOPT_SSL_SESSIONID_CACHE, 0L);
	if (c->pinned) {
		SET(CURLOPT_SSL_VERIFYHOST, 0L);
		SET(CURLOPT_SSL_CTX_FUNCTION, ssl_ctx_pin);
		SET(CURLOPT_SSL_CTX_DATA, c);
	} else
		SET(CURLOPT_SSL_VERIFYHOST, 2L);
	if (strcmp(method, "GET") == 0)
		SET(CURLOPT_HTTPGET, 1L);
	else {
		if (strcmp(method, "POST") == 0)
			SET(CURLOPT_POST, 1L);
		else
			SET(CURLOPT_CUSTOMREQUEST, method);
		if (body != NULL) {
			SET(CURLOPT_POSTFIELDS, body);
			SET(CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)len);
		}
	}
#undef SET
	return e == CURLE_OK ? 0 : -1;
}

/* Appends one line; NULL (and l freed) when out of memory. */
static struct curl_slist *
append(struct curl_slist *l, const char *line)
{
	struct curl_slist *n;

	if ((n = curl_slist_append(l, line)) == NULL)
		curl_slist_free_all(l);
	return n;
}

/* Builds the header list; the copies of the caller's lines (credentials)
 * are wiped on free. */
static struct curl_slist *
headers(const char *const *extra, int has_body)
{
	struct curl_slist *l = NULL;
	size_t i;

	l = append(l, "Accept: application/json");
	/* no 100-continue round trip: the server reads or refuses */
	if (l != NULL)
		l = append(l, "Expect:");
	if (l != NULL && has_body)
		l = append(l, "Content-Type: application/json");
	for (i = 0; l != NULL && extra != NULL && extra[i] != NULL; i++)
		l = append(l, extra[i]);
	return l;
}

static void
headers_free(struct curl_slist *l)
{
	struct curl_slist *p;

	for (p = l; p != NULL; p = p->next)
		explicit_bzero(p->data, strlen(p->data));
	curl_slist_free_all(l);
}

static void
transport_error(struct net *c, CURLcode e, const char *cerr,
    const struct body_sink *sink, char err[NET_ERR_MAX])
{
	char want[NET_FP_TEXT];

	if (c->pin_mismatch) {
		fp_text(c->pin, want);
		snprintf(err, NET_ERR_MAX,
		    "%s: certificate fingerprint mismatch: expected %s got "
		    "%s",
		    c->base, want, c->got);
	} else if (sink->over)
		snprintf(err, NET_ERR_MAX,
		    "%s: the answer is larger than %zu MiB", c->base,
		    NET_BODY_MAX >> 20);
	else
		snprintf(err, NET_ERR_MAX, "cannot reach %s: %s", c->base,
		    cerr[0] != '\0' ? cerr : curl_easy_strerror(e));
}

int
net_request(struct net *c, const char *method, const char *path,
    const char *const *extra, const void *body, size_t len,
    struct net_resp *resp, char err[NET_ERR_MAX])
{
	char cerr[CURL_ERROR_SIZE] = "", *url = NULL;
	struct curl_slist *hdrs = NULL;
	struct body_sink sink = {resp, 0, 0};
	struct header_sink hsink = {resp, c->on_header, c->on_header_arg};
	CURLcode e;
	int r = RP_ERR_NOMEM;

	net_resp_clear(resp);
	c->pin_mismatch = 0;
	if ((url = rp_asprintf("%s%s", c->base, path)) == NULL ||
	    (hdrs = headers(extra, body != NULL)) == NULL) {
		snprintf(err, NET_ERR_MAX, "out of memory");
		goto out;
	}
	if (setup(c, method, url, body, len, hdrs, &sink, &hsink, cerr) != 0) {
		snprintf(err, NET_ERR_MAX,
		    "this libcurl cannot %s (it must be built with OpenSSL)",
		    c->pinned ? "pin a certificate" : "be set up");
		r = RP_ERR_INTERNAL;
		goto out;
	}
	if ((e = curl_easy_perform(c->h)) != CURLE_OK) {
		transport_error(c, e, cerr, &sink, err);
		r = sink.over ? RP_ERR_LIMIT : RP_ERR_IO;
		net_resp_clear(resp);
		goto out;
	}
	curl_easy_getinfo(c->h, CURLINFO_RESPONSE_CODE, &resp->status);
	if (resp->body == NULL && (resp->body = calloc(1, 1)) == NULL) {
		snprintf(err, NET_ERR_MAX, "out of memory");
		goto out;
	}
	r = 0;
out:
	/* curl keeps pointers to these until the next reset */
	curl_easy_setopt(c->h, CURLOPT_HTTPHEADER, NULL);
	headers_free(hdrs);
	free(url);
	return r;
}
