#!/usr/bin/env python3
"""Feeds rampartd pulls (docs/indicators-feeds-pull.md), on a real
rampartd and a loopback HTTP server written here that serves a plain list
and a MISP feed (manifest.json and the events of ../shared/data/misp/),
answers If-None-Match / If-Modified-Since with 304, and records every
request with the conditional headers it carried.

The list: the first fetch imports it (counts in the audit log); a second
fetch sends the ETag and Last-Modified it got and gets 304 (nothing
changes); a changed list adds and removes indicators; a 500, a body that
is no list and one over fetch.max_bytes change no indicator and the
source's state says so and names the copy kept; the last good copy on
disk is the body whose sha256 the state shows.  The MISP feed: the first
fetch takes the manifest and every event, the second only the event whose
timestamp changed (an event gone from the manifest takes its indicators
with it), a third gets 304 and fetches no event.  file:// and gopher://
sources are refused when they are created, a source nobody answers for
fails with nothing kept, and the secrets of a URL
(user:password@, ?key=) appear nowhere: not in the API, the audit log or
the daemon's output.

Every wait is a bounded number of polls of the source's state through
the API, never a sleep standing for an event.  Run on SQLite, and on
PostgreSQL when RAMPART_TEST_DB is set (scripts/pg-test.sh)."""

import copy
import hashlib
import http.server
import json
import os
import re
import socket
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from server_lib import Cli, Server, check  # noqa: E402

SHARED = os.environ["RAMPART_SHARED_DATA"]
MAX_BYTES = 512 * 1024  # above the MISP events together (about 230 KiB)
SECRETS = ("s3cret-pw", "k3y-value")
POLLS = 600  # of POLL_PAUSE each: a bound, not a timing expectation
POLL_PAUSE = 0.1

LIST_V1 = ("# a plain list with comments\n"
           "198.51.100.7\n"
           "evil-one.example\n"
           "hxxp://evil-two[.]example/payload.bin\n"
           "203.0.113.9\n")
LIST_V2 = ("198.51.100.7\n"
           "evil-one.example\n"
           "hxxp://evil-two[.]example/payload.bin\n"
           "new-three.example\n")


class Feed:
    """What the test server serves, and what it saw."""

    def __init__(self):
        self.lock = threading.Lock()
        self.list_body = LIST_V1.encode()
        self.list_mode = "ok"  # ok | 500 | garbage | oversize
        self.events = {}  # uuid -> event document
        self.manifest_extra = {}
        self.seen = []  # (path, If-None-Match, If-Modified-Since, status)
        self.version = 1  # bumps Last-Modified with each change

    def change_list(self, body):
        with self.lock:
            self.list_body = body.encode()
            self.version += 1

    def manifest(self):
        m = {}
        for uuid, ev in self.events.items():
            e = ev["Event"]
            m[uuid] = {"info": e.get("info", ""), "date": e.get("date", ""),
                       "timestamp": str(e["timestamp"]),
                       "analysis": 0, "threat_level_id": 1}
        m.update(self.manifest_extra)
        return json.dumps(m, sort_keys=True).encode()

    def requests_since(self, mark):
        with self.lock:
            return list(self.seen[mark:])

    def mark(self):
        with self.lock:
            return len(self.seen)


def last_modified(version):
    return time.strftime("%a, %d %b %Y %H:%M:%S GMT",
                         time.gmtime(1700000000 + version * 60))


