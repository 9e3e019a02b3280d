/*
 * The parent: does what needs privilege (state directory, TLS key,
 * listening sockets), runs the setup role, then starts the serving roles
 * of the table and supervises them from one poll loop over a signalfd
 * and the roles' sockets.  A role that dies is restarted after a backoff
 * (1, 2, 4 ... 30 s), at most ROLE_RESTARTS_PER_MINUTE times a minute;
 * past that rampartd stops with exit code 1 rather than flap forever.
 */
#include "roles/roles.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <systemd/sd-daemon.h>

#include "conf/conf.h"
#include "err.h"
#include "log/log.h"
#include "tls/tls.h"

#define SLOTS_MAX 8

struct slot {
	const struct role *role;
	pid_t pid; /* 0: not running */
	int ipc; /* -1: none */
	int ready;
	int64_t last_msg; /* monotonic seconds */
	int64_t next_start; /* 0: none scheduled */
	int64_t starts[ROLE_RESTARTS_PER_MINUTE]; /* ring of restart times */
	size_t nstarts;
};

struct parent {
	struct role_env env; /* what every role is started with */
	struct conf conf; /* mutable: SIGHUP changes the log settings */
	struct slot slots[SLOTS_MAX];
	size_t nslots;
	uid_t uid; /* server.user */
	gid_t gid;
	uid_t suid; /* signer.user */
	gid_t sgid;
	uint32_t peer_gen; /* http <-> signer socketpairs made */
	int sigfd;
	int stopping;
	int64_t stop_deadline;
	int exit_code;
	int announced;
};

static int64_t
now_mono(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (int64_t)t.tv_sec;
}

static void
status_text(int st, char *buf, size_t len)
{
	if (WIFEXITED(st))
		snprintf(buf, len, "exit %d", WEXITSTATUS(st));
	else if (WIFSIGNALED(st))
		snprintf(buf, len, "signal %d", WTERMSIG(st));
	else
		snprintf(buf, len, "status %d", st);
}

/* The other row of the http <-> signer pair, or NULL. */
static struct slot *
partner(struct parent *p, const struct slot *s)
{
	if (!s->role->peer)
		return NULL;
	for (size_t i = 0; i < p->nslots; i++)
		if (&p->slots[i] != s && p->slots[i].role->peer)
			return &p->slots[i];
	return NULL;
}

/*
 * A role of the http <-> signer pair starts with one end of a new
 * socketpair when the other one is running, which gets the other end in
 * a MSG_PEER; when the other one is not running, it starts with none and
 * gets its end when the other one starts.  So whichever of the two
 * restarts, both talk again (docs/internals/signer.md).
 */
static int
spawn(struct parent *p, struct slot *s)
{
	struct role_env env = p->env;
	struct slot *o = partner(p, s);
	int signer = s->role->user == ROLE_SIGNER, sv[2] = {-1, -1};
	char num[24];

	env.role = s->role;
	env.peer_fd = -1;
	if (o != NULL && o->pid > 0 && o->ipc >= 0) {
		if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) !=
		    0) {
			log_error("cannot make the http <-> signer socketpair",
			    "error", strerror(errno), NULL);
			sv[0] = sv[1] = -1;
		}
		env.peer_fd = sv[0];
	}
	fflush(stdout);
	s->pid = privsep_spawn(&env, signer ? p->suid : p->uid,
	    signer ? p->sgid : p->gid, &s->ipc);
	if (sv[0] >= 0)
		close(sv[0]);
	if (s->pid > 0 && sv[1] >= 0) {
		struct msg_peer mp = {++p->peer_gen};
		if (ipc_send_fd(o->ipc, MSG_PEER, &mp, sizeof(mp), sv[1]) != 0)
			log_warn("cannot pass the new socketpair end", "role",
			    o->role->name, NULL);
	}
	if (sv[1] >= 0)
		close(sv[1]);
	if (s->pid < 0) {
		s->pid = 0;
		s->ipc = -1;
		log_error("cannot start role", "role", s->role->name, "error",
		    strerror(errno), NULL);
		return RP_ERR_IO;
	}
	s->ready = 0;
	s->last_msg = now_mono();
	s->next_start = 0;
	snprintf(num, sizeof(num), "%ld", (long)s->pid);
	log_info("role started", "role", s->role->name, "pid", num, NULL);
	return 0;
}

