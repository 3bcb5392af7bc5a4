//! Typed settings, read from the environment (and an optional `KEY=value` file named by
//! `VOLANT_CONFIG_FILE`). Every setting has a safe default for `dev` and `demo`; `staging` and
//! `prod` refuse to start on defaults that are only safe on a developer's laptop.

use std::{collections::HashMap, fmt, net::SocketAddr, path::PathBuf, str::FromStr, time::Duration};

use anyhow::{Context, bail};

/// The deployment profile, from `VOLANT_PROFILE`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Profile {
    Dev,
    Demo,
    Staging,
    Prod,
}

impl Profile {
    /// Profiles served over plain http on a laptop: cookies without `Secure` / `__Host-`.
    pub fn is_local(self) -> bool {
        matches!(self, Profile::Dev | Profile::Demo)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Profile::Dev => "dev",
            Profile::Demo => "demo",
            Profile::Staging => "staging",
            Profile::Prod => "prod",
        }
    }
}

impl FromStr for Profile {
    type Err = anyhow::Error;
    fn from_str(s: &str) -> anyhow::Result<Self> {
        match s {
            "dev" => Ok(Profile::Dev),
            "demo" => Ok(Profile::Demo),
            "staging" => Ok(Profile::Staging),
            "prod" => Ok(Profile::Prod),
            other => bail!("VOLANT_PROFILE={other:?} is not one of dev, demo, staging, prod"),
        }
    }
}

/// A secret that never prints itself.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}

/// The development secret: fine on a laptop, refused in staging and prod.
pub const DEV_SECRET_KEY: &str = "volant-dev-secret-key-not-for-production-use";

#[derive(Clone, Debug)]
pub struct Settings {
    pub profile: Profile,
    pub addr: SocketAddr,
    pub data_dir: PathBuf,
    /// Owner connection (migrations). Without it, the embedded cluster is used.
    pub database_url: Option<Secret>,
    /// Application connection (no ownership, RLS applies). Derived from `database_url` when unset.
    pub app_database_url: Option<Secret>,
    pub secret_key: Secret,
    /// The address users reach (links in e-mails). Defaults to `http://{addr}`.
    pub public_url: Option<String>,
    /// The domain under which each school's site answers as `{slug}.{domain}` (`VOLANT_SITE_DOMAIN`).
    pub site_domain: Option<String>,
    pub cookie_secure: bool,
    pub smtp_url: Option<String>,
    pub mail_from: String,
    pub session_idle: Duration,
    pub session_absolute: Duration,
    pub login_limit_per_email: u32,
    pub login_limit_per_ip: u32,
    pub login_window: Duration,
    /// Peer addresses of reverse proxies whose `X-Forwarded-For` is believed.
    pub trusted_proxies: Vec<std::net::IpAddr>,
    pub request_timeout: Duration,
    pub body_limit_bytes: usize,
    pub db_max_connections: u32,
    /// Argon2id memory cost in KiB (OWASP: 19 MiB).
    pub argon2_memory_kib: u32,
    pub job_backoff_base: Duration,
    pub job_poll_interval: Duration,
    /// How often the scheduler looks for lesson reminders that are due.
    pub reminder_scan_interval: Duration,
    /// The SMS provider's API (`https://…`); without it, SMS are refused with a reason.
    pub sms_url: Option<String>,
    pub sms_token: Option<Secret>,
    /// The card payment provider's API (Stripe's, or `volant simulate payments`), its secret key
    /// and the secret that signs its webhooks; without them, card payments are refused.
    pub payments_url: Option<String>,
    pub payments_secret_key: Option<Secret>,
    pub payments_webhook_secret: Option<Secret>,
    /// Keys `VOLANT_SECRET_KEY` had before a rotation (comma-separated): what they sealed still
    /// opens until `volant admin rotate-secrets` seals it again under the current key.
    pub previous_secret_keys: Vec<Secret>,
    /// How long a call to a State platform may take.
    pub connector_timeout: Duration,
    /// Faults in a row after which calls to a platform stop for `connector_circuit_cooldown`.
    pub connector_circuit_threshold: u32,
    pub connector_circuit_cooldown: Duration,
    /// How often the dossiers a platform is deciding on are read again.
    pub connector_sync_interval: Duration,
}

