/* global window, document -- in page.evaluate callbacks, which run in the browser */
// Browser test: WCAG 2.1 A and AA, measured by axe-core on every page each role reaches from its menu (the office on a
// desktop, the instructor, the student and the guardian on a 375 px phone), the login page, a student file and each of its tabs, the
// planning (week and list views, a lesson's panel); it fails on any serious or critical violation. Then a keyboard-only
// walk through the main paths: log in, find a student, open their file; plan a lesson, reach it in the calendar with the
// arrows, mark it done. Run: VOLANT_BIN=… npm run e2e
// (or just this file: VOLANT_BIN=… node --test e2e/accessibility.test.mjs). See docs/accessibility.md.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { AXE_PATH, FAILING, TAGS, assertFitsPhone, withA11yPage } from './a11y.mjs';
import { DEMO_PASSWORD, apiGet, login, startStack } from './harness.mjs';
import { addDays, parisInstant, todayInParis, weekdayOf } from './paris.mjs';

const DESKTOP = { width: 1280, height: 800 };
// The narrowest phone still common (iPhone SE, mini): every app page must fit it.
const PHONE = { width: 375, height: 740 };

let stack;

before(async () => {
  stack = await startStack();
}, { timeout: 240_000 });

after(async () => {
  await stack?.stop();
});

/** Presses Tab until the focused element matches `predicate` (given the element's tag, role, name, label, classes). */
async function tabUntil(page, what, predicate, max = 60) {
  for (let i = 0; i < max; i += 1) {
    await page.keyboard.press('Tab');
    const focused = await page.evaluate(() => {
      const el = document.activeElement;
      if (!el) return null;
      const labelled = el.id ? document.querySelector(`label[for="${el.id}"]`)?.textContent : null;
      return {
        tag: el.tagName.toLowerCase(),
        role: el.getAttribute('role'),
        text: (el.textContent ?? '').trim(),
        label: (el.getAttribute('aria-label') ?? labelled ?? '').replace(/\s*\*$/, '').trim(),
        href: el.getAttribute('href'),
        className: typeof el.className === 'string' ? el.className : '',
      };
    });
    if (focused && predicate(focused)) return focused;
  }
  throw new Error(`Tab never reached ${what}`);
}

/** Waits for the page's data to arrive (no request in flight, no loader shown). */
async function settle(page) {
  await page.waitForLoadState('networkidle', { timeout: 8_000 }).catch(() => {});
  await page
    .waitForFunction(() => document.querySelectorAll('.mantine-Loader-root, [aria-busy="true"]').length === 0, null, { timeout: 8_000 })
    .catch(() => {});
  // Transitions (drawers, tabs) end.
  await page.waitForTimeout(350);
}

/**
 * Runs axe-core on the whole document; returns the serious and critical violations, labelled with `where`.
 * The report of every page is kept for the summary printed at the end.
 */
const report = [];
async function audit(page, where) {
  await settle(page);
  if (!(await page.evaluate(() => typeof window.axe === 'object'))) await page.addScriptTag({ path: AXE_PATH });
  const violations = await page.evaluate(
    (tags) =>
      window.axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] }).then((r) =>
        r.violations.map((v) => ({
          id: v.id,
          impact: v.impact,
          help: v.help,
          nodes: v.nodes.map((n) => ({ target: n.target.join(' '), impact: n.impact, summary: n.failureSummary })),
        })),
      ),
    TAGS,
  );
  const failing = violations.filter((v) => FAILING.has(v.impact));
  report.push({ where, failing, minor: violations.filter((v) => !FAILING.has(v.impact)) });
  return failing.map((v) => ({ ...v, where }));
}

function describeViolations(found) {
  return found
    .map(
      (v) =>
        `${v.where}: [${v.impact}] ${v.id}: ${v.help}\n${v.nodes
          .slice(0, 8)
          .map((n) => `    ${n.target}\n      ${(n.summary ?? '').replace(/\n/g, '\n      ')}`)
          .join('\n')}${v.nodes.length > 8 ? `\n    … and ${v.nodes.length - 8} more` : ''}`,
    )
    .join('\n');
}

