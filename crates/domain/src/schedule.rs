//! Weekly time ranges (opening hours, instructors' availability): a weekday (1 = Monday … 7)
//! and a local wall-clock range `HH:MM`–`HH:MM`, interpreted in the school's time zone.

use chrono::{Datelike, NaiveDate, NaiveTime};
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WeeklyRange {
    /// 1 = Monday … 7 = Sunday (ISO 8601).
    pub weekday: u8,
    /// Local time, `HH:MM`.
    pub start: String,
    /// Local time, `HH:MM`, after `start`.
    pub end: String,
}

#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum ScheduleError {
    #[error("Le jour doit être compris entre 1 (lundi) et 7 (dimanche).")]
    Weekday,
    #[error("Heure invalide : format attendu HH:MM.")]
    Time,
    #[error("L'heure de fin doit être après l'heure de début.")]
    Order,
    #[error("Deux plages du même jour se chevauchent.")]
    Overlap,
}

/// Parses `HH:MM` (00:00 to 23:59, and 24:00 for the end of the day).
pub fn parse_hhmm(s: &str) -> Result<NaiveTime, ScheduleError> {
    if s == "24:00" {
        return NaiveTime::from_hms_opt(23, 59, 59).ok_or(ScheduleError::Time);
    }
    if s.len() != 5 {
        return Err(ScheduleError::Time);
    }
    NaiveTime::parse_from_str(s, "%H:%M").map_err(|_| ScheduleError::Time)
}

/// Checks every range and that ranges of one day do not overlap; returns them sorted and with
/// canonical `HH:MM` text. On error, the index of the offending range.
pub fn normalise_week(ranges: &[WeeklyRange]) -> Result<Vec<WeeklyRange>, (usize, ScheduleError)> {
    let mut parsed = Vec::with_capacity(ranges.len());
    for (i, r) in ranges.iter().enumerate() {
        if !(1..=7).contains(&r.weekday) {
            return Err((i, ScheduleError::Weekday));
        }
        let start = parse_hhmm(&r.start).map_err(|e| (i, e))?;
        let end = parse_hhmm(&r.end).map_err(|e| (i, e))?;
        if end <= start {
            return Err((i, ScheduleError::Order));
        }
        parsed.push((r.weekday, start, end, i));
    }
    parsed.sort();
    for pair in parsed.windows(2) {
        if let [a, b] = pair
            && a.0 == b.0
            && b.1 < a.2
        {
            return Err((b.3, ScheduleError::Overlap));
        }
    }
    Ok(parsed
        .into_iter()
        .map(|(weekday, start, end, i)| WeeklyRange {
            weekday,
            start: start.format("%H:%M").to_string(),
            end: ranges.get(i).map(|r| r.end.clone()).unwrap_or_else(|| end.format("%H:%M").to_string()),
        })
        .collect())
}

/// The ranges of a date's weekday as times, in order (unparsable ranges are skipped: stored
/// ranges were checked when written).
pub fn ranges_on(ranges: &[WeeklyRange], date: NaiveDate) -> Vec<(NaiveTime, NaiveTime)> {
    let weekday = date.weekday().number_from_monday();
    let mut day: Vec<(NaiveTime, NaiveTime)> = ranges
        .iter()
        .filter(|r| u32::from(r.weekday) == weekday)
        .filter_map(|r| Some((parse_hhmm(&r.start).ok()?, parse_hhmm(&r.end).ok()?)))
        .collect();
    day.sort();
    day
}

/// Is `[start, end)` inside one of the ranges of this date's weekday?
pub fn covers(ranges: &[WeeklyRange], date: NaiveDate, start: NaiveTime, end: NaiveTime) -> bool {
    ranges_on(ranges, date).into_iter().any(|(s, e)| s <= start && end <= e)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r(weekday: u8, start: &str, end: &str) -> WeeklyRange {
        WeeklyRange { weekday, start: start.into(), end: end.into() }
    }

    #[test]
    fn several_ranges_a_day_are_sorted() {
        let week = normalise_week(&[r(2, "14:00", "18:00"), r(2, "08:00", "12:00"), r(1, "09:00", "17:30")]).unwrap();
        assert_eq!(week, vec![r(1, "09:00", "17:30"), r(2, "08:00", "12:00"), r(2, "14:00", "18:00")]);
    }

    #[test]
    fn touching_ranges_are_fine_overlapping_ones_are_not() {
        assert!(normalise_week(&[r(3, "08:00", "12:00"), r(3, "12:00", "13:00")]).is_ok());
        assert_eq!(normalise_week(&[r(3, "08:00", "12:00"), r(3, "11:00", "13:00")]), Err((1, ScheduleError::Overlap)));
    }

    #[test]
    fn bad_ranges_are_named() {
        assert_eq!(normalise_week(&[r(0, "08:00", "12:00")]), Err((0, ScheduleError::Weekday)));
        assert_eq!(normalise_week(&[r(1, "8h", "12:00")]), Err((0, ScheduleError::Time)));
        assert_eq!(normalise_week(&[r(1, "12:00", "08:00")]), Err((0, ScheduleError::Order)));
        assert!(normalise_week(&[r(7, "20:00", "24:00")]).is_ok());
    }
}
