//! Eligibility for a practical driving test (SPEC § P0.6): eleven named rules, each `ok`, `warn`
//! or `block` with a French message a secretary can act on. Pure: the facts, including today's
//! date, come in; nothing is read from a clock or a database. Every delay and threshold is a field
//! of [`Settings`], whose defaults are the regulation (`domain/regulation-fr.md` § Exams), so that a
//! school, or a change of the law, overrides a number without touching the rules.

use chrono::{Days, Months, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::student::age_on;

/// The rules, in the order they are always reported.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum RuleCode {
    Age,
    Neph,
    AntsRegistration,
    TheoryTest,
    DrivingHours,
    StartEvaluation,
    Contract,
    Booklet,
    WaitingPeriod,
    Aac,
    Balance,
}

impl RuleCode {
    /// Every rule, in report order.
    pub const ALL: [RuleCode; 11] = [
        RuleCode::Age,
        RuleCode::Neph,
        RuleCode::AntsRegistration,
        RuleCode::TheoryTest,
        RuleCode::DrivingHours,
        RuleCode::StartEvaluation,
        RuleCode::Contract,
        RuleCode::Booklet,
        RuleCode::WaitingPeriod,
        RuleCode::Aac,
        RuleCode::Balance,
    ];

    /// The wire name, the same as serde's (used in 422 bodies and audit entries).
    pub fn as_str(self) -> &'static str {
        match self {
            RuleCode::Age => "age",
            RuleCode::Neph => "neph",
            RuleCode::AntsRegistration => "ants_registration",
            RuleCode::TheoryTest => "theory_test",
            RuleCode::DrivingHours => "driving_hours",
            RuleCode::StartEvaluation => "start_evaluation",
            RuleCode::Contract => "contract",
            RuleCode::Booklet => "booklet",
            RuleCode::WaitingPeriod => "waiting_period",
            RuleCode::Aac => "aac",
            RuleCode::Balance => "balance",
        }
    }
}

/// `Block` refuses the booking (an ADMIN may override it, audited); `Warn` only informs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum RuleStatus {
    Ok,
    Warn,
    Block,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RuleOutcome {
    pub code: RuleCode,
    pub status: RuleStatus,
    /// French, concrete: dates as dd/mm/yyyy, durations as "18 h 30", amounts as "120,50 €".
    pub message: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Eligibility {
    /// True when no rule blocks.
    pub eligible: bool,
    /// All eleven rules, in [`RuleCode::ALL`] order, so that a screen can show what is fine too.
    pub rules: Vec<RuleOutcome>,
}

/// How the student learns: AAC and supervised driving add conditions after the AFFI.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Training {
    Traditional,
    Aac,
    Supervised,
}

/// How a previous practical test ended; only what the waiting periods need.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum AttemptOutcome {
    Passed,
    /// Score out of 31 (`None` when it was not entered); a failure may have a high score and
    /// an eliminatory fault.
    Failed {
        score: Option<u8>,
        eliminatory: bool,
    },
    /// `excused`: a serious reason was accepted, which cancels the waiting period.
    Absent {
        excused: bool,
    },
    /// `cancelled_on` tells whether the cancellation was late.
    Cancelled {
        excused: bool,
        cancelled_on: NaiveDate,
    },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PracticalAttempt {
    /// The planned date of the test (delays count from it, even for a cancellation).
    pub date: NaiveDate,
    pub outcome: AttemptOutcome,
}

/// What the file records about accompanied (AAC) or supervised driving.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AacFacts {
    /// Date of the end-of-initial-training certificate (attestation de fin de formation initiale).
    pub affi_on: Option<NaiveDate>,
    pub accompanied_km: Option<i32>,
    pub pedagogical_meetings: Vec<NaiveDate>,
}

/// Everything the rules look at, gathered by the caller for one student and one exam date.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Facts {
    /// The practical test's date.
    pub exam_date: NaiveDate,
    /// The day the booking is made: today in the school's time zone.
    pub booking_date: NaiveDate,
    pub birth_date: NaiveDate,
    pub has_neph: bool,
    pub ants_validated: bool,
    /// Category B78 (automatic gearbox only), which needs fewer driving hours.
    pub automatic_only: bool,
    pub training: Training,
    /// Dates of passed theory tests (ETG).
    pub theory_passes: Vec<NaiveDate>,
    /// Driving lessons with status `done`, in minutes.
    pub driving_minutes_done: i64,
    /// Driving time done at a previous school (`transfer_in` of the hours ledger), in minutes:
    /// it counts toward the minimum.
    pub transfer_in_minutes: i64,
    pub start_evaluation_on: Option<NaiveDate>,
    pub contract_signed_on: Option<NaiveDate>,
    /// Items in the booklet's reference (32 for B).
    pub booklet_items: u32,
    /// Items at level `assimile`.
    pub booklet_acquired: u32,
    pub practical_attempts: Vec<PracticalAttempt>,
    pub aac: AacFacts,
    /// `None` when the school records no payments; negative when the student owes money.
    pub balance_cents: Option<i64>,
}

/// A waiting period after a failed practical test, by its total score (inclusive bounds).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WaitingBand {
    pub min_score: u8,
    pub max_score: u8,
    pub days: u32,
}

/// The thresholds and delays, one field each. `#[serde(default)]`: a school's JSON settings
/// override single fields, the others keep the regulation's values.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct Settings {
    pub min_age_years: u32,
    pub theory_validity_years: u32,
    /// A practical test may be booked only this many days after passing the theory test.
    pub theory_min_days_before_booking: u32,
    pub min_driving_minutes: i64,
    /// For B78 (automatic only).
    pub min_driving_minutes_automatic: i64,
    /// The booklet rule only warns unless the school makes it block.
    pub booklet_blocks: bool,
    pub ants_registration_blocks: bool,
    /// Delays after a failure, by score; a score in several bands takes the longest delay.
    pub waiting_bands: Vec<WaitingBand>,
    /// [U] Delay after a failure whose score was not entered: by default the shortest delay the
    /// regulation allows after a failure, and the rule asks for the score.
    pub unknown_score_days: u32,
    /// Delay after an unexcused absence, from the planned test date.
    pub absence_days: u32,
    /// Delay after an unexcused late cancellation, from the planned test date.
    pub late_cancellation_days: u32,
    /// A cancellation is late when made fewer than this many days before the test.
    pub late_cancellation_notice_days: u32,
    pub aac_min_months_after_affi: u32,
    pub aac_min_km: u32,
    pub aac_min_meetings: u32,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            // [C] 17 since 1 January 2024.
            min_age_years: 17,
            // [S] The ETG pass is valid 5 years, whatever the number of practical attempts.
            theory_validity_years: 5,
            // [C] Arrêté 27 April 2021, art. 3-II: 2 days after passing the theory test.
            theory_min_days_before_booking: 2,
            // [S] 20 h on a manual car, 13 h on an automatic (B78).
            min_driving_minutes: 20 * 60,
            min_driving_minutes_automatic: 13 * 60,
            booklet_blocks: false,
            ants_registration_blocks: true,
            // [C] Arrêté 27 April 2021, art. 3-II: more than 25 → 2 days, 21 to 25 → 10 days.
            // [U] The 20-day and 35-day bands come from a truncated text: they are settings on purpose.
            waiting_bands: vec![
                WaitingBand { min_score: 26, max_score: 31, days: 2 },
                WaitingBand { min_score: 21, max_score: 25, days: 10 },
                WaitingBand { min_score: 16, max_score: 20, days: 20 },
                WaitingBand { min_score: 0, max_score: 15, days: 35 },
            ],
            // [C] Arrêté 27 April 2021, art. 3-II: the shortest delay after a failure is 2 days.
            unknown_score_days: 2,
            // [C] 40 days after an unexcused absence, 30 after an unexcused late cancellation.
            absence_days: 40,
            late_cancellation_days: 30,
            // [U] "Late" is 4 days for A1/A2 in the text; trade practice for B says 7.
            late_cancellation_notice_days: 7,
            // [S] AAC: at least 1 year and 3 000 km after the AFFI, with two pedagogical meetings.
            aac_min_months_after_affi: 12,
            aac_min_km: 3000,
            aac_min_meetings: 2,
        }
    }
}

