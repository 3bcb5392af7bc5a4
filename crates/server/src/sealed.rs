//! Secrets the server must read back (a TOTP secret today, connector credentials later), sealed
//! at rest: AES-256-GCM under a key derived from `VOLANT_SECRET_KEY` for one purpose
//! (HKDF-SHA256), so a copy of the database alone opens nothing and one purpose's key opens no
//! other's. The record a value belongs to is bound as associated data: a sealed value copied
//! onto another person's row does not open there.
//!
//! Layout: one version byte (the key generation, for a future rotation), the 12-byte random
//! nonce, then the ciphertext with its 16-byte tag.

use aes_gcm::{
    Aes256Gcm, KeyInit, Nonce,
    aead::{Aead, Payload},
};
use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use hkdf::Hkdf;
use rand::RngCore;
use sha2::Sha256;

use crate::{config::Secret, error::AppError};

const VERSION: u8 = 1;
const NONCE_BYTES: usize = 12;

/// What a sealed value is for: each purpose has its own key.
#[derive(Clone, Copy, Debug)]
pub enum Purpose {
    TotpSecret,
    /// A school's Ed25519 key signing its fiscal archives.
    ArchiveKey,
    /// A school's credentials for a State platform.
    ConnectorSecrets,
}

impl Purpose {
    fn label(self) -> &'static [u8] {
        match self {
            Purpose::TotpSecret => b"volant/sealed/totp-secret/v1",
            Purpose::ArchiveKey => b"volant/sealed/archive-key/v1",
            Purpose::ConnectorSecrets => b"volant/sealed/connector-secrets/v1",
        }
    }
}

/// Seals under the current key; opens under it or, after a rotation, under a previous one.
pub struct Sealer {
    cipher: Aes256Gcm,
    previous: Vec<Aes256Gcm>,
}

fn cipher(secret_key: &str, purpose: Purpose) -> Aes256Gcm {
    let mut key = [0u8; 32];
    // 32 bytes is far below HKDF-SHA256's limit (255 × 32): expansion cannot fail.
    let _ = Hkdf::<Sha256>::new(None, secret_key.as_bytes()).expand(purpose.label(), &mut key);
    Aes256Gcm::new(&key.into())
}

impl Sealer {
    pub fn new(secret_key: &str, purpose: Purpose) -> Sealer {
        Sealer { cipher: cipher(secret_key, purpose), previous: vec![] }
    }

    /// A sealer that also opens what the `previous` keys sealed (`VOLANT_PREVIOUS_SECRET_KEYS`
    /// after a rotation of `VOLANT_SECRET_KEY`, until everything is sealed again).
    pub fn with_previous(current: &Secret, previous: &[Secret], purpose: Purpose) -> Sealer {
        let previous = previous.iter().map(|k| cipher(k.expose(), purpose)).collect();
        Sealer { cipher: cipher(current.expose(), purpose), previous }
    }

    pub fn seal(&self, plaintext: &[u8], bound_to: &[u8]) -> Result<Vec<u8>, AppError> {
        let mut nonce = [0u8; NONCE_BYTES];
        rand::rng().fill_bytes(&mut nonce);
        let sealed = self
            .cipher
            .encrypt(&Nonce::from(nonce), Payload { msg: plaintext, aad: bound_to })
            .map_err(|_| AppError::Internal(anyhow::anyhow!("sealing failed")))?;
        Ok([&[VERSION][..], &nonce, &sealed].concat())
    }

    /// The plaintext, or an internal error: a value that does not open was altered, moved to
    /// another record, or sealed under another `VOLANT_SECRET_KEY`.
    pub fn open(&self, sealed: &[u8], bound_to: &[u8]) -> Result<Vec<u8>, AppError> {
        let broken =
            || AppError::Internal(anyhow::anyhow!("a sealed value does not open (altered, moved or another key)"));
        let (&version, rest) = sealed.split_first().ok_or_else(broken)?;
        if version != VERSION || rest.len() < NONCE_BYTES {
            return Err(broken());
        }
        let (nonce, ciphertext) = rest.split_at(NONCE_BYTES);
        let nonce: [u8; NONCE_BYTES] = nonce.try_into().map_err(|_| broken())?;
        std::iter::once(&self.cipher)
            .chain(&self.previous)
            .find_map(|c| c.decrypt(&Nonce::from(nonce), Payload { msg: ciphertext, aad: bound_to }).ok())
            .ok_or_else(broken)
    }
}

/// Tokens that carry their own proof: the data, then a 16-byte tag that only the server's key
/// makes (HKDF-Expand under a key extracted for one purpose, which is HMAC-SHA256 of the data).
/// A calendar feed's URL and a mail's unsubscribe link are such tokens: nothing secret is stored,
/// and a token made for one purpose is worthless for another.
pub struct TokenSigner {
    key: Hkdf<Sha256>,
}

const TAG_BYTES: usize = 16;

