//! Exam results: what a recorded result may say. Theory test (ETG): 40 questions, pass at 35.
//! Practical test: scored out of 31, pass with at least 20 points and no eliminatory fault
//! (arrêté of 19 February 2010, art. 26; `domain/regulation-fr.md` § Exams).

use serde::{Deserialize, Serialize};

pub const THEORY_MAX_SCORE: i16 = 40;
pub const THEORY_PASS_SCORE: i16 = 35;
pub const PRACTICAL_MAX_SCORE: i16 = 31;
pub const PRACTICAL_PASS_SCORE: i16 = 20;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ExamKind {
    Theory,
    Practical,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ExamResult {
    Pending,
    Passed,
    Failed,
    Absent,
    Cancelled,
}

impl ExamResult {
    /// A result that says the test took place (or should have): it cannot be in the future.
    pub fn needs_the_date_passed(self) -> bool {
        matches!(self, ExamResult::Passed | ExamResult::Failed | ExamResult::Absent)
    }
}

/// A recorded result that contradicts itself, with the field at fault and a French message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Inconsistent {
    pub field: &'static str,
    pub message: String,
}

fn inconsistent(field: &'static str, message: impl Into<String>) -> Result<(), Inconsistent> {
    Err(Inconsistent { field, message: message.into() })
}

/// Checks a result against the score and the eliminatory flag. A score is optional (results are
/// sometimes known before the detailed sheet), but when given it must agree with the result.
pub fn check_result(
    kind: ExamKind,
    result: ExamResult,
    score: Option<i16>,
    eliminatory: bool,
) -> Result<(), Inconsistent> {
    let (max, pass) = match kind {
        ExamKind::Theory => (THEORY_MAX_SCORE, THEORY_PASS_SCORE),
        ExamKind::Practical => (PRACTICAL_MAX_SCORE, PRACTICAL_PASS_SCORE),
    };
    if let Some(s) = score
        && !(0..=max).contains(&s)
    {
        return inconsistent("score", format!("La note est comprise entre 0 et {max}."));
    }
    if eliminatory && kind == ExamKind::Theory {
        return inconsistent("eliminatory", "L'épreuve théorique n'a pas de faute éliminatoire.");
    }
    if eliminatory && result == ExamResult::Passed {
        return inconsistent("result", "Une faute éliminatoire entraîne l'échec.");
    }
    if score.is_some() && !matches!(result, ExamResult::Passed | ExamResult::Failed) {
        return inconsistent("score", "Une note n'accompagne qu'un résultat « reçu » ou « ajourné ».");
    }
    match (result, score) {
        (ExamResult::Passed, Some(s)) if s < pass => inconsistent(
            "result",
            format!("Avec {s} points sur {max}, l'épreuve n'est pas réussie (il en faut {pass})."),
        ),
        (ExamResult::Failed, Some(s)) if s >= pass && !eliminatory => inconsistent(
            "result",
            format!("Avec {s} points sur {max} et sans faute éliminatoire, l'épreuve est réussie."),
        ),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ExamKind::*;
    use ExamResult::*;

    /// [S] Theory test (ETG): 40 questions, pass at 35 (regulation-fr.md § Exams).
    #[test]
    fn theory_pass_mark_is_35_out_of_40() {
        assert!(check_result(Theory, Passed, Some(35), false).is_ok());
        assert_eq!(check_result(Theory, Passed, Some(34), false).unwrap_err().field, "result");
        assert!(check_result(Theory, Failed, Some(34), false).is_ok());
        assert!(check_result(Theory, Failed, Some(35), false).is_err());
        assert_eq!(check_result(Theory, Failed, Some(41), false).unwrap_err().field, "score");
        assert_eq!(check_result(Theory, Failed, Some(30), true).unwrap_err().field, "eliminatory");
    }

    /// [C] Arrêté 19 February 2010, art. 26: out of 31, pass at 20 with no eliminatory fault.
    #[test]
    fn practical_pass_is_20_out_of_31_without_an_eliminatory_fault() {
        assert!(check_result(Practical, Passed, Some(20), false).is_ok());
        assert!(check_result(Practical, Passed, Some(19), false).is_err());
        assert!(check_result(Practical, Passed, Some(28), true).is_err());
        assert!(check_result(Practical, Failed, Some(28), true).is_ok(), "a high score can still fail");
        assert!(check_result(Practical, Failed, Some(20), false).is_err());
        assert!(check_result(Practical, Failed, Some(32), false).is_err());
        assert!(check_result(Practical, Passed, None, false).is_ok(), "the score may come later");
    }

    #[test]
    fn absences_and_cancellations_carry_no_score() {
        assert!(check_result(Practical, Absent, Some(10), false).is_err());
        assert!(check_result(Practical, Cancelled, None, false).is_ok());
        assert!(
            Absent.needs_the_date_passed() && !Cancelled.needs_the_date_passed() && !Pending.needs_the_date_passed()
        );
    }
}
