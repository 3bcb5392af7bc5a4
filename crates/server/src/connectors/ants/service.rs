//! A dossier's life: read, filed (or completed) by a job, synced by a job, confirmed states
//! written on the student file.

use anyhow::Context;
use serde::{Deserialize, Serialize};
use serde_json::json;
use sqlx::{PgConnection, PgPool};
use uuid::Uuid;
use volant_domain::{
    ants::{self, AntsDossierStatus, AntsReason},
    documents::DocumentKind,
    ids::TenantId,
};

use super::{
    AntsDossier, SUBMIT, SYNC, SentDocument,
    client::{Applicant, FiledDocument, RemoteDossier, Session},
    repo,
};
use crate::{
    audit::Change,
    connectors::{ConnectorName, RemoteError, service as connectors},
    db::from_text,
    error::{AppError, AppResult},
    jobs,
    state::AppState,
    students::{self, Student},
    work::Work,
};

/// What a job names.
#[derive(Debug, Serialize, Deserialize)]
pub struct DossierJob {
    pub student_id: Uuid,
}

/// The file's missing or expired documents that a filing needs.
async fn missing_documents(work: &mut Work, student: &Student) -> AppResult<Vec<DocumentKind>> {
    let tenant = work.tenant();
    let today = work.school.today();
    let docs = students::documents::list(work, tenant, student.id, student.birth_date, today).await?;
    let checklist: Vec<_> = docs.checklist.iter().map(|c| (c.kind, c.status)).collect();
    Ok(ants::missing_for_filing(&checklist))
}

/// The dossier as the office reads it (a `draft` when nothing was filed yet).
pub async fn get(work: &mut Work, student: &Student) -> AppResult<AntsDossier> {
    let tenant = work.tenant();
    let row = repo::get(work, tenant, student.id, false).await?;
    let connector = connectors::get(work, tenant, ConnectorName::Ants).await?.status;
    let missing_documents = missing_documents(work, student).await?;
    let history = repo::history(work, tenant, student.id).await?;
    let Some(row) = row else {
        // Filed or registered by hand on the portal: filing again would make a second dossier.
        let registered_by_hand = matches!(crate::db::to_text(&student.ants_status).as_str(), "submitted" | "validated");
        return Ok(AntsDossier {
            student_id: student.id,
            status: AntsDossierStatus::Draft,
            reasons: vec![],
            neph: None,
            remote_id: None,
            documents: vec![],
            missing_documents,
            pending: None,
            last_error: None,
            may_submit: !registered_by_hand,
            connector,
            synced_at: None,
            history,
        });
    };
    let status = row.status()?;
    Ok(AntsDossier {
        student_id: student.id,
        status,
        reasons: row.reasons(),
        neph: row.neph.clone(),
        documents: row.documents(),
        missing_documents,
        may_submit: status.may_submit() && row.pending.is_none(),
        pending: row.pending,
        last_error: row.last_error,
        remote_id: row.remote_id,
        connector,
        synced_at: row.synced_at,
        history,
    })
}

/// Files the dossier (or completes an incomplete one): a job makes the call, with one key for
/// all its attempts.
pub async fn submit(work: &mut Work, state: &AppState, student: &Student) -> AppResult<AntsDossier> {
    let tenant = work.tenant();
    require_connector(work, tenant).await?;
    let row = repo::get_or_open(work, tenant, student.id).await?;
    let status = row.status()?;
    if row.pending.is_some() {
        return Err(AppError::rule("ants_pending", "Une demande à l'ANTS est déjà en cours pour ce dossier."));
    }
    if !status.may_submit() {
        return Err(AppError::rule(
            "ants_status",
            format!("Le dossier est « {} » : l'ANTS doit d'abord répondre.", status.label()),
        ));
    }
    let completing = status == AntsDossierStatus::Incomplete && row.remote_id.is_some();
    let (pending, note) =
        if completing { ("resubmit", "Pièces complétées et renvoyées") } else { ("submit", "Dépôt demandé") };
    let key = Uuid::new_v4();
    repo::set_pending(work, tenant, student.id, pending, Some(key)).await?;
    repo::add_history(work, tenant, student.id, status, &[], "office", Some(note)).await?;
    jobs::enqueue_once(work, Some(tenant), SUBMIT, &key.to_string(), &DossierJob { student_id: student.id }, None)
        .await?;
    let change = Change {
        action: "ants_dossier.submit",
        entity: "student",
        entity_id: Some(student.id),
        before: Some(json!({"status": status})),
        after: Some(json!({"pending": pending})),
    };
    work.audit().record(change).await?;
    state.jobs_wake.notify_one();
    get(work, student).await
}

