//! What the page provides to its dialogs: config, client, translations, and the step-up
//! coordination (a change refused with `step-up-required` waits for the verify dialog,
//! then is sent once more).

use crate::client::{Call, Client};
use crate::config::{Action as HostAction, Config};
use crate::error::ClientError;
use crate::i18n::I18n;
use crate::json::FromJson;
use futures_channel::oneshot;
use leptos::prelude::*;
use security_info_core::api::ErrorCode;
use security_info_core::methods::MethodType;
use send_wrapper::SendWrapper;
use std::cell::RefCell;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::sync::atomic::{AtomicU32, Ordering};
use wasm_bindgen::JsValue;

/// A pending step-up: the verify dialog answers `true` once verified, `false` (or drops
/// the sender) when the person gave up.
pub struct StepUpRequest(oneshot::Sender<bool>);

impl StepUpRequest {
    pub fn finish(self, verified: bool) {
        // The waiting action may be gone (component unmounted): nothing to tell then.
        let _ = self.0.send(verified);
    }
}

struct Inner {
    config: Config,
    client: Client,
}

/// Shared by every component under one [`crate::SecurityInfo`].
#[derive(Clone)]
pub struct Ctx {
    // The browser is single-threaded; the wrapper only satisfies the context's bounds.
    inner: SendWrapper<Rc<Inner>>,
    pub i18n: I18n,
    /// Set while an action waits for the person to verify their identity.
    pub step_up: RwSignal<Option<StepUpRequest>>,
}

impl Ctx {
    pub fn new(config: Config, i18n: I18n) -> Self {
        let client = Client::new(&config);
        Self {
            inner: SendWrapper::new(Rc::new(Inner { config, client })),
            i18n,
            step_up: RwSignal::new(None),
        }
    }

    pub fn config(&self) -> &Config {
        &self.inner.config
    }

    pub fn client(&self) -> &Client {
        &self.inner.client
    }

    /// Sends `call`; if the server wants a fresh verification first, asks for it
    /// through the verify dialog and sends the same call once more.
    pub async fn with_step_up(&self, call: &Call) -> Result<JsValue, ClientError> {
        match self.client().send(call).await {
            Err(e) if e.code() == Some(ErrorCode::StepUpRequired) => {
                let (sender, receiver) = oneshot::channel();
                self.step_up.set(Some(StepUpRequest(sender)));
                match receiver.await {
                    Ok(true) => self.client().send(call).await,
                    _ => Err(ClientError::Cancelled),
                }
            }
            other => other,
        }
    }

    /// The one sending path of every change: the host's `on_before_action` (`None`
    /// when it said no), then the call, with a step-up when the change takes one.
    async fn send(&self, change: Change) -> Option<Result<JsValue, ClientError>> {
        if let Some((action, t)) = change.ask_host
            && !self.config().allows(action, t).await
        {
            return None;
        }
        Some(if change.step_up {
            self.with_step_up(&change.call).await
        } else {
            self.client().send(&change.call).await
        })
    }

    /// Tells the host about a failure that the UI shows.
    pub fn report(&self, error: &ClientError) {
        if let Some(on_error) = &self.config().on_error {
            on_error(error);
        }
    }

    /// Reports a failure to the host and returns the message to show.
    pub fn fail(&self, error: &ClientError) -> String {
        self.report(error);
        error.message(&self.i18n)
    }

    /// A request as a Leptos action, sent with [`Request::send`]: starting clears
    /// `error`; a failure is reported to the host and its message put
    /// in `error`; every outcome goes to `reply`. Only the decoding of the answer
    /// depends on `T`: the sending is one non-generic future for all requests.
    pub(crate) fn request<T: FromJson + 'static>(
        &self,
        error: RwSignal<Option<String>>,
        reply: impl Fn(Reply<T>) + 'static,
    ) -> Request {
        let ctx = self.clone();
        let deliver: Deliver = Rc::new(move |answer| {
            reply(match answer {
                None => Reply::Declined,
                Some(answer) => {
                    match answer.and_then(|v| T::from_json(&v).map_err(ClientError::Decode)) {
                        Ok(value) => Reply::Done(value),
                        Err(e) => {
                            error.set(Some(ctx.fail(&e)));
                            Reply::Failed(e)
                        }
                    }
                }
            })
        });
        let ctx = self.clone();
        let job = move |change: Change| {
            error.set(None);
            ctx.job(change, deliver.clone())
        };
        Request {
            action: job_action(),
            job: StoredValue::new_local(Rc::new(job)),
        }
    }

    fn job(&self, change: Change, deliver: Deliver) -> Job {
        let ctx = self.clone();
        Job::new(async move { deliver(ctx.send(change).await) })
    }
}

