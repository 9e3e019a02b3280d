/*
 * The API's handlers on a real SQLite store, called as the HTTP layer
 * calls them (api_handle with a complete request), with the clock under
 * the test's control: bootstrap, TOTP logins and replay, tenants, users,
 * tokens, advisory import (valid, revised, rejected), scoping, a user's
 * own language, time zone and TOTP enrolment, login throttling,
 * pagination, request errors and the audit chain.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <jansson.h>
#include <sodium.h>

#include "api/api.h"
#include "audit/audit.h"
#include "crypto/crypto.h"
#include "proto/proto.h"
#include "store/store.h"

#define T0 1900000000LL /* the tests' "now" */

static struct store *st;
static char dir[] = "/tmp/rampart-api-XXXXXX";
static int64_t now = T0;

struct q {
	char path[512];
	char query[1024];
};

/* Query arguments of the test's URL ("a=1&b=2"), undecoded. */
static const char *
arg(void *cls, const char *name)
{
	static char val[1024];
	const char *p = ((struct q *)cls)->query, *e;
	size_t n = strlen(name), len;

	while (p != NULL && *p != '\0') {
		e = strchr(p, '&');
		if (strncmp(p, name, n) == 0 && p[n] == '=') {
			len = e != NULL ? (size_t)(e - p - n - 1)
					: strlen(p + n + 1);
			memcpy(val, p + n + 1, len);
			val[len] = '\0';
			return val;
		}
		p = e != NULL ? e + 1 : NULL;
	}
	return NULL;
}

/* An Authorization header sent as it is (an agent's signature) instead
 * of the bearer argument's, when not NULL. */
static const char *raw_authz;

struct ans {
	int status;
	json_t *j;
	char cookie[128];
	int64_t retry;
};

static struct ans
call(const char *method, const char *url, const char *body, size_t blen,
    const char *ctype, const char *cookie, const char *bearer)
{
	struct api_request rq = {0};
	struct api_response rs;
	struct ans a = {0};
	struct q q = {{0}, {0}};
	char ck[160], az[160];
	const char *qm = strchr(url, '?');

	snprintf(q.path, sizeof(q.path), "%.*s",
	    (int)(qm != NULL ? (size_t)(qm - url) : strlen(url)), url);
	if (qm != NULL)
		snprintf(q.query, sizeof(q.query), "%s", qm + 1);
	rq.method = method;
	rq.path = q.path;
	rq.target = url;
	rq.arg = arg;
	rq.arg_cls = &q;
	rq.content_type = ctype;
	if (cookie != NULL) {
		snprintf(ck, sizeof(ck), "other=1; rampart_session=%s", cookie);
		rq.cookie = ck;
	}
	if (bearer != NULL) {
		snprintf(az, sizeof(az), "Bearer %s", bearer);
		rq.authorization = az;
	}
	if (raw_authz != NULL)
		rq.authorization = raw_authz;
	rq.remote_addr = "192.0.2.7";
	rq.body = body;
	rq.body_len = blen;
	rq.now = now;
	rq.store = st;
	assert_int_equal(api_handle(&rq, &rs), 0);
	a.status = rs.status;
	a.retry = rs.retry_after;
	if (rs.status >= 500)
		print_message("%s %s: %s\n", method, url, rs.body);
	if (rs.body != NULL)
		a.j = json_loads(rs.body, 0, NULL);
	if (rs.status != 204)
		assert_non_null(a.j);
	if (rs.set_cookie != NULL) {
		const char *v = strchr(rs.set_cookie, '=') + 1;
		size_t n = strcspn(v, ";");

		snprintf(a.cookie, sizeof(a.cookie), "%.*s", (int)n, v);
		/* The cookie's attributes, as docs/internals/api.md says. */
		assert_non_null(strstr(rs.set_cookie, "HttpOnly"));
		assert_non_null(strstr(rs.set_cookie, "SameSite=Strict"));
		assert_non_null(strstr(rs.set_cookie, "Secure"));
	}
	api_response_clear(&rs);
	return a;
}

static struct ans
get(const char *url, const char *cookie, const char *bearer)
{
	return call("GET", url, NULL, 0, NULL, cookie, bearer);
}

static struct ans
send_json(const char *method, const char *url, const char *cookie,
    const char *bearer, const char *body)
{
	return call(method, url, body, strlen(body), "application/json", cookie,
	    bearer);
}

static const char *
errcode(const struct ans *a)
{
	return json_string_value(
	    json_object_get(json_object_get(a->j, "error"), "code"));
}

static const char *
errfield(const struct ans *a)
{
	return json_string_value(
	    json_object_get(json_object_get(a->j, "error"), "field"));
}

static void
totp_code(const char *secret, int64_t t, char out[7])
{
	uint8_t key[64];
	int n = crypto_base32_decode(secret, key, sizeof(key));

	assert_true(n > 0);
	snprintf(
	    out, 7, "%06u", crypto_hotp(key, (size_t)n, (uint64_t)(t / 30)));
}

/* Logs in; returns the session cookie value in out (or "" on failure)
 * and the status. */
static int
login(const char *user, const char *pw, const char *secret, int64_t t,
    char *out, size_t outlen)
{
	char body[512], code[7] = "";
	struct ans a;
	int st_;

	if (secret != NULL)
		totp_code(secret, t, code);
	snprintf(body, sizeof(body),
	    "{\"user\": \"%s\", \"password\": \"%s\", \"totp\": \"%s\"}", user,
	    pw, code);
	a = send_json("POST", "/api/v1/login", NULL, NULL, body);
	snprintf(out, outlen, "%s", a.status == 200 ? a.cookie : "");
	st_ = a.status;
	json_decref(a.j);
	return st_;
}

static struct api_bootstrap boot;
static char admin[128];

static int
setup(void **state)
{
	char err[256];

	(void)state;
	assert_non_null(mkdtemp(dir));
	{
		char url[600];

		snprintf(url, sizeof(url), "sqlite:%s/t.db", dir);
		assert_int_equal(store_open(url, &st, err, sizeof(err)), 0);
	}
	assert_int_equal(store_migrate(st, NULL, NULL), 0);
	assert_int_equal(api_bootstrap(st, now, &boot), 0);
	assert_int_equal(login(boot.user, boot.password, boot.totp_secret, now,
			     admin, sizeof(admin)),
	    200);
	return 0;
}

static int
teardown(void **state)
{
	char cmd[600];

	(void)state;
	store_close(st);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
	return 0;
}

static void
test_bootstrap_once(void **state)
{
	struct api_bootstrap again;

	(void)state;
	assert_int_equal(api_bootstrap(st, now, &again), -7 /* NOTFOUND */);
}

static void
test_totp(void **state)
{
	char ck[128];

	(void)state;
	/* No code, a replayed code, a wrong password: all the same 401. */
	assert_int_equal(
	    login(boot.user, boot.password, NULL, now, ck, sizeof(ck)), 401);
	assert_int_equal(login(boot.user, boot.password, boot.totp_secret, now,
			     ck, sizeof(ck)),
	    401);
	assert_int_equal(login(boot.user, "wrong password!", boot.totp_secret,
			     now + 30, ck, sizeof(ck)),
	    401);
	/* The wrong password did not use up the next step's code. */
	assert_int_equal(login(boot.user, boot.password, boot.totp_secret,
			     now + 30, ck, sizeof(ck)),
	    200);
	assert_string_not_equal(ck, admin);
}

