//! Billing: the catalogue's forbidden fees, invoices numbered without gaps and never changed,
//! the sale's hours, credit notes, payments, the account, the PDF's mentions, and card payments
//! through the provider's simulator with its signed webhooks.

use chrono::Datelike;
use futures::future::join_all;
use serde_json::{Value, json};
use volant::{jobs::JobRegistry, payments as provider, simulate::payments::PaymentsSimulator};
use volant_domain::role::Role;

use crate::helpers::*;

const SECRET_KEY: &str = "sk_test_volant";
const WEBHOOK_SECRET: &str = "whsec_volant_test";

fn year() -> i32 {
    chrono::Utc::now().with_timezone(&chrono_tz::Europe::Paris).year()
}

async fn product(admin: &Api, name: &str, price_cents: i64, minutes: Option<i32>) -> String {
    let kind = if minutes.is_some() { "hours_package" } else { "registration" };
    let body = json!({"name": name, "kind": kind, "price_cents": price_cents, "minutes": minutes});
    id(&created(admin.post("/api/v1/products", &body).await).await)
}

async fn sell(admin: &Api, student: &str, product: &str, quantity: i32) -> Value {
    let body = json!({"student_id": student, "lines": [{"product_id": product, "quantity": quantity}]});
    created(admin.post("/api/v1/invoices", &body).await).await
}

#[tokio::test]
async fn fifty_concurrent_issues_take_fifty_consecutive_numbers() {
    let app = spawn_app().await;
    app.seed_schools().await;
    let fx = app.fixtures('a').await;
    let admin = app.login_as(Role::Admin, 'a').await;
    let code = product(&admin, "Pack code", 2_000, None).await;
    let answers = join_all((0..50).map(|_| sell(&admin, &fx.student, &code, 1))).await;
    let mut numbers: Vec<String> = answers.iter().map(|i| i["number"].as_str().unwrap().to_owned()).collect();
    numbers.sort();
    // The fixtures issued the first invoice of the year.
    let expected: Vec<String> = (2..=51).map(|n| format!("F{}-{n:06}", year())).collect();
    assert_eq!(numbers, expected);
}

#[tokio::test]
async fn a_rolled_back_issue_gives_its_number_back() {
    let app = spawn_app().await;
    let schools = app.seed_schools().await;
    let fx = app.fixtures('a').await;
    let admin = app.login_as(Role::Admin, 'a').await;
    let code = product(&admin, "Pack code", 2_000, None).await;
    // A number taken inside a transaction that then fails is not lost.
    let mut tx = volant::db::begin_tenant(&app.pool, schools.a).await.unwrap();
    let taken = volant::billing::repo::next_number(&mut tx, schools.a, volant_domain::billing::Series::Invoice, year())
        .await
        .unwrap();
    assert_eq!(taken, 2);
    tx.rollback().await.unwrap();
    // A refused sale takes none either.
    let bad = json!({"student_id": fx.student, "lines": [{"product_id": code, "quantity": 1}],
                     "customer": {"kind": "business", "name": "Transports Martin", "address": "1 rue du Port, Lyon"}});
    let p = problem(admin.post("/api/v1/invoices", &bad).await, 400).await;
    assert!(p.to_string().contains("SIREN"), "{p}");
    let next = sell(&admin, &fx.student, &code, 1).await;
    assert_eq!(next["number"], format!("F{}-000002", year()));
}

#[tokio::test]
async fn invoices_and_payments_are_never_changed_nor_deleted() {
    let app = spawn_app().await;
    let schools = app.seed_schools().await;
    let fx = app.fixtures('a').await;
    let admin = app.login_as(Role::Admin, 'a').await;
    let r = admin
        .post("/api/v1/payments", &json!({"student_id": fx.student, "method": "cash", "amount_cents": 1000}))
        .await;
    let payment = id(&created(r).await);
    for role in Role::ALL {
        let api = app.login_as(role, 'a').await;
        for method in [reqwest::Method::PATCH, reqwest::Method::PUT, reqwest::Method::DELETE] {
            let body = json!({"incl_cents": 0, "version": 1});
            let status =
                api.send(method.clone(), &format!("/api/v1/invoices/{}", fx.invoice), Some(&body)).await.status();
            assert_eq!(status, 405, "{role:?} {method} invoice");
            let status = api.send(method.clone(), &format!("/api/v1/payments/{payment}"), Some(&body)).await.status();
            assert!(status == 404 || status == 405, "{role:?} {method} payment: {status}");
        }
    }
    // Not even the application's database role may: no UPDATE or DELETE grant.
    let tenant = schools.a;
    for statement in [
        "UPDATE invoices SET incl_cents = 0, excl_cents = 0, vat_cents = 0",
        "DELETE FROM invoices",
        "UPDATE invoice_lines SET quantity = 99",
        "DELETE FROM invoice_lines",
        "UPDATE payments SET amount_cents = 1",
        "DELETE FROM payments",
    ] {
        let mut tx = volant::db::begin_tenant(&app.pool, tenant).await.unwrap();
        let e = sqlx::query(statement).execute(&mut *tx).await.unwrap_err();
        assert!(e.to_string().contains("permission denied"), "{statement}: {e}");
    }
    let invoice = admin.json(&format!("/api/v1/invoices/{}", fx.invoice)).await;
    assert_eq!(invoice["incl_cents"], 120_000);
}

