//! The demo: two schools and one account per role, created through the same services as real
//! use (so the audit log is populated), into an empty database.

pub mod billing;
pub mod exams;
pub mod notifications;
pub mod planning;
pub mod repo;
pub mod resources;
pub mod routes;
pub mod students;

use anyhow::Context;
use sqlx::{ConnectOptions, PgPool, postgres::PgConnectOptions};
use volant_domain::role::Role;

use crate::{
    config::Settings,
    school::SiteSettings,
    tenancy::{self, NewTenant},
};

pub const DEMO_PASSWORD: &str = "volant-demo";
/// Bump when the demo data changes; `volant demo` then suggests `--reset`.
pub const DEMO_VERSION: i64 = 12;

pub const ACCOUNTS: &[(&str, &str, Role)] = &[
    ("admin@demo.volant.test", "Claire Dubois", Role::Admin),
    ("secretariat@demo.volant.test", "Nadia Benali", Role::Secretary),
    ("moniteur@demo.volant.test", "Julien Moreau", Role::Instructor),
    ("eleve@demo.volant.test", "Léa Martin", Role::Student),
    ("parent@demo.volant.test", "Sophie Martin", Role::Guardian),
];
pub const QUAIS_ADMIN: (&str, &str) = ("admin@quais.volant.test", "Marc Lefèvre");

/// Seeds the demo schools into an empty database. Returns false when data already exists.
pub async fn seed_if_empty(pool: &PgPool, settings: &Settings) -> anyhow::Result<bool> {
    let tenants: i64 = sqlx::query_scalar("SELECT count(*) FROM tenants").fetch_one(pool).await?;
    if tenants > 0 {
        let version: Option<i64> = sqlx::query_scalar(
            "SELECT (settings->>'demo_version')::bigint FROM tenants WHERE slug = 'auto-ecole-du-centre'",
        )
        .fetch_optional(pool)
        .await?
        .flatten();
        if version != Some(DEMO_VERSION) {
            tracing::warn!(
                "the demo data was made by another version of Volant: run `volant demo --reset` to rebuild it"
            );
        }
        return Ok(false);
    }
    let kib = settings.argon2_memory_kib;
    let centre = tenancy::create_tenant(
        pool,
        &NewTenant {
            slug: "auto-ecole-du-centre".into(),
            name: "Auto-École du Centre".into(),
            legal_name: Some("Auto-École du Centre SARL".into()),
            siret: Some("12345678900012".into()),
            address: Some("12 rue Nationale, 37000 Tours".into()),
            timezone: "Europe/Paris".into(),
        },
    )
    .await?;
    let mut users = std::collections::HashMap::new();
    for (email, name, role) in ACCOUNTS {
        let user = tenancy::create_member(pool, centre, email, name, DEMO_PASSWORD, *role, kib).await?;
        users.insert(*role, user.0);
    }
    let account = |role| users.get(&role).copied().ok_or_else(|| anyhow::anyhow!("no demo {role} account"));
    let today = chrono::Utc::now().with_timezone(&chrono_tz::Europe::Paris).date_naive();
    let seeded = resources::seed(pool, centre, account(Role::Instructor)?, today).await?;
    let referent = *seeded.instructors.first().ok_or_else(|| anyhow::anyhow!("no demo instructor"))?;
    let catalogue = billing::seed_catalogue(pool, centre).await?;
    let people = students::People { instructors: &seeded.instructors, referent, eleve_user: account(Role::Student)? };
    students::seed(pool, centre, &seeded.agencies, people, &catalogue, today).await?;
    students::seed_guardian(pool, centre, account(Role::Guardian)?, today).await?;
    let secret = settings.secret_key.expose();
    billing::seed_contracts(pool, centre, secret, &catalogue, account(Role::Student)?).await?;
    billing::seed_business_and_cpf(pool, centre, &catalogue).await?;
    let cars: Vec<uuid::Uuid> = seeded.vehicles.iter().take(3).copied().collect();
    planning::seed(pool, centre, &seeded.instructors, &cars, seeded.code_room, today).await?;
    exams::seed(pool, centre, &seeded.instructors, &cars, &catalogue, today).await?;
    planning::seed_change_requests(pool, centre, account(Role::Student)?, account(Role::Instructor)?).await?;
    notifications::seed(pool, centre).await?;
    planning::seed_waitlist(pool, centre, account(Role::Student)?).await?;
    publish_site(
        pool,
        centre,
        SiteSettings {
            published: true,
            template: "moderne".into(),
            headline: "Votre permis à Tours, sans stress".into(),
            intro: "Permis B en boîte manuelle ou automatique, conduite accompagnée dès 15 ans, code en ligne : \
                    deux agences au cœur de Tours et des moniteurs diplômés d'État."
                .into(),
            email: "contact@auto-ecole-du-centre.fr".into(),
        },
    )
    .await?;
    let quais = tenancy::create_tenant(
        pool,
        &NewTenant {
            slug: "auto-ecole-des-quais".into(),
            name: "Auto-École des Quais".into(),
            legal_name: Some("Auto-École des Quais SAS".into()),
            siret: Some("98765432100021".into()),
            address: Some("3 quai de la Loire, 44000 Nantes".into()),
            timezone: "Europe/Paris".into(),
        },
    )
    .await?;
    tenancy::create_member(pool, quais, QUAIS_ADMIN.0, QUAIS_ADMIN.1, DEMO_PASSWORD, Role::Admin, kib).await?;
    let quais_site = SiteSettings {
        published: true,
        template: "sobre".into(),
        headline: "L'Auto-École des Quais, à Nantes".into(),
        ..SiteSettings::default()
    };
    publish_site(pool, quais, quais_site).await?;
    sqlx::query("UPDATE tenants SET settings = settings || jsonb_build_object('demo_version', $1::bigint)")
        .bind(DEMO_VERSION)
        .execute(pool)
        .await?;
    Ok(true)
}

