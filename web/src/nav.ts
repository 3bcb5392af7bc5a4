/**
 * THE navigation of the app, per role. Each entry is both a menu link and a lazily loaded route.
 * Adding a feature page is one line here: label (key under `nav.` in i18n/fr.ts), path, roles, page.
 */
import { lazy, type ComponentType, type LazyExoticComponent } from 'react';
import type { Role } from './api/client.ts';
import type { Messages } from './i18n/fr.ts';
import { ALL_ROLES, OFFICE, STAFF, STUDENT_SPACE } from './lib/roles.ts';

/** Optional server features, probed at run time (e.g. the demo mail catcher exists only in the demo profile). */
export type Feature = 'demoMails';

export type NavLabel = Exclude<keyof Messages['nav'], 'label'>;

export interface NavEntry {
  /** Key under `nav.` in i18n/fr.ts. */
  label: NavLabel;
  /** Absolute path, in French (`/eleves`). */
  path: string;
  /** Roles that see the link and may open the page (the server enforces the same rule). */
  roles: readonly Role[];
  page: LazyExoticComponent<ComponentType>;
  /** Shown in the menu only when this feature is available. */
  feature?: Feature;
  /** The page owns the sub-paths too (`/eleves/:id`), routed with its own <Routes>. */
  nested?: boolean;
}

export const NAV: readonly NavEntry[] = [
  { label: 'home', path: '/', roles: ALL_ROLES, page: lazy(() => import('./pages/HomePage.tsx')) },
  { label: 'planning', path: '/planning', roles: OFFICE, page: lazy(() => import('./pages/PlanningPage.tsx')) },
  { label: 'myPlanning', path: '/mon-planning', roles: ['INSTRUCTOR', 'STUDENT', 'GUARDIAN'], page: lazy(() => import('./pages/PlanningPage.tsx')) },
  { label: 'waitlist', path: '/liste-attente', roles: OFFICE, page: lazy(() => import('./pages/WaitlistPage.tsx')) },
  { label: 'myWaitlist', path: '/ma-liste-attente', roles: ['STUDENT'], page: lazy(() => import('./pages/MyWaitlistPage.tsx')) },
  { label: 'students', path: '/eleves', roles: OFFICE, nested: true, page: lazy(() => import('./pages/StudentsPage.tsx')) },
  { label: 'siteRegistrations', path: '/inscriptions-en-ligne', roles: OFFICE, page: lazy(() => import('./pages/RegistrationsPage.tsx')) },
  { label: 'myStudents', path: '/mes-eleves', roles: ['INSTRUCTOR'], nested: true, page: lazy(() => import('./pages/StudentsPage.tsx')) },
  { label: 'exams', path: '/examens', roles: OFFICE, page: lazy(() => import('./pages/ExamsPage.tsx')) },
  { label: 'catalogue', path: '/catalogue', roles: OFFICE, page: lazy(() => import('./pages/CataloguePage.tsx')) },
  { label: 'changeRequests', path: '/demandes', roles: OFFICE, page: lazy(() => import('./pages/ChangeRequestsPage.tsx')) },
  { label: 'myFile', path: '/mon-dossier', roles: ['STUDENT'], page: lazy(() => import('./pages/MyFilePage.tsx')) },
  { label: 'myHours', path: '/mes-heures', roles: STUDENT_SPACE, page: lazy(() => import('./pages/MyHoursPage.tsx')) },
  { label: 'myBooklet', path: '/mon-livret', roles: STUDENT_SPACE, page: lazy(() => import('./pages/MyBookletPage.tsx')) },
  { label: 'myExams', path: '/mes-examens', roles: STUDENT_SPACE, page: lazy(() => import('./pages/MyExamsPage.tsx')) },
  { label: 'myInvoices', path: '/mes-factures', roles: STUDENT_SPACE, page: lazy(() => import('./pages/MyInvoicesPage.tsx')) },
  { label: 'myChangeRequests', path: '/mes-demandes', roles: ['INSTRUCTOR', 'STUDENT'], page: lazy(() => import('./pages/ChangeRequestsPage.tsx')) },
  { label: 'myAvailability', path: '/mes-disponibilites', roles: ['INSTRUCTOR'], page: lazy(() => import('./pages/MyAvailabilityPage.tsx')) },
  { label: 'livret', path: '/livret-numerique', roles: OFFICE, page: lazy(() => import('./pages/livret/LivretPage.tsx')) },
  { label: 'instructors', path: '/moniteurs', roles: OFFICE, nested: true, page: lazy(() => import('./pages/InstructorsPage.tsx')) },
  { label: 'vehicles', path: '/vehicules', roles: STAFF, page: lazy(() => import('./pages/VehiclesPage.tsx')) },
  { label: 'notifications', path: '/notifications', roles: ALL_ROLES, nested: true, page: lazy(() => import('./pages/NotificationsPage.tsx')) },
  { label: 'statistics', path: '/statistiques', roles: ['ADMIN'], page: lazy(() => import('./pages/analytics/StatisticsPage.tsx')) },
  { label: 'agencies', path: '/agences', roles: ['ADMIN'], nested: true, page: lazy(() => import('./pages/AgenciesPage.tsx')) },
  { label: 'users', path: '/utilisateurs', roles: ['ADMIN'], page: lazy(() => import('./pages/UsersPage.tsx')) },
  { label: 'settings', path: '/reglages', roles: ['ADMIN'], page: lazy(() => import('./pages/settings/SettingsPage.tsx')) },
  { label: 'connectors', path: '/connecteurs', roles: ['ADMIN'], page: lazy(() => import('./pages/connectors/ConnectorsPage.tsx')) },
  { label: 'importExport', path: '/import-export', roles: ['ADMIN'], page: lazy(() => import('./pages/ImportExportPage.tsx')) },
  { label: 'audit', path: '/journal', roles: ['ADMIN'], page: lazy(() => import('./pages/AuditLogPage.tsx')) },
  { label: 'compliance', path: '/conformite', roles: ['ADMIN'], page: lazy(() => import('./pages/CompliancePage.tsx')) },
  { label: 'deliveries', path: '/envois', roles: ['ADMIN'], page: lazy(() => import('./pages/DeliveriesPage.tsx')) },
  { label: 'demoMails', path: '/courriels-demo', roles: ['ADMIN'], feature: 'demoMails', page: lazy(() => import('./pages/DemoMailsPage.tsx')) },
];

/** The pages a role may open (whatever the features). */
export function routesFor(role: Role, nav: readonly NavEntry[] = NAV): NavEntry[] {
  return nav.filter((entry) => entry.roles.includes(role));
}

/** The menu of a role, given the features the server offers. */
export function navFor(role: Role, features: ReadonlySet<Feature> = new Set(), nav: readonly NavEntry[] = NAV): NavEntry[] {
  return routesFor(role, nav).filter((entry) => entry.feature === undefined || features.has(entry.feature));
}

/** Whether a role may use a feature at all (so that it is probed only for them). */
export function roleMayUse(role: Role, feature: Feature, nav: readonly NavEntry[] = NAV): boolean {
  return nav.some((entry) => entry.feature === feature && entry.roles.includes(role));
}
