//! The audit chain: written with every change, append-only, and verifiable.

use serde_json::json;
use volant_domain::role::Role;

use crate::helpers::*;

#[tokio::test]
async fn every_change_is_audited_and_the_chain_verifies() {
    let app = spawn_app().await;
    let s = app.seed_schools().await;
    let admin = app.login_as(Role::Admin, 'a').await;
    admin.post("/api/v1/invitations", &json!({"email": "x@a.test", "role": "STUDENT"})).await;
    let log = admin.json("/api/v1/audit-log?action=invitation.create").await;
    let entry = &log["items"][0];
    assert_eq!(entry["entity"], "invitation");
    assert_eq!(entry["actor_email"], "admin@a.test");
    assert_eq!(entry["after"]["email"], "x@a.test");
    assert_eq!(entry["request_id"].as_str().unwrap().len(), 36);
    assert_eq!(entry["ip"], "127.0.0.1");
    let v = admin.json("/api/v1/audit-log/verify").await;
    assert_eq!(v["ok"], true, "{v}");
    assert!(v["checked"].as_u64().unwrap() >= 6, "{v}");
    assert!(v["first_broken"].is_null());
    // School B's log holds none of A's entries.
    let b = app.login_as(Role::Admin, 'b').await;
    let b_log = b.json("/api/v1/audit-log?limit=200").await;
    assert!(b_log["items"].as_array().unwrap().iter().all(|e| e["action"] != "invitation.create"));
    let _ = s;
}

#[tokio::test]
async fn an_edited_entry_is_named_by_verify() {
    let app = spawn_app().await;
    let s = app.seed_schools().await;
    as_owner_in(&app, s.a, "UPDATE audit_log SET action = 'tenant.delete' WHERE seq = 2").await;
    let admin = app.login_as(Role::Admin, 'a').await;
    let v = admin.json("/api/v1/audit-log/verify").await;
    assert_eq!(v["ok"], false);
    assert_eq!(v["first_broken"], 2);
    // School B is untouched.
    let b = app.login_as(Role::Admin, 'b').await;
    assert_eq!(b.json("/api/v1/audit-log/verify").await["ok"], true);
}

#[tokio::test]
async fn an_edited_payload_or_a_deleted_entry_is_named() {
    let app = spawn_app().await;
    let s = app.seed_schools().await;
    as_owner_in(&app, s.a, "UPDATE audit_payloads SET after = '{\"role\": \"ADMIN\"}' WHERE audit_id = (SELECT id FROM audit_log WHERE seq = 3)").await;
    let v = app.login_as(Role::Admin, 'a').await.json("/api/v1/audit-log/verify").await;
    assert_eq!(v["first_broken"], 3, "{v}");
    as_owner_in(&app, s.b, "DELETE FROM audit_payloads WHERE audit_id = (SELECT id FROM audit_log WHERE seq = 2); DELETE FROM audit_log WHERE seq = 2").await;
    let v = app.login_as(Role::Admin, 'b').await.json("/api/v1/audit-log/verify").await;
    assert_eq!(v["first_broken"], 2, "{v}");
}

#[tokio::test]
async fn an_erased_payload_still_verifies() {
    let app = spawn_app().await;
    let s = app.seed_schools().await;
    let admin = app.login_as(Role::Admin, 'a').await;
    let me = admin.json("/api/v1/me").await;
    let user: uuid::Uuid = me["user"]["id"].as_str().unwrap().parse().unwrap();
    let mut tx = volant::db::begin_tenant(&app.pool, s.a).await.unwrap();
    let n = volant::audit::erase_payloads(&mut tx, "user", user).await.unwrap();
    tx.commit().await.unwrap();
    assert!(n >= 1);
    let log = admin.json(&format!("/api/v1/audit-log?entity_id={user}&action=membership.create")).await;
    assert!(log["items"][0]["after"].is_null(), "payload blanked");
    let v = admin.json("/api/v1/audit-log/verify").await;
    assert_eq!(v["ok"], true, "{v}");
}

#[tokio::test]
async fn the_app_role_cannot_rewrite_the_audit_log() {
    let app = spawn_app().await;
    let s = app.seed_schools().await;
    let mut tx = volant::db::begin_tenant(&app.pool, s.a).await.unwrap();
    let err = sqlx::query("UPDATE audit_log SET action = 'x'").execute(&mut *tx).await.unwrap_err();
    assert!(err.to_string().contains("permission denied"), "{err}");
    drop(tx);
    let mut tx = volant::db::begin_tenant(&app.pool, s.a).await.unwrap();
    let err = sqlx::query("DELETE FROM audit_payloads").execute(&mut *tx).await.unwrap_err();
    assert!(err.to_string().contains("permission denied"), "{err}");
    drop(tx);
    let mut tx = volant::db::begin_tenant(&app.pool, s.a).await.unwrap();
    let err = sqlx::query("UPDATE audit_payloads SET after = NULL").execute(&mut *tx).await.unwrap_err();
    assert!(err.to_string().contains("permission denied"), "{err}");
}

#[tokio::test]
async fn the_audit_log_pages_with_a_cursor() {
    let app = spawn_app().await;
    app.seed_schools().await;
    let admin = app.login_as(Role::Admin, 'a').await;
    let first = admin.json("/api/v1/audit-log?limit=3").await;
    let seqs: Vec<i64> = first["items"].as_array().unwrap().iter().map(|e| e["seq"].as_i64().unwrap()).collect();
    assert_eq!(seqs.len(), 3);
    assert!(seqs.windows(2).all(|w| w[0] > w[1]), "newest first: {seqs:?}");
    let cursor = first["next_cursor"].as_str().unwrap();
    let second = admin.json(&format!("/api/v1/audit-log?limit=3&cursor={cursor}")).await;
    assert!(second["items"][0]["seq"].as_i64().unwrap() < seqs[2]);
    problem(admin.get("/api/v1/audit-log?limit=500").await, 400).await;
    problem(admin.get("/api/v1/audit-log?cursor=nope").await, 400).await;
}
