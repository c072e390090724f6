// Type declarations for the security-info ES module.

export type MethodType =
  | "authenticator_push"
  | "totp"
  | "phone"
  | "security_key"
  | "email"
  | "security_questions";
export type Usage = "mfa" | "sspr";
export type DefaultMode = "notification" | "code" | "text" | "call" | "key";

export interface Method {
  id: string;
  type: MethodType;
  name: string;
  detail?: string;
  phoneKind?: "mobile" | "office";
  usableFor: Usage[];
  defaultModes: DefaultMode[];
  createdAt: number;
  lastUsedAt: number | null;
}

export interface DefaultMethod {
  methodId: string;
  mode: DefaultMode;
}

export interface SecurityInfo {
  methods: Method[];
  defaultMethod: DefaultMethod | null;
  policy: {
    allowedMethods: MethodType[];
    maxAuthenticators: number;
    allowDeleteLastMfaMethod: boolean;
    stepUpWindowSecs: number;
    securityQuestionsRequired: number;
    authenticatorName: string;
  };
  stepUp: { required: boolean; freshUntil: number | null };
  serverTime: number;
  /** The reference server's demo session, only for a request with its cookie. */
  session?: { username: string; authenticated: boolean };
}

export interface SecurityInfoError {
  /** The contract's problem code (`limit-reached`, `step-up-required`, …) or `network`. */
  code: string;
  message: string;
}

export type Action = "add" | "delete" | "rename" | "change-default";

export interface Options {
  /** REST API base URL: a path ("/api", the default) or an http(s) URL. */
  baseUrl?: string;
  /** "cookies" (default; credentials + CSRF header) or "bearer" (needs getToken). */
  auth?: "cookies" | "bearer";
  /** Bearer token source; asked before requests and once more after a 401. */
  getToken?: () => string | null | Promise<string | null>;
  /** Extra request headers. */
  headers?: Record<string, string>;
  /** Request timeout in milliseconds (default 15000). */
  timeoutMs?: number;
  /** "en", "nl", or a locale added through `locales`; default: the browser's languages. */
  locale?: string;
  /** Per-key text overrides. */
  messages?: Record<string, string>;
  /** Host-added locales: tag → key → text (missing keys fall back to English). */
  locales?: Record<string, Record<string, string>>;
  /** Per method type: shown and offered (true/false, or { visible, enabled }). */
  methods?: Partial<Record<MethodType, boolean | { visible?: boolean; enabled?: boolean }>>;
  readOnly?: boolean;
  hideHeader?: boolean;
  disableAdd?: boolean;
  disableDelete?: boolean;
  theme?: "auto" | "light" | "dark";
  /** Where "Download now" points in the authenticator wizard; null hides the link. */
  appUrl?: string | null;
  onLoad?: (info: SecurityInfo) => void;
  onAdd?: (method: Method) => void;
  onDelete?: (method: Method) => void;
  onDefaultChange?: (defaultMethod: DefaultMethod | null) => void;
  onError?: (error: SecurityInfoError) => void;
  /** Return false (or a promise of false) to cancel the action. */
  onBeforeAction?: (action: Action, methodType: MethodType | null) => boolean | void | Promise<boolean | void>;
}

export interface SecurityInfoHandle {
  /** Removes the component; calling it twice does nothing. */
  unmount(): void;
}

/** Renders the Security info page into `element`; rejects with a TypeError on bad options. */
export function mount(element: HTMLElement, options?: Options): Promise<SecurityInfoHandle>;

/** `<security-info base-url="/api" locale="nl" theme="dark">` (light DOM). */
export class SecurityInfoElement extends HTMLElement {
  readonly options: Options;
  getToken?: Options["getToken"];
  headers?: Options["headers"];
  timeoutMs?: Options["timeoutMs"];
  messages?: Options["messages"];
  locales?: Options["locales"];
  methods?: Options["methods"];
  onLoad?: Options["onLoad"];
  onAdd?: Options["onAdd"];
  onDelete?: Options["onDelete"];
  onDefaultChange?: Options["onDefaultChange"];
  onError?: Options["onError"];
  onBeforeAction?: Options["onBeforeAction"];
}

declare global {
  interface HTMLElementTagNameMap {
    "security-info": SecurityInfoElement;
  }
  interface HTMLElementEventMap {
    "security-info:method-added": CustomEvent<{ method: Method }>;
    "security-info:method-deleted": CustomEvent<{ method: Method }>;
    "security-info:default-changed": CustomEvent<{ defaultMethod: DefaultMethod | null }>;
    "security-info:error": CustomEvent<{ message: string }>;
  }
}
