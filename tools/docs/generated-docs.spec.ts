import { readFileSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { EVENT_DATA_CLASSES } from '@opsline/contracts';
import { execFileSync } from 'node:child_process';
import { buildConfigurationReference, CONFIGURATION_REFERENCE_PATH } from './configuration-reference';
import { buildEventCatalogue, EVENT_CATALOGUE_PATH } from './event-catalogue';
import { acceptedVariables, SERVICE_ENVIRONMENTS, SERVICE_NAMES } from './service-environments';

const ROOT = resolve(__dirname, '../..');

describe('generated docs', () => {
  it('docs/configuration.md and docs/events.md are up to date (npm run docs:generate)', () => {
    // prettier 3 loads its plugins by dynamic import, which jest's VM refuses: format in a child process.
    const formatted = (path: string, raw: string): string =>
      execFileSync(
        process.execPath,
        [require.resolve('prettier/bin/prettier.cjs'), '--stdin-filepath', path],
        {
          input: raw,
        },
      ).toString();
    const documents = new Map([
      [CONFIGURATION_REFERENCE_PATH, formatted(CONFIGURATION_REFERENCE_PATH, buildConfigurationReference())],
      [EVENT_CATALOGUE_PATH, formatted(EVENT_CATALOGUE_PATH, buildEventCatalogue())],
    ]);
    for (const [path, content] of documents) {
      expect({ path: relative(ROOT, path), content: readFileSync(path, 'utf8') }).toEqual({
        path: relative(ROOT, path),
        content,
      });
    }
  });

  it('the configuration reference lists every variable of every service with its doc comment', () => {
    const reference = readFileSync(resolve(ROOT, 'docs/configuration.md'), 'utf8');
    for (const service of SERVICE_NAMES) {
      const section = reference.split(`## ${service} `)[1].split('\n## ')[0];
      for (const variable of acceptedVariables(SERVICE_ENVIRONMENTS[service])) {
        expect(section).toMatch(new RegExp(`\\| \`${variable}\` +\\|.*\\| [A-Za-z\`].+ \\|`));
      }
    }
  });

  it('the event catalogue has a section for every registered event type', () => {
    const catalogue = readFileSync(resolve(ROOT, 'docs/events.md'), 'utf8');
    for (const type of Object.keys(EVENT_DATA_CLASSES)) expect(catalogue).toContain(`## \`${type}\``);
  });
});
