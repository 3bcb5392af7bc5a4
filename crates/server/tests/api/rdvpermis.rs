//! Practical-test places on RdvPermis over real HTTP: the eligibility rules first, the exam and its
//! accompaniment lesson with the platform's yes or not at all, one booking when two race for a
//! place, and the cancellation that gives the place back.

use reqwest::Method;
use serde_json::{Value, json};
use volant::simulate::rdvpermis::RdvPermisSimulator;
use volant_domain::role::Role;

use crate::{connectors::consent, helpers::*};

async fn connected(app: &TestApp) -> (RdvPermisSimulator, Api) {
    let sim = RdvPermisSimulator::start("ecole-a".into(), "secret-rdv".into()).await.unwrap();
    let admin = app.login_as(Role::Admin, 'a').await;
    let body = json!({"base_url": sim.url, "client_id": "ecole-a", "client_secret": "secret-rdv"});
    assert_eq!(admin.send(Method::PUT, "/api/v1/connectors/rdvpermis", Some(&body)).await.status(), 200);
    assert_eq!(consent(&admin, "allow").await, "/connecteurs?rdvpermis=connected");
    (sim, admin)
}

async fn exams_of(api: &Api, student: &str) -> Vec<Value> {
    let list = api.json(&format!("/api/v1/exams?student_id={student}")).await;
    list["items"].as_array().unwrap().iter().filter(|e| e["result"] != "cancelled").cloned().collect()
}

#[tokio::test]
async fn a_place_is_booked_with_its_exam_or_not_at_all_and_two_racing_offices_get_one() {
    let app = spawn_app().await;
    app.seed_schools().await;
    let fx = app.fixtures('a').await;
    let secretary = app.login_as(Role::Secretary, 'a').await;
    let p = problem(secretary.get("/api/v1/rdvpermis/places").await, 422).await;
    assert_eq!(p["rules"][0]["code"], "rdvpermis_connector");
    let (_sim, admin) = connected(&app).await;

    let centres = secretary.json("/api/v1/rdvpermis/centres").await;
    let centre = centres["items"][0]["id"].as_str().unwrap().to_owned();
    let places = secretary.json(&format!("/api/v1/rdvpermis/places?centre={centre}")).await;
    let items = places["items"].as_array().unwrap();
    assert!(items.len() > 5 && items.iter().all(|p| p["centre_id"] == centre.as_str()), "{places}");
    assert!(items[0]["centre_name"].as_str().unwrap().starts_with("Centre d'examen"));
    let place = items[0]["id"].as_str().unwrap().to_owned();

    // The fixture student has no driving hours nor start evaluation: refused with the rules' names,
    // nothing left.
    let exams_before = exams_of(&admin, &fx.student).await.len();
    let body = json!({"student_id": fx.student, "place_id": place});
    let p = problem(secretary.post("/api/v1/rdvpermis/bookings", &body).await, 422).await;
    let rules: Vec<&str> = p["rules"].as_array().unwrap().iter().map(|r| r["code"].as_str().unwrap()).collect();
    assert!(rules.contains(&"driving_hours") && rules.contains(&"start_evaluation"), "{p}");
    assert_eq!(exams_of(&admin, &fx.student).await.len(), exams_before);

    // A student without NEPH: the platform refuses; no exam is left behind.
    let other = id(&created(
        admin
            .post(
                "/api/v1/students",
                &json!({"first_name": "Sans", "last_name": "Neph", "birth_date": "1990-01-01",
                    "referent_instructor_id": fx.instructor}),
            )
            .await,
    )
    .await);
    let body = json!({"student_id": other, "place_id": place, "vehicle_id": fx.vehicle,
                      "override_reason": "Code obtenu dans une autre école"});
    let p = problem(admin.post("/api/v1/rdvpermis/bookings", &body).await, 422).await;
    assert_eq!(p["rules"][0]["code"], "rdvpermis_refused", "{p}");
    assert!(p["detail"].as_str().unwrap().contains("NEPH"), "{p}");
    assert!(exams_of(&admin, &other).await.is_empty(), "the refused place left no exam");

    // Two offices race for one place (the ADMIN passing the rules with a reason): one booking.
    let runner = |first: &str, neph: &str| {
        json!({"first_name": first, "last_name": "Course", "birth_date": "1991-01-01", "neph": neph,
               "ants_status": "validated", "referent_instructor_id": fx.instructor})
    };
    let first = id(&created(admin.post("/api/v1/students", &runner("Une", "111111111111")).await).await);
    let second = id(&created(admin.post("/api/v1/students", &runner("Deux", "222222222222")).await).await);
    let reason = "Code obtenu dans une autre école";
    let a = json!({"student_id": first, "place_id": place, "vehicle_id": fx.vehicle, "override_reason": reason});
    let b = json!({"student_id": second, "place_id": place, "vehicle_id": fx.vehicle, "override_reason": reason});
    let admin2 = app.login_as(Role::Admin, 'a').await;
    let (ra, rb) =
        tokio::join!(admin.post("/api/v1/rdvpermis/bookings", &a), admin2.post("/api/v1/rdvpermis/bookings", &b));
    let mut statuses = [ra.status().as_u16(), rb.status().as_u16()];
    statuses.sort_unstable();
    assert_eq!(statuses, [201, 409], "one booking for one place");
    let booked = admin.json("/api/v1/rdvpermis/bookings").await;
    assert_eq!(booked["items"].as_array().unwrap().len(), 1, "{booked}");
    let booking = booked["items"][0].clone();
    let winner = booking["student_id"].as_str().unwrap().to_owned();
    let loser = if winner == first { second.clone() } else { first.clone() };
    assert!(exams_of(&admin, &loser).await.is_empty(), "the loser has no exam");
    let exam = exams_of(&admin, &winner).await;
    assert_eq!(exam.len(), 1);
    assert_eq!((exam[0]["kind"].as_str(), exam[0]["result"].as_str()), (Some("practical"), Some("pending")));
    assert!(exam[0]["lesson_id"].is_string(), "the accompaniment lesson is planned: {}", exam[0]);
    let still_free = secretary.json(&format!("/api/v1/rdvpermis/places?centre={centre}")).await;
    assert!(!still_free.to_string().contains(&format!("\"{place}\"")), "the place is no longer free");

    // Cancelled: the exam is cancelled and the place free again.
    let r = admin
        .send(Method::DELETE, &format!("/api/v1/rdvpermis/bookings/{}", booking["id"].as_str().unwrap()), None)
        .await;
    assert_eq!(r.status(), 200, "{:?}", r.text().await);
    assert!(exams_of(&admin, &winner).await.is_empty());
    let free = secretary.json(&format!("/api/v1/rdvpermis/places?centre={centre}")).await;
    assert!(free.to_string().contains(&format!("\"{place}\"")));
    let audit = admin.json("/api/v1/audit-log?entity=rdvpermis_booking").await;
    assert_eq!(audit["items"].as_array().unwrap().len(), 2, "{audit}");

    // Another school sees none of it.
    let admin_b = app.login_as(Role::Admin, 'b').await;
    problem(
        admin_b
            .send(Method::DELETE, &format!("/api/v1/rdvpermis/bookings/{}", booking["id"].as_str().unwrap()), None)
            .await,
        404,
    )
    .await;
    assert_eq!(admin_b.json("/api/v1/rdvpermis/bookings").await["items"], json!([]));
}

