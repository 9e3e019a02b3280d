/*
 * Test helper for it/blocklist_tools: reads entries, one "TYPE VALUE
 * [COMMENT]" per line (TYPE: domain, addr, url, sha256, sha1, md5), from
 * standard input and writes them rendered in one format to standard
 * output, so the real nft, ipset, iptables-restore, unbound-checkconf,
 * named-checkzone, dnsmasq and squid can judge the file.
 * Usage: blocklist_render FORMAT (blocklist_format_from_name)
 *        [--sinkhole4 A] [--sinkhole6 A] [--serial N]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "blocklist/blocklist.h"
#include "err.h"

static int
add_line(struct blocklist *bl, char *line, unsigned long no)
{
	char *type = line, *value, *comment;
	enum blocklist_kind k;
	const char *why = "bad line";
	int r;

	line[strcspn(line, "\r\n")] = '\0';
	if (*line == '\0' || *line == '#')
		return 0;
	if ((value = strchr(type, ' ')) == NULL)
		goto bad;
	*value++ = '\0';
	if ((comment = strchr(value, ' ')) != NULL)
		*comment++ = '\0';
	if (strcmp(type, "domain") == 0)
		k = BLOCKLIST_DOMAIN;
	else if (strcmp(type, "addr") == 0)
		k = BLOCKLIST_ADDR;
	else if (strcmp(type, "url") == 0)
		k = BLOCKLIST_URL;
	else if (strcmp(type, "sha256") == 0)
		k = BLOCKLIST_SHA256;
	else if (strcmp(type, "sha1") == 0)
		k = BLOCKLIST_SHA1;
	else if (strcmp(type, "md5") == 0)
		k = BLOCKLIST_MD5;
	else
		goto bad;
	if ((r = blocklist_add(bl, k, value, comment, &why)) == 0)
		return 0;
bad:
	fprintf(stderr, "blocklist_render: line %lu: %s\n", no, why);
	return -1;
}

int
main(int argc, char **argv)
{
	struct blocklist_opts o = {0};
	enum blocklist_format f;
	struct blocklist *bl = NULL;
	char line[4096], *out = NULL;
	struct blocklist_report rep;
	size_t len;
	unsigned long no = 0;
	int i, r, rc = 1;

	if (argc < 2 || blocklist_format_from_name(argv[1], &f) != 0) {
		fprintf(stderr, "usage: blocklist_render FORMAT [options]\n");
		return 2;
	}
	for (i = 2; i + 1 < argc; i += 2) {
		if (strcmp(argv[i], "--sinkhole4") == 0)
			o.sinkhole4 = argv[i + 1];
		else if (strcmp(argv[i], "--sinkhole6") == 0)
			o.sinkhole6 = argv[i + 1];
		else if (strcmp(argv[i], "--serial") == 0)
			o.rpz_serial = (uint32_t)strtoul(argv[i + 1], NULL, 10);
		else
			break;
	}
	if (i != argc) {
		fprintf(stderr, "blocklist_render: bad option %s\n", argv[i]);
		return 2;
	}
	if ((bl = blocklist_new()) == NULL)
		goto out;
	while (fgets(line, sizeof(line), stdin) != NULL) {
		no++;
		if (strchr(line, '\n') == NULL && !feof(stdin)) {
			fprintf(stderr, "blocklist_render: line %lu too long\n",
			    no);
			goto out;
		}
		if (add_line(bl, line, no) != 0)
			goto out;
	}
	if ((r = blocklist_render(bl, f, &o, &out, &len, &rep)) != 0) {
		fprintf(stderr, "blocklist_render: %s\n", rp_strerror(r));
		goto out;
	}
	if (fwrite(out, 1, len, stdout) != len || fflush(stdout) != 0)
		goto out;
	fprintf(stderr, "blocklist_render: %zu written, %zu skipped\n",
	    rep.written, rep.skipped);
	rc = 0;
out:
	free(out);
	blocklist_free(bl);
	return rc;
}
