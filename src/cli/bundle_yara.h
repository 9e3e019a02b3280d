/*
 * YARA rule text checked at bundle time with libyara, the same library
 * the agent scans with, so a broken rule is reported once, on the
 * technician's machine, naming the file and line.
 */
#ifndef RP_CLI_BUNDLE_YARA_H
#define RP_CLI_BUNDLE_YARA_H

#include <stdio.h>

/* yr_initialize / yr_finalize around all checks; 0 or -1. */
int bundle_yara_init(void);
void bundle_yara_done(void);

/*
 * Compiles text as the agent will: its own namespace, no include
 * directives, no external variables.  Errors (and warnings when verbose)
 * go to f as "LABEL:LINE: error: MESSAGE".  Returns the number of rules,
 * or -1 when the text does not compile.
 */
int bundle_yara_check(
    FILE *f, const char *label, const char *text, int verbose);

#endif