static void
test_tenants(void **state)
{
	struct ans a;

	(void)state;
	a = send_json("POST", "/api/v1/tenants", admin, NULL,
	    "{\"slug\": \"acme\", \"name\": \"Acme Dental\"}");
	assert_int_equal(a.status, 201);
	json_decref(a.j);
	a = send_json("POST", "/api/v1/tenants", admin, NULL,
	    "{\"slug\": \"globex\", \"name\": \"Globex\"}");
	assert_int_equal(a.status, 201);
	json_decref(a.j);
	a = send_json("POST", "/api/v1/tenants", admin, NULL,
	    "{\"slug\": \"acme\", \"name\": \"Again\"}");
	assert_int_equal(a.status, 409);
	assert_string_equal(errfield(&a), "/slug");
	json_decref(a.j);
	a = send_json("POST", "/api/v1/tenants", admin, NULL,
	    "{\"slug\": \"Bad Slug\", \"name\": \"x\"}");
	assert_int_equal(a.status, 400);
	assert_string_equal(errcode(&a), "invalid_field");
	assert_string_equal(errfield(&a), "/slug");
	json_decref(a.j);
	a = send_json("POST", "/api/v1/tenants", admin, NULL,
	    "{\"slug\": \"x\", \"name\": \"x\", \"extra\": 1}");
	assert_int_equal(a.status, 400);
	assert_string_equal(errfield(&a), "/extra");
	json_decref(a.j);
	a = send_json("PATCH", "/api/v1/tenants/acme", admin, NULL,
	    "{\"name\": \"Acme Dental Group\"}");
	assert_int_equal(a.status, 200);
	assert_string_equal(json_string_value(json_object_get(a.j, "name")),
	    "Acme Dental Group");
	json_decref(a.j);
}

static void
test_request_errors(void **state)
{
	static const char bad_utf8[] = "{\"slug\": \"a\xff\", \"name\": \"x\"}";
	struct ans a;

	(void)state;
	a = call("POST", "/api/v1/tenants", "{}", 2, "text/plain", admin, NULL);
	assert_int_equal(a.status, 415);
	json_decref(a.j);
	a = send_json("POST", "/api/v1/tenants", admin, NULL, "{\"slug\": ");
	assert_int_equal(a.status, 400);
	assert_string_equal(errcode(&a), "invalid_json");
	json_decref(a.j);
	a = call("POST", "/api/v1/tenants", bad_utf8, sizeof(bad_utf8) - 1,
	    "application/json; charset=utf-8", admin, NULL);
	assert_int_equal(a.status, 400);
	assert_string_equal(errcode(&a), "invalid_json");
	json_decref(a.j);
	/* Request bytes that are not UTF-8, quoted in the message: still
	 * the error itself, not a failure to build it. */
	a = call("POST", "/api/v1/tenants", "{}", 2, "application/\xff\xfe",
	    admin, NULL);
	assert_int_equal(a.status, 415);
	assert_string_equal(errcode(&a), "unsupported_media_type");
	json_decref(a.j);
	a = call("G\xc3T", "/api/v1/tenants", NULL, 0, NULL, admin, NULL);
	assert_int_equal(a.status, 405);
	assert_string_equal(errcode(&a), "method_not_allowed");
	json_decref(a.j);
	a = call("POST", "/api/v1/advisories?tenants=\xff", "{}", 2,
	    "application/json", admin, NULL);
	assert_true(a.status == 400 || a.status == 404);
	assert_non_null(errcode(&a));
	json_decref(a.j);
	a = send_json("POST", "/api/v1/tenants", admin, NULL, "[1]");
	assert_int_equal(a.status, 400);
	json_decref(a.j);
	a = get("/api/v1/nothing", admin, NULL);
	assert_int_equal(a.status, 404);
	json_decref(a.j);
	a = call("DELETE", "/api/v1/tenants", NULL, 0, NULL, admin, NULL);
	assert_int_equal(a.status, 405);
	json_decref(a.j);
	a = get("/api/v1/tenants", NULL, NULL);
	assert_int_equal(a.status, 401);
	assert_string_equal(errcode(&a), "unauthorized");
	json_decref(a.j);
	a = get("/api/v1/tenants?limit=0", admin, NULL);
	assert_int_equal(a.status, 400);
	assert_string_equal(errfield(&a), "?limit");
	json_decref(a.j);
}

static char tech[128], viewer[128], tech2[128];

static void
make_user(const char *name, const char *role, const char *tenant, char *ck)
{
	char body[256];
	struct ans a;

	snprintf(body, sizeof(body),
	    "{\"name\": \"%s\", \"role\": \"%s\", \"tenants\": [\"%s\"], "
	    "\"totp\": false}",
	    name, role, tenant);
	a = send_json("POST", "/api/v1/users", admin, NULL, body);
	assert_int_equal(a.status, 201);
	assert_int_equal(
	    login(name, json_string_value(json_object_get(a.j, "password")),
		NULL, now, ck, 128),
	    200);
	json_decref(a.j);
}

static void
test_users_scoping(void **state)
{
	struct ans a;

	(void)state;
	make_user("tina", "technician", "acme", tech);
	make_user("vic", "viewer", "acme", viewer);
	make_user("gus", "technician", "globex", tech2);
	a = get("/api/v1/tenants", tech, NULL);
	assert_int_equal(a.status, 200);
	assert_int_equal(json_array_size(json_object_get(a.j, "items")), 1);
	json_decref(a.j);
	a = get("/api/v1/tenants/globex", tech, NULL);
	assert_int_equal(a.status, 404);
	json_decref(a.j);
	a = send_json("POST", "/api/v1/tenants", viewer, NULL,
	    "{\"slug\": \"v\", \"name\": \"v\"}");
	assert_int_equal(a.status, 403);
	json_decref(a.j);
	a = get("/api/v1/users", tech, NULL);
	assert_int_equal(a.status, 403);
	json_decref(a.j);
	/* An msp-admin without TOTP cannot be made. */
	a = send_json("POST", "/api/v1/users", admin, NULL,
	    "{\"name\": \"eve\", \"role\": \"msp-admin\", \"totp\": false}");
	assert_int_equal(a.status, 400);
	assert_string_equal(errfield(&a), "/totp");
	json_decref(a.j);
}

static char *
slurp(const char *rel, size_t *n)
{
	char path[4096];
	FILE *f;
	char *buf;
	long len;

	snprintf(path, sizeof(path), "%s/%s", getenv("RAMPART_TEST_DATA"), rel);
	assert_non_null(f = fopen(path, "rb"));
	fseek(f, 0, SEEK_END);
	len = ftell(f);
	fseek(f, 0, SEEK_SET);
	assert_non_null(buf = malloc((size_t)len + 1));
	assert_int_equal(fread(buf, 1, (size_t)len, f), (size_t)len);
	fclose(f);
	*n = (size_t)len;
	return buf;
}

static size_t
count(const char *url, const char *ck)
{
	struct ans a = get(url, ck, NULL);
	size_t n;

	assert_int_equal(a.status, 200);
	n = json_array_size(json_object_get(a.j, "items"));
	json_decref(a.j);
	return n;
}

