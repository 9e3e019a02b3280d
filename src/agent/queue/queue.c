/*
 * The upload queue (queue.h): items named by their seq in queue/, the
 * `seq` counter beside them, and the list of items kept in memory in seq
 * order.  The order of writes is what makes it crash-safe: `seq` is
 * raised before an item with that number is written, an item is written
 * before the items it supersedes are unlinked, and an item is unlinked
 * only after the server took it.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "queue.h"
#include "queue_int.h"
#include "util/err.h"

#define SEQ_FILE "seq"
#define SEQ_DIGITS 16
#define HEAD_MAGIC "rampart-queue 1 "
#define HEAD_MAX 64
/* 16 digits: the largest seq a name can carry. */
#define SEQ_MAX UINT64_C(9999999999999999)

struct queue {
	int dirfd; /* queue/, opened O_NOFOLLOW */
	uint64_t last_seq; /* the highest seq given out */
	struct queue_item *v; /* by seq, oldest first */
	size_t n, cap;
	uint64_t bytes;
};

static const char *const kind_names[] = {
    [QUEUE_DAMAGED] = "damaged",
    [QUEUE_INVENTORY_FULL] = "inventory-full",
    [QUEUE_INVENTORY_DELTA] = "inventory-delta",
    [QUEUE_SWEEP] = "sweep",
    [QUEUE_JOB_STATE] = "job-state",
};

const char *
queue_kind_name(enum queue_kind k)
{
	if ((unsigned)k >= sizeof(kind_names) / sizeof(kind_names[0]))
		return "damaged";
	return kind_names[k];
}

static void
item_name(uint64_t seq, char name[SEQ_DIGITS + 1])
{
	snprintf(name, SEQ_DIGITS + 1, "%016" PRIu64, seq);
}

/* A name of exactly 16 digits: its seq, else 0. */
static uint64_t
name_seq(const char *s)
{
	uint64_t v = 0;
	size_t i;

	for (i = 0; i < SEQ_DIGITS; i++) {
		if (s[i] < '0' || s[i] > '9')
			return 0;
		v = v * 10 + (uint64_t)(s[i] - '0');
	}
	return s[i] == '\0' ? v : 0;
}

/* Decimal digits of s[0..len) into *v (no sign, no overflow). */
static int
parse_u64(const char *s, size_t len, uint64_t *v)
{
	uint64_t x = 0;
	size_t i;

	if (len == 0 || len > 19)
		return -1;
	for (i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		x = x * 10 + (uint64_t)(s[i] - '0');
	}
	*v = x;
	return 0;
}

/*
 * Reads the header at the start of buf[0..len): its kind and the length
 * of the body that follows.  Returns the header's length, or 0 when it
 * is not one.
 */
static size_t
head_parse(const char *buf, size_t len, enum queue_kind *kind, uint64_t *blen)
{
	const char *nl = memchr(buf, '\n', len < HEAD_MAX ? len : HEAD_MAX);
	const char *p = buf + strlen(HEAD_MAGIC), *sp;
	unsigned k;

	if (nl == NULL || (size_t)(nl - buf) < strlen(HEAD_MAGIC) ||
	    memcmp(buf, HEAD_MAGIC, strlen(HEAD_MAGIC)) != 0)
		return 0;
	if ((sp = memchr(p, ' ', (size_t)(nl - p))) == NULL)
		return 0;
	for (k = QUEUE_INVENTORY_FULL; k <= QUEUE_KIND_LAST; k++) {
		if ((size_t)(sp - p) == strlen(kind_names[k]) &&
		    memcmp(p, kind_names[k], (size_t)(sp - p)) == 0)
			break;
	}
	if (k > QUEUE_KIND_LAST ||
	    parse_u64(sp + 1, (size_t)(nl - sp - 1), blen) != 0)
		return 0;
	*kind = (enum queue_kind)k;
	return (size_t)(nl - buf) + 1;
}

/* The kind of the item file fd of st_size bytes: QUEUE_DAMAGED when its
 * header does not read or does not match its size. */
static int
item_kind(int fd, const struct stat *st, const char *name,
    enum queue_kind *kind, char err[QUEUE_ERR_MAX])
{
	char buf[HEAD_MAX];
	size_t n =
	    (uint64_t)st->st_size < HEAD_MAX ? (size_t)st->st_size : HEAD_MAX;
	uint64_t blen;
	size_t hlen;
	int r;

	*kind = QUEUE_DAMAGED;
	if ((r = qf_read_exact(fd, name, buf, n, err)) != 0)
		return r == RP_ERR_INVALID ? 0 : r;
	hlen = head_parse(buf, n, kind, &blen);
	if (hlen == 0 || blen != (uint64_t)st->st_size - hlen)
		*kind = QUEUE_DAMAGED;
	return 0;
}

