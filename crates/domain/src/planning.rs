//! The rules of the planning: what refuses a lesson (422, named rules) and what only warns.
//! Facts are gathered by the server in the same transaction as the write; this code decides.

use crate::french::de;
use chrono::{NaiveDate, NaiveTime};
use serde::{Deserialize, Serialize};

use crate::schedule::{WeeklyRange, covers};

/// A student cancelling with less notice than this (hours) is charged unless the office waives.
pub const DEFAULT_LATE_CANCEL_HOURS: i64 = 48;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Driving,
    Code,
    Exam,
    Evaluation,
    Unavailability,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Finding {
    pub code: String,
    pub message: String,
}

fn finding(code: &str, message: impl Into<String>) -> Finding {
    Finding { code: code.into(), message: message.into() }
}

pub struct InstructorFacts {
    pub name: String,
    pub active: bool,
    pub authorisation_expires_on: Option<NaiveDate>,
    pub weekly: Vec<WeeklyRange>,
    /// What the instructor's external calendar says at that time, when it says they are busy.
    pub external_busy: Option<String>,
}

/// A new car has dual controls unless the office says otherwise: a teaching car must have them
/// (arrêté of 8 January 2001), so the safe default is yes.
pub const DUAL_CONTROLS_BY_DEFAULT: bool = true;

pub struct VehicleFacts {
    pub plate: String,
    pub simulator: bool,
    pub dual_controls: bool,
    /// `active`, `maintenance`, `retired`.
    pub status: String,
    pub automatic: bool,
    pub inspection_due_on: Option<NaiveDate>,
    pub insurance_expires_on: Option<NaiveDate>,
}

pub struct StudentFacts {
    pub name: String,
    pub active: bool,
    pub ants_validated: bool,
    pub has_start_evaluation: bool,
    pub has_contract: bool,
    pub automatic_only: bool,
    pub bookable_minutes: i64,
}

pub struct Facts {
    pub kind: Kind,
    /// Local date and times in the school's zone.
    pub date: NaiveDate,
    pub start: NaiveTime,
    pub end: NaiveTime,
    pub minutes: i64,
    pub today: NaiveDate,
    pub instructor: Option<InstructorFacts>,
    pub vehicle: Option<VehicleFacts>,
    pub students: Vec<StudentFacts>,
    pub opening_hours: Vec<WeeklyRange>,
    pub holiday: Option<String>,
    pub closure: Option<String>,
    /// School setting: the ANTS registration rule only warns.
    pub ants_rule_warns: bool,
    /// School setting: a busy time in the instructor's external calendar blocks (else warns).
    pub external_busy_blocks: bool,
    /// The instructor's trips to this lesson from the previous one and from it to the next, on
    /// the same day at a different meeting point.
    pub travel: Vec<crate::travel::Leg>,
    /// School setting: a trip longer than the gap blocks (else warns).
    pub travel_blocks: bool,
}

fn fr(d: NaiveDate) -> String {
    d.format("%d/%m/%Y").to_string()
}

