/* global document, window -- in page.waitForFunction and page.evaluate callbacks, which run in the browser */
// Browser tests of the exams (eligibility, recording a result, places) and of the change requests (a student asks to
// cancel a lesson from their phone, the office accepts), against the real server (`volant demo`, fresh data: its own
// server). Run: VOLANT_BIN=… npm run e2e
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { apiGet, csrfHeaders, login, startStack, withPage } from './harness.mjs';
import { parts, parisInstant, addDays, todayInParis } from './paris.mjs';

let stack;

before(async () => {
  stack = await startStack();
}, { timeout: 240_000 });

after(async () => {
  await stack?.stop();
});


// --- API through the page's session (same cookies), with the CSRF token of /me -------------------------------

/** POST; returns `{status, body}` (the caller checks the status). */
const apiPost = async (page, path, data = {}) => {
  const response = await page.request.post(path, { headers: await csrfHeaders(page), data });
  const text = await response.text();
  return { status: response.status(), body: text ? JSON.parse(text) : null, text };
};
const apiCreate = async (page, path, data) => {
  const { status, body, text } = await apiPost(page, path, data);
  assert.equal(status, 201, `${path}: ${text}`);
  return body;
};

const nav = (page) => page.getByRole('navigation', { name: 'Navigation principale' });
const tab = (page, name) => page.getByRole('tab', { name, exact: true });
const rule = (page, code) => page.locator(`[data-testid="eligibility"] li[data-rule="${code}"]`);
const verdict = (page) => page.getByTestId('eligibility-verdict');

/** Picks an option of a Mantine Select by its label, inside `scope`. */
const choose = async (scope, label, option) => {
  await scope.getByRole('combobox', { name: label }).click();
  await scope.getByRole('option', { name: option, exact: true }).click();
};

/** An active instructor and a manual car with dual controls whose papers are in order today. */
const teachingPair = async (page) => {
  const today = todayInParis();
  const instructors = (await apiGet(page, '/api/v1/instructors?limit=200')).items.filter(
    (i) => i.active && (!i.authorisation_expires_on || i.authorisation_expires_on >= today),
  );
  const cars = (await apiGet(page, '/api/v1/vehicles?limit=200')).items.filter(
    (v) =>
      v.status === 'active' &&
      v.kind === 'car' &&
      v.gearbox === 'manual' &&
      v.dual_controls &&
      (!v.insurance_expires_on || v.insurance_expires_on >= today) &&
      (!v.inspection_due_on || v.inspection_due_on >= today),
  );
  assert.ok(instructors.length > 0 && cars.length > 0, 'the demo has an instructor and a manual car with dual controls');
  return { instructors, cars };
};

