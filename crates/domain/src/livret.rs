//! The digital livret and the school's ETP (`domain/regulation-fr.md` § ANTS and RdvPermis): every
//! lesson given is transmitted; on the 24th of each month the ministry computes the school's
//! full-time-equivalent teaching (ETP) over the months before from the hours transmitted —
//! start evaluations, theory lessons (an hour is an hour whatever the group), practical lessons and
//! exam accompaniment count 1:1, AAC practice 1.2 — and the monthly quota of practical-test places
//! follows from it. Hours not transmitted do not count. Pure: the dates and minutes come in.
//!
//! [U] Sources differ on the window (3 rolling months, one 2024 article said 4) and the cut-off day
//! (the 24th or 25th, the night before on a public holiday): both are settings.

use chrono::{Datelike, Months, NaiveDate};
use serde::{Deserialize, Serialize};

/// Days before the cut-off when lessons not accepted by the livret put the quota at risk.
pub const AT_RISK_DAYS: i64 = 3;

/// What a lesson counts as.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum EtpKind {
    Practical,
    /// Driving lessons of a student in apprentissage anticipé (AAC).
    AacPractice,
    Theory,
    StartEvaluation,
    ExamAccompaniment,
}

impl EtpKind {
    pub const ALL: [EtpKind; 5] = [
        EtpKind::Practical,
        EtpKind::AacPractice,
        EtpKind::Theory,
        EtpKind::StartEvaluation,
        EtpKind::ExamAccompaniment,
    ];

    pub fn label(self) -> &'static str {
        match self {
            EtpKind::Practical => "Leçons de conduite",
            EtpKind::AacPractice => "Conduite en AAC (× 1,2)",
            EtpKind::Theory => "Cours de code",
            EtpKind::StartEvaluation => "Évaluations de départ",
            EtpKind::ExamAccompaniment => "Accompagnements à l'examen",
        }
    }
}

/// The ministry's rules, as settings.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EtpSettings {
    /// The months counted before the cut-off.
    pub window_months: u32,
    /// The day of the month the ETP is computed.
    pub cutoff_day: u32,
    /// AAC practice, in thousandths (1200: an hour counts 1.2).
    pub aac_weight_permille: u32,
    /// A full-time month, in minutes (35 h × 52 / 12 = 151 h 40).
    pub full_time_month_minutes: u32,
}

impl Default for EtpSettings {
    fn default() -> Self {
        EtpSettings { window_months: 3, cutoff_day: 24, aac_weight_permille: 1200, full_time_month_minutes: 9_100 }
    }
}

impl EtpSettings {
    pub fn weight_permille(&self, kind: EtpKind) -> u32 {
        if kind == EtpKind::AacPractice { self.aac_weight_permille } else { 1000 }
    }

    /// The cut-off of `month` (its first day given) and the window it counts, `[from, to)`.
    pub fn window(&self, month: NaiveDate) -> (NaiveDate, NaiveDate, NaiveDate) {
        let first = month.with_day(1).unwrap_or(month);
        let last_day = first.checked_add_months(Months::new(1)).and_then(|d| d.pred_opt()).map_or(28, |d| d.day());
        let cutoff = first.with_day(self.cutoff_day.clamp(1, last_day)).unwrap_or(first);
        let from = cutoff.checked_sub_months(Months::new(self.window_months)).unwrap_or(cutoff);
        (cutoff, from, cutoff)
    }
}

/// The minutes of one kind in the window: given, and accepted by the livret.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct KindMinutes {
    pub done: i64,
    pub transmitted: i64,
}

/// One line of the preview.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EtpKindLine {
    pub kind: EtpKind,
    pub label: &'static str,
    pub weight: f64,
    pub done_minutes: i64,
    pub transmitted_minutes: i64,
    /// Transmitted hours × weight, to the hundredth.
    pub weighted_hours: f64,
}

/// What the ETP will be at the cut-off, and what the hours not transmitted cost.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EtpFigures {
    pub kinds: Vec<EtpKindLine>,
    pub weighted_hours: f64,
    pub full_time_hours: f64,
    pub etp: f64,
    pub not_transmitted_hours: f64,
    pub etp_lost: f64,
}

fn hundredths(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

/// The figures from the minutes of each kind (a kind missing counts nothing).
pub fn figures(minutes: &[(EtpKind, KindMinutes)], settings: &EtpSettings) -> EtpFigures {
    let mut kinds = Vec::new();
    let (mut weighted_min, mut missing_min) = (0i64, 0i64);
    for kind in EtpKind::ALL {
        let m = minutes.iter().find(|(k, _)| *k == kind).map(|(_, m)| *m).unwrap_or_default();
        let weight = i64::from(settings.weight_permille(kind));
        // Weighted minutes in thousandths, summed exactly, rounded once.
        weighted_min += m.transmitted * weight;
        missing_min += (m.done - m.transmitted).max(0) * weight;
        kinds.push(EtpKindLine {
            kind,
            label: kind.label(),
            weight: weight as f64 / 1000.0,
            done_minutes: m.done,
            transmitted_minutes: m.transmitted,
            weighted_hours: hundredths((m.transmitted * weight) as f64 / 60_000.0),
        });
    }
    let full_time_min = i64::from(settings.full_time_month_minutes) * i64::from(settings.window_months);
    let per_etp = (full_time_min.max(1) * 1000) as f64;
    EtpFigures {
        kinds,
        weighted_hours: hundredths(weighted_min as f64 / 60_000.0),
        full_time_hours: hundredths(full_time_min as f64 / 60.0),
        etp: hundredths(weighted_min as f64 / per_etp),
        not_transmitted_hours: hundredths(missing_min as f64 / 60_000.0),
        etp_lost: hundredths(missing_min as f64 / per_etp),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn the_window_is_the_three_months_before_the_24th() {
        let s = EtpSettings::default();
        assert_eq!(s.window(d("2026-12-01")), (d("2026-12-24"), d("2026-09-24"), d("2026-12-24")));
        // A short month keeps its cut-off within the month.
        let late = EtpSettings { cutoff_day: 31, ..s };
        assert_eq!(late.window(d("2027-02-01")).0, d("2027-02-28"));
    }

    #[test]
    fn aac_practice_counts_one_point_two_and_missing_hours_cost_etp() {
        // By hand: 300 h of practice, 50 h of AAC (60 weighted), 40 h of code, 10 h of start
        // evaluations, all transmitted but 20 h of practice: 300 - 20 + 60 + 40 + 10 = 390
        // weighted hours over 3 × 151 h 40 = 455 h → ETP 0.857… = 0.86; 20 h lost = 0.04 ETP.
        let m = |done: i64, transmitted: i64| KindMinutes { done: done * 60, transmitted: transmitted * 60 };
        let minutes = [
            (EtpKind::Practical, m(300, 280)),
            (EtpKind::AacPractice, m(50, 50)),
            (EtpKind::Theory, m(40, 40)),
            (EtpKind::StartEvaluation, m(10, 10)),
        ];
        let f = figures(&minutes, &EtpSettings::default());
        assert_eq!((f.weighted_hours, f.full_time_hours), (390.0, 455.0));
        assert_eq!((f.etp, f.not_transmitted_hours, f.etp_lost), (0.86, 20.0, 0.04));
        let aac = f.kinds.iter().find(|k| k.kind == EtpKind::AacPractice).unwrap();
        assert_eq!((aac.weight, aac.weighted_hours), (1.2, 60.0));
        assert_eq!(f.kinds.len(), 5, "every kind, even at zero");
    }
}
