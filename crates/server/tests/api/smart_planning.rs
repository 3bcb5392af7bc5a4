//! The smart planning (SPEC § 6.10): the waitlist fills a cancelled slot (the database decides
//! between students who accept at once), the travel time between meeting points, and the free
//! slots suggested for a student — never refused when booked.

use chrono::{DateTime, Datelike, Duration, TimeZone, Timelike, Utc, Weekday};
use chrono_tz::Europe::Paris;
use futures::future::join_all;
use serde_json::{Value, json};
use volant_domain::role::Role;

use crate::helpers::*;

/// Paris wall-clock time on the first such weekday at least `days` ahead.
fn next(weekday: Weekday, days: i64, hour: u32, minute: u32) -> DateTime<Utc> {
    let mut day = (Utc::now() + Duration::days(days)).with_timezone(&Paris).date_naive();
    while day.weekday() != weekday {
        day = day.succ_opt().unwrap();
    }
    Paris.from_local_datetime(&day.and_hms_opt(hour, minute, 0).unwrap()).unwrap().with_timezone(&Utc)
}

struct School {
    admin: Api,
    instructor: String,
    vehicle: String,
}

async fn school(app: &TestApp) -> School {
    app.seed_schools().await;
    app.no_quiet_hours('a').await;
    let admin = app.login_as(Role::Admin, 'a').await;
    let instructor = id(&created(
        admin.post("/api/v1/instructors", &json!({"first_name": "Julien", "last_name": "Moniteur"})).await,
    )
    .await);
    let vehicle =
        id(&created(admin.post("/api/v1/vehicles", &json!({"plate": "AB-123-CD", "gearbox": "manual"})).await).await);
    School { admin, instructor, vehicle }
}

/// A student with an ANTS-validated file and `minutes` of driving bought.
async fn student(admin: &Api, first_name: &str, minutes: i64) -> String {
    static NEPH: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(100_000_000_000);
    let neph = NEPH.fetch_add(1, std::sync::atomic::Ordering::Relaxed).to_string();
    let body = json!({"first_name": first_name, "last_name": "Attente", "birth_date": "2004-02-03",
                      "ants_status": "validated", "neph": neph});
    let s = id(&created(admin.post("/api/v1/students", &body).await).await);
    if minutes > 0 {
        let hours = json!({"kind": "purchase", "minutes": minutes});
        assert_eq!(admin.post(&format!("/api/v1/students/{s}/hours"), &hours).await.status(), 201);
    }
    s
}

/// A STUDENT account of school A linked to this file, logged in.
async fn session_of(app: &TestApp, admin: &Api, student: &str, n: usize) -> Api {
    let tenant = app.seed_tenant("ecole-a").await;
    let email = format!("attente{n}@a.test");
    app.add_member(tenant, &email, Role::Student).await;
    let users = admin.json("/api/v1/users").await;
    let user = users["items"].as_array().unwrap().iter().find(|u| u["email"] == email.as_str()).unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    as_owner_in(app, tenant, &format!("UPDATE students SET user_id = '{user}' WHERE id = '{student}'")).await;
    app.login(&email).await
}

async fn lesson(
    admin: &Api,
    s: &School,
    student: &str,
    starts_at: DateTime<Utc>,
    meeting_point: Option<&str>,
) -> Value {
    let body = json!({"kind": "driving", "starts_at": starts_at, "ends_at": starts_at + Duration::hours(1),
                      "student_id": student, "instructor_id": s.instructor, "vehicle_id": s.vehicle,
                      "meeting_point": meeting_point});
    created(admin.post("/api/v1/lessons", &body).await).await
}

fn wednesday_morning() -> Value {
    json!([{"weekday": 3, "start": "08:00", "end": "12:00"}])
}

