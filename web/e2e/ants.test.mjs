// Browser test of the ANTS connector (registration dossiers filed with the platform, SPEC § P2.1), against the ANTS
// simulator `volant demo` starts and connects the demo school to. The secretary picks a student whose file lacks only
// the proof of address (the demo students with n % 3 == 2) and whose dossier is still to file; on the student's
// "Dossier" tab, card "Inscription ANTS", she files it anyway ("Pièces manquantes" → "Déposer quand même"): "Déposé";
// "Synchroniser" → "En cours d'instruction"; "Synchroniser" → "Incomplet", naming "Justificatif de domicile : pièce
// manquante". The office home's alerts say so ("Dossier ANTS incomplet pour …"). She uploads a proof of address from the
// "Documents" tab, sends the completed dossier ("Renvoyer le dossier complété" → "Déposé"), syncs twice: "Validé" and
// "NEPH : " with 12 digits, which the file's NEPH field shows too. The admin's "Connecteurs" page shows ANTS "Connecté",
// tests the connection, and its "Journal des échanges" lists the filing. axe-core audits the ANTS card and the
// connectors page: no serious or critical violation.
// Against the real server (`volant demo`, fresh data: its own server). Run: VOLANT_BIN=… node --test e2e/ants.test.mjs
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { assertClean, audit, withA11yPage } from './a11y.mjs';
import { apiGet, login, startStack } from './harness.mjs';
import { addDays, todayInParis } from './paris.mjs';

/** An exact label whose apostrophes may be straight or curly (the contract writes them straight). */
const label = (text) => new RegExp(`^${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/['’]/g, "['’]")}$`);
/** The same text, apostrophes straight (to compare a label read from the page). */
const straight = (text) => text.replace(/’/g, "'");

const DESKTOP = { width: 1280, height: 900 };
const ADMIN = 'admin@demo.volant.test';
const SECRETARY = 'secretariat@demo.volant.test';
const CARD = 'Inscription ANTS';
const PENDING = label('Demande en cours auprès de l\'ANTS…');
const REASON = 'Justificatif de domicile : pièce manquante';
/** A job, a call to the simulator, the page's next poll (every 1.5 s): a few seconds; generous for a loaded machine. */
const STEP_TIMEOUT = 45_000;

let stack;

before(async () => {
  stack = await startStack();
}, { timeout: 240_000 });

after(async () => {
  await stack?.stop();
});

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Calls `read` until `accept(value)` holds (or throws with the last value seen). */
async function eventually(read, accept, { timeout = STEP_TIMEOUT, interval = 300, what = 'the condition' } = {}) {
  const deadline = Date.now() + timeout;
  let last;
  let lastError;
  for (;;) {
    try {
      last = await read();
      lastError = undefined;
      if (accept(last)) return last;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) {
      throw new Error(`${what}: not within ${timeout} ms; last seen: ${lastError ? lastError.message : JSON.stringify(last)}`);
    }
    await sleep(interval);
  }
}

const tab = (page, name) => page.getByRole('tab', { name, exact: true });
const antsCard = (page) => page.getByRole('region', { name: CARD });
/** The list of the reasons the platform gave (named by its heading; the web's test id first). */
const reasons = (card) => card.getByTestId('ants-reasons').or(card.getByRole('list', { name: /^Motifs/ }));
const dossierOf = (page, id) => apiGet(page, `/api/v1/students/${id}/ants`);

/**
 * The status the card shows: its badge (the first of the card; the history below repeats the labels of the past
 * statuses, so the card's text alone would not tell).
 */
async function shownStatus(card) {
  const byId = card.getByTestId('ants-status');
  const badge = (await byId.count()) > 0 ? byId.first() : card.locator('.mantine-Badge-root').first();
  // (textContent: the badge's CSS writes it in capitals, which innerText would return.)
  return straight((await badge.textContent()).trim());
}

