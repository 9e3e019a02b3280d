/*
 * Error codes shared by every Rampart library.  Functions return 0 on
 * success or one of the negative RP_ERR_* codes below; where the user must
 * see *where* something went wrong, the detail goes to a struct rp_diags
 * (diag.h) passed by the caller.
 */
#ifndef RP_ERR_H
#define RP_ERR_H

#define RP_OK 0
#define RP_ERR_INTERNAL -1 /* a bug: an invariant did not hold */
#define RP_ERR_NOMEM -2 /* allocation failed */
#define RP_ERR_INVALID -3 /* input is malformed */
#define RP_ERR_IO -4 /* reading or writing a file failed */
#define RP_ERR_UNSUPPORTED -5 /* valid input we cannot handle (yet) */
#define RP_ERR_LIMIT -6 /* input exceeds a configured bound */
#define RP_ERR_NOTFOUND -7 /* a looked-up item does not exist */
#define RP_ERR_ARG -8 /* the caller passed a bad argument */

/* Returns a static, human-readable description of an RP_ERR_* code. */
const char *rp_strerror(int r);

#endif
