//! Hardware OATH tokens (issue 15): the inventory's import (CLI on the real binary, and
//! the admin API), activation by serial number and code, the limit of five shared with
//! authenticator apps, deletion putting the token back, and the secrets at rest. On
//! SQLite, or PostgreSQL with `TEST_DATABASE_URL`.

mod common;

use axum::body::Body;
use common::*;
use reqwest::{Method, StatusCode};
use security_info_core::totp::{Algorithm, TotpParams};
use serde_json::{Value, json};

fn admin() -> String {
    token_with(&user("ada"), json!({"roles": ["admin"]}))
}

/// `POST /admin/tokens` with `csv` as the body.
async fn import(srv: &App, bearer: &str, csv: &str, hex: bool) -> Response {
    let path = if hex {
        "/admin/tokens?hex=true"
    } else {
        "/admin/tokens"
    };
    let request = App::request(Method::POST, path)
        .header("authorization", format!("Bearer {bearer}"))
        .header("content-type", "text/csv")
        .body(Body::from(csv.to_owned()))
        .expect("request");
    srv.send(request).await
}

/// Imports `tokens` (available to anyone) through the admin API.
async fn stock(srv: &App, tokens: &[&HwToken]) {
    let lines: String = tokens.iter().map(|t| t.csv_line("")).collect();
    let r = import(srv, &admin(), &format!("{TOKEN_CSV_HEADER}{lines}"), false).await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    assert_eq!(r.body["imported"], tokens.len());
}

fn state_of(list: &Value, serial: &str) -> Value {
    list.as_array()
        .and_then(|l| l.iter().find(|t| t["serial"] == serial))
        .map_or(Value::Null, |t| t["state"].clone())
}

