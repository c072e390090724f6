// The plain-HTML "existing portal" on a second origin embeds <security-info> through the
// npm package, with a bearer token: CORS, JWT auth, events and the portal's own CSP.
import { test } from "node:test";
import assert from "node:assert/strict";
import { useDemo, byId, enrolTotp, rows, screenshot, waitForCount } from "./harness.mjs";

const demo = useDemo(["--portal-listen", "127.0.0.1:0"]);

test("the embedded component works end to end inside the portal", async () => {
  const page = await demo.browser.context.newPage();
  const response = await page.goto(demo.server.portalUrl + "/");
  const csp = response.headers()["content-security-policy"];
  assert.match(csp, /script-src 'self' 'wasm-unsafe-eval'/);
  assert.match(csp, /style-src 'self'/);
  assert.notEqual(new URL(demo.server.portalUrl).port, new URL(demo.server.url).port, "another origin");

  const embed = page.locator(byId("portal-embed"));
  await embed.locator(byId("security-info")).waitFor();
  await embed.locator(byId("empty")).waitFor();
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
  // The two mounts below point at "/nowhere" on purpose; their 404s are not a problem.
  demo.browser.context.ignoreProblems = /\/nowhere\//;
  const page = await demo.browser.context.newPage();
  await page.goto(demo.server.portalUrl + "/");
  await page.locator(byId("security-info")).waitFor();
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
  await page.goto(demo.server.portalUrl + "/");
  const embed = page.locator(byId("portal-embed"));
  await embed.locator(byId("security-info")).waitFor();
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
