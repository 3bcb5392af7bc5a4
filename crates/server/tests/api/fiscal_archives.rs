//! Fiscal archives and the technical journal (CGI art. 286 I 3° bis): a year's records signed in
//! a zip that `volant admin verify-archive` and `openssl` check without the database.

use std::io::{Cursor, Read, Write};
use std::process::Command;

use serde_json::{Value, json};
use volant_domain::role::Role;

use crate::helpers::*;

fn unzip(bytes: &[u8]) -> Vec<(String, Vec<u8>)> {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
    (0..zip.len())
        .map(|i| {
            let mut f = zip.by_index(i).unwrap();
            let mut content = Vec::new();
            f.read_to_end(&mut content).unwrap();
            (f.name().unwrap().into_owned(), content)
        })
        .collect()
}

fn rezip(files: &[(String, Vec<u8>)]) -> Vec<u8> {
    let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
    for (name, content) in files {
        out.start_file(name.as_str(), zip::write::SimpleFileOptions::default()).unwrap();
        out.write_all(content).unwrap();
    }
    out.finish().unwrap().into_inner()
}

/// `volant admin verify-archive FILE`: its exit status and its JSON verdict.
fn verify_archive(dir: &std::path::Path, name: &str, bytes: &[u8], key: Option<&str>) -> (bool, Value) {
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_volant"));
    cmd.args(["admin", "verify-archive"]).arg(&path);
    if let Some(key) = key {
        cmd.args(["--public-key", key]);
    }
    let out = cmd.output().unwrap();
    let verdict = serde_json::from_slice(&out.stdout).unwrap_or_else(|_| panic!("{out:?}"));
    (out.status.success(), verdict)
}

#[tokio::test]
async fn a_year_is_archived_signed_and_any_altered_line_is_named_offline() {
    let app = spawn_app().await;
    app.seed_schools().await;
    let fx = app.fixtures('a').await;
    let admin = app.login_as(Role::Admin, 'a').await;
    let body = json!({"student_id": fx.student, "invoice_id": fx.invoice, "method": "cheque", "amount_cents": 12_345});
    let cheque = id(&created(admin.post("/api/v1/payments", &body).await).await);
    let year = chrono::Utc::now().format("%Y").to_string().parse::<i32>().unwrap();

    // Nothing closed yet: nothing to archive.
    let p = problem(admin.post("/api/v1/fiscal-archives", &json!({"year": year})).await, 422).await;
    assert_eq!(p["rules"][0]["code"], "nothing_closed", "{p}");
    problem(admin.post("/api/v1/fiscal-archives", &json!({"year": "2026"})).await, 400).await;

    volant::billing::closures::close_due(&app.pool, chrono::Utc::now() + chrono::Duration::days(1)).await.unwrap();
    let r = admin.post("/api/v1/fiscal-archives", &json!({"year": year})).await;
    assert_eq!(r.status(), 201);
    assert_eq!(r.headers()["content-type"], "application/zip");
    let location = r.headers()["location"].to_str().unwrap().to_owned();
    let zip = r.bytes().await.unwrap().to_vec();

    // Kept: listed with the school's key, downloaded again byte for byte.
    let overview = admin.json("/api/v1/fiscal-archives").await;
    let archive =
        overview["archives"].as_array().unwrap().iter().find(|a| location.ends_with(a["id"].as_str().unwrap()));
    let archive = archive.expect("the new archive is listed");
    assert_eq!(archive["complete"], false, "the year is not closed");
    let again = admin.get(&location).await.bytes().await.unwrap().to_vec();
    assert_eq!(again, zip);
    let key = overview["public_key"].as_str().unwrap();

    // The content: chained CSV files, the manifest and its signature.
    let files = unzip(&zip);
    let file = |name: &str| files.iter().find(|(n, _)| n == name).map(|(_, c)| c.clone()).unwrap();
    let payments = String::from_utf8(file("reglements.csv")).unwrap();
    assert!(payments.starts_with("id;eleve;facture;recu_le;mode;montant_centimes;"), "{payments}");
    assert!(payments.contains(&cheque) && payments.contains(";cheque;12345;"), "{payments}");
    let invoices = String::from_utf8(file("factures.csv")).unwrap();
    assert_eq!(invoices.lines().count(), 2, "the fixtures' invoice: {invoices}");
    assert!(String::from_utf8(file("clotures.csv")).unwrap().contains(";day;"));
    assert!(String::from_utf8(file("LISEZMOI.txt")).unwrap().contains("openssl pkeyutl -verify"));
    let manifest: Value = serde_json::from_slice(&file("manifest.json")).unwrap();
    assert_eq!(manifest["public_key"], key);
    assert_eq!(manifest["year"], year);

    // Checked without Volant: OpenSSL verifies the manifest's signature with the public key.
    let dir = std::env::temp_dir().join(format!("volant-archive-{}", uuid::Uuid::now_v7()));
    std::fs::create_dir_all(&dir).unwrap();
    for name in ["manifest.json", "manifest.sig", "cle-publique.pem"] {
        std::fs::write(dir.join(name), file(name)).unwrap();
    }
    let openssl = Command::new("openssl")
        .args(["pkeyutl", "-verify", "-pubin", "-inkey", "cle-publique.pem", "-rawin", "-in", "manifest.json"])
        .args(["-sigfile", "manifest.sig"])
        .current_dir(&dir)
        .output()
        .unwrap();
    assert!(openssl.status.success(), "{openssl:?}");

    // Checked by `volant admin verify-archive`, offline.
    let (ok, verdict) = verify_archive(&dir, "intact.zip", &zip, Some(key));
    assert!(ok, "{verdict}");
    assert_eq!(verdict["school"], "École A");
    assert!(verdict["records_checked"].as_u64().unwrap() >= 4, "{verdict}");

    // One amount changed in the payments: the file and the line are named.
    let tampered: Vec<(String, Vec<u8>)> = files
        .iter()
        .map(|(n, c)| {
            let c = if n == "reglements.csv" {
                String::from_utf8(c.clone()).unwrap().replace(";12345;", ";12;").into_bytes()
            } else {
                c.clone()
            };
            (n.clone(), c)
        })
        .collect();
    let (ok, verdict) = verify_archive(&dir, "tampered.zip", &rezip(&tampered), None);
    assert!(!ok);
    let line = payments.lines().position(|l| l.contains(";12345;")).unwrap() + 1;
    assert_eq!(verdict["first_problem"], format!("reglements.csv, ligne {line} : enregistrement modifié."));

    // A file removed, another added, the manifest rewritten: each is caught.
    let fewer: Vec<_> = files.iter().filter(|(n, _)| n != "journal.csv").cloned().collect();
    let (ok, verdict) = verify_archive(&dir, "fewer.zip", &rezip(&fewer), None);
    assert!(!ok && verdict["first_problem"].as_str().unwrap().starts_with("journal.csv"), "{verdict}");
    let mut more = files.clone();
    more.push(("notes.csv".into(), b"a;b\n".to_vec()));
    let (ok, verdict) = verify_archive(&dir, "more.zip", &rezip(&more), None);
    assert!(!ok && verdict["first_problem"].as_str().unwrap().starts_with("notes.csv"), "{verdict}");
    let forged: Vec<(String, Vec<u8>)> = files
        .iter()
        .map(|(n, c)| {
            let c = if n == "manifest.json" {
                String::from_utf8(c.clone()).unwrap().replace("\"complete\": false", "\"complete\": true").into_bytes()
            } else {
                c.clone()
            };
            (n.clone(), c)
        })
        .collect();
    let (ok, verdict) = verify_archive(&dir, "forged.zip", &rezip(&forged), None);
    assert!(!ok && verdict["first_problem"].as_str().unwrap().starts_with("manifest.sig"), "{verdict}");
    std::fs::remove_dir_all(&dir).unwrap();

    // Another school neither lists nor downloads it.
    let other = app.login_as(Role::Admin, 'b').await;
    assert_eq!(other.json("/api/v1/fiscal-archives").await["archives"], json!([]));
    assert_eq!(other.get(&location).await.status(), 404);
    assert_ne!(other.json("/api/v1/fiscal-archives").await["public_key"], key, "each school has its key");
}

