//! The rows about people: student files, hour balances, booklet levels.

use serde_json::{Map, Value, json};
use volant_domain::{import, roster::Known};

use super::{Done, Fields, Lookup, RowError, RowStatus, refused};
use crate::{
    booklet,
    students::{self, Student, StudentInput, hours},
    work::Work,
};

/// The student fields a row gives, as the student form's JSON.
fn student_fields(f: &Fields) -> Result<Map<String, Value>, RowError> {
    let mut errors = vec![];
    let mut out = Map::new();
    for field in ["last_name", "first_name"] {
        match f.get(field) {
            Some(v) => {
                out.insert(field.into(), json!(v));
            }
            None => errors.push((field.to_owned(), format!("{} est obligatoire.", import::label(field)))),
        }
    }
    match f.get("birth_date").map(|v| (v, import::parse_date(v))) {
        Some((_, Some(d))) => {
            out.insert("birth_date".into(), json!(d));
        }
        Some((v, None)) => errors.push(("birth_date".into(), format!("« {v} » n'est pas une date (JJ/MM/AAAA)."))),
        None => errors.push(("birth_date".into(), "La date de naissance est obligatoire.".into())),
    }
    for field in ["email", "phone", "address", "birth_place", "neph"] {
        if let Some(v) = f.get(field) {
            out.insert(field.into(), json!(v));
        }
    }
    if let Some(last_name) = f.get("guardian_last_name") {
        out.insert(
            "guardian".into(),
            json!({"last_name": last_name, "first_name": f.get("guardian_first_name"),
                   "phone": f.get("guardian_phone"), "email": f.get("guardian_email")}),
        );
    }
    if let Some(v) = f.get("category") {
        let automatic = import::header_key(v).contains("78") || import::header_key(v).contains("auto");
        out.insert("category".into(), json!(if automatic { "B78" } else { "B" }));
    }
    if errors.is_empty() { Ok(out) } else { Err(RowError::Refused(errors)) }
}

pub(super) async fn student_row(work: &mut Work, lookup: &mut Lookup, f: &Fields<'_>) -> Result<Done, RowError> {
    let given = student_fields(f)?;
    match lookup.students.find(&f.identity()) {
        Some(id) => {
            let before = students::service::visible(work, id, true).await?;
            let mut merged = serde_json::to_value(before.input()).map_err(|e| RowError::Broken(e.into()))?;
            for (k, v) in given {
                merged[k] = v;
            }
            let input: StudentInput = serde_json::from_value(merged).map_err(|e| refused("", e.to_string()))?;
            // Compared as the file would store it (a phone typed "0601020304" is kept spaced).
            let school = &work.school;
            let normalised = students::validate(input.clone(), school.today(), school.date_of(before.created_at))?;
            if serde_json::to_value(&normalised).ok() == serde_json::to_value(before.input()).ok() {
                return Ok(Done::of(RowStatus::Skipped, id));
            }
            let after = students::service::update_student(work, before, input).await?;
            lookup.students.add(known_student(&after));
            Ok(Done::of(RowStatus::Updated, after.id))
        }
        None => {
            let input: StudentInput =
                serde_json::from_value(Value::Object(given)).map_err(|e| refused("", e.to_string()))?;
            let created = students::service::create_student(work, input).await?;
            lookup.students.add(known_student(&created));
            Ok(Done::of(RowStatus::Created, created.id))
        }
    }
}

/// A student as the roster knows them (a second row of the same person finds the first).
fn known_student(s: &Student) -> Known {
    Known {
        id: s.id,
        last_name: s.last_name.clone(),
        first_name: s.first_name.clone(),
        neph: s.neph.clone(),
        email: s.email.clone(),
        birth_date: Some(s.birth_date),
    }
}

/// Sets a student's hours left to the previous software's figure, by one correction of the
/// difference (none when they already match: a second import changes nothing).
pub(super) async fn balance_row(work: &mut Work, lookup: &Lookup, f: &Fields<'_>) -> Result<Done, RowError> {
    let text = f.text("hours");
    let Some(target) = import::parse_minutes(text).filter(|m| (-1000 * 60..=1000 * 60).contains(m)) else {
        return Err(refused(
            "hours",
            format!("« {text} » n'est pas un nombre d'heures (par exemple 12, 12,5 ou 1h30)."),
        ));
    };
    let id = lookup.student(f)?;
    students::service::visible(work, id, true).await?;
    let tenant = work.tenant();
    let current = hours::read(work, tenant, id).await?.remaining_minutes;
    let difference = target - current;
    if difference == 0 {
        return Ok(Done::of(RowStatus::Skipped, id));
    }
    let entry = hours::NewHoursEntry {
        kind: volant_domain::ledger::EntryKind::Correction,
        minutes: i32::try_from(difference).unwrap_or(i32::MAX),
        reason: Some("Reprise du solde de l'ancien logiciel".into()),
    };
    hours::post(work, id, &entry).await?;
    work.audit()
        .record(crate::audit::Change {
            action: "student.hours.import",
            entity: "student",
            entity_id: Some(id),
            before: Some(json!({"remaining_minutes": current})),
            after: Some(json!({"remaining_minutes": target})),
        })
        .await?;
    Ok(Done::of(RowStatus::Updated, id))
}

/// Records a booklet level reached before (source `transfer_in`), unless the student is already
/// at that level on that item.
pub(super) async fn booklet_row(work: &mut Work, lookup: &Lookup, f: &Fields<'_>) -> Result<Done, RowError> {
    let item = f.text("item").to_uppercase();
    let text = f.text("level");
    let Some(level) = import::parse_level(text) else {
        return Err(refused(
            "level",
            format!("« {text} » n'est pas un niveau (non abordé, abordé, traité, assimilé ou 0 à 3)."),
        ));
    };
    let evaluated_on = match f.get("evaluated_on") {
        Some(v) => Some(
            import::parse_date(v)
                .ok_or_else(|| refused("evaluated_on", format!("« {v} » n'est pas une date (JJ/MM/AAAA).")))?,
        ),
        None => None,
    };
    let id = lookup.student(f)?;
    let evaluation = booklet::EvaluationInput {
        item_code: item.clone(),
        level,
        lesson_id: None,
        comment: Some("Niveau repris de l'ancien logiciel".into()),
        source: Some(booklet::Source::TransferIn),
        evaluated_on,
    };
    booklet::validate(std::slice::from_ref(&evaluation), "item")
        .map_err(|_| refused("item", format!("« {item} » n'est pas un item du référentiel (C1.1 à C4.7).")))?;
    students::service::visible(work, id, true).await?;
    let tenant = work.tenant();
    if booklet::current_level(work, tenant, id, &item).await? == Some(level) {
        return Ok(Done::of(RowStatus::Skipped, id));
    }
    let today = work.school.today();
    booklet::record(work, id, None, &[evaluation], today).await?;
    Ok(Done::of(RowStatus::Updated, id))
}
