//! Screen D: choose the default sign-in method among the user's two-step methods.

use crate::context::{unique_id, use_ctx};
use crate::dialog::Dialog;
use crate::i18n::Key;
use crate::testids;
use leptos::prelude::*;
use security_info_core::api::{DefaultMethod, Method, SetDefaultRequest};
use security_info_core::methods::default_options;

/// The "Change default method" dialog (screen D).
#[component]
pub fn ChangeDefaultDialog(
    /// Two-way open state.
    open: RwSignal<bool>,
    /// The user's methods; the options are their two-step (method, mode) pairs.
    #[prop(into)]
    methods: Signal<Vec<Method>>,
    /// The current default, preselected.
    #[prop(into)]
    current: Signal<Option<DefaultMethod>>,
    /// Called with the server's answer after a change.
    on_changed: Callback<Option<DefaultMethod>>,
) -> impl IntoView {
    let ctx = use_ctx();
    view! {
        <Dialog open title=ctx.i18n.t(Key::DefaultTitle) testid=testids::DEFAULT_DIALOG>
            <ChangeDefaultBody open methods current on_changed />
        </Dialog>
    }
}

/// The label of a default option, e.g. "Phone – text +31 6 ••••• 78".
pub fn option_label(
    i18n: &crate::i18n::I18n,
    methods: &[Method],
    choice: &DefaultMethod,
) -> String {
    let detail = methods
        .iter()
        .find(|m| m.id == choice.method_id)
        .and_then(|m| m.detail.as_deref());
    i18n.default_mode(choice.mode, detail)
}

/// Option labels, with the method's name added where two would read the same (two
/// authenticator apps are both "Authenticator app or hardware token – code").
fn distinct_labels(
    i18n: &crate::i18n::I18n,
    methods: &[Method],
    choices: &[DefaultMethod],
) -> Vec<String> {
    let labels: Vec<String> = choices
        .iter()
        .map(|c| option_label(i18n, methods, c))
        .collect();
    labels
        .iter()
        .zip(choices)
        .map(|(label, choice)| {
            let name = methods
                .iter()
                .find(|m| m.id == choice.method_id)
                .map(|m| m.name.as_str());
            match name {
                Some(name) if labels.iter().filter(|l| *l == label).count() > 1 => {
                    format!("{label} ({name})")
                }
                _ => label.clone(),
            }
        })
        .collect()
}

#[component]
fn ChangeDefaultBody(
    open: RwSignal<bool>,
    methods: Signal<Vec<Method>>,
    current: Signal<Option<DefaultMethod>>,
    on_changed: Callback<Option<DefaultMethod>>,
) -> impl IntoView {
    let ctx = use_ctx();
    let i18n = ctx.i18n.clone();
    let options = Memo::new(move |_| {
        methods.with(|m| {
            default_options(m)
                .into_iter()
                .map(|(method_id, mode)| DefaultMethod { method_id, mode })
                .collect::<Vec<_>>()
        })
    });
    let selected = RwSignal::new(
        current
            .get_untracked()
            .and_then(|c| options.with_untracked(|o| o.iter().position(|x| *x == c)))
            .unwrap_or(0),
    );
    let pending = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let select_id = unique_id("default-select");

    let confirm = {
        let ctx = ctx.clone();
        move || {
            if pending.get_untracked() {
                return;
            }
            let Some(choice) = options.with_untracked(|o| o.get(selected.get_untracked()).cloned())
            else {
                return;
            };
            if current.get_untracked().as_ref() == Some(&choice) {
                open.set(false);
                return;
            }
            pending.set(true);
            error.set(None);
            let ctx = ctx.clone();
            leptos::task::spawn_local(async move {
                if !ctx
                    .config()
                    .allows(crate::config::Action::ChangeDefault, None)
                    .await
                {
                    pending.set(false);
                    return;
                }
                let request = SetDefaultRequest {
                    method_id: choice.method_id.clone(),
                    mode: choice.mode,
                };
                let result = ctx
                    .with_step_up(|c| {
                        let request = request.clone();
                        async move { c.set_default(&request).await }
                    })
                    .await;
                pending.set(false);
                match result {
                    Ok(answer) => {
                        open.set(false);
                        on_changed.run(answer.default_method);
                    }
                    Err(e) => {
                        ctx.report(&e);
                        error.set(Some(e.message(&ctx.i18n)));
                    }
                }
            });
        }
    };

    let list = {
        let i18n = i18n.clone();
        move || {
            let choices = options.get();
            if choices.is_empty() {
                return view! { <p>{i18n.t(Key::NoDefaultOptions)}</p> }.into_any();
            }
            let labels = methods.with(|m| distinct_labels(&i18n, m, &choices));
            view! {
                <label class="si-label" for=select_id.clone()>{i18n.t(Key::DefaultPrompt)}</label>
                <select
                    id=select_id.clone()
                    class="si-input"
                    data-testid=testids::DEFAULT_SELECT
                    data-autofocus=""
                    on:change=move |ev| selected.set(event_target_value(&ev).parse().unwrap_or(0))
                >
                    {labels
                        .into_iter()
                        .zip(choices)
                        .enumerate()
                        .map(|(i, (label, choice))| {
                            view! {
                                <option
                                    value=i.to_string()
                                    data-method-id=choice.method_id
                                    data-mode=choice.mode.as_str()
                                    selected=move || selected.get() == i
                                >
                                    {label}
                                </option>
                            }
                        })
                        .collect_view()}
                </select>
            }
            .into_any()
        }
    };

    view! {
        <form
            class="si-form"
            on:submit=move |ev| {
                ev.prevent_default();
                confirm();
            }
        >
            {list}
            <p class="si-error" role="alert" data-testid=testids::ERROR>{move || error.get()}</p>
            <div class="si-footer">
                <button type="button" class="si-button" on:click=move |_| open.set(false)>
                    {i18n.t(Key::Cancel)}
                </button>
                <button
                    type="submit"
                    class="si-button si-primary"
                    data-testid=testids::DEFAULT_CONFIRM
                    aria-disabled=move || pending.get().to_string()
                    disabled=move || options.with(Vec::is_empty)
                >
                    {i18n.t(Key::Confirm)}
                </button>
            </div>
        </form>
    }
}
