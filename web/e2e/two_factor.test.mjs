/* global window, document -- in page.evaluate / addInitScript callbacks, which run in the browser */
// Browser test of two-factor authentication, passkeys and "Mes sessions": the ADMIN opens Mon compte, turns 2FA on (QR
// code, secret read from the page, a code computed here as an authenticator app does, 10 recovery codes shown once),
// logs out, and logs in again with the password then a code. On a 375 px phone, the secretary does the same with a
// recovery code, and axe-core audits the account page (2FA off, setup panel open, refused code, recovery codes, 2FA
// on) and the login's second step. On `localhost` (browsers refuse WebAuthn on 127.0.0.1) with Chromium's virtual
// authenticator, the student adds a passkey and logs in with it, without a password (axe audits the passkeys card and
// the login page). Against the real server (`volant demo`, fresh data: its own server).
// Run: VOLANT_BIN=… node --test e2e/two_factor.test.mjs
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { assertClean, assertFitsPhone, audit, withA11yPage } from './a11y.mjs';
import { DEMO_PASSWORD, apiGet, login, startStack, withPage } from './harness.mjs';

const PHONE = { width: 375, height: 812 };

let stack;

before(async () => {
  stack = await startStack();
}, { timeout: 240_000 });

after(async () => {
  await stack?.stop();
});

// --- TOTP (RFC 6238 over RFC 4226), as an authenticator app computes it ---------------------------------------------

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** RFC 4648 base32 (no padding needed) → bytes. */
function base32Decode(text) {
  const clean = text.replace(/[\s=]/g, '').toUpperCase();
  let bits = 0;
  let value = 0;
  const out = [];
  for (const char of clean) {
    const index = BASE32.indexOf(char);
    if (index < 0) throw new Error(`not base32: ${char}`);
    value = (value << 5) | index;
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  return Buffer.from(out);
}

/** The 6-digit code of `secret` at time step `counter`: HMAC-SHA1 over the 8-byte big-endian counter, truncated. */
function totpAt(secret, counter) {
  const message = Buffer.alloc(8);
  message.writeBigUInt64BE(BigInt(counter));
  const hash = createHmac('sha1', secret).update(message).digest();
  const offset = hash[hash.length - 1] & 0x0f;
  const binary = ((hash[offset] & 0x7f) << 24) | (hash[offset + 1] << 16) | (hash[offset + 2] << 8) | hash[offset + 3];
  return String(binary % 1_000_000).padStart(6, '0');
}

const stepNow = () => Math.floor(Date.now() / 1000 / 30);

/** A 6-digit code valid at none of the steps the server could accept now or in the next minute. */
function wrongCode(secret) {
  const now = stepNow();
  const valid = new Set([-1, 0, 1, 2, 3].map((d) => totpAt(secret, now + d)));
  for (let n = 0; ; n += 1) {
    const candidate = String((123_456 + n * 7_919) % 1_000_000).padStart(6, '0');
    if (!valid.has(candidate)) return candidate;
  }
}

// --- the account page ------------------------------------------------------------------------------------------------

async function openAccount(page) {
  await page.getByTestId('user-menu').click();
  await page.getByRole('menuitem', { name: 'Mon compte' }).click();
  await page.getByRole('heading', { name: 'Mon compte', level: 1 }).waitFor();
  return page.getByRole('region', { name: 'Double authentification' });
}

/** "Activer": the QR code shows, and the secret is read from the page (as one would type it into an app). */
async function startSetup(card) {
  await card.getByRole('button', { name: 'Activer' }).click();
  const qr = card.getByRole('img', { name: /QR code à scanner avec votre application d’authentification/ });
  await qr.waitFor();
  const shown = (await card.getByTestId('totp-secret').innerText()).trim();
  assert.match(shown, /^([A-Z2-7]{4} )*[A-Z2-7]{1,4}$/, `the secret is shown by groups of 4: ${shown}`);
  return { qr, secret: base32Decode(shown) };
}

/** Confirms with the code of the current step; returns that step and the recovery codes shown. */
async function confirmSetup(card, secret) {
  const step = stepNow();
  await card.getByLabel('Code à 6 chiffres').fill(totpAt(secret, step));
  await card.getByRole('button', { name: 'Confirmer' }).click();
  const list = card.getByRole('list', { name: 'Les 10 codes de secours' });
  await list.waitFor();
  const codes = (await list.getByRole('listitem').allInnerTexts()).map((c) => c.trim());
  assert.equal(codes.length, 10, `10 recovery codes: ${codes.join(', ')}`);
  assert.equal(new Set(codes).size, 10, 'the recovery codes are all different');
  for (const code of codes) assert.match(code, /^[A-Z0-9]{5}-[A-Z0-9]{5}$/);
  await card.getByText('Notez ces codes maintenant : ils ne seront plus jamais affichés.').waitFor();
  return { step, codes };
}

async function logout(page) {
  await page.getByTestId('user-menu').click();
  await page.getByRole('menuitem', { name: 'Se déconnecter' }).click();
  await page.waitForURL(/\/connexion/);
}

/** The password step, up to the second step's form. */
async function passwordStep(page, email) {
  await page.goto('/connexion');
  await page.getByLabel('Adresse e-mail').fill(email);
  await page.getByLabel('Mot de passe').fill(DEMO_PASSWORD);
  await page.getByRole('button', { name: 'Se connecter', exact: true }).click();
  await page.getByRole('heading', { name: 'Vérification en deux étapes', level: 1 }).waitFor();
}

// --- passkeys ----------------------------------------------------------------------------------------------------------

/**
 * The stack's address as `localhost`: browsers refuse WebAuthn on an IP address (127.0.0.1 included), and the server is
 * then the relying party `localhost`. Its cookies are not 127.0.0.1's: a context opened here has its own session.
 */
const localhostUrl = () => stack.baseUrl.replace('//127.0.0.1', '//localhost');

/**
 * Chromium's virtual authenticator (through the DevTools protocol), built into the device like a fingerprint reader:
 * it keeps discoverable keys, and says yes at once (presence and user verification) instead of showing a dialog.
 */
async function virtualAuthenticator(page) {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('WebAuthn.enable');
  const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: {
      protocol: 'ctap2',
      transport: 'internal',
      hasResidentKey: true,
      hasUserVerification: true,
      isUserVerified: true,
      automaticPresenceSimulation: true,
    },
  });
  return { credentials: async () => (await cdp.send('WebAuthn.getCredentials', { authenticatorId })).credentials };
}

