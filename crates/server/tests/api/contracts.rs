//! The training contract: generated from the start evaluation, signed with a one-time code sent
//! to the signer (the student, a guardian for a minor), sealed with its evidence, never changed
//! once signed; amendments for more hours, and sales beyond the signed volume warned or refused.

use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use volant_domain::role::Role;

use crate::helpers::*;

/// Records a start evaluation (30 h) and the fields given on the fixture's student.
async fn evaluate(admin: &Api, student: &str, extra: Value) {
    let file = admin.json(&format!("/api/v1/students/{student}")).await;
    let mut body = json!({"start_evaluation": {"date": "2026-11-02", "estimated_minutes": 1800},
                          "address": "3 rue des Lilas\n69003 Lyon", "version": file["version"]});
    body.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
    let r = admin.patch(&format!("/api/v1/students/{student}"), &body).await;
    assert_eq!(r.status(), 200, "{:?}", r.text().await);
}

async fn pdf(api: &Api, path: &str) -> (Vec<u8>, String) {
    let r = api.get(path).await;
    assert_eq!(r.status(), 200);
    let bytes = r.bytes().await.unwrap().to_vec();
    let text = squash(&pdf_text(&bytes));
    (bytes, text)
}

/// Words separated by one space: a PDF's lines wrap where they like.
fn squash(s: &str) -> String {
    s.replace(['\u{202f}', '\u{a0}'], " ").split_whitespace().collect::<Vec<_>>().join(" ")
}