/// The blocking rules and the warnings for a lesson.
pub fn check(f: &Facts) -> (Vec<Finding>, Vec<Finding>) {
    let (mut blocks, mut warns) = (vec![], vec![]);
    let uses_car = matches!(f.kind, Kind::Driving | Kind::Exam);
    if f.kind != Kind::Unavailability {
        if let Some(i) = &f.instructor {
            if !i.active {
                blocks.push(finding("instructor_inactive", format!("{} n'est plus actif.", i.name)));
            }
            match i.authorisation_expires_on {
                Some(d) if d < f.today => blocks.push(finding(
                    "instructor_authorisation_expired",
                    format!("L'autorisation d'enseigner {} a expiré le {}.", de(&i.name), fr(d)),
                )),
                Some(d) if d < f.date => warns.push(finding(
                    "instructor_authorisation_expires",
                    format!("L'autorisation d'enseigner {} expire le {}, avant la séance.", de(&i.name), fr(d)),
                )),
                _ => {}
            }
            if let Some(what) = &i.external_busy {
                let found =
                    finding("external_busy", format!("{} est occupé selon son agenda externe ({what}).", i.name));
                if f.external_busy_blocks { blocks.push(found) } else { warns.push(found) }
            }
            if !i.weekly.is_empty() && !covers(&i.weekly, f.date, f.start, f.end) {
                warns.push(finding("outside_availability", format!("En dehors des disponibilités {}.", de(&i.name))));
            }
        }
        for leg in f.travel.iter().filter(|l| l.too_short()) {
            let message = format!(
                "Trajet de {} min entre « {} » et « {} » : {} min seulement entre les deux séances.",
                leg.needed,
                leg.from,
                leg.to,
                leg.available.max(0)
            );
            if f.travel_blocks {
                blocks.push(finding("travel_time", message))
            } else {
                warns.push(finding("travel_time", message))
            }
        }
        if !f.opening_hours.is_empty() && !covers(&f.opening_hours, f.date, f.start, f.end) {
            warns.push(finding("outside_opening_hours", "En dehors des heures d'ouverture de l'agence."));
        }
        if let Some(h) = &f.holiday {
            warns.push(finding("public_holiday", format!("Jour férié : {h}.")));
        }
        if let Some(c) = &f.closure {
            warns.push(finding("closure_day", format!("L'agence est fermée ce jour-là ({c}).")));
        }
    }
    if let Some(v) = &f.vehicle
        && f.kind != Kind::Unavailability
    {
        if uses_car && !v.simulator && !v.dual_controls {
            blocks.push(finding("vehicle_dual_controls", format!("{} n'a pas de double commande.", v.plate)));
        }
        if v.status != "active" {
            let what = if v.status == "maintenance" { "en maintenance" } else { "retiré du service" };
            blocks.push(finding("vehicle_status", format!("{} est {what}.", v.plate)));
        }
        for (code, label, date) in [
            ("vehicle_insurance", "L'assurance", v.insurance_expires_on),
            ("vehicle_inspection", "Le contrôle technique", v.inspection_due_on),
        ] {
            match date {
                Some(d) if d < f.today => blocks.push(finding(
                    &format!("{code}_overdue"),
                    format!("{label} de {} est échu depuis le {}.", v.plate, fr(d)),
                )),
                Some(d) if d < f.date => warns.push(finding(
                    &format!("{code}_expires"),
                    format!("{label} de {} échoit le {}, avant la séance.", v.plate, fr(d)),
                )),
                _ => {}
            }
        }
    }
    for s in &f.students {
        if f.kind == Kind::Driving && !s.ants_validated {
            let message = format!(
                "Le dossier ANTS {} n'est pas validé : la loi l'exige avant les leçons de conduite.",
                de(&s.name)
            );
            if f.ants_rule_warns {
                warns.push(finding("ants_registration", message))
            } else {
                blocks.push(finding("ants_registration", message))
            }
        }
        if !s.active {
            warns.push(finding("student_not_active", format!("Le dossier {} n'est pas actif.", de(&s.name))));
        }
        if f.kind == Kind::Driving {
            if !s.has_start_evaluation {
                warns.push(finding("no_start_evaluation", format!("{} n'a pas fait d'évaluation de départ.", s.name)));
            }
            if !s.has_contract {
                warns.push(finding("no_contract", format!("Le contrat {} n'est pas signé.", de(&s.name))));
            }
            if s.bookable_minutes < f.minutes {
                warns.push(finding("insufficient_hours", format!("{} n'a plus assez d'heures réservables.", s.name)));
            }
            if let Some(v) = &f.vehicle
                && !v.simulator
                && v.automatic != s.automatic_only
            {
                let message = if s.automatic_only {
                    format!("{} suit une formation B78 (boîte automatique) : {} est à boîte manuelle.", s.name, v.plate)
                } else {
                    format!("{} se forme sur boîte manuelle : {} est automatique.", s.name, v.plate)
                };
                warns.push(finding("gearbox_mismatch", message));
            }
        }
    }
    (blocks, warns)
}

