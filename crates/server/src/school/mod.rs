//! The school's own settings: every rule the regulation leaves uncertain ([U]) or to the school,
//! typed, validated, and read in one place. They are stored in `tenants.settings` (JSON); each
//! field is read on its own, so a malformed stored value falls back to its default without
//! resetting the others.

pub mod routes;

use chrono::{NaiveDate, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize, de::DeserializeOwned};
use serde_json::{Map, Value};
use sqlx::PgConnection;
use utoipa::ToSchema;
use volant_domain::{
    booklet::Level,
    eligibility,
    ids::TenantId,
    planning::DEFAULT_LATE_CANCEL_HOURS,
    role::TwoFactorRule,
    schedule::{WeeklyRange, normalise_week},
};

use crate::error::{AppError, AppResult, FieldErrors};

/// Whether a rule refuses (422) or only warns.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum RuleMode {
    #[default]
    Block,
    Warn,
}

/// The names the school gives the booklet's four levels.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct LevelLabels {
    pub non_aborde: String,
    pub aborde: String,
    pub traite: String,
    pub assimile: String,
}

impl Default for LevelLabels {
    fn default() -> Self {
        LevelLabels {
            non_aborde: Level::NonAborde.label_fr().into(),
            aborde: Level::Aborde.label_fr().into(),
            traite: Level::Traite.label_fr().into(),
            assimile: Level::Assimile.label_fr().into(),
        }
    }
}

impl LevelLabels {
    pub fn of(&self, level: Level) -> &str {
        match level {
            Level::NonAborde => &self.non_aborde,
            Level::Aborde => &self.aborde,
            Level::Traite => &self.traite,
            Level::Assimile => &self.assimile,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct AlertSettings {
    /// A student's bookable time under this many minutes is flagged.
    pub low_hours_minutes: i64,
}

impl Default for AlertSettings {
    fn default() -> Self {
        AlertSettings { low_hours_minutes: DEFAULT_LOW_HOURS_MINUTES }
    }
}

/// Bookable time under this is flagged, unless the school sets another threshold.
pub const DEFAULT_LOW_HOURS_MINUTES: i64 = 120;

/// How the school's messages look and when reminders leave.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct NotificationSettings {
    /// The reminder of a lesson is sent this many hours before it (0: no reminders).
    pub reminder_hours: i64,
    /// The school's colour, as the band at the top of its e-mails (`#rrggbb`).
    pub colour: String,
    /// When no e-mail or SMS leaves (school time), for the people who did not choose their own.
    pub quiet_hours: QuietHoursSetting,
}

/// A span of the day, `HH:MM` to `HH:MM` in the school's time (it may wrap past midnight; equal
/// bounds mean none).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct QuietHoursSetting {
    #[schema(example = "21:00")]
    pub start: String,
    #[schema(example = "08:00")]
    pub end: String,
}

impl QuietHoursSetting {
    pub fn parse(&self) -> Option<volant_domain::notify::QuietHours> {
        let time = |s: &str| chrono::NaiveTime::parse_from_str(s, "%H:%M").ok();
        Some(volant_domain::notify::QuietHours { start: time(&self.start)?, end: time(&self.end)? })
    }
}

impl Default for NotificationSettings {
    fn default() -> Self {
        NotificationSettings {
            reminder_hours: volant_domain::notify::DEFAULT_REMINDER_HOURS,
            colour: "#1971c2".into(),
            quiet_hours: QuietHoursSetting { start: "21:00".into(), end: "08:00".into() },
        }
    }
}

/// The school's public website (its pages show the products, agencies and legal data).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct SiteSettings {
    /// The site answers (otherwise its address is a 404).
    pub published: bool,
    /// `classique`, `moderne` or `sobre`.
    pub template: String,
    /// The home page's title (default: "{school}, votre auto-école").
    pub headline: String,
    /// The home page's introduction, also its description for search engines.
    pub intro: String,
    /// The contact address shown on the site.
    pub email: String,
}

impl Default for SiteSettings {
    fn default() -> Self {
        SiteSettings {
            published: false,
            template: "classique".into(),
            headline: String::new(),
            intro: String::new(),
            email: String::new(),
        }
    }
}

/// The site's looks.
pub const SITE_TEMPLATES: [&str; 3] = ["classique", "moderne", "sobre"];

