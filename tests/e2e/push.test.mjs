// Push authenticator end to end: the wizard's push path with the companion device CLI
// (crates/device, a real client of the protocol) — read the activation code and URL
// from the page, `security-info-device activate`, read the number, `approve --number`,
// and the method is listed as the default; a wrong number and a denial with "Resend
// notification"; signing in again with the device's code; and deleting the method, which
// reminds the person to remove the account from the app too.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, dirname } from "node:path";
import AxeBuilder from "@axe-core/playwright";
import { useDemo, startServer, launch, byId, signIn, addMethod, rows, waitForCount, SERVER_BIN, screenshot } from "./harness.mjs";

const DEVICE_BIN = process.env.SECURITY_INFO_DEVICE_BIN ?? join(dirname(SERVER_BIN ?? "."), "security-info-device");
const demo = useDemo(["--allowed-methods", "authenticator_push,totp"]);

/** Runs the device CLI with its own state file; resolves with { code, out }. */
function device(state, ...args) {
  return new Promise((resolve) => {
    execFile(DEVICE_BIN, ["--state", state, ...args], { timeout: 30_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? (error.code ?? 1) : 0, out: `${stdout}${stderr}` });
    });
  });
}

/** Opens the push wizard and goes to "Scan the QR code"; returns the wizard. */
async function openPushWizard(page) {
  await addMethod(page, "authenticator_push");
  const wizard = page.locator(byId("authenticator-wizard"));
  await wizard.waitFor();
  await wizard.locator(byId("wizard-next")).click(); // get the app → set up
  await wizard.locator(byId("wizard-next")).click(); // set up → scan
  await wizard.locator(byId("qr")).waitFor();
  return wizard;
}

/** Activates the CLI with the code and URL under "Can't scan image?". */
async function activateFromPage(wizard, state, name) {
  await wizard.locator(byId("cant-scan")).click();
  const code = (await wizard.locator(byId("activation-code")).textContent()).trim();
  assert.match(code, /^\d{3} \d{3} \d{3}$/, "grouped 3-3-3");
  const url = (await wizard.locator(byId("manual-url")).textContent()).trim();
  assert.match(url, /\/api\/device\/activate$/);
  const link = await wizard.locator(byId("otpauth-link")).getAttribute("href");
  assert.ok(link.startsWith("security-info-push://activate?code="), link);
  const r = await device(state, "activate", "--code", code, "--url", url, "--name", name);
  assert.equal(r.code, 0, r.out);
}

/** "Next" to "Let's try it out"; resolves with the number shown. */
async function numberShown(wizard) {
  const number = wizard.locator(byId("push-number"));
  await wizard.locator(byId("push-status"), { hasText: /Number to enter in the app: \d\d/ }).waitFor();
  return (await number.textContent()).trim();
}

/** The page's push waits: event streams read with fetch, and long-polls. */
function recordWaits(page) {
  const waits = { streams: [], polls: [] };
  page.on("request", (r) => {
    const path = new URL(r.url()).pathname + new URL(r.url()).search;
    if (/\/push\/(challenges\/)?[^/?]+\/events$/.test(path)) waits.streams.push(path);
    if (/\/push\/(challenges\/)?[^/?]+\?wait=/.test(path)) waits.polls.push(path);
  });
  return waits;
}

