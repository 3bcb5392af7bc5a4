//! The words of each notification (French, as a secretary would write them) and the HTML of its
//! e-mail in the school's name and colour.

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use volant_domain::french;

use super::{About, Event, Raised};

/// A notification's title, body and page, for one kind of reader.
#[derive(Debug, PartialEq, Eq)]
pub struct Words {
    pub title: String,
    pub body: String,
    pub link: Option<&'static str>,
}

/// Who reads, which decides the page a notification links to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reader {
    Office,
    Instructor,
    Student,
}

impl Reader {
    pub fn of_role(role: &str) -> Reader {
        match role {
            "INSTRUCTOR" => Reader::Instructor,
            // A guardian reads the child's pages.
            "STUDENT" | "GUARDIAN" => Reader::Student,
            _ => Reader::Office,
        }
    }

    fn planning(self) -> &'static str {
        match self {
            Reader::Office => "/planning",
            Reader::Instructor | Reader::Student => "/mon-planning",
        }
    }
}

/// The waitlist's page of a reader (the office's list, the student's offers).
fn waitlist_page(reader: Reader) -> &'static str {
    if reader == Reader::Student { "/ma-liste-attente" } else { "/liste-attente" }
}

/// "lundi 7 décembre à 14 h 30", in the school's time.
pub fn when(at: DateTime<Utc>, tz: Tz) -> String {
    let local = at.with_timezone(&tz);
    format!("{} à {}", french::day_and_month(local.date_naive()), local.format("%H h %M"))
}

fn lesson_label(kind: &str) -> &'static str {
    match kind {
        "code" => "séance de code",
        "exam" => "examen",
        "evaluation" => "évaluation de départ",
        _ => "leçon de conduite",
    }
}

