/**
 * Writes docs/configuration.md and docs/events.md from the code (a test fails when they are stale).
 *
 *   npm run docs:generate
 */
import { writeFileSync } from 'node:fs';
import { relative } from 'node:path';
import { buildGeneratedDocs } from './generated-docs';

buildGeneratedDocs()
  .then((documents) => {
    for (const [path, content] of documents) {
      writeFileSync(path, content);
      console.log(`wrote ${relative(process.cwd(), path)}`);
    }
  })
  .catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