#[tokio::test]
async fn a_sale_posts_one_purchase_and_a_credit_note_restores_hours_and_balance() {
    let app = spawn_app().await;
    app.seed_schools().await;
    app.no_quiet_hours('a').await;
    let fx = app.fixtures('a').await;
    let admin = app.login_as(Role::Admin, 'a').await;
    let hours_path = format!("/api/v1/students/{}/hours", fx.student);
    let account_path = format!("/api/v1/students/{}/account", fx.student);
    let before_hours = admin.json(&hours_path).await;
    let before_account = admin.json(&account_path).await;

    let lesson = product(&admin, "Leçon de conduite 1 h", 5_500, Some(60)).await;
    let registration = product(&admin, "Frais d'inscription", 15_000, None).await;
    let body = json!({"student_id": fx.student, "lines": [{"product_id": lesson, "quantity": 5}, {"product_id": registration}]});
    let invoice = created(admin.post("/api/v1/invoices", &body).await).await;
    assert_eq!(invoice["incl_cents"], 5 * 5_500 + 15_000);
    assert_eq!(invoice["excl_cents"].as_i64().unwrap() + invoice["vat_cents"].as_i64().unwrap(), 42_500);
    assert_eq!(invoice["vat_by_rate"][0]["rate_bp"], 2000);
    assert_eq!(invoice["due_cents"], 42_500);

    let hours = admin.json(&hours_path).await;
    let sale: Vec<&Value> =
        hours["entries"].as_array().unwrap().iter().filter(|e| e["invoice_id"] == invoice["id"]).collect();
    assert_eq!(sale.len(), 1, "exactly one ledger entry for the sale");
    assert_eq!(sale[0]["kind"], "purchase");
    assert_eq!(sale[0]["minutes"], 300);
    assert_eq!(hours["remaining_minutes"].as_i64().unwrap(), before_hours["remaining_minutes"].as_i64().unwrap() + 300);

    // A payment on the invoice; more than what is due is refused.
    let pay = |amount: i64| json!({"student_id": fx.student, "invoice_id": invoice["id"], "method": "cheque", "amount_cents": amount, "reference": "Chèque n° 1234567"});
    let p = problem(admin.post("/api/v1/payments", &pay(50_000)).await, 422).await;
    assert_eq!(p["rules"][0]["code"], "overpayment");
    created(admin.post("/api/v1/payments", &pay(10_000)).await).await;
    let account = admin.json(&account_path).await;
    let owed_before = before_account["balance_cents"].as_i64().unwrap();
    assert_eq!(account["balance_cents"].as_i64().unwrap(), owed_before - 42_500 + 10_000);
    assert_eq!(admin.json(&format!("/api/v1/invoices/{}", id(&invoice))).await["due_cents"], 32_500);

    // Two of the five lessons taken back, then the rest of the invoice.
    let path = format!("/api/v1/invoices/{}/credit-notes", id(&invoice));
    let p =
        problem(admin.post(&path, &json!({"lines": [{"position": 1, "quantity": 6}], "reason": "Erreur"})).await, 400)
            .await;
    assert!(p.to_string().contains("Au plus 5"), "{p}");
    let partial = created(
        admin.post(&path, &json!({"lines": [{"position": 1, "quantity": 2}], "reason": "Deux leçons en trop"})).await,
    )
    .await;
    assert_eq!(partial["kind"], "credit_note");
    assert_eq!(partial["number"], format!("A{}-000001", year()));
    assert_eq!(partial["incl_cents"], -11_000);
    let rest = created(admin.post(&path, &json!({"reason": "Annulation de la vente"})).await).await;
    assert_eq!(rest["incl_cents"], -31_500);
    problem(admin.post(&path, &json!({"reason": "Encore"})).await, 422).await;

    let hours = admin.json(&hours_path).await;
    assert_eq!(hours["remaining_minutes"], before_hours["remaining_minutes"], "the hours are taken back");
    let account = admin.json(&account_path).await;
    assert_eq!(account["invoiced_cents"], before_account["invoiced_cents"], "invoiced is restored");
    assert_eq!(account["balance_cents"].as_i64().unwrap(), owed_before + 10_000, "the cheque stays on the account");
    let invoice = admin.json(&format!("/api/v1/invoices/{}", id(&invoice))).await;
    assert_eq!((invoice["credited_cents"].as_i64(), invoice["due_cents"].as_i64()), (Some(42_500), Some(0)));

    // The student is told of the invoice and of the payment, and sees them in their space.
    app.wait_jobs_idle().await;
    let student = app.login_as(Role::Student, 'a').await;
    let events: Vec<String> = student.json("/api/v1/notifications").await["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["event"].as_str().unwrap().to_owned())
        .collect();
    assert!(
        events.contains(&"invoice_issued".to_owned()) && events.contains(&"payment_received".to_owned()),
        "{events:?}"
    );
    let mine = student.json("/api/v1/invoices").await;
    assert_eq!(mine["items"].as_array().unwrap().len(), 4, "two invoices and two credit notes: {mine}");
    problem(student.get(&format!("/api/v1/invoices?student_id={}", fx.member)).await, 404).await;
}

#[tokio::test]
async fn forbidden_fees_are_refused_in_the_catalogue() {
    let app = spawn_app().await;
    app.seed_schools().await;
    let admin = app.login_as(Role::Admin, 'a').await;
    for name in ["Frais de présentation à l'examen", "Transfert de dossier"] {
        let r = admin.post("/api/v1/products", &json!({"name": name, "kind": "other", "price_cents": 5_000})).await;
        let p = problem(r, 422).await;
        assert_eq!(p["rules"][0]["code"], "forbidden_fee", "{name}");
        assert!(p["detail"].as_str().unwrap().contains("La loi interdit"), "{p}");
    }
    let ok = product(&admin, "Accompagnement à l'examen pratique", 6_000, None).await;
    let current = admin.json(&format!("/api/v1/products/{ok}")).await;
    let r = admin
        .patch(
            &format!("/api/v1/products/{ok}"),
            &json!({"name": "Frais de présentation au permis", "version": current["version"]}),
        )
        .await;
    assert_eq!(problem(r, 422).await["rules"][0]["code"], "forbidden_fee");
    let r = admin
        .post(
            "/api/v1/products",
            &json!({"name": "Forfait", "kind": "hours_package", "price_cents": 100, "vat_rate_bp": 1900}),
        )
        .await;
    let p = problem(r, 400).await.to_string();
    assert!(p.contains("vat_rate_bp") && p.contains("minutes"), "{p}");
}

#[tokio::test]
async fn the_invoice_pdf_holds_every_mandatory_mention() {
    let app = spawn_app().await;
    let schools = app.seed_schools().await;
    let fx = app.fixtures('a').await;
    let admin = app.login_as(Role::Admin, 'a').await;
    let mut settings = admin.json("/api/v1/settings").await;
    settings["billing"] = json!({"legal_form": "SARL au capital de 8 000 €", "vat_number": "FR40123456789",
                                 "payment_terms": "Paiement comptant à réception."});
    assert_eq!(admin.send(reqwest::Method::PUT, "/api/v1/settings", Some(&settings)).await.status(), 200);
    let mut tx = app.owner_conn().await;
    sqlx::query("UPDATE tenants SET legal_name = 'Auto-École A SARL', siret = '12345678900012', address = '3 place Bellecour, 69002 Lyon', agrement = 'E 12 069 0001 0' WHERE id = $1")
        .bind(schools.a.0)
        .execute(&mut tx)
        .await
        .unwrap();
    let code = product(&admin, "Pack code en ligne", 3_000, None).await;
    let body = json!({"student_id": fx.student, "lines": [{"product_id": code, "quantity": 2}],
                      "customer": {"kind": "business", "name": "Transports Martin SAS", "siren": "552 100 554",
                                   "vat_number": "FR 83 552100554", "address": "12 quai Saint-Antoine\n69002 Lyon"}});
    let invoice = created(admin.post("/api/v1/invoices", &body).await).await;
    let r = admin.get(&format!("/api/v1/invoices/{}.pdf", id(&invoice))).await;
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["content-type"], "application/pdf");
    let pdf = r.bytes().await.unwrap();
    let text = pdf_text(&pdf);
    let number = invoice["number"].as_str().unwrap();
    // To a business: a Factur-X EN 16931, valid for its XSD and schematron, in a PDF/A-3.
    let check = facturx_check(&pdf);
    assert_eq!(check["ok"], true, "{check:#}");
    assert_eq!(check["file_name"], "factur-x.xml");
    assert_eq!((check["pdfa_part"].as_str(), check["fx_document_type"].as_str()), (Some("3"), Some("INVOICE")));
    let xml = check["xml"].as_str().unwrap();
    for part in
        [number, "<ram:TypeCode>380</ram:TypeCode>", "552100554", "<ram:GrandTotalAmount>60.00</ram:GrandTotalAmount>"]
    {
        assert!(xml.contains(part), "{part} missing: {xml}");
    }
    for mention in [
        "Facture",
        number,
        "Auto-École A SARL",
        "3 place Bellecour",
        "SARL au capital de 8 000 €",
        "SIRET 12345678900012",
        "FR40123456789",
        "Transports Martin SAS",
        "SIREN 552100554",
        "12 quai Saint-Antoine",
        "Pack code en ligne",
        "Total HT",
        "Total TTC",
        "60,00",
        "50,00",
        "10,00",
        "20",
        "Paiement comptant à réception.",
        "pénalités",
        "40 €",
        "prestations de services",
    ] {
        assert!(text.contains(mention), "« {mention} » missing:\n{text}");
    }
    let date = chrono::Utc::now().with_timezone(&chrono_tz::Europe::Paris).format("%d/%m/%Y").to_string();
    assert!(text.contains(&date), "the issue date: {text}");
    // A credit note names the invoice it corrects.
    let note = created(
        admin
            .post(&format!("/api/v1/invoices/{}/credit-notes", id(&invoice)), &json!({"reason": "Erreur de client"}))
            .await,
    )
    .await;
    let r = admin.get(&format!("/api/v1/invoices/{}.pdf", id(&note))).await;
    let pdf = r.bytes().await.unwrap();
    let text = pdf_text(&pdf);
    assert!(text.contains("Avoir") && text.contains(number) && text.contains("Erreur de client"), "{text}");
    let check = facturx_check(&pdf);
    assert_eq!(check["ok"], true, "a credit note is a Factur-X too: {check:#}");
    assert!(check["xml"].as_str().unwrap().contains("<ram:TypeCode>381</ram:TypeCode>"));
    // To a person: a plain PDF, nothing attached.
    let r = admin.get(&format!("/api/v1/invoices/{}.pdf", fx.invoice)).await;
    assert_eq!(facturx_check(&r.bytes().await.unwrap())["file_name"], Value::Null);
}

