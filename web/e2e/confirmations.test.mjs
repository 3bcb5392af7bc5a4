// Browser test of the student-confirmed hours: two lessons of Léa Martin (the demo student) with Julien Moreau (the
// demo instructor, moniteur@), planned in the past by the admin and marked done by the instructor. On a 375 × 740
// phone the instructor opens the first one's panel and shows its "Code de confirmation"; Léa, on her phone, confirms
// that lesson in "Mes heures" with the code, and disputes the second with a reason. The secretary reads the dispute
// in the home page's alerts and settles it from Léa's "Heures" tab. axe-core audits the instructor's code modal and
// "Mes heures" with its dialog open: no serious or critical violation.
// Against the real server (`volant demo`, fresh data: its own server). Run: VOLANT_BIN=… node --test e2e/confirmations.test.mjs
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { assertClean, assertFitsPhone, audit, withA11yPage } from './a11y.mjs';
import { apiGet, apiPost, login, startStack, withPage } from './harness.mjs';
import { addDays, parisInstant, parts, todayInParis } from './paris.mjs';

const PHONE = { width: 375, height: 740 };
const ADMIN = 'admin@demo.volant.test';
const SECRETARY = 'secretariat@demo.volant.test';
const INSTRUCTOR = 'moniteur@demo.volant.test';
const STUDENT = 'eleve@demo.volant.test';

let stack;

before(async () => {
  stack = await startStack();
}, { timeout: 240_000 });

after(async () => {
  await stack?.stop();
});

/** "05/12/2026 à 07:00": how the ledger names a lesson (school time). */
const lessonAt = (iso) => {
  const p = parts(Date.parse(iso));
  return `${p.day}/${p.month}/${p.year} à ${p.hour}:${p.minute}`;
};
const dayOf = (iso) => {
  const p = parts(Date.parse(iso));
  return `${p.year}-${p.month}-${p.day}`;
};
const overlaps = (a, b) => Date.parse(a.starts_at) < Date.parse(b.ends_at) && Date.parse(b.starts_at) < Date.parse(a.ends_at);

/** A line of the ledger (a card on a phone, a row on a wide screen) by its text. */
const ledgerLine = (page, text) => page.getByTestId('hours-ledger').locator('li, tr').filter({ hasText: text });

/**
 * Two past hours (yesterday or before, 07:00–18:00 school time) where Léa, Julien Moreau and a dual-control car are all
 * free: the admin plans a driving lesson in each, which the instructor marks done.
 */
async function plantDoneLessons(stack, t) {
  const planted = {};
  await withPage(stack, t, async (page) => {
    await login(page, ADMIN);
    const lea = (await apiGet(page, '/api/v1/students?q=Martin&limit=50')).items.find((s) => s.first_name === 'Léa' && s.last_name === 'Martin');
    assert.ok(lea, 'the demo has Léa Martin');
    const julien = (await apiGet(page, '/api/v1/instructors?limit=200')).items.find((i) => i.first_name === 'Julien' && i.last_name === 'Moreau');
    assert.ok(julien, 'the demo has Julien Moreau (moniteur@)');
    const cars = (await apiGet(page, '/api/v1/vehicles?limit=200')).items.filter((v) => v.status === 'active' && v.kind === 'car' && v.dual_controls);
    const today = todayInParis();
    const from = parisInstant(addDays(today, -4), '00:00');
    const to = parisInstant(today, '00:00');
    const taken = (await apiGet(page, `/api/v1/lessons?from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`)).items.filter((l) => l.status !== 'cancelled');
    const slots = [];
    for (const back of [1, 2, 3]) {
      const day = addDays(today, -back);
      for (let hour = 7; hour < 18 && slots.length < 2; hour++) {
        const slot = { starts_at: parisInstant(day, `${String(hour).padStart(2, '0')}:00`), ends_at: parisInstant(day, `${String(hour + 1).padStart(2, '0')}:00`) };
        const busy = taken.filter((l) => overlaps(l, slot));
        if (busy.some((l) => l.instructor_id === julien.id || l.student_id === lea.id || l.attendee_ids.includes(lea.id))) continue;
        const car = cars.find((c) => !busy.some((l) => l.vehicle_id === c.id));
        if (!car) continue;
        slots.push({ ...slot, vehicle_id: car.id });
        taken.push({ ...slot, instructor_id: julien.id, student_id: lea.id, attendee_ids: [], vehicle_id: car.id });
      }
    }
    assert.equal(slots.length, 2, 'two past hours where Léa, Julien Moreau and a car are free');
    planted.lessons = [];
    for (const slot of slots) {
      const { lesson } = await apiPost(page, '/api/v1/lessons', { kind: 'driving', ...slot, student_id: lea.id, instructor_id: julien.id });
      planted.lessons.push(lesson);
    }
    planted.leaId = lea.id;
  });
  await withPage(stack, t, async (page) => {
    await login(page, INSTRUCTOR);
    for (const lesson of planted.lessons) {
      const done = await apiPost(page, `/api/v1/lessons/${lesson.id}/complete`, {}, 200);
      assert.equal(done.status, 'done');
    }
  });
  return planted;
}