describe('exams', () => {
  test('the admin follows a new student to the practical test: eligibility, theory test, 20 h of driving, a place', async (t) => {
    await withPage(stack, t, async (page) => {
      await page.setViewportSize({ width: 1400, height: 1000 });
      await login(page, 'admin@demo.volant.test');
      // The office's alerts are on the home page.
      await page.getByRole('heading', { name: 'À traiter', level: 2 }).waitFor();
      await page.locator('[data-testid="alerts"] section[data-severity] li').first().waitFor();
      assert.ok((await nav(page).getByRole('link').allInnerTexts()).map((s) => s.trim()).includes('Examens'));

      // A new adult student with a NEPH, validated on ANTS, start evaluation and contract done, 25 h bought.
      const today = todayInParis();
      const stamp = String(Date.now()).slice(-8);
      const student = await apiCreate(page, '/api/v1/students', {
        first_name: 'Inès',
        last_name: `Candidate${stamp}`,
        birth_date: '2001-03-14',
        neph: `1111${stamp}`,
        ants_status: 'validated',
        category: 'B',
        start_evaluation: { date: addDays(today, -75), estimated_minutes: 1500 },
        contract_signed_on: addDays(today, -75),
      });
      await apiCreate(page, `/api/v1/students/${student.id}/hours`, { kind: 'purchase', minutes: 1500, reason: 'Forfait 25 h' });

      // The "Examens" tab: not eligible, the theory test and the driving hours block.
      await page.goto(`/eleves/${student.id}`);
      await page.getByRole('heading', { name: `Inès Candidate${stamp}`, level: 1 }).waitFor();
      await tab(page, 'Examens').click();
      await page.waitForURL(/onglet=examens/);
      await verdict(page).waitFor();
      assert.equal((await verdict(page).innerText()).trim(), 'Non éligible');
      const before = await apiGet(page, `/api/v1/students/${student.id}/eligibility`);
      for (const code of ['theory_test', 'driving_hours']) {
        const row = rule(page, code);
        assert.equal(await row.getAttribute('data-status'), 'block', code);
        const text = await row.innerText();
        assert.match(text, /Bloquant/);
        const message = before.rules.find((r) => r.code === code).message;
        assert.ok(text.includes(message), `${code}: "${message}" in\n${text}`);
      }
      assert.equal(await rule(page, 'neph').getAttribute('data-status'), 'ok');
      assert.equal(await page.locator('[data-testid="eligibility"] li[data-rule]').count(), 11);

      // A theory test passed 10 days ago, recorded through the form.
      await page.getByRole('button', { name: 'Enregistrer un examen' }).click();
      const dialog = page.getByRole('dialog', { name: 'Enregistrer un examen' });
      await dialog.getByRole('radio', { name: 'Code (ETG)' }).check();
      await dialog.getByLabel('Date et heure').fill(`${addDays(today, -10)}T09:00`);
      await dialog.getByLabel("Centre d'examen").fill('La Poste — Tours Centre');
      await choose(dialog, 'Résultat', 'Reçu');
      await dialog.getByRole('textbox', { name: 'Note sur 40' }).fill('37');
      await dialog.getByRole('button', { name: 'Enregistrer un examen' }).click();
      await dialog.waitFor({ state: 'detached' });
      await page.getByText(`L'examen d'Inès Candidate${stamp} est enregistré.`).waitFor();
      await page.waitForFunction(
        () => document.querySelector('[data-testid="eligibility"] li[data-rule="theory_test"]')?.getAttribute('data-status') === 'ok',
      );
      assert.equal((await verdict(page).innerText()).trim(), 'Non éligible');
      const history = page.getByTestId('student-exams');
      assert.match(await history.innerText(), /Code \(ETG\)[\s\S]*Reçu[\s\S]*37 \/ 40/);
      const exams = (await apiGet(page, `/api/v1/exams?student_id=${student.id}`)).items;
      assert.equal(exams.length, 1);
      assert.deepEqual([exams[0].kind, exams[0].result, exams[0].score], ['theory', 'passed', 37]);

      // 20 h of driving done: one lesson a day at 06:00, from 60 days ago, done.
      const { instructors, cars } = await teachingPair(page);
      let done = 0;
      for (let k = 60; k >= 11 && done < 20; k--) {
        const day = addDays(today, -k);
        const slot = { starts_at: parisInstant(day, '06:00'), ends_at: parisInstant(day, '07:00') };
        const { status, body, text } = await apiPost(page, '/api/v1/lessons', {
          kind: 'driving',
          ...slot,
          student_id: student.id,
          instructor_id: instructors[k % instructors.length].id,
          vehicle_id: cars[k % cars.length].id,
        });
        if (status === 409) continue; // someone's leave or lesson: the next day
        assert.equal(status, 201, text);
        const completed = await apiPost(page, `/api/v1/lessons/${body.lesson.id}/complete`, {});
        assert.equal(completed.status, 200, completed.text);
        done += 1;
      }
      assert.equal(done, 20);

      await page.reload();
      await verdict(page).waitFor();
      await page.waitForFunction(() => document.querySelector('[data-testid="eligibility-verdict"]')?.textContent?.trim() === 'Éligible');
      assert.equal(await rule(page, 'driving_hours').getAttribute('data-status'), 'ok');

      // "Places": propose the students for a free place next week; ours is eligible and gets it.
      await nav(page).getByRole('link', { name: 'Examens' }).click();
      await page.getByRole('heading', { name: 'Examens', level: 1 }).waitFor();
      await tab(page, 'Places').click();
      const free = page.locator('[data-testid="exam-places"] tr[data-free="true"]');
      await free.first().waitFor();
      assert.ok((await free.count()) >= 2, 'the demo has two free places next week');
      const placeId = (await free.first().getAttribute('data-testid')).replace('place-', '');
      await free.first().getByRole('button', { name: 'Proposer des élèves' }).click();
      const proposal = page.getByRole('dialog');
      const ours = proposal.getByTestId(`candidate-${student.id}`);
      await ours.waitFor();
      assert.equal(await ours.getAttribute('data-eligible'), 'true');
      await ours.getByRole('button', { name: `Attribuer la place à Inès Candidate${stamp}` }).click();
      await page.getByText(`La place est attribuée à Inès Candidate${stamp}.`).waitFor();
      await page.getByTestId(`place-${placeId}`).getByText(`Attribuée à Inès Candidate${stamp}`).waitFor();
      const booked = (await apiGet(page, `/api/v1/exams?student_id=${student.id}&kind=practical`)).items;
      assert.equal(booked.length, 1);
      assert.equal(booked[0].place_id, placeId);
      assert.equal(booked[0].result, 'pending');

      // Another free place for a student the rules block: the refusal names the rules; the admin overrides.
      const next = page.locator('[data-testid="exam-places"] tr[data-free="true"]').first();
      await next.getByRole('button', { name: 'Proposer des élèves' }).click();
      const blocked = page.getByRole('dialog').locator('li[data-eligible="false"]').first();
      await blocked.waitFor();
      await blocked.getByRole('button', { name: /^Attribuer la place à/ }).click();
      await blocked.getByRole('alert').getByText("L'élève ne remplit pas les conditions :").waitFor();
      await blocked.getByLabel('Motif de la dérogation').fill('Délai vérifié avec l’inspecteur.');
      await blocked.getByRole('button', { name: 'Attribuer malgré tout' }).click();
      await page.getByText(/^La place est attribuée à /).first().waitFor();

      // The day of the booked exam shows on "À venir".
      await tab(page, 'À venir').click();
      await page.getByTestId(`exam-${booked[0].id}`).waitFor();
    });
  });

  test('the office enters the results of an exam day; a stale version is refused', async (t) => {
    await withPage(stack, t, async (page) => {
      await page.setViewportSize({ width: 1400, height: 1000 });
      await login(page, 'secretariat@demo.volant.test');
      // A practical test of this morning, still pending (recorded as past by the office).
      const today = todayInParis();
      const students = (await apiGet(page, '/api/v1/students?status=active&limit=200')).items;
      const someone = students.find((s) => s.ants_status === 'validated') ?? students[0];
      const at = Date.now() - 2 * 3_600_000;
      const exam = await apiCreate(page, '/api/v1/exams', {
        student_id: someone.id,
        kind: 'practical',
        scheduled_at: new Date(at - (at % 60_000)).toISOString(),
        centre: 'Centre de Tours-Sud',
        result: 'failed',
        score: 15,
      });
      const patch = await page.request.patch(`/api/v1/exams/${exam.id}`, {
        headers: await csrfHeaders(page),
        data: { version: exam.version, result: 'pending', score: null },
      });
      assert.equal(patch.status(), 200, await patch.text());
      const pending = await patch.json();
      const day = parts(Date.parse(pending.scheduled_at));
      const examDay = `${day.year}-${day.month}-${day.day}`;
      assert.ok(examDay === today || examDay === addDays(today, -1));

      await page.goto('/examens');
      const row = page.getByTestId(`exam-${exam.id}`);
      await row.waitFor();
      const card = page.getByTestId(`exam-day-${examDay}`).first();
      await card.getByRole('button', { name: /^Saisir les résultats du/ }).click();
      const entry = card.getByTestId(`result-row-${exam.id}`);
      await choose(entry, 'Résultat', 'Reçu');
      await entry.getByRole('textbox', { name: 'Note sur 31' }).fill('24');
      // Someone else changes the exam meanwhile: our version is stale.
      const meanwhile = await page.request.patch(`/api/v1/exams/${exam.id}`, {
        headers: await csrfHeaders(page),
        data: { version: pending.version, comment: 'Convocation reçue.' },
      });
      assert.equal(meanwhile.status(), 200, await meanwhile.text());
      await card.getByRole('button', { name: 'Enregistrer les résultats' }).click();
      await entry.getByText('Modifié entre-temps par quelqu’un d’autre : rechargez pour voir la dernière version.').waitFor();
      // Reload the row, enter again, save.
      await entry.getByRole('button', { name: 'Recharger' }).click();
      // Reloaded: the alert is gone and the row shows the server's result again (not what was typed).
      await page.waitForFunction((id) => {
        const row = document.querySelector(`[data-testid="result-row-${id}"]`);
        return row?.querySelector('[role="alert"]') === null && row.querySelector('[role="combobox"]')?.value === 'En attente';
      }, exam.id);
      await choose(entry, 'Résultat', 'Reçu');
      await entry.getByRole('textbox', { name: 'Note sur 31' }).fill('24');
      await card.getByRole('button', { name: 'Enregistrer les résultats' }).click();
      await entry.getByText('Enregistré', { exact: true }).waitFor();
      const saved = await apiGet(page, `/api/v1/exams/${exam.id}`);
      assert.deepEqual([saved.result, saved.score, saved.comment], ['passed', 24, 'Convocation reçue.']);
    });
  });
});

