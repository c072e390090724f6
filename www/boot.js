// Loads the wasm bundle named by the <script data-js data-wasm> tag. An external module
// instead of Trunk's inline loader, so the page runs under script-src 'self'.
const tag = document.querySelector("script[data-wasm]");
const { default: init } = await import(tag.dataset.js);
await init({ module_or_path: tag.dataset.wasm });
