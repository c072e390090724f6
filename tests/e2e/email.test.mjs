// Email addresses (issue 13; password reset only) against the real server in demo mode:
// the code goes to the demo outbox and the test reads it from the demo page's "Outbox"
// panel, as a person would. English (an invalid address, a wrong code, "Resend" after
// its cool-down, the per-address limit's 429), "Change" to a new address, and Dutch.
import { test } from "node:test";
import assert from "node:assert/strict";
import { useDemo, startServer, launch, byId, signIn, addMethod, rows, waitForCount, newestMessage, codeIn } from "./harness.mjs";

// A short cool-down so that "Resend" can be tried; two codes per address and window.
const COOLDOWN = 3;
const demo = useDemo(["--code-resend-cooldown", String(COOLDOWN), "--code-send-limit-contact", "2"]);

/** Waits until "Resend" may be used again (the server's cool-down passed). */
async function resendAllowed(page) {
  await page.waitForFunction(
    (sel) => document.querySelector(sel)?.getAttribute("aria-disabled") === "false",
    byId("resend-code"),
    { timeout: (COOLDOWN + 5) * 1000 },
  );
}

test("an email address is added by a code read from the outbox (en): invalid address, wrong code, resend, 429", async () => {
  const page = await demo.browser.context.newPage();
  await signIn(page, demo.server.url, "alice");
  await page.locator(byId("empty")).waitFor();
  await addMethod(page, "email");
  const dialog = page.locator(byId("email-dialog"));
  await dialog.waitFor();
  assert.match(await dialog.textContent(), /Can only be used for password reset/);
  assert.equal(await dialog.locator(byId("use-other-method")).count(), 1);

  // Not an address: refused in the browser, nothing sent.
  await dialog.locator(byId("email-address")).fill("alice@contoso");
  await dialog.locator(byId("email-send")).click();
  await dialog.locator(byId("error"), { hasText: "Enter a valid email address, like name@example.com." }).waitFor();
  assert.equal(await dialog.locator(byId("email-address")).getAttribute("aria-invalid"), "true");

  await dialog.locator(byId("email-address")).fill("  Alice@Contoso.NL ");
  await dialog.locator(byId("email-send")).click();
  await dialog.locator(byId("code-input")).waitFor();
  assert.match(await dialog.locator(byId("phone-sent")).textContent(), /^We just sent a 6-digit code to A•+@contoso\.nl\. Enter the code below\.$/);
  assert.equal(await dialog.locator(byId("resend-code")).getAttribute("aria-disabled"), "true");

  const message = await newestMessage(page, 1);
  assert.equal(message.kind, "email");
  assert.equal(message.to, "Email to Alice@contoso.nl");
  const code = codeIn(message.text);

  demo.browser.context.ignoreProblems = /\/me\/(methods\/email: 422 invalid-code|codes\/resend: 429 rate-limited)$/;
  await dialog.locator(byId("code-input")).fill(code === "000000" ? "111111" : "000000");
  await dialog.locator(byId("code-submit")).click();
  await dialog.locator(byId("error"), { hasText: "That code isn't right. Check the code we sent and try again." }).waitFor();
  assert.equal(await dialog.locator(byId("code-input")).getAttribute("aria-invalid"), "true");

  // The second code to this address is sent; a third is over the limit (429).
  await resendAllowed(page);
  await dialog.locator(byId("resend-code")).click();
  await dialog.locator(byId("resend-wait"), { hasText: "We sent a new code." }).waitFor();
  const again = await newestMessage(page, 2);
  await resendAllowed(page);
  await dialog.locator(byId("resend-code")).click();
  await dialog.locator(byId("error"), { hasText: /^Too many attempts\. Wait \d+ seconds and try again\.$/ }).waitFor();

  // The second code still works.
  await dialog.locator(byId("code-input")).fill(codeIn(again.text));
  await dialog.locator(byId("code-submit")).click();
  await dialog.waitFor({ state: "detached" });
  await waitForCount(rows(page), 1);
  const row = rows(page).first();
  assert.equal(await row.getAttribute("data-method-type"), "email");
  assert.equal((await row.locator(".si-method-detail").textContent()).trim(), "A•••••@contoso.nl");
  assert.match(await row.textContent(), /Can only be used for password reset/);
  // Never a default sign-in method.
  await page.locator(byId("default-method"), { hasText: "Default sign-in method: none yet" }).waitFor();
  demo.browser.context.ignoreProblems = undefined;
  assert.deepEqual(demo.browser.context.problems, []);
  await page.close();
});

