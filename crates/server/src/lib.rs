//! Volant's server: configuration, database, HTTP edge, jobs, and one module per feature
//! (routes → service → repository).

pub mod agencies;
pub mod app;
pub mod audit;
pub mod audit_log;
pub mod auth;
pub mod booklet;
pub mod calendar;
pub mod change_requests;
pub mod cli;
pub mod config;
pub mod db;
pub mod demo;
pub mod error;
pub mod exams;
pub mod external_calendars;
pub mod features;
pub mod http;
pub mod instructors;
pub mod invitations;
pub mod jobs;
pub mod mail;
pub mod metrics;
pub mod notifications;
pub mod planning;
pub mod school;
pub mod sealed;
pub mod seed;
pub mod simulate;
pub mod sms;
pub mod state;
pub mod students;
pub mod tenancy;
pub mod users;
pub mod vehicles;
pub mod work;