/// Asks the platform for the dossier's status now.
pub async fn sync(work: &mut Work, state: &AppState, student: &Student) -> AppResult<AntsDossier> {
    let tenant = work.tenant();
    require_connector(work, tenant).await?;
    let row = repo::get(work, tenant, student.id, true).await?;
    let Some(row) = row.filter(|r| r.remote_id.is_some()) else {
        return Err(AppError::rule("ants_status", "Le dossier n'a pas encore été déposé à l'ANTS."));
    };
    if row.pending.is_none() {
        let key = format!("{}:{}", student.id, Uuid::new_v4());
        repo::set_pending(work, tenant, student.id, "sync", None).await?;
        jobs::enqueue_once(work, Some(tenant), SYNC, &key, &DossierJob { student_id: student.id }, None).await?;
        state.jobs_wake.notify_one();
    }
    get(work, student).await
}

async fn require_connector(conn: &mut PgConnection, tenant: TenantId) -> AppResult<()> {
    let view = connectors::get(conn, tenant, ConnectorName::Ants).await?;
    if view.version.is_none() {
        return Err(AppError::rule("ants_connector", RemoteError::NotConfigured.message(ConnectorName::Ants)));
    }
    Ok(())
}

/// The filing job: reads what to send, calls the platform outside any transaction, records the
/// answer. A transient fault is retried by the outbox (same key: never filed twice); a refusal,
/// or the last attempt, ends the request with the fault in French.
pub async fn run_submit(state: AppState, job: jobs::Job) -> anyhow::Result<()> {
    let (tenant, DossierJob { student_id }) = read_job(&job)?;
    let mut work = Work::system(&state.pool, tenant).await?;
    let Some(row) = repo::get(&mut work, tenant, student_id, false).await? else { return Ok(()) };
    let (Some(pending), Some(key)) = (row.pending.clone(), row.submission_key) else { return Ok(()) };
    if pending == "sync" {
        return Ok(());
    }
    let Some(remote) = connectors::remote(&mut work, &state, tenant, ConnectorName::Ants).await? else {
        return give_up(work, student_id, &RemoteError::NotConfigured.message(ConnectorName::Ants)).await;
    };
    let student = students::repo::get(&mut work, tenant, student_id, false).await?.context("student gone")?;
    let documents = filing_documents(&mut work, tenant, student_id).await?;
    work.commit().await?;
    let sent: Vec<SentDocument> =
        documents.iter().map(|d| SentDocument { kind: d.kind, file_name: d.file_name.clone() }).collect();
    let mut session = Session::new(&remote);
    let outcome = match (pending.as_str(), row.remote_id.as_deref()) {
        ("resubmit", Some(remote_id)) => session.complete(student_id, remote_id, key, &documents).await,
        _ => {
            let applicant = Applicant {
                first_name: student.first_name.clone(),
                last_name: student.last_name.clone(),
                birth_date: student.birth_date,
            };
            session.file(student_id, key, &applicant, &documents).await
        }
    };
    record_outcome(&state.pool, tenant, student_id, &job, outcome, Some(&sent)).await
}

/// The sync job: reads the dossier on the platform and records what changed.
pub async fn run_sync(state: AppState, job: jobs::Job) -> anyhow::Result<()> {
    let (tenant, DossierJob { student_id }) = read_job(&job)?;
    let mut work = Work::system(&state.pool, tenant).await?;
    let Some(row) = repo::get(&mut work, tenant, student_id, false).await? else { return Ok(()) };
    let Some(remote_id) = row.remote_id.clone() else { return Ok(()) };
    if row.pending.as_deref().is_some_and(|p| p != "sync") {
        return Ok(()); // A filing is on its way: its answer is the news.
    }
    let Some(remote) = connectors::remote(&mut work, &state, tenant, ConnectorName::Ants).await? else {
        return give_up(work, student_id, &RemoteError::NotConfigured.message(ConnectorName::Ants)).await;
    };
    work.commit().await?;
    let outcome = Session::new(&remote).read(student_id, &remote_id).await;
    record_outcome(&state.pool, tenant, student_id, &job, outcome, None).await
}

fn read_job(job: &jobs::Job) -> anyhow::Result<(TenantId, DossierJob)> {
    let tenant = TenantId(job.tenant_id.context("an ANTS job without a school")?);
    Ok((tenant, serde_json::from_value(job.payload.clone()).context("bad ANTS job payload")?))
}

async fn give_up(mut work: Work, student: Uuid, message: &str) -> anyhow::Result<()> {
    let tenant = work.tenant();
    repo::set_error(&mut work, tenant, student, message, true).await?;
    work.commit().await?;
    Ok(())
}

