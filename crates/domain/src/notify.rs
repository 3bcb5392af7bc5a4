//! Who is told what, on which channel and when: the events of SPEC § 6.2, their audience, the
//! channels a person gets by default, and quiet hours. The server raises the events, renders and
//! sends; the rules live here once.

use chrono::{DateTime, Duration, NaiveTime, TimeZone, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

use crate::role::Role;

/// Something that happened and that people must be told about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(as = NotificationEvent))]
#[serde(rename_all = "snake_case")]
pub enum Event {
    LessonCreated,
    LessonMoved,
    LessonCancelled,
    LessonReminder,
    LowCredit,
    ExamBooked,
    ExamResult,
    StudentEligible,
    ChangeRequestDecided,
    InvoiceIssued,
    PaymentReceived,
    DocumentExpiring,
    WaitlistOffer,
    /// A freed slot offered to a student was taken by another.
    WaitlistTaken,
    /// Someone registered on the school's public website: the office calls them back.
    ProspectRegistered,
}

/// The parties an event concerns; the server resolves parties to accounts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Party {
    Student,
    /// The guardian accounts that follow the student (a minor's parents: they follow and pay).
    Guardian,
    Instructor,
    Office,
    Requester,
}

impl Event {
    pub const ALL: [Event; 15] = [
        Event::LessonCreated,
        Event::LessonMoved,
        Event::LessonCancelled,
        Event::LessonReminder,
        Event::LowCredit,
        Event::ExamBooked,
        Event::ExamResult,
        Event::StudentEligible,
        Event::ChangeRequestDecided,
        Event::InvoiceIssued,
        Event::PaymentReceived,
        Event::DocumentExpiring,
        Event::WaitlistOffer,
        Event::WaitlistTaken,
        Event::ProspectRegistered,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Event::LessonCreated => "lesson_created",
            Event::LessonMoved => "lesson_moved",
            Event::LessonCancelled => "lesson_cancelled",
            Event::LessonReminder => "lesson_reminder",
            Event::LowCredit => "low_credit",
            Event::ExamBooked => "exam_booked",
            Event::ExamResult => "exam_result",
            Event::StudentEligible => "student_eligible",
            Event::ChangeRequestDecided => "change_request_decided",
            Event::InvoiceIssued => "invoice_issued",
            Event::PaymentReceived => "payment_received",
            Event::DocumentExpiring => "document_expiring",
            Event::WaitlistOffer => "waitlist_offer",
            Event::WaitlistTaken => "waitlist_taken",
            Event::ProspectRegistered => "prospect_registered",
        }
    }

    pub fn parse(s: &str) -> Option<Event> {
        Event::ALL.into_iter().find(|e| e.as_str() == s)
    }

    /// Who is told (SPEC § 6.2): the student for what happens to their training, the instructor
    /// for their day, the office for what it must act on.
    pub fn audience(self) -> &'static [Party] {
        match self {
            Event::LessonCreated | Event::LessonMoved | Event::LessonCancelled | Event::LessonReminder => {
                &[Party::Student, Party::Guardian, Party::Instructor]
            }
            Event::StudentEligible => &[Party::Student, Party::Guardian, Party::Office],
            Event::DocumentExpiring => &[Party::Student, Party::Office],
            Event::ChangeRequestDecided => &[Party::Requester],
            Event::ProspectRegistered => &[Party::Office],
            Event::LowCredit
            | Event::ExamBooked
            | Event::ExamResult
            | Event::InvoiceIssued
            | Event::PaymentReceived => &[Party::Student, Party::Guardian],
            // Offers are answered by the student in their app.
            Event::WaitlistOffer | Event::WaitlistTaken => &[Party::Student],
        }
    }

    /// The events a person of this role can receive, in the order the preferences list them.
    pub fn for_role(role: Role) -> Vec<Event> {
        let party = match role {
            Role::Admin | Role::Secretary => Party::Office,
            Role::Instructor => Party::Instructor,
            Role::Student => Party::Student,
            Role::Guardian => Party::Guardian,
        };
        Event::ALL
            .into_iter()
            .filter(|e| {
                e.audience().contains(&party) || e.audience().contains(&Party::Requester) && role.is_requester()
            })
            .collect()
    }

    /// What a person gets before choosing: in-app always; e-mail for everything; SMS only where
    /// minutes count (a lesson moved or cancelled at short notice, the reminder, a place offered).
    pub fn default_channels(self) -> Channels {
        let sms =
            matches!(self, Event::LessonMoved | Event::LessonCancelled | Event::LessonReminder | Event::WaitlistOffer);
        Channels { email: true, sms, in_app: true }
    }
}

impl Role {
    /// Roles that send change requests (and are told the decision).
    fn is_requester(self) -> bool {
        matches!(self, Role::Instructor | Role::Student)
    }
}

/// The channels of one event for one person. In-app is always kept (it is the record).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Channels {
    pub email: bool,
    pub sms: bool,
    pub in_app: bool,
}

