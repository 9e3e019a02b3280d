// The login page and the overview in headless chromium, run by
// tests/it/web_ui.py against a seeded rampartd: logging in and out with
// the keyboard alone, axe-core and the CSP on every page, a customer
// name made of HTML and script shown as text, form tokens and the Origin
// checked on every POST, and a viewer offered no action.
//
// Environment (set by web_ui.py): RAMPART_URL, RAMPART_FINGERPRINT,
// RAMPART_USERS ({"admin"|"viewer": {user, password, totp_secret,
// last_step}}), RAMPART_HOSTILE (the hostile customer's name, also a
// host name and an advisory's title), RAMPART_PAGES (paths that show it).
import {
  activateByKeyboard, assertNoActions, assertShownAsText, assertSkipLink,
  check, checkPage, checkQuiet, connect, goto, headerProblems, login, logout,
  openPage, pathOf, request, run, sessionCookie, tabThrough, totpCode, totpUsed,
  visit,
} from "./web_lib.mjs";

const env = (k) => {
  const v = process.env[k];
  if (!v) {
    console.error(`FAIL: ${k} is not set (tests/it/web_ui.py sets it)`);
    process.exit(1);
  }
  return v;
};
// RFC 6238's SHA-1 vectors (T = 59 s and 1111111109 s), 6 digits.
for (const [step, code] of [[1, "287082"], [37037036, "081804"]]) {
  const got = totpCode("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ", step);
  if (got !== code) {
    console.error(`FAIL: TOTP of step ${step}: ${got}, RFC 6238 says ${code}`);
    process.exit(1);
  }
}
const users = JSON.parse(env("RAMPART_USERS"));
const HOSTILE = env("RAMPART_HOSTILE");
for (const u of Object.values(users)) totpUsed(u.totp_secret, u.last_step);
const site = await connect(env("RAMPART_URL"), env("RAMPART_FINGERPRINT"))
  .catch((e) => {
    console.error(`FAIL: ${e.message}`);
    process.exit(1);
  });

// An answer the browser never shows, judged like one it does.
function htmlAnswer(r, what, status) {
  check(r.status === status, `${what}: status ${r.status}, expected ` +
    `${status}: ${r.body.slice(0, 300)}`);
  const bad = headerProblems(r.headers);
  check(bad.length === 0, `${what}: ${bad.join("; ")}`);
}

async function loginPage(page) {
  // Not logged in: the overview sends the browser to the login form.
  await goto(page, site, "/");
  check(pathOf(page) === "/login",
    `/ without a session ended on ${page.url()}`);
  await checkPage(page, "login");
  const stops = await tabThrough(page);
  const want = ["a", "input#user", "input#password", "input#totp", "button"];
  check(stops.length === want.length &&
    stops.every((s, i) => s.desc.startsWith(`<${want[i]}`)),
    `/login: Tab order ${stops.map((s) => s.desc).join(", ")}`);
  await assertSkipLink(page);

  // A login posted without the form's token (and its cookie) is refused
  // before the password is looked at.
  const r = await request(site, "POST", "/login", { form: {
    user: users.admin.user, password: users.admin.password, next: "/" },
  headers: { origin: site.origin } });
  htmlAnswer(r, "POST /login without a form token", 403);

  // A wrong password: the form again, the error announced.
  await login(page, site, { user: users.admin.user, password: "wrong" })
    .then(() => check(false, "login with a wrong password succeeded"),
      (e) => check(/refused \(401\)/.test(e.message), e.message));
  const err = await page.$eval("#login-error", (e) =>
    [e.getAttribute("role"), e.textContent]);
  check(err[0] === "alert" && err[1].length > 0, `login error: ${err}`);
  await checkPage(page, "login-error");
}

async function overview(page, who) {
  check(pathOf(page) === "/", `after login as ${who}: ${page.url()}`);
  const rows = await page.$$eval("#h-tenants ~ table tbody th[scope=row] a",
    (as) => as.map((a) => a.textContent));
  check(rows.includes("Acme Dental") && rows.includes(HOSTILE),
    `overview as ${who}: customers ${JSON.stringify(rows)}`);
  await assertShownAsText(page, HOSTILE, 1);
}

