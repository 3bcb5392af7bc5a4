//! The audit chain: each entry's hash covers the previous hash, the entry's metadata and the
//! SHA-256 of its payload. The payload itself is stored beside the chain, so a GDPR erasure can
//! blank it while the chain still verifies: `hash = sha256(prev_hash || canonical(meta))`.

use chrono::{DateTime, SecondsFormat, Utc};
use serde::Serialize;
use serde_json::Value;
use sha2::{Digest, Sha256};
use uuid::Uuid;

pub type Hash = [u8; 32];

/// The hash before the first entry of a school.
pub const GENESIS: Hash = [0; 32];

/// What the chain covers for one entry (everything but the payload's content).
#[derive(Clone, Debug, PartialEq)]
pub struct EntryMeta {
    pub tenant_id: Uuid,
    pub seq: i64,
    pub id: Uuid,
    pub occurred_at: DateTime<Utc>,
    pub actor_id: Option<Uuid>,
    pub action: String,
    pub entity: String,
    pub entity_id: Option<Uuid>,
    pub request_id: Option<String>,
    pub ip: Option<String>,
    pub payload_hash: Hash,
}

impl EntryMeta {
    /// A stable text for the metadata: fixed field order, explicit nulls, microsecond UTC time
    /// (PostgreSQL's precision, so a stored entry hashes as it did when written).
    pub fn canonical(&self) -> String {
        let (before_seq, after_seq) = self.canonical_around_seq();
        format!("{before_seq}{}{after_seq}", self.seq)
    }

    /// The canonical text without its sequence number, as the two texts around it: the database
    /// appends an entry in one statement, numbering it and hashing
    /// `prev || before_seq || seq || after_seq` under the school's chain head.
    pub fn canonical_around_seq(&self) -> (String, String) {
        let opt = |v: Option<String>| v.unwrap_or_else(|| "-".to_owned());
        let after = [
            String::new(),
            self.id.to_string(),
            self.occurred_at.to_rfc3339_opts(SecondsFormat::Micros, true),
            opt(self.actor_id.map(|u| u.to_string())),
            escape(&self.action),
            escape(&self.entity),
            opt(self.entity_id.map(|u| u.to_string())),
            opt(self.request_id.as_deref().map(escape)),
            opt(self.ip.as_deref().map(escape)),
            hex::encode(self.payload_hash),
        ]
        .join("|");
        (format!("{}|", self.tenant_id), after)
    }
}

/// `|` separates fields; escape it (and the escape) inside free text.
fn escape(s: &str) -> String {
    s.replace('\\', "\\\\").replace('|', "\\|")
}

/// The next link of the chain.
pub fn chain_hash(prev: &Hash, meta: &EntryMeta) -> Hash {
    let mut h = Sha256::new();
    h.update(prev);
    h.update(meta.canonical().as_bytes());
    h.finalize().into()
}

/// The audit payload: the state before and after the change.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Payload {
    pub before: Option<Value>,
    pub after: Option<Value>,
}

impl Payload {
    /// SHA-256 of the payload in canonical JSON (keys sorted, no spaces).
    pub fn hash(&self) -> Hash {
        let mut text = String::new();
        canonical_json(&serde_json::json!({ "before": self.before, "after": self.after }), &mut text);
        Sha256::digest(text.as_bytes()).into()
    }
}

/// Canonical JSON: object keys sorted, no insignificant white space, whatever map order the
/// `serde_json` build uses.
pub fn canonical_json(value: &Value, out: &mut String) {
    match value {
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            out.push('{');
            for (i, k) in keys.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&Value::String((*k).clone()).to_string());
                out.push(':');
                if let Some(v) = map.get(*k) {
                    canonical_json(v, out);
                }
            }
            out.push('}');
        }
        Value::Array(items) => {
            out.push('[');
            for (i, v) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                canonical_json(v, out);
            }
            out.push(']');
        }
        other => out.push_str(&other.to_string()),
    }
}

/// A stored entry as read back for verification.
#[derive(Clone, Debug)]
pub struct StoredEntry {
    pub meta: EntryMeta,
    pub hash: Hash,
    /// `None` when the payload was erased (GDPR): the chain keeps its hash.
    pub payload: Option<Payload>,
}

/// The answer of a verification.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Verification {
    pub ok: bool,
    pub checked: u64,
    /// The sequence number of the first entry that does not verify.
    pub first_broken: Option<i64>,
}

/// Walks a school's entries in sequence order, with the head the school recorded last.
pub struct Verifier {
    prev: Hash,
    expected_seq: i64,
    checked: u64,
    first_broken: Option<i64>,
}