def make_handler(feed):
    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args):
            pass

        def send(self, status, body=b"", etag=None, lm=None):
            self.send_response(status)
            if etag:
                self.send_header("ETag", etag)
            if lm:
                self.send_header("Last-Modified", lm)
            if status != 304:
                self.send_header("Content-Length", str(len(body)))
            self.send_header("Connection", "close")
            self.end_headers()
            if status != 304:
                self.wfile.write(body)
            self.close_connection = True

        def conditional(self, body, version):
            etag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
            lm = last_modified(version)
            inm = self.headers.get("If-None-Match")
            ims = self.headers.get("If-Modified-Since")
            if inm == etag or (inm is None and ims == lm):
                return 304, b"", etag, lm
            return 200, body, etag, lm

        def do_GET(self):
            path = self.path.split("?")[0]
            with feed.lock:
                status, body, etag, lm = self.answer(path)
                feed.seen.append((path, self.headers.get("If-None-Match"),
                                  self.headers.get("If-Modified-Since"),
                                  status, self.path))
            self.send(status, body, etag, lm)

        def answer(self, path):
            if path == "/list.txt":
                if feed.list_mode == "500":
                    return 500, b"internal error\n", None, None
                if feed.list_mode == "garbage":
                    return (200, b"<html>\xff\xfe" + b"\x9b" * 3000 +
                            bytes(range(256)) * 4, '"garbage"', None)
                if feed.list_mode == "oversize":
                    return (200, b"198.51.100.1\n" * (MAX_BYTES // 13 + 100),
                            '"big"', None)
                return self.conditional(feed.list_body, feed.version)
            if path == "/misp/manifest.json":
                return self.conditional(feed.manifest(), feed.version)
            if path.startswith("/misp/") and path.endswith(".json"):
                uuid = path[len("/misp/"):-len(".json")]
                if uuid in feed.events:
                    return (200, json.dumps(feed.events[uuid]).encode(),
                            None, None)
            return 404, b"not found\n", None, None

    return Handler


def start_feed():
    feed = Feed()
    for name in ("57c4445b-c548-4654-af0b-4be3950d210f.json",
                 "misp_event.json", "existing_event.json",
                 "long_event.json"):
        with open(os.path.join(SHARED, "misp", name)) as f:
            doc = json.load(f)
        if "Event" not in doc:
            doc = {"Event": doc}
        feed.events[doc["Event"]["uuid"]] = doc
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0),
                                            make_handler(feed))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return feed, httpd


# --- the API -------------------------------------------------------------

def source(admin, sid):
    r = admin.request("GET", f"/api/v1/indicator-sources/{sid}")
    check(r.status == 200, f"source {sid}: {r}")
    check("fetch" in r.json, f"source {sid} has no fetch state: {r.json}")
    return r.json


def audit_runs(admin, name):
    """The audit entries of the runs of source name, oldest first, with
    their detail parsed."""
    out, after = [], 0
    while True:
        r = admin.request(
            "GET", "/api/v1/audit?action=indicator_source.fetch&limit=500"
            f"&after={after}")
        check(r.status == 200, f"audit: {r}")
        for e in r.json["items"]:
            if e["target"] == f"source:{name}":
                e["detail"] = json.loads(e["detail"])
                out.append(e)
        if not r.json.get("next"):
            return out
        after = r.json["items"][-1]["seq"]


def wait_runs(admin, name, n):
    """Polls until source name has n recorded runs; returns the last."""
    for _ in range(POLLS):
        runs = audit_runs(admin, name)
        if len(runs) >= n:
            check(len(runs) == n, f"{name}: {len(runs)} runs, not {n}")
            return runs[-1]
        time.sleep(POLL_PAUSE)
    check(False, f"{name}: run {n} was not recorded")


def fetch_now(admin, sid, name):
    """Asks for a fetch and waits for its run (one more audit entry);
    returns the run's audit entry and the source."""
    n = len(audit_runs(admin, name))
    r = admin.request("POST", f"/api/v1/indicator-sources/{sid}/fetch")
    check(r.status == 202, f"fetch now: {r}")
    check(r.json["fetch"]["fetch_requested_at"] > 0, f"fetch now: {r.json}")
    run = wait_runs(admin, name, n + 1)
    return run, source(admin, sid)


def indicators(admin, name):
    out, after = {}, 0
    while True:
        r = admin.request(
            "GET", f"/api/v1/indicators?source={name}&limit=500&after={after}")
        check(r.status == 200, f"indicators of {name}: {r}")
        for i in r.json["items"]:
            out[(i["type"], i["value"])] = i
        if not r.json.get("next"):
            return out
        after = r.json["items"][-1]["id"]


def create(admin, name, kind, url, expect=201):
    r = admin.request("POST", "/api/v1/indicator-sources", body={
        "name": name, "kind": kind, "url": url, "fetch_interval": 3600})
    check(r.status == expect, f"create {name} ({url}): {r}")
    return r.json


def values(inds):
    return {v for (_, v) in inds}


