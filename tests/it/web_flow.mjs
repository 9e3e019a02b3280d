// The 3CX day in headless chromium (tests/it/web_flow.py sets the
// stage): a technician imports the advisory by upload, sees the
// affected hosts of both customers, sweeps and quarantines them from the
// advisory's page after its confirmation, reads the jobs' results,
// restores a quarantined file, and logs out; a viewer is offered no
// action and a viewer's crafted POST is refused; a new user sets up TOTP
// from the QR code; the UI in German.  Every page visited passes axe,
// the CSP checks and the keyboard walk (web_lib.mjs visit()).
//
// Environment: RAMPART_URL, RAMPART_FINGERPRINT, RAMPART_USERS
// ({name: {user, password, totp_secret, last_step}}), RAMPART_HOSTS
// ({hostname: agent id}), RAMPART_ADVISORY (the file to upload).
import {
  activateByKeyboard, assertNoActions, check, checkPage, connect, goto, login,
  logout,
  openPage, pathOf, request, run, sessionCookie, tabTo, totpNext, totpUsed,
  visit,
} from "./web_lib.mjs";

const env = (k) => {
  const v = process.env[k];
  if (!v) {
    console.error(`FAIL: ${k} is not set (tests/it/web_flow.py sets it)`);
    process.exit(1);
  }
  return v;
};
const users = JSON.parse(env("RAMPART_USERS"));
const hosts = JSON.parse(env("RAMPART_HOSTS"));
const ADVISORY = env("RAMPART_ADVISORY");
for (const u of Object.values(users))
  if (u.totp_secret) totpUsed(u.totp_secret, u.last_step);
const site = await connect(env("RAMPART_URL"), env("RAMPART_FINGERPRINT"))
  .catch((e) => {
    console.error(`FAIL: ${e.message}`);
    process.exit(1);
  });
let globexJob = null; // the sweep that waits for a second user
// Questions to the server while a job runs: one every half second, at
// most this many (the agents answer within seconds).
const TRIES = 480;

const text = (page, sel) => page.$$eval(sel, (es) =>
  es.map((e) => e.textContent.replace(/\s+/g, " ").trim()));

// Reloads path until pred(page) holds; each try is a real page load.
async function until(page, path, what, pred) {
  for (let i = 0; i < TRIES; i++) {
    await goto(page, site, path);
    if (await pred(page)) return;
    await new Promise((r) => setTimeout(r, 500));
  }
  check(false, `${what}: not within ${TRIES} tries`);
}

async function importAdvisory(page) {
  await visit(page, site, "/advisories", "advisories");
  const input = await page.$("input#file");
  await input.uploadFile(ADVISORY);
  for (const t of ["acme", "globex"]) {
    await tabTo(page, `input[name=tenants][value=${t}]`);
    await page.keyboard.press("Space");
  }
  await activateByKeyboard(page,
    "form[enctype='multipart/form-data'] button[type=submit]");
  check(/^\/advisories\/\d+$/.test(pathOf(page)),
    `import: ended on ${page.url()}`);
  const notice = await text(page, "p.notice");
  check(notice.some((n) => n.includes("imported")),
    `import: no notice (${notice})`);
  return pathOf(page);
}

async function affected(page, advPath) {
  await visit(page, site, advPath, "advisory");
  const rows = await text(page, "table.grid tbody th[scope=row]");
  for (const want of ["acme", "globex", "mac-ceo-01", "mac-law-01"])
    check(rows.some((r) => r.includes(want)),
      `${advPath}: ${want} not among ${rows.join(" | ")}`);
  check(!rows.some((r) => r.includes("srv-db-01")),
    `${advPath}: the clean server is listed as affected`);
}

