//! The digital livret: every lesson given reaches the ministry once per student, through injected
//! faults and timeouts; a refusal says what to fix and a fixed lesson is resent; the ETP preview
//! matches hours counted by hand (AAC practice × 1.2); another school sees nothing.

use chrono::{Datelike, Duration, Utc};
use reqwest::Method;
use serde_json::{Value, json};
use volant::simulate::rdvpermis::RdvPermisSimulator;
use volant_domain::role::Role;

use crate::{connectors::consent, helpers::*};

const SECRET: &str = "secret-client-rdvpermis";

async fn sim_post(sim: &RdvPermisSimulator, path: &str, body: Value) {
    let r = new_client().post(format!("{}{path}", sim.url)).json(&body).send().await.unwrap();
    assert_eq!(r.status(), 204, "{path}");
}

async fn received(sim: &RdvPermisSimulator) -> i64 {
    let stats: Value =
        new_client().get(format!("{}/_simulator/stats", sim.url)).send().await.unwrap().json().await.unwrap();
    stats["livret"].as_i64().unwrap()
}

/// The transmissions once none is on its way (the scheduler passes every second).
async fn settled(app: &TestApp, office: &Api, accepted: i64) -> Value {
    for _ in 0..200 {
        app.wait_jobs_idle().await;
        let list = office.json("/api/v1/livret/transmissions").await;
        let c = &list["counts"];
        if c["pending"] == 0 && c["sent"] == 0 && c["retrying"] == 0 && c["accepted"] == accepted {
            return list;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("{}", office.json("/api/v1/livret/transmissions").await);
}

#[tokio::test]
async fn every_lesson_reaches_the_livret_once_despite_faults_and_the_etp_preview_counts_aac_at_one_point_two() {
    let vars = [
        ("VOLANT_REMINDER_SCAN_SECONDS", "1"),
        ("VOLANT_JOB_BACKOFF_MS", "20"),
        ("VOLANT_CONNECTOR_TIMEOUT_MS", "400"),
        ("VOLANT_CONNECTOR_CIRCUIT_THRESHOLD", "50"),
    ];
    let app = spawn_app_with(&vars, Default::default()).await;
    let schools = app.seed_schools().await;
    let fx = app.fixtures('a').await;
    let sim = RdvPermisSimulator::start("ecole-a".into(), SECRET.into()).await.unwrap();
    let admin = app.login_as(Role::Admin, 'a').await;
    let body = json!({"base_url": sim.url, "client_id": "ecole-a", "client_secret": SECRET});
    assert_eq!(admin.send(Method::PUT, "/api/v1/connectors/rdvpermis", Some(&body)).await.status(), 200);

    // Two more students: one in AAC, one without a NEPH yet.
    let aac = id(&created(
        admin
            .post(
                "/api/v1/students",
                &json!({"first_name": "Inès", "last_name": "Conduite", "birth_date": "2009-01-10",
                    "training_mode": "aac", "neph": "987654321098", "ants_status": "validated",
                    "guardian": {"first_name": "Marie", "last_name": "Conduite", "phone": "06 12 34 56 78"}}),
            )
            .await,
    )
    .await);
    let no_neph = id(&created(
        admin
            .post("/api/v1/students", &json!({"first_name": "Sans", "last_name": "Neph", "birth_date": "1990-01-01"}))
            .await,
    )
    .await);

    // Lessons given over the last days (all within the window of this month's cut-off, or of the
    // next one once the 24th is past): 3 h of driving, 2 h of AAC driving, 1 h 30 without a NEPH.
    let t = schools.a.0;
    as_owner_in(
        &app,
        schools.a,
        &format!("UPDATE instructors SET authorisation_number = 'AE 037 2019 0042' WHERE id = '{}'", fx.instructor),
    )
    .await;
    let mut sql = String::new();
    let lessons = [
        (&fx.student, 2, 60),
        (&fx.student, 3, 60),
        (&fx.student, 4, 60),
        (&aac, 5, 60),
        (&aac, 6, 60),
        (&no_neph, 7, 90),
    ];
    for (student, days_ago, minutes) in lessons {
        let start = Utc::now() - Duration::days(days_ago);
        sql.push_str(&format!(
            "INSERT INTO lessons (tenant_id, id, kind, status, starts_at, ends_at, instructor_id, vehicle_id, student_id, agency_id)
             VALUES ('{t}', gen_random_uuid(), 'driving', 'done', '{}', '{}', '{}', '{}', '{student}',
                     (SELECT agency_id FROM students WHERE id = '{student}'));",
            start.to_rfc3339(),
            (start + Duration::minutes(minutes)).to_rfc3339(),
            fx.instructor,
            fx.vehicle
        ));
    }
    as_owner_in(&app, schools.a, &sql).await;

    // Without a grant the school keeps no transmissions and nothing is sent, yet its ETP preview
    // counts the hours it would lose (read from the lessons themselves): 4 h 30 + 2 h × 1.2.
    let today = Utc::now().date_naive();
    let month = if today.day() < 24 { today } else { today.with_day(1).unwrap() + chrono::Months::new(1) };
    let month = month.format("%Y-%m").to_string();
    tokio::time::sleep(std::time::Duration::from_millis(1500)).await;
    app.wait_jobs_idle().await;
    assert_eq!(admin.json("/api/v1/livret/transmissions").await["items"], json!([]));
    let etp = admin.json(&format!("/api/v1/etp-preview?month={month}")).await;
    assert_eq!(
        (etp["weighted_hours"].as_f64(), etp["not_transmitted_hours"].as_f64()),
        (Some(0.0), Some(6.9)),
        "{etp}"
    );
    assert_eq!(received(&sim).await, 0);

    // Granted, with the platform failing three times: every lesson counted once; the one without
    // NEPH is refused with what to fix.
    sim_post(&sim, "/_simulator/faults", json!({"fail_next": 3, "kind": "server_error"})).await;
    assert_eq!(consent(&admin, "allow").await, "/connecteurs?rdvpermis=connected");
    let list = settled(&app, &admin, 5).await;
    assert_eq!(received(&sim).await, 5, "each accepted lesson once");
    assert_eq!(list["counts"]["rejected"], 1, "{list}");
    let refused = list["items"].as_array().unwrap().iter().find(|i| i["status"] == "rejected").unwrap().clone();
    assert_eq!(refused["student_id"], no_neph.as_str());
    assert!(refused["reason"].as_str().unwrap().contains("NEPH de l'élève absent"), "{refused}");
    let aac_kind = list["items"].as_array().unwrap().iter().find(|i| i["student_id"] == aac.as_str()).unwrap();
    assert_eq!(aac_kind["kind"], "aac_practice");

    // The ETP preview, by hand: 3 h + 2 h × 1.2 = 5.4 weighted hours; 1 h 30 not transmitted.
    let etp = admin.json(&format!("/api/v1/etp-preview?month={month}")).await;
    assert_eq!(
        (etp["weighted_hours"].as_f64(), etp["not_transmitted_hours"].as_f64()),
        (Some(5.4), Some(1.5)),
        "{etp}"
    );
    assert_eq!(etp["full_time_hours"], 455.0);
    let line = |kind: &str| etp["kinds"].as_array().unwrap().iter().find(|k| k["kind"] == kind).unwrap().clone();
    assert_eq!(
        (line("aac_practice")["weight"].as_f64(), line("aac_practice")["weighted_hours"].as_f64()),
        (Some(1.2), Some(2.4))
    );
    assert_eq!(
        (line("practical")["done_minutes"].as_i64(), line("practical")["transmitted_minutes"].as_i64()),
        (Some(270), Some(180))
    );
    problem(admin.get("/api/v1/etp-preview?month=décembre").await, 400).await;

    // Two days before the cut-off, the lesson not accepted is an office alert.
    let near = chrono::NaiveDate::parse_from_str(&format!("{month}-22"), "%Y-%m-%d").unwrap();
    let mut tx = volant::db::begin_tenant(&app.pool, schools.a).await.unwrap();
    let risk = volant::connectors::rdvpermis::livret_at_risk(&mut tx, schools.a, near, chrono_tz::Europe::Paris)
        .await
        .unwrap();
    assert_eq!(risk, Some((1, 2)));
    let early = near - Duration::days(10);
    assert_eq!(
        volant::connectors::rdvpermis::livret_at_risk(&mut tx, schools.a, early, chrono_tz::Europe::Paris)
            .await
            .unwrap(),
        None
    );
    drop(tx);

    // The office enters the NEPH and resends; the first answer is lost to a timeout, the retry
    // carries the same key: the livret counts it once.
    let file = admin.json(&format!("/api/v1/students/{no_neph}")).await;
    let patch = json!({"version": file["version"], "neph": "555555555555"});
    assert_eq!(admin.patch(&format!("/api/v1/students/{no_neph}"), &patch).await.status(), 200);
    let lesson = refused["lesson_id"].as_str().unwrap();
    sim_post(&sim, "/_simulator/faults", json!({"fail_next": 1, "kind": "slow", "delay_ms": 1200})).await;
    let r = admin.post(&format!("/api/v1/livret/transmissions/{lesson}/{no_neph}/retry"), &json!({})).await;
    assert_eq!(r.status(), 202);
    settled(&app, &admin, 6).await;
    assert_eq!(received(&sim).await, 6);
    let p =
        problem(admin.post(&format!("/api/v1/livret/transmissions/{lesson}/{no_neph}/retry"), &json!({})).await, 422)
            .await;
    assert_eq!(p["rules"][0]["code"], "livret_status");
    let etp = admin.json(&format!("/api/v1/etp-preview?month={month}")).await;
    assert_eq!((etp["weighted_hours"].as_f64(), etp["not_transmitted_hours"].as_f64()), (Some(6.9), Some(0.0)));

    // Another school sees none of it.
    let admin_b = app.login_as(Role::Admin, 'b').await;
    assert_eq!(admin_b.json("/api/v1/livret/transmissions").await["items"], json!([]));
    problem(admin_b.post(&format!("/api/v1/livret/transmissions/{lesson}/{no_neph}/retry"), &json!({})).await, 404)
        .await;
    assert_eq!(admin_b.json(&format!("/api/v1/etp-preview?month={month}")).await["weighted_hours"], 0.0);
}
