/*
 * The web UI: HTML pages served by rampartd itself, rendered on the
 * server from compiled templates, usable without JavaScript.  It is a
 * client of the JSON API in the same process (api_handle): every read
 * and every action goes through the API's authentication, roles, tenant
 * scoping and audit, so the UI can show or do nothing the API would
 * refuse.  What it adds is the browser's needs: forms with CSRF tokens,
 * redirects, languages, time zones, and headers that lock pages down.
 */
#ifndef RP_WEB_H
#define RP_WEB_H

#include <stddef.h>

#include "api/api.h"

/* Whether a request is the web UI's: GET, HEAD or POST of any path
 * but /api/ and /metrics (other methods get the API's JSON errors). */
int web_owns(const char *method, const char *path);

/*
 * Before the body: the largest body this request may send (an upload
 * by a logged-in user, else a small form).  Never refuses.
 */
size_t web_body_max(const struct api_request *rq);

/*
 * Handles one request for a page, a form or a static file.  Always
 * fills rs (errors are pages), so the return value is 0 or RP_ERR_NOMEM.
 */
int web_handle(const struct api_request *rq, struct api_response *rs);

#endif
