// Helpers for the web UI's browser tests: Debian's chromium, headless,
// driven by puppeteer-core (tests/tools), trusting only the test server's
// certificate (its SPKI, derived from the SHA-256 fingerprint rampartd
// prints); TOTP codes the server has not seen yet; page checks (axe-core,
// the CSP header and the browser's CSP reports, alerts, script errors);
// the keyboard walk; and plain HTTPS requests for what a browser will not
// send (a form without its token, a foreign Origin).
//
// Every check throws a TestFailure that says what was expected and what
// the page had; run() prints it and exits 1.  Waits are on events
// (navigation, selectors, the clock's next TOTP period), never sleeps.
import { createRequire } from "node:module";
import crypto from "node:crypto";
import fs from "node:fs";
import https from "node:https";
import os from "node:os";
import path from "node:path";
import tls from "node:tls";

const HERE = path.dirname(new URL(import.meta.url).pathname);
const TOOLS = path.join(HERE, "..", "tools");
const CHROMIUM = process.env.RAMPART_CHROMIUM || "/usr/bin/chromium";
// Generous waits for a slow machine (ASan): they guard against a hang,
// they measure nothing.
const WAIT_MS = 240000;

export class TestFailure extends Error {}

export function fail(msg) {
  throw new TestFailure(msg);
}

export function check(cond, msg) {
  if (!cond) fail(msg);
}

// --- tools -----------------------------------------------------------------

function need(name) {
  const require = createRequire(path.join(TOOLS, "package.json"));
  try {
    return require(name);
  } catch (e) {
    fail(`npm module ${name} is missing from tests/tools/node_modules ` +
      `(${e.code || e.message}): run \`make tools\` (scripts/setup-npm.sh)`);
  }
}

function chromiumPath() {
  try {
    fs.accessSync(CHROMIUM, fs.constants.X_OK);
  } catch {
    fail(`no chromium at ${CHROMIUM}: install Debian's chromium ` +
      "(scripts/setup-deps.sh, `make deps`)");
  }
  return CHROMIUM;
}

// --- the server and its certificate ----------------------------------------

// The server at base (https://host:port), its certificate checked against
// the SHA-256 fingerprint rampartd printed ("AB:CD:..."): { base, host,
// port, origin, pem, spki }.  spki is the base64 SHA-256 of the public
// key, which chromium's --ignore-certificate-errors-spki-list takes.
export async function connect(base, fingerprint) {
  const u = new URL(base);
  const cert = await new Promise((resolve, reject) => {
    const s = tls.connect({ host: u.hostname, port: Number(u.port),
      rejectUnauthorized: false }, () => {
      const c = s.getPeerX509Certificate();
      s.end();
      resolve(c);
    });
    s.on("error", reject);
  });
  const want = fingerprint.replace(/:/g, "").toUpperCase();
  const got = cert.fingerprint256.replace(/:/g, "").toUpperCase();
  check(got === want, `${base}: certificate SHA-256 ${got}, expected ${want}`);
  const spki = crypto.createHash("sha256")
    .update(cert.publicKey.export({ type: "spki", format: "der" }))
    .digest("base64");
  return { base: u.origin, host: u.hostname, port: Number(u.port),
    origin: u.origin, pem: cert.toString(), spki, fingerprint: want };
}

// --- TOTP (RFC 6238: SHA-1, 6 digits, 30 s) ---------------------------------

