//! Screen B: choose a method to add. Only what the policy allows (and the host shows) is
//! offered; the authenticator limit is checked here, before any secret exists. For
//! "Authenticator app or hardware token" the person then chooses which ([`source`]).

mod source;

use crate::config::Action as HostAction;
use crate::context::{Job, job_action, unique_id, use_ctx};
use crate::dialog::{Dialog, Open};
use crate::i18n::{Key, Named};
use crate::testids;
use leptos::prelude::*;
use security_info_core::CoreError;
use security_info_core::api::SecurityInfo;
use security_info_core::screens::add::{self, Enrolment};

/// The "Add a method" dialog (screen B).
#[component]
pub fn AddMethodDialog(
    /// Two-way open state.
    #[prop(into)]
    open: Open,
    /// The user's current security info (methods and policy).
    #[prop(into)]
    info: Signal<Option<SecurityInfo>>,
    /// Called with the chosen type (and for `totp` the chosen source) once it passed
    /// the local rules and the host's `on_before_action`; the caller opens its enrolment.
    on_choose: Callback<Enrolment>,
) -> impl IntoView {
    let ctx = use_ctx();
    view! {
        <Dialog open title=Named::from(ctx.i18n.t(Key::AddTitle)) testid=testids::ADD_METHOD_DIALOG>
            {add_method_body(info, on_choose)}
        </Dialog>
    }
}

fn add_method_body(
    info: Signal<Option<SecurityInfo>>,
    on_choose: Callback<Enrolment>,
) -> impl IntoView {
    let ctx = use_ctx();
    let i18n = ctx.i18n.clone();
    let options = Memo::new({
        let ctx = ctx.clone();
        move |_| {
            info.with(|info| {
                info.as_ref().map_or_else(Vec::new, |info| {
                    add::options(info, |t| ctx.config().offers(t))
                })
            })
        }
    });
    // Named in a note: what the policy does not allow (SPEC section 2).
    let refused = {
        let ctx = ctx.clone();
        move || {
            info.with(|info| {
                let types = info.as_ref().map_or_else(Vec::new, |info| {
                    add::not_allowed(info, |t| ctx.config().offers(t))
                });
                let names: Vec<String> =
                    types.into_iter().map(|t| ctx.i18n.method_type(t)).collect();
                (!names.is_empty()).then(|| {
                    ctx.i18n
                        .fmt(Key::NotAllowedTypes, &[("types", &names.join(", "))])
                })
            })
        }
    };
    let selected = RwSignal::new(0usize);
    let error = RwSignal::new(None::<String>);
    let select_id = unique_id("method-select");
    // A type that still needs its source ("Authenticator app" or "Hardware token").
    let choosing = RwSignal::new(None::<Enrolment>);

    // Asks the host's on_before_action; no request to the server yet.
    let ask_host = job_action();
    let add = {
        let ctx = ctx.clone();
        move || {
            if ask_host.pending().get_untracked() {
                return;
            }
            let Some(chosen) = options.with_untracked(|o| o.get(selected.get_untracked()).copied())
            else {
                return;
            };
            let Some(info) = info.get_untracked() else {
                return;
            };
            match add::check(&info, chosen) {
                Ok(()) => {
                    error.set(None);
                    let ctx = ctx.clone();
                    ask_host.dispatch_local(Job::new(async move {
                        if ctx.config().allows(HostAction::Add, Some(chosen)).await {
                            let enrolment = Enrolment::of(chosen);
                            if enrolment.needs_source() {
                                choosing.set(Some(enrolment));
                            } else {
                                on_choose.run(enrolment);
                            }
                        }
                    }));
                }
                Err(CoreError::LimitReached { max }) => {
                    let count = ctx.i18n.number(max);
                    error.set(Some(ctx.i18n.fmt(
                        Key::LimitReached,
                        &[
                            ("product", &info.policy.authenticator_name),
                            ("count", &count),
                        ],
                    )));
                }
                Err(_) => error.set(Some(ctx.i18n.t(Key::ErrNotAllowed))),
            }
        }
    };

    let list = {
        let i18n = i18n.clone();
        let select_id = select_id.clone();
        move || {
            let types = options.get();
            if types.is_empty() {
                return view! { <p>{i18n.t(Key::NothingToAdd)}</p> }.into_any();
            }
            let i18n = i18n.clone();
            view! {
                <label class="si-label" for=select_id.clone()>{i18n.t(Key::AddPrompt)}</label>
                <select
                    id=select_id.clone()
                    class="si-input"
                    data-testid=testids::METHOD_SELECT
                    data-autofocus=""
                    on:change=move |ev| {
                        selected.set(event_target_value(&ev).parse().unwrap_or(0));
                        error.set(None);
                    }
                >
                    {types
                        .into_iter()
                        .enumerate()
                        .map(|(i, t)| {
                            view! {
                                <option value=i.to_string() data-method-type=t.as_str() selected=move || selected.get() == i>
                                    {i18n.method_type(t)}
                                </option>
                            }
                        })
                        .collect_view()}
                </select>
            }
            .into_any()
        }
    };

    let form = move || {
        let (add, list, i18n, refused) = (add.clone(), list.clone(), i18n.clone(), refused.clone());
        view! {
            <form
                class="si-form"
                on:submit=move |ev| {
                    ev.prevent_default();
                    add();
                }
            >
                {list}
                <p class="si-error" role="alert" data-testid=testids::ERROR>{move || error.get()}</p>
                <p class="si-note">{i18n.t(Key::PolicyNote)}</p>
                <p class="si-note" data-testid=testids::NOT_ALLOWED>{refused}</p>
                <div class="si-footer">
                    <button
                        type="submit"
                        class="si-button si-primary"
                        data-testid=testids::ADD_CONFIRM
                        disabled=move || options.with(Vec::is_empty)
                    >
                        {i18n.t(Key::Add)}
                    </button>
                </div>
            </form>
        }
    };
    move || match choosing.get() {
        Some(pending) => {
            source::source_choice(pending, choosing, on_choose, select_id.clone()).into_any()
        }
        None => form().into_any(),
    }
}