/// How the school bills: what its invoices say beyond the identity kept on the school itself
/// (name, address, SIRET, agrément).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct BillingSettings {
    /// `SARL`, `SAS`, `EI`… with the share capital if the school wants it printed.
    pub legal_form: String,
    /// The intra-community VAT number (`FR` + 11 characters); empty under the VAT franchise.
    pub vat_number: String,
    /// Printed on every invoice.
    pub payment_terms: String,
    /// A sale of driving time beyond the signed contract and amendments is refused (otherwise a
    /// warning).
    pub block_sale_beyond_contract: bool,
}

impl Default for BillingSettings {
    fn default() -> Self {
        BillingSettings {
            legal_form: String::new(),
            vat_number: String::new(),
            payment_terms: "Paiement à réception de la facture, sans escompte.".into(),
            block_sale_beyond_contract: false,
        }
    }
}

/// The smart planning: travel time between meeting points, the waitlist's offers, and whether
/// students book free slots themselves.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct PlanningSettings {
    /// An instructor's trip longer than the gap between two lessons: warned by default.
    pub travel_rule: RuleMode,
    /// Road distance ÷ straight-line distance, in percent (130 = roads 30 % longer).
    pub detour_percent: i64,
    /// Mean speed of a car in town, km/h.
    pub speed_kmh: i64,
    /// Trips the school measured (they win over the estimate), in either direction.
    pub measured_legs: Vec<volant_domain::travel::MeasuredLeg>,
    /// How long a student has to accept a freed slot (hours; never past an hour before it).
    pub offer_hours: i64,
    /// How many waiting students a freed slot is offered to at most (in the offer order).
    pub max_offers: i64,
    /// Students book a suggested free slot themselves (within their bookable hours).
    pub student_self_booking: bool,
    /// The length of a suggested driving lesson (minutes).
    pub lesson_minutes: i64,
}

impl Default for PlanningSettings {
    fn default() -> Self {
        PlanningSettings {
            travel_rule: RuleMode::Warn,
            detour_percent: volant_domain::travel::DEFAULT_DETOUR_PERCENT,
            speed_kmh: volant_domain::travel::DEFAULT_SPEED_KMH,
            measured_legs: vec![],
            offer_hours: 12,
            max_offers: 20,
            student_self_booking: false,
            lesson_minutes: 60,
        }
    }
}

impl PlanningSettings {
    pub fn estimate(&self) -> volant_domain::travel::Estimate {
        volant_domain::travel::Estimate { detour_percent: self.detour_percent, speed_kmh: self.speed_kmh }
    }

    fn check(&self, errors: &mut FieldErrors) {
        if !(100..=300).contains(&self.detour_percent) {
            errors.add("planning.detour_percent", "Le facteur de détour est compris entre 100 % et 300 %.");
        }
        if !(5..=130).contains(&self.speed_kmh) {
            errors.add("planning.speed_kmh", "La vitesse moyenne est comprise entre 5 et 130 km/h.");
        }
        for (i, leg) in self.measured_legs.iter().enumerate() {
            if !(0..=240).contains(&leg.minutes) {
                errors.add(&format!("planning.measured_legs[{i}].minutes"), "Un trajet dure de 0 à 240 minutes.");
            }
            if leg.from == leg.to {
                errors.add(&format!("planning.measured_legs[{i}].to"), "Un trajet relie deux lieux différents.");
            }
        }
        if !(1..=7 * 24).contains(&self.offer_hours) {
            errors.add("planning.offer_hours", "Le délai pour accepter est compris entre 1 et 168 heures.");
        }
        if !(1..=100).contains(&self.max_offers) {
            errors.add("planning.max_offers", "Un créneau est proposé à 1 à 100 élèves.");
        }
        if !(30..=240).contains(&self.lesson_minutes) {
            errors.add("planning.lesson_minutes", "Une leçon proposée dure de 30 à 240 minutes.");
        }
    }
}

/// Every setting of a school, with the regulation's or the trade's value by default.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct SchoolSettings {
    /// A student's cancellation with less notice than this (hours) is late.
    pub late_cancel_hours: i64,
    /// Whether a late cancellation or a no-show consumes the student's hours.
    pub charge_late_cancellations: bool,
    /// A driving lesson for a student whose ANTS registration is not validated: refused or
    /// warned, in the planning and for the practical test alike.
    pub ants_rule: RuleMode,
    /// The practical test of a student whose booklet is incomplete: warned by default.
    pub booklet_rule: RuleMode,
    /// The practical test's thresholds and delays (the `ants_registration_blocks` and
    /// `booklet_blocks` inside follow `ants_rule` and `booklet_rule`).
    pub exams: eligibility::Settings,
    pub booklet_labels: LevelLabels,
    pub alerts: AlertSettings,
    /// The opening hours a new agency starts with (when it is created without its own).
    pub opening_hours: Vec<WeeklyRange>,
    /// Which roles must log in with a second factor (an authenticator app).
    pub two_factor: TwoFactorRule,
    pub notifications: NotificationSettings,
    /// A lesson over a busy time of the instructor's external calendar: warned by default.
    pub external_calendar_rule: RuleMode,
    pub billing: BillingSettings,
    /// When a CPF dossier is stuck in a status, and the 2026 co-financing rule.
    pub cpf: volant_domain::cpf::CpfSettings,
    pub site: SiteSettings,
    pub planning: PlanningSettings,
}

