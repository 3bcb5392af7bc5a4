// End-to-end harness: a real SMTP sink, the real `volant demo` server, and Debian's Chromium.
//
//   VOLANT_BIN=../target/debug/volant npm run e2e
//
// Env: VOLANT_BIN (required), CHROMIUM_PATH (default /usr/bin/chromium), VOLANT_E2E_KEEP=1 keeps the data dir,
// VOLANT_E2E_START_TIMEOUT_MS (default 180000: the first start initialises PostgreSQL and seeds the demo).
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SMTPServer } from 'smtp-server';
import { simpleParser } from 'mailparser';
import { chromium } from 'playwright-core';

const HERE = dirname(fileURLToPath(import.meta.url));
export const ARTIFACTS = join(HERE, '.artifacts');
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];
export const DEMO_PASSWORD = 'volant-demo';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** An in-process SMTP server that keeps every message, parsed. */
export async function startSmtpSink() {
  const messages = [];
  const waiters = new Set();
  const server = new SMTPServer({
    secure: false,
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    size: 10 * 1024 * 1024,
    onData(stream, session, callback) {
      simpleParser(stream)
        .then((parsed) => {
          const message = {
            from: parsed.from?.text ?? '',
            to: session.envelope.rcptTo.map((r) => r.address),
            subject: parsed.subject ?? '',
            text: parsed.text ?? '',
            html: typeof parsed.html === 'string' ? parsed.html : '',
            receivedAt: new Date(),
          };
          messages.push(message);
          for (const w of waiters) w();
          callback();
        })
        .catch((error) => callback(error));
    },
  });
  await new Promise((resolvePromise, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolvePromise());
  });
  const { port } = server.server.address();
  return {
    port,
    url: `smtp://127.0.0.1:${port}`,
    messages,
    /** Resolves with the first message (already received or to come) matching `predicate`. */
    async waitFor(predicate, timeoutMs = 30_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = messages.find(predicate);
        if (found) return found;
        const left = deadline - Date.now();
        if (left <= 0) {
          const seen = messages.map((m) => `${m.to.join(',')}: ${m.subject}`).join('\n  ') || '(none)';
          throw new Error(`no matching mail within ${timeoutMs} ms; received:\n  ${seen}`);
        }
        await new Promise((r) => {
          const done = () => {
            waiters.delete(done);
            clearTimeout(timer);
            r();
          };
          const timer = setTimeout(done, Math.min(left, 500));
          waiters.add(done);
        });
      }
    },
    close: () => new Promise((r) => server.close(() => r())),
  };
}

/** Spawns `$VOLANT_BIN demo` on a free port with a fresh data dir; resolves once it prints its URL. */
export async function startVolant({ smtpUrl }) {
  const bin = process.env.VOLANT_BIN;
  if (!bin) {
    throw new Error(
      'VOLANT_BIN is not set: point it at the volant binary, e.g. `VOLANT_BIN=../target/debug/volant npm run e2e` (build it with cargo first).',
    );
  }
  const binPath = resolve(bin);
  if (!existsSync(binPath)) throw new Error(`VOLANT_BIN=${bin}: no such file (${binPath})`);

  const dataDir = await mkdtemp(join(tmpdir(), 'volant-e2e-'));
  const env = { ...process.env, VOLANT_ADDR: '127.0.0.1:0', VOLANT_DATA_DIR: dataDir, VOLANT_SMTP_URL: smtpUrl };
  delete env.VOLANT_PUBLIC_URL;
  delete env.VOLANT_PROFILE;
  delete env.DATABASE_URL;

  const child = spawn(binPath, ['demo'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const output = [];
  const keep = (chunk) => {
    output.push(chunk.toString());
    if (output.length > 2000) output.splice(0, output.length - 2000);
  };
  let exited = null;
  const exitPromise = new Promise((r) =>
    child.once('exit', (code, signal) => {
      exited = { code, signal };
      r(exited);
    }),
  );
  const timeoutMs = Number(process.env.VOLANT_E2E_START_TIMEOUT_MS ?? 180_000);

  const baseUrl = await new Promise((resolveUrl, reject) => {
    let buffer = '';
    const timer = setTimeout(() => {
      reject(new Error(`volant did not print "listening on http://…" within ${timeoutMs} ms. Output:\n${output.join('')}`));
    }, timeoutMs);
    child.stdout.on('data', (chunk) => {
      keep(chunk);
      buffer += chunk.toString();
      const match = /listening on (http:\/\/\S+)/.exec(buffer);
      if (match) {
        clearTimeout(timer);
        resolveUrl(match[1].replace(/\/+$/, ''));
      }
    });
    child.stderr.on('data', keep);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(new Error(`cannot start ${binPath}: ${error.message}`));
    });
    void exitPromise.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`volant exited early (code ${code}, signal ${signal}). Output:\n${output.join('')}`));
    });
  }).catch(async (error) => {
    if (!exited) child.kill('SIGKILL');
    await rm(dataDir, { recursive: true, force: true }).catch(() => {});
    throw error;
  });

  return {
    baseUrl,
    output,
    async stop() {
      if (!exited) {
        child.kill('SIGTERM');
        const done = await Promise.race([exitPromise, sleep(30_000).then(() => null)]);
        if (!done) {
          child.kill('SIGKILL');
          await exitPromise;
        }
      }
      if (process.env.VOLANT_E2E_KEEP === '1') {
        console.log(`# kept VOLANT_DATA_DIR=${dataDir}`);
      } else {
        await rm(dataDir, { recursive: true, force: true }).catch(() => {});
      }
    },
  };
}

