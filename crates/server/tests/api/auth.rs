//! Login, sessions, CSRF, limits, passwords, invitations, members.

use serde_json::{Value, json};
use volant::jobs::JobRegistry;
use volant_domain::role::Role;

use crate::helpers::*;

#[tokio::test]
async fn login_returns_the_session_and_me_agrees() {
    let app = spawn_app().await;
    let s = app.seed_schools().await;
    let api = app.login_as(Role::Secretary, 'a').await;
    let me = api.json("/api/v1/me").await;
    assert_eq!(me["role"], "SECRETARY");
    assert_eq!(me["user"]["email"], "secretary@a.test");
    assert_eq!(me["tenant"]["id"], s.a.to_string());
    assert_eq!(me["tenant"]["timezone"], "Europe/Paris");
    assert_eq!(me["memberships"].as_array().unwrap().len(), 1);
    assert_eq!(me["csrf_token"], api.csrf.clone().unwrap());
}

#[tokio::test]
async fn unknown_email_and_wrong_password_get_the_same_answer() {
    let app = spawn_app().await;
    app.seed_schools().await;
    let api = app.anonymous();
    let wrong = api.post("/api/v1/auth/login", &json!({"email": "admin@a.test", "password": "pas le bon"})).await;
    let wrong_body = problem(wrong, 401).await;
    let unknown = api.post("/api/v1/auth/login", &json!({"email": "personne@a.test", "password": "pas le bon"})).await;
    let unknown_body = problem(unknown, 401).await;
    assert_eq!(wrong_body, unknown_body);
    assert_eq!(wrong_body["detail"], "Adresse e-mail ou mot de passe incorrect.");
}

#[tokio::test]
async fn dev_cookie_is_http_only_lax_and_not_secure() {
    let app = spawn_app().await;
    app.seed_schools().await;
    let resp =
        app.anonymous().post("/api/v1/auth/login", &json!({"email": "admin@a.test", "password": PASSWORD})).await;
    let cookie = resp.headers()["set-cookie"].to_str().unwrap().to_owned();
    assert!(cookie.starts_with("volant_session="), "{cookie}");
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax") && cookie.contains("Path=/"));
    assert!(!cookie.contains("Secure"), "{cookie}");
}

#[tokio::test]
async fn staging_cookie_is_secure_with_the_host_prefix_and_hsts_is_sent() {
    let vars = [
        ("VOLANT_PROFILE", "staging"),
        ("VOLANT_SECRET_KEY", "a-staging-secret-of-more-than-32-characters"),
        ("DATABASE_URL", "postgres://unused/volant"),
        ("VOLANT_PUBLIC_URL", "https://staging.volant.test"),
        ("VOLANT_ARGON2_MEMORY_KIB", "19456"),
    ];
    let app = spawn_app_with(&vars, JobRegistry::default()).await;
    app.seed_schools().await;
    let resp =
        app.anonymous().post("/api/v1/auth/login", &json!({"email": "admin@a.test", "password": PASSWORD})).await;
    assert_eq!(resp.status(), 200);
    let cookie = resp.headers()["set-cookie"].to_str().unwrap().to_owned();
    assert!(cookie.starts_with("__Host-volant_session="), "{cookie}");
    assert!(cookie.contains("; Secure") && cookie.contains("Path=/") && !cookie.contains("Domain"), "{cookie}");
    assert!(resp.headers()["strict-transport-security"].to_str().unwrap().contains("max-age="));
}

#[tokio::test]
async fn a_state_change_without_the_csrf_token_is_refused() {
    let app = spawn_app().await;
    app.seed_schools().await;
    let mut api = app.login_as(Role::Admin, 'a').await;
    let token = api.csrf.take();
    let resp = api.post("/api/v1/invitations", &json!({"email": "n@a.test", "role": "SECRETARY"})).await;
    let body = problem(resp, 403).await;
    assert!(body["detail"].as_str().unwrap().contains("CSRF"));
    api.csrf = Some("faux".into());
    let resp = api.post("/api/v1/invitations", &json!({"email": "n@a.test", "role": "SECRETARY"})).await;
    problem(resp, 403).await;
    api.csrf = token;
    let resp = api.post("/api/v1/invitations", &json!({"email": "n@a.test", "role": "SECRETARY"})).await;
    assert_eq!(resp.status(), 201);
}

