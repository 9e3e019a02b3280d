/*
 * A user's own settings in the store, on both drivers (run by
 * test_store.c's main): language and time zone (migration 7) with their
 * defaults for users that were there before it, carried by create,
 * get, list and update and set alone by store_user_set_prefs; a TOTP
 * secret replaced with the step of the code that proved it; and ending
 * every session of a user but one.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "harness.h"
#include "util/err.h"

#define HASH "$argon2id$v=19$m=65536,t=2,p=1$c2FsdA$aGFzaA"

static int64_t
mkuser(struct store *s, const char *name, const char *lang, const char *tz)
{
	struct store_user u = {.name = (char *)name,
	    .display = (char *)"",
	    .role = ROLE_MSP_ADMIN,
	    .pw_hash = (char *)HASH,
	    .lang = (char *)lang,
	    .tz = (char *)tz};
	int64_t id = 0;

	assert_int_equal(store_user_create(s, &u, &id), 0);
	return id;
}

static void
expect_prefs(struct store *s, int64_t id, const char *lang, const char *tz)
{
	struct store_user u;

	assert_int_equal(store_user_get(s, id, &u), 0);
	assert_string_equal(u.lang, lang);
	assert_string_equal(u.tz, tz);
	store_user_clear(&u);
	assert_null(u.lang);
	assert_null(u.tz);
}

/* Migration 7's columns have defaults for rows that predate them. */
static void
test_migrate_7(void **state)
{
	struct store *s = *state;
	struct store_user u;

	/* A row written as a version-6 server wrote it (no lang, no tz)
	 * gets migration 7's defaults. */
	assert_true(store_schema_version() >= 7);
	assert_int_equal(store_migrate(s, NULL, NULL), 0);
	raw_exec("INSERT INTO users (name, display, role, pw_hash, "
		 "created_at) VALUES ('old', '', 'viewer', 'h', 1)");
	assert_int_equal(
	    raw_int("SELECT COUNT(*) FROM users WHERE name = 'old' AND "
		    "lang = 'en' AND tz = 'UTC'"),
	    1);
	assert_int_equal(store_user_by_name(s, "old", &u), 0);
	assert_string_equal(u.lang, "en");
	assert_string_equal(u.tz, "UTC");
	store_user_clear(&u);
}

static void
test_prefs(void **state)
{
	struct store *s = *state;
	int64_t a = mkuser(s, "anna", NULL, NULL);
	int64_t b = mkuser(s, "bernd", "de", "Europe/Berlin");
	struct store_user u, *v;
	size_t n;
	int more;

	expect_prefs(s, a, "en", "UTC");
	expect_prefs(s, b, "de", "Europe/Berlin");

	/* update: NULL keeps them, and the other fields still change. */
	assert_int_equal(store_user_get(s, b, &u), 0);
	free(u.lang);
	free(u.tz);
	u.lang = u.tz = NULL;
	free(u.display);
	u.display = strdup("Bernd");
	assert_int_equal(store_user_update(s, &u), 0);
	store_user_clear(&u);
	assert_int_equal(store_user_get(s, b, &u), 0);
	assert_string_equal(u.display, "Bernd");
	assert_string_equal(u.lang, "de");
	assert_string_equal(u.tz, "Europe/Berlin");
	/* Set: both change. */
	free(u.lang);
	free(u.tz);
	u.lang = strdup("en");
	u.tz = strdup("America/New_York");
	assert_int_equal(store_user_update(s, &u), 0);
	store_user_clear(&u);
	expect_prefs(s, b, "en", "America/New_York");

	/* set_prefs: one at a time, the rest of the row untouched. */
	assert_int_equal(store_user_set_prefs(s, a, NULL, "Asia/Tokyo"), 0);
	expect_prefs(s, a, "en", "Asia/Tokyo");
	assert_int_equal(store_user_set_prefs(s, a, "de", NULL), 0);
	expect_prefs(s, a, "de", "Asia/Tokyo");
	assert_int_equal(store_user_set_prefs(s, a, NULL, NULL), 0);
	expect_prefs(s, a, "de", "Asia/Tokyo");
	assert_int_equal(store_user_get(s, a, &u), 0);
	assert_string_equal(u.name, "anna");
	assert_string_equal(u.pw_hash, HASH);
	assert_int_equal(u.role, ROLE_MSP_ADMIN);
	store_user_clear(&u);
	assert_int_equal(
	    store_user_set_prefs(s, 999999, "en", "UTC"), RP_ERR_NOTFOUND);

	struct store_page pg = {.after = 0, .limit = 10};
	assert_int_equal(store_user_list(s, &pg, &v, &n, &more), 0);
	assert_int_equal(n, 2);
	assert_string_equal(v[0].tz, "Asia/Tokyo");
	assert_string_equal(v[1].lang, "en");
	store_users_free(v, n);
}

