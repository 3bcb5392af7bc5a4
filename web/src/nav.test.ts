import { navFor, routesFor, roleMayUse, NAV } from './nav.ts';
import type { Role } from './api/client.ts';

const labels = (role: Role, features: ('demoMails')[] = []) => navFor(role, new Set(features)).map((e) => e.label);

describe('navigation per role', () => {
  it('gives ADMIN the home page, users and the audit log', () => {
    expect(labels('ADMIN')).toEqual(['home', 'users', 'audit']);
  });

  it('adds the demo mails to ADMIN only when the server offers them', () => {
    expect(labels('ADMIN', ['demoMails'])).toEqual(['home', 'users', 'audit', 'demoMails']);
    expect(roleMayUse('ADMIN', 'demoMails')).toBe(true);
  });

  it.each<Role>(['SECRETARY', 'INSTRUCTOR', 'STUDENT'])('gives %s only the home page', (role) => {
    expect(labels(role, ['demoMails'])).toEqual(['home']);
    expect(roleMayUse(role, 'demoMails')).toBe(false);
    expect(routesFor(role).map((e) => e.path)).toEqual(['/']);
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
