/*
 * Request bodies under a cap: a Content-Length over the cap is refused
 * before anything is read, and bodies without one (chunked) are counted
 * as they arrive, so no client makes the server hold more than max bytes.
 */
#include "http/http.h"

#include <stdlib.h>
#include <string.h>

#include "err.h"

void
http_body_init(struct http_body *b, size_t max)
{
	memset(b, 0, sizeof(*b));
	b->max = max;
}

static int
grow(struct http_body *b, size_t need)
{
	size_t cap = b->cap == 0 ? 4096 : b->cap;
	char *p;

	while (cap < need + 1)
		cap *= 2;
	if (cap > b->max + 1)
		cap = b->max + 1;
	if ((p = realloc(b->data, cap)) == NULL)
		return RP_ERR_NOMEM;
	b->data = p;
	b->cap = cap;
	return 0;
}

int
http_body_expect(struct http_body *b, const char *content_length)
{
	unsigned long long v = 0;
	const char *p = content_length;

	if (p == NULL)
		return 0;
	if (*p < '0' || *p > '9')
		return RP_ERR_INVALID;
	for (; *p >= '0' && *p <= '9'; p++) {
		if (v > b->max)
			return RP_ERR_LIMIT;
		v = v * 10 + (unsigned long long)(*p - '0');
	}
	if (*p != '\0')
		return RP_ERR_INVALID;
	if (v > b->max)
		return RP_ERR_LIMIT;
	/* One allocation for an announced body (it is within the cap). */
	if (v > 0 && grow(b, (size_t)v) != 0)
		return RP_ERR_NOMEM;
	return 0;
}

int
http_body_add(struct http_body *b, const char *data, size_t n)
{
	if (n > b->max - b->len)
		return RP_ERR_LIMIT;
	if (b->len + n + 1 > b->cap && grow(b, b->len + n) != 0)
		return RP_ERR_NOMEM;
	memcpy(b->data + b->len, data, n);
	b->len += n;
	b->data[b->len] = '\0';
	return 0;
}

void
http_body_clear(struct http_body *b)
{
	free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
}
