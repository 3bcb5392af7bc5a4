//! Time-based one-time passwords (RFC 6238, over HOTP of RFC 4226), as every authenticator app
//! computes them: HMAC-SHA1, 30-second steps, 6 digits. Also the base32 text of the secret and
//! the `otpauth://` address a QR code carries, and the recovery codes' shape.

use hmac::{Hmac, KeyInit, Mac};
use sha1::Sha1;

/// Seconds per step (RFC 6238's X, the default every app uses).
pub const STEP_SECS: i64 = 30;
/// Digits of a code.
pub const DIGITS: u32 = 6;
/// Steps accepted on either side of the server's: a phone's clock a little off, or a code typed
/// just as it changed.
pub const DRIFT_STEPS: i64 = 1;
/// Bytes of a new secret (160 bits, the length RFC 4226 recommends for HMAC-SHA1).
pub const SECRET_BYTES: usize = 20;

/// The step that contains a Unix time.
pub fn step_at(unix_secs: i64) -> i64 {
    unix_secs.div_euclid(STEP_SECS)
}

/// The HOTP value of `secret` at `counter`, as `digits` decimal digits (RFC 4226 § 5.3).
pub fn hotp(secret: &[u8], counter: u64, digits: u32) -> u32 {
    // HMAC takes a key of any length: this cannot fail.
    let Ok(mut mac) = <Hmac<Sha1> as KeyInit>::new_from_slice(secret) else {
        return 0;
    };
    mac.update(&counter.to_be_bytes());
    let hash = mac.finalize().into_bytes();
    let offset = usize::from(hash[hash.len() - 1] & 0x0f);
    let binary = u32::from_be_bytes([hash[offset] & 0x7f, hash[offset + 1], hash[offset + 2], hash[offset + 3]]);
    binary % 10u32.pow(digits)
}

/// The code an authenticator shows at a step, zero-padded.
pub fn code_at_step(secret: &[u8], step: i64) -> String {
    format!("{:0width$}", hotp(secret, step.max(0) as u64, DIGITS), width = DIGITS as usize)
}

/// The step whose code `typed` is, within the accepted drift around `unix_secs`, if it is later
/// than `last_used_step`: a code already used (or an older one) is refused, so a code seen over a
/// shoulder cannot be replayed. Every candidate is computed and compared in full, whatever matches.
pub fn verify(secret: &[u8], typed: &str, unix_secs: i64, last_used_step: Option<i64>) -> Option<i64> {
    let typed: String = typed.chars().filter(|c| !c.is_whitespace()).collect();
    if typed.len() != DIGITS as usize || !typed.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let now = step_at(unix_secs);
    let mut found = None;
    for step in now - DRIFT_STEPS..=now + DRIFT_STEPS {
        let same = code_at_step(secret, step).bytes().zip(typed.bytes()).fold(0u8, |acc, (a, b)| acc | (a ^ b)) == 0;
        if same && last_used_step.is_none_or(|last| step > last) && found.is_none() {
            found = Some(step);
        }
    }
    found
}

const BASE32: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/// RFC 4648 base32 without padding: how authenticator apps read a secret.
pub fn base32(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(5) * 8);
    let (mut buffer, mut bits) = (0u32, 0u32);
    for &b in bytes {
        buffer = (buffer << 8) | u32::from(b);
        bits += 8;
        while bits >= 5 {
            bits -= 5;
            out.push(char::from(BASE32[((buffer >> bits) & 31) as usize]));
        }
    }
    if bits > 0 {
        out.push(char::from(BASE32[((buffer << (5 - bits)) & 31) as usize]));
    }
    out
}

/// The bytes of a base32 text (case, spaces and padding ignored), if it is base32.
pub fn from_base32(text: &str) -> Option<Vec<u8>> {
    let mut out = vec![];
    let (mut buffer, mut bits) = (0u32, 0u32);
    for c in text.chars().filter(|c| !c.is_whitespace() && *c != '=') {
        let value = BASE32.iter().position(|&b| char::from(b) == c.to_ascii_uppercase())? as u32;
        buffer = (buffer << 5) | value;
        bits += 5;
        if bits >= 8 {
            bits -= 8;
            out.push(((buffer >> bits) & 0xff) as u8);
        }
    }
    Some(out)
}

/// The `otpauth://` address of Google's key-URI format, which every authenticator app scans.
pub fn otpauth_uri(secret: &[u8], issuer: &str, account: &str) -> String {
    let label = format!("{}:{}", percent(issuer), percent(account));
    format!(
        "otpauth://totp/{label}?secret={}&issuer={}&algorithm=SHA1&digits={DIGITS}&period={STEP_SECS}",
        base32(secret),
        percent(issuer)
    )
}

