/**
 * Writes one JSON Schema per registered event type, plus index.json, into docs/schemas,
 * formatted as prettier would, and deletes schema files of types no longer registered.
 *
 *   npm run contracts:schemas
 */
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

import { format, resolveConfig } from 'prettier';

import { buildEventJsonSchemaFiles, SCHEMAS_DIRECTORY } from '../src/schemas/event-json-schemas';

async function writeSchemaFiles(): Promise<void> {
  const directory = resolve(__dirname, '../../..', SCHEMAS_DIRECTORY);
  mkdirSync(directory, { recursive: true });
  const files = buildEventJsonSchemaFiles();
  for (const stale of readdirSync(directory).filter((name) => name.endsWith('.json') && !files.has(name))) {
    rmSync(join(directory, stale));
    console.log(`removed ${SCHEMAS_DIRECTORY}/${stale}`);
  }
  for (const [name, schema] of files) {
    const path = join(directory, name);
    const options = (await resolveConfig(path)) ?? {};
    writeFileSync(path, await format(JSON.stringify(schema), { ...options, filepath: path }));
  }
  console.log(`wrote ${files.size} files to ${SCHEMAS_DIRECTORY}`);
}

writeSchemaFiles().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
