/*
 * Processes and network connections of the running system, from /proc:
 * each /proc/PID gives the executable (exe link, unreadable for other
 * users' processes without privilege) and the command line; the
 * /proc/net/{tcp,tcp6,udp,udp6} tables give the sockets, whose owners are
 * found through the socket:[INODE] links in /proc/PID/fd.  Kernel text is
 * still parsed as input: every field is checked, every count bounded.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "coll_int.h"
#include "collectors/collectors.h"
#include "util/err.h"

#define MAX_PROCS 1000000 /* processes read */
#define MAX_SOCKS 4000000 /* socket descriptors mapped to processes */
#define CMDLINE_MAX 4096 /* the inventory's bound */
#define NET_FILE_MAX (256u * 1024 * 1024)

/* TCP states as the kernel numbers them (include/net/tcp_states.h). */
static const char *const tcp_states[] = {NULL, "established", "syn_sent",
    "syn_recv", "fin_wait1", "fin_wait2", "time_wait", "close", "close_wait",
    "last_ack", "listen", "closing", "new_syn_recv"};

#define NSTATES (sizeof(tcp_states) / sizeof(tcp_states[0]))

/* Parses a pid directory name; -1 when it is not one. */
static long
parse_pid(const char *s)
{
	long v = 0;

	if (*s == '\0' || *s == '0')
		return -1;
	for (; *s != '\0'; s++) {
		if (!isdigit((unsigned char)*s) || v > (LONG_MAX - 9) / 10)
			return -1;
		v = v * 10 + (*s - '0');
	}
	return v;
}

/* Hex digits s[0..n) into *out; 0, or -1 if not all hex or too long. */
static int
parse_hex(const char *s, size_t n, uint64_t *out)
{
	uint64_t v = 0;
	size_t i;
	int c;

	if (n == 0 || n > 16)
		return -1;
	for (i = 0; i < n; i++) {
		c = (unsigned char)s[i];
		if (c >= '0' && c <= '9')
			c -= '0';
		else if (c >= 'A' && c <= 'F')
			c -= 'A' - 10;
		else if (c >= 'a' && c <= 'f')
			c -= 'a' - 10;
		else
			return -1;
		v = v << 4 | (unsigned)c;
	}
	*out = v;
	return 0;
}

/*
 * "0100007F:0277" into text and port.  The kernel prints each 32-bit word
 * of the address as a number in host order.  Returns 0, or -1.  *zero is
 * set when the address and port are all zero (no peer).
 */
static int
parse_endpoint(const char *s, size_t n, int v6, char *ip, size_t iplen,
    unsigned *port, int *zero)
{
	unsigned char raw[16];
	const char *colon = memchr(s, ':', n);
	size_t words = v6 ? 4 : 1, i;
	uint64_t w, p;
	uint32_t w32;

	if (colon == NULL || (size_t)(colon - s) != words * 8 ||
	    parse_hex(colon + 1, n - (size_t)(colon - s) - 1, &p) != 0 ||
	    p > 65535)
		return -1;
	for (i = 0; i < words; i++) {
		if (parse_hex(s + i * 8, 8, &w) != 0)
			return -1;
		w32 = (uint32_t)w;
		memcpy(raw + i * 4, &w32, 4);
	}
	if (inet_ntop(v6 ? AF_INET6 : AF_INET, raw, ip, (socklen_t)iplen) ==
	    NULL)
		return -1;
	*port = (unsigned)p;
	*zero = p == 0;
	for (i = 0; i < words * 4 && *zero; i++)
		*zero = raw[i] == 0;
	return 0;
}

/* Splits line into at most max white-space separated tokens. */
static size_t
tokens(const char *s, size_t n, const char **tok, size_t *tlen, size_t max)
{
	size_t i = 0, k = 0, start;

	while (k < max) {
		while (i < n && (s[i] == ' ' || s[i] == '\t'))
			i++;
		if (i == n)
			break;
		start = i;
		while (i < n && s[i] != ' ' && s[i] != '\t')
			i++;
		tok[k] = s + start;
		tlen[k++] = i - start;
	}
	return k;
}

static int
cmp_sock(const void *a, const void *b)
{
	const struct proc_sock *x = a, *y = b;

	if (x->inode != y->inode)
		return x->inode < y->inode ? -1 : 1;
	return (x->pid > y->pid) - (x->pid < y->pid);
}

static long
owner(const struct proc_sock *socks, size_t n, unsigned long inode)
{
	struct proc_sock key = {inode, -1};
	size_t lo = 0, hi = n, mid;

	/* The first entry for inode: the lowest pid holding it. */
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (cmp_sock(&socks[mid], &key) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < n && socks[lo].inode == inode)
		return socks[lo].pid;
	return -1;
}

