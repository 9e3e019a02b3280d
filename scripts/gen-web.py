#!/usr/bin/env python3
"""Compiles the web UI's templates, message catalog and static files into C.

Usage: gen-web.py OUTPUT.c TEMPLATE_DIR PO_FILE STATIC_DIR C_SOURCE...

Templates (TEMPLATE_DIR/*.html) are HTML with {{...}} expressions:

  {{path}}                a value of the page's data (a.b.c; "." is the
                          current item), always escaped for where it stands
  {{_ "text" p1 p2}}      a message from the catalog, {1} {2} replaced by
                          the values of p1 p2 (escaped)
  {{#if p}} {{#unless p}} {{#each p}} {{#eq p "lit"}} ... {{else}} ... {{/if}}
  {{time p}} {{num p}}    a time (<time> in the user's zone, UTC on hover),
                          a number in the user's language
  {{qr p}}                only as a whole src="" value: a QR code image
  {{> name}}              another template, inline
  {{! comment}}

The compiler follows the HTML around each expression and refuses a
template where an expression could emit markup or script: inside a tag
or attribute name, an unquoted or single-quoted value, an on* or style
attribute, a <script> or <style> element or a comment, or at the start of
a URL attribute (href, src, action, formaction must begin with a literal
"/", "?" or "#", so data can never choose a scheme).  Values in URL
attributes are percent-encoded, everywhere else HTML-escaped: a template
has no way to emit data unescaped.

Every message used in a template or as T_("...") in C_SOURCE must have
a German translation in PO_FILE, and every entry there must be used.
"""
import hashlib
import os
import re
import sys

URL_ATTRS = {"href", "src", "action", "formaction"}
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link",
        "meta", "source", "track", "wbr"}
KINDS = ["TEXT", "VAR", "MSG", "EACH", "IF", "UNLESS", "EQ", "ELSE", "END",
         "TIME", "NUM", "QR"]
PATH_RE = re.compile(r"^(\.|@?[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*)$")


class TplError(Exception):
    pass


class Html:
    """A small HTML tokenizer state machine, fed the literal text."""

    def __init__(self):
        self.mode = "text"  # text tagname intag attrname beforeval dq sq unq comment raw endtag
        self.tag = ""
        self.attr = ""
        self.val = ""
        self.raw_end = ""
        self.tail = ""

    def key(self):
        if self.mode == "text":
            return ("text",)
        if self.mode in ("intag", "attrname"):  # a bare attribute ends here
            return ("intag", self.tag)
        return (self.mode, self.tag, self.attr)

    def after_lt(self):
        t = self.tail.rstrip("/")
        return t.endswith("<")

    def feed(self, s):
        self.tail = (self.tail + s)[-2:]
        i = 0
        while i < len(s):
            c = s[i]
            m = self.mode
            if m == "text":
                if s.startswith("<!--", i):
                    self.mode = "comment"
                    i += 4
                    continue
                if c == "<" and i + 1 < len(s) and s[i + 1] == "/":
                    self.mode = "endtag"
                elif c == "<" and i + 1 < len(s) and s[i + 1].isalpha():
                    self.mode, self.tag = "tagname", ""
            elif m == "comment":
                if s.startswith("-->", i):
                    self.mode = "text"
                    i += 3
                    continue
            elif m == "endtag":
                if c == ">":
                    self.mode = "text"
            elif m == "raw":
                if s.lower().startswith(self.raw_end, i):
                    self.mode = "endtag"
                    i += 2
                    continue
            elif m == "tagname":
                if c.isspace():
                    self.mode = "intag"
                elif c == ">":
                    self.close_tag()
                elif c != "/":
                    self.tag += c.lower()
            elif m == "intag":
                if c == ">":
                    self.close_tag()
                elif not c.isspace() and c != "/":
                    self.mode, self.attr = "attrname", c.lower()
            elif m == "attrname":
                if c == "=":
                    self.mode = "beforeval"
                elif c.isspace():
                    self.mode = "intag"
                elif c == ">":
                    self.close_tag()
                else:
                    self.attr += c.lower()
            elif m == "beforeval":
                if c == '"':
                    self.mode, self.val = "dq", ""
                elif c == "'":
                    self.mode = "sq"
                elif not c.isspace():
                    self.mode = "unq"
            elif m == "dq":
                if c == '"':
                    self.mode, self.attr = "intag", ""
                else:
                    self.val += c
            elif m == "sq":
                if c == "'":
                    self.mode = "intag"
            elif m == "unq":
                if c.isspace():
                    self.mode = "intag"
                elif c == ">":
                    self.close_tag()
            i += 1

    def close_tag(self):
        if self.tag in ("script", "style"):
            self.mode, self.raw_end = "raw", "</" + self.tag
        else:
            self.mode = "text"
        self.attr = ""


