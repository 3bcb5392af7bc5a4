//! French registration plates: SIV (`AA-123-AA`, since 2009) and the older FNI (`1234 AB 56`),
//! still valid on cars never re-registered. Input is normalised: case, spaces and dashes.

use std::fmt;

use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Plate(String);

#[derive(Debug, PartialEq, Eq, thiserror::Error)]
#[error("Immatriculation invalide : format attendu AA-123-AA (SIV) ou 1234 AB 56 (FNI).")]
pub struct InvalidPlate;

/// SIV letters exclude I, O and U (mistaken for 1, 0 and V).
fn siv_letter(c: char) -> bool {
    c.is_ascii_uppercase() && !matches!(c, 'I' | 'O' | 'U')
}

impl Plate {
    pub fn parse(raw: &str) -> Result<Self, InvalidPlate> {
        let upper = raw.trim().to_uppercase();
        let compact: String = upper.chars().filter(|c| !matches!(c, ' ' | '-')).collect();
        parse_siv(&compact).or_else(|| parse_fni(&upper)).map(Plate).ok_or(InvalidPlate)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// `AB123CD` → `AB-123-CD`.
fn parse_siv(compact: &str) -> Option<String> {
    let chars: Vec<char> = compact.chars().collect();
    if chars.len() != 7 {
        return None;
    }
    let ok = chars[..2].iter().all(|c| siv_letter(*c))
        && chars[2..5].iter().all(char::is_ascii_digit)
        && chars[5..].iter().all(|c| siv_letter(*c));
    if !ok {
        return None;
    }
    // All ASCII from here. "000" is never issued; "SS" and "WW" are reserved prefixes.
    let reserved = &compact[2..5] == "000" || compact.starts_with("SS") || compact.starts_with("WW");
    (!reserved).then(|| format!("{}-{}-{}", &compact[..2], &compact[2..5], &compact[5..]))
}

/// `1234 AB 56`: 1 to 4 digits, 1 to 3 letters, a department (2 digits, 2A/2B, or 97x).
fn parse_fni(upper: &str) -> Option<String> {
    let parts: Vec<&str> = upper.split([' ', '-']).filter(|p| !p.is_empty()).collect();
    let (num, letters, dept) = match parts.as_slice() {
        [n, l, d] => (*n, *l, *d),
        [single] => split_fni(single)?,
        _ => return None,
    };
    let num_ok = (1..=4).contains(&num.len()) && num.chars().all(|c| c.is_ascii_digit());
    let letters_ok = (1..=3).contains(&letters.len()) && letters.chars().all(|c| c.is_ascii_uppercase());
    let dept_ok = matches!(dept, "2A" | "2B")
        || (dept.len() == 2 && dept.chars().all(|c| c.is_ascii_digit()) && dept != "00" && dept != "20")
        || (dept.len() == 3 && dept.starts_with("97") && dept.chars().all(|c| c.is_ascii_digit()));
    (num_ok && letters_ok && dept_ok).then(|| format!("{num} {letters} {dept}"))
}

/// `1234AB56` written without spaces.
fn split_fni(s: &str) -> Option<(&str, &str, &str)> {
    let digits = s.find(|c: char| !c.is_ascii_digit())?;
    let rest = &s[digits..];
    let letters = rest.find(|c: char| !c.is_ascii_uppercase())?;
    Some((&s[..digits], &rest[..letters], &rest[letters..]))
}

impl TryFrom<String> for Plate {
    type Error = InvalidPlate;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Plate::parse(&s)
    }
}

impl From<Plate> for String {
    fn from(p: Plate) -> String {
        p.0
    }
}

impl fmt::Display for Plate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn siv_plates_are_normalised() {
        for raw in ["AB-123-CD", "ab123cd", " ab 123 cd ", "Ab-123 cD"] {
            assert_eq!(Plate::parse(raw).unwrap().as_str(), "AB-123-CD", "{raw}");
        }
    }

    #[test]
    fn fni_plates_are_accepted() {
        assert_eq!(Plate::parse("1234 AB 56").unwrap().as_str(), "1234 AB 56");
        assert_eq!(Plate::parse("12 abc 2a").unwrap().as_str(), "12 ABC 2A");
        assert_eq!(Plate::parse("1234AB56").unwrap().as_str(), "1234 AB 56");
        assert_eq!(Plate::parse("567 XY 974").unwrap().as_str(), "567 XY 974");
    }

    #[test]
    fn anything_else_is_refused() {
        for raw in [
            "",
            "AB-12-CD",
            "AI-123-CD",
            "AB-000-CD",
            "SS-123-AA",
            "12345 AB 56",
            "1234 AB 00",
            "ABC",
            "AB-123-C1",
            "ÉB-123-CD",
            "AB-12É-CD",
        ] {
            assert_eq!(Plate::parse(raw), Err(InvalidPlate), "{raw:?}");
        }
    }
}
