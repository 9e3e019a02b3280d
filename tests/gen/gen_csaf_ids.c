/*
 * gen_csaf_ids N collide|ordinary OUT: writes the CSAF document of
 * csaf_ids_doc.h with N products to OUT (for bench/run.sh).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csaf_ids_doc.h"

int
main(int argc, char **argv)
{
	char *doc, *end;
	size_t n, len;
	FILE *f;

	if (argc != 4 ||
	    (strcmp(argv[2], "collide") != 0 &&
		strcmp(argv[2], "ordinary") != 0)) {
		fprintf(stderr, "usage: gen_csaf_ids N collide|ordinary OUT\n");
		return 2;
	}
	n = strtoul(argv[1], &end, 10);
	if (*end != '\0' || n == 0) {
		fprintf(stderr, "gen_csaf_ids: bad count %s\n", argv[1]);
		return 2;
	}
	if ((doc = csaf_ids_doc(n, strcmp(argv[2], "collide") == 0, &len)) ==
	    NULL) {
		fprintf(stderr, "gen_csaf_ids: out of memory\n");
		return 1;
	}
	if ((f = fopen(argv[3], "wb")) == NULL ||
	    fwrite(doc, 1, len, f) != len || fclose(f) != 0) {
		perror(argv[3]);
		free(doc);
		return 1;
	}
	free(doc);
	return 0;
}
