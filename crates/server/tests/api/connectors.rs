//! The connectors framework and the ANTS adapter, against `volant simulate ants` over real HTTP:
//! a dossier's whole life, every fault kind ending in a retried success or a clear failure (never
//! a lost or doubled filing), the circuit breaker, secrets that never show and survive a key
//! rotation, and another school that sees nothing.

use std::time::Duration;

use reqwest::Method;
use serde_json::{Value, json};
use tokio::sync::watch;
use volant::{app::Server, config::Settings, simulate::ants::AntsSimulator};
use volant_domain::role::Role;

use crate::helpers::*;

const CLIENT_ID: &str = "ecole-a";
const SECRET: &str = "s3cr3t-client-ANTS-qui-ne-doit-jamais-sortir";
const PDF: &[u8] = b"%PDF-1.4 une piece";

async fn simulator() -> AntsSimulator {
    AntsSimulator::start(CLIENT_ID.into(), SECRET.into()).await.unwrap()
}

async fn configure(admin: &Api, sim: &AntsSimulator) -> Value {
    let body = json!({"base_url": sim.url, "client_id": CLIENT_ID, "client_secret": SECRET});
    let r = admin.send(Method::PUT, "/api/v1/connectors/ants", Some(&body)).await;
    assert_eq!(r.status(), 200, "{:?}", r.text().await);
    r.json().await.unwrap()
}

/// An adult without NEPH whose file holds an ID and an e-photo, but no proof of address.
async fn student_without_proof_of_address(office: &Api) -> String {
    student_holding(office, "Lina", &["id_card", "photo_signature"]).await
}

/// An adult named `first` Durand, born in 1995, whose file holds documents of these kinds.
async fn student_holding(office: &Api, first: &str, kinds: &[&str]) -> String {
    let body = json!({"first_name": first, "last_name": "Durand", "birth_date": "1995-06-12"});
    let student = id(&created(office.post("/api/v1/students", &body).await).await);
    for kind in kinds {
        let r = upload(office, &student, kind, &format!("{kind}.pdf"), PDF, &[]).await;
        assert_eq!(r.status(), 201);
    }
    student
}

async fn faults(sim: &AntsSimulator, body: Value) {
    let r = new_client().post(format!("{}/_simulator/faults", sim.url)).json(&body).send().await.unwrap();
    assert_eq!(r.status(), 204);
}

async fn sim_dossiers(sim: &AntsSimulator) -> Vec<Value> {
    let r = new_client().get(format!("{}/_simulator/dossiers", sim.url)).send().await.unwrap();
    r.json::<Value>().await.unwrap()["items"].as_array().unwrap().clone()
}

/// Asks for a sync and waits for its job.
async fn sync(app: &TestApp, office: &Api, student: &str) -> Value {
    let r = office.post(&format!("/api/v1/students/{student}/ants/sync"), &json!({})).await;
    assert_eq!(r.status(), 202, "{:?}", r.text().await);
    settled(app, office, student).await
}

