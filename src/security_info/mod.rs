//! Screen A: the Security info page — default method, the list of methods, and the
//! dialogs that change them. The default line ([`default_line`]), the list ([`list`]),
//! the delete flow ([`delete`]) and the step-up host ([`step_up`]) are their own parts;
//! this module loads the data and wires them.

mod default_line;
mod delete;
mod dialogs;
mod list;
mod row_actions;
mod step_up;

use crate::change_default_dialog::option_label;
use crate::config::Config;
use crate::context::{Job, job_action, provide_security_info, unique_id};
use crate::error::ClientError;
use crate::i18n::{Key, Named};
use crate::methods::enrol_dialogs;
use crate::testids;
use default_line::default_line;
use leptos::prelude::*;
use list::method_list;
use row_actions::RowActions;
use security_info_core::api::{DefaultMethod, Method, SecurityInfo as Info};
use security_info_core::screens::add::Enrolment;
use step_up::step_up_host;

/// The whole "Security info" page (screen A) with its dialogs.
///
/// Everything it shows comes from the server and is fetched again after every change,
/// so the list always shows what the server has, also after a failed request.
#[component]
pub fn SecurityInfo(
    /// Where the API is, how to authenticate, language, options and callbacks.
    mut config: Config,
) -> impl IntoView {
    let first_info = config.first_info.take();
    let ctx = provide_security_info(config);
    crate::chunk::provide_registry();
    let i18n = ctx.i18n.clone();
    let notice = RwSignal::new(Named::default());
    let action_error = RwSignal::new(None::<String>);
    let add_open = RwSignal::new(false);
    let adding = RwSignal::new(None::<Enrolment>);
    let replacing = RwSignal::new(None::<Method>);
    let default_open = RwSignal::new(false);

    // The last answer stays while a reload runs (no flash of "Loading…"), and beside
    // the error of a failed reload.
    let info = RwSignal::new(None::<Info>);
    let load_error = RwSignal::new(None::<ClientError>);
    let load = job_action();
    let painted = StoredValue::new_local(Some(crate::chunk::after_first_paint()));
    let show = {
        let ctx = ctx.clone();
        move |fresh: Info| {
            if let Some(on_load) = &ctx.config().on_load {
                on_load(&fresh);
            }
            info.set(Some(fresh));
            load_error.set(None);
            if let Some(after) = painted.try_update_value(Option::take).flatten() {
                request_animation_frame(after);
            }
        }
    };
    let reload = {
        let ctx = ctx.clone();
        let show = show.clone();
        Callback::new(move |()| {
            let ctx = ctx.clone();
            let show = show.clone();
            load.dispatch_local(Job::new(async move {
                match ctx.client().security_info().await {
                    Ok(fresh) => show(fresh),
                    Err(e) => {
                        ctx.report(&e);
                        load_error.set(Some(e));
                    }
                }
            }));
        })
    };
    // An answer the embedding's first paint already showed needs no request.
    match first_info {
        Some(first) => show(first),
        None => reload.run(()),
    }
    let methods = Signal::derive(move || {
        info.with(|i| i.as_ref().map(|i| i.methods.clone()).unwrap_or_default())
    });
    let default_method =
        Signal::derive(move || info.with(|i| i.as_ref().and_then(|i| i.default_method.clone())));
    let product = Signal::derive(move || {
        info.with(|i| {
            i.as_ref()
                .map(|i| i.policy.authenticator_name.clone())
                .unwrap_or_default()
        })
    });

    // Both enrolable types start with the product's app; "I want to use a different
    // authenticator app" inside the wizard switches to the generic code path. A
    // hardware token has its own dialog.
    let on_choose = Callback::new(move |e: Enrolment| {
        add_open.set(false);
        // Let the add dialog hand focus back first, so the wizard returns it there too.
        request_animation_frame(move || adding.set(Some(e)));
    });
    let on_added = {
        let ctx = ctx.clone();
        Callback::new(move |m: Method| {
            notice.set(ctx.i18n.named(Key::Added, &m.name));
            if let Some(on_add) = &ctx.config().on_add {
                on_add(&m);
            }
            reload.run(());
        })
    };
    let on_renamed = {
        let i18n = i18n.clone();
        Callback::new(move |name: String| {
            notice.set(i18n.named(Key::Renamed, &name));
            reload.run(());
        })
    };
    let on_other_method = Callback::new(move |()| {
        adding.set(None);
        request_animation_frame(move || add_open.set(true));
    });
    let on_default_changed = {
        let ctx = ctx.clone();
        Callback::new(move |d: Option<DefaultMethod>| {
            if let Some(choice) = &d {
                let label = methods.with_untracked(|m| option_label(&ctx.i18n, m, choice));
                notice.set(ctx.i18n.named(Key::DefaultChanged, &label));
            }
            if let Some(cb) = &ctx.config().on_default_change {
                cb(d.as_ref());
            }
            reload.run(());
        })
    };
    let (ask_delete, delete_dialog) =
        delete::delete_flow(info.into(), notice, action_error, reload);
    let row_actions = RowActions {
        delete: ask_delete,
        change: row_actions::change(adding, replacing, action_error),
    };

    let config = ctx.config().clone();
    let heading_id = unique_id("title");
    let header = (!config.hide_header).then(|| {
        view! {
            <h2 class="si-title" id=heading_id.clone()>{i18n.t(Key::Title)}</h2>
            <p class="si-intro">{i18n.t(Key::Intro)}</p>
        }
    });

    let status = {
        let i18n = i18n.clone();
        move || match load_error.get() {
            Some(e) => {
                let retry = e.is_retryable().then(|| {
                    view! {
                        <button
                            type="button"
                            class="si-button"
                            data-testid=testids::RETRY
                            on:click=move |_| reload.run(())
                        >
                            {i18n.t(Key::Retry)}
                        </button>
                    }
                });
                view! {
                    <div class="si-problem" role="alert" data-testid=testids::ERROR>
                        <p>{i18n.t(Key::LoadFailed)} " " {e.message(&i18n)}</p>
                        {retry}
                    </div>
                }
                .into_any()
            }
            None if info.with(Option::is_some) => ().into_any(),
            None => view! {
                <div class="si-loading" data-testid=testids::LOADING role="status" aria-busy="true">
                    <span class="si-spinner" aria-hidden="true"></span>
                    {i18n.t(Key::Loading)}
                </div>
            }
            .into_any(),
        }
    };

    // Only the first answer re-renders the page; reloads update its parts in place,
    // so the buttons that had focus stay.
    let loaded_once = Memo::new(move |_| info.with(Option::is_some));
    let page = {
        let ctx = ctx.clone();
        move || {
            loaded_once.get().then(|| {
                view! {
                    {default_line(info.into(), default_open)}
                    {add_button(add_open, action_error)}
                    {method_list(
                        methods,
                        !ctx.config().read_only,
                        !ctx.config().read_only && !ctx.config().disable_delete,
                        row_actions,
                        on_renamed,
                        action_error,
                    )}
                }
            })
        }
    };

    view! {
        <section
            class="si-root"
            data-testid=testids::SECURITY_INFO
            lang=i18n.lang().to_owned()
            data-theme=config.theme.as_str()
            aria-labelledby=(!config.hide_header).then_some(heading_id)
            tabindex="-1"
        >
            {header}
            <p class="si-notice" role="status" aria-live="polite" data-testid=testids::NOTICE>
                {move || notice.get().view()}
            </p>
            <p class="si-error" role="alert" data-testid=testids::ERROR>{move || action_error.get()}</p>
            {status}
            {page}
            {dialogs::add_method(add_open, info.into(), on_choose)}
            {enrol_dialogs(adding, replacing, product, on_added, on_other_method)}
            {dialogs::change_default(default_open, methods, default_method, on_default_changed)}
            {delete_dialog}
            // Last, so it stacks above a dialog whose action it verifies.
            {step_up_host(methods, default_method)}
        </section>
    }
}

/// "+ Add sign-in method", unless the host turned adding off.
fn add_button(add_open: RwSignal<bool>, action_error: RwSignal<Option<String>>) -> impl IntoView {
    let ctx = crate::context::use_ctx();
    let config = ctx.config();
    (!config.read_only && !config.disable_add).then(|| {
        view! {
            <button
                type="button"
                class="si-button si-add"
                data-testid=testids::ADD_METHOD
                on:click=move |_| {
                    action_error.set(None);
                    add_open.set(true);
                }
            >
                <span aria-hidden="true">"+ "</span>
                {ctx.i18n.t(Key::AddMethod)}
            </button>
        }
    })
}
