//! Outgoing SMS, through one provider reached over HTTP.
//!
//! The caller (a notification job) hands a message to [`SmsGateway::send`] and acts on the
//! answer:
//! - `Ok(SmsOutcome::Sent)`: the provider took the message;
//! - `Ok(SmsOutcome::Refused)`: a permanent refusal (invalid number, blocked recipient, text too
//!   long, no provider configured): the delivery is marked failed with the French reason, and
//!   never retried;
//! - `Err(_)`: a transient fault (timeout, connection refused, 429, 5xx) or a configuration fault
//!   (401/403: a wrong token, retried once the admin fixes it): the job fails and the outbox
//!   retries it with backoff.
//!
//! Retries are safe because every message carries an idempotency key (one per delivery): the
//! provider sends once per key, and answers a repeated key with its first answer.
//!
//! The same code runs in production and in tests: tests and the demo point it at
//! `volant simulate sms` (the `simulate::sms` module), a local provider that speaks the same HTTP.
//!
//! # The provider's API
//!
//! Modelled on the REST APIs of common SMS providers. `{base}` is `VOLANT_SMS_URL`.
//!
//! ```text
//! POST {base}/v1/messages
//!   Authorization: Bearer {token}
//!   Idempotency-Key: {key}
//!   Content-Type: application/json
//!   {"to": "+33612345678", "from": "AUTOECOLE", "text": "Votre leçon de demain 10 h est confirmée."}
//!
//!   201 {"id": "…", "status": "accepted"}      sent
//!   200 {"id": "…", "status": "accepted"}      the key was seen: the first answer again, nothing sent
//!   400 {"error": {"code": "…", "message": "…"}}   permanent; codes: invalid_number (not E.164),
//!                                              blocked_recipient, text_too_long (over 1600
//!                                              characters), invalid_sender (not 1–11 letters
//!                                              or digits), idempotency_key_reused (same key,
//!                                              other message), invalid_request
//!   401 / 403                                  bad or missing token
//!   429 + Retry-After: {seconds}               rate limited
//!   5xx                                        provider fault
//!
//! GET {base}/v1/messages
//!   Authorization: Bearer {token}
//!   200 {"items": [{"id", "to", "from", "text", "created_at"}]}   oldest first
//! ```
//!
//! Logs name the recipient masked to its last two digits, never the text nor the token.

use std::{fmt, time::Duration};

use anyhow::{Context, anyhow, bail};
use reqwest::{StatusCode, header};
use serde::{Deserialize, Serialize};

use crate::config::Secret;

const TIMEOUT: Duration = Duration::from_secs(10);
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);

/// The reason given when no provider is configured.
pub const NOT_CONFIGURED: &str = "Aucun fournisseur SMS n'est configuré.";

/// One SMS to send.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SmsMessage {
    /// E.164, e.g. `+33612345678` (see [`to_e164_fr`]).
    pub to: String,
    pub text: String,
    /// Alphanumeric sender id, at most 11 characters (see [`sender_id`]).
    pub sender: String,
    /// One per delivery: the provider sends once per key, however often the job is retried.
    pub idempotency_key: String,
}

/// Neither the text nor the full number: a message's `Debug` may end up in a log.
impl fmt::Debug for SmsMessage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SmsMessage")
            .field("to", &mask(&self.to))
            .field("text", &format_args!("<{} chars>", self.text.chars().count()))
            .field("sender", &self.sender)
            .field("idempotency_key", &self.idempotency_key)
            .finish()
    }
}

/// What became of a message. Transient faults are not outcomes: they are `Err`, and retried.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum SmsOutcome {
    /// The provider took it; `provider_id` is its id for the message.
    Sent { provider_id: String },
    /// Refused for good; `reason` is French, for the school's staff.
    Refused { reason: String },
}

/// The configured provider, or none.
#[derive(Clone, Debug)]
pub enum SmsGateway {
    Http(HttpSmsGateway),
    /// No provider configured: every message is refused with [`NOT_CONFIGURED`].
    Disabled,
}