impl TokenSigner {
    pub fn new(secret_key: &str, purpose: &str) -> TokenSigner {
        TokenSigner { key: Hkdf::<Sha256>::new(Some(purpose.as_bytes()), secret_key.as_bytes()) }
    }

    fn tag(&self, data: &[u8]) -> [u8; TAG_BYTES] {
        let mut tag = [0u8; TAG_BYTES];
        // 16 bytes is far below HKDF-SHA256's limit: expansion cannot fail.
        let _ = self.key.expand(data, &mut tag);
        tag
    }

    /// The tag alone, in hex: a keyed fingerprint of `data` (a seal, a code kept as a hash).
    pub fn fingerprint(&self, data: &[u8]) -> String {
        hex::encode(self.tag(data))
    }

    /// Whether `fingerprint` is this signer's of `data`, compared in constant time.
    pub fn matches(&self, data: &[u8], fingerprint: &str) -> bool {
        let expected = self.fingerprint(data);
        expected.len() == fingerprint.len()
            && expected.bytes().zip(fingerprint.bytes()).fold(0u8, |acc, (a, b)| acc | (a ^ b)) == 0
    }

    /// `base64url(data ‖ tag)`.
    pub fn sign(&self, data: &[u8]) -> String {
        URL_SAFE_NO_PAD.encode([data, &self.tag(data)].concat())
    }

    /// The data of a token this signer made, or `None` (altered, another purpose or key).
    pub fn verify(&self, token: &str) -> Option<Vec<u8>> {
        let bytes = URL_SAFE_NO_PAD.decode(token).ok()?;
        let split = bytes.len().checked_sub(TAG_BYTES)?;
        let (data, tag) = bytes.split_at(split);
        // Compared in constant time: the position of a first difference tells nothing.
        let diff = self.tag(data).iter().zip(tag).fold(0u8, |acc, (a, b)| acc | (a ^ b));
        (diff == 0).then(|| data.to_vec())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &str = "a-test-key-of-at-least-thirty-two-characters";

    #[test]
    fn opens_what_it_sealed_and_nothing_moved_or_altered() {
        let sealer = Sealer::new(KEY, Purpose::TotpSecret);
        let sealed = sealer.seal(b"12345678901234567890", b"user-a").unwrap();
        assert!(!sealed.windows(20).any(|w| w == b"12345678901234567890"), "the plaintext is not stored");
        assert_eq!(sealer.open(&sealed, b"user-a").unwrap(), b"12345678901234567890");
        assert!(sealer.open(&sealed, b"user-b").is_err(), "bound to its record");
        let mut altered = sealed.clone();
        *altered.last_mut().unwrap() ^= 1;
        assert!(sealer.open(&altered, b"user-a").is_err());
        assert!(
            Sealer::new("another-key-of-at-least-thirty-two-chars", Purpose::TotpSecret)
                .open(&sealed, b"user-a")
                .is_err()
        );
        assert!(sealer.open(&[], b"user-a").is_err());
    }

    #[test]
    fn after_a_rotation_the_previous_key_still_opens_and_a_new_seal_uses_the_new_key() {
        let old = Sealer::new(KEY, Purpose::ConnectorSecrets);
        let sealed = old.seal(b"client-secret", b"school").unwrap();
        let new_key = Secret::new("a-new-key-of-at-least-thirty-two-characters");
        let rotated = Sealer::with_previous(&new_key, &[Secret::new(KEY)], Purpose::ConnectorSecrets);
        assert_eq!(rotated.open(&sealed, b"school").unwrap(), b"client-secret");
        let resealed = rotated.seal(b"client-secret", b"school").unwrap();
        assert!(old.open(&resealed, b"school").is_err(), "sealed again under the new key");
        assert!(Sealer::new(new_key.expose(), Purpose::ConnectorSecrets).open(&resealed, b"school").is_ok());
        assert!(Sealer::new(KEY, Purpose::TotpSecret).open(&sealed, b"school").is_err(), "one key per purpose");
    }

    #[test]
    fn never_seals_twice_alike() {
        let sealer = Sealer::new(KEY, Purpose::TotpSecret);
        assert_ne!(sealer.seal(b"same", b"x").unwrap(), sealer.seal(b"same", b"x").unwrap());
    }

    #[test]
    fn a_token_proves_itself_for_its_purpose_only() {
        let signer = TokenSigner::new(KEY, "calendar-feed");
        let token = signer.sign(b"0123456789abcdef");
        assert_eq!(signer.verify(&token).unwrap(), b"0123456789abcdef");
        assert!(TokenSigner::new(KEY, "unsubscribe").verify(&token).is_none());
        assert!(TokenSigner::new("another-key-of-at-least-thirty-two-chars", "calendar-feed").verify(&token).is_none());
        let mut altered = token.into_bytes();
        altered[3] = if altered[3] == b'A' { b'B' } else { b'A' };
        assert!(signer.verify(&String::from_utf8(altered).unwrap()).is_none());
        assert!(signer.verify("short").is_none());
    }
}
