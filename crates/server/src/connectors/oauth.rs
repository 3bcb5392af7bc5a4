//! OAuth 2 for the platforms that use it (RFC 6749): the authorization code grant once (an ADMIN
//! consents on the platform's page and comes back with a code), then refresh tokens. The refresh
//! token is sealed with the connector's secrets; the access token is kept (sealed) until its last
//! minute and refreshed before it expires, or at once when the platform no longer takes it. One
//! refresh at a time per school and platform (an advisory lock): the platform rotates refresh
//! tokens, so two concurrent refreshes would lose the grant.

use chrono::Utc;
use reqwest::Method;
use serde::Deserialize;
use serde_json::json;
use uuid::Uuid;
use volant_domain::ids::TenantId;

use super::{
    ConnectorName, Remote, RemoteError,
    remote::{Answer, send_json},
    repo,
    service::{Secrets, open_secrets, seal_secrets},
};
use crate::{
    audit::Change,
    db,
    error::{AppError, AppResult},
    sealed::TokenSigner,
    state::AppState,
    work::Work,
};

/// The scopes an editor asks for (`domain/regulation-fr.md` § ANTS and RdvPermis).
pub const SCOPES: &str = "rdvpermis livret_numerique:read livret_numerique:write offline_access";
const STATE_PURPOSE: &str = "connector-oauth-state";
/// The consent must come back within this time.
const STATE_TTL_SECS: i64 = 900;

#[derive(Deserialize)]
struct Tokens {
    access_token: String,
    refresh_token: Option<String>,
    #[serde(default = "an_hour")]
    expires_in: i64,
}

fn an_hour() -> i64 {
    3600
}

/// Where the platform sends the admin's browser back.
pub fn redirect_uri(public_url: &str, name: ConnectorName) -> String {
    format!("{public_url}/api/v1/connectors/{}/callback", name.as_str())
}

/// The `state` of a consent: this school, this person, until when — signed, so nothing is stored
/// and a state made for another school or person is refused.
fn state_token(state: &AppState, tenant: TenantId, user: Uuid) -> String {
    let until = (Utc::now().timestamp() + STATE_TTL_SECS).to_be_bytes();
    let data = [tenant.0.as_bytes().as_slice(), user.as_bytes(), &until].concat();
    TokenSigner::new(state.settings.secret_key.expose(), STATE_PURPOSE).sign(&data)
}

fn state_is_ours(state: &AppState, token: &str, tenant: TenantId, user: Uuid) -> bool {
    let Some(data) = TokenSigner::new(state.settings.secret_key.expose(), STATE_PURPOSE).verify(token) else {
        return false;
    };
    let Some((ids, until)) = data.split_at_checked(32) else { return false };
    let until = until.try_into().map(i64::from_be_bytes).unwrap_or(0);
    ids == [tenant.0.as_bytes().as_slice(), user.as_bytes()].concat() && until > Utc::now().timestamp()
}

/// The platform's consent page for this school's admin.
pub async fn authorize_url(work: &mut Work, state: &AppState, user: Uuid, name: ConnectorName) -> AppResult<String> {
    let tenant = work.tenant();
    let row = repo::get(work, tenant, name, false).await?;
    let Some((row, client_id)) =
        row.and_then(|r| r.client_id.clone().map(|c| (r, c))).filter(|(r, _)| r.secrets.is_some())
    else {
        return Err(AppError::rule(
            "connector_settings",
            format!("Enregistrez d'abord l'adresse, l'identifiant et le secret client de {}.", name.label()),
        ));
    };
    let mut url = reqwest::Url::parse(&format!("{}/oauth/authorize", row.base_url))
        .map_err(|_| AppError::rule("connector_settings", "L'adresse de la plateforme n'est pas valide."))?;
    url.query_pairs_mut()
        .append_pair("response_type", "code")
        .append_pair("client_id", &client_id)
        .append_pair("redirect_uri", &redirect_uri(&state.public_url, name))
        .append_pair("scope", SCOPES)
        .append_pair("state", &state_token(state, tenant, user));
    Ok(url.into())
}

