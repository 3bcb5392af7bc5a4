//! iCalendar (RFC 5545), both ways. The writer makes the feed a school, an instructor or a student
//! subscribes to in their own calendar app. The reader takes the busy times out of an instructor's
//! personal calendar (a subscription address or an uploaded file), so that lessons are not planned
//! over them. Only what those two uses need: the writer emits one time zone and plain events; the
//! reader keeps start, end and title, and expands the simple repetitions (daily, weekly) personal
//! calendars are made of.

use std::collections::VecDeque;

use chrono::{DateTime, Datelike, Days, FixedOffset, Months, NaiveDate, NaiveDateTime, NaiveTime, Offset, TimeDelta};
use chrono::{TimeZone, Utc, Weekday};
use chrono_tz::{OffsetName, Tz, TzOffset};

use crate::recurrence::local_to_utc;

/// Octets of a content line, line break excluded (RFC 5545 § 3.1).
const MAX_LINE_OCTETS: usize = 75;
/// Year the VTIMEZONE observances start in, as most producers write: every event of a feed, past
/// ones included, falls after it.
const EPOCH_YEAR: i32 = 1970;
/// Year whose offsets describe the zone when a calendar has no event to take the year from.
const RULES_YEAR_WITHOUT_EVENTS: i32 = 2026;
/// Occurrences kept per repeating event (the latest ones before the horizon).
pub const MAX_OCCURRENCES: usize = 1000;
/// Periods (days or weeks) a repetition is walked through at most: bounds the work on a rule that
/// starts centuries before its horizon.
const MAX_PERIODS: u64 = 100_000;

const LOCAL_FORMAT: &str = "%Y%m%dT%H%M%S";
const UTC_FORMAT: &str = "%Y%m%dT%H%M%SZ";

// ---------------------------------------------------------------------------------------------
// Writer
// ---------------------------------------------------------------------------------------------

/// A calendar to publish. All its events are written in one zone, the school's, so that apps show
/// a lesson at the school's wall-clock time even on a phone set to another zone.
#[derive(Clone, Debug)]
pub struct Calendar<'a> {
    /// The name apps give the subscription (X-WR-CALNAME).
    pub name: &'a str,
    pub tz: Tz,
    pub events: Vec<Event>,
    /// Who produced the file (PRODID), e.g. `-//Volant//Planning//FR`.
    pub prod_id: &'a str,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EventStatus {
    Confirmed,
    Cancelled,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Event {
    /// Stable across updates: apps replace the event that has the same UID.
    pub uid: String,
    /// Raised at each change that matters to attendees, so that apps take the new version.
    pub sequence: u32,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub summary: String,
    pub description: Option<String>,
    pub location: Option<String>,
    /// A cancelled lesson stays in the feed as CANCELLED: apps that already show it then remove it.
    pub status: EventStatus,
    pub last_modified: DateTime<Utc>,
}

/// The calendar as `.ics` text: CRLF line ends, lines folded at 75 octets, times written in the
/// calendar's zone (`DTSTART;TZID=…`) with that zone's VTIMEZONE.
///
/// DTSTAMP is the event's last modification rather than the time of writing: the same planning
/// gives the same bytes, so the feed can be cached and compared by its hash.
pub fn write(cal: &Calendar) -> String {
    let mut lines = vec![
        "BEGIN:VCALENDAR".to_owned(),
        "VERSION:2.0".to_owned(),
        format!("PRODID:{}", escape(cal.prod_id)),
        "CALSCALE:GREGORIAN".to_owned(),
        "METHOD:PUBLISH".to_owned(),
        format!("X-WR-CALNAME:{}", escape(cal.name)),
        format!("X-WR-TIMEZONE:{}", cal.tz.name()),
    ];
    lines.extend(vtimezone(cal.tz, rules_year(cal)));
    for event in &cal.events {
        lines.extend(vevent(event, cal.tz));
    }
    lines.push("END:VCALENDAR".to_owned());
    lines.iter().map(|line| fold(line)).collect()
}

fn vevent(event: &Event, tz: Tz) -> Vec<String> {
    let local = |t: DateTime<Utc>| t.with_timezone(&tz).format(LOCAL_FORMAT).to_string();
    let mut lines = vec![
        "BEGIN:VEVENT".to_owned(),
        format!("UID:{}", escape(&event.uid)),
        format!("DTSTAMP:{}", event.last_modified.format(UTC_FORMAT)),
        format!("DTSTART;TZID={}:{}", tz.name(), local(event.starts_at)),
        format!("DTEND;TZID={}:{}", tz.name(), local(event.ends_at)),
        format!("SUMMARY:{}", escape(&event.summary)),
    ];
    if let Some(description) = &event.description {
        lines.push(format!("DESCRIPTION:{}", escape(description)));
    }
    if let Some(location) = &event.location {
        lines.push(format!("LOCATION:{}", escape(location)));
    }
    let status = match event.status {
        EventStatus::Confirmed => "CONFIRMED",
        EventStatus::Cancelled => "CANCELLED",
    };
    lines.push(format!("STATUS:{status}"));
    lines.push(format!("SEQUENCE:{}", event.sequence));
    lines.push(format!("LAST-MODIFIED:{}", event.last_modified.format(UTC_FORMAT)));
    lines.push("END:VEVENT".to_owned());
    lines
}

/// A TEXT value (RFC 5545 § 3.3.11): backslash, semicolon and comma escaped, line breaks written
/// `\n`. Other control characters are not allowed in a content line and are dropped.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            // CRLF is one line break, written once (by the '\n' that follows).
            '\r' if chars.peek() == Some(&'\n') => {}
            '\r' => out.push_str("\\n"),
            '\t' => out.push('\t'),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// A content line cut into lines of at most 75 octets, each ended by CRLF (RFC 5545 § 3.1). Cuts
/// fall between characters, never inside one, so that each line stays valid UTF-8; continuation
/// lines start with a space, which readers remove.
fn fold(line: &str) -> String {
    let mut out = String::with_capacity(line.len() + line.len() / 36 + 2);
    let mut width = 0;
    for c in line.chars() {
        if width + c.len_utf8() > MAX_LINE_OCTETS {
            out.push_str("\r\n ");
            width = 1;
        }
        out.push(c);
        width += c.len_utf8();
    }
    out.push_str("\r\n");
    out
}

/// The year whose rules describe the zone: the first event's, so that rules in force when the feed
/// begins are the ones written.
fn rules_year(cal: &Calendar) -> i32 {
    cal.events.iter().map(|e| e.starts_at.with_timezone(&cal.tz).year()).min().unwrap_or(RULES_YEAR_WITHOUT_EVENTS)
}

/// The VTIMEZONE apps need to place `TZID=` times, generated from the time-zone database.
///
/// A zone whose offsets differ between January and July has summer time: a STANDARD and a
/// DAYLIGHT observance, from `year`'s actual changes. Their yearly rule assumes the change falls on
/// "the last (or nth) Sunday of a month at a fixed wall-clock time", which is the European rule
/// (metropolitan France: last Sunday of March and of October) and also covers North America's
/// (Saint-Pierre-et-Miquelon: second Sunday of March, first of November). A zone without summer
/// time (Guyane, La Réunion, Nouvelle-Calédonie…) gets a single STANDARD with its fixed offset.
fn vtimezone(tz: Tz, year: i32) -> Vec<String> {
    let mut lines = vec!["BEGIN:VTIMEZONE".to_owned(), format!("TZID:{}", tz.name())];
    match summer_time_changes(tz, year) {
        Some(changes) => changes.iter().for_each(|change| lines.extend(observance(change))),
        None => lines.extend(fixed_observance(tz, year)),
    }
    lines.push("END:VTIMEZONE".to_owned());
    lines
}

