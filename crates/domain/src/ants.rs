//! A student's registration dossier on ANTS (`domain/regulation-fr.md` § ANTS; SPEC § P2.1): its
//! statuses, which ones the school may act on, how a status shows on the student's file, what a
//! dossier is sent with, and the circuit breaker that spares a platform in trouble. Pure: the
//! instants come in.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

use crate::documents::{CheckStatus, DocumentKind};

/// The statuses of a dossier on the platform, in their order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum AntsDossierStatus {
    /// Not filed yet (or filed by hand on the portal).
    Draft,
    Submitted,
    /// "En cours d'instruction" (up to three months).
    InReview,
    /// Documents are missing or invalid: the school completes and files again.
    Incomplete,
    Rejected,
    /// The NEPH is given.
    Validated,
}

impl AntsDossierStatus {
    pub fn label(self) -> &'static str {
        match self {
            AntsDossierStatus::Draft => "à déposer",
            AntsDossierStatus::Submitted => "déposé",
            AntsDossierStatus::InReview => "en cours d'instruction",
            AntsDossierStatus::Incomplete => "incomplet",
            AntsDossierStatus::Rejected => "refusé",
            AntsDossierStatus::Validated => "validé",
        }
    }

    /// Whether the school may file (again): a new dossier, a completed one, or a new filing after
    /// a refusal. Filed dossiers wait for the platform.
    pub fn may_submit(self) -> bool {
        matches!(self, AntsDossierStatus::Draft | AntsDossierStatus::Incomplete | AntsDossierStatus::Rejected)
    }

    /// Whether the platform is still deciding (the dossier is synced on a schedule).
    pub fn awaits_platform(self) -> bool {
        matches!(self, AntsDossierStatus::Submitted | AntsDossierStatus::InReview)
    }

    /// The `ants_status` of the student file (SPEC § 3: `not_started|submitted|validated|rejected`).
    /// An incomplete dossier is still filed: it shows as `submitted`, with an office alert.
    pub fn student_status(self) -> &'static str {
        match self {
            AntsDossierStatus::Draft => "not_started",
            AntsDossierStatus::Submitted | AntsDossierStatus::InReview | AntsDossierStatus::Incomplete => "submitted",
            AntsDossierStatus::Rejected => "rejected",
            AntsDossierStatus::Validated => "validated",
        }
    }
}

/// Why the platform stopped a dossier: the document it names (when it names one) and its words.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AntsReason {
    pub document: Option<DocumentKind>,
    pub message: String,
}

/// What an incomplete or refused dossier tells the office: "Justificatif de domicile : plus de 6
/// mois ; Pièce d'identité : illisible".
pub fn reasons_summary(reasons: &[AntsReason]) -> String {
    reasons
        .iter()
        .map(|r| match r.document {
            Some(kind) => format!("{} : {}", kind.label_fr(), r.message),
            None => r.message.clone(),
        })
        .collect::<Vec<_>>()
        .join(" ; ")
}

/// The documents a dossier is filed with: the checklist's, without the school's own contract.
pub fn filed_with(kind: DocumentKind) -> bool {
    !matches!(kind, DocumentKind::Contract | DocumentKind::Other)
}

/// The checklist's missing or expired documents that a filing needs: the platform will ask for
/// them; the office is told before it files.
pub fn missing_for_filing(checklist: &[(DocumentKind, CheckStatus)]) -> Vec<DocumentKind> {
    checklist
        .iter()
        .filter(|(kind, status)| filed_with(*kind) && matches!(status, CheckStatus::Missing | CheckStatus::Expired))
        .map(|(kind, _)| *kind)
        .collect()
}

/// The NEPH (numéro d'enregistrement préfectoral harmonisé) is 12 digits.
pub fn is_neph(s: &str) -> bool {
    s.len() == 12 && s.bytes().all(|b| b.is_ascii_digit())
}

/// A per-platform circuit breaker: after `threshold` failures in a row, calls stop for
/// `cooldown`; then one trial call decides (a success closes the circuit, a failure opens it
/// again). The state lives with the connector, so every server instance shares it.
#[derive(Clone, Copy, Debug)]
pub struct CircuitBreaker {
    pub threshold: u32,
    pub cooldown: Duration,
}

/// What the breaker says of a call about to be made.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Circuit {
    /// Calls go through.
    Closed,
    /// The cooldown is over: this call is the trial.
    Trial,
    /// Calls fail fast until then.
    Open { until: DateTime<Utc> },
}

impl CircuitBreaker {
    pub fn state(&self, open_until: Option<DateTime<Utc>>, now: DateTime<Utc>) -> Circuit {
        match open_until {
            None => Circuit::Closed,
            Some(until) if until > now => Circuit::Open { until },
            Some(_) => Circuit::Trial,
        }
    }

    /// Until when the circuit opens after `consecutive_failures` (this one counted), if it does.
    pub fn opens_after(&self, consecutive_failures: u32, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
        (consecutive_failures >= self.threshold).then(|| now + self.cooldown)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    #[test]
    fn the_school_files_a_new_completed_or_refused_dossier_only() {
        use AntsDossierStatus::*;
        let may: Vec<_> = [Draft, Submitted, InReview, Incomplete, Rejected, Validated]
            .into_iter()
            .filter(|s| s.may_submit())
            .collect();
        assert_eq!(may, [Draft, Incomplete, Rejected]);
        assert_eq!(Incomplete.student_status(), "submitted");
        assert_eq!(Validated.student_status(), "validated");
        assert!(InReview.awaits_platform() && !Incomplete.awaits_platform());
    }

    #[test]
    fn reasons_name_their_documents() {
        let reasons = [
            AntsReason { document: Some(DocumentKind::ProofOfAddress), message: "plus de 6 mois".into() },
            AntsReason { document: None, message: "signature absente".into() },
        ];
        assert_eq!(reasons_summary(&reasons), "Justificatif de domicile : plus de 6 mois ; signature absente");
    }

    #[test]
    fn a_filing_needs_the_missing_and_expired_documents_but_not_the_contract() {
        let list = [
            (DocumentKind::IdCard, CheckStatus::Ok),
            (DocumentKind::ProofOfAddress, CheckStatus::Expired),
            (DocumentKind::Jdc, CheckStatus::NotRequired),
            (DocumentKind::PhotoSignature, CheckStatus::Missing),
            (DocumentKind::Contract, CheckStatus::Missing),
        ];
        assert_eq!(missing_for_filing(&list), [DocumentKind::ProofOfAddress, DocumentKind::PhotoSignature]);
    }

    #[test]
    fn a_neph_is_twelve_digits() {
        assert!(is_neph("123456789012"));
        assert!(!is_neph("12345678901") && !is_neph("12345678901a"));
    }

    #[test]
    fn the_circuit_opens_after_the_threshold_and_lets_one_trial_through_after_the_cooldown() {
        let breaker = CircuitBreaker { threshold: 3, cooldown: Duration::seconds(60) };
        let now = at("2026-12-07T10:00:00Z");
        assert_eq!(breaker.opens_after(2, now), None);
        let until = breaker.opens_after(3, now).unwrap();
        assert_eq!(until, at("2026-12-07T10:01:00Z"));
        assert_eq!(breaker.state(Some(until), now), Circuit::Open { until });
        assert_eq!(breaker.state(Some(until), at("2026-12-07T10:01:00Z")), Circuit::Trial);
        assert_eq!(breaker.state(None, now), Circuit::Closed);
    }
}