fn percent(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'@' => char::from(b).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// Recovery codes given at setup, each usable once.
pub const RECOVERY_CODES: usize = 10;
/// Characters of a recovery code: no 0/O, 1/I/L to misread on paper.
const RECOVERY_ALPHABET: &[u8; 31] = b"ABCDEFGHJKMNPQRSTUVWXYZ23456789";

/// A recovery code from 10 random bytes: `XXXXX-XXXXX` (about 49 bits), letters and digits
/// without look-alikes.
pub fn recovery_code(random: [u8; 10]) -> String {
    let letters: String =
        random.iter().map(|b| char::from(RECOVERY_ALPHABET[usize::from(*b) % RECOVERY_ALPHABET.len()])).collect();
    format!("{}-{}", &letters[..5], &letters[5..])
}

/// A typed recovery code as it is stored (hashed): upper case, without spaces or dashes.
pub fn normalise_recovery_code(typed: &str) -> String {
    typed.chars().filter(|c| c.is_ascii_alphanumeric()).map(|c| c.to_ascii_uppercase()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 6238 appendix B, SHA-1 key; the 8-digit values, of which an app shows the last 6.
    const RFC_SECRET: &[u8] = b"12345678901234567890";
    const VECTORS: [(i64, u32); 6] = [
        (59, 94_287_082),
        (1_111_111_109, 7_081_804),
        (1_111_111_111, 14_050_471),
        (1_234_567_890, 89_005_924),
        (2_000_000_000, 69_279_037),
        (20_000_000_000, 65_353_130),
    ];

    #[test]
    fn matches_the_rfc_6238_test_vectors() {
        for (time, expected) in VECTORS {
            assert_eq!(hotp(RFC_SECRET, step_at(time) as u64, 8), expected, "at {time}");
            assert_eq!(code_at_step(RFC_SECRET, step_at(time)), format!("{:06}", expected % 1_000_000));
        }
    }

    #[test]
    fn matches_the_rfc_4226_hotp_vectors() {
        let expected = [755_224, 287_082, 359_152, 969_429, 338_314, 254_676, 287_922, 162_583, 399_871, 520_489];
        for (counter, value) in expected.into_iter().enumerate() {
            assert_eq!(hotp(RFC_SECRET, counter as u64, 6), value);
        }
    }

    #[test]
    fn accepts_one_step_of_drift_and_no_more() {
        let now = 1_111_111_111;
        let code = |t: i64| code_at_step(RFC_SECRET, step_at(t));
        assert_eq!(verify(RFC_SECRET, &code(now), now, None), Some(step_at(now)));
        assert_eq!(verify(RFC_SECRET, &code(now - 30), now, None), Some(step_at(now) - 1));
        assert_eq!(verify(RFC_SECRET, &code(now + 30), now, None), Some(step_at(now) + 1));
        assert_eq!(verify(RFC_SECRET, &code(now - 90), now, None), None);
        assert_eq!(verify(RFC_SECRET, &code(now + 90), now, None), None);
    }

    #[test]
    fn refuses_a_replayed_or_older_code() {
        let now = 1_234_567_890;
        let code = code_at_step(RFC_SECRET, step_at(now));
        let used = verify(RFC_SECRET, &code, now, None).unwrap();
        assert_eq!(verify(RFC_SECRET, &code, now + 5, Some(used)), None);
        let previous = code_at_step(RFC_SECRET, step_at(now) - 1);
        assert_eq!(verify(RFC_SECRET, &previous, now, Some(used)), None);
        let next = code_at_step(RFC_SECRET, step_at(now) + 1);
        assert_eq!(verify(RFC_SECRET, &next, now + 30, Some(used)), Some(used + 1));
    }

    #[test]
    fn refuses_what_is_not_six_digits_and_forgives_spaces() {
        let now = 59;
        let code = code_at_step(RFC_SECRET, step_at(now));
        assert_eq!(verify(RFC_SECRET, &format!("{} {}", &code[..3], &code[3..]), now, None), Some(1));
        for bad in ["", "12345", "1234567", "abcdef", "28708२"] {
            assert_eq!(verify(RFC_SECRET, bad, now, None), None, "{bad}");
        }
    }

    #[test]
    fn base32_round_trips_and_matches_rfc_4648() {
        assert_eq!(base32(b"foobar"), "MZXW6YTBOI");
        assert_eq!(base32(b"f"), "MY");
        assert_eq!(base32(RFC_SECRET), "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");
        assert_eq!(from_base32("mzxw 6ytb oi==").as_deref(), Some(&b"foobar"[..]));
        assert_eq!(from_base32("MZ1"), None);
        let bytes: Vec<u8> = (0..=255).collect();
        assert_eq!(from_base32(&base32(&bytes)), Some(bytes));
    }

    #[test]
    fn builds_the_key_uri_apps_scan() {
        let uri = otpauth_uri(RFC_SECRET, "Volant · Auto-école Dupont", "anne@example.fr");
        assert!(uri.starts_with("otpauth://totp/Volant%20%C2%B7%20Auto-%C3%A9cole%20Dupont:anne@example.fr?"));
        assert!(uri.contains("secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&"));
        assert!(uri.ends_with("&digits=6&period=30"));
    }

    #[test]
    fn recovery_codes_avoid_look_alikes_and_normalise() {
        let code = recovery_code([0, 1, 2, 3, 4, 250, 251, 252, 253, 254]);
        assert_eq!(code.len(), 11);
        assert!(!code.chars().any(|c| "01OIL".contains(c)), "{code}");
        assert_eq!(normalise_recovery_code(" abcde-fghjk "), "ABCDEFGHJK");
    }
}