impl Settings {
    /// Reads settings from the process environment (and the optional file it names).
    pub fn from_env() -> anyhow::Result<Self> {
        let mut vars: HashMap<String, String> = HashMap::new();
        if let Ok(path) = std::env::var("VOLANT_CONFIG_FILE") {
            let text =
                std::fs::read_to_string(&path).with_context(|| format!("cannot read VOLANT_CONFIG_FILE {path}"))?;
            vars.extend(parse_env_file(&text));
        }
        vars.extend(std::env::vars().filter(|(k, _)| k.starts_with("VOLANT_") || k == "DATABASE_URL"));
        Self::from_map(&vars)
    }

    /// Reads settings from a map of variables (tests build one by hand).
    pub fn from_map(vars: &HashMap<String, String>) -> anyhow::Result<Self> {
        let get = |k: &str| vars.get(k).map(String::as_str).filter(|v| !v.is_empty());
        let profile: Profile = get("VOLANT_PROFILE").unwrap_or("dev").parse()?;
        let addr: SocketAddr = get("VOLANT_ADDR")
            .unwrap_or("127.0.0.1:8080")
            .parse()
            .context("VOLANT_ADDR must look like 127.0.0.1:8080")?;
        let parse_num = |k: &str, default: u64| -> anyhow::Result<u64> {
            get(k).map_or(Ok(default), |v| v.parse().with_context(|| format!("{k} must be a whole number")))
        };
        let secure_default = !profile.is_local();
        let cookie_secure = match get("VOLANT_COOKIE_SECURE") {
            None => secure_default,
            Some(v) => parse_bool(v).with_context(|| "VOLANT_COOKIE_SECURE must be true or false")?,
        };
        let trusted_proxies = get("VOLANT_TRUSTED_PROXIES")
            .map(|v| {
                v.split(',')
                    .map(|s| s.trim().parse().with_context(|| format!("bad proxy address {s:?}")))
                    .collect::<anyhow::Result<Vec<_>>>()
            })
            .transpose()?
            .unwrap_or_default();
        let settings = Settings {
            profile,
            addr,
            data_dir: PathBuf::from(get("VOLANT_DATA_DIR").unwrap_or("./.volant")),
            database_url: get("DATABASE_URL").map(Secret::new),
            app_database_url: get("VOLANT_APP_DATABASE_URL").map(Secret::new),
            secret_key: Secret::new(get("VOLANT_SECRET_KEY").unwrap_or(DEV_SECRET_KEY)),
            public_url: get("VOLANT_PUBLIC_URL").map(|s| s.trim_end_matches('/').to_owned()),
            site_domain: get("VOLANT_SITE_DOMAIN").map(|s| s.trim_matches('.').to_ascii_lowercase()),
            cookie_secure,
            smtp_url: get("VOLANT_SMTP_URL").map(str::to_owned),
            mail_from: get("VOLANT_MAIL_FROM").unwrap_or("Volant <no-reply@volant.test>").to_owned(),
            session_idle: Duration::from_secs(60 * parse_num("VOLANT_SESSION_IDLE_MINUTES", 120)?),
            session_absolute: Duration::from_secs(3600 * parse_num("VOLANT_SESSION_ABSOLUTE_HOURS", 12)?),
            login_limit_per_email: u32::try_from(parse_num("VOLANT_LOGIN_LIMIT_PER_EMAIL", 10)?)?,
            login_limit_per_ip: u32::try_from(parse_num("VOLANT_LOGIN_LIMIT_PER_IP", 30)?)?,
            login_window: Duration::from_secs(60 * parse_num("VOLANT_LOGIN_WINDOW_MINUTES", 15)?),
            trusted_proxies,
            request_timeout: Duration::from_secs(parse_num("VOLANT_REQUEST_TIMEOUT_SECONDS", 30)?),
            body_limit_bytes: usize::try_from(parse_num("VOLANT_BODY_LIMIT_BYTES", 12 * 1024 * 1024)?)?,
            db_max_connections: u32::try_from(parse_num("VOLANT_DB_MAX_CONNECTIONS", 16)?)?,
            argon2_memory_kib: u32::try_from(parse_num("VOLANT_ARGON2_MEMORY_KIB", 19 * 1024)?)?,
            job_backoff_base: Duration::from_millis(parse_num("VOLANT_JOB_BACKOFF_MS", 2_000)?),
            job_poll_interval: Duration::from_millis(parse_num("VOLANT_JOB_POLL_MS", 1_000)?),
            reminder_scan_interval: Duration::from_secs(parse_num("VOLANT_REMINDER_SCAN_SECONDS", 60)?),
            sms_url: get("VOLANT_SMS_URL").map(|s| s.trim_end_matches('/').to_owned()),
            sms_token: get("VOLANT_SMS_TOKEN").map(Secret::new),
            payments_url: get("VOLANT_PAYMENTS_URL").map(|s| s.trim_end_matches('/').to_owned()),
            payments_secret_key: get("VOLANT_PAYMENTS_SECRET_KEY").map(Secret::new),
            payments_webhook_secret: get("VOLANT_PAYMENTS_WEBHOOK_SECRET").map(Secret::new),
            previous_secret_keys: get("VOLANT_PREVIOUS_SECRET_KEYS")
                .map(|v| v.split(',').map(str::trim).filter(|k| !k.is_empty()).map(Secret::new).collect())
                .unwrap_or_default(),
            connector_timeout: Duration::from_millis(parse_num("VOLANT_CONNECTOR_TIMEOUT_MS", 10_000)?),
            connector_circuit_threshold: u32::try_from(parse_num("VOLANT_CONNECTOR_CIRCUIT_THRESHOLD", 5)?)?,
            connector_circuit_cooldown: Duration::from_millis(parse_num(
                "VOLANT_CONNECTOR_CIRCUIT_COOLDOWN_MS",
                60_000,
            )?),
            connector_sync_interval: Duration::from_secs(parse_num("VOLANT_CONNECTOR_SYNC_SECONDS", 3600)?),
        };
        settings.validate()?;
        Ok(settings)
    }

