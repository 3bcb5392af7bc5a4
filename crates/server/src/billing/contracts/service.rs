//! The contract's steps: making a copy to sign (the contract from the start evaluation, an
//! amendment for more hours), sending the signature code, signing, and the check a sale of hours
//! makes against what the signed copies cover.

use chrono::{Duration, Utc};
use rand::Rng;
use sha2::{Digest, Sha256};
use uuid::Uuid;
use volant_domain::billing::{
    SIGNATURE_CODE_ATTEMPTS, SIGNATURE_CODE_MINUTES, SIGNATURE_CODE_RESEND_SECONDS, beyond_contract,
};
use volant_domain::ids::ContractId;
use volant_domain::planning::Finding;

use super::{
    Contract, ContractKind, ContractLine, ContractStatus, Evidence, NewAmendment, NewContract, SignatureChannel,
    SignatureCodeSent, Signer, SignerRole,
    document::{self, Parts, hours},
    repo,
};
use crate::{
    audit::Change,
    auth::Viewer,
    billing::{LineInput, document::off_thread, repo as billing_repo, service as billing},
    error::{AppError, AppResult},
    mail::{self, OutgoingMail},
    sealed::TokenSigner,
    sms::{self, SmsMessage},
    students::{self, Student, documents},
    work::Work,
};

/// The server's keys for signatures: one keeps codes as keyed hashes, the other seals evidence.
pub struct Keys {
    code: TokenSigner,
    seal: TokenSigner,
}

impl Keys {
    pub fn new(secret_key: &str) -> Keys {
        Keys {
            code: TokenSigner::new(secret_key, "volant/contract-code/v1"),
            seal: TokenSigner::new(secret_key, "volant/contract-seal/v1"),
        }
    }
}

const MAX_LINES: usize = 10;

/// The contract if the caller may see it: the office all, a student their own.
pub async fn visible(work: &mut Work, id: Uuid) -> AppResult<Contract> {
    let tenant = work.tenant();
    let contract = repo::get(work, tenant, id).await?.ok_or(AppError::NotFound)?;
    match work.viewer {
        Viewer::Office => Ok(contract),
        Viewer::Student(own) if own == contract.student_id => Ok(contract),
        _ => Err(AppError::NotFound),
    }
}

pub async fn of_student(work: &mut Work, student: Uuid) -> AppResult<Vec<Contract>> {
    let student = students::service::visible(work, student, false).await?;
    let tenant = work.tenant();
    Ok(repo::of_student(work, tenant, student.id).await?)
}

/// The products agreed, priced from the catalogue.
async fn agreed_lines(work: &mut Work, lines: &[LineInput]) -> AppResult<Vec<ContractLine>> {
    if lines.is_empty() || lines.len() > MAX_LINES {
        return Err(AppError::field("lines", "Choisissez de 1 à 10 produits du catalogue."));
    }
    let sold = billing::sold_lines(work, lines).await?;
    Ok(sold
        .into_iter()
        .zip(lines)
        .map(|(l, input)| ContractLine {
            product_id: input.product_id,
            label: l.label,
            kind: l.kind,
            quantity: l.quantity,
            unit_price_cents: l.unit_price_cents,
            vat_rate_bp: l.vat_rate_bp,
            minutes: l.minutes,
        })
        .collect())
}

/// The student, or for a minor their guardian, with somewhere to send the code.
fn signer_of(s: &Student, today: chrono::NaiveDate) -> AppResult<Signer> {
    let tidy = |v: &Option<String>| v.as_ref().map(|x| x.trim().to_owned()).filter(|x| !x.is_empty());
    let signer = if volant_domain::student::is_minor(s.birth_date, today) {
        let Some(g) = &s.guardian else {
            return Err(AppError::rule(
                "guardian_required",
                "L'élève est mineur : renseignez son représentant légal dans sa fiche, c'est lui qui signe.",
            ));
        };
        let name = [g.first_name.as_deref().unwrap_or(""), g.last_name.as_str()].join(" ").trim().to_owned();
        Signer { role: SignerRole::Guardian, name, email: tidy(&g.email), phone: tidy(&g.phone) }
    } else {
        let name = format!("{} {}", s.first_name, s.last_name);
        Signer { role: SignerRole::Student, name, email: tidy(&s.email), phone: tidy(&s.phone) }
    };
    if signer.email.is_none() && signer.phone.is_none() {
        let whose = if signer.role == SignerRole::Guardian { "du représentant légal" } else { "de l'élève" };
        return Err(AppError::rule(
            "signer_unreachable",
            format!("Renseignez l'e-mail ou le téléphone {whose} : le code de signature y est envoyé."),
        ));
    }
    Ok(signer)
}

