//! French wording rules that messages share.

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
    fn de_is_elided_before_a_vowel_accented_or_not() {
        assert_eq!(de("Inès Martin"), "d'Inès Martin");
        assert_eq!(de("Éloïse Lefèvre"), "d'Éloïse Lefèvre");
        assert_eq!(de("Yanis"), "de Yanis");
        assert_eq!(de("Paul"), "de Paul");
        assert_eq!(de("Hugo"), "de Hugo");
        assert_eq!(de(""), "de ");
    }
}
