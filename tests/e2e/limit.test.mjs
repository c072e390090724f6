// The sixth authenticator is refused before any secret is shown, with the exact message.
import { test } from "node:test";
import assert from "node:assert/strict";
import { useDemo, byId, signIn, enrolTotp, addMethod, rows, waitForCount } from "./harness.mjs";

const LIMIT_MESSAGE =
  "You can't set up Microsoft Authenticator because you already have five authenticator apps or hardware tokens. Please contact your administrator to delete one of your authenticator apps or hardware tokens.";

const demo = useDemo();

test("a sixth authenticator app shows the limit message and no secret", async () => {
  const page = await demo.browser.context.newPage();
  await signIn(page, demo.server.url, "bob");
  const first = await enrolTotp(page);
  // One step-up (with the next time step of the first app) covers the rest of the window.
  await enrolTotp(page, { stepUp: { secret: first, offsetSteps: 1 } });
  for (let i = 3; i <= 5; i++) await enrolTotp(page);
  await waitForCount(rows(page), 5);

  const add = await addMethod(page, "totp");
  const error = add.locator(byId("error"));
  await error.waitFor();
  assert.equal((await error.textContent()).trim(), LIMIT_MESSAGE);
  assert.equal(await page.locator(byId("qr")).count(), 0, "no QR code");
  assert.equal(await page.locator(byId("manual-secret")).count(), 0, "no secret");
  assert.deepEqual(demo.browser.context.problems, []);
});
