// Keyboard only: sign in, enrol an authenticator, and Escape closes a dialog with focus
// returning to the button that opened it. No mouse clicks and no element.fill().
import { test } from "node:test";
import assert from "node:assert/strict";
import { useDemo, byId, totpCode, rows, waitForCount } from "./harness.mjs";

const demo = useDemo();

const focusedTestId = (page) => page.evaluate(() => document.activeElement?.getAttribute("data-testid"));

/** Tabs forward until the element with `testid` has focus (at most 30 presses). */
async function tabTo(page, testid) {
  for (let i = 0; i < 30; i++) {
    if ((await focusedTestId(page)) === testid) return;
    await page.keyboard.press("Tab");
  }
  throw new Error(`could not reach ${testid} with Tab`);
}

test("an authenticator can be added with the keyboard alone", async () => {
  const page = await demo.browser.context.newPage();
  await page.goto(demo.server.url + "/");
  await tabTo(page, "sign-in-username");
  await page.keyboard.type("alice");
  await tabTo(page, "sign-in-password");
  await page.keyboard.type("alice-demo-password");
  await page.keyboard.press("Enter");
  await page.locator(byId("add-method")).waitFor();

  // Escape closes the add dialog and gives focus back to "Add sign-in method".
  await tabTo(page, "add-method");
  await page.keyboard.press("Enter");
  await page.locator(byId("add-method-dialog")).waitFor();
  await page.keyboard.press("Escape");
  await page.locator(byId("add-method-dialog")).waitFor({ state: "detached" });
  assert.equal(await focusedTestId(page), "add-method");

  await page.keyboard.press("Enter");
  await page.locator(byId("add-method-dialog")).waitFor();
  await tabTo(page, "add-confirm");
  await page.keyboard.press("Enter");
  // "Authenticator app or hardware token": which one.
  await tabTo(page, "source-app");
  await page.keyboard.press("Enter");
  const wizard = page.locator(byId("authenticator-wizard"));
  await wizard.waitFor();
  await tabTo(page, "wizard-next");
  await page.keyboard.press("Enter");
  await tabTo(page, "wizard-next");
  await page.keyboard.press("Enter");
  await tabTo(page, "cant-scan");
  await page.keyboard.press("Enter");
  const secret = (await wizard.locator(byId("manual-secret")).textContent()).replace(/\s+/g, "");
  await tabTo(page, "wizard-next");
  await page.keyboard.press("Enter");
  await tabTo(page, "code-input");
  await page.keyboard.type(totpCode(secret));
  await page.keyboard.press("Enter");
  await tabTo(page, "wizard-done");
  await page.keyboard.press("Enter");
  await wizard.waitFor({ state: "detached" });
  await waitForCount(rows(page), 1);
  assert.deepEqual(demo.browser.context.problems, []);
});
