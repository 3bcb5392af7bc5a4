/**
 * Every react-query key of the app. Invalidation works by prefix, so a key's place in this tree is what decides which
 * changes refresh it: whatever lives under ['students'] is refreshed when a student's file changes (the booklet, the
 * eligibility…), whatever lives under ['lessons'] when the planning changes.
 */

export const SESSION_KEY = ['session'] as const;
/** The person's live sessions ("Mes sessions"). Outside the session's prefix: dropped with the session that read it. */
export const MY_SESSIONS_KEY = ['my-sessions'] as const;
/** The person's passkeys ("Clés d'accès"). Outside the session's prefix, like the sessions. */
export const MY_PASSKEYS_KEY = ['my-passkeys'] as const;
/**
 * Set (true) when the server refused work with `second-factor-required`: the school requires 2FA for the role and this
 * session has none yet. Not fetched: the query cache is only where the shell reads it. Outside the session's prefix, so
 * that a new session starts without it.
 */
export const SECOND_FACTOR_DUE_KEY = ['second-factor-due'] as const;

export const AGENCIES_KEY = ['agencies'] as const;
export const agencyKey = (id: string) => ['agencies', id] as const;

export const INSTRUCTORS_KEY = ['instructors'] as const;
export const INSTRUCTOR_LISTS_KEY = ['instructors', 'list'] as const;
export const instructorListKey = (filter: string) => ['instructors', 'list', filter] as const;
export const instructorKey = (id: string) => ['instructors', 'one', id] as const;
/** Every instructor, inactive ones too (they name past lessons). */
export const ALL_INSTRUCTORS_KEY = ['instructors', 'all'] as const;
export const availabilityKey = (id: string) => ['availability', id] as const;

export const VEHICLES_KEY = ['vehicles'] as const;
export const vehicleListKey = (status: string | null) => ['vehicles', 'list', status] as const;
export const ALL_VEHICLES_KEY = ['vehicles', 'all'] as const;

export const STUDENTS_KEY = ['students'] as const;
export const STUDENT_LISTS_KEY = ['students', 'list'] as const;
export const studentListKey = (filters: Record<string, string | undefined>) => ['students', 'list', filters] as const;
export const studentKey = (id: string) => ['students', 'one', id] as const;
export const documentsKey = (id: string) => ['students', 'documents', id] as const;
export const hoursKey = (id: string) => ['students', 'hours', id] as const;
export const historyKey = (id: string) => ['students', 'history', id] as const;
/** Under the students' prefix: a student's guardians (accounts and pending invitations), shown to the office. */
export const guardiansKey = (id: string) => ['students', 'guardians', id] as const;
/** The students' disputes of their hours (office): open ones and those settled lately. */
export const DISPUTES_KEY = ['students', 'disputes'] as const;
export const studentSearchKey = (q: string) => ['students', 'picker', q] as const;
export const studentPickedKey = (id: string | null) => ['students', 'picker-one', id] as const;
/** Under the students' prefix: a lesson done, an evaluation, hours… refresh the booklet too. */
export const bookletKey = (studentId: string) => ['students', 'booklet', studentId] as const;
/**
 * Under the students' prefix: a student's dossier on ANTS (polled while a filing or a sync is on its way); a change to
 * the file (a document uploaded) refreshes it too, since its missing documents follow the checklist.
 */
export const antsKey = (studentId: string) => ['students', 'ants', studentId] as const;
/** Under the students' prefix: whatever refreshes a student's file refreshes the eligibility too. */
export const eligibilityKey = (studentId: string, date?: string) =>
  date === undefined ? (['students', 'eligibility', studentId] as const) : (['students', 'eligibility', studentId, date] as const);