static void
test_set_totp(void **state)
{
	struct store *s = *state;
	int64_t a = mkuser(s, "anna", NULL, NULL);
	struct store_user u;

	assert_int_equal(store_user_totp_step(s, a, 100), 0);
	/* A new secret with the step of its proving code: that code is not
	 * good again, the next one is; the step may be lower than the old
	 * secret's last one (another secret, other codes). */
	assert_int_equal(
	    store_user_set_totp(s, a, "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ", 90),
	    0);
	assert_int_equal(store_user_get(s, a, &u), 0);
	assert_string_equal(u.totp_secret, "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");
	assert_int_equal(u.totp_last_step, 90);
	assert_string_equal(u.pw_hash, HASH);
	store_user_clear(&u);
	assert_int_equal(store_user_totp_step(s, a, 90), RP_ERR_INVALID);
	assert_int_equal(store_user_totp_step(s, a, 91), 0);

	assert_int_equal(
	    store_user_set_totp(s, 999999, "AAAA", 1), RP_ERR_NOTFOUND);
	assert_int_equal(store_user_set_totp(s, a, NULL, 1), RP_ERR_ARG);
	assert_int_equal(store_user_set_totp(s, a, "", 1), RP_ERR_ARG);
	assert_int_equal(store_user_get(s, a, &u), 0);
	assert_string_equal(u.totp_secret, "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");
	store_user_clear(&u);
}

static void
test_sessions_others(void **state)
{
	struct store *s = *state;
	int64_t a = mkuser(s, "anna", NULL, NULL);
	int64_t b = mkuser(s, "bernd", NULL, NULL);
	int64_t id[4];
	struct store_session se;
	static const char *const h[4] = {
	    "1111111111111111111111111111111111111111111111111111111111111111",
	    "2222222222222222222222222222222222222222222222222222222222222222",
	    "3333333333333333333333333333333333333333333333333333333333333333",
	    "4444444444444444444444444444444444444444444444444444444444444444",
	};
	int i;

	for (i = 0; i < 4; i++)
		assert_int_equal(store_session_create(s, h[i], i < 3 ? a : b,
				     1000, 5000, &id[i]),
		    0);
	assert_int_equal(store_session_delete_others(s, a, id[1]), 0);
	assert_int_equal(store_session_get(s, h[0], &se), RP_ERR_NOTFOUND);
	assert_int_equal(store_session_get(s, h[1], &se), 0);
	assert_int_equal(se.id, id[1]);
	assert_int_equal(store_session_get(s, h[2], &se), RP_ERR_NOTFOUND);
	/* Another user's session is not touched. */
	assert_int_equal(store_session_get(s, h[3], &se), 0);
	/* Nothing left to end: not an error. */
	assert_int_equal(store_session_delete_others(s, a, id[1]), 0);
	assert_int_equal(store_session_get(s, h[1], &se), 0);
}

int
store_user_tests(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(
		test_migrate_7, setup_empty, teardown),
	    cmocka_unit_test_setup_teardown(test_prefs, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_set_totp, setup, teardown),
	    cmocka_unit_test_setup_teardown(
		test_sessions_others, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