fn reference(id: Uuid, kind: ContractKind) -> String {
    let short = id.simple().to_string()[..8].to_uppercase();
    match kind {
        ContractKind::Contract => format!("CF-{short}"),
        ContractKind::Amendment => format!("AV-{short}"),
    }
}

struct Draft {
    kind: ContractKind,
    amends: Option<Uuid>,
    rank: i32,
    minutes: i32,
    lines: Vec<ContractLine>,
    reason: Option<String>,
    contract_signed_on: Option<chrono::NaiveDate>,
}

/// Withdraws the copies of `kind` still waiting for a signature: a new copy replaces them.
async fn withdraw_unsigned(work: &mut Work, student: Uuid, kind: ContractKind) -> AppResult<()> {
    let tenant = work.tenant();
    for withdrawn in repo::withdraw_unsigned(work, tenant, student, kind).await? {
        let change = Change {
            action: "contract.withdraw",
            entity: "contract",
            entity_id: Some(withdrawn),
            before: None,
            after: None,
        };
        work.audit().record(change).await?;
    }
    Ok(())
}

/// Renders, stores and audits a copy to sign.
async fn make_copy(work: &mut Work, student: &Student, draft: Draft) -> AppResult<Contract> {
    let tenant = work.tenant();
    let today = work.school.today();
    let signer = signer_of(student, today)?;
    let seller = billing::seller(work).await?;
    let id = ContractId::new().0;
    let parts = Parts {
        kind: draft.kind,
        rank: draft.rank,
        reference: reference(id, draft.kind),
        today,
        seller: &seller,
        student,
        signer: &signer,
        minutes: draft.minutes,
        lines: &draft.lines,
        reason: draft.reason.as_deref(),
        contract_signed_on: draft.contract_signed_on,
        late_cancel_hours: work.settings().late_cancel_hours,
    };
    let content = document::content(&parts);
    let printed = content.clone();
    let pdf = off_thread(move || volant_pdf::contract(&printed)).await?;
    let sha = hex::encode(Sha256::digest(&pdf));
    let total_cents = draft.lines.iter().map(|l| l.unit_price_cents * i64::from(l.quantity)).sum();
    let row = repo::NewRow {
        id,
        student_id: student.id,
        kind: draft.kind,
        amends: draft.amends,
        rank: draft.rank,
        minutes: draft.minutes,
        lines: &draft.lines,
        total_cents,
        reason: draft.reason.as_deref(),
        signer: &signer,
        content: &content,
        document: &pdf,
        document_sha256: &sha,
        created_by: work.actor.user_id,
    };
    repo::insert(work, tenant, &row).await?;
    let contract = repo::get(work, tenant, id).await?.ok_or(AppError::NotFound)?;
    work.audit().created("contract", id, &contract).await?;
    Ok(contract)
}

/// The training contract, from the start evaluation's estimate and the products chosen.
pub async fn generate(work: &mut Work, student_id: Uuid, new: NewContract) -> AppResult<Contract> {
    let student = students::service::visible(work, student_id, false).await?;
    let tenant = work.tenant();
    repo::lock_student(work, tenant, student.id).await?;
    let Some(evaluation) = &student.start_evaluation else {
        return Err(AppError::rule(
            "start_evaluation",
            "L'évaluation de départ précède le contrat (art. L.213-2 du code de la route) : \
             enregistrez-la dans la fiche de l'élève.",
        ));
    };
    if repo::signed_contract(work, tenant, student.id).await?.is_some() {
        return Err(AppError::rule(
            "contract_signed",
            "Le contrat de cet élève est déjà signé : des heures en plus se font par un avenant.",
        ));
    }
    let lines = agreed_lines(work, &new.lines).await?;
    let minutes = evaluation.estimated_minutes;
    withdraw_unsigned(work, student.id, ContractKind::Contract).await?;
    let draft = Draft {
        kind: ContractKind::Contract,
        amends: None,
        rank: 0,
        minutes,
        lines,
        reason: None,
        contract_signed_on: None,
    };
    make_copy(work, &student, draft).await
}

