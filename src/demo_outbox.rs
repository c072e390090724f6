//! The demo page's "Outbox": the texts, calls and emails the server's demo sender stored
//! for the person of the session (`GET {base}/demo/outbox`), shown like a phone's
//! messages so every code flow can be tried without a provider. Demo mode only: the
//! route exists only on a `--demo` server, and only the demo page renders this panel.

use crate::client::Call;
use crate::context::{Change, Reply, unique_id, use_ctx};
use crate::i18n::Key;
use crate::testids;
use leptos::prelude::*;
use security_info_core::api::OutboxMessage;

/// How often the open panel looks for new messages.
const REFRESH_MS: u32 = 2_000;

/// A collapsible panel, closed at first; open, it loads the messages, again on
/// "Refresh" and every two seconds (so a code that was just sent shows up).
#[component]
pub fn OutboxPanel() -> impl IntoView {
    let ctx = use_ctx();
    let i18n = ctx.i18n.clone();
    let messages = RwSignal::new(Vec::<OutboxMessage>::new());
    let error = RwSignal::new(None::<String>);
    let open = RwSignal::new(false);
    let stop_polling = RwSignal::new(false);
    // A refusal (the session ended) stops the looking until the panel is opened again.
    let load = ctx.request(error, move |reply: Reply<Vec<OutboxMessage>>| match reply {
        Reply::Done(list) => messages.set(list),
        _ => stop_polling.set(true),
    });
    let pending = load.pending();
    let refresh = move || {
        if open.get_untracked() && !pending.get_untracked() && !stop_polling.get_untracked() {
            load.send(Change::new(Call::demo_outbox()).without_step_up());
        }
    };
    let timer = StoredValue::new_local(None::<IntervalHandle>);
    let stop = move || {
        if let Some(handle) = timer.try_update_value(Option::take).flatten() {
            handle.clear();
        }
    };
    Effect::new(move |_| {
        stop();
        if stop_polling.get() {
            return;
        }
        if open.get() {
            refresh();
            let handle = set_interval_with_handle(
                refresh,
                std::time::Duration::from_millis(REFRESH_MS.into()),
            );
            timer.set_value(handle.ok());
        }
    });
    on_cleanup(stop);

    let heading_id = unique_id("outbox-title");
    let empty = i18n.t(Key::OutboxEmpty);
    let list_i18n = i18n.clone();
    let list = move || {
        let i18n = list_i18n.clone();
        messages.with(|list| {
            if list.is_empty() {
                return view! { <p class="si-demo-outbox-empty">{empty.clone()}</p> }.into_any();
            }
            list.iter()
                .map(|m| {
                    let key = match m.kind.as_str() {
                        "call" => Key::OutboxCall,
                        "email" => Key::OutboxEmail,
                        _ => Key::OutboxText,
                    };
                    let head = i18n.fmt(key, &[("to", &m.to)]);
                    view! {
                        <li class="si-demo-outbox-message" data-testid=testids::OUTBOX_MESSAGE data-kind=m.kind.clone()>
                            <p class="si-demo-outbox-to">{head}</p>
                            {m.subject.clone().map(|s| view! { <p class="si-demo-outbox-subject">{s}</p> })}
                            <p class="si-demo-outbox-text">{m.text.clone()}</p>
                        </li>
                    }
                })
                .collect_view()
                .into_any()
        })
    };
    view! {
        <details class="si-demo-outbox" data-testid=testids::OUTBOX
            on:toggle=move |ev| {
                stop_polling.set(false);
                open.set(is_open(&ev));
            }>
            <summary id=heading_id.clone()>{i18n.t(Key::OutboxTitle)}</summary>
            <div class="si-demo-outbox-body">
                <p class="si-demo-outbox-intro">{i18n.t(Key::OutboxIntro)}</p>
                <button type="button" class="si-button" data-testid=testids::OUTBOX_REFRESH
                    aria-disabled=move || pending.get().to_string()
                    on:click=move |_| {
                        stop_polling.set(false);
                        refresh();
                    }>
                    {i18n.t(Key::OutboxRefresh)}
                </button>
                <p class="si-error" role="alert">{move || error.get()}</p>
                <ol class="si-demo-outbox-list" aria-labelledby=heading_id aria-live="polite">{list}</ol>
            </div>
        </details>
    }
}

/// Whether the `<details>` of a `toggle` event is open now.
fn is_open(ev: &web_sys::Event) -> bool {
    ev.target()
        .and_then(|t| js_sys::Reflect::get(&t, &"open".into()).ok())
        .and_then(|v| v.as_bool())
        .unwrap_or(false)
}
