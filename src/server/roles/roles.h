/*
 * rampartd's processes as a table of roles (relayd's procs[]): each row
 * says who a role runs as, where it starts, whether it is restarted, and
 * which messages it may exchange with the parent.  The parent keeps root
 * only to read key material, bind sockets and supervise; every other role
 * drops to the service user before it touches input.
 *
 * Roles talk to the parent over a SOCK_SEQPACKET socketpair: one message
 * is one packet, a fixed-size struct per type, accepted only when its
 * length is exactly that size and its type is in the sender's allowlist
 * (OpenSSH monitor.c).  A role that breaks this is killed and restarted.
 */
#ifndef RP_ROLES_H
#define RP_ROLES_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "api/api.h"

struct conf;
struct tls_material;
struct role_env;

enum role_user {
	ROLE_ROOT, /* keeps the privileges rampartd started with */
	ROLE_SERVICE, /* the service user (server.user), no supplementary
			 groups, no new privileges, not dumpable */
	ROLE_SIGNER, /* as ROLE_SERVICE, as the signer's own user
			(signer.user), which alone can read the job-signing
			key */
};

enum role_restart {
	RESTART_SUPERVISOR, /* the parent itself */
	RESTART_ONCE, /* runs to its end before serving starts; a failure
			 stops the start */
	RESTART_ALWAYS, /* restarted when it dies, with backoff and at
			   most ROLE_RESTARTS_PER_MINUTE */
};

#define ROLE_RESTARTS_PER_MINUTE 5
#define ROLE_HEARTBEAT_SECONDS 5 /* a serving role's heartbeat interval */
#define ROLE_HEARTBEAT_LOST 60 /* seconds of silence that kill a role */
#define ROLE_STOP_SECONDS 30 /* SIGTERM to SIGKILL at shutdown */

struct role {
	const char *name;
	enum role_user user;
	int (*entry)(const struct role_env *env);
	enum role_restart restart;
	uint32_t sends; /* MSG() set this role may send the parent */
	uint32_t receives; /* MSG() set the parent may send it */
	int listens; /* 1: gets the listening sockets */
	int peer; /* 1: one end of the http <-> signer socketpair (the
		     two rows that have it talk to each other) */
};

/* What a role starts with (borrowed; valid for the role's life). */
struct role_env {
	const struct role *role;
	const struct role *table; /* every row, for the parent */
	size_t nroles;
	const struct conf *conf;
	const struct tls_material *tls; /* NULL with plain HTTP */
	const int *listen_fds; /* one per conf->listen[], or NULL */
	size_t nlisten;
	int ipc; /* this role's end of its socketpair (-1 in the parent) */
	/* This role's end of the http <-> signer socketpair; -1: none (the
	 * other one is not running; MSG_PEER brings it later). */
	int peer_fd;
	int argc; /* the command line, for SIGHUP's reload */
	char **argv;
};

/* --- messages ------------------------------------------------------ */

enum msg_type {
	MSG_READY = 1, /* http: every listener is serving */
	MSG_HEARTBEAT = 2, /* a serving role is alive */
	MSG_LOG_CONFIG = 3, /* parent: SIGHUP's log level and target */
	MSG_SETUP_RESULT = 4, /* setup: migrated, and the bootstrap result */
	MSG_PEER = 5, /* parent: a new end of the http <-> signer
			 socketpair, the descriptor passed with it */
	MSG_TYPE_END
};
#define MSG(t) (1u << (t))

struct msg_ready {
	uint32_t listeners;
};
struct msg_heartbeat {
	uint64_t requests; /* answered since the role started */
};
struct msg_log_config {
	int32_t level;
	int32_t target;
};
struct msg_setup_result {
	int32_t status; /* 0 or an RP_ERR_* code */
	int32_t schema_from, schema_to;
	int32_t bootstrapped; /* 1: creds holds the new administrator */
	char error[256]; /* when status != 0 (no secrets) */
	struct api_bootstrap creds; /* wiped by both sides after use */
};

struct msg_peer {
	uint32_t generation; /* counts the pairs made, for the logs */
};

struct msg {
	uint32_t type;
	uint32_t len; /* of the body: exactly the type's size */
	union {
		struct msg_ready ready;
		struct msg_heartbeat heartbeat;
		struct msg_log_config log_config;
		struct msg_setup_result setup;
		struct msg_peer peer;
	} u;
};

/* Sends one message (body of the type's exact size).  0 or RP_ERR_IO. */
int ipc_send(int fd, enum msg_type type, const void *body, size_t len);
/* As ipc_send, passing the descriptor pass with it (MSG_PEER only). */
int ipc_send_fd(
    int fd, enum msg_type type, const void *body, size_t len, int pass);
/*
 * Receives one message into m.  Returns 0; RP_ERR_NOTFOUND when the peer
 * closed; RP_ERR_INVALID when the type is not in allowed or the length is
 * not the type's, or a descriptor came with it (the peer is broken or
 * hostile); RP_ERR_IO.
 */
int ipc_recv(int fd, uint32_t allowed, struct msg *m);
/*
 * One message from the parent to a serving role: as ipc_recv on
 * env->ipc, and a MSG_PEER must carry exactly one descriptor, which is
 * put in *passed (close-on-exec; any other message none, *passed -1).  A
 * gone parent or a bad message is logged and ends the role
 * (0, or 1); MSG_LOG_CONFIG is applied here; -1 means go on, with the
 * message in *m (and a MSG_PEER's descriptor in *passed) for the role's
 * own types.
 */
int role_parent_msg(const struct role_env *env, struct msg *m, int *passed);

/* --- privileges ---------------------------------------------------- */

/* A role user's ids: name (the value of the configuration key key) when
 * running as root, else the current user (and a warning).
 * RP_ERR_NOTFOUND when the user is not on the system, RP_ERR_INVALID
 * when it is root; err says so. */
int privsep_user(const char *key, const char *name, uid_t *uid, gid_t *gid,
    char *err, size_t errlen);
/*
 * Starts a role in a child: /dev/null on stdin and stdout, every
 * descriptor closed but stderr, its socketpair end, its end of the http
 * <-> signer socketpair (env->peer_fd) and (for listening roles) the
 * listening sockets, default signal handling, then for ROLE_SERVICE and
 * ROLE_SIGNER roles setgroups/setgid/setuid to uid/gid; then
 * PR_SET_NO_NEW_PRIVS and PR_SET_DUMPABLE 0, and the role's entry.  The
 * child exits with the entry's result.  Returns the pid and the parent's
 * end of the socketpair in *ipc, or -1.
 */
pid_t privsep_spawn(const struct role_env *env, uid_t uid, gid_t gid, int *ipc);

/* --- the parent ---------------------------------------------------- */

/*
 * Prepares state_dir (0755, not writable by others), state_dir/tls (root
 * 0700), state_dir/signer (the signer's user suid/sgid, 0700),
 * state_dir/feeds (the service user's, 0700: pulled feeds' last good
 * copies) and state_dir/db (the service user's, 0700) when the store is
 * the default SQLite file there.
 */
int statedir_prepare(const struct conf *c, uid_t uid, gid_t gid, uid_t suid,
    gid_t sgid, char *err, size_t errlen);
/* Binds and listens on every conf->listen address; fds[i] for listen[i]. */
int listen_open(const struct conf *c, int *fds, char *err, size_t errlen);

/* The setup role: opens the store, migrates, bootstraps, reports. */
int setup_main(const struct role_env *env);
/* The parent role: prepares, runs the setup role, starts and supervises
 * the serving roles; returns rampartd's exit code. */
int parent_main(const struct role_env *env);

#endif
