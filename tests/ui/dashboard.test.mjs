// The dashboard (GET /ui) in a real browser: playwright-core driving
// Debian's chromium against a running bin/llmgw that tests/e2e/dashboard_test.go
// started (with bin/upstream-sim behind it) and sent real traffic through.
//
// Environment (set by the Go test):
//   LLMGW_URL         the gateway, e.g. http://127.0.0.1:40123
//   LLMGW_ADMIN_TOKEN its admin token
//   LLMGW_PIPELINE    its pipeline file (the reload step edits it)
//   LLMGW_KEY_ID      a virtual key that has spent part of its budget
//   CHROMIUM          the browser binary
//   SCREENSHOT_DIR    where the screenshots go
import { test } from "node:test";
import assert from "node:assert/strict";
import { appendFileSync } from "node:fs";
import { chromium } from "playwright-core";

const env = (name) => {
  const v = process.env[name];
  assert.ok(v, `${name} is not set (tests/e2e/dashboard_test.go sets it)`);
  return v;
};
const url = env("LLMGW_URL");
const token = env("LLMGW_ADMIN_TOKEN");
const pipelineFile = env("LLMGW_PIPELINE");
const keyID = env("LLMGW_KEY_ID");
const shots = env("SCREENSHOT_DIR");

// pollUntil retries fn until it returns a truthy value or the time is up.
async function pollUntil(what, fn, ms = 30000) {
  const end = Date.now() + ms;
  let last;
  while (Date.now() < end) {
    last = await fn();
    if (last) return last;
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.fail(`timed out waiting for ${what} (last: ${JSON.stringify(last)})`);
}

const browser = await chromium.launch({ executablePath: env("CHROMIUM"), args: ["--no-sandbox", "--disable-gpu"] });
test.after(() => browser.close());

async function signIn(page) {
  await page.goto(url + "/ui");
  await page.fill("#token", token);
  await Promise.all([page.waitForNavigation(), page.click("button[type=submit]")]);
}

test("no access without the token", async () => {
  const ctx = await browser.newContext();
  const page = await ctx.newPage();
  const resp = await page.goto(url + "/ui");
  assert.equal(resp.status(), 200);
  // The sign-in form and nothing else: no section, no data route.
  assert.equal(await page.locator("input[type=password]#token").count(), 1);
  assert.equal(await page.locator("#pipeline, #traffic, #recent, #keys, #file").count(), 0);
  const api = await page.request.get(url + "/ui/api/state");
  assert.equal(api.status(), 401);
  assert.equal((await page.request.get(url + "/ui/api/keys")).status(), 401);
  const reload = await page.request.post(url + "/ui/api/reload");
  assert.equal(reload.status(), 401);
  await page.screenshot({ path: `${shots}/signin.png` });

  // A wrong token is refused, and still shows nothing but the form.
  await page.fill("#token", token + "-wrong");
  const [nav] = await Promise.all([page.waitForNavigation(), page.click("button[type=submit]")]);
  assert.equal(nav.status(), 401);
  assert.match(await page.locator(".error").innerText(), /not the admin token/);
  assert.equal(await page.locator("#pipeline").count(), 0);
  const cookies = await ctx.cookies();
  assert.equal(cookies.filter((c) => c.name === "llmgw_ui").length, 0, "a refused sign-in set a session cookie");
  await ctx.close();
});

test("sign-in, every section, kill, reload, sign-out", async (t) => {
  const ctx = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  const page = await ctx.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(e.message));
  // The page keeps to its Content-Security-Policy (own scripts and styles only).
  page.on("console", (m) => { if (/Content Security Policy/i.test(m.text())) errors.push(m.text()); });

  const started = Date.now();
  await signIn(page);
  await page.waitForSelector('.node[data-kind="provider"]');
  const firstPaint = Date.now() - started;

  await t.test("the session cookie is HttpOnly and SameSite=Strict", async () => {
    const c = (await ctx.cookies()).find((c) => c.name === "llmgw_ui");
    assert.ok(c, "no session cookie");
    assert.equal(c.httpOnly, true);
    assert.equal(c.sameSite, "Strict");
    assert.equal(await page.evaluate(() => document.cookie), "", "the page's script can read the session cookie");
  });

  await t.test("the pipeline picture", async () => {
    for (const [kind, name] of [["stage", "keys"], ["stage", "guard"], ["stage", "ratelimit"], ["router", null],
      ["model", "gpt-4o-primary"], ["model", "gemini-secondary"], ["model", "smart-router"], ["provider", "openai"], ["provider", "gemini"]]) {
      const sel = name ? `.node[data-kind="${kind}"][data-name="${name}"]` : `.node[data-kind="${kind}"]`;
      assert.equal(await page.locator(sel).count(), 1, `no ${kind} ${name || ""} in the picture`);
    }
    // guard and ratelimit are parallel: one group, side by side in one column.
    assert.equal(await page.locator(".group.parallel .node").count(), 2);
    const openai = page.locator('.node[data-kind="provider"][data-name="openai"]');
    assert.match(await openai.getAttribute("data-pid"), /^[1-9][0-9]*$/);
    assert.equal(await openai.getAttribute("data-state"), "serving");
    assert.match(await openai.getAttribute("class"), /\bok\b/);
    // The test pipeline turns the breakers off (breaker_failures = 0).
    assert.equal(await openai.getAttribute("data-breaker"), "off");
    // Each model is joined to its providers: three single models, and the
    // chain to the three providers it tries.
    assert.equal(await page.locator("#edges path").count(), 6);
    assert.equal(await page.locator("#edges path.chain").count(), 3);
    assert.match(await page.locator(".node[data-name='smart-router']").innerText(), /1\. gpt-4o-primary[\s\S]*2\. gemini-secondary[\s\S]*3\. openrouter-fallback/);
  });

  await t.test("traffic from the real requests", async () => {
    // The series leave out the second still filling, so the last requests
    // (the fallbacks) may show a poll later than the first ones.
    const tile = async (id) => Number(await page.locator(id).innerText());
    const tiles = async () => ({total: await tile("#t-total"), errors: await tile("#t-errors"), fallbacks: await tile("#t-fallbacks"), blocked: await tile("#t-blocked")});
    let seen;
    try {
      await pollUntil("traffic totals", async () => {
        seen = await tiles();
        return seen.total >= 10 && seen.errors >= 2 && seen.fallbacks >= 2 && seen.blocked >= 2;
      });
    } catch (e) {
      const st = JSON.parse(await page.evaluate(async () => (await fetch("/ui/api/state", {credentials: "same-origin"})).text()));
      console.error("traffic tiles last seen", JSON.stringify(seen), "server fallbacks per second", JSON.stringify(st.traffic.fallbacks.filter((v) => v > 0)), "now", st.now, "uptime", st.uptime_s, "t0", st.traffic.t[0], "tN", st.traffic.t.at(-1));
      throw e;
    }
    assert.match(await page.locator("#t-p50").innerText(), /ms|s$/);
    assert.match(await page.locator("#t-cost").innerText(), /^\$[0-9]/);
    assert.match(await page.locator("#errors-by-code").innerText(), /prompt_injection_detected/);
    assert.match(await page.locator("#blocked-by-category").innerText(), /injection/);
    // uPlot drew its three charts.
    assert.equal(await page.locator("#traffic .uplot canvas").count(), 3);
  });

  await t.test("recent requests, without prompt text", async () => {
    const rows = page.locator("#recent-rows tr");
    assert.ok(await rows.count() >= 10);
    const text = await page.locator("#recent").innerText();
    assert.match(text, new RegExp(keyID));
    assert.match(text, /smart-router/);
    assert.match(text, /gemini-secondary/); // the fallback's model used
    assert.match(text, /prompt_injection_detected/);
    assert.doesNotMatch(text, /ignore all previous instructions/i);
    assert.doesNotMatch(await page.content(), /ignore all previous instructions/i);
  });

  await t.test("keys and spend, budgets as bars", async () => {
    const bar = page.locator(`.bar[data-key="${keyID}"]`);
    await bar.waitFor();
    const width = await bar.locator("i").evaluate((e) => parseFloat(e.style.width));
    assert.ok(width > 0 && width <= 100, `budget bar width ${width}%`);
    assert.match(await bar.innerText(), /\$.* \/ \$0\.0010 per month/);
    assert.match(await page.locator(`tr[data-key="${keyID}"]`).innerText(), /team lab/);
    // The team the key spends in: its own row and bar.
    const team = page.locator('.bar[data-team="lab"]');
    await team.waitFor();
    const teamWidth = await team.locator("i").evaluate((e) => parseFloat(e.style.width));
    assert.ok(teamWidth > 0 && teamWidth <= 100, `team budget bar width ${teamWidth}%`);
    assert.match(await team.innerText(), /\$.* \/ \$0\.01 per month/);
    assert.match(await page.locator('tr[data-team="lab"]').innerText(), /\b1\b/); // one key
  });

  await t.test("the pipeline file and its last reload", async () => {
    assert.match(await page.locator("#file-text").innerText(), /model "smart-router"/);
    assert.doesNotMatch(await page.locator("#file-text").innerText(), /sim-key-openai/, "a literal api_key is shown");
    assert.match(await page.locator("#reload-status").innerText(), /generation 1/);
  });

  await t.test("screenshots at 1400×900 and at a phone's width", async () => {
    await page.screenshot({ path: `${shots}/dashboard-1400.png` });
    await page.screenshot({ path: `${shots}/dashboard-1400-full.png`, fullPage: true });
    const phone = await ctx.newPage();
    await phone.setViewportSize({ width: 390, height: 844 });
    await phone.goto(url + "/ui");
    await phone.waitForSelector('.node[data-kind="provider"]');
    await pollUntil("phone traffic", async () => Number(await phone.locator("#t-total").innerText()) > 0);
    const overflow = await phone.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    const culprits = await phone.evaluate(() => [...document.querySelectorAll("main *")]
      .filter((e) => e.getBoundingClientRect().right > window.innerWidth && !e.closest(".scroll, pre, .graph"))
      .map((e) => e.tagName + (e.id ? "#" + e.id : "") + "." + e.className).slice(0, 5));
    assert.ok(overflow <= 0, `the phone layout is ${overflow}px wider than the screen: ${culprits}`);
    await phone.screenshot({ path: `${shots}/dashboard-phone.png`, fullPage: true });
    await phone.close();
  });

  await t.test("a plugin killed with SIGKILL shows its new pid without a page reload", async () => {
    await page.evaluate(() => { window.__sameDocument = true; });
    const openai = page.locator('.node[data-kind="provider"][data-name="openai"]');
    const oldPid = Number(await openai.getAttribute("data-pid"));
    process.kill(oldPid, "SIGKILL");
    const newPid = await pollUntil("a new provider-openai pid", async () => {
      const pid = Number(await openai.getAttribute("data-pid"));
      const state = await openai.getAttribute("data-state");
      return pid && pid !== oldPid && state === "serving" ? pid : 0;
    }, 45000);
    assert.notEqual(newPid, oldPid);
    assert.match(await openai.innerText(), /restarts [1-9]/);
    assert.equal(await page.evaluate(() => window.__sameDocument), true, "the page was reloaded");
  });

  await t.test("state-changing actions need the CSRF token", async () => {
    const status = await page.evaluate(async () => (await fetch("/ui/api/reload", { method: "POST" })).status);
    assert.equal(status, 403);
    const wrong = await page.evaluate(async () => (await fetch("/ui/api/reload", { method: "POST", headers: { "X-CSRF-Token": "nope" } })).status);
    assert.equal(wrong, 403);
  });

  await t.test("the reload button applies an edited pipeline", async () => {
    appendFileSync(pipelineFile, '\nmodel "dashboard-added" {\n  provider = "gemini"\n  upstream = "gemini-2.0-flash"\n}\n');
    await page.click("#reload");
    await pollUntil("the reload's answer", async () => /reloaded: generation 2/.test(await page.locator("#reload-result").innerText()));
    await page.locator('.node[data-kind="model"][data-name="dashboard-added"]').waitFor();
    assert.match(await page.locator("#generation").innerText(), /^2$/);
    assert.match(await page.locator("#file-text").innerText(), /dashboard-added/);

    // A broken file: the error is shown and generation 2 keeps serving.
    appendFileSync(pipelineFile, '\nmodel "broken" {\n  provider = "nowhere"\n  upstream = "x"\n}\n');
    await page.click("#reload");
    await pollUntil("the failed reload's message", async () => /Unknown provider[\s\S]*"nowhere"/.test(await page.locator("#reload-result").innerText()));
    await pollUntil("the failed reload's status", async () => /failed[\s\S]*generation 2/.test(await page.locator("#reload-status").innerText()));
    assert.match(await page.locator("#generation").innerText(), /^2$/);
  });

  await t.test("page load time on loopback", async () => {
    // The page marks "llmgw-data" when it has drawn its first answer.
    const times = [];
    for (let i = 0; i < 5; i++) {
      const fresh = await ctx.newPage();
      await fresh.goto(url + "/ui", { waitUntil: "load" });
      await fresh.waitForSelector('.node[data-kind="provider"]');
      times.push(await fresh.evaluate(() => {
        const n = performance.getEntriesByType("navigation")[0];
        const d = performance.getEntriesByName("llmgw-data")[0];
        return { load: n.loadEventEnd, data: d ? d.startTime : NaN };
      }));
      await fresh.close();
    }
    const med = (k) => times.map((x) => x[k]).sort((a, b) => a - b)[2];
    assert.ok(Number.isFinite(med("data")), "the page never marked llmgw-data");
    // Reported, not asserted (speed targets belong to make bench).
    console.log(`# page load: median of 5 on loopback: load event ${med("load").toFixed(0)} ms, first data drawn ${med("data").toFixed(0)} ms (sign-in to data ${firstPaint} ms)`);
  });

  await t.test("sign-out ends the session", async () => {
    await page.click("#signout");
    await page.waitForSelector("#token");
    assert.equal((await page.request.get(url + "/ui/api/state")).status(), 401);
  });

  assert.deepEqual(errors, [], "the page threw");
  await ctx.close();
});