static int64_t adv_id;

static void
test_advisory(void **state)
{
	size_t n, nb;
	char *doc = slurp("3cx/3cx-csaf.json", &n);
	char *bad = slurp("3cx/broken-csaf.json", &nb);
	char url[128];
	struct ans a;

	(void)state;
	a = call("POST", "/api/v1/advisories?tenants=acme", doc, n,
	    "application/json", tech, NULL);
	assert_int_equal(a.status, 201);
	adv_id = json_integer_value(json_object_get(a.j, "id"));
	assert_int_equal(
	    json_integer_value(json_object_get(a.j, "revision")), 1);
	json_decref(a.j);
	a = call("POST", "/api/v1/advisories?tenants=acme", doc, n,
	    "application/json", tech, NULL);
	assert_int_equal(a.status, 200);
	assert_true(json_is_true(json_object_get(a.j, "unchanged")));
	json_decref(a.j);
	/* Not her tenant; not MSP-wide; not as a viewer. */
	a = call("POST", "/api/v1/advisories?tenants=globex", doc, n,
	    "application/json", tech, NULL);
	assert_int_equal(a.status, 404);
	json_decref(a.j);
	a = call("POST", "/api/v1/advisories", doc, n, "application/json", tech,
	    NULL);
	assert_int_equal(a.status, 403);
	json_decref(a.j);
	a = call("POST", "/api/v1/advisories?tenants=acme", doc, n,
	    "application/json", viewer, NULL);
	assert_int_equal(a.status, 403);
	json_decref(a.j);
	/* A rejected document names the test and pointer, stores nothing. */
	a = call("POST", "/api/v1/advisories", bad, nb, "application/json",
	    admin, NULL);
	assert_int_equal(a.status, 422);
	assert_string_equal(errcode(&a), "advisory_invalid");
	assert_true(json_array_size(json_object_get(
			json_object_get(a.j, "error"), "details")) > 0);
	json_decref(a.j);
	assert_int_equal(count("/api/v1/advisories", admin), 1);
	assert_int_equal(
	    count("/api/v1/advisories?q=CVE-2023-29059", viewer), 1);
	assert_int_equal(count("/api/v1/advisories?q=nomatch%", viewer), 0);
	assert_int_equal(count("/api/v1/advisories", tech2), 0);
	snprintf(
	    url, sizeof(url), "/api/v1/advisories/%lld", (long long)adv_id);
	a = get(url, tech2, NULL);
	assert_int_equal(a.status, 404);
	json_decref(a.j);
	a = get(url, viewer, NULL);
	assert_int_equal(a.status, 200);
	/* The whole answer parses, its document is the one imported, and
	 * the tenants are named within the viewer's scope. */
	json_t *want = json_loadb(doc, n, 0, NULL);
	assert_non_null(want);
	assert_true(json_equal(json_object_get(a.j, "document"), want));
	json_decref(want);
	assert_int_equal(json_array_size(json_object_get(a.j, "tenants")), 1);
	assert_string_equal(json_string_value(json_array_get(
				json_object_get(a.j, "tenants"), 0)),
	    "acme");
	json_decref(a.j);
	free(doc);
	free(bad);
}

static void
test_tokens(void **state)
{
	struct ans a;
	char secret[80], url[64];
	json_int_t id;

	(void)state;
	a = send_json("POST", "/api/v1/tokens", tech, NULL,
	    "{\"name\": \"ci\", \"role\": \"viewer\"}");
	assert_int_equal(a.status, 201);
	snprintf(secret, sizeof(secret), "%s",
	    json_string_value(json_object_get(a.j, "secret")));
	id = json_integer_value(
	    json_object_get(json_object_get(a.j, "token"), "id"));
	json_decref(a.j);
	a = get("/api/v1/advisories", NULL, secret);
	assert_int_equal(a.status, 200);
	json_decref(a.j);
	/* A viewer token may not import, whatever its owner may. */
	a = call("POST", "/api/v1/advisories?tenants=acme", "{}", 2,
	    "application/json", NULL, secret);
	assert_int_equal(a.status, 403);
	json_decref(a.j);
	/* A token cannot mint tokens; a wider role is refused. */
	a = send_json(
	    "POST", "/api/v1/tokens", NULL, secret, "{\"name\": \"x\"}");
	assert_int_equal(a.status, 403);
	json_decref(a.j);
	a = send_json("POST", "/api/v1/tokens", tech, NULL,
	    "{\"name\": \"x\", \"role\": \"msp-admin\"}");
	assert_int_equal(a.status, 400);
	json_decref(a.j);
	snprintf(url, sizeof(url), "/api/v1/tokens/%lld", (long long)id);
	a = call("DELETE", url, NULL, 0, NULL, tech2, NULL);
	assert_int_equal(a.status, 404);
	json_decref(a.j);
	a = call("DELETE", url, NULL, 0, NULL, tech, NULL);
	assert_int_equal(a.status, 204);
	json_decref(a.j);
	a = get("/api/v1/advisories", NULL, secret);
	assert_int_equal(a.status, 401);
	json_decref(a.j);
}

static int
status_of(const char *url, const char *ck)
{
	struct ans a = get(url, ck, NULL);

	json_decref(a.j);
	return a.status;
}

static void
test_password(void **state)
{
	struct ans a;
	char ck[128];
	const char *pw;

	(void)state;
	a = send_json("POST", "/api/v1/me/password", tech, NULL,
	    "{\"password\": \"not it at all\", \"new_password\": "
	    "\"a long new password\"}");
	assert_int_equal(a.status, 403);
	assert_string_equal(errfield(&a), "/password");
	json_decref(a.j);
	a = send_json("POST", "/api/v1/me/password", tech, NULL,
	    "{\"password\": \"x\", \"new_password\": \"short\"}");
	assert_int_equal(a.status, 400);
	assert_string_equal(errfield(&a), "/new_password");
	json_decref(a.j);
	/* An msp-admin resets tina: new secrets once, her session ends. */
	a = send_json("POST", "/api/v1/users/tina/reset", admin, NULL, "{}");
	assert_int_equal(a.status, 200);
	assert_null(json_object_get(a.j, "totp_secret"));
	pw = json_string_value(json_object_get(a.j, "password"));
	assert_non_null(pw);
	assert_int_equal(status_of("/api/v1/me", tech), 401);
	assert_int_equal(login("tina", pw, NULL, now, tech, sizeof(tech)), 200);
	/* She changes it herself; every session of hers ends. */
	{
		char body[256];

		snprintf(body, sizeof(body),
		    "{\"password\": \"%s\", \"new_password\": "
		    "\"tina's own long password\"}",
		    pw);
		json_decref(a.j);
		a = send_json("POST", "/api/v1/me/password", tech, NULL, body);
	}
	assert_int_equal(a.status, 204);
	assert_int_equal(status_of("/api/v1/me", tech), 401);
	assert_int_equal(login("tina", "tina's own long password", NULL, now,
			     ck, sizeof(ck)),
	    200);
	snprintf(tech, sizeof(tech), "%s", ck);
	/* An msp-admin keeps TOTP through a reset. */
	a = send_json("POST", "/api/v1/users/admin/reset", tech, NULL, "{}");
	assert_int_equal(a.status, 403);
	json_decref(a.j);
}

