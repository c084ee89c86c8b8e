// Only the global teardown imports this: prettier cannot load inside jest's test runtime.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as prettier from 'prettier';
import { TABLE_END, TABLE_START } from './results';

/**
 * Replaces the table between the markers of `docs/reliability.md` (the rest of the file is left alone),
 * formatted as `npm run lint` expects.
 */
export async function writeTableToDocs(root: string, table: string, footer: string): Promise<void> {
  const file = join(root, 'docs', 'reliability.md');
  if (!existsSync(file)) return;
  const text = readFileSync(file, 'utf8');
  const start = text.indexOf(TABLE_START);
  const end = text.indexOf(TABLE_END);
  if (start < 0 || end < start) return;
  const replaced = `${text.slice(0, start + TABLE_START.length)}\n\n${table}\n\n${footer}\n\n${text.slice(end)}`;
  const options = (await prettier.resolveConfig(file)) ?? {};
  writeFileSync(file, await prettier.format(replaced, { ...options, filepath: file }));
}
