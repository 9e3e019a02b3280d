/*
 * A host's network address as inventory uploads carry it
 * (docs/agent-protocol.md, "addresses"): the agent checks what it sends
 * and the server what it takes with these same functions, so that an
 * agent never sends an address the server refuses (which would refuse
 * the whole inventory with it).
 */
#include <arpa/inet.h>
#include <string.h>

#include "proto.h"
#include "util/ascii.h"

int
proto_ip_parse(
    const char *ip, unsigned char b[16], char canon[PROTO_IP_MAX + 1])
{
	int af = AF_INET;

	if (strlen(ip) > PROTO_IP_MAX)
		return 0;
	memset(b, 0, 16);
	if (inet_pton(af, ip, b) != 1 && inet_pton(af = AF_INET6, ip, b) != 1)
		return 0;
	if (inet_ntop(af, b, canon, PROTO_IP_MAX + 1) == NULL)
		return 0;
	return af == AF_INET ? 4 : 6;
}

int
proto_iface_ok(const char *s, size_t n)
{
	size_t i;

	if (n == 0 || n > PROTO_IFACE_MAX)
		return 0;
	for (i = 0; i < n; i++)
		if (s[i] == '\0' || rp_iscntrl(s[i]))
			return 0;
	return 1;
}

int
proto_mac_ok(const char *s, size_t n)
{
	size_t i;

	if (n < 2 || n > PROTO_MAC_MAX || (n + 1) % 3 != 0)
		return 0;
	for (i = 0; i < n; i++) {
		if (i % 3 == 2
			? s[i] != ':'
			: !rp_isdigit(s[i]) && !(s[i] >= 'a' && s[i] <= 'f'))
			return 0;
	}
	return 1;
}
