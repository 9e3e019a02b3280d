/* Descriptions of the RP_ERR_* codes. */
#include "err.h"

const char *
rp_strerror(int r)
{
	switch (r) {
	case RP_OK:
		return "success";
	case RP_ERR_INTERNAL:
		return "internal error";
	case RP_ERR_NOMEM:
		return "out of memory";
	case RP_ERR_INVALID:
		return "invalid input";
	case RP_ERR_IO:
		return "input/output error";
	case RP_ERR_UNSUPPORTED:
		return "unsupported";
	case RP_ERR_LIMIT:
		return "input exceeds a limit";
	case RP_ERR_NOTFOUND:
		return "not found";
	case RP_ERR_ARG:
		return "invalid argument";
	}
	return "unknown error";
}