impl Default for Verifier {
    fn default() -> Self {
        Verifier { prev: GENESIS, expected_seq: 1, checked: 0, first_broken: None }
    }
}

impl Verifier {
    /// Checks one entry: no gap in the sequence, the hash links to the previous one, and the
    /// payload (unless erased) still has the hash the chain recorded.
    pub fn push(&mut self, entry: &StoredEntry) {
        if self.first_broken.is_some() {
            return;
        }
        self.checked += 1;
        let payload_ok = entry.payload.as_ref().is_none_or(|p| p.hash() == entry.meta.payload_hash);
        let linked = chain_hash(&self.prev, &entry.meta) == entry.hash;
        if entry.meta.seq != self.expected_seq || !linked || !payload_ok {
            self.first_broken = Some(entry.meta.seq.min(self.expected_seq));
            return;
        }
        self.prev = entry.hash;
        self.expected_seq += 1;
    }

    /// Ends the walk against the recorded head (catches deleted trailing entries).
    pub fn finish(mut self, head: Option<(i64, Hash)>) -> Verification {
        if self.first_broken.is_none() {
            let (head_seq, head_hash) = head.unwrap_or((0, GENESIS));
            if head_seq != self.expected_seq - 1 || head_hash != self.prev {
                self.first_broken = Some(self.expected_seq);
            }
        }
        Verification { ok: self.first_broken.is_none(), checked: self.checked, first_broken: self.first_broken }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use serde_json::json;

    #[test]
    fn the_texts_around_the_sequence_number_rebuild_the_canonical_text() {
        let meta = &chain(3)[2].meta;
        let (before, after) = meta.canonical_around_seq();
        assert_eq!(format!("{before}{}{after}", meta.seq), meta.canonical());
        assert!(before.ends_with('|') && after.starts_with('|'));
    }

    fn chain(n: i64) -> Vec<StoredEntry> {
        let tenant = Uuid::nil();
        let mut prev = GENESIS;
        (1..=n)
            .map(|seq| {
                let payload = Payload { before: None, after: Some(json!({"n": seq, "nom": "Ménard|x"})) };
                let meta = EntryMeta {
                    tenant_id: tenant,
                    seq,
                    id: Uuid::from_u128(seq as u128),
                    occurred_at: Utc.with_ymd_and_hms(2026, 3, 29, 1, 30, 0).unwrap(),
                    actor_id: None,
                    action: "student.create".into(),
                    entity: "student".into(),
                    entity_id: Some(Uuid::from_u128(7)),
                    request_id: Some("r-1".into()),
                    ip: None,
                    payload_hash: payload.hash(),
                };
                let hash = chain_hash(&prev, &meta);
                prev = hash;
                StoredEntry { meta, hash, payload: Some(payload) }
            })
            .collect()
    }

    fn verify(entries: &[StoredEntry]) -> Verification {
        let mut v = Verifier::default();
        entries.iter().for_each(|e| v.push(e));
        let head = entries.last().map(|e| (e.meta.seq, e.hash));
        v.finish(head)
    }

    #[test]
    fn an_untouched_chain_verifies() {
        assert_eq!(verify(&chain(5)), Verification { ok: true, checked: 5, first_broken: None });
    }

    #[test]
    fn an_edited_payload_is_named() {
        let mut c = chain(5);
        c[2].payload = Some(Payload { before: None, after: Some(json!({"n": 99})) });
        assert_eq!(verify(&c).first_broken, Some(3));
    }

    #[test]
    fn edited_metadata_is_named() {
        let mut c = chain(5);
        c[1].meta.action = "student.erase".into();
        assert_eq!(verify(&c).first_broken, Some(2));
    }

    #[test]
    fn a_deleted_entry_is_named() {
        let mut c = chain(5);
        c.remove(3);
        assert_eq!(verify(&c).first_broken, Some(4));
    }

    #[test]
    fn a_deleted_last_entry_is_caught_by_the_head() {
        let c = chain(5);
        let head = Some((5, c[4].hash));
        let mut v = Verifier::default();
        c[..4].iter().for_each(|e| v.push(e));
        assert_eq!(v.finish(head).first_broken, Some(5));
    }

    #[test]
    fn an_erased_payload_still_verifies() {
        let mut c = chain(3);
        c[1].payload = None;
        assert!(verify(&c).ok);
    }

    #[test]
    fn canonical_json_sorts_keys() {
        let mut out = String::new();
        canonical_json(&json!({"b": [1, {"d": null, "c": "é"}], "a": true}), &mut out);
        assert_eq!(out, r#"{"a":true,"b":[1,{"c":"é","d":null}]}"#);
    }
}