    /// Refuses settings that would be unsafe in the chosen profile.
    pub fn validate(&self) -> anyhow::Result<()> {
        if self.profile.is_local() {
            return Ok(());
        }
        let name = self.profile.as_str();
        if self.secret_key.expose() == DEV_SECRET_KEY || self.secret_key.expose().len() < 32 {
            bail!("profile {name}: VOLANT_SECRET_KEY must be set to a random value of at least 32 characters");
        }
        if !self.cookie_secure {
            bail!("profile {name}: cookies must be Secure (remove VOLANT_COOKIE_SECURE=false)");
        }
        if self.database_url.is_none() {
            bail!("profile {name}: DATABASE_URL must name the production database");
        }
        match &self.public_url {
            Some(url) if url.starts_with("https://") => {}
            _ => bail!("profile {name}: VOLANT_PUBLIC_URL must be an https:// address"),
        }
        if self.argon2_memory_kib < 19 * 1024 {
            bail!("profile {name}: VOLANT_ARGON2_MEMORY_KIB below the OWASP minimum (19456)");
        }
        Ok(())
    }

    /// The address put in e-mails and printed for people.
    pub fn public_base_url(&self, bound: SocketAddr) -> String {
        self.public_url.clone().unwrap_or_else(|| format!("http://{bound}"))
    }

