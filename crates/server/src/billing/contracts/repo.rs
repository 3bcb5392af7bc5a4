use chrono::{DateTime, Utc};
use sqlx::{PgConnection, types::Json};
use uuid::Uuid;
use volant_domain::ids::TenantId;

use super::{
    Contract, ContractKind, ContractLine, ContractStatus, Evidence, SignatureChannel, SignatureCodeSent, Signer,
};

#[derive(sqlx::FromRow)]
struct Row {
    id: Uuid,
    student_id: Uuid,
    #[sqlx(try_from = "String")]
    kind: ContractKind,
    amends: Option<Uuid>,
    rank: i32,
    minutes: i32,
    lines: Json<Vec<ContractLine>>,
    total_cents: i64,
    reason: Option<String>,
    signer: Json<Signer>,
    #[sqlx(try_from = "String")]
    status: ContractStatus,
    document_sha256: String,
    signed_at: Option<DateTime<Utc>>,
    evidence: Option<Json<Evidence>>,
    signed_sha256: Option<String>,
    code_channel: Option<String>,
    code_sent_to: Option<String>,
    code_expires_at: Option<DateTime<Utc>>,
    created_at: DateTime<Utc>,
    version: i32,
}

impl From<Row> for Contract {
    fn from(r: Row) -> Contract {
        let pending_code = match (r.code_channel, r.code_sent_to, r.code_expires_at) {
            (Some(channel), Some(sent_to), Some(expires_at)) if r.status == ContractStatus::AwaitingSignature => {
                crate::db::from_text::<SignatureChannel>(&channel).ok().map(|channel| SignatureCodeSent {
                    channel,
                    sent_to,
                    expires_at,
                })
            }
            _ => None,
        };
        Contract {
            id: r.id,
            student_id: r.student_id,
            kind: r.kind,
            amends: r.amends,
            rank: r.rank,
            minutes: r.minutes,
            lines: r.lines.0,
            total_cents: r.total_cents,
            reason: r.reason,
            signer: r.signer.0,
            status: r.status,
            document_sha256: r.document_sha256,
            signed_at: r.signed_at,
            evidence: r.evidence.map(|e| e.0),
            signed_sha256: r.signed_sha256,
            pending_code,
            created_at: r.created_at,
            version: r.version,
        }
    }
}

const SELECT: &str = "SELECT c.id, c.student_id, c.kind, c.amends, c.rank, c.minutes, c.lines, c.total_cents, c.reason,
        c.signer, c.status, c.document_sha256, c.signed_at, c.evidence, c.signed_sha256,
        k.channel AS code_channel, k.sent_to AS code_sent_to, k.expires_at AS code_expires_at, c.created_at, c.version
   FROM contracts c
   LEFT JOIN contract_codes k ON k.tenant_id = c.tenant_id AND k.contract_id = c.id AND k.expires_at > now()";

pub async fn get(conn: &mut PgConnection, tenant: TenantId, id: Uuid) -> sqlx::Result<Option<Contract>> {
    let row: Option<Row> =
        sqlx::query_as(sqlx::AssertSqlSafe(format!("{SELECT} WHERE c.tenant_id = $1 AND c.id = $2")))
            .bind(tenant.0)
            .bind(id)
            .fetch_optional(conn)
            .await?;
    Ok(row.map(Contract::from))
}

/// A student's contract and amendments, oldest first (withdrawn copies left out).
pub async fn of_student(conn: &mut PgConnection, tenant: TenantId, student: Uuid) -> sqlx::Result<Vec<Contract>> {
    let rows: Vec<Row> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{SELECT} WHERE c.tenant_id = $1 AND c.student_id = $2 AND c.status <> 'withdrawn'
          ORDER BY c.created_at, c.id"
    )))
    .bind(tenant.0)
    .bind(student)
    .fetch_all(conn)
    .await?;
    Ok(rows.into_iter().map(Contract::from).collect())
}

