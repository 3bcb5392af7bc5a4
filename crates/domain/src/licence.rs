//! Licence categories (permis) that instructors teach and vehicles serve.

/// The categories Volant knows; `B78` is the automatic-gearbox restriction of B.
pub const CATEGORIES: &[&str] = &["AM", "A1", "A2", "A", "B", "B78", "BE", "C1", "C", "CE", "D1", "D", "DE"];

pub fn is_category(code: &str) -> bool {
    CATEGORIES.contains(&code)
}

/// `#RRGGBB`, the colour of an instructor in the planning.
pub fn is_hex_colour(s: &str) -> bool {
    s.len() == 7 && s.starts_with('#') && s[1..].chars().all(|c| c.is_ascii_hexdigit())
}
