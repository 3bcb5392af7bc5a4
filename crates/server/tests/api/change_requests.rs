//! Change requests: an instructor or a student asks, the office approves or refuses, the
//! requester is told by mail.

use chrono::{Duration, Utc};
use serde_json::{Value, json};
use volant_domain::role::Role;

use crate::helpers::*;

async fn ok(r: reqwest::Response, status: u16) -> Value {
    assert_eq!(r.status(), status, "{:?}", r.text().await);
    r.json().await.unwrap()
}

/// A driving lesson for the fixture student, instructor and vehicle, `hours` from now.
async fn lesson_in(admin: &Api, fx: &Fixtures, hours: i64) -> String {
    let start = Utc::now() + Duration::hours(hours);
    let body = json!({"kind": "driving", "starts_at": start, "ends_at": start + Duration::hours(1),
                      "student_id": fx.student, "instructor_id": fx.instructor, "vehicle_id": fx.vehicle});
    ok(admin.post("/api/v1/lessons", &body).await, 201).await["lesson"]["id"].as_str().unwrap().to_owned()
}

async fn hours(admin: &Api, fx: &Fixtures) -> i64 {
    admin.json(&format!("/api/v1/students/{}/hours", fx.student)).await["consumed_minutes"].as_i64().unwrap()
}

#[tokio::test]
async fn a_students_cancellation_is_charged_by_the_notice_given_when_asking() {
    let app = spawn_app().await;
    app.seed_schools().await;
    app.no_quiet_hours('a').await;
    let fx = app.fixtures('a').await;
    let admin = app.login_as(Role::Admin, 'a').await;
    let student = app.login_as(Role::Student, 'a').await;

    // Asked 30 h before (the school's notice is 48 h): late, charged when approved.
    let late = lesson_in(&admin, &fx, 30).await;
    let req =
        ok(student.post("/api/v1/change-requests", &json!({"lesson_id": late, "kind": "cancel"})).await, 201).await;
    assert_eq!(req["status"], "pending");
    assert_eq!(req["requester_role"], "STUDENT");
    assert_eq!(req["student_name"], "Léa Élève a");
    let before = hours(&admin, &fx).await;
    let path = format!("/api/v1/change-requests/{}/approve", req["id"].as_str().unwrap());
    let decided = ok(admin.post(&path, &json!({})).await, 200).await;
    assert_eq!(decided["status"], "approved");
    let lesson = admin.json(&format!("/api/v1/lessons/{late}")).await;
    assert_eq!((lesson["status"].as_str(), lesson["cancelled_by"].as_str()), (Some("cancelled"), Some("student")));
    assert_eq!(lesson["charged"], true);
    assert_eq!(hours(&admin, &fx).await, before + 60);

    // Asked in time, approved after the notice has run out: not charged.
    let in_time = lesson_in(&admin, &fx, 40).await;
    let req =
        ok(student.post("/api/v1/change-requests", &json!({"lesson_id": in_time, "kind": "cancel"})).await, 201).await;
    let tenant: uuid::Uuid = admin.json("/api/v1/me").await["tenant"]["id"].as_str().unwrap().parse().unwrap();
    let mut tx = volant::db::begin_tenant(&app.pool, tenant.into()).await.unwrap();
    sqlx::query("UPDATE change_requests SET created_at = now() - interval '3 days' WHERE id = $1")
        .bind(req["id"].as_str().unwrap().parse::<uuid::Uuid>().unwrap())
        .execute(&mut *tx)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let path = format!("/api/v1/change-requests/{}/approve", req["id"].as_str().unwrap());
    ok(admin.post(&path, &json!({})).await, 200).await;
    assert_eq!(admin.json(&format!("/api/v1/lessons/{in_time}")).await["charged"], false);
    assert_eq!(hours(&admin, &fx).await, before + 60, "nothing more consumed");

    // Deciding twice is refused.
    let again = problem(admin.post(&path, &json!({})).await, 422).await;
    assert_eq!(again["rules"][0]["code"], "change_request_decided");
    app.smtp.wait_for("a été acceptée").await;
}

