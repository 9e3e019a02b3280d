/*
 * QR codes for authenticator apps (libqrencode), as an SVG in a data:
 * URI: the image needs no route of its own, and the secret it carries
 * never sits in a URL or a cache.
 */
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include <qrencode.h>

#include "util/err.h"
#include "web_int.h"

/* An otpauth:// URI fits easily; anything longer is not ours. */
#define QR_TEXT_MAX 512

int
web_qr_data_uri(struct rp_buf *b, const char *text)
{
	struct rp_buf svg;
	QRcode *q;
	char *b64 = NULL, *s;
	size_t n, b64len;
	int x, y, w, r = RP_ERR_NOMEM;

	if (strlen(text) > QR_TEXT_MAX)
		return RP_ERR_LIMIT;
	if ((q = QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1)) ==
	    NULL)
		return RP_ERR_NOMEM;
	w = q->width;
	rp_buf_init(&svg, 256 * 1024);
	rp_buf_appendf(&svg,
	    "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"-4 -4 %d %d\" "
	    "shape-rendering=\"crispEdges\"><rect x=\"-4\" y=\"-4\" "
	    "width=\"%d\" height=\"%d\" fill=\"#fff\"/><path d=\"",
	    w + 8, w + 8, w + 8, w + 8);
	for (y = 0; y < w; y++)
		for (x = 0; x < w; x++)
			if (q->data[y * w + x] & 1)
				rp_buf_appendf(&svg, "M%d %dh1v1h-1z", x, y);
	rp_buf_append(&svg, "\"/></svg>");
	QRcode_free(q);
	if ((s = rp_buf_take(&svg)) == NULL)
		return RP_ERR_NOMEM;
	n = strlen(s);
	b64len = sodium_base64_encoded_len(n, sodium_base64_VARIANT_ORIGINAL);
	if ((b64 = malloc(b64len)) != NULL) {
		sodium_bin2base64(b64, b64len, (const unsigned char *)s, n,
		    sodium_base64_VARIANT_ORIGINAL);
		rp_buf_append(b, "data:image/svg+xml;base64,");
		rp_buf_append(b, b64);
		r = 0;
	}
	free(b64);
	free(s);
	return r;
}