test("Change verifies the new address before it replaces the old one", async () => {
  // Alice (previous test) has an email address and no two-step method: no step-up.
  const page = await demo.browser.context.newPage();
  await page.goto(`${demo.server.url}/`);
  await waitForCount(rows(page), 1);
  const id = await rows(page).first().getAttribute("data-method-id");
  await rows(page).first().locator(byId("change-method")).click();
  const dialog = page.locator(byId("email-dialog"));
  await dialog.waitFor();
  await dialog.locator(byId("replaces-note"), { hasText: "This replaces A•••••@contoso.nl once the new one is verified." }).waitFor();
  assert.equal(await dialog.locator(byId("use-other-method")).count(), 0, "changing, not adding");
  await dialog.locator(byId("email-address")).fill("alice@fabrikam.com");
  await dialog.locator(byId("email-send")).click();
  await dialog.locator(byId("code-input")).waitFor();
  // Until the code is typed, the old address stays.
  assert.equal((await rows(page).first().locator(".si-method-detail").textContent()).trim(), "A•••••@contoso.nl");
  const message = await newestMessage(page, 3);
  assert.equal(message.to, "Email to alice@fabrikam.com");
  await dialog.locator(byId("code-input")).fill(codeIn(message.text));
  await dialog.locator(byId("code-submit")).click();
  await dialog.waitFor({ state: "detached" });
  await rows(page).first().locator(".si-method-detail", { hasText: "a•••••@fabrikam.com" }).waitFor();
  assert.equal(await rows(page).count(), 1, "replaced, not added");
  assert.equal(await rows(page).first().getAttribute("data-method-id"), id);
  assert.deepEqual(demo.browser.context.problems, []);
  await page.close();
});

test("the same in Dutch: E-mail, the code from the outbox", async () => {
  await demo.browser.context.clearCookies();
  const page = await demo.browser.context.newPage();
  await signIn(page, demo.server.url, "bob", { query: "?locale=nl" });
  await page.locator(byId("empty")).waitFor();
  await addMethod(page, "email");
  const dialog = page.locator(byId("email-dialog"));
  await dialog.waitFor();
  assert.equal((await dialog.locator("h2, h1").first().textContent()).trim(), "E-mail");
  assert.match(await dialog.textContent(), /Kan alleen worden gebruikt voor wachtwoordherstel/);
  await dialog.locator(byId("email-address")).fill("bob@");
  await dialog.locator(byId("email-send")).click();
  await dialog.locator(byId("error"), { hasText: "Voer een geldig e-mailadres in, bijvoorbeeld naam@voorbeeld.nl." }).waitFor();
  await dialog.locator(byId("email-address")).fill("bob@contoso.nl");
  await dialog.locator(byId("email-send")).click();
  await dialog.locator(byId("code-input")).waitFor();
  assert.match(await dialog.locator(byId("phone-sent")).textContent(), /^We hebben zojuist een code van 6 cijfers naar b•+@contoso\.nl gestuurd\./);
  const message = await newestMessage(page, 1);
  assert.equal(message.kind, "email");
  assert.equal(message.to, "E-mail naar bob@contoso.nl");
  assert.match(message.text, /Je verificatiecode/);
  await dialog.locator(byId("code-input")).fill(codeIn(message.text));
  await dialog.locator(byId("code-submit")).click();
  await dialog.waitFor({ state: "detached" });
  await waitForCount(rows(page), 1);
  assert.equal(await rows(page).first().getAttribute("data-method-type"), "email");
  assert.match(await rows(page).first().textContent(), /Kan alleen worden gebruikt voor wachtwoordherstel/);
  await page.locator(byId("default-method"), { hasText: "Standaardaanmeldingsmethode: nog geen" }).waitFor();
  assert.deepEqual(demo.browser.context.problems, []);
  await page.close();
});

test("the add dialog offers only what the policy allows, and names the rest", async () => {
  const server = await startServer(["--allowed-methods", "totp,email"]);
  const browser = await launch();
  try {
    const page = await browser.context.newPage();
    await signIn(page, server.url, "alice", { query: "?locale=nl" });
    await page.click(byId("add-method"));
    const add = page.locator(byId("add-method-dialog"));
    await add.waitFor();
    const offered = await add.locator(`${byId("method-select")} option`).evaluateAll((os) => os.map((o) => o.dataset.methodType));
    assert.deepEqual(offered, ["totp", "email"]);
    assert.equal(
      (await add.locator(byId("not-allowed")).textContent()).trim(),
      "Uw organisatie staat niet toe: Authenticator-app, Telefoon, Beveiligingssleutel, Beveiligingsvragen.",
    );
    assert.deepEqual(browser.context.problems, []);
  } finally {
    await browser.close();
    await server.stop();
  }
});