#[tokio::test]
async fn a_move_onto_a_busy_slot_is_a_409_and_the_request_waits_then_a_refusal_is_mailed() {
    let app = spawn_app().await;
    app.seed_schools().await;
    app.no_quiet_hours('a').await;
    let fx = app.fixtures('a').await;
    let admin = app.login_as(Role::Admin, 'a').await;
    let instructor = app.login_as(Role::Instructor, 'a').await;
    let lesson = lesson_in(&admin, &fx, 50).await;
    let busy = lesson_in(&admin, &fx, 100).await;
    let busy_start = admin.json(&format!("/api/v1/lessons/{busy}")).await["starts_at"].clone();
    let busy_end = admin.json(&format!("/api/v1/lessons/{busy}")).await["ends_at"].clone();

    let body = json!({"lesson_id": lesson, "kind": "move", "reason": "Rendez-vous médical",
                      "starts_at": busy_start, "ends_at": busy_end});
    let req = ok(instructor.post("/api/v1/change-requests", &body).await, 201).await;
    // One pending request per lesson.
    let dup =
        problem(instructor.post("/api/v1/change-requests", &json!({"lesson_id": lesson, "kind": "cancel"})).await, 422)
            .await;
    assert_eq!(dup["rules"][0]["code"], "change_request_pending");
    // A move names the new times.
    let bad =
        problem(instructor.post("/api/v1/change-requests", &json!({"lesson_id": busy, "kind": "move"})).await, 400)
            .await;
    assert_eq!(bad["errors"][0]["field"], "starts_at");

    let id = req["id"].as_str().unwrap();
    let conflict = problem(admin.post(&format!("/api/v1/change-requests/{id}/approve"), &json!({})).await, 409).await;
    assert_eq!(conflict["conflicts"][0]["lesson_id"].as_str(), Some(busy.as_str()));
    let pending = admin.json("/api/v1/change-requests?status=pending").await;
    assert!(pending["items"].as_array().unwrap().iter().any(|r| r["id"] == id), "still pending");
    assert_eq!(admin.json(&format!("/api/v1/lessons/{lesson}")).await["status"], "planned");

    let refused = ok(
        admin
            .post(&format!("/api/v1/change-requests/{id}/reject"), &json!({"note": "Pas de remplaçant ce jour-là"}))
            .await,
        200,
    )
    .await;
    assert_eq!(refused["status"], "rejected");
    let mail = app.smtp.wait_for("Pas de remplaçant").await;
    assert!(mail.contains("instructor@a.test"), "{mail}");
    assert!(mail.contains("refusée"), "{mail}");
}

#[tokio::test]
async fn an_approved_move_moves_the_lesson() {
    let app = spawn_app().await;
    app.seed_schools().await;
    let fx = app.fixtures('a').await;
    let admin = app.login_as(Role::Admin, 'a').await;
    let student = app.login_as(Role::Student, 'a').await;
    let lesson = lesson_in(&admin, &fx, 50).await;
    let to = Utc::now() + Duration::hours(120);
    let body = json!({"lesson_id": lesson, "kind": "move", "starts_at": to, "ends_at": to + Duration::minutes(90)});
    let req = ok(student.post("/api/v1/change-requests", &body).await, 201).await;
    ok(admin.post(&format!("/api/v1/change-requests/{}/approve", req["id"].as_str().unwrap()), &json!({})).await, 200)
        .await;
    let moved = admin.json(&format!("/api/v1/lessons/{lesson}")).await;
    let starts: chrono::DateTime<Utc> = moved["starts_at"].as_str().unwrap().parse().unwrap();
    let ends: chrono::DateTime<Utc> = moved["ends_at"].as_str().unwrap().parse().unwrap();
    assert_eq!((starts.timestamp(), (ends - starts).num_minutes()), (to.timestamp(), 90));
}

#[tokio::test]
async fn people_see_and_ask_only_about_their_own_lessons() {
    let app = spawn_app().await;
    app.seed_schools().await;
    let fx = app.fixtures('a').await;
    let admin = app.login_as(Role::Admin, 'a').await;
    // A lesson of another student, with another instructor: neither the student nor the
    // instructor of the fixtures may ask about it.
    let other_student = ok(
        admin
            .post(
                "/api/v1/students",
                &json!({"first_name": "Hugo", "last_name": "Autre", "birth_date": "2001-02-03",
                                                  "ants_status": "validated"}),
            )
            .await,
        201,
    )
    .await;
    let other_instructor =
        ok(admin.post("/api/v1/instructors", &json!({"first_name": "Paul", "last_name": "Autre"})).await, 201).await;
    let start = Utc::now() + Duration::days(5);
    let body = json!({"kind": "evaluation", "starts_at": start, "ends_at": start + Duration::hours(1),
                      "student_id": other_student["id"], "instructor_id": other_instructor["id"]});
    let theirs = ok(admin.post("/api/v1/lessons", &body).await, 201).await["lesson"]["id"].clone();
    for role in [Role::Student, Role::Instructor] {
        let api = app.login_as(role, 'a').await;
        let r =
            problem(api.post("/api/v1/change-requests", &json!({"lesson_id": theirs, "kind": "cancel"})).await, 400)
                .await;
        assert_eq!(r["errors"][0]["field"], "lesson_id", "{role}");
    }
    // The fixture request was made by the student: the instructor's list is empty, the
    // student's and the office's hold it.
    let mine = |v: Value| v["items"].as_array().unwrap().iter().any(|r| r["id"] == fx.change_request.as_str());
    assert!(mine(app.login_as(Role::Student, 'a').await.json("/api/v1/change-requests").await));
    assert!(mine(app.login_as(Role::Secretary, 'a').await.json("/api/v1/change-requests").await));
    assert!(!mine(app.login_as(Role::Instructor, 'a').await.json("/api/v1/change-requests").await));
    // The other school's office sees nothing of it.
    app.fixtures('b').await;
    assert!(!mine(app.login_as(Role::Admin, 'b').await.json("/api/v1/change-requests").await));
}