static void
begin_stop(struct parent *p, const char *why)
{
	if (p->stopping)
		return;
	p->stopping = 1;
	p->stop_deadline = now_mono() + ROLE_STOP_SECONDS;
	sd_notify(0, "STOPPING=1");
	log_info("stopping", "reason", why, NULL);
	for (size_t i = 0; i < p->nslots; i++) {
		p->slots[i].next_start = 0;
		if (p->slots[i].pid > 0)
			kill(p->slots[i].pid, SIGTERM);
	}
}

static void
schedule_restart(struct parent *p, struct slot *s)
{
	int64_t now = now_mono(), backoff = 1;
	size_t recent = 0;

	for (size_t i = 0; i < s->nstarts && i < ROLE_RESTARTS_PER_MINUTE; i++)
		if (now - s->starts[i] < 60)
			recent++;
	if (recent >= ROLE_RESTARTS_PER_MINUTE) {
		log_error("role keeps failing; giving up", "role",
		    s->role->name, NULL);
		p->exit_code = 1;
		begin_stop(p, "a role keeps failing");
		return;
	}
	for (size_t i = 0; i < recent && backoff < 30; i++)
		backoff *= 2;
	if (backoff > 30)
		backoff = 30;
	s->starts[s->nstarts++ % ROLE_RESTARTS_PER_MINUTE] = now;
	s->next_start = now + backoff;
}

static void
on_exit_status(struct parent *p, struct slot *s, int st)
{
	char how[32];

	status_text(st, how, sizeof(how));
	if (s->ipc >= 0)
		close(s->ipc);
	s->ipc = -1;
	s->pid = 0;
	s->ready = 0;
	if (p->stopping) {
		if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
			log_warn("role stopped badly", "role", s->role->name,
			    "status", how, NULL);
			p->exit_code = 1;
		} else {
			log_info("role stopped", "role", s->role->name, NULL);
		}
		return;
	}
	log_warn("role died", "role", s->role->name, "status", how, NULL);
	if (s->role->restart == RESTART_ALWAYS)
		schedule_restart(p, s);
}

static void
reap(struct parent *p)
{
	pid_t pid;
	int st;

	while ((pid = waitpid(-1, &st, WNOHANG)) > 0)
		for (size_t i = 0; i < p->nslots; i++)
			if (p->slots[i].pid == pid)
				on_exit_status(p, &p->slots[i], st);
}

/* SIGHUP: the file and environment again; only the log settings change
 * while running (rampartd(8) lists what needs a restart). */
static void
reload(struct parent *p)
{
	static struct conf c;
	struct api_config d = p->conf.auth;
	struct msg_log_config lc;
	char err[512];

	if (conf_load(&c, p->env.argc, p->env.argv, environ, &d,
		CONF_DEFAULT_FILE, err, sizeof(err)) != 0) {
		log_error("reload refused: configuration error; keeping the "
			  "running one",
		    "error", err, NULL);
		return;
	}
	p->conf.log_level = c.log_level;
	p->conf.log_target = c.log_target;
	log_reconfigure(
	    (enum log_level)c.log_level, (enum log_target)c.log_target);
	lc.level = c.log_level;
	lc.target = c.log_target;
	for (size_t i = 0; i < p->nslots; i++) {
		struct slot *s = &p->slots[i];
		if (s->pid > 0 && s->ipc >= 0 &&
		    (s->role->receives & MSG(MSG_LOG_CONFIG)) != 0)
			ipc_send(s->ipc, MSG_LOG_CONFIG, &lc, sizeof(lc));
	}
	log_info("configuration reloaded", "log_level",
	    log_level_name((enum log_level)c.log_level), "log_target",
	    log_target_name((enum log_target)c.log_target), NULL);
}

static void
announce(struct parent *p)
{
	const char *scheme = p->conf.plain_http ? "http" : "https";

	for (size_t i = 0; i < p->nslots; i++)
		if ((p->slots[i].role->sends & MSG(MSG_READY)) != 0 &&
		    !p->slots[i].ready)
			return;
	if (p->announced)
		return;
	p->announced = 1;
	printf("rampartd: ready:");
	for (size_t i = 0; i < p->conf.nlisten; i++)
		printf(" %s://%s", scheme, p->conf.listen[i].text);
	printf("\n");
	fflush(stdout);
	sd_notify(0, "READY=1");
	log_info("ready", NULL);
}

