//! The demo served by the reference server: sign in with a password, then — once the
//! account has a two-step method — with [`VerifyIdentityDialog`] as the second step, then
//! the Security info page. `?locale=nl` and `?theme=dark` pick language and theme.

use leptos::prelude::*;
use security_info::core::api::{ErrorCode, Session, SignInRequest};
use security_info::demo_outbox::OutboxPanel;
use security_info::verify_identity_dialog::VerifyPurpose;
use security_info::{
    ClientError, Config, SecurityInfo, Theme, VerifyIdentityDialog, provide_security_info,
};
use wasm_bindgen::JsCast;

/// Where the demo is in the sign-in flow.
#[derive(Clone)]
enum Stage {
    Loading,
    SignedOut,
    SecondFactor(Session),
    SignedIn(String),
}

fn main() {
    leptos::mount::mount_to_body(Demo);
}

fn query_param(name: &str) -> Option<String> {
    let search = window().location().search().ok()?;
    web_sys::UrlSearchParams::new_with_str(&search)
        .ok()?
        .get(name)
}

/// The demo page's own texts (the library's texts come from its i18n tables).
fn text(dutch: bool, en: &'static str, nl: &'static str) -> &'static str {
    if dutch { nl } else { en }
}

#[component]
fn Demo() -> impl IntoView {
    let locale = query_param("locale");
    let dutch = locale.as_deref().is_some_and(|l| l.starts_with("nl"));
    let theme = match query_param("theme").as_deref() {
        Some("dark") => Theme::Dark,
        Some("light") => Theme::Light,
        _ => Theme::Auto,
    };
    let config = Config {
        locale,
        theme,
        ..Config::default()
    };
    // boot.js's early security-info request: its answer says who is signed in and is the
    // list's first answer, so a signed-in visit needs no `GET /session`.
    let early = js_sys::Reflect::get(&js_sys::global(), &"securityInfoFirstAnswer".into())
        .ok()
        .and_then(|v| v.dyn_into::<js_sys::Promise>().ok());
    let ctx = provide_security_info(Config {
        first_answer: early.clone(),
        ..config.clone()
    });
    // Host callbacks make Config !Send; the browser is single-threaded.
    let config = StoredValue::new_local(config);
    let stage = RwSignal::new(Stage::Loading);

    let session_ctx = ctx.clone();
    leptos::task::spawn_local(async move {
        if early.is_some()
            && let Ok(info) = session_ctx.client().security_info().await
            && let Some(session) = info.session.filter(|s| s.authenticated)
        {
            // The list takes the same answer: no second request for it either.
            config.update_value(|c| c.first_answer = early);
            stage.set(Stage::SignedIn(session.username));
            return;
        }
        stage.set(match session_ctx.client().session().await {
            Ok(Some(session)) if session.authenticated => Stage::SignedIn(session.username),
            Ok(Some(session)) => Stage::SecondFactor(session),
            Ok(None) | Err(_) => Stage::SignedOut,
        });
    });

    let sign_out = move |_| {
        let ctx = ctx.clone();
        leptos::task::spawn_local(async move {
            // Signed out locally whatever the server said: the cookie is HttpOnly.
            let _ = ctx.client().sign_out().await;
            stage.set(Stage::SignedOut);
        });
    };

    view! {
        <div class="si-demo" data-theme=theme_attr(theme)>
            <header class="si-demo-header">
                <span class="si-demo-brand">"Contoso"</span>
                {move || match stage.get() {
                    Stage::SignedIn(user) => view! {
                        <bdi class="si-demo-user" data-testid="demo-user">{user}</bdi>
                        <button type="button" class="si-button" data-testid="sign-out" on:click=sign_out.clone()>
                            {text(dutch, "Sign out", "Afmelden")}
                        </button>
                    }.into_any(),
                    _ => ().into_any(),
                }}
            </header>
            {move || match stage.get() {
                Stage::Loading => view! { <p class="si-demo-loading" aria-busy="true"></p> }.into_any(),
                Stage::SignedOut => view! { <SignIn stage dutch /> }.into_any(),
                Stage::SecondFactor(session) => view! { <SecondFactor session stage /> }.into_any(),
                Stage::SignedIn(_) => {
                    // The early answer serves the first list only, not one after signing in.
                    let list = config.get_value();
                    config.update_value(|c| c.first_answer = None);
                    view! { <SecurityInfo config=list /> }.into_any()
                }
            }}
            // The codes the demo server "sends", once someone signed in with a password.
            {move || matches!(stage.get(), Stage::SecondFactor(_) | Stage::SignedIn(_))
                .then(|| view! { <OutboxPanel /> })}
        </div>
    }
}

