//! The planning: conflicts enforced by the database, rules, warnings, life cycle, series,
//! copy-week and replace-day.

use chrono::{DateTime, Duration, TimeZone, Utc};
use chrono_tz::Europe::Paris;
use serde_json::{Value, json};
use volant_domain::role::Role;

use crate::helpers::*;

struct Plan {
    admin: Api,
    instructors: Vec<String>,
    vehicles: Vec<String>,
    students: Vec<String>,
}

/// Paris wall-clock time as an instant.
fn paris(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
    Paris.with_ymd_and_hms(y, m, d, h, min, 0).unwrap().with_timezone(&Utc)
}

async fn setup(app: &TestApp) -> Plan {
    app.seed_schools().await;
    let admin = app.login_as(Role::Admin, 'a').await;
    let mut instructors = vec![];
    for name in ["Julien", "Sophie"] {
        instructors.push(id(&created(
            admin.post("/api/v1/instructors", &json!({"first_name": name, "last_name": "Moniteur"})).await,
        )
        .await));
    }
    let mut vehicles = vec![];
    for (plate, gearbox) in [("AB-123-CD", "manual"), ("EF-456-GH", "automatic")] {
        vehicles.push(id(
            &created(admin.post("/api/v1/vehicles", &json!({"plate": plate, "gearbox": gearbox})).await).await
        ));
    }
    let mut students = vec![];
    for name in ["Léa", "Hugo"] {
        let body = json!({"first_name": name, "last_name": "Élève", "birth_date": "2000-01-01", "ants_status": "validated",
                          "start_evaluation": {"date": "2026-01-05", "estimated_minutes": 1500}, "contract_signed_on": "2026-01-06"});
        let s = id(&created(admin.post("/api/v1/students", &body).await).await);
        created(
            admin.post(&format!("/api/v1/students/{s}/hours"), &json!({"kind": "purchase", "minutes": 1200})).await,
        )
        .await;
        students.push(s);
    }
    Plan { admin, instructors, vehicles, students }
}

fn driving(p: &Plan, start: DateTime<Utc>, minutes: i64, student: usize, instructor: usize, vehicle: usize) -> Value {
    json!({"kind": "driving", "starts_at": start, "ends_at": start + Duration::minutes(minutes),
           "student_id": p.students[student], "instructor_id": p.instructors[instructor], "vehicle_id": p.vehicles[vehicle]})
}

fn codes(v: &Value, key: &str) -> Vec<String> {
    v[key].as_array().unwrap().iter().map(|f| f["code"].as_str().unwrap().to_owned()).collect()
}

#[tokio::test]
async fn each_hard_conflict_is_a_409_naming_the_lesson() {
    let app = spawn_app().await;
    let p = setup(&app).await;
    let t = Utc::now() + Duration::days(2);
    let first = created(p.admin.post("/api/v1/lessons", &driving(&p, t, 60, 0, 0, 0)).await).await;
    let first_id = first["lesson"]["id"].clone();
    for (body, resource) in [
        (driving(&p, t + Duration::minutes(30), 60, 1, 0, 1), "instructor"),
        (driving(&p, t + Duration::minutes(30), 60, 1, 1, 0), "vehicle"),
        (driving(&p, t + Duration::minutes(30), 60, 0, 1, 1), "student"),
    ] {
        let r = p.admin.post("/api/v1/lessons", &body).await;
        let problem = problem(r, 409).await;
        assert_eq!(problem["conflicts"][0]["lesson_id"], first_id);
        assert_eq!(problem["conflicts"][0]["resource"], resource);
    }
    // Touching is not overlapping.
    created(p.admin.post("/api/v1/lessons", &driving(&p, t + Duration::minutes(60), 60, 1, 0, 0)).await).await;
    // A block (leave) counts too.
    let leave = json!({"kind": "unavailability", "starts_at": t - Duration::hours(3), "ends_at": t - Duration::hours(1),
                       "instructor_id": p.instructors[1], "block_reason": "leave"});
    created(p.admin.post("/api/v1/lessons", &leave).await).await;
    let r = p.admin.post("/api/v1/lessons", &driving(&p, t - Duration::hours(2), 60, 1, 1, 1)).await;
    assert_eq!(problem(r, 409).await["conflicts"][0]["kind"], "unavailability");
}

