/* global document -- in page.waitForFunction callbacks, which run in the browser */
// Browser tests of the student files (list, form, documents, hours, archive) and the student's own space, against the
// real server (`volant demo`, fresh data: its own server). Run: VOLANT_BIN=… npm run e2e
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { apiGet, login, startStack, withPage } from './harness.mjs';

let stack;

before(async () => {
  stack = await startStack();
}, { timeout: 240_000 });

after(async () => {
  await stack?.stop();
});

const nav = (page) => page.getByRole('navigation', { name: 'Navigation principale' });

const navLinks = async (page) => {
  await nav(page).getByRole('link', { name: 'Accueil' }).waitFor();
  return (await nav(page).getByRole('link').allInnerTexts()).map((s) => s.trim());
};

/** GET through the page's session (same cookies), as JSON. */

/** Picks an option of a Mantine Select by its label. */
const choose = async (page, label, option) => {
  await page.getByRole('combobox', { name: label }).click();
  await page.getByRole('option', { name: option, exact: true }).click();
};

const tab = (page, name) => page.getByRole('tab', { name, exact: true });

describe('student files', () => {
  test('the secretariat lists, searches and pages through the students', async (t) => {
    await withPage(stack, t, async (page) => {
      await login(page, 'secretariat@demo.volant.test');
      assert.ok((await navLinks(page)).includes('Élèves'));
      await nav(page).getByRole('link', { name: 'Élèves' }).click();
      await page.getByRole('heading', { name: 'Élèves', level: 1 }).waitFor();
      const rows = page.getByTestId('students-table').locator('tbody tr');
      await rows.first().waitFor();
      // 60 demo students, 4 of them archived: a first page of 50, then "Charger plus".
      assert.equal(await rows.count(), 50);
      await page.getByRole('button', { name: 'Charger plus' }).click();
      await page.waitForFunction(() => document.querySelectorAll('[data-testid="students-table"] tbody tr').length === 56);
      assert.equal(await page.getByRole('button', { name: 'Charger plus' }).count(), 0);

      // The archived ones, by their chip.
      await page.getByText('Archivés', { exact: true }).click();
      await page.waitForURL(/statut=archived/);
      await page.waitForFunction(() => document.querySelectorAll('[data-testid="students-table"] tbody tr').length === 4);

      // The search is debounced and ignores accents and word order.
      const demo = (await apiGet(page, '/api/v1/students?limit=1')).items[0];
      await page.getByText('Tous (hors archivés)', { exact: true }).click();
      await page.getByLabel('Rechercher').fill(`${demo.first_name.normalize('NFD').replace(/\p{M}/gu, '')} ${demo.last_name}`.toLowerCase());
      await page.waitForURL(/[?&]q=/);
      // (The demo student is also the first row of the unfiltered list: wait for the filtered one.)
      await page.waitForFunction(() => {
        const count = document.querySelectorAll('[data-testid="students-table"] tbody tr').length;
        return count >= 1 && count < 10;
      });
      await page.getByTestId(`student-${demo.id}`).waitFor();
    });
  });

  test('the secretariat opens a file: NEPH error, documents, hours, archive and restore', async (t) => {
    const lastName = 'Vérificateur';
    await withPage(stack, t, async (page) => {
      await login(page, 'secretariat@demo.volant.test');
      await nav(page).getByRole('link', { name: 'Élèves' }).click();
      await page.getByRole('link', { name: 'Nouvel élève' }).click();
      await page.getByRole('heading', { name: 'Nouvel élève', level: 1 }).waitFor();

      await page.getByRole('textbox', { name: 'Prénom', exact: true }).fill('Camille');
      await page.getByRole('textbox', { name: 'Nom', exact: true }).fill(lastName);
      await page.getByLabel('Date de naissance').fill('1998-04-12');
      await page.getByLabel('Adresse e-mail').fill('camille.verificateur@exemple.fr');
      await page.getByLabel('Téléphone').fill('0612345678');
      // An adult: no guardian section.
      assert.equal(await page.getByTestId('guardian-section').count(), 0);
      await page.getByRole('textbox', { name: 'NEPH' }).fill('12345');
      await page.getByRole('button', { name: "Créer l'élève" }).click();

      // The server's French message under the field; nothing was saved, nothing typed was lost.
      await page.getByText('Le NEPH doit comporter exactement 12 chiffres.').waitFor();
      assert.equal(await page.getByRole('textbox', { name: 'NEPH' }).getAttribute('aria-invalid'), 'true');
      assert.equal(await page.getByRole('textbox', { name: 'Prénom', exact: true }).inputValue(), 'Camille');
      assert.match(page.url(), /\/eleves\/nouveau$/);
      assert.equal((await apiGet(page, `/api/v1/students?q=${encodeURIComponent(lastName)}`)).items.length, 0);

      // A minor birth date brings the guardian section.
      await page.getByLabel('Date de naissance').fill(`${new Date().getFullYear() - 16}-01-01`);
      await page.getByTestId('guardian-section').waitFor();
      await page.getByLabel('Date de naissance').fill('1998-04-12');
      await page.getByTestId('guardian-section').waitFor({ state: 'detached' });

      await page.getByRole('textbox', { name: 'NEPH' }).fill('1234 5678 9012');
      await page.getByRole('button', { name: "Créer l'élève" }).click();
      await page.getByRole('heading', { name: `Camille ${lastName}`, level: 1 }).waitFor();
      const id = /\/eleves\/([0-9a-f-]{36})/.exec(page.url())?.[1];
      assert.ok(id, page.url());
      const saved = await apiGet(page, `/api/v1/students/${id}`);
      assert.equal(saved.neph, '123456789012');
      assert.equal(saved.phone, '06 12 34 56 78');
      assert.equal(saved.status, 'active');

      // Documents: upload a small PDF through the file button.
      await tab(page, 'Documents').click();
      await page.getByTestId('checklist').waitFor();
      assert.equal(await page.locator('[data-testid="checklist"] [data-kind="id_card"]').getAttribute('data-status'), 'missing');
      await choose(page, 'Type de document', "Pièce d'identité");
      await page.getByTestId('document-file-input').setInputFiles({
        name: 'carte-identite.pdf',
        mimeType: 'application/pdf',
        buffer: Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n'),
      });
      await page.getByTestId('chosen-file').waitFor();
      await page.getByRole('button', { name: 'Déposer', exact: true }).click();
      await page.getByText('Le document « carte-identite.pdf » a été déposé.').waitFor();
      const link = page.getByRole('link', { name: 'Télécharger carte-identite.pdf' });
      await link.waitFor();
      await page.waitForFunction(
        () => document.querySelector('[data-testid="checklist"] [data-kind="id_card"]')?.getAttribute('data-status') === 'ok',
      );
      const file = await page.request.get(await link.getAttribute('href'));
      assert.equal(file.status(), 200);
      assert.match((await file.body()).toString('latin1'), /^%PDF-1\.4/);

      // Hours: buy 20 h.
      await tab(page, 'Heures').click();
      assert.equal((await page.getByTestId('hours-remaining').locator('dd').innerText()).trim(), '0 h');
      await page.getByRole('button', { name: 'Ajouter des heures' }).click();
      const dialog = page.getByRole('dialog', { name: 'Ajouter des heures' });
      await dialog.getByLabel('Durée : heures').fill('20');
      await dialog.getByRole('button', { name: 'Ajouter', exact: true }).click();
      await dialog.waitFor({ state: 'detached' });
      await page.waitForFunction(
        () => document.querySelector('[data-testid="hours-remaining"] dd')?.textContent?.trim() === '20 h',
      );
      assert.equal((await page.getByTestId('hours-bookable').locator('dd').innerText()).trim(), '20 h');
      assert.match(await page.getByTestId('hours-ledger').innerText(), /Achat\s+\+20 h/);
      assert.equal((await apiGet(page, `/api/v1/students/${id}/hours`)).remaining_minutes, 1200);

      // Archive, then restore.
      await page.getByRole('button', { name: 'Archiver' }).click();
      await page.getByRole('dialog', { name: 'Archiver ce dossier ?' }).getByRole('button', { name: 'Archiver' }).click();
      await page.getByTestId('archived-notice').waitFor();
      assert.equal((await page.getByTestId('student-status').textContent()).trim(), 'Archivé');
      assert.equal((await apiGet(page, `/api/v1/students/${id}`)).status, 'archived');
      await page.getByRole('button', { name: 'Restaurer' }).click();
      await page.getByTestId('archived-notice').waitFor({ state: 'detached' });
      assert.equal((await page.getByTestId('student-status').textContent()).trim(), 'Actif');

      // The history tells it all.
      await tab(page, 'Historique').click();
      const history = page.getByTestId('history');
      await history.getByText('Restauration').waitFor();
      const text = await history.innerText();
      for (const label of ['Création du dossier', 'Document ajouté', "Achat d'heures", 'Archivage']) {
        assert.ok(text.includes(label), `${label} in\n${text}`);
      }
    });
  });

  test('an instructor sees "Mes élèves"', async (t) => {
    await withPage(stack, t, async (page) => {
      await login(page, 'moniteur@demo.volant.test');
      const links = await navLinks(page);
      assert.ok(links.includes('Mes élèves'), links.join(', '));
      assert.ok(!links.includes('Élèves'), links.join(', '));
      await nav(page).getByRole('link', { name: 'Mes élèves' }).click();
      await page.getByRole('heading', { name: 'Mes élèves', level: 1 }).waitFor();
      assert.equal(await page.getByRole('link', { name: 'Nouvel élève' }).count(), 0);
    });
  });

  test('a student sees "Mon dossier" and "Mes heures"', async (t) => {
    await withPage(stack, t, async (page) => {
      await login(page, 'eleve@demo.volant.test');
      const links = await navLinks(page);
      assert.ok(links.includes('Mon dossier') && links.includes('Mes heures'), links.join(', '));
      assert.ok(!links.includes('Élèves'), links.join(', '));

      await nav(page).getByRole('link', { name: 'Mon dossier' }).click();
      await page.getByRole('heading', { name: 'Mon dossier', level: 1 }).waitFor();
      // Read-only file: no save button, no status action; documents can be uploaded.
      await page.getByRole('textbox', { name: 'Prénom', exact: true }).waitFor();
      assert.equal(await page.getByRole('button', { name: 'Enregistrer' }).count(), 0);
      assert.equal(await page.getByRole('button', { name: 'Archiver' }).count(), 0);
      await tab(page, 'Documents').click();
      await page.getByTestId('checklist').waitFor();
      await page.getByRole('button', { name: 'Déposer', exact: true }).waitFor();

      await nav(page).getByRole('link', { name: 'Mes heures' }).click();
      await page.getByRole('heading', { name: 'Mes heures', level: 1 }).waitFor();
      await page.getByTestId('hours-remaining').waitFor();
      assert.match(await page.getByTestId('hours-remaining').locator('dd').innerText(), /^\u2212?\d+ h( \d{2})?$|^\u2212?\d+ min$/);
      assert.equal(await page.getByRole('button', { name: 'Ajouter des heures' }).count(), 0);
    });
  });
});