/// What the callback tells the admin (`/connecteurs?{name}=…`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    Connected,
    Refused,
    Expired,
    Failed,
}

impl Outcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Connected => "connected",
            Outcome::Refused => "refused",
            Outcome::Expired => "expired",
            Outcome::Failed => "failed",
        }
    }
}

/// The platform sent the admin back: checks the state, trades the code for tokens, keeps the grant.
pub async fn complete(
    work: &mut Work,
    state: &AppState,
    user: Uuid,
    name: ConnectorName,
    code: Option<&str>,
    state_param: &str,
) -> AppResult<Outcome> {
    let tenant = work.tenant();
    if !state_is_ours(state, state_param, tenant, user) {
        return Ok(Outcome::Expired);
    }
    let Some(code) = code else { return Ok(Outcome::Refused) };
    let Some(remote) = super::service::remote(work, state, tenant, name).await? else {
        return Ok(Outcome::Failed);
    };
    let form = [
        ("grant_type", "authorization_code"),
        ("code", code),
        ("redirect_uri", &redirect_uri(&state.public_url, name)),
        ("client_id", remote.client_id.as_deref().unwrap_or_default()),
        ("client_secret", remote.client_secret().unwrap_or_default()),
    ];
    let call = send_json::<Tokens>(remote.request(Method::POST, "/oauth/token").form(&form));
    let tokens = match remote.exchange("authorize", "POST /oauth/token (code)", None, call).await {
        Ok(tokens) => tokens,
        Err(_) => return Ok(Outcome::Failed),
    };
    let Some(refresh) = tokens.refresh_token else { return Ok(Outcome::Failed) };
    remote.keep_token(Some((&tokens.access_token, tokens.expires_in))).await;
    keep_refresh_token(work, &remote, Some(refresh)).await?;
    let change = Change {
        action: "connector.authorize",
        entity: "connector",
        entity_id: None,
        before: None,
        after: Some(json!({"connector": name.as_str(), "scope": SCOPES})),
    };
    work.audit().record(change).await?;
    Ok(Outcome::Connected)
}

/// Seals the new refresh token with the other secrets (or, `None`, ends the grant).
async fn keep_refresh_token(conn: &mut sqlx::PgConnection, remote: &Remote, refresh: Option<String>) -> AppResult<()> {
    let (tenant, name) = (remote.tenant, remote.name);
    let Some(sealed) = repo::get(conn, tenant, name, false).await?.and_then(|r| r.secrets) else {
        return Ok(());
    };
    let Some(refresh) = refresh else {
        repo::set_grant(conn, tenant, name, None).await?;
        return Ok(());
    };
    let mut secrets: Secrets = open_secrets(&remote.sealer, tenant, name, &sealed)?;
    secrets.refresh_token = Some(refresh);
    let sealed = seal_secrets(&remote.sealer, tenant, name, &secrets)?;
    repo::set_grant(conn, tenant, name, Some(&sealed)).await?;
    Ok(())
}

/// Calls on behalf of the school's grant.
pub struct Grant<'r> {
    remote: &'r Remote,
    token: Option<String>,
}

impl<'r> Grant<'r> {
    pub fn new(remote: &'r Remote) -> Self {
        Grant { remote, token: None }
    }

    async fn token(&mut self) -> Result<String, RemoteError> {
        if let Some(token) = &self.token {
            return Ok(token.clone());
        }
        let token = match self.remote.cached_token().await {
            Some(token) => token,
            None => self.refresh().await?,
        };
        self.token = Some(token.clone());
        Ok(token)
    }

