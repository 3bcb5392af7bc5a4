//! The printed planning: an instructor's week and the office's day sheet, read back with
//! `pdftotext`; an instructor prints only their own; cancelled lessons are left out.

use chrono::{Duration, Utc};
use serde_json::{Value, json};
use volant_domain::role::Role;

use crate::helpers::*;

#[tokio::test]
async fn the_week_and_the_day_sheet_print_the_lessons_as_planned() {
    let app = spawn_app().await;
    app.seed_schools().await;
    let fx = app.fixtures('a').await;
    let admin = app.login_as(Role::Admin, 'a').await;
    let lesson = admin.json(&format!("/api/v1/lessons/{}", fx.lesson)).await;
    let starts = chrono::DateTime::parse_from_rfc3339(lesson["starts_at"].as_str().unwrap()).unwrap();
    let local = starts.with_timezone(&chrono_tz::Europe::Paris);
    let day = local.date_naive();
    // A second student's lesson the same day, then cancelled: not printed.
    let zoe = created(
        admin
            .post(
                "/api/v1/students",
                &json!({"first_name": "Zoé", "last_name": "Annulée", "birth_date": "2001-02-03", "ants_status": "validated",
                        "phone": "0611223344"}),
            )
            .await,
    )
    .await;
    let later = Utc::now().max(starts.with_timezone(&Utc)) + Duration::hours(2);
    let body = json!({"kind": "driving", "starts_at": later, "ends_at": later + Duration::hours(1),
                      "student_id": zoe["id"], "instructor_id": fx.instructor, "vehicle_id": fx.vehicle});
    let other = created(admin.post("/api/v1/lessons", &body).await).await;
    let r = admin.post(&format!("/api/v1/lessons/{}/cancel", id(&other["lesson"])), &json!({"by": "school"})).await;
    assert_eq!(r.status(), 200, "{:?}", r.text().await);

    let instructor = app.login_as(Role::Instructor, 'a').await;
    let r = instructor.get(&format!("/api/v1/instructors/{}/planning.pdf?week={day}", fx.instructor)).await;
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["content-type"], "application/pdf");
    let text = pdf_text(&r.bytes().await.unwrap());
    let time = format!("{} – {}", local.format("%H:%M"), (local + Duration::hours(1)).format("%H:%M"));
    for expected in
        ["Planning de la semaine", "Jean Moniteur a", "Léa Élève a", "AA-100-AA", "Leçon de conduite", &time]
    {
        assert!(text.contains(expected), "{expected:?} missing from the week:\n{text}");
    }
    assert!(!text.contains("Zoé Annulée"), "a cancelled lesson is not printed:\n{text}");
    assert!(text.contains(&volant_domain::french::long_date(day)[1..]), "the day's heading:\n{text}");

    // The office's day sheet: a page per instructor who works that day, a box to sign.
    let secretary = app.login_as(Role::Secretary, 'a').await;
    let r = secretary.get(&format!("/api/v1/planning/day.pdf?date={day}")).await;
    assert_eq!(r.status(), 200);
    let text = pdf_text(&r.bytes().await.unwrap());
    for expected in ["Feuille de route du jour", "Signature de", "Jean Moniteur a", "Léa Élève a"] {
        assert!(text.contains(expected), "{expected:?} missing from the day sheet:\n{text}");
    }

    // An instructor prints their own planning only; a student none; another school nothing.
    let colleague =
        created(admin.post("/api/v1/instructors", &json!({"first_name": "Sophie", "last_name": "Collègue"})).await)
            .await;
    let theirs = format!("/api/v1/instructors/{}/planning.pdf", id(&colleague));
    assert_eq!(instructor.get(&theirs).await.status(), 404);
    let r = instructor.get(&format!("/api/v1/planning/day.pdf?date={day}&instructor_id={}", id(&colleague))).await;
    assert_eq!(r.status(), 404);
    assert_eq!(admin.get(&theirs).await.status(), 200, "the office prints anyone's week, even an empty one");
    let student = app.login_as(Role::Student, 'a').await;
    assert_eq!(student.get(&format!("/api/v1/planning/day.pdf?date={day}")).await.status(), 403);
    let elsewhere = app.login_as(Role::Admin, 'b').await;
    let r = elsewhere.get(&format!("/api/v1/instructors/{}/planning.pdf?week={day}", fx.instructor)).await;
    assert_eq!(r.status(), 404);
    let r = elsewhere.get(&format!("/api/v1/planning/day.pdf?date={day}")).await;
    let text = pdf_text(&r.bytes().await.unwrap());
    assert!(!text.contains("Léa Élève a"), "another school's day sheet:\n{text}");
    let bad: Value = problem(admin.get("/api/v1/planning/day.pdf?date=demain").await, 400).await;
    assert!(bad["detail"].as_str().is_some());
}
