//! The frame the phone and email dialogs share: the dialog with its two screens
//! ([`code_dialog`]) and the first screen's sending ([`Sending`]).

use super::code::{Channel, CodeStep};
use crate::client::Call;
use crate::context::{Change, Reply, Request, use_ctx};
use crate::dialog::{Dialog, Open};
use crate::error::ClientError;
use crate::i18n::{Key, Named};
use leptos::prelude::*;
use security_info_core::api::{CodeSent, Method};
use security_info_core::screens::phone::Refusal;
use std::rc::Rc;

/// The first screen's sending (the number's and the address's): a refusal — the core's,
/// or the server's through the channel — shows with its message and stays for the field
/// it is about; the server's answer moves the dialog on to the code.
#[derive(Clone)]
pub struct Sending {
    /// What was refused (fields mark themselves invalid from it).
    pub refusal: RwSignal<Option<Refusal>>,
    /// The message shown for it, or for a failed request.
    pub error: RwSignal<Option<String>>,
    /// A request is under way (`aria-busy`, `aria-disabled`).
    pub pending: Memo<bool>,
    request: Request,
    show: Rc<dyn Fn(Refusal)>,
}

impl Sending {
    /// Fills `sent` with the answer to the request [`Sending::send`] sends.
    pub fn new(channel: Channel, sent: RwSignal<Option<CodeSent>>) -> Self {
        let ctx = use_ctx();
        let (refusal, error) = (RwSignal::new(None), RwSignal::new(None));
        let i18n = ctx.i18n.clone();
        let show: Rc<dyn Fn(Refusal)> = Rc::new(move |r| {
            error.set(Some((channel.message)(&i18n, &r)));
            refusal.set(Some(r));
        });
        let request = ctx.request(error, {
            let show = show.clone();
            move |reply: Reply<CodeSent>| match reply {
                Reply::Done(answer) => sent.set(Some(answer)),
                Reply::Failed(ClientError::Problem(p)) => {
                    if let Some(r) = (channel.refusal)(&p) {
                        show(r);
                    }
                }
                _ => {}
            }
        });
        Sending {
            refusal,
            error,
            pending: request.pending(),
            request,
            show,
        }
    }

    /// Sends the start request the screen made, or shows why it could not make one;
    /// nothing while a request is under way.
    pub fn send(&self, start: Result<Call, Refusal>) {
        if self.pending.get_untracked() {
            return;
        }
        self.refusal.set(None);
        match start {
            Ok(call) => self.request.send(Change::new(call)),
            Err(r) => (self.show)(r),
        }
    }
}

/// The props of [`code_dialog`] that its first screen does not render.
pub struct CodeDialog {
    /// Two-way open state.
    pub open: Open,
    /// The dialog's title.
    pub title: Key,
    /// The dialog's `data-testid`.
    pub testid: &'static str,
    /// The code screen's differences.
    pub channel: Channel,
    /// "Change": the method the verified new number or address replaces.
    pub replaces: Signal<Option<Method>>,
    /// Called with the new (or changed) method once the server stored it.
    pub on_added: Option<Callback<Method>>,
    /// "I want to set up a different method" (offered when adding, not when changing).
    pub on_other_method: Option<Callback<()>>,
}

/// A dialog whose first screen sends a code (`first_step` gets the signal to fill with
/// the answer, the method being replaced and "a different method") and whose second
/// screen checks it; it closes once the server stored the method.
pub fn code_dialog<V: IntoView + 'static>(
    props: CodeDialog,
    first_step: impl Fn(RwSignal<Option<CodeSent>>, Option<Method>, Option<Callback<()>>) -> V
    + Send
    + Sync
    + 'static,
) -> impl IntoView {
    let CodeDialog {
        open,
        title,
        testid,
        channel,
        replaces,
        on_added,
        on_other_method,
    } = props;
    let i18n = crate::i18n::use_i18n();
    // `None`: the first screen; `Some`: the code that was sent.
    let sent = RwSignal::new(None::<CodeSent>);
    // Copy, so the dialog's children stay `Fn`.
    let first_step = StoredValue::new(first_step);
    let done = Callback::new(move |method: Method| {
        open.close();
        if let Some(cb) = on_added {
            cb.run(method);
        }
    });
    view! {
        <Dialog open title=Named::from(i18n.t(title)) testid>
            {move || match sent.get() {
                None => {
                    let replaces = replaces.get_untracked();
                    let on_other_method = on_other_method.filter(|_| replaces.is_none());
                    first_step
                        .with_value(|step| step(sent, replaces, on_other_method))
                        .into_any()
                }
                Some(first) => view! { <CodeStep first on_added=done channel /> }.into_any(),
            }}
        </Dialog>
    }
}
