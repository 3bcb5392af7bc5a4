/* global window, document -- in page.evaluate / addInitScript callbacks, which run in the browser */
// Browser test: injection probes stored as data through the API (names, addresses, notes, reasons, meeting points,
// exam centres…) are shown as text on every page that renders them, and never run: no script executes, no element
// is created from them, and the page's content security policy reports no violation. Run: VOLANT_BIN=… npm run e2e
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { apiPost, login, startStack, withPage } from './harness.mjs';

let stack;

before(async () => {
  stack = await startStack();
}, { timeout: 240_000 });

after(async () => {
  await stack?.stop();
});

/** Each one would run, or create an element, if a page parsed it as HTML. */
const PROBE = {
  img: '<img src=x onerror="window.__xss=1">',
  script: '<script>window.__xss=1</script>',
  svg: '"><svg/onload=window.__xss=1>',
  sql: "Robert'); DROP TABLE students;--",
  link: 'javascript:window.__xss=1//',
  template: '{{constructor.constructor("window.__xss=1")()}}',
};



/** Watches the page for anything a probe could trigger. */
const arm = async (page) => {
  const dialogs = [];
  page.on('dialog', async (dialog) => {
    dialogs.push(dialog.message());
    await dialog.dismiss();
  });
  await page.context().addInitScript(() => {
    window.__cspViolations = [];
    document.addEventListener('securitypolicyviolation', (e) => {
      window.__cspViolations.push(`${e.violatedDirective} ${e.blockedURI}`);
    });
  });
  return dialogs;
};

/** The probe is on the page as text, and nothing ran. */
const assertInert = async (page, dialogs, where, shown) => {
  for (const text of shown) {
    await page.getByText(text, { exact: false }).first().waitFor({ state: 'attached' });
  }
  const state = await page.evaluate(() => ({
    xss: window.__xss ?? null,
    violations: window.__cspViolations ?? [],
    injected: [...document.querySelectorAll('img[src="x"], svg[onload], [onerror], [onload], script:not([src])')].map(
      (el) => el.outerHTML.slice(0, 120),
    ),
    links: [...document.querySelectorAll('a[href^="javascript:" i]')].map((a) => a.outerHTML.slice(0, 120)),
  }));
  assert.equal(state.xss, null, `${where}: a probe ran`);
  assert.deepEqual(state.violations, [], `${where}: content security policy violations`);
  assert.deepEqual(state.injected, [], `${where}: elements created from a probe`);
  assert.deepEqual(state.links, [], `${where}: javascript: links`);
  assert.deepEqual(dialogs, [], `${where}: dialogs opened`);
};

describe('injection probes are rendered inert', () => {
  test('every page that shows stored text shows the probes as text, and nothing runs', async (t) => {
    await withPage(stack, t, async (page) => {
      const dialogs = await arm(page);
      await login(page, 'admin@demo.volant.test');

      // Records whose every free-text field carries a probe.
      const student = await apiPost(page, '/api/v1/students', {
        first_name: `${PROBE.img} Léa`,
        last_name: `${PROBE.script} Sonde`,
        birth_name: PROBE.svg,
        birth_date: '2000-01-01',
        birth_place: PROBE.template,
        ants_status: 'validated',
        start_evaluation: { date: '2026-01-05', estimated_minutes: 1500 },
        contract_signed_on: '2026-01-06',
        address: PROBE.sql,
        notes: PROBE.link,
        guardian: { last_name: PROBE.svg, first_name: PROBE.img, relationship: PROBE.script, email: 'parent@exemple.fr' },
      });
      await apiPost(page, `/api/v1/students/${student.id}/hours`, { kind: 'purchase', minutes: 600 });
      await apiPost(page, `/api/v1/students/${student.id}/hours`, { kind: 'correction', minutes: 30, reason: PROBE.img });
      const instructor = await apiPost(page, '/api/v1/instructors', {
        first_name: PROBE.svg,
        last_name: `${PROBE.script} Moniteur`,
        authorisation_number: PROBE.sql,
      });
      const vehicle = await apiPost(page, '/api/v1/vehicles', { plate: 'XS-666-SS', gearbox: 'manual', make: PROBE.img, model: PROBE.script });
      const agency = await apiPost(page, '/api/v1/agencies', {
        name: `${PROBE.svg} Agence`,
        address: PROBE.sql,
        rooms: [{ name: PROBE.img, capacity: 4 }],
        meeting_points: [{ label: PROBE.script, address: PROBE.template }],
      });
      const day = new Date(Date.now() + 2 * 86_400_000).toISOString().slice(0, 10);
      const { lesson } = await apiPost(page, '/api/v1/lessons', {
        kind: 'driving',
        starts_at: `${day}T06:00:00Z`,
        ends_at: `${day}T07:00:00Z`,
        student_id: student.id,
        instructor_id: instructor.id,
        vehicle_id: vehicle.id,
        meeting_point: PROBE.svg,
        comment: PROBE.img,
      });
      await apiPost(page, '/api/v1/exams', {
        student_id: student.id,
        kind: 'theory',
        scheduled_at: '2026-03-02T09:00:00+01:00',
        centre: PROBE.script,
        comment: PROBE.svg,
        result: 'passed',
        score: 36,
      });
      await apiPost(page, '/api/v1/exam-places', { starts_at: `${day}T12:00:00Z`, centre: `${PROBE.img} Centre` });

      const pages = [
        ['/', 'home'],
        [`/eleves/${student.id}`, 'student file', [PROBE.script, PROBE.sql]],
        [`/eleves/${student.id}?onglet=heures`, 'student hours', [PROBE.img]],
        [`/eleves/${student.id}?onglet=examens`, 'student exams', [PROBE.script]],
        [`/eleves/${student.id}?onglet=historique`, 'student history'],
        [`/eleves/${student.id}?onglet=documents`, 'student documents'],
        [`/eleves/${student.id}?onglet=livret`, 'student booklet'],
        ['/eleves?statut=active', 'students list'],
        [`/moniteurs/${instructor.id}`, 'instructor file'],
        ['/moniteurs', 'instructors list', [PROBE.svg]],
        ['/vehicules', 'vehicles list', [PROBE.img]],
        [`/agences/${agency.id}`, 'agency'],
        ['/agences', 'agencies list', [`${PROBE.svg} Agence`]],
        [`/planning?date=${day}&vue=liste`, 'planning (list)', [PROBE.script]],
        [`/planning?date=${day}&vue=semaine&moniteurs=1`, 'planning (week by instructor)', [PROBE.script]],
        ['/examens', 'exams to come'],
        ['/examens?onglet=places', 'exam places', [`${PROBE.img} Centre`]],
        ['/examens?onglet=historique', 'exam history', [PROBE.script]],
        ['/demandes', 'change requests'],
        ['/journal', 'audit log'],
        ['/utilisateurs', 'users'],
      ];
      for (const [path, where, shown = []] of pages) {
        await page.goto(path);
        await page.getByRole('navigation', { name: 'Navigation principale' }).waitFor();
        await page.waitForLoadState('networkidle');
        await assertInert(page, dialogs, where, shown);
      }

      // The lesson's panel shows its meeting point and comment.
      await page.goto(`/planning?date=${day}&vue=liste`);
      await page.locator(`.vl-id-${lesson.id}`).first().click();
      await assertInert(page, dialogs, 'lesson panel', [PROBE.svg]);

      // The search shows the matching file as text too.
      await page.goto('/eleves');
      await page.getByLabel('Rechercher').fill('Sonde');
      await assertInert(page, dialogs, 'students search', [`${PROBE.script} Sonde`]);
    });
  });
});
