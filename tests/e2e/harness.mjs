// Shared by the end-to-end tests: the real server on a free loopback port with a fresh
// database, Debian's Chromium through playwright-core, CSP/console error collection,
// and an independent TOTP implementation (npm `otpauth`) to compute codes.
import { before, after } from "node:test";
import { spawn, execFile } from "node:child_process";
import { mkdtempSync, rmSync, mkdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium } from "playwright-core";
import * as OTPAuth from "otpauth";

const ROOT = new URL("../..", import.meta.url).pathname;
export const SERVER_BIN = process.env.SECURITY_INFO_SERVER_BIN;
export const DIST_DIR = process.env.SECURITY_INFO_DIST ?? join(ROOT, "dist");
export const PORTAL_DIR = join(ROOT, "www/portal");
export const SCREENSHOT_DIR = join(ROOT, "docs/screenshots");

export const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/** Starts the demo server with a fresh SQLite database; resolves once it printed its URL. */
export async function startServer(extraArgs = []) {
  if (!SERVER_BIN) throw new Error("set SECURITY_INFO_SERVER_BIN to the server binary");
  const dataDir = mkdtempSync(join(tmpdir(), "si-e2e-data-"));
  const child = spawn(
    SERVER_BIN,
    // Every test browser comes from 127.0.0.1: the per-client limit would be shared by all.
    ["--demo", "--listen", "127.0.0.1:0", "--static-dir", DIST_DIR, "--data-dir", dataDir, "--rate-limit-client", "1000", ...extraArgs],
    { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, RUST_LOG: process.env.RUST_LOG ?? "warn" } },
  );
  let output = "";
  const urls = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${output}`)), 30_000);
    const found = {};
    child.stdout.on("data", (chunk) => {
      output += chunk;
      const main = output.match(/listening on (http:\/\/localhost:\d+)/);
      const portal = output.match(/portal on (http:\/\/localhost:\d+)/);
      if (main) found.url = main[1];
      if (portal) found.portalUrl = portal[1];
      const wantPortal = extraArgs.includes("--portal-listen");
      if (found.url && (!wantPortal || found.portalUrl)) {
        clearTimeout(timer);
        resolve(found);
      }
    });
    child.stderr.on("data", (chunk) => (output += chunk));
    child.on("exit", (code) => reject(new Error(`server exited with ${code}:\n${output}`)));
  });
  // The portal example's users and their passwords for this run ("portal user: x / y").
  const portalUsers = [...output.matchAll(/^portal user: (\S+) \/ (\S+)$/gm)].map((m) => ({ user: m[1], password: m[2] }));
  return {
    ...urls,
    portalUsers,
    dataDir,
    output: () => output,
    async stop() {
      child.kill("SIGTERM");
      await new Promise((r) => child.once("exit", r));
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * Runs `security-info-server admin ARGS…` on a running server's database and key (its
 * --data-dir, as the server was started); resolves with { code, stdout, stderr }.
 */
export function admin(server, ...args) {
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !k.startsWith("SECURITY_INFO_") && k !== "DATABASE_URL"),
  );
  return new Promise((resolve) => {
    execFile(SERVER_BIN, ["admin", ...args], { env: { ...env, SECURITY_INFO_DATA_DIR: server.dataDir, RUST_LOG: "warn" } },
      (error, stdout, stderr) => resolve({ code: error ? error.code ?? 1 : 0, stdout, stderr }));
  });
}

/**
 * Imports hardware tokens with `admin tokens import FILE.csv` (the CSV header of the
 * big identity providers; an empty upn leaves a token available to anyone). Each token
 * is { serial, secret (Base32), upn? }. Resolves with the command's result.
 */
export async function importTokens(server, tokens) {
  const dir = mkdtempSync(join(tmpdir(), "si-e2e-tokens-"));
  const file = join(dir, "tokens.csv");
  const lines = tokens.map((t) => `${t.upn ?? ""},${t.serial},${t.secret},30,Contoso,OATH-TOTP fob`);
  writeFileSync(file, ["upn,serial number,secret key,time interval,manufacturer,model", ...lines].join("\n") + "\n");
  try {
    return await admin(server, "tokens", "import", file);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A fresh 160-bit Base32 secret, made by the independent TOTP library. */
export const newTokenSecret = () => new OTPAuth.Secret({ size: 20 }).base32;

/** A fresh Chromium profile; pages collect console errors and CSP violations. */
export async function launch(options = {}) {
  const profile = mkdtempSync(join(tmpdir(), "si-e2e-chromium-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: 1100, height: 900 },
    ...options,
  });
  context.problems = [];
  context.setDefaultTimeout(10_000);
  await context.addInitScript(() => {
    document.addEventListener("securitypolicyviolation", (e) => {
      console.error(`CSP violation: ${e.violatedDirective} ${e.blockedURI}`);
    });
  });
  context.on("page", (page) => watch(context, page));
  for (const page of context.pages()) watch(context, page);
  return {
    context,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

// Answers the protocol expects: a step-up request before a sensitive change. Chromium
// logs every 4xx as "Failed to load resource"; those lines are judged by the response
// they belong to instead, and any other error status is a problem.
const EXPECTED_PROBLEMS = new Set(["step-up-required"]);
const RESOURCE_ERROR = /^Failed to load resource: the server responded with a status of/;

function watch(context, page) {
  const report = (problem) => {
    if (!context.ignoreProblems?.test(problem)) context.problems.push(problem);
  };
  page.on("console", (msg) => {
    if (msg.type() === "error" && !RESOURCE_ERROR.test(msg.text())) {
      report(`${page.url()}: ${msg.text()}`);
    }
  });
  page.on("pageerror", (err) => report(`${page.url()}: ${err.message}`));
  page.on("response", async (response) => {
    if (response.status() < 400) return;
    let code = "";
    try {
      code = (await response.json()).code ?? "";
    } catch {
      // Not a problem+json body.
    }
    // The demo's boot.js asks for the list before it knows whether anyone is signed in
    // (one request for a signed-in visit); a signed-out visit answers 401 and the page
    // then asks for the session.
    const signedOutProbe =
      code === "unauthenticated" && response.request().method() === "GET" &&
      new URL(response.url()).pathname === "/api/me/security-info" && new URL(page.url()).pathname === "/";
    if (!EXPECTED_PROBLEMS.has(code) && !signedOutProbe) {
      report(`${response.request().method()} ${response.url()}: ${response.status()} ${code}`);
    }
  });
}

/** The current code for a Base32 secret, computed by an independent TOTP library. */
export function totpCode(secret, offsetSteps = 0) {
  const totp = new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(secret.replace(/\s+/g, "")), digits: 6, period: 30 });
  return totp.generate({ timestamp: Date.now() + offsetSteps * 30_000 });
}

export const byId = (id) => `[data-testid="${id}"]`;

export async function screenshot(page, name) {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOT_DIR, `${name}.png`), fullPage: true });
}

/** Demo sign-in with a password (and the second factor when `secret` is given). */
export async function signIn(page, baseUrl, username, { secret, query = "" } = {}) {
  await page.goto(`${baseUrl}/${query}`);
  await page.fill(byId("sign-in-username"), username);
  await page.fill(byId("sign-in-password"), `${username}-demo-password`);
  await page.click(byId("sign-in-submit"));
  if (secret) await verify(page, secret, 0);
  await page.locator(byId("security-info")).waitFor();
  await page.locator(byId("add-method")).waitFor();
}

/** Signs in to the portal example with its first user, unless the page already is. */
export async function portalSignIn(page, server, { query = "" } = {}) {
  await page.goto(`${server.portalUrl}/${query}`);
  const form = page.locator(byId("portal-sign-in-form"));
  const embed = page.locator(byId("portal-embed"));
  await Promise.race([form.waitFor(), embed.locator(byId("security-info")).waitFor()]);
  if (await form.isVisible()) {
    const { user, password } = server.portalUsers[0];
    await page.fill(byId("portal-username"), user);
    await page.fill(byId("portal-password"), password);
    await page.click(byId("portal-sign-in-submit"));
  }
  await embed.locator(byId("security-info")).waitFor();
  return embed;
}

/** Answers the "Verify your identity" dialog with a code for `secret`. */
export async function verify(page, secret, offsetSteps = 0) {
  const dialog = page.locator(byId("verify-dialog"));
  await dialog.waitFor();
  await dialog.locator(byId("verify-input")).fill(totpCode(secret, offsetSteps));
  await dialog.locator(byId("verify-submit")).click();
  await dialog.waitFor({ state: "detached" });
}

/**
 * Adds an authenticator app through the wizard, reading the secret under "Can't scan
 * image?". When the server asks for a step-up first, answers it with `stepUp` =
 * { secret, offsetSteps }. Returns the new method's Base32 secret.
 */
export async function enrolTotp(page, { stepUp, name } = {}) {
  const before = await rows(page).count();
  await addMethod(page, "totp", { source: "app" });
  const wizard = page.locator(byId("authenticator-wizard"));
  await wizard.waitFor();
  await wizard.locator(byId("wizard-next")).click(); // get the app → set up
  await wizard.locator(byId("wizard-next")).click(); // set up → scan
  if (stepUp) await verify(page, stepUp.secret, stepUp.offsetSteps ?? 0);
  await wizard.locator(byId("cant-scan")).click();
  const secret = (await wizard.locator(byId("manual-secret")).textContent()).replace(/\s+/g, "");
  await wizard.locator(byId("wizard-next")).click(); // scan → code
  await wizard.locator(byId("code-input")).fill(totpCode(secret));
  await wizard.locator(byId("code-submit")).click();
  await wizard.locator(byId("wizard-done")).click();
  await wizard.waitFor({ state: "detached" });
  await waitForCount(rows(page), before + 1);
  if (name) await renameLast(page, name);
  return secret;
}

/**
 * "Add sign-in method" → choose `type` → "Add"; returns the add dialog. For "totp",
 * `source` ("app" or "hardware") answers "Where will your codes come from?".
 */
export async function addMethod(page, type, { source } = {}) {
  await page.click(byId("add-method"));
  const add = page.locator(byId("add-method-dialog"));
  await add.waitFor();
  await selectMethodType(add, type);
  await add.locator(byId("add-confirm")).click();
  if (source) await add.locator(byId(`source-${source}`)).click();
  return add;
}

/**
 * Activates the hardware token `serial` with the current code for `secret` (computed by
 * the independent TOTP library). Expects success unless `expectError`: then resolves
 * with the dialog's error text and leaves the dialog open.
 */
export async function activateToken(page, { serial, secret, expectError = false }) {
  const before = await rows(page).count();
  const dialog = page.locator(byId("hardware-token-dialog"));
  if (!(await dialog.isVisible())) await addMethod(page, "totp", { source: "hardware" });
  await dialog.waitFor();
  await dialog.locator(byId("serial-input")).fill(serial);
  await dialog.locator(byId("code-input")).fill(totpCode(secret));
  await dialog.locator(byId("token-submit")).click();
  if (expectError) {
    const error = dialog.locator(byId("error")).filter({ hasText: /\S/ });
    await error.waitFor();
    return (await error.textContent()).trim();
  }
  await dialog.waitFor({ state: "detached" });
  await waitForCount(rows(page), before + 1);
  return null;
}

export async function selectMethodType(dialog, type) {
  const value = await dialog.locator(`${byId("method-select")} option[data-method-type="${type}"]`).getAttribute("value");
  await dialog.locator(byId("method-select")).selectOption(value);
}

export async function renameLast(page, name) {
  const row = page.locator(byId("method-row")).last();
  await row.locator(byId("rename-method")).click();
  await page.locator(byId("rename-input")).fill(name);
  await page.locator(byId("rename-save")).click();
  await page.locator(byId("method-row"), { hasText: name }).waitFor();
}

export const rows = (page) => page.locator(byId("method-row"));

/** Waits until `locator` matches exactly `n` elements (lists re-render after a reload). */
export async function waitForCount(locator, n, timeout = 10_000) {
  const deadline = Date.now() + timeout;
  while ((await locator.count()) !== n) {
    if (Date.now() > deadline) throw new Error(`expected ${n} elements, found ${await locator.count()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * Registers before/after hooks for the calling test file: one fresh server (extra server
 * arguments allowed) and one browser. Returns an object whose `server` and `browser`
 * fields are set once the hooks ran.
 */
export function useDemo(serverArgs = []) {
  const env = {};
  before(async () => {
    env.server = await startServer(serverArgs);
    env.browser = await launch();
  });
  after(async () => {
    await env.browser?.close();
    await env.server?.stop();
  });
  return env;
}

/**
 * Opens the outbox panel (once), refreshes it until it holds `count` messages and
 * returns the newest: its kind, its heading ("Text to …") and its text.
 */
export async function newestMessage(page, count) {
  const outbox = page.locator(byId("outbox"));
  if (!(await outbox.evaluate((d) => d.open))) await outbox.locator("summary").click();
  await outbox.locator(byId("outbox-refresh")).click();
  await waitForCount(outbox.locator(byId("outbox-message")), count);
  const first = outbox.locator(byId("outbox-message")).first();
  return {
    kind: await first.getAttribute("data-kind"),
    to: (await first.locator(".si-demo-outbox-to").textContent()).trim(),
    text: (await first.locator(".si-demo-outbox-text").textContent()).trim(),
  };
}

/** The code in a text ("… is 123456 …") or a call ("… is 1, 2, 3, 4, 5, 6 …"). */
export function codeIn(text) {
  const match = text.match(/\d(?:, )?\d(?:, )?\d(?:, )?\d(?:, )?\d(?:, )?\d/);
  if (!match) throw new Error(`no code in ${text}`);
  return match[0].replace(/\D/g, "");
}
