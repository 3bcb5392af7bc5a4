//! Fiscal archives (CGI art. 286 I 3° bis, "archivage" and "conservation"): a year's invoices,
//! lines, payments, closures, fiscal chain and technical journal as a zip of CSV files with a
//! manifest signed by the school's Ed25519 key (`format`). Made on demand for a year (covering
//! the days closed so far) and by the scheduler once a year is closed; kept in the database,
//! never edited, downloaded as often as needed.

pub mod format;

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use sha2::{Digest, Sha256};
use sqlx::{PgConnection, PgPool};
use utoipa::ToSchema;
use uuid::Uuid;
use volant_domain::ids::TenantId;

use self::format::{ArchiveKey, Manifest, School, Table};
use super::{closures::midnight, service};
use crate::{
    config::Secret,
    error::{AppError, AppResult},
    journal::{self, EventKind},
    notifications, school,
    sealed::{Purpose, Sealer},
    work::Work,
};

#[derive(Clone, Debug, Serialize, ToSchema, sqlx::FromRow)]
pub struct FiscalArchive {
    pub id: Uuid,
    pub year: i32,
    pub covers_from: NaiveDate,
    pub covers_to: NaiveDate,
    /// The year was closed when the archive was made; otherwise it covers the days closed so far.
    pub complete: bool,
    /// SHA-256 of the zip, in hex.
    #[sqlx(try_from = "Vec<u8>")]
    pub sha256: Hex,
    pub size_bytes: i32,
    pub created_at: DateTime<Utc>,
}

/// Bytes shown in hexadecimal.
#[derive(Clone, Debug, Serialize, ToSchema)]
#[serde(transparent)]
pub struct Hex(String);

impl From<Vec<u8>> for Hex {
    fn from(bytes: Vec<u8>) -> Hex {
        Hex(hex::encode(bytes))
    }
}

/// The school's archives and the key that signs them.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct ArchivesOverview {
    /// The school's archive key: raw Ed25519 public key, base64 (as in each manifest).
    pub public_key: String,
    /// The same key as a PEM file for `openssl pkeyutl -pubin`.
    pub public_key_pem: String,
    /// Its short fingerprint, printed by `volant admin verify-archive`.
    pub fingerprint: String,
    pub archives: Vec<FiscalArchive>,
}

const COLUMNS: &str = "id, year, covers_from, covers_to, complete, sha256, size_bytes, created_at";

pub async fn overview(work: &mut Work, secret: &Secret) -> AppResult<ArchivesOverview> {
    let tenant = work.tenant();
    let key = school_key(work, tenant, secret).await?;
    let public = key.public_raw().map_err(internal)?;
    let archives = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM fiscal_archives WHERE tenant_id = $1 ORDER BY year DESC, created_at DESC"
    )))
    .bind(work.tenant().0)
    .fetch_all(&mut **work)
    .await?;
    Ok(ArchivesOverview {
        public_key: base64::Engine::encode(&base64::engine::general_purpose::STANDARD, &public),
        public_key_pem: format::public_pem(&public).map_err(internal)?,
        fingerprint: format::fingerprint(&public),
        archives,
    })
}

/// An archive's record and its zip.
pub async fn content(work: &mut Work, id: Uuid) -> AppResult<(FiscalArchive, Vec<u8>)> {
    let tenant = work.tenant();
    let archive: FiscalArchive = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM fiscal_archives WHERE tenant_id = $1 AND id = $2"
    )))
    .bind(tenant.0)
    .bind(id)
    .fetch_optional(&mut **work)
    .await?
    .ok_or(AppError::NotFound)?;
    let zip: Vec<u8> = sqlx::query_scalar("SELECT content FROM fiscal_archives WHERE tenant_id = $1 AND id = $2")
        .bind(tenant.0)
        .bind(id)
        .fetch_one(&mut **work)
        .await?;
    // Every copy that leaves is an export of the fiscal records.
    let detail = serde_json::json!({"archive_id": id, "year": archive.year, "by": work.actor.user_id});
    journal::record(work, tenant, EventKind::Export, detail).await?;
    Ok((archive, zip))
}

