//! The printed contract and amendments: the parties, what the contract rests on (the start
//! evaluation's estimate), the products and prices agreed, the clauses of the contrat-type, and
//! — on the signed copy — the evidence of the signature.

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;
use volant_domain::billing::euros;

use super::{ContractKind, ContractLine, Evidence, Signer, SignerRole};
use crate::{
    billing::{
        Seller,
        document::{fr_date, seller_party},
    },
    students::Student,
};

/// What a copy is made of.
pub struct Parts<'a> {
    pub kind: ContractKind,
    pub rank: i32,
    pub reference: String,
    pub today: NaiveDate,
    pub seller: &'a Seller,
    pub student: &'a Student,
    pub signer: &'a Signer,
    pub minutes: i32,
    pub lines: &'a [ContractLine],
    pub reason: Option<&'a str>,
    /// For an amendment: the day the contract it adds to was signed.
    pub contract_signed_on: Option<NaiveDate>,
    pub late_cancel_hours: i64,
}

/// "30 h", "12 h 30".
pub fn hours(minutes: i64) -> String {
    match (minutes / 60, minutes % 60) {
        (h, 0) => format!("{h}\u{a0}h"),
        (h, m) => format!("{h}\u{a0}h\u{a0}{m:02}"),
    }
}

fn student_party(s: &Student) -> volant_pdf::Party {
    let mut lines = vec![format!("Né(e) le {}", fr_date(s.birth_date))];
    lines.extend(s.address.iter().flat_map(|a| a.lines()).map(str::to_owned));
    lines.extend(s.email.clone());
    lines.extend(s.phone.clone());
    lines.extend(s.neph.as_ref().map(|n| format!("NEPH {n}")));
    volant_pdf::Party { name: format!("{} {}", s.first_name, s.last_name), lines }
}

fn guardian_party(s: &Student, signer: &Signer) -> Option<volant_pdf::Party> {
    let g = s.guardian.as_ref().filter(|_| signer.role == SignerRole::Guardian)?;
    let mut lines: Vec<String> = g.relationship.iter().cloned().collect();
    lines.extend(g.email.clone());
    lines.extend(g.phone.clone());
    Some(volant_pdf::Party { name: signer.name.clone(), lines })
}

fn signer_label(signer: &Signer) -> String {
    match signer.role {
        SignerRole::Student => format!("{}, l'élève", signer.name),
        SignerRole::Guardian => format!("{}, représentant légal de l'élève mineur", signer.name),
    }
}

fn clauses(p: &Parts<'_>) -> Vec<volant_pdf::Clause> {
    let clause = |title: &str, text: String| volant_pdf::Clause { title: title.to_owned(), text };
    vec![
        clause(
            "Objet",
            "L'établissement assure la formation théorique et pratique de l'élève au permis de conduire de la \
             catégorie B, selon le programme de formation (REMC) et le livret d'apprentissage, jusqu'à la \
             présentation aux épreuves."
                .into(),
        ),
        clause(
            "Volume de formation",
            format!(
                "Le volume de conduite est estimé à {} par l'évaluation de départ (art. L.213-2 du code de la \
                 route). Cette estimation n'engage pas l'élève sur un résultat ; toute heure au-delà fait \
                 l'objet d'un avenant signé avant d'être facturée.",
                hours(p.student.start_evaluation.as_ref().map_or(0, |ev| i64::from(ev.estimated_minutes)))
            ),
        ),
        clause(
            "Prix et paiement",
            "Les prix sont indiqués toutes taxes comprises. Chaque prestation vendue fait l'objet d'une facture ; \
             le paiement peut être échelonné. Aucuns frais de présentation à l'examen ni de transfert ou de \
             restitution du dossier ne peuvent être facturés (art. L.213-2 du code de la route)."
                .into(),
        ),
        clause(
            "Annulation des leçons",
            format!(
                "Une leçon décommandée par l'élève moins de {} heures à l'avance est due, sauf motif légitime \
                 justifié. Une leçon annulée par l'établissement n'est pas facturée.",
                p.late_cancel_hours
            ),
        ),
        clause(
            "Durée et résiliation",
            "Le contrat vaut pour la durée de la formation. L'élève peut le résilier à tout moment ; les \
             prestations payées et non exécutées lui sont remboursées. Son dossier lui est remis sans frais."
                .into(),
        ),
        clause(
            "Rétractation et litiges",
            "Conclu à distance, le contrat peut être rétracté dans les 14 jours (art. L.221-18 du code de la \
             consommation). En cas de litige, l'élève peut recourir gratuitement au médiateur de la consommation \
             dont relève l'établissement."
                .into(),
        ),
    ]
}

fn basis(p: &Parts<'_>) -> Vec<String> {
    match p.kind {
        ContractKind::Contract => p
            .student
            .start_evaluation
            .iter()
            .map(|ev| {
                format!(
                    "Évaluation de départ du {} : {} de conduite estimées.",
                    fr_date(ev.date),
                    hours(i64::from(ev.estimated_minutes))
                )
            })
            .collect(),
        ContractKind::Amendment => {
            let mut out = vec![format!(
                "Avenant n° {} au contrat de formation{} : {} de conduite en plus du volume prévu.",
                p.rank,
                p.contract_signed_on.map(|d| format!(" signé le {}", fr_date(d))).unwrap_or_default(),
                hours(i64::from(p.minutes))
            )];
            out.extend(p.reason.map(|r| format!("Motif : {r}")));
            out
        }
    }
}

/// The copy to sign.
pub fn content(p: &Parts<'_>) -> volant_pdf::ContractDoc {
    let title = match p.kind {
        ContractKind::Contract => "Contrat de formation à la conduite — permis B".to_owned(),
        ContractKind::Amendment => format!("Avenant n° {} au contrat de formation à la conduite", p.rank),
    };
    let total: i64 = p.lines.iter().map(|l| l.unit_price_cents * i64::from(l.quantity)).sum();
    volant_pdf::ContractDoc {
        title,
        reference: p.reference.clone(),
        generated_on: fr_date(p.today),
        school: seller_party(p.seller),
        student: student_party(p.student),
        guardian: guardian_party(p.student, p.signer),
        basis: basis(p),
        lines: p
            .lines
            .iter()
            .map(|l| volant_pdf::ContractLineRow {
                label: l.label.clone(),
                quantity: l.quantity.to_string(),
                unit_price: euros(l.unit_price_cents),
                total: euros(l.unit_price_cents * i64::from(l.quantity)),
            })
            .collect(),
        total: euros(total),
        clauses: clauses(p),
        signer: signer_label(p.signer),
        evidence: None,
    }
}

/// The evidence as the signed copy prints it.
pub fn evidence_lines(e: &Evidence, signed_at: DateTime<Utc>, tz: Tz) -> Vec<String> {
    let local = signed_at.with_timezone(&tz);
    let mut lines = vec![
        format!("Signataire : {}", e.signer),
        format!(
            "Le {} à {} (heure locale, {}), soit {} UTC",
            local.format("%d/%m/%Y"),
            local.format("%H:%M:%S"),
            tz.name(),
            signed_at.format("%Y-%m-%dT%H:%M:%SZ")
        ),
        format!("Code à usage unique envoyé {} à {}", e.channel.label(), e.sent_to),
    ];
    lines.extend(e.ip.as_ref().map(|ip| format!("Adresse IP : {ip}")));
    lines.extend(e.user_agent.as_ref().map(|ua| format!("Navigateur : {ua}")));
    lines.push(format!("Empreinte SHA-256 de l'exemplaire signé : {}", e.document_sha256));
    lines.push(format!("Sceau : {}", e.seal));
    lines
}
