//! The password policy: long enough to resist guessing, short enough to hash cheaply.

/// ANSSI and NIST both favour length over composition rules.
pub const MIN_PASSWORD_CHARS: usize = 10;
/// Bounds the hashing cost of a hostile request.
pub const MAX_PASSWORD_BYTES: usize = 256;

#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum WeakPassword {
    #[error("Le mot de passe doit contenir au moins 10 caractères.")]
    TooShort,
    #[error("Le mot de passe est trop long (256 octets au plus).")]
    TooLong,
}

/// Checks a new password against the policy.
pub fn check_new_password(password: &str) -> Result<(), WeakPassword> {
    if password.chars().count() < MIN_PASSWORD_CHARS {
        return Err(WeakPassword::TooShort);
    }
    if password.len() > MAX_PASSWORD_BYTES {
        return Err(WeakPassword::TooLong);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn length_is_what_counts() {
        assert_eq!(check_new_password("court"), Err(WeakPassword::TooShort));
        assert_eq!(check_new_password("éééééééééé"), Ok(()));
        assert_eq!(check_new_password(&"x".repeat(300)), Err(WeakPassword::TooLong));
    }
}
