//! Imports from the previous software: a job with progress whose report names every row; a
//! refused row writes nothing (unless partial); a second run changes nothing; Windows-1252 and
//! XLSX read as a French office saves them.

use std::io::Write;

use serde_json::{Value, json};
use volant_domain::role::Role;

use crate::helpers::*;

/// Sends an import and waits for its job to finish; the job.
pub async fn import(app: &TestApp, api: &Api, kind: &str, name: &str, bytes: &[u8], extra: &[(&str, &str)]) -> Value {
    let mut form = reqwest::multipart::Form::new()
        .text("kind", kind.to_owned())
        .part("file", reqwest::multipart::Part::bytes(bytes.to_vec()).file_name(name.to_owned()));
    for (k, v) in extra {
        form = form.text((*k).to_owned(), (*v).to_owned());
    }
    let mut req = api.client.post(format!("{}/api/v1/imports", api.base)).multipart(form);
    if let Some(t) = &api.csrf {
        req = req.header("X-CSRF-Token", t);
    }
    let r = req.send().await.unwrap();
    assert_eq!(r.status(), 202, "{:?}", r.text().await);
    let location = r.headers()["location"].to_str().unwrap().to_owned();
    let job: Value = r.json().await.unwrap();
    assert_eq!(location, format!("/api/v1/jobs/{}", id(&job)));
    app.wait_jobs_idle().await;
    let done = api.json(&location).await;
    assert_eq!(done["status"], "done", "{done}");
    done
}

fn windows_1252(text: &str) -> Vec<u8> {
    text.chars()
        .map(|c| match c {
            'œ' => 0x9C,
            c if (c as u32) < 256 => c as u32 as u8,
            _ => b'?',
        })
        .collect()
}

async fn count(api: &Api, q: &str) -> usize {
    api.json(&format!("/api/v1/students?q={q}")).await["items"].as_array().unwrap().len()
}

