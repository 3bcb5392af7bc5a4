//! Reading what another software exported (SPEC § 6.9): spreadsheets as French offices save them
//! (UTF-8 or Windows-1252, `;` or `,` between fields, `JJ/MM/AAAA` dates, French or English
//! headers), turned into rows of named fields, each problem named by row, column and a French
//! message. No I/O: the server reads the file and writes the records.

use chrono::{NaiveDate, NaiveTime};

use crate::{
    exam::{ExamKind, ExamResult},
    search::words,
};

/// The text of a file: UTF-8 (with or without its byte-order mark), else Windows-1252, which is
/// what Excel saves as "CSV (séparateur : point-virgule)" on a French Windows.
pub fn decode(bytes: &[u8]) -> String {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(text) => text.to_owned(),
        Err(_) => bytes.iter().map(|b| windows_1252(*b)).collect(),
    }
}

/// A Windows-1252 byte as a character: Latin-1 but for the 0x80–0x9F block (€, œ, ’, …).
fn windows_1252(b: u8) -> char {
    const HIGH: [char; 32] = [
        '€', '\u{81}', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', '\u{8d}', 'Ž', '\u{8f}', '\u{90}', '‘',
        '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', '\u{9d}', 'ž', 'Ÿ',
    ];
    match b {
        0x80..=0x9F => HIGH[usize::from(b - 0x80)],
        _ => char::from(b),
    }
}

/// The records of a CSV text: the separator is the header line's most frequent of `;`, `,` and
/// tab; fields may be quoted (`""` inside for a quote) and hold separators and line breaks.
/// Blank lines are dropped.
pub fn parse_csv(text: &str) -> Vec<Vec<String>> {
    let first_line = text.lines().next().unwrap_or_default();
    let separator = [';', ',', '\t'].into_iter().max_by_key(|s| first_line.matches(*s).count()).unwrap_or(';');
    let mut records = vec![];
    let (mut record, mut field) = (vec![], String::new());
    let (mut quoted, mut chars) = (false, text.chars().peekable());
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                field.push('"');
                chars.next();
            }
            (true, '"') => quoted = false,
            (true, c) => field.push(c),
            (false, '"') if field.is_empty() => quoted = true,
            (false, c) if c == separator => record.push(std::mem::take(&mut field)),
            (false, '\r') => {}
            (false, '\n') => {
                record.push(std::mem::take(&mut field));
                records.push(std::mem::take(&mut record));
            }
            (false, c) => field.push(c),
        }
    }
    if !field.is_empty() || !record.is_empty() {
        record.push(field);
        records.push(record);
    }
    records.retain(|r| r.iter().any(|f| !f.trim().is_empty()));
    records
}

/// A header as compared: lower case, no accents, words joined by `_` ("Date de naissance" →
/// `date_de_naissance`).
pub fn header_key(header: &str) -> String {
    words(header).join("_")
}

/// A date as offices write it: `JJ/MM/AAAA` (or with `-` or `.`), ISO `AAAA-MM-JJ`, or an Excel
/// serial day number (what a spreadsheet cell holds).
pub fn parse_date(text: &str) -> Option<NaiveDate> {
    let t = text.trim();
    if let Ok(d) = NaiveDate::parse_from_str(t, "%Y-%m-%d") {
        return Some(d);
    }
    for format in ["%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y"] {
        if let Ok(d) = NaiveDate::parse_from_str(t, format) {
            return Some(d);
        }
    }
    // Excel counts days from 30 December 1899 (its 1900 leap-year bug included).
    let serial: f64 = t.parse().ok()?;
    if (1.0..=2_958_465.0).contains(&serial) {
        return NaiveDate::from_ymd_opt(1899, 12, 30)?.checked_add_days(chrono::Days::new(serial.trunc() as u64));
    }
    None
}

