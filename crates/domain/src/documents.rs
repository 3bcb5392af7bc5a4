//! The documents of a student file and the checklist of what is missing or out of date.
//! Sources: `domain/regulation-fr.md` § ANTS (ID, e-photo 6 months, proof of address under
//! 6 months, ASSR2 under 21, JDC under 25, guardian's ID for a minor, signed contract).

use chrono::{Months, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::student::{age_on, is_minor};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum DocumentKind {
    IdCard,
    PhotoSignature,
    ProofOfAddress,
    Assr2,
    Jdc,
    GuardianId,
    Contract,
    Other,
}

/// The e-photo/signature code is valid 6 months; a proof of address must be under 6 months.
pub const PHOTO_VALID_MONTHS: u32 = 6;
pub const PROOF_OF_ADDRESS_MAX_MONTHS: u32 = 6;
/// ASSR2 (or ASR) is required under 21; the JDC certificate under 25.
pub const ASSR2_REQUIRED_UNDER: u32 = 21;
pub const JDC_REQUIRED_UNDER: u32 = 25;

impl DocumentKind {
    pub const CHECKLIST: [DocumentKind; 7] = [
        DocumentKind::IdCard,
        DocumentKind::PhotoSignature,
        DocumentKind::ProofOfAddress,
        DocumentKind::Assr2,
        DocumentKind::Jdc,
        DocumentKind::GuardianId,
        DocumentKind::Contract,
    ];

    pub fn label_fr(self) -> &'static str {
        match self {
            DocumentKind::IdCard => "Pièce d'identité",
            DocumentKind::PhotoSignature => "E-photo / code photo-signature",
            DocumentKind::ProofOfAddress => "Justificatif de domicile",
            DocumentKind::Assr2 => "ASSR2 ou ASR",
            DocumentKind::Jdc => "Certificat JDC / recensement",
            DocumentKind::GuardianId => "Pièce d'identité du représentant légal",
            DocumentKind::Contract => "Contrat de formation signé",
            DocumentKind::Other => "Autre document",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum CheckStatus {
    Ok,
    Missing,
    Expired,
    NotRequired,
}

/// What the checklist knows of the latest document of a kind.
#[derive(Clone, Copy, Debug)]
pub struct Held {
    pub kind: DocumentKind,
    pub issued_on: Option<NaiveDate>,
    pub expires_on: Option<NaiveDate>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CheckItem {
    pub kind: DocumentKind,
    pub label: &'static str,
    pub status: CheckStatus,
    pub message: String,
}

fn required(kind: DocumentKind, birth: NaiveDate, today: NaiveDate) -> bool {
    let age = age_on(birth, today);
    match kind {
        DocumentKind::Assr2 => age < ASSR2_REQUIRED_UNDER,
        DocumentKind::Jdc => (17..JDC_REQUIRED_UNDER).contains(&age),
        DocumentKind::GuardianId => is_minor(birth, today),
        _ => true,
    }
}

/// The end of validity of a document: its own expiry date, or a validity counted from its issue.
fn valid_until(held: &Held) -> Option<NaiveDate> {
    let counted = |months| held.issued_on.and_then(|d| d.checked_add_months(Months::new(months)));
    match held.kind {
        DocumentKind::PhotoSignature => held.expires_on.or_else(|| counted(PHOTO_VALID_MONTHS)),
        DocumentKind::ProofOfAddress => counted(PROOF_OF_ADDRESS_MAX_MONTHS).or(held.expires_on),
        _ => held.expires_on,
    }
}

/// The checklist for a student born on `birth`, on `today`, given the latest document of each kind.
pub fn checklist(birth: NaiveDate, today: NaiveDate, held: &[Held]) -> Vec<CheckItem> {
    DocumentKind::CHECKLIST
        .iter()
        .map(|&kind| {
            let item = |status, message: String| CheckItem { kind, label: kind.label_fr(), status, message };
            if !required(kind, birth, today) {
                return item(CheckStatus::NotRequired, "Non requis pour cet âge.".into());
            }
            match held.iter().find(|h| h.kind == kind) {
                None => item(CheckStatus::Missing, "À fournir.".into()),
                Some(h) => match valid_until(h) {
                    Some(end) if end < today => {
                        item(CheckStatus::Expired, format!("Expiré depuis le {}.", end.format("%d/%m/%Y")))
                    }
                    Some(end) => item(CheckStatus::Ok, format!("Valable jusqu'au {}.", end.format("%d/%m/%Y"))),
                    None => item(CheckStatus::Ok, "Fourni.".into()),
                },
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn status_of(list: &[CheckItem], kind: DocumentKind) -> CheckStatus {
        list.iter().find(|i| i.kind == kind).unwrap().status
    }

    #[test]
    fn a_minor_needs_assr2_jdc_and_the_guardians_id() {
        let list = checklist(d("2009-06-01"), d("2026-11-24"), &[]);
        assert_eq!(status_of(&list, DocumentKind::Assr2), CheckStatus::Missing);
        assert_eq!(status_of(&list, DocumentKind::GuardianId), CheckStatus::Missing);
        assert_eq!(status_of(&list, DocumentKind::Jdc), CheckStatus::Missing);
    }

    #[test]
    fn age_thresholds_follow_the_rules() {
        // 22 years old: no ASSR2, still the JDC, no guardian.
        let list = checklist(d("2004-01-10"), d("2026-11-24"), &[]);
        assert_eq!(status_of(&list, DocumentKind::Assr2), CheckStatus::NotRequired);
        assert_eq!(status_of(&list, DocumentKind::Jdc), CheckStatus::Missing);
        assert_eq!(status_of(&list, DocumentKind::GuardianId), CheckStatus::NotRequired);
        // 21 on the day: ASSR2 no longer required.
        let list = checklist(d("2005-11-24"), d("2026-11-24"), &[]);
        assert_eq!(status_of(&list, DocumentKind::Assr2), CheckStatus::NotRequired);
        // 30 years old: neither.
        let list = checklist(d("1996-05-05"), d("2026-11-24"), &[]);
        assert_eq!(status_of(&list, DocumentKind::Jdc), CheckStatus::NotRequired);
    }

    #[test]
    fn photo_and_proof_of_address_expire_after_six_months() {
        let held = [
            Held { kind: DocumentKind::PhotoSignature, issued_on: Some(d("2026-05-24")), expires_on: None },
            Held { kind: DocumentKind::ProofOfAddress, issued_on: Some(d("2026-05-23")), expires_on: None },
        ];
        let list = checklist(d("1990-01-01"), d("2026-11-24"), &held);
        assert_eq!(status_of(&list, DocumentKind::PhotoSignature), CheckStatus::Ok, "valid through 24 November");
        assert_eq!(status_of(&list, DocumentKind::ProofOfAddress), CheckStatus::Expired);
    }

    #[test]
    fn an_id_with_a_past_expiry_is_expired() {
        let held = [Held { kind: DocumentKind::IdCard, issued_on: None, expires_on: Some(d("2026-11-23")) }];
        let list = checklist(d("1990-01-01"), d("2026-11-24"), &held);
        assert_eq!(status_of(&list, DocumentKind::IdCard), CheckStatus::Expired);
    }
}