static void
test_throttle(void **state)
{
	char ck[128];
	int i;

	(void)state;
	for (i = 0; i < 5; i++)
		assert_int_equal(login("tina", "not her password", NULL, now,
				     ck, sizeof(ck)),
		    401);
	/* Locked now, even with... no right password known here, so check
	 * that the lock answers 429 before any password is looked at. */
	assert_int_equal(login("tina", "x", NULL, now, ck, sizeof(ck)), 429);
	now += 16 * 60;
	assert_int_equal(login("tina", "x", NULL, now, ck, sizeof(ck)), 401);
}

static void
test_pagination(void **state)
{
	char body[128], url[128];
	struct ans a;
	const char *next;
	size_t seen = 0;
	int i;

	(void)state;
	for (i = 0; i < 7; i++) {
		snprintf(body, sizeof(body),
		    "{\"slug\": \"p%d\", \"name\": \"P %d\"}", i, i);
		a = send_json("POST", "/api/v1/tenants", admin, NULL, body);
		assert_int_equal(a.status, 201);
		json_decref(a.j);
	}
	snprintf(url, sizeof(url), "/api/v1/tenants?limit=3");
	for (;;) {
		a = get(url, admin, NULL);
		assert_int_equal(a.status, 200);
		seen += json_array_size(json_object_get(a.j, "items"));
		next = json_string_value(json_object_get(a.j, "next"));
		if (next == NULL) {
			json_decref(a.j);
			break;
		}
		snprintf(
		    url, sizeof(url), "/api/v1/tenants?limit=3&after=%s", next);
		json_decref(a.j);
	}
	assert_int_equal(seen, 9);
}

/* Sessions end after 30 idle minutes, and after 12 hours whatever. */
static void
test_session_expiry(void **state)
{
	char ck[128], pw[64];
	int64_t t0 = now, i;
	struct ans a;

	(void)state;
	a = send_json("POST", "/api/v1/users", admin, NULL,
	    "{\"name\": \"sam\", \"role\": \"viewer\", \"totp\": false}");
	assert_int_equal(a.status, 201);
	snprintf(pw, sizeof(pw), "%s",
	    json_string_value(json_object_get(a.j, "password")));
	json_decref(a.j);
	assert_int_equal(login("sam", pw, NULL, now, ck, sizeof(ck)), 200);
	now += 29 * 60;
	assert_int_equal(status_of("/api/v1/me", ck), 200);
	now += 31 * 60; /* idle since the last request */
	assert_int_equal(status_of("/api/v1/me", ck), 401);
	/* Busy all the time, it still ends at 12 hours. */
	assert_int_equal(login("sam", pw, NULL, now, ck, sizeof(ck)), 200);
	t0 = now;
	for (i = 1; i < 12 * 4; i++) {
		now = t0 + i * 15 * 60;
		assert_int_equal(status_of("/api/v1/me", ck), 200);
	}
	now = t0 + 12 * 3600;
	assert_int_equal(status_of("/api/v1/me", ck), 401);
	/* The admin's session has been idle all that time: log in again. */
	assert_int_equal(status_of("/api/v1/me", admin), 401);
	assert_int_equal(login(boot.user, boot.password, boot.totp_secret, now,
			     admin, sizeof(admin)),
	    200);
}

/* From the headers alone: the route, the credentials, the role, the cap. */
static void
test_admit(void **state)
{
	struct api_request rq = {0};
	struct api_response rs;
	struct api_admission adm;
	struct q q = {"/api/v1/advisories", ""};
	char ck[160];
	size_t max;

	(void)state;
	rq.method = "POST";
	rq.path = q.path;
	rq.arg = arg;
	rq.arg_cls = &q;
	rq.remote_addr = "192.0.2.7";
	rq.now = now;
	rq.store = st;
	assert_int_equal(api_admit(&rq, &rs, &adm, &max), 1);
	assert_int_equal(rs.status, 401);
	api_response_clear(&rs);
	snprintf(ck, sizeof(ck), "rampart_session=%s", viewer);
	rq.cookie = ck;
	assert_int_equal(api_admit(&rq, &rs, &adm, &max), 1);
	assert_int_equal(rs.status, 403);
	api_response_clear(&rs);
	snprintf(ck, sizeof(ck), "rampart_session=%s", admin);
	assert_int_equal(api_admit(&rq, &rs, &adm, &max), 0);
	assert_int_equal(max, API_BODY_DOCUMENT);
	assert_true(adm.authed);
	api_response_clear(&rs);
	snprintf(q.path, sizeof(q.path), "/api/v1/tenants");
	assert_int_equal(api_admit(&rq, &rs, &adm, &max), 0);
	assert_int_equal(max, API_BODY_SMALL);
	api_response_clear(&rs);
	/* The admitted principal is used as is by api_handle. */
	rq.body = "{\"slug\": \"admitted\", \"name\": \"A\"}";
	rq.body_len = strlen(rq.body);
	rq.content_type = "application/json";
	rq.cookie = NULL;
	rq.admitted = &adm;
	assert_int_equal(api_handle(&rq, &rs), 0);
	assert_int_equal(rs.status, 201);
	api_response_clear(&rs);
	snprintf(q.path, sizeof(q.path), "/api/v1/nothing");
	rq.admitted = NULL;
	assert_int_equal(api_admit(&rq, &rs, &adm, &max), 1);
	assert_int_equal(rs.status, 404);
	api_response_clear(&rs);
}

/* --- agents ---------------------------------------------------------------- */

#define FP "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff"

static unsigned char agent_sk[64];
static char agent_id[PROTO_AGENT_ID_LEN + 1];

/* A new enrolment token of tenant made by ck; its whole secret into
 * out, its id returned. */
static json_int_t
new_enroll_token(const char *ck, const char *tenant, const char *body,
    char out[PROTO_TOKEN_LEN + 1])
{
	char url[128], fp[PROTO_FP_HEX + 1], sec[PROTO_SECRET_LEN + 1];
	struct ans a;
	json_int_t id;

	snprintf(url, sizeof(url), "/api/v1/tenants/%s/enroll-tokens", tenant);
	a = send_json("POST", url, ck, NULL, body);
	assert_int_equal(a.status, 201);
	snprintf(out, PROTO_TOKEN_LEN + 1, "%s",
	    json_string_value(json_object_get(a.j, "secret")));
	assert_int_equal(proto_token_parse(out, fp, sec), 0);
	assert_string_equal(fp, FP);
	id = json_integer_value(
	    json_object_get(json_object_get(a.j, "token"), "id"));
	assert_string_equal(json_string_value(json_object_get(
				json_object_get(a.j, "token"), "tenant")),
	    tenant);
	json_decref(a.j);
	return id;
}

/* Enrols with the SECRET part of token and the public key pk. */
static struct ans
enroll(const char *token, const unsigned char pk[32])
{
	char fp[PROTO_FP_HEX + 1], sec[PROTO_SECRET_LEN + 1], pkb[44];
	char body[512];

	assert_int_equal(proto_token_parse(token, fp, sec), 0);
	proto_pk_encode(pk, pkb);
	snprintf(body, sizeof(body),
	    "{\"token\": \"%s\", \"public_key\": \"%s\", \"hostname\": "
	    "\"ws-acct-01\", \"os\": \"debian 12\"}",
	    sec, pkb);
	return send_json("POST", "/api/v1/agents/enroll", NULL, NULL, body);
}

