/*
 * Prints the server's route table as JSON lines (method, pattern, who may
 * call it), so tests/it/server_authz.py walks exactly the routes the
 * server has: a route added to the table is attacked by that test
 * without anyone listing it there.
 */
#include <stdio.h>

#include "api/api.h"

int
main(void)
{
	const struct api_route_info *ri;
	size_t i;

	for (i = 0; i < api_route_count(); i++) {
		ri = api_route_at(i);
		printf("{\"method\": \"%s\", \"pattern\": \"%s\", \"auth\": "
		       "\"%s\"}\n",
		    ri->method, ri->pattern, ri->auth);
	}
	return 0;
}
