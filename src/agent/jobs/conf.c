/*
 * agent.conf, the machine's own say over which signed jobs may run
 * (jobs.h, docs/agent-jobs.md).  The file is local and written by the
 * machine's administrator, yet every mistake is an error naming the
 * file and line: a misspelt "deny = quarantnie" must not quietly allow
 * what it meant to forbid.  Read with libinih through a reader that
 * counts lines and spots section headers itself (inih reports a section
 * only with its first key, so an unknown empty section would slip by).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <ini.h>

#include "jobs.h"
#include "util/err.h"

#define ALL_TYPES (((1u << JOB_TYPE_END) - 1) & ~1u)

struct load {
	FILE *f;
	const char *path;
	int line, too_long, failed, allow_seen;
	unsigned allow, deny;
	char *err;
};

void
jobs_conf_default(struct jobs_conf *c)
{
	c->allow = ALL_TYPES;
}

int
jobs_conf_allows(const struct jobs_conf *c, int type)
{
	return type > 0 && type < JOB_TYPE_END && (c->allow & (1u << type));
}

static void fail(struct load *ld, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
fail(struct load *ld, const char *fmt, ...)
{
	char msg[JOBS_ERR_MAX - 220];
	va_list ap;

	if (ld->failed)
		return;
	ld->failed = 1;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	snprintf(
	    ld->err, JOBS_ERR_MAX, "%.200s:%d: %s", ld->path, ld->line, msg);
}

/* The types named in value (spaces and commas between names) as bits. */
static int
types(struct load *ld, const char *key, const char *value, unsigned *out)
{
	char name[32];
	size_t n;
	int t;

	*out = 0;
	while (*value != '\0') {
		value += strspn(value, " \t,");
		if ((n = strcspn(value, " \t,")) == 0)
			break;
		snprintf(
		    name, sizeof(name), "%.*s", (int)(n < 31 ? n : 31), value);
		if (n > 31 || (t = proto_job_type_from_name(name)) == 0) {
			fail(ld,
			    "%s: unknown job type '%s' (known: inventory, "
			    "sweep, quarantine, restore, purge, terminate)",
			    key, name);
			return -1;
		}
		*out |= 1u << t;
		value += n;
	}
	return 0;
}

static int
handler(void *user, const char *section, const char *name, const char *value)
{
	struct load *ld = user;
	unsigned bits;

	if (ld->failed)
		return 0;
	if (strcmp(section, "jobs") != 0) {
		fail(ld, "key '%s' outside [jobs]%s", name,
		    section[0] ? " (unknown section)" : "");
		return 0;
	}
	if (strcmp(name, "allow") != 0 && strcmp(name, "deny") != 0) {
		fail(ld, "unknown key '%s' in [%s] (known: allow, deny)", name,
		    section);
		return 0;
	}
	if (types(ld, name, value, &bits) != 0)
		return 0;
	if (strcmp(name, "deny") == 0) {
		ld->deny |= bits;
		return 1;
	}
	/* the first allow replaces the default; more lines add to it */
	if (!ld->allow_seen)
		ld->allow = 0;
	ld->allow_seen = 1;
	ld->allow |= bits;
	return 1;
}

/* inih's reader: counts lines, refuses a line longer than its buffer
 * and a section header other than [jobs]. */
static char *
reader(char *str, int num, void *stream)
{
	struct load *ld = stream;
	size_t len, i;
	char *p;

	if (ld->failed || ld->too_long || fgets(str, num, ld->f) == NULL)
		return NULL;
	ld->line++;
	len = strlen(str);
	if (len == (size_t)num - 1 && str[len - 1] != '\n' && !feof(ld->f)) {
		ld->too_long = 1;
		return NULL;
	}
	for (i = 0; str[i] == ' ' || str[i] == '\t'; i++)
		;
	if (str[i] == '[') {
		p = str + i + 1;
		len = strcspn(p, "]");
		if (p[len] == ']' &&
		    !(len == 4 && strncmp(p, "jobs", 4) == 0)) {
			p[len] = '\0';
			fail(ld, "unknown section [%s] (known: jobs)", p);
			return NULL;
		}
	}
	return str;
}

int
jobs_conf_read(const char *path, struct jobs_conf *c, char err[JOBS_ERR_MAX])
{
	struct load ld = {0};
	int r;

	ld.path = path;
	ld.err = err;
	ld.allow = ALL_TYPES;
	if ((ld.f = fopen(path, "re")) == NULL) {
		snprintf(err, JOBS_ERR_MAX, "%s: %s", path, strerror(errno));
		return errno == ENOENT ? RP_ERR_NOTFOUND : RP_ERR_IO;
	}
	r = ini_parse_stream(reader, &ld, handler, &ld);
	fclose(ld.f);
	if (ld.failed)
		return RP_ERR_INVALID;
	if (ld.too_long) {
		fail(&ld, "line too long");
		return RP_ERR_INVALID;
	}
	if (r > 0) {
		ld.line = r;
		fail(&ld, "expected 'key = value', '[jobs]' or a comment");
		return RP_ERR_INVALID;
	}
	if (r < 0) {
		snprintf(err, JOBS_ERR_MAX, "%s: out of memory", path);
		return RP_ERR_NOMEM;
	}
	c->allow = ld.allow & ~ld.deny;
	return 0;
}
