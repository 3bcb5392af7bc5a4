//! Agencies, instructors (availability, exceptions) and vehicles.

use serde_json::{Value, json};
use volant_domain::role::Role;

use crate::helpers::*;

#[tokio::test]
async fn a_new_school_has_one_agency_and_records_default_to_it() {
    let app = spawn_app().await;
    app.seed_schools().await;
    let admin = app.login_as(Role::Admin, 'a').await;
    let agencies = admin.json("/api/v1/agencies").await;
    assert_eq!(agencies["items"].as_array().unwrap().len(), 1);
    let first = agencies["items"][0]["id"].clone();
    let r = admin.post("/api/v1/vehicles", &json!({"plate": "ab 123 cd", "gearbox": "automatic"})).await;
    assert_eq!(r.status(), 201);
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["agency_id"], first);
    assert_eq!(v["plate"], "AB-123-CD");
    assert_eq!(
        (v["kind"].as_str(), v["category"].as_str(), v["status"].as_str()),
        (Some("car"), Some("B"), Some("active"))
    );
    assert_eq!(v["dual_controls"], true);
    assert_eq!(v["version"], 1);
}

#[tokio::test]
async fn plates_are_checked_fni_is_accepted_and_duplicates_refused() {
    let app = spawn_app().await;
    app.seed_schools().await;
    let sec = app.login_as(Role::Secretary, 'a').await;
    for bad in ["AB-12-CD", "hello", "AI-123-CD", ""] {
        let r = sec.post("/api/v1/vehicles", &json!({"plate": bad, "gearbox": "manual"})).await;
        let body = problem(r, 400).await;
        assert_eq!(body["errors"][0]["field"], "plate", "{bad}");
        assert!(body["errors"][0]["message"].as_str().unwrap().contains("AA-123-AA"));
    }
    let r = sec.post("/api/v1/vehicles", &json!({"plate": "1234 ab 56", "gearbox": "manual", "kind": "car"})).await;
    assert_eq!(r.status(), 201);
    assert_eq!(r.json::<Value>().await.unwrap()["plate"], "1234 AB 56");
    let dup = sec.post("/api/v1/vehicles", &json!({"plate": "1234AB56", "gearbox": "manual"})).await;
    assert_eq!(problem(dup, 400).await["errors"][0]["field"], "plate");
    let bad_gearbox = sec.post("/api/v1/vehicles", &json!({"plate": "AB-123-CD", "gearbox": "cvt"})).await;
    assert_eq!(problem(bad_gearbox, 400).await["errors"][0]["field"], "gearbox");
    let bad_date = sec
        .post(
            "/api/v1/vehicles",
            &json!({"plate": "AB-123-CD", "gearbox": "manual", "insurance_expires_on": "2027-02-30"}),
        )
        .await;
    assert_eq!(problem(bad_date, 400).await["errors"][0]["field"], "insurance_expires_on");
    // The same plate in another school is fine.
    let other = app.login_as(Role::Secretary, 'b').await;
    assert_eq!(
        other.post("/api/v1/vehicles", &json!({"plate": "1234 AB 56", "gearbox": "manual"})).await.status(),
        201
    );
}

#[tokio::test]
async fn a_vehicle_is_changed_with_its_version() {
    let app = spawn_app().await;
    app.seed_schools().await;
    let sec = app.login_as(Role::Secretary, 'a').await;
    let v: Value = sec
        .post(
            "/api/v1/vehicles",
            &json!({"plate": "AB-123-CD", "gearbox": "manual", "inspection_due_on": "2027-05-01"}),
        )
        .await
        .json()
        .await
        .unwrap();
    let path = format!("/api/v1/vehicles/{}", v["id"].as_str().unwrap());
    let r = sec.patch(&path, &json!({"status": "maintenance", "inspection_due_on": null, "version": 1})).await;
    assert_eq!(r.status(), 200);
    let changed: Value = r.json().await.unwrap();
    assert_eq!(changed["status"], "maintenance");
    assert!(changed["inspection_due_on"].is_null());
    assert_eq!(changed["plate"], "AB-123-CD", "untouched fields are kept");
    assert_eq!(changed["version"], 2);
    let stale = sec.patch(&path, &json!({"status": "retired", "version": 1})).await;
    assert_eq!(problem(stale, 412).await["current"]["status"], "maintenance");
    let no_version = sec.patch(&path, &json!({"status": "retired"})).await;
    assert_eq!(problem(no_version, 400).await["errors"][0]["field"], "version");
    let unknown = sec.patch(&path, &json!({"colour": "red", "version": 2})).await;
    assert_eq!(problem(unknown, 400).await["errors"][0]["field"], "colour");
    let log = app.login_as(Role::Admin, 'a').await.json("/api/v1/audit-log?action=vehicle.update").await;
    assert_eq!(log["items"][0]["before"]["status"], "active");
    assert_eq!(log["items"][0]["after"]["status"], "maintenance");
}