function base32(s) {
  const abc = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  let bits = 0, acc = 0;
  const out = [];
  for (const ch of s.toUpperCase().replace(/=+$/, "")) {
    const v = abc.indexOf(ch);
    check(v >= 0, "TOTP secret: not base32");
    acc = (acc << 5) | v;
    bits += 5;
    if (bits >= 8) {
      out.push((acc >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  return Buffer.from(out);
}

export function wallStep() {
  return Math.floor(Date.now() / 30000);
}

export function totpCode(secret, step) {
  const msg = Buffer.alloc(8);
  msg.writeBigUInt64BE(BigInt(step));
  const mac = crypto.createHmac("sha1", base32(secret)).update(msg).digest();
  const off = mac[mac.length - 1] & 0x0f;
  const n = (mac.readUInt32BE(off) & 0x7fffffff) % 1000000;
  return String(n).padStart(6, "0");
}

// The last step used per secret: the server accepts a code once, and
// then only codes of later steps.
const lastStep = new Map();

// Tells the generator that a step was used elsewhere (the Python side's
// logins through the API).
export function totpUsed(secret, step) {
  lastStep.set(secret, Math.max(step, lastStep.get(secret) ?? -1));
}

// Resolves once the wall clock is in step (or later): the next TOTP period.
function untilStep(step) {
  return new Promise((resolve) => {
    const tick = () => {
      const left = step * 30000 - Date.now();
      if (left <= 0) resolve();
      else setTimeout(tick, left);
    };
    tick();
  });
}

// A code the server has not seen yet.  It takes the steps before and
// after the current one, so two logins per period go at once; a third
// waits for the clock's next period.
export async function totpNext(secret) {
  let step = Math.max(wallStep(), (lastStep.get(secret) ?? -1) + 1);
  while (step > wallStep() + 1) {
    console.log("totp: both codes of this period used; waiting for the next");
    await untilStep(step - 1);
  }
  lastStep.set(secret, step);
  return totpCode(secret, step);
}

// --- the browser -----------------------------------------------------------

// Launches headless chromium trusting only the server's certificate, runs
// fn(browser), closes it, removes its profile.  Failures print and set
// the exit status: run() is the whole test's body.
export async function run(site, fn) {
  let browser = null;
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), "rampart-chromium-"));
  try {
    const puppeteer = need("puppeteer-core");
    need("@axe-core/puppeteer"); // missing: fail now, not at the first check
    browser = await puppeteer.launch({
      executablePath: chromiumPath(),
      headless: true,
      pipe: true,
      userDataDir: profile,
      protocolTimeout: WAIT_MS,
      args: [
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
        "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--lang=en-US",
        `--ignore-certificate-errors-spki-list=${site.spki}`,
      ],
    });
    await fn(browser);
    console.log("web: ok");
  } catch (e) {
    process.exitCode = 1;
    if (e instanceof TestFailure) console.error(`FAIL: ${e.message}`);
    else console.error("FAIL:", e);
  } finally {
    if (browser !== null) await browser.close().catch(() => {});
    fs.rmSync(profile, { recursive: true, force: true });
  }
}

// What each page saw: CSP reports, alerts, script errors, HTML answers
// with weak headers, and the last document it loaded.
const seen = new WeakMap();

function state(page) {
  const st = seen.get(page);
  check(st !== undefined, "page not opened with openPage()");
  return st;
}

// A new tab that records what checkPage() judges.  Alerts are dismissed
// and recorded (an injected script that ran would show one).
export async function openPage(browser) {
  const page = await browser.newPage();
  const st = { csp: [], dialogs: [], errors: [], headers: [], doc: null };
  seen.set(page, st);
  page.setDefaultTimeout(WAIT_MS);
  page.setDefaultNavigationTimeout(WAIT_MS);
  await page.setViewport({ width: 1280, height: 800 });
  await page.exposeFunction("__rampartCsp", (v) => st.csp.push(v));
  await page.evaluateOnNewDocument(() => {
    document.addEventListener("securitypolicyviolation", (e) => {
      window.__rampartCsp(`${e.violatedDirective} blocked ` +
        `${e.blockedURI || "inline"} at ${e.sourceFile || document.URL}` +
        `:${e.lineNumber} ${e.sample || ""}`);
    }, true);
  });
  page.on("console", (m) => {
    if (/content.security.policy/i.test(m.text()))
      st.csp.push(`console: ${m.text()}`);
  });
  page.on("pageerror", (e) => st.errors.push(String(e)));
  page.on("dialog", async (d) => {
    st.dialogs.push(`${d.type()} "${d.message()}" on ${page.url()}`);
    await d.dismiss();
  });
  page.on("requestfailed", (r) => {
    const why = r.failure()?.errorText || "";
    if (/csp/i.test(why)) st.csp.push(`${r.url()}: ${why}`);
  });
  page.on("response", (r) => {
    const ct = r.headers()["content-type"] || "";
    if (ct.startsWith("text/html")) {
      const bad = headerProblems(r.headers());
      if (bad.length) st.headers.push(`${r.status()} ${r.url()}: ${bad}`);
    }
    if (r.request().isNavigationRequest() && r.frame() === page.mainFrame())
      st.doc = r;
  });
  return page;
}

// What is wrong with an HTML answer's headers (headers: lower-case names):
// a CSP that lets in inline or foreign script or style, or framing.
export function headerProblems(headers) {
  const out = [];
  const csp = headers["content-security-policy"];
  if (!csp) return ["no Content-Security-Policy header"];
  const dir = {};
  for (const part of csp.split(";")) {
    const [name, ...vals] = part.trim().split(/\s+/);
    if (name) dir[name.toLowerCase()] = vals;
  }
  const def = dir["default-src"];
  if (!def || !(def.includes("'none'") || def.includes("'self'")))
    out.push(`default-src is not 'none' or 'self': ${csp}`);
  for (const d of ["script-src", "style-src"]) {
    const v = dir[d] || def || [];
    const loose = v.filter((x) => ["'unsafe-inline'", "'unsafe-eval'", "*",
      "data:", "http:", "https:"].includes(x));
    if (loose.length) out.push(`${d} allows ${loose.join(" ")}`);
  }
  if (!(dir["frame-ancestors"] || []).includes("'none'"))
    out.push("frame-ancestors is not 'none'");
  if ((headers["x-frame-options"] || "").toUpperCase() !== "DENY")
    out.push("X-Frame-Options is not DENY");
  return out;
}

// Opens path and waits for the page; the document's answer.
export async function goto(page, site, p) {
  const r = await page.goto(site.base + p, { waitUntil: "load" });
  check(r !== null, `${p}: no answer`);
  return r;
}

export function pathOf(page) {
  return new URL(page.url()).pathname;
}

// Opens path as the logged-in user of this tab and judges it the way
// every page is judged: the answer's status (200 unless status says
// otherwise), no redirect elsewhere, checkPage() (saved as name.png),
// tabThrough(), and hostile text (when given) shown as text at least
// once.  Returns { response, stops } for page-specific asserts.
export async function visit(page, site, p, name,
  { status = 200, hostile = null, screenshot: shot = true } = {}) {
  const response = await goto(page, site, p);
  const want = new URL(site.base + p).pathname;
  check(pathOf(page) === want, `${p}: ended on ${page.url()}`);
  check(response.status() === status,
    `${p}: status ${response.status()}, expected ${status}`);
  await checkPage(page, name, { screenshot: shot });
  const stops = await tabThrough(page);
  if (hostile !== null) await assertShownAsText(page, hostile, 1);
  return { response, stops };
}

// --- page checks -----------------------------------------------------------

function describeAxe(v) {
  const nodes = v.nodes.slice(0, 8).map((n) =>
    `      ${n.target.join(" ")}: ${n.html.slice(0, 160)}\n` +
    `        ${(n.failureSummary || "").replace(/\n/g, "\n        ")}`);
  return `  [${v.impact}] ${v.id}: ${v.help} (${v.helpUrl})\n` +
    nodes.join("\n") + (v.nodes.length > 8 ?
    `\n      … and ${v.nodes.length - 8} more` : "");
}

// The page as loaded now, judged: its answer carried a strict CSP and
// X-Frame-Options DENY (so did every HTML answer this tab got), the
// browser reported no CSP violation, no script error and no alert, and
// axe-core finds no serious or critical accessibility violation (lesser
// ones are printed).  Saves name.png when RAMPART_SCREENSHOTS is set
// (unless screenshot is false).  Returns axe-core's results.
export async function checkPage(page, name, { screenshot: shot = true } = {}) {
  const st = state(page);
  const where = `${name} (${page.url()})`;
  check(st.doc !== null, `${where}: no document loaded`);
  const bad = headerProblems(st.doc.headers());
  check(bad.length === 0, `${where}: ${bad.join("; ")}`);
  const { AxePuppeteer } = need("@axe-core/puppeteer");
  const res = await new AxePuppeteer(page).analyze();
  const worst = res.violations.filter((v) =>
    v.impact === "serious" || v.impact === "critical");
  for (const v of res.violations.filter((x) => !worst.includes(x)))
    console.log(`${name}: axe (not failing):\n${describeAxe(v)}`);
  check(worst.length === 0, `${where}: axe-core found ${worst.length} ` +
    `serious or critical violation(s):\n${worst.map(describeAxe).join("\n")}`);
  checkQuiet(page, where);
  if (shot) await screenshot(page, name);
  return res;
}

// Nothing went wrong in the tab so far: no CSP report, no script error,
// no alert, no HTML answer with weak headers.
export function checkQuiet(page, where = page.url()) {
  const st = state(page);
  check(st.csp.length === 0,
    `${where}: the browser reported CSP violations:\n  ${st.csp.join("\n  ")}`);
  check(st.errors.length === 0,
    `${where}: script errors:\n  ${st.errors.join("\n  ")}`);
  check(st.dialogs.length === 0,
    `${where}: dialogs opened (injected script ran?):\n  ` +
    st.dialogs.join("\n  "));
  check(st.headers.length === 0,
    `HTML answers with weak headers:\n  ${st.headers.join("\n  ")}`);
}

// A full-page PNG as DIR/name.png when RAMPART_SCREENSHOTS=DIR.
export async function screenshot(page, name) {
  const dir = process.env.RAMPART_SCREENSHOTS;
  if (!dir) return null;
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${name}.png`);
  // the page as it first shows, without the focus of a keyboard walk
  await page.evaluate(() => document.activeElement?.blur());
  await page.screenshot({ path: file, fullPage: true });
  console.log(`screenshot: ${file}`);
  return file;
}

// text (hostile markup) is on the page as text: at least min elements
// show it in their own text, the document has no element it would have
// made (no script but the page's own from /static/, no on* attribute, no
// <img src=x>), and no alert fired.  Returns how many elements show it.
export async function assertShownAsText(page, text, min = 1) {
  const r = await page.evaluate((t) => {
    const shown = [...document.querySelectorAll("body *")].filter((e) =>
      [...e.childNodes].some((n) => n.nodeType === Node.TEXT_NODE &&
        n.nodeValue.includes(t))).length;
    const scriptsBad = [...document.scripts].filter((s) => !s.src ||
      new URL(s.src).origin !== location.origin ||
      !new URL(s.src).pathname.startsWith("/static/"))
      .map((s) => s.outerHTML.slice(0, 120));
    const handlers = [...document.querySelectorAll("*")].filter((e) =>
      [...e.attributes].some((a) => a.name.startsWith("on")))
      .map((e) => e.outerHTML.slice(0, 120));
    const imgs = [...document.images].filter((i) =>
      i.getAttribute("src") === "x").length;
    return { shown, scriptsBad, handlers, imgs };
  }, text);
  const where = pathOf(page);
  check(r.shown >= min, `${where}: ${JSON.stringify(text)} shown as text ` +
    `by ${r.shown} element(s), expected at least ${min}`);
  check(r.scriptsBad.length === 0,
    `${where}: scripts not from /static/: ${r.scriptsBad.join(", ")}`);
  check(r.handlers.length === 0,
    `${where}: elements with event-handler attributes: ` +
    r.handlers.join(", "));
  check(r.imgs === 0, `${where}: ${r.imgs} <img src=x> element(s)`);
  checkQuiet(page, where);
  return r.shown;
}

// The page offers no action: no form that posts anywhere but to one of
// allow (default: /logout), and no button outside a form but a copy
// button (data-copy).  Forms that GET (filters, search) change nothing
// and are allowed.
export async function assertNoActions(page, allow = ["/logout"]) {
  const bad = await page.evaluate((ok) => {
    const out = [];
    for (const f of document.forms) {
      const p = new URL(f.action, document.baseURI).pathname;
      if (f.method.toLowerCase() !== "get" && !ok.includes(p))
        out.push(`form ${f.method} ${p}`);
    }
    const free = "button, input[type=submit], input[type=image], " +
      "input[type=button], input[type=reset], [role=button]";
    for (const b of document.querySelectorAll(free)) {
      if (b.form || b.closest("form")) continue;
      if (b.hasAttribute("data-copy")) continue;
      out.push(`button outside a form: ${b.outerHTML.slice(0, 120)}`);
    }
    return out;
  }, allow);
  check(bad.length === 0, `${pathOf(page)}: actions offered: ` +
    bad.join("; "));
}

// --- the keyboard ----------------------------------------------------------

// Elements Tab should reach, in document order, and their look unfocused.
// Stored in the page (window.__rampartTab) so later steps can find them.
function tabbables() {
  const sel = "a[href], area[href], button, input, select, textarea, " +
    "summary, iframe, [contenteditable], [tabindex]";
  const look = (e) => {
    const s = getComputedStyle(e);
    return { outline: `${s.outlineStyle} ${s.outlineWidth} ${s.outlineColor}`,
      shadow: s.boxShadow };
  };
  const list = [...document.querySelectorAll(sel)].filter((e) => {
    if (e.tabIndex < 0 || e.disabled || e.inert || e.closest("[inert]"))
      return false;
    if (e.matches("input[type=hidden]")) return false;
    // in a closed <details> only its own summary can be reached
    const d = e.closest("details:not([open])");
    if (d && !(e.matches("summary") && e.parentElement === d)) return false;
    // of a group of radio buttons Tab reaches one: the checked one, or
    // the first (the arrow keys move within the group)
    if (e.matches("input[type=radio]") && e.name) {
      const group = [...(e.form || document).querySelectorAll(
        "input[type=radio]")].filter((x) => x.name === e.name &&
        x.form === e.form && !x.disabled);
      const on = group.find((x) => x.checked);
      if (e !== (on || group[0])) return false;
    }
    return e.checkVisibility({ visibilityProperty: true });
  });
  window.__rampartTab = list;
  return list.map((e) => ({
    desc: `<${e.localName}${e.id ? "#" + e.id : ""}` +
      `${e.getAttribute("href") ? ` href="${e.getAttribute("href")}"` : ""}` +
      `${e.name ? ` name="${e.name}"` : ""}> ` +
      JSON.stringify((e.innerText || e.value || e.getAttribute("aria-label")
        || "").trim().slice(0, 40)),
    tabindex: e.tabIndex,
    unfocused: look(e),
  }));
}

// Puts the start of sequential focus navigation before the first element:
// a focusable but untabbable marker at the top of body, focused.
async function focusTop(page) {
  await page.evaluate(() => {
    let m = document.getElementById("__rampart_top");
    if (!m) {
      m = document.createElement("span");
      m.id = "__rampart_top";
      m.tabIndex = -1;
      document.body.prepend(m);
    }
    m.focus();
  });
}

async function dropTop(page) {
  await page.evaluate(() => document.getElementById("__rampart_top")?.remove());
}

// Where the focus is now: its index in __rampartTab (-1: elsewhere), how
// it looks, whether it can be seen.
function focusInfo() {
  const e = document.activeElement;
  const list = window.__rampartTab || [];
  if (!e || e === document.body || e.id === "__rampart_top")
    return { index: -2, desc: e ? `<${e.localName}>` : "nothing" };
  const s = getComputedStyle(e);
  const r = e.getBoundingClientRect();
  const onScreen = r.width > 0 && r.height > 0 && r.bottom > 0 &&
    r.right > 0 && r.top < innerHeight && r.left < innerWidth &&
    e.checkVisibility({ opacityProperty: true, visibilityProperty: true });
  const transparent = /rgba\(.*,\s*0\)$|transparent/.test(s.outlineColor);
  const ring = (s.outlineStyle !== "none" && parseFloat(s.outlineWidth) > 0 &&
    !transparent) || s.boxShadow !== "none";
  return { index: list.indexOf(e), onScreen, ring,
    look: { outline: `${s.outlineStyle} ${s.outlineWidth} ${s.outlineColor}`,
      shadow: s.boxShadow },
    desc: `<${e.localName}${e.id ? "#" + e.id : ""}> ` +
      e.outerHTML.slice(0, 100) };
}

// Presses Tab from the top of the page through every element that can be
// used: each visible a, button, input, select, textarea, summary (and
// anything with tabindex) must take the focus in document order (no
// positive tabindex), be on screen while focused, and show a focus
// indicator (an outline or box-shadow it does not have unfocused).  One
// more Tab must leave the page or wrap to the first element.  Returns the
// elements reached, each { desc, tabindex }, for page-specific asserts.
export async function tabThrough(page) {
  const where = pathOf(page);
  await focusTop(page); // nothing focused while the unfocused look is read
  const want = await page.evaluate(tabbables);
  const positive = want.filter((w) => w.tabindex > 0);
  check(positive.length === 0, `${where}: positive tabindex breaks the ` +
    `order: ${positive.map((w) => w.desc).join(", ")}`);
  check(want.length > 0, `${where}: nothing to reach with Tab`);
  try {
    for (let i = 0; i < want.length; i++) {
      await page.keyboard.press("Tab");
      const f = await page.evaluate(focusInfo);
      check(f.index === i, `${where}: Tab #${i + 1} should reach ` +
        `${want[i].desc}, reached ${f.index >= 0 ? want[f.index].desc
          : f.desc}`);
      check(f.onScreen, `${where}: ${want[i].desc} has the focus but ` +
        "cannot be seen");
      const same = f.look.outline === want[i].unfocused.outline &&
        f.look.shadow === want[i].unfocused.shadow;
      check(f.ring && !same, `${where}: ${want[i].desc} shows no focus ` +
        `indicator (outline ${f.look.outline}, box-shadow ${f.look.shadow})`);
    }
    await page.keyboard.press("Tab");
    const after = await page.evaluate(focusInfo);
    check(after.index === -2 || after.index === 0, `${where}: after the ` +
      `last element Tab reached ${after.desc}, which the walk did not expect`);
  } finally {
    await dropTop(page);
  }
  return want.map(({ desc, tabindex }) => ({ desc, tabindex }));
}

