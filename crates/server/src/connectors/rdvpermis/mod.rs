//! RdvPermis and the digital livret (SPEC § P2.2, § 6.6): the ministry's API for software editors,
//! reached with the school's OAuth 2 grant (scopes `rdvpermis livret_numerique:read
//! livret_numerique:write offline_access`). Played here by `volant simulate rdvpermis`.
//!
//! ```text
//! GET  {base}/oauth/authorize?response_type=code&client_id&redirect_uri&scope&state   consent page
//!      → the browser comes back to redirect_uri?code=…&state=…  (or ?error=access_denied&state=…)
//! POST {base}/oauth/token  (form) grant_type=authorization_code&code&redirect_uri&client_id&client_secret
//!                                 grant_type=refresh_token&refresh_token&client_id&client_secret
//!   200 {"access_token", "token_type": "Bearer", "expires_in", "refresh_token", "scope"}
//!   400 {"error": "invalid_grant"}   (a code used twice, a withdrawn or rotated refresh token)
//! GET  {base}/v1/me                                              the connection test
//! Errors: {"error": code, "error_description"}; 401 token_expired | invalid_token.
//! ```

pub mod routes;

use reqwest::Method;

use super::{Connector, ConnectorName, Remote, RemoteError, oauth::Grant};

pub struct RdvPermis;

impl Connector for RdvPermis {
    const NAME: ConnectorName = ConnectorName::Rdvpermis;

    async fn check(remote: &Remote) -> Result<(), RemoteError> {
        let _: serde_json::Value = Grant::new(remote)
            .call("check", "GET /v1/me", None, |t| remote.request(Method::GET, "/v1/me").bearer_auth(t))
            .await?;
        Ok(())
    }
}

/// Lessons of the current ETP window not accepted by the livret, when the cut-off is near (an
/// office alert: hours not transmitted by the 24th do not count in the quota). The livret's rows
/// are written by the `livret` feature; this read sits here so that the office's alerts, below
/// `livret` in the layers, can ask.
pub async fn livret_at_risk(
    conn: &mut sqlx::PgConnection,
    tenant: volant_domain::ids::TenantId,
    today: chrono::NaiveDate,
    tz: chrono_tz::Tz,
) -> Result<Option<(i64, i64)>, sqlx::Error> {
    use chrono::{Datelike, TimeZone};
    let settings = volant_domain::livret::EtpSettings::default();
    let (cutoff, from, to) = settings.window(today.with_day(1).unwrap_or(today));
    let days = (cutoff - today).num_days();
    if !(0..=volant_domain::livret::AT_RISK_DAYS).contains(&days) {
        return Ok(None);
    }
    let at = |d: chrono::NaiveDate| {
        tz.from_local_datetime(&d.and_time(chrono::NaiveTime::MIN))
            .earliest()
            .map_or_else(|| d.and_time(chrono::NaiveTime::MIN).and_utc(), |t| t.with_timezone(&chrono::Utc))
    };
    let missing: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM livret_transmissions
          WHERE tenant_id = $1 AND starts_at >= $2 AND starts_at < $3 AND status <> 'accepted'",
    )
    .bind(tenant.0)
    .bind(at(from))
    .bind(at(to))
    .fetch_one(conn)
    .await?;
    Ok((missing > 0).then_some((missing, days)))
}