// Forms posted from elsewhere, with the session's cookie: refused, and
// the session goes on.
async function csrf(page) {
  const cookie = `rampart_session=${await sessionCookie(page)}`;
  check(cookie.length > "rampart_session=".length, "no session cookie");
  // Out of reach of scripts, never sent in clear nor with another
  // site's requests.
  const c = (await page.cookies()).find((x) => x.name === "rampart_session");
  check(c.httpOnly && c.secure && ["Strict", "Lax"].includes(c.sameSite),
    `session cookie: httpOnly ${c.httpOnly}, secure ${c.secure}, ` +
    `sameSite ${c.sameSite}`);
  const token = await page.$eval("form[action='/logout'] input[name=csrf]",
    (e) => e.value);
  const still = async (what) => {
    const r = await request(site, "GET", "/", { cookie });
    check(r.status === 200 && r.body.includes("Acme Dental"),
      `the session ended after ${what}: ${r.status}`);
  };
  let r = await request(site, "POST", "/logout", { cookie, form: {},
    headers: { origin: site.origin } });
  htmlAnswer(r, "POST /logout without csrf", 403);
  await still("a logout without csrf");
  r = await request(site, "POST", "/logout", { cookie,
    form: { csrf: "0".repeat(token.length) },
    headers: { origin: site.origin } });
  htmlAnswer(r, "POST /logout with a wrong csrf", 403);
  await still("a logout with a wrong csrf");
  r = await request(site, "POST", "/logout", { cookie, form: { csrf: token },
    headers: { origin: "https://attacker.example" } });
  htmlAnswer(r, "POST /logout from another Origin", 403);
  await still("a logout from another Origin");
  return cookie;
}

// The browser posts the logout form with its token taken out: the
// refusal is a page like any other (CSP, axe), and the session goes on.
async function forbiddenPage(page) {
  await page.$eval("form[action='/logout'] input[name=csrf]",
    (e) => e.remove());
  const r = await activateByKeyboard(page, "form[action='/logout'] button");
  check(r.status() === 403, `logout form without its token: ${r.status()}`);
  const msg = await page.$eval("main [role=alert]", (e) => e.textContent);
  check(/out of date|another site/.test(msg), `403 page says: ${msg}`);
  await checkPage(page, "forbidden", { screenshot: false });
  await goto(page, site, "/");
  check(pathOf(page) === "/", `logged out by a refused form: ${page.url()}`);
}

await run(site, async (browser) => {
  const page = await openPage(browser);
  await loginPage(page);

  await login(page, site, users.admin);
  await overview(page, "admin");
  await checkPage(page, "overview");
  await tabThrough(page);
  await assertSkipLink(page);
  const cookie = await csrf(page);
  await forbiddenPage(page);
  // Every page that shows the hostile customer, host, advisory title
  // or remediation shows it as text (and passes the page checks).
  for (const p of JSON.parse(env("RAMPART_PAGES"))) {
    await visit(page, site, p, `hostile${p.replace(/\//g, "-")}`,
      { hostile: HOSTILE, screenshot: false });
    // the machine's page shows the addresses its inventory named
    if (p.startsWith("/hosts/"))
      check((await page.$eval("dl.facts", (d) => d.textContent))
        .includes("192.0.2.7"), `${p}: the host's address is not shown`);
  }

  // Log out with the keyboard: back at the form, and the session is
  // over on the server, not only in this browser.
  await logout(page);
  check(await sessionCookie(page) === "",
    "the browser still holds the session cookie after logout");
  await checkPage(page, "logout", { screenshot: false });
  await goto(page, site, "/");
  check(pathOf(page) === "/login", `/ after logout: ${page.url()}`);
  const r = await request(site, "GET", "/", { cookie });
  check(r.status === 303 && r.headers.location === "/login",
    `the old session after logout: ${r.status} ${r.headers.location}`);

  // A viewer sees the same customers and is offered nothing to do.  The
  // login's next may name only a path of this site: another site's
  // address (//host) leads to the overview.
  const vpage = await openPage(browser);
  await login(vpage, site, users.viewer, "//attacker.example/x");
  await overview(vpage, "viewer");
  await visit(vpage, site, "/", "overview-viewer", { hostile: HOSTILE });
  await assertNoActions(vpage);
  await activateByKeyboard(vpage, "form[action='/logout'] button");
  check(pathOf(vpage) === "/login", `viewer logout: ${vpage.url()}`);
  checkQuiet(page);
  checkQuiet(vpage);
});
