//! Two server instances on one database (PostgreSQL in `scripts/test-server.sh`; also
//! runs on one SQLite file): the limit, replay refusal, rate limit and step-up hold
//! across them, because nothing that matters lives in process memory.

mod common;

use common::*;
use reqwest::StatusCode;
use serde_json::json;

#[tokio::test]
async fn two_instances_share_limit_replay_rate_limit_and_step_up() {
    let db = TestDb::new().await;
    let options =
        || Options::new(&db).args(&["--rate-limit-user", "4", "--rate-limit-client", "100"]);
    let a = Server::start_with(options()).await;
    let b = Server::start_with(options()).await;
    assert_ne!(a.url, b.url);
    let t = token(&user("yves"));

    // Enrol on A; the method is visible on B.
    let mut m = a.enroll(&t, "first").await;
    assert_eq!(b.security_info(&t).await["methods"][0]["id"], m.id.as_str());

    // Step-up on A makes the user fresh on B.
    b.post("/me/methods/totp/start", &t, json!({}))
        .await
        .assert_problem(403, "step-up-required");
    let code = m.next_code();
    let r = a
        .post(
            "/me/step-up",
            &t,
            json!({"methodId": m.id, "code": code.clone()}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(
        b.post("/me/methods/totp/start", &t, json!({})).await.status,
        StatusCode::OK
    );

    // Replay: the code A accepted is refused by B.
    b.post("/me/step-up", &t, json!({"methodId": m.id, "code": code}))
        .await
        .assert_problem(422, "code-reused");

    // Limit: 50 concurrent enrolments spread over A and B yield exactly five methods.
    let statuses = concurrent_enrolments(&[&a, &b], &t, 50).await;
    assert_eq!(
        statuses.iter().filter(|s| **s == 201).count(),
        4,
        "{statuses:?}"
    );
    assert!(
        statuses.iter().all(|s| *s == 201 || *s == 409),
        "{statuses:?}"
    );
    assert_eq!(
        a.security_info(&t).await["methods"]
            .as_array()
            .map(Vec::len),
        Some(5)
    );

    // Rate limit: failures alternate between the instances and still add up.
    for i in 0..4 {
        let srv = if i % 2 == 0 { &a } else { &b };
        srv.post(
            "/me/step-up",
            &t,
            json!({"methodId": m.id, "code": m.wrong_code()}),
        )
        .await
        .assert_problem(422, "invalid-code");
    }
    a.post(
        "/me/step-up",
        &t,
        json!({"methodId": m.id, "code": m.wrong_code()}),
    )
    .await
    .assert_problem(429, "rate-limited");
    b.post(
        "/me/step-up",
        &t,
        json!({"methodId": m.id, "code": m.wrong_code()}),
    )
    .await
    .assert_problem(429, "rate-limited");
}
