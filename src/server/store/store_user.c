/*
 * Users: people who log in.  Their password hash and TOTP secret are
 * secrets: wiped from memory before it is freed.  A user's scope_id is
 * NULL in the database when 0 (msp-admins need none).  lang and tz are
 * the user's own settings for the web UI, checked by the API.
 */
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "store.h"
#include "store_int.h"
#include "util/err.h"

#define USER_COLS                                                              \
	"id, name, display, role, scope_id, pw_hash, totp_secret, "            \
	"totp_last_step, disabled, created_at, lang, tz"

static struct drv_sql q_user_create = DRV_SQL(
    "INSERT INTO users (name, display, role, scope_id, pw_hash, totp_secret, "
    "totp_last_step, disabled, created_at, lang, tz) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id");
static struct drv_sql q_user_get =
    DRV_SQL("SELECT " USER_COLS " FROM users WHERE id = ?");
static struct drv_sql q_user_by_name =
    DRV_SQL("SELECT " USER_COLS " FROM users WHERE name = ?");
static struct drv_sql q_user_list =
    DRV_SQL("SELECT " USER_COLS " FROM users WHERE id > ? ORDER BY id LIMIT ?");
static struct drv_sql q_user_update =
    DRV_SQL("UPDATE users SET role = ?, display = ?, disabled = ?, "
	    "pw_hash = ?, totp_secret = ?, lang = COALESCE(?, lang), "
	    "tz = COALESCE(?, tz) WHERE id = ?");
static struct drv_sql q_user_prefs =
    DRV_SQL("UPDATE users SET lang = COALESCE(?, lang), "
	    "tz = COALESCE(?, tz) WHERE id = ?");
static struct drv_sql q_user_set_totp = DRV_SQL(
    "UPDATE users SET totp_secret = ?, totp_last_step = ? WHERE id = ?");
static struct drv_sql q_user_totp = DRV_SQL("UPDATE users SET totp_last_step "
					    "= ? WHERE id = ? AND "
					    "totp_last_step < ?");
static struct drv_sql q_user_exists =
    DRV_SQL("SELECT id FROM users WHERE id = ?");

static const char *const role_names[] = {
    [ROLE_MSP_ADMIN] = "msp-admin",
    [ROLE_TECHNICIAN] = "technician",
    [ROLE_VIEWER] = "viewer",
};
#define NROLES (sizeof(role_names) / sizeof(role_names[0]))

const char *
store_role_name(enum store_role r)
{
	if ((unsigned)r >= NROLES)
		return NULL;
	return role_names[r];
}

int
store_role_from_name(const char *name)
{
	size_t i;

	for (i = 0; name != NULL && i < NROLES; i++)
		if (strcmp(name, role_names[i]) == 0)
			return (int)i;
	return -1;
}

static void
wipe_free(char *p)
{
	if (p == NULL)
		return;
	sodium_memzero(p, strlen(p));
	free(p);
}

void
store_user_clear(struct store_user *u)
{
	if (u == NULL)
		return;
	free(u->name);
	free(u->display);
	free(u->lang);
	free(u->tz);
	wipe_free(u->pw_hash);
	wipe_free(u->totp_secret);
	u->name = u->display = u->pw_hash = u->totp_secret = NULL;
	u->lang = u->tz = NULL;
}

void
store_users_free(struct store_user *v, size_t n)
{
	size_t i;

	if (v == NULL)
		return;
	for (i = 0; i < n; i++)
		store_user_clear(&v[i]);
	free(v);
}

static int
read_user(struct drv_cur *c, struct store_user *u)
{
	const char *role = c->s->ops->col_text(c, 3);
	int r, k;

	memset(u, 0, sizeof(*u));
	if ((k = store_role_from_name(role)) < 0)
		return RP_ERR_INVALID; /* the CHECK constraint prevents it */
	u->id = sq_int(c, 0);
	u->role = (enum store_role)k;
	u->scope_id = sq_int(c, 4);
	u->totp_last_step = sq_int(c, 7);
	u->disabled = sq_int(c, 8) != 0;
	u->created_at = sq_int(c, 9);
	if ((r = sq_dup(c, 1, &u->name)) != 0 ||
	    (r = sq_dup(c, 2, &u->display)) != 0 ||
	    (r = sq_dup(c, 5, &u->pw_hash)) != 0 ||
	    (r = sq_dup0(c, 6, &u->totp_secret)) != 0 ||
	    (r = sq_dup(c, 10, &u->lang)) != 0 ||
	    (r = sq_dup(c, 11, &u->tz)) != 0)
		store_user_clear(u);
	return r;
}

