//! The questions form: one question select and one answer field per required answer;
//! each select offers only the questions the others have not taken.

use crate::client::Call;
use crate::context::{Change, Reply, unique_id, use_ctx};
use crate::error::ClientError;
use crate::i18n::Key;
use crate::methods::other_method_button;
use crate::testids;
use leptos::prelude::*;
use security_info_core::api::{ErrorCode, Method, SecurityQuestions};
use security_info_core::screens::security_questions::{AnswersForm, MIN_ANSWER_CHARS, Refusal};

/// The form for `offered`; `on_added` gets the stored method.
#[component]
pub fn AnswersStep(
    /// The administrator's questions and how many to answer.
    offered: SecurityQuestions,
    /// Say that the new answers replace the current ones.
    replacing: bool,
    /// Called with the stored method.
    on_added: Callback<Method>,
    /// "I want to set up a different method".
    on_other_method: Option<Callback<()>>,
) -> impl IntoView {
    let ctx = use_ctx();
    let i18n = ctx.i18n.clone();
    let count = offered.required.to_string();
    let form = RwSignal::new(AnswersForm::new(offered));
    let refusal = RwSignal::new(None::<Refusal>);
    let error = RwSignal::new(None::<String>);
    let error_id = unique_id("questions-error");
    let show = {
        let i18n = i18n.clone();
        move |r: Refusal| {
            let (key, n) = match r {
                Refusal::QuestionMissing(i) => (Key::QuestionMissing, i + 1),
                Refusal::AnswerTooShort(i) => (Key::AnswerTooShort, i + 1),
            };
            let (n, min) = (n.to_string(), MIN_ANSWER_CHARS.to_string());
            error.set(Some(i18n.fmt(key, &[("n", &n), ("min", &min)])));
            refusal.set(Some(r));
        }
    };
    let invalid_text = i18n.t(Key::QuestionsInvalid);
    let save = ctx.request(error, move |reply: Reply<Method>| match reply {
        Reply::Done(method) => on_added.run(method),
        Reply::Failed(ClientError::Problem(p)) if p.code == ErrorCode::Validation => {
            error.set(Some(invalid_text.clone()));
        }
        _ => {}
    });
    let pending = save.pending();
    let submit = move || {
        if pending.get_untracked() {
            return;
        }
        refusal.set(None);
        match form.with_untracked(AnswersForm::request) {
            Ok(request) => save.send(Change::new(Call::security_answers(&request))),
            Err(r) => show(r),
        }
    };
    let slots = (0..form.with_untracked(|f| f.slots.len()))
        .map(|i| slot(form, refusal, i, error_id.clone()))
        .collect_view();
    let other_method = on_other_method.map(|cb| other_method_button(&i18n, cb));
    view! {
        <form class="si-wizard" novalidate on:submit=move |ev| { ev.prevent_default(); submit(); }>
            <p>{i18n.fmt(Key::QuestionsIntro, &[("count", &count)])}</p>
            <p class="si-note">{i18n.t(Key::SsprOnly)}</p>
            {replacing.then(|| view! { <p class="si-note" data-testid=testids::REPLACES_NOTE>{i18n.t(Key::QuestionsReplace)}</p> })}
            {slots}
            <p class="si-error" id=error_id role="alert" data-testid=testids::ERROR>{move || error.get()}</p>
            <div class="si-footer" aria-busy=move || pending.get().to_string()>
                {other_method}
                <button type="submit" class="si-button si-primary" data-testid=testids::QUESTIONS_SUBMIT
                    aria-disabled=move || pending.get().to_string()>
                    {i18n.t(Key::Save)}
                </button>
            </div>
        </form>
    }
}

/// Answer `i`: its question select (the questions the other answers left) and its field.
fn slot(
    form: RwSignal<AnswersForm>,
    refusal: RwSignal<Option<Refusal>>,
    i: usize,
    error_id: String,
) -> impl IntoView {
    let i18n = use_ctx().i18n;
    let n = (i + 1).to_string();
    let (select_id, answer_id) = (unique_id("question"), unique_id("answer"));
    // Only a change of the choices re-renders the options, not typing an answer.
    let choices = Memo::new(move |_| {
        form.with(|f| {
            let current = f.slots.get(i).and_then(|s| s.question.clone());
            let options: Vec<(String, String)> = f
                .choices(i)
                .into_iter()
                .map(|q| (q.id.clone(), q.text.clone()))
                .collect();
            (current, options)
        })
    });
    let question_invalid = move || refusal.get() == Some(Refusal::QuestionMissing(i));
    let answer_invalid = move || refusal.get() == Some(Refusal::AnswerTooShort(i));
    let placeholder = i18n.t(Key::QuestionChoose);
    view! {
        <label class="si-label si-field-gap" for=select_id.clone()>{i18n.fmt(Key::QuestionLabel, &[("n", &n)])}</label>
        <select id=select_id class="si-input" data-testid=testids::QUESTION_SELECT
            data-autofocus=(i == 0).then_some("")
            aria-describedby=error_id.clone()
            aria-invalid=move || question_invalid().to_string()
            on:change=move |ev| form.update(|f| f.choose(i, &event_target_value(&ev)))>
            {move || {
                let (current, options) = choices.get();
                let none = current.is_none();
                let options = options.into_iter().map(|(id, text)| {
                    let selected = current.as_deref() == Some(id.as_str());
                    view! { <option value=id selected=selected>{text}</option> }
                }).collect_view();
                view! { <option value="" selected=none>{placeholder.clone()}</option> {options} }
            }}
        </select>
        <label class="si-label si-field-gap" for=answer_id.clone()>{i18n.fmt(Key::AnswerLabel, &[("n", &n)])}</label>
        <input id=answer_id class="si-input" type="text" autocomplete="off" maxlength="200"
            data-testid=testids::ANSWER_INPUT
            aria-describedby=error_id
            aria-invalid=move || answer_invalid().to_string()
            on:input=move |ev| form.update(|f| f.answer(i, &event_target_value(&ev))) />
    }
}
