//! The five roles of a school membership.

use std::{fmt, str::FromStr};

use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Role {
    Admin,
    Secretary,
    Instructor,
    Student,
    /// A parent or legal guardian of a minor student: reads what the child reads, signs their
    /// contracts.
    Guardian,
}

impl Role {
    pub const ALL: [Role; 5] = [Role::Admin, Role::Secretary, Role::Instructor, Role::Student, Role::Guardian];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "ADMIN",
            Role::Secretary => "SECRETARY",
            Role::Instructor => "INSTRUCTOR",
            Role::Student => "STUDENT",
            Role::Guardian => "GUARDIAN",
        }
    }

    /// The front office: people who run the school's files day to day.
    pub fn is_office(self) -> bool {
        matches!(self, Role::Admin | Role::Secretary)
    }

    /// French label, as shown to people.
    pub fn label_fr(self) -> &'static str {
        match self {
            Role::Admin => "Administrateur",
            Role::Secretary => "Secrétariat",
            Role::Instructor => "Moniteur",
            Role::Student => "Élève",
            Role::Guardian => "Représentant légal",
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Which roles of a school must log in with a second factor (a school setting).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum TwoFactorRule {
    /// Each person chooses.
    #[default]
    Optional,
    /// Administrators must: they read every file and, with billing, the money.
    Admins,
    /// Administrators and the secretariat must.
    Office,
}

impl TwoFactorRule {
    pub fn requires(self, role: Role) -> bool {
        match self {
            TwoFactorRule::Optional => false,
            TwoFactorRule::Admins => role == Role::Admin,
            TwoFactorRule::Office => role.is_office(),
        }
    }
}

#[derive(Debug, thiserror::Error)]
#[error("rôle inconnu : {0}")]
pub struct UnknownRole(String);

impl FromStr for Role {
    type Err = UnknownRole;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Role::ALL.into_iter().find(|r| r.as_str() == s).ok_or_else(|| UnknownRole(s.to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_round_trip_through_their_json_names() {
        for role in Role::ALL {
            assert_eq!(role.as_str().parse::<Role>().unwrap(), role);
            assert_eq!(serde_json::to_string(&role).unwrap(), format!("\"{}\"", role.as_str()));
        }
        assert!("admin".parse::<Role>().is_err());
    }
}

#[cfg(test)]
mod two_factor_rule_tests {
    use super::*;

    #[test]
    fn names_who_must_use_a_second_factor() {
        let who = |rule: TwoFactorRule| Role::ALL.into_iter().filter(|r| rule.requires(*r)).collect::<Vec<_>>();
        assert!(who(TwoFactorRule::Optional).is_empty());
        assert_eq!(who(TwoFactorRule::Admins), [Role::Admin]);
        assert_eq!(who(TwoFactorRule::Office), [Role::Admin, Role::Secretary]);
    }
}