impl SmsGateway {
    /// `url` and `token` are `VOLANT_SMS_URL` and `VOLANT_SMS_TOKEN`. Without a URL (unset or
    /// empty), SMS are disabled; a URL without a token is a configuration error.
    pub fn new(url: Option<&str>, token: Option<&str>) -> anyhow::Result<SmsGateway> {
        let url = url.map(str::trim).filter(|u| !u.is_empty());
        let token = token.map(str::trim).filter(|t| !t.is_empty());
        match (url, token) {
            (None, _) => Ok(SmsGateway::Disabled),
            (Some(_), None) => bail!("VOLANT_SMS_TOKEN must be set when VOLANT_SMS_URL is"),
            (Some(url), Some(token)) => Ok(SmsGateway::Http(HttpSmsGateway::new(url, token)?)),
        }
    }

    pub fn is_enabled(&self) -> bool {
        matches!(self, SmsGateway::Http(_))
    }

    /// Sends one message: `Ok` for an outcome (sent or refused for good), `Err` for a fault to
    /// retry.
    pub async fn send(&self, msg: &SmsMessage) -> anyhow::Result<SmsOutcome> {
        match self {
            SmsGateway::Http(http) => http.send(msg).await,
            SmsGateway::Disabled => {
                tracing::info!(to = %mask(&msg.to), "sms: refused, no provider configured");
                Ok(SmsOutcome::Refused { reason: NOT_CONFIGURED.to_owned() })
            }
        }
    }
}

/// The outbox job that sends one SMS outside the notifications (a signature code).
pub const SMS_SEND: &str = "sms.send";

impl SmsGateway {
    /// Registers the SMS job: every server runs it. A refusal for good is logged and dropped,
    /// a fault is retried (the message's idempotency key keeps it sent once).
    pub fn handle_jobs(self, registry: crate::jobs::JobRegistry) -> crate::jobs::JobRegistry {
        registry.register(SMS_SEND, move |_state, job| {
            let gateway = self.clone();
            async move {
                let msg: SmsMessage = serde_json::from_value(job.payload).context("bad SMS payload")?;
                if let SmsOutcome::Refused { reason } = gateway.send(&msg).await? {
                    tracing::warn!(to = %mask(&msg.to), %reason, "sms refused for good");
                }
                Ok(())
            }
        })
    }
}

/// Puts an SMS in the outbox, inside the caller's transaction.
pub async fn enqueue(
    conn: &mut sqlx::PgConnection,
    tenant: volant_domain::ids::TenantId,
    msg: &SmsMessage,
) -> Result<(), sqlx::Error> {
    crate::jobs::enqueue(conn, Some(tenant), SMS_SEND, msg).await.map(|_| ())
}

/// The provider's HTTP API (see the module documentation).
#[derive(Clone, Debug)]
pub struct HttpSmsGateway {
    messages_url: String,
    token: Secret,
    client: reqwest::Client,
}

#[derive(Serialize)]
struct WireMessage<'a> {
    to: &'a str,
    from: &'a str,
    text: &'a str,
}

#[derive(Deserialize)]
struct Accepted {
    id: String,
}

#[derive(Deserialize)]
struct ErrorBody {
    error: ErrorDetail,
}

#[derive(Deserialize)]
struct ErrorDetail {
    code: String,
}

