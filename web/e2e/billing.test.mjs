// Browser test of billing (SPEC § 6.4): the ADMIN finds "Forfait 20 heures" in the catalogue (adding it there when the
// demo has none, after a forbidden fee is refused in the form), opens the demo student's file, tab "Facturation",
// sells the package at the desk, issues the invoice and pays it "par carte en ligne" on the payment provider's page
// (the local simulator): back on the file, the notice says the payment arrived, the hours went up by 20 h and the
// account shows the invoice paid. axe-core audits the catalogue, the tab and the sale's dialog. Then the student, on a
// 375 px phone, sees the invoice on "Mes factures", pays a second one online, and nothing overflows. Last, at the desk,
// the demo student's amendment (10 more hours) is signed with the code mailed to her: a wrong code is refused, the
// right one signs, and the PDF is the signed copy. Then "Conformité": the chain check, the closures, the yearly archive
// (made and downloaded, or refused while no day of the year is closed) with the school's key, and the technical journal
// that names the server's start-up; and a CPF dossier stuck for forty days, reached from the home page's alert, moved on
// to "En formation" from the student's "Facturation" tab.
// Against the real server (`volant demo`, fresh data: its own server). Run: VOLANT_BIN=… node --test e2e/billing.test.mjs
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { assertClean, assertFitsPhone, audit, withA11yPage } from './a11y.mjs';
import { apiGet, apiPost, login, startStack } from './harness.mjs';
import { ZONE } from './paris.mjs';

const PHONE = { width: 375, height: 812 };
const DESKTOP = { width: 1280, height: 800 };
const ADMIN = 'admin@demo.volant.test';
const STUDENT = 'eleve@demo.volant.test';
const PACKAGE = 'Forfait 20 heures';
/** The price given to the package when the demo catalogue lacks it. */
const PACKAGE_PRICE = '1 190,00';
const PAYMENT_WAIT_MS = 30_000;

let stack;

before(async () => {
  stack = await startStack();
}, { timeout: 240_000 });

after(async () => {
  await stack?.stop();
});

const nav = (page) => page.getByRole('navigation', { name: 'Navigation principale' });
/** Every kind of space as one plain space: the app writes "1 200,00 €" with no-break spaces. */
const plain = (text) => text.replace(/[\s\u00a0\u202f]+/g, ' ').trim();
const escape = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Cents the way the app writes them (spaces made plain): 119000 → "1 190,00 €". */
const euros = (cents) => {
  const abs = Math.abs(cents);
  const whole = String(Math.floor(abs / 100)).replace(/\B(?=(\d{3})+(?!\d))/g, ' ');
  return `${cents < 0 ? '\u2212' : ''}${whole},${String(abs % 100).padStart(2, '0')} €`;
};

/** Minutes the way the app writes them: 1200 → "20 h", 90 → "1 h 30", 45 → "45 min". */
const duration = (total) => {
  const abs = Math.abs(total);
  const [h, m] = [Math.floor(abs / 60), abs % 60];
  const body = h === 0 && m > 0 ? `${m} min` : m === 0 ? `${h} h` : `${h} h ${String(m).padStart(2, '0')}`;
  return `${total < 0 ? '\u2212' : ''}${body}`;
};

/**
 * Waits until the element's text, spaces made plain, matches `expected` (a string it contains, or a RegExp); whatever
 * the case, since badges are written in capitals by CSS.
 */