#[tokio::test]
async fn login_rotates_the_session_id_and_logout_revokes_it() {
    let app = spawn_app().await;
    app.seed_schools().await;
    let api = app.login_as(Role::Admin, 'a').await;
    let first: Vec<Vec<u8>> =
        sqlx::query_scalar("SELECT id_hash FROM sessions WHERE revoked_at IS NULL").fetch_all(&app.pool).await.unwrap();
    assert_eq!(first.len(), 1);
    // Logging in again from the same browser: a new id, the old one revoked.
    let resp = api.post("/api/v1/auth/login", &json!({"email": "admin@a.test", "password": PASSWORD})).await;
    assert_eq!(resp.status(), 200);
    let live: Vec<Vec<u8>> =
        sqlx::query_scalar("SELECT id_hash FROM sessions WHERE revoked_at IS NULL").fetch_all(&app.pool).await.unwrap();
    assert_eq!(live.len(), 1);
    assert_ne!(live, first);
    let csrf: Value = resp.json().await.unwrap();
    let mut api = api;
    api.csrf = csrf["csrf_token"].as_str().map(str::to_owned);
    assert_eq!(api.post("/api/v1/auth/logout", &json!({})).await.status(), 204);
    problem(api.get("/api/v1/me").await, 401).await;
}

#[tokio::test]
async fn password_change_revokes_the_other_sessions() {
    let app = spawn_app().await;
    app.seed_schools().await;
    let phone = app.login_as(Role::Instructor, 'a').await;
    let laptop = app.login_as(Role::Instructor, 'a').await;
    let weak = laptop
        .post("/api/v1/auth/password/change", &json!({"current_password": PASSWORD, "new_password": "court"}))
        .await;
    assert_eq!(problem(weak, 400).await["errors"][0]["field"], "new_password");
    let bad = laptop
        .post(
            "/api/v1/auth/password/change",
            &json!({"current_password": "faux-mot-de-passe", "new_password": "nouveau-secret-42"}),
        )
        .await;
    assert_eq!(problem(bad, 400).await["errors"][0]["field"], "current_password");
    let ok = laptop
        .post(
            "/api/v1/auth/password/change",
            &json!({"current_password": PASSWORD, "new_password": "nouveau-secret-42"}),
        )
        .await;
    assert_eq!(ok.status(), 204);
    assert_eq!(laptop.get("/api/v1/me").await.status(), 200, "the current session stays");
    problem(phone.get("/api/v1/me").await, 401).await;
    let relog = app
        .anonymous()
        .post("/api/v1/auth/login", &json!({"email": "instructor@a.test", "password": "nouveau-secret-42"}))
        .await;
    assert_eq!(relog.status(), 200);
}

#[tokio::test]
async fn brute_force_on_one_email_gets_429_with_retry_after() {
    let app = spawn_app().await;
    app.seed_schools().await;
    let api = app.anonymous();
    for _ in 0..10 {
        let r = api.post("/api/v1/auth/login", &json!({"email": "admin@a.test", "password": "devine-moi-1"})).await;
        assert_eq!(r.status(), 401);
    }
    let r = api.post("/api/v1/auth/login", &json!({"email": "admin@a.test", "password": PASSWORD})).await;
    let retry: u64 = r.headers()["retry-after"].to_str().unwrap().parse().unwrap();
    assert!(retry > 0 && retry <= 15 * 60, "{retry}");
    problem(r, 429).await;
    // The limit is per e-mail, and counts unknown e-mails too.
    let other = api.post("/api/v1/auth/login", &json!({"email": "secretary@a.test", "password": PASSWORD})).await;
    assert_eq!(other.status(), 200);
}

#[tokio::test]
async fn brute_force_from_one_address_gets_429() {
    let app = spawn_app_with(&[("VOLANT_LOGIN_LIMIT_PER_IP", "5")], JobRegistry::default()).await;
    app.seed_schools().await;
    let api = app.anonymous();
    for i in 0..5 {
        let r =
            api.post("/api/v1/auth/login", &json!({"email": format!("x{i}@a.test"), "password": "devine-moi"})).await;
        assert_eq!(r.status(), 401);
    }
    let r = api.post("/api/v1/auth/login", &json!({"email": "admin@a.test", "password": PASSWORD})).await;
    problem(r, 429).await;
}

#[tokio::test]
async fn forgot_and_reset_password_through_a_real_smtp_server() {
    let app = spawn_app().await;
    app.seed_schools().await;
    let api = app.anonymous();
    let old_session = app.login_as(Role::Secretary, 'a').await;
    assert_eq!(api.post("/api/v1/auth/password/forgot", &json!({"email": "secretary@a.test"})).await.status(), 202);
    assert_eq!(api.post("/api/v1/auth/password/forgot", &json!({"email": "nobody@a.test"})).await.status(), 202);
    let mail = app.smtp.wait_for("reinitialiser?token=").await;
    assert!(mail.contains("To: secretary@a.test"), "{mail}");
    assert!(mail.contains("Réinitialisation") || mail.contains("=?utf-8?"), "{mail}");
    let link = link_in(&mail, &app.base);
    let token = link.split("token=").nth(1).unwrap().trim();
    let stored: Vec<Vec<u8>> =
        sqlx::query_scalar("SELECT token_hash FROM password_resets").fetch_all(&app.pool).await.unwrap();
    assert_eq!(stored.len(), 1, "only the known address got a token");
    assert_ne!(stored[0], token.as_bytes(), "stored hashed");

    let r = api.post("/api/v1/auth/password/reset", &json!({"token": token, "password": "un-nouveau-depart"})).await;
    assert_eq!(r.status(), 204);
    problem(old_session.get("/api/v1/me").await, 401).await;
    let again = api.post("/api/v1/auth/password/reset", &json!({"token": token, "password": "encore-un-autre"})).await;
    assert_eq!(problem(again, 400).await["errors"][0]["field"], "token");
    let login =
        api.post("/api/v1/auth/login", &json!({"email": "secretary@a.test", "password": "un-nouveau-depart"})).await;
    assert_eq!(login.status(), 200);
}