describe('student-confirmed hours', () => {
  let planted;
  let code;

  test('setup: two done lessons of Léa with Julien Moreau', { timeout: 60_000 }, async (t) => {
    planted = await plantDoneLessons(stack, t);
  });

  test('the instructor shows the confirmation code of a done lesson on his phone', { timeout: 90_000 }, async (t) => {
    const [first] = planted.lessons;
    const found = [];
    await withA11yPage(stack, t, PHONE, async (page) => {
      await login(page, INSTRUCTOR);
      await page.goto(`/mon-planning?seance=${first.id}&date=${dayOf(first.starts_at)}`);
      const panel = page.getByRole('dialog').filter({ has: page.getByTestId('lesson-details') });
      await panel.getByText('Faite', { exact: true }).waitFor();
      await panel.getByRole('button', { name: 'Code de confirmation' }).click();
      const modal = page.getByRole('dialog', { name: 'Code de confirmation' });
      const digits = modal.getByTestId('confirmation-code');
      await digits.waitFor();
      code = (await digits.innerText()).trim();
      assert.match(code, /^\d{6}$/);
      const size = await digits.evaluate((el) => Number.parseFloat(globalThis.getComputedStyle(el).fontSize));
      assert.ok(size >= 32, `the code is ${size}px high`);
      assert.equal(await modal.getByRole('img', { name: 'QR code à scanner par l’élève' }).count(), 1);
      await modal.getByText(/^Valable jusqu’à \d{2}:\d{2}$/).waitFor();
      const api = await apiGet(page, `/api/v1/lessons/${first.id}/confirmation-code`);
      assert.match(api.confirm_path, new RegExp(`^/mes-heures\\?seance=${first.id}&code=\\d{6}$`));
      found.push(...(await audit(page, 'the instructor’s code modal')));
      // The API call above may have issued a new code: the one on the screen is read again after a refresh.
      await modal.getByRole('button', { name: 'Nouveau code' }).click();
      await page.waitForLoadState('networkidle', { timeout: 8_000 }).catch(() => {});
      code = (await digits.innerText()).trim();
      assert.match(code, /^\d{6}$/);
      await assertFitsPhone(page, 'the code modal');
    });
    assertClean(found);
  });

  test('Léa confirms the first lesson with the code and disputes the second, on her phone', { timeout: 90_000 }, async (t) => {
    const [first, second] = planted.lessons;
    const found = [];
    await withA11yPage(stack, t, PHONE, async (page) => {
      await login(page, STUDENT);
      await page.goto('/mes-heures');
      await page.getByRole('heading', { name: 'Mes heures', level: 1 }).waitFor();

      const confirm = page.getByRole('button', { name: `Confirmer la leçon du ${lessonAt(first.starts_at)}`, exact: true });
      await confirm.waitFor();
      const box = await confirm.boundingBox();
      assert.ok(box && box.height >= 44, `the button is ${box?.height}px high`);
      await confirm.click();
      const dialog = page.getByRole('dialog', { name: 'La leçon a bien eu lieu ?' });
      const field = dialog.getByLabel('Code du moniteur');
      assert.equal(await field.getAttribute('inputmode'), 'numeric');
      assert.equal(await field.getAttribute('autocomplete'), 'one-time-code');
      found.push(...(await audit(page, '/mes-heures with the confirm dialog')));
      await field.fill(code);
      await dialog.getByRole('button', { name: 'Confirmer', exact: true }).click();
      await page.getByText('Leçon confirmée. Merci !').waitFor();
      await ledgerLine(page, `Séance du ${lessonAt(first.starts_at)}`).getByText('Confirmée', { exact: true }).waitFor();

      await page.getByRole('button', { name: `Contester la leçon du ${lessonAt(second.starts_at)}`, exact: true }).click();
      const dispute = page.getByRole('dialog', { name: 'Contester la leçon' });
      await dispute.getByRole('button', { name: 'Contester la leçon', exact: true }).click();
      await dispute.getByText('Indiquez le motif.').waitFor();
      found.push(...(await audit(page, '/mes-heures with the dispute dialog')));
      await dispute.getByLabel('Motif').fill('Le moniteur est arrivé avec 30 minutes de retard.');
      await dispute.getByRole('button', { name: 'Contester la leçon', exact: true }).click();
      await page.getByText('Contestation envoyée à l’école.').waitFor();
      await ledgerLine(page, `Séance du ${lessonAt(second.starts_at)}`).getByText('Contestée', { exact: true }).waitFor();
      await assertFitsPhone(page, '/mes-heures');

      const hours = await apiGet(page, `/api/v1/students/${planted.leaId}/hours`);
      const status = (lesson) => hours.entries.find((e) => e.lesson_id === lesson.id)?.confirmation;
      assert.equal(status(first), 'confirmed');
      assert.equal(status(second), 'disputed');
    });
    assertClean(found);
  });

  test('the QR link opens the confirm dialog with the code filled in', { timeout: 60_000 }, async (t) => {
    await withA11yPage(stack, t, PHONE, async (page) => {
      await login(page, STUDENT);
      await page.goto(`/mes-heures?seance=${planted.lessons[0].id}&code=123456`);
      const dialog = page.getByRole('dialog', { name: 'La leçon a bien eu lieu ?' });
      assert.equal(await dialog.getByLabel('Code du moniteur').inputValue(), '123456');
      await dialog.getByRole('button', { name: 'Annuler' }).click();
      await dialog.waitFor({ state: 'hidden' });
      assert.equal(new URL(page.url()).search, '');
    });
  });

  test('the secretary reads the dispute in the alerts and settles it', { timeout: 90_000 }, async (t) => {
    const [, second] = planted.lessons;
    await withA11yPage(stack, t, { width: 1280, height: 900 }, async (page) => {
      await login(page, SECRETARY);
      const alerts = await apiGet(page, '/api/v1/alerts');
      const alert = (Array.isArray(alerts) ? alerts : alerts.items).find((a) => a.code === 'lesson_disputed');
      assert.ok(alert, 'an alert tells the office of the dispute');
      assert.match(alert.message, new RegExp(`^Léa Martin conteste la leçon du ${lessonAt(second.starts_at)} : « Le moniteur est arrivé`));
      await page.goto('/');
      await page.getByRole('heading', { name: 'À traiter' }).waitFor();
      // The alerts arrive after the heading: wait for the list before looking for the "more" buttons.
      await page.getByTestId('alerts').locator('li').first().waitFor();
      // Each level shows its first alerts: the others are one tap away.
      const more = page.getByRole('button', { name: /^Afficher les \d+ autres alertes$/ });
      while ((await more.count()) > 0) await more.first().click();
      const item = page.getByTestId('alerts').locator('li[data-code="lesson_disputed"]');
      await item.first().waitFor();
      assert.match(await item.first().innerText(), /Léa Martin conteste la leçon du .* Le moniteur est arrivé avec 30 minutes de retard/);
      await page.goto(`/eleves/${planted.leaId}?onglet=heures`);
      const line = ledgerLine(page, 'Le moniteur est arrivé avec 30 minutes de retard.');
      await line.getByText('Contestée', { exact: true }).waitFor();
      await line.getByRole('button', { name: /^Régler la contestation de la leçon du / }).click();
      const dialog = page.getByRole('dialog', { name: 'Régler la contestation' });
      await dialog.getByLabel('Réponse donnée à l’élève').fill('Nous avons retiré 30 minutes de votre compteur.');
      await dialog.getByRole('button', { name: 'Régler', exact: true }).click();
      await page.getByText('Contestation réglée.').waitFor();
      await line.getByText('Contestée — réglée', { exact: true }).waitFor();
      const open = await apiGet(page, '/api/v1/lesson-disputes?open=true');
      assert.equal(open.items.filter((d) => d.lesson_id === second.id).length, 0);
    });
  });
});
