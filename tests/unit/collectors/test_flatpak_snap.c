/*
 * The flatpak and snap collectors on fixture trees laid out as the
 * package managers lay them out (tests/data/flatpak/root, written by its
 * make-fixture.py with GLib's own GVariant serialiser; tests/data/snap).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "collectors/collectors.h"
#include "util/diag.h"
#include "util/err.h"

static char *
data_path(const char *rel)
{
	const char *dir = getenv("RAMPART_TEST_DATA");
	char *p;

	assert_non_null(dir);
	assert_true(asprintf(&p, "%s/%s", dir, rel) > 0);
	return p;
}

static int
has_diag(const struct rp_diags *d, enum rp_diag_level lv, const char *a,
    const char *b)
{
	size_t i;

	for (i = 0; i < d->n; i++) {
		if (d->v[i].level == lv && strstr(d->v[i].msg, a) != NULL &&
		    (b == NULL || strstr(d->v[i].msg, b) != NULL))
			return 1;
	}
	return 0;
}

static const struct inv_software *
find(const struct inv_host *h, const char *name)
{
	size_t i;

	for (i = 0; i < h->nsw; i++) {
		if (strcmp(h->sw[i].name, name) == 0)
			return &h->sw[i];
	}
	fail_msg("%s not collected", name);
	return NULL;
}

static void
test_flatpak(void **state)
{
	struct inv_host *h = inv_host_new();
	struct rp_diags *d = rp_diags_new();
	char *root = data_path("flatpak/root");
	const struct inv_software *s;

	/* The escaping `active` link is an error; the rest is read. */
	assert_int_equal(collect_flatpak(root, h, d), RP_ERR_INVALID);
	assert_int_equal(h->nsw, 5);
	s = find(h, "Firefox");
	assert_string_equal(s->version, "121.0");
	assert_string_equal(s->bundle_id, "org.mozilla.firefox");
	assert_string_equal(s->arch, "x86_64");
	assert_int_equal(s->source, INV_SOURCE_FLATPAK);
	assert_int_equal(s->scheme, VERSION_SCHEME_GENERIC);
	assert_true(strncmp(s->path,
			"/var/lib/flatpak/app/org.mozilla.firefox/x86_64/"
			"stable/78d4c115",
			56) == 0);
	s = find(h, "Calculator");
	assert_string_equal(s->version, "45.0.2");
	s = find(h, "Freedesktop Platform");
	assert_string_equal(s->version, "23.08.10");
	assert_string_equal(s->bundle_id, "org.freedesktop.Platform");
	/* No appdata: the ID names it and the numbered branch versions it. */
	s = find(h, "org.freedesktop.Platform.GL.default");
	assert_string_equal(s->version, "23.08");
	s = find(h, "Signal Desktop");
	assert_string_equal(s->version, "6.40.0");
	assert_true(strncmp(s->path,
			"/home/alice/.local/share/flatpak/app/"
			"org.signal.Signal/",
			55) == 0);
	/* Pulled but not deployed is not installed. */
	assert_false(has_diag(d, RP_DIAG_WARNING, "org.example.Pulled", NULL));
	assert_true(has_diag(
	    d, RP_DIAG_WARNING, "org.example.NoVersion", "no version"));
	assert_true(has_diag(d, RP_DIAG_ERROR, "org.example.Escape", NULL));
	assert_int_equal(d->nerrors, 1);
	free(root);
	rp_diags_free(d);
	inv_host_free(h);
}

