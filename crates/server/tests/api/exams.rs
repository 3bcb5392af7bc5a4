//! Exams: eligibility through the API (422, audited override), places and the accompaniment
//! lesson, results, alerts, history, roles.

use chrono::{Duration, NaiveDate, Utc};
use serde_json::{Value, json};
use volant_domain::role::Role;

use crate::helpers::*;

async fn ok(r: reqwest::Response, status: u16) -> Value {
    assert_eq!(r.status(), status, "{:?}", r.text().await);
    r.json().await.unwrap()
}

struct School {
    admin: Api,
    instructor: String,
    vehicle: String,
}

async fn school(app: &TestApp) -> School {
    app.seed_schools().await;
    let admin = app.login_as(Role::Admin, 'a').await;
    let users = admin.json("/api/v1/users?role=INSTRUCTOR").await;
    let user = users["items"][0]["id"].clone();
    let instructor = id(&ok(
        admin
            .post("/api/v1/instructors", &json!({"first_name": "Julien", "last_name": "Moniteur", "user_id": user}))
            .await,
        201,
    )
    .await);
    let vehicle =
        id(&ok(admin.post("/api/v1/vehicles", &json!({"plate": "AB-123-CD", "gearbox": "manual"})).await, 201).await);
    School { admin, instructor, vehicle }
}

/// A student with everything but the theory test and the hours.
async fn student(s: &School, first_name: &str) -> String {
    // A NEPH is unique in a school: one per first name.
    let neph = format!("{:012}", first_name.bytes().fold(7u64, |h, b| (h * 31 + u64::from(b)) % 1_000_000_000_000));
    let body = json!({"first_name": first_name, "last_name": "Candidat", "birth_date": "2004-06-15", "neph": neph,
                      "ants_status": "validated", "referent_instructor_id": s.instructor,
                      "start_evaluation": {"date": "2026-01-05", "estimated_minutes": 1500}, "contract_signed_on": "2026-01-06"});
    let student = id(&ok(s.admin.post("/api/v1/students", &body).await, 201).await);
    ok(
        s.admin.post(&format!("/api/v1/students/{student}/hours"), &json!({"kind": "purchase", "minutes": 1800})).await,
        201,
    )
    .await;
    student
}

/// `hours` one-hour driving lessons in the past, done.
async fn drive(s: &School, student: &str, hours: i64, days_ago: i64) {
    for h in 0..hours {
        let start = Utc::now() - Duration::days(days_ago) - Duration::hours(2 * h + 2);
        let body = json!({"kind": "driving", "starts_at": start, "ends_at": start + Duration::hours(1),
                          "student_id": student, "instructor_id": s.instructor, "vehicle_id": s.vehicle});
        let lesson = ok(s.admin.post("/api/v1/lessons", &body).await, 201).await;
        let path = format!("/api/v1/lessons/{}/complete", lesson["lesson"]["id"].as_str().unwrap());
        ok(s.admin.post(&path, &json!({})).await, 200).await;
    }
}

async fn theory_passed(s: &School, student: &str, on: &str) -> Value {
    let body = json!({"student_id": student, "kind": "theory", "scheduled_at": format!("{on}T09:00:00+01:00"),
                      "centre": "La Poste", "result": "passed", "score": 36});
    ok(s.admin.post("/api/v1/exams", &body).await, 201).await
}

async fn place(s: &School, days: i64, accompanied: bool) -> String {
    let starts_at = (Utc::now() + Duration::days(days)).date_naive().and_hms_opt(8, 0, 0).unwrap().and_utc();
    let mut body = json!({"starts_at": starts_at, "centre": "Centre de Bron"});
    if accompanied {
        body["instructor_id"] = json!(s.instructor);
        body["vehicle_id"] = json!(s.vehicle);
    }
    id(&ok(s.admin.post("/api/v1/exam-places", &body).await, 201).await)
}

fn statuses(v: &Value) -> Vec<(String, String)> {
    v["rules"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["code"].as_str().unwrap().to_owned(), r["status"].as_str().unwrap().to_owned()))
        .collect()
}