#[tokio::test]
async fn cli_import_reports_rejected_lines_and_is_idempotent() {
    let db = TestDb::new().await;
    let good = [
        HwToken::new("GALT0001", TotpParams::default()),
        HwToken::new(
            "GALT0002",
            TotpParams::new(Algorithm::Sha1, 8, 60).expect("params"),
        ),
    ];
    let good_lines: String = good.iter().map(|t| t.csv_line("")).collect();
    let file = db.dir.0.join("tokens.csv");
    let bad = format!(
        "{TOKEN_CSV_HEADER}{good_lines}\
         ,GALT0003,this is not base32!,30,Acme,c200,SHA1,6\n\
         ,GALT0001,{},30,Acme,c200,SHA1,6\n\
         ,GALT0004,{},0,Acme,c200,SHA1,6\n\
         ,GALT0005,{},30,Acme\n",
        good[0].secret.to_base32(),
        good[1].secret.to_base32(),
        good[1].secret.to_base32(),
    );
    std::fs::write(&file, &bad).expect("csv");
    let path = file.to_str().expect("path");
    let (code, out, err) = tokens_cli(command(&db), &["import", path]);
    assert_ne!(code, 0, "{out}{err}");
    let report: Value = serde_json::from_str(&out).expect("report");
    assert_eq!(report["imported"], 2, "{report}");
    let lines: Vec<u64> = report["rejected"]
        .as_array()
        .expect("rejected")
        .iter()
        .map(|r| r["line"].as_u64().expect("line"))
        .collect();
    assert_eq!(lines, [4, 5, 6, 7], "{report}");
    assert!(
        report["rejected"][1]["reason"]
            .as_str()
            .unwrap_or_default()
            .contains("line 2")
    );
    assert!(err.contains("4 lines rejected"), "{err}");
    for token in &good {
        assert!(
            !out.contains(&token.secret.to_base32()),
            "the report quotes a secret"
        );
    }

    // The same good lines again: nothing changes.
    std::fs::write(&file, format!("{TOKEN_CSV_HEADER}{good_lines}")).expect("csv");
    let (code, out, err) = tokens_cli(command(&db), &["import", path]);
    assert_eq!(code, 0, "{out}{err}");
    let report: Value = serde_json::from_str(&out).expect("report");
    assert_eq!(
        (report["imported"].clone(), report["unchanged"].clone()),
        (json!(0), json!(2))
    );

    // Another secret for an imported serial is refused against the database.
    let other = HwToken::new("GALT0001", TotpParams::default());
    std::fs::write(&file, format!("{TOKEN_CSV_HEADER}{}", other.csv_line(""))).expect("csv");
    let (code, out, _) = tokens_cli(command(&db), &["import", path]);
    assert_ne!(code, 0);
    let report: Value = serde_json::from_str(&out).expect("report");
    assert_eq!(report["rejected"][0]["line"], 2, "{report}");

    // Hex keys with --hex (RFC 6238's test key), assigned to a person.
    std::fs::write(
        &file,
        "upn,serial number,secret key,time interval,manufacturer,model\n\
         carol,HEX-0001,3132333435363738393031323334353637383930,30,Acme,c100\n",
    )
    .expect("csv");
    let (code, out, err) = tokens_cli(command(&db), &["import", "--hex", path]);
    assert_eq!(code, 0, "{out}{err}");
    let (code, out, _) = tokens_cli(command(&db), &["list", "--state", "assigned"]);
    assert_eq!(code, 0);
    let list: Value = serde_json::from_str(&out).expect("list");
    assert_eq!(list.as_array().map(Vec::len), Some(1), "{list}");
    assert_eq!(list[0]["serial"], "HEX-0001");
    assert_eq!(list[0]["assignedTo"], "carol");
    let (_, out, _) = tokens_cli(command(&db), &["list"]);
    let list: Value = serde_json::from_str(&out).expect("list");
    assert_eq!(list.as_array().map(Vec::len), Some(3));
    assert_eq!(list[1]["period"], 60);
    assert_eq!(list[1]["digits"], 8);

    // Assign, unassign and delete through the CLI.
    let (code, out, _) = tokens_cli(command(&db), &["assign", "galt0002", "dave"]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("\"assigned\""), "{out}");
    let (code, out, _) = tokens_cli(command(&db), &["unassign", "GALT0002"]);
    assert_eq!(code, 0);
    assert!(out.contains("\"available\""), "{out}");
    let (code, _, _) = tokens_cli(command(&db), &["delete", "GALT0002"]);
    assert_eq!(code, 0);
    let (code, _, err) = tokens_cli(command(&db), &["delete", "GALT0002"]);
    assert_ne!(code, 0, "{err}");
}

#[tokio::test]
async fn an_activated_token_is_a_hardware_method_that_verifies_with_its_own_parameters() {
    let db = TestDb::new().await;
    let srv = App::start(&db).await;
    // Eight digits every 60 s: the method must use the token's parameters, not the apps'.
    let hw = HwToken::new(
        "GALT12345678",
        TotpParams::new(Algorithm::Sha1, 8, 60).expect("p"),
    );
    stock(&srv, &[&hw]).await;
    let t = token(&user("ann"));
    let step = hw.settled_step();
    let r = srv
        .activate(&t, "galt12345678", &hw.code_at_step(step - 1))
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    assert_eq!(r.body["type"], "totp");
    assert_eq!(r.body["source"], "hardware");
    assert_eq!(r.body["detail"], "••••5678");
    // The client's code entry asks for the token's 8 digits, not the type's 6.
    assert_eq!(r.body["codeDigits"], 8);
    assert_eq!(r.body["name"], "Hardware token");
    let id = r.body["id"].as_str().expect("id").to_owned();
    let info = srv.security_info(&t).await;
    assert_eq!(info["methods"][0]["source"], "hardware");
    assert_eq!(info["defaultMethod"]["methodId"], id.as_str());

    // Step-up with the token: its next code works, the activation code does not.
    let step_up = |code: String| json!({"methodId": id, "code": code});
    srv.post("/me/step-up", &t, step_up(hw.code_at_step(step - 1)))
        .await
        .assert_problem(422, "code-reused");
    let r = srv
        .post("/me/step-up", &t, step_up(hw.code_at_step(step)))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    srv.post("/me/step-up", &t, step_up(hw.code_at_step(step)))
        .await
        .assert_problem(422, "code-reused");

    let list = srv.get("/admin/tokens", &admin()).await;
    assert_eq!(state_of(&list.body, "GALT12345678"), "activated");
}

