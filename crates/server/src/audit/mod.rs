//! The audit log: every change writes an entry in the same transaction, after the domain rows.
//! Entries are chained per school (see `volant_domain::audit`); payloads sit beside the chain.

use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::Value;
use sqlx::{FromRow, PgConnection};
use utoipa::ToSchema;
use uuid::Uuid;
use volant_domain::{
    audit::{EntryMeta, GENESIS, Hash, Payload, StoredEntry, Verification, Verifier},
    ids::{AuditId, TenantId},
};

/// Who made a change, for the audit log: a person in a request, or the system (seed, operator).
#[derive(Clone, Debug)]
pub struct Actor {
    pub tenant_id: TenantId,
    pub user_id: Option<Uuid>,
    pub request_id: Option<String>,
    pub ip: Option<String>,
}

impl Actor {
    pub fn system(tenant_id: TenantId) -> Self {
        Actor { tenant_id, user_id: None, request_id: None, ip: None }
    }
}

/// What changed, for one audit entry.
pub struct Change<'a> {
    pub action: &'a str,
    pub entity: &'a str,
    pub entity_id: Option<Uuid>,
    pub before: Option<Value>,
    pub after: Option<Value>,
}

/// Appends an entry to the school's chain in one statement: it numbers the entry and hashes it
/// under the school's chain head (created for a new school), then writes the entry, its payload
/// and the new head. The head's row lock is held from there to the commit, so the chain never
/// forks; callers append last, after their domain rows, so that writers of one school wait on each
/// other only for the append and the commit. The hash is the domain's
/// (`sha256(prev || canonical(meta))`, the canonical text split around the number it gets here),
/// and `verify` recomputes it in Rust.
pub async fn record(conn: &mut PgConnection, actor: &Actor, change: Change<'_>) -> Result<(), sqlx::Error> {
    let payload = Payload { before: change.before, after: change.after };
    let now = Utc::now();
    let meta = EntryMeta {
        tenant_id: actor.tenant_id.0,
        seq: 0,
        id: AuditId::new().0,
        occurred_at: DateTime::from_timestamp_micros(now.timestamp_micros()).unwrap_or(now),
        actor_id: actor.user_id,
        action: change.action.to_owned(),
        entity: change.entity.to_owned(),
        entity_id: change.entity_id,
        request_id: actor.request_id.clone(),
        ip: actor.ip.clone(),
        payload_hash: payload.hash(),
    };
    let (before_seq, after_seq) = meta.canonical_around_seq();
    // The payload's and the entry's foreign keys are checked at the end of the statement.
    sqlx::query(
        "WITH head AS (
            INSERT INTO audit_heads AS h (tenant_id, seq, hash)
            VALUES ($1, 1, sha256($13 || convert_to($14 || '1' || $15, 'UTF8')))
            ON CONFLICT (tenant_id) DO UPDATE
               SET seq = h.seq + 1, hash = sha256(h.hash || convert_to($14 || (h.seq + 1)::text || $15, 'UTF8'))
            RETURNING seq, hash),
         entry AS (
            INSERT INTO audit_log (tenant_id, id, seq, occurred_at, actor_id, action, entity, entity_id,
                                   request_id, ip, payload_hash, hash)
            SELECT $1, $2, head.seq, $3, $4, $5, $6, $7, $8, $9, $10, head.hash FROM head)
         INSERT INTO audit_payloads (tenant_id, audit_id, before, after) VALUES ($1, $2, $11, $12)",
    )
    .bind(meta.tenant_id)
    .bind(meta.id)
    .bind(meta.occurred_at)
    .bind(meta.actor_id)
    .bind(&meta.action)
    .bind(&meta.entity)
    .bind(meta.entity_id)
    .bind(&meta.request_id)
    .bind(&meta.ip)
    .bind(meta.payload_hash.as_slice())
    .bind(&payload.before)
    .bind(&payload.after)
    .bind(GENESIS.as_slice())
    .bind(&before_seq)
    .bind(&after_seq)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

fn to_hash(bytes: &[u8]) -> Hash {
    let mut h = GENESIS;
    if bytes.len() == h.len() {
        h.copy_from_slice(bytes);
    }
    h
}

/// Blanks the payloads about one entity (GDPR erasure). The chain keeps their hashes.
pub async fn erase_payloads(conn: &mut PgConnection, entity: &str, entity_id: Uuid) -> Result<i32, sqlx::Error> {
    sqlx::query_scalar("SELECT erase_audit_payloads($1, $2)").bind(entity).bind(entity_id).fetch_one(conn).await
}

#[derive(FromRow)]
struct Row {
    id: Uuid,
    seq: i64,
    occurred_at: DateTime<Utc>,
    actor_id: Option<Uuid>,
    action: String,
    entity: String,
    entity_id: Option<Uuid>,
    request_id: Option<String>,
    ip: Option<String>,
    payload_hash: Vec<u8>,
    hash: Vec<u8>,
    before: Option<Value>,
    after: Option<Value>,
    erased: bool,
}

/// Walks the whole chain of the transaction's school.
pub async fn verify(conn: &mut PgConnection, tenant: TenantId) -> Result<Verification, sqlx::Error> {
    use futures::TryStreamExt;
    let mut verifier = Verifier::default();
    {
        let mut rows = sqlx::query_as::<_, Row>(
            "SELECT l.id, l.seq, l.occurred_at, l.actor_id, l.action, l.entity, l.entity_id, l.request_id,
                    l.ip, l.payload_hash, l.hash, p.before, p.after,
                    (p.audit_id IS NULL OR p.erased_at IS NOT NULL) AS erased
               FROM audit_log l
               LEFT JOIN audit_payloads p ON p.tenant_id = l.tenant_id AND p.audit_id = l.id
              WHERE l.tenant_id = $1 ORDER BY l.seq",
        )
        .bind(tenant.0)
        .fetch(&mut *conn);
        while let Some(r) = rows.try_next().await? {
            let entry = StoredEntry {
                meta: EntryMeta {
                    tenant_id: tenant.0,
                    seq: r.seq,
                    id: r.id,
                    occurred_at: r.occurred_at,
                    actor_id: r.actor_id,
                    action: r.action,
                    entity: r.entity,
                    entity_id: r.entity_id,
                    request_id: r.request_id,
                    ip: r.ip,
                    payload_hash: to_hash(&r.payload_hash),
                },
                hash: to_hash(&r.hash),
                payload: (!r.erased).then_some(Payload { before: r.before, after: r.after }),
            };
            verifier.push(&entry);
        }
    }
    let head: Option<(i64, Vec<u8>)> = sqlx::query_as("SELECT seq, hash FROM audit_heads WHERE tenant_id = $1")
        .bind(tenant.0)
        .fetch_optional(&mut *conn)
        .await?;
    Ok(verifier.finish(head.map(|(s, h)| (s, to_hash(&h)))))
}

/// One entry as the audit-log page shows it.
#[derive(Debug, Serialize, FromRow, ToSchema)]
pub struct AuditEntry {
    pub id: Uuid,
    pub seq: i64,
    pub occurred_at: DateTime<Utc>,
    pub actor_id: Option<Uuid>,
    pub actor_email: Option<String>,
    pub action: String,
    pub entity: String,
    pub entity_id: Option<Uuid>,
    pub request_id: Option<String>,
    pub ip: Option<String>,
    pub before: Option<Value>,
    pub after: Option<Value>,
}