pub fn file_name(archive: &FiscalArchive) -> String {
    format!("archive-fiscale-{}-{}.zip", archive.year, archive.covers_to.format("%Y%m%d"))
}

/// Archives `year` up to its last closed day (422 `nothing_closed` before its first closure).
pub async fn create(work: &mut Work, year: i32, secret: &Secret) -> AppResult<(FiscalArchive, Vec<u8>)> {
    let tenant = work.tenant();
    let span = closed_span(work, tenant, year).await?.ok_or_else(|| {
        AppError::rule(
            "nothing_closed",
            format!(
                "Aucune journée de {year} n'est encore close : l'archive couvre les journées closes \
                 (la clôture est faite chaque nuit)."
            ),
        )
    })?;
    let key = school_key(work, tenant, secret).await?;
    let seller = service::seller(work).await?;
    let manifest = Manifest {
        format: String::new(),
        software: format!("Volant {}", env!("CARGO_PKG_VERSION")),
        school: School { name: seller.name, siret: seller.siret },
        year,
        covers_from: span.from,
        covers_to: span.to,
        complete: span.complete,
        created_at: Utc::now(),
        algorithm: String::new(),
        public_key: String::new(),
        files: vec![],
    };
    let tables = tables(work, tenant, &span).await?;
    let zip = format::build(manifest, &tables, &key).map_err(|e| AppError::Internal(e.into()))?;
    let id = Uuid::now_v7();
    let size = i32::try_from(zip.len()).map_err(|_| AppError::Internal(anyhow::anyhow!("archive too large")))?;
    let archive: FiscalArchive = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "INSERT INTO fiscal_archives (tenant_id, id, year, covers_from, covers_to, complete, sha256, size_bytes,
                                      content, created_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING {COLUMNS}"
    )))
    .bind(tenant.0)
    .bind(id)
    .bind(year)
    .bind(span.from)
    .bind(span.to)
    .bind(span.complete)
    .bind(Sha256::digest(&zip).to_vec())
    .bind(size)
    .bind(&zip)
    .bind(work.actor.user_id)
    .fetch_one(&mut **work)
    .await?;
    let detail = serde_json::json!({
        "archive_id": id, "year": year, "covers_from": span.from, "covers_to": span.to,
        "complete": span.complete, "sha256": archive.sha256,
    });
    journal::record(work, tenant, EventKind::Archive, detail).await?;
    work.audit().created("fiscal_archive", id, &archive).await?;
    Ok((archive, zip))
}

/// Archives, in every school, each year closed since its last complete archive (the scheduler).
pub async fn archive_closed_years(pool: &PgPool, secret: &Secret) -> anyhow::Result<usize> {
    let mut made = 0;
    for tenant in school::active_ids(pool).await? {
        let mut work = Work::system(pool, tenant).await?;
        if !notifications::try_lock_school(&mut work, tenant, "fiscal-archives").await? {
            continue; // Another instance is archiving this school.
        }
        let years: Vec<i32> = sqlx::query_scalar(
            "SELECT extract(year FROM c.starts_on)::int FROM fiscal_closures c
              WHERE c.tenant_id = $1 AND c.period = 'year'
                AND NOT EXISTS (SELECT 1 FROM fiscal_archives a
                                 WHERE a.tenant_id = c.tenant_id AND a.complete
                                   AND a.year = extract(year FROM c.starts_on)::int)
              ORDER BY 1",
        )
        .bind(tenant.0)
        .fetch_all(&mut *work)
        .await?;
        for year in years {
            create(&mut work, year, secret).await?;
            made += 1;
        }
        work.commit().await?;
    }
    Ok(made)
}

/// The days of `year` an archive covers: from the first closed day to the last.
struct Span {
    from: NaiveDate,
    to: NaiveDate,
    complete: bool,
    /// The same days as instants, in the school's time zone.
    starts: DateTime<Utc>,
    ends: DateTime<Utc>,
}

