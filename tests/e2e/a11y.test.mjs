// Every screen and dialog, in light, dark and Dutch: axe-core (WCAG 2.0/2.1/2.2 A+AA)
// finds nothing; screenshots go to docs/screenshots/. The Dutch run also checks that the
// component sets lang on its own root and leaves the host's <html lang> alone.
import { test } from "node:test";
import assert from "node:assert/strict";
import AxeBuilder from "@axe-core/playwright";
import { startServer, launch, byId, signIn, addMethod, selectMethodType, totpCode, screenshot, verify } from "./harness.mjs";

const TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"];
const SCREENSHOTS = new Set(["sign-in", "security-info", "add-method", "add-method-source", "hardware-token-error", "wizard-scan", "default-dialog", "confirm-dialog", "verify-dialog", "security-key", "security-key-name", "phone", "phone-code", "email", "email-code", "questions"]);
const VARIANTS = [
  { name: "light", query: "", colorScheme: "light" },
  { name: "dark", query: "?theme=dark", colorScheme: "dark" },
  { name: "nl", query: "?locale=nl", colorScheme: "light" },
];

for (const variant of VARIANTS) {
  test(`axe finds nothing on any screen (${variant.name})`, async () => {
    const server = await startServer();
    const browser = await launch({ colorScheme: variant.colorScheme });
    const findings = [];
    const audited = [];
    const page = await browser.context.newPage();
    async function audit(screen, on = page) {
      const { violations } = await new AxeBuilder({ page: on }).withTags(TAGS).analyze();
      audited.push(screen);
      for (const v of violations) {
        findings.push(`${screen}: ${v.id} (${v.impact}) ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
      }
      if (SCREENSHOTS.has(screen)) await screenshot(on, `${variant.name}-${screen}`);
    }
    try {
      await page.goto(`${server.url}/${variant.query}`);
      await page.locator(byId("sign-in-form")).waitFor();
      await audit("sign-in");
      await signIn(page, server.url, "alice", { query: variant.query });
      await page.locator(byId("empty")).waitFor();
      await audit("security-info-empty");

      if (variant.name === "nl") {
        const langs = await page.evaluate(() => ({
          html: document.documentElement.lang,
          root: document.querySelector('[data-testid="security-info"]').closest("[lang]").lang,
          title: document.querySelector('[data-testid="security-info"] h1, [data-testid="security-info"] h2')?.textContent,
        }));
        assert.deepEqual(langs, { html: "en", root: "nl", title: "Beveiligingsgegevens" });
      }

      // Add dialog and every wizard step.
      await page.click(byId("add-method"));
      const add = page.locator(byId("add-method-dialog"));
      await add.waitFor();
      await audit("add-method");
      await selectMethodType(add, "totp");
      await add.locator(byId("add-confirm")).click();
      await add.locator(byId("source-hardware")).waitFor();
      await audit("add-method-source");

      // The hardware token dialog, empty and with an error (checked in the browser),
      // then back to "Add a method".
      await add.locator(byId("source-hardware")).click();
      const token = page.locator(byId("hardware-token-dialog"));
      await token.locator(byId("serial-input")).waitFor();
      await audit("hardware-token");
      await token.locator(byId("token-submit")).click();
      await token.locator(byId("error")).filter({ hasText: /\S/ }).waitFor();
      await audit("hardware-token-error");
      await token.locator(byId("use-other-method")).click();
      await add.waitFor();
      await selectMethodType(add, "totp");
      await add.locator(byId("add-confirm")).click();
      await add.locator(byId("source-app")).click();
      const wizard = page.locator(byId("authenticator-wizard"));
      await wizard.waitFor();
      await audit("wizard-get-app");
      await wizard.locator(byId("wizard-next")).click();
      await audit("wizard-set-up");
      await wizard.locator(byId("wizard-next")).click();
      await wizard.locator(byId("cant-scan")).click();
      const secret = (await wizard.locator(byId("manual-secret")).textContent()).replace(/\s+/g, "");
      await audit("wizard-scan");
      await wizard.locator(byId("wizard-next")).click();
      await wizard.locator(byId("code-input")).waitFor();
      await audit("wizard-code");
      await wizard.locator(byId("code-input")).fill("000000" === totpCode(secret) ? "111111" : "000000");
      await wizard.locator(byId("code-submit")).click();
      await wizard.locator(byId("error")).filter({ hasText: /\S/ }).waitFor();
      await audit("wizard-code-error");
      await wizard.locator(byId("code-input")).fill(totpCode(secret));
      await wizard.locator(byId("code-submit")).click();
      await wizard.locator(byId("wizard-done")).waitFor();
      await audit("wizard-done");
      await wizard.locator(byId("wizard-done")).click();
      await page.locator(byId("method-row")).first().waitFor();
      await audit("security-info");

      await page.click(byId("change-default"));
      await page.locator(byId("default-dialog")).waitFor();
      await audit("default-dialog");
      await page.keyboard.press("Escape");

      await page.locator(byId("delete-method")).first().click();
      await page.locator(byId("confirm-dialog")).waitFor();
      await audit("confirm-dialog");
      await page.locator(byId("confirm-no")).click();

      // A second method needs a step-up: the verify dialog.
      await addMethod(page, "totp", { source: "app" });
      await wizard.locator(byId("wizard-next")).click();
      await wizard.locator(byId("wizard-next")).click();
      await page.locator(byId("verify-dialog")).waitFor();
      await audit("verify-dialog");

      // A dialog whose chunk cannot be fetched (split build): its error and "Try again".
      const offline = await browser.context.newPage();
      browser.context.ignoreProblems = /split|Failed to fetch|net::ERR_FAILED/i;
      await offline.route(/\/split_add_chunk-[^/]*\.wasm$/, (route) => route.abort("failed"));
      await offline.goto(`${server.url}/${variant.query}`);
      await offline.click(byId("add-method"));
      await offline.locator(byId("chunk-error")).waitFor();
      const { violations } = await new AxeBuilder({ page: offline }).withTags(TAGS).analyze();
      audited.push("chunk-error");
      for (const v of violations) findings.push(`chunk-error: ${v.id} (${v.impact})`);
      browser.context.ignoreProblems = undefined;
      // The security key dialog (issue 14) in another tab of the same session, with a
      // virtual FIDO2 authenticator: the explanation, then (after a step-up with the
      // app's next code) the naming step.
      const keyPage = await browser.context.newPage();
      const cdp = await browser.context.newCDPSession(keyPage);
      await cdp.send("WebAuthn.enable");
      await cdp.send("WebAuthn.addVirtualAuthenticator", {
        options: { protocol: "ctap2", transport: "usb", hasResidentKey: true, hasUserVerification: true, isUserVerified: true, automaticPresenceSimulation: true },
      });
      await keyPage.goto(`${server.url}/${variant.query}`);
      await keyPage.locator(byId("method-row")).first().waitFor();
      await addMethod(keyPage, "security_key");
      const key = keyPage.locator(byId("security-key-dialog"));
      await key.locator(byId("key-next")).waitFor();
      await audit("security-key", keyPage);
      await key.locator(byId("key-next")).click();
      await verify(keyPage, secret, 1);
      await key.locator(byId("key-name-input")).waitFor();
      await audit("security-key-name", keyPage);
      await key.locator(byId("key-name-save")).click();
      await keyPage.locator(byId("method-last-used")).waitFor();
      await audit("security-info-with-key", keyPage);

      // The phone dialog (issue 13) in the same tab (the step-up is still fresh): the
      // number screen, its error, the code screen with the demo's outbox open.
      await addMethod(keyPage, "phone");
      const phone = keyPage.locator(byId("phone-dialog"));
      await phone.locator(byId("phone-number")).waitFor();
      await audit("phone", keyPage);
      await phone.locator(byId("phone-send")).click();
      await phone.locator(byId("error")).filter({ hasText: /\S/ }).waitFor();
      await audit("phone-error", keyPage);
      await phone.locator(byId("phone-kind-office")).check();
      await phone.locator(byId("phone-extension")).waitFor();
      await audit("phone-office", keyPage);
      await phone.locator(byId("phone-country")).selectOption("NL");
      await phone.locator(byId("phone-number")).fill("06 1234 5678");
      await phone.locator(byId("phone-send")).click();
      await phone.locator(byId("code-input")).waitFor();
      const outbox = keyPage.locator(byId("outbox"));
      await outbox.locator("summary").click();
      await outbox.locator(byId("outbox-message")).first().waitFor();
      await audit("phone-code", keyPage);
      await phone.locator(".si-dialog-head button").click();
      await phone.waitFor({ state: "detached" });
      // The open outbox covers the page's top left (the add button) on narrow text.
      await outbox.locator("summary").click();

      // The email dialog (password reset only): the address, its error, the code screen.
      await addMethod(keyPage, "email");
      const email = keyPage.locator(byId("email-dialog"));
      await email.locator(byId("email-address")).waitFor();
      await audit("email", keyPage);
      await email.locator(byId("email-send")).click();
      await email.locator(byId("error")).filter({ hasText: /\S/ }).waitFor();
      await audit("email-error", keyPage);
      await email.locator(byId("email-address")).fill("alice@contoso.nl");
      await email.locator(byId("email-send")).click();
      await email.locator(byId("code-input")).waitFor();
      await audit("email-code", keyPage);
      await email.locator(".si-dialog-head button").click();
      await email.waitFor({ state: "detached" });

      // Security questions: the form, and its error.
      await addMethod(keyPage, "security_questions");
      const questions = keyPage.locator(byId("questions-dialog"));
      await questions.locator(byId("question-select")).nth(2).waitFor();
      await audit("questions", keyPage);
      await questions.locator(byId("questions-submit")).click();
      await questions.locator(byId("error")).filter({ hasText: /\S/ }).waitFor();
      await audit("questions-error", keyPage);
    } finally {
      console.log(`axe ${variant.name}: ${audited.length} screens, ${findings.length} violations`);
      await browser.close();
      await server.stop();
    }
    assert.deepEqual(findings, []);
    assert.deepEqual(browser.context.problems, []);
  });
}