test("push: activate the CLI, approve with the number, listed as default", async () => {
  const page = await demo.browser.context.newPage();
  const waits = recordWaits(page);
  const dir = mkdtempSync(join(tmpdir(), "si-e2e-device-"));
  const state = join(dir, "state.json");
  try {
    await signIn(page, demo.server.url, "alice");
    const wizard = await openPushWizard(page);
    await screenshot(page, "light-wizard-push-scan");
    await activateFromPage(wizard, state, "E2E phone");
    await wizard.locator(byId("wizard-next")).click(); // scan → let's try it out
    const number = await numberShown(wizard);
    assert.match(number, /^\d\d$/);
    assert.match(await wizard.locator(byId("wizard-step")).textContent(), /Let's try it out/);
    await screenshot(page, "light-wizard-push-try");
    const r = await device(state, "approve", "--number", number);
    assert.equal(r.code, 0, r.out);
    await wizard.locator(byId("push-status"), { hasText: "Notification approved" }).waitFor();
    await wizard.locator(byId("wizard-next")).click();
    await wizard.locator(byId("wizard-done")).click();
    await wizard.waitFor({ state: "detached" });
    await waitForCount(rows(page), 1);
    const row = rows(page).first();
    assert.equal(await row.getAttribute("data-method-type"), "authenticator_push");
    assert.match(await row.textContent(), /E2E phone/);
    const id = await row.getAttribute("data-method-id");
    await page.locator(`${byId("default-method")}[data-method-id="${id}"]`).waitFor();
    assert.match(await page.locator(byId("default-method")).textContent(), /notification/i);
    // "Change" offers the app's notification and its code.
    await page.click(byId("change-default"));
    const change = page.locator(byId("default-dialog"));
    await change.waitFor();
    const options = await change.locator(`${byId("default-select")} option`).allTextContents();
    assert.ok(options.some((o) => o.includes("Authenticator app – notification")), options.join(" | "));
    assert.ok(options.some((o) => o.includes("– code")), options.join(" | "));
    await page.keyboard.press("Escape");
    await change.waitFor({ state: "detached" });

    // Signing in again: a notification goes out at once; approving it signs in.
    const signInAgain = async () => {
      await page.click(byId("sign-out"));
      await page.fill(byId("sign-in-username"), "alice");
      await page.fill(byId("sign-in-password"), "alice-demo-password");
      await page.click(byId("sign-in-submit"));
      const verify = page.locator(byId("verify-dialog"));
      await verify.waitFor();
      return verify;
    };
    let verify = await signInAgain();
    const signInNumber = await numberShown(verify);
    await screenshot(page, "light-verify-push");
    const listed = await device(state, "list");
    assert.match(listed.out, /Sign in/);
    assert.equal((await device(state, "approve", "--number", signInNumber)).code, 0);
    await page.locator(byId("security-info")).waitFor();
    await verify.waitFor({ state: "detached" });
    await waitForCount(rows(page), 1);

    // "Sign in another way": the code from the same app.
    verify = await signInAgain();
    await numberShown(verify);
    await verify.locator(byId("sign-in-other-way")).click();
    await verify.locator(`${byId("verify-method-option")}[data-way="code"]`).click();
    const code = await device(state, "code");
    await verify.locator(byId("verify-input")).fill(code.out.trim());
    await verify.locator(byId("verify-submit")).click();
    await page.locator(byId("security-info")).waitFor();
    await waitForCount(rows(page), 1);
    assert.deepEqual(demo.browser.context.problems, []);
    // The browser waited on the event streams (the wizard's test, two sign-ins), read
    // with fetch; none ended early, so nothing fell back to long-polling.
    assert.ok(waits.streams.some((p) => p.startsWith("/api/me/push/challenges/")), waits.streams.join(" "));
    assert.ok(waits.streams.some((p) => p.startsWith("/api/session/push/")), waits.streams.join(" "));
    assert.deepEqual(waits.polls, []);

    // Deleting the push method (the default): the confirmation and the notice both say
    // to remove the account from the app too. The sign-in just now was a fresh step-up
    // (the window is 10 minutes), so no verification is asked for.
    await rows(page).first().locator(byId("delete-method")).click();
    const confirm = page.locator(byId("confirm-dialog"));
    await confirm.waitFor();
    assert.match(await confirm.textContent(), /Are you sure you would like to delete this method\?/);
    assert.match(await confirm.textContent(), /After deleting it, also remove the account from the app on your phone\./);
    await confirm.locator(byId("confirm-yes")).click();
    await confirm.waitFor({ state: "detached" });
    const notice = page.locator(byId("notice"), { hasText: "Also remove the account from the app on your phone." });
    await notice.waitFor();
    assert.match(await notice.textContent(), /E2E phone was deleted\. Also remove the account from the app on your phone\./);
    await waitForCount(rows(page), 0);
    // The server revoked the device's key.
    assert.match((await device(state, "list")).out, /cannot list notifications: HTTP 401/);
    assert.deepEqual(demo.browser.context.problems, []);
    await page.click(byId("sign-out"));
    await page.locator(byId("sign-in-username")).waitFor();
  } finally {
    await page.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test("push: a wrong number and a denial say so, and the notification can be resent", async () => {
  const page = await demo.browser.context.newPage();
  // This page cannot read event streams (as behind a buffering proxy): it long-polls.
  const waits = recordWaits(page);
  await page.route(/\/events$/, (route) => route.abort("failed"));
  const dir = mkdtempSync(join(tmpdir(), "si-e2e-device-"));
  const state = join(dir, "state.json");
  try {
    await signIn(page, demo.server.url, "bob");
    const wizard = await openPushWizard(page);
    await activateFromPage(wizard, state, "Bob's phone");
    await wizard.locator(byId("wizard-next")).click();
    let number = await numberShown(wizard);
    const wrong = number === "99" ? "10" : String(Number(number) + 1);
    const r = await device(state, "approve", "--number", wrong);
    assert.notEqual(r.code, 0);
    assert.match(r.out, /not the number shown/);
    await wizard.locator(byId("push-status"), { hasText: "did not match" }).waitFor();
    await screenshot(page, "light-wizard-push-wrong-number");
    await wizard.locator(byId("resend-notification")).click();
    number = await numberShown(wizard);
    assert.equal((await device(state, "deny")).code, 0);
    await wizard.locator(byId("push-status"), { hasText: "denied in the app" }).waitFor();
    // Next is not available until a notification is approved.
    assert.equal(await wizard.locator(byId("wizard-next")).getAttribute("aria-disabled"), "true");
    assert.match(await wizard.locator(byId("wizard-step")).textContent(), /Let's try it out/);
    await wizard.locator(byId("resend-notification")).click();
    number = await numberShown(wizard);
    assert.equal((await device(state, "approve", "--number", number)).code, 0);
    await wizard.locator(byId("push-status"), { hasText: "Notification approved" }).waitFor();
    await wizard.locator(byId("wizard-next")).click();
    await wizard.locator(byId("wizard-done")).click();
    await waitForCount(rows(page), 1);
    // The blocked streams are logged as failed loads; the long-polls carried the answers.
    const problems = demo.browser.context.problems.filter((p) => !/device\/|push\/challenges|authenticator-push\/test|net::ERR_FAILED/.test(p));
    assert.deepEqual(problems, []);
    assert.ok(waits.polls.length > 0, "long-polled when the stream could not be read");
  } finally {
    await page.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

// The push path's screens in the axe runs (as a11y.test.mjs): light, dark and Dutch.
const TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"];
for (const variant of [
  { name: "light", query: "", colorScheme: "light", number: /Number to enter in the app: \d\d/, approved: "Notification approved", wrong: "did not match" },
  { name: "dark", query: "?theme=dark", colorScheme: "dark", number: /Number to enter in the app: \d\d/, approved: "Notification approved", wrong: "did not match" },
  { name: "nl", query: "?locale=nl", colorScheme: "light", number: /Nummer om in de app in te voeren: \d\d/, approved: "Melding goedgekeurd", wrong: "komt niet overeen" },
]) {
  test(`axe finds nothing on the push screens (${variant.name})`, async () => {
    const server = await startServer(["--allowed-methods", "authenticator_push,totp"]);
    const browser = await launch({ colorScheme: variant.colorScheme });
    const page = await browser.context.newPage();
    const dir = mkdtempSync(join(tmpdir(), "si-e2e-device-"));
    const state = join(dir, "state.json");
    const findings = [];
    async function audit(screen) {
      const { violations } = await new AxeBuilder({ page }).withTags(TAGS).analyze();
      for (const v of violations) findings.push(`${screen}: ${v.id} (${v.impact}) ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
    }
    try {
      await signIn(page, server.url, "alice", { query: variant.query });
      const wizard = await openPushWizard(page);
      await wizard.locator(byId("cant-scan")).click();
      const code = (await wizard.locator(byId("activation-code")).textContent()).trim();
      const url = (await wizard.locator(byId("manual-url")).textContent()).trim();
      await audit("wizard-push-scan");
      if (variant.name !== "light") await screenshot(page, `${variant.name}-wizard-push-scan`);
      assert.equal((await device(state, "activate", "--code", code, "--url", url)).code, 0);
      await wizard.locator(byId("wizard-next")).click();
      await wizard.locator(byId("push-status"), { hasText: variant.number }).waitFor();
      await audit("wizard-push-try");
      const number = (await wizard.locator(byId("push-number")).textContent()).trim();
      await device(state, "approve", "--number", number === "99" ? "10" : String(Number(number) + 1));
      await wizard.locator(byId("push-status"), { hasText: variant.wrong }).waitFor();
      await audit("wizard-push-wrong-number");
      await wizard.locator(byId("resend-notification")).click();
      await wizard.locator(byId("push-status"), { hasText: variant.number }).waitFor();
      const again = (await wizard.locator(byId("push-number")).textContent()).trim();
      assert.equal((await device(state, "approve", "--number", again)).code, 0);
      await wizard.locator(byId("push-status"), { hasText: variant.approved }).waitFor();
      await audit("wizard-push-approved");
      if (variant.name !== "light") await screenshot(page, `${variant.name}-wizard-push-try`);
      await wizard.locator(byId("wizard-next")).click();
      await wizard.locator(byId("wizard-done")).click();
      await waitForCount(rows(page), 1);
      // The verify dialog sends a notification at once to a push default.
      await page.click(byId("sign-out"));
      await page.fill(byId("sign-in-username"), "alice");
      await page.fill(byId("sign-in-password"), "alice-demo-password");
      await page.click(byId("sign-in-submit"));
      const verify = page.locator(byId("verify-dialog"));
      await verify.locator(byId("push-status"), { hasText: variant.number }).waitFor();
      await audit("verify-push");
      if (variant.name !== "light") await screenshot(page, `${variant.name}-verify-push`);
      await verify.locator(byId("sign-in-other-way")).click();
      await verify.locator(byId("verify-method-option")).first().waitFor();
      await audit("verify-push-other-way");
    } finally {
      await browser.close();
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    }
    assert.deepEqual(findings, []);
  });
}

const focusedTestId = (page) => page.evaluate(() => document.activeElement?.getAttribute("data-testid"));

/** Tabs forward until the element with `testid` has focus (at most 30 presses). */
async function tabTo(page, testid) {
  for (let i = 0; i < 30; i++) {
    if ((await focusedTestId(page)) === testid) return;
    await page.keyboard.press("Tab");
  }
  throw new Error(`could not reach ${testid} with Tab`);
}

test("the push wizard with the keyboard alone", async () => {
  const server = await startServer(["--allowed-methods", "authenticator_push,totp"]);
  const browser = await launch();
  const page = await browser.context.newPage();
  const dir = mkdtempSync(join(tmpdir(), "si-e2e-device-"));
  const state = join(dir, "state.json");
  try {
    await page.goto(server.url + "/");
    await tabTo(page, "sign-in-username");
    await page.keyboard.type("alice");
    await tabTo(page, "sign-in-password");
    await page.keyboard.type("alice-demo-password");
    await page.keyboard.press("Enter");
    await page.locator(byId("add-method")).waitFor();
    await tabTo(page, "add-method");
    await page.keyboard.press("Enter");
    const add = page.locator(byId("add-method-dialog"));
    await add.waitFor();
    // "Authenticator app" (push) is the first choice: picked with the arrow keys if not.
    await tabTo(page, "method-select");
    const pushOption = add.locator(`${byId("method-select")} option[data-method-type="authenticator_push"]`);
    for (let i = 0; i < 6 && !(await pushOption.evaluate((o) => o.selected)); i++) {
      await page.keyboard.press("ArrowUp");
    }
    assert.ok(await pushOption.evaluate((o) => o.selected));
    await tabTo(page, "add-confirm");
    await page.keyboard.press("Enter");
    const wizard = page.locator(byId("authenticator-wizard"));
    await wizard.waitFor();
    await tabTo(page, "wizard-next");
    await page.keyboard.press("Enter");
    await tabTo(page, "wizard-next");
    await page.keyboard.press("Enter");
    await tabTo(page, "cant-scan");
    await page.keyboard.press("Enter");
    const code = (await wizard.locator(byId("activation-code")).textContent()).trim();
    const url = (await wizard.locator(byId("manual-url")).textContent()).trim();
    assert.equal((await device(state, "activate", "--code", code, "--url", url)).code, 0);
    await tabTo(page, "wizard-next");
    await page.keyboard.press("Enter");
    const number = await numberShown(wizard);
    assert.equal((await device(state, "approve", "--number", number)).code, 0);
    await wizard.locator(byId("push-status"), { hasText: "Notification approved" }).waitFor();
    await tabTo(page, "wizard-next");
    await page.keyboard.press("Enter");
    await tabTo(page, "wizard-done");
    await page.keyboard.press("Enter");
    await wizard.waitFor({ state: "detached" });
    await waitForCount(rows(page), 1);
    assert.equal(await rows(page).first().getAttribute("data-method-type"), "authenticator_push");
    assert.deepEqual(browser.context.problems, []);
  } finally {
    await browser.close();
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});