static void
on_message(struct parent *p, struct slot *s)
{
	struct msg m;
	int r = ipc_recv(s->ipc, s->role->sends, &m);

	if (r == RP_ERR_NOTFOUND) {
		close(s->ipc);
		s->ipc = -1;
		return;
	}
	if (r != 0) {
		log_error("role broke the message protocol; killing it", "role",
		    s->role->name, "error", rp_strerror(r), NULL);
		kill(s->pid, SIGKILL);
		close(s->ipc);
		s->ipc = -1;
		return;
	}
	s->last_msg = now_mono();
	if (m.type == MSG_READY) {
		s->ready = 1;
		announce(p);
	}
}

static void
on_signals(struct parent *p)
{
	struct signalfd_siginfo si;

	while (read(p->sigfd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
		if (si.ssi_signo == SIGCHLD)
			reap(p);
		else if (si.ssi_signo == SIGTERM || si.ssi_signo == SIGINT)
			begin_stop(
			    p, si.ssi_signo == SIGTERM ? "SIGTERM" : "SIGINT");
		else if (si.ssi_signo == SIGHUP && !p->stopping)
			reload(p);
	}
}

/* Timers: due restarts, lost heartbeats, the stop deadline.  Returns
 * the poll timeout in milliseconds until the next one. */
static int
tick(struct parent *p)
{
	int64_t now = now_mono(), next = now + ROLE_HEARTBEAT_SECONDS;

	if (p->stopping && now >= p->stop_deadline) {
		for (size_t i = 0; i < p->nslots; i++)
			if (p->slots[i].pid > 0) {
				log_error("role did not stop in time; killing "
					  "it",
				    "role", p->slots[i].role->name, NULL);
				kill(p->slots[i].pid, SIGKILL);
				p->exit_code = 1;
			}
		p->stop_deadline = now + ROLE_STOP_SECONDS;
	}
	for (size_t i = 0; i < p->nslots; i++) {
		struct slot *s = &p->slots[i];
		if (s->pid == 0 && s->next_start != 0 && !p->stopping) {
			if (now >= s->next_start && spawn(p, s) != 0)
				schedule_restart(p, s);
			else if (s->next_start != 0 && s->next_start < next)
				next = s->next_start;
		}
		if (s->pid > 0 && !p->stopping &&
		    now - s->last_msg > ROLE_HEARTBEAT_LOST) {
			log_error("role stopped answering; killing it", "role",
			    s->role->name, NULL);
			kill(s->pid, SIGKILL);
			s->last_msg = now;
		}
	}
	if (p->stopping && p->stop_deadline < next)
		next = p->stop_deadline;
	return next > now ? (int)(next - now) * 1000 : 0;
}

static int
running(const struct parent *p)
{
	for (size_t i = 0; i < p->nslots; i++)
		if (p->slots[i].pid > 0)
			return 1;
	return 0;
}

static void
supervise(struct parent *p)
{
	struct pollfd pf[SLOTS_MAX + 1];
	struct slot *who[SLOTS_MAX + 1];

	while (!p->stopping || running(p)) {
		int timeout = tick(p);
		nfds_t n = 1;

		if (p->stopping && !running(p))
			break;
		pf[0].fd = p->sigfd;
		pf[0].events = POLLIN;
		for (size_t i = 0; i < p->nslots; i++)
			if (p->slots[i].ipc >= 0) {
				pf[n].fd = p->slots[i].ipc;
				pf[n].events = POLLIN;
				who[n++] = &p->slots[i];
			}
		if (poll(pf, n, timeout) < 0 && errno != EINTR) {
			log_error(
			    "poll failed", "error", strerror(errno), NULL);
			p->exit_code = 1;
			begin_stop(p, "internal error");
			continue;
		}
		for (nfds_t i = 1; i < n; i++)
			if (pf[i].revents != 0 && who[i]->ipc >= 0)
				on_message(p, who[i]);
		if (pf[0].revents != 0)
			on_signals(p);
	}
}

static void
print_bootstrap(const struct api_bootstrap *b)
{
	printf("rampartd: first start: the administrator account (shown "
	       "once; it is not kept in clear):\n"
	       "  user:        %s\n"
	       "  password:    %s\n"
	       "  TOTP secret: %s\n"
	       "  TOTP URI:    %s\n",
	    b->user, b->password, b->totp_secret, b->totp_uri);
	fflush(stdout);
}

/* Runs a RESTART_ONCE role to its end.  SIGTERM meanwhile stops it. */
static int
run_once(struct parent *p, struct slot *s)
{
	struct msg m;
	int got = 0, st = 0, r;
	char from[16], to[16], how[32];

	if (spawn(p, s) != 0)
		return RP_ERR_IO;
	for (;;) {
		struct pollfd pf[2] = {
		    {p->sigfd, POLLIN, 0}, {s->ipc, POLLIN, 0}};
		struct signalfd_siginfo si;
		if (poll(pf, 2, -1) < 0 && errno != EINTR)
			break;
		if (pf[0].revents != 0 &&
		    read(p->sigfd, &si, sizeof(si)) == (ssize_t)sizeof(si) &&
		    (si.ssi_signo == SIGTERM || si.ssi_signo == SIGINT)) {
			kill(s->pid, SIGTERM);
			p->stopping = 1;
		}
		if (pf[1].revents == 0)
			continue;
		r = ipc_recv(s->ipc, s->role->sends, &m);
		if (r == 0 && m.type == MSG_SETUP_RESULT)
			got = 1;
		break;
	}
	while (waitpid(s->pid, &st, 0) < 0 && errno == EINTR)
		;
	close(s->ipc);
	s->ipc = -1;
	s->pid = 0;
	status_text(st, how, sizeof(how));
	r = RP_ERR_INTERNAL;
	if (p->stopping) {
		r = RP_ERR_NOTFOUND;
	} else if (!got) {
		log_error("setup ended without reporting", "role",
		    s->role->name, "status", how, NULL);
	} else if (m.u.setup.status != 0) {
		m.u.setup.error[sizeof(m.u.setup.error) - 1] = '\0';
		log_error("setup failed", "error", m.u.setup.error, NULL);
	} else {
		snprintf(from, sizeof(from), "%d", (int)m.u.setup.schema_from);
		snprintf(to, sizeof(to), "%d", (int)m.u.setup.schema_to);
		log_info(
		    "store ready", "schema_from", from, "schema_to", to, NULL);
		if (m.u.setup.bootstrapped) {
			print_bootstrap(&m.u.setup.creds);
			log_info("first start: created the administrator "
				 "(credentials printed on standard output)",
			    NULL);
		}
		r = 0;
	}
	explicit_bzero(&m, sizeof(m));
	return r;
}

/* The configured pair, or the one made on first start under
 * STATE_DIR/tls; its fingerprint is printed at every start. */
static int
prepare_tls(
    struct parent *p, struct tls_material **out, char *err, size_t errlen)
{
	char dir[CONF_PATH_MAX + 8], cert[CONF_PATH_MAX + 32],
	    key[CONF_PATH_MAX + 32], host[256];
	int created = 0, r, fd;

	*out = NULL;
	if (p->conf.plain_http) {
		log_warn(
		    "serving plain HTTP without TLS (loopback only)", NULL);
		return 0;
	}
	if (p->conf.tls_cert[0] != '\0') {
		snprintf(cert, sizeof(cert), "%s", p->conf.tls_cert);
		snprintf(key, sizeof(key), "%s", p->conf.tls_key);
	} else {
		snprintf(dir, sizeof(dir), "%s/tls", p->conf.state_dir);
		if (gethostname(host, sizeof(host)) != 0)
			host[0] = '\0';
		host[sizeof(host) - 1] = '\0';
		if ((r = tls_ensure(dir, host, &created, err, errlen)) != 0)
			return r;
		snprintf(cert, sizeof(cert), "%s/%s", dir, TLS_CERT_FILE);
		snprintf(key, sizeof(key), "%s/%s", dir, TLS_KEY_FILE);
		/* A key left with a wider mode by hand is narrowed again. */
		fd = open(key, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0 || fchmod(fd, 0600) != 0) {
			snprintf(err, errlen, "%s: %s", key, strerror(errno));
			if (fd >= 0)
				close(fd);
			return RP_ERR_IO;
		}
		close(fd);
	}
	if ((r = tls_load(cert, key, out, err, errlen)) != 0)
		return r;
	printf("rampartd: TLS certificate %s%s\n"
	       "rampartd: SHA-256 fingerprint: %s\n",
	    cert, created ? " (created now)" : "", (*out)->fingerprint);
	fflush(stdout);
	log_info(created ? "TLS certificate created" : "TLS certificate",
	    "path", cert, "sha256", (*out)->fingerprint, NULL);
	return 0;
}

static int
block_signals(struct parent *p)
{
	sigset_t set;

	signal(SIGPIPE, SIG_IGN);
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGCHLD);
	if (sigprocmask(SIG_BLOCK, &set, NULL) != 0)
		return -1;
	p->sigfd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
	return p->sigfd < 0 ? -1 : 0;
}