/// Serialises the changes to one student's contracts (a copy made, a signature) and to the
/// driving time they cover, until the transaction ends.
pub async fn lock_student(conn: &mut PgConnection, tenant: TenantId, student: Uuid) -> sqlx::Result<()> {
    sqlx::query("SELECT pg_advisory_xact_lock(hashtextextended('contracts:' || $1::text || ':' || $2::text, 0))")
        .bind(tenant.0)
        .bind(student)
        .execute(conn)
        .await
        .map(|_| ())
}

pub struct NewRow<'a> {
    pub id: Uuid,
    pub student_id: Uuid,
    pub kind: ContractKind,
    pub amends: Option<Uuid>,
    pub rank: i32,
    pub minutes: i32,
    pub lines: &'a [ContractLine],
    pub total_cents: i64,
    pub reason: Option<&'a str>,
    pub signer: &'a Signer,
    pub content: &'a volant_pdf::ContractDoc,
    pub document: &'a [u8],
    pub document_sha256: &'a str,
    pub created_by: Option<Uuid>,
}

pub async fn insert(conn: &mut PgConnection, tenant: TenantId, r: &NewRow<'_>) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO contracts (tenant_id, id, student_id, kind, amends, rank, minutes, lines, total_cents, reason,
                                signer, content, document, document_sha256, created_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)",
    )
    .bind(tenant.0)
    .bind(r.id)
    .bind(r.student_id)
    .bind(r.kind.as_str())
    .bind(r.amends)
    .bind(r.rank)
    .bind(r.minutes)
    .bind(Json(r.lines))
    .bind(r.total_cents)
    .bind(r.reason)
    .bind(Json(r.signer))
    .bind(Json(r.content))
    .bind(r.document)
    .bind(r.document_sha256)
    .bind(r.created_by)
    .execute(conn)
    .await
    .map(|_| ())
}

/// Withdraws the copies of this kind still waiting for a signature (a new copy replaces them).
pub async fn withdraw_unsigned(
    conn: &mut PgConnection,
    tenant: TenantId,
    student: Uuid,
    kind: ContractKind,
) -> sqlx::Result<Vec<Uuid>> {
    sqlx::query_scalar(
        "UPDATE contracts SET status = 'withdrawn', version = version + 1
          WHERE tenant_id = $1 AND student_id = $2 AND kind = $3 AND status = 'awaiting_signature' RETURNING id",
    )
    .bind(tenant.0)
    .bind(student)
    .bind(kind.as_str())
    .fetch_all(conn)
    .await
}

/// The student's signed contract, if any.
pub async fn signed_contract(
    conn: &mut PgConnection,
    tenant: TenantId,
    student: Uuid,
) -> sqlx::Result<Option<Contract>> {
    let row: Option<Row> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{SELECT} WHERE c.tenant_id = $1 AND c.student_id = $2 AND c.kind = 'contract' AND c.status = 'signed'"
    )))
    .bind(tenant.0)
    .bind(student)
    .fetch_optional(conn)
    .await?;
    Ok(row.map(Contract::from))
}

/// The rank the next amendment of `contract` takes.
pub async fn next_rank(conn: &mut PgConnection, tenant: TenantId, contract: Uuid) -> sqlx::Result<i32> {
    sqlx::query_scalar(
        "SELECT COALESCE(MAX(rank), 0) + 1 FROM contracts
          WHERE tenant_id = $1 AND amends = $2 AND status <> 'withdrawn'",
    )
    .bind(tenant.0)
    .bind(contract)
    .fetch_one(conn)
    .await
}

/// The driving time the student's signed contract and amendments cover.
pub async fn covered_minutes(conn: &mut PgConnection, tenant: TenantId, student: Uuid) -> sqlx::Result<i64> {
    sqlx::query_scalar(
        "SELECT COALESCE(SUM(minutes), 0)::bigint FROM contracts
          WHERE tenant_id = $1 AND student_id = $2 AND status = 'signed'",
    )
    .bind(tenant.0)
    .bind(student)
    .fetch_one(conn)
    .await
}

