//! Screen D: choose the default sign-in method among the user's two-step methods.

use crate::client::Call;
use crate::config::Action;
use crate::context::{Change, Reply, unique_id, use_ctx};
use crate::dialog::{Dialog, Open};
use crate::i18n::{I18n, Key, Named, Texts};
use crate::testids;
use leptos::prelude::*;
use security_info_core::api::{DefaultMethod, DefaultMethodResponse, Method, SetDefaultRequest};
use security_info_core::screens::default_choice;

/// The "Change default method" dialog (screen D).
#[component]
pub fn ChangeDefaultDialog(
    /// Two-way open state.
    #[prop(into)]
    open: Open,
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
        <Dialog open title=Named::from(ctx.i18n.t(Key::DefaultTitle)) testid=testids::DEFAULT_DIALOG>
            {change_default_body(open, methods, current, on_changed)}
        </Dialog>
    }
}

/// The label of a default option, e.g. "Phone – text +31 6 ••••• 78".
pub fn option_label<T: Texts>(
    i18n: &I18n<T>,
    methods: &[Method],
    choice: &DefaultMethod,
) -> String {
    let (mode, detail) = default_choice::label_parts(methods, choice);
    i18n.default_mode(mode, detail)
}

fn change_default_body(
    open: Open,
    methods: Signal<Vec<Method>>,
    current: Signal<Option<DefaultMethod>>,
    on_changed: Callback<Option<DefaultMethod>>,
) -> impl IntoView {
    let ctx = use_ctx();
    let i18n = ctx.i18n.clone();
    let options = Memo::new(move |_| methods.with(|m| default_choice::options(m)));
    let selected = RwSignal::new(
        options
            .with_untracked(|o| default_choice::preselected(o, current.get_untracked().as_ref())),
    );
    let error = RwSignal::new(None::<String>);
    let select_id = unique_id("default-select");

    let send = ctx.request(error, move |reply: Reply<DefaultMethodResponse>| {
        if let Reply::Done(answer) = reply {
            open.close();
            on_changed.run(answer.default_method);
        }
    });
    let confirm = move || {
        let change = options.with_untracked(|o| {
            default_choice::change(
                o,
                selected.get_untracked(),
                current.get_untracked().as_ref(),
            )
        });
        match change {
            Some(choice) => {
                let request = SetDefaultRequest {
                    method_id: choice.method_id,
                    mode: choice.mode,
                };
                send.send(
                    Change::new(Call::set_default(&request))
                        .asking_host(Action::ChangeDefault, None),
                )
            }
            None => open.close(),
        }
    };

    let list = {
        let i18n = i18n.clone();
        move || {
            let choices = options.get();
            if choices.is_empty() {
                return view! { <p>{i18n.t(Key::NoDefaultOptions)}</p> }.into_any();
            }
            let labels = methods.with(|m| {
                let plain = choices.iter().map(|c| option_label(&i18n, m, c)).collect();
                default_choice::distinct_labels(m, &choices, plain)
            });
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
                <button type="button" class="si-button" on:click=move |_| open.close()>
                    {i18n.t(Key::Cancel)}
                </button>
                <button
                    type="submit"
                    class="si-button si-primary"
                    data-testid=testids::DEFAULT_CONFIRM
                    aria-disabled=move || send.pending().get().to_string()
                    disabled=move || options.with(Vec::is_empty)
                >
                    {i18n.t(Key::Confirm)}
                </button>
            </div>
        </form>
    }
}
