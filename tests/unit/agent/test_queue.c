/*
 * The agent's upload queue (src/agent/queue): seq numbers never given out
 * twice (across reopening, after the queue was emptied, when `seq` lags
 * behind the items), order, the two bounds, superseded inventories,
 * damaged and refused files, state files; and crash safety: a child runs
 * a script of queue operations and is SIGKILLed at its k-th durable step
 * (the crash-test hook counts them), for every k until the script
 * completes; after each kill the reopened queue must hold every item
 * whose queue_add returned and that was not removed or superseded, each
 * whole and once, nothing else but the operation cut short, no temporary
 * file, and a new item must get a seq above every one seen.  (A kill
 * shows what a process crash leaves; what power loss leaves depends on
 * the fsyncs, which the hook counts as steps.)
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "queue/queue.h"
#include "util/err.h"
#include "util/str.h"

struct fx {
	char base[64];
	int fd; /* the state directory */
};

static int
setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	snprintf(f->base, sizeof(f->base), "/tmp/rampart-queue.XXXXXX");
	assert_non_null(mkdtemp(f->base));
	f->fd = open(f->base, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	assert_true(f->fd >= 0);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fx *f = *state;
	char *cmd = rp_asprintf("rm -rf '%s'", f->base);

	assert_non_null(cmd);
	assert_int_equal(system(cmd), 0);
	free(cmd);
	close(f->fd);
	free(f);
	return 0;
}

static struct queue *
qopen(int fd)
{
	char err[QUEUE_ERR_MAX];
	struct queue *q = NULL;
	int r = queue_open(fd, &q, err);

	if (r != 0)
		fail_msg("queue_open: %s", err);
	return q;
}

/* Queues {"i": i, "pad": <pad bytes>} as kind; returns its seq. */
static uint64_t
add(struct queue *q, enum queue_kind kind, int i, size_t pad)
{
	char err[QUEUE_ERR_MAX], *p = calloc(1, pad + 1);
	uint64_t seq = 0;
	json_t *b;
	int r;

	assert_non_null(p);
	memset(p, 'x', pad);
	b = json_pack("{s:i, s:s}", "i", i, "pad", p);
	assert_non_null(b);
	r = queue_add(q, kind, b, &seq, NULL, err);
	if (r != 0)
		fail_msg("queue_add %d: %s", i, err);
	assert_int_equal(json_integer_value(json_object_get(b, "seq")), seq);
	json_decref(b);
	free(p);
	return seq;
}

/* Item seq's body, parsed; "seq" in it must be seq. */
static json_t *
body_of(struct queue *q, uint64_t seq)
{
	char err[QUEUE_ERR_MAX], *text = NULL;
	size_t len;
	json_t *v;
	int r = queue_read(q, seq, &text, &len, err);

	if (r != 0)
		fail_msg("queue_read %llu: %s", (unsigned long long)seq, err);
	assert_int_equal(strlen(text), len);
	v = json_loadb(text, len, 0, NULL);
	assert_non_null(v);
	assert_int_equal(json_integer_value(json_object_get(v, "seq")), seq);
	free(text);
	return v;
}

static void
test_seq_never_reused(void **state)
{
	struct fx *f = *state;
	char err[QUEUE_ERR_MAX], path[128];
	struct queue *q = qopen(f->fd);
	size_t n;
	FILE *fp;

	assert_int_equal(add(q, QUEUE_SWEEP, 1, 0), 1);
	assert_int_equal(add(q, QUEUE_SWEEP, 2, 0), 2);
	assert_int_equal(add(q, QUEUE_SWEEP, 3, 0), 3);
	/* emptied, closed, reopened: the numbers go on */
	assert_int_equal(queue_remove(q, 1, err), 0);
	assert_int_equal(queue_remove(q, 2, err), 0);
	assert_int_equal(queue_remove(q, 3, err), 0);
	queue_items(q, &n);
	assert_int_equal(n, 0);
	queue_free(q);
	q = qopen(f->fd);
	assert_int_equal(queue_last_seq(q), 3);
	assert_int_equal(add(q, QUEUE_SWEEP, 4, 0), 4);
	assert_int_equal(add(q, QUEUE_SWEEP, 5, 0), 5);
	queue_free(q);
	/* `seq` behind the items (as no crash leaves it, but a restored
	   backup might): the largest item name wins */
	snprintf(path, sizeof(path), "%s/" QUEUE_DIR "/seq", f->base);
	fp = fopen(path, "w");
	assert_non_null(fp);
	fputs("1\n", fp);
	fclose(fp);
	q = qopen(f->fd);
	assert_int_equal(queue_last_seq(q), 5);
	/* and raised on disk: once those items are sent and gone, their
	   numbers still do not come back */
	assert_int_equal(queue_remove(q, 4, err), 0);
	assert_int_equal(queue_remove(q, 5, err), 0);
	queue_free(q);
	q = qopen(f->fd);
	assert_int_equal(queue_last_seq(q), 5);
	assert_int_equal(add(q, QUEUE_SWEEP, 6, 0), 6);
	queue_free(q);
}