static int
list_add(struct queue *q, const struct queue_item *it)
{
	struct queue_item *v;
	size_t cap;

	if (q->n == q->cap) {
		cap = q->cap ? q->cap * 2 : 16;
		if ((v = realloc(q->v, cap * sizeof(*v))) == NULL)
			return RP_ERR_NOMEM;
		q->v = v;
		q->cap = cap;
	}
	q->v[q->n++] = *it;
	q->bytes += it->size;
	return 0;
}

static void
list_del(struct queue *q, size_t i)
{
	q->bytes -= q->v[i].size;
	memmove(&q->v[i], &q->v[i + 1], (q->n - i - 1) * sizeof(q->v[0]));
	q->n--;
}

static int
by_seq(const void *a, const void *b)
{
	const struct queue_item *x = a, *y = b;

	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* Reads `seq` into q->last_seq (0 when there is none yet). */
static int
seq_load(struct queue *q, char err[QUEUE_ERR_MAX])
{
	char buf[32];
	struct stat st;
	uint64_t v;
	size_t len;
	int fd, r;

	if ((fd = qf_open_read(q->dirfd, SEQ_FILE, &st, err)) < 0)
		return fd == RP_ERR_NOTFOUND ? 0 : fd;
	if (st.st_size < 2 || st.st_size >= (off_t)sizeof(buf)) {
		close(fd);
		snprintf(err, QUEUE_ERR_MAX, SEQ_FILE ": not a number");
		return RP_ERR_INVALID;
	}
	len = (size_t)st.st_size;
	r = qf_read_exact(fd, SEQ_FILE, buf, len, err);
	close(fd);
	if (r != 0)
		return r;
	if (buf[len - 1] != '\n' || parse_u64(buf, len - 1, &v) != 0) {
		snprintf(err, QUEUE_ERR_MAX, SEQ_FILE ": not a number");
		return RP_ERR_INVALID;
	}
	q->last_seq = v;
	return 0;
}

/* Takes in item file name (seq): checked, its header read. */
static int
item_load(
    struct queue *q, const char *name, uint64_t seq, char err[QUEUE_ERR_MAX])
{
	struct queue_item it = {.seq = seq};
	struct stat st;
	int fd, r;

	if ((fd = qf_open_read(q->dirfd, name, &st, err)) < 0)
		return fd == RP_ERR_NOTFOUND ? 0 : fd;
	it.size = (uint64_t)st.st_size;
	r = item_kind(fd, &st, name, &it.kind, err);
	close(fd);
	if (r == 0 && (r = list_add(q, &it)) != 0)
		snprintf(err, QUEUE_ERR_MAX, "out of memory");
	if (r == 0 && seq > q->last_seq)
		q->last_seq = seq;
	return r;
}

/* Lists queue/: loads the items, removes what a killed writer left. */
static int
scan(struct queue *q, char err[QUEUE_ERR_MAX])
{
	struct dirent *e;
	size_t len;
	uint64_t seq;
	DIR *d;
	int fd, r = 0;

	if ((fd = dup(q->dirfd)) < 0 || (d = fdopendir(fd)) == NULL) {
		snprintf(err, QUEUE_ERR_MAX, "cannot list " QUEUE_DIR ": %s",
		    strerror(errno));
		if (fd >= 0)
			close(fd);
		return RP_ERR_IO;
	}
	while (r == 0 && (errno = 0, e = readdir(d)) != NULL) {
		len = strlen(e->d_name);
		if (e->d_name[0] == '.' && len > 5 &&
		    strcmp(e->d_name + len - 4, ".tmp") == 0)
			(void)unlinkat(q->dirfd, e->d_name, 0);
		else if ((seq = name_seq(e->d_name)) != 0)
			r = item_load(q, e->d_name, seq, err);
	}
	if (r == 0 && errno != 0) {
		snprintf(err, QUEUE_ERR_MAX, "cannot list " QUEUE_DIR ": %s",
		    strerror(errno));
		r = RP_ERR_IO;
	}
	closedir(d);
	if (r == 0 && q->n > 1)
		qsort(q->v, q->n, sizeof(q->v[0]), by_seq);
	return r;
}

static int seq_store(struct queue *q, uint64_t seq, char err[QUEUE_ERR_MAX]);

/* Opens queue/ (made 0700 when missing) into q->dirfd. */
static int
dir_open(int statefd, struct queue *q, char err[QUEUE_ERR_MAX])
{
	struct stat st;
	int made = 0;

	if (mkdirat(statefd, QUEUE_DIR, 0700) == 0)
		made = 1;
	else if (errno != EEXIST) {
		snprintf(err, QUEUE_ERR_MAX, "cannot create " QUEUE_DIR ": %s",
		    strerror(errno));
		return RP_ERR_IO;
	}
	q->dirfd = openat(statefd, QUEUE_DIR,
	    O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (q->dirfd < 0) {
		snprintf(err, QUEUE_ERR_MAX, QUEUE_DIR ": %s",
		    errno == ELOOP || errno == ENOTDIR
			? "not a directory (a symbolic link is refused)"
			: strerror(errno));
		return errno == ELOOP || errno == ENOTDIR ? RP_ERR_INVALID
							  : RP_ERR_IO;
	}
	/* mkdir's mode went through the umask; and the new entry must
	   outlive a crash before anything is put in it */
	if ((made && (fchmod(q->dirfd, 0700) != 0 || fsync(statefd) != 0)) ||
	    fstat(q->dirfd, &st) != 0) {
		snprintf(err, QUEUE_ERR_MAX, QUEUE_DIR ": %s", strerror(errno));
		return RP_ERR_IO;
	}
	return qf_trusted(&st, QUEUE_DIR, err);
}

int
queue_open(int statefd, struct queue **out, char err[QUEUE_ERR_MAX])
{
	struct queue *q;
	uint64_t stored;
	int r;

	*out = NULL;
	if ((q = calloc(1, sizeof(*q))) == NULL) {
		snprintf(err, QUEUE_ERR_MAX, "out of memory");
		return RP_ERR_NOMEM;
	}
	q->dirfd = -1;
	if ((r = dir_open(statefd, q, err)) != 0 ||
	    (r = seq_load(q, err)) != 0) {
		queue_free(q);
		return r;
	}
	stored = q->last_seq;
	if ((r = scan(q, err)) != 0 ||
	    /* items above `seq` (put there by hand, a restored backup):
	       raised now, or their numbers would come back once they
	       are sent and removed */
	    (q->last_seq > stored &&
		(r = seq_store(q, q->last_seq, err)) != 0)) {
		queue_free(q);
		return r;
	}
	*out = q;
	return 0;
}

void
queue_free(struct queue *q)
{
	if (q == NULL)
		return;
	if (q->dirfd >= 0)
		close(q->dirfd);
	free(q->v);
	free(q);
}

const struct queue_item *
queue_items(const struct queue *q, size_t *n)
{
	*n = q->n;
	return q->v;
}

uint64_t
queue_bytes(const struct queue *q)
{
	return q->bytes;
}

uint64_t
queue_last_seq(const struct queue *q)
{
	return q->last_seq;
}

static int
is_inventory(enum queue_kind k)
{
	return k == QUEUE_INVENTORY_FULL || k == QUEUE_INVENTORY_DELTA;
}

/* Whether an item of size bytes fits once the inventories go (when a
 * full inventory supersedes them). */
static int
fits(const struct queue *q, uint64_t size, int supersede)
{
	uint64_t bytes = q->bytes;
	size_t i, n = q->n;

	for (i = 0; supersede && i < q->n; i++) {
		if (is_inventory(q->v[i].kind)) {
			n--;
			bytes -= q->v[i].size;
		}
	}
	return n + 1 <= QUEUE_MAX_ITEMS && size <= QUEUE_MAX_BYTES - bytes;
}

/* Unlinks the inventories older than seq; how many went.  A failure
 * leaves that item queued: it is sent, which is harmless. */
static size_t
supersede(struct queue *q, uint64_t seq)
{
	char name[SEQ_DIGITS + 1], err[QUEUE_ERR_MAX];
	size_t i = 0, gone = 0;

	while (i < q->n) {
		if (q->v[i].seq < seq && is_inventory(q->v[i].kind)) {
			item_name(q->v[i].seq, name);
			if (qf_unlink(q->dirfd, name, err) == 0) {
				list_del(q, i);
				gone++;
				continue;
			}
		}
		i++;
	}
	if (gone > 0)
		(void)qf_sync_dir(q->dirfd, err);
	return gone;
}

/* Raises `seq` to seq, durably, before an item may carry it. */
static int
seq_store(struct queue *q, uint64_t seq, char err[QUEUE_ERR_MAX])
{
	char text[32];
	int n = snprintf(text, sizeof(text), "%" PRIu64 "\n", seq);

	return qf_write_atomic(q->dirfd, SEQ_FILE, "", 0, text, (size_t)n, err);
}

int
queue_add(struct queue *q, enum queue_kind kind, json_t *body, uint64_t *seq,
    size_t *superseded, char err[QUEUE_ERR_MAX])
{
	struct queue_item it = {.kind = kind};
	char name[SEQ_DIGITS + 1], head[HEAD_MAX], *text = NULL;
	size_t tlen, gone;
	int hlen, r;

	if (kind < QUEUE_INVENTORY_FULL || kind > QUEUE_KIND_LAST ||
	    !json_is_object(body) || q->last_seq >= SEQ_MAX) {
		snprintf(err, QUEUE_ERR_MAX, "not an item to queue");
		return RP_ERR_ARG;
	}
	it.seq = q->last_seq + 1;
	if (json_object_set_new(
		body, "seq", json_integer((json_int_t)it.seq)) != 0 ||
	    (text = json_dumps(body, JSON_COMPACT)) == NULL) {
		snprintf(err, QUEUE_ERR_MAX, "out of memory");
		r = RP_ERR_NOMEM;
		goto out;
	}
	tlen = strlen(text);
	hlen = snprintf(
	    head, sizeof(head), HEAD_MAGIC "%s %zu\n", kind_names[kind], tlen);
	it.size = (uint64_t)hlen + tlen;
	if (!fits(q, it.size, kind == QUEUE_INVENTORY_FULL)) {
		snprintf(err, QUEUE_ERR_MAX,
		    "the queue is full (%zu items, %" PRIu64 " bytes; at most "
		    "%d and %" PRIu64 ")",
		    q->n, q->bytes, QUEUE_MAX_ITEMS, QUEUE_MAX_BYTES);
		r = RP_ERR_LIMIT;
		goto out;
	}
	if ((r = seq_store(q, it.seq, err)) != 0)
		goto out;
	q->last_seq = it.seq; /* given out now, whatever follows */
	item_name(it.seq, name);
	if ((r = qf_write_atomic(
		 q->dirfd, name, head, (size_t)hlen, text, tlen, err)) != 0)
		goto out;
	if ((r = list_add(q, &it)) != 0) {
		/* it is on disk: the next queue_open lists it */
		snprintf(err, QUEUE_ERR_MAX, "out of memory");
		goto out;
	}
	gone = kind == QUEUE_INVENTORY_FULL ? supersede(q, it.seq) : 0;
	if (superseded != NULL)
		*superseded = gone;
	*seq = it.seq;
	r = 0;
out:
	if (r != 0)
		json_object_del(body, "seq");
	free(text);
	return r;
}

int
queue_read(struct queue *q, uint64_t seq, char **body, size_t *len,
    char err[QUEUE_ERR_MAX])
{
	char name[SEQ_DIGITS + 1], *buf;
	enum queue_kind kind;
	struct stat st;
	uint64_t blen;
	size_t hlen;
	int fd, r;

	*body = NULL;
	item_name(seq, name);
	if ((fd = qf_open_read(q->dirfd, name, &st, err)) < 0)
		return fd;
	if ((uint64_t)st.st_size > QUEUE_MAX_BYTES) {
		snprintf(err, QUEUE_ERR_MAX, "%s: larger than the queue", name);
		close(fd);
		return RP_ERR_INVALID;
	}
	if ((buf = malloc((size_t)st.st_size + 1)) == NULL) {
		snprintf(err, QUEUE_ERR_MAX, "out of memory");
		close(fd);
		return RP_ERR_NOMEM;
	}
	r = qf_read_exact(fd, name, buf, (size_t)st.st_size, err);
	close(fd);
	if (r != 0) {
		free(buf);
		return r;
	}
	hlen = head_parse(buf, (size_t)st.st_size, &kind, &blen);
	if (hlen == 0 || blen != (uint64_t)st.st_size - hlen) {
		snprintf(err, QUEUE_ERR_MAX,
		    "%s: damaged (its header does not read or does not match "
		    "its size)",
		    name);
		free(buf);
		return RP_ERR_INVALID;
	}
	memmove(buf, buf + hlen, (size_t)blen);
	buf[blen] = '\0';
	*body = buf;
	*len = (size_t)blen;
	return 0;
}

int
queue_remove(struct queue *q, uint64_t seq, char err[QUEUE_ERR_MAX])
{
	char name[SEQ_DIGITS + 1];
	size_t i;
	int r;

	item_name(seq, name);
	if ((r = qf_unlink(q->dirfd, name, err)) != 0 ||
	    (r = qf_sync_dir(q->dirfd, err)) != 0)
		return r;
	for (i = 0; i < q->n; i++) {
		if (q->v[i].seq == seq) {
			list_del(q, i);
			break;
		}
	}
	return 0;
}