/// The app with the provider's simulator, its webhooks pointed back at the app.
async fn app_with_card_payments() -> (TestApp, PaymentsSimulator) {
    let sim = PaymentsSimulator::start(SECRET_KEY, WEBHOOK_SECRET).await.unwrap();
    let vars = [
        ("VOLANT_PAYMENTS_URL", sim.url.as_str()),
        ("VOLANT_PAYMENTS_SECRET_KEY", SECRET_KEY),
        ("VOLANT_PAYMENTS_WEBHOOK_SECRET", WEBHOOK_SECRET),
    ];
    let app = spawn_app_with(&vars, JobRegistry::default()).await;
    sim.set_webhook_url(format!("{}/api/v1/webhooks/payments/stripe", app.base));
    (app, sim)
}

async fn checkout(api: &Api, invoice: &str) -> (String, String) {
    let c = created(api.post(&format!("/api/v1/invoices/{invoice}/checkout"), &json!({})).await).await;
    let url = c["redirect_url"].as_str().unwrap().to_owned();
    let session = url.rsplit('/').next().unwrap().to_owned();
    (url, session)
}

async fn send_event(app: &TestApp, body: &[u8], signature: &str) -> reqwest::Response {
    new_client()
        .post(app.url("/api/v1/webhooks/payments/stripe"))
        .header("Stripe-Signature", signature)
        .header("Content-Type", "application/json")
        .body(body.to_vec())
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn a_student_pays_online_once_and_forged_or_replayed_webhooks_change_nothing() {
    let (app, sim) = app_with_card_payments().await;
    app.seed_schools().await;
    let fx = app.fixtures('a').await;
    let student = app.login_as(Role::Student, 'a').await;
    let (url, session) = checkout(&student, &fx.invoice).await;
    assert!(url.starts_with(&sim.url), "{url}");
    let paid: Value = new_client()
        .post(format!("{}/_simulator/sessions/{session}/pay", sim.url))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(paid["delivered_status"], 200, "{paid}");
    let invoice = student.json(&format!("/api/v1/invoices/{}", fx.invoice)).await;
    assert_eq!((invoice["paid_cents"].as_i64(), invoice["due_cents"].as_i64()), (Some(120_000), Some(0)));
    let payments = student.json("/api/v1/payments").await;
    assert_eq!(payments["items"].as_array().unwrap().len(), 1);
    assert_eq!(payments["items"][0]["method"], "card");

    let events: Value =
        new_client().get(format!("{}/_simulator/events", sim.url)).send().await.unwrap().json().await.unwrap();
    let payload = events["items"][0]["payload"].as_str().unwrap().as_bytes().to_vec();
    let now = chrono::Utc::now().timestamp();
    // Replayed with a fresh, valid signature: seen already, ignored.
    let r = send_event(&app, &payload, &provider::signature_header(WEBHOOK_SECRET, now, &payload)).await;
    assert_eq!(r.status(), 200);
    assert_eq!(r.json::<Value>().await.unwrap()["outcome"], "ignored");
    // Signed with another secret, or too long ago: refused before anything is read.
    let r = send_event(&app, &payload, &provider::signature_header("whsec_forged", now, &payload)).await;
    problem(r, 400).await;
    let old = now - provider::TOLERANCE_SECONDS - 60;
    problem(send_event(&app, &payload, &provider::signature_header(WEBHOOK_SECRET, old, &payload)).await, 400).await;
    problem(send_event(&app, &payload, "").await, 400).await;
    problem(send_event(&app, &payload, "t=-9223372036854775808,v1=00").await, 400).await;
    // Signed, but not an event we read: answered 200 so that the provider stops resending it.
    let odd = br#"{"id": "evt_odd", "type": "charge.updated", "data": {"object": {"amount": 5}}}"#;
    let r = send_event(&app, odd, &provider::signature_header(WEBHOOK_SECRET, now, odd)).await;
    assert_eq!(r.json::<Value>().await.unwrap()["outcome"], "ignored");

    // A new invoice, and an event for its page claiming another amount: refused, nothing paid.
    let admin = app.login_as(Role::Admin, 'a').await;
    let code = product(&admin, "Pack code", 2_000, None).await;
    let second = sell(&admin, &fx.student, &code, 1).await;
    let (_, session) = checkout(&student, &id(&second)).await;
    let mut forged: Value = serde_json::from_slice(&payload).unwrap();
    forged["id"] = json!("evt_forged_amount");
    forged["data"]["object"]["id"] = json!(session);
    forged["data"]["object"]["amount_total"] = json!(1);
    let forged = serde_json::to_vec(&forged).unwrap();
    let r = send_event(&app, &forged, &provider::signature_header(WEBHOOK_SECRET, now, &forged)).await;
    assert_eq!(r.status(), 200);
    assert_eq!(r.json::<Value>().await.unwrap()["outcome"], "refused");
    assert_eq!(student.json(&format!("/api/v1/invoices/{}", id(&second))).await["due_cents"], 2_000);
    assert_eq!(student.json("/api/v1/payments").await["items"].as_array().unwrap().len(), 1, "still one payment");
    let account = student.json(&format!("/api/v1/students/{}/account", fx.student)).await;
    assert_eq!(account["paid_cents"], 120_000);
    assert_eq!(account["balance_cents"], -2_000);
}

#[tokio::test]
async fn a_plan_never_has_an_empty_instalment_and_a_credit_note_takes_a_line_once() {
    let app = spawn_app().await;
    app.seed_schools().await;
    let fx = app.fixtures('a').await;
    let admin = app.login_as(Role::Admin, 'a').await;
    let cheap = product(&admin, "Photocopie du livret", 2, None).await;
    let invoice = sell(&admin, &fx.student, &cheap, 1).await;
    let r = admin.post(&format!("/api/v1/invoices/{}/schedule", id(&invoice)), &json!({"instalments": 3})).await;
    assert!(problem(r, 400).await.to_string().contains("Au plus 2 échéances"));
    let planned = admin.post(&format!("/api/v1/invoices/{}/schedule", id(&invoice)), &json!({"instalments": 2})).await;
    assert_eq!(planned.status(), 200);
    let twice = json!({"lines": [{"position": 1, "quantity": 1}, {"position": 1, "quantity": 1}], "reason": "Doublon"});
    let r = admin.post(&format!("/api/v1/invoices/{}/credit-notes", fx.invoice), &twice).await;
    assert!(problem(r, 400).await.to_string().contains("déjà reprise"));
}

#[tokio::test]
async fn a_refund_is_a_new_negative_record_and_the_invoice_is_due_again() {
    let app = spawn_app().await;
    let schools = app.seed_schools().await;
    let fx = app.fixtures('a').await;
    let admin = app.login_as(Role::Admin, 'a').await;
    let account_path = format!("/api/v1/students/{}/account", fx.student);
    let before = admin.json(&account_path).await["balance_cents"].as_i64().unwrap();
    let body = json!({"student_id": fx.student, "invoice_id": fx.invoice, "method": "cheque", "amount_cents": 50_000});
    let cheque = created(admin.post("/api/v1/payments", &body).await).await;
    let path = format!("/api/v1/payments/{}/refunds", id(&cheque));

    // A reason is needed, and no more than what was paid is given back.
    let p = problem(admin.post(&path, &json!({"amount_cents": 2_000, "reason": " "})).await, 400).await;
    assert_eq!(p["errors"][0]["field"], "reason");
    let p = problem(admin.post(&path, &json!({"amount_cents": 50_001, "reason": "Trop perçu"})).await, 400).await;
    assert!(p["errors"][0]["message"].as_str().unwrap().contains("500,00"), "{p}");
    let refund = created(admin.post(&path, &json!({"amount_cents": 20_000, "reason": "Leçons annulées"})).await).await;
    assert_eq!(refund["amount_cents"], -20_000);
    assert_eq!(refund["refund_of"], cheque["id"]);
    assert_eq!(refund["method"], "cheque");

    // The cheque is unchanged; the invoice is due again by what was given back.
    let listed = admin.json(&format!("/api/v1/payments?invoice_id={}", fx.invoice)).await;
    let amounts: Vec<i64> =
        listed["items"].as_array().unwrap().iter().map(|p| p["amount_cents"].as_i64().unwrap()).collect();
    assert_eq!(amounts, [-20_000, 50_000]);
    let invoice = admin.json(&format!("/api/v1/invoices/{}", fx.invoice)).await;
    assert_eq!((invoice["paid_cents"].as_i64(), invoice["due_cents"].as_i64()), (Some(30_000), Some(90_000)));
    let account = admin.json(&account_path).await;
    assert_eq!(account["balance_cents"].as_i64().unwrap(), before + 30_000);
    assert!(account.to_string().contains("Remboursement — Chèque"), "{account}");

    // The rest, then nothing more; a refund is not refunded.
    let rest = created(admin.post(&path, &json!({"reason": "Abandon de la formation"})).await).await;
    assert_eq!(rest["amount_cents"], -30_000);
    let p = problem(admin.post(&path, &json!({"reason": "Encore"})).await, 422).await;
    assert_eq!(p["rules"][0]["code"], "nothing_to_refund");
    let p = problem(admin.post(&format!("/api/v1/payments/{}/refunds", id(&rest)), &json!({"reason": "x"})).await, 422)
        .await;
    assert_eq!(p["rules"][0]["code"], "not_refundable");

    // The database itself refuses a refund without its reason or with the wrong sign.
    let mut tx = volant::db::begin_tenant(&app.pool, schools.a).await.unwrap();
    let e = sqlx::query(
        "INSERT INTO payments (tenant_id, id, student_id, method, amount_cents, refund_of)
         SELECT tenant_id, gen_random_uuid(), student_id, method, 100, id FROM payments WHERE id = $1::uuid",
    )
    .bind(id(&cheque))
    .execute(&mut *tx)
    .await
    .unwrap_err();
    assert!(e.to_string().contains("payments_amount_sign"), "{e}");
}

#[tokio::test]
async fn a_sale_warns_of_the_mandatory_mentions_it_lacks() {
    let app = spawn_app().await;
    app.seed_schools().await;
    let fx = app.fixtures('a').await;
    let admin = app.login_as(Role::Admin, 'a').await;
    let code = product(&admin, "Pack code", 2_000, None).await;
    // The test school has neither SIRET nor address, the student no address.
    let invoice = sell(&admin, &fx.student, &code, 1).await;
    let warning = invoice["warnings"].as_array().unwrap().iter().find(|w| w["code"] == "missing_mentions").unwrap();
    let message = warning["message"].as_str().unwrap();
    for expected in ["SIRET de l'école", "adresse de l'école", "adresse du client"] {
        assert!(message.contains(expected), "{message}");
    }
    // A business customer with its address: only the school's mentions remain.
    let body = json!({"student_id": fx.student, "lines": [{"product_id": code}],
                      "customer": {"kind": "business", "name": "Transports Martin", "siren": "123456789", "address": "1 rue du Port, Lyon"}});
    let invoice = created(admin.post("/api/v1/invoices", &body).await).await;
    let message = invoice["warnings"][0]["message"].as_str().unwrap();
    assert!(message.contains("SIRET") && !message.contains("adresse du client"), "{message}");
}

#[tokio::test]
async fn the_fiscal_chain_detects_a_record_changed_removed_or_written_around_it() {
    let app = spawn_app().await;
    let schools = app.seed_schools().await;
    let fx = app.fixtures('a').await;
    let admin = app.login_as(Role::Admin, 'a').await;
    let body = json!({"student_id": fx.student, "invoice_id": fx.invoice, "method": "cheque", "amount_cents": 10_000});
    let cheque = id(&created(admin.post("/api/v1/payments", &body).await).await);
    let refund = json!({"amount_cents": 1_000, "reason": "Trop perçu"});
    created(admin.post(&format!("/api/v1/payments/{cheque}/refunds"), &refund).await).await;
    let note = json!({"reason": "Erreur de saisie"});
    created(admin.post(&format!("/api/v1/invoices/{}/credit-notes", fx.invoice), &note).await).await;
    let verify = || admin.json("/api/v1/payments/verify");
    let check = verify().await;
    assert_eq!(check["ok"], true, "{check}");
    // The fixtures' invoice and payment, the cheque, its refund, the credit note.
    assert_eq!(check["checked"], 5, "{check}");

    // Someone with the database's owner role lowers the cheque: the chain names it.
    let tenant = schools.a;
    as_owner_in(&app, tenant, &format!("UPDATE payments SET amount_cents = 1 WHERE id = '{cheque}'")).await;
    let check = verify().await;
    assert_eq!(check["ok"], false);
    assert_eq!(check["first_break"]["record_id"], cheque.as_str());
    assert_eq!(check["first_break"]["problem"], "altered");
    // The next closure reports it too, and so does its event in the technical journal.
    let tomorrow = chrono::Utc::now() + chrono::Duration::days(1);
    volant::billing::closures::close_due(&app.pool, tomorrow).await.unwrap();
    let day = &admin.json("/api/v1/closures?period=day").await[0];
    assert_eq!(
        (day["chain_intact"].as_bool(), day["chain_first_broken"].as_i64()),
        (Some(false), check["first_break"]["seq"].as_i64()),
        "{day}"
    );
    let events = admin.json("/api/v1/technical-events").await;
    assert_eq!(events["items"][0]["detail"]["chain_intact"], false, "{events}");
    as_owner_in(&app, tenant, &format!("UPDATE payments SET amount_cents = 10000 WHERE id = '{cheque}'")).await;
    assert_eq!(verify().await["ok"], true, "put back as it was, it verifies again");

    // A payment written around the application has no link.
    as_owner_in(
        &app,
        tenant,
        &format!(
            "INSERT INTO payments (tenant_id, id, student_id, method, amount_cents)
             VALUES ('{}', gen_random_uuid(), '{}', 'cash', 500)",
            tenant.0, fx.student
        ),
    )
    .await;
    let check = verify().await;
    assert_eq!((check["ok"].as_bool(), check["unchained"].as_array().map(Vec::len)), (Some(false), Some(1)), "{check}");

    // The last link removed: the head is ahead of the chain.
    as_owner_in(&app, tenant, "DELETE FROM fiscal_chain WHERE seq = (SELECT max(seq) FROM fiscal_chain)").await;
    let check = verify().await;
    assert_eq!(check["first_break"]["problem"], "gap", "{check}");

    // A payment deleted by the owner: its link names it missing, and so does the next closure.
    as_owner_in(&app, tenant, &format!("DELETE FROM payments WHERE id = '{}'", fx.payment)).await;
    let check = verify().await;
    assert_eq!(
        (check["first_break"]["record_id"].as_str(), check["first_break"]["problem"].as_str()),
        (Some(fx.payment.as_str()), Some("missing")),
        "{check}"
    );
    let later = chrono::Utc::now() + chrono::Duration::days(2);
    volant::billing::closures::close_due(&app.pool, later).await.unwrap();
    let day = &admin.json("/api/v1/closures?period=day").await[0];
    assert_eq!(day["chain_intact"], false, "{day}");
}

#[tokio::test]
async fn closures_are_made_once_per_period_caught_up_after_downtime_and_add_up() {
    let app = spawn_app().await;
    app.seed_schools().await;
    let fx = app.fixtures('a').await;
    let admin = app.login_as(Role::Admin, 'a').await;
    let body = json!({"student_id": fx.student, "invoice_id": fx.invoice, "method": "cheque", "amount_cents": 20_000});
    created(admin.post("/api/v1/payments", &body).await).await;
    let now = chrono::Utc::now();
    // Nothing closes before the day is over.
    volant::billing::closures::close_due(&app.pool, now).await.unwrap();
    assert_eq!(admin.json("/api/v1/closures").await, json!([]));

    // Two instances after midnight: today is closed once.
    let tomorrow = now + chrono::Duration::days(1);
    let (a, b) = tokio::join!(
        volant::billing::closures::close_due(&app.pool, tomorrow),
        volant::billing::closures::close_due(&app.pool, tomorrow)
    );
    let (a, b) = (a.unwrap(), b.unwrap());
    let days = admin.json("/api/v1/closures?period=day").await;
    assert_eq!(days.as_array().unwrap().len(), 1, "{days}");
    assert!(a + b >= 1, "{a} {b}");
    let day = &days[0];
    let invoices = admin.json("/api/v1/invoices").await;
    let invoiced: i64 = invoices["items"].as_array().unwrap().iter().map(|i| i["incl_cents"].as_i64().unwrap()).sum();
    let payments = admin.json("/api/v1/payments").await;
    let collected: i64 =
        payments["items"].as_array().unwrap().iter().map(|p| p["amount_cents"].as_i64().unwrap()).sum();
    assert_eq!(day["invoiced_cents"].as_i64(), Some(invoiced), "{day}");
    assert_eq!(day["collected_cents"].as_i64(), Some(collected), "{day}");
    assert_eq!(day["grand_total_cents"].as_i64(), Some(invoiced));
    let by_vat: i64 = day["by_vat"].as_array().unwrap().iter().map(|v| v["incl_cents"].as_i64().unwrap()).sum();
    assert_eq!(by_vat, invoiced);
    assert!(day["by_method"].to_string().contains("cheque"), "{day}");
    // Run again: nothing more.
    assert_eq!(volant::billing::closures::close_due(&app.pool, tomorrow).await.unwrap(), 0);

    // Forty days of downtime: every day is closed, each month that ended too, nothing twice.
    let later = now + chrono::Duration::days(41);
    // The server's own clock closes too (a pass at start-up, then every ten minutes): while it holds
    // a school, another pass skips it and the next one catches up; so does this test.
    let mut days = json!([]);
    for _ in 0..50 {
        volant::billing::closures::close_due(&app.pool, later).await.unwrap();
        days = admin.json("/api/v1/closures?period=day&limit=100").await;
        if days.as_array().unwrap().len() > 1 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(days.as_array().unwrap().len(), 41, "one per day since the first record");
    let months = admin.json("/api/v1/closures?period=month").await;
    assert!(!months.as_array().unwrap().is_empty(), "a month ended within forty days");
    for closure in days.as_array().unwrap().iter().chain(months.as_array().unwrap()) {
        assert_eq!(closure["grand_total_cents"].as_i64(), Some(invoiced), "the grand total carries on: {closure}");
    }
    let month_collected: i64 = months.as_array().unwrap().iter().map(|m| m["collected_cents"].as_i64().unwrap()).sum();
    assert!(month_collected <= collected);
}
