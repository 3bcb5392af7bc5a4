//! French public holidays (jours fériés), computed: the fixed days, the Easter-based ones, and
//! the two extra days of Alsace-Moselle (Good Friday, 26 December) as an agency setting.

use chrono::{Datelike, Duration, NaiveDate};

/// Easter Sunday (Gregorian calendar, anonymous algorithm of Meeus/Jones/Butcher).
pub fn easter(year: i32) -> Option<NaiveDate> {
    let a = year % 19;
    let b = year / 100;
    let c = year % 100;
    let d = b / 4;
    let e = b % 4;
    let f = (b + 8) / 25;
    let g = (b - f + 1) / 3;
    let h = (19 * a + b - d - g + 15) % 30;
    let i = c / 4;
    let k = c % 4;
    let l = (32 + 2 * e + 2 * i - h - k) % 7;
    let m = (a + 11 * h + 22 * l) / 451;
    let month = (h + l - 7 * m + 114) / 31;
    let day = (h + l - 7 * m + 114) % 31 + 1;
    NaiveDate::from_ymd_opt(year, u32::try_from(month).ok()?, u32::try_from(day).ok()?)
}

/// The public holidays of a year, with their French names.
pub fn holidays(year: i32, alsace_moselle: bool) -> Vec<(NaiveDate, &'static str)> {
    let fixed = [
        (1, 1, "Jour de l'an"),
        (5, 1, "Fête du Travail"),
        (5, 8, "Victoire 1945"),
        (7, 14, "Fête nationale"),
        (8, 15, "Assomption"),
        (11, 1, "Toussaint"),
        (11, 11, "Armistice 1918"),
        (12, 25, "Noël"),
    ];
    let mut out: Vec<(NaiveDate, &'static str)> =
        fixed.iter().filter_map(|(m, d, name)| Some((NaiveDate::from_ymd_opt(year, *m, *d)?, *name))).collect();
    if let Some(e) = easter(year) {
        out.push((e + Duration::days(1), "Lundi de Pâques"));
        out.push((e + Duration::days(39), "Ascension"));
        out.push((e + Duration::days(50), "Lundi de Pentecôte"));
        if alsace_moselle {
            out.push((e - Duration::days(2), "Vendredi saint"));
        }
    }
    if alsace_moselle && let Some(d) = NaiveDate::from_ymd_opt(year, 12, 26) {
        out.push((d, "Saint-Étienne"));
    }
    out.sort();
    out
}

/// The holiday's name, if `day` is one.
pub fn holiday_name(day: NaiveDate, alsace_moselle: bool) -> Option<&'static str> {
    holidays(day.year(), alsace_moselle).into_iter().find(|(d, _)| *d == day).map(|(_, n)| n)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn easter_dates_are_right() {
        assert_eq!(easter(2024), Some(d("2024-03-31")));
        assert_eq!(easter(2025), Some(d("2025-04-20")));
        assert_eq!(easter(2026), Some(d("2026-04-05")));
        assert_eq!(easter(2027), Some(d("2027-03-28")));
    }

    #[test]
    fn easter_based_and_fixed_holidays() {
        assert_eq!(holiday_name(d("2027-03-29"), false), Some("Lundi de Pâques"));
        assert_eq!(holiday_name(d("2027-05-06"), false), Some("Ascension"));
        assert_eq!(holiday_name(d("2027-05-17"), false), Some("Lundi de Pentecôte"));
        assert_eq!(holiday_name(d("2026-07-14"), false), Some("Fête nationale"));
        assert_eq!(holidays(2026, false).len(), 11);
    }

    #[test]
    fn alsace_moselle_adds_two_days() {
        assert_eq!(holiday_name(d("2027-03-26"), false), None);
        assert_eq!(holiday_name(d("2027-03-26"), true), Some("Vendredi saint"));
        assert_eq!(holiday_name(d("2026-12-26"), true), Some("Saint-Étienne"));
        assert_eq!(holidays(2026, true).len(), 13);
    }
}