// Presses Tab from the top of the page until selector has the focus
// (fails when a whole round does not reach it).
export async function tabTo(page, selector) {
  const n = (await page.evaluate(tabbables)).length;
  await focusTop(page);
  try {
    for (let i = 0; i <= n; i++) {
      await page.keyboard.press("Tab");
      if (await page.evaluate((s) => document.activeElement?.matches(s),
        selector)) return;
    }
  } finally {
    await dropTop(page);
  }
  fail(`${pathOf(page)}: Tab never reaches ${selector}`);
}

// Reaches selector with Tab and presses key (Enter) on it; with
// navigation (the default) waits for the page it leads to and returns
// that document's answer.
export async function activateByKeyboard(page, selector,
  { key = "Enter", navigation = true } = {}) {
  await tabTo(page, selector);
  if (!navigation) {
    await page.keyboard.press(key);
    return null;
  }
  const [r] = await Promise.all([
    page.waitForNavigation({ waitUntil: "load" }),
    page.keyboard.press(key),
  ]);
  return r;
}

// The skip link is the first stop of Tab, and Enter on it moves the focus
// to the main content.
export async function assertSkipLink(page) {
  await tabTo(page, "a[href='#main']");
  await page.keyboard.press("Enter");
  await page.waitForFunction(() => document.activeElement?.id === "main");
}

