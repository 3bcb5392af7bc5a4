//! `Idempotency-Key` on every POST: a replay answers the first answer and does nothing twice.

use serde_json::{Value, json};
use volant_domain::role::Role;

use crate::helpers::*;

async fn count_vehicles(api: &Api) -> usize {
    api.json("/api/v1/vehicles").await["items"].as_array().unwrap().len()
}

#[tokio::test]
async fn a_retried_post_replays_the_first_answer_and_does_the_work_once() {
    let app = spawn_app().await;
    app.seed_schools().await;
    let sec = app.login_as(Role::Secretary, 'a').await;
    let body = json!({"plate": "AB-123-CD", "gearbox": "manual"});
    let first = sec.post_keyed("/api/v1/vehicles", "cle-1", &body).await;
    assert_eq!(first.status(), 201);
    assert!(first.headers().get("idempotent-replayed").is_none());
    let first: Value = first.json().await.unwrap();
    let again = sec.post_keyed("/api/v1/vehicles", "cle-1", &body).await;
    assert_eq!(again.status(), 201);
    assert_eq!(again.headers()["idempotent-replayed"], "true");
    assert_eq!(again.headers()["content-type"], "application/json");
    assert_eq!(again.json::<Value>().await.unwrap(), first, "the same answer");
    assert_eq!(count_vehicles(&sec).await, 1, "done once");
    // A refusal is replayed too: the same request gets the same answer.
    let dup = sec.post_keyed("/api/v1/vehicles", "cle-2", &body).await;
    assert_eq!(dup.status(), 400);
    let dup_again = sec.post_keyed("/api/v1/vehicles", "cle-2", &body).await;
    assert_eq!(dup_again.headers()["idempotent-replayed"], "true");
    assert_eq!(problem(dup_again, 400).await["errors"][0]["field"], "plate");
}

#[tokio::test]
async fn the_same_key_for_another_request_is_a_422() {
    let app = spawn_app().await;
    app.seed_schools().await;
    let sec = app.login_as(Role::Secretary, 'a').await;
    let r = sec.post_keyed("/api/v1/vehicles", "cle", &json!({"plate": "AB-123-CD", "gearbox": "manual"})).await;
    assert_eq!(r.status(), 201);
    let other = sec.post_keyed("/api/v1/vehicles", "cle", &json!({"plate": "AB-124-CD", "gearbox": "manual"})).await;
    assert_eq!(problem(other, 422).await["rules"][0]["code"], "idempotency_key_reused");
    let bad = sec.post_keyed("/api/v1/vehicles", "une clé", &json!({"plate": "AB-125-CD", "gearbox": "manual"})).await;
    assert_eq!(problem(bad, 400).await["errors"][0]["field"], "Idempotency-Key");
    assert_eq!(count_vehicles(&sec).await, 1);
}

#[tokio::test]
async fn keys_belong_to_one_person_in_one_school() {
    let app = spawn_app().await;
    app.seed_schools().await;
    let sec = app.login_as(Role::Secretary, 'a').await;
    let admin = app.login_as(Role::Admin, 'a').await;
    let other_school = app.login_as(Role::Admin, 'b').await;
    let body = json!({"plate": "AB-123-CD", "gearbox": "manual"});
    assert_eq!(sec.post_keyed("/api/v1/vehicles", "k", &body).await.status(), 201);
    let b = json!({"plate": "AB-999-CD", "gearbox": "manual"});
    let r = admin.post_keyed("/api/v1/vehicles", "k", &b).await;
    assert_eq!(r.status(), 201, "another person's key is theirs");
    assert!(r.headers().get("idempotent-replayed").is_none());
    let r = other_school.post_keyed("/api/v1/vehicles", "k", &body).await;
    assert_eq!(r.status(), 201, "another school's key is theirs");
    assert_eq!(count_vehicles(&sec).await, 2);
    assert_eq!(count_vehicles(&other_school).await, 1);
}

#[tokio::test]
async fn twin_requests_sent_at_once_have_one_effect() {
    let app = spawn_app().await;
    app.seed_schools().await;
    let sec = app.login_as(Role::Secretary, 'a').await;
    for round in 0..5 {
        let key = format!("twin-{round}");
        let body = json!({"plate": format!("AB-{:03}-CD", 100 + round), "gearbox": "manual"});
        let (a, b) = tokio::join!(
            sec.post_keyed("/api/v1/vehicles", &key, &body),
            sec.post_keyed("/api/v1/vehicles", &key, &body)
        );
        assert_eq!((a.status().as_u16(), b.status().as_u16()), (201, 201));
        let (a, b): (Value, Value) = (a.json().await.unwrap(), b.json().await.unwrap());
        assert_eq!(a["id"], b["id"], "one vehicle, answered twice");
    }
    assert_eq!(count_vehicles(&sec).await, 5);
}

#[tokio::test]
async fn a_request_without_a_session_is_not_remembered() {
    let app = spawn_app().await;
    app.seed_schools().await;
    let anonymous = app.anonymous();
    let r = anonymous.post_keyed("/api/v1/vehicles", "k", &json!({"plate": "AB-123-CD", "gearbox": "manual"})).await;
    assert_eq!(r.status(), 401);
    let sec = app.login_as(Role::Secretary, 'a').await;
    let r = sec.post_keyed("/api/v1/vehicles", "k", &json!({"plate": "AB-123-CD", "gearbox": "manual"})).await;
    assert_eq!(r.status(), 201);
}