export async function launchBrowser() {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`Chromium not found at ${CHROMIUM}: install it with \`apt-get install chromium\` (or set CHROMIUM_PATH).`);
  }
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
}

/** Everything the tests need: SMTP sink, server, browser. Call `stop()` in `after`. */
export async function startStack() {
  const stack = { smtp: null, volant: null, browser: null };
  stack.stop = async () => {
    await stack.browser?.close().catch(() => {});
    await stack.volant?.stop();
    await stack.smtp?.close();
  };
  try {
    stack.browser = await launchBrowser();
    stack.smtp = await startSmtpSink();
    stack.volant = await startVolant({ smtpUrl: stack.smtp.url });
    stack.baseUrl = stack.volant.baseUrl;
    return stack;
  } catch (error) {
    await stack.stop();
    throw error;
  }
}

/**
 * Runs `fn(page)` in a fresh browser context (own cookies); on failure saves a screenshot in e2e/.artifacts/.
 * Browser console errors and failed requests are collected, and reported with the failure.
 */
export async function withPage(stack, t, fn) {
  const context = await stack.browser.newContext({ baseURL: stack.baseUrl, locale: 'fr-FR', timezoneId: 'Europe/Paris' });
  context.setDefaultTimeout(15_000);
  const page = await context.newPage();
  const problems = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error') problems.push(`console: ${msg.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  try {
    await fn(page);
  } catch (error) {
    await mkdir(ARTIFACTS, { recursive: true });
    const name = t.name.replace(/[^\w.-]+/g, '_').slice(0, 100);
    const file = join(ARTIFACTS, `${name}.png`);
    await page.screenshot({ path: file, fullPage: true }).catch(() => {});
    error.message += `\nscreenshot: ${file}\nurl: ${page.url()}${problems.length ? `\n${problems.join('\n')}` : ''}`;
    throw error;
  } finally {
    await context.close();
  }
}

/** Logs in through the form and waits for the shell. */
export async function login(page, email, password = DEMO_PASSWORD) {
  await page.goto('/connexion');
  await page.getByLabel('Adresse e-mail').fill(email);
  await page.getByLabel('Mot de passe').fill(password);
  await page.getByRole('button', { name: 'Se connecter', exact: true }).click();
  await page.getByRole('navigation', { name: 'Navigation principale' }).waitFor();
}

/** GET through the page's session (its cookie); asserts a 200 and returns the JSON. */
export async function apiGet(page, path) {
  const response = await page.request.get(path);
  if (response.status() !== 200) throw new Error(`GET ${path}: ${response.status()} ${await response.text()}`);
  return response.json();
}

/** The CSRF header of the page's session (for the API's writes). */
export async function csrfHeaders(page) {
  return { 'X-CSRF-Token': (await apiGet(page, '/api/v1/me')).csrf_token };
}

/** POST through the page's session with its CSRF token; asserts the status and returns the JSON. */
export async function apiPost(page, path, data, expected = 201) {
  const response = await page.request.post(path, { headers: await csrfHeaders(page), data });
  if (response.status() !== expected) throw new Error(`POST ${path}: ${response.status()} (expected ${expected}) ${await response.text()}`);
  return response.json();
}
