//! Deleting a method: the policy and the host are asked first, then the person
//! confirms, then the request runs (with a step-up if the server wants one). The rules
//! are `security_info_core::screens::delete`.

use crate::client::Call;
use crate::config::Action as HostAction;
use crate::context::{Change, Job, Reply, job_action, use_ctx};
use crate::i18n::{Key, Named};
use leptos::prelude::*;
use security_info_core::api::{DefaultMethodResponse, Method, SecurityInfo as Info};
use security_info_core::screens::delete;

/// The delete flow for the page: `ask` starts it for a method (a row's "Delete");
/// the returned view is its confirmation dialog.
pub fn delete_flow(
    info: Signal<Option<Info>>,
    notice: RwSignal<Named>,
    action_error: RwSignal<Option<String>>,
    reload: Callback<()>,
) -> (Callback<Method>, impl IntoView) {
    let ctx = use_ctx();
    let target = RwSignal::new(None::<Method>);
    let confirm_open = RwSignal::new(false);

    // The policy (may the last two-step method go?), then the host's on_before_action.
    let ask_host = job_action();
    let ask = {
        let ctx = ctx.clone();
        Callback::new(move |method: Method| {
            action_error.set(None);
            let refused = info.with_untracked(|i| {
                i.as_ref()
                    .is_some_and(|i| delete::check(i, &method).is_err())
            });
            if refused {
                action_error.set(Some(ctx.i18n.t(Key::LastMethod)));
            } else {
                let ctx = ctx.clone();
                ask_host.dispatch_local(Job::new(async move {
                    if ctx
                        .config()
                        .allows(HostAction::Delete, Some(method.method_type))
                        .await
                    {
                        target.set(Some(method));
                        confirm_open.set(true);
                    }
                }));
            }
        })
    };

    let run = ctx.request(action_error, {
        let ctx = ctx.clone();
        move |reply: Reply<DefaultMethodResponse>| {
            // The list shows what the server has, also after a failed delete.
            reload.run(());
            let (Reply::Done(answer), Some(method)) = (reply, target.get_untracked()) else {
                return;
            };
            let before = info.with_untracked(|i| i.as_ref().and_then(|i| i.default_method.clone()));
            let outcome = delete::deleted(&method, before.as_ref(), answer.default_method);
            let mut text = ctx.i18n.named(Key::Deleted, &method.name);
            if outcome.remove_from_app {
                text.after = format!("{} {}", text.after, ctx.i18n.t(Key::RemoveFromApp));
            }
            notice.set(text);
            if let Some(cb) = &ctx.config().on_delete {
                cb(&method);
            }
            if let (Some(changed), Some(cb)) =
                (outcome.default_changed, &ctx.config().on_default_change)
            {
                cb(changed.as_ref());
            }
        }
    });

    let i18n = ctx.i18n.clone();
    let title = {
        let i18n = i18n.clone();
        Signal::derive(move || {
            target.with(|m| {
                let name = m.as_ref().map(|m| m.name.as_str()).unwrap_or_default();
                i18n.named(Key::DeleteTitle, name)
            })
        })
    };
    let notes = {
        let i18n = i18n.clone();
        Signal::derive(move || {
            let mut notes = vec![i18n.t(Key::CannotUndo)];
            if target.with(|m| m.as_ref().is_some_and(delete::warns_remove_from_app)) {
                notes.push(i18n.t(Key::RemoveFromAppWarning));
            }
            notes
        })
    };
    let on_yes = Callback::new(move |()| {
        if let Some(method) = target.get_untracked() {
            run.send(Change::new(Call::delete(&method.id)));
        }
    });
    let view = super::dialogs::confirm(
        confirm_open,
        title,
        i18n.t(Key::ConfirmDelete),
        notes,
        on_yes,
    );
    (ask, view)
}