/* Sends body to url with the Authorization header hdr. */
static struct ans
signed_call(const char *url, const char *body, const char *hdr)
{
	struct ans a;

	raw_authz = hdr;
	a = call("POST", url, body, strlen(body),
	    body[0] != '\0' ? "application/json" : NULL, NULL, NULL);
	raw_authz = NULL;
	return a;
}

/* The agent's header for POST what (target) with body at ts. */
static void
sign(const char *what, const char *body, int64_t ts, char hdr[PROTO_AUTH_MAX])
{
	assert_int_equal(proto_sign(agent_sk, agent_id, "POST", what, ts, body,
			     strlen(body), hdr, PROTO_AUTH_MAX),
	    0);
}

static int
heartbeat(const char *body, int64_t ts)
{
	char hdr[PROTO_AUTH_MAX];
	struct ans a;

	sign("/api/v1/agent/heartbeat", body, ts, hdr);
	a = signed_call("/api/v1/agent/heartbeat", body, hdr);
	json_decref(a.j);
	return a.status;
}

static void
expect(struct ans a, int status, const char *code)
{
	assert_int_equal(a.status, status);
	if (code != NULL)
		assert_string_equal(errcode(&a), code);
	json_decref(a.j);
}

/* Whether the audit log has an entry of action by an actor starting
 * with actor. */
static int
audit_has(const char *action, const char *actor)
{
	struct ans a = get("/api/v1/audit?limit=500", admin, NULL);
	json_t *it;
	size_t i;
	int found = 0;

	assert_int_equal(a.status, 200);
	json_array_foreach(json_object_get(a.j, "items"), i, it)
	{
		const char *ac =
		    json_string_value(json_object_get(it, "action"));
		const char *who =
		    json_string_value(json_object_get(it, "actor"));

		found |= strcmp(ac, action) == 0 &&
		    strncmp(who, actor, strlen(actor)) == 0;
	}
	json_decref(a.j);
	return found;
}

/* The detail of the last audit entry of action on target with outcome,
 * into out; 0 when there is none. */
static int
audit_last(const char *action, const char *target, const char *outcome,
    char *out, size_t outlen)
{
	struct ans a = get("/api/v1/audit?limit=500", admin, NULL);
	json_t *it;
	size_t i;
	int found = 0;

	assert_int_equal(a.status, 200);
	json_array_foreach(json_object_get(a.j, "items"), i, it)
	{
		if (strcmp(json_string_value(json_object_get(it, "action")),
			action) != 0 ||
		    strcmp(json_string_value(json_object_get(it, "target")),
			target) != 0 ||
		    strcmp(json_string_value(json_object_get(it, "outcome")),
			outcome) != 0)
			continue;
		snprintf(out, outlen, "%s",
		    json_string_value(json_object_get(it, "detail")));
		found = 1;
	}
	json_decref(a.j);
	return found;
}

/* The caller's lang and tz as GET /api/v1/me shows them. */
static void
me_prefs(const char *ck, const char *lang, const char *tz)
{
	struct ans a = get("/api/v1/me", ck, NULL);
	json_t *u = json_object_get(a.j, "user");

	assert_int_equal(a.status, 200);
	assert_string_equal(
	    json_string_value(json_object_get(u, "lang")), lang);
	assert_string_equal(json_string_value(json_object_get(u, "tz")), tz);
	json_decref(a.j);
}

static void
expect_field(struct ans a, int status, const char *field)
{
	assert_int_equal(a.status, status);
	if (field != NULL)
		assert_string_equal(errfield(&a), field);
	json_decref(a.j);
}

/* A user's language and time zone: set by the user from a session
 * (never a token), canonicalised, checked, audited; and by an
 * msp-admin for another user. */
static void
test_me_prefs(void **state)
{
	struct ans a;
	char secret[80], d[512];

	(void)state;
	me_prefs(tech, "en", "UTC");
	a = send_json("PATCH", "/api/v1/me", tech, NULL,
	    "{\"lang\": \"de\", \"tz\": \"US/Pacific\"}");
	assert_int_equal(a.status, 200);
	assert_string_equal(
	    json_string_value(json_object_get(a.j, "lang")), "de");
	assert_string_equal(json_string_value(json_object_get(a.j, "tz")),
	    "America/Los_Angeles");
	assert_string_equal(
	    json_string_value(json_object_get(a.j, "name")), "tina");
	json_decref(a.j);
	me_prefs(tech, "de", "America/Los_Angeles");
	assert_true(audit_last("user.prefs", "tina", "ok", d, sizeof(d)));
	assert_string_equal(
	    d, "{\"lang\":\"de\",\"tz\":\"America/Los_Angeles\"}");

	/* Refused, and nothing changes. */
	a = send_json(
	    "PATCH", "/api/v1/me", tech, NULL, "{\"tz\": \"Mars/Olympus\"}");
	assert_int_equal(a.status, 400);
	assert_string_equal(errfield(&a), "/tz");
	assert_non_null(strstr(json_string_value(json_object_get(
				   json_object_get(a.j, "error"), "message")),
	    "Mars/Olympus"));
	json_decref(a.j);
	expect_field(
	    send_json("PATCH", "/api/v1/me", tech, NULL, "{\"tz\": \"GMT+5\"}"),
	    400, "/tz");
	expect_field(send_json("PATCH", "/api/v1/me", tech, NULL,
			 "{\"tz\": \"europe/berlin\"}"),
	    400, "/tz");
	expect_field(send_json("PATCH", "/api/v1/me", tech, NULL,
			 "{\"tz\": \"../../etc/localtime\"}"),
	    400, "/tz");
	expect_field(
	    send_json("PATCH", "/api/v1/me", tech, NULL, "{\"tz\": \"\"}"), 400,
	    "/tz");
	expect_field(
	    send_json("PATCH", "/api/v1/me", tech, NULL, "{\"tz\": 1}"), 400,
	    "/tz");
	expect_field(
	    send_json("PATCH", "/api/v1/me", tech, NULL, "{\"lang\": \"fr\"}"),
	    400, "/lang");
	expect_field(send_json("PATCH", "/api/v1/me", tech, NULL,
			 "{\"lang\": \"en\", \"role\": \"msp-admin\"}"),
	    400, "/role");
	expect_field(
	    send_json("PATCH", "/api/v1/me", NULL, NULL, "{\"lang\": \"en\"}"),
	    401, NULL);
	/* A token acts for its owner but does not change their settings. */
	a = send_json(
	    "POST", "/api/v1/tokens", tech, NULL, "{\"name\": \"prefs\"}");
	assert_int_equal(a.status, 201);
	snprintf(secret, sizeof(secret), "%s",
	    json_string_value(json_object_get(a.j, "secret")));
	json_decref(a.j);
	expect_field(send_json("PATCH", "/api/v1/me", NULL, secret,
			 "{\"lang\": \"en\"}"),
	    403, NULL);
	me_prefs(tech, "de", "America/Los_Angeles");
	/* Nothing asked: nothing changes, the user is the answer. */
	expect_field(
	    send_json("PATCH", "/api/v1/me", tech, NULL, "{}"), 200, NULL);

	/* An msp-admin sets them for tina: audited as user.prefs, the
	 * other changes of the same request as user.update. */
	a = send_json("PATCH", "/api/v1/users/tina", admin, NULL,
	    "{\"tz\": \"Asia/Kolkata\"}");
	assert_int_equal(a.status, 200);
	assert_string_equal(
	    json_string_value(json_object_get(a.j, "tz")), "Asia/Calcutta");
	json_decref(a.j);
	me_prefs(tech, "de", "Asia/Calcutta");
	a = send_json("PATCH", "/api/v1/users/tina", admin, NULL,
	    "{\"display\": \"Tina T.\", \"lang\": \"en\"}");
	assert_int_equal(a.status, 200);
	json_decref(a.j);
	me_prefs(tech, "en", "Asia/Calcutta");
	assert_true(audit_last("user.prefs", "tina", "ok", d, sizeof(d)));
	assert_string_equal(d, "{\"lang\":\"en\"}");
	assert_true(audit_last("user.update", "tina", "ok", d, sizeof(d)));
	assert_string_equal(d, "{\"display\":\"Tina T.\"}");
	expect_field(send_json("PATCH", "/api/v1/users/tina", admin, NULL,
			 "{\"tz\": \"Nowhere/Land\"}"),
	    400, "/tz");
	expect_field(send_json("PATCH", "/api/v1/users/tina", admin, NULL,
			 "{\"lang\": \"xx\"}"),
	    400, "/lang");
	me_prefs(tech, "en", "Asia/Calcutta");
	/* Another user's settings are not reached through /me. */
	me_prefs(tech2, "en", "UTC");
}