#[tokio::test]
async fn a_bad_row_writes_nothing_is_named_and_a_second_import_changes_nothing() {
    let app = spawn_app().await;
    app.seed_schools().await;
    let admin = app.login_as(Role::Admin, 'a').await;
    let bad = windows_1252(
        "NOM;Prénom;Date de naissance;E-mail;Code client\r\n\
         Ménard;Éloïse;03/02/2004;eloise.menard@exemple.fr;C-001\r\n\
         Cœur;Noël;31/02/2004;;C-002\r\n\
         Durand;;1999-12-01;;C-003\r\n",
    );
    let job = import(&app, &admin, "students", "eleves.csv", &bad, &[]).await;
    let r = &job["result"];
    assert_eq!((r["rows"].as_u64(), r["created"].as_u64(), r["errors"].as_u64()), (Some(3), Some(1), Some(2)), "{r}");
    assert_eq!(r["written"], false);
    assert_eq!(r["unknown_columns"], json!(["Code client"]));
    assert_eq!((job["progress"]["done"].as_u64(), job["progress"]["total"].as_u64()), (Some(3), Some(3)));
    let rows = r["report"].as_array().unwrap();
    assert_eq!(rows[1]["row"], 3);
    assert_eq!(rows[1]["errors"][0]["column"], "Date de naissance");
    assert!(rows[1]["errors"][0]["message"].as_str().unwrap().contains("« 31/02/2004 » n'est pas une date"), "{r}");
    assert_eq!(rows[2]["errors"][0]["column"], "Prénom");
    assert_eq!(count(&admin, "menard").await, 0, "nothing written");

    // Partial: the good row is written; the accents of Windows-1252 survive.
    let job = import(&app, &admin, "students", "eleves.csv", &bad, &[("partial", "true")]).await;
    assert_eq!((job["result"]["written"].as_bool(), job["result"]["created"].as_u64()), (Some(true), Some(1)));
    let found = admin.json("/api/v1/students?q=menard").await;
    assert_eq!(found["items"][0]["first_name"], "Éloïse");

    // Fixed and imported whole (the unknown column mapped to the NEPH): Éloïse is updated, the
    // others created; the same file again changes nothing.
    let good = "Nom;Prénom;Date de naissance;E-mail;Code client;Téléphone\n\
                Ménard;Éloïse;03/02/2004;eloise.menard@exemple.fr;123456789012;0601020304\n\
                Cœur;Noël;28/02/2004;;\n\
                Durand;Paul;1999-12-01;;\n";
    let mapping = [("mapping", r#"{"Code client": "neph"}"#)];
    let job = import(&app, &admin, "students", "eleves.csv", good.as_bytes(), &mapping).await;
    let r = &job["result"];
    assert_eq!(
        (r["created"].as_u64(), r["updated"].as_u64(), r["errors"].as_u64()),
        (Some(2), Some(1), Some(0)),
        "{r}"
    );
    let audit_before = admin.json("/api/v1/audit-log?entity=student").await["items"].as_array().unwrap().len();
    let job = import(&app, &admin, "students", "eleves.csv", good.as_bytes(), &mapping).await;
    assert_eq!(job["result"]["skipped"], 3, "{}", job["result"]);
    let audit_after = admin.json("/api/v1/audit-log?entity=student").await["items"].as_array().unwrap().len();
    assert_eq!(audit_before, audit_after, "a second import writes nothing");
    assert_eq!(count(&admin, "coeur").await, 1);

    // A dry run reports and writes nothing; another school sees none of it.
    // A minor needs a legal guardian, given in columns of their own.
    let minor = "Nom;Prénom;Date de naissance;Représentant légal;Téléphone du représentant légal\n\
                 Jeune;Sans;01/01/2012;;\n\
                 Jeune;Avec;01/01/2012;Jeune Marie;0601020304\n";
    let job = import(&app, &admin, "students", "mineurs.csv", minor.as_bytes(), &[("partial", "true")]).await;
    let r = &job["result"];
    assert_eq!((r["created"].as_u64(), r["errors"].as_u64()), (Some(1), Some(1)), "{r}");
    assert!(r["report"][0]["errors"][0]["message"].as_str().unwrap().contains("représentant légal"), "{r}");
    let more = "Nom;Prénom;Date de naissance\nNouveau;Test;01/01/2001\n";
    let job = import(&app, &admin, "students", "eleves.csv", more.as_bytes(), &[("dry_run", "true")]).await;
    assert_eq!((job["result"]["created"].as_u64(), job["result"]["written"].as_bool()), (Some(1), Some(false)));
    assert_eq!(count(&admin, "nouveau").await, 0);
    let other = app.login_as(Role::Admin, 'b').await;
    assert_eq!(other.get(&format!("/api/v1/jobs/{}", id(&job))).await.status(), 404);
    assert_eq!(app.login_as(Role::Secretary, 'a').await.get(&format!("/api/v1/jobs/{}", id(&job))).await.status(), 403);
}

/// A minimal workbook as Excel writes one: shared strings and a first sheet.
fn workbook(rows: &[&[&str]]) -> Vec<u8> {
    let mut strings: Vec<String> = vec![];
    let mut sheet =
        String::from("<worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><sheetData>");
    for (r, row) in rows.iter().enumerate() {
        sheet.push_str(&format!("<row r=\"{}\">", r + 1));
        for (c, cell) in row.iter().enumerate() {
            let reference = format!("{}{}", (b'A' + c as u8) as char, r + 1);
            if let Ok(n) = cell.parse::<f64>() {
                sheet.push_str(&format!("<c r=\"{reference}\"><v>{n}</v></c>"));
            } else {
                strings.push(cell.replace('&', "&amp;"));
                sheet.push_str(&format!("<c r=\"{reference}\" t=\"s\"><v>{}</v></c>", strings.len() - 1));
            }
        }
        sheet.push_str("</row>");
    }
    sheet.push_str("</sheetData></worksheet>");
    let shared = format!(
        "<sst xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\">{}</sst>",
        strings.iter().map(|s| format!("<si><t>{s}</t></si>")).collect::<String>()
    );
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default();
    zip.start_file("xl/sharedStrings.xml", options).unwrap();
    zip.write_all(shared.as_bytes()).unwrap();
    zip.start_file("xl/worksheets/sheet1.xml", options).unwrap();
    zip.write_all(sheet.as_bytes()).unwrap();
    zip.finish().unwrap().into_inner()
}

#[tokio::test]
async fn an_excel_workbook_and_the_hour_balances_import_once() {
    let app = spawn_app().await;
    app.seed_schools().await;
    let admin = app.login_as(Role::Admin, 'a').await;
    // English headers, a date as Excel stores it (a serial day number).
    let book = workbook(&[
        &["Last name", "First name", "Birth date", "Email"],
        &["Martin", "Léa", "38020", "lea.martin@exemple.fr"],
        &["Petit & Fils", "Hugo", "12/05/2001", ""],
    ]);
    let job = import(&app, &admin, "students", "export.xlsx", &book, &[]).await;
    assert_eq!(job["result"]["created"], 2, "{}", job["result"]);
    let lea = admin.json("/api/v1/students?q=martin").await["items"][0].clone();
    assert_eq!(lea["birth_date"], "2004-02-03");

    let balances = "Nom;Prénom;Date de naissance;Heures restantes\n\
                    Martin;Léa;03/02/2004;12,5\n\
                    Petit & Fils;Hugo;12/05/2001;1h30\n\
                    Inconnu;Personne;01/01/2000;4\n";
    let job = import(&app, &admin, "balances", "soldes.csv", balances.as_bytes(), &[("partial", "true")]).await;
    let r = &job["result"];
    assert_eq!((r["updated"].as_u64(), r["errors"].as_u64()), (Some(2), Some(1)), "{r}");
    assert!(r["report"][2]["errors"][0]["message"].as_str().unwrap().starts_with("Aucun élève"), "{r}");
    let hours = admin.json(&format!("/api/v1/students/{}/hours", id(&lea))).await;
    assert_eq!(hours["remaining_minutes"], 750);
    let job = import(&app, &admin, "balances", "soldes.csv", balances.as_bytes(), &[("partial", "true")]).await;
    assert_eq!(job["result"]["skipped"], 2, "{}", job["result"]);
    assert_eq!(admin.json(&format!("/api/v1/students/{}/hours", id(&lea))).await["remaining_minutes"], 750);

    // A file without the columns it needs names them; nothing is read further.
    let job = import(&app, &admin, "balances", "soldes.csv", b"Nom;Solde\nMartin;3\n", &[]).await;
    assert_eq!(job["result"]["missing_columns"], json!(["Prénom"]), "{}", job["result"]);
    let r = problem(admin.post("/api/v1/imports", &json!({"kind": "students"})).await, 415).await;
    assert!(r["detail"].as_str().unwrap().contains("multipart"), "{r}");
}

fn unzip(bytes: &[u8]) -> std::collections::BTreeMap<String, Vec<u8>> {
    use std::io::Read;
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes.to_vec())).unwrap();
    let mut out = std::collections::BTreeMap::new();
    for i in 0..zip.len() {
        let mut f = zip.by_index(i).unwrap();
        let mut data = vec![];
        f.read_to_end(&mut data).unwrap();
        out.insert(f.name().unwrap().into_owned(), data);
    }
    out
}