#[tokio::test]
async fn a_student_in_a_code_session_cannot_drive_at_the_same_time_and_capacity_holds() {
    let app = spawn_app().await;
    let p = setup(&app).await;
    let t = Utc::now() + Duration::days(3);
    let code = json!({"kind": "code", "starts_at": t, "ends_at": t + Duration::hours(2), "capacity": 1, "attendee_ids": [p.students[0]]});
    let session = created(p.admin.post("/api/v1/lessons", &code).await).await;
    assert_eq!(session["lesson"]["attendee_ids"], json!([p.students[0]]));
    let r = p.admin.post("/api/v1/lessons", &driving(&p, t + Duration::minutes(30), 60, 0, 0, 0)).await;
    let body = problem(r, 409).await;
    assert_eq!(body["conflicts"][0]["resource"], "student");
    let full = json!({"kind": "code", "starts_at": t + Duration::days(1), "ends_at": t + Duration::days(1) + Duration::hours(2),
                      "capacity": 1, "attendee_ids": p.students});
    problem(p.admin.post("/api/v1/lessons", &full).await, 409).await;
}

#[tokio::test]
async fn fifty_concurrent_requests_for_one_slot_create_exactly_one_lesson() {
    let app = spawn_app().await;
    let p = setup(&app).await;
    let t = Utc::now() + Duration::days(4);
    // Same instructor, different students and vehicles would collide only on the instructor;
    // here everything is the same slot: instructor, vehicle and student all contend.
    let body = driving(&p, t, 60, 0, 0, 0);
    let requests = (0..50).map(|_| p.admin.post("/api/v1/lessons", &body));
    let statuses: Vec<u16> = futures::future::join_all(requests).await.iter().map(|r| r.status().as_u16()).collect();
    assert_eq!(statuses.iter().filter(|s| **s == 201).count(), 1, "{statuses:?}");
    assert!(statuses.iter().all(|s| *s == 201 || *s == 409), "{statuses:?}");
    let window = p
        .admin
        .json(&format!("/api/v1/lessons?from={}&to={}", enc(t - Duration::hours(1)), enc(t + Duration::hours(2))))
        .await;
    assert_eq!(window["items"].as_array().unwrap().len(), 1);
    // Different students and vehicles on one instructor's slot: still one.
    let t2 = t + Duration::days(1);
    let bodies: Vec<Value> = (0..50).map(|i| driving(&p, t2, 60, i % 2, 1, (i / 2) % 2)).collect();
    let statuses: Vec<u16> = futures::future::join_all(bodies.iter().map(|b| p.admin.post("/api/v1/lessons", b)))
        .await
        .iter()
        .map(|r| r.status().as_u16())
        .collect();
    assert_eq!(statuses.iter().filter(|s| **s == 201).count(), 1, "{statuses:?}");
}

