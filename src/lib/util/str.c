/*
 * Bounded string buffer and string helpers.  The buffer always keeps a
 * terminating NUL once anything was appended.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ascii.h"
#include "err.h"
#include "str.h"

void
rp_buf_init(struct rp_buf *b, size_t max)
{
	memset(b, 0, sizeof(*b));
	b->max = max;
}

static int
buf_reserve(struct rp_buf *b, size_t extra)
{
	size_t need, ncap;
	char *ns;

	if (b->failed)
		return RP_ERR_LIMIT;
	if (extra > b->max || b->len > b->max - extra) {
		b->failed = 1;
		return RP_ERR_LIMIT;
	}
	need = b->len + extra + 1;
	if (need <= b->cap)
		return 0;
	ncap = b->cap ? b->cap : 64;
	while (ncap < need)
		ncap *= 2;
	if ((ns = realloc(b->s, ncap)) == NULL) {
		b->failed = 1;
		return RP_ERR_NOMEM;
	}
	b->s = ns;
	b->cap = ncap;
	return 0;
}

int
rp_buf_appendn(struct rp_buf *b, const char *s, size_t n)
{
	int r;

	if ((r = buf_reserve(b, n)) != 0)
		return r;
	memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = '\0';
	return 0;
}

int
rp_buf_append(struct rp_buf *b, const char *s)
{
	return rp_buf_appendn(b, s, strlen(s));
}

static int rp_buf_vappendf(struct rp_buf *b, const char *fmt, va_list ap)
    __attribute__((format(printf, 2, 0)));

static int
rp_buf_vappendf(struct rp_buf *b, const char *fmt, va_list ap)
{
	va_list ap2;
	int n, r;

	va_copy(ap2, ap);
	n = vsnprintf(NULL, 0, fmt, ap2);
	va_end(ap2);
	if (n < 0) {
		b->failed = 1;
		return RP_ERR_INVALID;
	}
	if ((r = buf_reserve(b, (size_t)n)) != 0)
		return r;
	vsnprintf(b->s + b->len, (size_t)n + 1, fmt, ap);
	b->len += (size_t)n;
	return 0;
}

int
rp_buf_appendf(struct rp_buf *b, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = rp_buf_vappendf(b, fmt, ap);
	va_end(ap);
	return r;
}

int
rp_buf_append_json_string(struct rp_buf *b, const char *s)
{
	const unsigned char *p, *run;
	char esc[8];

	rp_buf_append(b, "\"");
	/* runs of bytes that need no escape are copied whole */
	for (p = run = (const unsigned char *)s; *p != '\0'; p++) {
		if (*p != '"' && *p != '\\' && *p >= 0x20)
			continue;
		rp_buf_appendn(b, (const char *)run, (size_t)(p - run));
		run = p + 1;
		if (*p == '"' || *p == '\\') {
			esc[0] = '\\';
			esc[1] = (char)*p;
			rp_buf_appendn(b, esc, 2);
		} else {
			snprintf(esc, sizeof(esc), "\\u%04x", *p);
			rp_buf_append(b, esc);
		}
	}
	rp_buf_appendn(b, (const char *)run, (size_t)(p - run));
	return rp_buf_append(b, "\"");
}

char *
rp_buf_take(struct rp_buf *b)
{
	char *s;

	if (b->failed) {
		rp_buf_free(b);
		return NULL;
	}
	s = b->s != NULL ? b->s : strdup("");
	b->s = NULL;
	b->len = b->cap = 0;
	return s;
}

void
rp_buf_free(struct rp_buf *b)
{
	free(b->s);
	b->s = NULL;
	b->len = b->cap = 0;
	b->failed = 0;
}

char *
rp_strdup0(const char *s)
{
	return s == NULL ? NULL : strdup(s);
}

char *
rp_asprintf(const char *fmt, ...)
{
	va_list ap;
	char *s;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&s, fmt, ap);
	va_end(ap);
	return n < 0 ? NULL : s;
}

int
rp_streq_ci(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	return strcasecmp(a, b) == 0;
}

int
rp_str_in_list(const char *const *list, const char *s)
{
	for (; *list != NULL; list++) {
		if (strcmp(*list, s) == 0)
			return 1;
	}
	return 0;
}

int
rp_str_startswith(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

/*
 * Host names, as advisories and indicator feeds give them (RFC 1123
 * letters, digits and '-', plus the '_' real DNS has).
 */
const char *
rp_domain_check(char *s)
{
	size_t n = strlen(s), lab = 0, nlabels = 0, i;
	const char *tld;

	if (n > 0 && s[n - 1] == '.')
		s[--n] = '\0';
	if (n == 0 || n > 253)
		return "a domain name has 1 to 253 characters";
	for (i = 0; i <= n; i++) {
		if (s[i] == '.' || s[i] == '\0') {
			if (lab == 0 || lab > 63)
				return "each label of a domain name has 1 to "
				       "63 characters";
			if (s[i - 1] == '-' || s[i - lab] == '-')
				return "a domain label does not start or end "
				       "with '-'";
			nlabels++;
			lab = 0;
			continue;
		}
		if ((unsigned char)s[i] >= 0x80)
			return "an internationalised domain name is written "
			       "in its xn-- (ASCII) form";
		if (!rp_isalnum(s[i]) && s[i] != '-' && s[i] != '_')
			return "a domain name has only letters, digits, '-' "
			       "and '.'";
		lab++;
	}
	if (nlabels < 2)
		return "a domain name has at least two labels (example.com)";
	tld = strrchr(s, '.') + 1;
	if (strspn(tld, "0123456789") == strlen(tld))
		return "the last label of a domain name is not numeric";
	for (i = 0; i < n; i++)
		s[i] = (char)rp_tolower(s[i]);
	return NULL;
}

int
rp_path_match(const char *pattern, const char *path, const char **params,
    size_t nparams, char *buf, size_t buflen)
{
	const char *p = pattern, *q = path, *e;
	size_t used = 0, n, np = 0;

	while (*p != '\0') {
		if (*p == '{') {
			if ((e = strchr(p, '}')) == NULL)
				return 0;
			p = e + 1;
			e = strchr(q, '/');
			n = e != NULL ? (size_t)(e - q) : strlen(q);
			if (n == 0 || used + n + 1 > buflen || np >= nparams)
				return 0;
			memcpy(buf + used, q, n);
			buf[used + n] = '\0';
			params[np++] = buf + used;
			used += n + 1;
			q += n;
			continue;
		}
		if (*p++ != *q++)
			return 0;
	}
	return *q == '\0';
}