/// A number of hours as offices write it ("12", "12,5", "1h30", "12 h", "-1h30"), in minutes.
pub fn parse_minutes(text: &str) -> Option<i64> {
    let t = text.trim().to_lowercase().replace(' ', "");
    if let Some(positive) = t.strip_prefix('-') {
        return parse_minutes(positive).map(|m| -m);
    }
    if let Some((h, m)) = t.split_once('h') {
        let hours: i64 = if h.is_empty() { 0 } else { h.parse().ok()? };
        let minutes: i64 = if m.is_empty() { 0 } else { m.parse().ok()? };
        return (minutes < 60).then_some(hours * 60 + minutes);
    }
    let hours: f64 = t.replace(',', ".").parse().ok()?;
    hours.is_finite().then(|| (hours * 60.0).round() as i64)
}

/// A session's length as planning exports write it, in minutes: "1h30", "1,5", or a bare number,
/// which is hours up to 12 (a session lasts 12 hours at most) and minutes above ("90").
pub fn parse_duration(text: &str) -> Option<i64> {
    let bare: Option<i64> = text.trim().parse().ok();
    let minutes = match bare {
        Some(n) if n > 12 => n,
        _ => parse_minutes(text)?,
    };
    (1..=12 * 60).contains(&minutes).then_some(minutes)
}

/// A column an import understands, and the headers that name it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Column {
    /// The field's name in Volant (and in the mapping the office sends).
    pub field: &'static str,
    /// Header keys (see `header_key`) that mean this field, French and English.
    pub aliases: &'static [&'static str],
    pub required: bool,
}

