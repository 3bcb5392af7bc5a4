//! Search words: lower case, accents removed, split on anything that is not a letter or digit.
//! "Éloïse Ménard" → ["eloise", "menard"]; both the stored text and the query go through here,
//! so "eloise men" finds her.

/// Folds the accented letters of French (and neighbours) to ASCII.
fn fold(c: char) -> char {
    match c {
        'à' | 'â' | 'ä' | 'á' | 'ã' | 'å' => 'a',
        'ç' => 'c',
        'é' | 'è' | 'ê' | 'ë' => 'e',
        'î' | 'ï' | 'í' | 'ì' => 'i',
        'ô' | 'ö' | 'ó' | 'ò' | 'õ' => 'o',
        'ù' | 'û' | 'ü' | 'ú' => 'u',
        'ÿ' | 'ý' => 'y',
        'ñ' => 'n',
        other => other,
    }
}

/// The searchable words of a text.
pub fn words(text: &str) -> Vec<String> {
    let lowered = text.to_lowercase().replace('œ', "oe").replace('æ', "ae");
    lowered
        .chars()
        .map(fold)
        .collect::<String>()
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_owned)
        .collect()
}

/// The text stored for a record: its words, space-separated (and, for a phone, its digits whole).
pub fn document(fields: &[Option<&str>]) -> String {
    let mut out: Vec<String> = vec![];
    for f in fields.iter().flatten() {
        out.extend(words(f));
        let digits: String = f.chars().filter(char::is_ascii_digit).collect();
        if digits.len() >= 6 && digits.len() != f.len() {
            out.push(digits);
        }
    }
    out.join(" ")
}

/// The key that sorts names as a French reader expects ("Ménard" before "Menhir"), whatever
/// the database collation: folded words of the last name, then of the first name.
pub fn sort_key(last: &str, first: &str) -> String {
    format!("{}|{}", words(last).join(" "), words(first).join(" "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accents_and_case_are_folded() {
        assert_eq!(words("Éloïse  MÉNARD-Lœuvre"), vec!["eloise", "menard", "loeuvre"]);
        assert_eq!(words("jeanne.martin@exemple.fr"), vec!["jeanne", "martin", "exemple", "fr"]);
    }

    #[test]
    fn names_sort_without_accents() {
        assert!(sort_key("Ménard", "Éloïse") < sort_key("Menhir", "Marc"));
        assert!(sort_key("Martin", "Zoé") < sort_key("Ménard", "Anne"));
    }

    #[test]
    fn a_phone_is_found_by_its_pairs_and_whole() {
        assert_eq!(document(&[Some("06 12 34 56 78"), None]), "06 12 34 56 78 0612345678");
    }
}
