/*
 * The sentences of `rampart check`: a match result's rule and facts
 * turned into the reason and the remediation people read.  The matcher
 * gives data only; this is its presenter for the terminal and --json.
 */
#ifndef RP_CLI_CHECK_REASON_H
#define RP_CLI_CHECK_REASON_H

#include "match/match.h"

/* The reason, one line (caller frees); NULL when out of memory. */
char *check_reason(const struct match_result *r);
/*
 * What to do about it, one line (caller frees); NULL when nothing is
 * known to do (or the text is too long, or memory ran out).
 */
char *check_remediation(const struct match_result *r);

#endif
