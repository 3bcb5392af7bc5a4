// Browser test of the school's settings (issue 27): the ADMIN changes the lesson notice from 48 h to 24 h on
// /reglages, and a student's cancellation 30 h before a lesson is then free of charge.
// Against the real server (`volant demo`, fresh data: its own server). Run: VOLANT_BIN=… npm run e2e
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { apiGet, apiPost, login, startStack, withPage } from './harness.mjs';

let stack;

before(async () => {
  stack = await startStack();
}, { timeout: 240_000 });

after(async () => {
  await stack?.stop();
});

/** A one-hour driving lesson starting 30 h from now, with people and a car free then. */
const lessonIn30Hours = async (page, offsetMinutes) => {
  const start = new Date(Date.now() + 30 * 3600_000 + offsetMinutes * 60_000);
  start.setUTCSeconds(0, 0);
  const end = new Date(start.getTime() + 3600_000);
  const window = await apiGet(page, `/api/v1/lessons?from=${encodeURIComponent(start.toISOString())}&to=${encodeURIComponent(end.toISOString())}`);
  const busy = new Set(window.items.filter((l) => l.status === 'planned').flatMap((l) => [l.instructor_id, l.vehicle_id, l.student_id, ...l.attendee_ids]));
  const instructor = (await apiGet(page, '/api/v1/instructors?limit=200')).items.find((i) => i.active && !busy.has(i.id));
  const car = (await apiGet(page, '/api/v1/vehicles?limit=200')).items.find((v) => v.status === 'active' && v.kind === 'car' && v.dual_controls && !busy.has(v.id));
  const student = (await apiGet(page, '/api/v1/students?status=active&limit=200')).items.find(
    (s) => s.ants_status === 'validated' && s.category === 'B' && !busy.has(s.id),
  );
  assert.ok(instructor && car && student, 'the demo has someone free 30 h from now');
  const body = { kind: 'driving', starts_at: start.toISOString(), ends_at: end.toISOString(), student_id: student.id, instructor_id: instructor.id, vehicle_id: car.id };
  return (await apiPost(page, '/api/v1/lessons', body, 201)).lesson;
};

const cancelledByStudent = (page, lesson) => apiPost(page, `/api/v1/lessons/${lesson.id}/cancel`, { by: 'student', reason: 'Empêchement' }, 200);

describe('school settings', () => {
  test('the ADMIN sets a 24 h notice, and a cancellation 30 h ahead is then free of charge', async (t) => {
    await withPage(stack, t, async (page) => {
      await page.setViewportSize({ width: 1280, height: 900 });
      await login(page, 'admin@demo.volant.test');
      // With the default 48 h, 30 h of notice is late: charged.
      const before = await cancelledByStudent(page, await lessonIn30Hours(page, 0));
      assert.equal(before.charged, true);

      await page.getByRole('navigation', { name: 'Navigation principale' }).getByRole('link', { name: 'Réglages' }).click();
      await page.getByRole('heading', { name: "Réglages de l'école", level: 1 }).waitFor();
      const notice = page.getByLabel("Délai d'annulation sans frais (heures)");
      assert.equal(await notice.inputValue(), '48');
      await notice.fill('24');
      const saved = page.waitForResponse((r) => r.url().endsWith('/api/v1/settings') && r.request().method() === 'PUT');
      await page.getByRole('button', { name: 'Enregistrer les réglages' }).click();
      assert.equal((await saved).status(), 200);
      await page.getByText('Réglages enregistrés.').waitFor();
      assert.equal((await apiGet(page, '/api/v1/settings')).late_cancel_hours, 24);

      // The same notice is now in time: not charged.
      const after = await cancelledByStudent(page, await lessonIn30Hours(page, 90));
      assert.equal(after.charged, false);

      // A value the server refuses shows its French message on the field, and nothing is saved.
      await page.reload();
      await page.getByRole('heading', { name: "Réglages de l'école", level: 1 }).waitFor();
      const remove = page.getByRole('button', { name: /^Retirer la tranche/ });
      await remove.first().waitFor(); // the settings are loaded (the heading shows before them)
      assert.equal(await remove.count(), 4, 'one remove button per band');
      while ((await remove.count()) > 0) await remove.first().click();
      await page.getByRole('button', { name: 'Enregistrer les réglages' }).click();
      await page.getByRole('alert').filter({ hasText: 'Indiquez au moins une tranche de délai après un échec.' }).waitFor();
      assert.equal((await apiGet(page, '/api/v1/settings')).exams.waiting_bands.length, 4);
    });
  });
});