fn status_of(v: &Value, code: &str) -> String {
    statuses(v).into_iter().find(|(c, _)| c == code).map(|(_, s)| s).unwrap_or_default()
}

#[tokio::test]
async fn a_blocked_student_is_refused_with_the_rules_unless_an_admin_overrides_with_a_reason() {
    let app = spawn_app().await;
    let s = school(&app).await;
    let student = student(&s, "Léa").await;
    let place = place(&s, 20, false).await;

    let e = ok(s.admin.get(&format!("/api/v1/students/{student}/eligibility")).await, 200).await;
    assert_eq!(e["eligible"], false);
    assert_eq!(e["rules"].as_array().unwrap().len(), 11);
    assert_eq!(status_of(&e, "theory_test"), "block");
    assert_eq!(status_of(&e, "driving_hours"), "block");
    assert_eq!(status_of(&e, "age"), "ok");

    let assign = format!("/api/v1/exam-places/{place}/assign");
    let refused = problem(s.admin.post(&assign, &json!({"student_id": student})).await, 422).await;
    let codes: Vec<&str> = refused["rules"].as_array().unwrap().iter().map(|r| r["code"].as_str().unwrap()).collect();
    assert_eq!(codes, ["theory_test", "driving_hours"]);
    assert!(refused["rules"][1]["message"].as_str().unwrap().contains("20 h"), "{refused}");
    // A secretary cannot override.
    let secretary = app.login_as(Role::Secretary, 'a').await;
    problem(secretary.post(&assign, &json!({"student_id": student, "override_reason": "Urgence"})).await, 422).await;
    // An admin can, with a reason, and the audit says so.
    let exam = ok(
        s.admin.post(&assign, &json!({"student_id": student, "override_reason": "Mutation professionnelle"})).await,
        201,
    )
    .await;
    assert_eq!(exam["override_reason"], "Mutation professionnelle");
    assert_eq!(exam["place_id"].as_str(), Some(place.as_str()));
    let audit = s.admin.json("/api/v1/audit-log").await;
    assert!(audit["items"].as_array().unwrap().iter().any(|e| e["action"] == "exam.create_override"), "{audit}");
    // The place is taken now.
    let other = self::student(&s, "Hugo").await;
    let taken = problem(s.admin.post(&assign, &json!({"student_id": other})).await, 422).await;
    assert_eq!(taken["rules"][0]["code"], "place_taken");
}

