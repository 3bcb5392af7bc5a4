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
