/*
 * Printing text that came from advisories and inventories: control
 * characters (C0, DEL, C1) are shown as '?' so a hostile document cannot
 * drive the terminal, and cuts never split a UTF-8 sequence.
 */
#ifndef RP_UTIL_OUT_H
#define RP_UTIL_OUT_H

#include <stddef.h>
#include <stdio.h>

/*
 * Prints at most max characters of s (NULL prints "-"), then "..." if it
 * was cut, then pads with spaces to pad characters (0: no padding).
 */
void out_text(FILE *f, const char *s, size_t max, size_t pad);
/* Prints n bytes of s as out_text does, keeping newlines and tabs. */
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
