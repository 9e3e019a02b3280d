/*
 * Bounded opening and reading of input files (input.h).  The size of a
 * regular file is checked on the opened descriptor (fstat), so a huge
 * file costs nothing and a file swapped after a path check is still the
 * one measured; streams without a size are cut at the cap while reading.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "err.h"
#include "input.h"

void
rp_input_too_large(struct rp_diags *d, unsigned long long size, size_t max)
{
	if (size > 0)
		rp_diags_add(d, RP_DIAG_ERROR, NULL, NULL,
		    "file is %llu bytes; the cap for this kind of input is "
		    "%zu bytes (%zu MiB)",
		    size, max, max >> 20);
	else
		rp_diags_add(d, RP_DIAG_ERROR, NULL, NULL,
		    "input is larger than the cap for this kind of input, "
		    "%zu bytes (%zu MiB)",
		    max, max >> 20);
}

int
rp_input_open(const char *path, size_t max, FILE **out, struct rp_diags *d)
{
	struct stat st;
	FILE *f;
	int fd = -1, err;

	*out = NULL;
	if (strcmp(path, "-") == 0)
		f = stdin;
	else if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY)) < 0 ||
	    (f = fdopen(fd, "rb")) == NULL) {
		err = errno;
		rp_diags_add(d, RP_DIAG_ERROR, NULL, NULL, "cannot open: %s",
		    strerror(err));
		if (fd >= 0)
			close(fd);
		/* a missing file is not an unreadable one */
		if (err == ENOENT || err == ENOTDIR)
			return RP_ERR_NOTFOUND;
		return err == ENOMEM ? RP_ERR_NOMEM : RP_ERR_IO;
	}
	if (fstat(fileno(f), &st) != 0) {
		rp_diags_add(d, RP_DIAG_ERROR, NULL, NULL, "cannot stat: %s",
		    strerror(errno));
		rp_input_close(f);
		return RP_ERR_IO;
	}
	if (S_ISDIR(st.st_mode)) {
		rp_diags_add(
		    d, RP_DIAG_ERROR, NULL, NULL, "is a directory, not a file");
		rp_input_close(f);
		return RP_ERR_IO;
	}
	if (S_ISREG(st.st_mode) && (unsigned long long)st.st_size > max) {
		rp_input_too_large(d, (unsigned long long)st.st_size, max);
		rp_input_close(f);
		return RP_ERR_LIMIT;
	}
	*out = f;
	return 0;
}

void
rp_input_close(FILE *f)
{
	if (f != NULL && f != stdin)
		fclose(f);
}

int
rp_input_read(
    const char *path, size_t max, char **buf, size_t *len, struct rp_diags *d)
{
	struct stat st;
	size_t cap, n = 0, got;
	char *b = NULL, *nb, c;
	FILE *f;
	int r;

	*buf = NULL;
	*len = 0;
	if ((r = rp_input_open(path, max, &f, d)) != 0)
		return r;
	/* a regular file's size is known: one allocation of exactly that */
	cap = fstat(fileno(f), &st) == 0 && S_ISREG(st.st_mode)
	    ? (size_t)st.st_size + 1
	    : 65536;
	r = RP_ERR_NOMEM;
	if ((b = malloc(cap)) == NULL)
		goto out;
	for (;;) {
		if (n + 1 == cap) {
			/* full: at the end (the usual case for a regular
			 * file), or the stream goes on and the buffer grows */
			if (fread(&c, 1, 1, f) == 0)
				break;
			if (n + 1 > max) {
				rp_input_too_large(d, 0, max);
				r = RP_ERR_LIMIT;
				goto out;
			}
			cap = cap > max / 2 ? max + 2 : cap * 2;
			if ((nb = realloc(b, cap)) == NULL)
				goto out;
			b = nb;
			b[n++] = c;
			continue;
		}
		if ((got = fread(b + n, 1, cap - 1 - n, f)) == 0)
			break;
		n += got;
	}
	if (ferror(f)) {
		rp_diags_add(d, RP_DIAG_ERROR, NULL, NULL, "cannot read: %s",
		    strerror(errno));
		r = RP_ERR_IO;
		goto out;
	}
	if (n > max) {
		rp_input_too_large(d, 0, max);
		r = RP_ERR_LIMIT;
		goto out;
	}
	b[n] = '\0';
	*buf = b;
	*len = n;
	b = NULL;
	r = 0;
out:
	free(b);
	rp_input_close(f);
	return r;
}