fn enc(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

#[tokio::test]
async fn refusing_rules_and_warnings_are_named() {
    let app = spawn_app().await;
    let p = setup(&app).await;
    let t = Utc::now() + Duration::days(5);
    let path = format!("/api/v1/vehicles/{}", p.vehicles[0]);
    p.admin.patch(&path, &json!({"status": "maintenance", "dual_controls": false, "version": 1})).await;
    let r = p.admin.post("/api/v1/lessons", &driving(&p, t, 60, 0, 0, 0)).await;
    let body = problem(r, 422).await;
    assert_eq!(codes(&body, "rules"), vec!["vehicle_dual_controls", "vehicle_status"]);
    // ANTS not validated: refused for driving, fine for the start evaluation.
    let s = created(
        p.admin
            .post("/api/v1/students", &json!({"first_name": "Sans", "last_name": "Ants", "birth_date": "2000-01-01"}))
            .await,
    )
    .await;
    let mut lesson = driving(&p, t, 60, 0, 0, 1);
    lesson["student_id"] = s["id"].clone();
    assert_eq!(
        codes(&problem(p.admin.post("/api/v1/lessons", &lesson).await, 422).await, "rules"),
        vec!["ants_registration"]
    );
    let eval = json!({"kind": "evaluation", "starts_at": t, "ends_at": t + Duration::hours(1), "student_id": s["id"], "instructor_id": p.instructors[0]});
    let r = p.admin.post("/api/v1/lessons?dry_run=true", &eval).await;
    assert_eq!(r.status(), 200, "the start evaluation is exempt");
}

#[tokio::test]
async fn warnings_come_back_with_the_lesson_and_on_dry_run() {
    let app = spawn_app().await;
    let p = setup(&app).await;
    // An automatic car for a manual-gearbox student, on a public holiday next year, 23:00.
    let holiday = paris(2027, 7, 14, 23, 0);
    let body = driving(&p, holiday, 60, 0, 0, 1);
    let r = p.admin.post("/api/v1/lessons?dry_run=true", &body).await;
    assert_eq!(r.status(), 200);
    let dry: Value = r.json().await.unwrap();
    let warnings = codes(&dry, "warnings");
    assert!(warnings.contains(&"public_holiday".to_owned()), "{warnings:?}");
    assert!(warnings.contains(&"gearbox_mismatch".to_owned()), "{warnings:?}");
    let from = enc(holiday - Duration::hours(1));
    let to = enc(holiday + Duration::hours(2));
    assert!(
        p.admin.json(&format!("/api/v1/lessons?from={from}&to={to}")).await["items"].as_array().unwrap().is_empty(),
        "dry run saves nothing"
    );
    let saved = created(p.admin.post("/api/v1/lessons", &body).await).await;
    assert_eq!(codes(&saved, "warnings"), warnings);
    assert_eq!(codes(&saved["lesson"], "warnings"), warnings, "warnings are saved with the lesson");
    // Not enough bookable hours: 20 h bought, a 21 h block asked for.
    let long = driving(&p, paris(2027, 7, 15, 8, 0), 11 * 60, 1, 1, 0);
    created(p.admin.post("/api/v1/lessons", &long).await).await;
    let more =
        created(p.admin.post("/api/v1/lessons", &driving(&p, paris(2027, 7, 16, 8, 0), 10 * 60, 1, 1, 0)).await).await;
    assert!(codes(&more, "warnings").contains(&"insufficient_hours".to_owned()));
    let hours = p.admin.json(&format!("/api/v1/students/{}/hours", p.students[1])).await;
    assert_eq!(hours["scheduled_minutes"], 21 * 60);
    assert_eq!(hours["bookable_minutes"], 1200 - 21 * 60);
}

#[tokio::test]
async fn completing_posts_the_consumption_once_and_not_before_the_start() {
    let app = spawn_app().await;
    let p = setup(&app).await;
    let future =
        created(p.admin.post("/api/v1/lessons", &driving(&p, Utc::now() + Duration::days(1), 90, 0, 0, 0)).await).await;
    let r = p
        .admin
        .post(&format!("/api/v1/lessons/{}/complete", future["lesson"]["id"].as_str().unwrap()), &json!({}))
        .await;
    assert_eq!(problem(r, 422).await["rules"][0]["code"], "lesson_not_started");
    // The office records a past lesson, then marks it done.
    let past =
        created(p.admin.post("/api/v1/lessons", &driving(&p, Utc::now() - Duration::days(1), 90, 0, 0, 0)).await).await;
    let lid = past["lesson"]["id"].as_str().unwrap().to_owned();
    let r = p
        .admin
        .post(
            &format!("/api/v1/lessons/{lid}/complete"),
            &json!({"comment": "Bon créneau, travailler les ronds-points."}),
        )
        .await;
    assert_eq!(r.status(), 200);
    let done: Value = r.json().await.unwrap();
    assert_eq!(done["status"], "done");
    let again = p.admin.post(&format!("/api/v1/lessons/{lid}/complete"), &json!({})).await;
    problem(again, 422).await;
    let hours = p.admin.json(&format!("/api/v1/students/{}/hours", p.students[0])).await;
    assert_eq!(hours["consumed_minutes"], 90);
    assert_eq!(hours["remaining_minutes"], 1200 - 90);
    assert_eq!(hours["scheduled_minutes"], 90, "the future lesson");
    assert_eq!(hours["entries"][0]["lesson_id"], lid.as_str());
    // The instructor of the lesson may mark it; another may not see it.
    let history = p.admin.json(&format!("/api/v1/students/{}/history", p.students[0])).await;
    assert!(history["items"].as_array().unwrap().iter().any(|i| i["action"] == "lesson.complete"));
}

#[tokio::test]
async fn late_student_cancellations_are_charged_unless_waived() {
    let app = spawn_app().await;
    let p = setup(&app).await;
    let soon = Utc::now() + Duration::hours(20);
    let a = created(p.admin.post("/api/v1/lessons", &driving(&p, soon, 60, 0, 0, 0)).await).await;
    let r = p
        .admin
        .post(&format!("/api/v1/lessons/{}/cancel", id(&a["lesson"])), &json!({"by": "student", "reason": "Malade"}))
        .await;
    let cancelled: Value = r.json().await.unwrap();
    assert_eq!((cancelled["status"].as_str(), cancelled["charged"].as_bool()), (Some("cancelled"), Some(true)));
    let b = created(p.admin.post("/api/v1/lessons", &driving(&p, soon, 60, 0, 0, 0)).await).await;
    let waived: Value = p
        .admin
        .post(&format!("/api/v1/lessons/{}/cancel", id(&b["lesson"])), &json!({"by": "student", "waive_charge": true}))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(waived["charged"], false);
    let c = created(p.admin.post("/api/v1/lessons", &driving(&p, soon, 60, 0, 0, 0)).await).await;
    let by_school: Value =
        p.admin.post(&format!("/api/v1/lessons/{}/cancel", id(&c["lesson"])), &json!({})).await.json().await.unwrap();
    assert_eq!(by_school["charged"], false);
    let early =
        created(p.admin.post("/api/v1/lessons", &driving(&p, Utc::now() + Duration::days(5), 60, 0, 0, 0)).await).await;
    let on_time: Value = p
        .admin
        .post(&format!("/api/v1/lessons/{}/cancel", id(&early["lesson"])), &json!({"by": "student"}))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(on_time["charged"], false);
    let hours = p.admin.json(&format!("/api/v1/students/{}/hours", p.students[0])).await;
    assert_eq!(hours["consumed_minutes"], 60, "only the late one");
    // A cancelled slot is free again.
    created(p.admin.post("/api/v1/lessons", &driving(&p, soon, 60, 1, 0, 0)).await).await;
}

#[tokio::test]
async fn a_stale_move_gets_412_and_a_move_keeps_the_checks() {
    let app = spawn_app().await;
    let p = setup(&app).await;
    let t = Utc::now() + Duration::days(6);
    let a = created(p.admin.post("/api/v1/lessons", &driving(&p, t, 60, 0, 0, 0)).await).await;
    let b = created(p.admin.post("/api/v1/lessons", &driving(&p, t + Duration::hours(2), 60, 1, 1, 1)).await).await;
    let path = format!("/api/v1/lessons/{}", id(&a["lesson"]));
    let moved = p
        .admin
        .patch(&path, &json!({"starts_at": t + Duration::hours(4), "ends_at": t + Duration::hours(5), "version": 1}))
        .await;
    assert_eq!(moved.status(), 200);
    let stale = p.admin.patch(&path, &json!({"starts_at": t, "ends_at": t + Duration::hours(1), "version": 1})).await;
    assert_eq!(problem(stale, 412).await["current"]["version"], 2);
    // Reassign onto b's instructor at b's time: conflict.
    let r = p.admin
        .patch(&path, &json!({"starts_at": t + Duration::hours(2), "ends_at": t + Duration::hours(3), "instructor_id": p.instructors[1], "version": 2}))
        .await;
    assert_eq!(problem(r, 409).await["conflicts"][0]["lesson_id"], b["lesson"]["id"]);
}

#[tokio::test]
async fn a_weekly_series_keeps_ten_o_clock_across_both_changes_and_skips_holidays() {
    let app = spawn_app().await;
    let p = setup(&app).await;
    // Mondays at 10:00 from 22 March 2027: 29 March is Easter Monday (skipped), the clocks
    // change on 28 March; then every Monday until early November (the clocks go back on 31 October).
    let body = json!({"template": {"kind": "driving", "student_id": p.students[0], "instructor_id": p.instructors[0],
                                   "vehicle_id": p.vehicles[0], "duration_minutes": 60},
                      "starts_at": paris(2027, 3, 22, 10, 0), "rrule": "FREQ=WEEKLY;BYDAY=MO;UNTIL=20271108"});
    let r = created(p.admin.post("/api/v1/lesson-series", &body).await).await;
    let starts: Vec<DateTime<Utc>> =
        r["created"].as_array().unwrap().iter().map(|l| l["starts_at"].as_str().unwrap().parse().unwrap()).collect();
    assert!(
        starts.iter().all(|s| s.with_timezone(&Paris).format("%H:%M").to_string() == "10:00"),
        "10:00 local every time"
    );
    assert_eq!(starts[0], paris(2027, 3, 22, 10, 0));
    assert_eq!(starts[1], paris(2027, 4, 5, 10, 0), "Easter Monday skipped");
    assert!(starts.contains(&paris(2027, 11, 8, 10, 0)));
    assert!(
        !starts
            .iter()
            .any(|s| s.with_timezone(&Paris).date_naive() == chrono::NaiveDate::from_ymd_opt(2027, 5, 17).unwrap()),
        "Whit Monday skipped"
    );
    let series_id = r["series"]["id"].as_str().unwrap().to_owned();
    // A conflicting occurrence is reported, the others created.
    let blocker = driving(&p, paris(2027, 3, 23, 10, 0), 60, 1, 1, 1);
    created(p.admin.post("/api/v1/lessons", &blocker).await).await;
    let daily = json!({"template": {"kind": "driving", "student_id": p.students[1], "instructor_id": p.instructors[1],
                                    "vehicle_id": p.vehicles[1], "duration_minutes": 60},
                       "starts_at": paris(2027, 3, 22, 10, 0), "rrule": "FREQ=DAILY;COUNT=3"});
    let r = created(p.admin.post("/api/v1/lesson-series", &daily).await).await;
    assert_eq!(r["created"].as_array().unwrap().len(), 2);
    assert_eq!(r["skipped"][0]["starts_at"], "2027-03-23T09:00:00Z");
    // Cancel this one and the following.
    let lessons: Vec<Value> = p
        .admin
        .json(&format!(
            "/api/v1/lessons?from={}&to={}&student_id={}",
            enc(paris(2027, 3, 1, 0, 0)),
            enc(paris(2027, 12, 1, 0, 0)),
            p.students[0]
        ))
        .await["items"]
        .as_array()
        .unwrap()
        .clone();
    let third = lessons[2]["id"].as_str().unwrap();
    let r = p
        .admin
        .send(
            reqwest::Method::DELETE,
            &format!("/api/v1/lesson-series/{series_id}?scope=following&lesson_id={third}"),
            None,
        )
        .await;
    assert_eq!(r.status(), 200);
    let cancelled: Value = r.json().await.unwrap();
    assert_eq!(cancelled["cancelled"].as_array().unwrap().len(), starts.len() - 2);
    let bad = p.admin.post("/api/v1/lesson-series", &json!({"template": body["template"], "starts_at": paris(2027, 3, 22, 10, 0), "rrule": "FREQ=MONTHLY;COUNT=2"})).await;
    assert_eq!(problem(bad, 400).await["errors"][0]["field"], "rrule");
}

#[tokio::test]
async fn copying_a_week_keeps_local_times_across_the_change_and_reports_conflicts() {
    let app = spawn_app().await;
    let p = setup(&app).await;
    // The week of 22 March 2027 (UTC+1) copied to the week of 29 March (UTC+2).
    created(p.admin.post("/api/v1/lessons", &driving(&p, paris(2027, 3, 23, 9, 0), 60, 0, 0, 0)).await).await;
    created(p.admin.post("/api/v1/lessons", &driving(&p, paris(2027, 3, 24, 15, 0), 60, 1, 1, 1)).await).await;
    created(p.admin.post("/api/v1/lessons", &driving(&p, paris(2027, 3, 31, 15, 0), 60, 1, 1, 0)).await).await;
    let r =
        p.admin.post("/api/v1/planning/copy-week", &json!({"from_week": "2027-03-22", "to_week": "2027-03-29"})).await;
    assert_eq!(r.status(), 200);
    let report: Value = r.json().await.unwrap();
    assert_eq!(report["created"][0]["starts_at"], enc(paris(2027, 3, 30, 9, 0)));
    assert_eq!(report["created"][0]["starts_at"], "2027-03-30T07:00:00Z", "09:00 local in summer time");
    assert_eq!(report["skipped"].as_array().unwrap().len(), 1);
    assert!(!report["skipped"][0]["conflicts"].as_array().unwrap().is_empty());
    problem(
        p.admin.post("/api/v1/planning/copy-week", &json!({"from_week": "2027-03-23", "to_week": "2027-03-29"})).await,
        400,
    )
    .await;
}

#[tokio::test]
async fn replace_day_reassigns_where_free_and_cancels_the_rest() {
    let app = spawn_app().await;
    let p = setup(&app).await;
    let day = chrono::NaiveDate::from_ymd_opt(2027, 4, 13).unwrap();
    let a = created(p.admin.post("/api/v1/lessons", &driving(&p, paris(2027, 4, 13, 9, 0), 60, 0, 0, 0)).await).await;
    let b = created(p.admin.post("/api/v1/lessons", &driving(&p, paris(2027, 4, 13, 11, 0), 60, 1, 0, 0)).await).await;
    // Sophie is busy at 11:00, free at 9:00.
    created(p.admin.post("/api/v1/lessons", &driving(&p, paris(2027, 4, 13, 11, 0), 60, 0, 1, 1)).await).await;
    let r =
        p.admin.post("/api/v1/planning/replace-day", &json!({"instructor_id": p.instructors[0], "date": day})).await;
    assert_eq!(r.status(), 200);
    let out: Value = r.json().await.unwrap();
    assert_eq!(out["reassigned"][0]["id"], a["lesson"]["id"]);
    assert_eq!(out["reassigned"][0]["instructor_id"], p.instructors[1].as_str());
    assert_eq!(out["cancelled"][0]["id"], b["lesson"]["id"]);
    assert_eq!(out["cancelled"][0]["cancelled_by"], "school");
    assert_eq!(out["cancelled"][0]["charged"], false);
    assert_eq!(out["students_to_call"].as_array().unwrap().len(), 2);
    // Julien's day is now blocked.
    let r = p.admin.post("/api/v1/lessons", &driving(&p, paris(2027, 4, 13, 16, 0), 60, 1, 0, 1)).await;
    assert_eq!(problem(r, 409).await["conflicts"][0]["kind"], "unavailability");
    let stats =
        p.admin.json(&format!("/api/v1/instructors/{}/stats?from=2027-04-12&to=2027-04-18", p.instructors[1])).await;
    assert_eq!(stats["total"]["planned"], 120);
    assert_eq!(stats["by_week"][0]["week"], "2027-04-12");
}

#[tokio::test]
async fn instructors_and_students_see_only_their_lessons() {
    let app = spawn_app().await;
    app.seed_schools().await;
    let fx = app.fixtures('a').await;
    let admin = app.login_as(Role::Admin, 'a').await;
    let other =
        created(admin.post("/api/v1/instructors", &json!({"first_name": "Autre", "last_name": "Moniteur"})).await)
            .await;
    let v = created(admin.post("/api/v1/vehicles", &json!({"plate": "GH-321-JK", "gearbox": "manual"})).await).await;
    let s = created(admin.post("/api/v1/students", &json!({"first_name": "Autre", "last_name": "Élève", "birth_date": "2000-01-01", "ants_status": "validated"})).await).await;
    let t = Utc::now() + Duration::days(3);
    let theirs = json!({"kind": "driving", "starts_at": t, "ends_at": t + Duration::hours(1), "student_id": s["id"], "instructor_id": other["id"], "vehicle_id": v["id"]});
    let hidden = created(admin.post("/api/v1/lessons", &theirs).await).await;
    let window = format!("/api/v1/lessons?from={}&to={}", enc(Utc::now()), enc(Utc::now() + Duration::days(30)));
    let teacher = app.login_as(Role::Instructor, 'a').await;
    let mine: Vec<String> = teacher.json(&window).await["items"].as_array().unwrap().iter().map(id).collect();
    assert!(mine.contains(&fx.lesson) && !mine.contains(&id(&hidden["lesson"])));
    problem(teacher.get(&format!("/api/v1/lessons/{}", id(&hidden["lesson"]))).await, 404).await;
    problem(teacher.post("/api/v1/lessons", &theirs).await, 403).await;
    let student = app.login_as(Role::Student, 'a').await;
    let seen: Vec<String> = student.json(&window).await["items"].as_array().unwrap().iter().map(id).collect();
    assert!(seen.contains(&fx.lesson) && !seen.contains(&id(&hidden["lesson"])));
    problem(student.post(&format!("/api/v1/lessons/{}/complete", fx.lesson), &json!({})).await, 403).await;
}

/// `include=names` names what the window's lessons name, and only what the caller may see: no
/// plates for a student, nothing of a lesson hidden from an instructor, nothing across schools.
#[tokio::test]
async fn the_week_with_names_names_only_what_the_caller_may_see() {
    let app = spawn_app().await;
    app.seed_schools().await;
    let fx = app.fixtures('a').await;
    let admin = app.login_as(Role::Admin, 'a').await;
    let lesson = admin.json(&format!("/api/v1/lessons/{}", fx.lesson)).await;
    let (from, to) = (enc(Utc::now() - Duration::days(60)), enc(Utc::now() + Duration::days(400)));
    let window = format!("/api/v1/lessons?from={from}&to={to}&include=names");
    let names_of = |v: &Value, kind: &str| v["names"][kind].as_object().cloned().unwrap_or_default();

    let office = admin.json(&window).await;
    let student = lesson["student_id"].as_str().unwrap();
    let instructor = lesson["instructor_id"].as_str().unwrap();
    let vehicle = lesson["vehicle_id"].as_str().unwrap();
    assert!(names_of(&office, "students").contains_key(student));
    assert!(names_of(&office, "instructors").contains_key(instructor));
    assert!(names_of(&office, "vehicles").contains_key(vehicle));
    assert!(admin.json(&window.replace("&include=names", "")).await.get("names").is_none(), "names only when asked");

    let other = created(admin.post("/api/v1/students", &json!({"first_name": "Caché", "last_name": "Ailleurs", "birth_date": "2000-01-01", "ants_status": "validated"})).await).await;
    let mover =
        created(admin.post("/api/v1/instructors", &json!({"first_name": "Autre", "last_name": "Moniteur"})).await)
            .await;
    let t = Utc::now() + Duration::days(5);
    let hidden = json!({"kind": "driving", "starts_at": t, "ends_at": t + Duration::hours(1), "student_id": other["id"],
                        "instructor_id": mover["id"], "vehicle_id": vehicle});
    created(admin.post("/api/v1/lessons", &hidden).await).await;
    let teacher = app.login_as(Role::Instructor, 'a').await.json(&window).await;
    assert!(
        !names_of(&teacher, "students").contains_key(other["id"].as_str().unwrap()),
        "a student the instructor does not teach"
    );
    assert!(!names_of(&teacher, "instructors").contains_key(mover["id"].as_str().unwrap()));

    let mine = app.login_as(Role::Student, 'a').await.json(&window).await;
    assert!(names_of(&mine, "vehicles").is_empty(), "no plates for a student");
    assert!(!names_of(&mine, "students").contains_key(other["id"].as_str().unwrap()));

    let elsewhere = app.login_as(Role::Admin, 'b').await.json(&window).await;
    assert!(!names_of(&elsewhere, "students").contains_key(student), "nothing across schools");
    assert!(!names_of(&elsewhere, "vehicles").contains_key(vehicle));
}

#[tokio::test]
async fn fifty_concurrent_requests_for_one_student_or_one_vehicle_create_one_lesson_each() {
    let app = spawn_app().await;
    let p = setup(&app).await;
    let mut instructors = p.instructors.clone();
    let mut vehicles = p.vehicles.clone();
    for n in 0..8 {
        let i = created(
            p.admin.post("/api/v1/instructors", &json!({"first_name": format!("M{n}"), "last_name": "Renfort"})).await,
        )
        .await;
        instructors.push(id(&i));
        let v = created(
            p.admin
                .post("/api/v1/vehicles", &json!({"plate": format!("XY-{:03}-ZA", 100 + n), "gearbox": "manual"}))
                .await,
        )
        .await;
        vehicles.push(id(&v));
    }
    let t = Utc::now() + Duration::days(9);
    let lesson = |student: &str, instructor: &str, vehicle: &str| json!({"kind": "driving", "starts_at": t, "ends_at": t + Duration::hours(1), "student_id": student, "instructor_id": instructor, "vehicle_id": vehicle});
    // One student, different instructors and vehicles: only the student contends.
    let bodies: Vec<Value> = (0..50)
        .map(|n| lesson(&p.students[0], &instructors[n % instructors.len()], &vehicles[(n + 3) % vehicles.len()]))
        .collect();
    let statuses: Vec<u16> = futures::future::join_all(bodies.iter().map(|b| p.admin.post("/api/v1/lessons", b)))
        .await
        .iter()
        .map(|r| r.status().as_u16())
        .collect();
    assert_eq!(statuses.iter().filter(|s| **s == 201).count(), 1, "student: {statuses:?}");
    // One vehicle, a free student and different instructors: only the vehicle contends.
    let later = t + Duration::hours(3);
    let bodies: Vec<Value> = (0..50)
        .map(|n| {
            let mut b = lesson(&p.students[1], &instructors[n % instructors.len()], &vehicles[0]);
            b["starts_at"] = json!(later);
            b["ends_at"] = json!(later + Duration::hours(1));
            if n % 2 == 1 {
                b["student_id"] = json!(p.students[0]);
            }
            b
        })
        .collect();
    let statuses: Vec<u16> = futures::future::join_all(bodies.iter().map(|b| p.admin.post("/api/v1/lessons", b)))
        .await
        .iter()
        .map(|r| r.status().as_u16())
        .collect();
    assert_eq!(statuses.iter().filter(|s| **s == 201).count(), 1, "vehicle: {statuses:?}");
    assert!(statuses.iter().all(|s| *s == 201 || *s == 409), "{statuses:?}");
}

#[tokio::test]
async fn deactivating_an_instructor_lists_their_future_lessons() {
    let app = spawn_app().await;
    let p = setup(&app).await;
    let future =
        created(p.admin.post("/api/v1/lessons", &driving(&p, Utc::now() + Duration::days(2), 60, 0, 0, 0)).await).await;
    created(p.admin.post("/api/v1/lessons", &driving(&p, Utc::now() - Duration::days(2), 60, 0, 0, 0)).await).await;
    let path = format!("/api/v1/instructors/{}", p.instructors[0]);
    let current = p.admin.json(&path).await;
    assert!(current.get("future_lesson_ids").is_none());
    let r = p.admin.patch(&path, &json!({"active": false, "version": current["version"]})).await;
    assert_eq!(r.status(), 200);
    let after: Value = r.json().await.unwrap();
    assert_eq!(after["future_lesson_ids"], json!([future["lesson"]["id"]]));
    // An inactive instructor cannot be given new lessons.
    let r = p.admin.post("/api/v1/lessons", &driving(&p, Utc::now() + Duration::days(3), 60, 1, 0, 1)).await;
    assert_eq!(codes(&problem(r, 422).await, "rules"), vec!["instructor_inactive"]);
}
