//! Security questions: the administrator's list with translations, the person's
//! answers (argon2 hashes only, never answered back), the policy's number of different
//! questions, "Change" replacing the whole set. SQLite, or PostgreSQL with
//! `TEST_DATABASE_URL`.

mod common;

use common::*;
use reqwest::{Method, StatusCode};
use security_info_core::methods::MethodType;
use security_info_server::config::{Question, Settings};
use security_info_server::methods::security_questions::answer_matches;
use security_info_server::store;
use serde_json::{Value, json};
use std::collections::BTreeMap;

fn translated(en: &str, nl: &str) -> Question {
    Question::Translated(BTreeMap::from([
        ("en".to_owned(), en.to_owned()),
        ("nl".to_owned(), nl.to_owned()),
    ]))
}

fn questions(s: &mut Settings) {
    s.security_questions = Some(vec![
        translated(
            "What was the name of your first pet?",
            "Hoe heette je eerste huisdier?",
        ),
        translated(
            "In what city were you born?",
            "In welke stad ben je geboren?",
        ),
        Question::Text("What was your childhood nickname?".into()),
        translated(
            "What was the make of your first car?",
            "Van welk merk was je eerste auto?",
        ),
    ]);
}

async fn ids(srv: &App, t: &str) -> Vec<String> {
    let r = srv.get("/me/security-questions?locale=nl", t).await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    r.body["questions"]
        .as_array()
        .expect("questions")
        .iter()
        .map(|q| q["id"].as_str().expect("id").to_owned())
        .collect()
}

fn answers(pairs: &[(&str, &str)]) -> Value {
    json!({"answers": pairs.iter().map(|(q, a)| json!({"questionId": q, "answer": a})).collect::<Vec<_>>()})
}