/// Hands a sent change's outcome (`None`: the host said no) to its request.
type Deliver = Rc<dyn Fn(Option<Result<JsValue, ClientError>>)>;

/// What a request sends: its call, whether the host's `on_before_action` is asked
/// first, and whether a `step-up-required` answer opens the verify dialog.
pub struct Change {
    call: Call,
    ask_host: Option<(HostAction, Option<MethodType>)>,
    step_up: bool,
}

impl Change {
    /// `call`, stepped up when the server asks for it.
    pub fn new(call: Call) -> Self {
        Self {
            call,
            ask_host: None,
            step_up: true,
        }
    }

    /// Asks the host's `on_before_action` first.
    pub fn asking_host(mut self, action: HostAction, t: Option<MethodType>) -> Self {
        self.ask_host = Some((action, t));
        self
    }

    /// The call is itself the verification (step-up, sign-in): no step-up around it.
    pub fn without_step_up(mut self) -> Self {
        self.step_up = false;
        self
    }
}

/// How a request ended.
pub enum Reply<T> {
    Done(T),
    /// The host's `on_before_action` said no; nothing was sent.
    Declined,
    /// Reported and shown already.
    Failed(ClientError),
}

/// The work of one action run, boxed: every action of the component is an
/// `Action<Job, ()>`, so Leptos's action code is in the bundle once instead of once per
/// input and future type (typed actions measured ≈2.5 KB brotli more).
pub struct Job(SendWrapper<RefCell<Option<Work>>>);

/// A boxed request future that answers nothing (it sets signals itself).
type Work = Pin<Box<dyn Future<Output = ()>>>;

impl Job {
    pub fn new(work: impl Future<Output = ()> + 'static) -> Self {
        Self(SendWrapper::new(RefCell::new(Some(Box::pin(work)))))
    }
}

/// An action that runs the [`Job`] it is dispatched with.
pub fn job_action() -> Action<Job, ()> {
    Action::new_local(|job: &Job| {
        let work = job.0.borrow_mut().take();
        async move {
            if let Some(work) = work {
                work.await;
            }
        }
    })
}

/// A request the UI sends one at a time: a double click or a second Enter while it is
/// under way is ignored, so it can never create two methods.
#[derive(Clone, Copy)]
pub struct Request {
    action: Action<Job, ()>,
    job: StoredValue<Rc<dyn Fn(Change) -> Job>, LocalStorage>,
}

impl Request {
    pub fn send(&self, change: Change) {
        if !self.action.pending().get_untracked()
            && let Some(job) = self.job.try_with_value(|job| job(change))
        {
            self.action.dispatch_local(job);
        }
    }

    /// True while the request is under way (`aria-busy`, `aria-disabled`).
    pub fn pending(&self) -> Memo<bool> {
        self.action.pending()
    }
}

/// Resolves the locale and provides the context (and its translations) to everything
/// rendered below: what [`crate::SecurityInfo`] does first. Hosts that use a dialog on
/// its own (a sign-in page with [`crate::VerifyIdentityDialog`]) call it themselves.
pub fn provide_security_info(config: Config) -> Ctx {
    let i18n = config.i18n();
    let ctx = Ctx::new(config, i18n.clone());
    provide_context(i18n);
    provide_context(ctx.clone());
    ctx
}

pub fn use_ctx() -> Ctx {
    expect_context::<Ctx>()
}

/// A document-unique id for `aria-labelledby` and friends (several instances of the
/// component may share a page).
pub fn unique_id(prefix: &str) -> String {
    static NEXT: AtomicU32 = AtomicU32::new(0);
    format!("si-{prefix}-{}", NEXT.fetch_add(1, Ordering::Relaxed))
}

/// Unix seconds by the browser's clock (fractional, as `Date.now()`).
pub fn browser_now() -> f64 {
    js_sys::Date::now() / 1000.0
}
