// security-info for any page: `mount(element, options)` and the <security-info> custom
// element. Loads the WebAssembly module once, on first use.
import init, { mount as mountWasm } from "./security_info.js";

let ready;
function load() {
  ready ??= init({ module_or_path: new URL("./security_info_bg.wasm", import.meta.url) });
  return ready;
}

/**
 * Renders the Security info page into `element` (light DOM).
 * Resolves to a handle whose `unmount()` removes it; rejects with a TypeError naming the
 * problem when the element or an option is invalid.
 */
export async function mount(element, options = {}) {
  if (!(element instanceof HTMLElement)) {
    throw new TypeError("mount(element, options): element must be an HTMLElement");
  }
  const firstAnswer = sendFirstRequest(options);
  await load();
  return mountWasm(element, options, firstAnswer);
}

// The list's request leaves now, in parallel with the wasm download and compile, instead
// of after them: the wasm takes this answer (and sends its own request if this one
// failed). With bearer auth it waits for getToken; a host transport gets no early request.
function sendFirstRequest(options) {
  if (!options || typeof options !== "object" || options.transport) return undefined;
  // The wasm checks the options; a base URL it would refuse is not even tried here.
  if (options.baseUrl !== undefined && !/^(\/|https?:\/\/)/.test(String(options.baseUrl))) return undefined;
  const base = typeof options.baseUrl === "string" ? options.baseUrl.replace(/\/+$/, "") : "/api";
  const extra = options.headers && typeof options.headers === "object" ? options.headers : {};
  const answer = (async () => {
    const headers = { ...extra, accept: "application/json, application/problem+json" };
    const init = { method: "GET", headers, credentials: "include" };
    if (typeof options.getToken === "function") {
      const token = await options.getToken();
      if (!token) throw new Error("no token");
      headers.authorization = `Bearer ${token}`;
      init.credentials = "omit";
    } else {
      headers["x-security-info-csrf"] = "1";
    }
    if (typeof options.timeoutMs === "number") init.signal = AbortSignal.timeout(options.timeoutMs);
    const response = await fetch(`${base}/me/security-info`, init);
    const retryAfter = Number(response.headers.get("retry-after"));
    return { status: response.status, body: await response.text(), retryAfter: retryAfter || undefined };
  })();
  // Invalid options make mount throw before the wasm awaits this: no unhandled rejection.
  answer.catch(() => {});
  return answer;
}

// Attribute → option, for the custom element. Functions and objects (getToken, callbacks,
// messages, locales, methods, headers) are set as element properties instead.
const STRING_ATTRIBUTES = { "base-url": "baseUrl", locale: "locale", theme: "theme", auth: "auth", "app-url": "appUrl" };
const BOOLEAN_ATTRIBUTES = {
  "read-only": "readOnly",
  "hide-header": "hideHeader",
  "disable-add": "disableAdd",
  "disable-delete": "disableDelete",
};
const PROPERTIES = [
  "getToken",
  "headers",
  "timeoutMs",
  "messages",
  "locales",
  "methods",
  "onLoad",
  "onAdd",
  "onDelete",
  "onDefaultChange",
  "onError",
  "onBeforeAction",
];

/** `<security-info base-url="/api" locale="nl" theme="dark">`, rendered in light DOM. */
export class SecurityInfoElement extends HTMLElement {
  static observedAttributes = [...Object.keys(STRING_ATTRIBUTES), ...Object.keys(BOOLEAN_ATTRIBUTES)];

  #handle = null;
  #generation = 0;
  #scheduled = false;
  #properties = {};

  constructor() {
    super();
    for (const name of PROPERTIES) {
      // A property set before the element was upgraded is kept.
      const early = Object.prototype.hasOwnProperty.call(this, name) ? this[name] : undefined;
      delete this[name];
      Object.defineProperty(this, name, {
        get: () => this.#properties[name],
        set: (value) => {
          this.#properties[name] = value;
          this.#schedule();
        },
      });
      if (early !== undefined) this.#properties[name] = early;
    }
  }

  connectedCallback() {
    this.#schedule();
  }

  disconnectedCallback() {
    this.#generation++;
    this.#handle?.unmount();
    this.#handle = null;
  }

  attributeChangedCallback() {
    this.#schedule();
  }

  /** The options the element passes to `mount`. */
  get options() {
    const options = {};
    for (const [attribute, option] of Object.entries(STRING_ATTRIBUTES)) {
      if (this.hasAttribute(attribute)) options[option] = this.getAttribute(attribute);
    }
    for (const [attribute, option] of Object.entries(BOOLEAN_ATTRIBUTES)) {
      if (this.hasAttribute(attribute)) options[option] = this.getAttribute(attribute) !== "false";
    }
    for (const [name, value] of Object.entries(this.#properties)) {
      if (value !== undefined) options[name] = value;
    }
    if (options.getToken && !options.auth) options.auth = "bearer";
    return options;
  }

  // Several attribute or property changes in one task re-render once.
  #schedule() {
    if (this.#scheduled) return;
    this.#scheduled = true;
    queueMicrotask(() => {
      this.#scheduled = false;
      if (this.isConnected) this.#render();
    });
  }

  async #render() {
    const generation = ++this.#generation;
    this.#handle?.unmount();
    this.#handle = null;
    const options = this.options;
    // auth="bearer" in the markup: wait for the page's script to set getToken rather
    // than fail a first request without a token.
    if (options.auth === "bearer" && !options.getToken) return;
    try {
      const handle = await mount(this, options);
      if (generation === this.#generation && this.isConnected) this.#handle = handle;
      else handle.unmount();
    } catch (error) {
      console.error(error);
      this.dispatchEvent(new CustomEvent("security-info:error", { bubbles: true, detail: { message: String(error.message ?? error) } }));
    }
  }
}

if (!customElements.get("security-info")) {
  customElements.define("security-info", SecurityInfoElement);
}