impl HttpSmsGateway {
    pub fn new(base_url: &str, token: &str) -> anyhow::Result<HttpSmsGateway> {
        let base = base_url.trim().trim_end_matches('/');
        if !(base.starts_with("http://") || base.starts_with("https://")) {
            bail!("VOLANT_SMS_URL must start with http:// or https://");
        }
        let client = reqwest::Client::builder()
            .timeout(TIMEOUT)
            .connect_timeout(CONNECT_TIMEOUT)
            // A redirected POST would turn into a GET, or carry the token elsewhere.
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("volant/", env!("CARGO_PKG_VERSION")))
            .build()
            .context("cannot build the SMS provider's HTTP client")?;
        Ok(HttpSmsGateway { messages_url: format!("{base}/v1/messages"), token: Secret::new(token), client })
    }

    pub async fn send(&self, msg: &SmsMessage) -> anyhow::Result<SmsOutcome> {
        let to = mask(&msg.to);
        let key = msg.idempotency_key.as_str();
        let sent = self
            .client
            .post(&self.messages_url)
            .bearer_auth(self.token.expose())
            .header("Idempotency-Key", key)
            .json(&WireMessage { to: &msg.to, from: &msg.sender, text: &msg.text })
            .send()
            .await;
        let response = match sent {
            Ok(r) => r,
            Err(e) => {
                tracing::warn!(to = %to, key, error = %e, "sms: provider unreachable, will retry");
                return Err(anyhow::Error::new(e).context("SMS provider unreachable"));
            }
        };
        let status = response.status();
        match status {
            s if s.is_success() => {
                let accepted: Accepted =
                    response.json().await.context("SMS provider: unreadable answer (the retry is idempotent)")?;
                let replayed = status == StatusCode::OK;
                tracing::info!(to = %to, key, provider_id = %accepted.id, replayed, "sms: sent");
                Ok(SmsOutcome::Sent { provider_id: accepted.id })
            }
            StatusCode::BAD_REQUEST | StatusCode::UNPROCESSABLE_ENTITY => {
                let code = response.json::<ErrorBody>().await.ok().map(|b| b.error.code);
                tracing::warn!(to = %to, key, code = code.as_deref().unwrap_or("-"), "sms: refused by the provider");
                Ok(SmsOutcome::Refused { reason: refusal_reason(code.as_deref()) })
            }
            StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN => {
                tracing::error!(to = %to, key, %status, "sms: the provider rejects our token, check VOLANT_SMS_TOKEN");
                Err(anyhow!("SMS provider rejected the token ({status}): check VOLANT_SMS_TOKEN"))
            }
            StatusCode::TOO_MANY_REQUESTS => {
                let retry_after =
                    response.headers().get(header::RETRY_AFTER).and_then(|v| v.to_str().ok()).unwrap_or("?").to_owned();
                tracing::warn!(to = %to, key, retry_after, "sms: rate limited by the provider, will retry");
                Err(anyhow!("SMS provider rate limit (429), retry after {retry_after} s"))
            }
            _ => {
                tracing::warn!(to = %to, key, %status, "sms: provider fault, will retry");
                Err(anyhow!("SMS provider answered {status}"))
            }
        }
    }
}

/// The French reason for a provider's refusal code.
fn refusal_reason(code: Option<&str>) -> String {
    match code {
        Some("invalid_number") => "Numéro de téléphone invalide.".to_owned(),
        Some("blocked_recipient") => "Le destinataire a bloqué les SMS.".to_owned(),
        Some("text_too_long") => "Message trop long.".to_owned(),
        Some(other) => format!("Message refusé par le fournisseur SMS ({other})."),
        None => "Message refusé par le fournisseur SMS.".to_owned(),
    }
}

/// A number for logs: its last two digits only.
/// `***78`: enough for a person to recognise their number, too little to read it.
pub fn mask(phone: &str) -> String {
    let digits: Vec<char> = phone.chars().filter(char::is_ascii_digit).collect();
    match digits.len().checked_sub(2).and_then(|start| digits.get(start..)) {
        Some(last) => format!("***{}", last.iter().collect::<String>()),
        None => "***".to_owned(),
    }
}

/// A French mobile number in E.164, from the ways people write it: `06 12 34 56 78`,
/// `06.12.34.56.78`, `+33 6 12 34 56 78`, `+33 (0)6 12 34 56 78`, `0033612345678`. `None` for
/// anything else: a landline (01–05, 09), a special number (08), a foreign number, a typo.
///
/// Mobiles of the overseas departments are dialled `06 9x…` / `06 39…` in France but belong to
/// their own country codes: `0692 12 34 56` (La Réunion) is `+262692123456`, not `+33692…`.
pub fn to_e164_fr(phone: &str) -> Option<String> {
    let trimmed = phone.trim();
    let (international, rest) = match trimmed.strip_prefix('+') {
        Some(rest) => (true, rest),
        None => (false, trimmed),
    };
    let mut digits = String::new();
    for c in rest.chars() {
        match c {
            '0'..='9' => digits.push(c),
            ' ' | '.' | '-' | '/' | '(' | ')' | '\u{a0}' | '\u{202f}' => {}
            _ => return None,
        }
    }
    let international = if international { Some(digits.as_str()) } else { digits.strip_prefix("00") };
    let national = match international {
        // `+33 (0)6…`: the trunk zero some people keep after the country code.
        Some(intl) => match intl.strip_prefix("33") {
            Some(n) => n.strip_prefix('0').filter(|n| n.len() == 9).unwrap_or(n),
            None => return overseas_international(intl),
        },
        None => digits.strip_prefix('0')?,
    };
    national_mobile(national)
}

