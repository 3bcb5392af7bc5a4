// Browser test of the guardians (« Représentant légal »), on a 375 × 740 phone. The secretary opens the file of a
// minor (another than the two the demo parent follows) and invites nouveau.parent@exemple.fr from its
// "Représentants légaux" card: the invitation shows as pending, and its mail leaves with the /invitation link. The demo
// parent (parent@demo.volant.test, Sophie Martin) logs in: the child switcher names the child followed now and offers
// the two children; she reads Léa's planning and hours (a lesson done and not yet confirmed shows no "Confirmer" nor
// "Contester": only the student gives their word), switches to the other child and reads that child's hours; a third
// student's file answers 404. axe-core audits the guardian's home, hours and planning pages: no serious or critical
// violation, nothing wider than the phone.
// Against the real server (`volant demo`, fresh data: its own server). Run: VOLANT_BIN=… node --test e2e/guardians.test.mjs
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { assertClean, assertFitsPhone, audit, withA11yPage } from './a11y.mjs';
import { apiGet, apiPost, login, startStack, withPage } from './harness.mjs';
import { addDays, parisInstant, todayInParis } from './paris.mjs';

const PHONE = { width: 375, height: 740 };
const ADMIN = 'admin@demo.volant.test';
const SECRETARY = 'secretariat@demo.volant.test';
const INSTRUCTOR = 'moniteur@demo.volant.test';
const PARENT = 'parent@demo.volant.test';
const INVITED = 'nouveau.parent@exemple.fr';

let stack;

before(async () => {
  stack = await startStack();
}, { timeout: 240_000 });

after(async () => {
  await stack?.stop();
});

/** "20 h", "1 h 30", "45 min", "−2 h 15": how the web writes minutes (src/lib/duration.ts). */
function formatMinutes(total) {
  const rounded = Math.round(total);
  const sign = rounded < 0 ? '\u2212' : '';
  const abs = Math.abs(rounded);
  const hours = Math.floor(abs / 60);
  const minutes = abs % 60;
  const body = hours === 0 && minutes > 0 ? `${minutes} min` : minutes === 0 ? `${hours} h` : `${hours} h ${String(minutes).padStart(2, '0')}`;
  return `${sign}${body}`;
}

const name = (child) => `${child.first_name} ${child.last_name}`;
/** The student is under 18 today (birth date `YYYY-MM-DD`). */
function isMinor(birthDate, today) {
  if (!birthDate) return false;
  const [y, m, d] = birthDate.split('-').map(Number);
  const [ty, tm, td] = today.split('-').map(Number);
  const age = ty - y - (tm < m || (tm === m && td < d) ? 1 : 0);
  return age < 18;
}
const overlaps = (a, b) => Date.parse(a.starts_at) < Date.parse(b.ends_at) && Date.parse(b.starts_at) < Date.parse(a.ends_at);

/**
 * A past lesson of Léa with Julien Moreau (moniteur@), planned by the admin and marked done by the instructor: it waits
 * for Léa's word ("À confirmer"), which her guardian cannot give.
 */
async function plantDoneLesson(t, leaId) {
  let lesson;
  await withPage(stack, t, async (page) => {
    await login(page, ADMIN);
    const julien = (await apiGet(page, '/api/v1/instructors?limit=200')).items.find((i) => i.first_name === 'Julien' && i.last_name === 'Moreau');
    assert.ok(julien, 'the demo has Julien Moreau (moniteur@)');
    const cars = (await apiGet(page, '/api/v1/vehicles?limit=200')).items.filter((v) => v.status === 'active' && v.kind === 'car' && v.dual_controls);
    const today = todayInParis();
    const from = parisInstant(addDays(today, -4), '00:00');
    const to = parisInstant(today, '00:00');
    const taken = (await apiGet(page, `/api/v1/lessons?from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`)).items.filter((l) => l.status !== 'cancelled');
    let slot = null;
    for (const back of [1, 2, 3]) {
      const day = addDays(today, -back);
      for (let hour = 7; hour < 18 && !slot; hour++) {
        const candidate = { starts_at: parisInstant(day, `${String(hour).padStart(2, '0')}:00`), ends_at: parisInstant(day, `${String(hour + 1).padStart(2, '0')}:00`) };
        const busy = taken.filter((l) => overlaps(l, candidate));
        if (busy.some((l) => l.instructor_id === julien.id || l.student_id === leaId || l.attendee_ids.includes(leaId))) continue;
        const car = cars.find((c) => !busy.some((l) => l.vehicle_id === c.id));
        if (car) slot = { ...candidate, vehicle_id: car.id };
      }
      if (slot) break;
    }
    assert.ok(slot, 'a past hour where Léa, Julien Moreau and a car are free');
    ({ lesson } = await apiPost(page, '/api/v1/lessons', { kind: 'driving', ...slot, student_id: leaId, instructor_id: julien.id }));
  });
  await withPage(stack, t, async (page) => {
    await login(page, INSTRUCTOR);
    const done = await apiPost(page, `/api/v1/lessons/${lesson.id}/complete`, {}, 200);
    assert.equal(done.status, 'done');
  });
  return lesson;
}

