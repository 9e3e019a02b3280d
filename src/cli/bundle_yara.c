/*
 * Compiling YARA text with libyara for rampart bundle: every entry of a
 * bundle in a compiler of its own (a compiler is unusable after an error,
 * and the agent gives each entry its own namespace), with includes
 * disabled because a bundle must carry all its rule text.
 */
#include <stdint.h>
#include <stdio.h>

#include <yara.h>

#include "bundle_yara.h"
#include "util/out.h"

struct ycb {
	FILE *f;
	const char *label;
	int verbose;
};

static void
on_message(int level, const char *file, int line, const YR_RULE *rule,
    const char *msg, void *user)
{
	struct ycb *y = user;

	if (level != YARA_ERROR_LEVEL_ERROR && !y->verbose)
		return;
	out_text(y->f, y->label, SIZE_MAX, 0);
	fprintf(y->f, ":%d: %s: ", line,
	    level == YARA_ERROR_LEVEL_ERROR ? "error" : "warning");
	out_text(y->f, msg, SIZE_MAX, 0);
	fputc('\n', y->f);
}

int
bundle_yara_init(void)
{
	return yr_initialize() == ERROR_SUCCESS ? 0 : -1;
}

void
bundle_yara_done(void)
{
	yr_finalize();
}

int
bundle_yara_check(FILE *f, const char *label, const char *text, int verbose)
{
	struct ycb y = {f, label, verbose};
	YR_COMPILER *c = NULL;
	YR_RULES *rules = NULL;
	const YR_RULE *rule;
	int n = -1;

	if (yr_compiler_create(&c) != ERROR_SUCCESS) {
		fprintf(f, "rampart bundle: out of memory for YARA\n");
		return -1;
	}
	yr_compiler_set_callback(c, on_message, &y);
	yr_compiler_set_include_callback(c, NULL, NULL, NULL);
	if (yr_compiler_add_string(c, text, "bundle") != 0)
		goto out;
	if (yr_compiler_get_rules(c, &rules) != ERROR_SUCCESS) {
		fprintf(f, "rampart bundle: out of memory for YARA\n");
		goto out;
	}
	n = 0;
	yr_rules_foreach(rules, rule) n++;
	if (n == 0) {
		out_text(f, label, SIZE_MAX, 0);
		fprintf(f, ": error: no YARA rule in the text\n");
		n = -1;
	}
out:
	if (rules != NULL)
		yr_rules_destroy(rules);
	yr_compiler_destroy(c);
	return n;
}
