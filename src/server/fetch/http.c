/*
 * One bounded, conditional GET with libcurl.  The limits are libcurl's
 * own (protocols http and https for the request and every redirect, a
 * redirect count, connect and total timeouts) plus the body cap, which
 * the write callback enforces as bytes arrive: a server that sends no
 * Content-Length, or lies in it, still cannot make the worker hold more
 * than max_bytes.  The ETag and Last-Modified kept are those of the
 * final answer after redirects, and only when they are short printable
 * text (they go back into a header on the next request).
 */
#include "fetch/fetch.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

#include "err.h"
#include "util/ascii.h"

struct xfer {
	char *buf;
	size_t len, cap;
	size_t max;
	int too_big;
	int nomem;
	char etag[FETCH_VALIDATOR_MAX];
	char last_modified[FETCH_VALIDATOR_MAX];
};

int
fetch_global_init(void)
{
	return curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK
	    ? 0
	    : RP_ERR_INTERNAL;
}

/* Ends the transfer when the worker is stopping. */
static int
on_progress(
    void *arg, curl_off_t dt, curl_off_t dn, curl_off_t ut, curl_off_t un)
{
	const volatile int *cancel = arg;

	(void)dt, (void)dn, (void)ut, (void)un;
	return cancel != NULL && *cancel ? 1 : 0;
}

static size_t
on_body(char *p, size_t size, size_t n, void *arg)
{
	struct xfer *x = arg;
	size_t add = size * n, cap;
	char *nb;

	if (add > x->max - x->len) {
		x->too_big = 1;
		return 0; /* CURLE_WRITE_ERROR ends the transfer */
	}
	if (x->len + add + 1 > x->cap) {
		cap = x->cap != 0 ? x->cap : 65536;
		while (cap < x->len + add + 1)
			cap = cap > x->max / 2 ? x->max + 1 : cap * 2;
		if ((nb = realloc(x->buf, cap)) == NULL) {
			x->nomem = 1;
			return 0;
		}
		x->buf = nb;
		x->cap = cap;
	}
	memcpy(x->buf + x->len, p, add);
	x->len += add;
	x->buf[x->len] = '\0';
	return add;
}

/* A header value worth keeping: printable ASCII, no CR/LF, bounded. */
static void
keep_value(const char *v, size_t n, char *out)
{
	while (n > 0 &&
	    (v[n - 1] == '\r' || v[n - 1] == '\n' || v[n - 1] == ' ' ||
		v[n - 1] == '\t'))
		n--;
	while (n > 0 && (*v == ' ' || *v == '\t'))
		v++, n--;
	out[0] = '\0';
	if (n == 0 || n >= FETCH_VALIDATOR_MAX)
		return;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)v[i] < 0x20 || (unsigned char)v[i] > 0x7e)
			return;
	memcpy(out, v, n);
	out[n] = '\0';
}

static int
header_is(const char *line, size_t n, const char *name)
{
	size_t k = strlen(name);

	if (n <= k || line[k] != ':')
		return 0;
	for (size_t i = 0; i < k; i++)
		if (rp_tolower((unsigned char)line[i]) != name[i])
			return 0;
	return 1;
}

static size_t
on_header(char *p, size_t size, size_t n, void *arg)
{
	struct xfer *x = arg;
	size_t len = size * n;

	/* A new status line starts the headers of the next answer (after a
	 * redirect): only the final answer's validators count. */
	if (len >= 5 && memcmp(p, "HTTP/", 5) == 0) {
		x->etag[0] = '\0';
		x->last_modified[0] = '\0';
	} else if (header_is(p, len, "etag")) {
		keep_value(p + 5, len - 5, x->etag);
	} else if (header_is(p, len, "last-modified")) {
		keep_value(p + 14, len - 14, x->last_modified);
	}
	return len;
}

static struct curl_slist *
conditions(const char *etag, const char *last_modified, int *nomem)
{
	struct curl_slist *h = NULL, *t;
	char line[FETCH_VALIDATOR_MAX + 32];

	*nomem = 0;
	if (etag != NULL && etag[0] != '\0' && strchr(etag, '\n') == NULL &&
	    strchr(etag, '\r') == NULL) {
		snprintf(line, sizeof(line), "If-None-Match: %s", etag);
		if ((t = curl_slist_append(h, line)) == NULL)
			goto nomem;
		h = t;
	}
	if (last_modified != NULL && last_modified[0] != '\0' &&
	    strchr(last_modified, '\n') == NULL &&
	    strchr(last_modified, '\r') == NULL) {
		snprintf(
		    line, sizeof(line), "If-Modified-Since: %s", last_modified);
		if ((t = curl_slist_append(h, line)) == NULL)
			goto nomem;
		h = t;
	}
	return h;
nomem:
	curl_slist_free_all(h);
	*nomem = 1;
	return NULL;
}