/// Checks settings a school sends: `(field, French message)` for each fault. A band table must
/// exist (an empty one would read as "no delay after a failure") and stay within the grid.
pub fn check_settings(s: &Settings) -> Vec<(String, String)> {
    let mut faults = vec![];
    let mut fault = |field: &str, message: &str| faults.push((field.to_owned(), message.to_owned()));
    if s.waiting_bands.is_empty() {
        fault("exams.waiting_bands", "Indiquez au moins une tranche de délai après un échec.");
    }
    for (i, band) in s.waiting_bands.iter().enumerate() {
        if band.min_score > band.max_score || i16::from(band.max_score) > crate::exam::PRACTICAL_MAX_SCORE {
            fault(
                &format!("exams.waiting_bands.{i}"),
                "Une tranche va d'un score à un score plus grand, au plus 31 points.",
            );
        }
        if band.days > 365 {
            fault(&format!("exams.waiting_bands.{i}.days"), "Un délai après un échec ne dépasse pas un an.");
        }
    }
    if !(15..=18).contains(&s.min_age_years) {
        fault("exams.min_age_years", "L'âge minimal de l'examen pratique est compris entre 15 et 18 ans.");
    }
    if !(1..=10).contains(&s.theory_validity_years) {
        fault("exams.theory_validity_years", "La validité du code est comprise entre 1 et 10 ans.");
    }
    let day_fields = [
        ("exams.theory_min_days_before_booking", s.theory_min_days_before_booking),
        ("exams.absence_days", s.absence_days),
        ("exams.late_cancellation_days", s.late_cancellation_days),
        ("exams.late_cancellation_notice_days", s.late_cancellation_notice_days),
    ];
    for (field, days) in day_fields {
        if days > 365 {
            fault(field, "Un délai ne dépasse pas un an (365 jours).");
        }
    }
    if !(0..=100 * 60).contains(&s.min_driving_minutes) || !(0..=100 * 60).contains(&s.min_driving_minutes_automatic) {
        fault("exams.min_driving_minutes", "Le minimum d'heures de conduite est compris entre 0 et 100 heures.");
    }
    faults
}

/// Runs every rule; the student is eligible when none blocks.
pub fn evaluate(facts: &Facts, settings: &Settings) -> Eligibility {
    let rules = vec![
        check_age(facts, settings),
        check_neph(facts),
        check_ants_registration(facts, settings),
        check_theory_test(facts, settings),
        check_driving_hours(facts, settings),
        check_start_evaluation(facts),
        check_contract(facts),
        check_booklet(facts, settings),
        check_waiting_period(facts, settings),
        check_aac(facts, settings),
        check_balance(facts),
    ];
    let eligible = rules.iter().all(|rule| rule.status != RuleStatus::Block);
    Eligibility { eligible, rules }
}

fn outcome(code: RuleCode, status: RuleStatus, message: impl Into<String>) -> RuleOutcome {
    RuleOutcome { code, status, message: message.into() }
}

/// [C] Minimum age for permis B: 17 (since 1 January 2024), reached on the exam date.
fn check_age(facts: &Facts, settings: &Settings) -> RuleOutcome {
    let age = age_on(facts.birth_date, facts.exam_date);
    if age >= settings.min_age_years {
        return outcome(RuleCode::Age, RuleStatus::Ok, format!("{age} ans le jour de l'examen."));
    }
    let message = match birthday(facts.birth_date, settings.min_age_years) {
        Some(day) => format!("{age} ans le jour de l'examen : {} ans le {}.", settings.min_age_years, fr_date(day)),
        None => format!("{age} ans le jour de l'examen (minimum {} ans).", settings.min_age_years),
    };
    outcome(RuleCode::Age, RuleStatus::Block, message)
}

/// The day a person born on `birth` turns `years`, consistent with [`age_on`]: someone born on
/// 29 February has the birthday on 1 March in a common year.
fn birthday(birth: NaiveDate, years: u32) -> Option<NaiveDate> {
    let months = years.checked_mul(12)?;
    let same_day = birth.checked_add_months(Months::new(months))?;
    if age_on(birth, same_day) >= years { Some(same_day) } else { same_day.succ_opt() }
}

/// [S] The NEPH is the ANTS file number; no test can be booked without it.
fn check_neph(facts: &Facts) -> RuleOutcome {
    if facts.has_neph {
        outcome(RuleCode::Neph, RuleStatus::Ok, "NEPH enregistré.")
    } else {
        outcome(RuleCode::Neph, RuleStatus::Block, "NEPH manquant : l'inscription ANTS doit être validée.")
    }
}

/// [S] The licence application is filed on the ANTS portal and must be validated.
fn check_ants_registration(facts: &Facts, settings: &Settings) -> RuleOutcome {
    if facts.ants_validated {
        return outcome(RuleCode::AntsRegistration, RuleStatus::Ok, "Inscription ANTS validée.");
    }
    let status = if settings.ants_registration_blocks { RuleStatus::Block } else { RuleStatus::Warn };
    outcome(RuleCode::AntsRegistration, status, "Inscription ANTS non validée.")
}

