// The demo's sign-in page loads under the strict CSP without a console error.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startServer, launch } from "./harness.mjs";

let server, browser;
before(async () => {
  server = await startServer();
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await server?.stop();
});

test("the demo is served with a strict Content-Security-Policy and runs under it", async () => {
  const page = await browser.context.newPage();
  const response = await page.goto(server.url + "/");
  const csp = response.headers()["content-security-policy"] ?? "";
  for (const directive of [
    "default-src 'self'",
    "script-src 'self' 'wasm-unsafe-eval'",
    "style-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
  ]) {
    assert.ok(csp.includes(directive), `CSP has ${directive}: ${csp}`);
  }
  await page.locator('[data-testid="sign-in-form"]').waitFor();
  assert.deepEqual(browser.context.problems, []);
});
