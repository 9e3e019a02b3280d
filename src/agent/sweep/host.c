/*
 * The live checks: running processes and open connections against the
 * same indicators as the file sweep.  A process's executable is read
 * through plat_exe_open, which reaches the image the kernel is running
 * even when the file on disk was deleted or replaced; executables shared by
 * many processes are read once (by device and inode).  Connections are
 * matched by remote address; domains cannot be, since /proc knows only
 * addresses.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sweep/sweep_int.h"
#include "util/err.h"

#define EXE_SEEN_MAX 1024
#define EXE_YARA_MAX 8
#define MATCH_MAX (EXE_YARA_MAX + 4)

struct exe_seen {
	uint64_t dev, ino;
	struct digests dg;
	struct yara_hit yh[EXE_YARA_MAX];
	size_t nyh;
};

struct host_ctx {
	const struct sweep_rules *r;
	struct sweep_report *rep;
	struct scanner sc;
	struct tcounters tc;
	struct exe_seen *seen;
	size_t nseen;
	unsigned want;
};

/* The base name of an executable path, without " (deleted)". */
static void
exe_base(const char *exe, char *out, size_t outsz)
{
	const char *b = strrchr(exe, '/');
	size_t n;

	b = b != NULL ? b + 1 : exe;
	n = strlen(b);
	if (n > 10 && strcmp(b + n - 10, " (deleted)") == 0)
		n -= 10;
	if (n >= outsz)
		n = outsz - 1;
	memcpy(out, b, n);
	out[n] = '\0';
}

/* Reads the executable of pid (or finds it among those read); NULL when
   it cannot be read (counted). */
static const struct exe_seen *
read_exe(struct host_ctx *hc, long pid, struct stat *st)
{
	char p[64];
	struct exe_seen *e, tmp;
	struct sweep_incomplete inc;
	size_t i;
	int fd, r, yara;

	plat_exe_label(pid, p, sizeof(p));
	if ((fd = plat_exe_open(pid)) < 0) {
		if (errno == ENOENT || errno == ESRCH)
			CNT_ADD(&hc->tc, skip_vanished, 1);
		else
			CNT_ADD(&hc->tc, skip_permission, 1);
		return NULL;
	}
	if (fstat(fd, st) != 0 || !S_ISREG(st->st_mode)) {
		close(fd);
		CNT_ADD(&hc->tc, skip_special, 1);
		return NULL;
	}
	for (i = 0; i < hc->nseen; i++)
		if (hc->seen[i].dev == (uint64_t)st->st_dev &&
		    hc->seen[i].ino == (uint64_t)st->st_ino) {
			close(fd);
			return &hc->seen[i];
		}
	yara = hc->r->yr != NULL &&
	    (uint64_t)st->st_size <= SWEEP_YARA_MAX_SIZE_DEFAULT;
	CNT_ADD(&hc->tc, files_opened, 1);
	memset(&tmp, 0, sizeof(tmp));
	r = scan_fd(&hc->sc, fd, st, hc->want, yara, &tmp.dg);
	close(fd);
	if (r == SCAN_BUDGET || r == SCAN_FAILED) {
		/* Counted by the scanner; listed like a file. */
		memset(&inc, 0, sizeof(inc));
		inc.why = r == SCAN_BUDGET ? SWEEP_INCOMPLETE_BUDGET
					   : SWEEP_INCOMPLETE_SCANNER;
		inc.path = p;
		inc.dev = st->st_dev;
		inc.ino = st->st_ino;
		inc.size = (uint64_t)st->st_size;
		if (report_add_incomplete(hc->rep, &inc) != 0)
			CNT_ADD(&hc->tc, errors, 1);
		return NULL;
	}
	if (r != 0) {
		CNT_ADD(&hc->tc, skip_changed, 1);
		return NULL;
	}
	tmp.dev = st->st_dev;
	tmp.ino = st->st_ino;
	tmp.nyh = hc->sc.nyh < EXE_YARA_MAX ? hc->sc.nyh : EXE_YARA_MAX;
	memcpy(tmp.yh, hc->sc.yh, tmp.nyh * sizeof(tmp.yh[0]));
	e = hc->nseen < EXE_SEEN_MAX ? &hc->seen[hc->nseen++]
				     : &hc->seen[EXE_SEEN_MAX - 1];
	*e = tmp;
	return e;
}