export const LESSONS_KEY = ['lessons'] as const;
export const WINDOW_KEY = ['lessons', 'window'] as const;
/** The names the planning's windows brought (filled by them, never fetched: outside every refreshed prefix). */
export const PLANNING_NAMES_KEY = ['planning-names'] as const;
export const lessonWindowKey = (from: string | undefined, to: string | undefined, filters: object) => ['lessons', 'window', from, to, filters] as const;
export const lessonsOfDaysKey = (firstDay: string, days: number) => ['lessons', 'days', firstDay, days] as const;
export const instructorStatsKey = (instructorId: string, monday: string) => ['lessons', 'instructor-stats', instructorId, monday] as const;
/**
 * Under the lessons' prefix: an instructor's busy times from their external calendars, drawn in the planning (refreshed
 * with it; the external calendars' card refreshes one instructor's after adding or removing a calendar).
 */
export const instructorBusyPrefix = (instructorId: string) => ['lessons', 'busy', instructorId] as const;
export const instructorBusyKey = (instructorId: string, from: string, to: string) => ['lessons', 'busy', instructorId, from, to] as const;
/** Under the lessons' prefix: the trips between an instructor's lessons, refreshed whenever the planning changes. */
export const travelGapsKey = (from: string, to: string, instructorId: string | null) => ['lessons', 'travel-gaps', from, to, instructorId] as const;
/** Under the lessons' prefix: a student's free slots change with every lesson planned, moved or cancelled. */
export const suggestionsKey = (studentId: string) => ['lessons', 'suggestions', studentId] as const;
/** Outside the lessons' prefix: a dry run answers for one body and is never refreshed. */
export const lessonDryRunKey = (body: string | null) => ['lesson-dry-run', body] as const;

/** Every exam list (the page's tabs, a student's history) is under this prefix. */
export const EXAMS_KEY = ['exams'] as const;
export const examListKey = (filters: Record<string, string | undefined>) => ['exams', 'list', filters] as const;
export const studentExamsKey = (studentId: string) => ['exams', 'student', studentId] as const;
export const PLACES_KEY = ['exams', 'places'] as const;
export const candidatesKey = (placeId: string) => ['exams', 'places', 'candidates', placeId] as const;

export const ALERTS_KEY = ['alerts'] as const;

/** The waitlist: its entries and the offers of freed slots (an accept, a decline or a removal refreshes both). */
export const WAITLIST_KEY = ['waitlist'] as const;
export const WAITLIST_ENTRIES_KEY = ['waitlist', 'entries'] as const;
export const WAITLIST_OFFERS_KEY = ['waitlist', 'offers'] as const;

export const CHANGE_REQUESTS_KEY = ['change-requests'] as const;
export const changeRequestListKey = (filter: string) => ['change-requests', 'list', filter] as const;
export const MY_PENDING_REQUESTS_KEY = ['change-requests', 'pending-mine'] as const;

export const auditLogKey = (filters: { action: string; entity: string }, cursor: string | null) => ['audit-log', filters, cursor] as const;

export const USERS_KEY = ['users'] as const;
/** Under the users' prefix: a change to an account refreshes the accounts an instructor may be linked to. */
export const INSTRUCTOR_ACCOUNTS_KEY = ['users', 'instructors'] as const;
export const INVITATIONS_KEY = ['invitations'] as const;
export const invitationLookupKey = (token: string) => ['invitation-lookup', token] as const;

export const SETTINGS_KEY = ['settings'] as const;

