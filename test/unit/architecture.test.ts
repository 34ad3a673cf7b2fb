import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

/**
 * Issue 24's seams, checked on every run: one core, three doors. Reads each file's imports
 * with TypeScript's own pre-processor (no type checking), so it is fast and cannot drift
 * from what the compiler sees.
 */
const ROOT = path.resolve(__dirname, '../..');
const files = (dir: string): string[] => readdirSync(path.join(ROOT, dir)).flatMap((f) => {
  const rel = path.join(dir, f);
  if (statSync(path.join(ROOT, rel)).isDirectory()) return files(rel);
  return /\.ts$/.test(f) && !f.endsWith('.d.ts') ? [rel] : [];
});
const SOURCES = [...files('src'), ...files('bots')];

interface Import { from: string; to: string; typeOnly: boolean }
function importsOf(file: string): Import[] {
  const text = readFileSync(path.join(ROOT, file), 'utf8');
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, false);
  const out: Import[] = [];
  const resolve = (spec: string) => {
    const base = path.normalize(path.join(path.dirname(file), spec));
    for (const c of [`${base}.ts`, path.join(base, 'index.ts')]) if (SOURCES.includes(c)) return c;
    return null;
  };
  sf.forEachChild((node) => {
    if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      const spec = node.moduleSpecifier.text;
      if (!spec.startsWith('.')) return;
      const to = resolve(spec);
      const typeOnly = ts.isImportDeclaration(node)
        ? Boolean(node.importClause?.isTypeOnly || (node.importClause && !node.importClause.name && node.importClause.namedBindings
          && ts.isNamedImports(node.importClause.namedBindings) && node.importClause.namedBindings.elements.every((e) => e.isTypeOnly)))
        : node.isTypeOnly;
      if (to) out.push({ from: file, to, typeOnly });
    }
  });
  // `import('…').Type` in a type position
  for (const m of text.matchAll(/import\('(\.[^']+)'\)/g)) {
    const to = resolve(m[1]!);
    if (to) out.push({ from: file, to, typeOnly: true });
  }
  return out;
}
const ALL = SOURCES.flatMap(importsOf);
const under = (dir: string) => (f: string) => f.startsWith(`${dir}/`);

describe('the seams between the core and its doors (issue 24)', () => {
  it('bot handlers reach the store only through services', () => {
    const offenders = files('bots').filter((f) => /\bdeps\.store\b/.test(readFileSync(path.join(ROOT, f), 'utf8')));
    expect(offenders).toEqual([]);
  });

  it('routes import only types from storage/', () => {
    expect(ALL.filter((i) => under('src/http/routes')(i.from) && under('src/storage')(i.to) && !i.typeOnly)).toEqual([]);
  });

  it('domain/ imports nothing from storage/, and services/ nothing from render/ or the doors', () => {
    expect(ALL.filter((i) => under('src/domain')(i.from) && under('src/storage')(i.to))).toEqual([]);
    expect(ALL.filter((i) => under('src/services')(i.from) && (under('src/render')(i.to) || under('src/http')(i.to) || under('bots')(i.to)))).toEqual([]);
  });

  it('bots/ and src/http/ do not import each other', () => {
    expect(ALL.filter((i) => (under('bots')(i.from) && under('src/http')(i.to)) || (under('src/http')(i.from) && under('bots')(i.to)))).toEqual([]);
  });

  it('no import cycle between files (type imports included)', () => {
    const edges = new Map<string, string[]>();
    for (const i of ALL) edges.set(i.from, [...(edges.get(i.from) ?? []), i.to]);
    const cycles: string[] = [];
    const state = new Map<string, 'open' | 'done'>();
    const visit = (f: string, stack: string[]) => {
      if (state.get(f) === 'done') return;
      if (state.get(f) === 'open') {
        cycles.push([...stack.slice(stack.indexOf(f)), f].join(' → '));
        return;
      }
      state.set(f, 'open');
      for (const t of edges.get(f) ?? []) visit(t, [...stack, f]);
      state.set(f, 'done');
    };
    for (const f of SOURCES) visit(f, []);
    expect(cycles).toEqual([]);
  });
});