#[tokio::test]
async fn an_expired_reset_token_is_refused() {
    let app = spawn_app().await;
    app.seed_schools().await;
    let api = app.anonymous();
    api.post("/api/v1/auth/password/forgot", &json!({"email": "admin@a.test"})).await;
    let mail = app.smtp.wait_for("token=").await;
    let token = link_in(&mail, &app.base).split("token=").nth(1).unwrap().trim().to_owned();
    sqlx::query("UPDATE password_resets SET expires_at = now() - interval '1 second'")
        .execute(&app.pool)
        .await
        .unwrap();
    let r = api.post("/api/v1/auth/password/reset", &json!({"token": token, "password": "un-nouveau-depart"})).await;
    problem(r, 400).await;
}

#[tokio::test]
async fn a_new_person_accepts_an_invitation_with_a_password() {
    let app = spawn_app().await;
    app.seed_schools().await;
    let admin = app.login_as(Role::Admin, 'a').await;
    let r = admin.post("/api/v1/invitations", &json!({"email": "Nouvelle@Exemple.fr", "role": "SECRETARY"})).await;
    assert_eq!(r.status(), 201);
    let inv: Value = r.json().await.unwrap();
    assert_eq!(inv["email"], "nouvelle@exemple.fr");
    let mail = app.smtp.wait_for("invitation?token=").await;
    let token = link_in(&mail, &app.base).split("token=").nth(1).unwrap().trim().to_owned();
    let guest = app.anonymous();
    let look = guest.json(&format!("/api/v1/invitations/lookup?token={token}")).await;
    assert_eq!(look["account_exists"], false);
    assert_eq!(look["tenant_name"], "École A");
    let weak = guest.post("/api/v1/invitations/accept", &json!({"token": token, "password": "court"})).await;
    assert_eq!(problem(weak, 400).await["errors"][0]["field"], "password");
    let ok = guest.post("/api/v1/invitations/accept", &json!({"token": token, "password": "mon-mot-de-passe"})).await;
    assert_eq!(ok.status(), 200);
    let session: Value = ok.json().await.unwrap();
    assert_eq!(session["role"], "SECRETARY");
    assert_eq!(guest.json("/api/v1/me").await["user"]["email"], "nouvelle@exemple.fr");
    let reuse = app
        .anonymous()
        .post("/api/v1/invitations/accept", &json!({"token": token, "password": "mon-mot-de-passe"}))
        .await;
    problem(reuse, 400).await;
    let list = admin.json("/api/v1/invitations").await;
    assert!(list["items"][0]["accepted_at"].is_string());
}

#[tokio::test]
async fn an_existing_person_joins_a_second_school_and_switches() {
    let app = spawn_app().await;
    let s = app.seed_schools().await;
    let admin_b = app.login_as(Role::Admin, 'b').await;
    let r = admin_b.post("/api/v1/invitations", &json!({"email": "instructor@a.test", "role": "INSTRUCTOR"})).await;
    assert_eq!(r.status(), 201);
    let mail = app.smtp.wait_for("invitation?token=").await;
    let token = link_in(&mail, &app.base).split("token=").nth(1).unwrap().trim().to_owned();
    let guest = app.anonymous();
    assert_eq!(guest.json(&format!("/api/v1/invitations/lookup?token={token}")).await["account_exists"], true);
    let wrong = guest.post("/api/v1/invitations/accept", &json!({"token": token, "password": "pas-le-bon-mdp"})).await;
    problem(wrong, 401).await;
    let ok = guest.post("/api/v1/invitations/accept", &json!({"token": token, "password": PASSWORD})).await;
    assert_eq!(ok.status(), 200);
    // Their password is untouched, and they now have two schools.
    let mut api = app.login_as(Role::Instructor, 'a').await;
    let me = api.json("/api/v1/me").await;
    assert_eq!(me["memberships"].as_array().unwrap().len(), 2);
    assert_eq!(me["tenant"]["id"], s.a.to_string());
    let r = api.post("/api/v1/auth/switch-tenant", &json!({"tenant_id": s.b})).await;
    assert_eq!(r.status(), 200);
    let switched: Value = r.json().await.unwrap();
    assert_eq!(switched["tenant"]["id"], s.b.to_string());
    api.csrf = switched["csrf_token"].as_str().map(str::to_owned);
    assert_eq!(api.json("/api/v1/me").await["tenant"]["name"], "École B");
    // A school where they have no membership is a 404.
    let other = app.login_as(Role::Student, 'a').await;
    problem(other.post("/api/v1/auth/switch-tenant", &json!({"tenant_id": s.b})).await, 404).await;
}