/* The two role users: the signer's must not be the HTTP role's, which
 * could then read the job-signing key. */
static int
users(struct parent *p, char *err, size_t errlen)
{
	int r;

	if ((r = privsep_user("server.user", p->conf.user, &p->uid, &p->gid,
		 err, errlen)) != 0 ||
	    (r = privsep_user("signer.user", p->conf.signer_user, &p->suid,
		 &p->sgid, err, errlen)) != 0)
		return r;
	if (geteuid() == 0 && p->suid == p->uid) {
		snprintf(err, errlen,
		    "signer.user: '%s' is the user of server.user '%s'; the "
		    "job-signing key needs a user of its own (create it "
		    "with: useradd --system --shell /usr/sbin/nologin "
		    "rampart-signer)",
		    p->conf.signer_user, p->conf.user);
		return RP_ERR_INVALID;
	}
	return 0;
}

static int
start(struct parent *p, struct tls_material **tls, int *fds, char *err,
    size_t errlen)
{
	int r;

	if ((r = users(p, err, errlen)) != 0 ||
	    (r = statedir_prepare(&p->conf, p->uid, p->gid, p->suid, p->sgid,
		 err, errlen)) != 0 ||
	    (r = prepare_tls(p, tls, err, errlen)) != 0 ||
	    (r = listen_open(&p->conf, fds, err, errlen)) != 0)
		return r;
	p->env.tls = *tls;
	p->env.listen_fds = fds;
	p->env.nlisten = p->conf.nlisten;
	if (block_signals(p) != 0) {
		snprintf(err, errlen, "signals: %s", strerror(errno));
		return RP_ERR_IO;
	}
	return 0;
}