/// A student's cancellation with less notice than the school's setting is charged.
pub fn is_late_cancellation(minutes_before_start: i64, notice_hours: i64) -> bool {
    minutes_before_start < notice_hours * 60
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schedule::parse_hhmm;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }
    fn t(s: &str) -> NaiveTime {
        parse_hhmm(s).unwrap()
    }
    fn codes(list: &[Finding]) -> Vec<&str> {
        list.iter().map(|f| f.code.as_str()).collect()
    }

    fn base() -> Facts {
        Facts {
            kind: Kind::Driving,
            date: d("2027-03-10"),
            start: t("10:00"),
            end: t("11:00"),
            minutes: 60,
            today: d("2027-03-01"),
            instructor: Some(InstructorFacts {
                name: "Julien".into(),
                active: true,
                authorisation_expires_on: Some(d("2030-01-01")),
                weekly: vec![WeeklyRange { weekday: 3, start: "08:00".into(), end: "12:00".into() }],
                external_busy: None,
            }),
            vehicle: Some(VehicleFacts {
                plate: "AB-123-CD".into(),
                simulator: false,
                dual_controls: true,
                status: "active".into(),
                automatic: false,
                inspection_due_on: None,
                insurance_expires_on: Some(d("2030-01-01")),
            }),
            students: vec![StudentFacts {
                name: "Léa".into(),
                active: true,
                ants_validated: true,
                has_start_evaluation: true,
                has_contract: true,
                automatic_only: false,
                bookable_minutes: 600,
            }],
            opening_hours: vec![],
            holiday: None,
            closure: None,
            ants_rule_warns: false,
            external_busy_blocks: false,
            travel: vec![],
            travel_blocks: false,
        }
    }

    #[test]
    fn a_trip_longer_than_the_gap_warns_or_blocks_by_setting() {
        use crate::travel::Leg;
        let mut f = base();
        let leg = |available| Leg { from: "Gare".into(), to: "Lycée".into(), needed: 20, available };
        f.travel = vec![leg(30), leg(20)];
        assert_eq!(check(&f), (vec![], vec![]));
        f.travel = vec![leg(5)];
        let (blocks, warns) = check(&f);
        assert!(blocks.is_empty());
        assert_eq!(codes(&warns), vec!["travel_time"]);
        assert_eq!(
            warns[0].message,
            "Trajet de 20 min entre « Gare » et « Lycée » : 5 min seulement entre les deux séances."
        );
        f.travel_blocks = true;
        assert_eq!(codes(&check(&f).0), vec!["travel_time"]);
    }

    #[test]
    fn an_external_busy_time_warns_or_blocks_by_setting() {
        let mut f = base();
        f.instructor.as_mut().unwrap().external_busy = Some("Dentiste".into());
        let (blocks, warns) = check(&f);
        assert!(blocks.is_empty());
        assert_eq!(codes(&warns), vec!["external_busy"]);
        assert!(warns[0].message.contains("Dentiste"));
        f.external_busy_blocks = true;
        assert_eq!(codes(&check(&f).0), vec!["external_busy"]);
    }

    #[test]
    fn a_clean_lesson_has_nothing_to_say() {
        assert_eq!(check(&base()), (vec![], vec![]));
    }

    /// [S] A teaching car has dual controls (arrêté of 8 January 2001); [S] the ANTS registration (regulation-fr.md).
    #[test]
    fn each_blocking_rule() {
        let mut f = base();
        f.vehicle.as_mut().unwrap().dual_controls = false;
        f.vehicle.as_mut().unwrap().status = "maintenance".into();
        f.vehicle.as_mut().unwrap().insurance_expires_on = Some(d("2027-02-28"));
        f.instructor.as_mut().unwrap().active = false;
        f.instructor.as_mut().unwrap().authorisation_expires_on = Some(d("2027-02-28"));
        f.students[0].ants_validated = false;
        let (blocks, _) = check(&f);
        assert_eq!(
            codes(&blocks),
            vec![
                "instructor_inactive",
                "instructor_authorisation_expired",
                "vehicle_dual_controls",
                "vehicle_status",
                "vehicle_insurance_overdue",
                "ants_registration"
            ]
        );
    }

    #[test]
    fn the_ants_rule_can_be_a_warning_and_spares_the_start_evaluation() {
        let mut f = base();
        f.students[0].ants_validated = false;
        f.ants_rule_warns = true;
        assert_eq!(codes(&check(&f).1), vec!["ants_registration"]);
        let mut f = base();
        f.students[0].ants_validated = false;
        f.kind = Kind::Evaluation;
        assert_eq!(check(&f), (vec![], vec![]));
    }

    #[test]
    fn each_warning() {
        let mut f = base();
        f.start = t("11:30");
        f.end = t("12:30");
        f.opening_hours = vec![WeeklyRange { weekday: 3, start: "09:00".into(), end: "12:00".into() }];
        f.holiday = Some("Ascension".into());
        f.closure = Some("Travaux".into());
        f.instructor.as_mut().unwrap().authorisation_expires_on = Some(d("2027-03-05"));
        f.vehicle.as_mut().unwrap().inspection_due_on = Some(d("2027-03-09"));
        f.students[0].bookable_minutes = 30;
        f.students[0].active = false;
        f.students[0].has_contract = false;
        f.students[0].has_start_evaluation = false;
        f.students[0].automatic_only = true;
        let (blocks, warns) = check(&f);
        assert!(blocks.is_empty());
        assert_eq!(
            codes(&warns),
            vec![
                "instructor_authorisation_expires",
                "outside_availability",
                "outside_opening_hours",
                "public_holiday",
                "closure_day",
                "vehicle_inspection_expires",
                "student_not_active",
                "no_start_evaluation",
                "no_contract",
                "insufficient_hours",
                "gearbox_mismatch"
            ]
        );
    }

    /// [U] The school's own notice for lessons (48 h by default), not the exams' (regulation-fr.md § Exams).
    #[test]
    fn late_cancellation_is_less_than_the_notice() {
        assert!(is_late_cancellation(47 * 60 + 59, 48));
        assert!(!is_late_cancellation(48 * 60, 48));
    }
}