static char *
slurp(const char *rel, size_t *len)
{
	char *path = data_path(rel), *s;
	FILE *f = fopen(path, "rb");
	long n;

	assert_non_null(f);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	assert_true((n = ftell(f)) >= 0);
	rewind(f);
	assert_non_null(s = malloc((size_t)n + 1));
	assert_int_equal(fread(s, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	free(path);
	*len = (size_t)n;
	return s;
}

/* Every cut and every changed byte of a real deploy file: a clean answer
   inside the buffer, never a read outside it (ASan builds check). */
static void
test_deploy_hostile(void **state)
{
	const char *v, *n;
	size_t len, i, cut;
	unsigned b;
	char *buf = slurp("flatpak/root/var/lib/flatpak/app/"
			  "org.gnome.Calculator/x86_64/stable/active/deploy",
		 &len),
	     *copy;

	assert_int_equal(flatpak_deploy_parse(buf, len, &v, &n), 0);
	assert_string_equal(v, "45.0.2");
	assert_string_equal(n, "Calculator");
	for (cut = 0; cut < len; cut++) {
		assert_non_null(copy = malloc(cut + 1));
		memcpy(copy, buf, cut);
		if (flatpak_deploy_parse(copy, cut, &v, &n) == 0) {
			assert_true(v == NULL || (v >= copy && v < copy + cut));
			assert_true(n == NULL || (n >= copy && n < copy + cut));
		}
		free(copy);
	}
	assert_non_null(copy = malloc(len));
	for (i = 0; i < len; i++) {
		for (b = 0; b < 256; b += 7) {
			memcpy(copy, buf, len);
			copy[i] = (char)b;
			if (flatpak_deploy_parse(copy, len, &v, &n) == 0 &&
			    v != NULL)
				assert_true(v >= copy && v < copy + len);
		}
	}
	free(copy);
	free(buf);
}

static void
test_snap_state(void **state)
{
	struct inv_host *h = inv_host_new();
	struct rp_diags *d = rp_diags_new();
	char *root = data_path("snap/root");
	const struct inv_software *s;

	assert_int_equal(collect_snap(root, h, d), 0);
	assert_int_equal(h->nsw, 4);
	/* Ordered as in state.json; the current revision, not the last. */
	s = find(h, "firefox");
	assert_string_equal(s->version, "121.0-1");
	assert_string_equal(s->path, "/snap/firefox/3836");
	assert_null(s->state);
	assert_int_equal(s->source, INV_SOURCE_SNAP);
	s = find(h, "core22");
	assert_string_equal(s->version, "20231123");
	/* A parallel install: the snap's name, the instance's mount. */
	s = find(h, "hello-world");
	assert_string_equal(s->version, "6.4");
	assert_string_equal(s->path, "/snap/hello-world_beta/29");
	s = find(h, "signal-desktop");
	assert_string_equal(s->version, "6.40.0");
	/* Not mounted: reported, not guessed. */
	assert_true(has_diag(d, RP_DIAG_WARNING, "snap-store", "not mounted"));
	assert_int_equal(d->nerrors, 0);
	free(root);
	rp_diags_free(d);
	inv_host_free(h);
}

static void
test_snap_mounts(void **state)
{
	struct inv_host *h = inv_host_new();
	struct rp_diags *d = rp_diags_new();
	char *root = data_path("snap/root-nostate");

	assert_int_equal(collect_snap(root, h, d), 0);
	assert_int_equal(h->nsw, 2);
	assert_string_equal(h->sw[0].name, "firefox");
	assert_string_equal(h->sw[0].version, "121.0-1");
	assert_string_equal(h->sw[0].path, "/var/lib/snapd/snap/firefox/3836");
	assert_string_equal(h->sw[1].name, "quirk");
	assert_string_equal(h->sw[1].version, "1.0 'beta'");
	/* A block scalar is not read as a version. */
	assert_true(has_diag(d, RP_DIAG_WARNING, "snap block", "no version"));
	free(root);
	rp_diags_free(d);
	inv_host_free(h);
}

static void
test_missing(void **state)
{
	struct inv_host *h = inv_host_new();
	struct rp_diags *d = rp_diags_new();
	char *apps = data_path("apps/macroot");

	assert_int_equal(collect_flatpak(apps, h, d), RP_ERR_NOTFOUND);
	assert_int_equal(collect_snap(apps, h, d), RP_ERR_NOTFOUND);
	assert_int_equal(h->nsw, 0);
	assert_int_equal(d->n, 0);
	free(apps);
	rp_diags_free(d);
	inv_host_free(h);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_flatpak),
	    cmocka_unit_test(test_deploy_hostile),
	    cmocka_unit_test(test_snap_state),
	    cmocka_unit_test(test_snap_mounts),
	    cmocka_unit_test(test_missing),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