describe('guardians', () => {
  /** The parent's two children, the one followed first, the other; the minor invited; a third student. */
  const demo = {};

  test('setup: the parent’s children, another minor, a third student, a lesson of Léa to confirm', { timeout: 90_000 }, async (t) => {
    await withPage(stack, t, async (page) => {
      await login(page, PARENT);
      const me = await apiGet(page, '/api/v1/me');
      assert.equal(me.role, 'GUARDIAN');
      assert.equal(me.children.length, 2, 'the demo parent follows two children');
      demo.children = me.children;
      demo.first = me.children.find((c) => c.id === me.student_id);
      assert.ok(demo.first, 'the session follows one of the children');
      demo.other = me.children.find((c) => c.id !== me.student_id);
      demo.lea = me.children.find((c) => c.first_name === 'Léa' && c.last_name === 'Martin');
      assert.ok(demo.lea, 'Léa Martin is one of the children');
    });
    await withPage(stack, t, async (page) => {
      await login(page, SECRETARY);
      const today = todayInParis();
      const followed = new Set(demo.children.map((c) => c.id));
      const students = (await apiGet(page, '/api/v1/students?limit=200')).items;
      demo.minor = students.find((s) => !followed.has(s.id) && s.status !== 'archived' && isMinor(s.birth_date, today));
      if (!demo.minor) {
        // The demo has no third minor: the school registers one (with the guardian a minor's file needs).
        demo.minor = await apiPost(page, '/api/v1/students', {
          first_name: 'Noé',
          last_name: 'Garnier',
          birth_date: `${Number(today.slice(0, 4)) - 16}-04-12`,
          guardian: { first_name: 'Anne', last_name: 'Garnier', email: 'anne.garnier@exemple.fr' },
        });
      }
      demo.third = students.find((s) => !followed.has(s.id) && s.id !== demo.minor.id);
      assert.ok(demo.third, 'a third student, followed by neither');
    });
    demo.lesson = await plantDoneLesson(t, demo.lea.id);
  });

  test('the secretary invites a guardian from a minor’s file, on her phone', { timeout: 90_000 }, async (t) => {
    const found = [];
    await withA11yPage(stack, t, PHONE, async (page) => {
      await login(page, SECRETARY);
      await page.goto(`/eleves/${demo.minor.id}`);
      await page.getByRole('heading', { name: name(demo.minor), level: 1 }).waitFor();
      const card = page.getByRole('region', { name: 'Représentants légaux' });
      await card.waitFor();
      const email = card.getByRole('textbox', { name: /Adresse e-mail du représentant/ });
      await email.fill(INVITED);
      await card.getByRole('button', { name: 'Inviter', exact: true }).click();
      await page.getByText(`Invitation envoyée à ${INVITED}.`).waitFor();
      const item = card.getByTestId('guardian').filter({ hasText: INVITED });
      await item.waitFor();
      assert.equal(await item.getAttribute('data-status'), 'invited');
      await item.getByText('Invitation envoyée', { exact: true }).waitFor();
      await item.getByText(/^Invitation valable jusqu’au \d{1,2} \S+ \d{4}$/).waitFor();
      await card.scrollIntoViewIfNeeded();
      found.push(...(await audit(page, 'the student file with its guardians card')));
      await assertFitsPhone(page, 'the student file');

      const list = await apiGet(page, `/api/v1/students/${demo.minor.id}/guardians`);
      assert.ok(list.items.some((g) => g.email === INVITED && g.status === 'invited'));
    });
    const mail = await stack.smtp.waitFor((m) => m.to.includes(INVITED));
    assert.match(`${mail.text}\n${mail.html}`, /\/invitation\?token=/);
    assertClean(found);
  });

  test('the parent reads Léa’s planning and hours, switches child, and reaches no other file', { timeout: 150_000 }, async (t) => {
    const found = [];
    await withA11yPage(stack, t, PHONE, async (page) => {
      await login(page, PARENT);
      const switcher = page.getByRole('region', { name: 'Enfant suivi' });
      await switcher.getByText(`Vous suivez : ${name(demo.first)}`).waitFor();
      // Léa first (the test reads her lesson to confirm).
      if (demo.first.id !== demo.lea.id) {
        await switcher.getByLabel('Changer d’enfant').click();
        await page.getByRole('option', { name: name(demo.lea) }).click();
        await switcher.getByText(`Vous suivez : ${name(demo.lea)}`).waitFor();
      }
      const select = switcher.getByLabel('Changer d’enfant');
      await select.click();
      const options = page.getByRole('option');
      await options.first().waitFor();
      assert.deepEqual((await options.allInnerTexts()).map((s) => s.trim()).sort(), demo.children.map(name).sort());
      await page.keyboard.press('Escape');

      // Home: the child's next lessons and hours.
      await page.getByRole('region', { name: `Heures de ${demo.lea.first_name}` }).waitFor();
      await page.getByRole('region', { name: `Prochaines séances de ${demo.lea.first_name}` }).waitFor();
      await page.getByTestId('role-badge').getByText('Représentant légal').waitFor();
      found.push(...(await audit(page, 'the guardian’s home')));
      await assertFitsPhone(page, 'the guardian’s home');

      // Planning: read-only, no calendar feed.
      await page.goto('/mon-planning');
      await page.getByRole('heading', { name: `Planning de ${demo.lea.first_name}`, level: 1 }).waitFor();
      // On a phone, the child's next lessons first (or the sentence saying there is none).
      await page.getByTestId('upcoming-lessons').or(page.getByText(/^Aucune séance prévue dans/)).first().waitFor();
      assert.equal(await page.getByRole('button', { name: 'Ajouter à mon agenda' }).count(), 0, 'no calendar feed for a guardian');
      found.push(...(await audit(page, 'the guardian’s planning')));
      await assertFitsPhone(page, 'the guardian’s planning');

      // Hours: Léa's lesson to confirm is there, without "Confirmer" nor "Contester".
      await page.goto('/mes-heures');
      await page.getByRole('heading', { name: `Heures de ${demo.lea.first_name}`, level: 1 }).waitFor();
      const ledger = page.getByTestId('hours-ledger');
      await ledger.getByText('À confirmer', { exact: true }).first().waitFor();
      assert.equal(await page.getByRole('button', { name: /^Confirmer/ }).count(), 0, 'no confirm button for a guardian');
      assert.equal(await page.getByRole('button', { name: /^Contester/ }).count(), 0, 'no dispute button for a guardian');
      const leaHours = await apiGet(page, `/api/v1/students/${demo.lea.id}/hours`);
      assert.equal((await page.getByTestId('hours-remaining').locator('dd').innerText()).trim(), formatMinutes(leaHours.remaining_minutes));
      assert.equal(leaHours.entries.find((e) => e.lesson_id === demo.lesson.id)?.confirmation, 'pending');
      found.push(...(await audit(page, 'the guardian’s hours')));
      await assertFitsPhone(page, 'the guardian’s hours');

      // The other child.
      await switcher.getByLabel('Changer d’enfant').click();
      await page.getByRole('option', { name: name(demo.other) }).click();
      await switcher.getByText(`Vous suivez : ${name(demo.other)}`).waitFor();
      await page.getByText(`Vous suivez maintenant ${name(demo.other)}.`).waitFor();
      await page.getByRole('heading', { name: `Heures de ${demo.other.first_name}`, level: 1 }).waitFor();
      const me = await apiGet(page, '/api/v1/me');
      assert.equal(me.student_id, demo.other.id);
      const otherHours = await apiGet(page, `/api/v1/students/${demo.other.id}/hours`);
      const remaining = page.getByTestId('hours-remaining').locator('dd');
      await remaining.getByText(formatMinutes(otherHours.remaining_minutes), { exact: true }).waitFor();
      const ledgerText = (await ledger.count()) > 0 ? await ledger.innerText() : '';
      assert.ok(!ledgerText.includes('À confirmer') || otherHours.entries.some((e) => e.confirmation === 'pending'), 'the ledger is the other child’s');
      assert.equal(await page.getByRole('button', { name: /^Confirmer|^Contester/ }).count(), 0);

      // Anyone else's file: the same 404 as an id that does not exist.
      for (const path of [`/api/v1/students/${demo.third.id}`, `/api/v1/students/${demo.third.id}/hours`, `/api/v1/students/${demo.minor.id}`]) {
        const response = await page.request.get(path);
        assert.equal(response.status(), 404, `GET ${path}`);
      }
      // What only the student does: refused.
      const documents = await page.request.get(`/api/v1/students/${demo.other.id}/documents`);
      assert.equal(documents.status(), 403, 'a guardian reads no documents');
    });
    assertClean(found);
  });
});
