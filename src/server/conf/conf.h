/*
 * rampartd's configuration: built-in defaults, then an INI file (libinih),
 * then RAMPART_<SECTION>_<KEY> environment variables, then command-line
 * flags; each later layer overrides the earlier ones key by key (a
 * repeated list key such as server.listen replaces the list of the layer
 * below).  Every key is in one table in conf.c, with its type and bounds;
 * rampartd(8) documents them.  Errors name where the value came from
 * (FILE:LINE, the environment variable or the flag), the key and what was
 * expected.
 */
#ifndef RP_CONF_H
#define RP_CONF_H

#include <limits.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "api/api.h"

#define CONF_LISTEN_MAX 16
#define CONF_ALLOW_MAX 32
#define CONF_PATH_MAX 1024
#define CONF_DEFAULT_FILE "/etc/rampart/rampartd.conf"

/* One listen address: host:port, [v6]:port. */
struct conf_listen {
	char text[80]; /* as written back: "127.0.0.1:8443", "[::1]:8443" */
	struct sockaddr_storage sa;
	socklen_t salen;
	int loopback;
};

/* One metrics.allow entry: an address and prefix length. */
struct conf_net {
	int family; /* AF_INET or AF_INET6 */
	unsigned char addr[16];
	int prefix;
};

enum conf_action {
	CONF_RUN,
	CONF_HELP,
	CONF_VERSION,
};

struct conf {
	enum conf_action action;
	char config_file[CONF_PATH_MAX]; /* "" when none was read */

	struct conf_listen listen[CONF_LISTEN_MAX];
	size_t nlisten;
	char state_dir[CONF_PATH_MAX];
	char user[64];
	char tls_cert[CONF_PATH_MAX]; /* "" : created under state_dir/tls */
	char tls_key[CONF_PATH_MAX];
	int plain_http;

	/* May hold a database password: never logged. */
	char db[CONF_PATH_MAX];

	int http_threads;
	int http_max_connections;
	int http_per_ip_connections;
	int http_connection_timeout; /* seconds */
	int64_t http_body_max; /* bytes */
	int64_t http_header_max; /* bytes of MHD memory per connection */

	struct api_config auth;

	int log_level; /* enum log_level */
	int log_target; /* enum log_target */

	struct conf_net metrics_allow[CONF_ALLOW_MAX];
	size_t nmetrics_allow;

	/* The signer role (docs/internals/signer.md). */
	char signer_user[64];
	int signer_approval_hosts; /* hosts above which jobs need a second
				      user's approval */

	/* The worker role's pulled feeds (docs/internals/fetch.md). */
	int64_t fetch_max_bytes; /* a feed's body, enforced while receiving */
	int fetch_connect_timeout; /* seconds */
	int fetch_timeout; /* seconds for one transfer */
	int fetch_max_redirects;
	int fetch_concurrency; /* fetches at once (each source one at a time) */
};

/*
 * Loads the configuration.  argv are the flags (argv[0] is the program);
 * envp the environment (NULL-terminated "NAME=value" strings);
 * auth_defaults the API's defaults (api_config_default()); default_file
 * is read when --config is not given, only if it exists (NULL: none).
 * On error returns RP_ERR_INVALID (or RP_ERR_IO when the file cannot be
 * read) and a message in err.  c->action says whether --help or
 * --version was asked (nothing else is then checked).  SIGHUP calls it
 * again with the same arguments and applies only log.level and log.target.
 */
int conf_load(struct conf *c, int argc, char **argv, char *const *envp,
    const struct api_config *auth_defaults, const char *default_file, char *err,
    size_t errlen);

/* The flags' help text (static). */
const char *conf_usage(void);

/* Whether the address sa (IPv4, IPv6 or v4-mapped IPv6) is in a list. */
int conf_net_match(
    const struct conf_net *v, size_t n, const struct sockaddr *sa);

#endif
