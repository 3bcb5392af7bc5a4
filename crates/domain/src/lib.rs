//! Volant's pure rules: types whose constructors refuse invalid values, and computations
//! without I/O. This is the code a regulator or a new engineer reads first.

pub mod analytics;
pub mod ants;
pub mod audit;
pub mod billing;
pub mod booklet;
pub mod confirmation;
pub mod cpf;
pub mod csv;
pub mod device;
pub mod documents;
pub mod eligibility;
pub mod email;
pub mod exam;
pub mod fiscal;
pub mod french;
pub mod holidays;
pub mod ics;
pub mod ids;
pub mod import;
pub mod ledger;
pub mod licence;
pub mod notify;
pub mod password;
pub mod planning;
pub mod plate;
pub mod recurrence;
pub mod role;
pub mod roster;
pub mod schedule;
pub mod search;
pub mod slots;
pub mod student;
pub mod totp;
pub mod travel;
pub mod xlsx;