def refused_schemes(admin):
    for i, url in enumerate(("file:///etc/passwd",
                             "gopher://127.0.0.1:70/_stats",
                             "ftp://127.0.0.1/list.txt")):
        r = admin.request("POST", "/api/v1/indicator-sources", body={
            "name": f"refused-{i}", "kind": "list-url", "url": url})
        check(r.status == 400, f"{url} accepted: {r}")
        check("http" in r.json["error"]["message"], f"{url}: {r.json}")
    r = admin.request("GET", "/api/v1/indicator-sources")
    check(not [x for x in r.json["items"] if x["name"].startswith("refused")],
          f"a refused source exists: {r.json}")
    # only pulled sources are fetched
    manual = admin.request("POST", "/api/v1/indicator-sources", body={
        "name": "by-hand", "kind": "manual"})
    check(manual.status == 201, f"manual source: {manual}")
    r = admin.request(
        "POST", f"/api/v1/indicator-sources/{manual.json['id']}/fetch")
    check(r.status == 409 and r.code() == "not_pulled", f"fetch manual: {r}")
    check(manual.json["fetch"]["state"] == "not-pulled", f"{manual.json}")


def list_source(srv, admin, feed, port):
    url = (f"http://feeduser:{SECRETS[0]}@127.0.0.1:{port}/list.txt"
           f"?key={SECRETS[1]}&fmt=txt")
    sid = create(admin, "blocklist", "list-url", url)["id"]

    # first fetch: by itself (never fetched), everything imported
    run = wait_runs(admin, "blocklist", 1)
    d = run["detail"]
    check(run["outcome"] == "ok" and d["http"] == 200, f"first run: {run}")
    check((d["added"], d["removed"], d["indicators"]) == (4, 0, 4),
          f"first run counts: {d}")
    inds = indicators(admin, "blocklist")
    check(values(inds) == {"198.51.100.7", "evil-one.example",
                           "http://evil-two.example/payload.bin",
                           "203.0.113.9"}, f"first import: {inds.keys()}")
    seen = feed.requests_since(0)
    check(len(seen) == 1 and seen[0][1] is None and seen[0][2] is None,
          f"the first request is not conditional: {seen}")
    check(f"key={SECRETS[1]}" in seen[0][4], f"query kept: {seen}")
    s = source(admin, sid)
    f = s["fetch"]
    check(f["state"] == "ok" and f["text"].startswith("last fetched")
          and "4 added" in f["text"], f"state after the first run: {f}")
    with open(os.path.join(srv.dir, "feeds", f"{sid}.body"), "rb") as fh:
        copy_body = fh.read()
    check(copy_body == LIST_V1.encode(), "the last good copy")
    check(hashlib.sha256(copy_body).hexdigest() == f["last_good_sha256"],
          f"the copy's sha256: {f}")

    # second fetch: conditional, 304, nothing changes
    mark = feed.mark()
    run, s = fetch_now(admin, sid, "blocklist")
    seen = feed.requests_since(mark)
    check(len(seen) == 1 and seen[0][3] == 304, f"second request: {seen}")
    check(seen[0][1] == f["etag"] and seen[0][2] == last_modified(1),
          f"If-None-Match / If-Modified-Since sent: {seen} {f}")
    check(run["detail"]["http"] == 304, f"second run: {run}")
    check("304 not modified" in s["fetch"]["text"], f"304 state: {s}")
    check(indicators(admin, "blocklist").keys() == inds.keys(),
          "a 304 changed the indicators")

    # changed list: one added, one removed
    feed.change_list(LIST_V2)
    run, s = fetch_now(admin, sid, "blocklist")
    d = run["detail"]
    check(d["http"] == 200 and d["added"] == 1 and d["removed"] == 1 and
          d["indicators"] == 4, f"changed list: {d}")
    inds = indicators(admin, "blocklist")
    check(values(inds) == {"198.51.100.7", "evil-one.example",
                           "http://evil-two.example/payload.bin",
                           "new-three.example"}, f"after the change: {inds}")
    good_sha = s["fetch"]["last_good_sha256"]
    check(good_sha == hashlib.sha256(LIST_V2.encode()).hexdigest(),
          f"the new copy: {s}")

    # failures: no indicator changes, the state says why and what is kept
    for mode, words in (("500", "HTTP 500 from"),
                        ("garbage", "is not a list of indicators"),
                        ("oversize", f"larger than the {MAX_BYTES} bytes")):
        feed.list_mode = mode
        run, s = fetch_now(admin, sid, "blocklist")
        f = s["fetch"]
        check(run["outcome"] == "failed" and f["state"] == "failed",
              f"{mode}: {run} {f}")
        check(words in f["last_error"] and "keeping the copy of" in
              f["last_error"] and "(4 indicators)" in f["last_error"],
              f"{mode}: last_error {f['last_error']!r}")
        check(f["text"].startswith("failed") and words in f["text"],
              f"{mode}: text {f['text']!r}")
        check(all(" " <= ch <= "~" for ch in f["last_error"]) and
              len(f["last_error"]) <= 1024,
              f"{mode}: last_error is not short printable text")
        check("http://feeduser:***@" not in f["last_error"] and
              "***@127.0.0.1" in f["last_error"], f"{mode}: masked URL {f}")
        check(f["last_good_sha256"] == good_sha, f"{mode}: copy kept {f}")
        check(indicators(admin, "blocklist").keys() == inds.keys(),
              f"{mode}: the indicators changed")
        with open(os.path.join(srv.dir, "feeds", f"{sid}.body"), "rb") as fh:
            check(fh.read() == LIST_V2.encode(), f"{mode}: copy replaced")
    # the URL cannot be changed to another scheme either
    r = admin.request("PATCH", f"/api/v1/indicator-sources/{sid}",
                      body={"url": "file:///etc/shadow"})
    check(r.status == 400 and "http" in r.json["error"]["message"],
          f"PATCH to file://: {r}")
    feed.list_mode = "ok"
    run, s = fetch_now(admin, sid, "blocklist")
    check(run["outcome"] == "ok" and s["fetch"]["state"] == "ok" and
          s["fetch"]["last_error"] is None, f"recovered: {s}")
    return sid