/// An amendment for driving time beyond the contract.
pub async fn amend(work: &mut Work, student_id: Uuid, new: NewAmendment) -> AppResult<Contract> {
    let student = students::service::visible(work, student_id, false).await?;
    let tenant = work.tenant();
    repo::lock_student(work, tenant, student.id).await?;
    let Some(contract) = repo::signed_contract(work, tenant, student.id).await? else {
        return Err(AppError::rule(
            "no_contract",
            "Un avenant complète un contrat signé : faites d'abord signer le contrat de formation.",
        ));
    };
    let lines = agreed_lines(work, &new.lines).await?;
    let minutes: i32 = lines.iter().map(|l| l.minutes.unwrap_or(0) * l.quantity).sum();
    if minutes <= 0 {
        return Err(AppError::field(
            "lines",
            "Un avenant ajoute des heures de conduite : choisissez un forfait ou des leçons.",
        ));
    }
    let reason = new.reason.map(|r| r.trim().to_owned()).filter(|r| !r.is_empty());
    if reason.as_ref().is_some_and(|r| r.chars().count() > 300) {
        return Err(AppError::field("reason", "Le motif tient en 300 caractères."));
    }
    withdraw_unsigned(work, student.id, ContractKind::Amendment).await?;
    let rank = repo::next_rank(work, tenant, contract.id).await?;
    let contract_signed_on = contract.signed_at.map(|at| work.school.date_of(at));
    let draft = Draft {
        kind: ContractKind::Amendment,
        amends: Some(contract.id),
        rank,
        minutes,
        lines,
        reason,
        contract_signed_on,
    };
    make_copy(work, &student, draft).await
}

/// The contract, read again once its student's contracts are locked (a signature or a new code
/// being made meanwhile has then ended).
async fn locked(work: &mut Work, id: Uuid) -> AppResult<Contract> {
    let tenant = work.tenant();
    let student = visible(work, id).await?.student_id;
    repo::lock_student(work, tenant, student).await?;
    visible(work, id).await
}

fn awaiting(contract: &Contract) -> AppResult<()> {
    match contract.status {
        ContractStatus::AwaitingSignature => Ok(()),
        ContractStatus::Signed => Err(AppError::rule("already_signed", "Ce document est déjà signé.")),
        ContractStatus::Withdrawn => Err(AppError::rule(
            "withdrawn",
            "Ce document a été remplacé par un exemplaire plus récent : faites signer celui-là.",
        )),
    }
}

/// `l***@exemple.fr`.
fn mask_email(email: &str) -> String {
    match email.split_once('@') {
        Some((local, domain)) => format!("{}***@{domain}", local.chars().next().unwrap_or('*')),
        None => "***".to_owned(),
    }
}

/// Sends a fresh one-time code to the signer (the previous one stops working).
pub async fn send_code(
    work: &mut Work,
    keys: &Keys,
    id: Uuid,
    channel: SignatureChannel,
    sms_enabled: bool,
) -> AppResult<SignatureCodeSent> {
    let tenant = work.tenant();
    let contract = locked(work, id).await?;
    awaiting(&contract)?;
    if let Some(previous) = repo::code(work, tenant, id).await?
        && Utc::now() - previous.sent_at < Duration::seconds(SIGNATURE_CODE_RESEND_SECONDS)
    {
        return Err(AppError::rule(
            "code_recently_sent",
            "Un code vient d'être envoyé : attendez une minute avant d'en demander un autre.",
        ));
    }
    let code = format!("{:06}", rand::rng().random_range(0..1_000_000));
    let expires_at = Utc::now() + Duration::minutes(SIGNATURE_CODE_MINUTES);
    let school = crate::school::name(work, tenant).await?;
    let student = students::service::visible(work, contract.student_id, false).await?;
    let whose = format!("{} {}", student.first_name, student.last_name);
    let what = match contract.kind {
        ContractKind::Contract => format!("du contrat de formation de {whose}"),
        ContractKind::Amendment => format!("de l'avenant n° {} au contrat de {whose}", contract.rank),
    };
    let text = format!(
        "{school} : votre code de signature {what} est {code}. Il vaut signature et expire dans \
         {SIGNATURE_CODE_MINUTES} minutes ; ne le donnez que pour signer ce document."
    );
    let sent_to = match channel {
        SignatureChannel::Email => {
            let Some(email) = contract.signer.email.clone() else {
                return Err(AppError::field("channel", "Aucune adresse e-mail n'est connue pour le signataire."));
            };
            let subject = format!("{school} — code de signature {what}");
            mail::enqueue(work, Some(tenant), &OutgoingMail::text(&email, subject, &text)).await?;
            mask_email(&email)
        }
        SignatureChannel::Sms => {
            let phone = contract.signer.phone.as_deref().and_then(sms::to_e164_fr);
            let Some(phone) = phone else {
                return Err(AppError::field(
                    "channel",
                    "Aucun numéro de mobile français n'est connu pour le signataire.",
                ));
            };
            if !sms_enabled {
                return Err(AppError::rule("sms_unavailable", sms::NOT_CONFIGURED));
            }
            let message = SmsMessage {
                to: phone.clone(),
                text,
                sender: sms::sender_id(&school),
                idempotency_key: Uuid::new_v4().to_string(),
            };
            sms::enqueue(work, tenant, &message).await?;
            sms::mask(&phone)
        }
    };
    let sent = SignatureCodeSent { channel, sent_to, expires_at };
    repo::save_code(work, tenant, id, &keys.code.fingerprint(&code_data(id, &code)), &sent).await?;
    let after = Some(serde_json::to_value(&sent).map_err(|e| AppError::Internal(e.into()))?);
    let change = Change { action: "contract.code_sent", entity: "contract", entity_id: Some(id), before: None, after };
    work.audit().record(change).await?;
    Ok(sent)
}