async fn closed_span(work: &mut Work, tenant: TenantId, year: i32) -> AppResult<Option<Span>> {
    let (Some(first), Some(last)) = (NaiveDate::from_ymd_opt(year, 1, 1), NaiveDate::from_ymd_opt(year, 12, 31)) else {
        return Err(AppError::field("year", "Cette année n'est pas valide."));
    };
    let (from, to, complete): (Option<NaiveDate>, Option<NaiveDate>, bool) = sqlx::query_as(
        "SELECT min(starts_on) FILTER (WHERE period = 'day'), max(ends_on) FILTER (WHERE period = 'day'),
                bool_or(period = 'year')
           FROM fiscal_closures WHERE tenant_id = $1 AND starts_on BETWEEN $2 AND $3",
    )
    .bind(tenant.0)
    .bind(first)
    .bind(last)
    .fetch_one(&mut **work)
    .await
    .map(|(a, b, c): (Option<NaiveDate>, Option<NaiveDate>, Option<bool>)| (a, b, c.unwrap_or(false)))?;
    let (Some(from), Some(to)) = (from, to) else { return Ok(None) };
    let tz = work.tz();
    Ok(Some(Span { from, to, complete, starts: midnight(tz, from), ends: midnight(tz, to.succ_opt().unwrap_or(to)) }))
}

/// A timestamp as the archive writes it: UTC, to the microsecond.
const UTC_TEXT: &str = r#"'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'"#;

async fn tables(work: &mut Work, tenant: TenantId, span: &Span) -> AppResult<Vec<Table>> {
    let at = |column: &str| format!("to_char({column} AT TIME ZONE 'UTC', {UTC_TEXT})");
    let queries: [(&'static str, &'static [&'static str], String); 6] = [
        (
            "factures.csv",
            &[
                "numero",
                "nature",
                "emise_le",
                "date_prestation",
                "client",
                "siren_client",
                "avoir_de",
                "ht_centimes",
                "tva_centimes",
                "ttc_centimes",
                "motif",
                "maillon",
                "empreinte_chaine",
            ],
            format!(
                "SELECT ARRAY[i.number, i.series, {}, i.service_date::text, i.customer->>'name', i.customer->>'siren',
                              c.number, i.excl_cents::text, i.vat_cents::text, i.incl_cents::text, i.reason,
                              f.seq::text, encode(f.hash, 'hex')]
                   FROM invoices i
                   LEFT JOIN invoices c ON c.tenant_id = i.tenant_id AND c.id = i.credit_of
                   LEFT JOIN fiscal_chain f ON f.tenant_id = i.tenant_id AND f.kind = 'invoice' AND f.record_id = i.id
                  WHERE i.tenant_id = $1 AND i.issued_at >= $2 AND i.issued_at < $3
                  ORDER BY i.issued_at, i.number",
                at("i.issued_at")
            ),
        ),
        (
            "lignes.csv",
            &[
                "facture",
                "position",
                "libelle",
                "quantite",
                "pu_ht_centimes",
                "taux_tva_pb",
                "ht_centimes",
                "tva_centimes",
                "ttc_centimes",
            ],
            "SELECT ARRAY[i.number, l.position::text, l.label, l.quantity::text, l.unit_price_cents::text,
                          l.vat_rate_bp::text, l.excl_cents::text, l.vat_cents::text, l.incl_cents::text]
               FROM invoice_lines l JOIN invoices i ON i.tenant_id = l.tenant_id AND i.id = l.invoice_id
              WHERE i.tenant_id = $1 AND i.issued_at >= $2 AND i.issued_at < $3
              ORDER BY i.issued_at, i.number, l.position"
                .to_owned(),
        ),
        (
            "reglements.csv",
            &[
                "id",
                "eleve",
                "facture",
                "recu_le",
                "mode",
                "montant_centimes",
                "reference",
                "rembourse",
                "motif",
                "maillon",
                "empreinte_chaine",
            ],
            format!(
                "SELECT ARRAY[p.id::text, p.student_id::text, i.number, {}, p.method, p.amount_cents::text,
                              p.reference, p.refund_of::text, p.reason, f.seq::text, encode(f.hash, 'hex')]
                   FROM payments p
                   LEFT JOIN invoices i ON i.tenant_id = p.tenant_id AND i.id = p.invoice_id
                   LEFT JOIN fiscal_chain f ON f.tenant_id = p.tenant_id AND f.kind = 'payment' AND f.record_id = p.id
                  WHERE p.tenant_id = $1 AND p.received_at >= $2 AND p.received_at < $3
                  ORDER BY p.received_at, p.id",
                at("p.received_at")
            ),
        ),
        (
            "clotures.csv",
            &[
                "numero",
                "periode",
                "du",
                "au",
                "facture_centimes",
                "encaisse_centimes",
                "total_perpetuel_centimes",
                "dernier_maillon",
                "par_taux",
                "par_mode",
                "chaine_intacte",
                "empreinte_cloture",
            ],
            "SELECT ARRAY[seq::text, period, starts_on::text, ends_on::text, invoiced_cents::text,
                          collected_cents::text, grand_total_cents::text, last_seq::text, by_vat::text,
                          by_method::text, chain_intact::text, encode(hash, 'hex')]
               FROM fiscal_closures
              WHERE tenant_id = $1 AND starts_on >= ($2 AT TIME ZONE $4)::date AND ends_on < ($3 AT TIME ZONE $4)::date
              ORDER BY seq"
                .to_owned(),
        ),
        (
            "chaine.csv",
            &["maillon", "nature", "enregistrement", "enregistre_le", "empreinte_chaine"],
            format!(
                "SELECT ARRAY[seq::text, kind, record_id::text, {}, encode(hash, 'hex')]
                   FROM fiscal_chain WHERE tenant_id = $1 AND recorded_at >= $2 AND recorded_at < $3 ORDER BY seq",
                at("recorded_at")
            ),
        ),
        (
            "journal.csv",
            &["id", "nature", "installation", "detail", "le"],
            format!(
                "SELECT ARRAY[id::text, kind, (tenant_id IS NULL)::text, detail::text, {}]
                   FROM technical_events
                  WHERE (tenant_id = $1 OR tenant_id IS NULL) AND occurred_at >= $2 AND occurred_at < $3
                  ORDER BY id",
                at("occurred_at")
            ),
        ),
    ];
    let tz = work.tz().name().to_owned();
    let mut tables = Vec::with_capacity(queries.len());
    for (name, header, sql) in queries {
        // The statements are this function's own text: no value is formatted into them.
        let rows: Vec<Vec<Option<String>>> = sqlx::query_scalar(sqlx::AssertSqlSafe(sql))
            .bind(tenant.0)
            .bind(span.starts)
            .bind(span.ends)
            .bind(&tz)
            .fetch_all(&mut **work)
            .await?;
        let rows = rows.into_iter().map(|r| r.into_iter().map(Option::unwrap_or_default).collect()).collect();
        tables.push(Table { name, header, rows });
    }
    Ok(tables)
}

