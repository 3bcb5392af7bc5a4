//! Staff two-factor authentication and sessions (SPEC § 6.11, issue #28): codes computed here from
//! the secret the server gave, as an authenticator app would.

use chrono::Utc;
use reqwest::Method;
use serde_json::{Value, json};
use volant_domain::{role::Role, totp};

use crate::helpers::*;

fn secret_of(setup: &Value) -> Vec<u8> {
    totp::from_base32(setup["secret"].as_str().unwrap()).unwrap()
}

/// The code of the current step, shifted by `steps` (what the app shows now, or 30 s later).
fn code(secret: &[u8], steps: i64) -> String {
    totp::code_at_step(secret, totp::step_at(Utc::now().timestamp()) + steps)
}

/// A code that is none of those accepted around now.
fn wrong_code(secret: &[u8]) -> String {
    let near: Vec<String> = (-1..=1).map(|s| code(secret, s)).collect();
    (0..).map(|n| format!("{:06}", (n * 7919) % 1_000_000)).find(|c| !near.contains(c)).unwrap()
}

/// Turns 2FA on for `api`'s person; answers the secret and the recovery codes.
async fn enable(api: &Api) -> (Vec<u8>, Vec<String>) {
    let setup: Value = api.post("/api/v1/me/2fa/totp", &json!({})).await.json().await.unwrap();
    let secret = secret_of(&setup);
    let r = api.post("/api/v1/me/2fa/totp/confirm", &json!({"code": code(&secret, 0)})).await;
    assert_eq!(r.status(), 200);
    let codes: Value = r.json().await.unwrap();
    let codes = codes["codes"].as_array().unwrap().iter().map(|c| c.as_str().unwrap().to_owned()).collect();
    (secret, codes)
}

/// Logs in with the password; asserts the second step is asked and no session is open yet.
async fn first_step(app: &TestApp, email: &str) -> Api {
    let api = app.anonymous();
    let r = api.post("/api/v1/auth/login", &json!({"email": email, "password": PASSWORD})).await;
    assert_eq!(r.status(), 200);
    let body: Value = r.json().await.unwrap();
    assert_eq!(body, json!({"two_factor_required": true}), "no session, no CSRF token before the second step");
    assert_eq!(api.get("/api/v1/me").await.status(), 401, "no session before the second step");
    api
}

async fn second_step(mut api: Api, typed: &str) -> Result<Api, u16> {
    let r = api.post("/api/v1/auth/login/2fa", &json!({"code": typed})).await;
    if r.status() != 200 {
        return Err(r.status().as_u16());
    }
    let body: Value = r.json().await.unwrap();
    api.csrf = Some(body["csrf_token"].as_str().unwrap().to_owned());
    assert_eq!(api.get("/api/v1/me").await.status(), 200);
    Ok(api)
}

async fn audit_actions(app: &TestApp, tenant: volant_domain::ids::TenantId) -> Vec<String> {
    let mut conn = app.owner_conn().await;
    sqlx::query("SELECT set_config('app.tenant_id', $1, false)")
        .bind(tenant.to_string())
        .execute(&mut conn)
        .await
        .unwrap();
    sqlx::query_scalar("SELECT action FROM audit_log WHERE tenant_id = $1 ORDER BY seq")
        .bind(tenant.0)
        .fetch_all(&mut conn)
        .await
        .unwrap()
}