/// What a copy says and its PDF: the signed copy once signed, else the copy to sign.
pub async fn content_and_pdf(
    conn: &mut PgConnection,
    tenant: TenantId,
    id: Uuid,
) -> sqlx::Result<Option<(Json<volant_pdf::ContractDoc>, Vec<u8>)>> {
    sqlx::query_as(
        "SELECT content, COALESCE(signed_document, document) FROM contracts WHERE tenant_id = $1 AND id = $2",
    )
    .bind(tenant.0)
    .bind(id)
    .fetch_optional(conn)
    .await
}

pub async fn mark_signed(
    conn: &mut PgConnection,
    tenant: TenantId,
    id: Uuid,
    signed_at: DateTime<Utc>,
    evidence: &Evidence,
    signed: (&[u8], &str),
) -> sqlx::Result<()> {
    let (signed_document, signed_sha256) = signed;
    sqlx::query(
        "UPDATE contracts SET status = 'signed', signed_at = $3, evidence = $4, signed_document = $5,
                signed_sha256 = $6, version = version + 1
          WHERE tenant_id = $1 AND id = $2 AND status = 'awaiting_signature'",
    )
    .bind(tenant.0)
    .bind(id)
    .bind(signed_at)
    .bind(Json(evidence))
    .bind(signed_document)
    .bind(signed_sha256)
    .execute(conn)
    .await
    .map(|_| ())
}

// ---- Signature codes ----

#[derive(sqlx::FromRow)]
pub struct StoredCode {
    pub code_hash: String,
    pub channel: String,
    pub sent_to: String,
    pub sent_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub attempts: i32,
}

pub async fn code(conn: &mut PgConnection, tenant: TenantId, contract: Uuid) -> sqlx::Result<Option<StoredCode>> {
    sqlx::query_as(
        "SELECT code_hash, channel, sent_to, sent_at, expires_at, attempts FROM contract_codes
          WHERE tenant_id = $1 AND contract_id = $2",
    )
    .bind(tenant.0)
    .bind(contract)
    .fetch_optional(conn)
    .await
}

/// Keeps the one live code of a contract (a new code replaces the previous one).
pub async fn save_code(
    conn: &mut PgConnection,
    tenant: TenantId,
    contract: Uuid,
    code_hash: &str,
    sent: &SignatureCodeSent,
) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO contract_codes (tenant_id, contract_id, code_hash, channel, sent_to, expires_at)
         VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (tenant_id, contract_id) DO UPDATE
            SET code_hash = EXCLUDED.code_hash, channel = EXCLUDED.channel, sent_to = EXCLUDED.sent_to,
                sent_at = now(), expires_at = EXCLUDED.expires_at, attempts = 0",
    )
    .bind(tenant.0)
    .bind(contract)
    .bind(code_hash)
    .bind(sent.channel.as_str())
    .bind(&sent.sent_to)
    .bind(sent.expires_at)
    .execute(conn)
    .await
    .map(|_| ())
}

pub async fn count_attempt(conn: &mut PgConnection, tenant: TenantId, contract: Uuid) -> sqlx::Result<()> {
    sqlx::query("UPDATE contract_codes SET attempts = attempts + 1 WHERE tenant_id = $1 AND contract_id = $2")
        .bind(tenant.0)
        .bind(contract)
        .execute(conn)
        .await
        .map(|_| ())
}

pub async fn drop_code(conn: &mut PgConnection, tenant: TenantId, contract: Uuid) -> sqlx::Result<()> {
    sqlx::query("DELETE FROM contract_codes WHERE tenant_id = $1 AND contract_id = $2")
        .bind(tenant.0)
        .bind(contract)
        .execute(conn)
        .await
        .map(|_| ())
}