async fn record_outcome(
    pool: &PgPool,
    tenant: TenantId,
    student: Uuid,
    job: &jobs::Job,
    outcome: Result<RemoteDossier, RemoteError>,
    sent: Option<&[SentDocument]>,
) -> anyhow::Result<()> {
    let mut work = Work::system(pool, tenant).await?;
    match outcome {
        Ok(dossier) => {
            confirm(&mut work, student, &dossier, sent).await?;
            work.commit().await?;
            Ok(())
        }
        Err(e) => {
            let last_attempt = job.attempts >= job.max_attempts;
            let message = e.message(ConnectorName::Ants);
            let give_up = !e.is_transient() || last_attempt;
            let message = if e.is_transient() && last_attempt {
                format!("Abandon après {} tentatives. {message}", job.attempts)
            } else {
                message
            };
            repo::set_error(&mut work, tenant, student, &message, give_up).await?;
            work.commit().await?;
            if give_up { Ok(()) } else { Err(anyhow::anyhow!(message)) }
        }
    }
}

/// Writes what the platform confirmed; a new status goes into the history and onto the student
/// file (audited), a NEPH with it on validation.
async fn confirm(
    work: &mut Work,
    student: Uuid,
    dossier: &RemoteDossier,
    sent: Option<&[SentDocument]>,
) -> AppResult<()> {
    let tenant = work.tenant();
    let before = repo::get(work, tenant, student, true).await?.ok_or(AppError::NotFound)?;
    let before_status: AntsDossierStatus = from_text(&before.status)?;
    let neph = dossier.neph.as_deref().filter(|n| ants::is_neph(n));
    let changed = before_status != dossier.status
        || before.remote_id.as_deref() != Some(dossier.id.as_str())
        || before.reasons() != dossier.reasons
        || sent.is_some();
    let note = if changed {
        let validated_neph = neph.filter(|_| dossier.status == AntsDossierStatus::Validated);
        students::service::record_registration(work, student, dossier.status.student_status(), validated_neph).await?
    } else {
        None
    };
    let confirmed = repo::Confirmed {
        status: dossier.status,
        remote_id: &dossier.id,
        reasons: &dossier.reasons,
        neph: neph.filter(|_| note.is_none()),
        remote_updated_at: dossier.updated_at,
        sent,
        note: note.as_deref(),
    };
    repo::confirm(work, tenant, student, &confirmed).await?;
    if changed {
        repo::add_history(work, tenant, student, dossier.status, &dossier.reasons, "remote", note.as_deref()).await?;
        let change = Change {
            action: "ants_dossier.confirmed",
            entity: "student",
            entity_id: Some(student),
            before: Some(json!({"status": before_status, "reasons": before.reasons(), "neph": before.neph})),
            after: Some(json!({"status": dossier.status, "reasons": dossier.reasons, "neph": neph})),
        };
        work.audit().record(change).await?;
    }
    Ok(())
}

/// The file's current documents that a filing sends.
async fn filing_documents(conn: &mut PgConnection, tenant: TenantId, student: Uuid) -> AppResult<Vec<FiledDocument>> {
    let mut documents = Vec::new();
    for d in repo::current_documents(conn, tenant, student).await? {
        let kind: DocumentKind = from_text(&d.kind)?;
        if ants::filed_with(kind) {
            documents.push(FiledDocument::new(
                kind,
                d.file_name,
                d.content_type,
                (d.issued_on, d.expires_on),
                &d.content,
            ));
        }
    }
    Ok(documents)
}

/// Queues a sync of every dossier the platform is deciding on and that was not read for
/// `stale_secs` (one job per dossier and period, whatever the number of server instances).
pub async fn enqueue_due(pool: &PgPool, stale_secs: u64) -> anyhow::Result<usize> {
    let period = chrono::Utc::now().timestamp() / i64::try_from(stale_secs.max(1)).unwrap_or(3600);
    let mut queued = 0;
    for tenant in crate::school::active_ids(pool).await? {
        let mut tx = crate::db::begin_tenant(pool, tenant).await?;
        for student_id in repo::due_for_sync(&mut tx, tenant, stale_secs as f64).await? {
            let key = format!("{student_id}:p{period}");
            if jobs::enqueue_once(&mut tx, Some(tenant), SYNC, &key, &DossierJob { student_id }, None).await? {
                queued += 1;
            }
        }
        tx.commit().await?;
    }
    Ok(queued)
}

/// A dossier the platform stopped, for the office's alerts.
pub struct StoppedDossier {
    pub student_id: Uuid,
    pub student_name: String,
    pub status: AntsDossierStatus,
    pub reasons: Vec<AntsReason>,
}

pub async fn stopped(conn: &mut PgConnection, tenant: TenantId) -> AppResult<Vec<StoppedDossier>> {
    let mut items = Vec::new();
    for s in repo::stopped(conn, tenant).await? {
        items.push(StoppedDossier {
            student_id: s.student_id,
            student_name: format!("{} {}", s.first_name, s.last_name),
            status: from_text(&s.status)?,
            reasons: serde_json::from_value(s.reasons).unwrap_or_default(),
        });
    }
    Ok(items)
}