/// A trade's usual week: Monday to Friday 9:00–12:30 and 14:00–19:00, Saturday morning.
fn usual_opening_hours() -> Vec<WeeklyRange> {
    let range = |weekday: u8, start: &str, end: &str| WeeklyRange { weekday, start: start.into(), end: end.into() };
    let mut week: Vec<WeeklyRange> =
        (1..=5).flat_map(|day| [range(day, "09:00", "12:30"), range(day, "14:00", "19:00")]).collect();
    week.push(range(6, "09:00", "13:00"));
    week
}

impl Default for SchoolSettings {
    fn default() -> Self {
        SchoolSettings {
            late_cancel_hours: DEFAULT_LATE_CANCEL_HOURS,
            charge_late_cancellations: true,
            ants_rule: RuleMode::Block,
            booklet_rule: RuleMode::Warn,
            exams: eligibility::Settings::default(),
            booklet_labels: LevelLabels::default(),
            alerts: AlertSettings::default(),
            opening_hours: usual_opening_hours(),
            two_factor: TwoFactorRule::Optional,
            notifications: NotificationSettings::default(),
            external_calendar_rule: RuleMode::Warn,
            billing: BillingSettings::default(),
            cpf: volant_domain::cpf::CpfSettings::default(),
            site: SiteSettings::default(),
            planning: PlanningSettings::default(),
        }
    }
}

impl SchoolSettings {
    /// The eligibility settings with the school's two rule switches applied.
    pub fn eligibility(&self) -> eligibility::Settings {
        eligibility::Settings {
            ants_registration_blocks: self.ants_rule == RuleMode::Block,
            booklet_blocks: self.booklet_rule == RuleMode::Block,
            ..self.exams.clone()
        }
    }

    /// The stored JSON read field by field (see the module's comment).
    pub fn from_stored(stored: &Value) -> SchoolSettings {
        let mut settings: SchoolSettings = merge_fields(stored);
        settings.exams = merge_fields(&stored["exams"]);
        settings.booklet_labels = merge_fields(&stored["booklet_labels"]);
        settings.alerts = merge_fields(&stored["alerts"]);
        settings.notifications = merge_fields(&stored["notifications"]);
        settings.billing = merge_fields(&stored["billing"]);
        settings.cpf = merge_fields(&stored["cpf"]);
        settings.site = merge_fields(&stored["site"]);
        settings.planning = merge_fields(&stored["planning"]);
        settings
    }