fn code_data(contract: Uuid, code: &str) -> Vec<u8> {
    [contract.as_bytes().as_slice(), code.as_bytes()].concat()
}

/// Why a code given back does not sign. The attempt it counted must be kept: the caller commits
/// before answering with it.
pub struct Refused(pub AppError);

/// Signs with the code the signer received. `Ok(Err(refused))`: the code did not sign (wrong,
/// expired, too many tries), and the attempt was counted in the work.
pub async fn sign(
    work: &mut Work,
    keys: &Keys,
    id: Uuid,
    code: &str,
    user_agent: Option<&str>,
) -> AppResult<Result<Contract, Refused>> {
    let tenant = work.tenant();
    let contract = locked(work, id).await?;
    awaiting(&contract)?;
    let Some(stored) = repo::code(work, tenant, id).await? else {
        return Err(AppError::rule("no_code", "Demandez d'abord un code de signature."));
    };
    if stored.expires_at <= Utc::now() {
        return Err(AppError::rule("code_expired", "Ce code a expiré : demandez-en un nouveau."));
    }
    if stored.attempts >= SIGNATURE_CODE_ATTEMPTS {
        return Err(AppError::rule("code_exhausted", "Trop d'essais avec ce code : demandez-en un nouveau."));
    }
    let code = code.trim();
    if !keys.code.matches(&code_data(id, code), &stored.code_hash) {
        repo::count_attempt(work, tenant, id).await?;
        let change = Change {
            action: "contract.code_refused",
            entity: "contract",
            entity_id: Some(id),
            before: None,
            after: None,
        };
        work.audit().record(change).await?;
        let left = SIGNATURE_CODE_ATTEMPTS - stored.attempts - 1;
        let message = if left > 0 {
            format!("Ce code n'est pas le bon ({left} essai(s) restant(s)).")
        } else {
            "Ce code n'est pas le bon et ne peut plus servir : demandez-en un nouveau.".to_owned()
        };
        return Ok(Err(Refused(AppError::rule("code_invalid", message))));
    }
    repo::drop_code(work, tenant, id).await?;
    let signed = seal_and_store(work, keys, &contract, &stored, user_agent).await?;
    Ok(Ok(signed))
}

