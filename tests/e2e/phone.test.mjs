// Phones (issue 13) against the real server in demo mode: the code goes to the demo
// outbox and the test reads it from the demo page's "Outbox" panel, as a person would.
// A mobile by text (English, with a wrong code and "Resend" after its cool-down), the
// same in Dutch, and an office phone by call with an extension, by keyboard alone.
import { test } from "node:test";
import assert from "node:assert/strict";
import { useDemo, startServer, launch, byId, signIn, addMethod, rows, waitForCount, newestMessage, codeIn } from "./harness.mjs";

// A short cool-down so that "Resend" can be tried.
const COOLDOWN = 3;
const demo = useDemo(["--code-resend-cooldown", String(COOLDOWN)]);

/** Fills the number screen: mobile in the Netherlands, by text. */
async function sendToMobile(dialog, national) {
  await dialog.locator(byId("phone-country")).selectOption("NL");
  await dialog.locator(byId("phone-number")).fill(national);
  await dialog.locator(byId("phone-send")).click();
  await dialog.locator(byId("code-input")).waitFor();
}

test("a mobile number is added by a texted code read from the outbox (en), after a wrong code and a resend", async () => {
  const page = await demo.browser.context.newPage();
  await signIn(page, demo.server.url, "alice");
  await page.locator(byId("empty")).waitFor();
  await addMethod(page, "phone");
  const dialog = page.locator(byId("phone-dialog"));
  await dialog.waitFor();

  // Not a number: refused in the browser, nothing sent.
  await dialog.locator(byId("phone-country")).selectOption("NL");
  await dialog.locator(byId("phone-number")).fill("12");
  await dialog.locator(byId("phone-send")).click();
  await dialog.locator(byId("error"), { hasText: "Enter a valid phone number for the country or region you chose." }).waitFor();
  assert.equal(await dialog.locator(byId("phone-number")).getAttribute("aria-invalid"), "true");

  await sendToMobile(dialog, "06 1234 5678");
  assert.match(await dialog.locator(byId("phone-sent")).textContent(), /^We just sent a 6-digit code to \+31 6 •+ ?78\. Enter the code below\.$/);
  // "Resend" waits for the server's cool-down.
  assert.equal(await dialog.locator(byId("resend-code")).getAttribute("aria-disabled"), "true");
  assert.match(await dialog.locator(byId("resend-wait")).textContent(), /You can ask for a new code after \d+ seconds\./);

  const message = await newestMessage(page, 1);
  assert.equal(message.kind, "text");
  assert.equal(message.to, "Text to +31612345678");
  const code = codeIn(message.text);

  // A wrong code: the server's 422, the dialog's own sentence.
  demo.browser.context.ignoreProblems = /\/me\/methods\/phone: 422 invalid-code$/;
  await dialog.locator(byId("code-input")).fill(code === "000000" ? "111111" : "000000");
  await dialog.locator(byId("code-submit")).click();
  await dialog.locator(byId("error"), { hasText: "That code isn't right. Check the code we sent and try again." }).waitFor();
  assert.equal(await dialog.locator(byId("code-input")).getAttribute("aria-invalid"), "true");

  // After the cool-down, "Resend" sends a new code; the new one adds the phone.
  await page.waitForFunction(
    (sel) => document.querySelector(sel)?.getAttribute("aria-disabled") === "false",
    byId("resend-code"),
    { timeout: (COOLDOWN + 5) * 1000 },
  );
  await dialog.locator(byId("resend-code")).click();
  await dialog.locator(byId("resend-wait"), { hasText: "We sent a new code." }).waitFor();
  const again = await newestMessage(page, 2);
  await dialog.locator(byId("code-input")).fill(codeIn(again.text));
  await dialog.locator(byId("code-submit")).click();
  await dialog.waitFor({ state: "detached" });
  await waitForCount(rows(page), 1);
  const row = rows(page).first();
  assert.equal(await row.getAttribute("data-method-type"), "phone");
  assert.match((await row.locator(".si-method-detail").textContent()).trim(), /^\+31 6 •+ ?78$/);
  await page.locator(byId("default-method"), { hasText: /Phone – text \+31/ }).waitFor();
  demo.browser.context.ignoreProblems = undefined;
  assert.deepEqual(demo.browser.context.problems, []);
  // Its outbox panel looks for messages while open: not after the session is gone.
  await page.close();
});