def parse_po(path):
    """msgid -> msgstr of a PO file (plain entries, no plurals)."""
    entries, cur, field = {}, {}, None
    text = open(path, encoding="utf-8").read()

    def unq(s, ln):
        if not (s.startswith('"') and s.endswith('"')):
            raise TplError(f"{path}:{ln}: expected a quoted string")
        body = s[1:-1]
        return body.replace('\\"', '"').replace("\\n", "\n").replace("\\\\", "\\")

    def flush():
        if "msgid" in cur and cur["msgid"] != "":
            entries[cur["msgid"]] = cur.get("msgstr", "")

    for ln, line in enumerate(text.splitlines(), 1):
        line = line.strip()
        if line.startswith("#") or not line:
            continue
        if line.startswith("msgid "):
            flush()
            cur, field = {"msgid": unq(line[6:], ln)}, "msgid"
        elif line.startswith("msgstr "):
            cur["msgstr"], field = unq(line[7:], ln), "msgstr"
        elif line.startswith('"') and field:
            cur[field] += unq(line, ln)
        else:
            raise TplError(f"{path}:{ln}: not a PO line: {line[:40]}")
    flush()
    return entries


def tokenize(src, name, partials, depth=0):
    """Splits src into ("lit", text) and ("expr", text, line) tokens,
    with {{> partial}} inlined."""
    out, pos = [], 0
    for m in re.finditer(r"\{\{(.*?)\}\}", src, re.S):
        line = src.count("\n", 0, m.start()) + 1
        out.append(("lit", src[pos:m.start()]))
        e = m.group(1).strip()
        pos = m.end()
        if e.startswith("!"):
            continue
        if e.startswith(">"):
            p = e[1:].strip()
            if p not in partials or depth > 4:
                raise TplError(f"{name}:{line}: no template '{p}'")
            out.extend(tokenize(partials[p], p, partials, depth + 1))
            continue
        out.append(("expr", e, f"{name}:{line}"))
    out.append(("lit", src[pos:]))
    if "{{" in src[pos:] or "}}" in src[pos:]:
        raise TplError(f"{name}: unbalanced braces")
    return out


def need_path(p, where):
    if not PATH_RE.match(p):
        raise TplError(f"{where}: '{p}' is not a data path")
    return p


