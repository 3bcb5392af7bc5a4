/// <reference types="node" />
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

/** Every .ts/.tsx file under `dir`, recursively. */
function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path);
    return /\.tsx?$/.test(name) ? [path] : [];
  });
}

/** What a file imports or re-exports (static `from '…'`, side-effect `import '…'`, dynamic `import('…')`). */
function importedPaths(code: string): string[] {
  const found = code.matchAll(/(?:\bfrom\s*|\bimport\s*\(?\s*)['"]([^'"]+)['"]/g);
  return [...found].map((match) => match[1] ?? '');
}

describe('architecture', () => {
  // Shared components are used by several pages: a component that imports a page (or a page's part) ties them
  // together again, and a change to that page breaks the others.
  it('components import nothing from pages', () => {
    // Vitest runs from web/ (where its config is).
    const root = join(process.cwd(), 'src');
    const files = sources(join(root, 'components'));
    expect(files.length).toBeGreaterThan(0);
    const offenders = files.flatMap((file) =>
      importedPaths(readFileSync(file, 'utf8'))
        .filter((path) => /(^|\/)pages(\/|$)/.test(path))
        .map((path) => `${relative(root, file)} imports ${path}`),
    );
    expect(offenders).toEqual([]);
  });

  it('sees an import from pages when there is one', () => {
    expect(importedPaths("import { x } from '../pages/exams/api.ts';\nimport('../../pages/A.tsx');")).toEqual([
      '../pages/exams/api.ts',
      '../../pages/A.tsx',
    ]);
  });
});