static int
setup(CURL *c, const char *url, const struct fetch_opts *o,
    struct curl_slist *hdr, struct xfer *x)
{
	CURLcode e = CURLE_OK;

#define SET(opt, val)                                                          \
	if (e == CURLE_OK)                                                     \
	e = curl_easy_setopt(c, opt, val)
	SET(CURLOPT_URL, url);
	SET(CURLOPT_PROTOCOLS_STR, "http,https");
	SET(CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
	SET(CURLOPT_FOLLOWLOCATION, 1L);
	SET(CURLOPT_MAXREDIRS, o->max_redirects);
	SET(CURLOPT_CONNECTTIMEOUT, o->connect_timeout);
	SET(CURLOPT_TIMEOUT, o->timeout);
	SET(CURLOPT_NOSIGNAL, 1L);
	SET(CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)o->max_bytes);
	SET(CURLOPT_ACCEPT_ENCODING, "");
	SET(CURLOPT_USERAGENT, "rampartd-fetch");
	SET(CURLOPT_HTTPHEADER, hdr);
	SET(CURLOPT_WRITEFUNCTION, on_body);
	SET(CURLOPT_WRITEDATA, x);
	SET(CURLOPT_HEADERFUNCTION, on_header);
	SET(CURLOPT_HEADERDATA, x);
	if (o->cancel != NULL) {
		SET(CURLOPT_NOPROGRESS, 0L);
		SET(CURLOPT_XFERINFOFUNCTION, on_progress);
		SET(CURLOPT_XFERINFODATA, (void *)o->cancel);
	}
#undef SET
	return e == CURLE_OK ? 0 : RP_ERR_INTERNAL;
}

/* Sorts libcurl's result into r. */
static void
classify(CURLcode e, long code, const struct xfer *x, const char *shown,
    const struct fetch_opts *o, struct fetch_reply *r)
{
	r->http_status = code;
	if (x->too_big || e == CURLE_FILESIZE_EXCEEDED) {
		r->status = FETCH_TOO_BIG;
		snprintf(r->error, sizeof(r->error),
		    "%s is larger than the %lld bytes a feed may have", shown,
		    (long long)o->max_bytes);
	} else if (e == CURLE_ABORTED_BY_CALLBACK) {
		r->status = FETCH_CANCELLED;
		snprintf(r->error, sizeof(r->error),
		    "the fetch of %s was cut short: rampartd is stopping",
		    shown);
	} else if (e == CURLE_UNSUPPORTED_PROTOCOL) {
		r->status = FETCH_REFUSED;
		snprintf(r->error, sizeof(r->error),
		    "%s redirected to a URL that is not http or https", shown);
	} else if (e == CURLE_TOO_MANY_REDIRECTS) {
		r->status = FETCH_REFUSED;
		snprintf(r->error, sizeof(r->error),
		    "%s redirected more than %ld times", shown,
		    o->max_redirects);
	} else if (e != CURLE_OK) {
		r->status = FETCH_NETWORK;
		snprintf(r->error, sizeof(r->error), "no answer from %s: %s",
		    shown, curl_easy_strerror(e));
	} else if (code == 304) {
		r->status = FETCH_NOT_MODIFIED;
	} else if (code == 200) {
		r->status = FETCH_OK;
	} else {
		r->status = FETCH_HTTP_ERROR;
		snprintf(r->error, sizeof(r->error), "HTTP %ld from %s", code,
		    shown);
	}
}

int
fetch_get(const char *url, const char *etag, const char *last_modified,
    const struct fetch_opts *o, struct fetch_reply *r)
{
	struct xfer x;
	struct curl_slist *hdr = NULL;
	char shown[256];
	CURL *c = NULL;
	CURLcode e;
	long code = 0;
	int rc = RP_ERR_INTERNAL, nomem;

	memset(r, 0, sizeof(*r));
	memset(&x, 0, sizeof(x));
	x.max = o->max_bytes > 0 ? (size_t)o->max_bytes : 0;
	fetch_url_mask(url, shown, sizeof(shown));
	hdr = conditions(etag, last_modified, &nomem);
	if (nomem) {
		rc = RP_ERR_NOMEM;
		goto out;
	}
	if ((c = curl_easy_init()) == NULL || setup(c, url, o, hdr, &x) != 0)
		goto out;
	e = curl_easy_perform(c);
	if (x.nomem) {
		rc = RP_ERR_NOMEM;
		goto out;
	}
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
	classify(e, code, &x, shown, o, r);
	memcpy(r->etag, x.etag, sizeof(r->etag));
	memcpy(r->last_modified, x.last_modified, sizeof(r->last_modified));
	if (r->status == FETCH_OK) {
		if (x.buf == NULL && (x.buf = calloc(1, 1)) == NULL) {
			rc = RP_ERR_NOMEM;
			goto out;
		}
		r->body = x.buf;
		r->len = x.len;
		x.buf = NULL;
	}
	rc = 0;
out:
	free(x.buf);
	curl_slist_free_all(hdr);
	curl_easy_cleanup(c);
	return rc;
}

void
fetch_reply_clear(struct fetch_reply *r)
{
	if (r == NULL)
		return;
	free(r->body);
	r->body = NULL;
	r->len = 0;
}