int
store_user_create(struct store *s, const struct store_user *u, int64_t *id)
{
	const char *role = store_role_name(u->role);

	if (role == NULL || u->name == NULL || u->name[0] == '\0' ||
	    u->pw_hash == NULL)
		return RP_ERR_ARG;
	struct drv_arg a[] = {A_TEXT(u->name),
	    A_TEXT(u->display != NULL ? u->display : ""), A_TEXT(role),
	    A_ID(u->scope_id), A_TEXT(u->pw_hash), A_TEXT(u->totp_secret),
	    A_INT(u->totp_last_step), A_INT(u->disabled ? 1 : 0),
	    A_INT(sq_now()), A_TEXT(u->lang != NULL ? u->lang : "en"),
	    A_TEXT(u->tz != NULL ? u->tz : "UTC")};
	return sq_int1(s, &q_user_create, a, NARGS(a), id);
}

static int
user_one(struct store *s, struct drv_sql *q, const struct drv_arg *a,
    struct store_user *out)
{
	struct store_user u;
	struct drv_cur c;
	int r;

	if ((r = sq_row(s, q, a, 1, &c)) != 0)
		return r;
	r = read_user(&c, &u);
	sq_done(&c);
	if (r == 0)
		*out = u;
	return r;
}

int
store_user_get(struct store *s, int64_t id, struct store_user *out)
{
	struct drv_arg a[] = {A_INT(id)};

	return user_one(s, &q_user_get, a, out);
}

int
store_user_by_name(struct store *s, const char *name, struct store_user *out)
{
	if (name == NULL)
		return RP_ERR_ARG;
	struct drv_arg a[] = {A_TEXT(name)};
	return user_one(s, &q_user_by_name, a, out);
}

static int
user_row(struct drv_cur *c, void *row)
{
	return read_user(c, row);
}

static void
user_clear(void *row)
{
	store_user_clear(row);
}

static const struct sq_rows user_rows = {
    sizeof(struct store_user), 0, user_row, user_clear};

int
store_user_list(struct store *s, const struct store_page *pg,
    struct store_user **v, size_t *n, int *more)
{
	struct drv_arg a[2];

	return sq_list(
	    s, &q_user_list, a, NARGS(a), pg, &user_rows, (void **)v, n, more);
}

int
store_user_update(struct store *s, const struct store_user *u)
{
	const char *role = store_role_name(u->role);
	int64_t n = 0;
	int r;

	if (role == NULL || u->pw_hash == NULL)
		return RP_ERR_ARG;
	struct drv_arg a[] = {A_TEXT(role),
	    A_TEXT(u->display != NULL ? u->display : ""),
	    A_INT(u->disabled ? 1 : 0), A_TEXT(u->pw_hash),
	    A_TEXT(u->totp_secret), A_TEXT(u->lang), A_TEXT(u->tz),
	    A_INT(u->id)};
	if ((r = sq_exec(s, &q_user_update, a, NARGS(a), &n)) != 0)
		return r;
	return n == 0 ? RP_ERR_NOTFOUND : 0;
}

int
store_user_set_prefs(
    struct store *s, int64_t id, const char *lang, const char *tz)
{
	int64_t n = 0;
	int r;

	struct drv_arg a[] = {A_TEXT(lang), A_TEXT(tz), A_INT(id)};
	if ((r = sq_exec(s, &q_user_prefs, a, NARGS(a), &n)) != 0)
		return r;
	return n == 0 ? RP_ERR_NOTFOUND : 0;
}

int
store_user_set_totp(
    struct store *s, int64_t id, const char *secret, int64_t step)
{
	int64_t n = 0;
	int r;

	if (secret == NULL || secret[0] == '\0')
		return RP_ERR_ARG;
	struct drv_arg a[] = {A_TEXT(secret), A_INT(step), A_INT(id)};
	if ((r = sq_exec(s, &q_user_set_totp, a, NARGS(a), &n)) != 0)
		return r;
	return n == 0 ? RP_ERR_NOTFOUND : 0;
}

int
store_user_totp_step(struct store *s, int64_t id, int64_t step)
{
	int64_t n = 0, x;
	int r;

	/* One statement compares and sets, so two logins racing with the
	 * same code cannot both be accepted. */
	struct drv_arg a[] = {A_INT(step), A_INT(id), A_INT(step)};
	if ((r = sq_exec(s, &q_user_totp, a, NARGS(a), &n)) != 0)
		return r;
	if (n > 0)
		return 0;
	struct drv_arg b[] = {A_INT(id)};
	if ((r = sq_int1(s, &q_user_exists, b, NARGS(b), &x)) != 0)
		return r;
	return RP_ERR_INVALID;
}