#[tokio::test]
async fn a_freed_slot_goes_to_one_of_twenty_students_who_accept_at_once() {
    let app = spawn_app().await;
    let s = school(&app).await;
    let admin = &s.admin;
    let slot = next(Weekday::Wed, 3, 10, 0);
    let leaving = student(admin, "Partant", 600).await;
    let freed = lesson(admin, &s, &leaving, slot, Some("Agence")).await;

    // Twenty eligible students wait (one of them has a practical test soon: first in line), and
    // three do not get the offer: no hours left, no ANTS validation, windows elsewhere.
    let mut waiting = vec![];
    for n in 0..20 {
        let w = student(admin, &format!("Élève{n}"), 600).await;
        let r = admin.post("/api/v1/waitlist", &json!({"student_id": w, "windows": wednesday_morning()})).await;
        assert_eq!(r.status(), 201, "{:?}", r.text().await);
        waiting.push(w);
    }
    let exam_day = slot + Duration::days(9);
    let exam = json!({"kind": "exam", "starts_at": exam_day, "ends_at": exam_day + Duration::hours(1),
                      "attendee_ids": [waiting[7]], "instructor_id": s.instructor, "vehicle_id": s.vehicle});
    created(admin.post("/api/v1/lessons", &exam).await).await;
    let no_hours = student(admin, "SansHeures", 0).await;
    let body = json!({"first_name": "Dossier", "last_name": "Attente", "birth_date": "2004-02-03"});
    let no_ants = id(&created(admin.post("/api/v1/students", &body).await).await);
    admin.post(&format!("/api/v1/students/{no_ants}/hours"), &json!({"kind": "purchase", "minutes": 600})).await;
    let elsewhere = student(admin, "Samedi", 600).await;
    for (w, windows) in [
        (&no_hours, wednesday_morning()),
        (&no_ants, wednesday_morning()),
        (&elsewhere, json!([{"weekday": 6, "start": "08:00", "end": "12:00"}])),
    ] {
        let r = admin.post("/api/v1/waitlist", &json!({"student_id": w, "windows": windows})).await;
        assert_eq!(r.status(), 201);
    }
    let bad = problem(admin.post("/api/v1/waitlist", &json!({"student_id": leaving, "windows": []})).await, 400).await;
    assert!(bad.to_string().contains("au moins un créneau"), "{bad}");

    let sessions = join_all(waiting.iter().enumerate().map(|(n, w)| session_of(&app, admin, w, n))).await;
    let r = admin.post(&format!("/api/v1/lessons/{}/cancel", id(&freed["lesson"])), &json!({"reason": "Malade"})).await;
    assert_eq!(r.status(), 200, "{:?}", r.text().await);

    let offers = admin.json("/api/v1/waitlist/offers").await;
    let offers = offers.as_array().unwrap();
    assert_eq!(offers.len(), 20, "{offers:?}");
    assert!(offers.iter().all(|o| o["status"] == "offered" && o["starts_at"] == freed["lesson"]["starts_at"]));
    let first = offers.iter().find(|o| o["rank"] == 1).unwrap();
    assert_eq!(first["student_id"], waiting[7].as_str(), "the nearest practical test first");
    for left_out in [&no_hours, &no_ants, &elsewhere, &leaving] {
        assert!(!offers.iter().any(|o| o["student_id"] == left_out.as_str()), "no offer to {left_out}");
    }
    // A student reads their own offer only.
    let mine = sessions[3].json("/api/v1/waitlist/offers").await;
    assert_eq!(mine.as_array().unwrap().len(), 1);
    assert_eq!(mine[0]["student_id"], waiting[3].as_str());

    // All twenty accept at once: one lesson, nineteen "déjà pris".
    let accepts = join_all(sessions.iter().map(|api| {
        let offer = api.json("/api/v1/waitlist/offers");
        async move {
            let offer = offer.await;
            api.post(&format!("/api/v1/waitlist/offers/{}/accept", id(&offer[0])), &json!({})).await
        }
    }))
    .await;
    let mut won = vec![];
    let mut taken = 0;
    for r in accepts {
        match r.status().as_u16() {
            201 => won.push(r.json::<Value>().await.unwrap()),
            409 => {
                let p: Value = r.json().await.unwrap();
                assert!(p["detail"].as_str().unwrap().starts_with("Déjà pris"), "{p}");
                taken += 1;
            }
            other => panic!("accept answered {other}: {:?}", r.text().await),
        }
    }
    assert_eq!((won.len(), taken), (1, 19));
    let booked = &won[0]["lesson"];
    assert_eq!(booked["starts_at"], freed["lesson"]["starts_at"]);
    let window = format!(
        "/api/v1/lessons?from={}&to={}&instructor_id={}",
        (slot - Duration::minutes(1)).to_rfc3339().replace('+', "%2B"),
        (slot + Duration::hours(2)).to_rfc3339().replace('+', "%2B"),
        s.instructor
    );
    let planned: Vec<Value> = admin.json(&window).await["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|l| l["status"] == "planned")
        .cloned()
        .collect();
    assert_eq!(planned.len(), 1, "one lesson in the freed slot: {planned:?}");
    assert_eq!(planned[0]["id"], booked["id"]);
    let after = admin.json("/api/v1/waitlist/offers").await;
    let statuses: Vec<&str> = after.as_array().unwrap().iter().map(|o| o["status"].as_str().unwrap()).collect();
    assert_eq!(statuses.iter().filter(|s| **s == "accepted").count(), 1);
    assert_eq!(statuses.iter().filter(|s| **s == "taken").count(), 19);

    // The others are told it is taken; the audit log has the offers and the acceptance.
    app.wait_jobs_idle().await;
    let winner = after.as_array().unwrap().iter().find(|o| o["status"] == "accepted").unwrap()["student_id"].clone();
    let loser = waiting.iter().position(|w| *w != winner.as_str().unwrap()).unwrap();
    let told = sessions[loser].json("/api/v1/notifications").await;
    let titles: Vec<&str> = told["items"].as_array().unwrap().iter().filter_map(|n| n["title"].as_str()).collect();
    assert!(titles.contains(&"Un créneau s'est libéré") && titles.contains(&"Créneau déjà pris"), "{titles:?}");
    let log = admin.json("/api/v1/audit-log?entity=waitlist_offer").await;
    assert_eq!(log["items"].as_array().unwrap().len(), 1, "{log}");
    // Another school sees none of it.
    let other = app.login_as(Role::Admin, 'b').await;
    assert_eq!(other.json("/api/v1/waitlist/offers").await, json!([]));
    assert_eq!(other.json("/api/v1/waitlist").await, json!([]));
}

#[tokio::test]
async fn offers_expire_are_declined_and_close_when_the_student_leaves_the_waitlist() {
    let app = spawn_app().await;
    let s = school(&app).await;
    let admin = &s.admin;
    let waiting = student(admin, "Patiente", 600).await;
    let api = session_of(&app, admin, &waiting, 1).await;
    // The student puts themself on the waitlist (not someone else).
    let other = student(admin, "Autre", 600).await;
    let p =
        problem(api.post("/api/v1/waitlist", &json!({"student_id": other, "windows": wednesday_morning()})).await, 400)
            .await;
    assert!(p.to_string().contains("que vous-même"), "{p}");
    let entry =
        created(api.post("/api/v1/waitlist", &json!({"student_id": waiting, "windows": wednesday_morning()})).await)
            .await;
    let again = api
        .post("/api/v1/waitlist", &json!({"student_id": waiting, "windows": wednesday_morning(), "note": "Le matin"}))
        .await;
    assert_eq!(again.status(), 200, "a second entry replaces the first");
    assert_eq!(api.json("/api/v1/waitlist").await.as_array().unwrap().len(), 1);

    let cancel = |l: Value| async move {
        let r = admin.post(&format!("/api/v1/lessons/{}/cancel", id(&l["lesson"])), &json!({})).await;
        assert_eq!(r.status(), 200);
    };
    // Expired: the answer comes too late.
    let leaving = student(admin, "Partant", 600).await;
    cancel(lesson(admin, &s, &leaving, next(Weekday::Wed, 3, 9, 0), None).await).await;
    let offer = api.json("/api/v1/waitlist/offers").await[0].clone();
    let tenant = app.seed_tenant("ecole-a").await;
    as_owner_in(
        &app,
        tenant,
        &format!("UPDATE waitlist_offers SET expires_at = now() - interval '1 minute' WHERE id = '{}'", id(&offer)),
    )
    .await;
    let p = problem(api.post(&format!("/api/v1/waitlist/offers/{}/accept", id(&offer)), &json!({})).await, 422).await;
    assert_eq!(p["rules"][0]["code"], "waitlist_offer_expired");
    assert_eq!(api.json("/api/v1/waitlist/offers").await[0]["status"], "expired");

    // Declined: the slot stays for the others.
    cancel(lesson(admin, &s, &leaving, next(Weekday::Wed, 3, 11, 0), None).await).await;
    let open = api.json("/api/v1/waitlist/offers").await;
    let offer = open.as_array().unwrap().iter().find(|o| o["status"] == "offered").unwrap().clone();
    let r = api.post(&format!("/api/v1/waitlist/offers/{}/decline", id(&offer)), &json!({})).await;
    assert_eq!(r.status(), 200);
    let p = problem(api.post(&format!("/api/v1/waitlist/offers/{}/accept", id(&offer)), &json!({})).await, 422).await;
    assert_eq!(p["rules"][0]["code"], "waitlist_offer_closed");

    // Leaving the waitlist withdraws what is still open.
    cancel(lesson(admin, &s, &leaving, next(Weekday::Wed, 10, 8, 0), None).await).await;
    assert_eq!(
        api.send(reqwest::Method::DELETE, &format!("/api/v1/waitlist/{}", id(&entry)), None).await.status(),
        204
    );
    let all = api.json("/api/v1/waitlist/offers").await;
    assert!(all.as_array().unwrap().iter().any(|o| o["status"] == "withdrawn"), "{all}");
    assert_eq!(api.json("/api/v1/waitlist").await, json!([]));
    // An instructor has no waitlist of their own.
    assert_eq!(app.login_as(Role::Instructor, 'a').await.get("/api/v1/waitlist").await.status(), 403);
}

/// Tours: the agency, the station (about 0.6 km) and a school up north (about 2.5 km).
async fn meeting_points(admin: &Api) {
    let agencies = admin.json("/api/v1/agencies").await;
    let agency = &agencies["items"][0];
    let mut body = json!({"version": agency["version"]});
    body["meeting_points"] = json!([
        {"label": "Agence", "latitude": 47.3930, "longitude": 0.6877},
        {"label": "Gare", "latitude": 47.3897, "longitude": 0.6941},
        {"label": "Lycée", "latitude": 47.4135, "longitude": 0.6820},
        {"label": "Parking"}
    ]);
    let r = admin.patch(&format!("/api/v1/agencies/{}", id(agency)), &body).await;
    assert_eq!(r.status(), 200, "{:?}", r.text().await);
}

#[tokio::test]
async fn travel_time_between_meeting_points_warns_blocks_by_setting_and_shows_as_a_gap() {
    let app = spawn_app().await;
    let s = school(&app).await;
    let admin = &s.admin;
    meeting_points(admin).await;
    let agency = admin.json("/api/v1/agencies").await["items"][0].clone();
    let bad = json!({"version": agency["version"], "meeting_points": [{"label": "Nulle part", "latitude": 95.0, "longitude": 0.0}]});
    let p = problem(admin.patch(&format!("/api/v1/agencies/{}", id(&agency)), &bad).await, 400).await;
    assert!(p.to_string().contains("meeting_points[0].latitude"), "{p}");

    let (lea, hugo) = (student(admin, "Léa", 600).await, student(admin, "Hugo", 600).await);
    let first = next(Weekday::Thu, 3, 10, 0);
    lesson(admin, &s, &lea, first, Some("Agence")).await;
    // 2.3 km north: ≈ 8 min at 25 km/h with 30 % detour; five minutes of gap are not enough.
    let body = json!({"kind": "driving", "starts_at": first + Duration::minutes(65), "ends_at": first + Duration::minutes(125),
                      "student_id": hugo, "instructor_id": s.instructor, "vehicle_id": s.vehicle, "meeting_point": "Lycée"});
    let planned = created(admin.post("/api/v1/lessons", &body).await).await;
    let warning = planned["warnings"].as_array().unwrap().iter().find(|w| w["code"] == "travel_time").cloned();
    let message = warning.expect("a travel warning")["message"].as_str().unwrap().to_owned();
    assert!(
        message.starts_with("Trajet de ") && message.contains("« Agence » et « Lycée » : 5 min seulement"),
        "{message}"
    );
    // The same place, or a place without coordinates, says nothing.
    let same = lesson(admin, &s, &lea, first + Duration::minutes(130), Some("Lycée")).await;
    assert!(!same["warnings"].to_string().contains("travel_time"), "{same}");
    let unknown = lesson(admin, &s, &hugo, first + Duration::minutes(190), Some("Parking")).await;
    assert!(!unknown["warnings"].to_string().contains("travel_time"), "{unknown}");

    // The calendar's gaps: the office sees the trip that does not fit.
    let q = format!(
        "/api/v1/travel-gaps?from={}&to={}",
        (first - Duration::hours(1)).to_rfc3339().replace('+', "%2B"),
        (first + Duration::hours(6)).to_rfc3339().replace('+', "%2B")
    );
    let gaps = admin.json(&q).await;
    let gaps = gaps.as_array().unwrap();
    assert_eq!(gaps.len(), 1, "{gaps:?}");
    assert_eq!((gaps[0]["from"].as_str(), gaps[0]["to"].as_str()), (Some("Agence"), Some("Lycée")));
    assert_eq!((gaps[0]["available_minutes"].as_i64(), gaps[0]["too_short"].as_bool()), (Some(5), Some(true)));
    assert_eq!(app.login_as(Role::Student, 'a').await.get(&q).await.status(), 403);
    // An instructor sees their own trips only: the INSTRUCTOR account is Sam's, whose tight trip
    // later that day is theirs; Julien's is the office's to see, not Sam's.
    let users = admin.json("/api/v1/users").await;
    let account = users["items"].as_array().unwrap().iter().find(|u| u["role"] == "INSTRUCTOR").unwrap()["id"].clone();
    let colleague = created(
        admin
            .post("/api/v1/instructors", &json!({"first_name": "Sam", "last_name": "Collègue", "user_id": account}))
            .await,
    )
    .await;
    for (student, start, point) in [(&lea, 300, "Agence"), (&hugo, 365, "Lycée")] {
        let at = first + Duration::minutes(start);
        let body = json!({"kind": "driving", "starts_at": at, "ends_at": at + Duration::hours(1), "student_id": student,
                          "instructor_id": id(&colleague), "vehicle_id": s.vehicle, "meeting_point": point});
        created(admin.post("/api/v1/lessons", &body).await).await;
    }
    let day = format!(
        "/api/v1/travel-gaps?from={}&to={}",
        (first - Duration::hours(1)).to_rfc3339().replace('+', "%2B"),
        (first + Duration::hours(9)).to_rfc3339().replace('+', "%2B")
    );
    let trips = |v: &Value| v.as_array().unwrap().iter().map(|g| g["instructor_id"].clone()).collect::<Vec<_>>();
    assert_eq!(trips(&admin.json(&day).await).len(), 2, "the office sees both instructors' trips");
    let own = app.login_as(Role::Instructor, 'a').await.json(&day).await;
    assert_eq!(trips(&own), [colleague["id"].clone()], "{own}");

    // By setting the rule blocks; a trip the school measured wins over the estimate.
    let mut settings = admin.json("/api/v1/settings").await;
    settings["planning"]["travel_rule"] = json!("block");
    assert_eq!(admin.send(reqwest::Method::PUT, "/api/v1/settings", Some(&settings)).await.status(), 200);
    let second = next(Weekday::Thu, 10, 14, 0);
    lesson(admin, &s, &lea, second, Some("Agence")).await;
    let body = json!({"kind": "driving", "starts_at": second + Duration::minutes(65), "ends_at": second + Duration::minutes(125),
                      "student_id": hugo, "instructor_id": s.instructor, "vehicle_id": s.vehicle, "meeting_point": "Lycée"});
    let p = problem(admin.post("/api/v1/lessons", &body).await, 422).await;
    assert_eq!(p["rules"][0]["code"], "travel_time");
    let points = admin.json("/api/v1/agencies").await["items"][0]["meeting_points"].clone();
    let point = |label: &str| points.as_array().unwrap().iter().find(|p| p["label"] == label).unwrap()["id"].clone();
    let mut settings = admin.json("/api/v1/settings").await;
    settings["planning"]["measured_legs"] = json!([{"from": point("Lycée"), "to": point("Agence"), "minutes": 4}]);
    assert_eq!(admin.send(reqwest::Method::PUT, "/api/v1/settings", Some(&settings)).await.status(), 200);
    assert_eq!(admin.post("/api/v1/lessons", &body).await.status(), 201);
    settings["planning"]["speed_kmh"] = json!(0);
    let p = problem(admin.send(reqwest::Method::PUT, "/api/v1/settings", Some(&settings)).await, 400).await;
    assert!(p.to_string().contains("planning.speed_kmh"), "{p}");
}

/// A pseudo-random generator with a fixed seed, so that the generated week is the same each run.
struct Lcg(u64);

impl Lcg {
    fn below(&mut self, n: u64) -> u64 {
        self.0 = self.0.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 33) % n
    }
}

