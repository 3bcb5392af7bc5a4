// Browser end-to-end tests against the real server (`volant demo`). Run: VOLANT_BIN=… npm run e2e
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { DEMO_PASSWORD, login, startStack, withPage } from './harness.mjs';

let stack;

before(async () => {
  stack = await startStack();
}, { timeout: 240_000 });

after(async () => {
  await stack?.stop();
});

const navLinks = async (page) => {
  const nav = page.getByRole('navigation', { name: 'Navigation principale' });
  await nav.getByRole('link', { name: 'Accueil' }).waitFor();
  return (await nav.getByRole('link').allInnerTexts()).map((s) => s.trim());
};

describe('Volant web app', () => {
  test('the SPA loads at / and sends a visitor to the French login form', async (t) => {
    await withPage(stack, t, async (page) => {
      await page.goto('/');
      await page.waitForURL(/\/connexion$/);
      await page.getByRole('heading', { name: 'Connexion' }).waitFor();
      assert.equal(await page.locator('html').getAttribute('lang'), 'fr');
      assert.ok(await page.getByLabel('Adresse e-mail').isVisible());
      assert.ok(await page.getByLabel('Mot de passe').isVisible());
      assert.ok(await page.getByRole('button', { name: 'Se connecter', exact: true }).isVisible());
      assert.ok(await page.getByRole('link', { name: 'Mot de passe oublié ?' }).isVisible());
    });
  });

  test('a wrong password shows the French error', async (t) => {
    await withPage(stack, t, async (page) => {
      await page.goto('/connexion');
      await page.getByLabel('Adresse e-mail').fill('admin@demo.volant.test');
      await page.getByLabel('Mot de passe').fill('pas-le-bon-mot-de-passe');
      await page.getByRole('button', { name: 'Se connecter', exact: true }).click();
      const alert = page.getByRole('alert');
      await alert.waitFor();
      assert.match(await alert.innerText(), /Adresse e-mail ou mot de passe incorrect/);
      assert.match(page.url(), /\/connexion/);
    });
  });

  const accounts = [
    { email: 'admin@demo.volant.test', role: 'Administrateur', school: 'Auto-École du Centre', admin: true },
    { email: 'secretariat@demo.volant.test', role: 'Secrétariat', school: 'Auto-École du Centre', admin: false },
    { email: 'moniteur@demo.volant.test', role: 'Moniteur', school: 'Auto-École du Centre', admin: false },
    { email: 'eleve@demo.volant.test', role: 'Élève', school: 'Auto-École du Centre', admin: false },
    { email: 'admin@quais.volant.test', role: 'Administrateur', school: 'Auto-École des Quais', admin: true },
  ];
  for (const account of accounts) {
    test(`${account.email} logs in and sees the navigation of its role`, async (t) => {
      await withPage(stack, t, async (page) => {
        await login(page, account.email);
        const welcome = page.getByTestId('welcome-card');
        await welcome.waitFor();
        const text = await welcome.innerText();
        assert.match(text, /Bonjour/);
        assert.match(text, new RegExp(account.school));
        assert.equal((await page.getByTestId('role-badge').textContent()).trim(), account.role);
        assert.equal((await page.getByTestId('school-name').textContent()).trim(), account.school);

        const links = await navLinks(page);
        assert.ok(links.includes('Accueil'), links.join(', '));
        assert.equal(links.includes('Utilisateurs'), account.admin, `Utilisateurs in ${links.join(', ')}`);
        assert.equal(links.includes("Journal d'audit"), account.admin, `Journal d'audit in ${links.join(', ')}`);
        if (!account.admin) {
          // Typing the URL does not open an admin page either.
          await page.goto('/utilisateurs');
          await page.getByRole('heading', { name: 'Page introuvable' }).waitFor();
        }

        await page.getByTestId('user-menu').click();
        await page.getByRole('menuitem', { name: 'Se déconnecter' }).click();
        await page.waitForURL(/\/connexion/);
        await page.goto('/');
        await page.waitForURL(/\/connexion/);
      });
    });
  }

  test('forgot password: the mail arrives, its link sets a new password that logs in', async (t) => {
    const email = 'secretariat@demo.volant.test';
    const newPassword = 'nouveau-mot-de-passe-2026';
    await withPage(stack, t, async (page) => {
      const since = stack.smtp.messages.length;
      await page.goto('/connexion');
      await page.getByRole('link', { name: 'Mot de passe oublié ?' }).click();
      await page.waitForURL(/\/mot-de-passe-oublie$/);
      // The page is lazily loaded: until it shows, the login form (with its own e-mail field) is still there.
      await page.getByRole('heading', { name: 'Mot de passe oublié' }).waitFor();
      await page.getByLabel('Adresse e-mail').fill(email);
      await page.getByRole('button', { name: 'Envoyer le lien' }).click();
      await page.getByTestId('forgot-sent').waitFor();

      const mail = await stack.smtp.waitFor(
        (m, i) => i >= since && m.to.includes(email) && /\/reinitialiser\?token=/.test(m.text + m.html),
      );
      const link = /https?:\/\/[^\s"'<>]+\/reinitialiser\?token=[^\s"'<>]+/.exec(mail.text + mail.html)?.[0].replace(/&amp;/g, '&');
      assert.ok(link, `no reset link in:\n${mail.text}`);
      assert.ok(link.startsWith(`${stack.baseUrl}/`), `the link ${link} should point at the server ${stack.baseUrl}`);

      await page.goto(link);
      await page.getByRole('heading', { name: 'Nouveau mot de passe' }).waitFor();
      await page.getByLabel(/^Nouveau mot de passe/).fill(newPassword);
      await page.getByLabel('Confirmez le mot de passe').fill(newPassword);
      await page.getByRole('button', { name: 'Enregistrer le mot de passe' }).click();
      await page.waitForURL(/\/connexion/);

      // The old password no longer works; the new one does.
      await page.getByLabel('Adresse e-mail').fill(email);
      await page.getByLabel('Mot de passe').fill(DEMO_PASSWORD);
      await page.getByRole('button', { name: 'Se connecter', exact: true }).click();
      await page.getByRole('alert').waitFor();

      await login(page, email, newPassword);
      assert.equal((await page.getByTestId('role-badge').textContent()).trim(), 'Secrétariat');

      // The link is single-use.
      await page.goto(link);
      await page.getByLabel(/^Nouveau mot de passe/).fill('encore-un-autre-mot-de-passe');
      await page.getByLabel('Confirmez le mot de passe').fill('encore-un-autre-mot-de-passe');
      await page.getByRole('button', { name: 'Enregistrer le mot de passe' }).click();
      await page.getByRole('alert').waitFor();
    });
  });

  test('ADMIN verifies the integrity of the audit log', async (t) => {
    await withPage(stack, t, async (page) => {
      await login(page, 'admin@demo.volant.test');
      await page.getByRole('navigation', { name: 'Navigation principale' }).getByRole('link', { name: "Journal d'audit" }).click();
      await page.getByRole('heading', { name: "Journal d'audit" }).waitFor();
      // The demo data was created through the services, so the log is not empty.
      await page.getByRole('table').waitFor();
      await page.getByRole('button', { name: "Vérifier l'intégrité" }).click();
      const result = page.getByTestId('audit-verify-result');
      await result.waitFor();
      assert.equal(await result.getAttribute('data-ok'), 'true', await result.innerText());
      assert.match(await result.innerText(), /Intégrité vérifiée/);
    });
  });
});
