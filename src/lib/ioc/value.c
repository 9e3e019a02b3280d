/*
 * One normaliser for every indicator type the server stores, by type
 * name: the bundle's types through ioc_normalize, and the two the bundle
 * does not carry: networks (cidr: an address and a prefix length, kept
 * as the network address, host bits cleared) and YARA rule text (bounded
 * and UTF-8, compiled elsewhere).
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "ioc.h"
#include "ioc_int.h"
#include "util/err.h"
#include "util/indicator.h"

/* Clears the bits of addr (len bytes) after the first bits. */
static void
mask_host(unsigned char *addr, size_t len, int bits)
{
	size_t i;

	for (i = 0; i < len; i++) {
		int keep = bits - (int)i * 8;

		if (keep >= 8)
			continue;
		addr[i] &= keep <= 0 ? 0 : (unsigned char)(0xff << (8 - keep));
	}
}

/* A network "address/N" in in (refanged, trimmed) into out. */
static int
cidr_normalize(const char *in, char *out, size_t outlen, const char **why)
{
	char buf[IOC_NORM_MAX], txt[INET6_ADDRSTRLEN];
	unsigned char addr[16];
	const char *s;
	char *slash;
	size_t n;
	int v6, bits;

	s = ioc_trim(in, strlen(in), &n);
	if (n == 0 || n >= 64) {
		*why = "expected a network: address/prefix length";
		return RP_ERR_INVALID;
	}
	memcpy(buf, s, n);
	buf[n] = '\0';
	if (rp_refang(buf, out, outlen) != 0 || strchr(out, '/') == NULL) {
		*why = "expected a network: address/prefix length";
		return RP_ERR_INVALID;
	}
	if ((*why = rp_ip_check(out, outlen, RP_IP_PREFIX)) != NULL)
		return RP_ERR_INVALID;
	/* canonical now: "address/bits" */
	slash = strchr(out, '/');
	*slash = '\0';
	v6 = strchr(out, ':') != NULL;
	bits = 0;
	for (s = slash + 1; *s != '\0'; s++)
		bits = bits * 10 + (*s - '0');
	if (inet_pton(v6 ? AF_INET6 : AF_INET, out, addr) != 1) {
		*why = "not an IPv4 or IPv6 address";
		return RP_ERR_INVALID;
	}
	mask_host(addr, v6 ? 16 : 4, bits);
	if (inet_ntop(v6 ? AF_INET6 : AF_INET, addr, txt, sizeof(txt)) ==
		NULL ||
	    (size_t)snprintf(out, outlen, "%s/%d", txt, bits) >= outlen) {
		*why = "the network does not fit";
		return RP_ERR_INVALID;
	}
	return 0;
}

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
	if (strcmp(type, "cidr") == 0)
		return cidr_normalize(in, out, outlen, why);
	if (strcmp(type, "yara") == 0)
		return yara_check(in, out, outlen, why);
	if (ioc_type_from_name(type, &t) != 0) {
		*why = "the type is not one of sha256, sha1, md5, filename, "
		       "domain, ip, cidr, url, yara";
		return RP_ERR_INVALID;
	}
	return ioc_normalize(t, in, out, outlen, why);
}