static void
totp_body(
    char *out, size_t n, const char *pw, const char *secret, const char *code)
{
	snprintf(out, n,
	    "{\"password\": \"%s\", \"secret\": \"%s\", \"code\": \"%s\"}", pw,
	    secret, code);
}

/* A user enrols a TOTP secret they made: the password and the current
 * code are checked; the other sessions end; the enrolling code is not
 * good for a login after it. */
static void
test_me_totp(void **state)
{
	static const char pw[] = "tina's own long password";
	char sec[64], body[512], code[7], other[128], tok[80], ck[128];
	char d[512];
	struct ans a;
	int i;

	(void)state;
	auth_totp_secret_new(sec, sizeof(sec));
	assert_int_equal(strlen(sec), 32);
	assert_int_equal(
	    login("tina", pw, NULL, now, other, sizeof(other)), 200);
	totp_code(sec, now, code);

	totp_body(body, sizeof(body), "not her password", sec, code);
	expect_field(send_json("POST", "/api/v1/me/totp", tech, NULL, body),
	    403, "/password");
	assert_true(
	    audit_last("user.totp", "user:tina", "failed", d, sizeof(d)));
	assert_string_equal(d, "{\"reason\":\"password\"}");
	totp_body(body, sizeof(body), pw, "JBSWY3DPEHPK3PXP", code);
	expect_field(send_json("POST", "/api/v1/me/totp", tech, NULL, body),
	    400, "/secret");
	{
		char low[64];

		for (i = 0; sec[i] != '\0'; i++)
			low[i] =
			    (char)(sec[i] >= 'A' && sec[i] <= 'Z' ? sec[i] + 32
								  : sec[i]);
		low[i] = '\0';
		totp_body(body, sizeof(body), pw, low, code);
		expect_field(
		    send_json("POST", "/api/v1/me/totp", tech, NULL, body), 400,
		    "/secret");
	}
	/* A code of another time: not this secret's current one. */
	{
		char late[7];

		totp_code(sec, now + 300, late);
		totp_body(body, sizeof(body), pw, sec, late);
		expect_field(
		    send_json("POST", "/api/v1/me/totp", tech, NULL, body), 400,
		    "/code");
		assert_true(audit_last(
		    "user.totp", "user:tina", "failed", d, sizeof(d)));
		assert_string_equal(d, "{\"reason\":\"code\"}");
	}
	totp_body(body, sizeof(body), pw, sec, code);
	expect_field(
	    send_json("POST", "/api/v1/me/totp", tech, NULL,
		"{\"password\": \"x\", \"secret\": \"y\", \"code\": \"z\", "
		"\"totp\": true}"),
	    400, "/totp");
	a = send_json(
	    "POST", "/api/v1/tokens", tech, NULL, "{\"name\": \"t\"}");
	assert_int_equal(a.status, 201);
	snprintf(tok, sizeof(tok), "%s",
	    json_string_value(json_object_get(a.j, "secret")));
	json_decref(a.j);
	expect_field(
	    send_json("POST", "/api/v1/me/totp", NULL, tok, body), 403, NULL);
	/* Nothing so far changed anything. */
	a = get("/api/v1/me", other, NULL);
	assert_int_equal(a.status, 200);
	assert_false(json_is_true(
	    json_object_get(json_object_get(a.j, "user"), "totp")));
	json_decref(a.j);

	a = send_json("POST", "/api/v1/me/totp", tech, NULL, body);
	assert_int_equal(a.status, 200);
	assert_true(json_is_true(json_object_get(a.j, "totp")));
	json_decref(a.j);
	assert_true(audit_last("user.totp", "user:tina", "ok", d, sizeof(d)));
	assert_string_equal(d, "{}");
	/* The secret is in no audit entry, and no answer shows it. */
	a = get("/api/v1/audit?limit=500", admin, NULL);
	assert_int_equal(a.status, 200);
	{
		char *text = json_dumps(a.j, 0);

		assert_non_null(text);
		assert_null(strstr(text, sec));
		assert_null(strstr(text, pw));
		free(text);
	}
	json_decref(a.j);
	/* This session stays, the other one ended; tokens are not
	 * sessions and stay too. */
	assert_int_equal(status_of("/api/v1/me", tech), 200);
	assert_int_equal(status_of("/api/v1/me", other), 401);
	a = get("/api/v1/me", NULL, tok);
	assert_int_equal(a.status, 200);
	json_decref(a.j);
	/* Logins need the new secret's codes now, and not the one that
	 * enrolled it. */
	assert_int_equal(login("tina", pw, NULL, now, ck, sizeof(ck)), 401);
	assert_int_equal(login("tina", pw, sec, now, ck, sizeof(ck)), 401);
	assert_int_equal(login("tina", pw, sec, now + 30, ck, sizeof(ck)), 200);

	/* A wrong current password counts as a failed login: after the
	 * limit, even the right one is refused (429) until the lock ends,
	 * here and at a password change and a login. */
	totp_body(body, sizeof(body), "not her password", sec, code);
	for (i = 0; i < 5; i++)
		expect_field(
		    send_json("POST", "/api/v1/me/totp", tech, NULL, body), 403,
		    "/password");
	totp_body(body, sizeof(body), pw, sec, code);
	a = send_json("POST", "/api/v1/me/totp", tech, NULL, body);
	assert_int_equal(a.status, 429);
	assert_true(a.retry > 0);
	json_decref(a.j);
	snprintf(body, sizeof(body),
	    "{\"password\": \"%s\", \"new_password\": "
	    "\"a long new password\"}",
	    pw);
	expect_field(send_json("POST", "/api/v1/me/password", tech, NULL, body),
	    429, NULL);
	assert_int_equal(login("tina", pw, sec, now + 60, ck, sizeof(ck)), 429);
	now += 16 * 60;
	/* The sessions the later tests use, kept from idling out. */
	assert_int_equal(status_of("/api/v1/me", tech), 200);
	assert_int_equal(status_of("/api/v1/me", tech2), 200);
	assert_int_equal(status_of("/api/v1/me", viewer), 200);
	assert_int_equal(status_of("/api/v1/me", admin), 200);
	/* A successful login resets her failures (test_throttle counts
	 * from zero). */
	assert_int_equal(login("tina", pw, sec, now, ck, sizeof(ck)), 200);
	sodium_memzero(sec, sizeof(sec));
}

