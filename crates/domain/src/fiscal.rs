//! The inalterability of the records of the tax code (CGI art. 286 I 3° bis): every invoice,
//! credit note, payment and refund joins its school's fiscal chain when it is written. A link
//! holds the record's place (`seq`, from 1, without gaps) and `sha256(previous link ‖ seq ‖
//! record)`, where `record` is the record's canonical text. A record changed afterwards no longer
//! gives its link's hash; a record removed leaves its link without a record; a link removed breaks
//! the sequence; a record written around the chain has no link.

use chrono::{Datelike, NaiveDate};
use serde::Serialize;
use sha2::{Digest, Sha256};

pub type Hash = [u8; 32];
pub const GENESIS: Hash = [0; 32];

/// The link of `record` at `seq` after `prev`.
pub fn link(prev: &Hash, seq: i64, record: &str) -> Hash {
    let mut h = Sha256::new();
    h.update(prev);
    h.update(seq.to_string().as_bytes());
    h.update(b"|");
    h.update(record.as_bytes());
    h.finalize().into()
}

/// `|` separates fields; escaped inside free text.
pub fn field(s: &str) -> String {
    s.replace('\\', "\\\\").replace('|', "\\|")
}

/// A stored link, with the canonical text of its record as the tables hold it now (`None` when
/// the record is gone).
pub struct StoredLink {
    pub seq: i64,
    pub kind: String,
    pub record_id: uuid::Uuid,
    pub hash: Hash,
    pub record: Option<String>,
}

/// Where a chain stops verifying, and why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Break {
    pub seq: i64,
    pub kind: String,
    pub record_id: uuid::Uuid,
    /// `altered` (the record no longer gives its hash), `missing` (the record is gone), `gap`
    /// (a link is missing before this one).
    pub problem: String,
}

/// Walks the links in `seq` order; the first that does not verify, if any.
pub fn first_break(links: &[StoredLink]) -> Option<Break> {
    let mut prev = GENESIS;
    for (expected, l) in (1..).zip(links) {
        let broken = |problem: &str| {
            Some(Break { seq: l.seq, kind: l.kind.clone(), record_id: l.record_id, problem: problem.to_owned() })
        };
        if l.seq != expected {
            return broken("gap");
        }
        let Some(record) = &l.record else { return broken("missing") };
        if link(&prev, l.seq, record) != l.hash {
            return broken("altered");
        }
        prev = l.hash;
    }
    None
}

/// The periods a closure covers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Period {
    Day,
    Month,
    Year,
}

/// The most days one pass closes: a long downtime is caught up over several passes.
pub const MAX_DAYS_PER_PASS: usize = 400;

/// What is due for closing, in order, before `today` (school time): every day from `from`, each
/// month and year as soon as its last day is closed.
pub fn periods_to_close(from: NaiveDate, today: NaiveDate) -> Vec<(Period, NaiveDate, NaiveDate)> {
    let mut out = vec![];
    let mut day = from;
    let mut days = 0;
    while day < today && days < MAX_DAYS_PER_PASS {
        out.push((Period::Day, day, day));
        let Some(next) = day.succ_opt() else { break };
        if next.month() != day.month() {
            out.push((Period::Month, day.with_day(1).unwrap_or(day), day));
        }
        if next.year() != day.year() {
            out.push((Period::Year, day.with_ordinal(1).unwrap_or(day), day));
        }
        day = next;
        days += 1;
    }
    out
}

/// The next closure's hash: chained to the previous one over its canonical text.
pub fn closure_hash(prev: &Hash, text: &str) -> Hash {
    let mut h = Sha256::new();
    h.update(prev);
    h.update(text.as_bytes());
    h.finalize().into()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chain(records: &[&str]) -> Vec<StoredLink> {
        let mut prev = GENESIS;
        let mut out = vec![];
        for (seq, r) in (1..).zip(records) {
            let hash = link(&prev, seq, r);
            out.push(StoredLink {
                seq,
                kind: "payment".into(),
                record_id: uuid::Uuid::nil(),
                hash,
                record: Some((*r).into()),
            });
            prev = hash;
        }
        out
    }

    #[test]
    fn an_untouched_chain_verifies() {
        assert_eq!(first_break(&chain(&["a", "b", "c"])), None);
        assert_eq!(first_break(&[]), None);
    }

    #[test]
    fn an_altered_a_missing_record_and_a_gap_are_named() {
        let mut altered = chain(&["a", "b", "c"]);
        altered[1].record = Some("b'".into());
        assert_eq!(first_break(&altered).map(|b| (b.seq, b.problem)), Some((2, "altered".into())));
        let mut missing = chain(&["a", "b", "c"]);
        missing[2].record = None;
        assert_eq!(first_break(&missing).map(|b| (b.seq, b.problem)), Some((3, "missing".into())));
        let mut gap = chain(&["a", "b", "c"]);
        gap.remove(1);
        assert_eq!(first_break(&gap).map(|b| (b.seq, b.problem)), Some((3, "gap".into())));
    }

    #[test]
    fn a_field_cannot_pose_as_a_separator() {
        assert_eq!(field("a|b"), "a\\|b");
        assert_ne!(field("a|b"), format!("{}|{}", field("a"), field("b")));
    }

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn days_then_their_month_and_year_are_due_once_complete() {
        assert!(periods_to_close(d(2026, 12, 6), d(2026, 12, 6)).is_empty(), "today is not over");
        assert_eq!(periods_to_close(d(2026, 12, 5), d(2026, 12, 6)), [(Period::Day, d(2026, 12, 5), d(2026, 12, 5))]);
        let due = periods_to_close(d(2026, 12, 30), d(2027, 1, 2));
        assert_eq!(
            due,
            [
                (Period::Day, d(2026, 12, 30), d(2026, 12, 30)),
                (Period::Day, d(2026, 12, 31), d(2026, 12, 31)),
                (Period::Month, d(2026, 12, 1), d(2026, 12, 31)),
                (Period::Year, d(2026, 1, 1), d(2026, 12, 31)),
                (Period::Day, d(2027, 1, 1), d(2027, 1, 1)),
            ]
        );
        assert_eq!(periods_to_close(d(2020, 1, 1), d(2026, 1, 1)).iter().filter(|p| p.0 == Period::Day).count(), 400);
    }
}