/// The overseas mobile prefixes (after the trunk zero) and their country codes.
const OVERSEAS: [(&str, &str); 8] = [
    ("639", "262"), // Mayotte
    ("692", "262"), // La Réunion
    ("693", "262"),
    ("690", "590"), // Guadeloupe, Saint-Martin, Saint-Barthélemy
    ("691", "590"),
    ("694", "594"), // Guyane
    ("696", "596"), // Martinique
    ("697", "596"),
];

/// `n`: the nine digits after the trunk zero.
fn national_mobile(n: &str) -> Option<String> {
    if n.len() != 9 || !n.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let mobile = match n.as_bytes() {
        [b'6', ..] => true,
        // 070–072 are not mobile numbers (0700 is for machine-to-machine lines).
        [b'7', second, ..] => (b'3'..=b'9').contains(second),
        _ => false,
    };
    if !mobile {
        return None;
    }
    match OVERSEAS.iter().find(|(prefix, _)| n.starts_with(prefix)) {
        Some((_, cc)) => Some(format!("+{cc}{n}")),
        None => Some(format!("+33{n}")),
    }
}

/// `+262 692 12 34 56` and the like: an overseas mobile written with its own country code.
fn overseas_international(intl: &str) -> Option<String> {
    let (cc, n) = (intl.get(..3)?, intl.get(3..)?);
    let known = OVERSEAS.iter().any(|(prefix, code)| *code == cc && n.starts_with(prefix));
    (known && n.len() == 9 && n.bytes().all(|b| b.is_ascii_digit())).then(|| format!("+{cc}{n}"))
}

