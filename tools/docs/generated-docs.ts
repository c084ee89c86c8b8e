import { format, resolveConfig } from 'prettier';
import { buildConfigurationReference, CONFIGURATION_REFERENCE_PATH } from './configuration-reference';
import { buildEventCatalogue, EVENT_CATALOGUE_PATH } from './event-catalogue';

/** Every generated document as path → content, formatted as prettier would. */
export async function buildGeneratedDocs(): Promise<Map<string, string>> {
  const documents = new Map<string, string>([
    [CONFIGURATION_REFERENCE_PATH, buildConfigurationReference()],
    [EVENT_CATALOGUE_PATH, buildEventCatalogue()],
  ]);
  for (const [path, content] of documents) {
    const options = (await resolveConfig(path)) ?? {};
    documents.set(path, await format(content, { ...options, filepath: path }));
  }
  return documents;
}