    /// Trades the refresh token for new tokens, one refresh at a time per school and platform;
    /// whoever waited finds the fresh access token.
    async fn refresh(&mut self) -> Result<String, RemoteError> {
        let remote = self.remote;
        let failed = |e: sqlx::Error| {
            tracing::warn!(error = %e, "connectors: the token refresh cannot be recorded");
            RemoteError::Unexpected("état du connecteur illisible".into())
        };
        let mut tx = db::begin_tenant(&remote.pool, remote.tenant).await.map_err(failed)?;
        let key = format!("oauth-refresh:{}:{}", remote.tenant.0, remote.name.as_str());
        sqlx::query("SELECT pg_advisory_xact_lock(hashtext($1))").bind(&key).execute(&mut *tx).await.map_err(failed)?;
        if let Some(token) = remote.cached_token().await {
            return Ok(token);
        }
        let row = repo::get(&mut tx, remote.tenant, remote.name, false).await.map_err(failed)?;
        let secrets = row
            .and_then(|r| r.secrets)
            .and_then(|sealed| open_secrets(&remote.sealer, remote.tenant, remote.name, &sealed).ok());
        let Some(refresh_token) = secrets.and_then(|s| s.refresh_token) else {
            return Err(RemoteError::NotAuthorized);
        };
        let form = [
            ("grant_type", "refresh_token"),
            ("refresh_token", refresh_token.as_str()),
            ("client_id", remote.client_id.as_deref().unwrap_or_default()),
            ("client_secret", remote.client_secret().unwrap_or_default()),
        ];
        let call = withdrawn_grant_is_not_authorized(send_json::<Tokens>(
            remote.request(Method::POST, "/oauth/token").form(&form),
        ));
        match remote.exchange("refresh", "POST /oauth/token (refresh)", None, call).await {
            Ok(tokens) => {
                let sealed = remote
                    .sealer
                    .seal(tokens.access_token.as_bytes(), &remote.token_bound_to())
                    .map_err(|_| RemoteError::Unexpected("jeton non scellé".into()))?;
                let until = Utc::now() + chrono::Duration::seconds(tokens.expires_in);
                repo::store_token(&mut tx, remote.tenant, remote.name, Some((&sealed, until))).await.map_err(failed)?;
                let rotated = tokens.refresh_token.unwrap_or(refresh_token);
                keep_refresh_token(&mut tx, remote, Some(rotated))
                    .await
                    .map_err(|_| RemoteError::Unexpected("jeton non conservé".into()))?;
                tx.commit().await.map_err(failed)?;
                Ok(tokens.access_token)
            }
            Err(RemoteError::NotAuthorized) => {
                keep_refresh_token(&mut tx, remote, None).await.map_err(|_| RemoteError::NotAuthorized)?;
                tx.commit().await.map_err(failed)?;
                Err(RemoteError::NotAuthorized)
            }
            Err(e) => Err(e),
        }
    }

    /// Makes an authorised call; when the platform no longer takes the access token, refreshes it
    /// and makes the call once more.
    pub async fn call<T: serde::de::DeserializeOwned>(
        &mut self,
        operation: &str,
        summary: &str,
        student: Option<Uuid>,
        build: impl Fn(&str) -> reqwest::RequestBuilder,
    ) -> Result<T, RemoteError> {
        let token = self.token().await?;
        let first = self.remote.exchange(operation, summary, student, send_json::<T>(build(&token))).await;
        match first {
            Err(e) if e.is_token_refused() => {
                self.remote.keep_token(None).await;
                self.token = None;
                let token = self.refresh().await?;
                self.token = Some(token.clone());
                self.remote.exchange(operation, summary, student, send_json::<T>(build(&token))).await
            }
            other => other,
        }
    }
}

/// A refresh the platform answers `invalid_grant`: the school's consent is gone.
async fn withdrawn_grant_is_not_authorized<T>(call: impl Future<Output = Answer<T>>) -> Answer<T> {
    match call.await {
        // RFC 6749 § 5.2: a refresh with valid client credentials is refused for its grant.
        Err(RemoteError::Refused { status: 400, .. }) => Err(RemoteError::NotAuthorized),
        other => other,
    }
}
