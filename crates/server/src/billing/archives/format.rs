//! The fiscal archive's layout, meant to be read and checked without Volant:
//!
//! - CSV files (`volant_domain::csv`: UTF-8, `;` between fields, `"` around a field holding `;`,
//!   `"` or a line break; `\n` after each record), whose last column `empreinte` chains the records: the SHA-256 (hex)
//!   of the previous record's `empreinte` (for the first record: of the header line), a line
//!   feed, and the record's text before its last `;`. The first altered record is thus named.
//! - `manifest.json`: the school, the period, and each file's SHA-256, record count and last link.
//! - `manifest.sig`: the Ed25519 signature (64 raw bytes) of `manifest.json` by the school's key,
//!   whose public half is in the manifest, in `cle-publique.pem` and on the archives page.
//! - `LISEZMOI.txt`: all of the above in French, with the `openssl` command that checks it.

use std::io::{Cursor, Read, Write};

use base64::{Engine, engine::general_purpose::STANDARD};
use openssl::{
    pkey::{Id, PKey, Private, Public},
    sign::{Signer, Verifier},
};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use zip::{ZipArchive, ZipWriter, write::SimpleFileOptions};

pub const FORMAT: &str = "volant-archive-fiscale/1";
pub const MANIFEST: &str = "manifest.json";
pub const SIGNATURE: &str = "manifest.sig";
pub const PUBLIC_KEY: &str = "cle-publique.pem";
pub const README: &str = "LISEZMOI.txt";
const LINK_COLUMN: &str = "empreinte";