#[tokio::test]
async fn unknown_and_other_peoples_serials_are_not_found_and_count_as_failures() {
    let db = TestDb::new().await;
    // In process every request comes from one address: count per user here.
    let srv = App::start_with(&db, |s| s.rate_limit_client = Some(100)).await;
    let bobs = HwToken::new("BOB-0001", TotpParams::default());
    let mine = HwToken::new("ANN-0001", TotpParams::default());
    let bob = user("bob");
    let lines = format!(
        "{TOKEN_CSV_HEADER}{}{}",
        bobs.csv_line(&bob),
        mine.csv_line("")
    );
    assert_eq!(
        import(&srv, &admin(), &lines, false).await.status,
        StatusCode::OK
    );
    let t = token(&user("ann"));
    let step = bobs.settled_step();
    // Bob's token with its right code, and a serial that does not exist: one answer.
    let someone_elses = srv.activate(&t, "BOB-0001", &bobs.code_at_step(step)).await;
    let unknown = srv
        .activate(&t, "NOPE-0001", &bobs.code_at_step(step))
        .await;
    someone_elses.assert_problem(404, "not-found");
    assert_eq!(someone_elses.body, unknown.body);
    // Both counted: three wrong codes use up the five attempts.
    let wrong = Totp {
        id: String::new(),
        secret: mine.secret.clone(),
        used: Default::default(),
    }
    .wrong_code();
    for _ in 0..3 {
        srv.activate(&t, "ANN-0001", &wrong)
            .await
            .assert_problem(422, "invalid-code");
    }
    srv.activate(&t, "ANN-0001", &mine.code_at_step(step))
        .await
        .assert_problem(429, "rate-limited");
    // Bob himself activates his own.
    let r = srv
        .activate(&token(&bob), "BOB-0001", &bobs.code_at_step(step))
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
}

#[tokio::test]
async fn drift_replay_and_delete_puts_the_token_back() {
    let db = TestDb::new().await;
    let srv = App::start(&db).await;
    let hw = HwToken::new("CARD-0042", TotpParams::default());
    stock(&srv, &[&hw]).await;
    let t = token(&user("cas"));
    let step = hw.settled_step();
    let r = srv
        .activate(&t, "CARD-0042", &hw.code_at_step(step - 5))
        .await;
    r.assert_problem(422, "invalid-code");
    assert_eq!(
        r.body["detail"],
        "this code is from another time: check the clock of the device"
    );
    // An app first: its step-ups leave the token's steps alone.
    let mut app = srv.enroll(&t, "phone").await;
    assert_eq!(srv.step_up(&t, &mut app).await.status, StatusCode::OK);
    let r = srv
        .activate(&t, "CARD-0042", &hw.code_at_step(step - 1))
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    let id = r.body["id"].as_str().expect("id").to_owned();
    assert_eq!(srv.delete_method(&t, &id).await.status, StatusCode::OK);
    let list = srv.get("/admin/tokens?state=available", &admin()).await;
    assert_eq!(state_of(&list.body, "CARD-0042"), "available");
    // Back in the inventory, its used codes stay used.
    srv.activate(&t, "CARD-0042", &hw.code_at_step(step - 1))
        .await
        .assert_problem(422, "code-reused");
    let r = srv.activate(&t, "CARD-0042", &hw.code_at_step(step)).await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    let info = srv.security_info(&t).await;
    assert_eq!(info["methods"].as_array().map(Vec::len), Some(2));
}

