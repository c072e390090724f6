// Loads the wasm bundle named by the <script data-js data-wasm> tag. An external module
// instead of Trunk's inline loader, so the page runs under script-src 'self'.
//
// The list's request leaves first, in parallel with the wasm download: its answer also
// names the signed-in person (the `session` field), so a signed-in visit makes one API
// request before the list shows instead of two in a row (session, then list). The demo
// (src/bin/demo.rs) takes the answer from here, the shape the npm wrapper's
// sendFirstRequest gives the library: { status, body, retryAfter }.
globalThis.securityInfoFirstAnswer = fetch("/api/me/security-info", {
  headers: { accept: "application/json, application/problem+json", "x-security-info-csrf": "1" },
  credentials: "same-origin",
}).then(async (response) => ({
  status: response.status,
  body: await response.text(),
  retryAfter: Number(response.headers.get("retry-after")) || undefined,
}));
// A failed request only means the wasm sends its own.
globalThis.securityInfoFirstAnswer.catch(() => {});
const tag = document.querySelector("script[data-wasm]");
const { default: init } = await import(tag.dataset.js);
await init({ module_or_path: tag.dataset.wasm });
