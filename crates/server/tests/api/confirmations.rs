//! Student-confirmed hours: the student confirms a lesson done (a tap, or the instructor's code),
//! or disputes it; the office sees the dispute and settles it; the ledger shows each consumption's
//! word. Only the lesson's student, only after completion, once; a code expires.

use chrono::{Duration, Utc};
use serde_json::{Value, json};
use volant_domain::role::Role;

use crate::helpers::*;

/// A driving lesson of the fixture student that ended an hour ago, marked done by its instructor.
async fn done_lesson(app: &TestApp, fx: &Fixtures, hours_ago: i64) -> String {
    let admin = app.login_as(Role::Admin, 'a').await;
    let start = Utc::now() - Duration::hours(hours_ago + 1);
    let body = json!({"kind": "driving", "starts_at": start, "ends_at": start + Duration::hours(1),
                      "student_id": fx.student, "instructor_id": fx.instructor, "vehicle_id": fx.vehicle});
    let lesson = created(admin.post("/api/v1/lessons", &body).await).await;
    let lesson = id(&lesson["lesson"]);
    let instructor = app.login_as(Role::Instructor, 'a').await;
    let r = instructor.post(&format!("/api/v1/lessons/{lesson}/complete"), &json!({})).await;
    assert_eq!(r.status(), 200, "{:?}", r.text().await);
    lesson
}

#[tokio::test]
async fn a_student_confirms_with_the_code_disputes_another_and_the_office_settles_it() {
    let app = spawn_app().await;
    app.seed_schools().await;
    let fx = app.fixtures('a').await;
    let first = done_lesson(&app, &fx, 1).await;
    let second = done_lesson(&app, &fx, 3).await;
    let instructor = app.login_as(Role::Instructor, 'a').await;
    let student = app.login_as(Role::Student, 'a').await;
    let admin = app.login_as(Role::Admin, 'a').await;

    // The code on the instructor's phone; a wrong one is refused on its field.
    let code = instructor.json(&format!("/api/v1/lessons/{first}/confirmation-code")).await;
    let digits = code["code"].as_str().unwrap().to_owned();
    assert_eq!(digits.len(), 6);
    assert!(code["confirm_path"].as_str().unwrap().contains(&first));
    let wrong = if digits == "000000" { "111111" } else { "000000" };
    let lesson_path = format!("/api/v1/lessons/{first}");
    let path = format!("{lesson_path}/confirm");
    let r = problem(student.post(&path, &json!({"code": wrong})).await, 400).await;
    assert_eq!(r["errors"][0]["field"], "code", "{r}");
    // Another lesson's code does not confirm this one.
    let other_code = instructor.json(&format!("/api/v1/lessons/{second}/confirmation-code")).await;
    if other_code["code"] != code["code"] {
        let r = student.post(&path, &json!({"code": other_code["code"]})).await;
        assert_eq!(r.status(), 400);
    }
    let r = student.post(&path, &json!({"code": digits})).await;
    assert_eq!(r.status(), 200, "{:?}", r.text().await);
    let confirmed: Value = r.json().await.unwrap();
    assert_eq!((confirmed["status"].as_str(), confirmed["method"].as_str()), (Some("confirmed"), Some("code")));
    // Once only.
    let r =
        problem(student.post(&format!("{lesson_path}/dispute"), &json!({"reason": "En fait non"})).await, 422).await;
    assert_eq!(r["rules"][0]["code"], "confirmation_closed", "{r}");

    // The other is disputed (a reason is needed); the office is alerted.
    let path = format!("/api/v1/lessons/{second}/dispute");
    problem(student.post(&path, &json!({"reason": "  "})).await, 400).await;
    problem(student.post(&path, &json!({})).await, 400).await;
    let r = student.post(&path, &json!({"reason": "La leçon a duré 30 minutes."})).await;
    assert_eq!(r.status(), 200, "{:?}", r.text().await);
    let alerts = admin.json("/api/v1/alerts").await;
    let disputed: Vec<&Value> =
        alerts["items"].as_array().unwrap().iter().filter(|a| a["code"] == "lesson_disputed").collect();
    assert_eq!(disputed.len(), 1, "{alerts}");
    assert!(disputed[0]["message"].as_str().unwrap().contains("La leçon a duré 30 minutes."), "{alerts}");
    let open = admin.json("/api/v1/lesson-disputes?open=true").await;
    assert_eq!(open["items"].as_array().unwrap().len(), 1);
    assert_eq!(open["items"][0]["lesson_id"], second.as_str());

    // The ledger shows each consumption's word.
    let hours = student.json(&format!("/api/v1/students/{}/hours", fx.student)).await;
    let word = |lesson: &str| {
        hours["entries"].as_array().unwrap().iter().find(|e| e["lesson_id"] == lesson).unwrap()["confirmation"].clone()
    };
    assert_eq!((word(&first), word(&second)), (json!("confirmed"), json!("disputed")));
    let lesson = admin.json(&format!("/api/v1/lessons/{second}")).await;
    let entry = hours["entries"].as_array().unwrap().iter().find(|e| e["lesson_id"] == second.as_str()).unwrap();
    assert_eq!(entry["lesson_starts_at"], lesson["starts_at"], "the ledger names the lesson's own start");
    let theirs = admin.json(&format!("/api/v1/lesson-disputes?student_id={}", fx.student)).await;
    assert_eq!(theirs["items"].as_array().unwrap().len(), 1);
    let nobody = admin.json(&format!("/api/v1/lesson-disputes?student_id={}", uuid::Uuid::nil())).await;
    assert!(nobody["items"].as_array().unwrap().is_empty());
    assert_eq!((hours["confirmed_minutes"].as_i64(), hours["disputed_minutes"].as_i64()), (Some(60), Some(60)));

    // The office settles it: no more alert, the answer kept, the audit has both.
    let settle = format!("/api/v1/lessons/{second}/dispute/resolve");
    problem(admin.post(&settle, &json!({"resolution": ""})).await, 400).await;
    let r = admin.post(&settle, &json!({"resolution": "Vu avec le moniteur : 30 minutes recréditées."})).await;
    assert_eq!(r.status(), 200, "{:?}", r.text().await);
    let again = problem(admin.post(&settle, &json!({"resolution": "Encore"})).await, 422).await;
    assert_eq!(again["rules"][0]["code"], "dispute_resolved");
    let alerts = admin.json("/api/v1/alerts").await;
    assert!(!alerts["items"].as_array().unwrap().iter().any(|a| a["code"] == "lesson_disputed"), "{alerts}");
    let log = admin.json(&format!("/api/v1/audit-log?entity=lesson&entity_id={second}")).await;
    let actions: Vec<&str> = log["items"].as_array().unwrap().iter().map(|e| e["action"].as_str().unwrap()).collect();
    assert!(actions.contains(&"lesson.dispute") && actions.contains(&"lesson.dispute.resolve"), "{actions:?}");
}

