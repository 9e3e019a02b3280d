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
	assert_int_equal(h->nsw, 4);
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
	assert_int_equal(h->nsw, 1);
	assert_string_equal(h->sw[0].name, "firefox");
	assert_string_equal(h->sw[0].version, "121.0-1");
	assert_string_equal(h->sw[0].path, "/var/lib/snapd/snap/firefox/3836");
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
	    cmocka_unit_test(test_snap_state),
	    cmocka_unit_test(test_snap_mounts),
	    cmocka_unit_test(test_missing),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
