//! An e-mail address, normalised (trimmed, lower-case) so that one person has one identity.

use std::fmt;

use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Email(String);

#[derive(Debug, PartialEq, Eq, thiserror::Error)]
#[error("L'adresse e-mail n'est pas valide.")]
pub struct InvalidEmail;

impl Email {
    /// Accepts `local@domain.tld` with no spaces, at most 254 characters.
    pub fn parse(raw: &str) -> Result<Self, InvalidEmail> {
        let value = raw.trim().to_lowercase();
        let (local, domain) = value.split_once('@').ok_or(InvalidEmail)?;
        let well_formed = !local.is_empty()
            && local.len() <= 64
            && value.len() <= 254
            && domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && !domain.contains("..")
            && !domain.contains('@')
            && !value.chars().any(|c| c.is_whitespace() || c.is_control() || matches!(c, '<' | '>' | ',' | ';' | '"'));
        if well_formed { Ok(Email(value)) } else { Err(InvalidEmail) }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for Email {
    type Error = InvalidEmail;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Email::parse(&s)
    }
}

impl From<Email> for String {
    fn from(e: Email) -> String {
        e.0
    }
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalises_case_and_spaces() {
        assert_eq!(Email::parse("  Jeanne.Martin@Exemple.FR ").unwrap().as_str(), "jeanne.martin@exemple.fr");
    }

    #[test]
    fn refuses_malformed_addresses() {
        for bad in
            ["", "jeanne", "@exemple.fr", "jeanne@", "jeanne@exemple", "je anne@exemple.fr", "a@b..fr", "a@@b.fr"]
        {
            assert_eq!(Email::parse(bad), Err(InvalidEmail), "{bad:?}");
        }
    }
}