#[tokio::test]
async fn members_change_role_with_versions_and_deactivation_ends_sessions() {
    let app = spawn_app().await;
    app.seed_schools().await;
    let admin = app.login_as(Role::Admin, 'a').await;
    let secretary = app.login_as(Role::Secretary, 'a').await;
    let list = admin.json("/api/v1/users?limit=2").await;
    assert_eq!(list["items"].as_array().unwrap().len(), 2);
    let next = list["next_cursor"].as_str().unwrap();
    let rest = admin.json(&format!("/api/v1/users?cursor={next}")).await;
    assert_eq!(rest["items"].as_array().unwrap().len(), Role::ALL.len() - 2);
    let all = admin.json("/api/v1/users").await;
    let sec = all["items"].as_array().unwrap().iter().find(|m| m["email"] == "secretary@a.test").unwrap().clone();
    let path = format!("/api/v1/users/{}", sec["id"].as_str().unwrap());
    let ok = admin.patch(&path, &json!({"role": "INSTRUCTOR", "version": sec["version"]})).await;
    assert_eq!(ok.status(), 200);
    let updated: Value = ok.json().await.unwrap();
    assert_eq!(updated["role"], "INSTRUCTOR");
    assert_eq!(secretary.json("/api/v1/me").await["role"], "INSTRUCTOR", "the session follows the role");
    let stale = admin.patch(&path, &json!({"active": false, "version": sec["version"]})).await;
    let body = problem(stale, 412).await;
    assert_eq!(body["current"]["role"], "INSTRUCTOR");
    let off = admin.patch(&path, &json!({"active": false, "version": updated["version"]})).await;
    assert_eq!(off.status(), 200);
    problem(secretary.get("/api/v1/me").await, 401).await;
    let login =
        app.anonymous().post("/api/v1/auth/login", &json!({"email": "secretary@a.test", "password": PASSWORD})).await;
    problem(login, 401).await;
}

#[tokio::test]
async fn the_last_admin_cannot_be_demoted() {
    let app = spawn_app().await;
    app.seed_schools().await;
    let admin = app.login_as(Role::Admin, 'a').await;
    let me = admin.json("/api/v1/me").await;
    let mine = admin.json("/api/v1/users?role=ADMIN").await["items"][0].clone();
    assert_eq!(mine["id"], me["user"]["id"]);
    let r = admin
        .patch(
            &format!("/api/v1/users/{}", mine["id"].as_str().unwrap()),
            &json!({"role": "SECRETARY", "version": mine["version"]}),
        )
        .await;
    let body = problem(r, 422).await;
    assert_eq!(body["rules"][0]["code"], "last_admin");
}

#[tokio::test]
async fn a_suspended_school_cannot_log_in() {
    let app = spawn_app().await;
    let s = app.seed_schools().await;
    let api = app.login_as(Role::Admin, 'a').await;
    volant::tenancy::suspend(&app.pool, s.a).await.unwrap();
    problem(api.get("/api/v1/me").await, 401).await;
    let r = app.anonymous().post("/api/v1/auth/login", &json!({"email": "admin@a.test", "password": PASSWORD})).await;
    problem(r, 401).await;
    let b = app.anonymous().post("/api/v1/auth/login", &json!({"email": "admin@b.test", "password": PASSWORD})).await;
    assert_eq!(b.status(), 200);
}

#[tokio::test]
async fn the_demo_mail_catcher_lists_mails_for_admins_in_dev() {
    let app = spawn_app().await;
    app.seed_schools().await;
    app.anonymous().post("/api/v1/auth/password/forgot", &json!({"email": "secretary@a.test"})).await;
    app.smtp.wait_for("token=").await;
    app.wait_jobs_idle().await;
    let admin = app.login_as(Role::Admin, 'a').await;
    let mails = admin.json("/api/v1/demo/mails").await;
    assert_eq!(mails["items"][0]["to"], "secretary@a.test");
    assert!(mails["items"][0]["body_text"].as_str().unwrap().contains("reinitialiser?token="));
    let other = app.login_as(Role::Admin, 'b').await;
    assert_eq!(
        other.json("/api/v1/demo/mails").await["items"].as_array().unwrap().len(),
        0,
        "another school sees nothing"
    );
}
