//! The student file's rules: identifiers (NEPH), phone numbers, age, and the status life cycle
//! `prospect → active → finished (→ active again)`, with `archived` reached only by archiving.

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

/// Age of majority (guardian required below it).
pub const MAJORITY_AGE: u32 = 18;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum StudentStatus {
    Prospect,
    Active,
    Finished,
    Archived,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum EndReason {
    LicenceObtained,
    Abandoned,
    TransferredOut,
}

#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum TransitionError {
    #[error("Ce changement de statut n'est pas permis.")]
    NotAllowed,
    #[error("Un dossier terminé doit indiquer la raison de fin (permis obtenu, abandon ou transfert).")]
    EndReasonRequired,
    #[error("La raison de fin ne s'applique qu'à un dossier terminé.")]
    EndReasonUnexpected,
    #[error("Un dossier s'archive avec l'action « archiver », et se restaure avec « restaurer ».")]
    UseArchive,
}

/// Checks a status change asked through an edit of the file (not archive/restore).
pub fn check_transition(
    from: StudentStatus,
    to: StudentStatus,
    end_reason: Option<EndReason>,
) -> Result<(), TransitionError> {
    use StudentStatus::*;
    if to == Archived || from == Archived {
        return if from == to { Ok(()) } else { Err(TransitionError::UseArchive) };
    }
    let allowed = from == to || matches!((from, to), (Prospect, Active) | (Active, Finished) | (Finished, Active));
    if !allowed {
        return Err(TransitionError::NotAllowed);
    }
    match (to, end_reason) {
        (Finished, None) => Err(TransitionError::EndReasonRequired),
        (Prospect | Active, Some(_)) => Err(TransitionError::EndReasonUnexpected),
        _ => Ok(()),
    }
}

/// Numéro d'enregistrement préfectoral harmonisé: 12 digits.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Neph(String);

#[derive(Debug, PartialEq, Eq, thiserror::Error)]
#[error("Le NEPH doit comporter exactement 12 chiffres.")]
pub struct InvalidNeph;

impl Neph {
    pub fn parse(raw: &str) -> Result<Self, InvalidNeph> {
        let digits: String = raw.chars().filter(|c| !c.is_whitespace()).collect();
        if digits.len() == 12 && digits.chars().all(|c| c.is_ascii_digit()) {
            Ok(Neph(digits))
        } else {
            Err(InvalidNeph)
        }
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for Neph {
    type Error = InvalidNeph;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Neph::parse(&s)
    }
}

impl From<Neph> for String {
    fn from(n: Neph) -> String {
        n.0
    }
}

/// A phone number: French numbers as `06 12 34 56 78`, others in international form `+…`.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
#[error("Numéro de téléphone invalide (exemple : 06 12 34 56 78 ou +33 6 12 34 56 78).")]
pub struct InvalidPhone;

pub fn normalise_phone(raw: &str) -> Result<String, InvalidPhone> {
    let trimmed = raw.trim();
    let plus = trimmed.starts_with('+');
    if !trimmed.chars().all(|c| c.is_ascii_digit() || matches!(c, ' ' | '.' | '-' | '+' | '(' | ')')) {
        return Err(InvalidPhone);
    }
    let digits: String = trimmed.chars().filter(char::is_ascii_digit).collect();
    let national = if plus && digits.starts_with("33") {
        Some(format!("0{}", digits.get(2..).unwrap_or_default()))
    } else if !plus {
        Some(digits.clone())
    } else {
        None
    };
    match national {
        Some(n) if n.len() == 10 && n.starts_with('0') && !n.starts_with("00") => {
            let pairs: Vec<&str> = (0..5).filter_map(|i| n.get(i * 2..i * 2 + 2)).collect();
            Ok(pairs.join(" "))
        }
        Some(_) => Err(InvalidPhone),
        None if (8..=15).contains(&digits.len()) => Ok(format!("+{digits}")),
        None => Err(InvalidPhone),
    }
}

/// Full years of age on a date.
pub fn age_on(birth: NaiveDate, on: NaiveDate) -> u32 {
    let mut age = on.year() - birth.year();
    if (on.month(), on.day()) < (birth.month(), birth.day()) {
        age -= 1;
    }
    u32::try_from(age.max(0)).unwrap_or(0)
}

pub fn is_minor(birth: NaiveDate, on: NaiveDate) -> bool {
    age_on(birth, on) < MAJORITY_AGE
}

/// The youngest a person may be when their file is opened: 14, the age of the first licence a
/// driving school trains for (AM, moped). A younger birth date is a typing error.
pub const MIN_ENTRY_AGE: u32 = 14;
/// The oldest plausible age at entry; beyond it, a typing error (1926 for 1996).
pub const MAX_ENTRY_AGE: u32 = 100;

#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum EntryAgeError {
    #[error("La date de naissance ne peut pas être dans le futur.")]
    Future,
    #[error("L'élève aurait moins de 14 ans à son inscription : vérifiez la date de naissance.")]
    TooYoung,
    #[error("L'élève aurait plus de 100 ans à son inscription : vérifiez la date de naissance.")]
    TooOld,
}