fn theme_attr(theme: Theme) -> Option<&'static str> {
    (theme != Theme::Auto).then(|| theme.as_str())
}

/// First factor: user name and password.
#[component]
fn SignIn(stage: RwSignal<Stage>, dutch: bool) -> impl IntoView {
    let ctx = security_info::context::use_ctx();
    let username = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let error = RwSignal::new(None::<&'static str>);
    let sign_in = Action::new_local(move |request: &SignInRequest| {
        let (ctx, request) = (ctx.clone(), request.clone());
        async move {
            match ctx.client().sign_in(&request).await {
                Ok(session) if session.authenticated => {
                    stage.set(Stage::SignedIn(session.username))
                }
                Ok(session) => stage.set(Stage::SecondFactor(session)),
                Err(e) => error.set(Some(sign_in_error(&e, dutch))),
            }
        }
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if !sign_in.pending().get_untracked() {
            sign_in.dispatch_local(SignInRequest {
                username: username.get_untracked(),
                password: password.get_untracked(),
            });
        }
    };
    view! {
        <main class="si-demo-signin">
            <h1>{text(dutch, "Sign in", "Aanmelden")}</h1>
            <form on:submit=submit data-testid="sign-in-form">
                <label for="si-demo-username">{text(dutch, "User name", "Gebruikersnaam")}</label>
                <input id="si-demo-username" class="si-input" name="username" autocomplete="username"
                    required data-testid="sign-in-username"
                    on:input=move |ev| username.set(event_target_value(&ev)) />
                <label for="si-demo-password">{text(dutch, "Password", "Wachtwoord")}</label>
                <input id="si-demo-password" class="si-input" type="password" name="password"
                    autocomplete="current-password" required data-testid="sign-in-password"
                    on:input=move |ev| password.set(event_target_value(&ev)) />
                <p class="si-error" role="alert" data-testid="sign-in-error">{move || error.get()}</p>
                <button type="submit" class="si-button si-primary" data-testid="sign-in-submit"
                    aria-disabled=move || sign_in.pending().get().to_string()>
                    {text(dutch, "Sign in", "Aanmelden")}
                </button>
            </form>
            <p class="si-demo-hint">
                {text(dutch, "Demo accounts: alice / alice-demo-password, bob / bob-demo-password",
                    "Demo-accounts: alice / alice-demo-password, bob / bob-demo-password")}
            </p>
        </main>
    }
}

fn sign_in_error(error: &ClientError, dutch: bool) -> &'static str {
    match error.code() {
        Some(ErrorCode::Unauthenticated | ErrorCode::Validation) => text(
            dutch,
            "Your user name or password is incorrect.",
            "Uw gebruikersnaam of wachtwoord is onjuist.",
        ),
        Some(ErrorCode::RateLimited) => text(
            dutch,
            "Too many attempts. Wait a moment and try again.",
            "Te veel pogingen. Wacht even en probeer het opnieuw.",
        ),
        _ => text(
            dutch,
            "Signing in didn't work. Try again.",
            "Aanmelden is niet gelukt. Probeer het opnieuw.",
        ),
    }
}

/// Second factor: the library's verify component, with the session's methods.
#[component]
fn SecondFactor(session: Session, stage: RwSignal<Stage>) -> impl IntoView {
    let open = RwSignal::new(true);
    let username = session.username.clone();
    // Closing the dialog without verifying goes back to the password step.
    Effect::new(move |_| {
        if !open.get() && matches!(stage.get_untracked(), Stage::SecondFactor(_)) {
            stage.set(Stage::SignedOut);
        }
    });
    view! {
        <main class="si-demo-signin">
            <VerifyIdentityDialog
                open
                methods=session.methods
                default_method=session.default_method
                purpose=VerifyPurpose::SignIn
                on_verified=Callback::new(move |_| stage.set(Stage::SignedIn(username.clone())))
            />
        </main>
    }
}
