// Security keys and passkeys (issue 14) in Chromium against the real server, with a
// virtual FIDO2 authenticator through the Chrome DevTools Protocol (WebAuthn domain):
// register, name, sign in with it, step up with it, delete; a cancel; the same key a
// second time; a key without user verification (no PIN); a browser without WebAuthn; a
// page on another host than the relying party;
// axe on the new screens; English and Dutch.
import { test } from "node:test";
import assert from "node:assert/strict";
import AxeBuilder from "@axe-core/playwright";
import { useDemo, byId, signIn, addMethod, rows, waitForCount } from "./harness.mjs";

const TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"];
const demo = useDemo();

/** A virtual CTAP2 authenticator on `page`; answers its CDP session and id. */
async function virtualKey(page, options = {}) {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("WebAuthn.enable");
  const { authenticatorId } = await cdp.send("WebAuthn.addVirtualAuthenticator", {
    options: {
      protocol: "ctap2",
      transport: "usb",
      hasResidentKey: true,
      hasUserVerification: true,
      isUserVerified: true,
      automaticPresenceSimulation: true,
      ...options,
    },
  });
  return { cdp, authenticatorId };
}

async function axe(page, screen) {
  const { violations } = await new AxeBuilder({ page }).withTags(TAGS).analyze();
  return violations.map((v) => `${screen}: ${v.id} ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
}

/** "Add sign-in method" → "Security key" → the explanation → "Next". */
async function startKey(page) {
  await addMethod(page, "security_key");
  const dialog = page.locator(byId("security-key-dialog"));
  await dialog.locator(byId("key-next")).click();
  return dialog;
}

async function errorText(dialog) {
  const error = dialog.locator(byId("error")).filter({ hasText: /\S/ });
  await error.waitFor();
  return (await error.textContent()).trim();
}

test("register, name, sign in with it, step up with it, delete", async () => {
  const page = await demo.browser.context.newPage();
  const key = await virtualKey(page);
  await signIn(page, demo.server.url, "alice");
  await page.locator(byId("empty")).waitFor();

  const dialog = await startKey(page);
  const name = dialog.locator(byId("key-name-input"));
  await name.waitFor();
  // The virtual authenticator's AAGUID is not in the server's table: the generic name.
  assert.equal(await name.inputValue(), "Security key");
  const { credentials } = await key.cdp.send("WebAuthn.getCredentials", { authenticatorId: key.authenticatorId });
  assert.equal(credentials.length, 1);
  await name.fill("Blue key");
  await dialog.locator(byId("key-name-save")).click();
  await dialog.waitFor({ state: "detached" });
  await waitForCount(rows(page), 1);
  const row = rows(page).first();
  assert.equal(await row.getAttribute("data-method-type"), "security_key");
  await row.filter({ hasText: "Blue key" }).waitFor();
  await page.locator(byId("notice"), { hasText: "Blue key was added." }).waitFor();
  await page.locator(byId("default-method"), { hasText: "Security key" }).waitFor();
  assert.equal(await row.locator(byId("method-last-used")).textContent(), "Not used yet");
  // "Change default" offers it as "Security key".
  await page.click(byId("change-default"));
  const defaults = page.locator(byId("default-dialog"));
  assert.deepEqual(await defaults.locator(`${byId("default-select")} option`).allTextContents(), ["Security key"]);
  await defaults.locator("button.si-icon-button").click();
  await defaults.waitFor({ state: "detached" });

  // The same key again: a step-up with the key first (the person has a two-step method
  // now), then the browser refuses the excluded credential.
  const again = await startKey(page);
  const verify = page.locator(byId("verify-dialog"));
  await verify.waitFor();
  assert.match(await verify.textContent(), /Use your security key Blue key/);
  await verify.locator(byId("verify-submit")).click();
  await verify.waitFor({ state: "detached" });
  assert.equal(await errorText(again), "This security key is already registered. Use another key.");
  await again.locator("button.si-icon-button").click();
  await again.waitFor({ state: "detached" });
  await waitForCount(rows(page), 1);

  // Sign out, then sign in with the key as the second factor.
  await page.click(byId("sign-out"));
  await page.fill(byId("sign-in-username"), "alice");
  await page.fill(byId("sign-in-password"), "alice-demo-password");
  await page.click(byId("sign-in-submit"));
  const second = page.locator(byId("verify-dialog"));
  await second.waitFor();
  await second.locator(byId("verify-submit")).click();
  await page.locator(byId("security-info")).waitFor();
  await rows(page).first().filter({ hasText: "Blue key" }).waitFor();
  // Its last use is shown (the sign-in).
  assert.match(await rows(page).first().locator(byId("method-last-used")).textContent(), /^Last used \S/);

  // Delete it (the sign-in was fresh enough).
  await rows(page).first().locator(byId("delete-method")).click();
  const confirm = page.locator(byId("confirm-dialog"));
  await confirm.locator(byId("confirm-yes")).click();
  await waitForCount(rows(page), 0);
  await page.close();
  assert.deepEqual(demo.browser.context.problems, []);
});

test("a key without PIN, a cancelled verification, and a browser without WebAuthn get their messages (en, nl, axe)", async () => {
  const findings = [];
  // The key without PIN is refused by the server: an expected answer here.
  demo.browser.context.ignoreProblems = /\/me\/methods\/security-key: 422 user-verification-required$/;
  for (const locale of ["en", "nl"]) {
    const query = locale === "nl" ? "?locale=nl" : "";
    // Alice's key was deleted by the test before; every page signs in afresh.
    const user = locale === "nl" ? "alice" : "bob";
    await demo.browser.context.clearCookies();
    const page = await demo.browser.context.newPage();
    const nl = locale === "nl";

    // A key without any user verification (no PIN, no biometric).
    const noPin = await virtualKey(page, { hasUserVerification: false, isUserVerified: false });
    await signIn(page, demo.server.url, user, { query });
    await page.locator(byId("empty")).waitFor();
    await addMethod(page, "security_key");
    const dialog = page.locator(byId("security-key-dialog"));
    await dialog.locator(byId("key-next")).waitFor();
    findings.push(...(await axe(page, `${locale} security-key`)));
    await dialog.locator(byId("key-next")).click();
    assert.match(await errorText(dialog), nl ? /pincode of vingerafdruk/ : /can't verify you with a PIN or fingerprint/);
    findings.push(...(await axe(page, `${locale} security-key-error`)));
    await noPin.cdp.send("WebAuthn.removeVirtualAuthenticator", { authenticatorId: noPin.authenticatorId });

    // Another key, with a PIN: "Try again" registers it.
    const key = await virtualKey(page);
    await dialog.locator(byId("key-retry")).click();
    await dialog.locator(byId("key-name-input")).waitFor();
    assert.equal(await dialog.locator(byId("key-name-input")).inputValue(), nl ? "Beveiligingssleutel" : "Security key");
    findings.push(...(await axe(page, `${locale} security-key-name`)));
    await dialog.locator(byId("key-name-save")).click();
    await dialog.waitFor({ state: "detached" });
    await waitForCount(rows(page), 1);

    // Signing in again, the person cancels the key's PIN prompt (the virtual key fails
    // to verify them): the verify dialog says so and offers the key again.
    await key.cdp.send("WebAuthn.setUserVerified", { authenticatorId: key.authenticatorId, isUserVerified: false });
    await page.click(byId("sign-out"));
    await page.fill(byId("sign-in-username"), user);
    await page.fill(byId("sign-in-password"), `${user}-demo-password`);
    await page.click(byId("sign-in-submit"));
    const verify = page.locator(byId("verify-dialog"));
    await verify.locator(byId("verify-submit")).click();
    assert.equal(
      await errorText(verify),
      nl
        ? "De stap met de beveiligingssleutel is geannuleerd. Probeer het opnieuw wanneer u klaar bent."
        : "The security key step was cancelled. Try again when you're ready.",
    );
    findings.push(...(await axe(page, `${locale} verify-key-error`)));
    await key.cdp.send("WebAuthn.setUserVerified", { authenticatorId: key.authenticatorId, isUserVerified: true });
    await verify.locator(byId("verify-submit")).click();
    await page.locator(byId("security-info")).waitFor();
    await page.close();
  }

  // No WebAuthn at all: the sign-in offers the person's key (Bob's registered in English
  // above, Alice's in Dutch), and the browser cannot use it.
  const context = demo.browser.context;
  for (const { locale, user, message } of [
    { locale: "en", user: "bob", message: /^This browser can't use security keys\./ },
    { locale: "nl", user: "alice", message: /^Deze browser kan geen beveiligingssleutels gebruiken\./ },
  ]) {
    await context.clearCookies();
    const page = await context.newPage();
    await page.addInitScript(() => {
      delete window.PublicKeyCredential;
    });
    await page.goto(locale === "nl" ? `${demo.server.url}/?locale=nl` : demo.server.url);
    await page.fill(byId("sign-in-username"), user);
    await page.fill(byId("sign-in-password"), `${user}-demo-password`);
    await page.click(byId("sign-in-submit"));
    const verify = page.locator(byId("verify-dialog"));
    await verify.locator(byId("verify-submit")).click();
    assert.match(await errorText(verify), message, locale);
    await page.close();
  }
  context.ignoreProblems = undefined;
  assert.deepEqual(findings, []);
  assert.deepEqual(context.problems, []);
});

test("a page on another host than the relying party gets the wrong-address message", async () => {
  // The demo's RP id is localhost; the same server reached as 127.0.0.1 is another host,
  // so the browser refuses the key (SecurityError). Alice registered a key above.
  const context = demo.browser.context;
  await context.clearCookies();
  const page = await context.newPage();
  await page.goto(demo.server.url.replace("localhost", "127.0.0.1"));
  await page.fill(byId("sign-in-username"), "alice");
  await page.fill(byId("sign-in-password"), "alice-demo-password");
  await page.click(byId("sign-in-submit"));
  const verify = page.locator(byId("verify-dialog"));
  await verify.locator(byId("verify-submit")).click();
  assert.equal(await errorText(verify), "Security keys can't be used on this web address. Contact your administrator.");
  await page.close();
  assert.deepEqual(context.problems, []);
});
