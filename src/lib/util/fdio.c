/* Whole-buffer reads and writes on a file descriptor (fdio.h). */
#include "fdio.h"

#include <errno.h>
#include <unistd.h>

int
rp_write_all(int fd, const void *p, size_t n)
{
	const char *c = p;
	ssize_t w;

	while (n > 0) {
		if ((w = write(fd, c, n)) < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (w == 0) {
			errno = EIO;
			return -1;
		}
		c += w;
		n -= (size_t)w;
	}
	return 0;
}

size_t
rp_read_full(int fd, void *buf, size_t n)
{
	char *c = buf;
	size_t got = 0;
	ssize_t r;

	while (got < n) {
		if ((r = read(fd, c + got, n - got)) < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		got += (size_t)r;
	}
	return got;
}