#[tokio::test]
async fn a_student_becomes_eligible_and_the_place_books_the_accompaniment() {
    let app = spawn_app().await;
    let s = school(&app).await;
    let lea = student(&s, "Léa").await;
    let hugo = student(&s, "Hugo").await;
    let today = Utc::now().date_naive();
    for (st, days_ago) in [(&lea, 3), (&hugo, 6)] {
        theory_passed(&s, st, &(today - Duration::days(30)).to_string()).await;
        drive(&s, st, 19, days_ago).await;
    }
    let e = s.admin.json(&format!("/api/v1/students/{lea}/eligibility")).await;
    assert_eq!(status_of(&e, "driving_hours"), "block", "19 h");
    drive(&s, &lea, 1, 60).await;
    drive(&s, &hugo, 1, 62).await;
    let e = s.admin.json(&format!("/api/v1/students/{lea}/eligibility")).await;
    assert_eq!(e["eligible"], true, "{e}");
    assert_eq!(status_of(&e, "booklet"), "warn");
    // The hourly pass tells the office once per student who became eligible (two passes at once).
    let (one, two) = tokio::join!(
        volant::exams::service::tell_newly_eligible(&app.pool),
        volant::exams::service::tell_newly_eligible(&app.pool)
    );
    assert_eq!(one.unwrap() + two.unwrap(), 2, "Léa and Hugo, once each");
    assert_eq!(volant::exams::service::tell_newly_eligible(&app.pool).await.unwrap(), 0);
    app.wait_jobs_idle().await;
    let told = app.login_as(Role::Secretary, 'a').await.json("/api/v1/notifications").await;
    let eligible: Vec<&Value> =
        told["items"].as_array().unwrap().iter().filter(|n| n["event"] == "student_eligible").collect();
    assert_eq!(eligible.len(), 2, "{told}");
    assert!(eligible.iter().any(|n| n["body"].as_str().unwrap().starts_with("Léa Candidat remplit")));

    // Two places at the same time with the same instructor and car: one exam lesson, two candidates.
    let first = place(&s, 20, true).await;
    let second = place(&s, 20, true).await;
    let candidates = s.admin.json(&format!("/api/v1/exam-places/{first}/candidates")).await;
    assert_eq!(candidates["items"].as_array().unwrap().len(), 2);
    assert_eq!(candidates["items"][0]["eligible"], true);
    let a =
        ok(s.admin.post(&format!("/api/v1/exam-places/{first}/assign"), &json!({"student_id": lea})).await, 201).await;
    let b = ok(s.admin.post(&format!("/api/v1/exam-places/{second}/assign"), &json!({"student_id": hugo})).await, 201)
        .await;
    assert_eq!(a["lesson_id"], b["lesson_id"]);
    // One practical test booked at a time, even for an admin with a reason.
    let again = json!({"student_id": lea, "kind": "practical", "scheduled_at": Utc::now() + Duration::days(30),
                       "override_reason": "Deux places"});
    let refused = problem(s.admin.post("/api/v1/exams", &again).await, 422).await;
    assert_eq!(refused["rules"][0]["code"], "practical_pending");
    let lesson = s.admin.json(&format!("/api/v1/lessons/{}", a["lesson_id"].as_str().unwrap())).await;
    assert_eq!(lesson["kind"], "exam");
    assert_eq!(lesson["attendee_ids"].as_array().unwrap().len(), 2);
    let free = s.admin.json("/api/v1/exam-places?available=true").await;
    assert!(free["items"].as_array().unwrap().is_empty());

    // Cancelling one exam takes its candidate out of the lesson; the other stays.
    let path = format!("/api/v1/exams/{}", id(&a));
    let cancelled =
        ok(s.admin.patch(&path, &json!({"version": a["version"], "result": "cancelled", "excused": true})).await, 200)
            .await;
    assert!(cancelled["cancelled_at"].is_string());
    let lesson = s.admin.json(&format!("/api/v1/lessons/{}", a["lesson_id"].as_str().unwrap())).await;
    assert_eq!(lesson["attendee_ids"], json!([hugo]));
    // Stale version: 412 with the current exam.
    let stale = problem(s.admin.patch(&path, &json!({"version": a["version"], "comment": "x"})).await, 412).await;
    assert_eq!(stale["current"]["result"], "cancelled");
    // The place is free again.
    let free = s.admin.json("/api/v1/exam-places?available=true").await;
    assert_eq!(free["items"][0]["id"].as_str(), Some(first.as_str()));
    // The timeline shows the exams.
    let history = s.admin.json(&format!("/api/v1/students/{lea}/history")).await;
    assert!(history["items"].as_array().unwrap().iter().any(|h| h["action"] == "exam.update"), "{history}");
    // A B78 place suggests only the automatic training.
    let starts_at = Utc::now() + Duration::days(25);
    let b78 = ok(
        s.admin
            .post("/api/v1/exam-places", &json!({"starts_at": starts_at, "centre": "Bron", "category": "B78"}))
            .await,
        201,
    )
    .await;
    let none = s.admin.json(&format!("/api/v1/exam-places/{}/candidates", id(&b78))).await;
    assert!(none["items"].as_array().unwrap().is_empty(), "{none}");
}

