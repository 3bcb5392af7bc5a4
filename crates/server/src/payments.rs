//! Card payments through one provider, reached over HTTP with Stripe's Checkout Sessions API and
//! its webhook signature scheme. The same code runs in production (`VOLANT_PAYMENTS_URL` =
//! `https://api.stripe.com`) and in tests and the demo, pointed at `volant simulate payments`
//! (the `simulate::payments` module), which speaks the same HTTP.
//!
//! # The provider's API, as used here
//!
//! ```text
//! POST {base}/v1/checkout/sessions
//!   Authorization: Bearer {secret key}
//!   Idempotency-Key: {our checkout id}
//!   Content-Type: application/x-www-form-urlencoded
//!   mode=payment
//!   payment_method_types[0]=card
//!   line_items[0][price_data][currency]=eur
//!   line_items[0][price_data][unit_amount]={cents}
//!   line_items[0][price_data][product_data][name]=Facture F2026-000001
//!   line_items[0][quantity]=1
//!   success_url=…&cancel_url=…
//!   client_reference_id={our checkout id}
//!   metadata[tenant_id]=…&metadata[checkout_id]=…
//!   customer_email=… (optional)
//!
//!   200 {"id": "cs_…", "object": "checkout.session", "url": "https://…", "amount_total": 12345,
//!        "currency": "eur", "status": "open", "payment_status": "unpaid", "metadata": {…}}
//!   4xx {"error": {"type": "invalid_request_error", "message": "…"}}
//!
//! Webhook (the provider → POST /api/v1/webhooks/payments/stripe):
//!   Stripe-Signature: t={unix seconds},v1={hex HMAC-SHA256(webhook secret, "{t}.{raw body}")}
//!   {"id": "evt_…", "object": "event", "type": "checkout.session.completed", "created": …,
//!    "data": {"object": {"id": "cs_…", "object": "checkout.session", "amount_total": 12345,
//!    "currency": "eur", "payment_status": "paid", "metadata": {"tenant_id": "…", "checkout_id": "…"}}}}
//! ```
//!
//! A webhook is believed only when its signature holds for a timestamp within
//! [`TOLERANCE_SECONDS`] of now; the caller then checks the amount against the checkout it asked
//! for and handles each event id once.

use std::time::Duration;

use anyhow::{Context, anyhow};
use hmac::{Hmac, Mac};
use serde::Deserialize;
use sha2::Sha256;

use crate::config::Secret;

/// The provider's name in paths and records.
pub const STRIPE: &str = "stripe";
/// How old a signed webhook may be (Stripe's default tolerance).
pub const TOLERANCE_SECONDS: i64 = 300;
const TIMEOUT: Duration = Duration::from_secs(15);

/// What the provider needs to open a payment page.
pub struct CheckoutRequest<'a> {
    pub checkout_id: uuid::Uuid,
    pub tenant_id: uuid::Uuid,
    pub amount_cents: i64,
    pub label: &'a str,
    pub success_url: &'a str,
    pub cancel_url: &'a str,
    pub customer_email: Option<&'a str>,
}

/// The payment page the provider opened.
#[derive(Debug, Deserialize)]
pub struct CheckoutSession {
    pub id: String,
    pub url: String,
    pub amount_total: i64,
}

/// The provider, as configured for this deployment.
#[derive(Clone)]
pub struct PaymentProvider {
    base: String,
    secret_key: Secret,
    webhook_secret: Secret,
    http: reqwest::Client,
}

impl PaymentProvider {
    /// `None` when no provider is configured (card payments are then refused in French).
    pub fn new(base: Option<&str>, secret_key: Option<&Secret>, webhook_secret: Option<&Secret>) -> Option<Self> {
        let http = reqwest::Client::builder().timeout(TIMEOUT).build().ok()?;
        Some(PaymentProvider {
            base: base?.trim_end_matches('/').to_owned(),
            secret_key: secret_key?.clone(),
            webhook_secret: webhook_secret?.clone(),
            http,
        })
    }

    /// Opens a payment page for one amount.
    pub async fn create_checkout(&self, req: &CheckoutRequest<'_>) -> anyhow::Result<CheckoutSession> {
        let amount = req.amount_cents.to_string();
        let (checkout, tenant) = (req.checkout_id.to_string(), req.tenant_id.to_string());
        let mut form = vec![
            ("mode", "payment"),
            // Card only: a delayed method (SEPA debit) would complete the page before the money arrives.
            ("payment_method_types[0]", "card"),
            ("line_items[0][price_data][currency]", "eur"),
            ("line_items[0][price_data][unit_amount]", amount.as_str()),
            ("line_items[0][price_data][product_data][name]", req.label),
            ("line_items[0][quantity]", "1"),
            ("success_url", req.success_url),
            ("cancel_url", req.cancel_url),
            ("client_reference_id", checkout.as_str()),
            ("metadata[tenant_id]", tenant.as_str()),
            ("metadata[checkout_id]", checkout.as_str()),
        ];
        if let Some(email) = req.customer_email {
            form.push(("customer_email", email));
        }
        let answer = self
            .http
            .post(format!("{}/v1/checkout/sessions", self.base))
            .bearer_auth(self.secret_key.expose())
            .header("Idempotency-Key", checkout.as_str())
            .form(&form)
            .send()
            .await
            .context("the payment provider cannot be reached")?;
        let status = answer.status();
        if !status.is_success() {
            return Err(anyhow!("the payment provider answered {status}"));
        }
        let session: CheckoutSession = answer.json().await.context("the payment provider's answer is unreadable")?;
        if session.amount_total != req.amount_cents {
            return Err(anyhow!("the payment provider opened a page for another amount"));
        }
        Ok(session)
    }