/// The school's archive key, made on first use: the private half sealed under the server's key
/// and bound to the school (a sealed key copied onto another school does not open there).
async fn school_key(conn: &mut PgConnection, tenant: TenantId, secret: &Secret) -> AppResult<ArchiveKey> {
    let sealer = Sealer::new(secret.expose(), Purpose::ArchiveKey);
    let stored: Option<Vec<u8>> = sqlx::query_scalar("SELECT sealed_key FROM archive_keys WHERE tenant_id = $1")
        .bind(tenant.0)
        .fetch_optional(&mut *conn)
        .await?;
    if let Some(sealed) = stored {
        let raw = sealer.open(&sealed, tenant.0.as_bytes())?;
        return ArchiveKey::from_raw(&raw).map_err(internal);
    }
    let key = ArchiveKey::generate().map_err(internal)?;
    let sealed = sealer.seal(&key.private_raw().map_err(internal)?, tenant.0.as_bytes())?;
    let inserted = sqlx::query(
        "INSERT INTO archive_keys (tenant_id, public_key, sealed_key) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
    )
    .bind(tenant.0)
    .bind(key.public_raw().map_err(internal)?)
    .bind(sealed)
    .execute(&mut *conn)
    .await?;
    if inserted.rows_affected() == 0 {
        // Made meanwhile by another request: theirs is the school's key.
        return Box::pin(school_key(conn, tenant, secret)).await;
    }
    Ok(key)
}

fn internal(e: openssl::error::ErrorStack) -> AppError {
    AppError::Internal(e.into())
}