fn sha256(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// The six digits of the last signature code mailed to `to`.
async fn mailed_code(app: &TestApp, to: &str) -> String {
    app.wait_jobs_idle().await;
    let mail = app.smtp.wait_for("code de signature").await;
    let mail = app
        .smtp
        .messages()
        .into_iter()
        .map(|m| decode_qp(&m))
        .rfind(|m| m.contains(to) && m.contains("code de signature"))
        .unwrap_or(mail);
    let at = mail.find(" est ").expect("the code follows « est »") + 5;
    mail[at..at + 6].to_owned()
}

/// Whether the answer to a sale warns with `code`.
fn warned(invoice: &Value, code: &str) -> bool {
    invoice["warnings"].as_array().unwrap().iter().any(|w| w["code"] == code)
}

/// Sends a code by mail to the signer and signs with it.
async fn sign_by_mail(app: &TestApp, api: &Api, contract: &str, to: &str) -> Value {
    let r = api.post(&format!("/api/v1/contracts/{contract}/signature-code"), &json!({"channel": "email"})).await;
    assert_eq!(r.status(), 201, "{:?}", r.text().await);
    let code = mailed_code(app, to).await;
    let r = api.post(&format!("/api/v1/contracts/{contract}/sign"), &json!({"code": code})).await;
    assert_eq!(r.status(), 200, "{:?}", r.text().await);
    r.json().await.unwrap()
}

#[tokio::test]
async fn a_contract_is_generated_signed_by_a_mailed_code_and_sealed() {
    let app = spawn_app().await;
    app.seed_schools().await;
    let fx = app.fixtures('a').await;
    let admin = app.login_as(Role::Admin, 'a').await;
    let path = format!("/api/v1/students/{}/contracts", fx.student);
    let body = json!({"lines": [{"product_id": fx.product, "quantity": 1}]});

    // The start evaluation comes first.
    let p = problem(admin.post(&path, &body).await, 422).await;
    assert_eq!(p["rules"][0]["code"], "start_evaluation");
    evaluate(&admin, &fx.student, json!({})).await;

    let first = created(admin.post(&path, &body).await).await;
    // A second copy replaces the first, which can no longer be signed.
    let contract = created(admin.post(&path, &body).await).await;
    let r = admin.post(&format!("/api/v1/contracts/{}/signature-code", id(&first)), &json!({"channel": "email"})).await;
    assert_eq!(problem(r, 422).await["rules"][0]["code"], "withdrawn");
    let id = id(&contract);
    assert_eq!(contract["status"], "awaiting_signature");
    assert_eq!(contract["minutes"], 1800);
    assert_eq!(contract["total_cents"], 120_000);
    assert_eq!(contract["signer"]["role"], "student");
    let (bytes, text) = pdf(&admin, &format!("/api/v1/contracts/{id}.pdf")).await;
    assert_eq!(sha256(&bytes), contract["document_sha256"], "the hash is the copy's");
    for expected in
        ["Contrat de formation", "30 h de conduite estimées", "Forfait 20 heures", "À signer électroniquement"]
    {
        assert!(text.contains(&squash(expected)), "{expected:?} missing from {text}");
    }

    // No code yet; then a code by mail, not two within a minute.
    let sign_path = format!("/api/v1/contracts/{id}/sign");
    let p = problem(admin.post(&sign_path, &json!({"code": "123456"})).await, 422).await;
    assert_eq!(p["rules"][0]["code"], "no_code");
    let code_path = format!("/api/v1/contracts/{id}/signature-code");
    let sent = created(admin.post(&code_path, &json!({"channel": "email"})).await).await;
    assert_eq!(sent["sent_to"], "l***@exemple.fr");
    let p = problem(admin.post(&code_path, &json!({"channel": "email"})).await, 422).await;
    assert_eq!(p["rules"][0]["code"], "code_recently_sent");
    let code = mailed_code(&app, "lea.a@exemple.fr").await;

    // A wrong code is refused and counted, the right one signs (here by the student on their phone).
    let wrong = if code == "000000" { "111111" } else { "000000" };
    let p = problem(admin.post(&sign_path, &json!({"code": wrong})).await, 422).await;
    assert_eq!(p["rules"][0]["code"], "code_invalid");
    assert!(p["detail"].as_str().unwrap().contains("4 essai"), "{p}");
    let student = app.login_as(Role::Student, 'a').await;
    let r = student.post(&sign_path, &json!({"code": code})).await;
    assert_eq!(r.status(), 200, "{:?}", r.text().await);
    let signed: Value = r.json().await.unwrap();
    assert_eq!(signed["status"], "signed");
    let evidence = &signed["evidence"];
    assert_eq!(evidence["document_sha256"], contract["document_sha256"]);
    assert_eq!(evidence["channel"], "email");
    assert_eq!(evidence["ip"], "127.0.0.1");
    assert_eq!(evidence["seal"].as_str().unwrap().len(), 32);

    // The signed copy prints the evidence; its hash is the one recorded.
    let (bytes, text) = pdf(&student, &format!("/api/v1/contracts/{id}.pdf")).await;
    assert_eq!(sha256(&bytes), signed["signed_sha256"]);
    for expected in ["Signé électroniquement", "Adresse IP : 127.0.0.1", "l***@exemple.fr"] {
        assert!(text.contains(&squash(expected)), "{expected:?} missing from {text}");
    }
    assert!(text.contains(contract["document_sha256"].as_str().unwrap()), "{text}");
    assert!(text.contains(evidence["seal"].as_str().unwrap()), "{text}");

    // The file is dated and holds the signed copy; nothing signs twice nor is made again.
    let file = admin.json(&format!("/api/v1/students/{}", fx.student)).await;
    assert_eq!(
        file["contract_signed_on"],
        chrono::Utc::now().with_timezone(&chrono_tz::Europe::Paris).date_naive().to_string()
    );
    let documents = admin.json(&format!("/api/v1/students/{}/documents", fx.student)).await;
    assert!(documents.to_string().contains("\"contract\""), "{documents}");
    let p = problem(admin.post(&sign_path, &json!({"code": code})).await, 422).await;
    assert_eq!(p["rules"][0]["code"], "already_signed");
    let p = problem(admin.post(&path, &body).await, 422).await;
    assert_eq!(p["rules"][0]["code"], "contract_signed");
    let list = admin.json(&path).await;
    assert_eq!(list.as_array().unwrap().len(), 1);

    // Not even the application's database role changes a signed contract.
    let tenant = app.seed_tenant("ecole-a").await;
    let mut tx = volant::db::begin_tenant(&app.pool, tenant).await.unwrap();
    let e = sqlx::query("UPDATE contracts SET minutes = 60").execute(&mut *tx).await.unwrap_err();
    assert!(e.to_string().contains("cannot be changed"), "{e}");
    drop(tx);
    let log = admin.json(&format!("/api/v1/audit-log?entity_id={id}")).await;
    let mut actions: Vec<&str> =
        log["items"].as_array().unwrap().iter().map(|e| e["action"].as_str().unwrap()).collect();
    actions.reverse();
    assert_eq!(actions, ["contract.create", "contract.code_sent", "contract.code_refused", "contract.update"]);
}

#[tokio::test]
async fn hours_sold_beyond_the_contract_warn_or_are_refused_until_an_amendment_is_signed() {
    let app = spawn_app().await;
    app.seed_schools().await;
    let fx = app.fixtures('a').await;
    let admin = app.login_as(Role::Admin, 'a').await;
    let lesson = id(&created(
        admin
            .post(
                "/api/v1/products",
                &json!({"name": "Leçon 1 h", "kind": "lesson", "price_cents": 5_500, "minutes": 60}),
            )
            .await,
    )
    .await);
    let sell =
        |quantity: i32| json!({"student_id": fx.student, "lines": [{"product_id": lesson, "quantity": quantity}]});
    // Before any contract, a sale of hours is a warning.
    let invoice = created(admin.post("/api/v1/invoices", &sell(1)).await).await;
    assert!(warned(&invoice, "contract_exceeded"), "{invoice}");

    let p = problem(
        admin
            .post(&format!("/api/v1/students/{}/amendments", fx.student), &json!({"lines": [{"product_id": lesson}]}))
            .await,
        422,
    )
    .await;
    assert_eq!(p["rules"][0]["code"], "no_contract");
    evaluate(&admin, &fx.student, json!({})).await;
    let path = format!("/api/v1/students/{}/contracts", fx.student);
    let contract = created(admin.post(&path, &json!({"lines": [{"product_id": fx.product}]})).await).await;
    sign_by_mail(&app, &admin, &id(&contract), "lea.a@exemple.fr").await;

    // Sold so far: the fixture's 20 h and 1 h; 30 h are covered.
    let within = created(admin.post("/api/v1/invoices", &sell(9)).await).await;
    assert!(!warned(&within, "contract_exceeded"), "{within}");
    let beyond = created(admin.post("/api/v1/invoices", &sell(3)).await).await;
    assert!(warned(&beyond, "contract_exceeded"), "{beyond}");
    assert!(beyond["warnings"][0]["message"].as_str().unwrap().contains("3\u{a0}h"), "{beyond}");

    // The school blocks such sales: refused, and no number is taken.
    let mut settings = admin.json("/api/v1/settings").await;
    settings["billing"]["block_sale_beyond_contract"] = json!(true);
    let r = admin.send(reqwest::Method::PUT, "/api/v1/settings", Some(&settings)).await;
    assert_eq!(r.status(), 200, "{:?}", r.text().await);
    let p = problem(admin.post("/api/v1/invoices", &sell(1)).await, 422).await;
    assert_eq!(p["rules"][0]["code"], "contract_exceeded");

    // An amendment of 10 h, signed, covers the next sales.
    let body = json!({"lines": [{"product_id": lesson, "quantity": 10}], "reason": "Conduite de nuit à travailler"});
    let amendment = created(admin.post(&format!("/api/v1/students/{}/amendments", fx.student), &body).await).await;
    assert_eq!(amendment["kind"], "amendment");
    assert_eq!(amendment["rank"], 1);
    assert_eq!(amendment["minutes"], 600);
    assert_eq!(amendment["amends"], contract["id"]);
    let (_, text) = pdf(&admin, &format!("/api/v1/contracts/{}.pdf", id(&amendment))).await;
    assert!(text.contains(&squash("Avenant n° 1")) && text.contains(&squash("Conduite de nuit")), "{text}");
    sign_by_mail(&app, &admin, &id(&amendment), "lea.a@exemple.fr").await;
    let covered = created(admin.post("/api/v1/invoices", &sell(7)).await).await;
    assert!(!warned(&covered, "contract_exceeded"), "{covered}");
    let list = admin.json(&path).await;
    assert_eq!(list.as_array().unwrap().len(), 2);
}

#[tokio::test]
async fn a_minor_s_contract_is_signed_by_the_guardian_with_a_code_by_sms() {
    let (app, sim) = spawn_app_with_sms().await;
    app.seed_schools().await;
    let fx = app.fixtures('a').await;
    let admin = app.login_as(Role::Admin, 'a').await;
    let minor_birth = (chrono::Utc::now().date_naive() - chrono::Duration::days(365 * 16)).to_string();
    // A minor's file names a guardian (the file refuses one without); the guardian signs.
    let guardian =
        json!({"first_name": "Paul", "last_name": "Martin", "relationship": "Père", "phone": "06 98 76 54 32"});
    evaluate(&admin, &fx.student, json!({"birth_date": minor_birth, "guardian": guardian})).await;
    let path = format!("/api/v1/students/{}/contracts", fx.student);
    let body = json!({"lines": [{"product_id": fx.product}]});
    let contract = created(admin.post(&path, &body).await).await;
    assert_eq!(contract["signer"]["role"], "guardian");
    assert_eq!(contract["signer"]["name"], "Paul Martin");
    let code_path = format!("/api/v1/contracts/{}/signature-code", id(&contract));
    // The guardian has no e-mail: the code goes by SMS.
    let r = admin.post(&code_path, &json!({"channel": "email"})).await;
    assert_eq!(problem(r, 400).await["errors"][0]["field"], "channel");
    let sent = created(admin.post(&code_path, &json!({"channel": "sms"})).await).await;
    assert_eq!(sent["sent_to"], "***32");
    app.wait_jobs_idle().await;
    let messages = sms_sent(&sim).await;
    let text = messages["items"][0]["text"].as_str().unwrap().to_owned();
    assert_eq!(messages["items"][0]["to"], "+33698765432");
    let at = text.find(" est ").unwrap() + 5;
    let r = admin.post(&format!("/api/v1/contracts/{}/sign", id(&contract)), &json!({"code": &text[at..at + 6]})).await;
    assert_eq!(r.status(), 200, "{:?}", r.text().await);
    let signed: Value = r.json().await.unwrap();
    assert_eq!(signed["evidence"]["signer"], "Paul Martin");
    assert_eq!(signed["evidence"]["role"], "guardian");
    let (_, text) = pdf(&admin, &format!("/api/v1/contracts/{}.pdf", id(&contract))).await;
    assert!(text.contains(&squash("représentant légal")) && text.contains(&squash("par SMS à ***32")), "{text}");
}
