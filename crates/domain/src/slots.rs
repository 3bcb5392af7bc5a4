//! Free slots and who gets a freed one: the pure half of the smart planning (SPEC § 6.10). The
//! server gathers the week (availability, engagements, windows) and checks every candidate with
//! the planning's own rules before showing it, so a suggestion is never refused when booked.

use std::cmp::Ordering;

use chrono::{DateTime, NaiveTime, Timelike, Utc};

/// A local wall-clock range of one day.
pub type Range = (NaiveTime, NaiveTime);

/// The parts of `a` also in `b` (both sorted, each without overlaps).
pub fn intersect(a: &[Range], b: &[Range]) -> Vec<Range> {
    let mut out = vec![];
    for &(s1, e1) in a {
        for &(s2, e2) in b {
            let (s, e) = (s1.max(s2), e1.min(e2));
            if s < e {
                out.push((s, e));
            }
        }
    }
    out
}

fn minutes_of(t: NaiveTime) -> i64 {
    i64::from(t.num_seconds_from_midnight() / 60)
}

fn time_of(minutes: i64) -> Option<NaiveTime> {
    NaiveTime::from_num_seconds_from_midnight_opt(u32::try_from(minutes * 60).ok()?, 0)
}

/// The start times, on a grid of `step` minutes from midnight, of a `length`-minute slot inside
/// one of the `open` ranges and overlapping none of the `busy` ones.
pub fn free_starts(open: &[Range], busy: &[Range], length: i64, step: i64) -> Vec<NaiveTime> {
    if length <= 0 || step <= 0 {
        return vec![];
    }
    let mut starts = vec![];
    for &(open_start, open_end) in open {
        // A range that ends at 24:00 is stored as 23:59:59: it still holds a slot ending at midnight.
        let end = minutes_of(open_end) + i64::from(open_end.second() > 0);
        let mut t = (minutes_of(open_start) + step - 1) / step * step;
        while t + length <= end {
            let taken = busy.iter().any(|&(b0, b1)| minutes_of(b0) < t + length && t < minutes_of(b1));
            if !taken && let Some(start) = time_of(t) {
                starts.push(start);
            }
            t += step;
        }
    }
    starts
}

/// A student waiting for a freed slot, as the offer order sees them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Waiting {
    /// Their next practical test, if one is booked.
    pub exam_at: Option<DateTime<Utc>>,
    /// When they joined the waitlist.
    pub since: DateTime<Utc>,
}

/// The order in which a freed slot is offered: the nearest practical test first (a student
/// without one after those with one), then the longest wait (SPEC § 6.10).
pub fn offer_order(a: &Waiting, b: &Waiting) -> Ordering {
    let exam = match (a.exam_at, b.exam_at) {
        (Some(x), Some(y)) => x.cmp(&y),
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (None, None) => Ordering::Equal,
    };
    exam.then(a.since.cmp(&b.since))
}

/// The order of suggestions: with the student's referent instructor first, then the soonest.
pub fn suggestion_order(a: (bool, DateTime<Utc>), b: (bool, DateTime<Utc>)) -> Ordering {
    b.0.cmp(&a.0).then(a.1.cmp(&b.1))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> NaiveTime {
        NaiveTime::parse_from_str(s, "%H:%M").unwrap()
    }

    #[test]
    fn free_starts_fit_the_open_ranges_on_the_grid_and_skip_the_busy_times() {
        let open = [(t("08:15"), t("12:00")), (t("14:00"), t("16:00"))];
        let busy = [(t("10:00"), t("11:00"))];
        let starts = free_starts(&open, &busy, 60, 30);
        let shown: Vec<String> = starts.iter().map(|s| s.format("%H:%M").to_string()).collect();
        assert_eq!(shown, ["08:30", "09:00", "11:00", "14:00", "14:30", "15:00"]);
        assert!(free_starts(&open, &busy, 0, 30).is_empty());
        let late = [(t("22:00"), NaiveTime::from_hms_opt(23, 59, 59).unwrap())];
        assert_eq!(free_starts(&late, &[], 120, 60), [t("22:00")]);
    }

    #[test]
    fn ranges_intersect() {
        let a = [(t("08:00"), t("12:00")), (t("14:00"), t("18:00"))];
        let b = [(t("11:00"), t("15:00"))];
        assert_eq!(intersect(&a, &b), [(t("11:00"), t("12:00")), (t("14:00"), t("15:00"))]);
        assert!(intersect(&a, &[]).is_empty());
    }

    #[test]
    fn a_freed_slot_goes_to_the_nearest_exam_first_then_to_the_longest_wait() {
        let at = |d: u32| Some(format!("2027-03-{d:02}T10:00:00Z").parse().unwrap());
        let since = |d: u32| format!("2027-01-{d:02}T10:00:00Z").parse().unwrap();
        let mut waiting = [
            Waiting { exam_at: None, since: since(1) },
            Waiting { exam_at: at(20), since: since(9) },
            Waiting { exam_at: at(10), since: since(10) },
            Waiting { exam_at: None, since: since(2) },
            Waiting { exam_at: at(10), since: since(3) },
        ];
        waiting.sort_by(offer_order);
        let order: Vec<_> = waiting.iter().map(|w| (w.exam_at.is_some(), w.since)).collect();
        assert_eq!(
            order,
            [(true, since(3)), (true, since(10)), (true, since(9)), (false, since(1)), (false, since(2))]
        );
    }

    #[test]
    fn suggestions_put_the_referent_first() {
        let at = |h: u32| format!("2027-03-10T{h:02}:00:00Z").parse().unwrap();
        let mut list = [(false, at(8)), (true, at(15)), (true, at(9))];
        list.sort_by(|a, b| suggestion_order(*a, *b));
        assert_eq!(list, [(true, at(9)), (true, at(15)), (false, at(8))]);
    }
}
