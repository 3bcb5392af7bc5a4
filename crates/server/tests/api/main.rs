//! The one integration-test binary: the real server on port 0, a fresh database per test.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

mod helpers;

mod analytics;
mod audit;
mod auth;
mod billing;
mod booklet;
mod change_requests;
mod confirmations;
mod connectors;
mod contracts;
mod cpf;
mod day_one;
mod distribution;
mod exams;
mod external_calendars;
mod fiscal_archives;
mod foundation;
mod guardians;
mod idempotency;
mod imports;
mod isolation;
mod layers;
mod livret;
mod notifications;
mod planning;
mod printed_planning;
mod rbac;
mod rdvpermis;
mod reliability;
mod resources;
mod seed;
mod settings;
mod site;
mod smart_planning;
mod students;
mod two_factor;