/// [S] The theory pass is valid 5 years; [C] arrêté 27 April 2021, art. 3-II: the practical test
/// may be booked 2 days after passing the theory test. The pass is valid up to the day before
/// its 5th anniversary (a pass on 29 February expires on 28 February: the safe side). The most
/// recent usable pass is reported; otherwise the most recent pass says why it cannot be used.
fn check_theory_test(facts: &Facts, settings: &Settings) -> RuleOutcome {
    let bookable_from = |pass: NaiveDate| add_days(pass, settings.theory_min_days_before_booking);
    let expires_on = |pass: NaiveDate| theory_expires_on(pass, settings);
    let usable = facts
        .theory_passes
        .iter()
        .copied()
        .filter(|&pass| facts.booking_date >= bookable_from(pass) && facts.exam_date < expires_on(pass))
        .max();
    if let Some(pass) = usable {
        let message = format!(
            "Théorie obtenue le {}, valable jusqu'au {}.",
            fr_date(pass),
            fr_date(theory_valid_until(pass, settings))
        );
        return outcome(RuleCode::TheoryTest, RuleStatus::Ok, message);
    }
    let message = match facts.theory_passes.iter().copied().max() {
        None => "Aucune réussite à l'épreuve théorique (code) enregistrée.".to_string(),
        Some(pass) if facts.booking_date < bookable_from(pass) => format!(
            "Théorie obtenue le {} : réservation possible à partir du {} ({} jours après).",
            fr_date(pass),
            fr_date(bookable_from(pass)),
            settings.theory_min_days_before_booking
        ),
        Some(pass) => format!(
            "Théorie obtenue le {}, valable jusqu'au {} : expirée le jour de l'examen ({}).",
            fr_date(pass),
            fr_date(theory_valid_until(pass, settings)),
            fr_date(facts.exam_date)
        ),
    };
    outcome(RuleCode::TheoryTest, RuleStatus::Block, message)
}

/// The first day a theory pass is no longer valid: its 5th anniversary.
fn theory_expires_on(pass: NaiveDate, settings: &Settings) -> NaiveDate {
    add_months(pass, settings.theory_validity_years.saturating_mul(12))
}

/// The last day a theory pass is valid (the alerts warn before it).
pub fn theory_valid_until(pass: NaiveDate, settings: &Settings) -> NaiveDate {
    day_before(theory_expires_on(pass, settings))
}

/// [S] Minimum practical training: 20 h on a manual car, 13 h on an automatic (B78).
fn check_driving_hours(facts: &Facts, settings: &Settings) -> RuleOutcome {
    let minimum =
        if facts.automatic_only { settings.min_driving_minutes_automatic } else { settings.min_driving_minutes };
    let done = facts.driving_minutes_done + facts.transfer_in_minutes.max(0);
    let elsewhere = if facts.transfer_in_minutes > 0 {
        format!(", dont {} dans une autre école", fr_duration(facts.transfer_in_minutes))
    } else {
        String::new()
    };
    if done >= minimum {
        let message =
            format!("{} de conduite effectuées{elsewhere} (minimum {}).", fr_duration(done), fr_duration(minimum));
        return outcome(RuleCode::DrivingHours, RuleStatus::Ok, message);
    }
    let message = format!(
        "Encore {} de conduite à faire ({} sur {}{elsewhere}).",
        fr_duration(minimum - done.max(0)),
        fr_duration(done),
        fr_duration(minimum)
    );
    outcome(RuleCode::DrivingHours, RuleStatus::Block, message)
}

/// SPEC § P0.6: the start evaluation (évaluation de départ) must be on the file.
fn check_start_evaluation(facts: &Facts) -> RuleOutcome {
    match facts.start_evaluation_on {
        Some(day) => outcome(
            RuleCode::StartEvaluation,
            RuleStatus::Ok,
            format!("Évaluation de départ faite le {}.", fr_date(day)),
        ),
        None => outcome(RuleCode::StartEvaluation, RuleStatus::Block, "Évaluation de départ non enregistrée."),
    }
}

/// SPEC § P0.6: an unsigned training contract only warns (the school's own paperwork).
/// [C] Code de la route, art. L.213-2: the contract is signed after the start evaluation, which
/// sets the estimated hours it states. A contract signed before (a file from earlier years) is
/// flagged.
fn check_contract(facts: &Facts) -> RuleOutcome {
    match (facts.contract_signed_on, facts.start_evaluation_on) {
        (Some(signed), Some(evaluated)) if signed < evaluated => outcome(
            RuleCode::Contract,
            RuleStatus::Warn,
            format!(
                "Contrat signé le {}, avant l'évaluation de départ du {} : l'évaluation doit le précéder (art. L.213-2).",
                fr_date(signed),
                fr_date(evaluated)
            ),
        ),
        (Some(day), _) => outcome(RuleCode::Contract, RuleStatus::Ok, format!("Contrat signé le {}.", fr_date(day))),
        (None, _) => outcome(RuleCode::Contract, RuleStatus::Warn, "Contrat de formation non signé."),
    }
}

/// [C] Code de la route, art. L.213-2: the training contract follows the start evaluation.
pub fn contract_follows_evaluation(evaluated_on: NaiveDate, signed_on: NaiveDate) -> bool {
    signed_on >= evaluated_on
}

/// SPEC § P0.6: all booklet items `assimile`; warns by default, a school may make it block.
fn check_booklet(facts: &Facts, settings: &Settings) -> RuleOutcome {
    let message = format!("{} compétences sur {} acquises.", facts.booklet_acquired, facts.booklet_items);
    if facts.booklet_acquired >= facts.booklet_items {
        return outcome(RuleCode::Booklet, RuleStatus::Ok, message);
    }
    let status = if settings.booklet_blocks { RuleStatus::Block } else { RuleStatus::Warn };
    outcome(RuleCode::Booklet, status, message)
}

/// A delay imposed by one previous attempt: no booking before `not_before`.
struct Delay {
    not_before: NaiveDate,
    reason: String,
}

/// [C] Arrêté 27 April 2021, art. 3-II: after a failure, the next test may be booked only after a
/// delay counted from that test's date, by its total score; [C] 40 days after an unexcused
/// absence, 30 after an unexcused late cancellation. The longest delay of all attempts applies.
fn check_waiting_period(facts: &Facts, settings: &Settings) -> RuleOutcome {
    let longest = facts
        .practical_attempts
        .iter()
        .filter_map(|attempt| delay_after(attempt, settings))
        .max_by_key(|delay| delay.not_before);
    let Some(delay) = longest else {
        return outcome(RuleCode::WaitingPeriod, RuleStatus::Ok, "Aucun délai d'attente.");
    };
    if facts.booking_date < delay.not_before {
        let message = format!(
            "{} : nouvelle réservation possible à partir du {}.",
            crate::french::capitalised(&delay.reason),
            fr_date(delay.not_before)
        );
        return outcome(RuleCode::WaitingPeriod, RuleStatus::Block, message);
    }
    let message =
        format!("Délai écoulé ({} : réservation possible depuis le {}).", delay.reason, fr_date(delay.not_before));
    let scoreless =
        facts.practical_attempts.iter().any(|a| matches!(a.outcome, AttemptOutcome::Failed { score: None, .. }));
    outcome(RuleCode::WaitingPeriod, if scoreless { RuleStatus::Warn } else { RuleStatus::Ok }, message)
}