/// A change of offset: the wall-clock time it happens at (read in the offset before it), the
/// offsets on either side and the abbreviation after it.
struct Change {
    wall: NaiveDateTime,
    from: FixedOffset,
    to: FixedOffset,
    name: Option<String>,
}

/// The year's two changes of offset, when the zone has summer time (its offsets in January and
/// July differ); each half-year is searched for the instant its offset changes.
fn summer_time_changes(tz: Tz, year: i32) -> Option<[Change; 2]> {
    let (january, july, next_january) =
        (first_of_month(year, 1)?, first_of_month(year, 7)?, first_of_month(year + 1, 1)?);
    if offset_at(tz, january)?.fix() == offset_at(tz, july)?.fix() {
        return None;
    }
    Some([change_at(tz, change_between(tz, january, july)?)?, change_at(tz, change_between(tz, july, next_january)?)?])
}

/// Unix seconds at 00:00 UTC on the first of a month.
fn first_of_month(year: i32, month: u32) -> Option<i64> {
    Some(NaiveDate::from_ymd_opt(year, month, 1)?.and_time(NaiveTime::MIN).and_utc().timestamp())
}

fn offset_at(tz: Tz, unix: i64) -> Option<TzOffset> {
    DateTime::from_timestamp(unix, 0).map(|t| tz.offset_from_utc_datetime(&t.naive_utc()))
}

/// The first second in `(low, high]` with another offset than `low`'s, by bisection (offsets
/// change on whole seconds).
fn change_between(tz: Tz, mut low: i64, mut high: i64) -> Option<i64> {
    let before = offset_at(tz, low)?.fix();
    if offset_at(tz, high)?.fix() == before {
        return None;
    }
    while high - low > 1 {
        let middle = low + (high - low) / 2;
        if offset_at(tz, middle)?.fix() == before {
            low = middle;
        } else {
            high = middle;
        }
    }
    Some(high)
}

fn change_at(tz: Tz, unix: i64) -> Option<Change> {
    let from = offset_at(tz, unix - 1)?.fix();
    let after = offset_at(tz, unix)?;
    let wall = DateTime::from_timestamp(unix, 0)?.with_timezone(&from).naive_local();
    Some(Change { wall, from, to: after.fix(), name: after.abbreviation().map(str::to_owned) })
}

/// A STANDARD or DAYLIGHT observance repeating `change` yearly, starting in 1970.
fn observance(change: &Change) -> Vec<String> {
    let kind = if change.to.local_minus_utc() > change.from.local_minus_utc() { "DAYLIGHT" } else { "STANDARD" };
    let date = change.wall.date();
    let week = week_of_month(date);
    let first = nth_weekday(EPOCH_YEAR, date.month(), date.weekday(), week).unwrap_or(date);
    let mut lines = vec![
        format!("BEGIN:{kind}"),
        format!("DTSTART:{}", first.and_time(change.wall.time()).format(LOCAL_FORMAT)),
        format!("TZOFFSETFROM:{}", utc_offset(change.from)),
        format!("TZOFFSETTO:{}", utc_offset(change.to)),
    ];
    if let Some(name) = &change.name {
        lines.push(format!("TZNAME:{}", escape(name)));
    }
    lines.push(format!("RRULE:FREQ=YEARLY;BYMONTH={};BYDAY={week}{}", date.month(), weekday_code(date.weekday())));
    lines.push(format!("END:{kind}"));
    lines
}

/// The single observance of a zone without summer time.
fn fixed_observance(tz: Tz, year: i32) -> Vec<String> {
    let offset = first_of_month(year, 1).and_then(|t| offset_at(tz, t));
    let fixed = offset.as_ref().map_or(Utc.fix(), Offset::fix);
    let mut lines = vec![
        "BEGIN:STANDARD".to_owned(),
        format!("DTSTART:{EPOCH_YEAR}0101T000000"),
        format!("TZOFFSETFROM:{}", utc_offset(fixed)),
        format!("TZOFFSETTO:{}", utc_offset(fixed)),
    ];
    if let Some(name) = offset.as_ref().and_then(OffsetName::abbreviation) {
        lines.push(format!("TZNAME:{}", escape(name)));
    }
    lines.push("END:STANDARD".to_owned());
    lines
}

/// `+0200`, `-0300` (seconds only when there are some).
fn utc_offset(offset: FixedOffset) -> String {
    let secs = offset.local_minus_utc();
    let sign = if secs < 0 { '-' } else { '+' };
    let secs = secs.unsigned_abs();
    let (hours, minutes, seconds) = (secs / 3600, secs / 60 % 60, secs % 60);
    if seconds == 0 {
        format!("{sign}{hours:02}{minutes:02}")
    } else {
        format!("{sign}{hours:02}{minutes:02}{seconds:02}")
    }
}

/// The position of a day among the same weekdays of its month, as BYDAY writes it: -1 when it is
/// the last one (the European rule), else 1 to 4.
fn week_of_month(date: NaiveDate) -> i32 {
    let last_day = last_of_month(date.year(), date.month()).map_or(31, |d| d.day());
    if date.day() + 7 > last_day { -1 } else { ((date.day() - 1) / 7 + 1) as i32 }
}

fn last_of_month(year: i32, month: u32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(year, month, 1)?.checked_add_months(Months::new(1))?.pred_opt()
}

/// The `n`th `weekday` of a month, or the last one for -1.
fn nth_weekday(year: i32, month: u32, weekday: Weekday, n: i32) -> Option<NaiveDate> {
    if n > 0 {
        return NaiveDate::from_weekday_of_month_opt(year, month, weekday, u8::try_from(n).ok()?);
    }
    let last = last_of_month(year, month)?;
    let back = (7 + last.weekday().num_days_from_monday() - weekday.num_days_from_monday()) % 7;
    last.checked_sub_days(Days::new(u64::from(back)))
}

fn weekday_code(day: Weekday) -> &'static str {
    match day {
        Weekday::Mon => "MO",
        Weekday::Tue => "TU",
        Weekday::Wed => "WE",
        Weekday::Thu => "TH",
        Weekday::Fri => "FR",
        Weekday::Sat => "SA",
        Weekday::Sun => "SU",
    }
}

// ---------------------------------------------------------------------------------------------
// Reader
// ---------------------------------------------------------------------------------------------

/// A time an instructor is not available, from their own calendar.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Busy {
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub summary: Option<String>,
}

/// Why a calendar could not be read, in words the person who imports it understands.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum IcsError {
    #[error("Ce fichier n'est pas un calendrier iCalendar (BEGIN:VCALENDAR manquant).")]
    NotCalendar,
    #[error("Le calendrier est incomplet (END:VCALENDAR manquant) : le fichier a peut-être été coupé.")]
    Truncated,
    #[error("Structure du calendrier incorrecte à la ligne {line} : « {text} » ne ferme pas le bloc en cours.")]
    Structure { line: usize, text: String },
    #[error("Ligne illisible à la ligne {line} : « {text} ».")]
    BadLine { line: usize, text: String },
    #[error("Date illisible à la ligne {line} : « {value} ».")]
    BadDate { line: usize, value: String },
    #[error("Durée illisible à la ligne {line} : « {value} ».")]
    BadDuration { line: usize, value: String },
    #[error("Règle de répétition illisible à la ligne {line} : « {value} ».")]
    BadRule { line: usize, value: String },
    #[error("Événement sans date de début (DTSTART) à la ligne {line}.")]
    MissingStart { line: usize },
}