/// The words of an event for one reader. `instructor` is the lesson's instructor's name.
pub fn words(raised: &Raised, reader: Reader, tz: Tz, instructor: Option<&str>) -> Words {
    let planning = Some(reader.planning());
    match &raised.about {
        About::Lesson { kind, starts_at, previous_starts_at, meeting_point, reason, .. } => {
            let what = lesson_label(kind);
            let at = when(*starts_at, tz);
            let with = instructor.map(|n| format!(" avec {n}")).unwrap_or_default();
            let place = meeting_point.as_deref().map(|p| format!(" Rendez-vous : {p}.")).unwrap_or_default();
            let (title, body) = match raised.event {
                Event::LessonMoved => {
                    let from = previous_starts_at.map(|p| format!(" du {}", when(p, tz))).unwrap_or_default();
                    (
                        format!("{} déplacée", french::capitalised(what)),
                        format!("Votre {what}{with}{from} est déplacée au {at}.{place}"),
                    )
                }
                Event::LessonCancelled => {
                    let why = reason.as_deref().map(|r| format!(" Motif : {r}.")).unwrap_or_default();
                    (
                        format!("{} annulée", french::capitalised(what)),
                        format!("Votre {what}{with} du {at} est annulée.{why}"),
                    )
                }
                Event::LessonReminder => {
                    (format!("Rappel : {what} {at}"), format!("Rappel : {what}{with} le {at}.{place}"))
                }
                Event::WaitlistOffer => {
                    let title = "Un créneau s'est libéré".to_owned();
                    let body = format!(
                        "Une {what}{with} le {at} s'est libérée.{place} Le premier élève qui l'accepte l'obtient : \
                         répondez vite dans « Liste d'attente »."
                    );
                    return Words { title, body, link: Some(waitlist_page(reader)) };
                }
                Event::WaitlistTaken => {
                    let title = "Créneau déjà pris".to_owned();
                    let body = format!(
                        "La {what}{with} du {at} a été prise par un autre élève. Vous restez sur la liste d'attente."
                    );
                    return Words { title, body, link: Some(waitlist_page(reader)) };
                }
                _ => (format!("Nouvelle {what}"), format!("Une {what}{with} est prévue le {at}.{place}")),
            };
            Words { title, body, link: planning }
        }
        About::Exam { kind, at, centre, result, .. } => {
            let what = if kind == "theory" { "l'examen du code" } else { "l'examen de conduite" };
            let at = when(*at, tz);
            let centre = centre.as_deref().map(|c| format!(" ({c})")).unwrap_or_default();
            let link = Some(if reader == Reader::Student { "/mes-examens" } else { "/examens" });
            match (raised.event, result.as_deref()) {
                (Event::ExamResult, Some(r)) => Words {
                    title: "Résultat d'examen".into(),
                    body: format!("Résultat de {what} du {at} : {}.", result_label(r)),
                    link,
                },
                _ => Words {
                    title: "Examen réservé".into(),
                    body: format!("Une place est réservée pour {what} le {at}{centre}."),
                    link,
                },
            }
        }
        About::Prospect { student_name } => Words {
            title: "Nouvelle inscription sur le site".into(),
            body: format!(
                "{student_name} s'est inscrit(e) sur le site internet de l'école : rappelez cette personne pour \
                 fixer son évaluation de départ."
            ),
            link: Some("/eleves"),
        },
        About::Credit { minutes_left } => Words {
            title: "Crédit d'heures bas".into(),
            body: format!(
                "Il vous reste {} de conduite à réserver. Pensez à reprendre des heures auprès du secrétariat.",
                duration(*minutes_left)
            ),
            link: Some("/mes-heures"),
        },
        About::Eligible { student_name } => {
            if reader == Reader::Student {
                Words {
                    title: "Vous pouvez passer l'examen pratique".into(),
                    body: "Toutes les conditions de l'examen de conduite sont réunies : le secrétariat peut vous proposer une place.".into(),
                    link: Some("/mes-examens"),
                }
            } else {
                Words {
                    title: "Élève présentable à l'examen".into(),
                    body: format!(
                        "{student_name} remplit toutes les conditions de l'examen pratique : proposez-lui une place."
                    ),
                    link: Some("/examens"),
                }
            }
        }
        About::Document { kind, expires_on, student_name } => {
            let what = document_label(kind);
            let on = expires_on.format("%d/%m/%Y");
            let body = if reader == Reader::Student {
                format!("Votre document « {what} » expire le {on} : déposez-en un nouveau dans votre dossier.")
            } else {
                format!("Le document « {what} » de {student_name} expire le {on}.")
            };
            let link = Some(if reader == Reader::Student { "/mon-dossier" } else { "/eleves" });
            Words { title: "Document bientôt expiré".into(), body, link }
        }
        About::Money { number, amount_cents, method } => {
            let amount = volant_domain::billing::euros(*amount_cents);
            let link = Some(if reader == Reader::Student { "/mes-factures" } else { "/eleves" });
            if raised.event == Event::PaymentReceived {
                let how = method.as_deref().map(|m| format!(" ({m})")).unwrap_or_default();
                Words {
                    title: "Paiement reçu".into(),
                    body: format!("Nous avons bien reçu votre paiement de {amount}{how}. Merci !"),
                    link,
                }
            } else {
                let number = number.as_deref().unwrap_or("");
                Words {
                    title: format!("Nouvelle facture {number}"),
                    body: format!("Votre facture {number} d'un montant de {amount} est disponible dans votre espace."),
                    link,
                }
            }
        }
        About::Request { kind, approved, lesson_starts_at, note } => {
            let what = if kind == "cancel" { "d'annulation" } else { "de déplacement" };
            let verdict = if *approved { "acceptée" } else { "refusée" };
            let note = note.as_deref().map(|n| format!(" Message du secrétariat : {n}")).unwrap_or_default();
            Words {
                title: format!("Votre demande {what} a été {verdict}"),
                body: format!(
                    "Votre demande {what} pour la séance du {} a été {verdict}.{note}",
                    when(*lesson_starts_at, tz)
                ),
                link: Some("/mes-demandes"),
            }
        }
    }
}

/// "1 h 30", "45 min", "0 min" (a negative balance reads as nothing left).
fn duration(minutes: i64) -> String {
    let m = minutes.max(0);
    match (m / 60, m % 60) {
        (0, m) => format!("{m} min"),
        (h, 0) => format!("{h} h"),
        (h, m) => format!("{h} h {m:02}"),
    }
}

fn document_label(kind: &str) -> &str {
    match kind {
        "id_card" => "pièce d'identité",
        "photo_signature" => "photo et signature",
        "proof_of_address" => "justificatif de domicile",
        "assr2" => "ASSR 2",
        "jdc" => "certificat JDC",
        "guardian_id" => "pièce d'identité du représentant légal",
        "contract" => "contrat",
        _ => "document",
    }
}

fn result_label(result: &str) -> &str {
    match result {
        "passed" | "favorable" => "favorable",
        "failed" | "unfavorable" => "défavorable",
        "absent" => "absent",
        other => other,
    }
}

/// What an e-mail of a notification carries besides its words.
pub struct MailFrame<'a> {
    pub school: &'a str,
    pub colour: &'a str,
    /// The notification's page in the app, absolute.
    pub link: Option<&'a str>,
    pub preferences_url: &'a str,
}