#[tokio::test]
async fn results_must_agree_with_the_score_and_the_date() {
    let app = spawn_app().await;
    let s = school(&app).await;
    let lea = student(&s, "Léa").await;
    let base =
        json!({"student_id": lea, "kind": "practical", "scheduled_at": "2026-05-04T10:00:00+02:00", "centre": "Bron"});
    for (extra, field) in [
        (json!({"result": "passed", "score": 19}), "result"),
        (json!({"result": "passed", "score": 25, "eliminatory": true}), "result"),
        (json!({"result": "failed", "score": 32}), "score"),
        (json!({"result": "absent", "score": 12}), "score"),
    ] {
        let mut body = base.clone();
        body.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
        let p = problem(s.admin.post("/api/v1/exams", &body).await, 400).await;
        assert_eq!(p["errors"][0]["field"], field, "{body}");
    }
    let future = Utc::now() + Duration::days(3);
    let body = json!({"student_id": lea, "kind": "theory", "scheduled_at": future, "result": "passed", "score": 38});
    let p = problem(s.admin.post("/api/v1/exams", &body).await, 400).await;
    assert_eq!(p["errors"][0]["field"], "result");
    // A past failure with 23 points (so with an eliminatory fault): the next booking waits 10
    // days from that date.
    let failed_on = Utc::now() - Duration::days(3);
    let body = json!({"student_id": lea, "kind": "practical", "scheduled_at": failed_on, "result": "failed", "score": 23,
                      "eliminatory": true});
    ok(s.admin.post("/api/v1/exams", &body).await, 201).await;
    let e = s.admin.json(&format!("/api/v1/students/{lea}/eligibility")).await;
    assert_eq!(status_of(&e, "waiting_period"), "block", "{e}");
}

#[tokio::test]
async fn alerts_name_what_needs_attention() {
    let app = spawn_app().await;
    let s = school(&app).await;
    let today = Utc::now().date_naive();
    let lea = student(&s, "Léa").await;
    // Theory passed 5 years minus 30 days ago: expires within 90 days.
    let passed = today.checked_sub_months(chrono::Months::new(60)).unwrap() + Duration::days(30);
    theory_passed(&s, &lea, &passed.to_string()).await;
    let soon = (today + Duration::days(10)).to_string();
    let v = s.admin.json(&format!("/api/v1/vehicles/{}", s.vehicle)).await;
    ok(
        s.admin
            .patch(
                &format!("/api/v1/vehicles/{}", s.vehicle),
                &json!({"version": v["version"], "insurance_expires_on": soon}),
            )
            .await,
        200,
    )
    .await;
    let i = s.admin.json(&format!("/api/v1/instructors/{}", s.instructor)).await;
    ok(
        s.admin
            .patch(
                &format!("/api/v1/instructors/{}", s.instructor),
                &json!({"version": i["version"], "authorisation_expires_on": soon}),
            )
            .await,
        200,
    )
    .await;
    // A past lesson nobody marked.
    let start = Utc::now() - Duration::days(2);
    let body = json!({"kind": "driving", "starts_at": start, "ends_at": start + Duration::hours(1),
                      "student_id": lea, "instructor_id": s.instructor, "vehicle_id": s.vehicle});
    ok(s.admin.post("/api/v1/lessons", &body).await, 201).await;
    // A student with no hours left.
    let poor = id(&ok(
        s.admin
            .post(
                "/api/v1/students",
                &json!({"first_name": "Zoé", "last_name": "Sans Heures", "birth_date": "2003-01-01"}),
            )
            .await,
        201,
    )
    .await);

    let alerts = s.admin.json("/api/v1/alerts").await;
    let items = alerts["items"].as_array().unwrap();
    let has = |code: &str, key: &str, id: &str| items.iter().any(|a| a["code"] == code && a[key] == id);
    assert!(has("theory_expiring", "student_id", &lea), "{alerts}");
    assert!(has("vehicle_insurance", "vehicle_id", &s.vehicle), "{alerts}");
    assert!(has("authorisation_expiring", "instructor_id", &s.instructor), "{alerts}");
    assert!(has("lessons_to_mark", "instructor_id", &s.instructor), "{alerts}");
    assert!(has("low_hours", "student_id", &poor), "{alerts}");
    assert!(has("documents", "student_id", &poor), "{alerts}");
    let expiry = items.iter().find(|a| a["code"] == "theory_expiring").unwrap();
    let due: NaiveDate = expiry["due_on"].as_str().unwrap().parse().unwrap();
    assert!((due - today).num_days() <= 90);
    // Not for instructors or students.
    problem(app.login_as(Role::Instructor, 'a').await.get("/api/v1/alerts").await, 403).await;
}

