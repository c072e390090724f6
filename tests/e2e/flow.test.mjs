// The whole life of an authenticator in the demo: sign in → add (secret from "Can't scan
// image?", code from an independent TOTP library) → rename → a second one with step-up →
// change default → delete with confirmation → reminder → default falls back.
import { test } from "node:test";
import assert from "node:assert/strict";
import { useDemo, byId, signIn, enrolTotp, rows, waitForCount } from "./harness.mjs";

const demo = useDemo();

test("sign in, add, rename, step-up, change default, delete, fall back", async () => {
  const page = await demo.browser.context.newPage();
  await signIn(page, demo.server.url, "alice");
  await page.locator(byId("empty")).waitFor();

  const first = await enrolTotp(page);
  await waitForCount(rows(page), 1);
  const firstRow = rows(page).first();
  assert.equal(await firstRow.getAttribute("data-method-type"), "totp");
  // The first two-step method becomes the default.
  const firstId = await firstRow.getAttribute("data-method-id");
  await page.locator(`${byId("default-method")}[data-method-id="${firstId}"]`).waitFor();

  // Rename it.
  await firstRow.locator(byId("rename-method")).click();
  await page.locator(byId("rename-input")).fill("Work phone");
  await page.locator(byId("rename-save")).click();
  await page.locator(byId("method-row"), { hasText: "Work phone" }).waitFor();

  // A second authenticator needs a step-up first (the enrolment code used step T).
  await enrolTotp(page, { stepUp: { secret: first, offsetSteps: 1 }, name: "Tablet" });
  await waitForCount(rows(page), 2);
  const secondId = await rows(page).last().getAttribute("data-method-id");

  // Change the default to the second one.
  await page.click(byId("change-default"));
  const dialog = page.locator(byId("default-dialog"));
  await dialog.waitFor();
  const option = dialog.locator(`${byId("default-select")} option[data-method-id="${secondId}"]`);
  await dialog.locator(byId("default-select")).selectOption(await option.getAttribute("value"));
  await dialog.locator(byId("default-confirm")).click();
  await dialog.waitFor({ state: "detached" });
  await page.locator(`${byId("default-method")}[data-method-id="${secondId}"]`).waitFor();

  // Delete the default: confirm, reminder, fallback to the first one.
  const second = page.locator(`${byId("method-row")}[data-method-id="${secondId}"]`);
  await second.locator(byId("delete-method")).click();
  const confirm = page.locator(byId("confirm-dialog"));
  await confirm.waitFor();
  assert.match(await confirm.textContent(), /Are you sure you would like to delete this method\?/);
  await confirm.locator(byId("confirm-yes")).click();
  await confirm.waitFor({ state: "detached" });
  await page.locator(byId("notice"), { hasText: "Also remove the account from the app on your phone." }).waitFor();
  await waitForCount(rows(page), 1);
  assert.equal(await rows(page).first().getAttribute("data-method-id"), firstId);
  await page.locator(`${byId("default-method")}[data-method-id="${firstId}"]`).waitFor();

  assert.deepEqual(demo.browser.context.problems, []);
});