async function sweep(page, advPath) {
  await activateByKeyboard(page,
    `form[action='${advPath}/act'] input[value=sweep] ~ button`);
  check(pathOf(page) === `${advPath}/act`, `sweep: on ${page.url()}`);
  await visit(page, site, `${advPath}/act?type=sweep`, "sweep-confirm");
  const rows = await text(page, "div.confirm tbody tr");
  check(rows.length === 2 && rows.every((r) => / 1 /.test(` ${r} `)),
    `confirmation: expected 1 host in each customer: ${rows.join(" | ")}`);
  check(rows.some((r) => r.includes("globex") && r.includes("approval")),
    `confirmation: globex's job waits for approval: ${rows.join(" | ")}`);
  await activateByKeyboard(page, "div.confirm form button[type=submit]");
  check(pathOf(page) === `${advPath}/act`, `start: on ${page.url()}`);
  await checkPage(page, "jobs-created");
  const made = await page.$$eval("ul.list a",
    (as) => as.map((a) => ({ href: a.getAttribute("href"), t: a.textContent })));
  check(made.length === 2, `jobs made: ${JSON.stringify(made)}`);
  globexJob = made.find((m) => m.t.includes("globex")).href;
  // the one who asked is not offered the approval of her own job
  await visit(page, site, globexJob, "job-awaiting", { screenshot: false });
  check((await page.$$("form[action$='/approve']")).length === 0,
    "the requester is offered the approval of her own job");
  return made.find((m) => m.t.includes("acme")).href;
}

async function results(page, jobPath) {
  await until(page, jobPath, "the acme sweep to finish", async (p) =>
    (await text(p, "td.st-done")).length === 1);
  await visit(page, site, jobPath, "job");
  const res = (await text(page, "td code")).join(" ");
  for (const f of ["ffmpeg.dll", "d3dcompiler_47.dll"])
    check(res.includes(f) && res.includes("\"entry\""),
      `job results name no quarantined ${f}: ${res}`);
  await visit(page, site, "/jobs", "jobs");
}

async function restore(page) {
  const hostPath = `/hosts/${hosts["mac-ceo-01"]}`;
  await visit(page, site, "/hosts", "hosts");
  const listed = await text(page, "tbody th[scope=row]");
  check(listed.length === 3, `machines: ${listed.join(" | ")}`);
  await visit(page, site, hostPath, "host");
  const jobs = await text(page, "h2#h-jobs + ul li");
  check(jobs.length === 1 && jobs[0].startsWith("sweep"),
    `jobs on mac-ceo-01: ${jobs.join(" | ")}`);
  const held = await text(page, "form[action$='/restore']");
  check(held.length === 2, `held entries with Restore: ${held.length}`);
  const det = await text(page, "h2#h-det + table tbody tr");
  check(det.length >= 2, `detections: ${det.join(" | ")}`);
  await activateByKeyboard(page,
    `form[action='${hostPath}/restore'] button[type=submit]`);
  check(pathOf(page) === hostPath, `restore: on ${page.url()}`);
  const notice = await text(page, "p.notice");
  check(notice.some((n) => n.includes("restore")), `restore: ${notice}`);
  await until(page, hostPath, "the file to be restored", async (p) =>
    (await text(p, "h2#h-q + table tbody td")).includes("restored"));
}

// The overview after the sweep: machines online per customer, the
// advisory's affected hosts.
async function overview(page) {
  await visit(page, site, "/", "overview-after");
  const rows = await page.$$eval("#h-tenants ~ table tbody tr, " +
    "section[aria-labelledby=h-tenants] tbody tr", (trs) => trs.map((tr) =>
    [...tr.children].map((c) => c.textContent.replace(/\s+/g, " ").trim())));
  const acme = rows.find((r) => r[0].includes("acme"));
  const globex = rows.find((r) => r[0].includes("globex"));
  check(acme && acme[1] === "1" && acme[3] === "1" &&
    globex && globex[1] === "2" && globex[3] === "1",
    `customers (online, stale, affected): ${JSON.stringify(rows)}`);
  const adv = await text(page, "section[aria-labelledby=h-adv] tbody tr");
  check(adv.length === 1 && adv[0].includes("critical") &&
    / 2 /.test(` ${adv[0]} `), `advisories: ${adv.join(" | ")}`);
}