impl Channels {
    /// The choice as kept: in-app cannot be turned off.
    pub fn kept(self) -> Channels {
        Channels { in_app: true, ..self }
    }
}

/// The hours when no SMS and no e-mail leave (school time); what is due then waits for the end.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct QuietHours {
    pub start: NaiveTime,
    pub end: NaiveTime,
}

impl Default for QuietHours {
    /// 21:00 to 08:00 (SPEC § 6.2).
    fn default() -> Self {
        QuietHours { start: hm(21, 0), end: hm(8, 0) }
    }
}

fn hm(h: u32, m: u32) -> NaiveTime {
    NaiveTime::from_hms_opt(h, m, 0).unwrap_or(NaiveTime::MIN)
}

impl QuietHours {
    /// Whether a wall-clock time is inside; the range may wrap around midnight. Equal bounds mean
    /// no quiet hours.
    pub fn contains(&self, t: NaiveTime) -> bool {
        if self.start <= self.end { self.start <= t && t < self.end } else { t >= self.start || t < self.end }
    }

    /// When a message due `now` may leave: `None` at once, or the next end of the quiet hours.
    pub fn send_after(&self, tz: Tz, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
        let local = now.with_timezone(&tz);
        if !self.contains(local.time()) {
            return None;
        }
        let today_end = local.date_naive().and_time(self.end);
        let end = if local.time() < self.end { today_end } else { today_end + Duration::days(1) };
        // A quiet-hours end inside a daylight-saving gap moves to the first instant after it.
        let instant = tz
            .from_local_datetime(&end)
            .earliest()
            .or_else(|| tz.from_local_datetime(&(end + Duration::hours(1))).earliest())?;
        Some(instant.with_timezone(&Utc))
    }
}

/// A reminder is due this long before a lesson (hours, a school setting).
pub const DEFAULT_REMINDER_HOURS: i64 = 24;

#[cfg(test)]
mod tests {
    use super::*;
    use chrono_tz::Europe::Paris;

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    #[test]
    fn names_round_trip() {
        for e in Event::ALL {
            assert_eq!(Event::parse(e.as_str()), Some(e));
            assert_eq!(serde_json::to_value(e).unwrap(), e.as_str());
        }
    }

    #[test]
    fn each_role_gets_its_events() {
        let student = Event::for_role(Role::Student);
        assert!(student.contains(&Event::LessonMoved) && student.contains(&Event::ExamResult));
        assert!(student.contains(&Event::ChangeRequestDecided));
        let instructor = Event::for_role(Role::Instructor);
        assert!(instructor.contains(&Event::LessonReminder) && !instructor.contains(&Event::InvoiceIssued));
        let office = Event::for_role(Role::Secretary);
        assert_eq!(office, vec![Event::StudentEligible, Event::DocumentExpiring, Event::ProspectRegistered]);
        // A parent follows the training and pays; the child answers offers and requests.
        let guardian = Event::for_role(Role::Guardian);
        assert!(guardian.contains(&Event::LessonMoved) && guardian.contains(&Event::InvoiceIssued));
        assert!(!guardian.contains(&Event::WaitlistOffer) && !guardian.contains(&Event::ChangeRequestDecided));
    }

    #[test]
    fn sms_by_default_only_where_minutes_count() {
        assert!(Event::LessonCancelled.default_channels().sms);
        assert!(!Event::ExamResult.default_channels().sms);
        assert!(Event::ExamResult.default_channels().email);
        assert!(Channels { email: false, sms: false, in_app: false }.kept().in_app);
    }

    #[test]
    fn quiet_hours_wrap_midnight() {
        let q = QuietHours::default();
        assert!(q.contains(hm(22, 0)) && q.contains(hm(3, 0)) && q.contains(hm(21, 0)));
        assert!(!q.contains(hm(8, 0)) && !q.contains(hm(12, 0)));
        let day = QuietHours { start: hm(12, 0), end: hm(14, 0) };
        assert!(day.contains(hm(13, 0)) && !day.contains(hm(14, 0)));
        assert!(!QuietHours { start: hm(8, 0), end: hm(8, 0) }.contains(hm(8, 0)));
    }

    #[test]
    fn a_message_due_at_night_leaves_at_eight_school_time() {
        let q = QuietHours::default();
        // 22:30 in Paris (winter, UTC+1) → 08:00 the next morning = 07:00 UTC.
        assert_eq!(q.send_after(Paris, at("2026-12-07T21:30:00Z")), Some(at("2026-12-08T07:00:00Z")));
        // 03:00 in Paris → 08:00 the same day.
        assert_eq!(q.send_after(Paris, at("2026-12-08T02:00:00Z")), Some(at("2026-12-08T07:00:00Z")));
        // Noon: at once.
        assert_eq!(q.send_after(Paris, at("2026-12-08T11:00:00Z")), None);
        // Summer time (UTC+2).
        assert_eq!(q.send_after(Paris, at("2026-07-01T20:00:00Z")), Some(at("2026-07-02T06:00:00Z")));
    }
}