/* One socket line; 0, -1 when malformed, or an RP_ERR_* to stop. */
static int
net_line(const char *s, size_t n, const char *proto, int v6,
    const struct proc_sock *socks, size_t nsocks, struct inv_host *h)
{
	const char *tok[10];
	size_t tlen[10];
	char lip[INET6_ADDRSTRLEN], rip[INET6_ADDRSTRLEN];
	struct inv_conn c;
	uint64_t st, inode;
	size_t i;
	int lzero, rzero, udp = strcmp(proto, "udp") == 0;

	memset(&c, 0, sizeof(c));
	if (tokens(s, n, tok, tlen, 10) != 10 || tlen[0] < 2 ||
	    tok[0][tlen[0] - 1] != ':' ||
	    parse_endpoint(tok[1], tlen[1], v6, lip, sizeof(lip), &c.local_port,
		&lzero) != 0 ||
	    parse_endpoint(tok[2], tlen[2], v6, rip, sizeof(rip),
		&c.remote_port, &rzero) != 0 ||
	    tlen[3] != 2 || parse_hex(tok[3], 2, &st) != 0 || st == 0 ||
	    st >= NSTATES || tlen[9] > 19)
		return -1;
	/* The table is not NUL-terminated: parse within the token. */
	for (i = 0, inode = 0; i < tlen[9]; i++) {
		if (!isdigit((unsigned char)tok[9][i]))
			return -1;
		inode = inode * 10 + (uint64_t)(tok[9][i] - '0');
	}
	c.proto = proto;
	c.local_ip = lip;
	c.remote_ip = rzero ? NULL : rip;
	if (rzero)
		c.remote_port = 0;
	/* An unconnected UDP socket is "close" to the kernel; ss says. */
	c.state = udp && st == 7 ? "unconn" : tcp_states[st];
	c.pid = inode != 0 && socks != NULL
	    ? owner(socks, nsocks, (unsigned long)inode)
	    : -1;
	return inv_host_add_conn(h, &c);
}

int
proc_net_parse(const char *buf, size_t len, const char *name, const char *proto,
    int v6, const struct proc_sock *socks, size_t nsocks, struct inv_host *h,
    struct rp_diags *d)
{
	const char *s = buf, *end = buf + len, *nl;
	size_t n;
	int line = 0, r, bad = 0;

	while (s < end) {
		line++;
		if ((nl = memchr(s, '\n', (size_t)(end - s))) == NULL)
			nl = end;
		n = (size_t)(nl - s);
		while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\r'))
			n--;
		/* The first line names the columns. */
		if (line == 1 || n == 0)
			r = 0;
		else
			r = net_line(s, n, proto, v6, socks, nsocks, h);
		if (r == -1) {
			rp_diags_add_at(d, RP_DIAG_ERROR, line, 0,
			    "%s:%d: not a socket line; skipped", name, line);
			bad = 1;
		} else if (r != 0)
			return r;
		s = nl + 1;
	}
	return bad ? RP_ERR_INVALID : 0;
}