/// The items a student has reached, with their level.
async fn levels(api: &Api, student: &str) -> Vec<(String, String)> {
    let booklet = api.json(&format!("/api/v1/students/{student}/booklet")).await;
    let mut out = vec![];
    for c in booklet["competencies"].as_array().unwrap() {
        for i in c["items"].as_array().unwrap() {
            if i["level"] != "non_aborde" {
                out.push((i["code"].as_str().unwrap().to_owned(), i["level"].as_str().unwrap().to_owned()));
            }
        }
    }
    out
}

async fn students_by_name(api: &Api) -> Vec<(String, String)> {
    let list = api.json("/api/v1/students?limit=200").await;
    let mut out: Vec<(String, String)> = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| (format!("{} {} {}", s["last_name"], s["first_name"], s["birth_date"]), id(s)))
        .collect();
    out.sort();
    out
}

/// A student's exams: kind, instant, centre, result, score.
async fn exams_of(api: &Api, student: &str) -> Vec<String> {
    let list = api.json(&format!("/api/v1/exams?student_id={student}")).await;
    let mut out: Vec<String> = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| {
            let at = chrono::DateTime::parse_from_rfc3339(x["scheduled_at"].as_str().unwrap()).unwrap();
            format!("{} {} {} {} {}", x["kind"], at.timestamp(), x["centre"], x["result"], x["score"])
        })
        .collect();
    out.sort();
    out
}