describe('change requests', () => {
  test('a student asks on their phone to cancel a lesson; the secretariat accepts; the lesson is cancelled', async (t) => {
    // The office plans a lesson for the demo student in five days at 06:00.
    const day = addDays(todayInParis(), 5);
    const slot = { starts_at: parisInstant(day, '06:00'), ends_at: parisInstant(day, '07:00') };
    let lesson;
    let eleveId;
    await withPage(stack, t, async (page) => {
      await login(page, 'eleve@demo.volant.test');
      eleveId = (await apiGet(page, '/api/v1/me')).student_id;
      assert.ok(eleveId, 'the demo student account has a file');
    });
    await withPage(stack, t, async (office) => {
      await login(office, 'secretariat@demo.volant.test');
      const { instructors, cars } = await teachingPair(office);
      const busy = (await apiGet(office, `/api/v1/lessons?from=${encodeURIComponent(slot.starts_at)}&to=${encodeURIComponent(slot.ends_at)}`)).items.filter(
        (l) => l.status === 'planned',
      );
      const instructor = instructors.find((i) => !busy.some((l) => l.instructor_id === i.id));
      const car = cars.find((v) => !busy.some((l) => l.vehicle_id === v.id));
      ({ lesson } = await apiCreate(office, '/api/v1/lessons', {
        kind: 'driving',
        ...slot,
        student_id: eleveId,
        instructor_id: instructor.id,
        vehicle_id: car.id,
      }));
    });

    await withPage(stack, t, async (page) => {
      await page.setViewportSize({ width: 375, height: 740 });
      await login(page, 'eleve@demo.volant.test');
      await page.getByRole('button', { name: 'Ouvrir la navigation' }).click();
      const links = (await nav(page).getByRole('link').allInnerTexts()).map((s) => s.trim());
      assert.ok(links.includes('Mes demandes') && links.includes('Mes examens'), links.join(', '));
      await nav(page).getByRole('link', { name: 'Mon planning' }).click();
      await page.getByRole('heading', { name: 'Mon planning', level: 1 }).waitFor();
      await page.goto(`/mon-planning?date=${day}`);
      await page.locator(`.ec-event.vl-id-${lesson.id}`).click();
      const panel = page.getByRole('dialog');
      await panel.getByRole('button', { name: 'Demander une annulation' }).click();
      const form = panel.getByRole('form', { name: "Demande d'annulation" });
      await form.getByRole('textbox', { name: 'Motif' }).fill('Convocation à un examen au lycée.');
      await form.getByRole('button', { name: 'Envoyer la demande' }).click();
      await page.getByText('Votre demande a été envoyée au secrétariat.').waitFor();
      await panel.getByTestId('pending-request').waitFor();
      assert.match(await panel.getByTestId('pending-request').innerText(), /Demande en attente[\s\S]*Convocation à un examen au lycée\./);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert.ok(overflow <= 0, `the page is ${overflow}px wider than the phone`);

      // "Mes demandes" lists it, pending.
      await page.goto('/mes-demandes');
      await page.getByRole('heading', { name: 'Mes demandes', level: 1 }).waitFor();
      await page.locator('[data-testid="change-requests"] [data-status="pending"]').first().waitFor();
    });

    await withPage(stack, t, async (page) => {
      await login(page, 'secretariat@demo.volant.test');
      const request = (await apiGet(page, '/api/v1/change-requests?status=pending')).items.find((r) => r.lesson_id === lesson.id);
      assert.ok(request, 'the request is pending');
      assert.equal(request.kind, 'cancel');
      await nav(page).getByRole('link', { name: 'Demandes' }).click();
      await page.getByRole('heading', { name: 'Demandes de modification', level: 1 }).waitFor();
      const card = page.getByTestId(`request-${request.id}`);
      await card.waitFor();
      const text = await card.innerText();
      assert.match(text, /Convocation à un examen au lycée\./);
      assert.match(text, /06:00 – 07:00/);
      await card.getByRole('button', { name: 'Accepter' }).click();
      await card.getByLabel('Message pour le demandeur (facultatif)').fill('Bon courage pour votre examen.');
      await card.getByRole('button', { name: "Confirmer l'acceptation" }).click();
      await page.getByText('La demande est acceptée : la séance a été modifiée.').waitFor();
      await card.waitFor({ state: 'detached' });

      const cancelled = await apiGet(page, `/api/v1/lessons/${lesson.id}`);
      assert.equal(cancelled.status, 'cancelled');
      assert.equal(cancelled.cancelled_by, 'student');
      const decided = (await apiGet(page, '/api/v1/change-requests?status=approved')).items.find((r) => r.id === request.id);
      assert.equal(decided?.decision_note, 'Bon courage pour votre examen.');
    });
  });
});