/// The busy times of a calendar that start before `horizon`, in order.
///
/// Times are read as RFC 5545 writes them: UTC (`…Z`), in a named zone (`TZID=`; a name the
/// time-zone database does not know, such as Outlook's "Romance Standard Time", is read in
/// `default_tz`), floating (in `default_tz`), or whole days (`VALUE=DATE`: midnight to midnight in
/// `default_tz`). A wall-clock time skipped or repeated by a daylight-saving change is read as
/// [`local_to_utc`] does (the earlier instant). Cancelled and "free" (TRANSP:TRANSPARENT) events
/// are not busy. Daily and weekly repetitions are expanded (INTERVAL, COUNT, UNTIL, BYDAY, EXDATE,
/// and moved or cancelled occurrences, RECURRENCE-ID); a rule outside that subset (monthly,
/// yearly, BYMONTHDAY…) keeps its first occurrence only, rather than refusing the whole calendar.
pub fn read_busy(text: &str, default_tz: Tz, horizon: DateTime<Utc>) -> Result<Vec<Busy>, IcsError> {
    let events = read_events(text, default_tz)?;
    let moved: Vec<(&str, Stamp)> = events.iter().filter_map(|e| Some((e.uid.as_deref()?, e.recurrence_id?))).collect();
    let mut busy = vec![];
    for event in events.iter().filter(|e| !e.free) {
        let starts = match (&event.rule, event.recurrence_id) {
            (Some(rule), None) => occurrences(event.start, rule, horizon, |occurrence| {
                event.exdates.iter().any(|ex| same_occurrence(*ex, occurrence))
                    || moved
                        .iter()
                        .any(|(uid, id)| event.uid.as_deref() == Some(*uid) && same_occurrence(*id, occurrence))
            }),
            _ => [event.start].into_iter().filter(|s| s.instant() < horizon).collect(),
        };
        busy.extend(starts.into_iter().map(|start| {
            let starts_at = start.instant();
            let ends_at = end_of(start, event.span).map_or(starts_at, |end| end.max(starts_at));
            Busy { starts_at, ends_at, summary: event.summary.clone() }
        }));
    }
    busy.sort_by_key(|b| (b.starts_at, b.ends_at));
    Ok(busy)
}

/// A date or time as a calendar writes it: a whole day (all-day events, in the default zone), a
/// wall-clock time in a zone (TZID, or floating), or a UTC time. Repetitions keep the wall-clock
/// time, so 10:00 stays 10:00 across daylight-saving changes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Stamp {
    Day(NaiveDate, Tz),
    Local(NaiveDateTime, Tz),
    Utc(NaiveDateTime),
}

impl Stamp {
    fn instant(self) -> DateTime<Utc> {
        match self {
            Stamp::Day(day, tz) => local_to_utc(tz, day.and_time(NaiveTime::MIN)),
            Stamp::Local(wall, tz) => local_to_utc(tz, wall),
            Stamp::Utc(wall) => wall.and_utc(),
        }
    }

    fn wall(self) -> NaiveDateTime {
        match self {
            Stamp::Day(day, _) => day.and_time(NaiveTime::MIN),
            Stamp::Local(wall, _) | Stamp::Utc(wall) => wall,
        }
    }

    /// The same kind of value at another wall-clock time.
    fn with_wall(self, wall: NaiveDateTime) -> Stamp {
        match self {
            Stamp::Day(_, tz) => Stamp::Day(wall.date(), tz),
            Stamp::Local(_, tz) => Stamp::Local(wall, tz),
            Stamp::Utc(_) => Stamp::Utc(wall),
        }
    }

    /// The zone a floating UNTIL of this event's rule is read in.
    fn zone(self) -> Tz {
        match self {
            Stamp::Day(_, tz) | Stamp::Local(_, tz) => tz,
            Stamp::Utc(_) => chrono_tz::UTC,
        }
    }
}

/// Whether an EXDATE or RECURRENCE-ID names this occurrence: the same instant, or the same day when
/// it is written as a date.
fn same_occurrence(id: Stamp, occurrence: Stamp) -> bool {
    match id {
        Stamp::Day(day, _) => occurrence.wall().date() == day,
        _ => id.instant() == occurrence.instant(),
    }
}

/// A length as RFC 5545 writes it (`PT1H30M`, `P1D`, `P2W`). Days are calendar days (23 or 25
/// hours across a daylight-saving change); hours, minutes and seconds are exact.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct Span {
    days: u64,
    secs: i64,
}

/// When the occurrence that starts at `start` ends.
fn end_of(start: Stamp, span: Span) -> Option<DateTime<Utc>> {
    let shifted = start.with_wall(start.wall().checked_add_days(Days::new(span.days))?);
    shifted.instant().checked_add_signed(TimeDelta::try_seconds(span.secs)?)
}

/// The length from DTSTART to DTEND: in days between two dates, exact otherwise (RFC 5545
/// § 3.8.5.3: every occurrence lasts the same exact time). An end before the start counts as none.
fn span_between(start: Stamp, end: Stamp) -> Span {
    match (start, end) {
        (Stamp::Day(first, _), Stamp::Day(last, _)) => {
            Span { days: u64::try_from((last - first).num_days()).unwrap_or(0), secs: 0 }
        }
        _ => Span { days: 0, secs: (end.instant() - start.instant()).num_seconds().max(0) },
    }
}

/// A DURATION value; negative durations make no sense for an event and are refused.
fn parse_span(text: &str) -> Option<Span> {
    let text = text.trim().to_ascii_uppercase();
    let body = text.strip_prefix('+').unwrap_or(&text).strip_prefix('P')?;
    let (date_part, time_part) = match body.split_once('T') {
        Some((date, time)) => (date, Some(time)),
        None => (body, None),
    };
    let mut span = Span::default();
    let date_amounts = amounts(date_part)?;
    for &(n, unit) in &date_amounts {
        let days = match unit {
            'W' => n.checked_mul(7)?,
            'D' => n,
            _ => return None,
        };
        span.days = span.days.checked_add(days)?;
    }
    let time_amounts = match time_part {
        Some(time) => amounts(time).filter(|a| !a.is_empty())?,
        None => vec![],
    };
    for &(n, unit) in &time_amounts {
        let unit_secs = match unit {
            'H' => 3600,
            'M' => 60,
            'S' => 1,
            _ => return None,
        };
        span.secs = span.secs.checked_add(i64::try_from(n).ok()?.checked_mul(unit_secs)?)?;
    }
    (!date_amounts.is_empty() || !time_amounts.is_empty()).then_some(span)
}

/// `1H30M` as `[(1, 'H'), (30, 'M')]`.
fn amounts(text: &str) -> Option<Vec<(u64, char)>> {
    let mut out = vec![];
    let mut number = String::new();
    for c in text.chars() {
        if c.is_ascii_digit() {
            number.push(c);
        } else {
            out.push((number.parse().ok()?, c));
            number.clear();
        }
    }
    number.is_empty().then_some(out)
}

/// The supported subset of RRULE.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Repeat {
    weekly: bool,
    interval: u32,
    count: Option<u32>,
    until: Option<Stamp>,
    by_day: Vec<Weekday>,
    week_start: Weekday,
}

/// An RRULE of the event that starts at `start`: `None` when it is outside the subset (other
/// frequencies, other BY… parts), an error when it cannot be read at all.
fn parse_repeat(text: &str, start: Stamp, line: usize) -> Result<Option<Repeat>, IcsError> {
    let bad = || IcsError::BadRule { line, value: excerpt(text) };
    let mut rule =
        Repeat { weekly: false, interval: 1, count: None, until: None, by_day: vec![], week_start: Weekday::Mon };
    let mut freq = None;
    for part in text.trim().split(';').filter(|p| !p.is_empty()) {
        let (key, value) = part.split_once('=').ok_or_else(bad)?;
        match key.trim().to_ascii_uppercase().as_str() {
            "FREQ" => freq = Some(value.trim().to_ascii_uppercase()),
            "INTERVAL" => rule.interval = value.trim().parse().ok().filter(|n| *n > 0).ok_or_else(bad)?,
            "COUNT" => rule.count = Some(value.trim().parse().map_err(|_| bad())?),
            "UNTIL" => {
                let until = parse_stamp(value, None, false, start.zone());
                rule.until = Some(until.ok_or_else(|| IcsError::BadDate { line, value: excerpt(value) })?);
            }
            "WKST" => rule.week_start = weekday(value).ok_or_else(bad)?,
            "BYDAY" => match value.split(',').map(weekday).collect::<Option<Vec<_>>>() {
                Some(days) => rule.by_day = days,
                // `1MO`, `-1SU`: positions belong to monthly and yearly rules.
                None => return Ok(None),
            },
            _ => return Ok(None),
        }
    }
    match freq.as_deref() {
        Some("DAILY") => Ok(Some(rule)),
        Some("WEEKLY") => Ok(Some(Repeat { weekly: true, ..rule })),
        Some(_) => Ok(None),
        None => Err(bad()),
    }
}

