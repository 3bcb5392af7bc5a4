//! The skeleton: health, errors, headers, metrics, jobs, and the database roles.

use std::sync::{
    Arc,
    atomic::{AtomicUsize, Ordering},
};

use serde_json::json;
use sqlx::{Connection, Row};
use volant::jobs::{self, JobRegistry};

use crate::helpers::*;

#[tokio::test]
async fn health_and_readiness_answer() {
    let app = spawn_app().await;
    let api = app.anonymous();
    let health = api.json("/healthz").await;
    assert_eq!(health["status"], "ok");
    let ready = api.json("/readyz").await;
    assert_eq!(ready["status"], "ready");
    assert_eq!(ready["migration"], volant::db::latest_migration());
}

#[tokio::test]
async fn unknown_api_route_is_a_french_problem_404() {
    let app = spawn_app().await;
    let resp = app.anonymous().get("/api/v1/nothing-here").await;
    let body = problem(resp, 404).await;
    assert_eq!(body["title"], "Introuvable");
}

#[tokio::test]
async fn malformed_json_is_a_problem_400_never_a_500() {
    let app = spawn_app().await;
    let resp = reqwest::Client::new()
        .post(app.url("/api/v1/auth/login"))
        .header("content-type", "application/json")
        .body("{\"email\": ")
        .send()
        .await
        .unwrap();
    let body = problem(resp, 400).await;
    assert!(body["detail"].as_str().unwrap().contains("JSON"), "{body}");

    let resp = app.anonymous().post("/api/v1/auth/login", &json!({"email": "a@b.fr"})).await;
    let body = problem(resp, 400).await;
    assert_eq!(body["errors"][0]["field"], "password");
    assert_eq!(body["errors"][0]["message"], "Ce champ est obligatoire.");
}

#[tokio::test]
async fn wrong_content_type_and_method_are_problems() {
    let app = spawn_app().await;
    let resp = reqwest::Client::new()
        .post(app.url("/api/v1/auth/login"))
        .header("content-type", "text/plain")
        .body("hello")
        .send()
        .await
        .unwrap();
    problem(resp, 415).await;
    let resp = reqwest::Client::new().delete(app.url("/api/v1/me")).send().await.unwrap();
    problem(resp, 405).await;
}

#[tokio::test]
async fn oversized_body_is_a_problem_413() {
    let app = spawn_app_with(&[("VOLANT_BODY_LIMIT_BYTES", "1024")], JobRegistry::default()).await;
    let big = json!({"email": "a@b.fr", "password": "x".repeat(4096)});
    let resp = app.anonymous().post("/api/v1/auth/login", &big).await;
    problem(resp, 413).await;
}

#[tokio::test]
async fn every_answer_carries_security_headers_and_a_request_id() {
    let app = spawn_app().await;
    let resp = app.anonymous().get("/api/v1/me").await;
    let h = resp.headers();
    assert_eq!(h["x-content-type-options"], "nosniff");
    assert_eq!(h["referrer-policy"], "strict-origin-when-cross-origin");
    assert!(h["content-security-policy"].to_str().unwrap().contains("frame-ancestors 'none'"));
    assert!(h.get("strict-transport-security").is_none(), "no HSTS over plain http in dev");
    let id = h["x-request-id"].to_str().unwrap();
    assert_eq!(id.len(), 36, "a UUID request id: {id}");
}

#[tokio::test]
async fn a_given_request_id_is_kept() {
    let app = spawn_app().await;
    let resp = reqwest::Client::new().get(app.url("/healthz")).header("x-request-id", "abc-123").send().await.unwrap();
    assert_eq!(resp.headers()["x-request-id"], "abc-123");
}