/// The plain-text e-mail.
pub fn mail_text(body: &str, frame: &MailFrame<'_>) -> String {
    let link = frame.link.map(|l| format!("\nVoir dans Volant : {l}\n")).unwrap_or_default();
    format!(
        "Bonjour,\n\n{body}\n{link}\n— {school}\n\nVous recevez ce message parce que vos préférences le demandent : {prefs}\n",
        school = frame.school,
        prefs = frame.preferences_url,
    )
}

/// The HTML e-mail: one column, the school's colour as the header band, inline styles (mail
/// clients ignore style sheets), the text escaped.
pub fn mail_html(title: &str, body: &str, frame: &MailFrame<'_>) -> String {
    let colour = if is_hex_colour(frame.colour) { frame.colour } else { "#1971c2" };
    let button = frame
        .link
        .map(|l| {
            format!(
                r#"<p style="margin:24px 0"><a href="{href}" style="background:{colour};color:#ffffff;padding:10px 18px;border-radius:6px;text-decoration:none;font-weight:600">Voir dans Volant</a></p>"#,
                href = escape(l)
            )
        })
        .unwrap_or_default();
    format!(
        r#"<!DOCTYPE html>
<html lang="fr"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>{title}</title></head>
<body style="margin:0;padding:0;background:#f1f3f5;font-family:Arial,Helvetica,sans-serif;color:#212529">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0"><tr><td align="center" style="padding:24px 12px">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="max-width:560px;background:#ffffff;border-radius:8px;overflow:hidden">
<tr><td style="background:{colour};color:#ffffff;padding:16px 24px;font-size:18px;font-weight:700">{school}</td></tr>
<tr><td style="padding:24px">
<h1 style="font-size:20px;margin:0 0 12px">{title}</h1>
<p style="font-size:16px;line-height:1.5;margin:0">{body}</p>
{button}
</td></tr>
<tr><td style="padding:16px 24px;font-size:12px;color:#495057;border-top:1px solid #dee2e6">Vous recevez ce message parce que vos préférences de notification le demandent. <a href="{prefs}" style="color:#495057">Changer mes préférences</a></td></tr>
</table></td></tr></table></body></html>"#,
        title = escape(title),
        body = escape(body),
        school = escape(frame.school),
        prefs = escape(frame.preferences_url),
    )
}

fn is_hex_colour(s: &str) -> bool {
    s.len() == 7 && s.starts_with('#') && s[1..].chars().all(|c| c.is_ascii_hexdigit())
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;").replace('\'', "&#39;")
}

/// An SMS: short, signed with the school's name.
pub fn sms_text(body: &str, school: &str) -> String {
    format!("{body} — {school}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono_tz::Europe::Paris;
    use uuid::Uuid;

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    fn moved() -> Raised {
        Raised {
            event: Event::LessonMoved,
            key: "k".into(),
            students: vec![],
            instructor: None,
            requester: None,
            actor: None,
            about: About::Lesson {
                lesson_id: Uuid::nil(),
                kind: "driving".into(),
                starts_at: at("2026-12-08T13:30:00Z"),
                ends_at: at("2026-12-08T14:30:00Z"),
                previous_starts_at: Some(at("2026-12-07T09:00:00Z")),
                instructor_id: None,
                meeting_point: Some("Gare".into()),
                reason: None,
            },
        }
    }

    #[test]
    fn a_move_says_from_when_to_when_in_school_time() {
        let w = words(&moved(), Reader::Student, Paris, Some("Paul Martin"));
        assert_eq!(w.title, "Leçon de conduite déplacée");
        assert_eq!(
            w.body,
            "Votre leçon de conduite avec Paul Martin du lundi 7 décembre à 10 h 00 est déplacée au mardi 8 décembre à 14 h 30. Rendez-vous : Gare."
        );
        assert_eq!(w.link, Some("/mon-planning"));
        assert_eq!(words(&moved(), Reader::Office, Paris, None).link, Some("/planning"));
    }

    #[test]
    fn credit_reads_as_hours_and_minutes() {
        assert_eq!(duration(90), "1 h 30");
        assert_eq!(duration(120), "2 h");
        assert_eq!(duration(45), "45 min");
        assert_eq!(duration(-30), "0 min");
    }

    #[test]
    fn the_html_mail_escapes_and_falls_back_to_a_safe_colour() {
        let frame =
            MailFrame { school: "A <b>", colour: "red;x", link: Some("https://x/?a=1&b=2"), preferences_url: "p" };
        let html = mail_html("T", "x < y", &frame);
        assert!(html.contains("A &lt;b&gt;") && html.contains("x &lt; y") && html.contains("a=1&amp;b=2"));
        assert!(html.contains("#1971c2") && !html.contains("red;x"));
        assert!(mail_text("corps", &frame).contains("corps"));
    }
}
