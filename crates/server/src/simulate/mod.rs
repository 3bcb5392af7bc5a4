//! Simulators of the remote platforms we cannot reach from here (an SMS provider and a card
//! payment provider today; ANTS and RdvPermis will come). Each one speaks real HTTP as that
//! platform documents it, so the product code talks to it exactly as it would to the real thing:
//! same client, same requests, same error handling. Only the base URL differs.
//!
//! Each simulator keeps its state in memory, offers controls for tests and demos outside the
//! platform's own API (`/_faults` and `/_reset` for SMS, `/_simulator/…` for payments), and runs
//! either in-process (`start`, on 127.0.0.1 and a free port) or alone (`volant simulate …`).

pub mod ants;
pub mod payments;
pub mod rdvpermis;
pub mod sms;
