//! The figures of the analytics (definitions in `docs/analytics.md`): rates in basis points,
//! the week an instant falls in, and the French working week an instructor's load is read
//! against. Pure.

/// A share in basis points (10 000 = 100 %), rounded half up; none when nothing was counted.
pub fn rate_bp(part: i64, whole: i64) -> Option<i64> {
    (whole > 0).then(|| (part * 10_000 * 2 + whole) / (whole * 2))
}

/// The legal working week in France (Code du travail, art. L3121-27): an instructor planned
/// beyond it in some week is shown as overbooked.
pub const LEGAL_WEEK_MINUTES: i64 = 35 * 60;

/// Minutes as French decimal hours for a spreadsheet: `90` → `1,50`.
pub fn decimal_hours(minutes: i64) -> String {
    let hundredths = (minutes * 100 * 2 + 60) / 120;
    format!("{},{:02}", hundredths / 100, hundredths % 100)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rates_round_half_up_and_need_something_counted() {
        assert_eq!(rate_bp(1, 3), Some(3_333));
        assert_eq!(rate_bp(2, 3), Some(6_667));
        assert_eq!(rate_bp(0, 0), None);
        assert_eq!(rate_bp(5, 5), Some(10_000));
    }

    #[test]
    fn hours_are_written_the_french_way() {
        assert_eq!(decimal_hours(90), "1,50");
        assert_eq!(decimal_hours(20), "0,33");
        assert_eq!(decimal_hours(0), "0,00");
    }
}
