// The split build: the list paints from the main wasm; each dialog's chunk is fetched once,
// at idle time after the list painted, so opening a dialog then fetches nothing; a chunk
// that cannot be fetched leaves the page working, says so, and "Try again" recovers.
import { test } from "node:test";
import assert from "node:assert/strict";
import { useDemo, signIn, byId } from "./harness.mjs";

const demo = useDemo();
const isWasm = (url) => new URL(url).pathname.endsWith(".wasm");
const isChunk = (url) => /\/(split|chunk)_[^/]*\.wasm$/.test(new URL(url).pathname);

test("chunks are prefetched once after the list paints; the first dialog then needs no fetch", async () => {
  const page = await demo.browser.context.newPage();
  const fetched = [];
  page.on("request", (r) => {
    if (isWasm(r.url())) fetched.push(new URL(r.url()).pathname);
  });
  await signIn(page, demo.server.url, "alice");
  // The demo's own sign-in already used the verify dialog's code; wait for the page's
  // idle prefetch to finish: every split_ file fetched.
  await page.waitForFunction(() => {
    const names = performance.getEntriesByType("resource").map((e) => new URL(e.name).pathname);
    return names.some((n) => n.includes("/split_add_chunk-"));
  });
  await page.waitForLoadState("networkidle");
  const chunks = fetched.filter((p) => /\/(split|chunk)_/.test(p));
  assert.ok(chunks.length >= 6, `chunks fetched: ${chunks.join(", ")}`);
  assert.deepEqual(chunks, [...new Set(chunks)], "each chunk is fetched once");
  const marks = await page.evaluate(() =>
    performance.getEntriesByName("security-info:list-visible").length,
  );
  assert.equal(marks, 1, "the library marks when the list is visible");

  const before = fetched.length;
  await page.click(byId("add-method"));
  await page.locator(byId("add-method-dialog")).waitFor();
  assert.equal(fetched.length, before, `no wasm fetched on opening: ${fetched.slice(before)}`);
  await page.keyboard.press("Escape");
  assert.deepEqual(demo.browser.context.problems, []);
  await page.close();
});

test("a chunk that fails to load shows the error with Try again, and the page keeps working", async () => {
  await demo.browser.context.clearCookies();
  const page = await demo.browser.context.newPage();
  // The blocked fetch is logged by the loader; that is the expected failure here.
  demo.browser.context.ignoreProblems = /split|Failed to fetch|net::ERR_FAILED|load split module/i;
  let blocked = true;
  await page.route(/\/split_add_chunk-[^/]*\.wasm$/, (route) =>
    blocked ? route.abort("failed") : route.continue(),
  );
  await signIn(page, demo.server.url, "bob");
  await page.click(byId("add-method"));
  const error = page.locator(byId("chunk-error"));
  await error.waitFor();
  assert.match(await error.innerText(), /couldn't be loaded/);
  assert.equal(await error.getAttribute("role"), "alert");
  // The rest of the page still answers.
  await page.locator(byId("security-info")).waitFor();
  blocked = false;
  await page.click(byId("chunk-retry"));
  await page.locator(byId("add-method-dialog")).waitFor();
  assert.equal(await error.count(), 0);
  demo.browser.context.ignoreProblems = undefined;
  await page.close();
});

test("a signed-in visit asks the API once: the early security-info answer names the session", async () => {
  await demo.browser.context.clearCookies();
  const page = await demo.browser.context.newPage();
  await signIn(page, demo.server.url, "bob");
  const api = [];
  page.on("request", (r) => {
    const path = new URL(r.url()).pathname;
    if (path.startsWith("/api/")) api.push(`${r.method()} ${path}`);
  });
  await page.reload();
  await page.locator(byId("add-method")).waitFor();
  await page.waitForLoadState("networkidle");
  const requests = api.filter((r) => !r.includes("/outbox"));
  // Without boot.js's early request the wasm would ask GET /api/session first: one
  // security-info request and no session request is the early path.
  assert.deepEqual(requests, ["GET /api/me/security-info"], `API requests: ${api.join(", ")}`);
  assert.deepEqual(demo.browser.context.problems, []);
  await page.close();
});
