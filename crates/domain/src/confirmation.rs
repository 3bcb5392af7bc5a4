//! Student-confirmed hours (SPEC § P1.2): hours are the first cause of disputes between a school
//! and its students, so each lesson marked done waits for its student's word: confirmed (a tap in
//! their app, or the code on the instructor's phone, which proves both were there) or disputed
//! with a reason, which the office settles. The rules here are pure; the server stores the word.

use chrono::{DateTime, Duration, Utc};

use crate::totp::hotp;

/// A code lasts one step of this many seconds, and is still accepted during the next one (a code
/// read just before it changed): five to ten minutes, enough to type it in the car.
pub const CODE_STEP_SECS: i64 = 300;
/// Digits of a confirmation code.
pub const CODE_DIGITS: u32 = 6;
/// A student gives their word within this many days of the lesson's end; after that, the hours
/// stand as the school counted them.
pub const DECISION_DAYS: i64 = 30;

/// Where a consumption of hours stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ConfirmationStatus {
    /// Done, the student has not said yet.
    Pending,
    Confirmed,
    Disputed,
}

fn code_at(secret: &[u8], step: i64) -> String {
    format!("{:0width$}", hotp(secret, step.max(0) as u64, CODE_DIGITS), width = CODE_DIGITS as usize)
}

/// The code the instructor's phone shows at `now` for a lesson (its own `secret`), and the last
/// instant it is accepted.
pub fn code(secret: &[u8], now: DateTime<Utc>) -> (String, DateTime<Utc>) {
    let step = now.timestamp().div_euclid(CODE_STEP_SECS);
    let expires = DateTime::from_timestamp((step + 2) * CODE_STEP_SECS, 0).unwrap_or(now);
    (code_at(secret, step), expires)
}

/// Whether `typed` is the lesson's code of now or of the step before (spaces aside), compared in
/// full whatever matches.
pub fn code_matches(secret: &[u8], typed: &str, now: DateTime<Utc>) -> bool {
    let typed: String = typed.chars().filter(|c| !c.is_whitespace()).collect();
    if typed.len() != CODE_DIGITS as usize {
        return false;
    }
    let step = now.timestamp().div_euclid(CODE_STEP_SECS);
    [step - 1, step]
        .iter()
        .map(|s| code_at(secret, *s).bytes().zip(typed.bytes()).fold(0u8, |acc, (a, b)| acc | (a ^ b)) == 0)
        .fold(false, |any, same| any | same)
}

/// Why a student may not give their word on a lesson now (a French message), or `Ok`.
pub fn may_decide(
    done: bool,
    ended_at: DateTime<Utc>,
    already: Option<ConfirmationStatus>,
    now: DateTime<Utc>,
) -> Result<(), &'static str> {
    if !done {
        return Err("Une leçon se confirme une fois marquée faite par le moniteur.");
    }
    if let Some(status) = already.filter(|s| *s != ConfirmationStatus::Pending) {
        return Err(match status {
            ConfirmationStatus::Confirmed => "Cette leçon est déjà confirmée.",
            _ => "Cette leçon est déjà contestée : le secrétariat vous répondra.",
        });
    }
    if now > ended_at + Duration::days(DECISION_DAYS) {
        return Err(
            "Le délai de 30 jours pour confirmer ou contester cette leçon est passé : adressez-vous au secrétariat.",
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(secs: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(secs, 0).unwrap()
    }

    #[test]
    fn a_code_lasts_its_step_and_the_next_and_is_the_lessons_own() {
        let secret = b"lesson-one-secret";
        let (code, expires) = code(secret, at(1_000_000));
        assert_eq!(code.len(), 6);
        assert!(code.bytes().all(|b| b.is_ascii_digit()));
        assert_eq!(expires, at((1_000_000 / 300 + 2) * 300));
        assert!(code_matches(secret, &code, at(1_000_000)));
        assert!(code_matches(secret, &format!("{} {}", &code[..3], &code[3..]), at(1_000_000 + 299)));
        assert!(!code_matches(secret, &code, expires), "expired");
        assert!(!code_matches(b"lesson-two-secret", &code, at(1_000_000)), "another lesson's code");
        assert!(!code_matches(secret, "12345", at(1_000_000)));
    }

    #[test]
    fn the_word_comes_after_completion_once_within_thirty_days() {
        let end = at(1_000_000);
        let soon = end + Duration::hours(1);
        assert!(may_decide(false, end, None, soon).is_err());
        assert!(may_decide(true, end, None, soon).is_ok());
        assert!(may_decide(true, end, Some(ConfirmationStatus::Pending), soon).is_ok());
        assert_eq!(
            may_decide(true, end, Some(ConfirmationStatus::Confirmed), soon),
            Err("Cette leçon est déjà confirmée.")
        );
        assert!(may_decide(true, end, Some(ConfirmationStatus::Disputed), soon).unwrap_err().contains("contestée"));
        assert!(may_decide(true, end, None, end + Duration::days(31)).unwrap_err().contains("30 jours"));
    }
}
