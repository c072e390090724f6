//! Screens in chunks of their own. In a split release build (`--features split`, see
//! `scripts/build-split.sh`) every dialog is a `#[wasm_split]` function: its code goes
//! into a separate wasm file that is fetched the first time the dialog opens, or earlier
//! by [`after_first_paint`] once the list has painted. The first paint then needs only
//! the list. Without the feature (`trunk serve`, the browser tests) the same functions
//! are plain ones and nothing is fetched.
//!
//! A chunk that cannot be fetched must not take the page down (a failed load panics
//! unless the split function is `fallible`): the dialog's place shows the error with
//! "Try again" instead, and the next attempt fetches afresh.

use crate::dialog::Open;
use crate::i18n::{Key, use_i18n};
use crate::testids;
use leptos::prelude::*;
use std::future::Future;
use std::pin::{Pin, pin};
use std::task::{Context, Poll, Waker};
use wasm_bindgen::JsCast;

/// A chunk's wasm could not be fetched or instantiated (offline, blocked, a deploy that
/// removed the file). The browser console has the details.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("a part of the page could not be loaded")]
pub struct ChunkError;

#[cfg(feature = "split")]
impl From<wasm_split_helpers::SplitLoaderError> for ChunkError {
    fn from(_: wasm_split_helpers::SplitLoaderError) -> Self {
        ChunkError
    }
}

/// Fetches a chunk (a no-op when it is loaded or the build is not split).
pub type Preload = fn() -> Pin<Box<dyn Future<Output = Result<(), ChunkError>>>>;

/// `chunk!(module, |args: Types| view)`: a module `module` with `view(args)`, whose view
/// is built in the chunk `module` (its code, and the code only it uses, live in that
/// chunk's wasm), and `preload`, a [`Preload`] that fetches it. The module sees what its
/// parent imports.
macro_rules! chunk {
    ($module:ident, |$($arg:ident: $ty:ty),*| $body:expr) => {
        mod $module {
            use super::*;
            use leptos::prelude::{AnyView, IntoAny};
            use $crate::chunk::ChunkError;

            #[cfg(feature = "split")]
            #[wasm_split_helpers::wasm_split($module, fallible, preload(load))]
            pub(super) fn view($($arg: $ty),*) -> Result<AnyView, ChunkError> {
                Ok($body.into_any())
            }
            #[cfg(not(feature = "split"))]
            pub(super) async fn view($($arg: $ty),*) -> Result<AnyView, ChunkError> {
                Ok($body.into_any())
            }
            pub(super) fn preload() -> std::pin::Pin<Box<dyn std::future::Future<
                Output = Result<(), ChunkError>>>> {
                #[cfg(feature = "split")]
                return Box::pin(async { load().await.map_err(ChunkError::from) });
                #[cfg(not(feature = "split"))]
                Box::pin(async { Ok(()) })
            }
        }
    };
}
pub(crate) use chunk;

/// Runs a split function whose chunk is loaded: it then completes on its first poll.
fn now<T>(future: impl Future<Output = Result<T, ChunkError>>) -> Option<T> {
    match pin!(future).poll(&mut Context::from_waker(Waker::noop())) {
        Poll::Ready(result) => result.ok(),
        Poll::Pending => None,
    }
}

/// Every chunk the page registered, fetched in order when the browser is idle.
#[derive(Clone, Copy, Default)]
struct Registry(StoredValue<Vec<Preload>, LocalStorage>);

/// Where a dialog from a chunk goes: nothing until `open` first turns true, then its
/// chunk is fetched (at once if already prefetched) and `mount` builds it once; it stays
/// mounted and opens and closes itself from then on. While the fetch fails, the error
/// and "Try again" stand in its place, with "Close" (the dialog's own close).
pub fn lazy<F>(
    open: Open,
    preload: Preload,
    mount: impl Fn() -> F + Send + Sync + 'static,
) -> impl IntoView
where
    F: Future<Output = Result<AnyView, ChunkError>> + 'static,
{
    register(preload);
    let load = Action::new_local(move |(): &()| preload());
    let ready = Memo::new(move |_| matches!(load.value().get(), Some(Ok(()))));
    let failed = Memo::new(move |_| matches!(load.value().get(), Some(Err(_))));
    // Fetch on the first opening, and again on a later one after a failure.
    Effect::watch(
        move || open.get(),
        move |is_open, _, _| {
            if *is_open && !ready.get_untracked() && !load.pending().get_untracked() {
                load.dispatch(());
            }
        },
        true,
    );
    let i18n = use_i18n();
    move || {
        if ready.get() {
            untrack(|| now(mount())).into_any()
        } else if failed.get() && open.get() {
            view! {
                <div class="si-problem" role="alert" data-testid=testids::CHUNK_ERROR>
                    <p>{i18n.t(Key::ChunkFailed)}</p>
                    <button
                        type="button"
                        class="si-button si-primary"
                        data-testid=testids::CHUNK_RETRY
                        on:click=move |_| {
                            load.dispatch(());
                        }
                    >
                        {i18n.t(Key::Retry)}
                    </button>
                    <button type="button" class="si-button" on:click=move |_| open.close()>
                        {i18n.t(Key::Close)}
                    </button>
                </div>
            }
            .into_any()
        } else {
            ().into_any()
        }
    }
}

fn register(preload: Preload) {
    if let Some(registry) = use_context::<Registry>() {
        registry.0.update_value(|all| all.push(preload));
    }
}

/// Makes the chunks of the dialogs created below this point known to
/// [`after_first_paint`] (the page does this; a host composing its own page from the
/// dialogs gets no idle prefetch).
pub fn provide_registry() {
    provide_context(Registry::default());
}

/// What to run once the list has painted: marks `security-info:list-visible` on the
/// page's performance timeline (what `scripts/bench.sh` measures), then fetches every
/// chunk registered below this point, one after the other, when the browser is idle, so
/// the first click on "Add" does not wait for the network. Fetch failures are left for
/// the dialog itself to show when it opens.
pub fn after_first_paint() -> impl Fn() + 'static {
    let registry = use_context::<Registry>();
    move || {
        crate::first_paint::mark_list_visible();
        let Some(registry) = registry.filter(|_| cfg!(feature = "split")) else {
            return;
        };
        let run = move || {
            // The page may have been unmounted since (a re-render): nothing to prefetch.
            let all = registry.0.try_get_value().unwrap_or_default();
            leptos::task::spawn_local(async move {
                for preload in all {
                    let _ = preload().await;
                }
            });
        };
        let callback = wasm_bindgen::closure::Closure::once_into_js(run);
        let window = window();
        if window
            .request_idle_callback(callback.unchecked_ref())
            .is_err()
        {
            // No requestIdleCallback (Safari): after this task instead.
            let _ = window.set_timeout_with_callback(callback.unchecked_ref());
        }
    }
}
