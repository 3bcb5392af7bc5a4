//! The `volant` command line.

use std::collections::HashMap;

use anyhow::{Context, bail};
use clap::{Parser, Subcommand};
use volant_domain::role::Role;

use crate::{
    app::{self, Server},
    audit,
    config::{Profile, Settings},
    connectors::ConnectorName,
    db::{self, Database},
    demo, jobs, simulate, tenancy,
};

#[derive(Parser)]
#[command(name = "volant", version, about = "Volant — la gestion d'auto-école")]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand)]
pub enum Command {
    /// Serve the API and the web app.
    Serve,
    /// Serve the demo: seeds two demo schools into an empty database.
    Demo {
        /// Empty the database first and seed the demo again.
        #[arg(long)]
        reset: bool,
    },
    /// Apply the database migrations and exit.
    Migrate,
    /// Print the OpenAPI document.
    Openapi,
    /// Print the rule constants of the web app (a TypeScript module).
    WebConstants,
    /// Platform operator tasks.
    #[command(subcommand)]
    Admin(Admin),
    /// Play a remote platform locally, over real HTTP (for tests and demos).
    #[command(subcommand)]
    Simulate(Simulate),
}

#[derive(Subcommand)]
pub enum Simulate {
    /// The SMS provider (the API documented in `sms`): point VOLANT_SMS_URL at it.
    Sms {
        #[arg(long, default_value = "127.0.0.1:9300")]
        addr: String,
        /// The bearer token it expects (give the server the same VOLANT_SMS_TOKEN).
        #[arg(long, env = "VOLANT_SMS_TOKEN", hide_env_values = true)]
        token: String,
    },
    /// The card payment provider (Stripe's Checkout Sessions and signed webhooks, as documented in
    /// `billing::provider`): point VOLANT_PAYMENTS_URL at it.
    Payments {
        #[arg(long, default_value = "127.0.0.1:8092")]
        addr: String,
        /// The secret key it expects (give the server the same VOLANT_PAYMENTS_SECRET_KEY).
        #[arg(long, env = "VOLANT_PAYMENTS_SECRET_KEY", hide_env_values = true)]
        secret_key: String,
        /// The secret that signs its webhooks (give the server the same VOLANT_PAYMENTS_WEBHOOK_SECRET).
        #[arg(long, env = "VOLANT_PAYMENTS_WEBHOOK_SECRET", hide_env_values = true)]
        webhook_secret: String,
        /// Where to send its events, e.g. http://127.0.0.1:8080/api/v1/webhooks/payments/stripe
        /// (also settable later with POST /_simulator/webhook).
        #[arg(long)]
        webhook_url: Option<String>,
    },
    /// ANTS (the API documented in `connectors::ants::client`): configure the school's ANTS
    /// connector with this address, client id and secret.
    Ants {
        #[arg(long, default_value = "127.0.0.1:9400")]
        addr: String,
        #[arg(long, default_value = "volant-ecole")]
        client_id: String,
        /// The client secret it expects.
        #[arg(long, env = "VOLANT_ANTS_CLIENT_SECRET", hide_env_values = true)]
        client_secret: String,
    },
    /// RdvPermis and the digital livret (OAuth 2 authorization code with refresh tokens, as
    /// documented in `connectors::rdvpermis`): configure the school's RdvPermis connector with this
    /// address, client id and secret, then "Connecter RdvPermis".
    Rdvpermis {
        #[arg(long, default_value = "127.0.0.1:9500")]
        addr: String,
        #[arg(long, default_value = "volant-ecole")]
        client_id: String,
        #[arg(long, env = "VOLANT_RDVPERMIS_CLIENT_SECRET", hide_env_values = true)]
        client_secret: String,
    },
}