    /// Checks a webhook's `Stripe-Signature` header against its raw body at `now` (unix seconds).
    pub fn verify(&self, header: &str, body: &[u8], now: i64) -> Result<(), SignatureError> {
        verify(self.webhook_secret.expose(), header, body, now)
    }
}

#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum SignatureError {
    #[error("signature header missing or malformed")]
    Malformed,
    #[error("timestamp outside the tolerance")]
    Stale,
    #[error("no signature matches")]
    Mismatch,
}

/// The `v1` signature of a payload sent at `timestamp`.
pub fn sign(secret: &str, timestamp: i64, body: &[u8]) -> String {
    mac(secret, timestamp, body).map(|m| hex::encode(m.finalize().into_bytes())).unwrap_or_default()
}

/// The header a provider sends with a payload: `t=…,v1=…`.
pub fn signature_header(secret: &str, timestamp: i64, body: &[u8]) -> String {
    format!("t={timestamp},v1={}", sign(secret, timestamp, body))
}

/// HMAC-SHA256 over `"{timestamp}.{body}"` (HMAC takes a key of any length: never `None`).
fn mac(secret: &str, timestamp: i64, body: &[u8]) -> Option<Hmac<Sha256>> {
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(secret.as_bytes()).ok()?;
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    Some(mac)
}

/// Stripe's scheme: the header carries a timestamp and one or more `v1` signatures (several
/// during a secret's rotation); one must match, in constant time, and the timestamp must be
/// recent.
pub fn verify(secret: &str, header: &str, body: &[u8], now: i64) -> Result<(), SignatureError> {
    let mut timestamp = None;
    let mut signatures = vec![];
    for part in header.split(',') {
        match part.trim().split_once('=') {
            Some(("t", t)) => timestamp = t.parse::<i64>().ok(),
            Some(("v1", s)) => signatures.extend(hex::decode(s).ok()),
            _ => {}
        }
    }
    let timestamp = timestamp.ok_or(SignatureError::Malformed)?;
    if signatures.is_empty() {
        return Err(SignatureError::Malformed);
    }
    // `abs_diff`: a forged `t=-9223372036854775808` must not overflow.
    if now.abs_diff(timestamp) > TOLERANCE_SECONDS.unsigned_abs() {
        return Err(SignatureError::Stale);
    }
    let matches = signatures.iter().any(|s| mac(secret, timestamp, body).is_some_and(|m| m.verify_slice(s).is_ok()));
    if matches { Ok(()) } else { Err(SignatureError::Mismatch) }
}

/// The part of a provider event we read.
#[derive(Debug, Deserialize)]
pub struct Event {
    pub id: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub data: EventData,
}

#[derive(Debug, Deserialize)]
pub struct EventData {
    pub object: SessionObject,
}

#[derive(Debug, Deserialize)]
pub struct SessionObject {
    pub id: String,
    #[serde(default)]
    pub amount_total: Option<i64>,
    #[serde(default)]
    pub currency: Option<String>,
    #[serde(default)]
    pub payment_status: Option<String>,
    #[serde(default)]
    pub metadata: std::collections::HashMap<String, String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &str = "whsec_test";

    #[test]
    fn a_signed_payload_verifies_and_any_change_breaks_it() {
        let body = br#"{"id":"evt_1"}"#;
        let header = signature_header(SECRET, 1_000_000, body);
        assert_eq!(verify(SECRET, &header, body, 1_000_100), Ok(()));
        assert_eq!(verify(SECRET, &header, br#"{"id":"evt_2"}"#, 1_000_100), Err(SignatureError::Mismatch));
        assert_eq!(verify("whsec_other", &header, body, 1_000_100), Err(SignatureError::Mismatch));
        assert_eq!(verify(SECRET, &header, body, 1_000_000 + TOLERANCE_SECONDS + 1), Err(SignatureError::Stale));
        assert_eq!(verify(SECRET, "v1=00", body, 1_000_000), Err(SignatureError::Malformed));
        assert_eq!(verify(SECRET, "t=1000000", body, 1_000_000), Err(SignatureError::Malformed));
    }

    #[test]
    fn one_matching_signature_among_several_is_enough() {
        let body = b"{}";
        let good = sign(SECRET, 42, body);
        let header = format!("t=42,v1={},v1={good},v0=ignored", "ab".repeat(32));
        assert_eq!(verify(SECRET, &header, body, 42), Ok(()));
    }

    #[test]
    fn the_signature_is_stripes_hmac() {
        // HMAC-SHA256("key", "1.payload"), computed independently with Python's hmac module.
        assert_eq!(sign("key", 1, b"payload"), "32c9b0eaac24dc9674a36bdaa6352fb67abcb2c6d9731e18010b62b34fbdd32a");
    }
}