function assertClean(found) {
  assert.equal(found.length, 0, `axe found ${found.length} serious or critical violations:\n${describeViolations(found)}`);
}

const heading = (page) => page.locator('h1').first();

/** The menu's links of the signed-in role (read from the DOM: the phone's menu is folded away). */
async function menuPaths(page) {
  const paths = await page
    .getByRole('navigation', { name: 'Navigation principale' })
    .locator('a')
    .evaluateAll((links) => links.map((a) => a.getAttribute('href')));
  return [...new Set(paths.filter(Boolean)), '/mon-compte'];
}

async function auditMenu(page, role) {
  const found = [];
  for (const path of await menuPaths(page)) {
    await page.goto(path);
    await heading(page).waitFor();
    found.push(...(await audit(page, `${role} ${path}`)));
    // On a phone, nothing is cut: no page scrolls sideways.
    if (page.viewportSize().width < 500) await assertFitsPhone(page, `${role} ${path}`);
  }
  return found;
}

/** The account menu, opened. */
async function auditAccountMenu(page, role) {
  await page.getByTestId('user-menu').click();
  await page.getByRole('menu').waitFor();
  const found = await audit(page, `${role} account menu`);
  await page.keyboard.press('Escape');
  return found;
}

/** A student file, and each of its tabs. */
async function auditStudentFile(page, role, listPath) {
  const found = [];
  await page.goto(listPath);
  await heading(page).waitFor();
  await page.locator(`a[href^="${listPath}/"]:not([href$="/nouveau"])`).first().click();
  const tabs = page.getByRole('tab');
  await tabs.first().waitFor();
  const names = await tabs.allTextContents();
  for (const name of names) {
    await page.getByRole('tab', { name, exact: true }).click();
    found.push(...(await audit(page, `${role} student file, tab ${name}`)));
  }
  return found;
}

/** A lesson's panel, opened from the calendar (when it shows one). */
async function auditLessonPanel(page, role) {
  const event = page.locator('.ec-event').first();
  if ((await event.count()) === 0) return [];
  await event.click();
  await page.getByRole('dialog').waitFor();
  const found = await audit(page, `${role} lesson panel`);
  await page.keyboard.press('Escape');
  return found;
}