#[derive(Subcommand)]
pub enum Admin {
    /// Create a school.
    CreateTenant {
        #[arg(long)]
        slug: String,
        #[arg(long)]
        name: String,
        #[arg(long)]
        siret: Option<String>,
        #[arg(long, default_value = "Europe/Paris")]
        timezone: String,
    },
    /// Create a member of a school (the password comes from VOLANT_NEW_PASSWORD).
    CreateUser {
        #[arg(long)]
        tenant: String,
        #[arg(long)]
        email: String,
        #[arg(long)]
        name: String,
        #[arg(long, value_parser = parse_role)]
        role: Role,
    },
    /// Suspend a school: its people can no longer log in.
    SuspendTenant {
        #[arg(long)]
        tenant: String,
    },
    /// Verify the audit chains (one school, or all): prints {ok, checked, first_broken}.
    VerifyAudit {
        #[arg(long)]
        tenant: Option<String>,
    },
    /// Verify a fiscal archive offline (no database): its signature, then every file and CSV
    /// record; prints the verdict as JSON, naming the first altered file or line, and fails if any.
    VerifyArchive {
        file: std::path::PathBuf,
        /// The school's public key (base64, from the archives page): the archive must be signed by it.
        #[arg(long)]
        public_key: Option<String>,
    },
    /// Route a custom domain to a school's public site, once its owner has pointed the name at
    /// this server (check it resolves here first; TLS is the reverse proxy's, docs/operations.md).
    AddSiteDomain {
        #[arg(long)]
        tenant: String,
        #[arg(long)]
        host: String,
    },
    /// Seal every connector secret again under the current VOLANT_SECRET_KEY (after a rotation:
    /// the old key in VOLANT_PREVIOUS_SECRET_KEYS, which may be removed once this has run).
    RotateSecrets,
    /// List jobs of the outbox (e.g. --status dead).
    Jobs {
        #[arg(long)]
        status: Option<String>,
    },
    /// Generate synthetic schools for benchmarks (deterministic; prints a JSON summary).
    Seed {
        #[arg(long, value_enum, default_value = "small")]
        preset: crate::seed::Preset,
        #[arg(long, default_value_t = 42)]
        seed: u64,
    },
}

fn parse_role(s: &str) -> Result<Role, String> {
    s.to_uppercase().parse().map_err(|e| format!("{e}"))
}

pub async fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        Command::Openapi => {
            println!("{}", crate::features::openapi().to_pretty_json()?);
            Ok(())
        }
        Command::WebConstants => {
            print!("{}", crate::http::constants::typescript());
            Ok(())
        }
        Command::Serve => serve(Settings::from_env()?, false, false, Simulators::default()).await,
        Command::Demo { reset } => {
            let mut vars: HashMap<String, String> = std::env::vars().collect();
            let profile = vars.entry("VOLANT_PROFILE".into()).or_insert_with(|| "demo".into());
            if profile != "demo" && profile != "dev" {
                bail!("`volant demo` runs only with the demo or dev profile");
            }
            // The demo's SMS go to our simulator of the provider, in this process (its messages are
            // also on the ADMIN's demo page), unless a provider is configured.
            let _simulator = match vars.get("VOLANT_SMS_URL").filter(|u| !u.is_empty()) {
                Some(_) => None,
                None => {
                    let token = uuid::Uuid::new_v4().simple().to_string();
                    let sim = simulate::sms::SmsSimulator::start(token.clone()).await?;
                    vars.insert("VOLANT_SMS_URL".into(), sim.url.clone());
                    vars.insert("VOLANT_SMS_TOKEN".into(), token);
                    Some(sim)
                }
            };
            // The same for card payments: the simulator's payment page, and its webhooks to us once
            // we know our address.
            let payments = match vars.get("VOLANT_PAYMENTS_URL").filter(|u| !u.is_empty()) {
                Some(_) => None,
                None => {
                    let secret_key = format!("sk_test_{}", uuid::Uuid::new_v4().simple());
                    let webhook_secret = format!("whsec_{}", uuid::Uuid::new_v4().simple());
                    let sim = simulate::payments::PaymentsSimulator::start(secret_key.clone(), webhook_secret.clone())
                        .await?;
                    vars.insert("VOLANT_PAYMENTS_URL".into(), sim.url.clone());
                    vars.insert("VOLANT_PAYMENTS_SECRET_KEY".into(), secret_key);
                    vars.insert("VOLANT_PAYMENTS_WEBHOOK_SECRET".into(), webhook_secret);
                    Some(sim)
                }
            };
            // And ANTS: the demo school's connector points at a simulator in this process.
            let secret = uuid::Uuid::new_v4().simple().to_string();
            let ants = simulate::ants::AntsSimulator::start(DEMO_ANTS_CLIENT.into(), secret.clone()).await?;
            // And RdvPermis: configured, the admin grants access through its consent page.
            let rdv_secret = uuid::Uuid::new_v4().simple().to_string();
            let rdvpermis =
                simulate::rdvpermis::RdvPermisSimulator::start(DEMO_ANTS_CLIENT.into(), rdv_secret.clone()).await?;
            let demo = Simulators {
                payments: payments.as_ref(),
                ants: Some((&ants, secret)),
                rdvpermis: Some((&rdvpermis, rdv_secret)),
            };
            serve(Settings::from_map(&vars)?, true, reset, demo).await
        }
        Command::Migrate => {
            let db = Database::open(&Settings::from_env()?).await?;
            println!("migrations applied (latest {})", db::latest_migration());
            db.close().await;
            Ok(())
        }
        Command::Simulate(Simulate::Payments { addr, secret_key, webhook_secret, webhook_url }) => {
            let listener =
                tokio::net::TcpListener::bind(&addr).await.with_context(|| format!("cannot listen on {addr}"))?;
            println!("volant: payment simulator on http://{}", listener.local_addr()?);
            let mut shutdown = app::shutdown_on_signals();
            tokio::select! {
                served = simulate::payments::serve(listener, secret_key, webhook_secret, webhook_url) => served,
                _ = shutdown.changed() => Ok(()),
            }
        }
        Command::Simulate(Simulate::Ants { addr, client_id, client_secret }) => {
            let listener =
                tokio::net::TcpListener::bind(&addr).await.with_context(|| format!("cannot listen on {addr}"))?;
            println!("volant: ANTS simulator on http://{}", listener.local_addr()?);
            let mut shutdown = app::shutdown_on_signals();
            tokio::select! {
                served = simulate::ants::serve(listener, client_id, client_secret) => served,
                _ = shutdown.changed() => Ok(()),
            }
        }
        Command::Simulate(Simulate::Rdvpermis { addr, client_id, client_secret }) => {
            let listener =
                tokio::net::TcpListener::bind(&addr).await.with_context(|| format!("cannot listen on {addr}"))?;
            println!("volant: RdvPermis simulator on http://{}", listener.local_addr()?);
            let mut shutdown = app::shutdown_on_signals();
            tokio::select! {
                served = simulate::rdvpermis::serve(listener, client_id, client_secret) => served,
                _ = shutdown.changed() => Ok(()),
            }
        }
        Command::Simulate(Simulate::Sms { addr, token }) => {
            let listener =
                tokio::net::TcpListener::bind(&addr).await.with_context(|| format!("cannot listen on {addr}"))?;
            println!("volant: SMS simulator on http://{}", listener.local_addr()?);
            let mut shutdown = app::shutdown_on_signals();
            tokio::select! {
                served = simulate::sms::serve(listener, token) => served,
                _ = shutdown.changed() => Ok(()),
            }
        }
        Command::Admin(Admin::VerifyArchive { file, public_key }) => verify_archive(&file, public_key.as_deref()),
        Command::Admin(admin) => {
            let settings = Settings::from_env()?;
            let db = Database::open(&settings).await?;
            let result = run_admin(&db, &settings, admin).await;
            db.close().await;
            result
        }
    }
}