    /// Checks what the office sends, with a French message per field; the opening hours come
    /// back sorted.
    pub fn validate(mut self) -> AppResult<SchoolSettings> {
        let mut errors = FieldErrors::default();
        if !(0..=7 * 24).contains(&self.late_cancel_hours) {
            errors.add("late_cancel_hours", "Le délai d'annulation est compris entre 0 et 168 heures (7 jours).");
        }
        let site = &mut self.site;
        site.headline = site.headline.trim().to_owned();
        site.intro = site.intro.trim().to_owned();
        site.email = site.email.trim().to_owned();
        if !SITE_TEMPLATES.contains(&site.template.as_str()) {
            errors.add("site.template", "Le modèle du site est « classique », « moderne » ou « sobre ».");
        }
        if site.headline.chars().count() > 120 {
            errors.add("site.headline", "Le titre du site tient en 120 caractères au plus.");
        }
        if site.intro.chars().count() > 600 {
            errors.add("site.intro", "La présentation tient en 600 caractères au plus.");
        }
        if !site.email.is_empty() && !site.email.contains('@') {
            errors.add("site.email", "L'adresse de contact n'est pas une adresse e-mail.");
        }
        let cpf = &self.cpf;
        for (field, days) in [
            ("cpf.submitted_days", cpf.submitted_days),
            ("cpf.accepted_days", cpf.accepted_days),
            ("cpf.in_training_days", cpf.in_training_days),
            ("cpf.service_done_days", cpf.service_done_days),
            ("cpf.invoiced_days", cpf.invoiced_days),
        ] {
            if !(1..=730).contains(&days) {
                errors.add(field, "Le délai d'alerte est compris entre 1 et 730 jours.");
            }
        }
        if !(0..=1_000_000).contains(&cpf.min_co_financing_cents) {
            errors.add("cpf.min_co_financing_cents", "Le cofinancement minimal est compris entre 0 et 10 000 €.");
        }
        if !(0..=100 * 60).contains(&self.alerts.low_hours_minutes) {
            errors.add("alerts.low_hours_minutes", "Le seuil d'alerte est compris entre 0 et 100 heures.");
        }
        if !(0..=7 * 24).contains(&self.notifications.reminder_hours) {
            errors
                .add("notifications.reminder_hours", "Le rappel part entre 0 et 168 heures (7 jours) avant la séance.");
        }
        let colour = &self.notifications.colour;
        if !(colour.len() == 7 && colour.starts_with('#') && colour[1..].chars().all(|c| c.is_ascii_hexdigit())) {
            errors.add("notifications.colour", "La couleur s'écrit #rrggbb (par exemple #1971c2).");
        }
        if self.notifications.quiet_hours.parse().is_none() {
            errors.add("notifications.quiet_hours", "Les heures calmes s'écrivent HH:MM (par exemple 21:00 et 08:00).");
        }
        let billing = &mut self.billing;
        billing.legal_form = billing.legal_form.trim().to_owned();
        billing.vat_number = billing.vat_number.split_whitespace().collect::<String>().to_uppercase();
        billing.payment_terms = billing.payment_terms.trim().to_owned();
        if billing.legal_form.chars().count() > 80 {
            errors.add("billing.legal_form", "La forme juridique tient en 80 caractères au plus.");
        }
        let vat = &billing.vat_number;
        let french_vat =
            vat.len() == 13 && vat.starts_with("FR") && vat[2..].chars().all(|c| c.is_ascii_alphanumeric());
        if !vat.is_empty() && !french_vat {
            errors.add(
                "billing.vat_number",
                "Le numéro de TVA s'écrit FR suivi de 11 caractères (par exemple FR40123456789).",
            );
        }
        if billing.payment_terms.is_empty() || billing.payment_terms.chars().count() > 300 {
            errors.add("billing.payment_terms", "Les conditions de paiement tiennent en 1 à 300 caractères.");
        }
        for level in Level::ALL {
            let label = self.booklet_labels.of(level).trim();
            if label.is_empty() || label.chars().count() > 40 {
                let field = format!(
                    "booklet_labels.{}",
                    serde_json::to_value(level).unwrap_or_default().as_str().unwrap_or("")
                );
                errors.add(&field, "Chaque niveau a un nom de 1 à 40 caractères.");
            }
        }
        match normalise_week(&self.opening_hours) {
            Ok(week) => self.opening_hours = week,
            Err((i, problem)) => errors.add(&format!("opening_hours[{i}]"), problem.to_string()),
        }
        self.planning.check(&mut errors);
        for (field, message) in eligibility::check_settings(&self.exams) {
            errors.add(&field, message);
        }
        errors.finish()?;
        Ok(self)
    }
}

/// A `T` from the default with each stored field that parses on its own; a field that does
/// not is logged and keeps its default. Unknown stored keys are ignored.
fn merge_fields<T: Serialize + DeserializeOwned + Default>(stored: &Value) -> T {
    let mut merged = match serde_json::to_value(T::default()) {
        Ok(Value::Object(map)) => map,
        _ => Map::new(),
    };
    if let Value::Object(fields) = stored {
        for (key, value) in fields {
            if !merged.contains_key(key) {
                continue;
            }
            let mut candidate = merged.clone();
            candidate.insert(key.clone(), value.clone());
            if serde_json::from_value::<T>(Value::Object(candidate)).is_ok() {
                merged.insert(key.clone(), value.clone());
            } else {
                tracing::warn!(setting = %key, "malformed school setting ignored: its default applies");
            }
        }
    }
    serde_json::from_value(Value::Object(merged)).unwrap_or_default()
}

/// A school as its rules see it: its zone and its settings.
#[derive(Clone, Debug)]
pub struct School {
    pub tz: Tz,
    pub settings: SchoolSettings,
    /// The `version` of the school's settings, for optimistic concurrency.
    pub version: i32,
}

impl School {
    /// The local date of an instant in the school's zone.
    pub fn date_of(&self, at: chrono::DateTime<Utc>) -> NaiveDate {
        at.with_timezone(&self.tz).date_naive()
    }

