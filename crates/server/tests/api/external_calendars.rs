//! An instructor's external calendars: a file's busy times at once, an address's by the refresh
//! job (fetched over real HTTP), shown as busy times and counted by the planning as `external_busy`
//! (a warning, or a block by school setting); a file that is not a calendar is a French 400.

use axum::{Router, routing::get};
use chrono::{Duration, Utc};
use serde_json::{Value, json};
use volant_domain::role::Role;

use crate::helpers::*;

/// An ICS with one busy time (UTC) and one transparent (free) event at the same time.
fn ics(start: chrono::DateTime<Utc>, summary: &str) -> String {
    let f = |t: chrono::DateTime<Utc>| t.format("%Y%m%dT%H%M%SZ").to_string();
    let end = start + Duration::hours(2);
    format!(
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Test//FR\r\nBEGIN:VEVENT\r\nUID:a@test\r\nDTSTAMP:{s}\r\nDTSTART:{s}\r\nDTEND:{e}\r\nSUMMARY:{summary}\r\nEND:VEVENT\r\nBEGIN:VEVENT\r\nUID:b@test\r\nDTSTAMP:{s}\r\nDTSTART:{s}\r\nDTEND:{e}\r\nSUMMARY:Libre\r\nTRANSP:TRANSPARENT\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n",
        s = f(start),
        e = f(end),
    )
}

async fn lesson_at(api: &Api, f: &Fixtures, start: chrono::DateTime<Utc>) -> reqwest::Response {
    let body = json!({"kind": "driving", "starts_at": start, "ends_at": start + Duration::hours(1),
                      "student_id": f.student, "instructor_id": f.instructor, "vehicle_id": f.vehicle});
    api.post("/api/v1/lessons", &body).await
}

#[tokio::test]
async fn a_busy_time_of_an_uploaded_calendar_warns_then_blocks_by_setting() {
    let app = spawn_app().await;
    app.seed_schools().await;
    let f = app.fixtures('a').await;
    let start = (Utc::now() + Duration::days(5)).date_naive().and_hms_opt(9, 0, 0).unwrap().and_utc();
    // The instructor adds their own calendar.
    let instructor = app.login_as(Role::Instructor, 'a').await;
    let url = format!("/api/v1/instructors/{}/external-calendars", f.instructor);
    let r = instructor.post(&url, &json!({"name": "Agenda perso", "ics": ics(start, "Dentiste")})).await;
    assert_eq!(r.status(), 201, "{:?}", r.text().await);
    let calendar: Value = r.json().await.unwrap();
    assert_eq!(calendar["busy_count"], 1, "the transparent event is free time: {calendar}");
    let busy = instructor
        .json(&format!(
            "/api/v1/instructors/{}/busy?from={}&to={}",
            f.instructor,
            (start - Duration::days(1)).to_rfc3339().replace('+', "%2B"),
            (start + Duration::days(1)).to_rfc3339().replace('+', "%2B")
        ))
        .await;
    assert_eq!(busy[0]["summary"], "Dentiste");
    assert_eq!(busy[0]["calendar_name"], "Agenda perso");

    let office = app.login_as(Role::Secretary, 'a').await;
    let r = lesson_at(&office, &f, start + Duration::minutes(30)).await;
    assert_eq!(r.status(), 201, "a warning by default");
    let planned: Value = r.json().await.unwrap();
    let codes: Vec<&str> =
        planned["warnings"].as_array().unwrap().iter().map(|w| w["code"].as_str().unwrap()).collect();
    assert!(codes.contains(&"external_busy"), "{planned}");
    assert!(planned["warnings"].to_string().contains("Dentiste"));

    let admin = app.login_as(Role::Admin, 'a').await;
    let mut settings = admin.json("/api/v1/settings").await;
    settings["external_calendar_rule"] = json!("block");
    assert_eq!(admin.send(reqwest::Method::PUT, "/api/v1/settings", Some(&settings)).await.status(), 200);
    let body = problem(lesson_at(&office, &f, start + Duration::minutes(90)).await, 422).await;
    assert!(body.to_string().contains("external_busy"), "{body}");
    // Outside the busy time, nothing is said.
    let r = lesson_at(&office, &f, start + Duration::hours(4)).await;
    assert_eq!(r.status(), 201);

    // A file that is not a calendar is named as such; a student may not add one.
    let body = problem(instructor.post(&url, &json!({"name": "X", "ics": "bonjour"})).await, 400).await;
    assert!(body.to_string().contains("iCalendar"), "{body}");
    problem(app.login_as(Role::Student, 'a').await.post(&url, &json!({"name": "X", "ics": "x"})).await, 403).await;
    // Removing the calendar removes its busy times.
    let r =
        instructor.send(reqwest::Method::DELETE, &format!("{url}/{}", calendar["id"].as_str().unwrap()), None).await;
    assert_eq!(r.status(), 204);
    settings = admin.json("/api/v1/settings").await;
    let _ = settings;
    let r = lesson_at(&office, &f, start + Duration::minutes(150)).await;
    assert_eq!(r.status(), 201, "{:?}", r.text().await);
}

#[tokio::test]
async fn an_address_is_fetched_by_the_refresh_job_and_a_failure_is_shown() {
    let start = Utc::now() + Duration::days(3);
    let body = ics(start, "Cours à la fac");
    let remote = Router::new()
        .route("/agenda.ics", get(move || std::future::ready(body.clone())))
        .route("/perdu.ics", get(|| std::future::ready((axum::http::StatusCode::NOT_FOUND, "non"))));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, remote).await.unwrap() });

    let app = spawn_app().await;
    app.seed_schools().await;
    let f = app.fixtures('a').await;
    let admin = app.login_as(Role::Admin, 'a').await;
    let url = format!("/api/v1/instructors/{}/external-calendars", f.instructor);
    let r = admin.post(&url, &json!({"name": "Université", "url": format!("{base}/agenda.ics")})).await;
    assert_eq!(r.status(), 201, "{:?}", r.text().await);
    let r = admin.post(&url, &json!({"name": "Ancien", "url": format!("{base}/perdu.ics")})).await;
    assert_eq!(r.status(), 201);
    problem(admin.post(&url, &json!({"name": "Y", "url": "ftp://x"})).await, 400).await;
    app.wait_jobs_idle().await;
    let list = admin.json(&url).await;
    let by_name = |n: &str| list["items"].as_array().unwrap().iter().find(|c| c["name"] == n).cloned().unwrap();
    let fetched = by_name("Université");
    assert_eq!(fetched["busy_count"], 1, "{fetched}");
    assert!(fetched["last_fetched_at"].is_string() && fetched["last_error"].is_null());
    let failed = by_name("Ancien");
    assert_eq!(failed["last_error"], "L'adresse a répondu 404.", "{failed}");
    assert_eq!(failed["busy_count"], 0);
}