/// Checks the Prometheus text exposition format line by line.
fn assert_prometheus_text(text: &str) {
    let mut samples = 0;
    for line in text.lines().filter(|l| !l.is_empty()) {
        if let Some(rest) = line.strip_prefix("# ") {
            let kind = rest.split_whitespace().next().unwrap();
            assert!(kind == "HELP" || kind == "TYPE", "comment line: {line}");
            if kind == "TYPE" {
                let t = rest.split_whitespace().nth(2).unwrap();
                assert!(["counter", "gauge", "histogram", "summary", "untyped"].contains(&t), "{line}");
            }
            continue;
        }
        let (series, value) = line.rsplit_once(' ').unwrap_or_else(|| panic!("no value: {line}"));
        assert!(value.parse::<f64>().is_ok() || value == "+Inf", "value of {line}");
        let name = series.split('{').next().unwrap();
        assert!(name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == ':'), "name: {line}");
        if let Some(labels) = series.strip_prefix(name)
            && !labels.is_empty()
        {
            assert!(labels.starts_with('{') && labels.ends_with('}'), "labels: {line}");
            for pair in labels[1..labels.len() - 1].split("\",") {
                let (k, v) = pair.split_once("=\"").unwrap_or_else(|| panic!("label: {line}"));
                assert!(k.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'), "label name: {line}");
                assert!(!v.contains('\n'));
            }
        }
        samples += 1;
    }
    assert!(samples > 0);
}

