/*
 * Bounded list of diagnostics.  Counts stay exact even when entries are
 * dropped past RP_DIAGS_MAX, so "N errors" is always true.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "err.h"
#include "str.h"

struct rp_diags *
rp_diags_new(void)
{
	return calloc(1, sizeof(struct rp_diags));
}

void
rp_diags_clear(struct rp_diags *d)
{
	size_t i;

	if (d == NULL)
		return;
	for (i = 0; i < d->n; i++) {
		free(d->v[i].test);
		free(d->v[i].pointer);
		free(d->v[i].msg);
	}
	d->n = 0;
	d->nerrors = d->nwarnings = d->nnotes = d->dropped = d->nomem = 0;
}

void
rp_diags_free(struct rp_diags *d)
{
	if (d == NULL)
		return;
	rp_diags_clear(d);
	free(d->v);
	free(d);
}

void
rp_diags_mark(const struct rp_diags *d, struct rp_diags_mark *m)
{
	m->n = d != NULL ? d->n : 0;
	m->nerrors = d != NULL ? d->nerrors : 0;
}

void
rp_diags_demote(struct rp_diags *d, const struct rp_diags_mark *m)
{
	size_t i, k;

	if (d == NULL || d->nerrors < m->nerrors)
		return;
	for (i = m->n; i < d->n; i++) {
		if (d->v[i].level == RP_DIAG_ERROR)
			d->v[i].level = RP_DIAG_WARNING;
	}
	k = d->nerrors - m->nerrors;
	d->nerrors -= k;
	d->nwarnings += k;
}

static int diags_vadd(struct rp_diags *d, enum rp_diag_level level,
    const char *test, const char *pointer, int line, int column,
    const char *fmt, va_list ap) __attribute__((format(printf, 7, 0)));

static int
diags_vadd(struct rp_diags *d, enum rp_diag_level level, const char *test,
    const char *pointer, int line, int column, const char *fmt, va_list ap)
{
	struct rp_diag *e, *nv;
	size_t ncap;

	if (d == NULL)
		return 0;
	if (level == RP_DIAG_ERROR)
		d->nerrors++;
	else if (level == RP_DIAG_NOTE)
		d->nnotes++;
	else
		d->nwarnings++;
	if (d->n >= RP_DIAGS_MAX) {
		d->dropped++;
		return 0;
	}
	if (d->n == d->cap) {
		ncap = d->cap ? d->cap * 2 : 16;
		if ((nv = reallocarray(d->v, ncap, sizeof(*nv))) == NULL) {
			d->nomem++;
			return RP_ERR_NOMEM;
		}
		d->v = nv;
		d->cap = ncap;
	}
	e = &d->v[d->n];
	memset(e, 0, sizeof(*e));
	e->level = level;
	e->line = line;
	e->column = column;
	if ((test != NULL && (e->test = strdup(test)) == NULL) ||
	    (pointer != NULL && (e->pointer = strdup(pointer)) == NULL) ||
	    vasprintf(&e->msg, fmt, ap) < 0) {
		free(e->test);
		free(e->pointer);
		e->msg = NULL;
		d->nomem++;
		return RP_ERR_NOMEM;
	}
	d->n++;
	return 0;
}

int
rp_diags_add(struct rp_diags *d, enum rp_diag_level level, const char *test,
    const char *pointer, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = diags_vadd(d, level, test, pointer, 0, 0, fmt, ap);
	va_end(ap);
	return r;
}

int
rp_diags_add_at(struct rp_diags *d, enum rp_diag_level level, int line,
    int column, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = diags_vadd(d, level, NULL, NULL, line, column, fmt, ap);
	va_end(ap);
	return r;
}

int
rp_diags_has_test(const struct rp_diags *d, const char *test)
{
	size_t i;

	if (d == NULL)
		return 0;
	for (i = 0; i < d->n; i++) {
		if (d->v[i].level == RP_DIAG_ERROR && d->v[i].test != NULL &&
		    strcmp(d->v[i].test, test) == 0)
			return 1;
	}
	return 0;
}

char *
rp_diag_format(const struct rp_diag *e, const char *file)
{
	struct rp_buf b;
	char *s;

	rp_buf_init(&b, 64 * 1024);
	if (file != NULL)
		rp_buf_appendf(&b, "%s:", file);
	if (e->line > 0) {
		rp_buf_appendf(&b, "%d:", e->line);
		if (e->column > 0)
			rp_buf_appendf(&b, "%d:", e->column);
	}
	if (b.len > 0)
		rp_buf_append(&b, " ");
	rp_buf_append(&b,
	    e->level == RP_DIAG_ERROR	   ? "error: "
		: e->level == RP_DIAG_NOTE ? "note: "
					   : "warning: ");
	if (e->test != NULL)
		rp_buf_appendf(&b, "%s ", e->test);
	rp_buf_append(&b, e->msg);
	if (e->pointer != NULL && e->pointer[0] == '\0')
		rp_buf_append(&b, " (at the document root)");
	else if (e->pointer != NULL)
		rp_buf_appendf(&b, " (at %s)", e->pointer);
	s = rp_buf_take(&b);
	return s;
}