def cli_fetch(srv, admin, sid):
    """rampart indicator-source fetch and show."""
    r = admin.request("POST", "/api/v1/tokens", body={"name": "feeds"})
    check(r.status == 201, f"token: {r}")
    tok = r.json["secret"]
    cli = Cli(srv)
    try:
        n = len(audit_runs(admin, "blocklist"))
        r = cli.run("indicator-source", "fetch", str(sid), token=tok)
        check(r.returncode == 0 and "fetch asked for" in r.stdout,
              f"rampart indicator-source fetch: {r.stdout} {r.stderr}")
        wait_runs(admin, "blocklist", n + 1)
        r = cli.run("indicator-source", "show", str(sid), token=tok)
        check(r.returncode == 0 and re.search(
            r"fetch state:\s+last fetched .*304 not modified", r.stdout),
            f"rampart indicator-source show: {r.stdout} {r.stderr}")
        for sec in SECRETS:
            check(sec not in r.stdout, f"the CLI shows {sec}: {r.stdout}")
    finally:
        cli.cleanup()


def misp_source(srv, admin, feed, port):
    mark = feed.mark()
    sid = create(admin, "misp", "misp-feed",
                 f"http://127.0.0.1:{port}/misp/")["id"]
    run = wait_runs(admin, "misp", 1)
    d = run["detail"]
    check(run["outcome"] == "ok" and d["events_fetched"] == 4 and
          d["events_kept"] == 0, f"first MISP run: {d}")
    seen = [x[0] for x in feed.requests_since(mark)]
    check(sorted(seen) == sorted(["/misp/manifest.json"] +
                                 [f"/misp/{u}.json" for u in feed.events]),
          f"first MISP requests: {seen}")
    first = indicators(admin, "misp")
    check(len(first) == d["indicators"] and len(first) > 20,
          f"MISP indicators: {len(first)} {d}")
    # misp_event.json's url attribute, to_ids false: inform
    url = [i for (t, v), i in first.items() if t == "url"]
    check(url, f"no url indicator from the MISP feed: {first.keys()}")

    # one event changes, one leaves the feed
    changed = "5758ebf5-c898-48e6-9fe9-5665c0a83866"
    gone = "57c4445b-c548-4654-af0b-4be3950d210f"
    gone_vals = {a["value"].split("|")[-1].lower()
                 for a in feed.events[gone]["Event"]["Attribute"]
                 if a["type"] in ("md5", "sha1", "sha256")}
    with feed.lock:
        ev = copy.deepcopy(feed.events[changed])
        ev["Event"]["timestamp"] = str(int(ev["Event"]["timestamp"]) + 100)
        ev["Event"]["Attribute"].append({
            "type": "domain", "category": "Network activity",
            "to_ids": True, "value": "added-by-update.example",
            "uuid": "0b0c6e8f-3a59-4f8e-9d6e-000000000001"})
        feed.events[changed] = ev
        del feed.events[gone]
        feed.version += 1
    mark = feed.mark()
    run, s = fetch_now(admin, sid, "misp")
    d = run["detail"]
    seen = [x[0] for x in feed.requests_since(mark)]
    check(seen == ["/misp/manifest.json", f"/misp/{changed}.json"],
          f"second MISP run fetched: {seen}")
    check(d["events_fetched"] == 1 and d["events_kept"] == 2 and
          d["added"] == 1, f"second MISP run: {d}")
    second = indicators(admin, "misp")
    check(("domain", "added-by-update.example") in second,
          "the changed event's new indicator")
    check(gone_vals and not (gone_vals & values(second)),
          f"the gone event's hashes stay: {gone_vals & values(second)}")
    check(values(second) - {"added-by-update.example"} <= values(first),
          "indicators appeared from nowhere")

    # nothing changed: 304 and no event fetched
    mark = feed.mark()
    run, s = fetch_now(admin, sid, "misp")
    seen = feed.requests_since(mark)
    check([(x[0], x[3]) for x in seen] == [("/misp/manifest.json", 304)],
          f"third MISP run: {seen}")
    check(indicators(admin, "misp").keys() == second.keys(),
          "a 304 changed the MISP indicators")

    # a uuid that is not one never goes into a URL
    mark = feed.mark()
    with feed.lock:
        feed.manifest_extra = {"../../etc/passwd": {"timestamp": "1"}}
        feed.version += 1
    run, s = fetch_now(admin, sid, "misp")
    seen = [x[0] for x in feed.requests_since(mark)]
    check(seen == ["/misp/manifest.json"] and
          run["detail"]["events_bad_uuid"] == 1, f"bad uuid: {seen} {run}")