test("the same in Dutch: Telefoon, sms, the code from the outbox", async () => {
  await demo.browser.context.clearCookies();
  const page = await demo.browser.context.newPage();
  await signIn(page, demo.server.url, "bob", { query: "?locale=nl" });
  await page.locator(byId("empty")).waitFor();
  await addMethod(page, "phone");
  const dialog = page.locator(byId("phone-dialog"));
  await dialog.waitFor();
  assert.equal((await dialog.locator("h2, h1").first().textContent()).trim(), "Telefoon");
  assert.match(await dialog.textContent(), /Stuur mij een code per sms/);
  await sendToMobile(dialog, "06 8765 4321");
  assert.match(await dialog.locator(byId("phone-sent")).textContent(), /^We hebben zojuist een code van 6 cijfers naar \+31 6 .+21 gestuurd\./);
  const message = await newestMessage(page, 1);
  assert.equal(message.to, "Sms naar +31687654321");
  assert.match(message.text, /Je verificatiecode/);
  await dialog.locator(byId("code-input")).fill(codeIn(message.text));
  await dialog.locator(byId("code-submit")).click();
  await dialog.waitFor({ state: "detached" });
  await waitForCount(rows(page), 1);
  assert.equal(await rows(page).first().getAttribute("data-method-type"), "phone");
  assert.deepEqual(demo.browser.context.problems, []);
  await page.close();
});

test("a step-up sends the default phone's code at once; it is read from the outbox", async () => {
  // Bob (previous test) has a phone, the default by text, and signed in with his
  // password only: adding a second phone takes a step-up first.
  const page = await demo.browser.context.newPage();
  await page.goto(`${demo.server.url}/?locale=nl`);
  await waitForCount(rows(page), 1);
  await addMethod(page, "phone");
  const dialog = page.locator(byId("phone-dialog"));
  await dialog.locator(byId("phone-kind-office")).check();
  await dialog.locator(byId("phone-country")).selectOption("NL");
  await dialog.locator(byId("phone-number")).fill("010 765 4321");
  await dialog.locator(byId("phone-send")).click();
  const verify = page.locator(byId("verify-dialog"));
  await verify.waitFor();
  // Sent as the dialog opened, without asking.
  await verify.locator(byId("phone-sent"), { hasText: /^We hebben zojuist een code van 6 cijfers naar \+31 6 .+21 gestuurd/ }).waitFor();
  assert.equal(await verify.locator(byId("resend-code")).getAttribute("aria-disabled"), "true");
  const stepUp = await newestMessage(page, 2);
  await verify.locator(byId("verify-input")).fill(codeIn(stepUp.text));
  await verify.locator(byId("verify-submit")).click();
  await verify.waitFor({ state: "detached" });
  // The start that waited for the step-up went out: the office phone's call.
  await dialog.locator(byId("code-input")).waitFor();
  const call = await newestMessage(page, 3);
  assert.equal(call.kind, "call");
  assert.equal(call.to, "Oproep naar +31107654321");
  await dialog.locator(byId("code-input")).fill(codeIn(call.text));
  await dialog.locator(byId("code-submit")).click();
  await dialog.waitFor({ state: "detached" });
  await waitForCount(rows(page), 2);
  assert.deepEqual(demo.browser.context.problems, []);
  await page.close();
});

test("the demo sign-in's second step texts the default phone a code, read from the outbox", async () => {
  await demo.browser.context.clearCookies();
  const page = await demo.browser.context.newPage();
  await page.goto(`${demo.server.url}/`);
  await page.fill(byId("sign-in-username"), "alice");
  await page.fill(byId("sign-in-password"), "alice-demo-password");
  await page.click(byId("sign-in-submit"));
  const verify = page.locator(byId("verify-dialog"));
  await verify.waitFor();
  await verify.locator(byId("phone-sent"), { hasText: /^We just sent a 6-digit code to \+31 6 •+ ?78\./ }).waitFor();
  // Alice's earlier two messages, then this one.
  const message = await newestMessage(page, 3);
  assert.equal(message.to, "Text to +31612345678");
  await verify.locator(byId("verify-input")).fill(codeIn(message.text));
  await verify.locator(byId("verify-submit")).click();
  await page.locator(byId("security-info")).waitFor();
  await waitForCount(rows(page), 1);
  assert.deepEqual(demo.browser.context.problems, []);
  await page.close();
});

const focusedTestId = (page) => page.evaluate(() => document.activeElement?.getAttribute("data-testid"));

/** Tabs forward until the element with `testid` has focus (at most 30 presses). */
async function tabTo(page, testid) {
  for (let i = 0; i < 30; i++) {
    if ((await focusedTestId(page)) === testid) return;
    await page.keyboard.press("Tab");
  }
  throw new Error(`could not reach ${testid} with Tab`);
}

/** Presses `key` on the focused select until its value satisfies `done` (at most 50). */
async function pressUntil(page, key, done) {
  for (let i = 0; i < 50; i++) {
    if (await page.evaluate(done)) return;
    await page.keyboard.press(key);
  }
  throw new Error("the select never got the wanted value");
}

