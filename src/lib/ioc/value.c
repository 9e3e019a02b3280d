/*
 * One normaliser for every indicator type the server stores, by type
 * name: the enum ioc_type ones through ioc_normalize (networks, "cidr",
 * among them: kept as the network address, host bits cleared) and YARA
 * rule text (bounded and UTF-8, compiled elsewhere), which no struct ioc
 * holds.
 */
#include <string.h>

#include "ioc.h"
#include "ioc_int.h"
#include "util/err.h"

static int
yara_check(const char *in, char *out, size_t outlen, const char **why)
{
	size_t n = strnlen(in, IOC_YARA_VALUE_MAX + 1);

	if (n == 0 || n > IOC_YARA_VALUE_MAX) {
		*why = "YARA rule text is 1 to 65536 bytes";
		return RP_ERR_INVALID;
	}
	if (!ioc_utf8_valid(in, n)) {
		*why = "the rule text is not valid UTF-8";
		return RP_ERR_INVALID;
	}
	if (n >= outlen) {
		*why = "the rule text does not fit";
		return RP_ERR_INVALID;
	}
	memcpy(out, in, n + 1);
	return 0;
}

int
ioc_value_normalize(const char *type, const char *in, char *out, size_t outlen,
    const char **why)
{
	enum ioc_type t;

	*why = NULL;
	if (type == NULL || in == NULL || out == NULL || outlen == 0) {
		*why = "no value";
		return RP_ERR_ARG;
	}
	if (strcmp(type, "yara") == 0)
		return yara_check(in, out, outlen, why);
	if (ioc_type_from_name(type, &t) != 0) {
		*why = "the type is not one of sha256, sha1, md5, filename, "
		       "domain, ip, cidr, url, yara";
		return RP_ERR_INVALID;
	}
	return ioc_normalize(t, in, out, outlen, why);
}
