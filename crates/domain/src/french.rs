//! French wording rules that messages share.

use chrono::{Datelike, NaiveDate};

const WEEKDAYS: [&str; 7] = ["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"];
const MONTHS: [&str; 12] = [
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
];

fn month(d: NaiveDate) -> &'static str {
    MONTHS[d.month0() as usize]
}

/// "lundi 7 décembre" ("1er" for the first of a month).
pub fn day_and_month(d: NaiveDate) -> String {
    let day = if d.day() == 1 { "1er".to_owned() } else { d.day().to_string() };
    format!("{} {day} {}", WEEKDAYS[d.weekday().num_days_from_monday() as usize], month(d))
}

/// "lundi 7 décembre 2026".
pub fn long_date(d: NaiveDate) -> String {
    format!("{} {}", day_and_month(d), d.year())
}

/// The text with its first letter in capitals ("lundi…" → "Lundi…").
pub fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map(|c| c.to_uppercase().chain(chars).collect()).unwrap_or_default()
}

/// "du 7 au 13 décembre 2026", "du 28 décembre 2026 au 3 janvier 2027": a period of days.
pub fn span(first: NaiveDate, last: NaiveDate) -> String {
    match (first.year() == last.year(), first.month() == last.month()) {
        (true, true) => format!("du {} au {} {} {}", first.day(), last.day(), month(last), last.year()),
        (true, false) => {
            format!("du {} {} au {} {} {}", first.day(), month(first), last.day(), month(last), last.year())
        }
        _ => format!(
            "du {} {} {} au {} {} {}",
            first.day(),
            month(first),
            first.year(),
            last.day(),
            month(last),
            last.year()
        ),
    }
}

/// What a session is called, from its kind (`driving`, `code`, `exam`, `evaluation`,
/// `unavailability`).
pub fn session_name(kind: &str) -> &'static str {
    match kind {
        "code" => "Séance de code",
        "exam" => "Examen",
        "evaluation" => "Évaluation de départ",
        "unavailability" => "Indisponibilité",
        _ => "Leçon de conduite",
    }
}

/// A length of time: "45 min", "2 h", "1 h 30".
pub fn minutes(total: i64) -> String {
    match (total / 60, total % 60) {
        (0, m) => format!("{m} min"),
        (h, 0) => format!("{h} h"),
        (h, m) => format!("{h} h {m:02}"),
    }
}

/// "de" before a name, elided before a vowel: "d'Inès", "d'Éloïse", "de Paul". An initial "h" or
/// "y" is left alone: whether it elides depends on the word ("de Hugo", "de Yanis").
pub fn de(name: &str) -> String {
    if starts_with_vowel(name) { format!("d'{name}") } else { format!("de {name}") }
}

fn starts_with_vowel(word: &str) -> bool {
    word.chars().next().is_some_and(|c| {
        let folded = crate::search::words(&c.to_string());
        folded.first().and_then(|w| w.chars().next()).is_some_and(|f| "aeiou".contains(f))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_and_periods_in_words() {
        let d = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
        assert_eq!(long_date(d(2026, 12, 7)), "lundi 7 décembre 2026");
        assert_eq!(long_date(d(2027, 1, 1)), "vendredi 1er janvier 2027");
        assert_eq!(span(d(2026, 12, 7), d(2026, 12, 13)), "du 7 au 13 décembre 2026");
        assert_eq!(span(d(2026, 11, 30), d(2026, 12, 6)), "du 30 novembre au 6 décembre 2026");
        assert_eq!(span(d(2026, 12, 28), d(2027, 1, 3)), "du 28 décembre 2026 au 3 janvier 2027");
        assert_eq!(minutes(45), "45 min");
        assert_eq!(minutes(120), "2 h");
        assert_eq!(minutes(90), "1 h 30");
        assert_eq!(session_name("evaluation"), "Évaluation de départ");
        assert_eq!(capitalised("élève"), "Élève");
        assert_eq!(capitalised(""), "");
    }

    #[test]
    fn de_is_elided_before_a_vowel_accented_or_not() {
        assert_eq!(de("Inès Martin"), "d'Inès Martin");
        assert_eq!(de("Éloïse Lefèvre"), "d'Éloïse Lefèvre");
        assert_eq!(de("Yanis"), "de Yanis");
        assert_eq!(de("Paul"), "de Paul");
        assert_eq!(de("Hugo"), "de Hugo");
        assert_eq!(de(""), "de ");
    }
}
