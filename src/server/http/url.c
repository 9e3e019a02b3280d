/*
 * What the http role accepts in a URL after percent-decoding: the path
 * and every query argument must be UTF-8 text.  Decoding is ours, not
 * MHD's, for one byte: MHD turns "%00" into a NUL, which silently ends
 * the string, so "/api/v1/health%00junk" would be served as
 * "/api/v1/health" and "?q=a%00b" searched as "a".  Here %00 becomes
 * 0xFF, a byte never valid in UTF-8, and the check refuses it.
 */
#include "http/http.h"

#include <stddef.h>

#include "util/ascii.h"

size_t
http_unescape(char *s)
{
	char *w = s;
	const char *r = s;

	while (*r != '\0') {
		int hi, lo;

		/* "%zz" and a "%" at the end stay as they are, as with
		 * MHD's own decoding. */
		if (r[0] == '%' && (hi = rp_hexval(r[1])) >= 0 &&
		    (lo = rp_hexval(r[2])) >= 0) {
			int v = hi * 16 + lo;

			*w++ = (char)(v == 0 ? 0xff : v);
			r += 3;
			continue;
		}
		*w++ = *r++;
	}
	*w = '\0';
	return (size_t)(w - s);
}

int
http_utf8_ok(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	while (*p != '\0') {
		unsigned long cp, min;
		size_t n, i;

		if (p[0] < 0x80) {
			p++;
			continue;
		}
		if ((p[0] & 0xe0) == 0xc0) {
			n = 2, min = 0x80, cp = p[0] & 0x1fu;
		} else if ((p[0] & 0xf0) == 0xe0) {
			n = 3, min = 0x800, cp = p[0] & 0x0fu;
		} else if ((p[0] & 0xf8) == 0xf0) {
			n = 4, min = 0x10000, cp = p[0] & 0x07u;
		} else {
			return 0;
		}
		for (i = 1; i < n; i++) {
			/* A NUL here fails the test too: no read past it. */
			if ((p[i] & 0xc0) != 0x80)
				return 0;
			cp = cp << 6 | (p[i] & 0x3fu);
		}
		/* Overlong forms, surrogates, past U+10FFFF. */
		if (cp < min || (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
			return 0;
		p += n;
	}
	return 1;
}