#[tokio::test]
async fn an_instructor_reads_the_exams_of_their_students_and_a_student_their_own() {
    let app = spawn_app().await;
    let s = school(&app).await;
    let lea = student(&s, "Léa").await;
    let exam = theory_passed(&s, &lea, "2026-02-02").await;
    let stranger = id(&ok(
        s.admin
            .post(
                "/api/v1/students",
                &json!({"first_name": "Paul", "last_name": "Ailleurs", "birth_date": "2001-01-01"}),
            )
            .await,
        201,
    )
    .await);
    let theirs = theory_passed(&s, &stranger, "2026-02-03").await;
    let instructor = app.login_as(Role::Instructor, 'a').await;
    let listed = instructor.json("/api/v1/exams").await;
    let ids: Vec<&str> = listed["items"].as_array().unwrap().iter().map(|e| e["id"].as_str().unwrap()).collect();
    assert_eq!(ids, [exam["id"].as_str().unwrap()]);
    problem(instructor.get(&format!("/api/v1/exams/{}", id(&theirs))).await, 404).await;
    problem(instructor.get(&format!("/api/v1/students/{stranger}/eligibility")).await, 404).await;
    // The student account is not linked to any file here: it sees nothing.
    let student = app.login_as(Role::Student, 'a').await;
    assert!(student.json("/api/v1/exams").await["items"].as_array().unwrap().is_empty());
    problem(student.get(&format!("/api/v1/exams/{}", id(&exam))).await, 404).await;
}

/// Issue 27: moving a booked practical test, or reopening a cancelled one, is a booking again.
#[tokio::test]
async fn moving_a_booked_practical_test_goes_through_the_rules_again() {
    let app = spawn_app().await;
    let s = school(&app).await;
    // Turns 17 in 10 days: a minor, with a guardian.
    let birth = Utc::now().date_naive() - Duration::days(17 * 365 + 4) + Duration::days(10);
    let body = json!({"first_name": "Presque", "last_name": "Majeur", "birth_date": birth,
                      "guardian": {"last_name": "Majeur", "phone": "0611223344"}, "ants_status": "validated"});
    let student = id(&ok(s.admin.post("/api/v1/students", &body).await, 201).await);
    let at = |days: i64| (Utc::now() + Duration::days(days)).date_naive().and_hms_opt(8, 0, 0).unwrap().and_utc();
    let booking = json!({"student_id": student, "kind": "practical", "scheduled_at": at(30), "centre": "Bron",
                         "override_reason": "Dossier complet par ailleurs"});
    let exam = ok(s.admin.post("/api/v1/exams", &booking).await, 201).await;
    let path = format!("/api/v1/exams/{}", id(&exam));
    // Three days from now, the student is 16: refused, naming the age rule.
    let moved = s.admin.patch(&path, &json!({"scheduled_at": at(3), "version": exam["version"]})).await;
    let body = problem(moved, 422).await;
    assert!(body["rules"].as_array().unwrap().iter().any(|r| r["code"] == "age"), "{body}");
    // A secretary's override is refused; an ADMIN's is audited.
    let sec = app.login_as(Role::Secretary, 'a').await;
    let r = sec
        .patch(&path, &json!({"scheduled_at": at(3), "version": exam["version"], "override_reason": "Urgent"}))
        .await;
    assert_eq!(r.status(), 422);
    let r = s
        .admin
        .patch(&path, &json!({"scheduled_at": at(3), "version": exam["version"], "override_reason": "Urgent"}))
        .await;
    let moved = ok(r, 200).await;
    let log = s.admin.json("/api/v1/audit-log").await;
    assert!(log["items"].as_array().unwrap().iter().any(|e| e["action"] == "exam.update_override"), "{log}");
    // Cancelled, then put back to pending on a date still too early: refused again.
    let cancelled = ok(
        s.admin
            .patch(&path, &json!({"result": "cancelled", "cancelled_at": Utc::now(), "version": moved["version"]}))
            .await,
        200,
    )
    .await;
    let reopened = s
        .admin
        .patch(&path, &json!({"result": "pending", "cancelled_at": null, "version": cancelled["version"]}))
        .await;
    assert!(problem(reopened, 422).await["rules"].as_array().unwrap().iter().any(|r| r["code"] == "age"));
}

