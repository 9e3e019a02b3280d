/*
 * Which URLs the worker pulls, and how a URL is shown.  Only http and
 * https: a file:// source would read the server's own files, gopher://
 * or dict:// talk raw bytes to internal services.  Feed URLs often carry
 * credentials (https://user:pass@host/, ?key=...), so nothing shows a
 * URL that did not pass through fetch_url_mask first.
 */
#include "fetch/fetch.h"

#include <stdio.h>
#include <string.h>

#include "err.h"
#include "util/ascii.h"
#include "util/uri.h"

/* The scheme's length (up to ':'), or 0. */
static size_t
scheme_len(const char *url)
{
	const char *c = strchr(url, ':');

	return c != NULL ? (size_t)(c - url) : 0;
}

static int
scheme_is(const char *url, size_t n, const char *want)
{
	size_t i;

	if (n != strlen(want))
		return 0;
	for (i = 0; i < n; i++)
		if (rp_tolower((unsigned char)url[i]) != want[i])
			return 0;
	return 1;
}

int
fetch_url_check(const char *url, char *err, size_t errlen)
{
	char shown[256];
	enum rp_uri_err ue = RP_URI_OK;
	size_t n, len = strlen(url);
	const char *host;

	fetch_url_mask(url, shown, sizeof(shown));
	if (len == 0 || len > FETCH_URL_MAX) {
		snprintf(err, errlen,
		    "a URL of 1 to %d bytes was expected (this one has %zu)",
		    FETCH_URL_MAX, len);
		return RP_ERR_INVALID;
	}
	if (rp_uri_check(url, &ue) != 0) {
		snprintf(err, errlen, "'%s' is not a URL: %s", shown,
		    rp_uri_strerror(ue));
		return RP_ERR_INVALID;
	}
	n = scheme_len(url);
	if (!scheme_is(url, n, "http") && !scheme_is(url, n, "https")) {
		snprintf(err, errlen,
		    "only http:// and https:// URLs are fetched ('%s' is "
		    "%.*s:)",
		    shown, (int)(n < 16 ? n : 16), url);
		return RP_ERR_INVALID;
	}
	host = url + n + 1;
	if (strncmp(host, "//", 2) != 0 || host[2] == '/' || host[2] == '?' ||
	    host[2] == '#' || host[2] == '\0') {
		snprintf(err, errlen, "'%s' has no host", shown);
		return RP_ERR_INVALID;
	}
	return 0;
}

/* Appends s (n bytes) to out within outlen, keeping room for the NUL. */
static void
put(char *out, size_t outlen, size_t *w, const char *s, size_t n)
{
	while (n-- > 0 && *w + 1 < outlen)
		out[(*w)++] = *s++;
	out[*w] = '\0';
}

/* The query part from q ('?' included) up to a '#' or the end. */
static const char *
mask_query(const char *q, char *out, size_t outlen, size_t *w)
{
	put(out, outlen, w, "?", 1);
	q++;
	while (*q != '\0' && *q != '#') {
		size_t name = strcspn(q, "=&#"), val;

		put(out, outlen, w, q, name);
		q += name;
		if (*q == '=') {
			val = strcspn(q + 1, "&#");
			put(out, outlen, w, "=***", 4);
			q += 1 + val;
		}
		if (*q == '&') {
			put(out, outlen, w, "&", 1);
			q++;
		}
	}
	return q;
}

void
fetch_url_mask(const char *url, char *out, size_t outlen)
{
	const char *p = url, *sep = strstr(url, "://"), *at, *end;
	size_t w = 0;

	if (outlen == 0)
		return;
	out[0] = '\0';
	if (sep != NULL) {
		put(out, outlen, &w, url, (size_t)(sep - url) + 3);
		p = sep + 3;
		end = p + strcspn(p, "/?#");
		/* the last '@' of the authority ends the user information */
		for (at = end; at > p && at[-1] != '@'; at--)
			;
		if (at > p) {
			put(out, outlen, &w, "***@", 4);
			p = at;
		}
	}
	end = p + strcspn(p, "?#");
	put(out, outlen, &w, p, (size_t)(end - p));
	p = end;
	if (*p == '?')
		p = mask_query(p, out, outlen, &w);
	if (*p == '#')
		put(out, outlen, &w, "#***", 4);
}
