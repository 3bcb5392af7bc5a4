//! Typed identifiers: a `StudentId` can never be passed where a `LessonId` is expected.

use std::{fmt, str::FromStr};

use serde::{Deserialize, Serialize};
use uuid::Uuid;

macro_rules! id_type {
    ($($(#[$doc:meta])* $name:ident),* $(,)?) => {$(
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub Uuid);

        impl $name {
            /// A new time-ordered identifier (UUIDv7).
            pub fn new() -> Self {
                Self(Uuid::now_v7())
            }
        }

        impl Default for $name {
            fn default() -> Self {
                Self::new()
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }

        impl FromStr for $name {
            type Err = uuid::Error;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Uuid::parse_str(s).map(Self)
            }
        }

        impl From<Uuid> for $name {
            fn from(u: Uuid) -> Self {
                Self(u)
            }
        }
    )*};
}

id_type!(
    /// A school (tenant).
    TenantId,
    /// A person's global account.
    UserId,
    /// A login session.
    SessionId,
    /// An entry of the audit log.
    AuditId,
    /// An invitation to join a school.
    InvitationId,
    /// A job of the outbox.
    JobId,
    /// An agency (branch) of a school.
    AgencyId,
    /// A code-session room of an agency.
    RoomId,
    /// An instructor record.
    InstructorId,
    /// A dated unavailability of an instructor.
    ExceptionId,
    /// A car or a simulator.
    VehicleId,
    /// A student file.
    StudentId,
    /// A document of a student file.
    DocumentId,
    /// An entry of the hours ledger.
    LedgerEntryId,
    /// A product of a school's catalogue.
    ProductId,
    /// An invoice or a credit note.
    InvoiceId,
    /// A payment received (or refunded).
    PaymentId,
    /// A card payment asked of the payment provider.
    CheckoutId,
    /// A training contract or one of its amendments.
    ContractId,
);