#[tokio::test]
async fn answers_are_stored_as_hashes_and_a_new_set_replaces_the_old() {
    let db = TestDb::new().await;
    let srv = App::start_with(&db, questions).await;
    let sub = user("sq");
    let t = token(&sub);
    let r = srv.get("/me/security-questions?locale=nl-NL", &t).await;
    assert_eq!(r.body["required"], 3);
    assert_eq!(
        r.body["questions"][0]["text"],
        "Hoe heette je eerste huisdier?"
    );
    assert_eq!(
        r.body["questions"][2]["text"], "What was your childhood nickname?",
        "English where there is no translation"
    );
    let en = srv.get("/me/security-questions", &t).await;
    assert_eq!(
        en.body["questions"][1]["text"],
        "In what city were you born?"
    );
    let q = ids(&srv, &t).await;
    let r = srv
        .post(
            "/me/methods/security-questions",
            &t,
            answers(&[
                (&q[0], "Bello"),
                (&q[1], "  ＡＭＳＴＥＲＤＡＭ "),
                (&q[2], "Kees"),
            ]),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    assert_eq!(r.body["type"], "security_questions");
    assert_eq!(r.body["usableFor"], json!(["sspr"]));
    assert_eq!(r.body["defaultModes"], json!([]));
    let id = r.body["id"].as_str().expect("id").to_owned();
    let info = srv.security_info(&t).await;
    assert!(!info.to_string().to_lowercase().contains("bello"));
    assert_eq!(info["defaultMethod"], Value::Null);

    let mut conn = srv.state.db.pool.acquire().await.expect("conn");
    let stored = store::answers_of(&mut conn, &id).await.expect("answers");
    assert_eq!(stored.len(), 3);
    for (_, hash) in &stored {
        assert!(hash.starts_with("$argon2id$"), "{hash}");
        assert!(!hash.to_lowercase().contains("amsterdam"));
    }
    let city = stored
        .iter()
        .find(|(qid, _)| *qid == q[1])
        .expect("city")
        .1
        .clone();
    // Compared after NFKC, trimming and lower-casing.
    assert!(
        answer_matches("amsterdam", city.clone())
            .await
            .expect("check")
    );
    assert!(
        answer_matches(" Amsterdam", city.clone())
            .await
            .expect("check")
    );
    assert!(!answer_matches("Rotterdam", city).await.expect("check"));
    drop(conn);

    // "Change": a new set replaces the whole old one, same method.
    let r = srv
        .post(
            "/me/methods/security-questions",
            &t,
            answers(&[(&q[3], "Volvo"), (&q[1], "Utrecht"), (&q[2], "Kees")]),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    assert_eq!(r.body["id"], id);
    let mut conn = srv.state.db.pool.acquire().await.expect("conn");
    let stored = store::answers_of(&mut conn, &id).await.expect("answers");
    let mut asked: Vec<_> = stored.iter().map(|(q, _)| q.clone()).collect();
    asked.sort();
    let mut expected = vec![q[3].clone(), q[1].clone(), q[2].clone()];
    expected.sort();
    assert_eq!(asked, expected, "the first question's answer is gone");
    assert_eq!(
        srv.security_info(&t).await["methods"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
}

#[tokio::test]
async fn the_required_number_of_different_known_questions_with_real_answers() {
    let db = TestDb::new().await;
    let srv = App::start_with(&db, questions).await;
    let t = token(&user("sq-bad"));
    let q = ids(&srv, &t).await;
    let bad = [
        answers(&[(&q[0], "Bello"), (&q[1], "Amsterdam")]),
        answers(&[
            (&q[0], "Bello"),
            (&q[1], "Amsterdam"),
            (&q[2], "Kees"),
            (&q[3], "Volvo"),
        ]),
        answers(&[(&q[0], "Bello"), (&q[0], "Bella"), (&q[2], "Kees")]),
        answers(&[(&q[0], "Bello"), ("unknown", "Amsterdam"), (&q[2], "Kees")]),
        answers(&[(&q[0], "Bello"), (&q[1], " ab "), (&q[2], "Kees")]),
        answers(&[(&q[0], "Bello"), (&q[1], &"x".repeat(201)), (&q[2], "Kees")]),
    ];
    for body in bad {
        srv.post("/me/methods/security-questions", &t, body)
            .await
            .assert_problem(400, "validation");
    }
    assert_eq!(srv.security_info(&t).await["methods"], json!([]));
    // Never a step-up.
    let r = srv
        .post(
            "/me/methods/security-questions",
            &t,
            answers(&[(&q[0], "Bello"), (&q[1], "Amsterdam"), (&q[2], "Kees")]),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED);
    srv.post(
        "/me/step-up",
        &t,
        json!({"methodId": r.body["id"], "code": "123456"}),
    )
    .await
    .assert_problem(400, "validation");
}

#[tokio::test]
async fn policy_and_step_up_apply() {
    let db = TestDb::new().await;
    let srv = App::start_with(&db, |s| {
        questions(s);
        s.allowed_methods = Some(vec!["totp".into()]);
    })
    .await;
    let t = token(&user("sq-policy"));
    let q = ids(&srv, &t).await;
    let body = answers(&[(&q[0], "Bello"), (&q[1], "Amsterdam"), (&q[2], "Kees")]);
    srv.post("/me/methods/security-questions", &t, body.clone())
        .await
        .assert_problem(403, "not-allowed-by-policy");
    let srv = App::start_with(&db, |s| {
        questions(s);
        s.allowed_methods = Some(vec!["totp".into(), "security_questions".into()]);
    })
    .await;
    srv.enroll(&t, "app").await;
    srv.post("/me/methods/security-questions", &t, body)
        .await
        .assert_problem(403, "step-up-required");
    srv.call(Method::GET, "/me/security-questions", None, None)
        .await
        .assert_problem(401, "unauthenticated");
}

#[test]
fn the_default_questions_are_english_and_dutch_with_ids_from_the_english_text() {
    let config = Settings {
        encryption_key: Some(ENCRYPTION_KEY.into()),
        ..Settings::default()
    }
    .resolve()
    .expect("config");
    assert_eq!(config.questions.len(), 6);
    let first = &config.questions[0];
    assert_eq!(first.text("en"), "What was the name of your first pet?");
    assert_eq!(first.text("nl-NL"), "Hoe heette uw eerste huisdier?");
    assert_eq!(first.text("fr"), "What was the name of your first pet?");
    // The same id as the English-only question had: stored answers keep their question.
    assert_eq!(
        first.id(),
        Question::Text("What was the name of your first pet?".into()).id()
    );
    assert!(config.questions.iter().all(|q| q.text("nl") != q.english()));
}

#[test]
fn questions_come_from_the_toml_file_with_translations() {
    let dir = TempDir::new();
    let file = dir.0.join("config.toml");
    std::fs::write(
        &file,
        r#"
security-questions-required = 2
security-questions = [
  { id = "pet", en = "What was the name of your first pet?", nl = "Hoe heette je eerste huisdier?" },
  "In what city were you born?",
]
"#,
    )
    .expect("write");
    let config = Settings {
        config: Some(file.clone()),
        encryption_key: Some(ENCRYPTION_KEY.into()),
        ..Settings::default()
    }
    .resolve()
    .expect("config");
    assert_eq!(config.questions.len(), 2);
    assert_eq!(config.questions[0].id(), "pet");
    assert_eq!(
        config.questions[0].text("nl"),
        "Hoe heette je eerste huisdier?"
    );
    assert_eq!(
        config.questions[1].text("nl"),
        "In what city were you born?"
    );
    assert_eq!(
        config.security_questions,
        [
            "What was the name of your first pet?",
            "In what city were you born?"
        ]
    );
    std::fs::write(
        &file,
        "security-questions-required = 3\nsecurity-questions = [\"a\", \"b\"]\n",
    )
    .expect("write");
    let settings = || Settings {
        config: Some(file.clone()),
        ..Settings::default()
    };
    // By default the type is then not offered; listed explicitly, the server refuses.
    let config = settings().resolve().expect("config");
    assert!(
        !config
            .allowed_methods
            .contains(&MethodType::SecurityQuestions)
    );
    let refused = Settings {
        allowed_methods: Some(vec!["security_questions".into()]),
        ..settings()
    }
    .resolve();
    assert!(refused.is_err(), "more required than offered");
}