fn verify_archive(file: &std::path::Path, public_key: Option<&str>) -> anyhow::Result<()> {
    use base64::Engine;
    let archive = std::fs::read(file).with_context(|| format!("cannot read {}", file.display()))?;
    let expected = public_key
        .map(|k| base64::engine::general_purpose::STANDARD.decode(k.trim()))
        .transpose()
        .context("--public-key is not base64")?;
    let verdict = crate::billing::archives::format::verify(&archive, expected.as_deref());
    println!("{}", serde_json::to_string(&verdict)?);
    if !verdict.ok {
        bail!("{}", verdict.first_problem.unwrap_or_default());
    }
    Ok(())
}

/// The demo school's client id on the simulated platforms.
const DEMO_ANTS_CLIENT: &str = "auto-ecole-du-centre";

/// The simulators the demo runs in this process: the payment provider (told where our webhook is
/// once we are bound) and ANTS (with the client secret the demo school's connector is given).
#[derive(Default)]
struct Simulators<'a> {
    payments: Option<&'a simulate::payments::PaymentsSimulator>,
    ants: Option<(&'a simulate::ants::AntsSimulator, String)>,
    rdvpermis: Option<(&'a simulate::rdvpermis::RdvPermisSimulator, String)>,
}

async fn serve(settings: Settings, demo_mode: bool, reset: bool, simulators: Simulators<'_>) -> anyhow::Result<()> {
    let mut db = Database::open(&settings).await?;
    let result = prepare_and_run(&db, settings, demo_mode, reset, simulators).await;
    // Whatever happened (a failed seed included), the private cluster stops with us.
    let embedded = db.embedded.take();
    db.pool.close().await;
    if let Some(pg) = embedded {
        pg.stop().await;
    }
    result
}

async fn prepare_and_run(
    db: &Database,
    settings: Settings,
    demo_mode: bool,
    reset: bool,
    simulators: Simulators<'_>,
) -> anyhow::Result<()> {
    if reset {
        demo::reset(&db.owner).await?;
        db::migrate(&db.owner).await?;
        tracing::info!("demo data reset");
    }
    if demo_mode && demo::seed_if_empty(&db.pool, &settings).await? {
        tracing::info!("demo schools seeded");
    }
    if let Some((ants, secret)) = &simulators.ants {
        demo::configure_connector(&db.pool, &settings, ConnectorName::Ants, &ants.url, DEMO_ANTS_CLIENT, secret)
            .await?;
    }
    if let Some((rdvpermis, secret)) = &simulators.rdvpermis {
        let name = ConnectorName::Rdvpermis;
        demo::configure_connector(&db.pool, &settings, name, &rdvpermis.url, DEMO_ANTS_CLIENT, secret).await?;
    }
    let shutdown = app::shutdown_on_signals();
    let server = Server::bind(settings, db.pool.clone(), None).await?;
    let url = server.state.public_url.clone();
    if let Some(sim) = simulators.payments {
        // The listener itself, not the public URL: a proxy in front may not route back to us.
        sim.set_webhook_url(format!("http://{}/api/v1/webhooks/payments/stripe", server.addr));
    }
    if demo_mode && server.state.settings.profile == Profile::Demo {
        println!("{}", demo::banner(&url));
    }
    println!("volant: listening on http://{}", server.addr);
    server.run(shutdown).await
}

async fn run_admin(db: &Database, settings: &Settings, admin: Admin) -> anyhow::Result<()> {
    let pool = &db.pool;
    match admin {
        Admin::CreateTenant { slug, name, siret, timezone } => {
            let new = tenancy::NewTenant { slug, name, legal_name: None, siret, address: None, timezone };
            let id = tenancy::create_tenant(pool, &new).await?;
            println!("{id}");
        }
        Admin::CreateUser { tenant, email, name, role } => {
            let tenant = tenancy::find(pool, &tenant).await?;
            let password =
                std::env::var("VOLANT_NEW_PASSWORD").context("set VOLANT_NEW_PASSWORD to the new member's password")?;
            let id = tenancy::create_member(pool, tenant, &email, &name, &password, role, settings.argon2_memory_kib)
                .await?;
            println!("{id}");
        }
        Admin::SuspendTenant { tenant } => {
            let tenant = tenancy::find(pool, &tenant).await?;
            tenancy::suspend(pool, tenant).await?;
            println!("suspended {tenant}");
        }
        Admin::VerifyAudit { tenant } => {
            let tenants = match tenant {
                Some(t) => vec![tenancy::find(pool, &t).await?],
                None => sqlx::query_scalar::<_, uuid::Uuid>("SELECT id FROM tenants ORDER BY created_at")
                    .fetch_all(pool)
                    .await?
                    .into_iter()
                    .map(Into::into)
                    .collect(),
            };
            let mut all_ok = true;
            for t in tenants {
                let mut tx = db::begin_tenant(pool, t).await?;
                let v = audit::verify(&mut tx, t).await?;
                tx.commit().await?;
                all_ok &= v.ok;
                println!(
                    "{}",
                    serde_json::json!({"tenant_id": t, "ok": v.ok, "checked": v.checked, "first_broken": v.first_broken})
                );
            }
            if !all_ok {
                bail!("the audit chain is broken");
            }
        }
        Admin::VerifyArchive { file, public_key } => verify_archive(&file, public_key.as_deref())?,
        Admin::AddSiteDomain { tenant, host } => {
            let tenant = tenancy::find(pool, &tenant).await?;
            let host = host.trim().trim_end_matches('.').to_ascii_lowercase();
            sqlx::query(
                "INSERT INTO site_domains (host, tenant_id, verified_at) VALUES ($1, $2, now())
                 ON CONFLICT (host) DO UPDATE SET tenant_id = EXCLUDED.tenant_id, verified_at = now()",
            )
            .bind(&host)
            .bind(tenant.0)
            .execute(pool)
            .await?;
            println!("{host} → {tenant}");
        }
        Admin::RotateSecrets => {
            let connectors = crate::connectors::service::rotate_secrets(pool, settings).await?;
            let authenticators = crate::auth::two_factor::reseal_all(pool, settings).await?;
            println!(
                "sealed again under the current key: {connectors} connector secrets, {authenticators} authenticator secrets"
            );
        }
        Admin::Jobs { status } => {
            for j in jobs::list(pool, status.as_deref()).await? {
                println!("{}", serde_json::to_string(&j)?);
            }
        }
        Admin::Seed { preset, seed } => {
            let summary = crate::seed::generate(pool, preset, seed, settings.argon2_memory_kib).await?;
            let mut owner = sqlx::ConnectOptions::connect(&db.owner).await?;
            let analyze =
                "ANALYZE students, lessons, lesson_participants, hours_ledger, booklet_evaluations, exams, sessions";
            sqlx::query(analyze).execute(&mut owner).await?;
            println!("{}", serde_json::to_string(&summary)?);
        }
    }
    Ok(())
}
