/*
 * ASCII character classes for input bytes, independent of the locale:
 * <ctype.h> follows LC_CTYPE (a byte 0xE9 is a letter in Latin-1 locales)
 * and is undefined for negative char values, so parsers of untrusted text
 * use these instead.  Every function takes any int, including a plain
 * (possibly negative) char, and is false for bytes outside ASCII.
 */
#ifndef RP_ASCII_H
#define RP_ASCII_H

#include <stddef.h>

static inline int
rp_isdigit(int c)
{
	return c >= '0' && c <= '9';
}

static inline int
rp_isupper(int c)
{
	return c >= 'A' && c <= 'Z';
}

static inline int
rp_islower(int c)
{
	return c >= 'a' && c <= 'z';
}

static inline int
rp_isalpha(int c)
{
	return rp_isupper(c) || rp_islower(c);
}

static inline int
rp_isalnum(int c)
{
	return rp_isalpha(c) || rp_isdigit(c);
}

static inline int
rp_isxdigit(int c)
{
	return rp_isdigit(c) || (c >= 'a' && c <= 'f') ||
	    (c >= 'A' && c <= 'F');
}

/* Space, tab, newline, vertical tab, form feed, carriage return. */
static inline int
rp_isspace(int c)
{
	return c == ' ' || (c >= '\t' && c <= '\r');
}

/* A control character: 0x00-0x1F and DEL. */
static inline int
rp_iscntrl(int c)
{
	return (c >= 0 && c < 0x20) || c == 0x7f;
}

static inline int
rp_tolower(int c)
{
	return rp_isupper(c) ? c - 'A' + 'a' : c;
}

static inline int
rp_toupper(int c)
{
	return rp_islower(c) ? c - 'a' + 'A' : c;
}

/* The value of a hexadecimal digit, or -1. */
static inline int
rp_hexval(int c)
{
	if (rp_isdigit(c))
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Lowercases the ASCII letters of s in place, at most n bytes or to NUL. */
static inline void
rp_ascii_lower(char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n && s[i] != '\0'; i++)
		s[i] = (char)rp_tolower(s[i]);
}

#endif