#[tokio::test]
async fn an_admin_turns_2fa_on_then_logs_in_in_two_steps_and_codes_are_spent_once() {
    let app = spawn_app().await;
    let schools = app.seed_schools().await;
    let admin = app.login_as(Role::Admin, 'a').await;
    let setup: Value = admin.post("/api/v1/me/2fa/totp", &json!({})).await.json().await.unwrap();
    let secret = secret_of(&setup);
    assert_eq!(secret.len(), totp::SECRET_BYTES);
    let uri = setup["otpauth_uri"].as_str().unwrap();
    assert!(uri.starts_with("otpauth://totp/Volant:admin@a.test?secret="), "{uri}");
    assert!(setup["qr_svg"].as_str().unwrap().contains("<svg"));
    // Row-level security shows an authenticator only to work done for its person, and what is
    // stored is sealed: the secret's bytes are not in it.
    let mut conn = app.owner_conn().await;
    let read = "SELECT sealed_secret FROM user_totp";
    let stored: Vec<Vec<u8>> = sqlx::query_scalar(read).fetch_all(&mut conn).await.unwrap();
    assert!(stored.is_empty(), "nobody's authenticator is visible without acting for them");
    let me = admin.json("/api/v1/me").await["user"]["id"].as_str().unwrap().to_owned();
    sqlx::query("SELECT set_config('app.user_id', $1, false)").bind(&me).execute(&mut conn).await.unwrap();
    let stored: Vec<Vec<u8>> = sqlx::query_scalar(read).fetch_all(&mut conn).await.unwrap();
    assert_eq!(stored.len(), 1);
    assert!(!stored[0].windows(secret.len()).any(|w| w == secret.as_slice()), "sealed at rest");

    // A wrong first code keeps 2FA off, under the field.
    let r = admin.post("/api/v1/me/2fa/totp/confirm", &json!({"code": wrong_code(&secret)})).await;
    assert_eq!(problem(r, 400).await["errors"][0]["field"], "code");
    assert_eq!(admin.json("/api/v1/me").await["two_factor_enabled"], false);
    let r = admin.post("/api/v1/me/2fa/totp/confirm", &json!({"code": code(&secret, 0)})).await;
    let codes: Value = r.json().await.unwrap();
    let codes: Vec<String> = codes["codes"].as_array().unwrap().iter().map(|c| c.as_str().unwrap().into()).collect();
    assert_eq!(codes.len(), 10);
    assert_eq!(admin.json("/api/v1/me").await["two_factor_enabled"], true);
    problem(admin.post("/api/v1/me/2fa/totp", &json!({})).await, 409).await;

    // The password alone opens nothing; the code used to confirm (same step) is spent.
    let pending = first_step(&app, "admin@a.test").await;
    assert_eq!(second_step(pending, &code(&secret, 0)).await.err(), Some(401), "a replayed code is refused");
    let pending = first_step(&app, "admin@a.test").await;
    let logged = second_step(pending, &code(&secret, 1)).await.expect("the next step's code opens a session");
    assert_eq!(logged.json("/api/v1/me").await["user"]["email"], "admin@a.test");
    let pending = first_step(&app, "admin@a.test").await;
    assert_eq!(second_step(pending, &code(&secret, 1)).await.err(), Some(401), "spent once");

    // A recovery code, typed loosely, works once.
    let pending = first_step(&app, "admin@a.test").await;
    second_step(pending, &format!(" {} ", codes[0].to_lowercase())).await.expect("a recovery code");
    let pending = first_step(&app, "admin@a.test").await;
    assert_eq!(second_step(pending, &codes[0]).await.err(), Some(401), "a recovery code is single-use");

    // Without the pending login's cookie there is nothing to complete.
    let r = app.anonymous().post("/api/v1/auth/login/2fa", &json!({"code": code(&secret, 1)})).await;
    assert!(problem(r, 401).await["detail"].as_str().unwrap().contains("expiré"));

    let actions = audit_actions(&app, schools.a).await;
    for action in ["user.two_factor_enabled", "session.login_with_recovery_code"] {
        assert!(actions.iter().any(|a| a == action), "{action} audited: {actions:?}");
    }
}

#[tokio::test]
async fn wrong_codes_count_in_the_login_limits() {
    let app = spawn_app_with(&[("VOLANT_LOGIN_LIMIT_PER_EMAIL", "3")], Default::default()).await;
    app.seed_schools().await;
    let (secret, _) = enable(&app.login_as(Role::Secretary, 'a').await).await;
    let pending = first_step(&app, "secretary@a.test").await;
    for _ in 0..3 {
        let r = pending.post("/api/v1/auth/login/2fa", &json!({"code": wrong_code(&secret)})).await;
        assert_eq!(r.status(), 401);
    }
    let r = pending.post("/api/v1/auth/login/2fa", &json!({"code": code(&secret, 1)})).await;
    assert_eq!(r.status(), 429, "even a right code waits once the limit is reached");
    assert!(r.headers().contains_key("retry-after"));
}

#[tokio::test]
async fn turning_2fa_off_takes_the_password_and_a_code() {
    let app = spawn_app().await;
    let schools = app.seed_schools().await;
    let admin = app.login_as(Role::Admin, 'a').await;
    let (secret, codes) = enable(&admin).await;
    let off = |password: &str, code: &str| json!({"password": password, "code": code});
    let r = admin.send(Method::DELETE, "/api/v1/me/2fa", Some(&off("faux", &code(&secret, 1)))).await;
    assert_eq!(problem(r, 400).await["errors"][0]["field"], "password");
    let r = admin.send(Method::DELETE, "/api/v1/me/2fa", Some(&off(PASSWORD, &wrong_code(&secret)))).await;
    assert_eq!(problem(r, 400).await["errors"][0]["field"], "code");
    assert_eq!(admin.json("/api/v1/me").await["two_factor_enabled"], true);
    let r = admin.send(Method::DELETE, "/api/v1/me/2fa", Some(&off(PASSWORD, &codes[3]))).await;
    assert_eq!(r.status(), 204);
    assert_eq!(admin.json("/api/v1/me").await["two_factor_enabled"], false);
    app.login("admin@a.test").await;
    assert!(audit_actions(&app, schools.a).await.iter().any(|a| a == "user.two_factor_disabled"));
}

