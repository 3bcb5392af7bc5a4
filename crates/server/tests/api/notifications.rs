//! Notifications and calendar feeds (SPEC § 6.2): each event tells the right people on the
//! channels they chose and nobody else; a mail or SMS server that fails loses nothing and sends
//! nothing twice; quiet hours defer; reminders are raised once with two schedulers; the ICS feed
//! parses with a real iCalendar library, follows moves and cancellations, and a rotated URL is 404.

use std::time::Duration;

use chrono::{Duration as Days, Utc};
use serde_json::{Value, json};
use volant::notifications::reminders;
use volant_domain::role::Role;

use crate::helpers::*;

/// A lesson of the fixture student with the fixture instructor, `hours` from now.
async fn plan_lesson(office: &Api, f: &Fixtures, hours: i64) -> Value {
    let start = Utc::now() + Days::hours(hours);
    let body = json!({"kind": "driving", "starts_at": start, "ends_at": start + Days::hours(1),
                      "student_id": f.student, "instructor_id": f.instructor, "vehicle_id": f.vehicle,
                      "meeting_point": "Gare Part-Dieu"});
    let r = office.post("/api/v1/lessons", &body).await;
    assert_eq!(r.status(), 201, "{:?}", r.text().await);
    r.json::<Value>().await.unwrap()["lesson"].clone()
}

async fn move_lesson(office: &Api, lesson: &Value, hours: i64) -> Value {
    let start = Utc::now() + Days::hours(hours);
    let r = office
        .patch(
            &format!("/api/v1/lessons/{}", lesson["id"].as_str().unwrap()),
            &json!({"starts_at": start, "ends_at": start + Days::hours(1), "version": lesson["version"]}),
        )
        .await;
    assert_eq!(r.status(), 200, "{:?}", r.text().await);
    let body: Value = r.json().await.unwrap();
    body.get("lesson").cloned().unwrap_or(body)
}

/// The titles of a person's notifications, newest first.
async fn titles(api: &Api) -> Vec<String> {
    let page = api.json("/api/v1/notifications").await;
    page["items"].as_array().unwrap().iter().map(|n| n["title"].as_str().unwrap().to_owned()).collect()
}

async fn deliveries(admin: &Api, query: &str) -> Vec<Value> {
    admin.json(&format!("/api/v1/notification-deliveries{query}")).await["items"].as_array().unwrap().clone()
}