def compile_tpl(name, tokens, msgs):
    html, ops, stack = Html(), [], []
    for tok in tokens:
        if tok[0] == "lit":
            if tok[1]:
                html.feed(tok[1])
                ops.append(["TEXT", tok[1]])
            continue
        e, where = tok[1], tok[2]
        words = re.findall(r'"[^"]*"|\S+', e)
        head = words[0]
        mode, attr = html.mode, html.attr
        bad_attr = attr.startswith("on") or attr in ("style", "srcdoc")
        in_value = mode == "dq" and not bad_attr
        url_attr = in_value and attr in URL_ATTRS
        if head.startswith("#"):
            kind = head[1:].upper()
            if kind not in ("EACH", "IF", "UNLESS", "EQ"):
                raise TplError(f"{where}: unknown block {head}")
            if mode not in ("text", "intag") and not (in_value and not url_attr):
                raise TplError(f"{where}: a block cannot start in {mode} {attr}")
            op = [kind, need_path(words[1], where)]
            if kind == "EQ":
                if len(words) != 3:
                    raise TplError(f"{where}: #eq takes a path and a "
                                   "\"literal\" or another path")
                op.append(words[2][1:-1] if words[2].startswith('"')
                          else ("path", need_path(words[2], where)))
            stack.append((len(ops), head[1:], html.key(), where))
            ops.append(op)
            continue
        if head == "else" or head.startswith("/"):
            if not stack:
                raise TplError(f"{where}: {head} without a block")
            at, bname, key, _ = stack[-1]
            if html.key() != key:
                raise TplError(f"{where}: the HTML around {head} differs from "
                               f"where #{bname} opened ({key} vs {html.key()})")
            if head == "else":
                ops[at].append(("else", len(ops)))
                ops.append(["ELSE"])
                continue
            if head[1:] != bname:
                raise TplError(f"{where}: {head} closes #{bname}")
            stack.pop()
            ops[at].append(("end", len(ops)))
            ops.append(["END"])
            continue
        if mode == "text" and html.after_lt():
            mode = "tagname"  # "<{{x}}" would let data name a tag
        if mode not in ("text", "dq") or (mode == "dq" and bad_attr):
            raise TplError(f"{where}: no expression may stand in {mode} "
                           f"{attr or html.tag}")
        if head == "_":
            if len(words) < 2 or not words[1].startswith('"'):
                raise TplError(f'{where}: _ takes a "message"')
            if url_attr:
                raise TplError(f"{where}: a message in a URL attribute")
            msg = words[1][1:-1]
            msgs.add(msg)
            ops.append(["MSG", msg, [need_path(w, where) for w in words[2:]]])
            continue
        if head == "qr":
            if not (mode == "dq" and attr == "src" and html.val == ""):
                raise TplError(f"{where}: qr only as a whole src value")
            ops.append(["QR", need_path(words[1], where)])
            continue
        if url_attr and not re.match(r"^[/?#]", html.val):
            raise TplError(f"{where}: {attr}=\"...\" must start with a "
                           "literal /, ? or # before any data")
        if head in ("time", "num"):
            if head == "time" and mode != "text":
                raise TplError(f"{where}: time only in text")
            if url_attr:
                raise TplError(f"{where}: {head} in a URL attribute")
            ops.append([head.upper(), need_path(words[1], where)])
            continue
        if len(words) != 1:
            raise TplError(f"{where}: unknown expression '{e}'")
        ops.append(["VAR", need_path(head, where), "URL" if url_attr else "HTML"])
    if stack:
        raise TplError(f"{stack[-1][3]}: #{stack[-1][1]} is never closed")
    if html.mode != "text":
        raise TplError(f"{name}: ends inside {html.mode} {html.tag}")
    return ops


def cstr(s):
    b = s.encode("utf-8")
    out = []
    for ch in b:
        c = chr(ch)
        if c == "\\":
            out.append("\\\\")
        elif c == '"':
            out.append('\\"')
        elif c == "\n":
            out.append("\\n")
        elif 32 <= ch < 127 and c != "?":
            out.append(c)
        else:
            out.append("\\%03o" % ch)
    return '"' + "".join(out) + '"', len(b)


def emit_ops(name, ops, msg_index, out):
    sym = "tpl_" + re.sub(r"\W", "_", name)
    merged = []
    for op in ops:  # adjacent text joins
        if op[0] == "TEXT" and merged and merged[-1][0] == "TEXT":
            merged[-1][1] += op[1]
        else:
            merged.append(op)
    # indexes moved by merging: recompute block links on merged ops
    stack, links = [], {}
    for i, op in enumerate(merged):
        if op[0] in ("EACH", "IF", "UNLESS", "EQ"):
            stack.append(i)
            links[i] = {"else": 0, "end": 0}
        elif op[0] == "ELSE":
            links[stack[-1]]["else"] = i
        elif op[0] == "END":
            links[stack.pop()]["end"] = i
    for i, op in enumerate(merged):
        if op[0] == "MSG" and op[2]:
            args = ", ".join(cstr(a)[0] for a in op[2])
            out.append(f"static const char *const {sym}_a{i}[] = {{{args}}};")
        if op[0] == "EQ" and isinstance(op[2], tuple):
            out.append(f"static const char *const {sym}_a{i}[] = "
                       f"{{{cstr(op[2][1])[0]}}};")
    out.append(f"static const struct tpl_op {sym}[] = {{")
    for i, op in enumerate(merged):
        k = "TPL_" + op[0]
        if op[0] == "TEXT":
            s, n = cstr(op[1])
            out.append(f"\t{{{k}, 0, 0, 0, 0, 0, {s}, {n}, NULL, NULL}},")
        elif op[0] == "MSG":
            a = f"{sym}_a{i}" if op[2] else "NULL"
            out.append(f"\t{{{k}, 0, {len(op[2])}, {msg_index[op[1]]}, 0, 0, "
                       f"NULL, 0, NULL, {a}}},")
        elif op[0] in ("EACH", "IF", "UNLESS", "EQ"):
            ln = links[i]
            nxt = ln["else"] or ln["end"]
            lit, args, na = "NULL", "NULL", 0
            if op[0] == "EQ" and isinstance(op[2], tuple):
                args, na = f"{sym}_a{i}", 1
            elif op[0] == "EQ":
                lit = cstr(op[2])[0]
            s, n = cstr(op[1])
            out.append(f"\t{{{k}, 0, {na}, 0, {nxt}, {ln['end']}, {s}, {n}, "
                       f"{lit}, {args}}},")
        elif op[0] in ("ELSE", "END"):
            out.append(f"\t{{{k}, 0, 0, 0, 0, 0, NULL, 0, NULL, NULL}},")
        else:
            esc = "TPL_ESC_URL" if len(op) > 2 and op[2] == "URL" else "TPL_ESC_HTML"
            s, n = cstr(op[1])
            out.append(f"\t{{{k}, {esc}, 0, 0, 0, 0, {s}, {n}, NULL, NULL}},")
    out.append("};")
    return sym, len(merged)


