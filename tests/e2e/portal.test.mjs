// The plain-HTML "existing portal" on a second origin signs in its own users and embeds
// <security-info> through the npm package, with bearer tokens from its own token endpoint
// (bound to its session): CORS, JWT auth, events, the portal's own CSP, and axe.
import { test } from "node:test";
import assert from "node:assert/strict";
import AxeBuilder from "@axe-core/playwright";
import { useDemo, byId, enrolTotp, portalSignIn, rows, screenshot, waitForCount } from "./harness.mjs";

const demo = useDemo(["--portal-listen", "127.0.0.1:0"]);
const TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"];

async function axe(page) {
  const { violations } = await new AxeBuilder({ page }).withTags(TAGS).analyze();
  return violations.map((v) => `${v.id} (${v.impact}) ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
}

test("the portal signs in its own users only, and signs out", async () => {
  // The refused sign-ins below answer 401 on purpose.
  demo.browser.context.ignoreProblems = /\/session(\/token)?: 401/;
  const page = await demo.browser.context.newPage();
  await page.goto(demo.server.portalUrl + "/");
  await page.locator(byId("portal-sign-in-form")).waitFor();
  assert.equal(await page.locator(byId("portal-embed")).isVisible(), false, "nothing embedded when signed out");
  assert.deepEqual(await axe(page), [], "axe on the sign-in form");
  assert.equal(demo.server.portalUsers.length >= 2, true, "portal users printed at start");
  // Not a token without a portal session.
  const anonymous = await page.evaluate(async () => (await fetch("/session/token", { method: "POST", headers: { "x-security-info-csrf": "1" } })).status);
  assert.equal(anonymous, 401);

  // The main demo's password users are not portal users.
  await page.fill(byId("portal-username"), "bob");
  await page.fill(byId("portal-password"), "bob-demo-password");
  await page.click(byId("portal-sign-in-submit"));
  await page.locator(byId("portal-error"), { hasText: "Wrong email or password." }).waitFor();

  await portalSignIn(page, demo.server);
  assert.equal(await page.locator(byId("portal-user")).textContent(), demo.server.portalUsers[0].user);
  await page.click(byId("portal-sign-out"));
  await page.locator(byId("portal-sign-in-form")).waitFor();
  demo.browser.context.ignoreProblems = undefined;
  assert.deepEqual(demo.browser.context.problems, []);
});

test("the embedded component works end to end inside the portal", async () => {
  const page = await demo.browser.context.newPage();
  const response = await page.goto(demo.server.portalUrl + "/");
  const csp = response.headers()["content-security-policy"];
  assert.match(csp, /script-src 'self' 'wasm-unsafe-eval'/);
  assert.match(csp, /style-src 'self'/);
  assert.notEqual(new URL(demo.server.portalUrl).port, new URL(demo.server.url).port, "another origin");

  const embed = await portalSignIn(page, demo.server);
  await embed.locator(byId("empty")).waitFor();
  assert.deepEqual(await axe(page), [], "axe on the signed-in portal");
  // The portal's own chrome is still there around it.
  assert.equal(await page.locator(".portal-nav a[aria-current=page]").textContent(), "Security info");

  await enrolTotp(page);
  await waitForCount(rows(page), 1);
  // The element fired its DOM event, and the portal heard it.
  await page.waitForFunction(() => document.body.dataset.lastEvent === "method-added");
  await screenshot(page, "portal");
  assert.deepEqual(demo.browser.context.problems, []);
});

test("bad options are reported as a TypeError naming the option", async () => {
  // The two mounts below point at "/nowhere" on purpose; their 404s are not a problem. The
  // package sends the first request before the wasm can check the other options: those
  // go to the default "/api", which the portal's origin does not have.
  demo.browser.context.ignoreProblems = /\/nowhere\/|\/api\/me\/security-info: 404/;
  const page = await demo.browser.context.newPage();
  await portalSignIn(page, demo.server);
  const errors = await page.evaluate(async () => {
    const { mount } = await import("/security-info/security-info.js");
    const host = document.createElement("div");
    document.body.append(host);
    const out = [];
    for (const options of [{ baseUrl: "ftp://x" }, { locale: "xx" }, { colour: "red" }, { theme: "neon" }]) {
      try {
        await mount(host, options);
        out.push("no error");
      } catch (e) {
        out.push(`${e.constructor.name}: ${e.message}`);
      }
    }
    try {
      await mount(null, {});
    } catch (e) {
      out.push(`${e.constructor.name}: ${e.message}`);
    }
    // Two mounts on one page, then unmount both.
    const a = document.createElement("div");
    const b = document.createElement("div");
    document.body.append(a, b);
    const ha = await mount(a, { baseUrl: "/nowhere" });
    const hb = await mount(b, { baseUrl: "/nowhere" });
    out.push(`${a.childElementCount > 0} ${b.childElementCount > 0}`);
    ha.unmount();
    hb.unmount();
    hb.unmount();
    out.push(`${a.childElementCount} ${b.childElementCount}`);
    return out;
  });
  assert.match(errors[0], /^TypeError: .*baseUrl/);
  assert.match(errors[1], /^TypeError: .*unknown locale "xx"/);
  assert.match(errors[2], /^TypeError: .*unknown option "colour"/);
  assert.match(errors[3], /^TypeError: .*theme/);
  assert.match(errors[4], /^TypeError: .*HTMLElement/);
  assert.equal(errors[5], "true true");
  assert.equal(errors[6], "0 0");
});

test("the custom element follows attribute changes and cleans up when removed", async () => {
  const page = await demo.browser.context.newPage();
  const embed = await portalSignIn(page, demo.server);
  await page.evaluate(() => document.querySelector("security-info").setAttribute("locale", "nl"));
  await embed.locator(byId("security-info"), { hasText: "Beveiligingsgegevens" }).waitFor();
  assert.equal(await page.evaluate(() => document.documentElement.lang), "en", "host <html lang> untouched");
  await page.evaluate(() => document.querySelector("security-info").setAttribute("theme", "dark"));
  await embed.locator('[data-theme="dark"]').waitFor();
  assert.equal(await embed.locator(byId("security-info")).count(), 1, "re-rendered, not duplicated");

  const left = await page.evaluate(async () => {
    const element = document.querySelector("security-info");
    const detached = element;
    element.remove();
    await new Promise((r) => setTimeout(r, 50));
    return detached.childElementCount;
  });
  assert.equal(left, 0, "unmounted on disconnect");
  assert.deepEqual(demo.browser.context.problems, []);
});

test("the embed's first security-info request is sent by the package's script, once", async () => {
  await demo.browser.context.clearCookies();
  const page = await demo.browser.context.newPage();
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("Network.enable");
  const reads = [];
  cdp.on("Network.requestWillBeSent", ({ request, initiator }) => {
    if (request.method === "GET" && new URL(request.url).pathname.endsWith("/me/security-info")) {
      reads.push((initiator.stack?.callFrames ?? []).map((f) => f.url).join(" "));
    }
  });
  await portalSignIn(page, demo.server);
  const embed = page.locator(byId("portal-embed"));
  await embed.locator(byId("add-method")).waitFor();
  assert.equal(reads.length, 1, `security-info reads: ${reads.length}`);
  // In parallel with the wasm: sent from the wrapper (security-info.js), not the glue.
  assert.match(reads[0], /\/security-info\.js/, `initiator: ${reads[0]}`);
  assert.deepEqual(demo.browser.context.problems, []);
  await page.close();
});

// The package's main wasm paints the list itself (src/first_paint.rs); the Leptos page is
// the chunk split_page, fetched at once, which takes over with the same answer.
const PAGE_CHUNK = /\/split_page[^/]*\.wasm$/;

test("the list paints before the page's chunk arrives, and a click on it then is passed on", async () => {
  await demo.browser.context.clearCookies();
  const page = await demo.browser.context.newPage();
  let release;
  const held = new Promise((resolve) => (release = resolve));
  const chunkRequests = [];
  await page.route(PAGE_CHUNK, async (route) => {
    chunkRequests.push(route.request().url());
    await held;
    await route.continue();
  });
  const requested = page.waitForRequest(PAGE_CHUNK);
  const embed = await portalSignIn(page, demo.server);
  const add = embed.locator(byId("add-method"));
  await add.waitFor();
  // Requested (the route reports it to this process a little later than the page sees
  // it), and held back: the list above is the main wasm's.
  await requested;
  const marks = await page.evaluate(() => performance.getEntriesByName("security-info:list-visible").length);
  assert.equal(marks, 1, "the first paint marks the list visible");
  assert.deepEqual(await axe(page), [], "axe on the first paint");
  await add.click();
  release();
  await page.locator(byId("add-method-dialog")).waitFor();
  assert.equal(await embed.locator(byId("security-info")).count(), 1, "the page replaced the first paint");
  await page.keyboard.press("Escape");
  await add.waitFor();
  assert.equal(chunkRequests.length, 1, "the page's chunk is fetched once");
  assert.deepEqual(demo.browser.context.problems, []);
  await page.close();
});

test("when the page's chunk cannot be fetched, the first paint says so and Try again recovers", async () => {
  await demo.browser.context.clearCookies();
  const page = await demo.browser.context.newPage();
  // The blocked fetch is logged by the loader; that is the expected failure here.
  demo.browser.context.ignoreProblems = /split|Failed to fetch|net::ERR_FAILED|load split module/i;
  let blocked = true;
  await page.route(PAGE_CHUNK, (route) => (blocked ? route.abort("failed") : route.continue()));
  const embed = await portalSignIn(page, demo.server);
  const error = embed.locator(byId("chunk-error"));
  await error.waitFor();
  assert.match(await error.innerText(), /couldn't be loaded/);
  assert.equal(await error.getAttribute("role"), "alert");
  blocked = false;
  await embed.locator(byId("chunk-retry")).click();
  await error.waitFor({ state: "detached" });
  await embed.locator(byId("add-method")).click();
  await page.locator(byId("add-method-dialog")).waitFor();
  assert.equal(await embed.locator(byId("security-info")).count(), 1);
  demo.browser.context.ignoreProblems = undefined;
  await page.close();
});