const fn col(field: &'static str, aliases: &'static [&'static str], required: bool) -> Column {
    Column { field, aliases, required }
}

/// The student file's columns.
pub const STUDENT_COLUMNS: &[Column] = &[
    col("last_name", &["nom", "nom_de_famille", "last_name", "lastname", "surname", "nom_usage"], true),
    col("first_name", &["prenom", "prenoms", "first_name", "firstname", "given_name"], true),
    col(
        "birth_date",
        &["date_de_naissance", "naissance", "ne_le", "nee_le", "birth_date", "birthdate", "date_of_birth", "dob"],
        true,
    ),
    col("email", &["email", "e_mail", "mail", "courriel", "adresse_email", "adresse_mail"], false),
    col("phone", &["telephone", "tel", "portable", "mobile", "phone", "phone_number"], false),
    col("address", &["adresse", "adresse_postale", "address"], false),
    col("birth_place", &["lieu_de_naissance", "birth_place", "place_of_birth"], false),
    col("neph", &["neph", "numero_neph", "n_neph"], false),
    col("category", &["categorie", "formation", "category", "licence"], false),
    col(
        "guardian_last_name",
        &[
            "representant_legal",
            "responsable_legal",
            "nom_du_representant_legal",
            "nom_representant",
            "parent",
            "guardian",
            "guardian_name",
        ],
        false,
    ),
    col("guardian_first_name", &["prenom_du_representant_legal", "prenom_representant", "guardian_first_name"], false),
    col(
        "guardian_phone",
        &["telephone_du_representant_legal", "telephone_representant", "telephone_parent", "guardian_phone"],
        false,
    ),
    col(
        "guardian_email",
        &[
            "email_du_representant_legal",
            "e_mail_du_representant_legal",
            "email_representant",
            "email_parent",
            "guardian_email",
        ],
        false,
    ),
];

/// A student's balances: bookable hours left (and what was consumed before, for the record).
pub const BALANCE_COLUMNS: &[Column] = &[
    col("last_name", &["nom", "last_name", "lastname"], true),
    col("first_name", &["prenom", "first_name", "firstname"], true),
    col("birth_date", &["date_de_naissance", "naissance", "birth_date", "birthdate"], false),
    col("email", &["email", "e_mail", "mail", "courriel"], false),
    col("neph", &["neph", "numero_neph"], false),
    col(
        "hours",
        &["heures_restantes", "solde_heures", "solde", "heures", "credit", "hours", "hours_left", "balance"],
        true,
    ),
];

/// Booklet levels (REMC B items) reached in the previous school or software.
pub const BOOKLET_COLUMNS: &[Column] = &[
    col("last_name", &["nom", "last_name", "lastname"], true),
    col("first_name", &["prenom", "first_name", "firstname"], true),
    col("birth_date", &["date_de_naissance", "naissance", "birth_date", "birthdate"], false),
    col("email", &["email", "e_mail", "mail", "courriel"], false),
    col("neph", &["neph", "numero_neph"], false),
    col("item", &["item", "code", "code_item", "competence", "objectif", "item_code"], true),
    col("level", &["niveau", "level", "etat", "acquisition"], true),
    col("evaluated_on", &["date", "date_evaluation", "evalue_le", "evaluated_on"], false),
];

/// The columns that name the student of a planning or exam row: the student import's, or one
/// cell with both names ("Élève : Martin Léa", as planning exports write it).
const fn identity_columns() -> [Column; 6] {
    [
        col("last_name", &["nom", "nom_de_l_eleve", "last_name", "lastname"], true),
        col("first_name", &["prenom", "prenom_de_l_eleve", "first_name", "firstname"], true),
        col("student", &["eleve", "candidat", "stagiaire", "student", "nom_et_prenom", "nom_prenom"], false),
        col("birth_date", &["date_de_naissance", "naissance", "birth_date", "birthdate"], false),
        col("email", &["email", "e_mail", "mail", "courriel", "email_de_l_eleve"], false),
        col("neph", &["neph", "numero_neph"], false),
    ]
}

/// Future lessons of the previous planning.
pub const LESSON_COLUMNS: &[Column] = &{
    let [a, b, c, d, e, f] = identity_columns();
    [
        a,
        b,
        c,
        d,
        e,
        f,
        col("date", &["date", "jour", "date_de_la_lecon", "date_lecon", "date_de_la_seance", "day"], true),
        col("start", &["debut", "heure", "heure_de_debut", "heure_debut", "de", "start", "start_time"], true),
        col("end", &["fin", "heure_de_fin", "heure_fin", "a", "end", "end_time"], false),
        col("duration", &["duree", "duree_min", "duration", "minutes"], false),
        col("instructor", &["moniteur", "enseignant", "formateur", "instructor", "email_du_moniteur"], true),
        col("vehicle", &["vehicule", "voiture", "immatriculation", "vehicle", "car", "plate"], false),
        col("lesson_kind", &["type", "nature", "type_de_seance", "prestation", "kind"], false),
        col("lesson_status", &["statut", "etat", "status"], false),
        col("meeting_point", &["lieu", "lieu_de_rendez_vous", "rendez_vous", "depart", "meeting_point"], false),
        col("note", &["remarque", "commentaire", "observation", "note"], false),
    ]
};

/// Exams taken or booked before.
pub const EXAM_COLUMNS: &[Column] = &{
    let [a, b, c, d, e, f] = identity_columns();
    [
        a,
        b,
        c,
        d,
        e,
        f,
        col("exam_kind", &["epreuve", "examen", "type", "type_d_examen", "exam", "kind"], true),
        col("exam_date", &["date", "date_de_l_examen", "date_examen", "date_de_passage", "scheduled_at"], true),
        col("time", &["heure", "horaire", "time"], false),
        col("centre", &["centre", "centre_d_examen", "lieu", "centre_examen"], false),
        col("result", &["resultat", "decision", "result"], false),
        col("score", &["note", "score", "bonnes_reponses", "points"], false),
    ]
};

/// A time of day as offices write it: `14:30`, `14h30`, `14h`, `14:30:00`, or the fraction of a day
/// a spreadsheet cell holds (0.5 is noon).
pub fn parse_time(text: &str) -> Option<NaiveTime> {
    let t = text.trim().to_lowercase().replace(' ', "");
    for format in ["%H:%M", "%H:%M:%S", "%Hh%M"] {
        if let Ok(time) = NaiveTime::parse_from_str(&t, format) {
            return Some(time);
        }
    }
    if let Some(hours) = t.strip_suffix('h') {
        return NaiveTime::from_hms_opt(hours.parse().ok()?, 0, 0);
    }
    let fraction: f64 = t.replace(',', ".").parse().ok()?;
    if (0.0..1.0).contains(&fraction) {
        let seconds = (fraction * 86_400.0).round() as u32;
        return NaiveTime::from_num_seconds_from_midnight_opt(seconds - seconds % 60, 0);
    }
    None
}

/// A date with, maybe, its time: `JJ/MM/AAAA HH:MM` (what Volant's export writes), `AAAA-MM-JJTHH:MM`,
/// a date alone, or an Excel serial day whose fraction is the time.
pub fn parse_date_time(text: &str) -> Option<(NaiveDate, Option<NaiveTime>)> {
    let t = text.trim();
    if let Some(date) = parse_date(t) {
        let serial_time = t.split_once(['.', ',']).filter(|_| !t.contains('/') && !t.contains('-'));
        let time = serial_time.and_then(|(_, f)| parse_time(&format!("0.{f}"))).filter(|t| *t != NaiveTime::MIN);
        return Some((date, time));
    }
    let (day, time) = t.split_once([' ', 'T'])?;
    Some((parse_date(day)?, Some(parse_time(time)?)))
}

/// The kinds of session a planning file holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SessionKind {
    Driving,
    /// The start evaluation (évaluation de départ).
    Evaluation,
    /// Anything else: code sessions, exams, unavailabilities (each has its own way in).
    Other,
}