describe('two-factor authentication', () => {
  test('the TOTP of this file matches RFC 6238 (appendix B, SHA-1)', () => {
    const secret = Buffer.from('12345678901234567890');
    assert.equal(totpAt(secret, Math.floor(59 / 30)), '287082');
    assert.equal(totpAt(secret, Math.floor(1_111_111_109 / 30)), '081804');
    assert.equal(totpAt(secret, Math.floor(2_000_000_000 / 30)), '279037');
    assert.deepEqual([...base32Decode('GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ')], [...secret]);
  });

  test('the ADMIN turns 2FA on from Mon compte, then logs in with the password and a code', async (t) => {
    await withPage(stack, t, async (page) => {
      await page.context().addInitScript(() => {
        window.__cspViolations = [];
        document.addEventListener('securitypolicyviolation', (e) => window.__cspViolations.push(`${e.violatedDirective} ${e.blockedURI}`));
      });
      await page.setViewportSize({ width: 1280, height: 900 });
      await login(page, 'admin@demo.volant.test');
      const card = await openAccount(page);
      await card.getByRole('status').filter({ hasText: /:\s*désactivée/ }).waitFor();
      // On 127.0.0.1, passkeys cannot work (an IP address): the card says where they do, this page at localhost.
      const passkeys = page.getByRole('region', { name: "Clés d'accès" });
      await passkeys.getByRole('link', { name: /^http:\/\/localhost:\d+\/mon-compte/ }).waitFor();
      assert.equal(await passkeys.getByRole('button', { name: "Ajouter une clé d'accès" }).count(), 0);

      const { qr, secret } = await startSetup(card);
      // The QR code is an image from a data URL, allowed by the page's content security policy, and drawn.
      assert.match(await qr.getAttribute('src'), /^data:image\/svg\+xml;charset=utf-8,/);
      await page.waitForFunction((el) => el.complete && el.naturalWidth > 0, await qr.elementHandle());
      assert.equal(secret.length, 20, 'a 160-bit secret');

      const { step, codes } = await confirmSetup(card, secret);
      // "Télécharger" saves them as a text file.
      const download = page.waitForEvent('download');
      await card.getByRole('button', { name: 'Télécharger' }).click();
      const file = await download;
      assert.equal(file.suggestedFilename(), 'volant-codes-de-secours.txt');
      const saved = await readFile(await file.path(), 'utf8');
      for (const code of codes) assert.ok(saved.includes(code), `${code} in the file`);

      await card.getByRole('button', { name: 'J’ai noté mes codes' }).click();
      await card.getByRole('status').filter({ hasText: /:\s*activée/ }).waitFor();
      assert.equal(await card.getByRole('list', { name: 'Les 10 codes de secours' }).count(), 0, 'the codes are gone');
      assert.equal((await apiGet(page, '/api/v1/me')).two_factor_enabled, true);
      // This session is listed, said in words.
      await page.getByRole('region', { name: 'Mes sessions' }).getByText('Cette session').waitFor();
      assert.deepEqual(await page.evaluate(() => window.__cspViolations), [], 'no content security policy violation');

      await logout(page);
      await page.getByRole('button', { name: 'Se connecter', exact: true }).waitFor();
      assert.equal(await page.getByRole('button', { name: "Se connecter avec une clé d'accès" }).count(), 0, 'no passkey login on 127.0.0.1');
      await passwordStep(page, 'admin@demo.volant.test');
      // No session until the code: the API still says "not logged in".
      assert.equal((await page.request.get('/api/v1/me')).status(), 401);
      const code = page.getByLabel('Code de votre application');
      assert.equal(await code.evaluate((el) => el === document.activeElement), true, 'the code field has the focus');
      assert.equal(await code.getAttribute('autocomplete'), 'one-time-code');
      assert.equal(await code.getAttribute('inputmode'), 'numeric');

      // A wrong code: the server's French reason, and the form stays.
      await code.fill(wrongCode(secret));
      await page.getByRole('button', { name: 'Valider' }).click();
      const refused = page.getByTestId('second-factor-error');
      await refused.waitFor();
      assert.match(await refused.innerText(), /\S/);
      assert.equal(await code.getAttribute('aria-invalid'), 'true');

      // The code used to confirm is spent (a replay is refused): the next step's code.
      await code.fill(totpAt(secret, Math.max(stepNow(), step + 1)));
      await page.getByRole('button', { name: 'Valider' }).click();
      await page.getByRole('navigation', { name: 'Navigation principale' }).waitFor();
      const me = await apiGet(page, '/api/v1/me');
      assert.equal(me.user.email, 'admin@demo.volant.test');
      assert.equal(me.two_factor_enabled, true);
    });
  });

  test('on a 375 px phone, the secretary turns 2FA on and logs in with a recovery code; axe finds nothing', async (t) => {
    await withA11yPage(stack, t, PHONE, async (page) => {
      const email = 'secretariat@demo.volant.test';
      const found = [];
      await login(page, email);
      const card = await openAccount(page);
      await page.getByRole('region', { name: 'Mes sessions' }).getByText('Cette session').waitFor();
      found.push(...(await audit(page, 'account page, 2FA off')));
      await assertFitsPhone(page, 'account page');

      const { secret } = await startSetup(card);
      // What had the focus ("Activer") is gone: the panel's heading has it.
      assert.equal(
        await card.getByRole('heading', { name: 'Ajouter Volant à votre application' }).evaluate((el) => el === document.activeElement),
        true,
      );
      found.push(...(await audit(page, 'account page, 2FA setup panel open')));
      await assertFitsPhone(page, 'setup panel');

      await card.getByLabel('Code à 6 chiffres').fill(wrongCode(secret));
      await card.getByRole('button', { name: 'Confirmer' }).click();
      await card.getByText('Ce code ne correspond pas', { exact: false }).first().waitFor();
      found.push(...(await audit(page, 'account page, 2FA setup, code refused')));

      const { codes } = await confirmSetup(card, secret);
      found.push(...(await audit(page, 'account page, recovery codes')));
      await assertFitsPhone(page, 'recovery codes');
      await card.getByRole('button', { name: 'J’ai noté mes codes' }).click();
      await card.getByRole('button', { name: 'Désactiver la double authentification' }).waitFor();
      found.push(...(await audit(page, 'account page, 2FA on')));

      await logout(page);
      await passwordStep(page, email);
      found.push(...(await audit(page, 'login, second step')));
      await assertFitsPhone(page, 'login, second step');
      await page.getByRole('button', { name: 'Utiliser un code de secours' }).click();
      await page.getByLabel('Code de secours').fill(codes[3].toLowerCase());
      found.push(...(await audit(page, 'login, second step, recovery code')));
      await page.getByRole('button', { name: 'Valider' }).click();
      await page.getByRole('navigation', { name: 'Navigation principale' }).waitFor();
      assert.equal((await apiGet(page, '/api/v1/me')).user.email, email);
      assertClean(found);
    });
  });

  test('Mes sessions: another session of the person is listed, then closed from the page', async (t) => {
    await withPage(stack, t, async (page) => {
      const email = 'moniteur@demo.volant.test';
      // A second browser (its own cookies) logged in as the same person.
      const other = await stack.browser.newContext({ baseURL: stack.baseUrl, locale: 'fr-FR' });
      try {
        const otherPage = await other.newPage();
        await login(otherPage, email);
        await login(page, email);
        await openAccount(page);
        const sessions = page.getByRole('region', { name: 'Mes sessions' });
        const rows = sessions.getByTestId('session-row');
        const revoke = sessions.getByRole('button', { name: /^Déconnecter la session / });
        await revoke.first().waitFor();
        assert.equal(await rows.count(), 2, 'this session and the other browser');
        assert.equal(await revoke.count(), 1, 'only the other one can be closed');
        assert.equal(await rows.first().getByText('Cette session').count(), 1, 'this session first');
        assert.equal((await otherPage.request.get('/api/v1/me')).status(), 200);
        await revoke.click();
        await sessions.getByRole('status').filter({ hasText: 'a été déconnectée' }).waitFor();
        await page.waitForFunction(() => document.querySelectorAll('[data-testid="session-row"]').length === 1);
        assert.equal(await sessions.getByRole('button', { name: 'Déconnecter toutes les autres sessions' }).count(), 0);
        // The other browser's session is over.
        assert.equal((await otherPage.request.get('/api/v1/me')).status(), 401);
      } finally {
        await other.close();
      }
    });
  });

  test('on localhost, the student adds a passkey in Mon compte and logs in with it, no password; axe finds nothing', async (t) => {
    await withA11yPage(
      stack,
      t,
      PHONE,
      async (page) => {
        const email = 'eleve@demo.volant.test';
        const found = [];
        const authenticator = await virtualAuthenticator(page);
        await login(page, email);
        assert.match(page.url(), /^http:\/\/localhost:\d+\//, 'the page is on localhost');

        await openAccount(page);
        const card = page.getByRole('region', { name: "Clés d'accès" });
        await card.getByText("Aucune clé d'accès pour l'instant.").waitFor();
        found.push(...(await audit(page, 'account page, no passkey')));
        await assertFitsPhone(page, 'account page, passkeys card');

        // A name, then the browser's ceremony (the virtual authenticator answers at once).
        const name = card.getByLabel('Nom de la clé');
        assert.equal(await name.inputValue(), 'Cet appareil');
        await name.fill('Ordinateur');
        const add = card.getByRole('button', { name: "Ajouter une clé d'accès" });
        await add.click();
        await card.getByRole('status').filter({ hasText: "La clé d'accès Ordinateur a été ajoutée." }).waitFor();
        const rows = card.getByTestId('passkey-row');
        await rows.filter({ hasText: 'Ordinateur' }).waitFor();
        assert.equal(await rows.count(), 1);
        await rows.first().getByText('jamais').waitFor();
        assert.equal(
          await card.getByRole('heading', { name: "Clés d'accès" }).evaluate((el) => el === document.activeElement),
          true,
          'the card heading has the focus',
        );
        // The key lives on the authenticator, discoverable: the login finds it without an e-mail.
        const created = await authenticator.credentials();
        assert.equal(created.length, 1);
        assert.equal(created[0].isResidentCredential, true, 'a discoverable key');
        const [kept] = (await apiGet(page, '/api/v1/me/passkeys')).items;
        assert.equal(kept.name, 'Ordinateur');
        assert.equal(kept.last_used_at, null);
        found.push(...(await audit(page, 'account page, a passkey listed')));
        await assertFitsPhone(page, 'account page, a passkey listed');

        // Once more on the same device: the browser refuses (the server sent the key to exclude), the card says why.
        await add.click();
        await card.getByRole('alert').filter({ hasText: "Cet appareil a déjà une clé d'accès pour votre compte" }).waitFor();
        assert.equal((await authenticator.credentials()).length, 1);
        assert.equal(await rows.count(), 1);
        found.push(...(await audit(page, 'account page, passkey already on this device')));

        await logout(page);
        const withPasskey = page.getByRole('button', { name: "Se connecter avec une clé d'accès" });
        await withPasskey.waitFor();
        found.push(...(await audit(page, 'login page, passkey button')));
        await assertFitsPhone(page, 'login page, passkey button');
        assert.equal((await page.request.get('/api/v1/me')).status(), 401);

        // No e-mail, no password: the browser offers the key, the server opens the session.
        await withPasskey.click();
        await page.getByRole('navigation', { name: 'Navigation principale' }).waitFor();
        const me = await page.evaluate(() => fetch('/api/v1/me').then((r) => r.json()));
        assert.equal(me.user.email, email);
        const [used] = (await apiGet(page, '/api/v1/me/passkeys')).items;
        assert.ok(used.last_used_at, 'the last use is kept');
        assert.ok((await authenticator.credentials())[0].signCount >= 1, 'the authenticator signed');
        assertClean(found);
      },
      localhostUrl(),
    );
  });
});
