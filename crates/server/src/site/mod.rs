//! Each school's public website (SPEC § 6.8): server-rendered pages of its offers and prices
//! (its products), agencies and opening hours, legal notice and privacy, reached by host name
//! (`{slug}.{VOLANT_SITE_DOMAIN}`, or a custom domain the operator verified) or at
//! `/sites/{slug}/` (the local demo). An unknown host or a school without a published site is a
//! 404, never another school's site.

pub mod api;
pub mod pages;
pub mod registration;
pub mod routes;

use sqlx::{PgConnection, PgPool};
use volant_domain::{ids::TenantId, schedule::WeeklyRange};

use crate::{
    agencies, billing, db,
    school::{self, SchoolSettings},
};

/// The pages of a site, by their path.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Page {
    Home,
    Offers,
    Agencies,
    Legal,
    Privacy,
    Registration,
    /// After a registration (not indexed).
    Thanks,
}

impl Page {
    pub const ALL: [Page; 7] =
        [Page::Home, Page::Offers, Page::Agencies, Page::Legal, Page::Privacy, Page::Registration, Page::Thanks];
    /// The pages search engines are given.
    pub const INDEXED: [Page; 6] =
        [Page::Home, Page::Offers, Page::Agencies, Page::Legal, Page::Privacy, Page::Registration];

    pub fn path(self) -> &'static str {
        match self {
            Page::Home => "",
            Page::Offers => "formations",
            Page::Agencies => "agences",
            Page::Legal => "mentions-legales",
            Page::Privacy => "confidentialite",
            Page::Registration => "inscription",
            Page::Thanks => "merci",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Page::Home => "Accueil",
            Page::Offers => "Formations et tarifs",
            Page::Agencies => "Agences et horaires",
            Page::Legal => "Mentions légales",
            Page::Privacy => "Confidentialité",
            Page::Registration => "S'inscrire",
            Page::Thanks => "Merci",
        }
    }

    pub fn of_path(path: &str) -> Option<Page> {
        let path = path.trim_matches('/');
        Page::ALL.into_iter().find(|p| p.path() == path)
    }
}

pub struct Offer {
    pub name: String,
    pub price_cents: i64,
    pub minutes: Option<i32>,
}

pub struct Place {
    pub name: String,
    pub address: Option<String>,
    pub phone: Option<String>,
    pub opening_hours: Vec<WeeklyRange>,
}

/// What a site shows, read once per page.
pub struct SiteData {
    /// Where the site's pages are, without a trailing slash (`https://ecole.volant.fr` or
    /// `http://127.0.0.1:8080/sites/ecole`).
    pub base: String,
    pub name: String,
    pub legal_name: String,
    pub legal_form: Option<String>,
    pub address: Option<String>,
    pub siret: Option<String>,
    pub vat_number: Option<String>,
    pub agrement: Option<String>,
    pub email: Option<String>,
    pub colour: String,
    pub template: String,
    pub headline: String,
    pub intro: String,
    pub products: Vec<Offer>,
    pub agencies: Vec<Place>,
}

impl SiteData {
    pub fn url(&self, page: Page) -> String {
        format!("{}/{}", self.base, page.path())
    }

    pub fn sitemap_url(&self) -> String {
        format!("{}/sitemap.xml", self.base)
    }

    pub fn headline_or_default(&self) -> String {
        if self.headline.is_empty() { format!("{}, votre auto-école", self.name) } else { self.headline.clone() }
    }

    pub fn intro_or_default(&self) -> String {
        if self.intro.is_empty() {
            format!("Permis B, conduite accompagnée et code de la route avec {}.", self.name)
        } else {
            self.intro.clone()
        }
    }
}

/// The school a request's host names: `{slug}.{site_domain}` or a verified custom domain.
pub async fn school_of_host(pool: &PgPool, host: &str, site_domain: Option<&str>) -> sqlx::Result<Option<TenantId>> {
    let host = host.split(':').next().unwrap_or_default().trim_end_matches('.').to_ascii_lowercase();
    if let Some(slug) = site_domain.and_then(|d| host.strip_suffix(&format!(".{d}"))) {
        if slug.contains('.') {
            return Ok(None);
        }
        return school_of_slug(pool, slug).await;
    }
    sqlx::query_scalar(
        "SELECT d.tenant_id FROM site_domains d JOIN tenants t ON t.id = d.tenant_id
          WHERE d.host = $1 AND d.verified_at IS NOT NULL AND t.suspended_at IS NULL",
    )
    .bind(&host)
    .fetch_optional(pool)
    .await
    .map(|id: Option<uuid::Uuid>| id.map(TenantId))
}

pub async fn school_of_slug(pool: &PgPool, slug: &str) -> sqlx::Result<Option<TenantId>> {
    sqlx::query_scalar("SELECT id FROM tenants WHERE slug = $1 AND suspended_at IS NULL")
        .bind(slug)
        .fetch_optional(pool)
        .await
        .map(|id: Option<uuid::Uuid>| id.map(TenantId))
}

/// The site's data, or none when the school has not published its site.
pub async fn load(pool: &PgPool, tenant: TenantId, base: String) -> anyhow::Result<Option<SiteData>> {
    let mut tx = db::begin_tenant(pool, tenant).await?;
    let settings = school::read(&mut tx, tenant).await?.settings;
    if !settings.site.published {
        return Ok(None);
    }
    let site = data(&mut tx, tenant, base, &settings).await?;
    tx.commit().await?;
    Ok(Some(site))
}

/// What the site shows with these settings (the saved ones, or those of a preview).
pub async fn data(
    conn: &mut PgConnection,
    tenant: TenantId,
    base: String,
    settings: &SchoolSettings,
) -> anyhow::Result<SiteData> {
    let (legal_name, address, siret, agrement) = billing::repo::school_identity(&mut *conn, tenant).await?;
    let name: String =
        sqlx::query_scalar("SELECT name FROM tenants WHERE id = $1").bind(tenant.0).fetch_one(&mut *conn).await?;
    let products = billing::repo::products(&mut *conn, tenant, Some(true))
        .await?
        .into_iter()
        .map(|p| Offer { name: p.name, price_cents: p.price_cents, minutes: p.minutes })
        .collect();
    let agencies = agencies::repo::list(&mut *conn, tenant)
        .await?
        .into_iter()
        .map(|a| Place {
            name: a.name,
            address: a.address,
            phone: a.phone,
            // An agency without hours of its own keeps the school's.
            opening_hours: if a.opening_hours.is_empty() { settings.opening_hours.clone() } else { a.opening_hours },
        })
        .collect();
    let filled = |s: &str| Some(s.to_owned()).filter(|s| !s.is_empty());
    Ok(SiteData {
        base,
        name,
        legal_name,
        legal_form: filled(&settings.billing.legal_form),
        address,
        siret,
        vat_number: filled(&settings.billing.vat_number),
        agrement,
        email: filled(&settings.site.email),
        colour: settings.notifications.colour.clone(),
        template: settings.site.template.clone(),
        headline: settings.site.headline.clone(),
        intro: settings.site.intro.clone(),
        products,
        agencies,
    })
}
