//! What a host configures: plain data plus callbacks, so the JS embedding can map its
//! options (`baseUrl`, `auth`, `locale`, `messages`, …) one to one onto these fields.

use crate::error::ClientError;
use security_info_core::api::{DEFAULT_BASE_URL, DefaultMethod, Method, SecurityInfo};
use security_info_core::methods::MethodType;
use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;

/// A future produced by a host callback (a JS promise, or Rust async code).
pub type HostFuture<T> = Pin<Box<dyn Future<Output = T>>>;

/// Asks the host for a bearer token; `None` when it has none (the user is signed out).
/// Called before every request (hosts cache tokens) and once more after a 401.
pub type GetToken = Rc<dyn Fn() -> HostFuture<Option<String>>>;

/// A request as the client sends it, for a [`Transport`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outgoing {
    pub method: String,
    /// Base URL and path.
    pub url: String,
    /// The JSON body, if any.
    pub body: Option<String>,
}

/// What came back: the status, the body text and a `Retry-After` in seconds.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Answer {
    pub status: u16,
    pub body: String,
    pub retry_after: Option<u64>,
}

/// Sends a request instead of the browser's `fetch`: a host's own HTTP layer, or a
/// test's stub server.
pub type Transport = Rc<dyn Fn(Outgoing) -> HostFuture<Result<Answer, ClientError>>>;

/// A host callback that is told about something (`on_load`, `on_add`, …).
pub type Hook<T> = Rc<dyn Fn(&T)>;
/// `on_default_change`: the new default, `None` when no two-step method is left.
pub type DefaultChangeHook = Rc<dyn Fn(Option<&DefaultMethod>)>;
/// `on_before_action`: answers whether a change may go ahead.
pub type BeforeAction = Rc<dyn Fn(Action, Option<MethodType>) -> HostFuture<bool>>;

/// How requests authenticate.
#[derive(Clone, Default)]
pub enum Auth {
    /// The portal's session cookie: requests include credentials and carry the CSRF
    /// header ([`security_info_core::api::CSRF_HEADER`]).
    #[default]
    Cookies,
    /// `Authorization: Bearer` with a token from the host.
    Bearer(GetToken),
}

/// A change the user is about to make, offered to [`Config::on_before_action`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Add,
    Delete,
    Rename,
    ChangeDefault,
}

impl Action {
    /// The name used in the JS callback (`onBeforeAction("add", "totp")`).
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Add => "add",
            Action::Delete => "delete",
            Action::Rename => "rename",
            Action::ChangeDefault => "change-default",
        }
    }
}

/// Per method type: shown in the list, and offered in "Add a method".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MethodOptions {
    pub visible: bool,
    pub enabled: bool,
}

impl Default for MethodOptions {
    fn default() -> Self {
        Self {
            visible: true,
            enabled: true,
        }
    }
}

/// Colour scheme of the component root (`data-theme`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Theme {
    /// Follows `prefers-color-scheme`.
    #[default]
    Auto,
    Light,
    Dark,
}

impl Theme {
    pub fn as_str(self) -> &'static str {
        match self {
            Theme::Auto => "auto",
            Theme::Light => "light",
            Theme::Dark => "dark",
        }
    }
}

/// Everything a host can set. `Config::default()` talks to `/api` with cookies in the
/// browser's language.
#[derive(Clone)]
pub struct Config {
    /// Base URL of the REST API, without trailing slash (default `/api`).
    pub base_url: String,
    pub auth: Auth,
    /// Extra request headers (tenant ids, tracing).
    pub headers: Vec<(String, String)>,
    /// Requests go through this instead of `fetch` when set.
    pub transport: Option<Transport>,
    /// Milliseconds before a request is abandoned as timed out (default 15 000).
    pub timeout_ms: u32,
    /// The answer to the first security-info request when the page's script already sent
    /// it, in parallel with the wasm download (the npm package's `mount` does): a Promise
    /// of `{ status, body, retryAfter }`. The page's first load takes it instead of
    /// sending the request; a rejected one falls back to sending it.
    pub first_answer: Option<js_sys::Promise>,
    /// The first security-info answer, already read and shown (the embedding's first
    /// paint did): the page starts from it without a request, as if it had loaded it.
    pub first_info: Option<SecurityInfo>,
    /// BCP 47 tag; `None` follows `navigator.languages`.
    pub locale: Option<String>,
    /// Per-key text overrides for whatever locale is active (key names: [`crate::i18n::Key::name`]).
    pub messages: HashMap<String, String>,
    /// Host-added locales: tag → (key name → text). Missing keys fall back to English.
    pub locales: HashMap<String, HashMap<String, String>>,
    /// Per method type visibility; types not listed are visible and enabled.
    pub methods: HashMap<MethodType, MethodOptions>,
    /// Show the list only: no add, change, rename or delete.
    pub read_only: bool,
    /// Leave out the title and introduction (the host has its own).
    pub hide_header: bool,
    pub disable_add: bool,
    pub disable_delete: bool,
    pub theme: Theme,
    /// Where "Download now" in the authenticator wizard points; `None` hides the link.
    pub app_url: Option<String>,
    /// After the security info loaded (and after each reload).
    pub on_load: Option<Hook<SecurityInfo>>,
    /// After a method was added (with the server's record of it).
    pub on_add: Option<Hook<Method>>,
    /// After a method was deleted.
    pub on_delete: Option<Hook<Method>>,
    /// After the default sign-in method changed (by choice, or by a delete's fallback).
    pub on_default_change: Option<DefaultChangeHook>,
    /// Whenever a request failed (the UI shows its own message too).
    pub on_error: Option<Hook<ClientError>>,
    /// Asked before a change; answering `false` cancels it silently.
    pub on_before_action: Option<BeforeAction>,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            base_url: DEFAULT_BASE_URL.to_owned(),
            auth: Auth::Cookies,
            headers: Vec::new(),
            transport: None,
            timeout_ms: 15_000,
            first_answer: None,
            first_info: None,
            locale: None,
            messages: HashMap::new(),
            locales: HashMap::new(),
            methods: HashMap::new(),
            read_only: false,
            hide_header: false,
            disable_add: false,
            disable_delete: false,
            theme: Theme::Auto,
            app_url: Some("https://aka.ms/getMicrosoftAuthenticator".to_owned()),
            on_load: None,
            on_add: None,
            on_delete: None,
            on_default_change: None,
            on_error: None,
            on_before_action: None,
        }
    }
}

impl Config {
    fn method_options(&self, t: MethodType) -> MethodOptions {
        self.methods.get(&t).copied().unwrap_or_default()
    }

    /// The translations this configuration asks for: its `locale`, else the browser's
    /// preferences.
    pub fn i18n(&self) -> crate::i18n::I18n {
        let wanted = match &self.locale {
            Some(tag) => vec![tag.clone()],
            None => crate::i18n::browser_languages(),
        };
        crate::i18n::I18n::resolve(&wanted, &self.locales, &self.messages)
    }

    /// Rows of this type are shown.
    pub fn shows(&self, t: MethodType) -> bool {
        self.method_options(t).visible
    }

    /// This type may be offered in "Add a method" (the policy decides too).
    pub fn offers(&self, t: MethodType) -> bool {
        let o = self.method_options(t);
        o.visible && o.enabled && !self.read_only && !self.disable_add
    }

    /// Asks [`Config::on_before_action`]; no callback means go ahead.
    pub async fn allows(&self, action: Action, t: Option<MethodType>) -> bool {
        match &self.on_before_action {
            Some(ask) => ask(action, t).await,
            None => true,
        }
    }
}