/// A birth date is plausible when the person is between 14 and 100 years old on the day their
/// file is opened (`entered_on`). The age rules of exams are separate (see `eligibility`).
pub fn check_entry_age(birth: NaiveDate, entered_on: NaiveDate) -> Result<(), EntryAgeError> {
    if birth > entered_on {
        return Err(EntryAgeError::Future);
    }
    match age_on(birth, entered_on) {
        age if age < MIN_ENTRY_AGE => Err(EntryAgeError::TooYoung),
        age if age > MAX_ENTRY_AGE => Err(EntryAgeError::TooOld),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use StudentStatus::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn every_allowed_transition() {
        assert_eq!(check_transition(Prospect, Active, None), Ok(()));
        assert_eq!(check_transition(Active, Finished, Some(EndReason::LicenceObtained)), Ok(()));
        assert_eq!(check_transition(Finished, Active, None), Ok(()));
        assert_eq!(check_transition(Active, Active, None), Ok(()));
    }

    #[test]
    fn every_refused_transition() {
        assert_eq!(check_transition(Prospect, Finished, Some(EndReason::Abandoned)), Err(TransitionError::NotAllowed));
        assert_eq!(check_transition(Active, Prospect, None), Err(TransitionError::NotAllowed));
        assert_eq!(check_transition(Finished, Prospect, None), Err(TransitionError::NotAllowed));
        assert_eq!(check_transition(Active, Finished, None), Err(TransitionError::EndReasonRequired));
        assert_eq!(
            check_transition(Prospect, Active, Some(EndReason::Abandoned)),
            Err(TransitionError::EndReasonUnexpected)
        );
        assert_eq!(check_transition(Active, Archived, None), Err(TransitionError::UseArchive));
        assert_eq!(check_transition(Archived, Active, None), Err(TransitionError::UseArchive));
    }

    /// [S] The NEPH has 12 digits (regulation-fr.md § ANTS and RdvPermis).
    #[test]
    fn neph_is_twelve_digits() {
        assert_eq!(Neph::parse("1234 5678 9012").unwrap().as_str(), "123456789012");
        assert_eq!(Neph::parse("12345678901"), Err(InvalidNeph));
        assert_eq!(Neph::parse("12345678901A"), Err(InvalidNeph));
    }

    #[test]
    fn phones_are_normalised() {
        assert_eq!(normalise_phone("0612345678").unwrap(), "06 12 34 56 78");
        assert_eq!(normalise_phone("+33 6 12 34 56 78").unwrap(), "06 12 34 56 78");
        assert_eq!(normalise_phone("06.12.34.56.78").unwrap(), "06 12 34 56 78");
        assert_eq!(normalise_phone("+44 20 7946 0958").unwrap(), "+442079460958");
        assert!(normalise_phone("12345").is_err());
        assert!(normalise_phone("06 12 34 56 7a").is_err());
    }

    #[test]
    fn age_turns_on_the_birthday() {
        assert_eq!(age_on(d("2009-03-15"), d("2027-03-14")), 17);
        assert_eq!(age_on(d("2009-03-15"), d("2027-03-15")), 18);
        assert!(is_minor(d("2009-03-15"), d("2027-03-14")));
        assert!(!is_minor(d("2009-03-15"), d("2027-03-15")));
        assert_eq!(age_on(d("2008-02-29"), d("2026-02-28")), 17);
        assert_eq!(age_on(d("2008-02-29"), d("2026-03-01")), 18);
    }

    #[test]
    fn entry_age_is_between_14_and_100_on_the_day_of_entry() {
        let entry = d("2026-12-01");
        assert_eq!(check_entry_age(d("2012-12-01"), entry), Ok(()));
        assert_eq!(check_entry_age(d("2012-12-02"), entry), Err(EntryAgeError::TooYoung));
        assert_eq!(check_entry_age(d("2017-06-01"), entry), Err(EntryAgeError::TooYoung));
        assert_eq!(check_entry_age(d("1925-12-02"), entry), Ok(()));
        assert_eq!(check_entry_age(d("1925-12-01"), entry), Err(EntryAgeError::TooOld));
        assert_eq!(check_entry_age(d("2026-12-02"), entry), Err(EntryAgeError::Future));
    }
}