#[tokio::test]
async fn the_result_of_a_test_booked_on_rdvpermis_reaches_the_exam_history() {
    let vars = [("VOLANT_REMINDER_SCAN_SECONDS", "1"), ("VOLANT_CONNECTOR_SYNC_SECONDS", "1")];
    let app = spawn_app_with(&vars, Default::default()).await;
    let schools = app.seed_schools().await;
    let fx = app.fixtures('a').await;
    let (sim, admin) = connected(&app).await;
    let student = id(&created(
        admin
            .post(
                "/api/v1/students",
                &json!({"first_name": "Réu", "last_name": "Ssite", "birth_date": "1992-04-04",
                    "neph": "333333333333", "ants_status": "validated", "referent_instructor_id": fx.instructor}),
            )
            .await,
    )
    .await);
    let places = admin.json("/api/v1/rdvpermis/places").await;
    let place = places["items"][0]["id"].as_str().unwrap().to_owned();
    let body = json!({"student_id": student, "place_id": place, "vehicle_id": fx.vehicle, "override_reason": "Dossier repris"});
    let booking = created(admin.post("/api/v1/rdvpermis/bookings", &body).await).await;
    let exam_id = booking["exam_id"].as_str().unwrap().to_owned();

    // The day of the test has passed; the platform publishes the result.
    as_owner_in(
        &app,
        schools.a,
        &format!(
            "UPDATE exams SET scheduled_at = now() - interval '1 day' WHERE id = '{exam_id}';
             UPDATE rdvpermis_bookings SET starts_at = now() - interval '1 day' WHERE exam_id = '{exam_id}';"
        ),
    )
    .await;
    let url = format!("{}/_simulator/bookings/{}/result", sim.url, booking["remote_id"].as_str().unwrap());
    let r = new_client().post(url).json(&json!({"result": "passed"})).send().await.unwrap();
    assert_eq!(r.status(), 204);
    let mut exam = Value::Null;
    for _ in 0..100 {
        app.wait_jobs_idle().await;
        exam = admin.json(&format!("/api/v1/exams/{exam_id}")).await;
        if exam["result"] == "passed" {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(exam["result"], "passed", "{exam}");
    let audit = admin.json(&format!("/api/v1/audit-log?entity_id={exam_id}")).await.to_string();
    assert!(audit.contains("exam.update"), "{audit}");
}