/// Waits for a mail to `to` whose decoded text contains `needle`.
async fn mail_to(app: &TestApp, to: &str, needle: &str) -> String {
    for _ in 0..100 {
        let found = app
            .smtp
            .messages()
            .into_iter()
            .map(|m| decode_qp(&m))
            .find(|m| m.lines().any(|l| l.eq_ignore_ascii_case(&format!("To: {to}"))) && m.contains(needle));
        if let Some(m) = found {
            return m;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("no mail to {to} containing {needle:?}");
}

#[tokio::test]
async fn a_lesson_planned_moved_and_cancelled_tells_its_student_and_instructor_and_nobody_else() {
    let app = spawn_app().await;
    app.seed_schools().await;
    app.no_quiet_hours('a').await;
    let f = app.fixtures('a').await;
    app.fixtures('b').await;
    let secretary = app.login_as(Role::Secretary, 'a').await;
    let lesson = plan_lesson(&secretary, &f, 30).await;
    let lesson = move_lesson(&secretary, &lesson, 54).await;
    let r = secretary
        .post(
            &format!("/api/v1/lessons/{}/cancel", lesson["id"].as_str().unwrap()),
            &json!({"reason": "Moniteur malade"}),
        )
        .await;
    assert_eq!(r.status(), 200, "{:?}", r.text().await);
    app.wait_jobs_idle().await;

    let student = app.login_as(Role::Student, 'a').await;
    let seen = titles(&student).await;
    assert_eq!(
        seen.iter().filter(|t| t.starts_with("Leçon de conduite")).take(3).cloned().collect::<Vec<_>>(),
        ["Leçon de conduite annulée", "Leçon de conduite déplacée"],
        "{seen:?}"
    );
    assert!(seen.iter().any(|t| t == "Nouvelle leçon de conduite"), "{seen:?}");
    let instructor = app.login_as(Role::Instructor, 'a').await;
    assert!(titles(&instructor).await.contains(&"Leçon de conduite déplacée".to_owned()));
    // The author of the changes, the rest of the office and the other school hear nothing.
    assert!(titles(&secretary).await.is_empty());
    assert!(titles(&app.login_as(Role::Admin, 'a').await).await.is_empty());
    for role in [Role::Student, Role::Instructor] {
        let other = app.login_as(role, 'b').await;
        assert!(!titles(&other).await.iter().any(|t| t.contains("déplacée")), "{role:?} of school b");
    }

    // The student's mail: HTML and text, the school's name, a one-click unsubscribe.
    let mail = mail_to(&app, "student@a.test", "est déplacée au").await;
    assert!(mail.contains("List-Unsubscribe: <http"), "{mail}");
    assert!(mail.contains("List-Unsubscribe-Post: List-Unsubscribe=One-Click"), "{mail}");
    assert!(mail.contains("text/html") && mail.contains("École A"), "{mail}");
    let cancelled = app.smtp.wait_for("Motif : Moniteur malade").await;
    assert!(cancelled.contains("student@a.test") || cancelled.contains("instructor@a.test"));

    // Everything sent once: no delivery left queued, none twice.
    let admin = app.login_as(Role::Admin, 'a').await;
    let log = deliveries(&admin, "?channel=email").await;
    assert!(log.iter().all(|d| d["status"] == "sent"), "{log:?}");
    let mut ids: Vec<&str> = log.iter().map(|d| d["notification_id"].as_str().unwrap()).collect();
    let n = ids.len();
    ids.dedup();
    assert_eq!(ids.len(), n, "one e-mail per notification");
}

#[tokio::test]
async fn the_list_reads_marks_and_counts_only_ones_own_notifications() {
    let app = spawn_app().await;
    app.seed_schools().await;
    app.no_quiet_hours('a').await;
    let f = app.fixtures('a').await;
    app.fixtures('b').await;
    let secretary = app.login_as(Role::Secretary, 'a').await;
    plan_lesson(&secretary, &f, 40).await;
    app.wait_jobs_idle().await;
    let student = app.login_as(Role::Student, 'a').await;
    let count = student.json("/api/v1/notifications/unread-count").await["count"].as_i64().unwrap();
    assert!(count >= 2, "fixture lesson and this one: {count}");
    let unread = student.json("/api/v1/notifications?unread=true&limit=1").await;
    assert!(unread["next_cursor"].is_string());
    let first = &unread["items"][0];
    let id = first["id"].as_str().unwrap();
    assert_eq!(first["link"], "/mon-planning");
    let r = student.patch(&format!("/api/v1/notifications/{id}"), &json!({"read": true})).await;
    assert_eq!(r.status(), 200);
    assert!(r.json::<Value>().await.unwrap()["read_at"].is_string());
    assert_eq!(student.json("/api/v1/notifications/unread-count").await["count"], count - 1);

    // Someone else's notification, in the same school or another, is not found.
    for other in [app.login_as(Role::Instructor, 'a').await, app.login_as(Role::Student, 'b').await] {
        let r = other.patch(&format!("/api/v1/notifications/{id}"), &json!({"read": false})).await;
        problem(r, 404).await;
    }
    problem(student.patch(&format!("/api/v1/notifications/{id}"), &json!({"read": "oui"})).await, 400).await;

    let r = student.post("/api/v1/notifications/read-all", &json!({})).await;
    assert_eq!(r.json::<Value>().await.unwrap()["updated"], count - 1);
    assert_eq!(student.json("/api/v1/notifications/unread-count").await["count"], 0);
    // The delivery log is the ADMIN's.
    for role in [Role::Secretary, Role::Instructor, Role::Student] {
        let api = app.login_as(role, 'a').await;
        problem(api.get("/api/v1/notification-deliveries").await, 403).await;
    }
    let b_admin = app.login_as(Role::Admin, 'b').await;
    assert!(
        deliveries(&b_admin, "")
            .await
            .iter()
            .all(|d| d["recipient_name"] != "Personne Test" || d["address"].as_str().unwrap().ends_with("b.test")),
        "school b's log shows only school b"
    );
}

#[tokio::test]
async fn preferences_choose_the_channels_and_quiet_hours_hold_mail_back() {
    let app = spawn_app().await;
    app.seed_schools().await;
    let f = app.fixtures('a').await;
    let student = app.login_as(Role::Student, 'a').await;
    let prefs = student.json("/api/v1/me/notification-preferences").await;
    assert_eq!(prefs["version"], 0);
    assert_eq!(prefs["quiet_hours"], json!({"start": "21:00", "end": "08:00"}));
    assert_eq!(prefs["channels"]["lesson_moved"], json!({"email": true, "sms": true, "in_app": true}));
    assert_eq!(prefs["sms_available"], false, "the fixture student has no phone");
    assert!(prefs["events"].as_array().unwrap().contains(&json!("exam_result")));

    // E-mails of new lessons off; in-app cannot be turned off. Quiet hours around now.
    let now = Utc::now().with_timezone(&chrono_tz::Europe::Paris);
    let quiet = json!({"start": (now - Days::hours(1)).format("%H:%M").to_string(),
                       "end": (now + Days::hours(1)).format("%H:%M").to_string()});
    let mut channels = prefs["channels"].clone();
    channels["lesson_created"] = json!({"email": false, "sms": false, "in_app": false});
    let put = json!({"channels": channels, "quiet_hours": quiet, "version": 0});
    let r = student.send(reqwest::Method::PUT, "/api/v1/me/notification-preferences", Some(&put)).await;
    assert_eq!(r.status(), 200, "{:?}", r.text().await);
    let saved: Value = r.json().await.unwrap();
    assert_eq!(saved["channels"]["lesson_created"], json!({"email": false, "sms": false, "in_app": true}));
    assert_eq!(saved["version"], 1);
    // The same version again is stale; a bad time is named.
    let r = student.send(reqwest::Method::PUT, "/api/v1/me/notification-preferences", Some(&put)).await;
    problem(r, 412).await;
    let bad = json!({"channels": {}, "quiet_hours": {"start": "25:00", "end": "08:00"}, "version": 1});
    let body =
        problem(student.send(reqwest::Method::PUT, "/api/v1/me/notification-preferences", Some(&bad)).await, 400).await;
    assert!(body.to_string().contains("quiet_hours.start"), "{body}");

    let admin = app.login_as(Role::Admin, 'a').await;
    let created = |log: &[Value]| {
        log.iter().filter(|d| d["address"] == "student@a.test" && d["event"] == "lesson_created").count()
    };
    let before = created(&deliveries(&admin, "").await);
    let secretary = app.login_as(Role::Secretary, 'a').await;
    let lesson = plan_lesson(&secretary, &f, 50).await;
    move_lesson(&secretary, &lesson, 60).await;
    app.wait_jobs_idle().await;
    let log = deliveries(&admin, "").await;
    let to_student: Vec<&Value> = log.iter().filter(|d| d["address"] == "student@a.test").collect();
    // No e-mail for the new lesson; the move's e-mail waits for the end of the quiet hours.
    assert_eq!(created(&log), before, "{to_student:?}");
    let moved = to_student.iter().find(|d| d["event"] == "lesson_moved").expect("the move's e-mail");
    assert_eq!(moved["status"], "queued");
    assert!(moved["send_after"].is_string());
    assert!(
        !app.smtp
            .messages()
            .iter()
            .any(|m| decode_qp(m).contains("student@a.test") && decode_qp(m).contains("déplacée"))
    );
    // The SMS channel was chosen but the file has no mobile number: skipped, with the reason.
    let sms = log.iter().find(|d| d["channel"] == "sms" && d["event"] == "lesson_moved").expect("the SMS row");
    assert_eq!(sms["status"], "skipped");
    assert!(sms["reason"].as_str().unwrap().contains("numéro"), "{sms}");
    // In-app is always there.
    assert!(titles(&student).await.contains(&"Nouvelle leçon de conduite".to_owned()));
}

#[tokio::test]
async fn a_refusing_mail_server_loses_nothing_and_a_bouncing_address_is_marked_failed() {
    let app = spawn_app().await;
    app.seed_schools().await;
    app.no_quiet_hours('a').await;
    let f = app.fixtures('a').await;
    // Only the student and the instructor are told here, so that the refusals fall on them.
    as_owner_in(&app, app.seed_tenant("ecole-a").await, "DELETE FROM guardianships").await;
    app.wait_jobs_idle().await;
    let before = app.smtp.messages().len();
    app.smtp.refuse_next(2);
    app.smtp.refuse_recipient("instructor@a.test");
    let secretary = app.login_as(Role::Secretary, 'a').await;
    plan_lesson(&secretary, &f, 70).await;
    app.wait_jobs_idle().await;
    let mails: Vec<String> = app.smtp.messages()[before..].iter().map(|m| decode_qp(m)).collect();
    let to_student = mails.iter().filter(|m| m.contains("To: student@a.test") && m.contains("est prévue le")).count();
    assert_eq!(to_student, 1, "sent once after two refusals: {mails:?}");
    let admin = app.login_as(Role::Admin, 'a').await;
    let log = deliveries(&admin, "?channel=email").await;
    let student = log.iter().find(|d| d["address"] == "student@a.test").unwrap();
    assert_eq!(student["status"], "sent");
    assert_eq!(student["attempts"], 3, "{student}");
    let bounced = log.iter().find(|d| d["address"] == "instructor@a.test").unwrap();
    assert_eq!(bounced["status"], "failed");
    assert!(bounced["reason"].as_str().unwrap().contains("refusé"), "{bounced}");
    assert_eq!(deliveries(&admin, "?status=failed").await.len(), 1);
}

#[tokio::test]
async fn sms_go_through_the_provider_once_even_when_it_fails_at_first() {
    let (app, sim) = spawn_app_with_sms().await;
    app.seed_schools().await;
    app.no_quiet_hours('a').await;
    let f = app.fixtures('a').await;
    let office = app.login_as(Role::Admin, 'a').await;
    let file = office.json(&format!("/api/v1/students/{}", f.student)).await;
    let r = office
        .patch(
            &format!("/api/v1/students/{}", f.student),
            &json!({"phone": "06 12 34 56 78", "version": file["version"]}),
        )
        .await;
    assert_eq!(r.status(), 200, "{:?}", r.text().await);
    let lesson = plan_lesson(&office, &f, 30).await;
    app.wait_jobs_idle().await;
    let client = reqwest::Client::new();
    let r = client.post(format!("{}/_faults", sim.url)).json(&json!({"fail_next": 2, "status": 503})).send().await;
    assert!(r.unwrap().status().is_success());
    let r = office.post(&format!("/api/v1/lessons/{}/cancel", lesson["id"].as_str().unwrap()), &json!({})).await;
    assert_eq!(r.status(), 200);
    app.wait_jobs_idle().await;
    let sent = sms_sent(&sim).await;
    let cancellations: Vec<&Value> =
        sent["items"].as_array().unwrap().iter().filter(|m| m["text"].as_str().unwrap().contains("annulée")).collect();
    assert_eq!(cancellations.len(), 1, "{sent} {:?}", deliveries(&office, "?channel=sms").await);
    assert_eq!(cancellations[0]["to"], "+33612345678");
    assert!(cancellations[0]["text"].as_str().unwrap().ends_with("— École A"), "{sent}");
    let log = deliveries(&office, "?channel=sms").await;
    // The student's SMS (their guardian's account has no phone: skipped).
    let row = log.iter().find(|d| d["event"] == "lesson_cancelled" && d["status"] != "skipped").unwrap();
    assert_eq!(row["status"], "sent");
    assert_eq!(row["attempts"], 3);
}

#[tokio::test]
async fn reminders_are_raised_once_whatever_the_number_of_schedulers() {
    let app = spawn_app().await;
    app.seed_schools().await;
    app.no_quiet_hours('a').await;
    let f = app.fixtures('a').await;
    let secretary = app.login_as(Role::Secretary, 'a').await;
    let soon = plan_lesson(&secretary, &f, 5).await;
    plan_lesson(&secretary, &f, 48).await; // Beyond the 24 hours: not yet.
    // Two instances' passes at once, then again.
    let (a, b) = tokio::join!(reminders::scan(&app.pool), reminders::scan(&app.pool));
    a.unwrap();
    b.unwrap();
    reminders::scan(&app.pool).await.unwrap();
    app.wait_jobs_idle().await;
    let student = app.login_as(Role::Student, 'a').await;
    let reminders: Vec<String> = titles(&student).await.into_iter().filter(|t| t.starts_with("Rappel")).collect();
    assert_eq!(reminders.len(), 1, "{reminders:?}");
    let instructor = app.login_as(Role::Instructor, 'a').await;
    assert_eq!(titles(&instructor).await.iter().filter(|t| t.starts_with("Rappel")).count(), 1);
    let mail = app.smtp.wait_for("Rappel").await;
    assert!(mail.contains("Gare Part-Dieu"), "{mail}");
    // Moved later, the lesson gets a reminder for its new time when that one is due.
    move_lesson(&secretary, &soon, 6).await;
    reminders::scan(&app.pool).await.unwrap();
    app.wait_jobs_idle().await;
    assert_eq!(titles(&student).await.iter().filter(|t| t.starts_with("Rappel")).count(), 2);
}

/// The feed parsed by Python's `icalendar` (the CI's virtual environment, or a python3 that has it).
fn parse_ics(text: &str) -> Value {
    let python = std::env::var("VOLANT_ICALENDAR_PYTHON").unwrap_or_else(|_| "python3".into());
    let script = r#"
import json, sys
from icalendar import Calendar
cal = Calendar.from_ical(sys.stdin.read())
out = {"timezones": [str(t["TZID"]) for t in cal.walk("VTIMEZONE")], "events": []}
for e in cal.walk("VEVENT"):
    out["events"].append({"uid": str(e["UID"]), "status": str(e.get("STATUS")), "sequence": int(e.get("SEQUENCE", 0)),
                          "start": e.decoded("DTSTART").isoformat(), "summary": str(e["SUMMARY"])})
print(json.dumps(out))
"#;
    let mut child = std::process::Command::new(&python)
        .args(["-c", script])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("{python}: {e} (cargo xtask test sets VOLANT_ICALENDAR_PYTHON)"));
    use std::io::Write;
    child.stdin.take().unwrap().write_all(text.as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "icalendar refused the feed: {}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

#[tokio::test]
async fn the_calendar_feed_parses_follows_moves_and_cancellations_and_dies_when_rotated() {
    let app = spawn_app().await;
    app.seed_schools().await;
    app.no_quiet_hours('a').await;
    let f = app.fixtures('a').await;
    let student = app.login_as(Role::Student, 'a').await;
    let feed = student.json("/api/v1/me/calendar-feed").await;
    let url = feed["url"].as_str().unwrap().to_owned();
    assert!(url.starts_with(&app.base) && url.contains("/ics/"), "{url}");
    assert!(feed["webcal_url"].as_str().unwrap().starts_with("webcal://"));
    assert_eq!(student.json("/api/v1/me/calendar-feed").await["url"], url, "stable until rotated");
    for role in [Role::Admin, Role::Secretary] {
        problem(app.login_as(role, 'a').await.get("/api/v1/me/calendar-feed").await, 403).await;
    }

    let secretary = app.login_as(Role::Secretary, 'a').await;
    let lesson = plan_lesson(&secretary, &f, 30).await;
    let moved = move_lesson(&secretary, &lesson, 33).await;
    let other = plan_lesson(&secretary, &f, 80).await;
    secretary.post(&format!("/api/v1/lessons/{}/cancel", other["id"].as_str().unwrap()), &json!({})).await;

    let r = reqwest::get(&url).await.unwrap();
    assert_eq!(r.status(), 200);
    assert!(r.headers()["content-type"].to_str().unwrap().starts_with("text/calendar"));
    let text = r.text().await.unwrap();
    assert!(text.contains("\r\n") && text.contains("BEGIN:VTIMEZONE"));
    let cal = parse_ics(&text);
    assert_eq!(cal["timezones"], json!(["Europe/Paris"]));
    let event = |id: &str| {
        cal["events"].as_array().unwrap().iter().find(|e| e["uid"].as_str().unwrap().starts_with(id)).cloned().unwrap()
    };
    let m = event(moved["id"].as_str().unwrap());
    assert!(m["sequence"].as_i64().unwrap() >= 1, "a move raises SEQUENCE: {m}");
    let start = chrono::DateTime::parse_from_rfc3339(m["start"].as_str().unwrap()).unwrap();
    assert_eq!(
        start.timestamp(),
        chrono::DateTime::parse_from_rfc3339(moved["starts_at"].as_str().unwrap()).unwrap().timestamp()
    );
    assert!(m["summary"].as_str().unwrap().contains("Jean Moniteur a"), "{m}");
    assert_eq!(event(other["id"].as_str().unwrap())["status"], "CANCELLED");
    // The instructor's feed shows the same lesson, named after the student.
    let instructor = app.login_as(Role::Instructor, 'a').await;
    let instructor_url = instructor.json("/api/v1/me/calendar-feed").await["url"].as_str().unwrap().to_owned();
    let theirs = parse_ics(&reqwest::get(&instructor_url).await.unwrap().text().await.unwrap());
    assert!(theirs["events"].as_array().unwrap().iter().any(|e| e["summary"].as_str().unwrap().contains("Léa")));

    let rotated = student.post("/api/v1/me/calendar-feed/rotate", &json!({})).await;
    assert_eq!(rotated.status(), 200);
    let new_url = rotated.json::<Value>().await.unwrap()["url"].as_str().unwrap().to_owned();
    assert_ne!(new_url, url);
    assert_eq!(reqwest::get(&url).await.unwrap().status(), 404);
    assert_eq!(reqwest::get(&new_url).await.unwrap().status(), 200);
    // A forged or truncated token is 404 too.
    let forged = format!("{}x", &new_url[..new_url.len() - 1]);
    assert_eq!(reqwest::get(&forged).await.unwrap().status(), 404);
}

#[tokio::test]
async fn the_unsubscribe_link_stops_that_kind_of_mail_only() {
    let app = spawn_app().await;
    app.seed_schools().await;
    app.no_quiet_hours('a').await;
    let f = app.fixtures('a').await;
    let mail = app.smtp.wait_for("List-Unsubscribe: <").await;
    let link = mail
        .lines()
        .find_map(|l| l.strip_prefix("List-Unsubscribe: <"))
        .map(|l| l.trim_end_matches('>').to_owned())
        .unwrap();
    let page = reqwest::get(&link).await.unwrap();
    assert_eq!(page.status(), 200);
    assert!(page.text().await.unwrap().contains("Me désabonner"));
    let client = reqwest::Client::new();
    let r = client.post(&link).body("List-Unsubscribe=One-Click").send().await.unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(client.post(format!("{link}x")).send().await.unwrap().status(), 404);
    let to = if mail.contains("To: student@a.test") { Role::Student } else { Role::Instructor };
    let prefs = app.login_as(to, 'a').await.json("/api/v1/me/notification-preferences").await;
    assert_eq!(prefs["channels"]["lesson_created"]["email"], false, "{prefs}");
    assert_eq!(prefs["channels"]["lesson_moved"]["email"], true);
    let _ = f;
}

#[tokio::test]
async fn a_booking_that_takes_the_credit_under_the_threshold_tells_the_student_once() {
    let app = spawn_app().await;
    app.seed_schools().await;
    app.no_quiet_hours('a').await;
    let f = app.fixtures('a').await;
    let admin = app.login_as(Role::Admin, 'a').await;
    let r = admin
        .post(&format!("/api/v1/students/{}/hours", f.student), &json!({"kind": "purchase", "minutes": 600}))
        .await;
    assert_eq!(r.status(), 201, "{:?}", r.text().await);
    let bookable =
        admin.json(&format!("/api/v1/students/{}/hours", f.student)).await["bookable_minutes"].as_i64().unwrap();
    // A threshold just under what is left: the next one-hour lesson crosses it, the one after does not.
    let mut settings = admin.json("/api/v1/settings").await;
    settings["alerts"]["low_hours_minutes"] = json!(bookable - 30);
    assert_eq!(admin.send(reqwest::Method::PUT, "/api/v1/settings", Some(&settings)).await.status(), 200);
    plan_lesson(&admin, &f, 100).await;
    plan_lesson(&admin, &f, 120).await;
    app.wait_jobs_idle().await;
    let student = app.login_as(Role::Student, 'a').await;
    let page = student.json("/api/v1/notifications").await;
    let low: Vec<&Value> = page["items"].as_array().unwrap().iter().filter(|n| n["event"] == "low_credit").collect();
    assert_eq!(low.len(), 1, "{page}");
    assert_eq!(low[0]["link"], "/mes-heures");
    assert!(low[0]["body"].as_str().unwrap().contains(" de conduite à réserver"), "{}", low[0]);
    let instructor = app.login_as(Role::Instructor, 'a').await;
    assert!(!titles(&instructor).await.iter().any(|t| t.contains("Crédit")));
}

#[tokio::test]
async fn a_document_expiring_within_a_month_is_told_once_to_the_student_and_the_office() {
    let app = spawn_app().await;
    app.seed_schools().await;
    app.no_quiet_hours('a').await;
    let f = app.fixtures('a').await;
    let admin = app.login_as(Role::Admin, 'a').await;
    let soon = (Utc::now() + Days::days(20)).date_naive().to_string();
    let r = upload(&admin, &f.student, "id_card", "cni.pdf", b"%PDF-1.4 cni", &[("expires_on", soon.as_str())]).await;
    assert_eq!(r.status(), 201, "{:?}", r.text().await);
    let (a, b) = tokio::join!(reminders::scan(&app.pool), reminders::scan(&app.pool));
    a.unwrap();
    b.unwrap();
    reminders::scan(&app.pool).await.unwrap();
    app.wait_jobs_idle().await;
    let student = app.login_as(Role::Student, 'a').await;
    let told: Vec<String> = titles(&student).await.into_iter().filter(|t| t == "Document bientôt expiré").collect();
    assert_eq!(told.len(), 1);
    let secretary = app.login_as(Role::Secretary, 'a').await;
    let page = secretary.json("/api/v1/notifications").await;
    let item = &page["items"][0];
    assert_eq!(item["event"], "document_expiring", "{page}");
    assert!(item["body"].as_str().unwrap().contains("« pièce d'identité » de Léa Élève a expire le"), "{item}");
}

#[tokio::test]
async fn an_exam_booked_then_its_result_tell_the_student_only() {
    let app = spawn_app().await;
    app.seed_schools().await;
    app.no_quiet_hours('a').await;
    let f = app.fixtures('a').await;
    let secretary = app.login_as(Role::Secretary, 'a').await;
    let booked = json!({"student_id": f.student, "kind": "theory", "scheduled_at": Utc::now() + Days::days(12),
                        "centre": "La Poste Tours Nord"});
    let r = secretary.post("/api/v1/exams", &booked).await;
    assert_eq!(r.status(), 201, "{:?}", r.text().await);
    let taken = json!({"student_id": f.student, "kind": "theory", "scheduled_at": Utc::now() - Days::days(2)});
    let r = secretary.post("/api/v1/exams", &taken).await;
    assert_eq!(r.status(), 201, "{:?}", r.text().await);
    let exam: Value = r.json().await.unwrap();
    let r = secretary
        .patch(
            &format!("/api/v1/exams/{}", exam["id"].as_str().unwrap()),
            &json!({"result": "passed", "score": 36, "version": exam["version"]}),
        )
        .await;
    assert_eq!(r.status(), 200, "{:?}", r.text().await);
    app.wait_jobs_idle().await;
    let student = app.login_as(Role::Student, 'a').await;
    let page = student.json("/api/v1/notifications").await;
    let bodies: Vec<&str> = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|n| n["event"] == "exam_booked" || n["event"] == "exam_result")
        .map(|n| n["body"].as_str().unwrap())
        .collect();
    assert_eq!(bodies.len(), 2, "{page}");
    assert!(
        bodies[0].starts_with("Résultat de l'examen du code du ") && bodies[0].ends_with(": favorable."),
        "{bodies:?}"
    );
    assert!(bodies[1].contains("(La Poste Tours Nord)"), "{bodies:?}");
    let instructor = app.login_as(Role::Instructor, 'a').await;
    assert!(!titles(&instructor).await.iter().any(|t| t.contains("xamen")));
    mail_to(&app, "student@a.test", "Résultat de l'examen du code").await;
}
