//! The step-up host: a change that the server refused with `step-up-required` waits
//! (in `Ctx::with_step_up`) while the verify dialog is open; verifying lets it go
//! again, closing the dialog cancels it.

use crate::context::use_ctx;
use crate::dialog::Open;
use leptos::prelude::*;
use security_info_core::api::{DefaultMethod, Method};

/// The verify dialog, open exactly while a change waits for a fresh verification.
pub fn step_up_host(
    // The user's methods; the two-step ones are offered.
    methods: Signal<Vec<Method>>,
    // The default method, offered first.
    default_method: Signal<Option<DefaultMethod>>,
) -> impl IntoView {
    let step_up = use_ctx().step_up;
    // Taking the request closes the dialog (it is derived from the request).
    let finish = move |verified: bool| {
        if let Some(request) = step_up.try_update(Option::take).flatten() {
            request.finish(verified);
        }
    };
    let open = Open::derived(move || step_up.with(Option::is_some), move || finish(false));
    super::dialogs::verify_identity(
        open,
        methods,
        default_method,
        Callback::new(move |()| finish(true)),
    )
}
