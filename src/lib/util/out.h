/*
 * Printing text that came from advisories, inventories and file systems
 * (file names, paths): nothing in it can drive the terminal or make it
 * show something else than the bytes are.  Escaped, so the real bytes
 * can be read back:
 *   C0 controls and DEL            \x1b
 *   bytes that are not UTF-8       \xff
 *   C1 controls                    \u009b
 *   format characters: bidirectional marks, embeddings, overrides and
 *   isolates (U+061C, U+200E/F, U+202A-202E, U+2066-2069), zero-width
 *   characters (U+200B-200D, U+2060-2064), U+2028/2029, U+00AD, U+FEFF,
 *   U+FFF9-FFFB, tag characters            \u202e, \U000e0041
 *   the backslash itself           \\
 * Cuts never split a UTF-8 sequence.  This is the only escaping of text
 * for a terminal or a text report; JSON output is jansson's.
 */
#ifndef RP_UTIL_OUT_H
#define RP_UTIL_OUT_H

#include <stddef.h>
#include <stdio.h>

/*
 * Prints at most max characters of s (NULL prints "-"; an escape counts
 * as its length), then "..." if it was cut, then pads with spaces to pad
 * characters (0: no padding).
 */
void out_text(FILE *f, const char *s, size_t max, size_t pad);
/* Prints n bytes of s as out_text does (a NUL as \x00), keeping newlines
   and tabs. */
void out_block(FILE *f, const char *s, size_t n);
/* The number of characters (UTF-8 sequences) of s, at most max. */
size_t out_width(const char *s, size_t max);

struct rp_diags;
/*
 * Prints the entries of d to f, one a line as rp_diag_format gives them
 * (file may be NULL) after prefix (may be NULL), safely as out_text does.
 * Warnings and notes are printed only when all is set; errors always.
 */
void out_diags(FILE *f, const struct rp_diags *d, const char *prefix,
    const char *file, int all);

#endif
