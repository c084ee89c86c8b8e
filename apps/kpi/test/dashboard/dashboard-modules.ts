import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runInThisContext } from 'node:vm';
import * as ts from 'typescript';

const DASHBOARD = join(__dirname, '..', '..', 'dashboard');
const loaded = new Map<string, Record<string, unknown>>();

/**
 * A module of apps/kpi/dashboard (plain browser ES modules, no build step) loaded for a unit test:
 * transpiled to CommonJS as is, the dashboard modules it imports loaded the same way. Only modules
 * that touch no browser API at load time can be loaded (the pure logic ones do not).
 */
export function dashboardModule<T>(file: string): T {
  const cached = loaded.get(file);
  if (cached !== undefined) return cached as T;
  const source = readFileSync(join(DASHBOARD, file), 'utf8');
  const { outputText } = ts.transpileModule(source, {
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 },
    fileName: file,
  });
  const exports: Record<string, unknown> = {};
  loaded.set(file, exports);
  const requireDashboard = (specifier: string): unknown => {
    if (!specifier.startsWith('./'))
      throw new Error(`${file} imports ${specifier}: only ./ modules load here`);
    return dashboardModule(specifier.slice(2));
  };
  const factory = runInThisContext(`(function (exports, require) {${outputText}\n})`, {
    filename: join(DASHBOARD, file),
  }) as (exports: Record<string, unknown>, require: (specifier: string) => unknown) => void;
  factory(exports, requireDashboard);
  return exports as T;
}