#[tokio::test]
async fn five_apps_and_tokens_together_then_the_exact_limit_message() {
    let db = TestDb::new().await;
    let srv = App::start(&db).await;
    let tokens = [
        HwToken::new("LIM-0001", TotpParams::default()),
        HwToken::new("LIM-0002", TotpParams::default()),
        HwToken::new("LIM-0003", TotpParams::default()),
    ];
    stock(&srv, &[&tokens[0], &tokens[1], &tokens[2]]).await;
    let t = token(&user("lim"));
    let mut first = srv.enroll(&t, "one").await;
    assert_eq!(srv.step_up(&t, &mut first).await.status, StatusCode::OK);
    srv.enroll(&t, "two").await;
    srv.enroll(&t, "three").await;
    let step = tokens[0].settled_step();
    for hw in &tokens[..2] {
        let r = srv.activate(&t, &hw.serial, &hw.code_at_step(step)).await;
        assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    }
    let sentence = "You can't set up Microsoft Authenticator because you already have five authenticator apps or hardware tokens. Please contact your administrator to delete one of your authenticator apps or hardware tokens.";
    let r = srv.post("/me/methods/totp/start", &t, json!({})).await;
    r.assert_problem(409, "limit-reached");
    assert_eq!(r.body["detail"], sentence);
    let r = srv
        .activate(&t, "LIM-0003", &tokens[2].code_at_step(step))
        .await;
    r.assert_problem(409, "limit-reached");
    assert_eq!(r.body["detail"], sentence);
    let list = srv.get("/admin/tokens", &admin()).await;
    assert_eq!(state_of(&list.body, "LIM-0003"), "available");
}