    /// Name of the session cookie: `__Host-` requires `Secure`, so only then.
    pub fn session_cookie_name(&self) -> &'static str {
        if self.cookie_secure { "__Host-volant_session" } else { "volant_session" }
    }
}

fn parse_bool(v: &str) -> anyhow::Result<bool> {
    match v {
        "1" | "true" | "yes" | "on" => Ok(true),
        "0" | "false" | "no" | "off" => Ok(false),
        _ => bail!("not a boolean"),
    }
}

/// `KEY=value` lines; `#` starts a comment.
fn parse_env_file(text: &str) -> impl Iterator<Item = (String, String)> + '_ {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .filter_map(|l| l.split_once('='))
        .map(|(k, v)| (k.trim().to_owned(), v.trim().trim_matches('"').to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vars(pairs: &[(&str, &str)]) -> HashMap<String, String> {
        pairs.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect()
    }

    const GOOD_PROD: &[(&str, &str)] = &[
        ("VOLANT_PROFILE", "prod"),
        ("VOLANT_SECRET_KEY", "0123456789abcdef0123456789abcdef-prod"),
        ("DATABASE_URL", "postgres://volant_owner@db/volant"),
        ("VOLANT_PUBLIC_URL", "https://app.volant.fr"),
    ];

    #[test]
    fn dev_defaults_are_local_and_insecure_cookies() {
        let s = Settings::from_map(&HashMap::new()).unwrap();
        assert_eq!(s.profile, Profile::Dev);
        assert!(!s.cookie_secure);
        assert_eq!(s.session_cookie_name(), "volant_session");
        assert_eq!(s.addr.to_string(), "127.0.0.1:8080");
    }

    #[test]
    fn prod_with_real_settings_starts_with_secure_cookies() {
        let s = Settings::from_map(&vars(GOOD_PROD)).unwrap();
        assert!(s.cookie_secure);
        assert_eq!(s.session_cookie_name(), "__Host-volant_session");
    }

    #[test]
    fn prod_refuses_the_default_secret() {
        let mut v = vars(GOOD_PROD);
        v.remove("VOLANT_SECRET_KEY");
        let err = Settings::from_map(&v).unwrap_err().to_string();
        assert!(err.contains("VOLANT_SECRET_KEY"), "{err}");
    }

    #[test]
    fn staging_refuses_insecure_cookies() {
        let mut v = vars(GOOD_PROD);
        v.insert("VOLANT_PROFILE".into(), "staging".into());
        v.insert("VOLANT_COOKIE_SECURE".into(), "false".into());
        let err = Settings::from_map(&v).unwrap_err().to_string();
        assert!(err.contains("Secure"), "{err}");
    }

    #[test]
    fn prod_refuses_plain_http_public_url_and_missing_database() {
        let mut v = vars(GOOD_PROD);
        v.insert("VOLANT_PUBLIC_URL".into(), "http://app.volant.fr".into());
        assert!(Settings::from_map(&v).is_err());
        let mut v = vars(GOOD_PROD);
        v.remove("DATABASE_URL");
        assert!(Settings::from_map(&v).is_err());
    }

    #[test]
    fn unknown_profile_is_refused() {
        assert!(Settings::from_map(&vars(&[("VOLANT_PROFILE", "production")])).is_err());
    }

    #[test]
    fn secrets_do_not_print() {
        let s = Settings::from_map(&vars(GOOD_PROD)).unwrap();
        let shown = format!("{s:?}");
        assert!(!shown.contains("0123456789abcdef"), "{shown}");
    }

    #[test]
    fn env_file_lines_are_parsed() {
        let got: Vec<_> = parse_env_file("# c\nVOLANT_ADDR = \"0.0.0.0:80\"\n\nX=1").collect();
        assert_eq!(got, vec![("VOLANT_ADDR".into(), "0.0.0.0:80".into()), ("X".into(), "1".into())]);
    }
}