/// The dossier once nothing is on its way any more.
async fn settled(app: &TestApp, office: &Api, student: &str) -> Value {
    for _ in 0..300 {
        app.wait_jobs_idle().await;
        let d = office.json(&format!("/api/v1/students/{student}/ants")).await;
        if d["pending"].is_null() {
            return d;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the ANTS request never settled");
}

#[tokio::test]
async fn a_dossier_is_filed_completed_and_validated_and_the_neph_reaches_the_file() {
    let app = spawn_app().await;
    app.seed_schools().await;
    let sim = simulator().await;
    let admin = app.login_as(Role::Admin, 'a').await;
    let secretary = app.login_as(Role::Secretary, 'a').await;
    let student = student_without_proof_of_address(&secretary).await;
    let ants = format!("/api/v1/students/{student}/ants");

    // Without a connector, the office is told who can set it up; manual entry is untouched.
    let list = secretary.json("/api/v1/connectors").await;
    assert_eq!(list["items"][0]["status"], "not_configured", "{list}");
    let p = problem(secretary.post(&format!("{ants}/submit"), &json!({})).await, 422).await;
    assert_eq!(p["rules"][0]["code"], "ants_connector");
    assert!(p["detail"].as_str().unwrap().contains("administrateur"), "{p}");

    let view = configure(&admin, &sim).await;
    assert_eq!((view["status"].as_str(), view["client_secret_set"].as_bool()), (Some("connected"), Some(true)));
    let test = admin.post("/api/v1/connectors/ants/test", &json!({})).await.json::<Value>().await.unwrap();
    assert_eq!(test["ok"], true, "{test}");

    // The draft says what the platform will miss; filing goes through a job.
    let d = secretary.json(&ants).await;
    assert_eq!((d["status"].as_str(), d["may_submit"].as_bool()), (Some("draft"), Some(true)));
    assert_eq!(d["missing_documents"], json!(["proof_of_address"]), "{d}");
    let r = secretary.post(&format!("{ants}/submit"), &json!({})).await;
    assert_eq!(r.status(), 202);
    assert_eq!(r.json::<Value>().await.unwrap()["pending"], "submit");
    let d = settled(&app, &secretary, &student).await;
    assert_eq!(d["status"], "submitted", "{d}");
    assert!(d["remote_id"].as_str().unwrap().starts_with("ANTS-"));
    assert_eq!(d["documents"].as_array().unwrap().len(), 2, "the ID and the e-photo were sent");
    let file = secretary.json(&format!("/api/v1/students/{student}")).await;
    assert_eq!(file["ants_status"], "submitted");
    let p = problem(secretary.post(&format!("{ants}/submit"), &json!({})).await, 422).await;
    assert_eq!(p["rules"][0]["code"], "ants_status", "filed: the platform decides now");

    // The platform reviews, then finds the proof of address missing: the office's alert names it.
    assert_eq!(sync(&app, &secretary, &student).await["status"], "in_review");
    let d = sync(&app, &secretary, &student).await;
    assert_eq!(d["status"], "incomplete", "{d}");
    assert_eq!(d["reasons"], json!([{"document": "proof_of_address", "message": "pièce manquante"}]));
    let alerts = secretary.json("/api/v1/alerts").await;
    let alert = alerts["items"].as_array().unwrap().iter().find(|a| a["code"] == "ants_incomplete").expect("an alert");
    assert_eq!(alert["student_id"], student.as_str());
    let message = alert["message"].as_str().unwrap();
    assert!(
        message.contains("Lina Durand") && message.contains("Justificatif de domicile : pièce manquante"),
        "{message}"
    );

    // The office uploads it and files the completed dossier; the platform validates with a NEPH.
    let today = chrono::Utc::now().date_naive().to_string();
    let r = upload(&secretary, &student, "proof_of_address", "facture.pdf", PDF, &[("issued_on", &today)]).await;
    assert_eq!(r.status(), 201);
    let r = secretary.post(&format!("{ants}/submit"), &json!({})).await;
    assert_eq!(r.json::<Value>().await.unwrap()["pending"], "resubmit");
    assert_eq!(settled(&app, &secretary, &student).await["status"], "submitted");
    sync(&app, &secretary, &student).await;
    let d = sync(&app, &secretary, &student).await;
    assert_eq!(d["status"], "validated", "{d}");
    let neph = d["neph"].as_str().unwrap().to_owned();
    assert!(neph.len() == 12 && neph.bytes().all(|b| b.is_ascii_digit()), "{neph}");
    let file = secretary.json(&format!("/api/v1/students/{student}")).await;
    assert_eq!((file["ants_status"].as_str(), file["neph"].as_str()), (Some("validated"), Some(neph.as_str())));
    assert!(!secretary.json("/api/v1/alerts").await.to_string().contains("ants_incomplete"));

    // One dossier on the platform, filed twice (first and completed); the history tells the story.
    let on_platform = sim_dossiers(&sim).await;
    assert_eq!(on_platform.len(), 1);
    assert_eq!(on_platform[0]["filings"], 2);
    let steps: Vec<(String, String)> = d["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| (h["source"].as_str().unwrap().to_owned(), h["status"].as_str().unwrap().to_owned()))
        .collect();
    let remote: Vec<&str> = steps.iter().filter(|(s, _)| s == "remote").map(|(_, st)| st.as_str()).collect();
    assert_eq!(remote, ["submitted", "in_review", "incomplete", "submitted", "in_review", "validated"]);
    let audit = admin.json(&format!("/api/v1/audit-log?entity_id={student}")).await.to_string();
    assert!(audit.contains("student.registration") && audit.contains(&neph), "the NEPH written is audited");

    // Another school sees neither the dossier nor the connector; its own is not configured.
    let admin_b = app.login_as(Role::Admin, 'b').await;
    problem(admin_b.get(&ants).await, 404).await;
    problem(admin_b.post(&format!("{ants}/sync"), &json!({})).await, 404).await;
    assert_eq!(admin_b.json("/api/v1/connectors").await["items"][0]["status"], "not_configured");
    assert_eq!(admin_b.json("/api/v1/connectors/ants/events").await["items"], json!([]));
    let events = admin.json("/api/v1/connectors/ants/events?limit=200").await;
    let operations: Vec<&str> =
        events["items"].as_array().unwrap().iter().map(|e| e["operation"].as_str().unwrap()).collect();
    assert_eq!(operations.iter().filter(|o| **o == "token").count(), 1, "one token serves every call: {operations:?}");
    assert_eq!(operations.iter().filter(|o| **o == "sync").count(), 4);
}

#[tokio::test]
async fn a_file_registered_by_hand_is_not_filed_again_and_keeps_its_neph() {
    let app = spawn_app().await;
    app.seed_schools().await;
    let fx = app.fixtures('a').await;
    let sim = simulator().await;
    let admin = app.login_as(Role::Admin, 'a').await;
    configure(&admin, &sim).await;
    // The fixture student was entered `validated` with a NEPH, without any connector.
    let d = admin.json(&format!("/api/v1/students/{}/ants", fx.student)).await;
    assert_eq!((d["status"].as_str(), d["may_submit"].as_bool()), (Some("draft"), Some(false)), "{d}");
    let file = admin.json(&format!("/api/v1/students/{}", fx.student)).await;
    assert_eq!((file["ants_status"].as_str(), file["neph"].as_str()), (Some("validated"), Some("123456789012")));
}

#[tokio::test]
async fn every_fault_ends_in_a_retried_success_or_a_clear_failure_and_nothing_is_filed_twice() {
    let vars = [
        ("VOLANT_CONNECTOR_TIMEOUT_MS", "400"),
        ("VOLANT_CONNECTOR_CIRCUIT_THRESHOLD", "3"),
        ("VOLANT_CONNECTOR_CIRCUIT_COOLDOWN_MS", "400"),
        ("VOLANT_JOB_BACKOFF_MS", "20"),
    ];
    let app = spawn_app_with(&vars, Default::default()).await;
    app.seed_schools().await;
    let sim = simulator().await;
    let admin = app.login_as(Role::Admin, 'a').await;
    configure(&admin, &sim).await;
    let student = student_without_proof_of_address(&admin).await;
    let ants = format!("/api/v1/students/{student}/ants");

    // Two 500s, then a slow answer the client gives up on (the platform filed it meanwhile), then
    // a rate limit: the job retries with the same key and the platform holds one dossier.
    faults(&sim, json!({"fail_next": 2, "kind": "server_error"})).await;
    admin.post(&format!("{ants}/submit"), &json!({})).await;
    let d = settled(&app, &admin, &student).await;
    assert_eq!((d["status"].as_str(), d["last_error"].as_str()), (Some("submitted"), None), "{d}");
    assert_eq!(sim_dossiers(&sim).await.len(), 1);

    let events = admin.json("/api/v1/connectors/ants/events?limit=200").await;
    let failed = events["items"].as_array().unwrap().iter().filter(|e| e["ok"] == false).count();
    assert!(failed >= 2, "{events}");
    let fault = events["items"].as_array().unwrap().iter().find(|e| e["status_code"] == 500).unwrap();
    assert!(fault["error"].as_str().unwrap().contains("en panne (erreur 500)"), "{fault}");

    disarm(&sim).await;
    let second = student_holding(&admin, "Noé", &["id_card"]).await;
    faults(&sim, json!({"fail_next": 1, "kind": "slow", "delay_ms": 1200})).await;
    admin.post(&format!("/api/v1/students/{second}/ants/submit"), &json!({})).await;
    let d = settled(&app, &admin, &second).await;
    assert_eq!(d["status"], "submitted", "{d}");
    let filed: Vec<_> = sim_dossiers(&sim).await.into_iter().filter(|x| x["reference"] == second.as_str()).collect();
    assert_eq!(filed.len(), 1, "the timed-out filing was not made twice");
    assert_eq!(filed[0]["filings"], 1);

    faults(&sim, json!({"fail_next": 1, "kind": "rate_limit"})).await;
    assert_eq!(sync(&app, &admin, &second).await["status"], "in_review");

    // An expired token is taken again at once, within the same attempt.
    faults(&sim, json!({"fail_next": 1, "kind": "expired_token"})).await;
    let d = sync(&app, &admin, &student).await;
    assert_eq!((d["status"].as_str(), d["last_error"].as_str()), (Some("in_review"), None), "{d}");

    // A refusal is final: no retry, the platform's words in French, the connection still healthy.
    let remote_id = d["remote_id"].as_str().unwrap().to_owned();
    decide(
        &sim,
        &remote_id,
        json!({"status": "incomplete", "reasons": [{"document": "id_card", "message": "illisible"}]}),
    )
    .await;
    assert_eq!(sync(&app, &admin, &student).await["status"], "incomplete");
    decide(&sim, &remote_id, json!({"status": "in_review"})).await;
    admin.post(&format!("{ants}/submit"), &json!({})).await;
    let d = settled(&app, &admin, &student).await;
    let error = d["last_error"].as_str().unwrap();
    assert!(error.starts_with("ANTS refuse la demande"), "{error}");
    assert_eq!(admin.json("/api/v1/connectors").await["items"][0]["status"], "connected");

    // Credentials that expired on the platform: the connector is failing with a message that says
    // who can fix it, the circuit opens, and the request ends after its last attempt.
    faults(&sim, json!({"fail_next": 1000, "kind": "invalid_credentials"})).await;
    let r = admin.post(&format!("/api/v1/students/{second}/ants/sync"), &json!({})).await;
    assert_eq!(r.status(), 202);
    let d = settled(&app, &admin, &second).await;
    let error = d["last_error"].as_str().unwrap();
    assert!(error.starts_with("Abandon après 8 tentatives."), "{error}");
    let c = admin.json("/api/v1/connectors").await["items"][0].clone();
    assert_eq!(c["status"], "failing");
    assert!(c["last_error"].as_str().unwrap().contains("identifiants"), "{c}");
    let alerts = admin.json("/api/v1/alerts").await;
    assert!(alerts["items"].as_array().unwrap().iter().any(|a| a["code"] == "connector_failing"), "{alerts}");
    let test = admin.post("/api/v1/connectors/ants/test", &json!({})).await.json::<Value>().await.unwrap();
    assert_eq!(test["ok"], false);
    let message = test["message"].as_str().unwrap();
    assert!(message.contains("plusieurs fois") || message.contains("identifiants"), "{message}");

    // The platform recovers: once the cooldown is over, one trial call closes the circuit.
    disarm(&sim).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    let test = admin.post("/api/v1/connectors/ants/test", &json!({})).await.json::<Value>().await.unwrap();
    assert_eq!(test["ok"], true, "{test}");
    let c = &test["connector"];
    assert_eq!((c["status"].as_str(), c["circuit_open_until"].as_str()), (Some("connected"), None), "{c}");
    assert_eq!(sync(&app, &admin, &second).await["last_error"], Value::Null);
}

#[tokio::test]
async fn the_circuit_opens_after_repeated_faults_and_calls_then_fail_fast() {
    let vars = [("VOLANT_CONNECTOR_CIRCUIT_THRESHOLD", "2"), ("VOLANT_CONNECTOR_CIRCUIT_COOLDOWN_MS", "60000")];
    let app = spawn_app_with(&vars, Default::default()).await;
    app.seed_schools().await;
    let sim = simulator().await;
    let admin = app.login_as(Role::Admin, 'a').await;
    configure(&admin, &sim).await;
    faults(&sim, json!({"fail_next": 2, "kind": "server_error"})).await;
    for _ in 0..2 {
        let test = admin.post("/api/v1/connectors/ants/test", &json!({})).await.json::<Value>().await.unwrap();
        assert_eq!(test["ok"], false);
    }
    let c = admin.json("/api/v1/connectors").await["items"][0].clone();
    assert!(c["circuit_open_until"].is_string(), "{c}");
    // The platform is fine again, but the circuit spares it for the cooldown: no call is made.
    let before = admin.json("/api/v1/connectors/ants/events").await["items"].as_array().unwrap().len();
    let test = admin.post("/api/v1/connectors/ants/test", &json!({})).await.json::<Value>().await.unwrap();
    assert!(test["message"].as_str().unwrap().contains("plusieurs fois de suite"), "{test}");
    let after = admin.json("/api/v1/connectors/ants/events").await["items"].as_array().unwrap().len();
    assert_eq!(before, after, "no call reached the platform");
    // A new configuration (the admin fixed something) gives the connection a fresh start.
    let version = c["version"].as_i64().unwrap();
    let body = json!({"base_url": sim.url, "client_id": CLIENT_ID, "version": version});
    let r = admin.send(Method::PUT, "/api/v1/connectors/ants", Some(&body)).await;
    assert_eq!(r.status(), 200);
    let test = admin.post("/api/v1/connectors/ants/test", &json!({})).await.json::<Value>().await.unwrap();
    assert_eq!(test["ok"], true, "the stored secret was kept: {test}");
    // A stale version is refused.
    let r = admin.send(Method::PUT, "/api/v1/connectors/ants", Some(&body)).await;
    assert_eq!(r.status(), 412);
}

#[tokio::test]
async fn a_secret_never_shows_and_stays_readable_across_a_key_rotation() {
    let app = spawn_app().await;
    let schools = app.seed_schools().await;
    let sim = simulator().await;
    let admin = app.login_as(Role::Admin, 'a').await;
    let bad = json!({"base_url": "ftp://ants", "client_secret": "x".repeat(501)});
    let p = problem(admin.send(Method::PUT, "/api/v1/connectors/ants", Some(&bad)).await, 400).await;
    assert!(p.to_string().contains("base_url") && p.to_string().contains("client_secret"), "{p}");
    configure(&admin, &sim).await;
    admin.post("/api/v1/connectors/ants/test", &json!({})).await;

    // Not in the answers, the exchange log, the audit log, nor the database in clear.
    for path in ["/api/v1/connectors", "/api/v1/connectors/ants/events", "/api/v1/audit-log"] {
        let text = admin.json(path).await.to_string();
        assert!(!text.contains(SECRET), "{path} shows the secret");
    }
    let sealed = stored_secret(&app, schools.a).await;
    assert!(!sealed.is_empty() && !sealed.windows(SECRET.len()).any(|w| w == SECRET.as_bytes()));

    // The key rotates: the old one becomes a previous key, every secret is sealed again, and a
    // server that knows only the new key still reaches the platform.
    let new_key = "une-nouvelle-cle-secrete-de-plus-de-trente-deux-caracteres";
    let rotated = settings_with(
        &app,
        &[("VOLANT_SECRET_KEY", new_key), ("VOLANT_PREVIOUS_SECRET_KEYS", app.settings.secret_key.expose())],
    );
    let count = volant::connectors::service::rotate_secrets(&app.pool, &rotated).await.unwrap();
    assert_eq!(count, 1);
    assert_ne!(stored_secret(&app, schools.a).await, sealed);
    let only_new = settings_with(&app, &[("VOLANT_SECRET_KEY", new_key)]);
    let (base, _stop) = second_server(&app, only_new).await;
    let admin2 = login_on(&base, &email(Role::Admin, 'a')).await;
    let test = admin2.post("/api/v1/connectors/ants/test", &json!({})).await.json::<Value>().await.unwrap();
    assert_eq!(test["ok"], true, "{test}");
}

/// The sealed secrets as stored (read as the owner, inside the school).
async fn stored_secret(app: &TestApp, tenant: volant_domain::ids::TenantId) -> Vec<u8> {
    use sqlx::Connection;
    let mut owner = app.owner_conn().await;
    let mut tx = owner.begin().await.unwrap();
    sqlx::query("SELECT set_config('app.tenant_id', $1, true)")
        .bind(tenant.to_string())
        .execute(&mut *tx)
        .await
        .unwrap();
    sqlx::query_scalar("SELECT secrets FROM connectors").fetch_one(&mut *tx).await.unwrap()
}

async fn decide(sim: &AntsSimulator, remote_id: &str, body: Value) {
    let url = format!("{}/_simulator/dossiers/{remote_id}/decide", sim.url);
    let r = new_client().post(url).json(&body).send().await.unwrap();
    assert_eq!(r.status(), 200);
}

/// Disarms the fault (the dossiers stay).
async fn disarm(sim: &AntsSimulator) {
    faults(sim, json!({"fail_next": 0, "kind": "server_error"})).await;
}

fn settings_with(app: &TestApp, vars: &[(&str, &str)]) -> Settings {
    let mut settings = app.settings.clone();
    let map: std::collections::HashMap<String, String> =
        vars.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect();
    let read = Settings::from_map(&map).unwrap();
    settings.secret_key = read.secret_key;
    settings.previous_secret_keys = read.previous_secret_keys;
    settings
}

/// Another server on the same database (another instance, or the same after a restart).
async fn second_server(app: &TestApp, settings: Settings) -> (String, watch::Sender<bool>) {
    let server = Server::bind(settings, app.pool.clone(), None).await.unwrap();
    let base = format!("http://{}", server.addr);
    let (tx, rx) = watch::channel(false);
    tokio::spawn(server.run(rx));
    (base, tx)
}

async fn login_on(base: &str, email: &str) -> Api {
    let mut api = Api { base: base.to_owned(), client: new_client(), csrf: None };
    let r = api.post("/api/v1/auth/login", &json!({"email": email, "password": PASSWORD})).await;
    assert_eq!(r.status(), 200);
    api.csrf = Some(r.json::<Value>().await.unwrap()["csrf_token"].as_str().unwrap().to_owned());
    api
}

/// The admin's browser through RdvPermis's consent page: `decision` is `allow` or `deny`; returns
/// where our callback sends the browser back.
pub async fn consent(admin: &Api, decision: &str) -> String {
    let r = admin.get("/api/v1/connectors/rdvpermis/authorize").await;
    assert_eq!(r.status(), 303);
    let page = reqwest::Url::parse(r.headers()["location"].to_str().unwrap()).unwrap();
    let query: std::collections::HashMap<String, String> = page.query_pairs().into_owned().collect();
    assert!(query["scope"].contains("livret_numerique:write") && query["scope"].contains("offline_access"));
    let html = new_client().get(page.clone()).send().await.unwrap().text().await.unwrap();
    assert!(html.contains("Autoriser"), "{html}");
    let form = [
        ("redirect_uri", query["redirect_uri"].as_str()),
        ("state", query["state"].as_str()),
        ("client_id", query["client_id"].as_str()),
        ("decision", decision),
    ];
    let back = new_client().post(page.join("/oauth/authorize").unwrap()).form(&form).send().await.unwrap();
    let back = reqwest::Url::parse(back.headers()["location"].to_str().unwrap()).unwrap();
    let r = admin.get(&format!("{}?{}", back.path(), back.query().unwrap_or_default())).await;
    assert_eq!(r.status(), 303);
    r.headers()["location"].to_str().unwrap().to_owned()
}

async fn sim_stats(sim: &volant::simulate::rdvpermis::RdvPermisSimulator) -> Value {
    new_client().get(format!("{}/_simulator/stats", sim.url)).send().await.unwrap().json().await.unwrap()
}

async fn sim_post(sim: &volant::simulate::rdvpermis::RdvPermisSimulator, path: &str, body: Value) {
    let r = new_client().post(format!("{}{path}", sim.url)).json(&body).send().await.unwrap();
    assert_eq!(r.status(), 204, "{path}");
}

#[tokio::test]
async fn rdvpermis_is_granted_by_oauth_and_its_token_refreshed_before_expiry_after_a_401_and_until_withdrawn() {
    let app = spawn_app().await;
    app.seed_schools().await;
    let sim = volant::simulate::rdvpermis::RdvPermisSimulator::start(CLIENT_ID.into(), SECRET.into()).await.unwrap();
    let admin = app.login_as(Role::Admin, 'a').await;
    let p = problem(admin.get("/api/v1/connectors/rdvpermis/authorize").await, 422).await;
    assert_eq!(p["rules"][0]["code"], "connector_settings");
    let body = json!({"base_url": sim.url, "client_id": CLIENT_ID, "client_secret": SECRET});
    let view: Value = admin.send(Method::PUT, "/api/v1/connectors/rdvpermis", Some(&body)).await.json().await.unwrap();
    assert_eq!(view["authorized"], false, "{view}");

    // The admin refuses, then consents: the code is traded once for the grant.
    assert_eq!(consent(&admin, "deny").await, "/connecteurs?rdvpermis=refused");
    assert_eq!(consent(&admin, "allow").await, "/connecteurs?rdvpermis=connected");
    let view = admin.json("/api/v1/connectors").await["items"][1].clone();
    assert_eq!((view["name"].as_str(), view["authorized"].as_bool()), (Some("rdvpermis"), Some(true)), "{view}");
    let test = admin.post("/api/v1/connectors/rdvpermis/test", &json!({})).await.json::<Value>().await.unwrap();
    assert_eq!(test["ok"], true, "{test}");
    assert_eq!(sim_stats(&sim).await["refreshes"], 0, "the code gave the first access token");

    // Short-lived tokens: after a 401 the token is refreshed and the call made again; a token in
    // its last minute is refreshed before the call.
    sim_post(&sim, "/_simulator/token-ttl", json!({"seconds": 30})).await;
    sim_post(&sim, "/_simulator/faults", json!({"fail_next": 1, "kind": "expired_token"})).await;
    let test = admin.post("/api/v1/connectors/rdvpermis/test", &json!({})).await.json::<Value>().await.unwrap();
    assert_eq!(test["ok"], true, "{test}");
    assert_eq!(sim_stats(&sim).await["refreshes"], 1);
    let calls_before = sim_stats(&sim).await["calls"].as_i64().unwrap();
    let test = admin.post("/api/v1/connectors/rdvpermis/test", &json!({})).await.json::<Value>().await.unwrap();
    assert_eq!(test["ok"], true, "{test}");
    let stats = sim_stats(&sim).await;
    assert_eq!(
        (stats["refreshes"].as_i64(), stats["calls"].as_i64()),
        (Some(2), Some(calls_before + 1)),
        "no 401 this time"
    );

    // A state made for another school is refused; the grant is untouched.
    let admin_b = app.login_as(Role::Admin, 'b').await;
    let body_b = json!({"base_url": sim.url, "client_id": CLIENT_ID, "client_secret": SECRET});
    admin_b.send(Method::PUT, "/api/v1/connectors/rdvpermis", Some(&body_b)).await;
    let r = admin.get("/api/v1/connectors/rdvpermis/authorize").await;
    let page = reqwest::Url::parse(r.headers()["location"].to_str().unwrap()).unwrap();
    let state: String = page.query_pairs().find(|(k, _)| k == "state").unwrap().1.into_owned();
    let r = admin_b.get(&format!("/api/v1/connectors/rdvpermis/callback?code=x&state={state}")).await;
    assert_eq!(r.headers()["location"], "/connecteurs?rdvpermis=expired");
    assert_eq!(admin_b.json("/api/v1/connectors").await["items"][1]["authorized"], false);

    // The platform withdraws the grant: failing, with the way back, and no longer authorized.
    let r = new_client().post(format!("{}/_simulator/revoke", sim.url)).send().await.unwrap();
    assert_eq!(r.status(), 204);
    let test = admin.post("/api/v1/connectors/rdvpermis/test", &json!({})).await.json::<Value>().await.unwrap();
    assert_eq!(test["ok"], false);
    assert!(test["message"].as_str().unwrap().contains("connecte RdvPermis dans « Connecteurs »"), "{test}");
    let view = &test["connector"];
    assert_eq!((view["status"].as_str(), view["authorized"].as_bool()), (Some("failing"), Some(false)), "{view}");
    for path in ["/api/v1/connectors", "/api/v1/connectors/rdvpermis/events?limit=200", "/api/v1/audit-log"] {
        assert!(!admin.json(path).await.to_string().contains(SECRET), "{path}");
    }
    // Consenting again mends it.
    assert_eq!(consent(&admin, "allow").await, "/connecteurs?rdvpermis=connected");
    let test = admin.post("/api/v1/connectors/rdvpermis/test", &json!({})).await.json::<Value>().await.unwrap();
    assert_eq!(test["ok"], true, "{test}");
}
