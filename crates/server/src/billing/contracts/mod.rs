//! The training contract (contrat-type, art. R.213-3 of the code de la route) and its amendments
//! (avenants), signed by a simple electronic signature (eIDAS art. 25): the signer — the student,
//! or a guardian for a minor — receives a one-time code by e-mail or SMS, and the code given back
//! signs. The copy to sign is kept with its SHA-256; the signed copy prints the evidence (signer,
//! time, IP, the channel and the masked address the code went to, the hash of the copy signed)
//! and a seal keyed by the server, and its own hash goes to the audit log.
//!
//! A sale of driving time beyond what the signed contract and amendments cover is a warning, or
//! refused when the school's setting says so (`billing.block_sale_beyond_contract`).

pub mod document;
pub mod repo;
pub mod routes;
pub mod service;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use super::LineInput;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ContractKind {
    Contract,
    Amendment,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ContractStatus {
    AwaitingSignature,
    Signed,
    /// Replaced by a newer copy before it was signed.
    Withdrawn,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum SignerRole {
    Student,
    Guardian,
}

/// Where a signature code is sent.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum SignatureChannel {
    Email,
    Sms,
}

impl SignatureChannel {
    pub fn label(self) -> &'static str {
        match self {
            SignatureChannel::Email => "par courriel",
            SignatureChannel::Sms => "par SMS",
        }
    }
}

crate::text_enum!(ContractKind, ContractStatus, SignatureChannel);

/// Who signs, as the file said when the copy was made.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Signer {
    pub role: SignerRole,
    pub name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
}

/// A product of the contract with the price agreed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ContractLine {
    pub product_id: Uuid,
    pub label: String,
    pub kind: String,
    pub quantity: i32,
    /// VAT included.
    pub unit_price_cents: i64,
    pub vat_rate_bp: i32,
    /// Driving time per unit.
    pub minutes: Option<i32>,
}

/// The proof of a signature, printed in the signed copy and kept in the audit log.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Evidence {
    pub signer: String,
    pub role: SignerRole,
    pub channel: SignatureChannel,
    /// The address the code went to, masked (`l***@exemple.fr`, `+33 6** ** ** 78`).
    pub sent_to: String,
    pub ip: Option<String>,
    pub user_agent: Option<String>,
    /// The account that gave the code back (the signer's own, or the office's at the desk).
    pub signed_by: Option<Uuid>,
    /// SHA-256 of the copy that was signed.
    pub document_sha256: String,
    /// The server's keyed seal over the contract, the hash, the signer, the time and the IP.
    pub seal: String,
}

/// A signature code on its way: where it went and until when it holds.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct SignatureCodeSent {
    pub channel: SignatureChannel,
    pub sent_to: String,
    pub expires_at: DateTime<Utc>,
}

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct Contract {
    pub id: Uuid,
    pub student_id: Uuid,
    pub kind: ContractKind,
    /// The contract an amendment adds to.
    pub amends: Option<Uuid>,
    /// 0 for the contract, 1, 2… for its amendments.
    pub rank: i32,
    /// The contract: the start evaluation's estimate; an amendment: the driving time it adds.
    pub minutes: i32,
    pub lines: Vec<ContractLine>,
    pub total_cents: i64,
    pub reason: Option<String>,
    pub signer: Signer,
    pub status: ContractStatus,
    pub document_sha256: String,
    pub signed_at: Option<DateTime<Utc>>,
    pub evidence: Option<Evidence>,
    /// SHA-256 of the signed copy (`GET /contracts/{id}.pdf` once signed).
    pub signed_sha256: Option<String>,
    /// The code sent and not used yet, if any.
    pub pending_code: Option<SignatureCodeSent>,
    pub created_at: DateTime<Utc>,
    pub version: i32,
}

/// `POST /students/{id}/contracts`: the products agreed (the estimate comes from the file's
/// start evaluation).
#[derive(Clone, Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewContract {
    pub lines: Vec<LineInput>,
}

/// `POST /students/{id}/amendments`: the products that add driving time, and why.
#[derive(Clone, Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewAmendment {
    pub lines: Vec<LineInput>,
    #[serde(default)]
    pub reason: Option<String>,
}

#[derive(Clone, Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SignatureCodeRequest {
    pub channel: SignatureChannel,
}

#[derive(Clone, Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SignRequest {
    /// The 6 digits received by the signer.
    pub code: String,
}
