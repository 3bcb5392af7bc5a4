//! A few notifications of each kind for the demo accounts, made by real changes (a lesson moved,
//! one cancelled, one planned) through the planning's service with telling on: the demo student
//! and instructor find them in their bell, and their e-mails (and the student's SMS) in the
//! ADMIN's demo page. The reminders of the coming day come from the scheduler itself.

use chrono::{Duration, Utc};
use sqlx::PgPool;
use uuid::Uuid;
use volant_domain::ids::TenantId;

use crate::{
    planning::{CancelledBy, service},
    school::{self, QuietHoursSetting},
    work::Work,
};

pub async fn seed(pool: &PgPool, tenant: TenantId) -> anyhow::Result<()> {
    let mut work = Work::system(pool, tenant).await?;
    work.tells = true;
    // The demo is tried at any hour: its messages leave at once (a real school keeps its quiet
    // hours, 21:00–08:00 by default).
    let mut settings = work.settings().clone();
    settings.notifications.quiet_hours = QuietHoursSetting { start: "00:00".into(), end: "00:00".into() };
    school::write(&mut work, tenant, &settings).await?;
    let next: Vec<Uuid> = sqlx::query_scalar(
        "SELECT l.id FROM lessons l JOIN students s ON s.tenant_id = l.tenant_id AND s.id = l.student_id
          WHERE l.tenant_id = $1 AND s.user_id IS NOT NULL AND l.status = 'planned' AND l.starts_at > now()
          ORDER BY l.starts_at LIMIT 3",
    )
    .bind(tenant.0)
    .fetch_all(&mut *work)
    .await?;
    // The second lesson moved to the first free hour around it, the third cancelled by the school.
    if let Some(id) = next.get(1) {
        let lesson = service::visible(&mut work, *id, true).await?;
        for hours in [2, -2, 3, 4, 24, 48] {
            let mut input = lesson.input();
            input.starts_at += Duration::hours(hours);
            input.ends_at += Duration::hours(hours);
            if service::plan(&mut work, input, Some(&lesson), None, false).await.is_ok() {
                break;
            }
        }
    }
    if let Some(id) = next.get(2) {
        let lesson = service::visible(&mut work, *id, true).await?;
        let reason = Some("Véhicule au contrôle technique");
        let _ = service::cancel(&mut work, &lesson, reason, CancelledBy::School, true).await;
    }
    // A new lesson five weeks ahead (beyond the seeded weeks), the same hour as the first.
    if let Some(id) = next.first() {
        let lesson = service::visible(&mut work, *id, false).await?;
        let mut input = lesson.input();
        input.starts_at += Duration::weeks(5);
        input.ends_at += Duration::weeks(5);
        if input.starts_at > Utc::now() {
            let _ = service::plan(&mut work, input, None, None, false).await;
        }
    }
    work.commit().await?;
    Ok(())
}