// An msp-admin: the audit log and its verification, and the one-time
// secrets of the administration page.
async function admin(page) {
  await login(page, site, users.admin);
  await visit(page, site, "/audit", "audit");
  await activateByKeyboard(page, "form[action='/audit'] input[name=verify] ~ button");
  await checkPage(page, "audit-verified");
  const ok = await text(page, "p.notice");
  check(ok.some((n) => n.includes("intact")), `audit verify: ${ok}`);
  await visit(page, site, "/audit?action=job.&outcome=ok", "audit-filtered",
    { screenshot: false });
  const acts = await text(page, "tbody td.mono");
  check(acts.length > 0 && acts.every((a) => a.startsWith("job.")),
    `audit filter: ${acts.join(" ")}`);
  // The second user approves globex's sweep; it then runs.
  await visit(page, site, globexJob, "job-approval");
  await activateByKeyboard(page, `form[action='${globexJob}/approve'] button`);
  check(pathOf(page) === globexJob, `approve: on ${page.url()}`);
  await until(page, globexJob, "the approved sweep to finish", async (p) =>
    (await text(p, "td.st-done")).length === 1);
  await visit(page, site, "/admin", "admin");
  await tabTo(page, "form[action='/admin/enroll'] input[name=name]");
  await page.keyboard.type("laptops");
  await activateByKeyboard(page, "form[action='/admin/enroll'] button");
  await checkPage(page, "enrol-token");
  const cmd = (await text(page, "pre#cmd-debian"))[0];
  check(cmd.includes(`rampart-agent enroll ${site.origin} -`) &&
    /'rpe1\.[0-9a-f]{64}\./.test(cmd), `enrol command: ${cmd}`);
  await goto(page, site, "/admin");
  await tabTo(page, "form[action='/admin/users'] input[name=name]");
  await page.keyboard.type("sam");
  await activateByKeyboard(page, "form[action='/admin/users'] button");
  await checkPage(page, "new-user");
  const qr = await page.$eval("img.qr", (i) => i.getAttribute("src"));
  check(qr.startsWith("data:image/svg+xml;base64,"), "new user: no QR code");
  // sam becomes a technician, and is disabled
  await goto(page, site, "/admin");
  await page.select("form[action='/admin/users/sam'] select[name=role]",
    "technician");
  await tabTo(page, "form[action='/admin/users/sam'] input[name=disabled]");
  await page.keyboard.press("Space");
  await activateByKeyboard(page, "form[action='/admin/users/sam'] button");
  check(pathOf(page) === "/admin", `user update: on ${page.url()}`);
  const sam = await page.$eval("form[action='/admin/users/sam']", (f) =>
    [f.role.value, f.disabled.checked]);
  check(sam[0] === "technician" && sam[1] === true, `sam: ${sam}`);
  await goto(page, site, "/admin");
  await tabTo(page, "form[action='/admin/tokens'] input[name=name]");
  await page.keyboard.type("ci");
  await tabTo(page, "form[action='/admin/tokens'] input[value=acme]");
  await page.keyboard.press("Space");
  await activateByKeyboard(page, "form[action='/admin/tokens'] button");
  const secret = (await text(page, "code#secret"))[0];
  check(/^rpt_/.test(secret), `API token: ${secret} on ${page.url()}: ` +
    (await text(page, "h1, p.error")).join(" | "));
  await visit(page, site, "/admin", "admin-after", { screenshot: false });
  await activateByKeyboard(page, "form[action$='/revoke'] button");
  check(pathOf(page) === "/admin", `revoke: on ${page.url()}`);
  await logout(page);
}

async function viewer(page, advPath) {
  await login(page, site, users.vic);
  const hostPath = `/hosts/${hosts["mac-ceo-01"]}`;
  for (const [p, name] of [[advPath, "advisory-viewer"],
    [hostPath, "host-viewer"], ["/jobs", "jobs-viewer"],
    ["/admin", "admin-viewer"]]) {
    await visit(page, site, p, name, { screenshot: false });
    // a viewer manages their own API tokens (docs/api.md), nothing else
    await assertNoActions(page, ["/logout", "/admin/tokens"]);
  }
  const cookie = `rampart_session=${await sessionCookie(page)}`;
  const csrf = await page.$eval("form[action='/logout'] input[name=csrf]",
    (e) => e.value);
  const entry = "0".repeat(32);
  for (const [p, form] of [
    [`${advPath}/act`, { csrf, type: "sweep", tenant: "acme" }],
    [`${hostPath}/restore`, { csrf, entry }],
    [`${hostPath}/inventory`, { csrf }],
    ["/admin/tenants", { csrf, slug: "viewer-was-here", name: "x" }]]) {
    const r = await request(site, "POST", p, { cookie, form,
      headers: { origin: site.origin } });
    check(r.status === 403, `viewer POST ${p}: ${r.status}, expected 403`);
  }
  await logout(page);
}

async function enrolTotp(page) {
  const nora = users.nora;
  await login(page, site, nora);
  const banner = await text(page, "p.error[role=alert]");
  check(banner.some((b) => b.includes("second factor")),
    `no second-factor warning: ${banner}`);
  await visit(page, site, "/account", "account");
  const src = await page.$eval("img.qr", (i) => i.getAttribute("src"));
  check(src.startsWith("data:image/svg+xml;base64,"), `QR: ${src.slice(0, 40)}`);
  const svg = Buffer.from(src.split(",")[1], "base64").toString();
  check(/^<svg [^>]*><rect [^>]*\/><path d="(M\d+ \d+h1v1h-1z)+"\/><\/svg>$/
    .test(svg), "the QR code is not the SVG expected");
  const secret = (await text(page, "#totp-secret"))[0];
  await tabTo(page, "#totp-password");
  await page.keyboard.type(nora.password);
  await tabTo(page, "#totp-code");
  await page.keyboard.type(await totpNext(secret));
  await activateByKeyboard(page, "form[action='/account/totp'] button");
  check(pathOf(page) === "/account", `TOTP: on ${page.url()}`);
  const ok = await text(page, "p.notice");
  check(ok.some((n) => n.includes("set up")), `TOTP: ${ok}`);
  await logout(page);
  await login(page, site, { ...nora, totp_secret: secret });
  await logout(page);
}

async function german(page) {
  await login(page, site, users.tina);
  await visit(page, site, "/account", "account-tina", { screenshot: false });
  await page.select("#lang", "de");
  await page.select("#tz", "Europe/Berlin");
  await activateByKeyboard(page, "form[action='/account'] button");
  await visit(page, site, "/", "overview-de");
  check((await text(page, "h1"))[0] === "Übersicht",
    `German overview: ${await text(page, "h1")}`);
  await visit(page, site, "/jobs", "jobs-de", { screenshot: false });
  const t = await page.$$eval("time", (ts) => ts.map((e) =>
    [e.getAttribute("datetime"), e.getAttribute("title"), e.textContent]));
  check(t.length > 0 && t.every(([d, title, shown]) => /Z$/.test(d) &&
    / UTC$/.test(title) && /(MEZ|MESZ|GMT\+[12])/.test(shown)),
    `times: ${JSON.stringify(t.slice(0, 3))}`);
  await logout(page);
}

await run(site, async (browser) => {
  const page = await openPage(browser);
  await login(page, site, users.tina);
  await visit(page, site, "/", "overview");
  const advPath = await importAdvisory(page);
  await affected(page, advPath);
  const jobPath = await sweep(page, advPath);
  await results(page, jobPath);
  await restore(page);
  await overview(page);
  await logout(page);
  await admin(page);
  await viewer(page, advPath);
  await enrolTotp(page);
  await german(page);
  console.log("web_flow.mjs: ok");
});
