//! Lesson series: a subset of RFC 5545 RRULE (FREQ=DAILY|WEEKLY, INTERVAL, BYDAY, COUNT ≤ 200 or
//! UNTIL within 18 months), expanded in the school's time zone so that 10:00 stays 10:00 across
//! daylight-saving changes.

use chrono::{DateTime, Datelike, Duration, LocalResult, Months, NaiveDate, NaiveDateTime, TimeZone, Utc, Weekday};
use chrono_tz::Tz;

pub const MAX_COUNT: u32 = 200;
pub const MAX_MONTHS: u32 = 18;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Freq {
    Daily,
    Weekly,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rule {
    pub freq: Freq,
    pub interval: u32,
    pub by_day: Vec<Weekday>,
    pub count: Option<u32>,
    pub until: Option<NaiveDate>,
}

#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum RuleError {
    #[error("Règle de récurrence invalide : {0}.")]
    Invalid(String),
    #[error("Une série compte au plus 200 séances.")]
    TooMany,
    #[error("Une série s'arrête au plus tard 18 mois après son début.")]
    TooLong,
    #[error("Indiquez un nombre de séances (COUNT) ou une date de fin (UNTIL).")]
    Unbounded,
}

fn weekday(code: &str) -> Option<Weekday> {
    Some(match code {
        "MO" => Weekday::Mon,
        "TU" => Weekday::Tue,
        "WE" => Weekday::Wed,
        "TH" => Weekday::Thu,
        "FR" => Weekday::Fri,
        "SA" => Weekday::Sat,
        "SU" => Weekday::Sun,
        _ => return None,
    })
}

/// Parses `FREQ=WEEKLY;INTERVAL=1;BYDAY=TU,TH;COUNT=10` (an optional `RRULE:` prefix is allowed).
pub fn parse(text: &str) -> Result<Rule, RuleError> {
    let invalid = |m: &str| RuleError::Invalid(m.to_owned());
    let body = text.trim().trim_start_matches("RRULE:");
    let mut rule = Rule { freq: Freq::Weekly, interval: 1, by_day: vec![], count: None, until: None };
    let mut freq = None;
    for part in body.split(';').filter(|p| !p.is_empty()) {
        let (k, v) = part.split_once('=').ok_or_else(|| invalid(part))?;
        match k {
            "FREQ" => {
                freq = Some(match v {
                    "DAILY" => Freq::Daily,
                    "WEEKLY" => Freq::Weekly,
                    _ => return Err(invalid("seules les fréquences DAILY et WEEKLY sont prises en charge")),
                })
            }
            "INTERVAL" => {
                rule.interval = v.parse().ok().filter(|n| (1..=52).contains(n)).ok_or_else(|| invalid("INTERVAL"))?
            }
            "COUNT" => rule.count = Some(v.parse().map_err(|_| invalid("COUNT"))?),
            "UNTIL" => {
                let date = v.get(..8).ok_or_else(|| invalid("UNTIL"))?;
                rule.until = Some(NaiveDate::parse_from_str(date, "%Y%m%d").map_err(|_| invalid("UNTIL"))?);
            }
            "BYDAY" => {
                rule.by_day =
                    v.split(',').map(|d| weekday(d).ok_or_else(|| invalid("BYDAY"))).collect::<Result<_, _>>()?
            }
            "WKST" => {}
            other => return Err(invalid(other)),
        }
    }
    rule.freq = freq.ok_or_else(|| invalid("FREQ manquant"))?;
    match (rule.count, rule.until) {
        (None, None) => return Err(RuleError::Unbounded),
        (Some(c), _) if c == 0 || c > MAX_COUNT => return Err(RuleError::TooMany),
        _ => {}
    }
    Ok(rule)
}

/// The local instant in the zone; a time that does not exist (spring forward) moves to after
/// the gap, an ambiguous one (fall back) takes the first.
pub fn local_to_utc(tz: Tz, local: NaiveDateTime) -> DateTime<Utc> {
    match tz.from_local_datetime(&local) {
        LocalResult::Single(t) | LocalResult::Ambiguous(t, _) => t.with_timezone(&Utc),
        LocalResult::None => local_to_utc(tz, local + Duration::hours(1)),
    }
}