#[tokio::test]
async fn suggested_slots_are_never_refused_when_booked_over_a_generated_week() {
    let app = spawn_app().await;
    let s = school(&app).await;
    let admin = &s.admin;
    meeting_points(admin).await;
    let sophie =
        id(&created(admin.post("/api/v1/instructors", &json!({"first_name": "Sophie", "last_name": "Route"})).await)
            .await);
    let mut availability = admin.json(&format!("/api/v1/instructors/{sophie}/availability")).await;
    availability["weekly"] = json!([
        {"weekday": 1, "start": "08:00", "end": "12:00"}, {"weekday": 2, "start": "13:00", "end": "19:00"},
        {"weekday": 3, "start": "08:00", "end": "18:00"}, {"weekday": 4, "start": "08:00", "end": "12:00"},
        {"weekday": 5, "start": "14:00", "end": "19:00"}]);
    let r = admin
        .send(reqwest::Method::PUT, &format!("/api/v1/instructors/{sophie}/availability"), Some(&availability))
        .await;
    assert_eq!(r.status(), 200, "{:?}", r.text().await);
    let second_car =
        id(&created(admin.post("/api/v1/vehicles", &json!({"plate": "XY-789-ZA", "gearbox": "manual"})).await).await);

    // A busy generated week: lessons of other students at random hours and places, both
    // instructors, both cars; the rule on travel time blocks.
    let mut settings = admin.json("/api/v1/settings").await;
    settings["planning"]["travel_rule"] = json!("block");
    assert_eq!(admin.send(reqwest::Method::PUT, "/api/v1/settings", Some(&settings)).await.status(), 200);
    let monday = next(Weekday::Mon, 7, 0, 0);
    // Sophie's Wednesday afternoon off, and a code session (lessons with no student of their own).
    let leave = json!({"kind": "unavailability", "starts_at": monday + Duration::days(2) + Duration::hours(13),
                       "ends_at": monday + Duration::days(2) + Duration::hours(18), "instructor_id": sophie,
                       "block_reason": "leave"});
    assert_eq!(admin.post("/api/v1/lessons", &leave).await.status(), 201);
    let code = json!({"kind": "code", "starts_at": monday + Duration::days(1) + Duration::hours(17),
                      "ends_at": monday + Duration::days(1) + Duration::hours(18), "capacity": 12});
    assert_eq!(admin.post("/api/v1/lessons", &code).await.status(), 201);
    let mut rng = Lcg(20_261_206);
    let others: Vec<String> = join_all((0..4).map(|n| student(admin, ["Ana", "Ben", "Cléo", "Dan"][n], 3000))).await;
    let places = ["Agence", "Gare", "Lycée", "Parking"];
    let mut placed = 0;
    for _ in 0..40 {
        let day = rng.below(6) as i64;
        let start = monday
            + Duration::days(day)
            + Duration::hours(8 + rng.below(10) as i64)
            + Duration::minutes(30 * rng.below(2) as i64);
        let instructor = if rng.below(2) == 0 { &s.instructor } else { &sophie };
        let vehicle = if rng.below(2) == 0 { &s.vehicle } else { &second_car };
        let body = json!({"kind": "driving", "starts_at": start, "ends_at": start + Duration::minutes(60),
                          "student_id": others[rng.below(4) as usize], "instructor_id": instructor, "vehicle_id": vehicle,
                          "meeting_point": places[rng.below(4) as usize]});
        if admin.post("/api/v1/lessons", &body).await.status() == 201 {
            placed += 1;
        }
    }
    assert!(placed >= 15, "the week is busy: {placed} lessons");

    let lea = student(admin, "Léa", 600).await;
    let windows = json!([{"weekday": 1, "start": "08:00", "end": "12:00"}, {"weekday": 3, "start": "09:00", "end": "17:00"},
                         {"weekday": 5, "start": "14:00", "end": "19:00"}]);
    let body = json!({"student_id": lea, "windows": windows, "instructor_ids": []});
    assert_eq!(admin.post("/api/v1/waitlist", &body).await.status(), 201);
    lesson(admin, &s, &lea, monday - Duration::days(3) + Duration::hours(9), Some("Gare")).await;
    let q = format!(
        "/api/v1/students/{lea}/suggestions?from={}&to={}&count=20",
        monday.to_rfc3339().replace('+', "%2B"),
        (monday + Duration::days(7)).to_rfc3339().replace('+', "%2B")
    );
    let suggestions = admin.json(&q).await;
    let suggestions = suggestions.as_array().unwrap();
    assert!(suggestions.len() >= 8, "{suggestions:?}");
    for sug in suggestions {
        // Inside the student's windows.
        let local = sug["starts_at"].as_str().unwrap().parse::<DateTime<Utc>>().unwrap().with_timezone(&Paris);
        let end = sug["ends_at"].as_str().unwrap().parse::<DateTime<Utc>>().unwrap().with_timezone(&Paris);
        let fits = match local.weekday() {
            Weekday::Mon => (8..12).contains(&local.hour()) && (end.hour(), end.minute()) <= (12, 0),
            Weekday::Wed => (9..17).contains(&local.hour()) && (end.hour(), end.minute()) <= (17, 0),
            Weekday::Fri => (14..19).contains(&local.hour()) && (end.hour(), end.minute()) <= (19, 0),
            _ => false,
        };
        assert!(fits, "outside the windows: {sug}");
        assert_eq!(sug["meeting_point"], "Gare", "where the student met last");
        // The booking a suggestion leads to is accepted without a word about the slot.
        let body = json!({"kind": "driving", "starts_at": sug["starts_at"], "ends_at": sug["ends_at"], "student_id": lea,
                          "instructor_id": sug["instructor_id"], "vehicle_id": sug["vehicle_id"],
                          "meeting_point": sug["meeting_point"]});
        let r = admin.post("/api/v1/lessons?dry_run=true", &body).await;
        assert_eq!(r.status(), 200, "suggested then refused: {sug} → {:?}", r.text().await);
        let checked: Value = r.json().await.unwrap();
        assert_eq!(checked["warnings"], sug["warnings"], "only what concerns the student: {sug}");
    }

    // The student books one themself once the school allows it, within their hours.
    let api = session_of(&app, admin, &lea, 1).await;
    let pick = &suggestions[0];
    let slot = json!({"starts_at": pick["starts_at"], "ends_at": pick["ends_at"], "instructor_id": pick["instructor_id"],
                      "vehicle_id": pick["vehicle_id"], "meeting_point": pick["meeting_point"]});
    let book = format!("/api/v1/students/{lea}/suggestions/book");
    let p = problem(api.post(&book, &slot).await, 403).await;
    assert!(p["detail"].as_str().unwrap().contains("réserver en ligne"), "{p}");
    let mut settings = admin.json("/api/v1/settings").await;
    settings["planning"]["student_self_booking"] = json!(true);
    assert_eq!(admin.send(reqwest::Method::PUT, "/api/v1/settings", Some(&settings)).await.status(), 200);
    assert_eq!(api.json(&q.replace("count=20", "count=3")).await.as_array().unwrap().len(), 3);
    let booked = created(api.post(&book, &slot).await).await;
    assert_eq!(booked["lesson"]["student_id"], lea.as_str());
    assert_eq!(problem(api.post(&book, &slot).await, 409).await["status"], 409);
    let broke = student(admin, "Fauché", 30).await;
    let broke_api = session_of(&app, admin, &broke, 2).await;
    let day = |v: &Value| v["starts_at"].as_str().unwrap()[..10].to_owned();
    let other = suggestions.iter().find(|o| day(o) != day(pick)).expect("suggestions over several days");
    let slot = json!({"starts_at": other["starts_at"], "ends_at": other["ends_at"], "instructor_id": other["instructor_id"],
                      "vehicle_id": other["vehicle_id"]});
    let p = problem(broke_api.post(&format!("/api/v1/students/{broke}/suggestions/book"), &slot).await, 422).await;
    assert_eq!(p["rules"][0]["code"], "insufficient_hours");
    assert_eq!(broke_api.get(&format!("/api/v1/students/{lea}/suggestions")).await.status(), 404);
}