/// Prints the evidence into the signed copy, seals it, and records it with the student's file.
async fn seal_and_store(
    work: &mut Work,
    keys: &Keys,
    contract: &Contract,
    stored: &repo::StoredCode,
    user_agent: Option<&str>,
) -> AppResult<Contract> {
    let tenant = work.tenant();
    let signed_at = Utc::now();
    let channel: SignatureChannel = crate::db::from_text(&stored.channel)?;
    let ip = work.actor.ip.clone();
    let seal_data = format!(
        "{}|{}|{}|{}|{}",
        contract.id,
        contract.document_sha256,
        contract.signer.name,
        signed_at.to_rfc3339(),
        ip.as_deref().unwrap_or("-")
    );
    let evidence = Evidence {
        signer: contract.signer.name.clone(),
        role: contract.signer.role,
        channel,
        sent_to: stored.sent_to.clone(),
        ip,
        user_agent: user_agent.map(|ua| ua.chars().take(160).collect()),
        signed_by: work.actor.user_id,
        document_sha256: contract.document_sha256.clone(),
        seal: keys.seal.fingerprint(seal_data.as_bytes()),
    };
    let (content, _) = repo::content_and_pdf(work, tenant, contract.id).await?.ok_or(AppError::NotFound)?;
    let mut printed = content.0;
    printed.evidence = Some(document::evidence_lines(&evidence, signed_at, work.tz()));
    let reference = printed.reference.clone();
    let pdf = off_thread(move || volant_pdf::contract(&printed)).await?;
    let signed_sha = hex::encode(Sha256::digest(&pdf));
    repo::mark_signed(work, tenant, contract.id, signed_at, &evidence, (&pdf, &signed_sha)).await?;
    let after = repo::get(work, tenant, contract.id).await?.ok_or(AppError::NotFound)?;
    work.audit().updated("contract", contract.id, contract, &after).await?;
    file_with_student(work, &after, &reference, pdf).await?;
    Ok(after)
}

/// The signed copy joins the student's documents; the contract's signature dates the file.
async fn file_with_student(work: &mut Work, signed: &Contract, reference: &str, pdf: Vec<u8>) -> AppResult<()> {
    let tenant = work.tenant();
    let today = work.school.today();
    let kind = match signed.kind {
        ContractKind::Contract => volant_domain::documents::DocumentKind::Contract,
        ContractKind::Amendment => volant_domain::documents::DocumentKind::Other,
    };
    let upload = documents::Upload {
        kind,
        issued_on: Some(today),
        expires_on: None,
        file_name: format!("{reference}-signe.pdf"),
        content_type: "application/pdf",
        bytes: pdf,
    };
    let document = documents::store(work, signed.student_id, upload).await?;
    work.audit().created("student_document", document.id, &document).await?;
    if signed.kind == ContractKind::Contract {
        let before = students::service::visible(work, signed.student_id, true).await?;
        if before.contract_signed_on.is_none() {
            students::repo::set_contract_signed_on(work, tenant, before.id, today).await?;
            let after = students::service::visible(work, before.id, false).await?;
            work.audit().updated("student", before.id, &before, &after).await?;
        }
    }
    Ok(())
}

/// The PDF of a copy (the signed one once signed) and its file name.
pub async fn pdf(work: &mut Work, id: Uuid) -> AppResult<(String, Vec<u8>)> {
    let contract = visible(work, id).await?;
    let tenant = work.tenant();
    let (content, pdf) = repo::content_and_pdf(work, tenant, id).await?.ok_or(AppError::NotFound)?;
    let suffix = if contract.status == ContractStatus::Signed { "-signe" } else { "" };
    Ok((format!("{}{suffix}.pdf", content.0.reference), pdf))
}

/// What a sale of `selling_minutes` of driving time says against the signed contract: nothing,
/// a warning, or — when the school's setting blocks it — a refusal.
pub async fn check_sale(work: &mut Work, student: Uuid, selling_minutes: i64) -> AppResult<Vec<Finding>> {
    let tenant = work.tenant();
    repo::lock_student(work, tenant, student).await?;
    let covered = repo::covered_minutes(work, tenant, student).await?;
    let sold = billing_repo::sold_driving_minutes(work, tenant, student).await?;
    let Some(over) = beyond_contract(covered, sold, selling_minutes) else { return Ok(vec![]) };
    let message = if covered == 0 {
        "Aucun contrat signé ne couvre ces heures de conduite : faites signer le contrat de formation \
         (art. R.213-3 du code de la route)."
            .to_owned()
    } else {
        format!(
            "Cette vente dépasse de {} le volume du contrat signé : faites signer un avenant \
             (art. R.213-3 du code de la route).",
            hours(over)
        )
    };
    if work.settings().billing.block_sale_beyond_contract {
        return Err(AppError::rule("contract_exceeded", message));
    }
    Ok(vec![Finding { code: "contract_exceeded".into(), message }])
}