static void
test_order_and_bodies(void **state)
{
	struct fx *f = *state;
	struct queue *q = qopen(f->fd);
	const struct queue_item *v;
	json_t *b;
	size_t n, i;

	add(q, QUEUE_SWEEP, 10, 0);
	add(q, QUEUE_INVENTORY_DELTA, 11, 0);
	add(q, QUEUE_SWEEP, 12, 0);
	queue_free(q);
	q = qopen(f->fd);
	v = queue_items(q, &n);
	assert_int_equal(n, 3);
	for (i = 0; i < n; i++) {
		assert_int_equal(v[i].seq, i + 1);
		b = body_of(q, v[i].seq);
		assert_int_equal(
		    json_integer_value(json_object_get(b, "i")), 10 + i);
		json_decref(b);
	}
	assert_int_equal(v[1].kind, QUEUE_INVENTORY_DELTA);
	assert_int_equal(v[2].kind, QUEUE_SWEEP);
	queue_free(q);
}

static void
test_bound_items(void **state)
{
	struct fx *f = *state;
	struct queue *q = qopen(f->fd);
	char err[QUEUE_ERR_MAX];
	uint64_t seq = 0;
	json_t *b;
	size_t n;
	int i;

	for (i = 0; i < QUEUE_MAX_ITEMS; i++)
		add(q, QUEUE_SWEEP, i, 0);
	b = json_pack("{s:i}", "i", 999);
	assert_int_equal(
	    queue_add(q, QUEUE_SWEEP, b, &seq, NULL, err), RP_ERR_LIMIT);
	/* nothing changed: no number given out, the body as it was */
	assert_null(json_object_get(b, "seq"));
	assert_int_equal(queue_last_seq(q), QUEUE_MAX_ITEMS);
	queue_items(q, &n);
	assert_int_equal(n, QUEUE_MAX_ITEMS);
	/* a full inventory cannot make room among sweeps either */
	assert_int_equal(queue_add(q, QUEUE_INVENTORY_FULL, b, &seq, NULL, err),
	    RP_ERR_LIMIT);
	/* one out, one in */
	assert_int_equal(queue_remove(q, 1, err), 0);
	assert_int_equal(queue_add(q, QUEUE_SWEEP, b, &seq, NULL, err), 0);
	assert_int_equal(seq, QUEUE_MAX_ITEMS + 1);
	json_decref(b);
	queue_free(q);
}

static void
test_bound_bytes(void **state)
{
	struct fx *f = *state;
	struct queue *q = qopen(f->fd);
	char err[QUEUE_ERR_MAX], *p;
	size_t pad = (size_t)20 << 20;
	uint64_t seq = 0;
	json_t *b;

	add(q, QUEUE_SWEEP, 1, pad);
	add(q, QUEUE_SWEEP, 2, pad);
	add(q, QUEUE_SWEEP, 3, pad);
	assert_true(queue_bytes(q) > 3 * pad && queue_bytes(q) < 4 * pad);
	p = calloc(1, pad + 1);
	assert_non_null(p);
	memset(p, 'y', pad);
	b = json_pack("{s:i, s:s}", "i", 4, "pad", p);
	assert_non_null(b);
	assert_int_equal(
	    queue_add(q, QUEUE_SWEEP, b, &seq, NULL, err), RP_ERR_LIMIT);
	/* a small one still fits */
	assert_int_equal(add(q, QUEUE_SWEEP, 5, 100), 4);
	json_decref(b);
	free(p);
	queue_free(q);
}