static void
test_enroll_tokens(void **state)
{
	struct api_config cf;
	char tok[PROTO_TOKEN_LEN + 1], url[96];
	json_int_t id;
	struct ans a;

	(void)state;
	/* Without TLS there is no fingerprint to hand out. */
	expect(send_json("POST", "/api/v1/tenants/acme/enroll-tokens", tech,
		   NULL, "{}"),
	    409, "conflict");
	api_config_default(&cf);
	snprintf(cf.server_fp, sizeof(cf.server_fp), "%s", FP);
	api_configure(&cf);
	id = new_enroll_token(
	    tech, "acme", "{\"name\": \"w\", \"uses\": 3}", tok);
	/* The body is optional; defaults: one use, 24 hours. */
	a = call("POST", "/api/v1/tenants/acme/enroll-tokens", NULL, 0, NULL,
	    admin, NULL);
	assert_int_equal(a.status, 201);
	assert_int_equal(json_integer_value(json_object_get(
			     json_object_get(a.j, "token"), "uses")),
	    1);
	json_decref(a.j);
	expect(send_json("POST", "/api/v1/tenants/acme/enroll-tokens", tech2,
		   NULL, "{}"),
	    404, "not_found");
	expect(send_json("POST", "/api/v1/tenants/acme/enroll-tokens", viewer,
		   NULL, "{}"),
	    403, "forbidden");
	expect(send_json("POST", "/api/v1/tenants/acme/enroll-tokens", tech,
		   NULL, "{\"uses\": -1}"),
	    400, "invalid_field");
	a = get("/api/v1/tenants/acme/enroll-tokens", tech, NULL);
	assert_int_equal(a.status, 200);
	assert_int_equal(json_array_size(json_object_get(a.j, "items")), 2);
	{
		char *text = json_dumps(a.j, 0);

		/* The secret is in the creation answer only. */
		assert_non_null(text);
		assert_null(strstr(text, tok + 70));
		free(text);
	}
	json_decref(a.j);
	expect(
	    get("/api/v1/tenants/acme/enroll-tokens", tech2, NULL), 404, NULL);
	snprintf(url, sizeof(url), "/api/v1/enroll-tokens/%lld", (long long)id);
	expect(call("DELETE", url, NULL, 0, NULL, tech2, NULL), 404, NULL);
	expect(call("DELETE", url, NULL, 0, NULL, tech, NULL), 204, NULL);
	/* A revoked token enrols nobody. */
	{
		unsigned char pk[32], sk[64];

		crypto_sign_keypair(pk, sk);
		expect(enroll(tok, pk), 401, "enroll_token_invalid");
	}
}

static void
test_agents(void **state)
{
	char tok[PROTO_TOKEN_LEN + 1], hdr[PROTO_AUTH_MAX], url[96];
	unsigned char pk[32], pk2[32], sk2[64];
	struct ans a;

	(void)state;
	crypto_sign_keypair(pk, agent_sk);
	crypto_sign_keypair(pk2, sk2);
	(void)new_enroll_token(tech, "acme", "{}", tok);
	a = enroll(tok, pk);
	assert_int_equal(a.status, 201);
	snprintf(agent_id, sizeof(agent_id), "%s",
	    json_string_value(json_object_get(a.j, "agent_id")));
	assert_true(proto_agent_id_ok(agent_id));
	assert_string_equal(
	    json_string_value(json_object_get(a.j, "tenant")), "acme");
	json_decref(a.j);
	/* Single use: the second agent is refused. */
	expect(enroll(tok, pk2), 401, "enroll_token_invalid");
	/* Expired: a token of one hour, an hour later. */
	(void)new_enroll_token(tech, "acme", "{\"expires_hours\": 1}", tok);
	now += 3600;
	expect(enroll(tok, pk2), 401, "enroll_token_invalid");
	now -= 3600;

	/* Signed heartbeats: accepted, once. */
	sign("/api/v1/agent/heartbeat", "{\"agent_version\": \"0.1\"}", now,
	    hdr);
	a = signed_call(
	    "/api/v1/agent/heartbeat", "{\"agent_version\": \"0.1\"}", hdr);
	assert_int_equal(a.status, 200);
	assert_string_equal(
	    json_string_value(json_object_get(a.j, "agent_id")), agent_id);
	assert_string_equal(
	    json_string_value(json_object_get(a.j, "tenant")), "acme");
	assert_int_equal(
	    json_integer_value(json_object_get(a.j, "next_heartbeat")), 60);
	json_decref(a.j);
	expect(signed_call("/api/v1/agent/heartbeat",
		   "{\"agent_version\": \"0.1\"}", hdr),
	    401, "unauthorized");
	/* An empty body; the time window's edges. */
	assert_int_equal(heartbeat("", now), 200);
	assert_int_equal(heartbeat("", now - 300), 200);
	assert_int_equal(heartbeat("", now + 300), 200);
	assert_int_equal(heartbeat("", now - 301), 401);
	assert_int_equal(heartbeat("", now + 301), 401);
	/* A tampered body, another target, another key. */
	sign("/api/v1/agent/heartbeat", "{\"os\": \"a\"}", now, hdr);
	expect(signed_call("/api/v1/agent/heartbeat", "{\"os\": \"b\"}", hdr),
	    401, "unauthorized");
	sign("/api/v1/agent/heartbeat", "", now, hdr);
	expect(signed_call("/api/v1/agent/heartbeat?x=1", "", hdr), 401, NULL);
	sign("/api/v1/agent/heartbeat?x=1", "", now, hdr);
	expect(signed_call("/api/v1/agent/heartbeat?x=1", "", hdr), 200, NULL);
	assert_int_equal(
	    proto_sign(sk2, agent_id, "POST", "/api/v1/agent/heartbeat", now,
		"", 0, hdr, sizeof(hdr)),
	    0);
	expect(signed_call("/api/v1/agent/heartbeat", "", hdr), 401, NULL);

	/* User credentials on the agent route; the agent on user routes. */
	expect(
	    call("POST", "/api/v1/agent/heartbeat", NULL, 0, NULL, admin, NULL),
	    401, "unauthorized");
	{
		char secret[80];

		a = send_json(
		    "POST", "/api/v1/tokens", tech, NULL, "{\"name\": \"hb\"}");
		snprintf(secret, sizeof(secret), "%s",
		    json_string_value(json_object_get(a.j, "secret")));
		json_decref(a.j);
		expect(call("POST", "/api/v1/agent/heartbeat", NULL, 0, NULL,
			   NULL, secret),
		    401, "unauthorized");
	}
	sign("/api/v1/agents", "", now, hdr);
	raw_authz = hdr;
	a = get("/api/v1/agents", NULL, NULL);
	raw_authz = NULL;
	expect(a, 401, "unauthorized");

	/* What users see; the heartbeat's news is recorded. */
	assert_int_equal(
	    heartbeat(
		"{\"hostname\": \"ws-acct-02\", \"os\": \"debian 13\"}", now),
	    200);
	snprintf(url, sizeof(url), "/api/v1/agents/%s", agent_id);
	a = get(url, viewer, NULL);
	assert_int_equal(a.status, 200);
	assert_string_equal(
	    json_string_value(json_object_get(a.j, "hostname")), "ws-acct-02");
	assert_string_equal(
	    json_string_value(json_object_get(a.j, "agent_version")), "0.1");
	assert_true(json_is_null(json_object_get(a.j, "revoked_at")));
	json_decref(a.j);
	expect(get(url, tech2, NULL), 404, "not_found");
	expect(get("/api/v1/agents/not-an-agent", tech, NULL), 404, NULL);
	assert_int_equal(count("/api/v1/agents", tech), 1);
	assert_int_equal(count("/api/v1/agents", tech2), 0);
	assert_int_equal(count("/api/v1/agents", admin), 1);

	/* Revocation: by a technician of its tenant; then refused. */
	expect(call("DELETE", url, NULL, 0, NULL, viewer, NULL), 403, NULL);
	expect(call("DELETE", url, NULL, 0, NULL, tech2, NULL), 404, NULL);
	expect(call("DELETE", url, NULL, 0, NULL, tech, NULL), 204, NULL);
	assert_int_equal(heartbeat("", now), 401);
	assert_true(audit_has("agent.enroll", "enroll-token:"));
	assert_true(audit_has("agent.revoke", "user:tina"));
	assert_true(audit_has("enroll_token.create", "user:tina"));
	assert_true(audit_has("enroll_token.revoke", "user:tina"));

	/* Failed enrolments lock the address, valid token or not: five
	 * failures (the login policy) in a row lock it, whatever failed
	 * before. */
	(void)new_enroll_token(tech, "acme", "{}", tok);
	for (int i = 0; i < 5; i++) {
		char bad[PROTO_TOKEN_LEN + 1];

		memcpy(bad, tok, sizeof(bad));
		bad[70 + i] = bad[70 + i] == 'A' ? 'B' : 'A';
		a = enroll(bad, pk2);
		assert_true(a.status == 401 || a.status == 429);
		json_decref(a.j);
	}
	a = enroll(tok, pk2);
	assert_int_equal(a.status, 429);
	assert_true(a.retry > 0);
	json_decref(a.j);
}