// --- logging in and out ----------------------------------------------------

// Types into the login form's fields, reached with Tab, and submits with
// Enter: the keyboard alone.  user: { user, password, totp_secret? }.
// Returns the answer of the page it leads to; fails when the form comes
// back with an error.
export async function login(page, site, user, next = null) {
  const q = next === null ? "" : `?next=${encodeURIComponent(next)}`;
  if (pathOf(page) !== "/login" || q) await goto(page, site, `/login${q}`);
  const fill = async (sel, text) => {
    await tabTo(page, sel);
    await page.keyboard.down("Control");
    await page.keyboard.press("A");
    await page.keyboard.up("Control");
    await page.keyboard.press("Backspace");
    if (text) await page.keyboard.type(text);
  };
  await fill("#user", user.user);
  await fill("#password", user.password);
  const code = user.totp_secret ? await totpNext(user.totp_secret) : "";
  await fill("#totp", code);
  const [r] = await Promise.all([
    page.waitForNavigation({ waitUntil: "load" }),
    page.keyboard.press("Enter"),
  ]);
  if (pathOf(page) === "/login") {
    const err = await page.$eval("#login-error", (e) => e.textContent)
      .catch(() => "(no error shown)");
    fail(`login as ${user.user} refused (${r?.status()}): ${err}`);
  }
  return r;
}