/// One CSV file of the archive, before its links are computed.
pub struct Table {
    pub name: &'static str,
    pub header: &'static [&'static str],
    pub rows: Vec<Vec<String>>,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct School {
    pub name: String,
    pub siret: Option<String>,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct FileEntry {
    pub name: String,
    pub sha256: String,
    /// Records after the header (a CSV file), none for another file.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub records: Option<usize>,
    /// The `empreinte` of the last record (or of the header when there is none).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_link: Option<String>,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct Manifest {
    pub format: String,
    pub software: String,
    pub school: School,
    pub year: i32,
    pub covers_from: chrono::NaiveDate,
    pub covers_to: chrono::NaiveDate,
    /// The year was closed (its yearly closure made) when the archive was made.
    pub complete: bool,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub algorithm: String,
    /// The school's archive key, raw 32 bytes in base64.
    pub public_key: String,
    pub files: Vec<FileEntry>,
}

/// A school's archive key.
pub struct ArchiveKey(PKey<Private>);

impl ArchiveKey {
    pub fn generate() -> Result<ArchiveKey, openssl::error::ErrorStack> {
        PKey::generate_ed25519().map(ArchiveKey)
    }

    pub fn from_raw(private: &[u8]) -> Result<ArchiveKey, openssl::error::ErrorStack> {
        PKey::private_key_from_raw_bytes(private, Id::ED25519).map(ArchiveKey)
    }

    pub fn private_raw(&self) -> Result<Vec<u8>, openssl::error::ErrorStack> {
        self.0.raw_private_key()
    }

    pub fn public_raw(&self) -> Result<Vec<u8>, openssl::error::ErrorStack> {
        self.0.raw_public_key()
    }

    fn sign(&self, data: &[u8]) -> Result<Vec<u8>, openssl::error::ErrorStack> {
        Signer::new_without_digest(&self.0)?.sign_oneshot_to_vec(data)
    }
}

/// The public key as a PEM file `openssl pkeyutl -pubin` reads.
pub fn public_pem(raw: &[u8]) -> Result<String, openssl::error::ErrorStack> {
    let key = PKey::public_key_from_raw_bytes(raw, Id::ED25519)?;
    Ok(String::from_utf8_lossy(&key.public_key_to_pem()?).into_owned())
}

/// A short fingerprint of a public key to compare by eye: the first 16 hex digits of its SHA-256.
pub fn fingerprint(raw: &[u8]) -> String {
    let hex = hex::encode(Sha256::digest(raw));
    hex.as_bytes().chunks(4).take(4).map(|c| String::from_utf8_lossy(c).into_owned()).collect::<Vec<_>>().join(":")
}

#[derive(Debug, thiserror::Error)]
pub enum BuildError {
    #[error("signing: {0}")]
    Sign(#[from] openssl::error::ErrorStack),
    #[error("zip: {0}")]
    Zip(#[from] zip::result::ZipError),
    #[error("io: {0}")]
    Io(#[from] std::io::Error),
    #[error("manifest: {0}")]
    Json(#[from] serde_json::Error),
}

/// Writes the archive: the tables as chained CSV files, the manifest (`files` filled here) and
/// its signature.
pub fn build(mut manifest: Manifest, tables: &[Table], key: &ArchiveKey) -> Result<Vec<u8>, BuildError> {
    let public = key.public_raw()?;
    manifest.format = FORMAT.into();
    manifest.algorithm = "Ed25519".into();
    manifest.public_key = STANDARD.encode(&public);
    manifest.files.clear();
    let mut files: Vec<(String, Vec<u8>)> = Vec::new();
    for table in tables {
        let (text, records, last_link) = chained_csv(table);
        manifest.files.push(FileEntry {
            name: table.name.into(),
            sha256: sha256_hex(text.as_bytes()),
            records: Some(records),
            last_link: Some(last_link),
        });
        files.push((table.name.into(), text.into_bytes()));
    }
    for (name, content) in [(PUBLIC_KEY, public_pem(&public)?.into_bytes()), (README, readme(&manifest).into_bytes())] {
        manifest.files.push(FileEntry {
            name: name.into(),
            sha256: sha256_hex(&content),
            records: None,
            last_link: None,
        });
        files.push((name.into(), content));
    }
    let manifest_bytes = serde_json::to_vec_pretty(&manifest)?;
    let signature = key.sign(&manifest_bytes)?;
    let mut zip = ZipWriter::new(Cursor::new(Vec::new()));
    let options = SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    for (name, content) in files
        .iter()
        .map(|(n, c)| (n.as_str(), c.as_slice()))
        .chain([(MANIFEST, manifest_bytes.as_slice()), (SIGNATURE, signature.as_slice())])
    {
        zip.start_file(name, options)?;
        zip.write_all(content)?;
    }
    Ok(zip.finish()?.into_inner())
}

fn sha256_hex(data: &[u8]) -> String {
    hex::encode(Sha256::digest(data))
}

fn link(previous: &str, record: &str) -> String {
    sha256_hex(format!("{previous}\n{record}").as_bytes())
}

/// The CSV text, its record count and its last link.
fn chained_csv(table: &Table) -> (String, usize, String) {
    let header: Vec<&str> = table.header.iter().copied().chain([LINK_COLUMN]).collect();
    let header = header.join(";");
    let mut previous = sha256_hex(header.as_bytes());
    let mut text = format!("{header}\n");
    for row in &table.rows {
        let record = volant_domain::csv::record(row);
        previous = link(&previous, &record);
        text.push_str(&format!("{record};{previous}\n"));
    }
    (text, table.rows.len(), previous)
}

/// The records of a CSV text: split at line feeds outside quotes.
fn records(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let (mut start, mut quoted) = (0, false);
    for (i, c) in text.char_indices() {
        match c {
            '"' => quoted = !quoted,
            '\n' if !quoted => {
                out.push(&text[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    if start < text.len() {
        out.push(&text[start..]);
    }
    out
}

/// What `verify` found: every check passed, or the first that failed, in French.
#[derive(Debug, Serialize, PartialEq, Eq)]
pub struct Verdict {
    pub ok: bool,
    pub school: Option<String>,
    pub year: Option<i32>,
    /// The fingerprint of the key that signed, to compare with the one on the archives page.
    pub key_fingerprint: Option<String>,
    pub files_checked: usize,
    pub records_checked: usize,
    pub first_problem: Option<String>,
}

impl Verdict {
    fn broken(mut self, problem: String) -> Verdict {
        self.ok = false;
        self.first_problem = Some(problem);
        self
    }
}

/// Checks an archive: the manifest's signature (by `expected_key` when given, else by the key the
/// manifest names), then each file against the manifest, record by record for the CSV files.
pub fn verify(archive: &[u8], expected_key: Option<&[u8]>) -> Verdict {
    let verdict = Verdict {
        ok: true,
        school: None,
        year: None,
        key_fingerprint: None,
        files_checked: 0,
        records_checked: 0,
        first_problem: None,
    };
    let mut zip = match ZipArchive::new(Cursor::new(archive)) {
        Ok(zip) => zip,
        Err(e) => return verdict.broken(format!("Ce fichier n'est pas une archive zip lisible ({e}).")),
    };
    let (Some(manifest_bytes), Some(signature)) = (read(&mut zip, MANIFEST), read(&mut zip, SIGNATURE)) else {
        return verdict.broken(format!("L'archive n'a pas de {MANIFEST} ou de {SIGNATURE}."));
    };
    let manifest: Manifest = match serde_json::from_slice(&manifest_bytes) {
        Ok(m) => m,
        Err(e) => return verdict.broken(format!("{MANIFEST} est illisible ({e}).")),
    };
    let Ok(public) = STANDARD.decode(&manifest.public_key) else {
        return verdict.broken(format!("La clé publique de {MANIFEST} est illisible."));
    };
    let mut verdict = Verdict {
        school: Some(manifest.school.name.clone()),
        year: Some(manifest.year),
        key_fingerprint: Some(fingerprint(&public)),
        ..verdict
    };
    if expected_key.is_some_and(|k| k != public.as_slice()) {
        return verdict.broken("L'archive n'est pas signée par la clé attendue.".into());
    }
    if !signature_holds(&public, &manifest_bytes, &signature) {
        return verdict
            .broken(format!("{SIGNATURE} : la signature ne correspond pas à {MANIFEST} (manifeste modifié)."));
    }
    for entry in &manifest.files {
        let Some(content) = read(&mut zip, &entry.name) else {
            return verdict.broken(format!("{} : fichier absent de l'archive.", entry.name));
        };
        if let Some(problem) = check_file(entry, &content, &mut verdict.records_checked) {
            return verdict.broken(problem);
        }
        verdict.files_checked += 1;
    }
    let listed = |name: &str| name == MANIFEST || name == SIGNATURE || manifest.files.iter().any(|f| f.name == name);
    if let Some(extra) = zip.file_names().filter_map(Result::ok).find(|n| !listed(n)).map(|n| n.into_owned()) {
        return verdict.broken(format!("{extra} : fichier ajouté, absent du manifeste."));
    }
    verdict
}

fn read(zip: &mut ZipArchive<Cursor<&[u8]>>, name: &str) -> Option<Vec<u8>> {
    let mut file = zip.by_name(name).ok()?;
    let mut content = Vec::new();
    file.read_to_end(&mut content).ok()?;
    Some(content)
}

fn signature_holds(public: &[u8], data: &[u8], signature: &[u8]) -> bool {
    let Ok(key) = PKey::<Public>::public_key_from_raw_bytes(public, Id::ED25519) else { return false };
    Verifier::new_without_digest(&key).and_then(|mut v| v.verify_oneshot(signature, data)).unwrap_or(false)
}

/// The first problem of one file, naming the record (its line number, the header being line 1).
fn check_file(entry: &FileEntry, content: &[u8], records_checked: &mut usize) -> Option<String> {
    let name = &entry.name;
    if entry.records.is_none() {
        return (sha256_hex(content) != entry.sha256).then(|| format!("{name} : fichier modifié."));
    }
    let Ok(text) = std::str::from_utf8(content) else {
        return Some(format!("{name} : le fichier n'est plus en UTF-8 (modifié)."));
    };
    let lines = records(text);
    let Some((header, rows)) = lines.split_first() else { return Some(format!("{name} : fichier vide.")) };
    let mut previous = sha256_hex(header.as_bytes());
    for (i, row) in rows.iter().enumerate() {
        let line = i + 2;
        let Some((record, stored)) = row.rsplit_once(';') else {
            return Some(format!("{name}, ligne {line} : enregistrement modifié (empreinte absente)."));
        };
        let expected = link(&previous, record);
        if stored != expected {
            let which = if i == 0 { "enregistrement ou en-tête modifié" } else { "enregistrement modifié" };
            return Some(format!("{name}, ligne {line} : {which}."));
        }
        previous = expected;
        *records_checked += 1;
    }
    if Some(rows.len()) != entry.records || entry.last_link.as_deref() != Some(previous.as_str()) {
        return Some(format!(
            "{name} : {} enregistrements au lieu de {} (lignes retirées, ajoutées ou recalculées).",
            rows.len(),
            entry.records.unwrap_or(0)
        ));
    }
    (sha256_hex(content) != entry.sha256).then(|| format!("{name} : fichier modifié."))
}

fn readme(m: &Manifest) -> String {
    format!(
        "Archive fiscale de {school} — année {year} ({from} au {to}{partial})\n\
         Produite par {software} le {created}.\n\n\
         Contenu\n\
         - factures.csv : factures et avoirs émis ; lignes.csv : leurs lignes ;\n\
         - reglements.csv : règlements et remboursements reçus ;\n\
         - clotures.csv : clôtures journalières, mensuelles et annuelle ;\n\
         - chaine.csv : la chaîne fiscale (maillon, nature, enregistrement, empreinte) ;\n\
         - journal.csv : le journal des événements techniques.\n\
         Montants en centimes d'euro, taux de TVA en points de base (2000 = 20 %), dates en UTC.\n\
         CSV en UTF-8, champs séparés par « ; ».\n\n\
         Intégrité\n\
         La dernière colonne « empreinte » de chaque CSV chaîne les lignes : SHA-256 (hexadécimal)\n\
         de l'empreinte précédente (pour la première ligne : le SHA-256 de la ligne d'en-tête),\n\
         d'un saut de ligne et du texte de la ligne avant son dernier « ; ».\n\
         manifest.json donne l'empreinte SHA-256 de chaque fichier ; manifest.sig est sa signature\n\
         Ed25519 par la clé de l'auto-école (cle-publique.pem, empreinte {fingerprint}).\n\n\
         Vérifier sans Volant :\n  \
           openssl pkeyutl -verify -pubin -inkey cle-publique.pem -rawin -in manifest.json -sigfile manifest.sig\n  \
           sha256sum *.csv   (à comparer avec manifest.json)\n\
         Avec Volant : volant admin verify-archive ARCHIVE.zip (nomme le premier fichier ou la première\n\
         ligne modifiés).\n",
        school = m.school.name,
        year = m.year,
        from = m.covers_from.format("%d/%m/%Y"),
        to = m.covers_to.format("%d/%m/%Y"),
        partial = if m.complete { "" } else { ", année non close" },
        software = m.software,
        created = m.created_at.format("%d/%m/%Y %H:%M UTC"),
        fingerprint = STANDARD.decode(&m.public_key).map(|k| fingerprint(&k)).unwrap_or_default(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn manifest() -> Manifest {
        Manifest {
            format: String::new(),
            software: "Volant test".into(),
            school: School { name: "École".into(), siret: None },
            year: 2026,
            covers_from: chrono::NaiveDate::from_ymd_opt(2026, 1, 1).unwrap(),
            covers_to: chrono::NaiveDate::from_ymd_opt(2026, 12, 31).unwrap(),
            complete: true,
            created_at: chrono::Utc::now(),
            algorithm: String::new(),
            public_key: String::new(),
            files: vec![],
        }
    }

    fn table() -> Table {
        Table {
            name: "factures.csv",
            header: &["numero", "libelle"],
            rows: vec![
                vec!["F-1".into(), "Forfait; code".into()],
                vec!["F-2".into(), "Leçon \"B\"\nsur deux lignes".into()],
                vec!["F-3".into(), "Évaluation".into()],
            ],
        }
    }

    fn rewrite(archive: &[u8], name: &str, change: impl Fn(Vec<u8>) -> Vec<u8>) -> Vec<u8> {
        let mut zip = ZipArchive::new(Cursor::new(archive)).unwrap();
        let mut out = ZipWriter::new(Cursor::new(Vec::new()));
        for i in 0..zip.len() {
            let mut f = zip.by_index(i).unwrap();
            let mut content = Vec::new();
            f.read_to_end(&mut content).unwrap();
            let fname = f.name().unwrap().into_owned();
            let content = if fname == name { change(content) } else { content };
            out.start_file(fname, SimpleFileOptions::default()).unwrap();
            out.write_all(&content).unwrap();
        }
        out.finish().unwrap().into_inner()
    }

    #[test]
    fn an_archive_verifies_and_names_the_first_altered_line() {
        let key = ArchiveKey::generate().unwrap();
        let archive = build(manifest(), &[table()], &key).unwrap();
        let verdict = verify(&archive, None);
        assert!(verdict.ok, "{verdict:?}");
        assert_eq!(verdict.records_checked, 3);
        assert!(verify(&archive, Some(&key.public_raw().unwrap())).ok);

        let altered = rewrite(&archive, "factures.csv", |c| {
            String::from_utf8(c).unwrap().replace("Évaluation", "Evaluation").into_bytes()
        });
        let verdict = verify(&altered, None);
        assert_eq!(verdict.first_problem.as_deref(), Some("factures.csv, ligne 4 : enregistrement modifié."));

        let cut = rewrite(&archive, "factures.csv", |c| {
            let text = String::from_utf8(c).unwrap();
            let keep = text.rfind("F-3").unwrap();
            text.as_bytes()[..keep].to_vec()
        });
        assert!(verify(&cut, None).first_problem.unwrap().contains("2 enregistrements au lieu de 3"));

        let manifest_changed =
            rewrite(&archive, MANIFEST, |c| String::from_utf8(c).unwrap().replace("2026", "2025").into_bytes());
        assert!(verify(&manifest_changed, None).first_problem.unwrap().starts_with("manifest.sig"));

        let other = ArchiveKey::generate().unwrap();
        assert!(!verify(&archive, Some(&other.public_raw().unwrap())).ok);
    }

    #[test]
    fn a_key_survives_its_raw_bytes() {
        let key = ArchiveKey::generate().unwrap();
        let again = ArchiveKey::from_raw(&key.private_raw().unwrap()).unwrap();
        assert_eq!(key.public_raw().unwrap(), again.public_raw().unwrap());
        assert_eq!(fingerprint(&key.public_raw().unwrap()).len(), 19);
    }
}
