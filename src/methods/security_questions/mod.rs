//! Security questions (SPEC section 2, H; password reset only): the dialog fetches the
//! administrator's questions in the person's language (`GET /me/security-questions`),
//! then the person picks the required number of different ones and answers each
//! ([`answers`]). A new set replaces the old one as a whole ("Change"). The core
//! (`security_info_core::screens::security_questions`) keeps the choices distinct and
//! checks the answers; the server checks again and stores only hashes.

mod answers;

use crate::client::Call;
use crate::context::{Change, Reply, use_ctx};
use crate::dialog::{Dialog, Open};
use crate::i18n::{Key, Named};
use crate::methods::other_method_button;
use crate::testids;
use answers::AnswersStep;
use leptos::prelude::*;
use security_info_core::api::{Method, SecurityQuestions};
use security_info_core::methods::MethodType;
use security_info_core::screens::add::Enrolment;

/// This dialog enrols security questions.
pub fn enrols(e: Enrolment) -> bool {
    e.method_type == MethodType::SecurityQuestions
}

/// The security questions as a dialog: a new set, or ("Change") one in place of the old.
#[component]
pub fn SecurityQuestionsDialog(
    /// Two-way open state.
    #[prop(into)]
    open: Open,
    /// "Change": the person's current set, which the new one replaces (`None`: add one).
    #[prop(optional, into)]
    replaces: Signal<Option<Method>>,
    /// Called with the method once the server stored the answers; the dialog closes.
    #[prop(optional, into)]
    on_added: Option<Callback<Method>>,
    /// "I want to set up a different method": the host goes back to "Add a method".
    #[prop(optional, into)]
    on_other_method: Option<Callback<()>>,
) -> impl IntoView {
    let i18n = crate::i18n::use_i18n();
    let done = Callback::new(move |method: Method| {
        open.close();
        if let Some(cb) = on_added {
            cb.run(method);
        }
    });
    view! {
        <Dialog open title=Named::from(i18n.t(Key::TypeSecurityQuestions)) testid=testids::QUESTIONS_DIALOG>
            {move || {
                let replacing = replaces.get_untracked().is_some();
                let on_other_method = on_other_method.filter(|_| !replacing);
                view! { <Questions replacing on_added=done on_other_method /> }
            }}
        </Dialog>
    }
}

/// Fetches the questions, then shows the form (or why they could not be fetched).
#[component]
fn Questions(
    /// Say that the new answers replace the current ones.
    replacing: bool,
    /// Called with the stored method.
    on_added: Callback<Method>,
    /// "I want to set up a different method".
    on_other_method: Option<Callback<()>>,
) -> impl IntoView {
    let ctx = use_ctx();
    let i18n = ctx.i18n.clone();
    let offered = RwSignal::new(None::<SecurityQuestions>);
    let error = RwSignal::new(None::<String>);
    let fetch = ctx.request(error, move |reply: Reply<SecurityQuestions>| {
        if let Reply::Done(questions) = reply {
            offered.set(Some(questions));
        }
    });
    fetch.send(Change::new(Call::security_questions(i18n.lang())));
    let pending = fetch.pending();
    let loading = i18n.t(Key::Loading);
    move || match offered.get() {
        Some(offered) => {
            view! { <AnswersStep offered replacing on_added on_other_method /> }.into_any()
        }
        None => {
            let other_method = on_other_method.map(|cb| other_method_button(&i18n, cb));
            let loading = loading.clone();
            view! {
            <div class="si-wizard">
                <p role="status" aria-busy=move || pending.get().to_string()>
                    {move || pending.get().then(|| loading.clone())}
                </p>
                <p class="si-error" role="alert" data-testid=testids::ERROR>{move || error.get()}</p>
                <div class="si-footer">{other_method}</div>
            </div>
            }
            .into_any()
        }
    }
}
