/*
 * Private to src/lib/version: the per-scheme validators and comparators.
 * A comparator may assume both arguments passed its validator; none
 * allocates, so the matcher can compare millions of versions cheaply.
 */
#ifndef RP_VERSION_SCHEME_H
#define RP_VERSION_SCHEME_H

#include <stddef.h>

/* *warn gets an enum version_warning (VERSION_WARN_NONE when clean). */
int deb_valid(const char *v, const char **why, int *warn);
int deb_cmp(const char *a, const char *b);

int rpm_valid(const char *v, const char **why);
/* rpmverCmp(): a total order, a missing release first. */
int rpm_cmp(const char *a, const char *b);
/*
 * Installed version v against a range bound, as rpm's dependency ranges
 * compare: 0 also when the versions agree and one side has no release;
 * then *norel is 1 when the bound has none, 2 when only v has none
 * (rpm then matches v with every relation to the bound), else 0.
 */
int rpm_cmp_bound(const char *v, const char *bound, int *norel);

int semver_valid(const char *v, const char **why);
int semver_cmp(const char *a, const char *b);

int generic_valid(const char *v, const char **why);
int generic_cmp(const char *a, const char *b);
/* v without a leading "v"/"V" that is directly followed by a digit. */
const char *generic_skip_v(const char *v);

/*
 * version_compare() for versions already known valid in s (a known
 * scheme): no validation pass.  Returns <0, 0, >0.
 */
int version_cmp_valid(int s, const char *a, const char *b);

/*
 * Installed version v against bound b as ranges compare (for rpm: a side
 * without a release matches every release, see rpm_cmp_bound(); other
 * schemes: version_cmp_valid()).  *any is set to 1 when v equals b only
 * that way and matches b whatever the relation.
 */
int version_cmp_bound_valid(int s, const char *v, const char *b, int *any);

/*
 * Compares two runs of decimal digits by value without converting them
 * (no overflow whatever their length).  Leading zeros are ignored.
 */
int digits_cmp(const char *a, size_t alen, const char *b, size_t blen);

#endif
