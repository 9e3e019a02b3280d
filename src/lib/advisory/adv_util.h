/*
 * Small predicates the advisory readers share (internal to the advisory
 * library).
 */
#ifndef RP_ADV_UTIL_H
#define RP_ADV_UTIL_H

/* Whether s is one of the NULL-terminated list. */
int adv_in_list(const char *const *list, const char *s);
/* Whether s is a CVE ID: "CVE-", four digits, "-", four or more digits. */
int adv_is_cve(const char *s);

#endif
