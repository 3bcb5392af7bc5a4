//! The running application: shared state, the HTTP server, the jobs worker, and shutdown.

use std::net::SocketAddr;

use anyhow::Context;
use sqlx::PgPool;
use tokio::{net::TcpListener, sync::watch};

use crate::{
    billing,
    config::Settings,
    connectors, exams, external_calendars, http,
    jobs::{self, JobRegistry},
    journal::{self, EventKind},
    mail::Mailer,
    notifications::{self, deliver::Senders, reminders},
    sms::SmsGateway,
    state::AppState,
};

/// A server bound to its port, ready to run.
pub struct Server {
    pub addr: SocketAddr,
    pub state: AppState,
    listener: TcpListener,
    registry: JobRegistry,
}

impl Server {
    /// Binds the listener (port 0 picks a free one) and prepares the state.
    pub async fn bind(settings: Settings, pool: PgPool, registry: Option<JobRegistry>) -> anyhow::Result<Self> {
        volant_domain::booklet::check_reference().map_err(anyhow::Error::msg)?;
        let listener =
            TcpListener::bind(settings.addr).await.with_context(|| format!("cannot listen on {}", settings.addr))?;
        let addr = listener.local_addr()?;
        let public_url = settings.public_base_url(addr);
        let mailer = Mailer::from_settings(&settings)?;
        let sms = SmsGateway::new(settings.sms_url.as_deref(), settings.sms_token.as_ref().map(|t| t.expose()))?;
        let registry = mailer.clone().handle_jobs(registry.unwrap_or_default());
        let registry = sms.clone().handle_jobs(registry);
        let registry = notifications::handle_jobs(registry, Senders { mailer, sms })
            .register(external_calendars::REFRESH, external_calendars::service::refresh_job)
            .register(crate::imports::RUN, crate::imports::run)
            .register(crate::exports::RUN, crate::exports::run)
            .register(connectors::ants::SUBMIT, connectors::ants::service::run_submit)
            .register(connectors::ants::SYNC, connectors::ants::service::run_sync)
            .register(crate::livret::TRANSMIT, crate::livret::service::run_transmit)
            .register(crate::rdvpermis::RESULTS, crate::rdvpermis::service::run_results);
        let state = AppState::new(settings, pool, public_url);
        Ok(Server { addr, state, listener, registry })
    }

    /// Serves until `shutdown` turns true, then drains in-flight requests and stops the worker.
    pub async fn run(self, mut shutdown: watch::Receiver<bool>) -> anyhow::Result<()> {
        let started = serde_json::json!({"version": env!("CARGO_PKG_VERSION"), "address": self.addr.to_string()});
        if let Err(e) = journal::record_installation(&self.state.pool, EventKind::Startup, started).await {
            tracing::warn!(error = %e, "technical journal: the start-up is not recorded");
        }
        let pool = self.state.pool.clone();
        let worker = tokio::spawn(jobs::run_worker(self.state.clone(), self.registry, shutdown.clone()));
        let every = self.state.settings.reminder_scan_interval;
        let scheduler = tokio::spawn(run_scheduler(self.state.clone(), every, shutdown.clone()));
        let app = crate::features::router(self.state).into_make_service_with_connect_info::<SocketAddr>();
        axum::serve(self.listener, app)
            .with_graceful_shutdown(async move {
                let _ = shutdown.wait_for(|stop| *stop).await;
            })
            .await?;
        let _ = tokio::time::timeout(http::GRACEFUL_SHUTDOWN, worker).await;
        let _ = tokio::time::timeout(http::GRACEFUL_SHUTDOWN, scheduler).await;
        let stopped = serde_json::json!({"version": env!("CARGO_PKG_VERSION")});
        if let Err(e) = journal::record_installation(&pool, EventKind::Shutdown, stopped).await {
            tracing::warn!(error = %e, "technical journal: the stop is not recorded");
        }
        Ok(())
    }
}

