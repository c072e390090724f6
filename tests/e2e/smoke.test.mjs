// The demo's sign-in page loads under the strict CSP without a console error.
import { test } from "node:test";
import assert from "node:assert/strict";
import { useDemo } from "./harness.mjs";

const demo = useDemo();

test("the demo is served with a strict Content-Security-Policy and runs under it", async () => {
  const page = await demo.browser.context.newPage();
  const response = await page.goto(demo.server.url + "/");
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
  // A reload revalidates from the cache (304): the page must still run.
  await page.reload();
  await page.locator('[data-testid="sign-in-form"]').waitFor();
  assert.deepEqual(demo.browser.context.problems, []);
});
