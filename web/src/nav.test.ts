import { navFor, routesFor, roleMayUse, NAV } from './nav.ts';
import type { Role } from './api/client.ts';

const labels = (role: Role, features: ('demoMails')[] = []) => navFor(role, new Set(features)).map((e) => e.label);

describe('navigation per role', () => {
  it('gives ADMIN the home page, the school resources, users and the audit log', () => {
    expect(labels('ADMIN')).toEqual(['home', 'planning', 'waitlist', 'students', 'siteRegistrations', 'exams', 'catalogue', 'changeRequests', 'livret', 'instructors', 'vehicles', 'notifications', 'statistics', 'agencies', 'users', 'settings', 'connectors', 'importExport', 'audit', 'compliance', 'deliveries']);
  });

  it('adds the demo mails to ADMIN only when the server offers them', () => {
    expect(labels('ADMIN', ['demoMails'])).toEqual(['home', 'planning', 'waitlist', 'students', 'siteRegistrations', 'exams', 'catalogue', 'changeRequests', 'livret', 'instructors', 'vehicles', 'notifications', 'statistics', 'agencies', 'users', 'settings', 'connectors', 'importExport', 'audit', 'compliance', 'deliveries', 'demoMails']);
    expect(roleMayUse('ADMIN', 'demoMails')).toBe(true);
  });

  it('gives SECRETARY the students, the instructors and the vehicles', () => {
    expect(labels('SECRETARY', ['demoMails'])).toEqual(['home', 'planning', 'waitlist', 'students', 'siteRegistrations', 'exams', 'catalogue', 'changeRequests', 'livret', 'instructors', 'vehicles', 'notifications']);
    expect(routesFor('SECRETARY').map((e) => e.path)).toEqual(['/', '/planning', '/liste-attente', '/eleves', '/inscriptions-en-ligne', '/examens', '/catalogue', '/demandes', '/livret-numerique', '/moniteurs', '/vehicules', '/notifications']);
  });

  it('gives INSTRUCTOR their students, their own availability and the vehicles (read-only)', () => {
    expect(labels('INSTRUCTOR', ['demoMails'])).toEqual(['home', 'myPlanning', 'myStudents', 'myChangeRequests', 'myAvailability', 'vehicles', 'notifications']);
    expect(routesFor('INSTRUCTOR').map((e) => e.path)).toEqual(['/', '/mon-planning', '/mes-eleves', '/mes-demandes', '/mes-disponibilites', '/vehicules', '/notifications']);
  });

  it.each<Role>(['SECRETARY', 'INSTRUCTOR', 'STUDENT', 'GUARDIAN'])('keeps the ADMIN pages and the demo mails from %s', (role) => {
    expect(roleMayUse(role, 'demoMails')).toBe(false);
    for (const path of ['/statistiques', '/utilisateurs', '/journal', '/conformite', '/envois', '/agences', '/courriels-demo', '/import-export', '/connecteurs']) {
      expect(routesFor(role).map((e) => e.path)).not.toContain(path);
    }
  });

  it('gives STUDENT the home page, their file and their hours', () => {
    expect(labels('STUDENT', ['demoMails'])).toEqual(['home', 'myPlanning', 'myWaitlist', 'myFile', 'myHours', 'myBooklet', 'myExams', 'myInvoices', 'myChangeRequests', 'notifications']);
    expect(routesFor('STUDENT').map((e) => e.path)).toEqual(['/', '/mon-planning', '/ma-liste-attente', '/mon-dossier', '/mes-heures', '/mon-livret', '/mes-examens', '/mes-factures', '/mes-demandes', '/notifications']);
  });

  it('gives GUARDIAN the child’s planning, hours, booklet, exams, invoices and the notifications, read-only', () => {
    expect(labels('GUARDIAN', ['demoMails'])).toEqual(['home', 'myPlanning', 'myHours', 'myBooklet', 'myExams', 'myInvoices', 'notifications']);
    expect(routesFor('GUARDIAN').map((e) => e.path)).toEqual(['/', '/mon-planning', '/mes-heures', '/mon-livret', '/mes-examens', '/mes-factures', '/notifications']);
  });

  it('keeps from GUARDIAN what only the student does: waitlist, change requests, documents, availability', () => {
    const paths = routesFor('GUARDIAN').map((e) => e.path);
    for (const path of ['/ma-liste-attente', '/mes-demandes', '/mon-dossier', '/mes-disponibilites', '/eleves', '/planning', '/mes-eleves']) {
      expect(paths).not.toContain(path);
    }
  });

  it.each<Role>(['INSTRUCTOR', 'STUDENT', 'GUARDIAN'])('keeps the digital livret (office) from %s', (role) => {
    expect(routesFor(role).map((e) => e.path)).not.toContain('/livret-numerique');
  });

  it('keeps the feature-gated pages routable for their roles', () => {
    expect(routesFor('ADMIN').map((e) => e.path)).toContain('/courriels-demo');
  });

  it('has unique absolute French paths', () => {
    const paths = NAV.map((e) => e.path);
    expect(new Set(paths).size).toBe(paths.length);
    for (const path of paths) expect(path).toMatch(/^\/[a-z0-9-]*$/);
  });
});