/// The delay one attempt imposes, if any. Passes, excused absences or cancellations, and
/// cancellations made in time impose none.
fn delay_after(attempt: &PracticalAttempt, settings: &Settings) -> Option<Delay> {
    let date = attempt.date;
    let (days, reason) = match attempt.outcome {
        AttemptOutcome::Passed => return None,
        AttemptOutcome::Failed { score: Some(score), eliminatory } => {
            let fault = if eliminatory { " (faute éliminatoire)" } else { "" };
            (failure_delay_days(score, settings), format!("échec{fault} avec {score} points le {}", fr_date(date)))
        }
        AttemptOutcome::Failed { score: None, eliminatory } => {
            let fault = if eliminatory { " (faute éliminatoire)" } else { "" };
            let reason = format!("échec{fault} du {} sans score enregistré (saisissez-le)", fr_date(date));
            (settings.unknown_score_days, reason)
        }
        AttemptOutcome::Absent { excused: false } => {
            (settings.absence_days, format!("absence non excusée à l'examen du {}", fr_date(date)))
        }
        AttemptOutcome::Cancelled { excused: false, cancelled_on } if is_late(date, cancelled_on, settings) => (
            settings.late_cancellation_days,
            format!("annulation tardive non excusée le {} de l'examen du {}", fr_date(cancelled_on), fr_date(date)),
        ),
        AttemptOutcome::Absent { .. } | AttemptOutcome::Cancelled { .. } => return None,
    };
    Some(Delay { not_before: add_days(date, days), reason })
}

/// Days to wait after a failure with this score. The regulation bands by total score only, so an
/// eliminatory fault does not change the band. A score in no band (a misconfigured table) takes
/// the table's longest delay rather than none.
fn failure_delay_days(score: u8, settings: &Settings) -> u32 {
    let bands = &settings.waiting_bands;
    let matching =
        bands.iter().filter(|band| (band.min_score..=band.max_score).contains(&score)).map(|band| band.days).max();
    matching.or_else(|| bands.iter().map(|band| band.days).max()).unwrap_or(0)
}

/// [U] A cancellation is late when made fewer than `late_cancellation_notice_days` before the test.
fn is_late(test_date: NaiveDate, cancelled_on: NaiveDate, settings: &Settings) -> bool {
    (test_date - cancelled_on).num_days() < i64::from(settings.late_cancellation_notice_days)
}

/// [S] AAC: AFFI, then at least 1 year and 3 000 km with two pedagogical meetings;
/// [U] supervised driving: the minimum duration and distance are disputed, so only warn.
fn check_aac(facts: &Facts, settings: &Settings) -> RuleOutcome {
    match facts.training {
        Training::Traditional => outcome(RuleCode::Aac, RuleStatus::Ok, "Sans objet (formation traditionnelle)."),
        Training::Supervised => match facts.aac.affi_on {
            Some(affi) => {
                outcome(RuleCode::Aac, RuleStatus::Ok, format!("Conduite supervisée : AFFI du {}.", fr_date(affi)))
            }
            None => outcome(RuleCode::Aac, RuleStatus::Warn, "Conduite supervisée : AFFI non enregistrée."),
        },
        Training::Aac => {
            let missing = aac_missing(facts, settings);
            if missing.is_empty() {
                outcome(RuleCode::Aac, RuleStatus::Ok, "Conduite accompagnée : conditions remplies.")
            } else {
                let message = format!("Conduite accompagnée incomplète : {}.", missing.join(" ; "));
                outcome(RuleCode::Aac, RuleStatus::Block, message)
            }
        }
    }
}

/// [S] The first pedagogical meeting of AAC: 4 to 6 months after the AFFI.
pub const AAC_FIRST_MEETING_MONTHS: (u32, u32) = (4, 6);

/// What an AAC file still lacks, one phrase per condition.
fn aac_missing(facts: &Facts, settings: &Settings) -> Vec<String> {
    let aac = &facts.aac;
    let mut missing = Vec::new();
    match aac.affi_on {
        None => missing.push("AFFI non enregistrée".to_string()),
        Some(affi) => {
            let from = add_months(affi, settings.aac_min_months_after_affi);
            if facts.exam_date < from {
                missing.push(format!(
                    "{} mois après l'AFFI du {} : examen possible à partir du {}",
                    settings.aac_min_months_after_affi,
                    fr_date(affi),
                    fr_date(from)
                ));
            }
        }
    }
    match aac.accompanied_km {
        None => missing.push("kilométrage non enregistré".to_string()),
        Some(km) if i64::from(km) < i64::from(settings.aac_min_km) => missing.push(format!(
            "{} km parcourus sur {}",
            group_thousands(i64::from(km)),
            group_thousands(i64::from(settings.aac_min_km))
        )),
        Some(_) => {}
    }
    // [S] Only the meetings after the AFFI count; the first falls 4 to 6 months after it.
    // Without an AFFI date (already reported), the meetings cannot be placed: all count.
    let after_affi: Vec<NaiveDate> = match aac.affi_on {
        Some(affi) => aac.pedagogical_meetings.iter().copied().filter(|m| *m > affi).collect(),
        None => aac.pedagogical_meetings.clone(),
    };
    let meetings = u32::try_from(after_affi.len()).unwrap_or(u32::MAX);
    if meetings < settings.aac_min_meetings {
        missing.push(format!("{meetings} rendez-vous pédagogique(s) sur {}", settings.aac_min_meetings));
    }
    if let (Some(affi), Some(first)) = (aac.affi_on, after_affi.iter().min()) {
        let (from, to) = (add_months(affi, AAC_FIRST_MEETING_MONTHS.0), add_months(affi, AAC_FIRST_MEETING_MONTHS.1));
        if *first < from || *first > to {
            missing.push(format!(
                "premier rendez-vous pédagogique le {}, hors de la période du {} au {} (4 à 6 mois après l'AFFI)",
                fr_date(*first),
                fr_date(from),
                fr_date(to)
            ));
        }
    }
    missing
}

/// SPEC § P0.6: an amount owed only warns, and only when the school records payments.
fn check_balance(facts: &Facts) -> RuleOutcome {
    match facts.balance_cents {
        None => outcome(RuleCode::Balance, RuleStatus::Ok, "Aucun paiement enregistré."),
        Some(cents) if cents < 0 => {
            outcome(RuleCode::Balance, RuleStatus::Warn, format!("Reste dû : {}.", fr_euros(cents)))
        }
        Some(_) => outcome(RuleCode::Balance, RuleStatus::Ok, "Compte à jour."),
    }
}

// Date arithmetic saturates instead of panicking: a date out of range then blocks, which is the
// safe side for every rule here.

fn add_days(date: NaiveDate, days: u32) -> NaiveDate {
    date.checked_add_days(Days::new(u64::from(days))).unwrap_or(NaiveDate::MAX)
}

fn add_months(date: NaiveDate, months: u32) -> NaiveDate {
    date.checked_add_months(Months::new(months)).unwrap_or(NaiveDate::MAX)
}