describe('accessibility (axe-core, WCAG 2.1 A and AA)', () => {
  test('the login page, empty and after a failed login', async (t) => {
    await withA11yPage(stack, t, DESKTOP, async (page) => {
      const found = [];
      await page.goto('/connexion');
      await page.getByLabel('Adresse e-mail').waitFor();
      found.push(...(await audit(page, 'login page')));
      await page.getByLabel('Adresse e-mail').fill('admin@demo.volant.test');
      await page.getByLabel('Mot de passe').fill('not-the-password');
      await page.getByRole('button', { name: 'Se connecter', exact: true }).click();
      await page.getByTestId('login-error').waitFor();
      found.push(...(await audit(page, 'login page, failed')));
      // A failed login marks the fields invalid, and the show-password toggle is a labelled, reachable button.
      assert.equal(await page.getByLabel('Mot de passe').getAttribute('aria-invalid'), 'true', 'failed login: password aria-invalid');
      const toggle = page.getByRole('button', { name: 'Afficher en clair' });
      assert.notEqual(await toggle.getAttribute('tabindex'), '-1', 'the show-password toggle is in the tab order');
      await page.setViewportSize(PHONE);
      found.push(...(await audit(page, 'login page, phone')));
      assertClean(found);
    });
  });

  for (const email of ['admin@demo.volant.test', 'secretariat@demo.volant.test']) {
    const role = email.split('@')[0];
    test(`the office (${role}) on a desktop: every page of the menu, a student file, the planning`, async (t) => {
      await withA11yPage(stack, t, DESKTOP, async (page) => {
        await login(page, email);
        const found = [];
        found.push(...(await auditMenu(page, role)));
        found.push(...(await auditAccountMenu(page, role)));
        found.push(...(await auditStudentFile(page, role, '/eleves')));
        for (const view of ['semaine', 'liste', 'jour', 'mois']) {
          await page.goto(`/planning?vue=${view}`);
          await page.locator('.ec').waitFor();
          found.push(...(await audit(page, `${role} planning, view ${view}`)));
        }
        await page.goto('/planning?vue=semaine&moniteurs=1');
        await page.locator('.ec').waitFor();
        found.push(...(await audit(page, `${role} planning, week by instructor`)));
        found.push(...(await auditLessonPanel(page, role)));
        assertClean(found);
      });
    });
  }

  test('the instructor on a phone: every page of the menu, a student file, the planning', async (t) => {
    await withA11yPage(stack, t, PHONE, async (page) => {
      await login(page, 'moniteur@demo.volant.test');
      const found = [];
      await page.getByRole('button', { name: 'Ouvrir la navigation' }).click();
      await page.getByRole('navigation', { name: 'Navigation principale' }).getByRole('link').first().waitFor();
      found.push(...(await audit(page, 'moniteur menu open')));
      found.push(...(await auditMenu(page, 'moniteur')));
      found.push(...(await auditAccountMenu(page, 'moniteur')));
      found.push(...(await auditStudentFile(page, 'moniteur', '/mes-eleves')));
      for (const view of ['liste', 'semaine', 'jour']) {
        await page.goto(`/mon-planning?vue=${view}`);
        await page.locator('.ec').waitFor();
        found.push(...(await audit(page, `moniteur planning, view ${view}`)));
      }
      found.push(...(await auditLessonPanel(page, 'moniteur')));
      assertClean(found);
    });
  });

  test('the student on a phone: every page of the menu, the planning, a lesson panel', async (t) => {
    await withA11yPage(stack, t, PHONE, async (page) => {
      await login(page, 'eleve@demo.volant.test');
      const found = [];
      found.push(...(await auditMenu(page, 'eleve')));
      found.push(...(await auditAccountMenu(page, 'eleve')));
      for (const view of ['liste', 'semaine']) {
        await page.goto(`/mon-planning?vue=${view}`);
        await page.locator('.ec').waitFor();
        found.push(...(await audit(page, `eleve planning, view ${view}`)));
      }
      // The upcoming lessons: open the first one's panel (with "Demander une annulation").
      await page.goto('/mon-planning');
      await heading(page).waitFor();
      await settle(page);
      const next = page.locator('main a[href*="seance="], main button:has-text(":")').first();
      if ((await next.count()) > 0) {
        await next.click();
        await page.getByRole('dialog').waitFor();
        found.push(...(await audit(page, 'eleve lesson panel')));
      }
      assertClean(found);
    });
  });

  test('the guardian on a phone: every page of the menu, the planning', async (t) => {
    await withA11yPage(stack, t, PHONE, async (page) => {
      await login(page, 'parent@demo.volant.test');
      const found = [];
      found.push(...(await auditMenu(page, 'parent')));
      found.push(...(await auditAccountMenu(page, 'parent')));
      for (const view of ['liste', 'semaine']) {
        await page.goto(`/mon-planning?vue=${view}`);
        await page.locator('.ec').waitFor();
        found.push(...(await audit(page, `parent planning, view ${view}`)));
      }
      assertClean(found);
    });
  });

  test('keyboard only: log in, find a student, open their file', async (t) => {
    await withA11yPage(stack, t, DESKTOP, async (page) => {
      const tabTo = (what, predicate, max) => tabUntil(page, what, predicate, max);
      const focusedHeading = () =>
        page.evaluate(() => (document.activeElement?.tagName === 'H1' ? document.activeElement.textContent : null));

      await page.goto('/connexion');
      // The e-mail field has the focus on arrival.
      await page.getByLabel('Adresse e-mail').waitFor();
      assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('type')), 'email');
      await page.keyboard.type('secretariat@demo.volant.test');
      await tabTo('the password field', (f) => f.tag === 'input' && f.label.startsWith('Mot de passe'));
      await page.keyboard.type(DEMO_PASSWORD);
      await tabTo('the show-password toggle', (f) => f.tag === 'button' && f.label === 'Afficher en clair', 2);
      await page.keyboard.press('Enter'); // shows it…
      await tabTo('the submit button', (f) => f.tag === 'button' && f.text === 'Se connecter', 3);
      await page.keyboard.press('Enter');
      await page.getByRole('navigation', { name: 'Navigation principale' }).waitFor();
      // After login, the focus is on the page's heading.
      await page.waitForFunction(() => document.activeElement?.tagName === 'H1');

      // The menu's "Élèves" link.
      await tabTo('the students link', (f) => f.tag === 'a' && f.href === '/eleves');
      await page.keyboard.press('Enter');
      await page.getByRole('heading', { name: 'Élèves', level: 1 }).waitFor();
      await page.waitForFunction(() => document.activeElement?.tagName === 'H1');
      assert.equal(await focusedHeading(), 'Élèves');

      // Find a student by name.
      const first = await page.locator('a[href^="/eleves/"]:not([href$="/nouveau"])').first().textContent();
      const lastName = first.trim().split(/\s+/).pop();
      await tabTo('the search field', (f) => f.tag === 'input' && f.label.startsWith('Rechercher'));
      await page.keyboard.type(lastName);
      await page.waitForFunction(
        (name) => {
          const links = [...document.querySelectorAll('a[href^="/eleves/"]:not([href$="/nouveau"])')];
          return links.length > 0 && links.every((a) => a.textContent.includes(name));
        },
        lastName,
      );
      const target = await tabTo('the student link', (f) => f.tag === 'a' && /^\/eleves\/[^/]+$/.test(f.href ?? '') && f.href !== '/eleves/nouveau' && f.text.includes(lastName));
      await page.keyboard.press('Enter');
      await page.getByRole('tab').first().waitFor();
      // The file opens with the focus on its heading (the student's name).
      await page.waitForFunction(() => document.activeElement?.tagName === 'H1');
      assert.ok((await focusedHeading()).includes(lastName), `focused heading names ${target.text}`);
      // Its tabs are reachable, and arrows move between them.
      await tabTo('the file tabs', (f) => f.role === 'tab');
      await page.keyboard.press('ArrowRight');
      await page.keyboard.press('Enter');
      // The tab is selected once the address (which holds the tab) has changed and React rendered it.
      await page.waitForFunction(() => document.activeElement?.getAttribute('role') === 'tab' && document.activeElement.getAttribute('aria-selected') === 'true');
    });
  });

  test('keyboard only: plan a lesson, reach it in the calendar with the arrows, mark it done', async (t) => {
    await withA11yPage(stack, t, DESKTOP, async (page) => {
      const tabTo = (what, predicate, max) => tabUntil(page, what, predicate, max);
      await login(page, 'secretariat@demo.volant.test');
      // Last Sunday (in the past, so the lesson can be marked done; the demo plans nothing on Sundays), 09:00–10:00,
      // the time "Nouvelle séance" proposes on the day shown.
      let day = addDays(todayInParis(), -1);
      while (weekdayOf(day) !== 0) day = addDays(day, -1);
      const from = parisInstant(day, '09:00');
      const to = parisInstant(day, '10:00');
      const busy = (await apiGet(page, `/api/v1/lessons?from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`)).items.filter(
        (l) => l.status === 'planned' || l.status === 'done',
      );
      const free = (field, id) => !busy.some((l) => l[field] === id || (field === 'student_id' && l.attendee_ids.includes(id)));
      const active = (await apiGet(page, '/api/v1/students?status=active&limit=200')).items;
      // Picked by name in the form: a name another active student shares would be ambiguous.
      const unique = (s) => active.filter((o) => o.first_name === s.first_name && o.last_name === s.last_name).length === 1;
      const student = active.find((s) => s.ants_status === 'validated' && unique(s) && free('student_id', s.id));
      const instructor = (await apiGet(page, '/api/v1/instructors?limit=200')).items.find((i) => i.active && free('instructor_id', i.id));
      const car = (await apiGet(page, '/api/v1/vehicles?limit=200')).items.find(
        (v) => v.status === 'active' && v.kind === 'car' && v.dual_controls && free('vehicle_id', v.id),
      );
      assert.ok(student && instructor && car, 'the demo has a free student, instructor and car on Sunday morning');

      await page.goto(`/planning?vue=jour&date=${day}`);
      await page.getByRole('heading', { name: 'Planning', level: 1 }).waitFor();
      await settle(page);
      await tabTo('the new lesson button', (f) => f.tag === 'button' && f.text === 'Nouvelle séance');
      await page.keyboard.press('Enter');
      const dialog = page.getByRole('dialog', { name: 'Nouvelle séance' });
      await dialog.waitFor();
      /** Tabs to a picker, types, waits for the option, and takes it with the arrow and Enter. */
      const pick = async (label, typed, option) => {
        await tabTo(label, (f) => f.role === 'combobox' && f.label.startsWith(label));
        await page.keyboard.type(typed, { delay: 20 });
        await page.getByRole('option', { name: option }).first().waitFor();
        await page.keyboard.press('ArrowDown');
        await page.keyboard.press('Enter');
      };
      const escape = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      await pick('Élève', student.last_name, new RegExp(`^${escape(student.first_name)} ${escape(student.last_name)}`));
      await pick('Moniteur', instructor.last_name, `${instructor.first_name} ${instructor.last_name}`);
      await pick('Véhicule', car.plate, new RegExp(`^${escape(car.plate)}`));
      await tabTo('the save button', (f) => f.tag === 'button' && f.text === 'Enregistrer la séance');
      const saved = page.waitForResponse((r) => new URL(r.url()).pathname === '/api/v1/lessons' && r.request().method() === 'POST' && !r.url().includes('dry_run'));
      await page.keyboard.press('Enter');
      const response = await saved;
      assert.equal(response.status(), 201, await response.text());
      const { lesson } = await response.json();
      assert.equal(lesson.student_id, student.id);
      assert.equal(lesson.instructor_id, instructor.id);
      assert.equal(Date.parse(lesson.starts_at), Date.parse(from));
      await dialog.waitFor({ state: 'hidden' });

      // Into the calendar: Tab reaches a lesson; Home, then the arrows, reach ours; Enter opens it.
      const target = page.locator(`.ec-event.vl-id-${lesson.id}`);
      await target.waitFor();
      await tabTo('a lesson of the calendar', (f) => f.className.includes('ec-event'), 120);
      await page.keyboard.press('Home');
      for (let moves = 0; ; moves += 1) {
        assert.ok(moves < 60, 'the arrows reach the new lesson');
        const step = await page.evaluate((id) => {
          const here = document.activeElement;
          const there = document.querySelector(`.ec-event.vl-id-${id}`);
          if (here === there) return null;
          const a = here.getBoundingClientRect();
          const b = there.getBoundingClientRect();
          if (b.left >= a.right - 1) return 'ArrowRight';
          if (b.right <= a.left + 1) return 'ArrowLeft';
          return b.top > a.top ? 'ArrowDown' : 'ArrowUp';
        }, lesson.id);
        if (step === null) break;
        await page.keyboard.press(step);
      }
      await page.keyboard.press('Enter');
      const panel = page.getByRole('dialog');
      await panel.waitFor();
      await tabTo('"Marquer faite"', (f) => f.tag === 'button' && f.text === 'Marquer faite');
      await page.keyboard.press('Enter');
      await panel.getByRole('form', { name: 'Marquer la séance faite' }).waitFor();
      await tabTo('the confirming "Marquer faite"', (f) => f.tag === 'button' && f.text === 'Marquer faite');
      await page.keyboard.press('Enter');
      await page.getByText('La séance est marquée faite.').waitFor();
      const done = await apiGet(page, `/api/v1/lessons/${lesson.id}`);
      assert.equal(done.status, 'done');
      // Escape closes the panel.
      await page.keyboard.press('Escape');
      await panel.waitFor({ state: 'hidden' });
    });
  });

  after(() => {
    // A summary of every page audited, with the minor and moderate violations too (not failing, but worth knowing).
    const counts = new Map();
    for (const { failing, minor } of report) {
      for (const v of [...failing, ...minor]) {
        const key = `${v.id} (${v.impact})`;
        counts.set(key, (counts.get(key) ?? 0) + 1);
      }
    }
    console.log(`# axe: ${report.length} pages audited; violations per rule (pages): ${counts.size === 0 ? 'none' : ''}`);
    for (const [key, n] of [...counts].sort()) console.log(`#   ${key}: ${n}`);
  });
});