#[tokio::test]
async fn the_token_admin_api_is_for_administrators() {
    let db = TestDb::new().await;
    let srv = App::start(&db).await;
    let hw = HwToken::new("ADM-0001", TotpParams::default());
    let csv = format!("{TOKEN_CSV_HEADER}{}", hw.csv_line(""));
    let someone = user("sam");
    let t = token(&someone);
    import(&srv, &t, &csv, false)
        .await
        .assert_problem(403, "forbidden");
    srv.get("/admin/tokens", &t)
        .await
        .assert_problem(403, "forbidden");
    let assign = json!({"subject": someone});
    srv.call(
        Method::PUT,
        "/admin/tokens/ADM-0001/user",
        Some(&t),
        Some(assign.clone()),
    )
    .await
    .assert_problem(403, "forbidden");
    for path in ["/admin/tokens/ADM-0001/user", "/admin/tokens/ADM-0001"] {
        srv.call(Method::DELETE, path, Some(&t), None)
            .await
            .assert_problem(403, "forbidden");
    }
    assert!(
        srv.get("/admin/tokens", &admin())
            .await
            .body
            .as_array()
            .is_some_and(Vec::is_empty)
    );

    let admin = admin();
    let r = import(&srv, &admin, &csv, false).await;
    assert_eq!(r.body["imported"], 1, "{:?}", r.body);
    let r = import(&srv, &admin, "serial\nX\n", false).await;
    assert_eq!(r.body["rejected"][0]["line"], 1, "a wrong header is line 1");
    let r = srv
        .call(Method::POST, "/admin/tokens", Some(&admin), Some(json!({})))
        .await;
    r.assert_problem(400, "validation");
    let r = srv
        .call(
            Method::PUT,
            "/admin/tokens/adm-0001/user",
            Some(&admin),
            Some(assign),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    assert_eq!(
        (r.body["state"].clone(), r.body["assignedTo"].clone()),
        (json!("assigned"), json!(someone))
    );
    srv.get("/admin/tokens?state=nonsense", &admin)
        .await
        .assert_problem(400, "validation");

    // Assigned to sam: he activates it; the administrator's delete of his method puts
    // it back, still assigned to him.
    let step = hw.settled_step();
    let r = srv
        .activate(&t, "ADM-0001", &hw.code_at_step(step - 1))
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    let id = r.body["id"].as_str().expect("id").to_owned();
    let path = format!("/admin/users/{someone}/methods/{id}");
    assert_eq!(
        srv.call(Method::DELETE, &path, Some(&admin), None)
            .await
            .status,
        StatusCode::OK
    );
    let list = srv.get("/admin/tokens?state=assigned", &admin).await;
    assert_eq!(state_of(&list.body, "ADM-0001"), "assigned");
    let r = srv.activate(&t, "ADM-0001", &hw.code_at_step(step)).await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    // Activated by sam: it cannot go to someone else, but it can be unassigned.
    let r = srv
        .call(
            Method::PUT,
            "/admin/tokens/ADM-0001/user",
            Some(&admin),
            Some(json!({"subject": "someone-else"})),
        )
        .await;
    r.assert_problem(400, "validation");
    let r = srv
        .call(
            Method::DELETE,
            "/admin/tokens/ADM-0001/user",
            Some(&admin),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    assert_eq!(r.body["state"], "activated");
    assert_eq!(r.body["assignedTo"], Value::Null);
    assert_eq!(r.body["activatedBy"], someone.as_str());
    // Deleting the token for good takes its method with it.
    let r = srv
        .call(Method::DELETE, "/admin/tokens/ADM-0001", Some(&admin), None)
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{:?}", r.body);
    assert!(
        srv.security_info(&t).await["methods"]
            .as_array()
            .is_some_and(Vec::is_empty)
    );
    srv.call(Method::DELETE, "/admin/tokens/ADM-0001", Some(&admin), None)
        .await
        .assert_problem(404, "not-found");
}

/// The Base32 and hex secrets of imported tokens, and the codes, are nowhere in the
/// database (SQLite file and WAL, or every table on PostgreSQL), the logs or the CLI's
/// output; the inventory holds them sealed to the serial, the method to user and method.
#[tokio::test]
async fn no_token_secret_in_database_or_logs() {
    let db = TestDb::new().await;
    let base32 = HwToken::new("SEC-0001", TotpParams::default());
    let hexed = HwToken::new("SEC-0002", TotpParams::default());
    let hex: String = hexed
        .secret
        .as_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let file = db.dir.0.join("tokens.csv");
    std::fs::write(&file, format!("{TOKEN_CSV_HEADER}{}", base32.csv_line(""))).expect("csv");
    let (code, out_a, err_a) = tokens_cli(command(&db), &["import", file.to_str().expect("p")]);
    assert_eq!(code, 0, "{out_a}{err_a}");
    std::fs::write(
        &file,
        format!("upn,serial number,secret key,time interval,manufacturer,model\n,SEC-0002,{hex},30,Acme,c200\n"),
    )
    .expect("csv");
    let (code, out_b, err_b) = tokens_cli(
        command(&db),
        &["import", "--hex", file.to_str().expect("p")],
    );
    assert_eq!(code, 0, "{out_b}{err_b}");
    std::fs::remove_file(&file).expect("remove the file");

    let srv = Server::start(&db).await;
    let t = token(&user("sec"));
    let step = base32.settled_step();
    let code_a = base32.code_at_step(step - 1);
    let r = srv.activate(&t, "SEC-0001", &code_a).await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    let id = r.body["id"].as_str().expect("id").to_owned();
    let code_b = base32.code_at_step(step);
    let r = srv
        .post("/me/step-up", &t, json!({"methodId": id, "code": code_b}))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;

    let stored = db.dump().await;
    let stored = String::from_utf8_lossy(&stored);
    assert!(stored.contains("SEC-0002"), "the dump covers the inventory");
    let output = format!("{out_a}{err_a}{out_b}{err_b}{}", srv.logs());
    for (what, needle) in [
        ("the Base32 secret", base32.secret.to_base32()),
        ("the grouped secret", base32.secret.to_grouped_base32()),
        ("the second token's Base32 secret", hexed.secret.to_base32()),
        ("the hex secret", hex.clone()),
        ("the activation code", code_a),
        ("the step-up code", code_b),
    ] {
        assert!(!stored.contains(&needle), "the database contains {what}");
        assert!(!output.contains(&needle), "the output contains {what}");
    }
    assert!(
        srv.logs().contains("hardware token activated"),
        "logs are written at all"
    );
}

/// The demo seeds two available tokens and prints their secrets, the same on every
/// start; a code computed from the printed secret activates one.
#[tokio::test]
async fn the_demo_seeds_two_tokens_and_prints_their_secrets() {
    let db = TestDb::new().await;
    let printed = |srv: &Server| -> Vec<(String, String)> {
        srv.logs()
            .lines()
            .filter_map(|l| l.strip_prefix("demo hardware token: "))
            .filter_map(|l| l.split_once(" / "))
            .map(|(s, k)| (s.to_owned(), k.trim().to_owned()))
            .collect()
    };
    let srv = Server::start_with(Options::new(&db).arg("--demo")).await;
    let first = printed(&srv);
    let serials: Vec<&str> = first.iter().map(|(s, _)| s.as_str()).collect();
    assert_eq!(serials, ["DEMO-TOKEN-0001", "DEMO-TOKEN-0002"]);
    assert!(srv.stop());
    let srv = Server::start_with(Options::new(&db).arg("--demo")).await;
    assert_eq!(printed(&srv), first);
    let hw = HwToken {
        serial: first[0].0.clone(),
        secret: security_info_core::Secret::from_base32(&first[0].1).expect("base32"),
        params: TotpParams::default(),
    };
    let t = token(&user("demo"));
    let r = srv
        .activate(&t, &hw.serial, &hw.code_at_step(hw.settled_step()))
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    assert_eq!(r.body["detail"], "••••0001");
}

/// Activations racing each other: one token wanted by ten people gives one method (the
/// rest 404 or `code-reused`), and three tokens activated at once by someone with four
/// apps give exactly the fifth — the limit is checked in the transaction that adds.
#[tokio::test]
async fn racing_activations_respect_the_token_and_the_limit() {
    let db = TestDb::new().await;
    let srv = App::start_with(&db, |s| s.rate_limit_client = Some(1000)).await;
    let tokens = [
        HwToken::new("RACE-0001", TotpParams::default()),
        HwToken::new("RACE-0002", TotpParams::default()),
        HwToken::new("RACE-0003", TotpParams::default()),
        HwToken::new("RACE-0004", TotpParams::default()),
    ];
    stock(&srv, &[&tokens[0], &tokens[1], &tokens[2], &tokens[3]]).await;
    let step = tokens[0].settled_step();
    let code = tokens[0].code_at_step(step);
    let people: Vec<String> = (0..10).map(|_| token(&user("race"))).collect();
    let answers =
        futures::future::join_all(people.iter().map(|t| srv.activate(t, "RACE-0001", &code))).await;
    let created = answers
        .iter()
        .filter(|r| r.status == StatusCode::CREATED)
        .count();
    assert_eq!(
        created,
        1,
        "{:?}",
        answers.iter().map(|r| r.status).collect::<Vec<_>>()
    );
    assert!(
        answers
            .iter()
            .all(|r| [201, 404, 422].contains(&r.status.as_u16()))
    );

    let t = token(&user("four"));
    let mut first = srv.enroll(&t, "one").await;
    assert_eq!(srv.step_up(&t, &mut first).await.status, StatusCode::OK);
    for name in ["two", "three", "four"] {
        srv.enroll(&t, name).await;
    }
    let codes: Vec<(String, String)> = tokens[1..]
        .iter()
        .map(|hw| (hw.serial.clone(), hw.code_at_step(step)))
        .collect();
    let answers = futures::future::join_all(
        codes
            .iter()
            .map(|(serial, code)| srv.activate(&t, serial, code)),
    )
    .await;
    let statuses: Vec<u16> = answers.iter().map(|r| r.status.as_u16()).collect();
    assert_eq!(
        statuses.iter().filter(|s| **s == 201).count(),
        1,
        "{statuses:?}"
    );
    assert_eq!(
        statuses.iter().filter(|s| **s == 409).count(),
        2,
        "{statuses:?}"
    );
    assert_eq!(
        srv.security_info(&t).await["methods"]
            .as_array()
            .map(Vec::len),
        Some(5)
    );
    let available = srv.get("/admin/tokens?state=available", &admin()).await;
    assert_eq!(available.body.as_array().map(Vec::len), Some(2));
}