/// A session's kind as planning exports name it; an empty cell is a driving lesson.
pub fn parse_session_kind(text: &str) -> SessionKind {
    let key = header_key(text);
    let has = |w: &str| key.split('_').any(|k| k == w);
    if key.is_empty() || has("conduite") || has("driving") || has("lecon") || has("pratique") || has("circulation") {
        SessionKind::Driving
    } else if has("evaluation") {
        SessionKind::Evaluation
    } else {
        SessionKind::Other
    }
}

/// Whether a planning row's status says it is still to come (an empty cell does).
pub fn is_planned(status: &str) -> bool {
    matches!(
        header_key(status).as_str(),
        "" | "planned" | "prevue" | "prevu" | "planifiee" | "a_venir" | "confirmee" | "reservee" | "reserve"
    )
}

/// An exam's kind: the theory test (code, ETG) or the practical one.
pub fn parse_exam_kind(text: &str) -> Option<ExamKind> {
    let key = header_key(text);
    let has = |w: &str| key.split('_').any(|k| k == w);
    if has("code") || has("etg") || has("etm") || has("theorique") || has("theorie") || has("theory") {
        Some(ExamKind::Theory)
    } else if has("conduite") || has("pratique") || has("practical") || has("permis") || has("circulation") {
        Some(ExamKind::Practical)
    } else {
        None
    }
}

/// An exam's result in the words of the administration, of offices, or in English; an empty cell
/// is a test still to come.
pub fn parse_exam_result(text: &str) -> Option<ExamResult> {
    match header_key(text).as_str() {
        "" | "en_attente" | "a_venir" | "pending" | "prevu" | "inscrit" => Some(ExamResult::Pending),
        "reussi" | "reussite" | "admis" | "recu" | "favorable" | "obtenu" | "passed" | "pass" => {
            Some(ExamResult::Passed)
        }
        "echoue" | "echec" | "ajourne" | "defavorable" | "insuffisant" | "refuse" | "failed" | "fail" => {
            Some(ExamResult::Failed)
        }
        "absent" | "absence" | "absente" => Some(ExamResult::Absent),
        "annule" | "annulee" | "cancelled" | "canceled" => Some(ExamResult::Cancelled),
        _ => None,
    }
}