fn day_before(date: NaiveDate) -> NaiveDate {
    date.pred_opt().unwrap_or(NaiveDate::MIN)
}

// French formatting for messages.

fn fr_date(date: NaiveDate) -> String {
    date.format("%d/%m/%Y").to_string()
}

/// "18 h 30", "20 h", "0 h 45".
fn fr_duration(minutes: i64) -> String {
    let minutes = minutes.max(0);
    match (minutes / 60, minutes % 60) {
        (hours, 0) => format!("{hours} h"),
        (hours, rest) => format!("{hours} h {rest:02}"),
    }
}

/// "120,50 €" for -12050 or 12050: the sign is said by the sentence.
fn fr_euros(cents: i64) -> String {
    let abs = cents.unsigned_abs();
    format!("{},{:02} €", group_thousands(i64::try_from(abs / 100).unwrap_or(i64::MAX)), abs % 100)
}

/// "3 000", "12 345 678".
fn group_thousands(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut grouped = String::new();
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            grouped.push(' ');
        }
        grouped.push(digit);
    }
    if n < 0 { format!("-{grouped}") } else { grouped }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    /// A traditional-training student who meets every rule for a test on 15/06/2026.
    fn ready() -> Facts {
        Facts {
            exam_date: d("2026-06-15"),
            booking_date: d("2026-05-01"),
            birth_date: d("2000-01-01"),
            has_neph: true,
            ants_validated: true,
            automatic_only: false,
            training: Training::Traditional,
            theory_passes: vec![d("2025-01-10")],
            driving_minutes_done: 1500,
            transfer_in_minutes: 0,
            start_evaluation_on: Some(d("2024-11-02")),
            contract_signed_on: Some(d("2024-11-02")),
            booklet_items: 32,
            booklet_acquired: 32,
            practical_attempts: vec![],
            aac: AacFacts::default(),
            balance_cents: None,
        }
    }

    fn rule(facts: &Facts, settings: &Settings, code: RuleCode) -> RuleOutcome {
        evaluate(facts, settings).rules.into_iter().find(|r| r.code == code).unwrap()
    }

    fn status(facts: &Facts, code: RuleCode) -> RuleStatus {
        rule(facts, &Settings::default(), code).status
    }

    fn message(facts: &Facts, code: RuleCode) -> String {
        rule(facts, &Settings::default(), code).message
    }

    fn with_attempts(booking: &str, attempts: Vec<PracticalAttempt>) -> Facts {
        Facts { booking_date: d(booking), practical_attempts: attempts, ..ready() }
    }

    fn attempt(date: &str, outcome: AttemptOutcome) -> PracticalAttempt {
        PracticalAttempt { date: d(date), outcome }
    }

    #[test]
    fn ready_student_is_eligible_with_every_rule_ok() {
        let result = evaluate(&ready(), &Settings::default());
        assert!(result.eligible);
        assert!(result.rules.iter().all(|r| r.status == RuleStatus::Ok), "{:#?}", result.rules);
    }

    #[test]
    fn all_eleven_codes_in_order_with_their_wire_names() {
        let codes: Vec<RuleCode> = evaluate(&ready(), &Settings::default()).rules.iter().map(|r| r.code).collect();
        assert_eq!(codes, RuleCode::ALL.to_vec());
        for code in RuleCode::ALL {
            assert_eq!(serde_json::to_value(code).unwrap(), serde_json::json!(code.as_str()));
        }
        assert_eq!(RuleCode::AntsRegistration.as_str(), "ants_registration");
    }

    #[test]
    fn eligible_is_false_iff_some_rule_blocks() {
        // Warnings only: still eligible.
        let warned = Facts { contract_signed_on: None, booklet_acquired: 12, balance_cents: Some(-100), ..ready() };
        let result = evaluate(&warned, &Settings::default());
        assert!(result.rules.iter().any(|r| r.status == RuleStatus::Warn));
        assert!(result.eligible);
        // One block is enough.
        let blocked = Facts { has_neph: false, ..warned };
        let result = evaluate(&blocked, &Settings::default());
        assert!(!result.eligible);
        assert_eq!(result.rules.iter().filter(|r| r.status == RuleStatus::Block).count(), 1);
    }

    /// [C] Minimum age for permis B: 17 since 1 January 2024, on the exam date (regulation-fr.md § Exams).
    #[test]
    fn age_17_on_the_exam_date() {
        let cases = [
            // birth, exam, status
            ("2009-06-15", "2026-06-14", RuleStatus::Block),
            ("2009-06-15", "2026-06-15", RuleStatus::Ok),
            // Born on 29 February: 17 on 1 March in a common year, as `age_on` counts.
            ("2008-02-29", "2025-02-28", RuleStatus::Block),
            ("2008-02-29", "2025-03-01", RuleStatus::Ok),
        ];
        for (birth, exam, expected) in cases {
            let facts = Facts { birth_date: d(birth), exam_date: d(exam), ..ready() };
            assert_eq!(status(&facts, RuleCode::Age), expected, "born {birth}, exam {exam}");
        }
        let facts = Facts { birth_date: d("2008-02-29"), exam_date: d("2025-02-28"), ..ready() };
        assert_eq!(message(&facts, RuleCode::Age), "16 ans le jour de l'examen : 17 ans le 01/03/2025.");
        let facts = Facts { birth_date: d("2009-06-15"), exam_date: d("2026-06-14"), ..ready() };
        assert_eq!(message(&facts, RuleCode::Age), "16 ans le jour de l'examen : 17 ans le 15/06/2026.");
    }

    /// [S] No test is booked without the ANTS file number (regulation-fr.md § ANTS and RdvPermis).
    #[test]
    fn neph_blocks_without() {
        assert_eq!(status(&Facts { has_neph: false, ..ready() }, RuleCode::Neph), RuleStatus::Block);
        assert_eq!(status(&ready(), RuleCode::Neph), RuleStatus::Ok);
    }

    /// [C]/[U] Arrêté 27 April 2021, art. 3-II: the bands are one table of settings (regulation-fr.md § Exams).
    #[test]
    fn settings_are_refused_without_bands_or_beyond_the_grid() {
        assert!(check_settings(&Settings::default()).is_empty());
        let empty = Settings { waiting_bands: vec![], ..Settings::default() };
        assert_eq!(check_settings(&empty)[0].0, "exams.waiting_bands");
        let beyond = Settings {
            waiting_bands: vec![WaitingBand { min_score: 20, max_score: 32, days: 2 }],
            ..Settings::default()
        };
        assert_eq!(check_settings(&beyond)[0].0, "exams.waiting_bands.0");
        let long = Settings { absence_days: 400, ..Settings::default() };
        assert_eq!(check_settings(&long)[0].0, "exams.absence_days");
    }

    /// [S] The licence application must be validated on the ANTS portal (regulation-fr.md § ANTS and RdvPermis).
    #[test]
    fn ants_registration_blocks_unless_the_school_makes_it_warn() {
        let facts = Facts { ants_validated: false, ..ready() };
        assert_eq!(status(&facts, RuleCode::AntsRegistration), RuleStatus::Block);
        let lenient = Settings { ants_registration_blocks: false, ..Settings::default() };
        assert_eq!(rule(&facts, &lenient, RuleCode::AntsRegistration).status, RuleStatus::Warn);
    }

    /// [S] The theory pass is valid 5 years (arrêté of 17 November 2022; regulation-fr.md § Exams).
    #[test]
    fn theory_test_valid_until_the_day_before_its_5th_anniversary() {
        let cases = [("2026-06-14", RuleStatus::Ok), ("2026-06-15", RuleStatus::Block)];
        for (exam, expected) in cases {
            let facts = Facts { theory_passes: vec![d("2021-06-15")], exam_date: d(exam), ..ready() };
            assert_eq!(status(&facts, RuleCode::TheoryTest), expected, "exam {exam}");
        }
        let leap = |exam: &str| Facts { theory_passes: vec![d("2024-02-29")], exam_date: d(exam), ..ready() };
        assert_eq!(status(&leap("2029-02-27"), RuleCode::TheoryTest), RuleStatus::Ok);
        assert_eq!(status(&leap("2029-02-28"), RuleCode::TheoryTest), RuleStatus::Block);
        let facts = Facts { theory_passes: vec![d("2021-06-15")], exam_date: d("2026-06-14"), ..ready() };
        assert_eq!(
            message(&facts, RuleCode::TheoryTest),
            "Théorie obtenue le 15/06/2021, valable jusqu'au 14/06/2026."
        );
        let facts = Facts { theory_passes: vec![d("2021-06-15")], ..ready() };
        assert_eq!(
            message(&facts, RuleCode::TheoryTest),
            "Théorie obtenue le 15/06/2021, valable jusqu'au 14/06/2026 : expirée le jour de l'examen (15/06/2026)."
        );
    }

    /// [C] Arrêté 27 April 2021, art. 3-II: 2 days after passing the theory test (regulation-fr.md § Exams).
    #[test]
    fn theory_test_passed_at_least_2_days_before_the_booking() {
        // Booking on 03/05/2026; theory passed 0, 1 and 2 days before.
        let cases =
            [("2026-05-03", RuleStatus::Block), ("2026-05-02", RuleStatus::Block), ("2026-05-01", RuleStatus::Ok)];
        for (pass, expected) in cases {
            let facts = Facts { theory_passes: vec![d(pass)], booking_date: d("2026-05-03"), ..ready() };
            assert_eq!(status(&facts, RuleCode::TheoryTest), expected, "pass {pass}");
        }
        let facts = Facts { theory_passes: vec![d("2026-05-02")], booking_date: d("2026-05-03"), ..ready() };
        assert_eq!(
            message(&facts, RuleCode::TheoryTest),
            "Théorie obtenue le 02/05/2026 : réservation possible à partir du 04/05/2026 (2 jours après)."
        );
    }

    /// [S] The theory pass is valid 5 years; the most recent one counts (regulation-fr.md § Exams).
    #[test]
    fn theory_test_uses_the_most_recent_usable_pass() {
        let none = Facts { theory_passes: vec![], ..ready() };
        assert_eq!(status(&none, RuleCode::TheoryTest), RuleStatus::Block);
        let two = Facts { theory_passes: vec![d("2020-01-10"), d("2025-01-10")], ..ready() };
        assert_eq!(message(&two, RuleCode::TheoryTest), "Théorie obtenue le 10/01/2025, valable jusqu'au 09/01/2030.");
    }

    /// [S] Minimum practical training: 20 h on a manual car, 13 h on an automatic (B78) (regulation-fr.md § Exams).
    #[test]
    fn driving_hours_20_h_or_13_h_for_b78() {
        let cases = [
            (false, 1199, RuleStatus::Block),
            (false, 1200, RuleStatus::Ok),
            (true, 779, RuleStatus::Block),
            (true, 780, RuleStatus::Ok),
        ];
        for (automatic_only, minutes, expected) in cases {
            let facts = Facts { automatic_only, driving_minutes_done: minutes, ..ready() };
            assert_eq!(status(&facts, RuleCode::DrivingHours), expected, "B78 {automatic_only}, {minutes} min");
        }
        let facts = Facts { driving_minutes_done: 1110, ..ready() };
        assert_eq!(message(&facts, RuleCode::DrivingHours), "Encore 1 h 30 de conduite à faire (18 h 30 sur 20 h).");
        let facts = Facts { automatic_only: true, driving_minutes_done: 779, ..ready() };
        assert_eq!(message(&facts, RuleCode::DrivingHours), "Encore 0 h 01 de conduite à faire (12 h 59 sur 13 h).");
    }

    /// [C] Code de la route, art. L.213-2: the start evaluation, then the contract (SPEC § P0.6).
    #[test]
    fn start_evaluation_blocks_and_contract_warns_when_missing() {
        assert_eq!(
            status(&Facts { start_evaluation_on: None, ..ready() }, RuleCode::StartEvaluation),
            RuleStatus::Block
        );
        assert_eq!(status(&Facts { contract_signed_on: None, ..ready() }, RuleCode::Contract), RuleStatus::Warn);
    }

    /// [C] The booklet assesses each competency; [U] whether it blocks is the school's (regulation-fr.md § Training).
    #[test]
    fn booklet_warns_by_default_and_blocks_when_the_school_says_so() {
        let facts = Facts { booklet_acquired: 12, ..ready() };
        assert_eq!(status(&facts, RuleCode::Booklet), RuleStatus::Warn);
        assert_eq!(message(&facts, RuleCode::Booklet), "12 compétences sur 32 acquises.");
        let strict = Settings { booklet_blocks: true, ..Settings::default() };
        assert_eq!(rule(&facts, &strict, RuleCode::Booklet).status, RuleStatus::Block);
        assert_eq!(rule(&ready(), &strict, RuleCode::Booklet).status, RuleStatus::Ok);
    }

    /// [C] Arrêté 27 April 2021, art. 3-II: the delay by score band, from the failed test's date (regulation-fr.md § Exams).
    #[test]
    fn waiting_period_by_score_band_last_blocked_day_and_allowed_day() {
        // score, eliminatory, last blocked day, first allowed day (failure on 02/03/2026)
        let cases = [
            (31, false, "2026-03-03", "2026-03-04"),
            (26, true, "2026-03-03", "2026-03-04"),
            (25, false, "2026-03-11", "2026-03-12"),
            (21, false, "2026-03-11", "2026-03-12"),
            (20, true, "2026-03-21", "2026-03-22"),
            (16, false, "2026-03-21", "2026-03-22"),
            (15, false, "2026-04-05", "2026-04-06"),
            (0, false, "2026-04-05", "2026-04-06"),
        ];
        for (score, eliminatory, blocked, allowed) in cases {
            let failure = attempt("2026-03-02", AttemptOutcome::Failed { score: Some(score), eliminatory });
            let facts = with_attempts(blocked, vec![failure]);
            assert_eq!(status(&facts, RuleCode::WaitingPeriod), RuleStatus::Block, "score {score} on {blocked}");
            let facts = with_attempts(allowed, vec![failure]);
            assert_eq!(status(&facts, RuleCode::WaitingPeriod), RuleStatus::Ok, "score {score} on {allowed}");
        }
        let failure = attempt("2026-03-02", AttemptOutcome::Failed { score: Some(23), eliminatory: false });
        assert_eq!(
            message(&with_attempts("2026-03-05", vec![failure]), RuleCode::WaitingPeriod),
            "Échec avec 23 points le 02/03/2026 : nouvelle réservation possible à partir du 12/03/2026."
        );
    }

    /// [C] Arrêté 27 April 2021, art. 3-II: 40 days after an absence without a serious reason (regulation-fr.md § Exams).
    #[test]
    fn waiting_period_40_days_after_an_unexcused_absence() {
        let absent = |excused| vec![attempt("2026-03-02", AttemptOutcome::Absent { excused })];
        assert_eq!(status(&with_attempts("2026-04-10", absent(false)), RuleCode::WaitingPeriod), RuleStatus::Block);
        assert_eq!(status(&with_attempts("2026-04-11", absent(false)), RuleCode::WaitingPeriod), RuleStatus::Ok);
        assert_eq!(status(&with_attempts("2026-03-03", absent(true)), RuleCode::WaitingPeriod), RuleStatus::Ok);
        assert_eq!(
            message(&with_attempts("2026-03-03", absent(true)), RuleCode::WaitingPeriod),
            "Aucun délai d'attente."
        );
    }

    /// [C] Arrêté 27 April 2021, art. 3-II: 30 days after a late cancellation without a serious reason; [U] "late" is a setting (regulation-fr.md § Exams).
    #[test]
    fn waiting_period_30_days_after_an_unexcused_late_cancellation() {
        let cancelled =
            |excused, on: &str| vec![attempt("2026-03-20", AttemptOutcome::Cancelled { excused, cancelled_on: d(on) })];
        // cancellation, excused, booking, status
        let cases = [
            ("2026-03-14", false, "2026-04-18", RuleStatus::Block), // 6 days' notice: late
            ("2026-03-14", false, "2026-04-19", RuleStatus::Ok),
            ("2026-03-13", false, "2026-03-21", RuleStatus::Ok), // 7 days' notice: in time
            ("2026-03-19", true, "2026-03-21", RuleStatus::Ok),  // late but excused
        ];
        for (on, excused, booking, expected) in cases {
            let facts = with_attempts(booking, cancelled(excused, on));
            assert_eq!(status(&facts, RuleCode::WaitingPeriod), expected, "cancelled {on}, booking {booking}");
        }
        assert_eq!(
            message(&with_attempts("2026-04-01", cancelled(false, "2026-03-18")), RuleCode::WaitingPeriod),
            "Annulation tardive non excusée le 18/03/2026 de l'examen du 20/03/2026 : \
             nouvelle réservation possible à partir du 19/04/2026."
        );
    }

    /// [C] Arrêté 27 April 2021, art. 3-II: every previous test's delay applies, so the longest wins (regulation-fr.md § Exams).
    #[test]
    fn waiting_period_takes_the_longest_delay_of_all_attempts() {
        let attempts = vec![
            attempt("2026-02-20", AttemptOutcome::Absent { excused: false }), // until 01/04
            attempt("2026-03-01", AttemptOutcome::Failed { score: Some(28), eliminatory: false }), // until 03/03
            attempt("2026-03-10", AttemptOutcome::Failed { score: Some(23), eliminatory: true }), // until 20/03
            attempt("2026-03-12", AttemptOutcome::Passed),
        ];
        let facts = with_attempts("2026-03-25", attempts.clone());
        assert_eq!(
            message(&facts, RuleCode::WaitingPeriod),
            "Absence non excusée à l'examen du 20/02/2026 : nouvelle réservation possible à partir du 01/04/2026."
        );
        assert_eq!(status(&with_attempts("2026-03-31", attempts.clone()), RuleCode::WaitingPeriod), RuleStatus::Block);
        assert_eq!(status(&with_attempts("2026-04-01", attempts), RuleCode::WaitingPeriod), RuleStatus::Ok);
    }

    /// [S] AAC: AFFI, then at least 1 year and 3 000 km with two pedagogical meetings (regulation-fr.md § Exams).
    #[test]
    fn aac_blocks_on_each_missing_condition() {
        let complete = AacFacts {
            affi_on: Some(d("2025-06-15")),
            accompanied_km: Some(3000),
            pedagogical_meetings: vec![d("2025-11-01"), d("2026-04-01")],
        };
        let aac = |aac: AacFacts| Facts { training: Training::Aac, aac, ..ready() };
        assert_eq!(status(&aac(complete.clone()), RuleCode::Aac), RuleStatus::Ok);
        let cases = [
            (AacFacts { affi_on: None, ..complete.clone() }, "AFFI non enregistrée"),
            (
                AacFacts { affi_on: Some(d("2025-06-16")), ..complete.clone() },
                "12 mois après l'AFFI du 16/06/2025 : examen possible à partir du 16/06/2026",
            ),
            (AacFacts { accompanied_km: Some(2999), ..complete.clone() }, "2 999 km parcourus sur 3 000"),
            (AacFacts { accompanied_km: None, ..complete.clone() }, "kilométrage non enregistré"),
            (
                AacFacts { pedagogical_meetings: vec![d("2025-11-01")], ..complete.clone() },
                "1 rendez-vous pédagogique(s) sur 2",
            ),
        ];
        for (facts, missing) in cases {
            let outcome = rule(&aac(facts), &Settings::default(), RuleCode::Aac);
            assert_eq!(outcome.status, RuleStatus::Block, "{missing}");
            assert_eq!(outcome.message, format!("Conduite accompagnée incomplète : {missing}."));
        }
        let nothing = rule(&aac(AacFacts::default()), &Settings::default(), RuleCode::Aac).message;
        assert_eq!(
            nothing,
            "Conduite accompagnée incomplète : AFFI non enregistrée ; kilométrage non enregistré ; \
             0 rendez-vous pédagogique(s) sur 2."
        );
    }

    /// Regulation file § Exams [S]: two pedagogical meetings after the AFFI, the first 4 to 6
    /// months after it; meetings dated before the AFFI do not count.
    /// [S] AAC: the first pedagogical meeting 4 to 6 months after the AFFI (regulation-fr.md § Exams).
    #[test]
    fn aac_counts_only_meetings_after_the_affi_and_checks_the_first_ones_window() {
        let aac = |meetings: Vec<NaiveDate>| Facts {
            training: Training::Aac,
            aac: AacFacts {
                affi_on: Some(d("2025-06-15")),
                accompanied_km: Some(3000),
                pedagogical_meetings: meetings,
            },
            ..ready()
        };
        let before = rule(&aac(vec![d("2025-05-01"), d("2025-06-01")]), &Settings::default(), RuleCode::Aac);
        assert_eq!(before.status, RuleStatus::Block);
        assert!(before.message.contains("0 rendez-vous pédagogique(s) sur 2"), "{}", before.message);
        // 4 months after the AFFI is the first day of the window, 6 months the last.
        assert_eq!(status(&aac(vec![d("2025-10-15"), d("2026-04-01")]), RuleCode::Aac), RuleStatus::Ok);
        assert_eq!(status(&aac(vec![d("2025-12-15"), d("2026-04-01")]), RuleCode::Aac), RuleStatus::Ok);
        let early = rule(&aac(vec![d("2025-10-14"), d("2026-04-01")]), &Settings::default(), RuleCode::Aac);
        assert!(early.message.contains("hors de la période du 15/10/2025 au 15/12/2025"), "{}", early.message);
        assert_eq!(status(&aac(vec![d("2025-12-16"), d("2026-04-01")]), RuleCode::Aac), RuleStatus::Block);
    }

    /// Code de la route, art. L.213-2: the start evaluation comes before the contract.
    #[test]
    fn a_contract_signed_before_the_start_evaluation_is_flagged() {
        let early =
            Facts { start_evaluation_on: Some(d("2026-01-05")), contract_signed_on: Some(d("2026-01-04")), ..ready() };
        let outcome = rule(&early, &Settings::default(), RuleCode::Contract);
        assert_eq!(outcome.status, RuleStatus::Warn);
        assert!(outcome.message.contains("avant l'évaluation de départ du 05/01/2026"), "{}", outcome.message);
        let same_day = Facts { contract_signed_on: Some(d("2026-01-05")), ..early };
        assert_eq!(status(&same_day, RuleCode::Contract), RuleStatus::Ok);
        assert!(contract_follows_evaluation(d("2026-01-05"), d("2026-01-05")));
        assert!(!contract_follows_evaluation(d("2026-01-05"), d("2026-01-04")));
    }

    /// [U] A failure without a score: the school's delay for an unknown score (by default the
    /// shortest one, 2 days, Arrêté 27 April 2021 art. 3-II), and a warning to enter the score.
    #[test]
    fn a_failure_without_a_score_takes_the_setting_and_asks_for_the_score() {
        let facts = |booking: &str| Facts {
            booking_date: d(booking),
            practical_attempts: vec![attempt("2026-03-02", AttemptOutcome::Failed { score: None, eliminatory: false })],
            ..ready()
        };
        let blocked = rule(&facts("2026-03-03"), &Settings::default(), RuleCode::WaitingPeriod);
        assert_eq!(blocked.status, RuleStatus::Block);
        assert!(blocked.message.contains("sans score enregistré"), "{}", blocked.message);
        assert!(!blocked.message.contains("0 points"));
        let after = rule(&facts("2026-03-04"), &Settings::default(), RuleCode::WaitingPeriod);
        assert_eq!(after.status, RuleStatus::Warn, "{}", after.message);
        let strict = Settings { unknown_score_days: 35, ..Settings::default() };
        assert_eq!(rule(&facts("2026-03-20"), &strict, RuleCode::WaitingPeriod).status, RuleStatus::Block);
    }

    /// [S] 20 h minimum (13 h in B78): hours driven at a previous school count.
    /// [S] The 20 h (13 h for B78) minimum counts every practical hour, a previous school's included (regulation-fr.md § Exams).
    #[test]
    fn hours_from_a_previous_school_count_toward_the_minimum_and_are_named() {
        let facts = Facts { driving_minutes_done: 900, transfer_in_minutes: 300, ..ready() };
        let outcome = rule(&facts, &Settings::default(), RuleCode::DrivingHours);
        assert_eq!(outcome.status, RuleStatus::Ok);
        assert!(outcome.message.contains("dont 5 h dans une autre école"), "{}", outcome.message);
        let short = Facts { driving_minutes_done: 900, transfer_in_minutes: 240, ..ready() };
        assert_eq!(status(&short, RuleCode::DrivingHours), RuleStatus::Block);
    }

    /// [U] Supervised driving: the minimum duration and distance are disputed, so only warn (regulation-fr.md § Exams).
    #[test]
    fn aac_supervised_warns_without_affi_and_traditional_is_not_concerned() {
        let supervised = Facts { training: Training::Supervised, ..ready() };
        assert_eq!(status(&supervised, RuleCode::Aac), RuleStatus::Warn);
        let with_affi = Facts { aac: AacFacts { affi_on: Some(d("2026-01-05")), ..AacFacts::default() }, ..supervised };
        assert_eq!(status(&with_affi, RuleCode::Aac), RuleStatus::Ok);
        assert_eq!(message(&ready(), RuleCode::Aac), "Sans objet (formation traditionnelle).");
    }

    #[test]
    fn balance_warns_with_the_amount_owed() {
        let cases = [
            (None, RuleStatus::Ok, "Aucun paiement enregistré."),
            (Some(0), RuleStatus::Ok, "Compte à jour."),
            (Some(5000), RuleStatus::Ok, "Compte à jour."),
            (Some(-12050), RuleStatus::Warn, "Reste dû : 120,50 €."),
            (Some(-123456), RuleStatus::Warn, "Reste dû : 1 234,56 €."),
            (Some(-5), RuleStatus::Warn, "Reste dû : 0,05 €."),
        ];
        for (balance_cents, expected, text) in cases {
            let outcome = rule(&Facts { balance_cents, ..ready() }, &Settings::default(), RuleCode::Balance);
            assert_eq!((outcome.status, outcome.message.as_str()), (expected, text));
        }
    }

    #[test]
    fn settings_override_single_fields_from_json() {
        let settings: Settings = serde_json::from_str(r#"{"absence_days": 45}"#).unwrap();
        assert_eq!(settings, Settings { absence_days: 45, ..Settings::default() });
        let round_trip: Settings = serde_json::from_value(serde_json::to_value(Settings::default()).unwrap()).unwrap();
        assert_eq!(round_trip, Settings::default());
    }

    #[test]
    fn facts_round_trip_through_json() {
        let facts = Facts {
            practical_attempts: vec![
                attempt("2026-03-02", AttemptOutcome::Failed { score: Some(18), eliminatory: true }),
                attempt("2026-03-20", AttemptOutcome::Cancelled { excused: false, cancelled_on: d("2026-03-18") }),
            ],
            ..ready()
        };
        let json = serde_json::to_value(&facts).unwrap();
        assert_eq!(json["practical_attempts"][0]["outcome"]["kind"], "failed");
        assert_eq!(serde_json::from_value::<Facts>(json).unwrap(), facts);
    }
}
