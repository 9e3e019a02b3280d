/*
 * Fuzzes blocklist entries and every renderer: each input line is
 * "K VALUE\tCOMMENT\tTAGS\tTLP" (K, one byte, picks the kind and the
 * metadata); entries are added (refusals are fine), then rendered in all
 * formats with a small capacity and an expiry time.  Every render must
 * succeed, give a NUL-free file of the length it reports, and account
 * for every distinct entry (written + skipped + expired + trimmed).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "blocklist/blocklist.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char *
field(char **p)
{
	char *s = *p, *t;

	if (s == NULL)
		return NULL;
	if ((t = strchr(s, '\t')) != NULL)
		*t++ = '\0';
	*p = t;
	return s;
}

static void
add_line(struct blocklist *bl, char *line)
{
	static const char *const tlps[] = {
	    NULL, "clear", "green", "amber", "amber+strict", "red", "bogus"};
	struct blocklist_entry e = {0};
	unsigned char k;
	char *p;

	if (line[0] == '\0')
		return;
	k = (unsigned char)line[0];
	p = line + 1;
	e.kind = (enum blocklist_kind)(1 + k % 7); /* 7: an unknown kind */
	e.value = field(&p);
	e.comment = field(&p);
	e.tags = field(&p);
	e.tlp = tlps[(k >> 3) % 7];
	e.confidence = (int)(k % 103);
	e.last_seen = k & 0x40 ? (int64_t)k * 1000 : 0;
	e.first_seen = k & 0x20 ? (int64_t)k * 10 : 0;
	e.expires = k & 0x80 ? (int64_t)k * 100 : 0;
	e.sightings = k & 0x10 ? UINT32_MAX - k : k;
	(void)blocklist_add_entry(bl, &e, NULL);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct blocklist_opts o = {
	    .max_entries = 3, .now = 20000, .sinkhole4 = "192.0.2.1"};
	struct blocklist *bl;
	enum blocklist_format f;
	char *s, *line, *next;

	if (size > 65536 || (s = malloc(size + 1)) == NULL)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	if ((bl = blocklist_new()) == NULL) {
		free(s);
		return 0;
	}
	for (line = s; line != NULL; line = next) {
		if ((next = strchr(line, '\n')) != NULL)
			*next++ = '\0';
		add_line(bl, line);
	}
	for (f = BLOCKLIST_NFT; f < BLOCKLIST_FORMAT_END; f++) {
		struct blocklist_report rep;
		char *out = NULL;
		size_t len = 0;
		if (blocklist_render(bl, f, &o, &out, &len, &rep) != 0 ||
		    strlen(out) != len ||
		    rep.written + rep.skipped + rep.expired + rep.trimmed !=
			blocklist_count(bl) ||
		    rep.written > o.max_entries)
			abort();
		free(out);
	}
	blocklist_free(bl);
	free(s);
	return 0;
}