static int
check_process(struct host_ctx *hc, const struct inv_process *p)
{
	struct sweep_match m[MATCH_MAX];
	const struct exe_seen *e;
	const struct ioc *nh = NULL;
	struct sweep_hit h;
	struct stat st;
	char base[256], path[64];
	size_t nm = 0;

	if (p->exe != NULL && ioc_index_count(hc->r->x, IOC_FILENAME) > 0) {
		exe_base(p->exe, base, sizeof(base));
		nh = ioc_index_filename(hc->r->x, base);
	}
	if (nh != NULL) {
		memset(&m[0], 0, sizeof(m[0]));
		m[nm++].ioc = nh;
	}
	memset(&h, 0, sizeof(h));
	if ((e = read_exe(hc, p->pid, &st)) != NULL) {
		nm += rules_match(hc->r, &e->dg, (uint64_t)st.st_size, e->yh,
		    e->nyh, m + nm, MATCH_MAX - nm);
		if (e->dg.flags & DIG_SHA256)
			hex_encode(e->dg.sha256, 32, h.sha256);
		if (e->dg.flags & DIG_SHA1)
			hex_encode(e->dg.sha1, 20, h.sha1);
		if (e->dg.flags & DIG_MD5)
			hex_encode(e->dg.md5, 16, h.md5);
		h.dev = st.st_dev;
		h.ino = st.st_ino;
		h.size = (uint64_t)st.st_size;
		h.mtime_ns = (int64_t)st.st_mtim.tv_sec * 1000000000 +
		    st.st_mtim.tv_nsec;
	}
	if (nm == 0)
		return 0;
	h.kind = SWEEP_HIT_PROCESS;
	plat_exe_label(p->pid, path, sizeof(path));
	h.path = p->exe != NULL ? p->exe : path;
	h.pid = p->pid;
	return report_add_hit(hc->rep, &h, m, nm);
}

static int
check_conn(struct host_ctx *hc, const struct inv_conn *c)
{
	struct sweep_match m;
	struct sweep_hit h;
	const struct ioc *v;

	if (c->remote_ip == NULL ||
	    (v = ioc_index_ip(hc->r->x, c->remote_ip)) == NULL)
		return 0;
	memset(&m, 0, sizeof(m));
	m.ioc = v;
	memset(&h, 0, sizeof(h));
	h.kind = SWEEP_HIT_CONNECTION;
	h.pid = c->pid;
	h.conn = c;
	return report_add_hit(hc->rep, &h, &m, 1);
}

int
sweep_check_host(const struct inv_host *h, const struct sweep_rules *rules,
    struct sweep_report *rep, struct rp_diags *d)
{
	struct host_ctx hc;
	size_t i;
	int r = RP_ERR_NOMEM;

	memset(&hc, 0, sizeof(hc));
	hc.r = rules;
	hc.rep = rep;
	hc.want = DIG_SHA256;
	if (ioc_index_count(rules->x, IOC_SHA1) > 0)
		hc.want |= DIG_SHA1;
	if (ioc_index_count(rules->x, IOC_MD5) > 0)
		hc.want |= DIG_MD5;
	if ((hc.seen = calloc(EXE_SEEN_MAX, sizeof(*hc.seen))) == NULL)
		goto out;
	if (h->nprocs > 0 &&
	    (rules->any_hash || rules->yr != NULL ||
		ioc_index_count(rules->x, IOC_FILENAME) > 0)) {
		if ((r = scanner_init(&hc.sc, rules, SWEEP_YARA_TIMEOUT_DEFAULT,
			 SWEEP_YARA_MAX_SIZE_DEFAULT, SWEEP_WORK_BUDGET_DEFAULT,
			 &hc.tc)) != 0)
			goto out;
		for (i = 0; i < h->nprocs; i++)
			if ((r = check_process(&hc, &h->procs[i])) != 0)
				goto out;
	}
	for (i = 0; i < h->nconns; i++)
		if ((r = check_conn(&hc, &h->conns[i])) != 0)
			goto out;
	r = 0;
out:
	if (hc.sc.tc != NULL)
		scanner_fini(&hc.sc);
	report_add_counters(rep, &hc.tc);
	free(hc.seen);
	return r;
}
