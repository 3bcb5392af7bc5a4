//! Tenant isolation: the schema enforces it, and no endpoint crosses schools.

use serde_json::{Value, json};
use volant_domain::role::Role;

use crate::helpers::*;

/// Tables without a school: read before a school is known (login, cookie, tokens), or shared by
/// the platform. Everything else carries `tenant_id`.
pub const GLOBAL_TABLES: &[&str] = &[
    "_sqlx_migrations",
    "tenants",
    "users",
    "login_failures",
    "password_resets",
    "login_challenges", // a password checked, the second factor awaited: before any school
    // A person's second factor, across their schools (narrowed by RLS to the person acting).
    "user_totp",
    "user_recovery_codes",
    "user_passkeys",
    // The server's half of a WebAuthn ceremony: a login does not know its person, let alone a school.
    "webauthn_ceremonies",
];
/// Tables that carry `tenant_id` yet are global (no RLS), each for a stated reason (ADR 0002).
pub const GLOBAL_WITH_TENANT_ID: &[&str] = &[
    "sessions",     // looked up by cookie before the school is known
    "invitations",  // looked up by token before any session exists
    "jobs",         // the worker serves every school
    "demo_mails",   // a reset mail belongs to a person, not a school
    "site_domains", // looked up by a request's host before any school is known
];

/// Tables under row-level security whose rows may belong to no school: each school sees its own
/// and the installation's (a start-up of the server), so `tenant_id` is nullable and not in the key.
pub const SCHOOL_OR_INSTALLATION: &[&str] = &["technical_events"];

#[tokio::test]
async fn every_tenant_table_has_forced_rls_a_policy_and_a_tenant_led_key() {
    let app = spawn_app().await;
    let tables: Vec<(String, bool, bool, bool, i64, Option<String>)> = sqlx::query_as(
        "SELECT c.relname::text,
                EXISTS (SELECT FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attname = 'tenant_id' AND NOT a.attisdropped),
                c.relrowsecurity, c.relforcerowsecurity,
                (SELECT count(*) FROM pg_policy p WHERE p.polrelid = c.oid),
                (SELECT a.attname::text FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = i.indkey[0]
                  WHERE i.indrelid = c.oid AND i.indisprimary)
           FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
          WHERE n.nspname = 'public' AND c.relkind = 'r' ORDER BY 1",
    )
    .fetch_all(&app.pool)
    .await
    .unwrap();
    assert!(tables.len() >= 10);
    for (name, has_tenant, rls, forced, policies, pk_first) in tables {
        if GLOBAL_TABLES.contains(&name.as_str()) {
            assert!(!has_tenant, "{name} is listed as global but has tenant_id");
            continue;
        }
        assert!(has_tenant, "{name} has no tenant_id: add it, or list the table as global with a reason");
        if GLOBAL_WITH_TENANT_ID.contains(&name.as_str()) {
            continue;
        }
        assert!(rls && forced, "{name}: row-level security must be enabled and forced");
        assert!(policies >= 1, "{name}: no policy");
        if SCHOOL_OR_INSTALLATION.contains(&name.as_str()) {
            continue;
        }
        assert_eq!(pk_first.as_deref(), Some("tenant_id"), "{name}: the primary key must start with tenant_id");
    }
}

#[tokio::test]
async fn another_schools_member_id_is_a_404_and_nothing_changes() {
    let app = spawn_app().await;
    app.seed_schools().await;
    let admin_b = app.login_as(Role::Admin, 'b').await;
    let b_secretary = admin_b.json("/api/v1/users?role=SECRETARY").await["items"][0].clone();
    let admin_a = app.login_as(Role::Admin, 'a').await;
    let path = format!("/api/v1/users/{}", b_secretary["id"].as_str().unwrap());
    let r = admin_a.patch(&path, &json!({"active": false, "version": b_secretary["version"]})).await;
    problem(r, 404).await;
    // A body that is invalid too: still the same 404, decided before validation.
    let r = admin_a.patch(&path, &json!({"active": "peut-être"})).await;
    problem(r, 404).await;
    let again = admin_b.json("/api/v1/users?role=SECRETARY").await["items"][0].clone();
    assert_eq!(again, b_secretary, "nothing changed in school B");
    // A malformed id is the same 404.
    problem(admin_a.patch("/api/v1/users/not-a-uuid", &json!({})).await, 404).await;
}

#[tokio::test]
async fn lists_never_show_another_schools_rows() {
    let app = spawn_app().await;
    app.seed_schools().await;
    let admin_a = app.login_as(Role::Admin, 'a').await;
    let users = admin_a.json("/api/v1/users").await;
    assert!(users["items"].as_array().unwrap().iter().all(|u| u["email"].as_str().unwrap().ends_with("@a.test")));
    let admin_b = app.login_as(Role::Admin, 'b').await;
    admin_b.post("/api/v1/invitations", &json!({"email": "only-b@b.test", "role": "STUDENT"})).await;
    let invs = admin_a.json("/api/v1/invitations").await;
    assert!(invs["items"].as_array().unwrap().is_empty());
}

/// For every route of the document with an id, school A's admin uses school B's id: the same
/// 404 as an unknown id, and school B's record is unchanged. A new route is covered as soon as
/// `Fixtures::concrete` knows its ids.
#[tokio::test]
async fn every_route_with_an_id_is_a_404_with_another_schools_id() {
    let app = spawn_app().await;
    app.seed_schools().await;
    let fx_b = app.fixtures('b').await;
    let admin_b = app.login_as(Role::Admin, 'b').await;
    let before = snapshot(&admin_b, &fx_b).await;
    let admin_a = app.login_as(Role::Admin, 'a').await;
    let doc = serde_json::to_value(volant::features::openapi()).unwrap();
    let mut checked = 0;
    for (path, item) in doc["paths"].as_object().unwrap() {
        // A connector is named, not numbered: the same name reaches each school's own
        // (tests/api/connectors.rs checks that another school's stays invisible).
        if !path.contains('{') || path.starts_with("/api/v1/connectors/") {
            continue;
        }
        for method in item.as_object().unwrap().keys() {
            let m = reqwest::Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
            let body = json!({"version": 1, "name": "Piraté", "plate": "ZZ-999-ZZ", "gearbox": "manual", "weekly": [], "exceptions": [],
                              "starts_at": "2027-01-01T10:00:00Z", "ends_at": "2027-01-01T11:00:00Z", "kind": "leave", "active": false});
            let r = admin_a.send(m, &fx_b.concrete(path), Some(&body)).await;
            problem(r, 404).await;
            checked += 1;
        }
    }
    assert!(checked >= 10, "{checked}");
    assert_eq!(snapshot(&admin_b, &fx_b).await, before, "school B unchanged");
}

async fn snapshot(api: &Api, fx: &Fixtures) -> Vec<Value> {
    let mut out = vec![];
    for path in [
        "/api/v1/agencies/{id}",
        "/api/v1/instructors/{id}",
        "/api/v1/instructors/{id}/availability",
        "/api/v1/vehicles/{id}",
        "/api/v1/lessons/{id}",
        "/api/v1/exams/{id}",
    ] {
        out.push(api.json(&fx.concrete(path)).await);
    }
    for list in ["/api/v1/users", "/api/v1/change-requests", "/api/v1/exam-places"] {
        out.push(api.json(list).await);
    }
    out
}
