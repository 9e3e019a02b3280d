/*
 * Safe terminal output for untrusted strings: see out.h.  The one place
 * that decides how a byte sequence is shown (put_seq).  Characters are
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

/*
 * The code point of the sequence at p (len bytes, as seqlen gives them,
 * all present), or -1 when it is not valid UTF-8: a stray byte, an
 * overlong form, a surrogate, past U+10FFFF.
 */
static long
code_point(const unsigned char *p, size_t len)
{
	static const long min[] = {0, 0, 0x80, 0x800, 0x10000};
	long cp;
	size_t i;

	if (len == 1)
		return p[0] < 0x80 ? p[0] : -1;
	cp = p[0] & (0x7f >> len);
	for (i = 1; i < len; i++)
		cp = cp << 6 | (p[i] & 0x3f);
	if (cp < min[len] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return -1;
	return cp;
}

/* Invisible characters that reorder or hide text: bidirectional marks,
   embeddings, overrides and isolates, zero-width characters, line and
   paragraph separators, the byte-order mark, interlinear annotation and
   tag characters. */
static int
is_format(long cp)
{
	return cp == 0x00ad || cp == 0x061c || cp == 0x180e ||
	    (cp >= 0x200b && cp <= 0x200f) || (cp >= 0x2028 && cp <= 0x202e) ||
	    (cp >= 0x2060 && cp <= 0x206f) || cp == 0xfeff ||
	    (cp >= 0xfff9 && cp <= 0xfffb) || (cp >= 0xe0000 && cp <= 0xe007f);
}

/*
 * Writes the sequence at p (len bytes) to f, escaped when it could drive
 * or deceive the terminal; returns the characters written.
 */
static size_t
put_seq(FILE *f, const unsigned char *p, size_t len, int keep_nl)
{
	long cp = code_point(p, len);

	if (keep_nl && (p[0] == '\n' || p[0] == '\t')) {
		fputc(p[0], f);
		return 1;
	}
	if (cp < 0)
		return (size_t)fprintf(f, "\\x%02x", p[0]);
	if (cp < 0x20 || cp == 0x7f)
		return (size_t)fprintf(f, "\\x%02lx", cp);
	if (cp == '\\') {
		fputs("\\\\", f);
		return 2;
	}
	if ((cp >= 0x80 && cp < 0xa0) || is_format(cp))
		return (size_t)fprintf(
		    f, cp > 0xffff ? "\\U%08lx" : "\\u%04lx", cp);
	fwrite(p, 1, len, f);
	return 1;
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
		put_seq(f, p, len, 1);
		p += len;
	}
}

void
out_text(FILE *f, const char *s, size_t max, size_t pad)
{
	const unsigned char *p = (const unsigned char *)(s ? s : "-");
	size_t n = 0;

	while (*p != '\0') {
		if (n >= max) {
			fputs("...", f);
			n += 3;
			break;
		}
		n += put_seq(f, p, seqlen(p), 0);
		p += seqlen(p);
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
