//! The benchmark generator: a school at market scale that respects every constraint and reads
//! back through the API like any other.

use serde_json::json;

use crate::helpers::*;

#[tokio::test]
async fn a_generated_school_is_complete_consistent_and_readable() {
    let app = spawn_app().await;
    let kib = app.settings.argon2_memory_kib;
    let summary = volant::seed::generate(&app.pool, volant::seed::Preset::Small, 7, kib).await.unwrap();
    assert_eq!(summary.schools, 1);
    assert!(summary.lessons > 15_000, "{summary:?}");
    assert!(summary.exams > 0 && summary.evaluations > 0 && summary.ledger_entries > summary.students);
    // Generating again over the same schools is a no-op, not a duplicate.
    let again = volant::seed::generate(&app.pool, volant::seed::Preset::Small, 7, kib).await.unwrap();
    assert_eq!(again.lessons, 0);

    let api = app.anonymous();
    let r = api
        .post(
            "/api/v1/auth/login",
            &json!({"email": "admin@bench-0001.volant.test", "password": volant::seed::PASSWORD}),
        )
        .await;
    assert_eq!(r.status(), 200);
    let today = chrono::Utc::now();
    let from = (today - chrono::Duration::days(3)).to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let to = (today + chrono::Duration::days(4)).to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let week = api.json(&format!("/api/v1/lessons?from={from}&to={to}")).await;
    assert!(week["items"].as_array().unwrap().len() >= 100, "a busy week");
    // The ledger agrees with the planning: one consumption per done or missed lesson.
    let student = week["items"][0]["student_id"].as_str().unwrap().to_owned();
    let hours = api.json(&format!("/api/v1/students/{student}/hours")).await;
    let done: i64 = {
        let tenant: uuid::Uuid = api.json("/api/v1/me").await["tenant"]["id"].as_str().unwrap().parse().unwrap();
        let mut tx = volant::db::begin_tenant(&app.pool, tenant.into()).await.unwrap();
        let n =
            sqlx::query_scalar("SELECT count(*) FROM lessons WHERE student_id = $1 AND status IN ('done', 'no_show')")
                .bind(student.parse::<uuid::Uuid>().unwrap())
                .fetch_one(&mut *tx)
                .await
                .unwrap();
        tx.commit().await.unwrap();
        n
    };
    assert_eq!(hours["consumed_minutes"].as_i64().unwrap(), done * 60);

    // The school's people log in in their roles: an instructor reads their own lessons only, a
    // student in training has lessons to come.
    let login = |email: &'static str| {
        let api = app.anonymous();
        async move {
            let r = api.post("/api/v1/auth/login", &json!({"email": email, "password": volant::seed::PASSWORD})).await;
            assert_eq!(r.status(), 200, "{email}");
            api
        }
    };
    let instructor = login("moniteur1@bench-0001.volant.test").await;
    let mine = instructor.json(&format!("/api/v1/lessons?from={from}&to={to}")).await;
    let items = mine["items"].as_array().unwrap();
    assert!(!items.is_empty() && items.len() < week["items"].as_array().unwrap().len(), "{}", items.len());
    assert!(items.iter().all(|l| l["instructor_id"] == items[0]["instructor_id"]));
    let student = login("eleve1@bench-0001.volant.test").await;
    let later = (today + chrono::Duration::days(30)).to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let own = student.json(&format!("/api/v1/lessons?from={from}&to={later}")).await;
    assert!(!own["items"].as_array().unwrap().is_empty(), "{own}");
    login("secretariat@bench-0001.volant.test").await;
}
