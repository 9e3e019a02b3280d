/*
 * Fuzzes what users send the API: the first byte picks a route that
 * reads a body (or the login, or the Cookie and Authorization headers),
 * the rest is the body or header.  The API runs on a real SQLite store
 * with an msp-admin token.  Whatever the input, the answer is JSON with a
 * known status, and an error answer carries a code and a message.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "api/api.h"
#include "auth/auth.h"
#include "store/store.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct store *st;
static char token[80];

static const struct {
	const char *method, *path;
} targets[] = {
    {"POST", "/api/v1/login"}, {"POST", "/api/v1/tenants"},
    {"PATCH", "/api/v1/tenants/acme"}, {"POST", "/api/v1/users"},
    {"PATCH", "/api/v1/users/admin"}, {"POST", "/api/v1/tokens"},
    {"POST", "/api/v1/advisories"},
    {"GET", "/api/v1/tenants"}, /* Cookie header */
    {"GET", "/api/v1/me"}, /* Authorization header */
};
#define NTARGETS (sizeof(targets) / sizeof(targets[0]))

static const char *
no_arg(void *cls, const char *name)
{
	(void)cls;
	(void)name;
	return NULL;
}

static char dir[] = "/tmp/rampart-fuzz-api-XXXXXX";

/* The store's files go when the process ends, fuzzer or replay. */
static void
cleanup(void)
{
	static const char *const files[] = {"f.db", "f.db-wal", "f.db-shm"};
	char p[128];
	size_t i;

	store_close(st);
	for (i = 0; i < 3; i++) {
		snprintf(p, sizeof(p), "%s/%s", dir, files[i]);
		(void)unlink(p);
	}
	(void)rmdir(dir);
}

static void
init(void)
{
	struct auth_principal who = {0};
	struct api_bootstrap boot;
	struct store_token t = {0};
	char url[128];

	if (mkdtemp(dir) == NULL)
		abort();
	atexit(cleanup);
	snprintf(url, sizeof(url), "sqlite:%s/f.db", dir);
	if (store_open(url, &st, NULL, 0) != 0 ||
	    store_migrate(st, NULL, NULL) != 0 ||
	    api_bootstrap(st, 1900000000, &boot) != 0)
		abort();
	who.kind = AUTH_SESSION;
	who.user_id = 1;
	who.role = ROLE_MSP_ADMIN;
	if (auth_token_create(st, &who, "fuzz", ROLE_MSP_ADMIN, NULL, 0, 0,
		1900000000, token, sizeof(token), &t) != 0)
		abort();
	store_token_clear(&t);
}

static void
check(const struct api_response *rs)
{
	json_t *j, *e;

	if (rs->status == 204)
		return;
	if (rs->status < 200 || rs->status > 503 || rs->body == NULL)
		abort();
	if ((j = json_loads(rs->body, 0, NULL)) == NULL)
		abort();
	e = json_object_get(j, "error");
	if (rs->status >= 400 &&
	    (!json_is_string(json_object_get(e, "code")) ||
		!json_is_string(json_object_get(e, "message"))))
		abort();
	json_decref(j);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct api_request rq = {0};
	struct api_response rs;
	char auth[128], *hdr = NULL;
	size_t k;

	if (st == NULL)
		init();
	if (size < 1)
		return 0;
	k = data[0] % NTARGETS;
	snprintf(auth, sizeof(auth), "Bearer %s", token);
	rq.method = targets[k].method;
	rq.path = targets[k].path;
	rq.arg = no_arg;
	rq.content_type = "application/json";
	rq.remote_addr = "192.0.2.1";
	rq.now = 1900000000;
	rq.store = st;
	rq.authorization = k == 0 ? NULL : auth;
	if (k >= 7) {
		/* Headers are NUL-terminated strings by the time they
		 * arrive. */
		if ((hdr = strndup((const char *)data + 1, size - 1)) == NULL)
			return 0;
		if (k == 7) {
			rq.authorization = NULL;
			rq.cookie = hdr;
		} else
			rq.authorization = hdr;
	} else {
		rq.body = (const char *)data + 1;
		rq.body_len = size - 1;
	}
	if (api_handle(&rq, &rs) == 0)
		check(&rs);
	api_response_clear(&rs);
	free(hdr);
	return 0;
}