def unreachable(admin):
    """A source nobody answers for: failed, and nothing to keep yet."""
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()  # bound and closed: nobody listens there
    sid = create(admin, "nobody-home", "list-url",
                 f"http://127.0.0.1:{port}/list.txt")["id"]
    run = wait_runs(admin, "nobody-home", 1)
    f = source(admin, sid)["fetch"]
    check(run["outcome"] == "failed" and f["state"] == "failed" and
          "no answer from http://127.0.0.1:" in f["last_error"] and
          "no good copy yet" in f["last_error"], f"unreachable: {f}")
    check(f["last_good_sha256"] is None and
          not indicators(admin, "nobody-home"), f"unreachable: {f}")


def no_secrets(srv, admin):
    texts = [srv.drain()]
    r = admin.request("GET", "/api/v1/audit?limit=500")
    texts.append(json.dumps(r.json))
    r = admin.request("GET", "/api/v1/indicator-sources")
    texts.append(json.dumps(r.json))
    for t in texts:
        for sec in SECRETS:
            check(sec not in t, f"the secret {sec} is shown: ...{t[:2000]}")


def main():
    os.environ["RAMPART_FETCH_MAX_BYTES"] = str(MAX_BYTES)
    feed, httpd = start_feed()
    port = httpd.server_address[1]
    srv = Server()
    try:
        srv.start()
        admin = srv.client()
        b = srv.bootstrap
        check(admin.login(b["user"], b["password"],
                          b["totp_secret"]).status == 200, "admin login")
        refused_schemes(admin)
        sid = list_source(srv, admin, feed, port)
        cli_fetch(srv, admin, sid)
        misp_source(srv, admin, feed, port)
        unreachable(admin)
        no_secrets(srv, admin)
        check(srv.stop() == 0, f"rampartd stopped badly:\n{srv.out}")
    finally:
        srv.cleanup()
        httpd.shutdown()
    print("feed_fetch: ok")


if __name__ == "__main__":
    main()
