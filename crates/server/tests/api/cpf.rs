//! A student's CPF dossier: opened and moved through its EDOF statuses by the office, with the
//! 2026 co-financing rule as a warning and an alert when it stays too long in a status.

use serde_json::json;
use volant_domain::role::Role;

use crate::helpers::*;

#[tokio::test]
async fn a_cpf_dossier_moves_one_status_at_a_time_and_is_flagged_when_stuck() {
    let app = spawn_app().await;
    let schools = app.seed_schools().await;
    let fx = app.fixtures('a').await;
    let admin = app.login_as(Role::Admin, 'a').await;
    let path = format!("/api/v1/students/{}/cpf", fx.student);
    assert_eq!(admin.get(&path).await.status(), 404, "no dossier yet");

    // Opened: submitted, with the 2026 rule's warning (no co-financing, not a job seeker).
    let bad = problem(admin.patch(&path, &json!({"edof_number": "12", "amount_cents": -1})).await, 400).await;
    let text = bad.to_string();
    assert!(text.contains("edof_number") && text.contains("amount_cents"), "{bad}");
    let r = admin.patch(&path, &json!({"edof_number": "2026 1234 5678", "amount_cents": 120_000})).await;
    assert_eq!(r.status(), 200);
    let d: serde_json::Value = r.json().await.unwrap();
    assert_eq!((d["status"].as_str(), d["edof_number"].as_str()), (Some("submitted"), Some("202612345678")));
    assert_eq!(d["next_statuses"], json!(["accepted", "cancelled"]));
    assert_eq!(d["warnings"][0]["code"], "cpf_co_financing", "{d}");

    // No step skipped; a stale version is refused.
    let p = problem(admin.patch(&path, &json!({"version": 1, "status": "in_training"})).await, 422).await;
    assert_eq!(p["rules"][0]["code"], "cpf_status");
    assert!(p["detail"].as_str().unwrap().contains("« accepté »"), "{p}");
    let r = admin.patch(&path, &json!({"version": 1, "status": "accepted", "co_financing_cents": 10_000})).await;
    assert_eq!(r.status(), 200);
    let d: serde_json::Value = r.json().await.unwrap();
    assert_eq!((d["version"].as_i64(), d["warnings"].as_array().map(Vec::len)), (Some(2), Some(0)), "{d}");
    assert_eq!(admin.patch(&path, &json!({"version": 1, "note": "x"})).await.status(), 412);

    // Forty days later still "accepted": the office's alerts name the student.
    let alerts = || async { admin.json("/api/v1/alerts").await["items"].as_array().unwrap().clone() };
    assert!(!alerts().await.iter().any(|a| a["code"] == "cpf_stuck"));
    as_owner_in(
        &app,
        schools.a,
        &format!("UPDATE cpf_dossiers SET status_since = (now() AT TIME ZONE 'Europe/Paris')::date - 40 WHERE student_id = '{}'", fx.student),
    )
    .await;
    let stuck = alerts().await.into_iter().find(|a| a["code"] == "cpf_stuck").expect("a stuck dossier is an alert");
    assert_eq!(stuck["student_id"], fx.student.as_str());
    assert!(stuck["message"].as_str().unwrap().contains("« accepté » depuis 40 jours"), "{stuck}");
    assert_eq!(admin.json(&path).await["stuck_days"], 40);

    // Moving on resets the clock; the audit log has each change.
    admin.patch(&path, &json!({"version": 2, "status": "in_training"})).await;
    assert!(!alerts().await.iter().any(|a| a["code"] == "cpf_stuck"));
    let log = admin.json("/api/v1/audit-log?entity=cpf_dossier").await;
    assert_eq!(log["items"].as_array().unwrap().len(), 3, "{log}");

    // The number is the school's key for the dossier; the student reads theirs; another school sees nothing.
    let other = created(
        admin
            .post("/api/v1/students", &json!({"first_name": "Yanis", "last_name": "Autre", "birth_date": "1990-01-01"}))
            .await,
    )
    .await;
    let p = problem(
        admin
            .patch(
                &format!("/api/v1/students/{}/cpf", id(&other)),
                &json!({"edof_number": "202612345678", "amount_cents": 1}),
            )
            .await,
        400,
    )
    .await;
    assert!(p.to_string().contains("déjà celui d'un autre élève"), "{p}");
    let student = app.login_as(Role::Student, 'a').await;
    assert_eq!(student.json(&path).await["status"], "in_training");
    assert_eq!(app.login_as(Role::Admin, 'b').await.get(&path).await.status(), 404);
}