static void
test_supersede(void **state)
{
	struct fx *f = *state;
	struct queue *q = qopen(f->fd);
	const struct queue_item *v;
	char err[QUEUE_ERR_MAX];
	size_t n, gone = 0;
	uint64_t seq;
	json_t *b;
	int i;

	add(q, QUEUE_INVENTORY_FULL, 1, 0);
	add(q, QUEUE_INVENTORY_DELTA, 2, 0);
	add(q, QUEUE_SWEEP, 3, 0);
	add(q, QUEUE_INVENTORY_DELTA, 4, 0);
	b = json_pack("{s:i}", "i", 5);
	assert_int_equal(
	    queue_add(q, QUEUE_INVENTORY_FULL, b, &seq, &gone, err), 0);
	json_decref(b);
	assert_int_equal(seq, 5);
	assert_int_equal(gone, 3);
	v = queue_items(q, &n);
	assert_int_equal(n, 2);
	assert_int_equal(v[0].seq, 3);
	assert_int_equal(v[1].seq, 5);
	queue_free(q);
	/* on disk too */
	q = qopen(f->fd);
	v = queue_items(q, &n);
	assert_int_equal(n, 2);
	assert_int_equal(v[0].kind, QUEUE_SWEEP);
	assert_int_equal(v[1].kind, QUEUE_INVENTORY_FULL);
	/* inventories never fill the queue: deltas up to the bound, then a
	   full one replaces them all */
	for (i = 0; i < QUEUE_MAX_ITEMS - 2; i++)
		add(q, QUEUE_INVENTORY_DELTA, 100 + i, 0);
	queue_items(q, &n);
	assert_int_equal(n, QUEUE_MAX_ITEMS);
	b = json_pack("{s:i}", "i", 1000);
	assert_int_equal(
	    queue_add(q, QUEUE_INVENTORY_FULL, b, &seq, &gone, err), 0);
	json_decref(b);
	assert_int_equal(gone, QUEUE_MAX_ITEMS - 1);
	v = queue_items(q, &n);
	assert_int_equal(n, 2);
	assert_int_equal(v[0].seq, 3);
	assert_int_equal(v[1].seq, seq);
	queue_free(q);
}

/* Writes path (below f's state directory) with text. */
static void
put(struct fx *f, const char *rel, const char *text)
{
	char *p = rp_asprintf("%s/%s", f->base, rel);
	FILE *fp;

	assert_non_null(p);
	fp = fopen(p, "w");
	assert_non_null(fp);
	fputs(text, fp);
	fclose(fp);
	free(p);
}

static int
exists(struct fx *f, const char *rel)
{
	struct stat st;
	char *p = rp_asprintf("%s/%s", f->base, rel);
	int r;

	assert_non_null(p);
	r = lstat(p, &st) == 0;
	free(p);
	return r;
}

static void
test_damaged_and_leftovers(void **state)
{
	struct fx *f = *state;
	struct queue *q = qopen(f->fd);
	const struct queue_item *v;
	char err[QUEUE_ERR_MAX], *body = NULL;
	size_t n, len;

	add(q, QUEUE_SWEEP, 1, 0);
	queue_free(q);
	/* a killed writer's temporary files; a damaged item (its header
	   says more bytes than there are); an item with a header that
	   does not read; a file the queue does not know */
	put(f, QUEUE_DIR "/.0000000000000002.tmp", "rampart-queue 1 sw");
	put(f, QUEUE_DIR "/.seq.tmp", "2");
	put(f, QUEUE_DIR "/0000000000000007",
	    "rampart-queue 1 sweep 100\n{\"seq\":7}");
	put(f, QUEUE_DIR "/0000000000000008", "garbage\n");
	put(f, QUEUE_DIR "/README", "not an item");
	q = qopen(f->fd);
	assert_false(exists(f, QUEUE_DIR "/.0000000000000002.tmp"));
	assert_false(exists(f, QUEUE_DIR "/.seq.tmp"));
	assert_true(exists(f, QUEUE_DIR "/README"));
	v = queue_items(q, &n);
	assert_int_equal(n, 3);
	assert_int_equal(v[0].kind, QUEUE_SWEEP);
	assert_int_equal(v[1].kind, QUEUE_DAMAGED);
	assert_int_equal(v[2].kind, QUEUE_DAMAGED);
	assert_int_equal(queue_read(q, 7, &body, &len, err), RP_ERR_INVALID);
	assert_null(body);
	assert_int_equal(queue_read(q, 8, &body, &len, err), RP_ERR_INVALID);
	assert_int_equal(queue_read(q, 9, &body, &len, err), RP_ERR_NOTFOUND);
	/* damaged items still hold their numbers */
	assert_int_equal(queue_last_seq(q), 8);
	assert_int_equal(add(q, QUEUE_SWEEP, 2, 0), 9);
	queue_free(q);
}