/// Publishes a demo school's public site.
async fn publish_site(pool: &PgPool, tenant: volant_domain::ids::TenantId, site: SiteSettings) -> anyhow::Result<()> {
    let mut work = crate::work::Work::system(pool, tenant).await?;
    let settings = crate::school::SchoolSettings { site, ..work.settings().clone() };
    crate::school::write(&mut work, tenant, &settings).await?;
    work.commit().await?;
    Ok(())
}

/// Empties the database (as its owner) so that the demo is seeded again.
pub async fn reset(owner: &PgConnectOptions) -> anyhow::Result<()> {
    let mut conn = owner.connect().await.context("cannot connect as the owner role")?;
    sqlx::raw_sql("DROP SCHEMA public CASCADE; CREATE SCHEMA public;").execute(&mut conn).await?;
    Ok(())
}

/// The banner printed when the demo is ready.
pub fn banner(url: &str) -> String {
    let mut out = format!("\n  Volant (démo) est prêt : {url}\n\n  Comptes (mot de passe « {DEMO_PASSWORD} ») :\n");
    for (email, _, role) in ACCOUNTS {
        out.push_str(&format!("    {:<32} {}\n", email, role.label_fr()));
    }
    out.push_str(&format!("    {:<32} Administrateur (Auto-École des Quais)\n", QUAIS_ADMIN.0));
    out.push_str(&format!(
        "\n  Sites publics : {url}/sites/auto-ecole-du-centre/ et {url}/sites/auto-ecole-des-quais/\n"
    ));
    out.push_str(&format!("  Documentation de l'API : {url}/api/docs\n"));
    out
}

/// Points one of the demo school's connectors at the simulator this demo started (its address
/// changes at every start), so that the screens work out of the box. A platform reached through
/// OAuth then waits for the admin's consent ("Connecter RdvPermis").
pub async fn configure_connector(
    pool: &PgPool,
    settings: &Settings,
    name: crate::connectors::ConnectorName,
    url: &str,
    client_id: &str,
    client_secret: &str,
) -> anyhow::Result<()> {
    let Some(tenant) = sqlx::query_scalar("SELECT id FROM tenants WHERE slug = 'auto-ecole-du-centre'")
        .fetch_optional(pool)
        .await?
        .map(volant_domain::ids::TenantId)
    else {
        return Ok(());
    };
    let mut work = crate::work::Work::system(pool, tenant).await?;
    let version = crate::connectors::service::get(&mut work, tenant, name).await?.version;
    let input = crate::connectors::ConnectorInput {
        base_url: url.to_owned(),
        client_id: Some(client_id.to_owned()),
        client_secret: Some(client_secret.to_owned()),
        version,
    };
    crate::connectors::service::put(&mut work, settings, name, input).await?;
    work.commit().await?;
    Ok(())
}