    pub fn today(&self) -> NaiveDate {
        self.date_of(Utc::now())
    }

    /// The school as stored in `tenants` (an unknown zone falls back to Paris).
    pub fn from_row(tz: &str, stored: &Value, version: i32) -> School {
        School {
            tz: tz.parse().unwrap_or(chrono_tz::Europe::Paris),
            settings: SchoolSettings::from_stored(stored),
            version,
        }
    }
}

/// The schools that are not suspended (the scheduler's passes walk them).
pub async fn active_ids(pool: &sqlx::PgPool) -> Result<Vec<TenantId>, sqlx::Error> {
    let ids: Vec<uuid::Uuid> =
        sqlx::query_scalar("SELECT id FROM tenants WHERE suspended_at IS NULL ORDER BY id").fetch_all(pool).await?;
    Ok(ids.into_iter().map(TenantId).collect())
}

/// A school's name (the signature of its messages and feeds).
pub async fn name(conn: &mut PgConnection, tenant: TenantId) -> Result<String, sqlx::Error> {
    sqlx::query_scalar("SELECT name FROM tenants WHERE id = $1").bind(tenant.0).fetch_one(conn).await
}

/// The one reader of a school's zone and settings.
pub async fn read(conn: &mut PgConnection, tenant: TenantId) -> AppResult<School> {
    let (tz, stored, version): (String, Value, i32) =
        sqlx::query_as("SELECT timezone, settings, version FROM tenants WHERE id = $1")
            .bind(tenant.0)
            .fetch_one(conn)
            .await?;
    Ok(School::from_row(&tz, &stored, version))
}

/// Stores new settings (validated by the caller), keeping the stored keys that are not settings
/// (the demo's version stamp). Returns the new version.
pub async fn write(conn: &mut PgConnection, tenant: TenantId, settings: &SchoolSettings) -> AppResult<i32> {
    let json = serde_json::to_value(settings).map_err(|e| AppError::Internal(e.into()))?;
    Ok(sqlx::query_scalar(
        "UPDATE tenants SET settings = settings || $2, version = version + 1 WHERE id = $1 RETURNING version",
    )
    .bind(tenant.0)
    .bind(json)
    .fetch_one(conn)
    .await?)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn a_malformed_stored_field_keeps_its_default_and_the_others_theirs() {
        let stored = json!({
            "late_cancel_hours": 24,
            "ants_rule": "sometimes",
            "exams": {"absence_days": "forty", "late_cancellation_notice_days": 4},
            "alerts": {"low_hours_minutes": 60},
            "demo_version": 6
        });
        let s = SchoolSettings::from_stored(&stored);
        assert_eq!(s.late_cancel_hours, 24);
        assert_eq!(s.ants_rule, RuleMode::Block, "a bad value falls back to its default");
        assert_eq!(s.exams.absence_days, 40);
        assert_eq!(s.exams.late_cancellation_notice_days, 4, "its neighbour is kept");
        assert_eq!(s.alerts.low_hours_minutes, 60);
    }

    #[test]
    fn the_rule_switches_drive_the_eligibility_settings() {
        let s = SchoolSettings { ants_rule: RuleMode::Warn, booklet_rule: RuleMode::Block, ..Default::default() };
        let e = s.eligibility();
        assert!(!e.ants_registration_blocks && e.booklet_blocks);
    }

    #[test]
    fn an_empty_band_table_is_refused_with_a_french_message() {
        let mut s = SchoolSettings::default();
        s.exams.waiting_bands.clear();
        let Err(AppError::BadRequest { errors, .. }) = s.validate() else { panic!("refused") };
        assert_eq!(errors[0].field, "exams.waiting_bands");
        assert!(SchoolSettings::default().validate().is_ok());
    }

    #[test]
    fn default_opening_hours_are_checked_and_sorted_like_an_agency_s() {
        let range = |weekday, start: &str, end: &str| WeeklyRange { weekday, start: start.into(), end: end.into() };
        let s = SchoolSettings {
            opening_hours: vec![range(2, "14:00", "18:00"), range(1, "09:00", "12:00")],
            ..Default::default()
        };
        let sorted = s.validate().expect("valid");
        assert_eq!(sorted.opening_hours[0].weekday, 1);
        let s = SchoolSettings { opening_hours: vec![range(1, "12:00", "09:00")], ..Default::default() };
        let Err(AppError::BadRequest { errors, .. }) = s.validate() else { panic!("refused") };
        assert_eq!(errors[0].field, "opening_hours[0]");
    }
}
