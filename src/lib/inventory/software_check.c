/*
 * Whether a software entry built from a machine's files can go into an
 * inventory that reads back: the collectors' strings come from files
 * anyone could write, so each is checked against the bounds the readers
 * enforce (entry.c) and for strict UTF-8 without control characters.
 */
#include <stddef.h>
#include <stdio.h>

#include "entry.h"
#include "inventory.h"

/*
 * Length of the UTF-8 sequence at s (strict: no overlong forms, no
 * surrogates, nothing above U+10FFFF), 0 when invalid.  C1 controls
 * (U+0080-U+009F) count as invalid: terminals act on them.
 */
static size_t
utf8_len(const unsigned char *s)
{
	unsigned c = s[0];

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf) {
		if ((s[1] & 0xc0) != 0x80 || (c == 0xc2 && s[1] < 0xa0))
			return 0;
		return 2;
	}
	if (c >= 0xe0 && c <= 0xef) {
		if ((s[1] & 0xc0) != 0x80 || (s[2] & 0xc0) != 0x80 ||
		    (c == 0xe0 && s[1] < 0xa0) || (c == 0xed && s[1] > 0x9f))
			return 0;
		return 3;
	}
	if (c >= 0xf0 && c <= 0xf4) {
		if ((s[1] & 0xc0) != 0x80 || (s[2] & 0xc0) != 0x80 ||
		    (s[3] & 0xc0) != 0x80 || (c == 0xf0 && s[1] < 0x90) ||
		    (c == 0xf4 && s[1] > 0x8f))
			return 0;
		return 4;
	}
	return 0;
}

static const char *
text_check(enum inv_field f, const char *s)
{
	const unsigned char *p;
	const char *why;
	size_t n;

	if ((why = inv_field_check(f, s)) != NULL)
		return why;
	/* Continuation bytes are checked before they are stepped over, and
	   a NUL ends the string, so this never reads past it. */
	for (p = (const unsigned char *)s; *p != '\0'; p += n) {
		if ((n = utf8_len(p)) == 0)
			return "is not valid UTF-8 or contains a control "
			       "character";
	}
	return NULL;
}

int
inv_software_check(const struct inv_software *sw, char *why, size_t size)
{
	static const struct {
		enum inv_field f;
		size_t off;
		const char *label;
		int required;
	} fields[] = {
	    {INV_F_NAME, offsetof(struct inv_software, name), "name", 1},
	    {INV_F_VERSION, offsetof(struct inv_software, version), "version",
		1},
	    {INV_F_VENDOR, offsetof(struct inv_software, vendor), "vendor", 0},
	    {INV_F_ARCH, offsetof(struct inv_software, arch), "arch", 0},
	    {INV_F_PATH, offsetof(struct inv_software, path), "path", 0},
	    {INV_F_PURL, offsetof(struct inv_software, purl), "purl", 0},
	    {INV_F_CPE, offsetof(struct inv_software, cpe), "CPE", 0},
	    {INV_F_BUNDLE_ID, offsetof(struct inv_software, bundle_id),
		"bundle ID", 0},
	    {INV_F_WORD, offsetof(struct inv_software, state), "state", 0},
	    {INV_F_NAME, offsetof(struct inv_software, source_name),
		"source package", 0},
	    {INV_F_VERSION, offsetof(struct inv_software, source_version),
		"source package version", 0},
	};
	const char *s, *reason;
	size_t i;

	for (i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
		s = *(const char *const *)((const char *)sw + fields[i].off);
		if (s == NULL && !fields[i].required)
			continue;
		if ((reason = text_check(fields[i].f, s)) != NULL) {
			snprintf(
			    why, size, "the %s %s", fields[i].label, reason);
			return -1;
		}
	}
	return 0;
}
