/*
 * The template renderer: walks a compiled template (web_gen.c) over a
 * JSON value.  Every value goes out through web_esc_html or web_esc_url,
 * chosen by the compiler from where the expression stands, so no path
 * from data to the page skips escaping.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "web_int.h"

/* Blocks nest no deeper than the templates do; data cannot deepen it. */
#define TPL_DEPTH 16

struct rstate {
	json_t *stack[TPL_DEPTH];
	size_t depth;
	struct web_locale *loc;
	struct rp_buf *b;
};

static const char hexd[] = "0123456789ABCDEF";

void
web_esc_html(struct rp_buf *b, const char *s, size_t n)
{
	size_t i, run = 0;
	const char *rep;

	for (i = 0; i < n; i++) {
		switch (s[i]) {
		case '&':
			rep = "&amp;";
			break;
		case '<':
			rep = "&lt;";
			break;
		case '>':
			rep = "&gt;";
			break;
		case '"':
			rep = "&quot;";
			break;
		case '\'':
			rep = "&#39;";
			break;
		default:
			continue;
		}
		rp_buf_appendn(b, s + run, i - run);
		rp_buf_append(b, rep);
		run = i + 1;
	}
	rp_buf_appendn(b, s + run, n - run);
}

static int
unreserved(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	    (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' ||
	    c == '~';
}

void
web_esc_url(struct rp_buf *b, const char *s, size_t n)
{
	size_t i, run = 0;
	char pct[3];

	for (i = 0; i < n; i++) {
		if (unreserved((unsigned char)s[i]))
			continue;
		rp_buf_appendn(b, s + run, i - run);
		pct[0] = '%';
		pct[1] = hexd[(unsigned char)s[i] >> 4];
		pct[2] = hexd[(unsigned char)s[i] & 15];
		rp_buf_appendn(b, pct, 3);
		run = i + 1;
	}
	rp_buf_appendn(b, s + run, n - run);
}

const struct tpl *
web_tpl_find(const char *name)
{
	size_t lo = 0, hi = web_ntpls, mid;
	int c;

	while (lo < hi) {
		mid = (lo + hi) / 2;
		if ((c = strcmp(name, web_tpls[mid].name)) == 0)
			return &web_tpls[mid];
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}

/* The value at a dotted path: its first name is looked up from the
 * innermost block outwards; "." is the innermost value itself. */
static json_t *
lookup(struct rstate *st, const char *path)
{
	char name[64];
	const char *p = path, *dot;
	json_t *v = NULL;
	size_t n, i;

	if (strcmp(path, ".") == 0)
		return st->depth > 0 ? st->stack[st->depth - 1] : NULL;
	for (; p != NULL; p = dot != NULL ? dot + 1 : NULL) {
		dot = strchr(p, '.');
		n = dot != NULL ? (size_t)(dot - p) : strlen(p);
		if (n >= sizeof(name))
			return NULL;
		memcpy(name, p, n);
		name[n] = '\0';
		if (p == path) {
			for (i = st->depth; i > 0 && v == NULL; i--)
				v = json_object_get(st->stack[i - 1], name);
		} else
			v = json_object_get(v, name);
		if (v == NULL)
			return NULL;
	}
	return v;
}

static int
truthy(json_t *v)
{
	if (v == NULL)
		return 0;
	switch (json_typeof(v)) {
	case JSON_STRING:
		return json_string_length(v) > 0;
	case JSON_INTEGER:
		return json_integer_value(v) != 0;
	case JSON_REAL:
		return json_real_value(v) != 0;
	case JSON_TRUE:
		return 1;
	case JSON_ARRAY:
		return json_array_size(v) > 0;
	case JSON_OBJECT:
		return json_object_size(v) > 0;
	default:
		return 0;
	}
}

/* A query string of an object's string and number members. */
static void
emit_query(struct rp_buf *b, json_t *o)
{
	const char *k;
	json_t *v;
	int first = 1;
	char num[32];

	json_object_foreach(o, k, v)
	{
		const char *s = json_is_string(v) ? json_string_value(v) : num;

		if (json_is_integer(v))
			snprintf(num, sizeof(num), "%lld",
			    (long long)json_integer_value(v));
		else if (!json_is_string(v) || *s == '\0')
			continue;
		rp_buf_append(b, first ? "" : "&amp;");
		web_esc_url(b, k, strlen(k));
		rp_buf_append(b, "=");
		web_esc_url(b, s, strlen(s));
		first = 0;
	}
}

static void
emit(struct rstate *st, json_t *v, int esc)
{
	char num[32];
	const char *s = num;
	size_t n;

	if (json_is_object(v) && esc == TPL_ESC_URL) {
		emit_query(st->b, v);
		return;
	}
	if (json_is_string(v)) {
		s = json_string_value(v);
		n = json_string_length(v);
	} else if (json_is_integer(v))
		n = (size_t)snprintf(
		    num, sizeof(num), "%lld", (long long)json_integer_value(v));
	else if (json_is_real(v))
		n = (size_t)snprintf(
		    num, sizeof(num), "%g", json_real_value(v));
	else if (json_is_boolean(v))
		s = json_is_true(v) ? "true" : "false", n = strlen(s);
	else
		return;
	if (esc == TPL_ESC_URL)
		web_esc_url(st->b, s, n);
	else
		web_esc_html(st->b, s, n);
}

/* A catalog message with {1}..{9} replaced by its arguments' values. */
static void
emit_msg(struct rstate *st, const struct tpl_op *op)
{
	const char *m = web_tr(st->loc, web_msgids[op->msg]), *p;
	unsigned int k;

	for (p = m; *p != '\0'; p++) {
		if (p[0] == '{' && p[1] >= '1' && p[1] <= '9' && p[2] == '}') {
			k = (unsigned int)(p[1] - '1');
			web_esc_html(st->b, m, (size_t)(p - m));
			if (k < op->nargs)
				emit(st, lookup(st, op->args[k]), TPL_ESC_HTML);
			m = p + 3;
			p += 2;
		}
	}
	web_esc_html(st->b, m, (size_t)(p - m));
}

static void render_range(
    struct rstate *st, const struct tpl_op *ops, size_t from, size_t to);

static void
render_block(struct rstate *st, const struct tpl_op *ops, size_t i)
{
	const struct tpl_op *op = &ops[i];
	json_t *v = lookup(st, op->s), *e;
	size_t k, has_else = ops[op->next].kind == TPL_ELSE;
	int yes;

	if (op->kind == TPL_EACH && json_is_array(v) &&
	    json_array_size(v) > 0) {
		if (st->depth >= TPL_DEPTH)
			return;
		json_array_foreach(v, k, e)
		{
			st->stack[st->depth++] = e;
			render_range(st, ops, i + 1, op->next);
			st->depth--;
		}
		return;
	}
	if (op->kind == TPL_EACH)
		yes = 0;
	else if (op->kind == TPL_EQ && op->lit != NULL)
		yes = json_is_string(v) &&
		    strcmp(json_string_value(v), op->lit) == 0;
	else if (op->kind == TPL_EQ) {
		e = op->nargs > 0 ? lookup(st, op->args[0]) : NULL;
		yes = json_is_string(v) && json_is_string(e) &&
		    strcmp(json_string_value(v), json_string_value(e)) == 0;
	} else
		yes = truthy(v) == (op->kind == TPL_IF);
	if (yes)
		render_range(st, ops, i + 1, op->next);
	else if (has_else)
		render_range(st, ops, op->next + 1, op->end);
}

static void
render_range(
    struct rstate *st, const struct tpl_op *ops, size_t from, size_t to)
{
	size_t i;
	json_t *v;
	int64_t t;

	for (i = from; i < to && !st->b->failed; i++) {
		const struct tpl_op *op = &ops[i];

		switch (op->kind) {
		case TPL_TEXT:
			rp_buf_appendn(st->b, op->s, op->len);
			break;
		case TPL_VAR:
			emit(st, lookup(st, op->s), op->esc);
			break;
		case TPL_MSG:
			emit_msg(st, op);
			break;
		case TPL_EACH:
		case TPL_IF:
		case TPL_UNLESS:
		case TPL_EQ:
			render_block(st, ops, i);
			i = op->end;
			break;
		case TPL_TIME:
		case TPL_NUM:
			v = lookup(st, op->s);
			if (op->kind == TPL_NUM && json_is_integer(v))
				web_fmt_num(
				    st->loc, st->b, json_integer_value(v));
			else if (op->kind == TPL_NUM && v == NULL)
				/* a count the answer leaves out is none */
				web_fmt_num(st->loc, st->b, 0);
			else if (op->kind == TPL_TIME && json_is_integer(v))
				web_fmt_time(
				    st->loc, st->b, json_integer_value(v));
			else if (op->kind == TPL_TIME && json_is_string(v) &&
			    web_time_parse(json_string_value(v), &t) == 0)
				web_fmt_time(st->loc, st->b, t);
			else
				emit(st, v, TPL_ESC_HTML);
			break;
		case TPL_QR:
			v = lookup(st, op->s);
			if (json_is_string(v))
				(void)web_qr_data_uri(
				    st->b, json_string_value(v));
			break;
		default:
			break;
		}
	}
}

void
web_render(
    const struct tpl *t, json_t *data, struct web_locale *l, struct rp_buf *b)
{
	struct rstate st;

	memset(&st, 0, sizeof(st));
	st.stack[st.depth++] = data;
	st.loc = l;
	st.b = b;
	render_range(&st, t->ops, 0, t->nops);
}
