//! A student's training funded by the CPF (compte personnel de formation): the dossier's life on
//! EDOF, the Caisse des Dépôts' platform, which has no public API (`domain/regulation-fr.md`
//! § CPF): the office enters each status as EDOF shows it, and Volant says which dossiers have
//! stayed too long in one. Pure: the dates come in.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::planning::Finding;

/// The statuses of a dossier, in their order on EDOF.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum CpfStatus {
    /// Sent by the student, waiting for the school's answer.
    Submitted,
    /// Accepted by the school and confirmed by the student: the training may start.
    Accepted,
    /// The training has started ("entrée en formation" declared).
    InTraining,
    /// The training is over ("service fait" declared).
    ServiceDone,
    /// The school has invoiced the Caisse des Dépôts.
    Invoiced,
    Paid,
    Cancelled,
}

impl CpfStatus {
    pub const ALL: [CpfStatus; 7] = [
        CpfStatus::Submitted,
        CpfStatus::Accepted,
        CpfStatus::InTraining,
        CpfStatus::ServiceDone,
        CpfStatus::Invoiced,
        CpfStatus::Paid,
        CpfStatus::Cancelled,
    ];

    /// The statuses a dossier may go to from this one: forward one step, or cancelled before
    /// the service is done (a cancelled or paid dossier is final).
    pub fn can_become(self, next: CpfStatus) -> bool {
        use CpfStatus::*;
        matches!(
            (self, next),
            (Submitted, Accepted)
                | (Accepted, InTraining)
                | (InTraining, ServiceDone)
                | (ServiceDone, Invoiced)
                | (Invoiced, Paid)
                | (Submitted | Accepted | InTraining, Cancelled)
        )
    }

    pub fn label(self) -> &'static str {
        match self {
            CpfStatus::Submitted => "en attente de validation",
            CpfStatus::Accepted => "accepté",
            CpfStatus::InTraining => "en formation",
            CpfStatus::ServiceDone => "service fait",
            CpfStatus::Invoiced => "facturé",
            CpfStatus::Paid => "payé",
            CpfStatus::Cancelled => "annulé",
        }
    }
}

/// How long a dossier may stay in a status before the office is alerted, in days. The trade's
/// habits, not the law: a school sets its own.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default, deny_unknown_fields)]
pub struct CpfSettings {
    /// A dossier submitted and not answered (EDOF gives the school a couple of working days).
    pub submitted_days: u32,
    /// Accepted and the training not started.
    pub accepted_days: u32,
    /// In training and the service not declared done.
    pub in_training_days: u32,
    /// Service done and not invoiced.
    pub service_done_days: u32,
    /// Invoiced and not paid.
    pub invoiced_days: u32,
    /// [C] The 2026 finance law restricts CPF for permis B to job seekers or to a co-financing by a
    /// third party of at least this much (a draft decree says €100), in cents; 0: no check.
    pub min_co_financing_cents: i64,
}

impl Default for CpfSettings {
    fn default() -> Self {
        CpfSettings {
            submitted_days: 3,
            accepted_days: 30,
            in_training_days: 180,
            service_done_days: 15,
            invoiced_days: 45,
            min_co_financing_cents: 10_000,
        }
    }
}

impl CpfSettings {
    /// The days a dossier may stay in `status`; none for a final status.
    pub fn limit(&self, status: CpfStatus) -> Option<u32> {
        match status {
            CpfStatus::Submitted => Some(self.submitted_days),
            CpfStatus::Accepted => Some(self.accepted_days),
            CpfStatus::InTraining => Some(self.in_training_days),
            CpfStatus::ServiceDone => Some(self.service_done_days),
            CpfStatus::Invoiced => Some(self.invoiced_days),
            CpfStatus::Paid | CpfStatus::Cancelled => None,
        }
    }
}

/// A dossier stuck: in `status` since `since`, beyond the school's limit on `today`. The days it
/// has been there.
pub fn stuck_days(status: CpfStatus, since: NaiveDate, today: NaiveDate, settings: &CpfSettings) -> Option<i64> {
    let limit = i64::from(settings.limit(status)?);
    let days = (today - since).num_days();
    (days > limit).then_some(days)
}

/// The 2026 rule on who may use the CPF for permis B, as a warning (the decree is a draft).
pub fn co_financing_finding(job_seeker: bool, co_financing_cents: i64, settings: &CpfSettings) -> Option<Finding> {
    let min = settings.min_co_financing_cents;
    (!job_seeker && min > 0 && co_financing_cents < min).then(|| Finding {
        code: "cpf_co_financing".into(),
        message: format!(
            "Depuis la loi de finances 2026, le CPF ne finance le permis B que pour un demandeur d'emploi \
             ou avec un cofinancement d'au moins {} € par un tiers (employeur, France Travail…).",
            min / 100
        ),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use CpfStatus::*;

    #[test]
    fn a_dossier_moves_forward_one_step_or_is_cancelled_before_the_service() {
        assert!(Submitted.can_become(Accepted));
        assert!(Invoiced.can_become(Paid));
        assert!(InTraining.can_become(Cancelled));
        assert!(!Submitted.can_become(InTraining), "no step skipped");
        assert!(!ServiceDone.can_become(Cancelled), "a service done is invoiced");
        assert!(!Paid.can_become(Cancelled) && !Cancelled.can_become(Submitted), "final");
        assert!(!Accepted.can_become(Submitted), "never back");
    }

    #[test]
    fn a_dossier_is_stuck_past_its_status_limit() {
        let s = CpfSettings::default();
        let day = |d| NaiveDate::from_ymd_opt(2026, 3, d).unwrap();
        assert_eq!(stuck_days(Submitted, day(1), day(4), &s), None, "three days are allowed");
        assert_eq!(stuck_days(Submitted, day(1), day(5), &s), Some(4));
        assert_eq!(stuck_days(Paid, day(1), day(30), &s), None, "a paid dossier is done");
    }

    #[test]
    fn the_2026_rule_warns_without_a_job_seeker_or_a_co_financing() {
        let s = CpfSettings::default();
        assert!(co_financing_finding(false, 0, &s).is_some());
        assert!(co_financing_finding(false, 10_000, &s).is_none());
        assert!(co_financing_finding(true, 0, &s).is_none());
        let off = CpfSettings { min_co_financing_cents: 0, ..CpfSettings::default() };
        assert!(co_financing_finding(false, 0, &off).is_none());
    }
}