#[tokio::test]
async fn a_closed_year_is_archived_once_by_the_scheduler_and_the_journal_tells_it_all() {
    let app = spawn_app().await;
    app.seed_schools().await;
    app.fixtures('a').await;
    let admin = app.login_as(Role::Admin, 'a').await;
    let secret = &app.settings.secret_key;
    // The year of the fixtures' records ends: its days, months and the year are closed.
    let now = chrono::Utc::now();
    let next_year = chrono::NaiveDate::from_ymd_opt(now.format("%Y").to_string().parse::<i32>().unwrap() + 1, 1, 2)
        .unwrap()
        .and_hms_opt(12, 0, 0)
        .unwrap()
        .and_utc();
    volant::billing::closures::close_due(&app.pool, next_year).await.unwrap();
    assert_eq!(admin.json("/api/v1/closures?period=year").await.as_array().unwrap().len(), 1);
    let (a, b) = tokio::join!(
        volant::billing::archives::archive_closed_years(&app.pool, secret),
        volant::billing::archives::archive_closed_years(&app.pool, secret)
    );
    assert_eq!(a.unwrap() + b.unwrap(), 1, "one instance archives the closed year");
    assert_eq!(volant::billing::archives::archive_closed_years(&app.pool, secret).await.unwrap(), 0);
    let overview = admin.json("/api/v1/fiscal-archives").await;
    let complete: Vec<&Value> =
        overview["archives"].as_array().unwrap().iter().filter(|a| a["complete"] == true).collect();
    assert_eq!(complete.len(), 1, "{overview}");

    // The journal: each closure and the archive, in this school only; the download as an export.
    admin.get(&format!("/api/v1/fiscal-archives/{}", complete[0]["id"].as_str().unwrap())).await;
    let events = admin.json("/api/v1/technical-events?limit=200").await;
    let kinds: Vec<&str> = events["items"].as_array().unwrap().iter().map(|e| e["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds.first(), Some(&"export"), "{kinds:?}");
    assert!(kinds.contains(&"archive"), "{kinds:?}");
    let closures = kinds.iter().filter(|k| **k == "closure").count();
    assert!(closures >= 3, "days, months and the year: {kinds:?}");
    let other = app.login_as(Role::Admin, 'b').await.json("/api/v1/technical-events").await;
    assert!(
        other["items"].as_array().unwrap().iter().all(|e| e["kind"] != "closure" && e["kind"] != "archive"),
        "{other}"
    );
}
