/* global window, document -- in page.evaluate callbacks, which run in the browser */
// What the browser tests share to audit a page: axe-core's WCAG 2.1 A/AA rules (failing on serious and critical
// violations), the phone-width check, and a fresh page whose CSP lets axe's source in. accessibility.test.mjs keeps
// its own audit, which also counts the minor findings for its report.
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { ARTIFACTS } from './harness.mjs';

export const AXE_PATH = createRequire(import.meta.url).resolve('axe-core');
export const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];
export const FAILING = new Set(['serious', 'critical']);

/** The serious and critical violations on the page as it is now, each marked with `where`. */
export async function audit(page, where) {
  await page.waitForLoadState('networkidle', { timeout: 8_000 }).catch(() => {});
  await page.waitForTimeout(350);
  if (!(await page.evaluate(() => typeof window.axe === 'object'))) await page.addScriptTag({ path: AXE_PATH });
  const violations = await page.evaluate(
    (tags) =>
      window.axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] }).then((r) =>
        r.violations.map((v) => ({
          id: v.id,
          impact: v.impact,
          help: v.help,
          nodes: v.nodes.map((n) => `${n.target.join(' ')}\n      ${(n.failureSummary ?? '').replace(/\n/g, '\n      ')}`),
        })),
      ),
    TAGS,
  );
  return violations.filter((v) => FAILING.has(v.impact)).map((v) => ({ ...v, where }));
}

export function assertClean(found) {
  const text = found.map((v) => `${v.where}: [${v.impact}] ${v.id}: ${v.help}\n    ${v.nodes.slice(0, 8).join('\n    ')}`).join('\n');
  assert.equal(found.length, 0, `axe found ${found.length} serious or critical violations:\n${text}`);
}

/** Nothing wider than the phone: no sideways scrolling. */
export async function assertFitsPhone(page, where) {
  const { scroll, width } = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, width: window.innerWidth }));
  assert.ok(scroll <= width, `${where}: the page is ${scroll} px wide on a ${width} px screen`);
}

/**
 * Runs `fn` with a page of a fresh context (own cookies) at `viewport`, in Paris time, whose CSP is bypassed so that
 * axe's source can be injected; at `baseURL` (the stack's address unless told). On failure, a screenshot and the
 * page's errors are added to the message.
 */
export async function withA11yPage(stack, t, viewport, fn, baseURL = stack.baseUrl) {
  const context = await stack.browser.newContext({ baseURL, locale: 'fr-FR', timezoneId: 'Europe/Paris', viewport, bypassCSP: true });
  context.setDefaultTimeout(15_000);
  const page = await context.newPage();
  const problems = [];
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  try {
    await fn(page);
  } catch (error) {
    await mkdir(ARTIFACTS, { recursive: true });
    const file = join(ARTIFACTS, `${t.name.replace(/[^\w.-]+/g, '_').slice(0, 100)}.png`);
    await page.screenshot({ path: file, fullPage: true }).catch(() => {});
    error.message += `\nscreenshot: ${file}\nurl: ${page.url()}${problems.length ? `\n${problems.join('\n')}` : ''}`;
    throw error;
  } finally {
    await context.close();
  }
}