/** Billing: the catalogue, and each student's invoices, payments and account. */
export const BILLING_KEY = ['billing'] as const;
export const PRODUCTS_KEY = ['billing', 'products'] as const;
export const productListKey = (active: boolean | null) => ['billing', 'products', active] as const;
/** Everything billed to one student: refreshed together after a sale, a payment, a credit note or a schedule. */
export const studentBillingKey = (studentId: string) => ['billing', 'student', studentId] as const;
export const accountKey = (studentId: string) => ['billing', 'student', studentId, 'account'] as const;
export const invoiceListKey = (studentId: string) => ['billing', 'student', studentId, 'invoices'] as const;
export const closuresKey = (period: string) => ['billing', 'closures', period] as const;
export const contractsKey = (studentId: string) => ['billing', 'student', studentId, 'contracts'] as const;
export const paymentListKey = (studentId: string) => ['billing', 'student', studentId, 'payments'] as const;
/** Under the student's billing: a sale or a payment refreshes the CPF dossier too (it is cheap). */
export const cpfKey = (studentId: string) => ['billing', 'student', studentId, 'cpf'] as const;
/** The fiscal archives and the school's archive key (ADMIN). */
export const ARCHIVES_KEY = ['billing', 'archives'] as const;
/** The journal of technical events, page by page (ADMIN); an archive or a download adds an event. */
export const TECHNICAL_EVENTS_KEY = ['technical-events'] as const;
export const technicalEventsKey = (cursor: string | null) => ['technical-events', cursor] as const;

/** The connectors to the State platforms (ANTS): their status and settings, and each one's exchange log. */
export const CONNECTORS_KEY = ['connectors'] as const;
export const CONNECTOR_LIST_KEY = ['connectors', 'list'] as const;
export const connectorEventsKey = (name: string) => ['connectors', 'events', name] as const;

/**
 * The digital livret (office): the transmissions of the lessons and the ETP preview of a month. A retry refreshes both
 * (a transmission accepted again counts in the ETP).
 */
export const LIVRET_KEY = ['livret'] as const;
export const livretTransmissionsKey = (status: string | null) => ['livret', 'transmissions', status] as const;
export const etpPreviewKey = (month: string) => ['livret', 'etp', month] as const;

export const DEMO_MAILS_KEY = ['demo-mails'] as const;
export const DEMO_SMS_KEY = ['demo-sms'] as const;

/** Whatever lives under this prefix (the bell's count and list, the page's lists) is refreshed after each change. */
export const NOTIFICATIONS_KEY = ['notifications'] as const;
export const UNREAD_COUNT_KEY = ['notifications', 'unread-count'] as const;
/** The bell's list: the latest 10. */
export const LATEST_NOTIFICATIONS_KEY = ['notifications', 'latest'] as const;
export const notificationListKey = (filter: 'unread' | 'all') => ['notifications', 'list', filter] as const;
/** Outside the notifications' prefix: marking one read does not change the preferences. */
export const NOTIFICATION_PREFERENCES_KEY = ['notification-preferences'] as const;
export const deliveryListKey = (filters: { status: string | null; channel: string | null }) => ['notification-deliveries', filters] as const;
export const CALENDAR_FEED_KEY = ['calendar-feed'] as const;

/** The school's figures over a period (ADMIN), and the instructors' (an instructor's own on their home). */
export const ANALYTICS_KEY = ['analytics'] as const;
export interface AnalyticsFilters {
  from: string;
  to: string;
  agency: string | null;
}
export const analyticsOverviewKey = (filters: AnalyticsFilters) => ['analytics', 'overview', filters] as const;
export const analyticsInstructorsKey = (filters: AnalyticsFilters) => ['analytics', 'instructors', filters] as const;

/** The school's long jobs (an import, an export), polled until done. Outside every other prefix: read by one page. */
export const JOBS_KEY = ['jobs'] as const;
export const jobKey = (id: string) => ['jobs', id] as const;

/**
 * RdvPermis (office): the exam centres, the free practical-test places found for a search, and the school's bookings.
 * A booking or a cancellation refreshes the whole prefix (and the exams and the planning, see exams/rdvPermisApi.ts).
 */
export const RDVPERMIS_KEY = ['rdvpermis'] as const;
export const RDVPERMIS_CENTRES_KEY = ['rdvpermis', 'centres'] as const;
export const RDVPERMIS_PLACES_KEY = ['rdvpermis', 'places'] as const;
export const rdvPermisPlacesKey = (filters: { centre: string | null; from: string; to: string }) => ['rdvpermis', 'places', filters] as const;
export const RDVPERMIS_BOOKINGS_KEY = ['rdvpermis', 'bookings'] as const;
