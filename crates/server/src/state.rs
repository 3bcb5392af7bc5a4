//! The application state every handler and job reaches: a leaf module, so that no feature
//! imports the module that assembles the router.

use std::{ops::Deref, sync::Arc};

use sqlx::PgPool;

use crate::{config::Settings, metrics::Metrics};

/// What every handler can reach. Cheap to clone.
#[derive(Clone)]
pub struct AppState(Arc<Shared>);

pub struct Shared {
    pub settings: Settings,
    pub pool: PgPool,
    pub metrics: Metrics,
    /// Base of the links put in e-mails (`http://127.0.0.1:8080`, `https://app.volant.fr`).
    pub public_url: String,
    pub jobs_wake: Arc<tokio::sync::Notify>,
    /// The card payment provider, when configured.
    pub payments: Option<crate::payments::PaymentProvider>,
}

impl Deref for AppState {
    type Target = Shared;
    fn deref(&self) -> &Shared {
        &self.0
    }
}

impl AppState {
    pub fn new(settings: Settings, pool: PgPool, public_url: String) -> Self {
        let payments = crate::payments::PaymentProvider::new(
            settings.payments_url.as_deref(),
            settings.payments_secret_key.as_ref(),
            settings.payments_webhook_secret.as_ref(),
        );
        AppState(Arc::new(Shared {
            settings,
            pool,
            metrics: Metrics::default(),
            public_url,
            jobs_wake: Arc::new(tokio::sync::Notify::new()),
            payments,
        }))
    }
}
