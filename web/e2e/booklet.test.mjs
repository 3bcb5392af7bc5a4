// Browser tests of the learning booklet (livret): the "Livret" tab of a student, the quick evaluations of a lesson
// completion in the planning's side panel, an instructor's evaluation on its own, and the student's "Mon livret" on a
// phone, against the real server (`volant demo`, fresh data: its own server). Run: VOLANT_BIN=… npm run e2e
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { apiGet, csrfHeaders, login, startStack, withPage } from './harness.mjs';
import { parisInstant, addDays, todayInParis } from './paris.mjs';

let stack;

before(async () => {
  stack = await startStack();
}, { timeout: 240_000 });

after(async () => {
  await stack?.stop();
});

const slot = (day, start = '07:00', end = '08:00') => ({ starts_at: parisInstant(day, start), ends_at: parisInstant(day, end) });
/** `2026-11-23` → `23/11/2026`, as the booklet shows a date. */
const frDate = (day) => day.split('-').reverse().join('/');

// --- API through the page's session --------------------------------------------------------------------------

const plannedBetween = async (page, from, to) =>
  (await apiGet(page, `/api/v1/lessons?from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`)).items.filter(
    (l) => l.status === 'planned',
  );

/** Instructors, cars and students free in the slot, for a lesson the test owns. */
const freeResources = async (page, s) => {
  const taken = await plannedBetween(page, s.starts_at, s.ends_at);
  const busy = (field, id) => taken.some((l) => l[field] === id || (field === 'student_id' && l.attendee_ids.includes(id)));
  const instructors = (await apiGet(page, '/api/v1/instructors?limit=200')).items.filter((i) => i.active && !busy('instructor_id', i.id));
  const cars = (await apiGet(page, '/api/v1/vehicles?limit=200')).items.filter(
    (v) => v.status === 'active' && v.kind === 'car' && v.dual_controls && !busy('vehicle_id', v.id),
  );
  const students = (await apiGet(page, '/api/v1/students?limit=200')).items.filter(
    (s2) => s2.status === 'active' && s2.ants_status === 'validated' && !busy('student_id', s2.id),
  );
  assert.ok(instructors.length >= 1 && cars.length >= 1 && students.length >= 1, 'the demo has a free instructor, car and student');
  return { instructors, cars, students };
};

/** Records a driving lesson in the slot with the first instructor and car the rules accept (201). */
const createLesson = async (page, s, student, { instructors, cars }) => {
  for (const instructor of instructors) {
    for (const car of cars) {
      const response = await page.request.post('/api/v1/lessons', {
        headers: await csrfHeaders(page),
        data: { kind: 'driving', ...s, student_id: student.id, instructor_id: instructor.id, vehicle_id: car.id },
      });
      if (response.status() === 201) return { lesson: (await response.json()).lesson, instructor };
      assert.ok([409, 422].includes(response.status()), `POST /api/v1/lessons: ${await response.text()}`);
    }
  }
  throw new Error('no instructor and car accepted for the lesson');
};

/** The items of a booklet, flat, by code. */
const itemsOf = (booklet) => new Map(booklet.competencies.flatMap((c) => c.items.map((i) => [i.code, { ...i, competency: c.code }])));

// --- The booklet in the page ---------------------------------------------------------------------------------

const nav = (page) => page.getByRole('navigation', { name: 'Navigation principale' });
const overallBar = (page) => page.getByRole('progressbar', { name: 'Progression du livret' });
const progressNow = async (page) => Number(await overallBar(page).getAttribute('aria-valuenow'));
const itemRow = (page, code) => page.getByTestId(`booklet-item-${code}`);
const badgeOf = async (page, code) => (await itemRow(page, code).getByTestId('level-badge').textContent()).trim();

