//! Who a row of an imported file names (SPEC § 6.9): a student by NEPH, else e-mail, else name
//! and birth date; an instructor by e-mail or name. The people of the school are read once into a
//! `Roster`, so that matching a file of ten thousand rows costs no query per row, and the people a
//! file creates are added as it goes (a second row of the same person finds the first).

use std::collections::HashMap;

use chrono::NaiveDate;
use uuid::Uuid;

use crate::search::words;

/// A person already in the school, as the matching needs them.
#[derive(Clone, Debug, Default)]
pub struct Known {
    pub id: Uuid,
    pub last_name: String,
    pub first_name: String,
    pub neph: Option<String>,
    pub email: Option<String>,
    pub birth_date: Option<NaiveDate>,
}

/// How a row names a person: any of these may be missing. `full_name` is one cell holding both
/// names, in either order ("Martin Léa" or "Léa Martin"), as exports of planning often write them.
#[derive(Clone, Debug, Default)]
pub struct Identity<'a> {
    pub neph: Option<&'a str>,
    pub email: Option<&'a str>,
    pub last_name: Option<&'a str>,
    pub first_name: Option<&'a str>,
    pub full_name: Option<&'a str>,
    pub birth_date: Option<NaiveDate>,
}

#[derive(Default)]
pub struct Roster {
    by_neph: HashMap<String, Uuid>,
    by_email: HashMap<String, Uuid>,
    /// Name words in one order, surname first then given names, and the other order too.
    by_name: HashMap<String, Vec<(Uuid, Option<NaiveDate>)>>,
}

fn name_key(parts: &[&str]) -> String {
    parts.iter().flat_map(|p| words(p)).collect::<Vec<_>>().join(" ")
}

fn email_key(email: &str) -> String {
    email.trim().to_lowercase()
}

impl Roster {
    pub fn new(people: impl IntoIterator<Item = Known>) -> Self {
        let mut roster = Roster::default();
        for person in people {
            roster.add(person);
        }
        roster
    }

    /// Adds a person (one the import just created). The first one of a NEPH or e-mail stays.
    pub fn add(&mut self, person: Known) {
        if let Some(neph) = person.neph.as_deref().map(str::trim).filter(|n| !n.is_empty()) {
            self.by_neph.entry(neph.to_owned()).or_insert(person.id);
        }
        if let Some(email) = person.email.as_deref().filter(|e| !e.trim().is_empty()) {
            self.by_email.entry(email_key(email)).or_insert(person.id);
        }
        let surname_first = name_key(&[&person.last_name, &person.first_name]);
        let given_first = name_key(&[&person.first_name, &person.last_name]);
        for key in [surname_first, given_first].into_iter().filter(|k| !k.is_empty()) {
            let entry = self.by_name.entry(key).or_default();
            if !entry.iter().any(|(id, _)| *id == person.id) {
                entry.push((person.id, person.birth_date));
            }
        }
    }

    /// The person a row names: by NEPH, else by e-mail, else by name (accents, case and order of
    /// the names aside) with the birth date when the row gives one. A name alone names someone
    /// only when one person bears it.
    pub fn find(&self, who: &Identity) -> Option<Uuid> {
        fn given(v: Option<&str>) -> Option<&str> {
            v.map(str::trim).filter(|v| !v.is_empty())
        }
        if let Some(id) = given(who.neph).and_then(|n| self.by_neph.get(n)) {
            return Some(*id);
        }
        if let Some(id) = given(who.email).and_then(|e| self.by_email.get(&email_key(e))) {
            return Some(*id);
        }
        let key = match (given(who.last_name), given(who.first_name), given(who.full_name)) {
            (Some(last), first, _) => name_key(&[last, first.unwrap_or_default()]),
            (None, _, Some(full)) => name_key(&[full]),
            _ => return None,
        };
        let named = self.by_name.get(&key)?;
        let mut candidates =
            named.iter().filter(|(_, born)| who.birth_date.is_none() || *born == who.birth_date).map(|(id, _)| *id);
        let first = candidates.next()?;
        // Two people of the same name born the same day are one file entered twice: the first
        // is the one. Without a birth date, two of the same name are two people: ambiguous.
        match (candidates.next(), who.birth_date) {
            (Some(_), None) => None,
            _ => Some(first),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn person(n: u128, last: &str, first: &str, born: Option<(i32, u32, u32)>) -> Known {
        Known {
            id: Uuid::from_u128(n),
            last_name: last.into(),
            first_name: first.into(),
            birth_date: born.and_then(|(y, m, d)| NaiveDate::from_ymd_opt(y, m, d)),
            ..Known::default()
        }
    }

    #[test]
    fn neph_then_email_then_name_and_birth_date() {
        let mut lea = person(1, "Martin", "Léa", Some((2006, 3, 14)));
        lea.neph = Some("123456789012".into());
        lea.email = Some("Lea.Martin@exemple.fr".into());
        let roster = Roster::new([lea, person(2, "Dubois", "Hugo", Some((2005, 1, 2)))]);
        let born = NaiveDate::from_ymd_opt(2006, 3, 14);
        let by = |who: Identity| roster.find(&who).map(|id| id.as_u128());
        assert_eq!(by(Identity { neph: Some("123456789012"), ..Identity::default() }), Some(1));
        assert_eq!(by(Identity { email: Some(" lea.martin@EXEMPLE.fr"), ..Identity::default() }), Some(1));
        let named =
            Identity { last_name: Some("MARTIN"), first_name: Some("Lea"), birth_date: born, ..Identity::default() };
        assert_eq!(by(named), Some(1));
        let other_birth = Identity {
            last_name: Some("Martin"),
            first_name: Some("Léa"),
            birth_date: NaiveDate::from_ymd_opt(2001, 1, 1),
            ..Identity::default()
        };
        assert_eq!(by(other_birth), None, "a namesake born another day is another person");
        assert_eq!(by(Identity { full_name: Some("Martin Léa"), ..Identity::default() }), Some(1));
        assert_eq!(by(Identity { full_name: Some("Hugo DUBOIS"), ..Identity::default() }), Some(2), "given name first");
        assert_eq!(by(Identity { neph: Some("999"), ..Identity::default() }), None);
    }

    #[test]
    fn a_name_alone_shared_by_two_people_names_nobody() {
        let mut roster = Roster::new([person(1, "Petit", "Noé", Some((2004, 5, 6)))]);
        let noe = Identity { last_name: Some("Petit"), first_name: Some("Noé"), ..Identity::default() };
        assert_eq!(roster.find(&noe).map(|i| i.as_u128()), Some(1));
        roster.add(person(2, "Petit", "Noé", Some((2007, 8, 9))));
        assert_eq!(roster.find(&noe), None, "two Noé Petit: which one?");
        let born = Identity { birth_date: NaiveDate::from_ymd_opt(2007, 8, 9), ..noe };
        assert_eq!(roster.find(&born).map(|i| i.as_u128()), Some(2));
    }
}
