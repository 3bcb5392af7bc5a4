//! The school's settings: read and changed by the ADMIN (version, 412, audit), validated in
//! French, and followed by the rules that read them.

use chrono::{Duration, Utc};
use serde_json::{Value, json};
use volant_domain::role::Role;

use crate::helpers::*;

async fn put(api: &Api, body: &Value) -> reqwest::Response {
    api.send(reqwest::Method::PUT, "/api/v1/settings", Some(body)).await
}

#[tokio::test]
async fn settings_round_trip_with_a_version_an_audit_entry_and_a_412_on_a_stale_copy() {
    let app = spawn_app().await;
    app.seed_schools().await;
    let admin = app.login_as(Role::Admin, 'a').await;
    let read = admin.json("/api/v1/settings").await;
    assert_eq!(read["late_cancel_hours"], 48);
    assert_eq!(read["ants_rule"], "block");
    assert_eq!(read["booklet_rule"], "warn");
    assert_eq!(read["exams"]["waiting_bands"].as_array().unwrap().len(), 4);
    let mut changed = read.clone();
    changed["late_cancel_hours"] = json!(24);
    changed["booklet_labels"]["assimile"] = json!("Maîtrisé");
    let r = put(&admin, &changed).await;
    assert_eq!(r.status(), 200, "{:?}", r.text().await);
    let after: Value = r.json().await.unwrap();
    assert_eq!(after["late_cancel_hours"], 24);
    assert_eq!(after["version"], read["version"].as_i64().unwrap() + 1);
    assert_eq!(admin.json("/api/v1/settings").await, after, "stored");
    // The booklet speaks the school's words.
    let student = created(
        admin
            .post("/api/v1/students", &json!({"first_name": "Lina", "last_name": "Livret", "birth_date": "2000-01-01"}))
            .await,
    )
    .await;
    let booklet = admin.json(&format!("/api/v1/students/{}/booklet", student["id"].as_str().unwrap())).await;
    assert!(booklet["labels"].as_array().unwrap().iter().any(|l| l["level"] == "assimile" && l["label"] == "Maîtrisé"));
    // A stale copy: 412 with the current settings.
    let stale = put(&admin, &changed).await;
    assert_eq!(problem(stale, 412).await["current"]["late_cancel_hours"], 24);
    // Audited in the same transaction.
    let log = admin.json("/api/v1/audit-log?action=school.settings").await;
    let entries: Vec<&Value> =
        log["items"].as_array().unwrap().iter().filter(|e| e["action"] == "school.settings").collect();
    assert_eq!(entries.len(), 1, "{log}");
    // Another school keeps its own.
    let other = app.login_as(Role::Admin, 'b').await;
    assert_eq!(other.json("/api/v1/settings").await["late_cancel_hours"], 48);
}

#[tokio::test]
async fn a_bad_setting_is_refused_in_french_and_nothing_changes() {
    let app = spawn_app().await;
    app.seed_schools().await;
    let admin = app.login_as(Role::Admin, 'a').await;
    let read = admin.json("/api/v1/settings").await;
    let mut no_bands = read.clone();
    no_bands["exams"]["waiting_bands"] = json!([]);
    no_bands["late_cancel_hours"] = json!(500);
    let body = problem(put(&admin, &no_bands).await, 400).await;
    let fields: Vec<&str> = body["errors"].as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap()).collect();
    assert_eq!(fields, ["late_cancel_hours", "exams.waiting_bands"]);
    assert_eq!(body["errors"][1]["message"], "Indiquez au moins une tranche de délai après un échec.");
    let mut unknown = read.clone();
    unknown["ants_rule"] = json!("parfois");
    assert_eq!(put(&admin, &unknown).await.status(), 400);
    assert_eq!(admin.json("/api/v1/settings").await, read, "nothing changed");
}

#[tokio::test]
async fn a_new_agency_opens_at_the_school_s_default_hours_unless_given_its_own() {
    let app = spawn_app().await;
    app.seed_schools().await;
    let admin = app.login_as(Role::Admin, 'a').await;
    let mut settings = admin.json("/api/v1/settings").await;
    assert_eq!(settings["opening_hours"].as_array().unwrap().len(), 11, "Monday to Friday twice, Saturday morning");
    settings["opening_hours"] = json!([
        {"weekday": 3, "start": "14:00", "end": "18:00"},
        {"weekday": 2, "start": "08:30", "end": "12:00"},
    ]);
    let saved: Value = put(&admin, &settings).await.json().await.unwrap();
    assert_eq!(saved["opening_hours"][0]["weekday"], 2, "sorted");
    let plain = created(admin.post("/api/v1/agencies", &json!({"name": "Agence du Lac"})).await).await;
    assert_eq!(plain["opening_hours"], saved["opening_hours"]);
    let own_hours = json!([{"weekday": 6, "start": "09:00", "end": "12:00"}]);
    let own =
        created(admin.post("/api/v1/agencies", &json!({"name": "Agence du Port", "opening_hours": own_hours})).await)
            .await;
    assert_eq!(own["opening_hours"], own_hours);
    // Hours that end before they start are refused with the field named.
    settings["version"] = saved["version"].clone();
    settings["opening_hours"] = json!([{"weekday": 1, "start": "12:00", "end": "09:00"}]);
    let body = problem(put(&admin, &settings).await, 400).await;
    assert_eq!(body["errors"][0]["field"], "opening_hours[0]");
}

