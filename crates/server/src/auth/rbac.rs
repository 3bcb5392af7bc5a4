//! The one permission table. Every endpoint names the permission it needs (`ctx.require`), and
//! this table alone says which roles hold it. Later features add their rows here.

use volant_domain::role::Role;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Permission {
    /// List members, change roles and active flags, invite people.
    ManageUsers,
    /// Read the audit log and verify its chain.
    ReadAudit,
    /// Read the mails caught by the demo profile.
    ReadDemoMails,
    /// Read agencies (hours, rooms, meeting points): everyone in the school.
    ReadAgencies,
    /// Open and change agencies.
    ManageAgencies,
    /// List instructors: the office sees all, an instructor their own record, a student the
    /// names of their instructors.
    ReadInstructors,
    /// Create and change instructor records.
    ManageInstructors,
    /// Replace an instructor's weekly availability and exceptions.
    ManageAvailability,
    /// Declare leave and other unavailability (an instructor only for themself).
    DeclareUnavailability,
    /// Read vehicles.
    ReadVehicles,
    /// Add and change vehicles.
    ManageVehicles,
    /// Read student files and hours: the office all, an instructor the students they teach,
    /// a student their own.
    ReadStudents,
    /// Create and change files, post hours, archive, invite.
    ManageStudents,
    /// GDPR erasure of a student.
    EraseStudents,
    /// Read a file's documents (not instructors: identity papers are the office's business).
    ReadStudentDocuments,
    /// Upload documents (a student for their own file).
    UploadStudentDocuments,
    /// Read the planning: the office all of it, an instructor their lessons, a student theirs.
    ReadPlanning,
    /// Plan, move, cancel, duplicate lessons; series, copy-week, replace-day.
    ManagePlanning,
    /// Mark lessons done or no-show (an instructor only their own).
    MarkLessons,
    /// Record booklet evaluations and assessments (an instructor for the students they teach;
    /// the office for levels imported from another school).
    EvaluateStudents,
    /// Ask the office to cancel or move one's own lesson.
    RequestChanges,
    /// Approve or refuse change requests.
    DecideChanges,
    /// Read exams and eligibility: the office all, an instructor the students they teach, a
    /// student their own.
    ReadExams,
    /// Record exams and results, exam places and their assignment.
    ManageExams,
    /// Read the office's alerts.
    ReadAlerts,
    /// Read and change the school's settings (rules, delays, labels, thresholds).
    ManageSettings,
    /// Read one's own notifications and choose their channels: everyone.
    ReadNotifications,
    /// Read what was sent to whom, on which channel, and what became of it.
    ReadDeliveries,
    /// Subscribe to one's own lessons as a calendar feed (those who have lessons).
    SubscribeCalendar,
    /// Read the catalogue, invoices, payments and accounts: the office all, a student their own.
    ReadBilling,
    /// Sell (issue invoices and credit notes), record payments and instalments.
    ManageBilling,
    /// Add and change the catalogue's products and prices.
    ManageCatalogue,
    /// Pay an invoice by card online (a student their own, the office for a student at the desk).
    PayOnline,
    /// Ask for a signature code and sign a training contract or amendment (the student their own,
    /// the office at the desk with the code the signer received).
    SignContracts,
    /// Read the school's analytics and exports (pass rates, hours, revenue, payroll).
    ReadAnalytics,
    /// Read instructors' figures: the ADMIN all of them, an instructor their own.
    ReadInstructorFigures,
    /// Join and leave the waitlist, answer its offers (a student for themself, the office for
    /// any student).
    UseWaitlist,
    /// Read the instructors' trips between lessons (an instructor their own).
    ReadTravelTimes,
    /// Print the planning: a week, a day sheet (an instructor their own).
    PrintPlanning,
    /// Confirm or dispute one's own lessons done (a student).
    ConfirmHours,
    /// Read and settle the students' disputes of their hours.
    SettleDisputes,
    /// Import files from the previous software, export the whole school, follow those jobs.
    TransferData,
    /// Follow another of one's children (a guardian's siblings).
    FollowChildren,
    /// Invite a minor student's guardians, list and remove them.
    ManageGuardians,
    /// Read free slots for a student and book one (a student for themself when the school allows
    /// self-booking).
    FindSlots,
    /// Configure the connectors to the State platforms, test them, read their exchange log.
    ManageConnectors,
    /// Deal with the State platforms: file, complete and sync students' ANTS dossiers, follow and
    /// resend the digital-livret transmissions, preview the ETP; read the connectors' status.
    FileRegistrations,
}

impl Permission {
    pub fn roles(self) -> &'static [Role] {
        use Role::*;
        match self {
            Permission::ManageUsers
            | Permission::ReadAudit
            | Permission::ReadDemoMails
            | Permission::ManageAgencies
            | Permission::ManageInstructors
            | Permission::EraseStudents
            | Permission::ManageSettings
            | Permission::ReadDeliveries
            | Permission::ManageCatalogue
            | Permission::ReadAnalytics
            | Permission::TransferData
            | Permission::ManageConnectors => &[Admin],
            Permission::ReadInstructorFigures => &[Admin, Instructor],
            Permission::ManageAvailability
            | Permission::ManageVehicles
            | Permission::ManageStudents
            | Permission::ManagePlanning
            | Permission::DecideChanges
            | Permission::ManageExams
            | Permission::ReadAlerts
            | Permission::ManageBilling
            | Permission::SettleDisputes
            | Permission::ManageGuardians
            | Permission::FileRegistrations => &[Admin, Secretary],
            Permission::ConfirmHours => &[Student],
            Permission::FollowChildren => &[Guardian],
            Permission::RequestChanges | Permission::SubscribeCalendar => &[Instructor, Student],
            Permission::ReadStudentDocuments
            | Permission::UploadStudentDocuments
            | Permission::UseWaitlist
            | Permission::FindSlots => &[Admin, Secretary, Student],
            // A guardian reads the child's invoices, pays them and signs the contracts of a minor
            // (the parent who pays is the usual payer: the card payment is theirs to make).
            Permission::ReadBilling | Permission::PayOnline | Permission::SignContracts => {
                &[Admin, Secretary, Student, Guardian]
            }
            Permission::ReadVehicles
            | Permission::DeclareUnavailability
            | Permission::MarkLessons
            | Permission::EvaluateStudents
            | Permission::ReadTravelTimes
            | Permission::PrintPlanning => &[Admin, Secretary, Instructor],
            Permission::ReadAgencies
            | Permission::ReadInstructors
            | Permission::ReadStudents
            | Permission::ReadPlanning
            | Permission::ReadExams
            | Permission::ReadNotifications => &[Admin, Secretary, Instructor, Student, Guardian],
        }
    }

    pub fn allows(self, role: Role) -> bool {
        self.roles().contains(&role)
    }
}
