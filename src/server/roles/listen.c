/*
 * The listening sockets, bound by the parent so that the http role needs
 * no privilege for low ports and can be restarted without a moment in
 * which the port is closed.  IPv6 sockets are IPv6-only, so "[::]:8443"
 * and "0.0.0.0:8443" can be listed together.
 */
#include "roles/roles.h"

#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "conf/conf.h"
#include "err.h"

#define LISTEN_BACKLOG 511

int
listen_open(const struct conf *c, int *fds, char *err, size_t errlen)
{
	size_t i;
	int one = 1;

	for (i = 0; i < c->nlisten; i++) {
		const struct conf_listen *l = &c->listen[i];
		int fd = socket(l->sa.ss_family,
		    SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
		if (fd < 0 ||
		    setsockopt(
			fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) != 0 ||
		    (l->sa.ss_family == AF_INET6 &&
			setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one,
			    sizeof(one)) != 0) ||
		    bind(fd, (const struct sockaddr *)&l->sa, l->salen) != 0 ||
		    listen(fd, LISTEN_BACKLOG) != 0) {
			snprintf(err, errlen, "server.listen %s: %s", l->text,
			    strerror(errno));
			if (fd >= 0)
				close(fd);
			while (i-- > 0)
				close(fds[i]);
			return RP_ERR_IO;
		}
		fds[i] = fd;
	}
	return 0;
}