test("an office phone with an extension is added by a call, with the keyboard alone", async () => {
  // A server of its own: a person without methods (no step-up before the phone).
  const server = await startServer();
  const browser = await launch();
  try {
    const page = await browser.context.newPage();
    await page.goto(server.url + "/");
    await tabTo(page, "sign-in-username");
    await page.keyboard.type("alice");
    await tabTo(page, "sign-in-password");
    await page.keyboard.type("alice-demo-password");
    await page.keyboard.press("Enter");
    await page.locator(byId("add-method")).waitFor();

    await tabTo(page, "add-method");
    await page.keyboard.press("Enter");
    await page.locator(byId("add-method-dialog")).waitFor();
    await tabTo(page, "method-select");
    await pressUntil(page, "ArrowDown", () => document.activeElement.selectedOptions[0]?.dataset.methodType === "phone");
    await tabTo(page, "add-confirm");
    await page.keyboard.press("Enter");
    const dialog = page.locator(byId("phone-dialog"));
    await dialog.waitFor();

    // Which phone: the arrow keys move between the radios.
    await tabTo(page, "phone-kind-mobile");
    await page.keyboard.press("ArrowDown");
    assert.equal(await focusedTestId(page), "phone-kind-office");
    await dialog.locator(byId("phone-extension")).waitFor();
    assert.equal(await dialog.locator(byId("phone-mode")).count(), 0, "an office phone is only called");
    await tabTo(page, "phone-country");
    await pressUntil(page, "ArrowUp", () => document.activeElement.value === "NL");
    await tabTo(page, "phone-number");
    await page.keyboard.type("020 123 4567");
    await tabTo(page, "phone-extension");
    await page.keyboard.type("1234");
    await page.keyboard.press("Enter");
    await dialog.locator(byId("code-input")).waitFor();
    assert.match(await dialog.locator(byId("phone-sent")).textContent(), /^We're calling \+31 .+67 now\. Enter the 6-digit code you hear\.$/);
    assert.equal(await focusedTestId(page), "code-input", "the code field has focus");

    const message = await newestMessage(page, 1);
    assert.equal(message.kind, "call");
    assert.equal(message.to, "Call to +31201234567");
    await page.locator(byId("code-input")).focus();
    await page.keyboard.type(codeIn(message.text));
    await page.keyboard.press("Enter");
    await dialog.waitFor({ state: "detached" });
    await waitForCount(rows(page), 1);
    await page.locator(byId("default-method"), { hasText: /Phone – call \+31/ }).waitFor();
    assert.deepEqual(browser.context.problems, []);
  } finally {
    await browser.close();
    await server.stop();
  }
});

test("Change: a new number is verified (after a step-up) before it replaces the old one", async () => {
  const server = await startServer();
  const browser = await launch();
  try {
    const page = await browser.context.newPage();
    await signIn(page, server.url, "alice");
    await addMethod(page, "phone");
    const dialog = page.locator(byId("phone-dialog"));
    await sendToMobile(dialog, "06 1234 5678");
    await dialog.locator(byId("code-input")).fill(codeIn((await newestMessage(page, 1)).text));
    await dialog.locator(byId("code-submit")).click();
    await dialog.waitFor({ state: "detached" });
    await waitForCount(rows(page), 1);
    const id = await rows(page).first().getAttribute("data-method-id");

    // A fresh page: the sign-in had the password only, so the change needs a step-up,
    // by a code texted to the old number.
    await page.close();
    const again = await browser.context.newPage();
    await again.goto(`${server.url}/`);
    await waitForCount(rows(again), 1);
    await rows(again).first().locator(byId("change-method")).click();
    const change = again.locator(byId("phone-dialog"));
    await change.locator(byId("replaces-note"), { hasText: /^This replaces \+31 6 •+ ?78 once the new one is verified\.$/ }).waitFor();
    assert.equal(await change.locator(byId("use-other-method")).count(), 0, "changing, not adding");
    await change.locator(byId("phone-country")).selectOption("NL");
    await change.locator(byId("phone-number")).fill("06 1111 2299");
    await change.locator(byId("phone-send")).click();
    const verify = again.locator(byId("verify-dialog"));
    await verify.waitFor();
    const stepUp = await newestMessage(again, 2);
    assert.equal(stepUp.to, "Text to +31612345678", "the step-up goes to the old number");
    await verify.locator(byId("verify-input")).fill(codeIn(stepUp.text));
    await verify.locator(byId("verify-submit")).click();
    await verify.waitFor({ state: "detached" });
    await change.locator(byId("code-input")).waitFor();
    const message = await newestMessage(again, 3);
    assert.equal(message.to, "Text to +31611112299");
    // Until the new number's code is typed, the old number stays.
    assert.match((await rows(again).first().locator(".si-method-detail").textContent()).trim(), /78$/);
    await change.locator(byId("code-input")).fill(codeIn(message.text));
    await change.locator(byId("code-submit")).click();
    await change.waitFor({ state: "detached" });
    await rows(again).first().locator(".si-method-detail", { hasText: /^\+31 6 •+ ?99$/ }).waitFor();
    assert.equal(await rows(again).count(), 1, "replaced, not added");
    assert.equal(await rows(again).first().getAttribute("data-method-id"), id);
    assert.deepEqual(browser.context.problems, []);
  } finally {
    await browser.close();
    await server.stop();
  }
});