static void
expect_refused(struct fx *f, const char *what)
{
	char err[QUEUE_ERR_MAX];
	struct queue *q = NULL;

	if (queue_open(f->fd, &q, err) != RP_ERR_INVALID)
		fail_msg("%s: not refused", what);
	assert_null(q);
}

static void
test_refusals(void **state)
{
	struct fx *f = *state;
	char *item = rp_asprintf("%s/" QUEUE_DIR "/0000000000000001", f->base);
	char *dir = rp_asprintf("%s/" QUEUE_DIR, f->base);
	char *other = rp_asprintf("%s/elsewhere", f->base), *cmd;
	struct queue *q = qopen(f->fd);

	assert_non_null(item);
	add(q, QUEUE_SWEEP, 1, 0);
	queue_free(q);
	/* an item others may change */
	assert_int_equal(chmod(item, 0666), 0);
	expect_refused(f, "a world-writable item");
	assert_int_equal(chmod(item, 0600), 0);
	/* an item of another user (the tests run as root) */
	assert_int_equal(chown(item, 65534, 65534), 0);
	expect_refused(f, "another user's item");
	assert_int_equal(chown(item, 0, 0), 0);
	/* an item that is a symbolic link */
	put(f, "elsewhere", "rampart-queue 1 sweep 2\n{}");
	assert_int_equal(unlink(item), 0);
	assert_int_equal(symlink(other, item), 0);
	expect_refused(f, "a linked item");
	assert_int_equal(unlink(item), 0);
	/* the queue directory loose, or a link */
	assert_int_equal(chmod(dir, 0777), 0);
	expect_refused(f, "a world-writable queue directory");
	cmd = rp_asprintf("rm -rf '%s'", dir);
	assert_non_null(cmd);
	assert_int_equal(system(cmd), 0);
	free(cmd);
	free(other);
	other = rp_asprintf("%s/elsewhere-dir", f->base);
	assert_int_equal(mkdir(other, 0700), 0);
	assert_int_equal(symlink(other, dir), 0);
	expect_refused(f, "a linked queue directory");
	/* without the link, a new queue */
	assert_int_equal(unlink(dir), 0);
	q = qopen(f->fd);
	queue_free(q);
	free(item);
	free(dir);
	free(other);
}

static void
test_state_files(void **state)
{
	struct fx *f = *state;
	char err[QUEUE_ERR_MAX], *data = NULL, *p;
	size_t len;

	assert_int_equal(
	    queue_state_read(f->fd, "inventory.json", 100, &data, &len, err),
	    RP_ERR_NOTFOUND);
	assert_int_equal(
	    queue_state_write(f->fd, "inventory.json", "{\"a\":1}", 7, err), 0);
	assert_int_equal(
	    queue_state_write(f->fd, "inventory.json", "{\"b\":22}", 8, err),
	    0);
	assert_int_equal(
	    queue_state_read(f->fd, "inventory.json", 100, &data, &len, err),
	    0);
	assert_string_equal(data, "{\"b\":22}");
	free(data);
	assert_int_equal(
	    queue_state_read(f->fd, "inventory.json", 4, &data, &len, err),
	    RP_ERR_INVALID);
	assert_false(exists(f, ".inventory.json.tmp"));
	assert_int_equal(queue_state_remove(f->fd, "inventory.json", err), 0);
	assert_int_equal(queue_state_remove(f->fd, "inventory.json", err), 0);
	assert_false(exists(f, "inventory.json"));
	assert_int_equal(
	    queue_state_write(f->fd, "../x", "1", 1, err), RP_ERR_ARG);
	/* a linked state file is refused */
	p = rp_asprintf("%s/sweep.json", f->base);
	assert_int_equal(symlink("/etc/hostname", p), 0);
	assert_int_equal(
	    queue_state_read(f->fd, "sweep.json", 100, &data, &len, err),
	    RP_ERR_INVALID);
	free(p);
}

/* ---- crash safety ---- */

enum op_type { OP_ADD, OP_REMOVE_HEAD, OP_STATE };

