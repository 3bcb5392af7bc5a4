//! Connections: the owner runs migrations; the application pool logs in as `volant_app`, a role
//! that owns nothing, is not superuser and has no BYPASSRLS, so row-level security always applies.

pub mod embedded;

use std::time::Duration;

use anyhow::Context;
use sqlx::{
    ConnectOptions, Connection, PgConnection, PgPool, Postgres, Transaction,
    postgres::{PgConnectOptions, PgPoolOptions},
};
use volant_domain::ids::{TenantId, UserId};

use crate::config::Settings;
use embedded::EmbeddedPg;

/// Role that owns the schema and runs migrations.
pub const OWNER_ROLE: &str = "volant_owner";
/// Role of the application pool (RLS applies to it).
pub const APP_ROLE: &str = "volant_app";
pub const DATABASE: &str = "volant";

pub static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("../../migrations");

pub type Tx = Transaction<'static, Postgres>;

/// The database the server uses, and the private cluster behind it when there is one.
pub struct Database {
    pub pool: PgPool,
    pub owner: PgConnectOptions,
    pub embedded: Option<EmbeddedPg>,
}

impl Database {
    /// Opens (and, without `DATABASE_URL`, starts) the database, then migrates it.
    pub async fn open(settings: &Settings) -> anyhow::Result<Self> {
        let (owner, app, embedded) = match &settings.database_url {
            Some(url) => {
                let owner: PgConnectOptions = url.expose().parse().context("DATABASE_URL is not a valid URL")?;
                let app = match &settings.app_database_url {
                    Some(u) => u.expose().parse().context("VOLANT_APP_DATABASE_URL is not a valid URL")?,
                    None => owner.clone().username(APP_ROLE),
                };
                (owner, app, None)
            }
            None => {
                let pg = EmbeddedPg::start(&settings.data_dir).await?;
                let mut admin = pg.connect_options(embedded::SUPERUSER, "postgres").connect().await?;
                bootstrap_roles_and_database(&mut admin, DATABASE).await?;
                admin.close().await?;
                let owner = pg.connect_options(OWNER_ROLE, DATABASE);
                let app = pg.connect_options(APP_ROLE, DATABASE);
                (owner, app, Some(pg))
            }
        };
        migrate(&owner).await?;
        let pool = app_pool(app, settings.db_max_connections).await?;
        Ok(Database { pool, owner, embedded })
    }

    /// Stops the private cluster if this process started it.
    pub async fn close(self) {
        self.pool.close().await;
        if let Some(pg) = self.embedded {
            pg.stop().await;
        }
    }
}

/// The application pool. Connections are checked on checkout so that a restarted database is
/// noticed at once, and acquisition fails fast (the caller answers 503) instead of hanging.
pub async fn app_pool(options: PgConnectOptions, max: u32) -> anyhow::Result<PgPool> {
    // No JIT: the application's statements are short, and a generic plan whose estimate crosses
    // `jit_above_cost` spent ~30 ms compiling on every execution (measured on the week read).
    let options =
        options.application_name("volant").log_statements(tracing::log::LevelFilter::Trace).options([("jit", "off")]);
    PgPoolOptions::new()
        .max_connections(max)
        .min_connections(1)
        .acquire_timeout(Duration::from_secs(3))
        .test_before_acquire(true)
        .connect_with(options)
        .await
        .context("cannot connect to PostgreSQL as the application role")
}

/// Applies the embedded migrations as the owner role.
pub async fn migrate(owner: &PgConnectOptions) -> anyhow::Result<()> {
    let mut conn = owner.connect().await.context("cannot connect to PostgreSQL as the owner role")?;
    MIGRATOR.run(&mut conn).await.context("migrations failed")?;
    conn.close().await?;
    Ok(())
}

/// Creates the owner and application roles and the database, as a superuser. Idempotent.
pub async fn bootstrap_roles_and_database(admin: &mut PgConnection, database: &str) -> anyhow::Result<()> {
    let create_roles = format!(
        "DO $$ BEGIN
           IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{OWNER_ROLE}') THEN
             CREATE ROLE {OWNER_ROLE} LOGIN NOSUPERUSER NOBYPASSRLS;
           END IF;
           IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{APP_ROLE}') THEN
             CREATE ROLE {APP_ROLE} LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE;
           END IF;
         END $$"
    );
    sqlx::raw_sql(sqlx::AssertSqlSafe(create_roles)).execute(&mut *admin).await?;
    let exists: bool = sqlx::query_scalar("SELECT EXISTS (SELECT FROM pg_database WHERE datname = $1)")
        .bind(database)
        .fetch_one(&mut *admin)
        .await?;
    if !exists {
        let sql = format!("CREATE DATABASE \"{database}\" OWNER {OWNER_ROLE} ENCODING 'UTF8'");
        sqlx::raw_sql(sqlx::AssertSqlSafe(sql)).execute(&mut *admin).await?;
    }
    Ok(())
}

/// Starts a transaction scoped to one school: RLS policies read `app.tenant_id`, set for this
/// transaction only (a plain `SET` would leak to the next user of the pooled connection).
/// `BEGIN` and the setting go in one round trip (a simple query of two statements).
///
/// `SET LOCAL` rather than `set_config(…, true)`, which does the same here: Citus forwards a
/// `SET LOCAL` to the nodes a distributed transaction touches (`citus.propagate_set_commands =
/// 'local'`), not a function call, and the policies run on those nodes (docs/scaling.md). `SET`
/// takes no parameter: the value is a formatted UUID, never text from a caller.
pub async fn begin_tenant(pool: &PgPool, tenant: TenantId) -> Result<Tx, sqlx::Error> {
    let begin = format!("BEGIN; {}", set_local("app.tenant_id", tenant.0));
    pool.begin_with(sqlx::AssertSqlSafe(begin)).await
}

/// Scopes the rest of an open transaction to one school (a login, which starts on the global
/// tables before it knows the school). Transaction-local, like `begin_tenant`.
pub async fn enter_tenant(conn: &mut PgConnection, tenant: TenantId) -> Result<(), sqlx::Error> {
    sqlx::raw_sql(sqlx::AssertSqlSafe(set_local("app.tenant_id", tenant.0))).execute(conn).await?;
    Ok(())
}

/// Lets the memberships policy show this person's memberships in every school (login, school
/// switch), for the rest of the transaction.
pub async fn enter_user(conn: &mut PgConnection, user: UserId) -> Result<(), sqlx::Error> {
    sqlx::raw_sql(sqlx::AssertSqlSafe(set_local("app.user_id", user.0))).execute(conn).await?;
    Ok(())
}

/// `SET LOCAL <name> = '<uuid>'`: only ever a typed id, so nothing to escape.
fn set_local(name: &'static str, id: uuid::Uuid) -> String {
    format!("SET LOCAL {name} = '{}'", id.hyphenated())
}

/// The one mapping of enums to text columns: the serde spelling (the JSON's), read back with a
/// decode error for an unknown value. `text_enum!` builds on it for `#[sqlx(try_from = "String")]`.
pub fn from_text<T: serde::de::DeserializeOwned>(s: &str) -> Result<T, sqlx::Error> {
    serde_json::from_value(serde_json::Value::String(s.to_owned())).map_err(|e| sqlx::Error::Decode(Box::new(e)))
}

/// The stored spelling of an enum (see `from_text`).
pub fn to_text<T: serde::Serialize>(v: &T) -> String {
    serde_json::to_value(v).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default()
}

/// The latest migration version compiled into this binary.
pub fn latest_migration() -> i64 {
    MIGRATOR.iter().map(|m| m.version).max().unwrap_or(0)
}