/// The occurrences' local starts, from `start` (the first occurrence when it matches the rule).
/// `skip` drops days (holidays, closures) without counting them; it returns the skipped days too.
pub fn expand(
    rule: &Rule,
    start: NaiveDateTime,
    skip: impl Fn(NaiveDate) -> bool,
) -> Result<(Vec<NaiveDateTime>, Vec<NaiveDate>), RuleError> {
    let limit = start.date().checked_add_months(Months::new(MAX_MONTHS)).unwrap_or(start.date());
    if rule.until.is_some_and(|u| u > limit) {
        return Err(RuleError::TooLong);
    }
    let end = rule.until.unwrap_or(limit).min(limit);
    let days: Vec<Weekday> = if rule.by_day.is_empty() { vec![start.weekday()] } else { rule.by_day.clone() };
    let week_start = start.date() - Duration::days(i64::from(start.weekday().num_days_from_monday()));
    let (mut out, mut skipped) = (vec![], vec![]);
    let mut day = start.date();
    while day <= end {
        let matches = match rule.freq {
            Freq::Daily => (day - start.date()).num_days() % i64::from(rule.interval) == 0,
            Freq::Weekly => {
                let week = (day - week_start).num_days() / 7;
                week % i64::from(rule.interval) == 0 && days.contains(&day.weekday())
            }
        };
        if matches {
            if skip(day) {
                skipped.push(day);
            } else {
                out.push(day.and_time(start.time()));
                if rule.count.is_some_and(|c| out.len() >= c as usize) {
                    break;
                }
            }
        }
        day += Duration::days(1);
    }
    Ok((out, skipped))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono_tz::Europe::Paris;

    fn at(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap()
    }

    #[test]
    fn parses_the_subset_and_refuses_the_rest() {
        let r = parse("RRULE:FREQ=WEEKLY;INTERVAL=2;BYDAY=TU,TH;COUNT=10").unwrap();
        assert_eq!((r.freq, r.interval, r.by_day.len(), r.count), (Freq::Weekly, 2, 2, Some(10)));
        assert_eq!(
            parse("FREQ=MONTHLY;COUNT=3").unwrap_err(),
            RuleError::Invalid("seules les fréquences DAILY et WEEKLY sont prises en charge".into())
        );
        assert_eq!(parse("FREQ=WEEKLY"), Err(RuleError::Unbounded));
        assert_eq!(parse("FREQ=DAILY;COUNT=201"), Err(RuleError::TooMany));
        assert!(parse("FREQ=DAILY;BYSETPOS=1;COUNT=2").is_err());
    }

    #[test]
    fn ten_o_clock_stays_ten_o_clock_across_both_changes() {
        // Weekly on Saturdays from 21 March 2026 (UTC+1) across 29 March (UTC+2) and 25 October (UTC+1).
        let rule = parse("FREQ=WEEKLY;UNTIL=20261031").unwrap();
        let (starts, _) = expand(&rule, at("2026-03-21 10:00"), |_| false).unwrap();
        let utc: Vec<String> =
            starts.iter().map(|s| local_to_utc(Paris, *s).format("%m-%d %H:%M").to_string()).collect();
        assert_eq!(utc[0], "03-21 09:00");
        assert_eq!(utc[1], "03-28 09:00");
        assert_eq!(utc[2], "04-04 08:00");
        assert!(utc.contains(&"10-24 08:00".to_owned()));
        assert_eq!(utc.last().unwrap(), "10-31 09:00");
    }

    #[test]
    fn holidays_are_skipped_and_not_counted() {
        let rule = parse("FREQ=WEEKLY;BYDAY=MO;COUNT=3").unwrap();
        let easter_monday = NaiveDate::from_ymd_opt(2027, 3, 29).unwrap();
        let (starts, skipped) = expand(&rule, at("2027-03-22 14:00"), |d| d == easter_monday).unwrap();
        assert_eq!(starts, vec![at("2027-03-22 14:00"), at("2027-04-05 14:00"), at("2027-04-12 14:00")]);
        assert_eq!(skipped, vec![easter_monday]);
    }

    #[test]
    fn interval_and_limits() {
        let (starts, _) =
            expand(&parse("FREQ=DAILY;INTERVAL=3;COUNT=3").unwrap(), at("2027-01-01 08:00"), |_| false).unwrap();
        assert_eq!(starts, vec![at("2027-01-01 08:00"), at("2027-01-04 08:00"), at("2027-01-07 08:00")]);
        assert_eq!(
            expand(&parse("FREQ=DAILY;UNTIL=20290101").unwrap(), at("2027-01-01 08:00"), |_| false),
            Err(RuleError::TooLong)
        );
    }

    #[test]
    fn a_missing_local_time_moves_after_the_gap() {
        assert_eq!(local_to_utc(Paris, at("2026-03-29 02:30")).format("%H:%M").to_string(), "01:30");
    }
}