struct op {
	enum op_type type;
	enum queue_kind kind;
};

/* Every kind of step: adds of each kind, a full inventory superseding
 * two, removals, the state file rewritten. */
static const struct op script[] = {
    {OP_ADD, QUEUE_SWEEP},
    {OP_ADD, QUEUE_INVENTORY_FULL},
    {OP_STATE, 0},
    {OP_ADD, QUEUE_INVENTORY_DELTA},
    {OP_REMOVE_HEAD, 0},
    {OP_ADD, QUEUE_SWEEP},
    {OP_ADD, QUEUE_INVENTORY_FULL},
    {OP_STATE, 0},
    {OP_REMOVE_HEAD, 0},
    {OP_ADD, QUEUE_SWEEP},
    {OP_REMOVE_HEAD, 0},
    {OP_REMOVE_HEAD, 0},
    {OP_ADD, QUEUE_INVENTORY_DELTA},
};
#define NSCRIPT (sizeof(script) / sizeof(script[0]))

/* The child: the script, one byte to fd after each operation returns. */
static void
run_script(int statefd, int fd, unsigned long k)
{
	char err[QUEUE_ERR_MAX], text[32];
	const struct queue_item *v;
	struct queue *q = NULL;
	uint64_t seq;
	size_t i, n;
	json_t *b;
	int r = 0;

	if (queue_open(statefd, &q, err) != 0)
		_exit(3);
	queue_crash_after(k);
	for (i = 0; i < NSCRIPT && r == 0; i++) {
		switch (script[i].type) {
		case OP_ADD:
			b = json_pack("{s:i}", "i", (int)i);
			r = b == NULL
			    ? -1
			    : queue_add(q, script[i].kind, b, &seq, NULL, err);
			json_decref(b);
			break;
		case OP_REMOVE_HEAD:
			v = queue_items(q, &n);
			r = n == 0 ? -1 : queue_remove(q, v[0].seq, err);
			break;
		case OP_STATE:
			n = (size_t)snprintf(
			    text, sizeof(text), "{\"i\":%zu}", i);
			r = queue_state_write(statefd, "st.json", text, n, err);
			break;
		}
		if (r == 0 && write(fd, "x", 1) != 1)
			_exit(4);
	}
	_exit(r == 0 ? 0 : 5);
}

/* An item the model expects: seq, kind, and the op that queued it. */
struct mitem {
	uint64_t seq;
	enum queue_kind kind;
	int i;
};

struct model {
	struct mitem v[NSCRIPT];
	size_t n;
	uint64_t seq; /* the last seq given out */
	int state_i; /* st.json's op, -1: none */
};

static void
model_apply(struct model *m, size_t i)
{
	size_t j, k;

	switch (script[i].type) {
	case OP_ADD:
		if (script[i].kind == QUEUE_INVENTORY_FULL) {
			for (j = k = 0; j < m->n; j++)
				if (m->v[j].kind != QUEUE_INVENTORY_FULL &&
				    m->v[j].kind != QUEUE_INVENTORY_DELTA)
					m->v[k++] = m->v[j];
			m->n = k;
		}
		m->v[m->n++] = (struct mitem){++m->seq, script[i].kind, (int)i};
		break;
	case OP_REMOVE_HEAD:
		memmove(&m->v[0], &m->v[1], (m->n - 1) * sizeof(m->v[0]));
		m->n--;
		break;
	case OP_STATE:
		m->state_i = (int)i;
		break;
	}
}

/* Whether the queue holds an item like it, whole. */
static int
holds(struct queue *q, const struct mitem *it)
{
	const struct queue_item *v;
	size_t n, j;
	json_t *b;
	int ok = 0;

	v = queue_items(q, &n);
	for (j = 0; j < n; j++) {
		if (v[j].seq != it->seq)
			continue;
		assert_int_equal(v[j].kind, it->kind);
		b = body_of(q, it->seq);
		ok = json_integer_value(json_object_get(b, "i")) == it->i;
		json_decref(b);
	}
	return ok;
}

/* Checks the queue after done operations completed and op done (if any)
 * was cut short. */