#[tokio::test]
async fn only_the_lessons_student_after_completion_and_never_across_schools() {
    let app = spawn_app().await;
    app.seed_schools().await;
    let fx = app.fixtures('a').await;
    let student = app.login_as(Role::Student, 'a').await;
    // The fixture lesson is still to come: no code, no word.
    let planned = format!("/api/v1/lessons/{}", fx.lesson);
    let instructor = app.login_as(Role::Instructor, 'a').await;
    let r = problem(instructor.get(&format!("{planned}/confirmation-code")).await, 422).await;
    assert_eq!(r["rules"][0]["code"], "lesson_not_done");
    let r = problem(student.post(&format!("{planned}/confirm"), &json!({})).await, 422).await;
    assert_eq!(r["rules"][0]["code"], "confirmation_closed");

    let done = done_lesson(&app, &fx, 1).await;
    let path = format!("/api/v1/lessons/{done}/confirm");
    let disputed = format!("/api/v1/lessons/{done}/dispute");
    // Another student of the school does not see this lesson.
    let tenant = app.seed_tenant("ecole-a").await;
    app.add_member(tenant, "autre.eleve@a.test", Role::Student).await;
    let other = app.login("autre.eleve@a.test").await;
    assert_eq!(other.post(&path, &json!({})).await.status(), 404);
    // Another school sees nothing: neither the code nor the word.
    let elsewhere = app.login_as(Role::Admin, 'b').await;
    assert_eq!(elsewhere.get(&format!("/api/v1/lessons/{done}/confirmation-code")).await.status(), 404);
    assert_eq!(elsewhere.post(&format!("{disputed}/resolve"), &json!({"resolution": "x"})).await.status(), 404);
    assert!(elsewhere.json("/api/v1/lesson-disputes").await["items"].as_array().unwrap().is_empty());
    // Two taps at once: one word kept, the other told.
    let (confirm, dispute) = (json!({}), json!({"reason": "Pas venu"}));
    let (a, b) = tokio::join!(student.post(&path, &confirm), student.post(&disputed, &dispute));
    let mut statuses = [a.status().as_u16(), b.status().as_u16()];
    statuses.sort();
    assert!(statuses == [200, 409] || statuses == [200, 422], "{statuses:?}");
    // A lesson ended more than 30 days ago is closed.
    let old = done_lesson(&app, &fx, 24 * 31).await;
    let r = problem(student.post(&format!("/api/v1/lessons/{old}/confirm"), &json!({})).await, 422).await;
    assert!(r["detail"].as_str().unwrap().contains("30 jours"), "{r}");
}