/** Waits until the card shows `label`, with no request on its way. */
async function waitForStatus(page, card, expected) {
  await eventually(
    async () => ({ status: await shownStatus(card), pending: await card.getByText(PENDING).count() }),
    (seen) => seen.status === straight(expected) && seen.pending === 0,
    { what: `the ANTS card showing "${expected}"` },
  );
}

/** Clicks "Synchroniser" (once the last request is over) and waits for `label`. */
async function syncTo(page, card, expected) {
  const button = card.getByRole('button', { name: 'Synchroniser', exact: true });
  await button.waitFor({ timeout: STEP_TIMEOUT });
  await button.click(); // (waits for it to be enabled)
  await waitForStatus(page, card, expected);
}

/** Opens the student's page at a tab. */
async function openStudent(page, student, tabName) {
  await page.goto(`/eleves/${student.id}`);
  await page.getByRole('heading', { name: `${student.first_name} ${student.last_name}`, level: 1 }).waitFor();
  await tab(page, tabName).click();
}

describe('ANTS connector', () => {
  /** The student whose dossier is filed; the NEPH the platform gives. */
  const demo = {};
  /** The earlier steps this one needs went through (else it fails at once, naming them). */
  const ready = (...steps) => {
    assert.ok(demo.student, 'the setup found a student (see the first test)');
    for (const step of steps) assert.ok(demo[step], `an earlier step failed: ${step} (see above)`);
  };

  test('setup: a student to file, whose file lacks only the proof of address', { timeout: 90_000 }, async (t) => {
    await withA11yPage(stack, t, DESKTOP, async (page) => {
      await login(page, SECRETARY);
      const students = (await apiGet(page, '/api/v1/students?limit=200')).items.filter((s) => s.status === 'active' || s.status === 'prospect');
      assert.ok(students.length > 0, 'the demo has active students');
      const seen = [];
      for (const student of students) {
        const dossier = await dossierOf(page, student.id);
        seen.push(`${student.first_name} ${student.last_name}: ${dossier.status}, may_submit ${dossier.may_submit}, missing ${dossier.missing_documents.join(',')}`);
        if (dossier.status === 'draft' && dossier.may_submit && dossier.missing_documents.length === 1 && dossier.missing_documents[0] === 'proof_of_address') {
          assert.equal(dossier.connector, 'connected', 'volant demo connects the demo school to its ANTS simulator');
          assert.equal(dossier.pending, null);
          assert.equal(dossier.remote_id, null);
          demo.student = student;
          break;
        }
      }
      assert.ok(demo.student, `a draft dossier whose file lacks only the proof of address, among:\n  ${seen.join('\n  ')}`);
      // The connectors page is the admin's: no menu entry for the secretary.
      const nav = page.getByRole('navigation', { name: 'Navigation principale' });
      await nav.getByRole('link', { name: 'Accueil' }).waitFor();
      assert.equal(await nav.getByRole('link', { name: 'Connecteurs', exact: true }).count(), 0, 'no "Connecteurs" for the secretary');
    });
  });

  test('the secretary files the dossier anyway, syncs it twice: incomplete, naming the proof of address', { timeout: 180_000 }, async (t) => {
    ready();
    const found = [];
    await withA11yPage(stack, t, DESKTOP, async (page) => {
      await login(page, SECRETARY);
      await openStudent(page, demo.student, 'Dossier');
      const card = antsCard(page);
      await card.waitFor();
      await waitForStatus(page, card, 'À déposer');
      assert.equal(await card.getByRole('button', { name: 'Synchroniser', exact: true }).count(), 0, 'nothing to sync before a filing');
      await card.scrollIntoViewIfNeeded();
      found.push(...(await audit(page, 'the ANTS card, to file')));

      // Missing documents: a confirmation first, naming them.
      await card.getByRole('button', { name: label("Déposer le dossier à l'ANTS") }).click();
      const modal = page.getByRole('dialog', { name: 'Pièces manquantes' });
      await modal.waitFor();
      await modal.getByText('Justificatif de domicile').first().waitFor();
      found.push(...(await audit(page, 'the missing documents dialog')));
      await modal.getByRole('button', { name: 'Déposer quand même', exact: true }).click();
      await modal.waitFor({ state: 'detached' });
      await waitForStatus(page, card, 'Déposé');
      const filed = await dossierOf(page, demo.student.id);
      demo.filed = true;
      assert.equal(filed.status, 'submitted');
      assert.ok(filed.remote_id, 'the platform gave the dossier an id');
      assert.ok(filed.documents.length > 0, 'the dossier was filed with the file’s documents');
      assert.ok(!filed.documents.some((d) => d.kind === 'proof_of_address'), 'without a proof of address');
      assert.equal(await card.getByRole('button', { name: /^Déposer|^Renvoyer/ }).count(), 0, 'a filed dossier waits for the platform');

      await syncTo(page, card, "En cours d'instruction");
      await syncTo(page, card, 'Incomplet');
      // The reasons (the history below repeats them: the list of reasons, not the card's text).
      await reasons(card).getByText(REASON, { exact: true }).waitFor();
      await card.getByRole('button', { name: 'Renvoyer le dossier complété', exact: true }).waitFor();
      const incomplete = await dossierOf(page, demo.student.id);
      assert.equal(incomplete.status, 'incomplete');
      assert.deepEqual(incomplete.reasons, [{ document: 'proof_of_address', message: 'pièce manquante' }]);
      demo.incomplete = true;
      await card.scrollIntoViewIfNeeded();
      found.push(...(await audit(page, 'the ANTS card, incomplete')));
    });
    assertClean(found);
  });

  test('the office home alerts: the dossier is incomplete, naming the proof of address', { timeout: 90_000 }, async (t) => {
    ready('incomplete');
    const name = `${demo.student.first_name} ${demo.student.last_name}`;
    await withA11yPage(stack, t, DESKTOP, async (page) => {
      await login(page, SECRETARY);
      const alerts = await apiGet(page, '/api/v1/alerts');
      const alert = alerts.items.find((a) => a.code === 'ants_incomplete' && a.student_id === demo.student.id);
      assert.ok(alert, `an ants_incomplete alert for ${name}`);
      assert.equal(alert.severity, 'danger');

      await page.goto('/');
      const panel = page.getByTestId('alerts');
      await panel.waitFor();
      const danger = panel.locator('section[data-severity="danger"]');
      await danger.waitFor();
      const item = danger.locator('li[data-code="ants_incomplete"]').filter({ hasText: `Dossier ANTS incomplet pour ${name}` });
      // The group shows five alerts first: the others behind "Afficher les N autres alertes".
      if ((await item.count()) === 0) {
        await danger.getByRole('button', { name: /^Afficher (les \d+ autres alertes|\d+ alerte de plus)$/ }).click();
      }
      await item.waitFor();
      assert.match(await item.innerText(), /Justificatif de domicile/);
      // Its link leads to the student.
      await item.getByRole('link', { name: label("Ouvrir le dossier de l'élève") }).click();
      await page.waitForURL(new RegExp(`/eleves/${demo.student.id}`));
      await page.getByRole('heading', { name, level: 1 }).waitFor();
    });
  });

  test('the secretary uploads the proof of address, sends the completed dossier: validated with a NEPH', { timeout: 180_000 }, async (t) => {
    ready('incomplete');
    const found = [];
    await withA11yPage(stack, t, DESKTOP, async (page) => {
      await login(page, SECRETARY);
      await openStudent(page, demo.student, 'Documents');
      await page.getByTestId('checklist').waitFor();
      assert.equal(await page.locator('[data-testid="checklist"] [data-kind="proof_of_address"]').getAttribute('data-status'), 'missing');
      await page.getByRole('combobox', { name: 'Type de document' }).click();
      await page.getByRole('option', { name: 'Justificatif de domicile', exact: true }).click();
      await page.getByLabel('Délivré le (facultatif)').fill(addDays(todayInParis(), -10));
      await page.getByTestId('document-file-input').setInputFiles({
        name: 'justificatif-domicile.pdf',
        mimeType: 'application/pdf',
        buffer: Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n'),
      });
      await page.getByTestId('chosen-file').waitFor();
      await page.getByRole('button', { name: 'Déposer', exact: true }).click();
      await page.getByText('Le document « justificatif-domicile.pdf » a été déposé.').waitFor();
      await eventually(
        () => page.locator('[data-testid="checklist"] [data-kind="proof_of_address"]').getAttribute('data-status'),
        (status) => status === 'ok',
        { what: 'the proof of address in the checklist' },
      );
      assert.deepEqual((await dossierOf(page, demo.student.id)).missing_documents, [], 'nothing missing for a filing now');

      // Back to the dossier: nothing missing, so no confirmation.
      await tab(page, 'Dossier').click();
      const card = antsCard(page);
      await card.waitFor();
      await waitForStatus(page, card, 'Incomplet');
      await card.getByRole('button', { name: 'Renvoyer le dossier complété', exact: true }).click();
      const modal = page.getByRole('dialog', { name: 'Pièces manquantes' });
      const outcome = await eventually(
        async () => ((await modal.count()) > 0 ? 'modal' : (await shownStatus(card)) === 'Déposé' || (await card.getByText(PENDING).count()) > 0 ? 'sent' : null),
        (seen) => seen !== null,
        { what: 'the completed dossier on its way' },
      );
      assert.equal(outcome, 'sent', 'no "Pièces manquantes" once the proof of address is on the file (stale missing_documents?)');
      await waitForStatus(page, card, 'Déposé');
      const resent = await dossierOf(page, demo.student.id);
      assert.equal(resent.status, 'submitted');
      assert.ok(resent.history.some((h) => h.source === 'office' && h.note === 'Pièces complétées et renvoyées'), 'the history tells the resubmission');

      await syncTo(page, card, "En cours d'instruction");
      await syncTo(page, card, 'Validé');
      const neph = await card.getByText(/^NEPH : \d{12}$/).innerText();
      demo.neph = /\d{12}/.exec(neph)[0];
      const validated = await dossierOf(page, demo.student.id);
      assert.equal(validated.status, 'validated');
      assert.equal(validated.neph, demo.neph);
      assert.deepEqual(validated.reasons, []);
      assert.equal(await reasons(card).getByText(REASON, { exact: true }).count(), 0, 'no reason left');
      assert.equal(await card.getByRole('button', { name: /^Déposer|^Renvoyer/ }).count(), 0, 'nothing to file any more');

      // The file has the NEPH (and the registration) too; its form shows it.
      const file = await apiGet(page, `/api/v1/students/${demo.student.id}`);
      assert.equal(file.neph, demo.neph);
      assert.equal(file.ants_status, 'validated');
      const field = page.getByRole('textbox', { name: 'NEPH' });
      await eventually(
        async () => (await field.inputValue()).replace(/\s/g, ''),
        (value) => value === demo.neph,
        { what: `the file's NEPH field showing ${demo.neph}` },
      );
      await card.scrollIntoViewIfNeeded();
      found.push(...(await audit(page, 'the ANTS card, validated')));
    });
    assertClean(found);
  });

  test('the admin’s connectors page: ANTS connected, the connection tested, the filing in the exchange log', { timeout: 120_000 }, async (t) => {
    ready('filed');
    const found = [];
    await withA11yPage(stack, t, DESKTOP, async (page) => {
      await login(page, ADMIN);
      const nav = page.getByRole('navigation', { name: 'Navigation principale' });
      await nav.getByRole('link', { name: 'Connecteurs', exact: true }).click();
      await page.waitForURL(/\/connecteurs$/);
      await page.getByRole('heading', { name: 'Connecteurs', level: 1 }).waitFor();
      const card = page.getByRole('region', { name: 'ANTS', exact: true });
      await card.waitFor();
      assert.equal((await card.getByTestId('connector-status').textContent()).trim(), 'Connecté');
      // The secret is never shown: the field is empty, and says the stored one is kept.
      const secret = card.getByLabel('Secret client');
      assert.equal(await secret.inputValue(), '');
      await card.getByText('Laissez vide pour garder le secret enregistré.').waitFor();
      assert.ok((await card.getByLabel('Adresse de la plateforme').inputValue()).startsWith('http://127.0.0.1:'), 'the simulator’s address');

      await card.getByRole('button', { name: 'Tester la connexion', exact: true }).click();
      await card.getByText(/la connexion fonctionne/).waitFor({ timeout: STEP_TIMEOUT });

      // The exchange log: the filing (operation "submit"), its request line, a success.
      const events = (await apiGet(page, '/api/v1/connectors/ants/events?limit=100')).items;
      const submit = events.find((e) => e.operation === 'submit' && e.student_id === demo.student.id);
      assert.ok(submit, `a submit event among ${events.map((e) => e.operation).join(', ')}`);
      assert.ok(submit.ok, 'the filing went through');
      assert.match(submit.request, /^POST \/v1\/dossiers \(\d+ pièces\)$/);
      assert.ok(events.some((e) => e.operation === 'check' && e.ok), 'the connection test is logged');
      // (Other connectors have their own cards and logs: all within ANTS's card.)
      await card.getByRole('heading', { name: 'Journal des échanges' }).waitFor();
      const table = card.getByRole('table').filter({ has: page.getByRole('columnheader', { name: 'Opération' }) });
      await table.waitFor();
      for (const column of ['Date', 'Opération', 'Requête', 'Statut', 'Durée', 'Erreur']) {
        assert.equal(await table.getByRole('columnheader', { name: column, exact: true }).count(), 1, `column ${column}`);
      }
      // The newest first: the filing may sit behind "Afficher plus" after many syncs and checks.
      const row = table.locator('tr[data-operation="submit"]').filter({ hasText: submit.request });
      for (let more = 0; more < 10 && (await row.count()) === 0; more++) {
        const button = card.getByRole('button', { name: 'Afficher plus', exact: true });
        if ((await button.count()) === 0) break;
        await button.click();
        await sleep(500);
      }
      await row.first().waitFor();
      const text = await row.first().textContent();
      assert.match(text, /Dépôt/, 'the row names the operation');
      assert.match(text, /Réussi/, 'and its success');
      found.push(...(await audit(page, 'the connectors page')));
    });
    assertClean(found);
  });

  test('the admin connects RdvPermis through its consent page (OAuth 2): back on the page, access granted and working', { timeout: 120_000 }, async (t) => {
    await withA11yPage(stack, t, DESKTOP, async (page) => {
      await login(page, ADMIN);
      await page.goto('/connecteurs');
      const card = page.getByRole('region', { name: 'RdvPermis', exact: true });
      await card.waitFor();
      assert.equal(await card.getByTestId('connector-oauth').getAttribute('data-authorized'), 'false');
      await card.getByRole('link', { name: 'Connecter RdvPermis', exact: true }).click();
      // The platform's consent page (the simulator's own origin): it names the scopes asked for.
      await page.getByRole('heading', { name: label("Autoriser l'accès à RdvPermis") }).waitFor();
      await page.getByText(/livret_numerique:write/).waitFor();
      await page.getByRole('button', { name: 'Autoriser', exact: true }).click();
      // Back through our callback (the code traded for tokens) to the connectors page, which says so.
      await page.waitForURL(/\/connecteurs\?rdvpermis=connected$/);
      await page.getByTestId('oauth-outcome').filter({ hasText: /RdvPermis est connecté/ }).waitFor();
      await eventually(
        () => card.getByTestId('connector-oauth').getAttribute('data-authorized'),
        (value) => value === 'true',
        { what: 'the RdvPermis card saying access is granted' },
      );
      await card.getByRole('button', { name: 'Tester la connexion', exact: true }).click();
      await card.getByText(/la connexion fonctionne/).waitFor({ timeout: STEP_TIMEOUT });
      const events = (await apiGet(page, '/api/v1/connectors/rdvpermis/events?limit=100')).items;
      assert.deepEqual(events.map((e) => e.operation).sort(), ['authorize', 'check'], 'the code traded once, then the test');
    });
  });
});