fn weekday(code: &str) -> Option<Weekday> {
    Some(match code.trim().to_ascii_uppercase().as_str() {
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

/// The starts of a repeating event's occurrences before `horizon`, minus the `excluded` ones.
///
/// DTSTART always counts as the first occurrence (RFC 5545 § 3.8.5.3) and COUNT counts
/// occurrences before exclusions, as the RFC says. Only the latest [`MAX_OCCURRENCES`] are kept: a
/// daily event that began years ago must not crowd out the weeks being planned, which are the
/// last ones before the horizon.
fn occurrences(
    start: Stamp,
    rule: &Repeat,
    horizon: DateTime<Utc>,
    excluded: impl Fn(Stamp) -> bool,
) -> VecDeque<Stamp> {
    let mut kept = VecDeque::new();
    let mut generated = 0u32;
    let mut take = |occurrence: Stamp, first: bool| {
        let within_until = first || rule.until.is_none_or(|until| not_after(occurrence, until));
        generated = generated.saturating_add(1);
        if !within_until || occurrence.instant() >= horizon || rule.count.is_some_and(|c| generated > c) {
            return false;
        }
        if !excluded(occurrence) {
            kept.push_back(occurrence);
            if kept.len() > MAX_OCCURRENCES {
                kept.pop_front();
            }
        }
        true
    };
    if take(start, true) {
        walk(start, rule, |occurrence| take(occurrence, false));
    }
    kept
}

/// Whether an occurrence is within UNTIL (inclusive); a date UNTIL covers its whole day.
fn not_after(occurrence: Stamp, until: Stamp) -> bool {
    match until {
        Stamp::Day(day, _) => occurrence.wall().date() <= day,
        _ => occurrence.instant() <= until.instant(),
    }
}

/// Calls `visit` on each occurrence after DTSTART, in order, until it returns false: the rule's
/// days (every INTERVALth day or week, on its BYDAY days), at DTSTART's wall-clock time.
fn walk(start: Stamp, rule: &Repeat, mut visit: impl FnMut(Stamp) -> bool) {
    let first_day = start.wall().date();
    let (period_days, width) =
        if rule.weekly { (7 * u64::from(rule.interval), 7) } else { (u64::from(rule.interval), 1) };
    let days_into_week = (7 + first_day.weekday().num_days_from_monday() - rule.week_start.num_days_from_monday()) % 7;
    let first_period =
        if rule.weekly { first_day.checked_sub_days(Days::new(u64::from(days_into_week))) } else { Some(first_day) };
    let Some(first_period) = first_period else { return };
    let by_day = if rule.by_day.is_empty() && rule.weekly { vec![first_day.weekday()] } else { rule.by_day.clone() };
    for period in 0..MAX_PERIODS {
        for offset in 0..width {
            let Some(day) = first_period.checked_add_days(Days::new(period * period_days + offset)) else { return };
            if day <= first_day || !(by_day.is_empty() || by_day.contains(&day.weekday())) {
                continue;
            }
            if !visit(start.with_wall(day.and_time(start.wall().time()))) {
                return;
            }
        }
    }
}

/// A VEVENT as read, before expansion.
struct VEvent {
    uid: Option<String>,
    start: Stamp,
    span: Span,
    summary: Option<String>,
    /// Cancelled or transparent: not busy.
    free: bool,
    rule: Option<Repeat>,
    exdates: Vec<Stamp>,
    recurrence_id: Option<Stamp>,
}

/// A VEVENT while its lines are read; `line` is where it begins, for error messages.
#[derive(Default)]
struct Draft {
    line: usize,
    uid: Option<String>,
    start: Option<Stamp>,
    end: Option<Stamp>,
    duration: Option<Span>,
    summary: Option<String>,
    free: bool,
    rule: Option<(usize, String)>,
    exdates: Vec<Stamp>,
    recurrence_id: Option<Stamp>,
}

impl Draft {
    fn read(&mut self, property: &Property, line: usize, default_tz: Tz) -> Result<(), IcsError> {
        let bad_date = |value: &str| IcsError::BadDate { line, value: excerpt(value) };
        let stamp = |value: &str| property.stamp(value, default_tz).ok_or_else(|| bad_date(value));
        let value = property.value;
        match property.name.as_str() {
            "UID" => self.uid = Some(unescape(value)),
            "DTSTART" => self.start = Some(stamp(value)?),
            "DTEND" => self.end = Some(stamp(value)?),
            "RECURRENCE-ID" => self.recurrence_id = Some(stamp(value)?),
            "EXDATE" => {
                for one in value.split(',').filter(|v| !v.trim().is_empty()) {
                    self.exdates.push(stamp(one)?);
                }
            }
            "DURATION" => {
                self.duration =
                    Some(parse_span(value).ok_or_else(|| IcsError::BadDuration { line, value: excerpt(value) })?)
            }
            "SUMMARY" => self.summary = Some(unescape(value)).filter(|s| !s.trim().is_empty()),
            "STATUS" => self.free |= value.trim().eq_ignore_ascii_case("CANCELLED"),
            "TRANSP" => self.free |= value.trim().eq_ignore_ascii_case("TRANSPARENT"),
            "RRULE" => self.rule = Some((line, value.to_owned())),
            _ => {}
        }
        Ok(())
    }

    /// The event, once END:VEVENT is reached: its length from DTEND, else DURATION, else one day
    /// for an all-day event and none for a timed one (RFC 5545 § 3.6.1).
    fn finish(self) -> Result<VEvent, IcsError> {
        let start = self.start.ok_or(IcsError::MissingStart { line: self.line })?;
        let span = match (self.end, self.duration) {
            (Some(end), _) => span_between(start, end),
            (None, Some(span)) => span,
            (None, None) if matches!(start, Stamp::Day(..)) => Span { days: 1, secs: 0 },
            (None, None) => Span::default(),
        };
        let rule = match self.rule {
            Some((line, text)) => parse_repeat(&text, start, line)?,
            None => None,
        };
        Ok(VEvent {
            uid: self.uid,
            start,
            span,
            summary: self.summary,
            free: self.free,
            rule,
            exdates: self.exdates,
            recurrence_id: self.recurrence_id,
        })
    }
}

/// The VEVENTs of a calendar (or of several concatenated), ignoring every other component and
/// whatever is nested in an event (VALARM's DURATION or DESCRIPTION are the alarm's, not the
/// event's).
fn read_events(text: &str, default_tz: Tz) -> Result<Vec<VEvent>, IcsError> {
    let lines = unfold(text.strip_prefix('\u{feff}').unwrap_or(text));
    let mut content = lines.iter().filter(|(_, line)| !line.trim().is_empty()).peekable();
    if !content.peek().is_some_and(|(_, line)| line.trim().eq_ignore_ascii_case("BEGIN:VCALENDAR")) {
        return Err(IcsError::NotCalendar);
    }
    let (mut open, mut draft, mut events) = (Vec::<String>::new(), None::<Draft>, vec![]);
    for (number, line) in content {
        let property = parse_property(line).ok_or_else(|| IcsError::BadLine { line: *number, text: excerpt(line) })?;
        let component = property.value.trim().to_ascii_uppercase();
        match property.name.as_str() {
            "BEGIN" => {
                if component == "VEVENT" && matches!(open.as_slice(), [c] if c == "VCALENDAR") {
                    draft = Some(Draft { line: *number, ..Draft::default() });
                }
                open.push(component);
            }
            "END" => {
                if open.last() != Some(&component) {
                    return Err(IcsError::Structure { line: *number, text: excerpt(line) });
                }
                open.pop();
                if component == "VEVENT"
                    && open.len() == 1
                    && let Some(event) = draft.take()
                {
                    events.push(event.finish()?);
                }
            }
            _ => {
                if let (Some(event), [_, c]) = (draft.as_mut(), open.as_slice())
                    && c == "VEVENT"
                {
                    event.read(&property, *number, default_tz)?;
                }
            }
        }
    }
    if open.is_empty() { Ok(events) } else { Err(IcsError::Truncated) }
}

/// Content lines with their folding undone (a line break followed by a space or a tab continues
/// the line; CRLF or a bare LF), each with the number of the line it starts on.
fn unfold(text: &str) -> Vec<(usize, String)> {
    let mut lines: Vec<(usize, String)> = vec![];
    for (index, raw) in text.split('\n').enumerate() {
        let raw = raw.strip_suffix('\r').unwrap_or(raw);
        match (raw.strip_prefix([' ', '\t']), lines.last_mut()) {
            (Some(rest), Some((_, last))) => last.push_str(rest),
            _ => lines.push((index + 1, raw.to_owned())),
        }
    }
    lines
}

/// `NAME;PARAM=value;PARAM="quoted":value`, with name and parameter names in upper case.
struct Property<'a> {
    name: String,
    params: Vec<(String, String)>,
    value: &'a str,
}

impl Property<'_> {
    fn param(&self, name: &str) -> Option<&str> {
        self.params.iter().find(|(key, _)| key == name).map(|(_, value)| value.as_str())
    }

    /// One date or time of this property, read with its VALUE and TZID parameters.
    fn stamp(&self, value: &str, default_tz: Tz) -> Option<Stamp> {
        let is_date = self.param("VALUE").is_some_and(|v| v.eq_ignore_ascii_case("DATE"));
        parse_stamp(value, self.param("TZID"), is_date, default_tz)
    }
}

fn is_name(text: &str) -> bool {
    !text.is_empty() && text.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
}

fn parse_property(line: &str) -> Option<Property<'_>> {
    let name_end = line.find([';', ':'])?;
    let name = line.get(..name_end)?;
    if !is_name(name) {
        return None;
    }
    let mut rest = line.get(name_end..)?;
    let mut params = vec![];
    while let Some(after) = rest.strip_prefix(';') {
        let (key, tail) = after.split_once('=')?;
        if !is_name(key) {
            return None;
        }
        let (value, tail) = param_value(tail)?;
        params.push((key.to_ascii_uppercase(), value));
        rest = tail;
    }
    let value = rest.strip_prefix(':')?;
    Some(Property { name: name.to_ascii_uppercase(), params, value })
}

