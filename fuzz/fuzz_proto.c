/*
 * Fuzzes what an agent or a stranger sends before any key is checked:
 * the Authorization: Rampart-Agent header and enrolment tokens.  A parsed
 * header has a well-formed agent ID; a parsed token formats back to
 * itself.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "proto/proto.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s, fp[PROTO_FP_HEX + 1], sec[PROTO_SECRET_LEN + 1],
	    back[PROTO_TOKEN_LEN + 1];
	struct proto_auth a;

	if ((s = strndup((const char *)data, size)) == NULL)
		return 0;
	if (proto_auth_parse(s, &a) == 0 && !proto_agent_id_ok(a.agent_id))
		abort();
	if (proto_token_parse(s, fp, sec) == 0 &&
	    (proto_token_format(fp, sec, back, sizeof(back)) != 0 ||
		strcmp(back, s) != 0))
		abort();
	free(s);
	return 0;
}
