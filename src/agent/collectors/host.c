/*
 * The host collector: which machine this is.  os-release (etc/, else
 * usr/lib/) gives the OS, etc/hostname (or, live, the kernel's node name)
 * the name, etc/machine-id the stable ID; a live system adds its
 * architecture (uname) and its addresses (getifaddrs).  os-release is a
 * shell-style KEY=value file; only the keys used are kept, bounded.
 */
#include <errno.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <stddef.h>
#include <netinet/in.h>
#include <netpacket/packet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <arpa/inet.h>

#include "coll_int.h"
#include "collectors/collectors.h"
#include "util/err.h"

#define MAX_IFADDRS 4096

/* Copies the value of a KEY=value line (quotes removed) into buf. */
static void
unquote(const char *v, size_t n, char *buf, size_t len)
{
	size_t i, o = 0;
	char q = 0;

	if (n > 0 && (v[0] == '"' || v[0] == '\'')) {
		q = v[0];
		v++;
		n--;
		if (n > 0 && v[n - 1] == q)
			n--;
	}
	for (i = 0; i < n && o + 1 < len; i++) {
		/* Inside double quotes a backslash escapes " \ $ `. */
		if (q == '"' && v[i] == '\\' && i + 1 < n &&
		    strchr("\"\\$`", v[i + 1]) != NULL)
			i++;
		buf[o++] = v[i];
	}
	buf[o] = '\0';
	coll_clean(buf);
}

static void
osrel_line(struct coll_osrel *o, const char *s, size_t n)
{
	static const struct {
		const char *key;
		size_t off, len;
	} keys[] = {
	    {"ID", offsetof(struct coll_osrel, id), sizeof(o->id)},
	    {"VERSION_ID", offsetof(struct coll_osrel, version_id),
		sizeof(o->version_id)},
	    {"NAME", offsetof(struct coll_osrel, name), sizeof(o->name)},
	    {"VERSION", offsetof(struct coll_osrel, version),
		sizeof(o->version)},
	    {"PRETTY_NAME", offsetof(struct coll_osrel, pretty_name),
		sizeof(o->pretty_name)},
	};
	const char *eq;
	size_t i, klen;

	if ((eq = memchr(s, '=', n)) == NULL)
		return;
	klen = (size_t)(eq - s);
	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		if (strlen(keys[i].key) == klen &&
		    memcmp(keys[i].key, s, klen) == 0)
			unquote(eq + 1, n - klen - 1, (char *)o + keys[i].off,
			    keys[i].len);
	}
}

int
coll_os_release(const char *root, struct coll_osrel *out, struct rp_diags *d)
{
	char *buf = NULL, *s, *nl, *end;
	size_t len, n;
	int r;

	memset(out, 0, sizeof(*out));
	r = coll_read_file(
	    root, "etc/os-release", COLL_MAX_SMALL, &buf, &len, d);
	if (r == RP_ERR_NOTFOUND || (r == RP_ERR_IO && errno == ELOOP))
		r = coll_read_file(
		    root, "usr/lib/os-release", COLL_MAX_SMALL, &buf, &len, d);
	if (r != 0)
		goto out;
	end = buf + len;
	for (s = buf; s < end; s = nl + 1) {
		if ((nl = memchr(s, '\n', (size_t)(end - s))) == NULL)
			nl = end;
		n = (size_t)(nl - s);
		if (n > 0 && s[n - 1] == '\r')
			n--;
		if (n > 0 && s[0] != '#')
			osrel_line(out, s, n);
	}
	r = 0;
out:
	free(buf);
	return r;
}

/* The first line of a small file below root, cleaned; "" if none. */
static int
first_line(const char *root, const char *rel, char *out, size_t outlen,
    struct rp_diags *d)
{
	char *buf = NULL;
	size_t len, n;
	int r;

	out[0] = '\0';
	if ((r = coll_read_file(root, rel, COLL_MAX_SMALL, &buf, &len, d)) != 0)
		return r;
	n = strcspn(buf, "\r\n");
	while (n > 0 && (buf[n - 1] == ' ' || buf[n - 1] == '\t'))
		n--;
	if (n >= outlen)
		n = outlen - 1;
	memcpy(out, buf, n);
	out[n] = '\0';
	coll_clean(out);
	free(buf);
	return 0;
}

/* "aa:bb:..." of a link-layer address. */
static void
format_mac(const unsigned char *a, size_t n, char *buf, size_t len)
{
	size_t i, o = 0;

	buf[0] = '\0';
	for (i = 0; i < n && o + 4 <= len; i++)
		o += (size_t)snprintf(
		    buf + o, len - o, i ? ":%02x" : "%02x", a[i]);
}