/// A parameter's value, up to the next `;` or `:` outside double quotes (quotes removed), and what
/// follows it.
fn param_value(text: &str) -> Option<(String, &str)> {
    let mut value = String::new();
    let mut quoted = false;
    for (index, c) in text.char_indices() {
        match c {
            '"' => quoted = !quoted,
            ';' | ':' if !quoted => return Some((value, text.get(index..)?)),
            c => value.push(c),
        }
    }
    None
}

/// A DATE (`20260321`) or DATE-TIME (`20260321T100000`, `…Z`) value. Eight digits are a date even
/// without `VALUE=DATE`, which some producers forget.
fn parse_stamp(value: &str, tzid: Option<&str>, is_date: bool, default_tz: Tz) -> Option<Stamp> {
    let value = value.trim();
    if is_date || value.len() == 8 {
        return parse_date(value).map(|day| Stamp::Day(day, default_tz));
    }
    if let Some(utc) = value.strip_suffix(['Z', 'z']) {
        return parse_date_time(utc).map(Stamp::Utc);
    }
    let tz = tzid.and_then(zone_named).unwrap_or(default_tz);
    parse_date_time(value).map(|wall| Stamp::Local(wall, tz))
}

/// A zone of the time-zone database by its name, also when it carries a producer's prefix
/// (`/mozilla.org/20050126_1/Europe/Paris`, RFC 5545's leading `/`).
fn zone_named(name: &str) -> Option<Tz> {
    let name = name.trim();
    std::iter::once(name)
        .chain(name.match_indices('/').filter_map(|(index, _)| name.get(index + 1..)))
        .find_map(|candidate| candidate.parse::<Tz>().ok())
}

fn number(text: Option<&str>) -> Option<u32> {
    let text = text?;
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

fn parse_date(text: &str) -> Option<NaiveDate> {
    if text.len() != 8 {
        return None;
    }
    let year = i32::try_from(number(text.get(..4))?).ok()?;
    NaiveDate::from_ymd_opt(year, number(text.get(4..6))?, number(text.get(6..))?)
}

fn parse_date_time(text: &str) -> Option<NaiveDateTime> {
    let (date, time) = text.split_once(['T', 't'])?;
    if time.len() != 6 {
        return None;
    }
    // A leap second (60) is read as the second before.
    let seconds = number(time.get(4..))?.min(59);
    Some(parse_date(date)?.and_time(NaiveTime::from_hms_opt(number(time.get(..2))?, number(time.get(2..4))?, seconds)?))
}

/// A TEXT value with its escapes undone.
fn unescape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n' | 'N') => out.push('\n'),
            Some(other) => out.push(other),
            None => out.push('\\'),
        }
    }
    out
}

