// Hardware OATH tokens (issue 15) against the real server: an administrator imports a
// CSV with the CLI on the server's database, a person activates a token in the browser
// with a code computed from its secret by an independent TOTP library (npm `otpauth`),
// sees it listed and deletes it (the token is available again); and apps and tokens
// share the limit of five.
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  useDemo, byId, signIn, verify, admin, importTokens, newTokenSecret, activateToken, enrolTotp, addMethod, rows, waitForCount,
} from "./harness.mjs";

const LIMIT_MESSAGE =
  "You can't set up Microsoft Authenticator because you already have five authenticator apps or hardware tokens. Please contact your administrator to delete one of your authenticator apps or hardware tokens.";

const demo = useDemo();

/** The serials `admin tokens list --state STATE` prints. */
async function serialsIn(state) {
  const out = await admin(demo.server, "tokens", "list", "--state", state);
  assert.equal(out.code, 0, out.stderr);
  return JSON.stringify(JSON.parse(out.stdout));
}

test("a token imported with the CLI is activated in the browser, listed, and deleted", async () => {
  const page = await demo.browser.context.newPage();
  await signIn(page, demo.server.url, "alice");
  await page.locator(byId("empty")).waitFor();

  const token = { serial: "E2E-FOB-00001234", secret: newTokenSecret() };
  const imported = await importTokens(demo.server, [token]);
  assert.equal(imported.code, 0, `${imported.stdout}\n${imported.stderr}`);
  assert.match(await serialsIn("available"), /E2E-FOB-00001234/);

  // A serial the inventory does not have: the token's own message, from the server's 404.
  demo.browser.context.ignoreProblems = /\/me\/methods\/hardware-token: 404 not-found$/;
  const error = await activateToken(page, { serial: "E2E-FOB-99999999", secret: token.secret, expectError: true });
  assert.match(error, /^We couldn't find a hardware token with this serial number that you may activate\./);

  await activateToken(page, token);
  const row = rows(page).first();
  assert.equal(await row.getAttribute("data-method-type"), "totp");
  assert.equal((await row.locator(".si-method-type").textContent()).trim(), "Hardware token");
  assert.equal((await row.locator(".si-method-detail").textContent()).trim(), "••••1234");
  await page.locator(byId("notice"), { hasText: "Hardware token was added." }).waitFor();
  assert.match(await serialsIn("activated"), /E2E-FOB-00001234/);
  // The default is the token's code.
  await page.locator(byId("default-method"), { hasText: "Authenticator app or hardware token – code" }).waitFor();

  await row.locator(byId("delete-method")).click();
  const confirm = page.locator(byId("confirm-dialog"));
  await confirm.waitFor();
  assert.doesNotMatch(await confirm.textContent(), /remove the account from the app/, "a token has no app");
  await confirm.locator(byId("confirm-yes")).click();
  await confirm.waitFor({ state: "detached" });
  // The token is a two-step method: deleting it takes a step-up, answered with the
  // token's next code (its current one was used by the activation).
  await verify(page, token.secret, 1);
  await waitForCount(rows(page), 0);
  const notice = page.locator(byId("notice"), { hasText: "Hardware token was deleted." });
  await notice.waitFor();
  assert.doesNotMatch(await notice.textContent(), /remove the account/);
  // Back in the inventory for someone else; only `admin tokens delete` removes it.
  assert.match(await serialsIn("available"), /E2E-FOB-00001234/);
  assert.doesNotMatch(await serialsIn("activated"), /E2E-FOB-00001234/);
  assert.deepEqual(demo.browser.context.problems, []);
  demo.browser.context.ignoreProblems = undefined;
});

test("three apps and two tokens fill the five: the sixth shows the exact limit message", async () => {
  // Another person in the same browser: the first test's session goes.
  await demo.browser.context.clearCookies();
  const page = await demo.browser.context.newPage();
  await signIn(page, demo.server.url, "bob");
  const tokens = [
    { serial: "E2E-FOB-00000001", secret: newTokenSecret() },
    { serial: "E2E-FOB-00000002", secret: newTokenSecret() },
  ];
  const imported = await importTokens(demo.server, tokens);
  assert.equal(imported.code, 0, `${imported.stdout}\n${imported.stderr}`);

  const first = await enrolTotp(page);
  // One step-up (with the next time step of the first app) covers the rest.
  await enrolTotp(page, { stepUp: { secret: first, offsetSteps: 1 } });
  await enrolTotp(page);
  for (const token of tokens) await activateToken(page, token);
  await waitForCount(rows(page), 5);
  assert.equal(await page.locator(`${byId("method-row")} .si-method-type`, { hasText: /^Hardware token$/ }).count(), 2);

  const add = await addMethod(page, "totp");
  const error = add.locator(byId("error"));
  await error.waitFor();
  assert.equal((await error.textContent()).trim(), LIMIT_MESSAGE);
  assert.equal(await add.locator(byId("source-hardware")).count(), 0, "no choice after the limit");
  assert.equal(await page.locator(byId("hardware-token-dialog")).count(), 0);
  assert.deepEqual(demo.browser.context.problems, []);
});