/// Volant's own clock (no cron outside): every instance, every `every`, raises the lesson
/// reminders that are due and queues the refresh of external calendars, and hourly tells who
/// became eligible for the practical test; all are keyed, so that several instances do each
/// thing once.
async fn run_scheduler(state: AppState, every: std::time::Duration, mut shutdown: watch::Receiver<bool>) {
    let mut eligibility_checked: Option<std::time::Instant> = None;
    let mut closures_checked: Option<std::time::Instant> = None;
    let mut clock = ClockWatch::start();
    loop {
        if *shutdown.borrow() {
            return;
        }
        let pass = std::time::Instant::now();
        if let Some(drift) = clock.jumped() {
            let detail = serde_json::json!({"drift_seconds": drift, "now": chrono::Utc::now()});
            tracing::warn!(drift_seconds = drift, "the wall clock jumped");
            if let Err(e) = journal::record_installation(&state.pool, EventKind::ClockJump, detail).await {
                tracing::warn!(error = %e, "technical journal: the clock jump is not recorded");
            }
        }
        // Eligibility is costlier (a few statements per candidate): once an hour.
        if eligibility_checked.is_none_or(|at| at.elapsed() >= std::time::Duration::from_secs(3600)) {
            eligibility_checked = Some(std::time::Instant::now());
            match exams::service::tell_newly_eligible(&state.pool).await {
                Ok(0) => {}
                Ok(_) => state.jobs_wake.notify_one(),
                Err(e) => tracing::warn!(error = %e, "eligibility: the pass failed, the next one catches up"),
            }
        }
        // Closures are due once a day per school: a pass every ten minutes closes them soon after
        // midnight, school time, and catches up after downtime.
        if closures_checked.is_none_or(|at| at.elapsed() >= std::time::Duration::from_secs(600)) {
            closures_checked = Some(std::time::Instant::now());
            if let Err(e) = billing::closures::close_due(&state.pool, chrono::Utc::now()).await {
                tracing::warn!(error = %e, "fiscal closures: the pass failed, the next one catches up");
            }
            if let Err(e) = billing::archives::archive_closed_years(&state.pool, &state.settings.secret_key).await {
                tracing::warn!(error = %e, "fiscal archives: the pass failed, the next one catches up");
            }
        }
        match reminders::scan(&state.pool).await {
            Ok(0) => {}
            Ok(n) => {
                tracing::info!(reminders = n, "lesson reminders raised");
                state.jobs_wake.notify_one();
            }
            Err(e) => tracing::warn!(error = %e, "reminders: the pass failed, the next one catches up"),
        }
        match external_calendars::service::enqueue_due(&state.pool).await {
            Ok(0) => {}
            Ok(_) => state.jobs_wake.notify_one(),
            Err(e) => tracing::warn!(error = %e, "external calendars: cannot queue the refreshes"),
        }
        let stale = state.settings.connector_sync_interval.as_secs();
        match connectors::ants::service::enqueue_due(&state.pool, stale).await {
            Ok(0) => {}
            Ok(_) => state.jobs_wake.notify_one(),
            Err(e) => tracing::warn!(error = %e, "ANTS: cannot queue the syncs"),
        }
        match crate::livret::service::scan(&state.pool).await {
            Ok(0) => {}
            Ok(_) => state.jobs_wake.notify_one(),
            Err(e) => tracing::warn!(error = %e, "livret: cannot queue the transmissions"),
        }
        match crate::rdvpermis::service::enqueue_results(&state.pool, stale).await {
            Ok(0) => {}
            Ok(_) => state.jobs_wake.notify_one(),
            Err(e) => tracing::warn!(error = %e, "RdvPermis: cannot queue the results"),
        }
        // Each pass visits every school: at market scale its length is the first thing to watch.
        let took = pass.elapsed();
        if took > every / 2 {
            tracing::warn!(took_ms = took.as_millis(), every_ms = every.as_millis(), "the scheduler's pass is slow");
        } else {
            tracing::debug!(took_ms = took.as_millis(), "scheduler pass");
        }
        tokio::select! {
            _ = tokio::time::sleep(every) => {},
            _ = shutdown.changed() => {},
        }
    }
}

/// Turns Ctrl-C or SIGTERM into a shutdown signal.
pub fn shutdown_on_signals() -> watch::Receiver<bool> {
    let (tx, rx) = watch::channel(false);
    tokio::spawn(async move {
        let ctrl_c = tokio::signal::ctrl_c();
        #[cfg(unix)]
        let term = async {
            match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
                Ok(mut s) => {
                    s.recv().await;
                }
                Err(_) => std::future::pending::<()>().await,
            }
        };
        tokio::select! {
            _ = ctrl_c => {},
            _ = term => {},
        }
        tracing::info!("shutting down");
        let _ = tx.send(true);
    });
    rx
}

/// Notices when the wall clock moves apart from the monotonic clock (set by hand, a bad NTP
/// step, a virtual machine resumed): the dates of the fiscal records come from the wall clock.
struct ClockWatch {
    wall: chrono::DateTime<chrono::Utc>,
    mono: std::time::Instant,
}

/// A drift below this is ordinary scheduling jitter and NTP slewing.
const CLOCK_JUMP_SECONDS: i64 = 120;

impl ClockWatch {
    fn start() -> ClockWatch {
        ClockWatch { wall: chrono::Utc::now(), mono: std::time::Instant::now() }
    }

    /// The drift in seconds (positive: the wall clock went forward) since the last look, if it
    /// is a jump; the watch restarts from now either way.
    fn jumped(&mut self) -> Option<i64> {
        let now = ClockWatch::start();
        let wall = (now.wall - self.wall).num_seconds();
        let mono = i64::try_from(now.mono.duration_since(self.mono).as_secs()).unwrap_or(i64::MAX);
        *self = now;
        let drift = wall.saturating_sub(mono);
        (drift.abs() >= CLOCK_JUMP_SECONDS).then_some(drift)
    }
}
