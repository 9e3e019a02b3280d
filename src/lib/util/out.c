/*
 * Safe terminal output for untrusted strings: see out.h.  Characters are
 * counted as UTF-8 sequences, which is the width that matters for the
 * Latin text of advisories; wide CJK glyphs may misalign a column.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "out.h"

/* Length of the UTF-8 sequence starting at s (1 for a stray byte). */
static size_t
seqlen(const unsigned char *s)
{
	size_t n, i;

	if (s[0] < 0x80)
		return 1;
	if ((s[0] & 0xe0) == 0xc0)
		n = 2;
	else if ((s[0] & 0xf0) == 0xe0)
		n = 3;
	else if ((s[0] & 0xf8) == 0xf0)
		n = 4;
	else
		return 1;
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 1;
	}
	return n;
}

size_t
out_width(const char *s, size_t max)
{
	const unsigned char *p = (const unsigned char *)(s ? s : "-");
	size_t n = 0;

	while (*p != '\0' && n < max) {
		p += seqlen(p);
		n++;
	}
	return n;
}

/* Whether the sequence at p (of len bytes) is a control character. */
static int
is_control(const unsigned char *p, size_t len)
{
	return p[0] < 0x20 || p[0] == 0x7f || (len == 1 && p[0] >= 0x80) ||
	    (len == 2 && p[0] == 0xc2 && p[1] < 0xa0);
}

void
out_block(FILE *f, const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s, *end = p + n;
	size_t len;

	while (p < end) {
		len = seqlen(p);
		if ((size_t)(end - p) < len)
			len = 1;
		if (*p == '\n' || *p == '\t')
			fputc(*p, f);
		else if (*p == '\0' || is_control(p, len))
			fputc('?', f);
		else
			fwrite(p, 1, len, f);
		p += len;
	}
}

void
out_text(FILE *f, const char *s, size_t max, size_t pad)
{
	const unsigned char *p = (const unsigned char *)(s ? s : "-");
	size_t n = 0, len;

	while (*p != '\0') {
		if (n == max) {
			fputs("...", f);
			n += 3;
			break;
		}
		len = seqlen(p);
		if (p[0] < 0x20 || p[0] == 0x7f || (len == 1 && p[0] >= 0x80) ||
		    (len == 2 && p[0] == 0xc2 && p[1] < 0xa0))
			fputc('?', f); /* C0, DEL, C1, broken UTF-8 */
		else
			fwrite(p, 1, len, f);
		p += len;
		n++;
	}
	for (; n < pad; n++)
		fputc(' ', f);
}

void
out_diags(FILE *f, const struct rp_diags *d, const char *prefix,
    const char *file, int all)
{
	size_t i;
	char *s;

	for (i = 0; d != NULL && i < d->n; i++) {
		if (d->v[i].level != RP_DIAG_ERROR && !all)
			continue;
		if ((s = rp_diag_format(&d->v[i], file)) == NULL)
			continue;
		if (prefix != NULL)
			fputs(prefix, f);
		out_text(f, s, SIZE_MAX, 0);
		fputc('\n', f);
		free(s);
	}
}