def c_messages(sources):
    found = set()
    for path in sources:
        text = open(path, encoding="utf-8").read()
        for m in re.finditer(r'\bT_\(\s*((?:"(?:[^"\\]|\\.)*"\s*)+)\)', text):
            parts = re.findall(r'"((?:[^"\\]|\\.)*)"', m.group(1))
            found.add("".join(parts).replace('\\"', '"'))
    return found


STATIC_TYPES = {".css": "text/css; charset=utf-8",
                ".js": "text/javascript; charset=utf-8",
                ".svg": "image/svg+xml"}


def main():
    out_c, tdir, po, sdir = sys.argv[1:5]
    sources = sys.argv[5:]
    files = sorted(f for f in os.listdir(tdir) if f.endswith(".html"))
    srcs = {f[:-5]: open(os.path.join(tdir, f), encoding="utf-8").read()
            for f in files}
    partials = {k[1:]: v for k, v in srcs.items() if k.startswith("_")}
    msgs = c_messages(sources)
    compiled = {}
    try:
        for name, src in srcs.items():
            if name.startswith("_"):
                continue
            compiled[name] = compile_tpl(name, tokenize(src, name, partials), msgs)
        cat = parse_po(po)
    except TplError as e:
        sys.exit(f"gen-web: {e}")
    missing = sorted(m for m in msgs if not cat.get(m))
    unused = sorted(m for m in cat if m not in msgs)
    if missing or unused:
        for m in missing:
            print(f"gen-web: {po}: no German for \"{m}\"", file=sys.stderr)
        for m in unused:
            print(f"gen-web: {po}: \"{m}\" is used nowhere", file=sys.stderr)
        sys.exit(1)
    ids = sorted(msgs, key=lambda s: s.encode("utf-8"))
    msg_index = {m: i for i, m in enumerate(ids)}
    out = ["/* Generated by scripts/gen-web.py; do not edit. */",
           "#include <stddef.h>", "", '#include "web_int.h"', ""]
    out.append(f"const size_t web_nmsgs = {len(ids)};")
    out.append("const char *const web_msgids[] = {")
    out += ["\t" + cstr(m)[0] + "," for m in ids] + ["};"]
    out.append("const char *const web_msgs_de[] = {")
    out += ["\t" + cstr(cat[m])[0] + "," for m in ids] + ["};"]
    table = []
    for name in sorted(compiled):
        sym, n = emit_ops(name, compiled[name], msg_index, out)
        table.append(f"\t{{{cstr(name)[0]}, {sym}, {n}}},")
    out.append(f"const size_t web_ntpls = {len(table)};")
    out += ["const struct tpl web_tpls[] = {"] + table + ["};"]
    assets = []
    for f in sorted(os.listdir(sdir)):
        ext = os.path.splitext(f)[1]
        if ext not in STATIC_TYPES:
            continue
        data = open(os.path.join(sdir, f), "rb").read()
        sym = "asset_" + re.sub(r"\W", "_", f)
        tag = hashlib.sha256(data).hexdigest()[:16]
        out.append(f"static const unsigned char {sym}[] = {{")
        for i in range(0, len(data), 16):
            out.append("\t" + ", ".join(str(b) for b in data[i:i + 16]) + ",")
        out.append("\t0};")
        assets.append(f'\t{{"{f}", "{STATIC_TYPES[ext]}", "{tag}", {sym}, '
                      f"{len(data)}}},")
    out.append(f"const size_t web_nassets = {len(assets)};")
    out += ["const struct web_asset web_assets[] = {"] + assets + ["};"]
    with open(out_c, "w", encoding="utf-8") as fh:
        fh.write("\n".join(out) + "\n")


if __name__ == "__main__":
    main()