#[tokio::test]
async fn metrics_parse_as_prometheus_text_and_count_requests() {
    let app = spawn_app().await;
    let api = app.anonymous();
    api.get("/healthz").await;
    api.get("/api/v1/me").await;
    let resp = api.get("/metrics").await;
    assert!(resp.headers()["content-type"].to_str().unwrap().starts_with("text/plain; version=0.0.4"));
    let text = resp.text().await.unwrap();
    assert_prometheus_text(&text);
    assert!(text.contains(r#"volant_http_requests_total{method="GET",route="/api/v1/me",status="401"} 1"#), "{text}");
    assert!(
        text.contains("volant_http_request_duration_seconds_bucket{method=\"GET\",route=\"/healthz\",le=\"+Inf\"} 1")
    );
}

#[tokio::test]
async fn openapi_document_is_served_and_lists_the_contract() {
    let app = spawn_app().await;
    let doc = app.anonymous().json("/api/v1/openapi.json").await;
    assert_eq!(doc["openapi"], "3.1.0");
    for path in ["/api/v1/auth/login", "/api/v1/me", "/api/v1/audit-log/verify", "/api/v1/users/{id}"] {
        assert!(doc["paths"][path].is_object(), "{path} missing");
    }
    let docs = app.anonymous().get("/api/docs/").await;
    assert_eq!(docs.status(), 200);
    assert!(docs.text().await.unwrap().contains("swagger"));
}

#[tokio::test]
async fn a_job_that_fails_twice_is_retried_then_done() {
    let calls = Arc::new(AtomicUsize::new(0));
    let seen = calls.clone();
    let registry = JobRegistry::default().register("test.flaky", move |_, _| {
        let n = seen.fetch_add(1, Ordering::SeqCst);
        async move { if n < 2 { Err(anyhow::anyhow!("failure {n}")) } else { Ok(()) } }
    });
    let app = spawn_app_with(&[], registry).await;
    let mut tx = app.pool.begin().await.unwrap();
    jobs::enqueue(&mut tx, None, "test.flaky", &json!({"x": 1})).await.unwrap();
    tx.commit().await.unwrap();
    app.wait_jobs_idle().await;
    let row = sqlx::query("SELECT status, attempts, last_error FROM jobs WHERE kind = 'test.flaky'")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(row.get::<String, _>("status"), "done");
    assert_eq!(row.get::<i32, _>("attempts"), 3);
    assert_eq!(calls.load(Ordering::SeqCst), 3);
}

#[tokio::test]
async fn a_job_out_of_attempts_is_dead_and_visible() {
    let registry = JobRegistry::default().register("test.broken", |_, _| async { Err(anyhow::anyhow!("always")) });
    let app = spawn_app_with(&[], registry).await;
    let mut tx = app.pool.begin().await.unwrap();
    jobs::enqueue(&mut tx, None, "test.broken", &json!({})).await.unwrap();
    sqlx::query("UPDATE jobs SET max_attempts = 2").execute(&mut *tx).await.unwrap();
    tx.commit().await.unwrap();
    app.wait_jobs_idle().await;
    let dead = jobs::list(&app.pool, Some("dead")).await.unwrap();
    assert_eq!(dead.len(), 1);
    assert_eq!(dead[0].attempts, 2);
    assert!(dead[0].last_error.as_deref().unwrap().contains("always"));
}

#[tokio::test]
async fn a_rolled_back_change_sends_no_job() {
    let app = spawn_app().await;
    let mut tx = app.pool.begin().await.unwrap();
    jobs::enqueue(&mut tx, None, volant::mail::MAIL_SEND, &json!({"to": "x@y.fr", "subject": "s", "text": "t"}))
        .await
        .unwrap();
    tx.rollback().await.unwrap();
    let n: i64 = sqlx::query_scalar("SELECT count(*) FROM jobs").fetch_one(&app.pool).await.unwrap();
    assert_eq!(n, 0);
}

#[tokio::test]
async fn a_refused_mail_is_retried_by_the_outbox_and_arrives_once() {
    let app = spawn_app().await;
    app.smtp.refuse_next(2);
    let mail = volant::mail::OutgoingMail::text("lea@exemple.fr", "Essai", "Bonjour Léa");
    let mut tx = app.pool.begin().await.unwrap();
    volant::mail::enqueue(&mut tx, None, &mail).await.unwrap();
    tx.commit().await.unwrap();
    let got = app.smtp.wait_for("Bonjour L").await;
    assert!(got.contains("Subject: Essai"), "{got}");
    app.wait_jobs_idle().await;
    assert_eq!(app.smtp.messages().len(), 1);
    let attempts: i32 = sqlx::query_scalar("SELECT attempts FROM jobs").fetch_one(&app.pool).await.unwrap();
    assert_eq!(attempts, 3);
}

#[tokio::test]
async fn the_app_role_is_neither_owner_nor_superuser_nor_bypassrls() {
    let app = spawn_app().await;
    let (superuser, bypass): (bool, bool) =
        sqlx::query_as("SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = current_user")
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert!(!superuser && !bypass);
    let owned: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
          WHERE n.nspname = 'public' AND pg_get_userbyid(c.relowner) = current_user",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(owned, 0, "the app role owns no table");
}

#[tokio::test]
async fn the_app_role_cannot_bypass_row_level_security() {
    let app = spawn_app().await;
    let (a, b) = (uuid::Uuid::now_v7(), uuid::Uuid::now_v7());
    let mut owner = app.owner_conn().await;
    sqlx::raw_sql(
        "CREATE TABLE rls_probe (tenant_id uuid NOT NULL, note text NOT NULL);
         ALTER TABLE rls_probe ENABLE ROW LEVEL SECURITY;
         ALTER TABLE rls_probe FORCE ROW LEVEL SECURITY;
         CREATE POLICY tenant_isolation ON rls_probe
           USING (tenant_id = current_tenant()) WITH CHECK (tenant_id = current_tenant());
         GRANT SELECT, INSERT, UPDATE, DELETE ON rls_probe TO volant_app;",
    )
    .execute(&mut owner)
    .await
    .unwrap();
    for t in [a, b] {
        let mut tx = owner.begin().await.unwrap();
        sqlx::query("SELECT set_config('app.tenant_id', $1, true)")
            .bind(t.to_string())
            .execute(&mut *tx)
            .await
            .unwrap();
        sqlx::query("INSERT INTO rls_probe VALUES ($1, 'x')").bind(t).execute(&mut *tx).await.unwrap();
        tx.commit().await.unwrap();
    }
    // Without a school: nothing is visible.
    let n: i64 = sqlx::query_scalar("SELECT count(*) FROM rls_probe").fetch_one(&app.pool).await.unwrap();
    assert_eq!(n, 0);
    // As school A: only A's row, and B's row can be neither changed nor written.
    let mut tx = volant::db::begin_tenant(&app.pool, a.into()).await.unwrap();
    let seen: Vec<uuid::Uuid> =
        sqlx::query_scalar("SELECT tenant_id FROM rls_probe").fetch_all(&mut *tx).await.unwrap();
    assert_eq!(seen, vec![a]);
    let changed =
        sqlx::query("UPDATE rls_probe SET note = 'y' WHERE tenant_id = $1").bind(b).execute(&mut *tx).await.unwrap();
    assert_eq!(changed.rows_affected(), 0);
    let err = sqlx::query("INSERT INTO rls_probe VALUES ($1, 'z')").bind(b).execute(&mut *tx).await.unwrap_err();
    assert!(err.to_string().contains("row-level security"), "{err}");
    drop(tx);
    // Turning RLS off needs ownership, which the app role lacks.
    let err = sqlx::query("ALTER TABLE rls_probe DISABLE ROW LEVEL SECURITY").execute(&app.pool).await.unwrap_err();
    assert!(err.to_string().contains("owner"), "{err}");
    let err = sqlx::query("SET row_security = off").execute(&app.pool).await;
    if err.is_ok() {
        let n: Result<i64, _> = sqlx::query_scalar("SELECT count(*) FROM rls_probe").fetch_one(&app.pool).await;
        assert!(n.is_err() || n.unwrap() == 0, "row_security=off must not reveal rows");
    }
}

#[tokio::test]
async fn the_spa_is_served_with_fallback_and_cache_rules() {
    let app = spawn_app().await;
    let api = app.anonymous();
    let index = api.get("/").await;
    // The web app may not be built in a Rust-only run: then a clear 503, never a 500.
    if index.status() == 503 {
        assert!(index.text().await.unwrap().contains("cargo xtask demo"));
        return;
    }
    assert_eq!(index.status(), 200);
    assert_eq!(index.headers()["cache-control"], "no-cache");
    let html = index.text().await.unwrap();
    assert!(html.contains("<div id=\"root\""), "{html}");
    let route = api.get("/eleves/123").await;
    assert_eq!(route.status(), 200, "app routes fall back to index.html");
    let missing = api.get("/assets/nope-123.js").await;
    assert_eq!(missing.status(), 404);
}

#[tokio::test]
async fn the_demo_seed_fills_both_schools_through_the_services() {
    let app = spawn_app().await;
    assert!(volant::demo::seed_if_empty(&app.pool, &app.settings).await.unwrap());
    assert!(!volant::demo::seed_if_empty(&app.pool, &app.settings).await.unwrap(), "a second run changes nothing");
    let login = |email: &str| {
        let api = app.anonymous();
        let email = email.to_owned();
        async move {
            let r =
                api.post("/api/v1/auth/login", &json!({"email": email, "password": volant::demo::DEMO_PASSWORD})).await;
            assert_eq!(r.status(), 200, "{email}");
            api
        }
    };
    let admin = login("admin@demo.volant.test").await;
    assert_eq!(admin.json("/api/v1/agencies").await["items"].as_array().unwrap().len(), 2);
    assert_eq!(admin.json("/api/v1/instructors").await["items"].as_array().unwrap().len(), 6);
    let vehicles = admin.json("/api/v1/vehicles").await;
    assert_eq!(vehicles["items"].as_array().unwrap().len(), 5);
    assert!(vehicles["items"].as_array().unwrap().iter().any(|v| v["status"] == "maintenance"));
    for (status, expected) in [("active", 40), ("prospect", 8), ("finished", 8), ("archived", 4)] {
        let page = admin.json(&format!("/api/v1/students?status={status}&limit=200")).await;
        assert_eq!(page["items"].as_array().unwrap().len(), expected, "{status}");
    }
    assert_eq!(admin.json("/api/v1/audit-log/verify").await["ok"], true);
    let eleve = login("eleve@demo.volant.test").await;
    let me = eleve.json("/api/v1/me").await;
    let hours = eleve.json(&format!("/api/v1/students/{}/hours", me["student_id"].as_str().unwrap())).await;
    assert!(hours["remaining_minutes"].as_i64().unwrap() > 0);
    assert!(hours["consumed_minutes"].as_i64().unwrap() >= 180, "done lessons consumed: {hours}");
    assert!(hours["scheduled_minutes"].as_i64().unwrap() >= 180, "lessons ahead: {hours}");
    let moniteur = login("moniteur@demo.volant.test").await;
    assert!(moniteur.json("/api/v1/students").await["items"].as_array().unwrap().len() >= 10, "referent students");
    let quais = login("admin@quais.volant.test").await;
    assert!(quais.json("/api/v1/students").await["items"].as_array().unwrap().is_empty());
}

#[tokio::test]
async fn the_demo_planning_has_every_kind_of_event() {
    let app = spawn_app().await;
    volant::demo::seed_if_empty(&app.pool, &app.settings).await.unwrap();
    let api = app.anonymous();
    let r = api
        .post(
            "/api/v1/auth/login",
            &json!({"email": "admin@demo.volant.test", "password": volant::demo::DEMO_PASSWORD}),
        )
        .await;
    let mut api = api;
    api.csrf = r.json::<serde_json::Value>().await.unwrap()["csrf_token"].as_str().map(str::to_owned);
    let from = (chrono::Utc::now() - chrono::Duration::days(35)).to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let to = (chrono::Utc::now() + chrono::Duration::days(35)).to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let items = api.json(&format!("/api/v1/lessons?from={from}&to={to}")).await["items"].as_array().unwrap().clone();
    let count = |pred: &dyn Fn(&serde_json::Value) -> bool| items.iter().filter(|l| pred(l)).count();
    let kinds: std::collections::BTreeMap<String, usize> = items.iter().fold(Default::default(), |mut m, l| {
        *m.entry(format!("{}/{}", l["kind"], l["status"])).or_default() += 1;
        m
    });
    assert!(count(&|l| l["kind"] == "driving") > 100, "driving lessons: {kinds:?}");
    assert!(count(&|l| l["kind"] == "code") >= 8, "code sessions");
    let exam_day =
        items.iter().filter(|l| l["kind"] == "exam").map(|l| l["attendee_ids"].as_array().unwrap().len()).max();
    assert_eq!(exam_day, Some(3), "an exam day with three candidates: {kinds:?}");
    assert!(count(&|l| l["kind"] == "unavailability") >= 2, "leave");
    for status in ["done", "no_show", "cancelled", "planned"] {
        assert!(count(&|l| l["status"] == status) > 0, "{status}");
    }
    assert!(count(&|l| l["charged"] == true) > 0, "charged cancellations or no-shows");
    let verify = api.json("/api/v1/audit-log/verify").await;
    assert_eq!(verify["ok"], true);
    // Nobody is booked beyond their hours.
    let students = api.json("/api/v1/students?status=active&limit=200").await;
    for s in students["items"].as_array().unwrap() {
        assert!(
            s["bookable_minutes"].as_i64().unwrap() >= 0,
            "{} {}: {}",
            s["first_name"],
            s["last_name"],
            s["bookable_minutes"]
        );
    }
    // Exams: history, places to fill and a booked one; requests waiting for the office; alerts.
    let exams = api.json("/api/v1/exams?limit=200").await["items"].as_array().unwrap().clone();
    for result in ["passed", "failed", "absent", "pending"] {
        assert!(exams.iter().any(|e| e["result"] == result), "an exam {result}");
    }
    let mut booked: Vec<&str> = exams
        .iter()
        .filter(|e| e["kind"] == "practical" && e["result"] == "pending")
        .map(|e| e["student_id"].as_str().unwrap())
        .collect();
    let bookings = booked.len();
    booked.sort_unstable();
    booked.dedup();
    assert_eq!(booked.len(), bookings, "one practical test booked per student");
    let free = api.json("/api/v1/exam-places?available=true").await;
    assert!(free["items"].as_array().unwrap().len() >= 2, "{free}");
    let requests = api.json("/api/v1/change-requests?status=pending").await;
    assert_eq!(requests["items"].as_array().unwrap().len(), 2, "{requests}");
    let alerts = api.json("/api/v1/alerts").await;
    for code in ["eligible_without_place", "theory_expiring", "lessons_to_mark", "documents"] {
        assert!(alerts["items"].as_array().unwrap().iter().any(|a| a["code"] == code), "alert {code}");
    }
    // Booklets follow the done lessons.
    let done = items.iter().find(|l| l["status"] == "done" && l["kind"] == "driving").unwrap();
    let booklet = api.json(&format!("/api/v1/students/{}/booklet", done["student_id"].as_str().unwrap())).await;
    assert!(booklet["progress"].as_u64().unwrap() > 0, "{booklet}");
}
