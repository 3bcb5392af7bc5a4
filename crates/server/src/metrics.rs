//! Prometheus text metrics: request counts by route and status, and latency histograms.
//! Small enough to keep in-house instead of a metrics framework.

use std::{
    collections::BTreeMap,
    fmt::Write,
    sync::{Arc, Mutex},
    time::Instant,
};

use axum::{
    extract::{MatchedPath, Request, State},
    middleware::Next,
    response::Response,
};

const BUCKETS: [f64; 12] = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 10.0];

#[derive(Default)]
struct Histogram {
    counts: [u64; BUCKETS.len()],
    count: u64,
    sum: f64,
}

#[derive(Default)]
struct Inner {
    requests: BTreeMap<(String, String, u16), u64>,
    latency: BTreeMap<(String, String), Histogram>,
}

#[derive(Clone, Default)]
pub struct Metrics(Arc<Mutex<Inner>>);

impl Metrics {
    fn observe(&self, method: &str, route: &str, status: u16, seconds: f64) {
        let Ok(mut inner) = self.0.lock() else { return };
        *inner.requests.entry((method.to_owned(), route.to_owned(), status)).or_default() += 1;
        let h = inner.latency.entry((method.to_owned(), route.to_owned())).or_default();
        h.count += 1;
        h.sum += seconds;
        for (i, bound) in BUCKETS.iter().enumerate() {
            if seconds <= *bound
                && let Some(c) = h.counts.get_mut(i)
            {
                *c += 1;
            }
        }
    }

    /// The exposition text format, version 0.0.4.
    pub fn render(&self, pool: &sqlx::PgPool) -> String {
        let mut out = String::new();
        let Ok(inner) = self.0.lock() else { return out };
        out.push_str("# HELP volant_http_requests_total HTTP requests by route and status.\n");
        out.push_str("# TYPE volant_http_requests_total counter\n");
        for ((method, route, status), n) in &inner.requests {
            let _ = writeln!(
                out,
                "volant_http_requests_total{{method=\"{method}\",route=\"{}\",status=\"{status}\"}} {n}",
                escape(route)
            );
        }
        out.push_str("# HELP volant_http_request_duration_seconds Time to answer an HTTP request.\n");
        out.push_str("# TYPE volant_http_request_duration_seconds histogram\n");
        for ((method, route), h) in &inner.latency {
            let labels = format!("method=\"{method}\",route=\"{}\"", escape(route));
            for (bound, count) in BUCKETS.iter().zip(h.counts.iter()) {
                let _ = writeln!(out, "volant_http_request_duration_seconds_bucket{{{labels},le=\"{bound}\"}} {count}");
            }
            let _ = writeln!(out, "volant_http_request_duration_seconds_bucket{{{labels},le=\"+Inf\"}} {}", h.count);
            let _ = writeln!(out, "volant_http_request_duration_seconds_sum{{{labels}}} {}", h.sum);
            let _ = writeln!(out, "volant_http_request_duration_seconds_count{{{labels}}} {}", h.count);
        }
        out.push_str("# HELP volant_db_pool_connections Connections of the application pool.\n");
        out.push_str("# TYPE volant_db_pool_connections gauge\n");
        let _ = writeln!(out, "volant_db_pool_connections{{state=\"open\"}} {}", pool.size());
        let _ = writeln!(out, "volant_db_pool_connections{{state=\"idle\"}} {}", pool.num_idle());
        out
    }
}

fn escape(s: &str) -> String {
    s.replace('\\', "\\\\").replace('"', "\\\"")
}

/// Records every request under its route template (not its raw path: ids would explode the
/// label set).
pub async fn record(State(metrics): State<Metrics>, req: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = req.method().to_string();
    let route =
        req.extensions().get::<MatchedPath>().map(|p| p.as_str().to_owned()).unwrap_or_else(|| {
            if req.uri().path().starts_with("/api/") { "unmatched".into() } else { "static".into() }
        });
    let resp = next.run(req).await;
    metrics.observe(&method, &route, resp.status().as_u16(), started.elapsed().as_secs_f64());
    resp
}