static void
test_agent_admit(void **state)
{
	struct api_request rq = {0};
	struct api_response rs;
	struct api_admission adm;
	struct q q = {"/api/v1/agent/heartbeat", ""};
	char hdr[PROTO_AUTH_MAX], ck[160];
	unsigned char pk[32];
	size_t max;
	struct ans a;

	(void)state;
	/* A new agent (the one of test_agents is revoked). */
	{
		char tok[PROTO_TOKEN_LEN + 1];

		crypto_sign_keypair(pk, agent_sk);
		(void)new_enroll_token(admin, "globex", "{}", tok);
		now += 1000; /* past the address's lock */
		a = enroll(tok, pk);
		assert_int_equal(a.status, 201);
		snprintf(agent_id, sizeof(agent_id), "%s",
		    json_string_value(json_object_get(a.j, "agent_id")));
		json_decref(a.j);
	}
	rq.method = "POST";
	rq.path = q.path;
	rq.target = q.path;
	rq.arg = arg;
	rq.arg_cls = &q;
	rq.remote_addr = "192.0.2.7";
	rq.now = now;
	rq.store = st;
	snprintf(ck, sizeof(ck), "rampart_session=%s", admin);
	rq.cookie = ck;
	assert_int_equal(api_admit(&rq, &rs, &adm, &max), 1);
	assert_int_equal(rs.status, 401);
	api_response_clear(&rs);
	rq.cookie = NULL;
	sign("/api/v1/agent/heartbeat", "{}", now, hdr);
	rq.authorization = hdr;
	assert_int_equal(api_admit(&rq, &rs, &adm, &max), 0);
	assert_int_equal(max, API_BODY_SMALL);
	api_response_clear(&rs);
	/* The signature is checked over the body when it is in. */
	rq.admitted = &adm;
	rq.body = "{ }";
	rq.body_len = 3;
	rq.content_type = "application/json";
	assert_int_equal(api_handle(&rq, &rs), 0);
	assert_int_equal(rs.status, 401);
	api_response_clear(&rs);
	rq.body = "{}";
	rq.body_len = 2;
	assert_int_equal(api_handle(&rq, &rs), 0);
	assert_int_equal(rs.status, 200);
	api_response_clear(&rs);
}

static void
test_audit_chain(void **state)
{
	struct audit_verifier v;
	struct audit_entry e;
	struct ans a;
	json_t *it, *head;
	size_t i, n;
	int saw_fail = 0;

	(void)state;
	a = get("/api/v1/audit?limit=500", admin, NULL);
	assert_int_equal(a.status, 200);
	audit_verify_init(&v);
	n = json_array_size(json_object_get(a.j, "items"));
	assert_true(n > 20);
	for (i = 0; i < n; i++) {
		it = json_array_get(json_object_get(a.j, "items"), i);
		memset(&e, 0, sizeof(e));
		e.seq = json_integer_value(json_object_get(it, "seq"));
		snprintf(e.at, sizeof(e.at), "%s",
		    json_string_value(json_object_get(it, "at")));
#define F(x) e.x = (char *)json_string_value(json_object_get(it, #x))
		F(actor);
		F(address);
		F(action);
		F(tenant);
		F(target);
		F(outcome);
		F(detail);
#undef F
		snprintf(e.prev, sizeof(e.prev), "%s",
		    json_string_value(json_object_get(it, "prev")));
		snprintf(e.hash, sizeof(e.hash), "%s",
		    json_string_value(json_object_get(it, "hash")));
		assert_int_equal(audit_verify_next(&v, &e), AUDIT_OK);
		saw_fail |= strcmp(e.outcome, "failed") == 0;
	}
	head = json_object_get(a.j, "head");
	assert_int_equal(audit_verify_end(&v,
			     json_integer_value(json_object_get(head, "seq")),
			     json_string_value(json_object_get(head, "hash"))),
	    AUDIT_OK);
	assert_true(saw_fail);
	json_decref(a.j);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_bootstrap_once),
	    cmocka_unit_test(test_totp),
	    cmocka_unit_test(test_tenants),
	    cmocka_unit_test(test_request_errors),
	    cmocka_unit_test(test_users_scoping),
	    cmocka_unit_test(test_advisory),
	    cmocka_unit_test(test_tokens),
	    cmocka_unit_test(test_password),
	    cmocka_unit_test(test_me_prefs),
	    cmocka_unit_test(test_me_totp),
	    cmocka_unit_test(test_throttle),
	    cmocka_unit_test(test_pagination),
	    cmocka_unit_test(test_admit),
	    cmocka_unit_test(test_enroll_tokens),
	    cmocka_unit_test(test_agents),
	    cmocka_unit_test(test_agent_admit),
	    cmocka_unit_test(test_audit_chain),
	    cmocka_unit_test(test_session_expiry),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