#[tokio::test]
async fn the_lesson_notice_and_the_charging_follow_the_settings() {
    let app = spawn_app().await;
    let f = {
        app.seed_schools().await;
        app.fixtures('a').await
    };
    let admin = app.login_as(Role::Admin, 'a').await;
    created(
        admin
            .post(&format!("/api/v1/students/{}/hours", f.student), &json!({"kind": "purchase", "minutes": 600}))
            .await,
    )
    .await;
    // A driving lesson 30 h ahead, cancelled by the student: was it charged?
    let start = Utc::now() + Duration::hours(30);
    let lesson = json!({"kind": "driving", "starts_at": start, "ends_at": start + Duration::hours(1),
                        "student_id": f.student, "instructor_id": f.instructor, "vehicle_id": f.vehicle});
    let (admin, lesson) = (&admin, &lesson);
    let charged_when_cancelled_30h_ahead = || async move {
        let planned = created(admin.post("/api/v1/lessons", lesson).await).await;
        let path = format!("/api/v1/lessons/{}/cancel", planned["lesson"]["id"].as_str().unwrap());
        let r = admin.post(&path, &json!({"by": "student"})).await;
        assert_eq!(r.status(), 200);
        r.json::<Value>().await.unwrap()["charged"].as_bool().unwrap()
    };
    let set = |key: &'static str, value: Value| async move {
        let mut s = admin.json("/api/v1/settings").await;
        s[key] = value;
        assert_eq!(put(admin, &s).await.status(), 200);
    };
    // With the default 48 h notice: late, charged.
    assert!(charged_when_cancelled_30h_ahead().await);
    // The ADMIN sets 24 h: the same notice is now in time.
    set("late_cancel_hours", json!(24)).await;
    assert!(!charged_when_cancelled_30h_ahead().await);
    // A school that never charges: a late cancellation is free.
    set("late_cancel_hours", json!(48)).await;
    set("charge_late_cancellations", json!(false)).await;
    assert!(!charged_when_cancelled_30h_ahead().await);
}

#[tokio::test]
async fn one_ants_switch_drives_the_planning_and_the_practical_test() {
    let app = spawn_app().await;
    app.seed_schools().await;
    let admin = app.login_as(Role::Admin, 'a').await;
    let f = app.fixtures('a').await;
    // A student whose ANTS registration is not validated.
    let s = created(
        admin
            .post(
                "/api/v1/students",
                &json!({"first_name": "Sans", "last_name": "Ants", "birth_date": "2000-01-01", "ants_status": "submitted"}),
            )
            .await,
    )
    .await;
    let sid = s["id"].as_str().unwrap();
    let start = Utc::now() + Duration::days(4);
    let lesson = json!({"kind": "driving", "starts_at": start, "ends_at": start + Duration::hours(1),
                        "student_id": sid, "instructor_id": f.instructor, "vehicle_id": f.vehicle});
    let refused = problem(admin.post("/api/v1/lessons?dry_run=true", &lesson).await, 422).await;
    assert!(refused["rules"].as_array().unwrap().iter().any(|r| r["code"] == "ants_registration"), "{refused}");
    let rule = |e: &Value| {
        e["rules"].as_array().unwrap().iter().find(|r| r["code"] == "ants_registration").cloned().unwrap_or_default()
    };
    let eligibility = admin.json(&format!("/api/v1/students/{sid}/eligibility")).await;
    assert_eq!(rule(&eligibility)["status"], "block", "{eligibility}");
    let mut settings = admin.json("/api/v1/settings").await;
    settings["ants_rule"] = json!("warn");
    assert_eq!(put(&admin, &settings).await.status(), 200);
    let warned = admin.post("/api/v1/lessons?dry_run=true", &lesson).await;
    assert_eq!(warned.status(), 200, "{:?}", warned.text().await);
    let eligibility = admin.json(&format!("/api/v1/students/{sid}/eligibility")).await;
    assert_eq!(rule(&eligibility)["status"], "warn", "{eligibility}");
}