/// The planned lessons of `[from, to)`: student and start.
async fn planned_between(
    api: &Api,
    (from, to): (chrono::DateTime<chrono::Utc>, chrono::DateTime<chrono::Utc>),
) -> Vec<(String, String)> {
    let path =
        format!("/api/v1/lessons?from={}&to={}", from.format("%Y-%m-%dT%H:%M:%SZ"), to.format("%Y-%m-%dT%H:%M:%SZ"));
    api.json(&path).await["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|l| l["status"] == "planned")
        .map(|l| (l["student_id"].as_str().unwrap_or_default().to_owned(), l["starts_at"].as_str().unwrap().to_owned()))
        .collect()
}

/// A day `days` from today in Paris, as a file writes it (JJ/MM/AAAA), and at a time, as an instant.
fn paris_day(days: i64) -> (String, impl Fn(u32, u32) -> chrono::DateTime<chrono::Utc>) {
    use chrono::TimeZone;
    let day = (chrono::Utc::now().with_timezone(&chrono_tz::Europe::Paris) + chrono::Duration::days(days)).date_naive();
    let at = move |h: u32, m: u32| {
        chrono_tz::Europe::Paris
            .from_local_datetime(&day.and_hms_opt(h, m, 0).unwrap())
            .earliest()
            .unwrap()
            .with_timezone(&chrono::Utc)
    };
    (day.format("%d/%m/%Y").to_string(), at)
}

#[tokio::test]
async fn future_lessons_go_through_the_planning_and_the_exam_history_imports_once() {
    let app = spawn_app().await;
    app.seed_schools().await;
    let fx = app.fixtures('a').await;
    let admin = app.login_as(Role::Admin, 'a').await;
    // A second student, free, with hours, to meet the first in a conflict.
    let hugo = created(
        admin
            .post(
                "/api/v1/students",
                &json!({"first_name": "Hugo", "last_name": "Dubois", "birth_date": "2001-02-03", "ants_status": "validated"}),
            )
            .await,
    )
    .await;
    let balance = "Nom;Prénom;Date de naissance;Heures restantes\nDubois;Hugo;03/02/2001;10\n";
    assert_eq!(import(&app, &admin, "balances", "soldes.csv", balance.as_bytes(), &[]).await["result"]["updated"], 1);
    let (day, at) = paris_day(30);
    let (past, _) = paris_day(-3);
    // Planning exports name the student in one cell, the instructor by name, the car by plate.
    let file = format!(
        "Date;Début;Fin;Élève;Moniteur;Véhicule;Type;Statut;Lieu\n\
         {day};10:00;11:00;Élève a Léa;Jean Moniteur a;aa100aa;Conduite;Prévue;Gare\n\
         {day};10:30;11:30;Dubois Hugo;Moniteur a Jean;AA-100-AA;Conduite;;\n\
         {past};10:00;11:00;Élève a Léa;Jean Moniteur a;AA-100-AA;Conduite;Réalisée;\n\
         {day};08:00;09:00;Élève a Léa;;;Code;;\n\
         {day};14:00;15:00;Élève a Léa;Paul Inconnu;AA-100-AA;;;\n\
         {day};16:00;;Élève a Léa;Jean Moniteur a;AA-100-AA;Conduite;;\n"
    );
    // Atomic by default: refused rows, nothing written.
    let job = import(&app, &admin, "lessons", "planning.csv", file.as_bytes(), &[]).await;
    let r = &job["result"];
    assert_eq!(
        (r["created"].as_u64(), r["ignored"].as_u64(), r["errors"].as_u64(), r["written"].as_bool()),
        (Some(1), Some(2), Some(3), Some(false)),
        "{r}"
    );
    let report = r["report"].as_array().unwrap();
    assert_eq!(report[1]["status"], "error", "Hugo's lesson meets Léa's instructor: {r}");
    assert_eq!(report[1]["name"], "Dubois Hugo");
    assert_eq!(report[0]["student_id"], fx.student.as_str());
    assert_ne!(report[0]["student_id"], hugo["id"]);
    assert!(report[1]["errors"][0]["message"].as_str().unwrap().contains("moniteur"), "{r}");
    assert_eq!(
        (report[2]["status"].as_str(), report[2]["errors"][0]["column"].as_str()),
        (Some("ignored"), Some("Statut"))
    );
    assert_eq!(
        (report[3]["status"].as_str(), report[3]["errors"][0]["column"].as_str()),
        (Some("ignored"), Some("Type"))
    );
    assert_eq!(report[4]["errors"][0]["column"], "Moniteur");
    assert_eq!(report[4]["errors"][0]["message"], "Aucun moniteur « Paul Inconnu » dans l'école.");
    assert_eq!(report[5]["errors"][0]["message"], "Il faut l'heure de fin ou la durée de la séance.");
    let window = (at(0, 0), at(23, 0));
    assert!(planned_between(&admin, window).await.is_empty(), "nothing written");

    // Partial: the good rows are booked (the ignored ones say why); the same file again books nothing.
    let job = import(&app, &admin, "lessons", "planning.csv", file.as_bytes(), &[("partial", "true")]).await;
    assert_eq!((job["result"]["created"].as_u64(), job["result"]["written"].as_bool()), (Some(1), Some(true)));
    let booked = planned_between(&admin, window).await;
    assert_eq!(booked.len(), 1, "{booked:?}");
    assert_eq!(booked[0].0, fx.student);
    assert_eq!(chrono::DateTime::parse_from_rfc3339(&booked[0].1).unwrap(), at(10, 0));
    let job = import(&app, &admin, "lessons", "planning.csv", file.as_bytes(), &[("partial", "true")]).await;
    assert_eq!(
        (job["result"]["created"].as_u64(), job["result"]["skipped"].as_u64()),
        (Some(0), Some(1)),
        "{}",
        job["result"]
    );
    assert_eq!(planned_between(&admin, window).await.len(), 1);
    // Another school's import does not see this school's people.
    let other = app.login_as(Role::Admin, 'b').await;
    let job = import(&app, &other, "lessons", "planning.csv", file.as_bytes(), &[("partial", "true")]).await;
    assert_eq!(job["result"]["created"], 0, "{}", job["result"]);
    assert!(job["result"]["report"][0]["errors"][0]["message"].as_str().unwrap().starts_with("Aucun élève"));

    // The exam history: a result already there is skipped, a new one recorded, the bad ones named.
    let (future, _) = paris_day(40);
    let exams = format!(
        "Nom;Prénom;Date de naissance;Épreuve;Date;Centre;Résultat;Note\n\
         Élève a;Léa;04/05/2000;Code;02/03/2026;La Poste Lyon 3;Réussi;37\n\
         Élève a;Léa;04/05/2000;Épreuve pratique;12/06/2026 10:40;Centre de Tours;Ajourné;\n\
         Élève a;Léa;04/05/2000;Moto;12/06/2026;;;\n\
         Élève a;Léa;04/05/2000;Conduite;{future};Centre de Tours;Réussi;\n\
         Élève a;Léa;04/05/2000;ETG;02/03/2026;;Échoué;\n"
    );
    let job = import(&app, &admin, "exams", "examens.csv", exams.as_bytes(), &[("partial", "true")]).await;
    let r = &job["result"];
    assert_eq!(
        (r["created"].as_u64(), r["skipped"].as_u64(), r["errors"].as_u64()),
        (Some(1), Some(1), Some(3)),
        "{r}"
    );
    let report = r["report"].as_array().unwrap();
    assert_eq!(report[2]["errors"][0]["column"], "Épreuve");
    assert_eq!(report[3]["errors"][0]["column"], "Résultat");
    assert!(report[3]["errors"][0]["message"].as_str().unwrap().contains("après la date"), "{r}");
    assert!(report[4]["errors"][0]["message"].as_str().unwrap().contains("autre résultat"), "{r}");
    let list = exams_of(&admin, &fx.student).await;
    let practical = chrono::DateTime::parse_from_rfc3339("2026-06-12T10:40:00+02:00").unwrap().timestamp();
    assert!(list.contains(&format!("\"practical\" {practical} \"Centre de Tours\" \"failed\" null")), "{list:?}");
    let job = import(&app, &admin, "exams", "examens.csv", exams.as_bytes(), &[("partial", "true")]).await;
    assert_eq!((job["result"]["created"].as_u64(), job["result"]["skipped"].as_u64()), (Some(0), Some(2)));
    assert_eq!(exams_of(&admin, &fx.student).await, list, "a second import changes nothing");
}

#[tokio::test]
async fn the_school_export_reimports_into_an_empty_school_to_the_same_figures() {
    let app = spawn_app().await;
    app.seed_schools().await;
    let fx = app.fixtures('a').await;
    let admin = app.login_as(Role::Admin, 'a').await;
    // Booklet levels reached elsewhere, through the booklet import.
    let livret = "Nom;Prénom;Date de naissance;Item;Niveau\n\
                  Élève a;Léa;04/05/2000;C1.1;assimilé\n\
                  Élève a;Léa;04/05/2000;c2.3;2\n\
                  Élève a;Léa;04/05/2000;C9.9;2\n\
                  Élève a;Léa;04/05/2000;C1.2;peut-être\n";
    let job = import(&app, &admin, "booklet", "livret.csv", livret.as_bytes(), &[("partial", "true")]).await;
    let r = &job["result"];
    assert_eq!((r["updated"].as_u64(), r["errors"].as_u64()), (Some(2), Some(2)), "{r}");
    assert_eq!(r["report"][2]["errors"][0]["column"], "Item");
    assert_eq!(r["report"][3]["errors"][0]["column"], "Niveau");
    let job = import(&app, &admin, "booklet", "livret.csv", livret.as_bytes(), &[("partial", "true")]).await;
    assert_eq!(job["result"]["skipped"], 2, "the same levels again change nothing");

    let r = admin.post("/api/v1/exports", &json!({"kind": "school"})).await;
    assert_eq!(r.status(), 202, "{:?}", r.text().await);
    let job: Value = r.json().await.unwrap();
    app.wait_jobs_idle().await;
    let job = admin.json(&format!("/api/v1/jobs/{}", id(&job))).await;
    assert_eq!(job["status"], "done", "{job}");
    let url = job["result_url"].as_str().expect("a file to download").to_owned();
    let r = admin.get(&url).await;
    assert_eq!(r.headers()["content-type"], "application/zip");
    let files = unzip(&r.bytes().await.unwrap());
    for name in [
        "eleves.csv",
        "soldes.csv",
        "livret.csv",
        "heures.csv",
        "lecons.csv",
        "examens.csv",
        "factures.csv",
        "reglements.csv",
        "moniteurs.csv",
        "vehicules.csv",
        "LISEZMOI.txt",
    ] {
        assert!(files.contains_key(name), "{name} in {:?}", files.keys());
    }
    let invoice_pdf =
        files.iter().find(|(n, _)| n.starts_with("factures/") && n.ends_with(".pdf")).expect("an invoice PDF");
    assert!(pdf_text(invoice_pdf.1).contains("FACTURE") || pdf_text(invoice_pdf.1).contains("Facture"));
    let booklet_pdf = files.iter().find(|(n, _)| n.starts_with("livrets/eleve-a-lea-")).expect("Léa's booklet PDF");
    assert!(pdf_text(booklet_pdf.1).contains("Léa"));
    assert_eq!(app.login_as(Role::Admin, 'b').await.get(&url).await.status(), 404);

    // Into the empty school B, in the README's order: the same students, balances and levels.
    let other = app.login_as(Role::Admin, 'b').await;
    for (kind, name) in
        [("students", "eleves.csv"), ("balances", "soldes.csv"), ("booklet", "livret.csv"), ("exams", "examens.csv")]
    {
        let job = import(&app, &other, kind, name, &files[name], &[]).await;
        assert_eq!(job["result"]["errors"], 0, "{name}: {}", job["result"]);
        assert_eq!(job["result"]["written"], true, "{name}");
    }
    let (before, after) = (students_by_name(&admin).await, students_by_name(&other).await);
    assert_eq!(before.iter().map(|s| &s.0).collect::<Vec<_>>(), after.iter().map(|s| &s.0).collect::<Vec<_>>());
    for ((_, a), (_, b)) in before.iter().zip(&after) {
        let hours_a = admin.json(&format!("/api/v1/students/{a}/hours")).await["remaining_minutes"].clone();
        let hours_b = other.json(&format!("/api/v1/students/{b}/hours")).await["remaining_minutes"].clone();
        assert_eq!(hours_a, hours_b);
        assert_eq!(levels(&admin, a).await, levels(&other, b).await);
        assert_eq!(exams_of(&admin, a).await, exams_of(&other, b).await);
    }
    assert!(!exams_of(&admin, &fx.student).await.is_empty(), "the round trip carries exams");
    assert_eq!(
        levels(&admin, &fx.student).await,
        [("C1.1".into(), "assimile".into()), ("C2.3".into(), "traite".into())]
    );
}

#[tokio::test]
async fn a_student_downloads_their_portable_dossier() {
    let app = spawn_app().await;
    app.seed_schools().await;
    let fx = app.fixtures('a').await;
    let student = app.login_as(Role::Student, 'a').await;
    let path = format!("/api/v1/students/{}/dossier.zip", fx.student);
    let r = student.get(&path).await;
    assert_eq!(r.status(), 200);
    assert!(r.headers()["content-disposition"].to_str().unwrap().contains("dossier-"), "{:?}", r.headers());
    let files = unzip(&r.bytes().await.unwrap());
    for name in
        ["LISEZMOI.txt", "livret.pdf", "heures.csv", "lecons.csv", "examens.csv", "factures.csv", "reglements.csv"]
    {
        assert!(files.contains_key(name), "{name} in {:?}", files.keys());
    }
    assert!(String::from_utf8_lossy(&files["LISEZMOI.txt"]).contains("Changer d'auto-école"));
    let eleves = String::from_utf8_lossy(&files["eleves.csv"]).to_string();
    assert_eq!(eleves.lines().count(), 2, "only this student: {eleves}");
    assert!(pdf_text(&files["livret.pdf"]).contains("Léa"));
    assert!(String::from_utf8_lossy(&files["examens.csv"]).contains("La Poste Lyon 3"));
    assert_eq!(app.login_as(Role::Admin, 'b').await.get(&path).await.status(), 404);
    assert_eq!(app.login_as(Role::Instructor, 'a').await.get(&path).await.status(), 403);
}