// Logs out with the header's button, by keyboard; fails unless the
// browser ends on /login.
export async function logout(page) {
  const r = await activateByKeyboard(page,
    "form[action='/logout'] button[type=submit]");
  check(pathOf(page) === "/login",
    `logout: ended on ${page.url()} (${r?.status()}), expected /login`);
  return r;
}

// The session cookie the browser holds for the site ("" without one).
export async function sessionCookie(page) {
  const c = (await page.cookies()).find((x) => x.name === "rampart_session");
  return c ? c.value : "";
}

// --- plain HTTPS -----------------------------------------------------------

// One request to the site, trusting only its certificate:
// { status, headers (lower-case), body }.  form: an object sent as
// application/x-www-form-urlencoded.
export function request(site, method, p, { headers = {}, form = null,
  cookie = null } = {}) {
  const h = { ...headers };
  let body = null;
  if (form !== null) {
    body = new URLSearchParams(form).toString();
    h["content-type"] = "application/x-www-form-urlencoded";
    h["content-length"] = Buffer.byteLength(body);
  }
  if (cookie !== null) h.cookie = cookie;
  return new Promise((resolve, reject) => {
    const rq = https.request({ host: site.host, port: site.port, method,
      path: p, headers: h, ca: site.pem, agent: false,
      // the one certificate trusted is the pinned one; its name is moot
      checkServerIdentity: () => undefined }, (res) => {
      const fp = res.socket.getPeerX509Certificate().fingerprint256
        .replace(/:/g, "");
      if (fp !== site.fingerprint) {
        res.destroy();
        reject(new TestFailure(`certificate changed: ${fp}`));
        return;
      }
      const chunks = [];
      res.on("data", (c) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode,
        headers: res.headers, body: Buffer.concat(chunks).toString() }));
    });
    rq.on("error", reject);
    if (body !== null) rq.write(body);
    rq.end();
  });
}