#[tokio::test]
async fn agencies_keep_hours_closures_rooms_and_meeting_points() {
    let app = spawn_app().await;
    app.seed_schools().await;
    let admin = app.login_as(Role::Admin, 'a').await;
    let body = json!({
        "name": "Agence Nord",
        "opening_hours": [{"weekday": 2, "start": "14:00", "end": "19:00"}, {"weekday": 2, "start": "09:00", "end": "12:00"}],
        "closures": [{"date": "2026-12-24", "end_date": "2026-12-26", "label": "Noël"}],
        "meeting_points": [{"label": "Gare", "address": "Place de la gare"}],
        "rooms": [{"name": "Salle 1", "capacity": 18}],
        "alsace_moselle": true
    });
    let r = admin.post("/api/v1/agencies", &body).await;
    assert_eq!(r.status(), 201);
    let a: Value = r.json().await.unwrap();
    assert_eq!(a["opening_hours"][0]["start"], "09:00", "sorted");
    assert!(a["meeting_points"][0]["id"].is_string());
    let room_id = a["rooms"][0]["id"].clone();
    assert!(room_id.is_string());
    let path = format!("/api/v1/agencies/{}", a["id"].as_str().unwrap());
    let r = admin
        .patch(&path, &json!({"rooms": [{"id": room_id, "name": "Salle 1", "capacity": 20}, {"name": "Salle 2", "capacity": 8}], "version": 1}))
        .await;
    assert_eq!(r.status(), 200);
    let a2: Value = r.json().await.unwrap();
    assert_eq!(a2["rooms"].as_array().unwrap().len(), 2);
    assert_eq!(a2["rooms"][0]["id"], room_id, "an existing room keeps its id");
    assert_eq!(a2["rooms"][0]["capacity"], 20);
    assert_eq!(a2["alsace_moselle"], true);
    let overlap = admin
        .patch(&path, &json!({"opening_hours": [{"weekday": 1, "start": "09:00", "end": "12:00"}, {"weekday": 1, "start": "11:00", "end": "13:00"}], "version": 2}))
        .await;
    let body = problem(overlap, 400).await;
    assert_eq!(body["errors"][0]["field"], "opening_hours[1]");
    assert_eq!(body["errors"][0]["message"], "Deux plages du même jour se chevauchent.");
    let dup = admin.post("/api/v1/agencies", &json!({"name": "Agence Nord"})).await;
    assert_eq!(problem(dup, 400).await["errors"][0]["field"], "name");
    // Everyone in the school reads agencies; only the ADMIN changes them.
    let student = app.login_as(Role::Student, 'a').await;
    assert_eq!(student.json("/api/v1/agencies").await["items"].as_array().unwrap().len(), 2);
    problem(app.login_as(Role::Secretary, 'a').await.patch(&path, &json!({"version": 2})).await, 403).await;
}

#[tokio::test]
async fn availability_round_trips_across_a_daylight_saving_change() {
    let app = spawn_app().await;
    app.seed_schools().await;
    let fx = app.fixtures('a').await;
    let sec = app.login_as(Role::Secretary, 'a').await;
    let path = format!("/api/v1/instructors/{}/availability", fx.instructor);
    let current = sec.json(&path).await;
    assert_eq!(current["exceptions"].as_array().unwrap().len(), 1);
    // Leave from Saturday 27 March 2027 10:00 (UTC+1) to Monday 29 March 10:00 (UTC+2): the
    // clocks change on the Sunday; the instants must come back exactly.
    let wanted = json!({
        "weekly": [{"weekday": 2, "start": "13:30", "end": "19:00"}, {"weekday": 2, "start": "08:00", "end": "12:00"}, {"weekday": 6, "start": "08:00", "end": "12:00"}],
        "exceptions": [{"starts_at": "2027-03-27T10:00:00+01:00", "ends_at": "2027-03-29T10:00:00+02:00", "kind": "leave", "note": "Week-end prolongé"}],
        "version": current["version"],
    });
    let r = sec.send(reqwest::Method::PUT, &path, Some(&wanted)).await;
    assert_eq!(r.status(), 200);
    let saved = sec.json(&path).await;
    assert_eq!(saved["weekly"][0], json!({"weekday": 2, "start": "08:00", "end": "12:00"}));
    assert_eq!(saved["weekly"].as_array().unwrap().len(), 3);
    assert_eq!(saved["exceptions"].as_array().unwrap().len(), 1);
    let e = &saved["exceptions"][0];
    assert_eq!(e["starts_at"], "2027-03-27T09:00:00Z");
    assert_eq!(e["ends_at"], "2027-03-29T08:00:00Z");
    let hours = (chrono::DateTime::parse_from_rfc3339(e["ends_at"].as_str().unwrap()).unwrap()
        - chrono::DateTime::parse_from_rfc3339(e["starts_at"].as_str().unwrap()).unwrap())
    .num_hours();
    assert_eq!(hours, 47, "one hour is lost to the change to summer time");
    // The GET shape goes back as it is (with ids): an idempotent PUT.
    let again = sec.send(reqwest::Method::PUT, &path, Some(&saved)).await;
    assert_eq!(again.status(), 200);
    let stale = sec.send(reqwest::Method::PUT, &path, Some(&saved)).await;
    problem(stale, 412).await;
    let bad = json!({"weekly": [{"weekday": 8, "start": "08:00", "end": "09:00"}], "exceptions": [], "version": saved["version"].as_i64().unwrap() + 1});
    assert_eq!(
        problem(sec.send(reqwest::Method::PUT, &path, Some(&bad)).await, 400).await["errors"][0]["field"],
        "weekly[0]"
    );
}

