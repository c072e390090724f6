// Security questions (issue 13; password reset only) against the real server in demo
// mode with its default questions (English and Dutch): the person picks three different
// questions (each select leaves out the others' choices), answers of at least three
// characters; "Change" replaces the whole set. English, then Dutch.
import { test } from "node:test";
import assert from "node:assert/strict";
import { useDemo, byId, signIn, addMethod, rows, waitForCount } from "./harness.mjs";

const demo = useDemo();

/** The texts of the options of select `i` (without "Choose a question"). */
async function optionsOf(dialog, i) {
  const texts = await dialog.locator(byId("question-select")).nth(i).locator("option").allTextContents();
  return texts.slice(1).map((t) => t.trim());
}

/** Picks the questions `labels` in order and gives each answer of `answers`. */
async function fill(dialog, labels, answers) {
  for (const [i, label] of labels.entries()) {
    await dialog.locator(byId("question-select")).nth(i).selectOption({ label });
    await dialog.locator(byId("answer-input")).nth(i).fill(answers[i]);
  }
}

test("three different questions are picked and answered (en); Change replaces the set", async () => {
  const page = await demo.browser.context.newPage();
  await signIn(page, demo.server.url, "alice");
  await page.locator(byId("empty")).waitFor();
  await addMethod(page, "security_questions");
  const dialog = page.locator(byId("questions-dialog"));
  await waitForCount(dialog.locator(byId("question-select")), 3);
  assert.match(await dialog.textContent(), /Choose 3 questions and answer them\./);
  assert.match(await dialog.textContent(), /Can only be used for password reset/);
  const all = await optionsOf(dialog, 0);
  assert.equal(all.length, 6);
  assert.ok(all.includes("What was the name of your first pet?"));

  // Nothing chosen: the first select is marked.
  await dialog.locator(byId("questions-submit")).click();
  await dialog.locator(byId("error"), { hasText: "Choose question 1." }).waitFor();
  assert.equal(await dialog.locator(byId("question-select")).first().getAttribute("aria-invalid"), "true");

  // A chosen question leaves the other selects.
  await dialog.locator(byId("question-select")).first().selectOption({ label: "What was the name of your first pet?" });
  for (const i of [1, 2]) {
    assert.deepEqual(await optionsOf(dialog, i), all.filter((q) => q !== "What was the name of your first pet?"), `select ${i + 1}`);
  }
  assert.deepEqual(await optionsOf(dialog, 0), all, "its own choice stays");

  // An answer under three characters is refused in the browser.
  await fill(dialog, [all[0], all[1], all[2]], ["Rex", " ab ", "Pip"]);
  await dialog.locator(byId("questions-submit")).click();
  await dialog.locator(byId("error"), { hasText: "Answer 2 needs at least 3 characters." }).waitFor();
  assert.equal(await dialog.locator(byId("answer-input")).nth(1).getAttribute("aria-invalid"), "true");
  await dialog.locator(byId("answer-input")).nth(1).fill("Amsterdam");
  await dialog.locator(byId("questions-submit")).click();
  await dialog.waitFor({ state: "detached" });
  await waitForCount(rows(page), 1);
  const row = rows(page).first();
  assert.equal(await row.getAttribute("data-method-type"), "security_questions");
  assert.match(await row.textContent(), /Can only be used for password reset/);
  await page.locator(byId("default-method"), { hasText: "Default sign-in method: none yet" }).waitFor();
  const id = await row.getAttribute("data-method-id");

  // Change: a whole new set in place of the old one.
  await row.locator(byId("change-method")).click();
  await waitForCount(dialog.locator(byId("question-select")), 3);
  await dialog.locator(byId("replaces-note"), { hasText: "Your new answers replace all of your current ones." }).waitFor();
  assert.equal(await dialog.locator(byId("use-other-method")).count(), 0, "changing, not adding");
  await fill(dialog, [all[5], all[4], all[3]], ["Utrecht", "Volvo", "Mrs Smith"]);
  await dialog.locator(byId("questions-submit")).click();
  await dialog.waitFor({ state: "detached" });
  await page.locator(byId("notice")).filter({ hasText: /\S/ }).waitFor();
  assert.equal(await rows(page).count(), 1, "replaced, not added");
  assert.equal(await rows(page).first().getAttribute("data-method-id"), id);
  assert.deepEqual(demo.browser.context.problems, []);
  await page.close();
});

test("the same in Dutch: Beveiligingsvragen with the Dutch questions", async () => {
  await demo.browser.context.clearCookies();
  const page = await demo.browser.context.newPage();
  await signIn(page, demo.server.url, "bob", { query: "?locale=nl" });
  await page.locator(byId("empty")).waitFor();
  await addMethod(page, "security_questions");
  const dialog = page.locator(byId("questions-dialog"));
  await waitForCount(dialog.locator(byId("question-select")), 3);
  assert.equal((await dialog.locator("h2, h1").first().textContent()).trim(), "Beveiligingsvragen");
  assert.match(await dialog.textContent(), /Kies 3 vragen en beantwoord ze\./);
  const all = await optionsOf(dialog, 0);
  assert.ok(all.includes("Hoe heette uw eerste huisdier?"), all.join(" | "));
  await dialog.locator(byId("questions-submit")).click();
  await dialog.locator(byId("error"), { hasText: "Kies vraag 1." }).waitFor();
  await fill(dialog, [all[0], all[1], all[2]], ["Rex", "ab", "Pip"]);
  await dialog.locator(byId("questions-submit")).click();
  await dialog.locator(byId("error"), { hasText: "Antwoord 2 moet minstens 3 tekens hebben." }).waitFor();
  await dialog.locator(byId("answer-input")).nth(1).fill("Groningen");
  await dialog.locator(byId("questions-submit")).click();
  await dialog.waitFor({ state: "detached" });
  await waitForCount(rows(page), 1);
  assert.equal(await rows(page).first().getAttribute("data-method-type"), "security_questions");
  assert.match(await rows(page).first().textContent(), /Kan alleen worden gebruikt voor wachtwoordherstel/);
  assert.deepEqual(demo.browser.context.problems, []);
  await page.close();
});