/// Code de la route, art. L.213-2: the start evaluation comes first, then the contract.
#[tokio::test]
async fn a_contract_signed_before_the_start_evaluation_is_refused_at_entry() {
    let app = spawn_app().await;
    let s = school(&app).await;
    let body = json!({"first_name": "Ordre", "last_name": "Inverse", "birth_date": "2001-01-01",
                      "start_evaluation": {"date": "2026-01-05", "estimated_minutes": 1500}, "contract_signed_on": "2026-01-04"});
    let refused = problem(s.admin.post("/api/v1/students", &body).await, 400).await;
    assert_eq!(refused["errors"][0]["field"], "contract_signed_on");
    let mut fixed = body.clone();
    fixed["contract_signed_on"] = json!("2026-01-05");
    ok(s.admin.post("/api/v1/students", &fixed).await, 201).await;
}

#[tokio::test]
async fn a_b78_candidate_is_refused_on_a_b_place() {
    let app = spawn_app().await;
    let s = school(&app).await;
    let body = json!({"first_name": "Auto", "last_name": "Matique", "birth_date": "2001-01-01", "category": "B78"});
    let student = id(&ok(s.admin.post("/api/v1/students", &body).await, 201).await);
    let place = place(&s, 20, false).await;
    let r = s
        .admin
        .post(
            &format!("/api/v1/exam-places/{place}/assign"),
            &json!({"student_id": student, "override_reason": "Test"}),
        )
        .await;
    let body = problem(r, 422).await;
    assert_eq!(body["rules"][0]["code"], "place_category");
    assert!(body["detail"].as_str().unwrap().contains("catégorie B ;"), "{body}");
}

#[tokio::test]
async fn a_scoreless_failure_and_hours_from_a_previous_school_in_the_eligibility() {
    let app = spawn_app().await;
    let s = school(&app).await;
    let student = student(&s, "Transfert").await;
    let yesterday = (Utc::now() - Duration::days(1)).date_naive().and_hms_opt(8, 0, 0).unwrap().and_utc();
    let failed = json!({"student_id": student, "kind": "practical", "scheduled_at": yesterday, "centre": "Bron", "result": "failed"});
    ok(s.admin.post("/api/v1/exams", &failed).await, 201).await;
    ok(
        s.admin
            .post(
                &format!("/api/v1/students/{student}/hours"),
                &json!({"kind": "transfer_in", "minutes": 1200, "reason": "Auto-école du Lac"}),
            )
            .await,
        201,
    )
    .await;
    let e = s.admin.json(&format!("/api/v1/students/{student}/eligibility")).await;
    let rule = |code: &str| e["rules"].as_array().unwrap().iter().find(|r| r["code"] == code).unwrap().clone();
    let waiting = rule("waiting_period");
    assert!(waiting["message"].as_str().unwrap().contains("sans score enregistré"), "{waiting}");
    assert!(!waiting["message"].as_str().unwrap().contains("0 points"));
    let hours = rule("driving_hours");
    assert_eq!(hours["status"], "ok", "{hours}");
    assert!(hours["message"].as_str().unwrap().contains("dont 20 h dans une autre école"), "{hours}");
}

/// Regulation file § Exams [S]: meetings dated before the AFFI do not count.
#[tokio::test]
async fn aac_meetings_before_the_affi_do_not_count() {
    let app = spawn_app().await;
    let s = school(&app).await;
    let body = json!({"first_name": "Conduite", "last_name": "Accompagnée", "birth_date": "2008-01-01",
                      "guardian": {"last_name": "Accompagnée", "phone": "0611223344"}, "training_mode": "aac",
                      "aac": {"affi_on": "2025-06-15", "accompanied_km": 3200, "pedagogical_meetings": ["2025-05-01", "2025-06-01"]}});
    let student = id(&ok(s.admin.post("/api/v1/students", &body).await, 201).await);
    let e = s.admin.json(&format!("/api/v1/students/{student}/eligibility")).await;
    let aac = e["rules"].as_array().unwrap().iter().find(|r| r["code"] == "aac").unwrap().clone();
    assert_eq!(aac["status"], "block", "{aac}");
    assert!(aac["message"].as_str().unwrap().contains("0 rendez-vous pédagogique(s) sur 2"), "{aac}");
}
