/* Predicates shared by the advisory readers. */
#include <string.h>

#include "adv_util.h"
#include "util/str.h"

int
adv_in_list(const char *const *list, const char *s)
{
	return rp_str_in_list(list, s);
}

int
adv_is_cve(const char *s)
{
	size_t n;

	if (!rp_str_startswith(s, "CVE-") || strspn(s + 4, "0123456789") != 4 ||
	    s[8] != '-')
		return 0;
	n = strspn(s + 9, "0123456789");
	return n >= 4 && s[9 + n] == '\0';
}