async function waitForText(locator, expected, timeout = PAYMENT_WAIT_MS) {
  const deadline = Date.now() + timeout;
  for (;;) {
    const last = plain(await locator.innerText().catch(() => ''));
    if (typeof expected === 'string' ? last.toLowerCase().includes(expected.toLowerCase()) : new RegExp(expected.source, 'i').test(last)) return last;
    if (Date.now() > deadline) throw new Error(`waited ${timeout} ms for ${expected} in: ${last}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

async function withContext(viewport, fn) {
  const context = await stack.browser.newContext({ baseURL: stack.baseUrl, locale: 'fr-FR', timezoneId: ZONE, viewport });
  context.setDefaultTimeout(15_000);
  try {
    return await fn(await context.newPage());
  } finally {
    await context.close();
  }
}

/** On the provider's page (the demo's simulator, another origin): pays with the test card it prefills. */
async function payOnProviderPage(page) {
  await page.waitForURL((url) => url.pathname.startsWith('/pay/'));
  const pay = page.getByRole('button', { name: /^Payer/ });
  await pay.waitFor();
  await pay.click();
}

describe('billing', () => {
  /** The file the demo student's account is linked to: the one sold to, so that the student sees the invoice. */
  let student;
  let invoiceNumber;

  test('the ADMIN sells "Forfait 20 heures" at the desk, paid by card online: +20 h, the account follows; axe finds nothing', async (t) => {
    await withContext(DESKTOP, async (page) => {
      await login(page, STUDENT);
      const me = await apiGet(page, '/api/v1/me');
      assert.ok(me.student_id, 'the demo student account is linked to a file');
      student = { id: me.student_id };
    });

    await withA11yPage(stack, t, DESKTOP, async (page) => {
      const found = [];
      await login(page, ADMIN);
      const file = await apiGet(page, `/api/v1/students/${student.id}`);
      student.name = `${file.first_name} ${file.last_name}`;

      // The catalogue, from the menu.
      await nav(page).getByRole('link', { name: 'Catalogue' }).click();
      await page.getByRole('heading', { name: 'Catalogue', level: 1 }).waitFor();
      await page.mouse.move(DESKTOP.width - 20, DESKTOP.height - 20);

      // A fee the law forbids is refused, and the form says why.
      await page.getByRole('button', { name: 'Nouveau produit' }).click();
      let dialog = page.getByRole('dialog', { name: 'Nouveau produit' });
      await dialog.getByRole('textbox', { name: /^Nom du produit/ }).fill("Frais de présentation à l'examen");
      await dialog.getByRole('combobox', { name: 'Type' }).click();
      await page.getByRole('option', { name: 'Autre', exact: true }).click();
      await dialog.getByRole('textbox', { name: /^Prix TTC/ }).fill('80');
      const refused = page.waitForResponse((r) => new URL(r.url()).pathname === '/api/v1/products' && r.request().method() === 'POST');
      await dialog.getByRole('button', { name: 'Enregistrer' }).click();
      const refusal = await refused;
      assert.equal(refusal.status(), 422, await refusal.text());
      const rule = (await refusal.json()).rules?.[0];
      assert.equal(rule?.code, 'forbidden_fee');
      await dialog.getByText(rule.message, { exact: false }).first().waitFor();
      found.push(...(await audit(page, 'catalogue, a forbidden fee refused (desktop)')));
      await dialog.getByRole('button', { name: 'Annuler' }).click();
      await dialog.waitFor({ state: 'hidden' });

      // "Forfait 20 heures": the demo's, or added here.
      let product = (await apiGet(page, '/api/v1/products?active=true')).find((p) => p.name === PACKAGE);
      if (!product) {
        await page.getByRole('button', { name: 'Nouveau produit' }).click();
        dialog = page.getByRole('dialog', { name: 'Nouveau produit' });
        await dialog.getByRole('textbox', { name: /^Nom du produit/ }).fill(PACKAGE);
        await dialog.getByRole('textbox', { name: /^Prix TTC/ }).fill(PACKAGE_PRICE);
        await dialog.getByRole('textbox', { name: /: heures$/ }).fill('20');
        const saved = page.waitForResponse((r) => new URL(r.url()).pathname === '/api/v1/products' && r.request().method() === 'POST');
        await dialog.getByRole('button', { name: 'Enregistrer' }).click();
        const response = await saved;
        assert.equal(response.status(), 201, await response.text());
        product = await response.json();
        assert.equal(product.price_cents, 119_000);
        assert.equal(product.minutes, 1200);
        assert.equal(product.vat_rate_bp, 2000);
        assert.equal(product.kind, 'hours_package');
        await page.getByText(`Le produit « ${PACKAGE} » a été ajouté.`).waitFor();
      }
      const row = page.getByRole('table', { name: 'Catalogue' }).getByTestId('product').filter({ hasText: PACKAGE });
      await row.waitFor();
      const rowText = plain(await row.innerText()).toLowerCase();
      for (const expected of [euros(product.price_cents), '20 %', '20 h', 'En vente', 'Forfait d’heures']) {
        assert.ok(rowText.includes(expected.toLowerCase()), `the catalogue row says ${expected}: ${rowText}`);
      }
      found.push(...(await audit(page, 'catalogue (desktop)')));
      await row.getByRole('button', { name: `Modifier le produit ${PACKAGE}` }).click();
      dialog = page.getByRole('dialog', { name: `Modifier « ${PACKAGE} »` });
      assert.equal(await dialog.getByRole('textbox', { name: /^Prix TTC/ }).inputValue(), plain(euros(product.price_cents)).replace(' €', '').replace(/ /g, ''));
      found.push(...(await audit(page, 'catalogue, product dialog (desktop)')));
      await dialog.getByRole('button', { name: 'Annuler' }).click();
      await dialog.waitFor({ state: 'hidden' });

      // The student's file, tab "Facturation".
      const hoursBefore = (await apiGet(page, `/api/v1/students/${student.id}/hours`)).remaining_minutes;
      const accountBefore = await apiGet(page, `/api/v1/students/${student.id}/account`);
      await page.goto(`/eleves/${student.id}?onglet=facturation`);
      await page.getByRole('heading', { name: student.name, level: 1 }).waitFor();
      await page.getByRole('tab', { name: 'Facturation', selected: true }).waitFor();
      const summary = page.getByTestId('student-summary');
      await waitForText(summary, `Restantes : ${duration(hoursBefore)}`);
      await waitForText(page.getByTestId('account-invoiced'), euros(accountBefore.invoiced_cents));
      await page.mouse.move(DESKTOP.width - 20, DESKTOP.height - 20);
      found.push(...(await audit(page, 'student file, tab Facturation (desktop)')));

      // "Vendre": one package; the total and the hours follow.
      await page.getByRole('button', { name: 'Vendre', exact: true }).click();
      dialog = page.getByRole('dialog', { name: `Vendre à ${student.name}` });
      const quantity = dialog.getByRole('textbox', { name: `Quantité : ${PACKAGE}` });
      await quantity.fill('1');
      await waitForText(dialog.getByTestId('sale-total'), euros(product.price_cents), 5_000);
      await waitForText(dialog.getByTestId('sale-hours'), '20 h', 5_000);
      found.push(...(await audit(page, 'sale dialog (desktop)')));
      const issuing = page.waitForResponse((r) => new URL(r.url()).pathname === '/api/v1/invoices' && r.request().method() === 'POST');
      await dialog.getByRole('button', { name: 'Émettre la facture' }).click();
      const issued = await issuing;
      assert.equal(issued.status(), 201, await issued.text());
      const invoice = await issued.json();
      invoiceNumber = invoice.number;
      assert.match(invoice.number, /^F\d{4}-\d{6}$/);
      assert.equal(invoice.student_id, student.id);
      assert.equal(invoice.incl_cents, product.price_cents);
      assert.equal(invoice.due_cents, product.price_cents);

      // Straight on to the payment, in the same dialog; behind it, the account and the hours already changed.
      dialog = page.getByRole('dialog', { name: `Facture ${invoice.number} émise : règlement` });
      await waitForText(dialog.getByTestId('payment-due'), `Reste à payer : ${euros(invoice.due_cents)}`, 5_000);
      const owing = accountBefore.balance_cents - invoice.incl_cents;
      await waitForText(page.getByTestId('account-balance'), `${euros(Math.abs(owing))} ${owing < 0 ? 'à régler' : owing > 0 ? 'd’avance' : 'à jour'}`, 10_000);
      await waitForText(summary, `Restantes : ${duration(hoursBefore + 1200)}`, 10_000);
      found.push(...(await audit(page, 'payment step of the sale (desktop)')));

      // "Paiement par carte en ligne": the provider's page, paid with its test card, and back to the file.
      await dialog.getByRole('button', { name: 'Paiement par carte en ligne' }).click();
      await payOnProviderPage(page);
      await page.waitForURL((url) => url.pathname === `/eleves/${student.id}` && url.searchParams.get('paiement') === 'ok', { timeout: PAYMENT_WAIT_MS });
      await page.getByRole('tab', { name: 'Facturation', selected: true }).waitFor();
      await page.getByText('Paiement reçu, merci ! Il apparaîtra dans quelques secondes.').waitFor();

      // The payment shows (the provider's webhook may come a moment after the payer): paid, hours +20 h.
      const invoiceRow = page.getByTestId('invoice').filter({ hasText: invoice.number });
      await waitForText(invoiceRow, 'Réglée');
      await waitForText(page.getByTestId('account-invoiced'), euros(accountBefore.invoiced_cents + invoice.incl_cents));
      await waitForText(page.getByTestId('account-paid'), euros(accountBefore.paid_cents + invoice.incl_cents));
      await waitForText(summary, `Restantes : ${duration(hoursBefore + 1200)}`);
      await waitForText(page.getByTestId('payment').first(), new RegExp(`Carte bancaire.*${escape(euros(invoice.incl_cents))}.*${escape(invoice.number)}`));
      const hoursAfter = (await apiGet(page, `/api/v1/students/${student.id}/hours`)).remaining_minutes;
      assert.equal(hoursAfter - hoursBefore, 1200, 'the sale credited 20 h');
      const accountAfter = await apiGet(page, `/api/v1/students/${student.id}/account`);
      assert.equal(accountAfter.invoiced_cents - accountBefore.invoiced_cents, invoice.incl_cents);
      assert.equal(accountAfter.paid_cents - accountBefore.paid_cents, invoice.incl_cents);
      // The hours tab names the sale.
      await page.getByRole('tab', { name: 'Heures', exact: true }).click();
      await page.getByTestId('hours-ledger').getByRole('row').filter({ hasText: '+20 h' }).first().waitFor();

      await page.getByRole('tab', { name: 'Facturation', exact: true }).click();
      await waitForText(page.getByTestId('invoice').filter({ hasText: invoice.number }), 'Réglée');
      await page.mouse.move(DESKTOP.width - 20, DESKTOP.height - 20);
      found.push(...(await audit(page, 'tab Facturation after the payment (desktop)')));
      await page.setViewportSize(PHONE);
      await page.getByRole('list', { name: 'Factures et avoirs' }).waitFor();
      found.push(...(await audit(page, 'tab Facturation (phone)')));
      await assertFitsPhone(page, 'tab Facturation');

      // A second invoice, left to pay: the student pays it online.
      await apiPost(page, '/api/v1/invoices', { student_id: student.id, lines: [{ product_id: product.id, quantity: 1 }] });
      assertClean(found);
    });
  });

  test('the student sees the invoice on "Mes factures" on a phone and pays the other online; axe finds nothing', async (t) => {
    assert.ok(invoiceNumber, 'the sale of the first test');
    await withA11yPage(stack, t, PHONE, async (page) => {
      const found = [];
      await login(page, STUDENT);
      await page.getByRole('button', { name: 'Ouvrir la navigation' }).click();
      await nav(page).getByRole('link', { name: 'Mes factures' }).click();
      await page.getByRole('heading', { name: 'Mes factures', level: 1 }).waitFor();

      const list = page.getByRole('list', { name: 'Vos factures' });
      const paid = list.getByTestId('my-invoice').filter({ hasText: invoiceNumber });
      await paid.waitFor();
      const paidText = plain(await paid.innerText());
      assert.ok(paidText.toLowerCase().includes('réglée'), paidText);
      assert.ok(paidText.includes('Télécharger (PDF)'), paidText);
      assert.equal(await paid.getByRole('button', { name: /^Payer en ligne/ }).count(), 0, 'nothing to pay on a paid invoice');
      const pdf = await paid.getByRole('link', { name: new RegExp(`^Télécharger \\(PDF\\).*${escape(invoiceNumber)}`) }).getAttribute('href');
      const file = await page.request.get(pdf);
      assert.equal(file.status(), 200, `GET ${pdf}`);
      assert.match(file.headers()['content-type'] ?? '', /^application\/pdf/);
      assert.equal((await file.body()).subarray(0, 5).toString(), '%PDF-');

      const due = list.getByTestId('my-invoice').filter({ has: page.getByRole('button', { name: /^Payer en ligne/ }) }).first();
      await due.waitFor();
      const dueNumber = await due.getAttribute('data-number');
      found.push(...(await audit(page, 'Mes factures (phone)')));
      await assertFitsPhone(page, 'Mes factures');
      await waitForText(page.getByTestId('account-balance'), 'à régler');

      // "Payer en ligne": the provider's page, and back to "Mes factures".
      await due.getByRole('button', { name: /^Payer en ligne/ }).click();
      await payOnProviderPage(page);
      await page.waitForURL((url) => url.pathname === '/mes-factures' && url.searchParams.get('paiement') === 'ok', { timeout: PAYMENT_WAIT_MS });
      await page.getByText('Paiement reçu, merci ! Il apparaîtra dans quelques secondes.').waitFor();
      await waitForText(page.getByRole('list', { name: 'Vos factures' }).getByTestId('my-invoice').filter({ hasText: dueNumber }), 'Réglée');
      found.push(...(await audit(page, 'Mes factures after paying (phone)')));
      await assertFitsPhone(page, 'Mes factures after paying');
      assertClean(found);
    });
  });

  test('at the desk, the demo student signs her amendment with the code mailed to her; the PDF is the signed copy; axe finds nothing', async (t) => {
    assert.ok(student, 'the demo student of the first test');
    const studentId = student.id;
    await withA11yPage(stack, t, DESKTOP, async (page) => {
      const found = [];
      await login(page, ADMIN);
      await page.goto(`/eleves/${studentId}?onglet=contrat`);
      const panel = page.getByTestId('contract-panel');
      const amendment = panel.getByTestId('contract').filter({ hasText: 'Avenant n° 1' });
      await amendment.waitFor();
      assert.equal(await amendment.getAttribute('data-status'), 'awaiting_signature');
      await waitForText(panel.getByTestId('contract').filter({ hasText: 'Contrat de formation' }), 'Signé le');
      found.push(...(await audit(page, 'Contract tab')));

      await amendment.getByRole('button', { name: 'Envoyer le code par e-mail' }).click();
      await amendment.getByText(/Code envoyé par e-mail à .+, valable jusqu’à/).waitFor();
      // The student reads the code in her mail (the demo's mailbox) and says it at the desk.
      let code = null;
      for (let i = 0; i < 50 && code === null; i += 1) {
        const mails = (await apiGet(page, '/api/v1/demo/mails')).items;
        const mail = mails.find((m) => m.subject.includes('code de signature de l’avenant n° 1') || m.subject.includes("code de signature de l'avenant n° 1"));
        code = mail?.body_text.match(/ est (\d{6})/)?.[1] ?? null;
        if (code === null) await page.waitForTimeout(200);
      }
      assert.ok(code, 'the signature mail arrived');
      await amendment.getByLabel('Code reçu').fill('000000' === code ? '111111' : '000000');
      await amendment.getByRole('button', { name: 'Signer' }).click();
      await amendment.getByRole('alert').filter({ hasText: /pas le bon/ }).waitFor();
      await amendment.getByLabel('Code reçu').fill(code);
      await amendment.getByRole('button', { name: 'Signer' }).click();
      const signed = panel.getByTestId('contract').filter({ hasText: 'Avenant n° 1' });
      await waitForText(signed, 'Signé le');
      const pdf = await signed.getByRole('link', { name: 'Voir l’exemplaire signé (PDF)' }).getAttribute('href');
      const file = await page.request.get(pdf);
      assert.equal(file.status(), 200, `GET ${pdf}`);
      assert.match(file.headers()['content-disposition'] ?? '', /-signe\.pdf/);
      found.push(...(await audit(page, 'Contract tab after signing')));
      assertClean(found);
    });
  });

  test('"Conformité" gathers the chain check, the closures, the archives and the technical journal; axe finds nothing', async (t) => {
    await withA11yPage(stack, t, DESKTOP, async (page) => {
      const found = [];
      await login(page, ADMIN);
      await nav(page).getByRole('link', { name: 'Conformité' }).click();
      await page.getByRole('heading', { name: 'Conformité', level: 1 }).waitFor();
      for (const name of ['Enregistrements comptables', 'Clôtures', 'Archives fiscales', 'Journal des événements techniques']) {
        await page.getByRole('heading', { name, level: 2 }).waitFor();
      }
      const archives = page.getByTestId('archives');
      await archives.getByRole('heading', { name: 'Clé publique de l’école', level: 3 }).waitFor();
      const overview = await apiGet(page, '/api/v1/fiscal-archives');
      await waitForText(archives.getByTestId('archive-fingerprint'), overview.fingerprint, 5_000);
      assert.match(await archives.getByTestId('archive-pem').innerText(), /-----BEGIN PUBLIC KEY-----/);

      // The technical journal names the server's start-up (an event of the whole installation).
      const journal = page.getByTestId('technical-journal');
      const startup = journal.getByTestId('technical-event').filter({ hasText: 'Démarrage' }).first();
      await startup.waitFor();
      await waitForText(startup, 'installation', 5_000);
      await waitForText(startup, /Version \d+\.\d+/, 5_000);

      // The chain check answers in words.
      await page.getByRole('button', { name: 'Vérifier les enregistrements comptables' }).click();
      await waitForText(page.getByTestId('fiscal-verify-result'), /Enregistrements comptables intacts/);
      await page.mouse.move(DESKTOP.width - 20, DESKTOP.height - 20);
      found.push(...(await audit(page, 'Conformité (desktop)')));

      // "Archiver l'année": the zip is saved, or the server says no day of the year is closed yet.
      const year = await archives.getByRole('combobox', { name: 'Année à archiver' }).inputValue();
      assert.match(year, /^\d{4}$/);
      const download = page.waitForEvent('download', { timeout: 20_000 }).catch(() => null);
      const refusal = archives.getByTestId('archive-refused');
      await archives.getByRole('button', { name: 'Archiver l’année' }).click();
      const outcome = await Promise.race([download, refusal.waitFor({ timeout: 20_000 }).then(() => 'refused')]);
      if (outcome === 'refused') {
        t.diagnostic(`no day of ${year} closed yet: the archive is refused`);
        await waitForText(refusal, `Aucune journée de ${year}`, 5_000);
      } else {
        t.diagnostic(`archive of ${year} downloaded: ${outcome?.suggestedFilename()}`);
        assert.ok(outcome, 'the archive was downloaded');
        assert.match(outcome.suggestedFilename(), new RegExp(`^archive-fiscale-${year}-\\d{8}\\.zip$`));
        await archives.getByTestId('archive').filter({ hasText: year }).first().waitFor();
        await journal.getByTestId('technical-event').filter({ hasText: `Archive de l’année ${year}` }).first().waitFor();
      }
      found.push(...(await audit(page, 'Conformité after archiving (desktop)')));

      await page.setViewportSize(PHONE);
      await page.getByRole('heading', { name: 'Journal des événements techniques', level: 2 }).waitFor();
      found.push(...(await audit(page, 'Conformité (phone)')));
      await assertFitsPhone(page, 'Conformité');
      assertClean(found);
    });
  });

  test('a CPF dossier stuck for forty days, reached from the home page’s alert, moves on to "En formation"; axe finds nothing', async (t) => {
    await withA11yPage(stack, t, DESKTOP, async (page) => {
      const found = [];
      await login(page, ADMIN);
      const alert = (await apiGet(page, '/api/v1/alerts')).items.find((a) => a.code === 'cpf_stuck');
      assert.ok(alert?.student_id, 'the demo has a stuck CPF dossier');
      const before = await apiGet(page, `/api/v1/students/${alert.student_id}/cpf`);
      assert.equal(before.status, 'accepted');
      assert.ok(before.stuck_days >= 40, JSON.stringify(before));

      // From the home page's alert to the student's "Facturation" tab.
      await page.goto('/');
      const alerts = page.getByTestId('alerts');
      await alerts.waitFor();
      // In its severity's group, maybe past the first five ("Afficher les N autres alertes").
      const group = alerts.locator(`section[data-severity="${alert.severity}"]`);
      await group.waitFor();
      const item = group.locator('li[data-code="cpf_stuck"]').first();
      if ((await item.count()) === 0) await group.getByRole('button', { name: /^Afficher/ }).click();
      await item.getByRole('link', { name: "Ouvrir le dossier de l'élève" }).click();
      await page.waitForURL((url) => url.pathname === `/eleves/${alert.student_id}` && url.searchParams.get('onglet') === 'facturation');
      await page.getByRole('tab', { name: 'Facturation', selected: true }).waitFor();

      const panel = page.getByTestId('cpf-panel');
      await panel.getByRole('heading', { name: 'Dossier CPF', level: 2 }).waitFor();
      await waitForText(panel.getByTestId('cpf-stuck'), `Dossier bloqué depuis ${before.stuck_days} jours : à relancer sur EDOF`, 5_000);
      await waitForText(panel.getByTestId('cpf-status'), 'Accepté depuis le', 5_000);
      assert.ok(plain(await panel.innerText()).includes(before.edof_number));
      await page.mouse.move(DESKTOP.width - 20, DESKTOP.height - 20);
      found.push(...(await audit(page, 'tab Facturation, CPF dossier stuck (desktop)')));

      const saved = page.waitForResponse((r) => new URL(r.url()).pathname === `/api/v1/students/${alert.student_id}/cpf` && r.request().method() === 'PATCH');
      await panel.getByRole('button', { name: 'Passer à « En formation »' }).click();
      const response = await saved;
      assert.equal(response.status(), 200, await response.text());
      assert.equal((await response.json()).status, 'in_training');
      await page.getByText('Dossier CPF : statut « En formation » enregistré.').waitFor();
      await waitForText(panel.getByTestId('cpf-status'), 'En formation depuis le', 5_000);
      await panel.getByTestId('cpf-stuck').waitFor({ state: 'detached' });
      await panel.getByRole('button', { name: 'Passer à « Service fait »' }).waitFor();
      assert.equal((await apiGet(page, `/api/v1/students/${alert.student_id}/cpf`)).status, 'in_training');
      assert.ok(!(await apiGet(page, '/api/v1/alerts')).items.some((a) => a.code === 'cpf_stuck' && a.student_id === alert.student_id), 'the alert is gone');
      found.push(...(await audit(page, 'tab Facturation, CPF dossier in training (desktop)')));

      await page.setViewportSize(PHONE);
      await panel.getByRole('list', { name: 'Étapes du dossier sur EDOF' }).waitFor();
      found.push(...(await audit(page, 'tab Facturation, CPF dossier (phone)')));
      await assertFitsPhone(page, 'tab Facturation with the CPF dossier');
      assertClean(found);
    });
  });
});