/// The start of a text quoted in an error message, which a line of a thousand characters would
/// otherwise drown.
fn excerpt(text: &str) -> String {
    const SHOWN: usize = 60;
    let text = text.trim();
    if text.chars().count() <= SHOWN {
        text.to_owned()
    } else {
        format!("{}…", text.chars().take(SHOWN).collect::<String>())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono_tz::America::{Cayenne, Miquelon, New_York};
    use chrono_tz::Europe::Paris;
    use chrono_tz::Indian::Reunion;
    use chrono_tz::Pacific::Noumea;

    fn utc(text: &str) -> DateTime<Utc> {
        NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M").unwrap().and_utc()
    }

    fn far() -> DateTime<Utc> {
        utc("2100-01-01 00:00")
    }

    fn event(uid: &str, starts: &str, ends: &str, summary: &str) -> Event {
        Event {
            uid: uid.to_owned(),
            sequence: 0,
            starts_at: utc(starts),
            ends_at: utc(ends),
            summary: summary.to_owned(),
            description: None,
            location: None,
            status: EventStatus::Confirmed,
            last_modified: utc("2026-03-01 12:00"),
        }
    }

    fn calendar(tz: Tz, events: Vec<Event>) -> Calendar<'static> {
        Calendar { name: "Planning de Anne, Auto-école Dupont", tz, events, prod_id: "-//Volant//Planning//FR" }
    }

    /// A calendar around some VEVENT lines, with LF line ends as many files have.
    fn ics(body: &str) -> String {
        format!("BEGIN:VCALENDAR\nVERSION:2.0\nPRODID:-//Test//FR\n{body}\nEND:VCALENDAR\n")
    }

    fn read(body: &str) -> Vec<Busy> {
        read_busy(&ics(body), Paris, far()).unwrap()
    }

    fn spans(busy: &[Busy]) -> Vec<(String, String)> {
        busy.iter()
            .map(|b| (b.starts_at.format("%Y-%m-%d %H:%M").to_string(), b.ends_at.format("%Y-%m-%d %H:%M").to_string()))
            .collect()
    }

    fn pair(a: &str, b: &str) -> (String, String) {
        (a.to_owned(), b.to_owned())
    }

    #[test]
    fn long_accented_lines_fold_within_75_octets_and_unfold_back() {
        let summary: String =
            "Leçon de conduite : créneau réservé à Élodie, évaluation en agglomération, côte à Bâle… ".repeat(3);
        let summary: String = summary.chars().take(200).collect();
        assert_eq!(summary.chars().count(), 200);
        let line = format!("SUMMARY:{}", escape(&summary));
        let folded = fold(&line);
        assert!(folded.ends_with("\r\n"));
        let pieces: Vec<&str> = folded.trim_end_matches("\r\n").split("\r\n").collect();
        assert!(pieces.len() > 3);
        for (i, piece) in pieces.iter().enumerate() {
            assert!(piece.len() <= MAX_LINE_OCTETS, "{piece:?} has {} octets", piece.len());
            assert_eq!(i > 0, piece.starts_with(' '), "{piece:?}");
        }
        assert_eq!(unfold(&folded), vec![(1, line.clone()), (pieces.len() + 1, String::new())]);
        // Two-octet characters only: a line holds 37 of them (74 octets), never half of the 38th.
        let accents = fold(&"é".repeat(100));
        assert!(accents.split("\r\n").all(|l| l.len() <= MAX_LINE_OCTETS));
        assert_eq!(accents.split("\r\n").next().map(str::len), Some(74));

        let mut lesson = event("a@volant", "2026-03-21 09:00", "2026-03-21 10:00", &summary);
        lesson.description = Some(summary.clone());
        let text = write(&calendar(Paris, vec![lesson]));
        assert!(text.split("\r\n").all(|l| l.len() <= MAX_LINE_OCTETS));
        assert_eq!(read_busy(&text, Paris, far()).unwrap()[0].summary.as_deref(), Some(summary.as_str()));
    }

    #[test]
    fn text_is_escaped_and_unescaped() {
        let text = "Rendez-vous : gare; sortie B, puis \\ parking\r\nBus 12\ncompris\u{7}";
        let escaped = escape(text);
        assert_eq!(escaped, "Rendez-vous : gare\\; sortie B\\, puis \\\\ parking\\nBus 12\\ncompris");
        assert_eq!(unescape(&escaped), "Rendez-vous : gare; sortie B, puis \\ parking\nBus 12\ncompris");
        assert_eq!(unescape("a\\Nb\\:c\\"), "a\nb:c\\");
    }

    #[test]
    fn writes_the_calendar_header_and_events() {
        let mut lesson = event("lesson-1@volant", "2026-03-21 09:00", "2026-03-21 10:00", "Conduite, Léa M.");
        lesson.location = Some("12 rue de la Paix, Lyon".to_owned());
        lesson.sequence = 3;
        let text = write(&calendar(Paris, vec![lesson]));
        assert!(text.ends_with("END:VCALENDAR\r\n"));
        assert!(!text.replace("\r\n", "").contains('\n'));
        for expected in [
            "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Volant//Planning//FR\r\nCALSCALE:GREGORIAN\r\nMETHOD:PUBLISH\r\n",
            "X-WR-CALNAME:Planning de Anne\\, Auto-école Dupont\r\nX-WR-TIMEZONE:Europe/Paris\r\nBEGIN:VTIMEZONE\r\n",
            "BEGIN:VEVENT\r\nUID:lesson-1@volant\r\nDTSTAMP:20260301T120000Z\r\n",
            "DTSTART;TZID=Europe/Paris:20260321T100000\r\nDTEND;TZID=Europe/Paris:20260321T110000\r\n",
            "SUMMARY:Conduite\\, Léa M.\r\nLOCATION:12 rue de la Paix\\, Lyon\r\nSTATUS:CONFIRMED\r\nSEQUENCE:3\r\n",
            "LAST-MODIFIED:20260301T120000Z\r\nEND:VEVENT\r\n",
        ] {
            assert!(text.contains(expected), "{expected}\n---\n{text}");
        }
        assert!(!text.contains("DESCRIPTION"));
    }

    #[test]
    fn paris_has_a_standard_and_a_daylight_observance() {
        let lines = vtimezone(Paris, 2026).join("\n");
        assert_eq!(
            lines,
            [
                "BEGIN:VTIMEZONE",
                "TZID:Europe/Paris",
                "BEGIN:DAYLIGHT",
                "DTSTART:19700329T020000",
                "TZOFFSETFROM:+0100",
                "TZOFFSETTO:+0200",
                "TZNAME:CEST",
                "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU",
                "END:DAYLIGHT",
                "BEGIN:STANDARD",
                "DTSTART:19701025T030000",
                "TZOFFSETFROM:+0200",
                "TZOFFSETTO:+0100",
                "TZNAME:CET",
                "RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU",
                "END:STANDARD",
                "END:VTIMEZONE",
            ]
            .join("\n")
        );
        // The rules year is the first event's.
        let text = write(&calendar(Paris, vec![event("a", "2027-06-01 08:00", "2027-06-01 09:00", "x")]));
        assert!(text.contains("BEGIN:DAYLIGHT\r\nDTSTART:19700329T020000\r\n"));
    }

    #[test]
    fn zones_without_summer_time_have_one_standard_observance() {
        let reunion = vtimezone(Reunion, 2026);
        assert_eq!(
            reunion,
            [
                "BEGIN:VTIMEZONE",
                "TZID:Indian/Reunion",
                "BEGIN:STANDARD",
                "DTSTART:19700101T000000",
                "TZOFFSETFROM:+0400",
                "TZOFFSETTO:+0400",
                // The database has no letters for it ("+04"): TZNAME is optional, and left out.
                "END:STANDARD",
                "END:VTIMEZONE",
            ]
        );
        assert!(vtimezone(Cayenne, 2026).contains(&"TZOFFSETTO:-0300".to_owned()));
        assert!(vtimezone(Noumea, 2026).contains(&"TZOFFSETTO:+1100".to_owned()));
        for tz in [Reunion, Cayenne, Noumea] {
            assert_eq!(vtimezone(tz, 2026).iter().filter(|l| l.starts_with("BEGIN:")).count(), 2, "{tz}");
        }
    }

    #[test]
    fn north_american_rules_come_from_the_actual_changes() {
        let miquelon = vtimezone(Miquelon, 2026);
        assert!(miquelon.contains(&"RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=2SU".to_owned()));
        assert!(miquelon.contains(&"RRULE:FREQ=YEARLY;BYMONTH=11;BYDAY=1SU".to_owned()));
        assert!(miquelon.contains(&"DTSTART:19700308T020000".to_owned()));
        assert_eq!(utc_offset(FixedOffset::west_opt(9000).unwrap()), "-0230");
        assert_eq!(utc_offset(FixedOffset::east_opt(0).unwrap()), "+0000");
    }

    #[test]
    fn a_cancelled_lesson_is_written_cancelled_and_not_read_as_busy() {
        let mut cancelled = event("b@volant", "2026-03-22 09:00", "2026-03-22 10:00", "Annulé");
        cancelled.status = EventStatus::Cancelled;
        cancelled.sequence = 1;
        let kept = event("a@volant", "2026-03-21 09:00", "2026-03-21 10:00", "Conduite");
        let text = write(&calendar(Paris, vec![kept, cancelled]));
        assert!(text.contains("STATUS:CANCELLED\r\nSEQUENCE:1\r\n"));
        let busy = read_busy(&text, Paris, far()).unwrap();
        assert_eq!(busy.len(), 1);
        assert_eq!(busy[0].summary.as_deref(), Some("Conduite"));
    }

    #[test]
    fn what_is_written_reads_back() {
        let events = vec![
            event("a@volant", "2026-03-28 09:00", "2026-03-28 10:30", "Conduite ; Léa, créneau 1"),
            event("b@volant", "2026-03-29 08:00", "2026-03-29 09:00", "Après le passage à l'heure d'été"),
            event("c@volant", "2026-10-25 13:00", "2026-10-25 15:00", "Examen\nplateau"),
        ];
        let text = write(&calendar(Paris, events.clone()));
        // Read with another default zone: the TZID decides.
        let busy = read_busy(&text, Reunion, far()).unwrap();
        let expected: Vec<Busy> = events
            .iter()
            .map(|e| Busy { starts_at: e.starts_at, ends_at: e.ends_at, summary: Some(e.summary.clone()) })
            .collect();
        assert_eq!(busy, expected);
        let overseas = vec![event("d@volant", "2026-07-01 12:00", "2026-07-01 13:00", "Cayenne")];
        let busy = read_busy(&write(&calendar(Cayenne, overseas)), Paris, far()).unwrap();
        assert_eq!(spans(&busy), vec![pair("2026-07-01 12:00", "2026-07-01 13:00")]);
    }

    #[test]
    fn reads_utc_zoned_floating_and_unknown_zone_times() {
        let busy = read(
            "BEGIN:VEVENT\nDTSTART:20260115T080000Z\nDTEND:20260115T090000Z\nSUMMARY:UTC\nEND:VEVENT\n\
             BEGIN:VEVENT\nDTSTART;TZID=America/New_York:20260115T080000\nDTEND;TZID=America/New_York:20260115T090000\nSUMMARY:NY\nEND:VEVENT\n\
             BEGIN:VEVENT\nDTSTART:20260115T100000\nDTEND:20260115T110000\nSUMMARY:Flottant\nEND:VEVENT\n\
             BEGIN:VEVENT\nDTSTART;TZID=\"Romance Standard Time\":20260115T120000\nDTEND;TZID=Romance Standard Time:20260115T130000\nSUMMARY:Outlook\nEND:VEVENT\n\
             BEGIN:VEVENT\nDTSTART;TZID=/mozilla.org/20050126_1/Europe/London:20260115T140000\nDTEND;TZID=/Europe/London:20260115T150000\nEND:VEVENT",
        );
        assert_eq!(
            spans(&busy),
            vec![
                pair("2026-01-15 08:00", "2026-01-15 09:00"),
                pair("2026-01-15 09:00", "2026-01-15 10:00"),
                pair("2026-01-15 11:00", "2026-01-15 12:00"),
                pair("2026-01-15 13:00", "2026-01-15 14:00"),
                pair("2026-01-15 14:00", "2026-01-15 15:00"),
            ]
        );
        let summaries: Vec<Option<&str>> = busy.iter().map(|b| b.summary.as_deref()).collect();
        assert_eq!(summaries, vec![Some("UTC"), Some("Flottant"), Some("Outlook"), Some("NY"), None]);
        assert_eq!(zone_named("America/New_York"), Some(New_York));
    }

    #[test]
    fn all_day_events_run_from_midnight_to_midnight_in_the_default_zone() {
        let busy = read(
            "BEGIN:VEVENT\nDTSTART;VALUE=DATE:20260710\nDTEND;VALUE=DATE:20260712\nSUMMARY:Congés\nEND:VEVENT\n\
             BEGIN:VEVENT\nDTSTART;VALUE=DATE:20260329\nSUMMARY:Un jour\nEND:VEVENT",
        );
        assert_eq!(
            spans(&busy),
            vec![pair("2026-03-28 23:00", "2026-03-29 22:00"), pair("2026-07-09 22:00", "2026-07-11 22:00")]
        );
        let reunion = read_busy(&ics("BEGIN:VEVENT\nDTSTART:20260710\nEND:VEVENT"), Reunion, far()).unwrap();
        assert_eq!(spans(&reunion), vec![pair("2026-07-09 20:00", "2026-07-10 20:00")]);
    }

    #[test]
    fn durations_replace_dtend() {
        let busy = read(
            "BEGIN:VEVENT\nDTSTART:20260115T080000Z\nDURATION:PT1H30M\nEND:VEVENT\n\
             BEGIN:VEVENT\nDTSTART;TZID=Europe/Paris:20260328T100000\nDURATION:P1D\nEND:VEVENT\n\
             BEGIN:VEVENT\nDTSTART;VALUE=DATE:20260401\nDURATION:P2W\nEND:VEVENT\n\
             BEGIN:VEVENT\nDTSTART:20260501T080000Z\nEND:VEVENT",
        );
        assert_eq!(
            spans(&busy),
            vec![
                pair("2026-01-15 08:00", "2026-01-15 09:30"),
                // One calendar day across the change to summer time: 23 hours.
                pair("2026-03-28 09:00", "2026-03-29 08:00"),
                pair("2026-03-31 22:00", "2026-04-14 22:00"),
                pair("2026-05-01 08:00", "2026-05-01 08:00"),
            ]
        );
        assert_eq!(parse_span("P1DT2H3M4S"), Some(Span { days: 1, secs: 7384 }));
        for bad in ["", "P", "PT", "1H", "-PT1H", "PT1X", "P1H", "PT99999999999999999999H"] {
            assert_eq!(parse_span(bad), None, "{bad}");
        }
    }

    #[test]
    fn daylight_saving_gaps_and_repeats_take_the_earlier_reading() {
        let busy = read(
            "BEGIN:VEVENT\nDTSTART:20260329T023000\nDURATION:PT30M\nEND:VEVENT\n\
             BEGIN:VEVENT\nDTSTART:20261025T023000\nDURATION:PT30M\nEND:VEVENT",
        );
        assert_eq!(
            spans(&busy),
            vec![pair("2026-03-29 01:30", "2026-03-29 02:00"), pair("2026-10-25 00:30", "2026-10-25 01:00")]
        );
    }

    #[test]
    fn weekly_rule_with_count_and_exdate() {
        // Tuesdays and Thursdays at 10:00 from Tuesday 17 March 2026, six times, not the 24th;
        // summer time starts on the 29th and 10:00 stays 10:00.
        let busy = read(
            "BEGIN:VEVENT\nUID:club@example.org\nDTSTART;TZID=Europe/Paris:20260317T100000\n\
             DTEND;TZID=Europe/Paris:20260317T113000\nRRULE:FREQ=WEEKLY;BYDAY=TU,TH;COUNT=6\n\
             EXDATE;TZID=Europe/Paris:20260324T100000\nSUMMARY:Club\nEND:VEVENT",
        );
        assert_eq!(
            spans(&busy),
            vec![
                pair("2026-03-17 09:00", "2026-03-17 10:30"),
                pair("2026-03-19 09:00", "2026-03-19 10:30"),
                pair("2026-03-26 09:00", "2026-03-26 10:30"),
                pair("2026-03-31 08:00", "2026-03-31 09:30"),
                pair("2026-04-02 08:00", "2026-04-02 09:30"),
            ]
        );
    }

    #[test]
    fn interval_until_and_daily_rules() {
        let every_other_week = read(
            "BEGIN:VEVENT\nDTSTART:20260302T070000Z\nDURATION:PT1H\n\
             RRULE:FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,FR;UNTIL=20260330T070000Z\nEND:VEVENT",
        );
        let starts: Vec<String> = spans(&every_other_week).into_iter().map(|(s, _)| s).collect();
        assert_eq!(
            starts,
            ["2026-03-02 07:00", "2026-03-06 07:00", "2026-03-16 07:00", "2026-03-20 07:00", "2026-03-30 07:00"]
        );
        let daily = read(
            "BEGIN:VEVENT\nDTSTART;VALUE=DATE:20260401\nRRULE:FREQ=DAILY;INTERVAL=3;UNTIL=20260410\n\
             EXDATE;VALUE=DATE:20260404\nEND:VEVENT",
        );
        assert_eq!(
            spans(&daily),
            vec![
                pair("2026-03-31 22:00", "2026-04-01 22:00"),
                pair("2026-04-06 22:00", "2026-04-07 22:00"),
                pair("2026-04-09 22:00", "2026-04-10 22:00")
            ]
        );
        // A start that does not match BYDAY is still the first occurrence.
        let odd_start = read("BEGIN:VEVENT\nDTSTART:20260304T070000Z\nRRULE:FREQ=WEEKLY;BYDAY=MO;COUNT=2\nEND:VEVENT");
        assert_eq!(spans(&odd_start)[1].0, "2026-03-09 07:00");
        assert_eq!(odd_start.len(), 2);
    }

    #[test]
    fn endless_rules_stop_at_the_horizon_and_keep_the_latest_occurrences() {
        let text = ics("BEGIN:VEVENT\nDTSTART:20150101T070000Z\nDURATION:PT1H\nRRULE:FREQ=DAILY\nEND:VEVENT");
        let busy = read_busy(&text, Paris, utc("2026-04-01 00:00")).unwrap();
        assert_eq!(busy.len(), MAX_OCCURRENCES);
        assert_eq!(busy.last().map(|b| b.starts_at), Some(utc("2026-03-31 07:00")));
        let single = ics("BEGIN:VEVENT\nDTSTART:20260501T070000Z\nEND:VEVENT");
        assert!(read_busy(&single, Paris, utc("2026-05-01 07:00")).unwrap().is_empty());
    }

    #[test]
    fn rules_outside_the_subset_keep_their_first_occurrence() {
        let busy = read("BEGIN:VEVENT\nDTSTART:20260105T070000Z\nRRULE:FREQ=MONTHLY;BYDAY=1MO\nEND:VEVENT");
        assert_eq!(busy.len(), 1);
        let busy = read("BEGIN:VEVENT\nDTSTART:20260105T070000Z\nRRULE:FREQ=WEEKLY;BYSETPOS=1;COUNT=3\nEND:VEVENT");
        assert_eq!(busy.len(), 1);
    }

    #[test]
    fn moved_and_cancelled_occurrences_replace_the_rules_ones() {
        let busy = read(
            "BEGIN:VEVENT\nUID:r1\nDTSTART:20260302T070000Z\nDURATION:PT1H\nRRULE:FREQ=DAILY;COUNT=4\nEND:VEVENT\n\
             BEGIN:VEVENT\nUID:r1\nRECURRENCE-ID:20260303T070000Z\nDTSTART:20260303T150000Z\nDURATION:PT1H\nEND:VEVENT\n\
             BEGIN:VEVENT\nUID:r1\nRECURRENCE-ID:20260304T070000Z\nDTSTART:20260304T070000Z\nSTATUS:CANCELLED\nEND:VEVENT",
        );
        let starts: Vec<String> = spans(&busy).into_iter().map(|(s, _)| s).collect();
        assert_eq!(starts, ["2026-03-02 07:00", "2026-03-03 15:00", "2026-03-05 07:00"]);
    }

    #[test]
    fn cancelled_transparent_and_other_components_are_not_busy() {
        let busy = read(
            "BEGIN:VTIMEZONE\nTZID:Europe/Paris\nBEGIN:STANDARD\nDTSTART:19701025T030000\nTZOFFSETFROM:+0200\n\
             TZOFFSETTO:+0100\nRRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU\nEND:STANDARD\nEND:VTIMEZONE\n\
             BEGIN:VEVENT\nDTSTART:20260115T080000Z\nSTATUS:cancelled\nEND:VEVENT\n\
             BEGIN:VEVENT\nDTSTART:20260115T090000Z\nTRANSP:TRANSPARENT\nEND:VEVENT\n\
             BEGIN:VTODO\nDTSTART:20260115T100000Z\nDUE:20260115T110000Z\nSUMMARY:À faire\nEND:VTODO\n\
             BEGIN:VEVENT\nDTSTART:20260115T120000Z\nBEGIN:VALARM\nTRIGGER:-PT15M\nDURATION:PT5M\n\
             REPEAT:2\nDESCRIPTION:Rappel\nACTION:DISPLAY\nEND:VALARM\nDTEND:20260115T130000Z\nSUMMARY:Dentiste\n\
             TRANSP:OPAQUE\nEND:VEVENT",
        );
        assert_eq!(spans(&busy), vec![pair("2026-01-15 12:00", "2026-01-15 13:00")]);
        assert_eq!(busy[0].summary.as_deref(), Some("Dentiste"));
    }

    #[test]
    fn folded_crlf_input_with_a_byte_order_mark_is_read() {
        let text = "\u{feff}BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nDTSTART;TZID=Europe/\r\n Paris:2026011\r\n\t5T100000\r\nDURATION:PT1H\r\nSUMMARY:Réunion d'é\r\n quipe\\, salle 2\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";
        let busy = read_busy(text, Reunion, far()).unwrap();
        assert_eq!(spans(&busy), vec![pair("2026-01-15 09:00", "2026-01-15 10:00")]);
        assert_eq!(busy[0].summary.as_deref(), Some("Réunion d'équipe, salle 2"));
    }

    #[test]
    fn bad_input_is_refused_with_a_message_in_french() {
        let read = |text: &str| read_busy(text, Paris, far());
        assert_eq!(read(""), Err(IcsError::NotCalendar));
        assert_eq!(read("<!DOCTYPE html>\n<html>Connexion</html>"), Err(IcsError::NotCalendar));
        assert_eq!(
            IcsError::NotCalendar.to_string(),
            "Ce fichier n'est pas un calendrier iCalendar (BEGIN:VCALENDAR manquant)."
        );
        let bad_date = read(&ics("BEGIN:VEVENT\nDTSTART:2026-01-15 10:00\nEND:VEVENT"));
        assert_eq!(bad_date, Err(IcsError::BadDate { line: 5, value: "2026-01-15 10:00".to_owned() }));
        assert_eq!(bad_date.unwrap_err().to_string(), "Date illisible à la ligne 5 : « 2026-01-15 10:00 ».");
        assert!(matches!(
            read(&ics("BEGIN:VEVENT\nDTSTART:20260230T100000Z\nEND:VEVENT")),
            Err(IcsError::BadDate { line: 5, .. })
        ));
        assert_eq!(
            read(&ics("BEGIN:VEVENT\nDTSTART:20260115T100000Z\nDURATION:1 heure\nEND:VEVENT")),
            Err(IcsError::BadDuration { line: 6, value: "1 heure".to_owned() })
        );
        assert_eq!(
            read(&ics("BEGIN:VEVENT\nDTSTART:20260115T100000Z\nRRULE:FREQ=DAILY;COUNT=trois\nEND:VEVENT")),
            Err(IcsError::BadRule { line: 6, value: "FREQ=DAILY;COUNT=trois".to_owned() })
        );
        assert_eq!(read(&ics("BEGIN:VEVENT\nSUMMARY:Sans date\nEND:VEVENT")), Err(IcsError::MissingStart { line: 4 }));
        assert_eq!(read("BEGIN:VCALENDAR\nBEGIN:VEVENT\nDTSTART:20260115T100000Z\n"), Err(IcsError::Truncated));
        assert!(matches!(read(&ics("END:VEVENT")), Err(IcsError::Structure { line: 4, .. })));
        assert!(matches!(
            read(&ics("BEGIN:VEVENT\nceci n'est pas une ligne\nEND:VEVENT")),
            Err(IcsError::BadLine { line: 5, .. })
        ));
        let long = "x".repeat(500);
        let Err(error) = read(&ics(&format!("BEGIN:VEVENT\nDTSTART:{long}\nEND:VEVENT"))) else { panic!() };
        assert!(error.to_string().chars().count() < 120, "{error}");
    }

    #[test]
    fn an_empty_calendar_reads_as_no_busy_time() {
        assert_eq!(read_busy("BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n", Paris, far()), Ok(vec![]));
        let text = write(&calendar(Reunion, vec![]));
        assert_eq!(read_busy(&text, Paris, far()), Ok(vec![]));
    }
}