int
parent_main(const struct role_env *penv)
{
	struct parent *p = calloc(1, sizeof(*p));
	struct tls_material *tls = NULL;
	int fds[CONF_LISTEN_MAX], rc = 1, r;
	char err[2300];

	if (p == NULL)
		return 1;
	p->conf = *penv->conf;
	p->env = *penv;
	p->env.conf = &p->conf;
	p->env.ipc = -1;
	p->env.peer_fd = -1;
	p->sigfd = -1;
	for (size_t i = 0; i < penv->nroles && p->nslots < SLOTS_MAX; i++) {
		if (penv->table[i].restart == RESTART_SUPERVISOR)
			continue;
		p->slots[p->nslots].role = &penv->table[i];
		p->slots[p->nslots++].ipc = -1;
	}
	for (size_t i = 0; i < CONF_LISTEN_MAX; i++)
		fds[i] = -1;
	if (start(p, &tls, fds, err, sizeof(err)) != 0) {
		log_error("cannot start", "error", err, NULL);
		goto out;
	}
	for (size_t i = 0; i < p->nslots; i++)
		if (p->slots[i].role->restart == RESTART_ONCE &&
		    (r = run_once(p, &p->slots[i])) != 0) {
			rc = r == RP_ERR_NOTFOUND ? 0 : 1;
			goto out;
		}
	for (size_t i = 0; i < p->nslots; i++)
		if (p->slots[i].role->restart == RESTART_ALWAYS &&
		    spawn(p, &p->slots[i]) != 0)
			schedule_restart(p, &p->slots[i]);
	supervise(p);
	rc = p->exit_code;
	log_info("stopped", NULL);
out:
	for (size_t i = 0; i < CONF_LISTEN_MAX; i++)
		if (fds[i] >= 0)
			close(fds[i]);
	if (p->sigfd >= 0)
		close(p->sigfd);
	tls_material_free(tls);
	free(p);
	return rc;
}