/* The MAC of iface from the AF_PACKET entries of the list. */
static const char *
mac_of(const struct ifaddrs *list, const char *iface, char *buf, size_t len)
{
	const struct ifaddrs *i;
	const struct sockaddr_ll *ll;
	size_t n;

	for (i = list; i != NULL; i = i->ifa_next) {
		if (i->ifa_addr == NULL ||
		    i->ifa_addr->sa_family != AF_PACKET ||
		    strcmp(i->ifa_name, iface) != 0)
			continue;
		ll = (const struct sockaddr_ll *)(const void *)i->ifa_addr;
		if (ll->sll_halen == 0 || ll->sll_halen > sizeof(ll->sll_addr))
			return NULL;
		/* Loopback has an all-zero address: no link address at all. */
		for (n = 0; n < ll->sll_halen && ll->sll_addr[n] == 0; n++)
			;
		if (n == ll->sll_halen)
			return NULL;
		format_mac(ll->sll_addr, ll->sll_halen, buf, len);
		return buf;
	}
	return NULL;
}

/* Every IPv4 and IPv6 address, loopback included, with its MAC. */
static int
collect_addrs(struct inv_host *h, struct rp_diags *d)
{
	struct ifaddrs *list = NULL, *i;
	struct inv_addr a;
	char ip[INET6_ADDRSTRLEN], mac[64], iface[IF_NAMESIZE + 1];
	const void *src;
	size_t n = 0;
	int r = 0;

	if (getifaddrs(&list) != 0) {
		rp_diags_add(d, RP_DIAG_ERROR, NULL, NULL,
		    "network addresses: %s", strerror(errno));
		return RP_ERR_IO;
	}
	for (i = list; i != NULL && r == 0 && n < MAX_IFADDRS;
	     i = i->ifa_next) {
		if (i->ifa_addr == NULL)
			continue;
		if (i->ifa_addr->sa_family == AF_INET)
			src = &((const struct sockaddr_in *)(const void *)
				    i->ifa_addr)
				   ->sin_addr;
		else if (i->ifa_addr->sa_family == AF_INET6)
			src = &((const struct sockaddr_in6 *)(const void *)
				    i->ifa_addr)
				   ->sin6_addr;
		else
			continue;
		if (inet_ntop(i->ifa_addr->sa_family, src, ip, sizeof(ip)) ==
		    NULL)
			continue;
		snprintf(iface, sizeof(iface), "%s", i->ifa_name);
		coll_clean(iface);
		memset(&a, 0, sizeof(a));
		a.iface = iface;
		a.ip = ip;
		a.mac = mac_of(list, i->ifa_name, mac, sizeof(mac));
		r = inv_host_add_addr(h, &a);
		n++;
	}
	freeifaddrs(list);
	return r;
}

int
collect_host(const char *root, struct inv_host *h, struct rp_diags *d)
{
	struct coll_osrel os;
	struct utsname u;
	char name[256], id[256];
	int live = strcmp(root, "/") == 0, r, first = 0;

	if ((r = coll_os_release(root, &os, d)) == 0) {
		if (inv_host_set(h, NULL, os.name[0] ? os.name : os.pretty_name,
			os.version_id[0] ? os.version_id : os.version,
			NULL) != 0)
			return RP_ERR_NOMEM;
		if (h->os != NULL && h->os[0] == '\0')
			h->os = NULL;
		if (h->os_version != NULL && h->os_version[0] == '\0')
			h->os_version = NULL;
	} else if (r == RP_ERR_NOTFOUND) {
		/* No os-release: perhaps a Mac. */
		if ((r = coll_macos_version(root, h, d)) == RP_ERR_NOMEM)
			return r;
		if (r != 0 && r != RP_ERR_NOTFOUND)
			first = r;
	} else
		first = r;
	r = first_line(root, "etc/hostname", name, sizeof(name), d);
	if (r != 0 && r != RP_ERR_NOTFOUND && first == 0)
		first = r;
	if (live && uname(&u) == 0) {
		/* The running kernel knows the name even without the file. */
		if (name[0] == '\0')
			snprintf(name, sizeof(name), "%s", u.nodename);
		if (inv_host_set(h, NULL, NULL, NULL, u.machine) != 0)
			return RP_ERR_NOMEM;
	}
	coll_clean(name);
	if (name[0] != '\0' && inv_host_set(h, name, NULL, NULL, NULL) != 0)
		return RP_ERR_NOMEM;
	r = first_line(root, "etc/machine-id", id, sizeof(id), d);
	if (r != 0 && r != RP_ERR_NOTFOUND && first == 0)
		first = r;
	if (id[0] != '\0' && inv_host_set_ids(h, id, NULL) != 0)
		return RP_ERR_NOMEM;
	if (live && (r = collect_addrs(h, d)) != 0) {
		if (r == RP_ERR_NOMEM)
			return r;
		if (first == 0)
			first = r;
	}
	return first;
}