describe('booklet', () => {
  test('the office completes a past lesson with two quick evaluations: the booklet moves', async (t) => {
    await withPage(stack, t, async (page) => {
      await page.setViewportSize({ width: 1400, height: 1000 });
      await login(page, 'secretariat@demo.volant.test');

      // A driving lesson yesterday at 07:00, recorded by the office (it may record past lessons), still planned.
      const yesterday = addDays(todayInParis(), -1);
      const free = await freeResources(page, slot(yesterday));
      const { students } = free;
      // A student with at least two items never evaluated (so that the new levels are the latest ones).
      let student;
      let before;
      for (const candidate of students) {
        const booklet = await apiGet(page, `/api/v1/students/${candidate.id}/booklet`);
        if ([...itemsOf(booklet).values()].filter((i) => i.level === 'non_aborde').length >= 2) {
          student = candidate;
          before = booklet;
          break;
        }
      }
      assert.ok(student, 'a demo student has two items not yet worked');
      const [first, second] = [...itemsOf(before).values()].filter((i) => i.level === 'non_aborde');
      const { lesson, instructor } = await createLesson(page, slot(yesterday), student, free);

      // The "Livret" tab: the progress bar says what the API says.
      await page.goto(`/eleves/${student.id}`);
      await page.getByRole('tab', { name: 'Livret', exact: true }).click();
      await page.waitForURL(/onglet=livret/);
      await overallBar(page).waitFor({ state: 'attached' });
      const start = await progressNow(page);
      assert.equal(start, before.progress);
      assert.match(await page.getByTestId('booklet-acquired').textContent(), new RegExp(`^${before.acquired} / ${before.item_count} acquises$`));
      assert.equal(await badgeOf(page, first.code), 'non abordé');
      assert.equal((await itemRow(page, first.code).getByTestId('item-date').textContent()).trim(), 'Jamais évalué');
      assert.equal(await page.getByRole('link', { name: 'Télécharger le livret (PDF)' }).getAttribute('href'), `/api/v1/students/${student.id}/booklet.pdf`);

      // The planning's side panel: "Marquer faite", then a level for each of the two items.
      await page.goto(`/planning?vue=jour&date=${yesterday}`);
      await page.locator(`.ec-event.vl-id-${lesson.id}`).click();
      const panel = page.getByRole('dialog');
      await panel.getByRole('button', { name: 'Marquer faite' }).click();
      const form = panel.getByRole('form', { name: 'Marquer la séance faite' });
      await form.getByTestId('quick-evaluations').waitFor();
      const choose = async (item, level) => {
        const group = form.getByRole('group', { name: new RegExp(`^${item.code.replace('.', '\\.')} `) });
        if (!(await group.isVisible())) await form.getByRole('button', { name: new RegExp(`^${item.competency} · `) }).click();
        const button = group.getByRole('button', { name: `${level} (${item.code})`, exact: true });
        await button.click();
        assert.equal(await button.getAttribute('aria-pressed'), 'true');
      };
      await choose(first, 'traité');
      await choose(second, 'abordé');
      assert.match(await form.getByTestId('quick-count').textContent(), /^2 items évalués/);
      await form.getByLabel('Commentaire (facultatif)').fill('Démarrage en côte et premières intersections.');
      await form.getByRole('button', { name: 'Marquer faite' }).click();
      await page.getByText('La séance est marquée faite.').waitFor();

      // The server saved the levels with the lesson, dated by the lesson's day.
      const after = itemsOf(await apiGet(page, `/api/v1/students/${student.id}/booklet`));
      assert.equal(after.get(first.code).level, 'traite');
      assert.equal(after.get(second.code).level, 'aborde');
      assert.equal(after.get(first.code).history[0].lesson_id, lesson.id);
      assert.equal(after.get(first.code).evaluated_at, yesterday);
      assert.equal((await apiGet(page, `/api/v1/lessons/${lesson.id}`)).status, 'done');

      // Back on the tab: the bar moved and the two items show their new levels.
      await page.goto(`/eleves/${student.id}?onglet=livret`);
      await overallBar(page).waitFor({ state: 'attached' });
      const end = await progressNow(page);
      assert.ok(end > start, `the progress moved (${start} → ${end})`);
      assert.equal(await badgeOf(page, first.code), 'traité');
      assert.equal(await badgeOf(page, second.code), 'abordé');
      assert.equal((await itemRow(page, first.code).getByTestId('item-date').textContent()).trim(), `le ${frDate(yesterday)}`);

      // The history of an item names the lesson's evaluation.
      await itemRow(page, first.code).getByRole('button', { name: `Historique de l'item ${first.code}` }).click();
      const history = page.getByRole('dialog', { name: `Historique · ${first.code}` });
      await history.getByTestId('item-history').waitFor();
      assert.match(await history.getByTestId('item-history').innerText(), new RegExp(`${frDate(yesterday)}[\\s\\S]*En séance · par ${instructor.first_name} ${instructor.last_name}`));
    });
  });

  test('an instructor adds an evaluation from the "Livret" tab of one of their students', async (t) => {
    await withPage(stack, t, async (page) => {
      await page.setViewportSize({ width: 1280, height: 900 });
      await login(page, 'moniteur@demo.volant.test');
      const student = (await apiGet(page, '/api/v1/students?limit=200')).items.find((s) => s.status === 'active');
      assert.ok(student, 'the demo instructor teaches an active student');
      const before = await apiGet(page, `/api/v1/students/${student.id}/booklet`);
      // An item below "assimilé", so that the progress moves.
      const item = [...itemsOf(before).values()].find((i) => i.level !== 'assimile');

      await page.goto(`/mes-eleves/${student.id}?onglet=livret`);
      await overallBar(page).waitFor({ state: 'attached' });
      const start = await progressNow(page);
      await itemRow(page, item.code).getByRole('button', { name: `Évaluer l'item ${item.code}` }).click();
      const dialog = page.getByRole('dialog', { name: 'Nouvelle évaluation' });
      // The dialog's form may be reset once while its data arrive (seen once in CI: the click landed
      // before the reset): check again until the choice holds.
      const assimile = dialog.getByRole('radio', { name: 'assimilé' });
      for (let attempt = 0; attempt < 5 && !(await assimile.isChecked()); attempt += 1) {
        await assimile.check().catch(() => page.waitForTimeout(200));
      }
      assert.equal(await assimile.isChecked(), true, 'the level "assimilé" is chosen');
      await dialog.getByLabel('Commentaire (facultatif)').fill('Acquis en autonomie.');
      await dialog.getByRole('button', { name: "Enregistrer l'évaluation" }).click();
      await page.getByText(`${item.code} : niveau « assimilé » enregistré.`).waitFor();
      await page.waitForFunction(
        ([code]) => globalThis.document.querySelector(`[data-testid="booklet-item-${code}"]`)?.getAttribute('data-level') === 'assimile',
        [item.code],
      );
      assert.equal(await badgeOf(page, item.code), 'assimilé');
      assert.ok((await progressNow(page)) > start);
      const saved = itemsOf(await apiGet(page, `/api/v1/students/${student.id}/booklet`)).get(item.code).history[0];
      assert.equal(saved.level, 'assimile');
      assert.equal(saved.source, 'lesson');
      assert.equal(saved.comment, 'Acquis en autonomie.');
    });
  });

  test('a student on a phone reads "Mon livret" and its PDF', async (t) => {
    await withPage(stack, t, async (page) => {
      await page.setViewportSize({ width: 375, height: 740 });
      await login(page, 'eleve@demo.volant.test');
      const me = await apiGet(page, '/api/v1/me');
      assert.ok(me.student_id, 'the demo student account is linked to a file');
      const booklet = await apiGet(page, `/api/v1/students/${me.student_id}/booklet`);

      await page.getByRole('button', { name: 'Ouvrir la navigation' }).click();
      await nav(page).getByRole('link', { name: 'Mon livret' }).click();
      await page.getByRole('heading', { name: 'Mon livret', level: 1 }).waitFor();
      await overallBar(page).waitFor({ state: 'attached' });
      assert.equal(await progressNow(page), booklet.progress);
      assert.equal((await page.getByTestId('booklet-acquired').textContent()).trim(), `${booklet.acquired} / ${booklet.item_count} acquises`);
      for (const c of booklet.competencies) {
        const bar = page.getByRole('progressbar', { name: `Progression de la compétence ${c.code}` });
        assert.equal(Number(await bar.getAttribute('aria-valuenow')), c.progress);
      }
      assert.equal(await page.locator('[data-testid^="booklet-item-"]').count(), booklet.item_count);
      // Read-only.
      assert.equal(await page.getByRole('button', { name: /^(Ajouter une évaluation|Reprendre un niveau|Ajouter un bilan|Évaluer)/ }).count(), 0);

      const pdf = page.getByRole('link', { name: 'Télécharger le livret (PDF)' });
      const href = await pdf.getAttribute('href');
      assert.equal(href, `/api/v1/students/${me.student_id}/booklet.pdf`);
      const response = await page.request.get(href);
      assert.equal(response.status(), 200);
      assert.match(response.headers()['content-type'], /^application\/pdf/);
      assert.equal((await response.body()).subarray(0, 5).toString('latin1'), '%PDF-');

      const overflow = await page.evaluate(() => globalThis.document.documentElement.scrollWidth - globalThis.innerWidth);
      assert.ok(overflow <= 0, `the page is ${overflow}px wider than the phone`);
    });
  });
});
