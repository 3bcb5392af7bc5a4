//! The `notification.dispatch` job: from a raised event to the notifications of the people it
//! concerns and the deliveries they chose, in one transaction. Run twice, it adds nothing: a
//! person is told once per event key, and each delivery's job is keyed by the delivery.

use anyhow::Context;
use chrono::Utc;
use serde::{Deserialize, Serialize};
use uuid::Uuid;
use volant_domain::{ids::TenantId, notify::Party};

use super::{
    About, DELIVER, Raised,
    render::{self, Reader},
    repo::{self, NewDelivery, NewNotification, Recipient},
    service,
};
use crate::{db, jobs, school, sms, state::AppState};

/// What a `notification.deliver` job sends.
#[derive(Debug, Serialize, Deserialize)]
pub struct DeliverOne {
    pub delivery_id: Uuid,
}

pub async fn run(state: AppState, job: jobs::Job) -> anyhow::Result<()> {
    let tenant = TenantId(job.tenant_id.context("a notification without a school")?);
    let raised: Raised = serde_json::from_value(job.payload).context("bad notification payload")?;
    let mut tx = db::begin_tenant(&state.pool, tenant).await?;
    let school = school::read(&mut tx, tenant).await?;
    let audience = raised.event.audience();
    let parties = repo::Parties {
        students: if audience.contains(&Party::Student) { &raised.students } else { &[] },
        guardians_of: if audience.contains(&Party::Guardian) { &raised.students } else { &[] },
        instructor: raised.instructor.filter(|_| audience.contains(&Party::Instructor)),
        office: audience.contains(&Party::Office),
        requester: raised.requester.filter(|_| audience.contains(&Party::Requester)),
        except: raised.actor,
    };
    let people = repo::recipients(&mut tx, tenant, &parties).await?;
    let instructor = match &raised.about {
        About::Lesson { instructor_id: Some(id), .. } => repo::instructor_name(&mut tx, tenant, *id).await?,
        _ => None,
    };
    let mut queued = 0;
    for person in &people {
        let words = render::words(&raised, Reader::of_role(&person.role), school.tz, instructor.as_deref());
        let new = NewNotification {
            user_id: person.user_id,
            event: raised.event.as_str(),
            key: &raised.key,
            title: &words.title,
            body: &words.body,
            link: words.link,
        };
        let Some(notification) = repo::insert_notification(&mut tx, tenant, &new).await? else {
            continue; // Told already (this job ran before and its outcome was not recorded).
        };
        queued += queue_deliveries(&mut tx, tenant, &raised, person, notification, &school).await?;
    }
    tx.commit().await?;
    if queued > 0 {
        state.jobs_wake.notify_one();
    }
    Ok(())
}

/// The person's outside channels for this event: a delivery each, held back by their quiet hours,
/// or recorded as skipped when the channel cannot reach them.
async fn queue_deliveries(
    tx: &mut db::Tx,
    tenant: TenantId,
    raised: &Raised,
    person: &Recipient,
    notification: Uuid,
    school: &school::School,
) -> anyhow::Result<usize> {
    let channels = service::channels_for(person.channels.as_ref(), raised.event);
    let quiet = service::quiet_hours(person.quiet_start, person.quiet_end, &school.settings);
    let send_after = quiet.send_after(school.tz, Utc::now());
    let mut wanted = vec![];
    if channels.email {
        wanted.push(("email", Some(person.email.clone()), "Pas d'adresse e-mail."));
    }
    if channels.sms {
        let mobile = person.phone.as_deref().and_then(sms::to_e164_fr);
        wanted.push(("sms", mobile, "Pas de numéro de mobile valide dans la fiche."));
    }
    let mut queued = 0;
    for (channel, address, missing) in wanted {
        let delivery = NewDelivery {
            notification_id: notification,
            channel,
            address: address.as_deref().unwrap_or(""),
            skipped: address.is_none().then_some(missing),
            send_after,
        };
        let id = repo::insert_delivery(tx, tenant, &delivery).await?;
        if address.is_some() {
            let key = id.to_string();
            jobs::enqueue_once(tx, Some(tenant), DELIVER, &key, &DeliverOne { delivery_id: id }, send_after).await?;
            queued += 1;
        }
    }
    Ok(queued)
}