/// A sender id from a school's name: ASCII letters and digits only (accents dropped, spaces and
/// punctuation removed), at most 11 characters, at least one letter (an all-digit sender would be
/// taken for a phone number); `Volant` when nothing usable is left.
pub fn sender_id(name: &str) -> String {
    let id: String = name
        .chars()
        .filter_map(|c| match c {
            'a'..='z' | 'A'..='Z' | '0'..='9' => Some(c),
            'à' | 'â' | 'ä' | 'á' => Some('a'),
            'À' | 'Â' | 'Ä' | 'Á' => Some('A'),
            'é' | 'è' | 'ê' | 'ë' => Some('e'),
            'É' | 'È' | 'Ê' | 'Ë' => Some('E'),
            'î' | 'ï' | 'í' => Some('i'),
            'Î' | 'Ï' | 'Í' => Some('I'),
            'ô' | 'ö' | 'ó' => Some('o'),
            'Ô' | 'Ö' | 'Ó' => Some('O'),
            'ù' | 'û' | 'ü' | 'ú' => Some('u'),
            'Ù' | 'Û' | 'Ü' | 'Ú' => Some('U'),
            'ç' => Some('c'),
            'Ç' => Some('C'),
            'ÿ' => Some('y'),
            _ => None,
        })
        .take(11)
        .collect();
    if id.chars().any(|c| c.is_ascii_alphabetic()) { id } else { "Volant".to_owned() }
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use super::*;
    use crate::simulate::sms::SmsSimulator;

    const TOKEN: &str = "sim-token";

    fn message(to: &str, key: &str) -> SmsMessage {
        SmsMessage {
            to: to.to_owned(),
            text: "Votre leçon de demain à 10 h est confirmée.".to_owned(),
            sender: "AUTOECOLE".to_owned(),
            idempotency_key: key.to_owned(),
        }
    }

    async fn listed(sim: &SmsSimulator) -> Vec<Value> {
        let body: Value = reqwest::Client::new()
            .get(format!("{}/v1/messages", sim.url))
            .bearer_auth(TOKEN)
            .send()
            .await
            .unwrap()
            .error_for_status()
            .unwrap()
            .json()
            .await
            .unwrap();
        body["items"].as_array().cloned().unwrap()
    }

    async fn faults(sim: &SmsSimulator, body: Value) {
        reqwest::Client::new()
            .post(format!("{}/_faults", sim.url))
            .json(&body)
            .send()
            .await
            .unwrap()
            .error_for_status()
            .unwrap();
    }

    async fn setup() -> (SmsSimulator, SmsGateway) {
        let sim = SmsSimulator::start(TOKEN).await.unwrap();
        let gateway = SmsGateway::new(Some(&sim.url), Some(TOKEN)).unwrap();
        (sim, gateway)
    }

    #[tokio::test]
    async fn a_send_is_accepted_and_listed_by_the_provider() {
        let (sim, gateway) = setup().await;
        let outcome = gateway.send(&message("+33612345678", "k1")).await.unwrap();
        let SmsOutcome::Sent { provider_id } = outcome else { panic!("not sent: {outcome:?}") };
        let items = listed(&sim).await;
        assert_eq!(items.len(), 1);
        assert_eq!(items[0]["id"], provider_id.as_str());
        assert_eq!(items[0]["to"], "+33612345678");
        assert_eq!(items[0]["from"], "AUTOECOLE");
        assert_eq!(items[0]["text"], "Votre leçon de demain à 10 h est confirmée.");
        assert!(items[0]["created_at"].is_string());
    }

    #[tokio::test]
    async fn the_same_idempotency_key_twice_sends_once() {
        let (sim, gateway) = setup().await;
        let first = gateway.send(&message("+33612345678", "delivery-1")).await.unwrap();
        let second = gateway.send(&message("+33612345678", "delivery-1")).await.unwrap();
        assert_eq!(first, second);
        assert_eq!(listed(&sim).await.len(), 1);
        let mut other = message("+33612345678", "delivery-1");
        other.text = "Un autre message.".to_owned();
        let reused = gateway.send(&other).await.unwrap();
        let reason = "Message refusé par le fournisseur SMS (idempotency_key_reused).";
        assert_eq!(reused, SmsOutcome::Refused { reason: reason.into() });
        assert_eq!(listed(&sim).await.len(), 1);
        gateway.send(&message("+33612345678", "delivery-2")).await.unwrap();
        assert_eq!(listed(&sim).await.len(), 2);
    }

    #[tokio::test]
    async fn permanent_refusals_carry_a_french_reason_and_send_nothing() {
        let (sim, gateway) = setup().await;
        let invalid = gateway.send(&message("0612345678", "k1")).await.unwrap();
        assert_eq!(invalid, SmsOutcome::Refused { reason: "Numéro de téléphone invalide.".into() });

        let mut long = message("+33612345678", "k2");
        long.text = "a".repeat(1601);
        let too_long = gateway.send(&long).await.unwrap();
        assert_eq!(too_long, SmsOutcome::Refused { reason: "Message trop long.".into() });

        faults(&sim, json!({"block": ["+33699999999"]})).await;
        let blocked = gateway.send(&message("+33699999999", "k3")).await.unwrap();
        assert_eq!(blocked, SmsOutcome::Refused { reason: "Le destinataire a bloqué les SMS.".into() });

        assert!(listed(&sim).await.is_empty());
    }

    #[tokio::test]
    async fn a_provider_fault_is_an_error_and_the_retry_sends_once() {
        let (sim, gateway) = setup().await;
        faults(&sim, json!({"fail_next": 1, "status": 500})).await;
        let msg = message("+33612345678", "k1");
        let err = gateway.send(&msg).await.unwrap_err();
        assert!(err.to_string().contains("500"), "{err:#}");
        assert!(matches!(gateway.send(&msg).await.unwrap(), SmsOutcome::Sent { .. }));
        assert_eq!(listed(&sim).await.len(), 1);
    }

    #[tokio::test]
    async fn rate_limits_and_slow_faults_are_errors() {
        let (sim, gateway) = setup().await;
        faults(&sim, json!({"fail_next": 2, "status": 429})).await;
        let err = gateway.send(&message("+33612345678", "k1")).await.unwrap_err();
        assert!(err.to_string().contains("retry after 1 s"), "{err:#}");
        assert!(gateway.send(&message("+33612345678", "k1")).await.is_err());

        faults(&sim, json!({"fail_next": 1, "status": 503, "delay_ms": 50})).await;
        assert!(gateway.send(&message("+33612345678", "k1")).await.is_err());
        assert!(matches!(gateway.send(&message("+33612345678", "k1")).await.unwrap(), SmsOutcome::Sent { .. }));

        reqwest::Client::new().post(format!("{}/_reset", sim.url)).send().await.unwrap().error_for_status().unwrap();
        assert!(listed(&sim).await.is_empty());
    }

    #[tokio::test]
    async fn a_wrong_token_is_an_error_not_a_refusal() {
        let (sim, _) = setup().await;
        let gateway = SmsGateway::new(Some(&sim.url), Some("wrong")).unwrap();
        let err = gateway.send(&message("+33612345678", "k1")).await.unwrap_err();
        assert!(err.to_string().contains("401"), "{err:#}");
        assert!(!format!("{gateway:?}").contains("wrong"), "the token must not print itself");
        assert!(listed(&sim).await.is_empty());
    }

    #[tokio::test]
    async fn an_unreachable_provider_is_an_error() {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        drop(listener);
        let gateway = SmsGateway::new(Some(&url), Some(TOKEN)).unwrap();
        assert!(gateway.send(&message("+33612345678", "k1")).await.is_err());
    }

    #[tokio::test]
    async fn without_a_provider_every_message_is_refused() {
        let gateway = SmsGateway::new(None, Some(TOKEN)).unwrap();
        assert!(!gateway.is_enabled());
        let outcome = gateway.send(&message("+33612345678", "k1")).await.unwrap();
        assert_eq!(outcome, SmsOutcome::Refused { reason: NOT_CONFIGURED.into() });
        assert!(!SmsGateway::new(Some(""), None).unwrap().is_enabled());
        assert!(SmsGateway::new(Some("http://localhost:9300"), None).is_err());
        assert!(SmsGateway::new(Some("localhost:9300"), Some(TOKEN)).is_err());
    }

    #[test]
    fn french_mobile_numbers_become_e164() {
        for written in [
            "06 12 34 56 78",
            "06.12.34.56.78",
            "06-12-34-56-78",
            "0612345678",
            "+33 6 12 34 56 78",
            "+33612345678",
            "+33 (0)6 12 34 56 78",
            "0033612345678",
            "00 33 6 12 34 56 78",
            " 06\u{a0}12\u{a0}34\u{a0}56\u{a0}78 ",
        ] {
            assert_eq!(to_e164_fr(written).as_deref(), Some("+33612345678"), "{written:?}");
        }
        assert_eq!(to_e164_fr("07 81 23 45 67").as_deref(), Some("+33781234567"));
    }

    #[test]
    fn overseas_mobiles_get_their_own_country_code() {
        assert_eq!(to_e164_fr("0692 12 34 56").as_deref(), Some("+262692123456"));
        assert_eq!(to_e164_fr("+262 692 12 34 56").as_deref(), Some("+262692123456"));
        assert_eq!(to_e164_fr("0639 12 34 56").as_deref(), Some("+262639123456"));
        assert_eq!(to_e164_fr("0690 12 34 56").as_deref(), Some("+590690123456"));
        assert_eq!(to_e164_fr("0694 12 34 56").as_deref(), Some("+594694123456"));
        assert_eq!(to_e164_fr("0696 12 34 56").as_deref(), Some("+596696123456"));
        assert_eq!(to_e164_fr("+262 262 12 34 56"), None, "a landline in La Réunion");
    }

    #[test]
    fn anything_but_a_french_mobile_is_none() {
        for written in [
            "",
            "06 12 34 56",
            "06 12 34 56 78 9",
            "01 23 45 67 89",
            "09 12 34 56 78",
            "08 00 12 34 56",
            "07 01 23 45 67",
            "+44 7911 123456",
            "+32 470 12 34 56",
            "612345678",
            "06 12 34 56 7a",
            "+33 1 23 45 67 89",
            "++33612345678",
        ] {
            assert_eq!(to_e164_fr(written), None, "{written:?}");
        }
    }

    #[test]
    fn sender_ids_are_short_ascii_and_alphanumeric() {
        assert_eq!(sender_id("École de conduite Mérignac"), "Ecoledecond");
        assert_eq!(sender_id("Auto-École 2000"), "AutoEcole20");
        assert_eq!(sender_id("2000"), "Volant");
        assert_eq!(sender_id("—"), "Volant");
    }

    #[test]
    fn logs_and_debug_show_only_the_last_two_digits() {
        assert_eq!(mask("+33612345678"), "***78");
        assert_eq!(mask("7"), "***");
        let debug = format!("{:?}", message("+33612345678", "k1"));
        assert!(!debug.contains("612345678") && !debug.contains("leçon"), "{debug}");
    }
}