#[tokio::test]
async fn an_invitation_does_not_skip_the_second_factor() {
    let app = spawn_app().await;
    app.seed_schools().await;
    let (secret, _) = enable(&app.login_as(Role::Instructor, 'a').await).await;
    let admin_b = app.login_as(Role::Admin, 'b').await;
    let r = admin_b.post("/api/v1/invitations", &json!({"email": "instructor@a.test", "role": "SECRETARY"})).await;
    assert_eq!(r.status(), 201);
    let mail = app.smtp.wait_for("instructor@a.test").await;
    let token = link_in(&mail, &app.base).split("token=").nth(1).unwrap().trim().to_owned();
    let api = app.anonymous();
    let r = api.post("/api/v1/invitations/accept", &json!({"token": token, "password": PASSWORD})).await;
    assert_eq!(r.json::<Value>().await.unwrap(), json!({"two_factor_required": true}));
    assert_eq!(api.get("/api/v1/me").await.status(), 401);
    let api = second_step(api, &code(&secret, 1)).await.expect("the second step");
    let me = api.json("/api/v1/me").await;
    assert_eq!(me["memberships"].as_array().unwrap().len(), 2, "the invitation was accepted");
}

#[tokio::test]
async fn a_person_lists_their_sessions_and_revokes_one_or_all_others() {
    let app = spawn_app().await;
    app.seed_schools().await;
    let phone = app.login("admin@a.test").await;
    let laptop = app.login("admin@a.test").await;
    let tablet = app.login("admin@a.test").await;
    let list = laptop.json("/api/v1/me/sessions").await;
    let items = list["items"].as_array().unwrap();
    assert_eq!(items.len(), 3);
    assert_eq!(items[0]["current"], true, "this one first");
    assert!(items[1..].iter().all(|s| s["current"] == false));
    assert_eq!(items[0]["tenant_name"], "École A");
    assert!(items[0]["device"].is_string() && items[0]["last_seen_at"].is_string());
    // Another person's session is not mine to close: 404, and it still works.
    let other = app.login("admin@b.test").await;
    let other_id = other.json("/api/v1/me/sessions").await["items"][0]["id"].as_str().unwrap().to_owned();
    let r = laptop.send(Method::DELETE, &format!("/api/v1/me/sessions/{other_id}"), None).await;
    problem(r, 404).await;
    assert_eq!(other.get("/api/v1/me").await.status(), 200);
    // Closing the phone's session takes effect on its next request.
    let phone_id = phone.json("/api/v1/me/sessions").await["items"][0]["id"].as_str().unwrap().to_owned();
    let r = laptop.send(Method::DELETE, &format!("/api/v1/me/sessions/{phone_id}"), None).await;
    assert_eq!(r.status(), 204);
    assert_eq!(phone.get("/api/v1/me").await.status(), 401);
    problem(laptop.send(Method::DELETE, &format!("/api/v1/me/sessions/{phone_id}"), None).await, 404).await;
    // All others.
    assert_eq!(laptop.send(Method::DELETE, "/api/v1/me/sessions", None).await.status(), 204);
    assert_eq!(tablet.get("/api/v1/me").await.status(), 401);
    assert_eq!(laptop.json("/api/v1/me/sessions").await["items"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn a_school_that_requires_2fa_for_admins_lets_them_work_only_once_it_is_on() {
    let app = spawn_app().await;
    app.seed_schools().await;
    let admin = app.login_as(Role::Admin, 'a').await;
    let mut settings = admin.json("/api/v1/settings").await;
    settings["two_factor"] = json!("admins");
    let r = admin.send(Method::PUT, "/api/v1/settings", Some(&settings)).await;
    assert_eq!(r.status(), 200, "{:?}", r.text().await);

    // The session opened without a second factor: only the account's pages answer.
    let refused = problem(admin.get("/api/v1/students").await, 403).await;
    assert_eq!(refused["type"], "https://volant.app/problems/second-factor-required");
    assert!(refused["detail"].as_str().unwrap().contains("Mon compte"));
    assert_eq!(admin.get("/api/v1/me").await.status(), 200);
    assert_eq!(admin.get("/api/v1/me/sessions").await.status(), 200);
    // The secretariat is not concerned.
    let secretary = app.login_as(Role::Secretary, 'a').await;
    assert_eq!(secretary.get("/api/v1/students").await.status(), 200);

    // Turning 2FA on in this session proves the second factor: work resumes.
    let (secret, _) = enable(&admin).await;
    assert_eq!(admin.get("/api/v1/students").await.status(), 200);
    // A new login needs both steps, then works; the rule holds for every admin session.
    let pending = first_step(&app, "admin@a.test").await;
    let again = second_step(pending, &code(&secret, 1)).await.unwrap();
    assert_eq!(again.get("/api/v1/students").await.status(), 200);
    // Another school's admin is not concerned by school A's rule.
    assert_eq!(app.login_as(Role::Admin, 'b').await.get("/api/v1/students").await.status(), 200);
}

async fn login_from(app: &TestApp, email: &str, user_agent: &str) {
    let client = reqwest::Client::builder().cookie_store(true).user_agent(user_agent).build().unwrap();
    let api = Api { base: app.base.clone(), client, csrf: None };
    let r = api.post("/api/v1/auth/login", &json!({"email": email, "password": PASSWORD})).await;
    assert_eq!(r.status(), 200);
}

#[tokio::test]
async fn a_login_from_a_new_device_is_mailed_to_the_person_once() {
    const FIREFOX_LINUX: &str = "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0";
    const CHROME_ANDROID: &str = "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36";
    let app = spawn_app().await;
    app.seed_schools().await;
    login_from(&app, "secretary@a.test", FIREFOX_LINUX).await;
    login_from(&app, "secretary@a.test", FIREFOX_LINUX).await;
    login_from(&app, "secretary@a.test", CHROME_ANDROID).await;
    let mail = app.smtp.wait_for("Nouvelle connexion").await;
    assert!(mail.contains("To: secretary@a.test"), "{mail}");
    let text = decode_qp(&mail);
    assert!(text.contains("Chrome sur Android") && text.contains("Mes sessions"), "{text}");
    login_from(&app, "secretary@a.test", CHROME_ANDROID).await;
    app.wait_jobs_idle().await;
    let warnings = app.smtp.messages().iter().filter(|m| m.contains("Nouvelle connexion")).count();
    assert_eq!(warnings, 1, "the first login ever and a known device are no news");
}

#[tokio::test]
async fn passkey_ceremonies_ask_for_user_verification_and_refuse_what_they_cannot_check() {
    let app = spawn_app().await;
    app.seed_schools().await;
    let admin = app.login_as(Role::Admin, 'a').await;
    // Adding: the options name the relying party (loopback → localhost), the person, and require
    // a key the browser can find by itself, unlocked by the person.
    let started: Value = admin.post("/api/v1/me/passkeys/options", &json!({})).await.json().await.unwrap();
    let options = &started["options"]["publicKey"];
    assert_eq!(options["rp"]["id"], "localhost");
    assert_eq!(options["user"]["name"], "admin@a.test");
    assert_eq!(options["authenticatorSelection"]["userVerification"], "required");
    assert_eq!(options["authenticatorSelection"]["residentKey"], "required", "a key the browser finds by itself");
    assert!(options["challenge"].as_str().unwrap().len() >= 40);
    // An answer that is not a credential is refused in French, and spends the ceremony.
    let ceremony = started["ceremony"].as_str().unwrap();
    let body = json!({"ceremony": ceremony, "name": "Téléphone", "credential": {"id": "forged"}});
    let refused = problem(admin.post("/api/v1/me/passkeys", &body).await, 422).await;
    assert!(refused["detail"].as_str().unwrap().contains("clé d'accès"), "{refused}");
    let again = problem(admin.post("/api/v1/me/passkeys", &body).await, 422).await;
    assert!(again["detail"].as_str().unwrap().contains("recommencez depuis le début"), "single use: {again}");
    // A nameless key is refused under its field before anything else.
    let started: Value = admin.post("/api/v1/me/passkeys/options", &json!({})).await.json().await.unwrap();
    let nameless = json!({"ceremony": started["ceremony"], "name": "  ", "credential": {}});
    assert_eq!(problem(admin.post("/api/v1/me/passkeys", &nameless).await, 400).await["errors"][0]["field"], "name");
    assert_eq!(admin.json("/api/v1/me/passkeys").await["items"], json!([]));
    problem(admin.send(Method::DELETE, &format!("/api/v1/me/passkeys/{}", uuid::Uuid::new_v4()), None).await, 404)
        .await;

    // Logging in: anyone may start; a forged answer opens no session.
    let visitor = app.anonymous();
    let started: Value = visitor.post("/api/v1/auth/passkey/options", &json!({})).await.json().await.unwrap();
    assert_eq!(started["options"]["publicKey"]["rpId"], "localhost");
    let forged = json!({"ceremony": started["ceremony"], "credential": {"id": "AAAA", "rawId": "AAAA", "type": "public-key",
        "response": {"authenticatorData": "AAAA", "clientDataJSON": "AAAA", "signature": "AAAA", "userHandle": "AAAA"}}});
    problem(visitor.post("/api/v1/auth/passkey", &forged).await, 422).await;
    assert_eq!(visitor.get("/api/v1/me").await.status(), 401);
    let unknown = json!({"ceremony": "inconnue", "credential": {}});
    problem(visitor.post("/api/v1/auth/passkey", &unknown).await, 422).await;
}