/* Adds the socket descriptors of process pid (in dir) to the map. */
static int
map_fds(int procfd, long pid, struct proc_sock **v, size_t *n, size_t *cap)
{
	char rel[64], link[64];
	struct proc_sock *nv;
	struct dirent *e;
	DIR *dir;
	ssize_t l;
	uint64_t inode;
	int fd, r = 0;

	snprintf(rel, sizeof(rel), "%ld/fd", pid);
	if ((fd = openat(procfd, rel, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
		return 0; /* gone, or not ours to read */
	if ((dir = fdopendir(fd)) == NULL) {
		close(fd);
		return RP_ERR_NOMEM;
	}
	while (r == 0 && (e = readdir(dir)) != NULL) {
		l = readlinkat(dirfd(dir), e->d_name, link, sizeof(link) - 1);
		if (l < 10 || strncmp(link, "socket:[", 8) != 0 ||
		    link[l - 1] != ']')
			continue;
		link[l - 1] = '\0';
		if (strspn(link + 8, "0123456789") != (size_t)(l - 9) ||
		    l - 9 > 19)
			continue;
		inode = strtoull(link + 8, NULL, 10);
		if (*n == MAX_SOCKS)
			break;
		if (*n == *cap) {
			*cap = *cap ? *cap * 2 : 256;
			if ((nv = reallocarray(*v, *cap, sizeof(**v))) ==
			    NULL) {
				r = RP_ERR_NOMEM;
				break;
			}
			*v = nv;
		}
		(*v)[*n].inode = (unsigned long)inode;
		(*v)[(*n)++].pid = pid;
	}
	closedir(dir);
	return r;
}

/* Reads /proc/PID/cmdline: arguments joined by spaces, cleaned. */
static const char *
read_cmdline(int procfd, long pid, char *buf, size_t len)
{
	char rel[64];
	ssize_t n;
	size_t i;
	int fd;

	snprintf(rel, sizeof(rel), "%ld/cmdline", pid);
	if ((fd = openat(procfd, rel, O_RDONLY | O_CLOEXEC)) < 0)
		return NULL;
	n = read(fd, buf, len - 1);
	close(fd);
	if (n <= 0)
		return NULL; /* a kernel thread, or gone */
	for (i = 0; i < (size_t)n; i++) {
		if (buf[i] == '\0')
			buf[i] = ' ';
	}
	while (n > 0 && buf[n - 1] == ' ')
		n--;
	buf[n] = '\0';
	coll_clean(buf);
	return n > 0 ? buf : NULL;
}

static const char *
read_exe(int procfd, long pid, char *buf, size_t len)
{
	char rel[64];
	ssize_t n;

	snprintf(rel, sizeof(rel), "%ld/exe", pid);
	n = readlinkat(procfd, rel, buf, len);
	if (n <= 0 || (size_t)n >= len)
		return NULL;
	buf[n] = '\0';
	coll_clean(buf);
	return buf;
}

/*
 * Walks /proc: adds each process to h (when h is not NULL) and, when v
 * is not NULL, its socket descriptors to *v.
 */
static int
walk_proc(
    struct inv_host *h, struct proc_sock **v, size_t *n, struct rp_diags *d)
{
	char exe[PATH_MAX], cmd[CMDLINE_MAX + 1];
	struct inv_process p;
	struct dirent *e;
	size_t cap = 0, nproc = 0;
	DIR *dir;
	int r = 0;

	if ((dir = opendir("/proc")) == NULL) {
		rp_diags_add(
		    d, RP_DIAG_ERROR, NULL, NULL, "/proc: %s", strerror(errno));
		return RP_ERR_IO;
	}
	while (r == 0 && nproc < MAX_PROCS && (e = readdir(dir)) != NULL) {
		if ((p.pid = parse_pid(e->d_name)) < 0)
			continue;
		nproc++;
		if (v != NULL)
			r = map_fds(dirfd(dir), p.pid, v, n, &cap);
		if (h == NULL || r != 0)
			continue;
		p.exe = read_exe(dirfd(dir), p.pid, exe, sizeof(exe));
		p.cmdline = read_cmdline(dirfd(dir), p.pid, cmd, sizeof(cmd));
		r = inv_host_add_process(h, &p);
	}
	closedir(dir);
	return r;
}

int
collect_processes(struct inv_host *h, struct rp_diags *d)
{
	return walk_proc(h, NULL, NULL, d);
}

/* A /proc/net table (the kernel's own files: no root to stay inside). */
static int
read_net(const char *file, char **buf, size_t *len, struct rp_diags *d)
{
	int fd, r;

	if ((fd = open(file, O_RDONLY | O_CLOEXEC)) < 0) {
		if (errno == ENOENT)
			return RP_ERR_NOTFOUND;
		rp_diags_add(d, RP_DIAG_ERROR, NULL, NULL, "%s: %s", file,
		    strerror(errno));
		return RP_ERR_IO;
	}
	if ((r = coll_read_fd(fd, NET_FILE_MAX, buf, len)) != 0)
		rp_diags_add(d, RP_DIAG_ERROR, NULL, NULL, "%s: %s", file,
		    r == RP_ERR_LIMIT ? "too large" : strerror(errno));
	close(fd);
	return r;
}

int
collect_connections(struct inv_host *h, struct rp_diags *d)
{
	static const struct {
		const char *file, *proto;
		int v6;
	} tables[] = {
	    {"/proc/net/tcp", "tcp", 0},
	    {"/proc/net/tcp6", "tcp", 1},
	    {"/proc/net/udp", "udp", 0},
	    {"/proc/net/udp6", "udp", 1},
	};
	struct proc_sock *socks = NULL;
	size_t nsocks = 0, i, len;
	char *buf = NULL;
	int r, first = 0;

	if ((r = walk_proc(NULL, &socks, &nsocks, d)) != 0)
		goto out;
	if (nsocks > 0)
		qsort(socks, nsocks, sizeof(*socks), cmp_sock);
	for (i = 0; i < sizeof(tables) / sizeof(tables[0]); i++) {
		r = read_net(tables[i].file, &buf, &len, d);
		/* A kernel without IPv6 has no tcp6. */
		if (r == RP_ERR_NOTFOUND)
			continue;
		if (r == 0)
			r = proc_net_parse(buf, len, tables[i].file,
			    tables[i].proto, tables[i].v6, socks, nsocks, h, d);
		free(buf);
		buf = NULL;
		if (r == RP_ERR_NOMEM)
			goto out;
		if (r != 0 && first == 0)
			first = r;
	}
	r = first;
out:
	free(socks);
	return r;
}