#[tokio::test]
async fn an_instructor_sees_and_declares_only_for_themself() {
    let app = spawn_app().await;
    app.seed_schools().await;
    let fx = app.fixtures('a').await;
    let admin = app.login_as(Role::Admin, 'a').await;
    let other: Value = admin
        .post("/api/v1/instructors", &json!({"first_name": "Anne", "last_name": "Autre"}))
        .await
        .json()
        .await
        .unwrap();
    let other_id = other["id"].as_str().unwrap();
    let me = app.login_as(Role::Instructor, 'a').await;
    assert_eq!(me.json("/api/v1/me").await["instructor_id"], fx.instructor.as_str());
    let list = me.json("/api/v1/instructors").await;
    assert_eq!(list["items"].as_array().unwrap().len(), 1);
    assert_eq!(list["items"][0]["id"], fx.instructor.as_str());
    problem(me.get(&format!("/api/v1/instructors/{other_id}")).await, 404).await;
    let leave =
        json!({"starts_at": "2027-07-01T00:00:00+02:00", "ends_at": "2027-07-15T00:00:00+02:00", "kind": "leave"});
    assert_eq!(me.post(&format!("/api/v1/instructors/{}/exceptions", fx.instructor), &leave).await.status(), 201);
    problem(me.post(&format!("/api/v1/instructors/{other_id}/exceptions"), &leave).await, 404).await;
    let backwards =
        json!({"starts_at": "2027-07-15T00:00:00+02:00", "ends_at": "2027-07-01T00:00:00+02:00", "kind": "leave"});
    assert_eq!(
        problem(me.post(&format!("/api/v1/instructors/{}/exceptions", fx.instructor), &backwards).await, 400).await["errors"]
            [0]["field"],
        "ends_at"
    );
    let current = me.json(&format!("/api/v1/instructors/{}/availability", fx.instructor)).await;
    problem(
        me.send(reqwest::Method::PUT, &format!("/api/v1/instructors/{}/availability", fx.instructor), Some(&current))
            .await,
        403,
    )
    .await;
    let r = me
        .send(
            reqwest::Method::DELETE,
            &format!("/api/v1/instructors/{}/exceptions/{}", fx.instructor, fx.exception),
            None,
        )
        .await;
    assert_eq!(r.status(), 204);
    // A student sees the name of their referent only.
    let student = app.login_as(Role::Student, 'a').await;
    let theirs = student.json("/api/v1/instructors").await;
    assert_eq!(theirs["items"].as_array().unwrap().len(), 1);
    assert_eq!(theirs["items"][0]["id"], fx.instructor.as_str());
    assert!(theirs["items"][0]["authorisation_number"].is_null());
    problem(student.get(&format!("/api/v1/instructors/{other_id}")).await, 403).await;
}

#[tokio::test]
async fn instructors_are_validated_and_deactivated() {
    let app = spawn_app().await;
    app.seed_schools().await;
    let admin = app.login_as(Role::Admin, 'a').await;
    let r = admin
        .post(
            "/api/v1/instructors",
            &json!({"first_name": " ", "last_name": "X", "colour": "bleu", "categories": ["Z"]}),
        )
        .await;
    let body = problem(r, 400).await;
    let fields: Vec<&str> = body["errors"].as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap()).collect();
    assert_eq!(fields, vec!["first_name", "categories", "colour"]);
    let missing = admin.post("/api/v1/instructors", &json!({"first_name": "Jean"})).await;
    assert_eq!(problem(missing, 400).await["errors"][0]["field"], "last_name");
    let stranger = admin
        .post("/api/v1/instructors", &json!({"first_name": "A", "last_name": "B", "user_id": uuid::Uuid::now_v7()}))
        .await;
    assert_eq!(problem(stranger, 400).await["errors"][0]["field"], "user_id");
    let i: Value = admin
        .post("/api/v1/instructors", &json!({"first_name": "Paul", "last_name": "Durand", "authorisation_expires_on": "2028-01-31", "weekly_contract_minutes": 2100}))
        .await
        .json()
        .await
        .unwrap();
    let path = format!("/api/v1/instructors/{}", i["id"].as_str().unwrap());
    let r = admin.patch(&path, &json!({"active": false, "version": 1})).await;
    assert_eq!(r.status(), 200);
    assert_eq!(r.json::<Value>().await.unwrap()["active"], false);
    let active = admin.json("/api/v1/instructors?active=true").await;
    assert!(active["items"].as_array().unwrap().iter().all(|x| x["id"] != i["id"]));
    let log = admin.json("/api/v1/audit-log?action=instructor.deactivate").await;
    assert_eq!(log["items"].as_array().unwrap().len(), 1);
}