/// A booklet level as offices write it: the REMC's words (or the school's usual ones), English,
/// or 0 to 3.
pub fn parse_level(text: &str) -> Option<crate::booklet::Level> {
    use crate::booklet::Level;
    match header_key(text).as_str() {
        "non_aborde" | "0" | "not_started" | "non_vu" => Some(Level::NonAborde),
        "aborde" | "1" | "started" | "vu" => Some(Level::Aborde),
        "traite" | "2" | "covered" | "en_cours" => Some(Level::Traite),
        "assimile" | "3" | "acquis" | "acquired" | "mastered" => Some(Level::Assimile),
        _ => None,
    }
}

/// Where each field is in a file: the column index of every known field, from the headers or
/// from the office's mapping (header → field, which wins; `""` ignores a column). The headers
/// no field claims are returned so that the office can map them.
pub fn locate<'a>(
    headers: &'a [String],
    columns: &[Column],
    mapping: &[(String, String)],
) -> (Vec<(&'static str, usize)>, Vec<&'a str>) {
    let mut found: Vec<(&'static str, usize)> = vec![];
    let mut unknown = vec![];
    for (i, header) in headers.iter().enumerate() {
        let mapped = mapping.iter().find(|(h, _)| h.trim() == header.trim()).map(|(_, f)| f.as_str());
        let column = match mapped {
            Some(field) => columns.iter().find(|c| c.field == field),
            None => columns.iter().find(|c| c.aliases.contains(&header_key(header).as_str())),
        };
        match column {
            Some(c) if !found.iter().any(|(f, _)| *f == c.field) => found.push((c.field, i)),
            Some(_) => {}
            None if mapped.is_some() || header.trim().is_empty() => {}
            None => unknown.push(header.as_str()),
        }
    }
    (found, unknown)
}

/// The columns a file lacks.
/// A student's name in one cell (`student`) stands for the name columns.
pub fn missing(found: &[(&'static str, usize)], columns: &[Column]) -> Vec<&'static str> {
    let has = |field: &str| found.iter().any(|(f, _)| *f == field);
    let full_name = has("student");
    columns
        .iter()
        .filter(|c| c.required && !has(c.field))
        .filter(|c| !(full_name && matches!(c.field, "last_name" | "first_name")))
        .map(|c| c.field)
        .collect()
}

/// The French name of a field, for the messages.
pub fn label(field: &str) -> &'static str {
    match field {
        "last_name" => "Nom",
        "first_name" => "Prénom",
        "birth_date" => "Date de naissance",
        "email" => "E-mail",
        "phone" => "Téléphone",
        "address" => "Adresse",
        "birth_place" => "Lieu de naissance",
        "neph" => "NEPH",
        "category" => "Catégorie",
        "hours" => "Heures restantes",
        "item" => "Item",
        "level" => "Niveau",
        "evaluated_on" => "Date",
        "guardian" | "guardian_last_name" => "Représentant légal",
        "guardian_first_name" => "Prénom du représentant légal",
        "guardian_phone" => "Téléphone du représentant légal",
        "guardian_email" => "E-mail du représentant légal",
        "student" => "Élève",
        "date" | "exam_date" => "Date",
        "start" => "Début",
        "end" => "Fin",
        "duration" => "Durée",
        "instructor" => "Moniteur",
        "vehicle" => "Véhicule",
        "lesson_kind" => "Type de séance",
        "lesson_status" => "Statut",
        "meeting_point" => "Lieu de rendez-vous",
        "note" => "Remarque",
        "exam_kind" => "Épreuve",
        "time" => "Heure",
        "centre" => "Centre d'examen",
        "result" => "Résultat",
        "score" => "Note",
        _ => "Colonne",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_1252_accents_survive_and_utf8_keeps_its_own() {
        // "Éloïse;Cœur" saved by Excel on a French Windows.
        let cp1252 = b"\xC9lo\xEFse;C\x9Cur \x80";
        assert_eq!(decode(cp1252), "Éloïse;Cœur €");
        assert_eq!(decode("\u{feff}Éloïse".as_bytes()), "Éloïse");
        assert_eq!(decode("Noël".as_bytes()), "Noël");
    }

    #[test]
    fn csv_fields_are_split_on_the_headers_separator_with_quotes() {
        let rows = parse_csv(
            "Nom;Prénom;Adresse\r\nMartin;Léa;\"3 rue A; bât. B\"\r\n\r\n\"Du \"\"Pont\"\"\";Jean;\"ligne 1\nligne 2\"\n",
        );
        assert_eq!(rows.len(), 3);
        assert_eq!(rows[1], ["Martin", "Léa", "3 rue A; bât. B"]);
        assert_eq!(rows[2], ["Du \"Pont\"", "Jean", "ligne 1\nligne 2"]);
        assert_eq!(parse_csv("a,b\n1,2")[1], ["1", "2"]);
        assert_eq!(parse_csv("a\tb\n1\t2")[1], ["1", "2"]);
    }

    #[test]
    fn dates_and_hours_as_offices_write_them() {
        let d = NaiveDate::from_ymd_opt(2004, 2, 3);
        assert_eq!(parse_date("03/02/2004"), d);
        assert_eq!(parse_date("2004-02-03"), d);
        assert_eq!(parse_date("03.02.2004"), d);
        assert_eq!(parse_date("38020"), d, "Excel's serial day");
        assert_eq!(parse_date("31/02/2004"), None);
        assert_eq!(parse_date("demain"), None);
        assert_eq!(parse_minutes("12"), Some(720));
        assert_eq!(parse_minutes("12,5"), Some(750));
        assert_eq!(parse_minutes("1h30"), Some(90));
        assert_eq!(parse_minutes("2 h"), Some(120));
        assert_eq!(parse_minutes("1h75"), None);
        assert_eq!(parse_minutes("-1h30"), Some(-90), "an overdrawn balance, as the export writes it");
        assert_eq!(parse_minutes("beaucoup"), None);
        assert_eq!(parse_duration("1h30"), Some(90));
        assert_eq!(parse_duration("2"), Some(120), "a bare small number is hours");
        assert_eq!(parse_duration("90"), Some(90), "a bare large number is minutes");
        assert_eq!(parse_duration("0"), None);
        assert_eq!(parse_duration("13h"), None, "longer than a session");
    }

    #[test]
    fn times_and_dates_with_times() {
        let t = |h, m| NaiveTime::from_hms_opt(h, m, 0);
        assert_eq!(parse_time("14:30"), t(14, 30));
        assert_eq!(parse_time("14h30"), t(14, 30));
        assert_eq!(parse_time("9 h"), t(9, 0));
        assert_eq!(parse_time("08:15:00"), t(8, 15));
        assert_eq!(parse_time("0,5"), t(12, 0), "a spreadsheet's fraction of a day");
        assert_eq!(parse_time("25:00"), None);
        let d = NaiveDate::from_ymd_opt(2027, 1, 15).unwrap();
        assert_eq!(parse_date_time("15/01/2027 10:40"), Some((d, t(10, 40))));
        assert_eq!(parse_date_time("2027-01-15T10:40"), Some((d, t(10, 40))));
        assert_eq!(parse_date_time("15/01/2027"), Some((d, None)));
        assert_eq!(parse_date_time("46402.4444444"), Some((d, t(10, 40))), "Excel: day and time in one number");
        assert_eq!(parse_date_time("15/01/2027 midi"), None);
    }

    #[test]
    fn sessions_and_exams_in_the_words_of_offices() {
        assert_eq!(parse_session_kind(""), SessionKind::Driving);
        assert_eq!(parse_session_kind("Leçon de conduite"), SessionKind::Driving);
        assert_eq!(parse_session_kind("driving"), SessionKind::Driving);
        assert_eq!(parse_session_kind("Évaluation de départ"), SessionKind::Evaluation);
        assert_eq!(parse_session_kind("code"), SessionKind::Other);
        assert!(is_planned("") && is_planned("Prévue") && is_planned("planned"));
        assert!(!is_planned("done") && !is_planned("Annulée"));
        assert_eq!(parse_exam_kind("ETG"), Some(ExamKind::Theory));
        assert_eq!(parse_exam_kind("Code"), Some(ExamKind::Theory));
        assert_eq!(parse_exam_kind("Épreuve pratique"), Some(ExamKind::Practical));
        assert_eq!(parse_exam_kind("Conduite"), Some(ExamKind::Practical));
        assert_eq!(parse_exam_kind("moto"), None);
        assert_eq!(parse_exam_result("Réussi"), Some(ExamResult::Passed));
        assert_eq!(parse_exam_result("AJOURNÉ"), Some(ExamResult::Failed));
        assert_eq!(parse_exam_result("failed"), Some(ExamResult::Failed), "what Volant's export writes");
        assert_eq!(parse_exam_result(""), Some(ExamResult::Pending));
        assert_eq!(parse_exam_result("peut-être"), None);
    }

    #[test]
    fn a_name_in_one_cell_stands_for_the_name_columns() {
        let headers: Vec<String> = ["Date", "Début", "Fin", "Type", "Statut", "Élève", "Moniteur", "Véhicule", "Lieu"]
            .map(String::from)
            .into();
        let (found, unknown) = locate(&headers, LESSON_COLUMNS, &[]);
        assert!(unknown.is_empty(), "Volant's own lecons.csv: {unknown:?}");
        assert_eq!(missing(&found, LESSON_COLUMNS), Vec::<&str>::new());
        let exams: Vec<String> =
            ["Nom", "Prénom", "NEPH", "Épreuve", "Date", "Centre", "Résultat", "Note"].map(String::from).into();
        let (found, unknown) = locate(&exams, EXAM_COLUMNS, &[]);
        assert!(unknown.is_empty(), "Volant's own examens.csv: {unknown:?}");
        assert_eq!(missing(&found, EXAM_COLUMNS), Vec::<&str>::new());
        let (found, _) = locate(&["Date".to_string(), "Heure".to_string()], LESSON_COLUMNS, &[]);
        assert_eq!(missing(&found, LESSON_COLUMNS), ["last_name", "first_name", "instructor"]);
    }

    #[test]
    fn booklet_levels_in_words_or_numbers() {
        use crate::booklet::Level;
        assert_eq!(parse_level("Non abordé"), Some(Level::NonAborde));
        assert_eq!(parse_level("ASSIMILÉ"), Some(Level::Assimile));
        assert_eq!(parse_level("2"), Some(Level::Traite));
        assert_eq!(parse_level("covered"), Some(Level::Traite));
        assert_eq!(parse_level("presque"), None);
    }

    #[test]
    fn headers_are_found_in_french_or_english_and_the_mapping_wins() {
        let headers: Vec<String> =
            ["NOM", "Prénom", "Date de naissance", "E-mail", "Code client"].iter().map(|s| s.to_string()).collect();
        let (found, unknown) = locate(&headers, STUDENT_COLUMNS, &[]);
        assert_eq!(found, [("last_name", 0), ("first_name", 1), ("birth_date", 2), ("email", 3)]);
        assert_eq!(unknown, ["Code client"]);
        let mapping = [("Code client".to_string(), "neph".to_string()), ("E-mail".to_string(), String::new())];
        let (found, unknown) = locate(&headers, STUDENT_COLUMNS, &mapping);
        assert!(found.contains(&("neph", 4)) && !found.iter().any(|(f, _)| *f == "email"), "{found:?}");
        assert!(unknown.is_empty());
        let english: Vec<String> = ["first_name", "last_name"].iter().map(|s| s.to_string()).collect();
        let (found, _) = locate(&english, STUDENT_COLUMNS, &[]);
        assert_eq!(missing(&found, STUDENT_COLUMNS), ["birth_date"]);
    }
}