static void
check_after_crash(struct fx *f, size_t done)
{
	struct model before = {.state_i = -1}, after;
	const struct queue_item *v;
	struct queue *q = qopen(f->fd);
	char err[QUEUE_ERR_MAX], *data = NULL;
	size_t i, j, n, len;
	json_t *st;
	int found;

	for (i = 0; i < done; i++)
		model_apply(&before, i);
	after = before;
	if (done < NSCRIPT)
		model_apply(&after, done);
	v = queue_items(q, &n);
	/* what the finished operations left is there, whole */
	for (i = 0; i < before.n; i++) {
		found = holds(q, &before.v[i]);
		/* the cut-short operation may have taken it away */
		for (j = 0; !found && j < after.n; j++)
			if (after.v[j].seq == before.v[i].seq)
				fail_msg("k: item %llu lost after %zu ops",
				    (unsigned long long)before.v[i].seq, done);
	}
	/* nothing else but what the cut-short operation added */
	for (i = 0; i < n; i++) {
		found = 0;
		for (j = 0; j < before.n && !found; j++)
			found = before.v[j].seq == v[i].seq;
		for (j = 0; j < after.n && !found; j++)
			found =
			    after.v[j].seq == v[i].seq && holds(q, &after.v[j]);
		if (!found)
			fail_msg("item %llu should not be there after %zu ops",
			    (unsigned long long)v[i].seq, done);
	}
	/* the state file: the old one or the new one, whole */
	if (queue_state_read(f->fd, "st.json", 100, &data, &len, err) == 0) {
		st = json_loads(data, 0, NULL);
		assert_non_null(st);
		i = (size_t)json_integer_value(json_object_get(st, "i"));
		assert_true(
		    (int)i == before.state_i || (int)i == after.state_i);
		json_decref(st);
		free(data);
	} else {
		assert_int_equal(before.state_i, -1);
	}
	/* no number is given out twice */
	assert_true(queue_last_seq(q) >= before.seq);
	j = (size_t)add(q, QUEUE_SWEEP, 999, 0);
	assert_true(j > before.seq && j > (n ? v[n - 1].seq : 0));
	queue_free(q);
}

/* No temporary file is left once the queue was opened again. */
static void
check_no_tmp(struct fx *f)
{
	char *p = rp_asprintf("%s/" QUEUE_DIR, f->base);
	struct dirent *e;
	DIR *d = opendir(p);

	assert_non_null(d);
	while ((e = readdir(d)) != NULL)
		if (e->d_name[0] == '.' && strcmp(e->d_name, ".") != 0 &&
		    strcmp(e->d_name, "..") != 0)
			fail_msg("left over: %s", e->d_name);
	closedir(d);
	free(p);
}

static void
test_crash_every_step(void **state)
{
	struct fx *f = *state;
	unsigned long k;
	size_t done;
	char c, *cmd;
	int p[2], st, finished = 0;
	pid_t pid;

	for (k = 1; !finished && k < 1000; k++) {
		cmd =
		    rp_asprintf("rm -rf '%s'/* '%s'/.[!.]*", f->base, f->base);
		assert_non_null(cmd);
		assert_int_equal(system(cmd), 0);
		free(cmd);
		assert_int_equal(pipe(p), 0);
		if ((pid = fork()) == 0) {
			close(p[0]);
			run_script(f->fd, p[1], k);
		}
		assert_true(pid > 0);
		close(p[1]);
		done = 0;
		while (read(p[0], &c, 1) == 1)
			done++;
		close(p[0]);
		assert_int_equal(waitpid(pid, &st, 0), pid);
		if (WIFEXITED(st)) {
			/* k is past the last step: the whole script ran */
			assert_int_equal(WEXITSTATUS(st), 0);
			assert_int_equal(done, NSCRIPT);
			finished = 1;
		} else {
			assert_true(WIFSIGNALED(st));
			assert_int_equal(WTERMSIG(st), SIGKILL);
			assert_true(done < NSCRIPT);
		}
		check_after_crash(f, done);
		check_no_tmp(f);
	}
	assert_true(finished);
	/* each operation takes several steps: many points were tried */
	assert_true(k > 3 * NSCRIPT);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(
		test_seq_never_reused, setup, teardown),
	    cmocka_unit_test_setup_teardown(
		test_order_and_bodies, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_bound_items, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_bound_bytes, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_supersede, setup, teardown),
	    cmocka_unit_test_setup_teardown(
		test_damaged_and_leftovers, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_refusals, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_state_files, setup, teardown),
	    cmocka_unit_test_setup_teardown(
		test_crash_every_step, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
