import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ALL_TOPICS, deadLetterTopic } from '@opsline/contracts';
import {
  CONSUMER_LAG_METRIC,
  DEAD_LETTERS_METRIC,
  HTTP_REQUEST_DURATION_METRIC,
  OUTBOX_BACKLOG_METRIC,
} from '@opsline/platform';
import { parse as parseYaml } from 'yaml';
import {
  acceptedVariables,
  IMAGE_VARIABLES,
  SERVICE_ENVIRONMENTS,
  SERVICE_NAMES,
} from '../../tools/docs/service-environments';
import {
  applyStrategicMerge,
  composeSchemaErrors,
  containerVariables,
  K8sObject,
  kubernetesSchemaError,
  readCompose,
  readYamlDocuments,
  ROOT,
  yamlFilesUnder,
} from './deploy-files';

const DEFAULT_PORTS = { orders: 3001, returns: 3002, inventory: 3003, kpi: 3004 } as const;
const EXPECTED_TOPICS = ALL_TOPICS.flatMap((topic) => [topic, deadLetterTopic(topic)]).sort();

/** The variables a service's config class accepts, plus those the image itself documents. */
function allowedFor(service: (typeof SERVICE_NAMES)[number]): string[] {
  return acceptedVariables(SERVICE_ENVIRONMENTS[service]);
}

describe('docker-compose.yml', () => {
  const compose = readCompose();

  it('is valid against the Compose Specification schema', () => {
    expect(composeSchemaErrors(compose)).toEqual([]);
  });

  it('the schema check rejects what Compose would reject', () => {
    expect(
      composeSchemaErrors({ services: { broken: { depends_on: { db: { condition: 'eventually' } } } } }),
    ).not.toEqual([]);
    expect(
      composeSchemaErrors({ services: { broken: { image: 'x', restart_policy: 'always' } } }),
    ).not.toEqual([]);
  });

  it.each(SERVICE_NAMES)('%s sets exactly the variables its config class accepts', (service) => {
    const environment = compose.services[service].environment ?? {};
    expect(Object.keys(environment).sort()).toEqual(allowedFor(service));
    expect(environment.PORT).toBe(String(DEFAULT_PORTS[service]));
    expect(environment.NODE_ENV).toBe('production');
  });

  it.each(SERVICE_NAMES)(
    '%s runs the one image, picked by argument, after the database and topics',
    (service) => {
      const definition = compose.services[service];
      expect(definition.image).toBe('opsline:local');
      expect(definition.command).toEqual([service]);
      expect(definition.depends_on).toEqual({
        postgres: { condition: 'service_healthy' },
        'kafka-init': { condition: 'service_completed_successfully' },
      });
      expect(definition.ports).toEqual([`${DEFAULT_PORTS[service]}:${DEFAULT_PORTS[service]}`]);
    },
  );

  it('runs Apache Kafka in KRaft mode with 3 partitions by default, and the init step creates every topic', () => {
    const kafka = compose.services.kafka;
    expect(kafka.image).toMatch(/^apache\/kafka:/);
    expect(kafka.environment?.KAFKA_PROCESS_ROLES).toBe('broker,controller');
    expect(kafka.environment?.KAFKA_NUM_PARTITIONS).toBe(3);
    expect(kafka.healthcheck).toBeDefined();
    const init = compose.services['kafka-init'];
    expect(init.depends_on).toEqual({ kafka: { condition: 'service_healthy' } });
    expect(String(init.environment?.OPSLINE_TOPICS).split(/\s+/).sort()).toEqual(EXPECTED_TOPICS);
    expect(init.environment?.OPSLINE_PARTITIONS).toBe(3);
    expect(String(init.command)).toContain('--if-not-exists');
    expect(compose.services.postgres.healthcheck).toBeDefined();
  });

  it('points every service at the compose Kafka and PostgreSQL', () => {
    for (const service of SERVICE_NAMES) {
      const environment = compose.services[service].environment ?? {};
      expect(environment.KAFKA_BROKERS).toBe('kafka:19092');
      expect(String(environment.DATABASE_URL)).toMatch(/^postgres:\/\/[^@]+@postgres:5432\//);
    }
  });

  it('has Prometheus scrape /metrics of each service on its port', () => {
    const prometheus = parseYaml(readFileSync(join(ROOT, 'deploy/prometheus/prometheus.yml'), 'utf8')) as {
      scrape_configs: { metrics_path: string; static_configs: { targets: string[] }[] }[];
    };
    const [job] = prometheus.scrape_configs;
    expect(job.metrics_path).toBe('/metrics');
    expect(job.static_configs.flatMap((config) => config.targets).sort()).toEqual(
      SERVICE_NAMES.map((service) => `${service}:${DEFAULT_PORTS[service]}`).sort(),
    );
    const mounts = compose.services.prometheus as unknown as { volumes: string[] };
    expect(mounts.volumes).toContain('./deploy/prometheus/prometheus.yml:/etc/prometheus/prometheus.yml:ro');
  });

  it('provisions a Grafana dashboard with lag, throughput, dead letters and outbox backlog', () => {
    const dashboard = JSON.parse(
      readFileSync(join(ROOT, 'deploy/grafana/dashboards/opsline.json'), 'utf8'),
    ) as {
      panels: { title: string; targets: { expr: string }[] }[];
    };
    const exprOf = (title: string): string =>
      dashboard.panels
        .filter((panel) => panel.title.toLowerCase().includes(title))
        .flatMap((panel) => panel.targets.map((target) => target.expr))
        .join(' ');
    expect(exprOf('lag')).toContain(CONSUMER_LAG_METRIC);
    expect(exprOf('throughput')).toContain(`${HTTP_REQUEST_DURATION_METRIC}_count`);
    expect(exprOf('dead letters')).toContain(DEAD_LETTERS_METRIC);
    expect(exprOf('outbox')).toContain(OUTBOX_BACKLOG_METRIC);
    const grafana = compose.services.grafana as unknown as { volumes: string[] };
    for (const volume of grafana.volumes) expect(existsSync(join(ROOT, volume.split(':')[0]))).toBe(true);
  });
});

describe('Kubernetes manifests (deploy/k8s)', () => {
  const overlay = readYamlDocuments('deploy/k8s/overlays/example/kustomization.yaml')[0] as {
    resources: string[];
    patches: { path: string }[];
    secretGenerator: { envs: string[] }[];
  };
  const patchFiles = overlay.patches.map((patch) => `deploy/k8s/overlays/example/${patch.path}`);
  const manifestFiles = yamlFilesUnder('deploy/k8s').filter(
    (path) => !path.endsWith('kustomization.yaml') && !patchFiles.includes(path),
  );
  const objectsOf = (dir: string): K8sObject[] =>
    manifestFiles
      .filter((path) => path.startsWith(dir))
      .flatMap((path) => readYamlDocuments(path) as K8sObject[]);
  const base = objectsOf('deploy/k8s/base');

  it.each(manifestFiles)('%s is valid against the Kubernetes schemas of its kinds', (path) => {
    const objects = readYamlDocuments(path) as K8sObject[];
    expect(objects.length).toBeGreaterThan(0);
    expect(objects.map(kubernetesSchemaError).filter(Boolean)).toEqual([]);
  });

  it.each(patchFiles)('%s patches a base object into one that is still valid', (path) => {
    for (const patch of readYamlDocuments(path) as K8sObject[]) {
      const target = base.find(
        (object) => object.kind === patch.kind && object.metadata.name === patch.metadata.name,
      );
      expect(target).toBeDefined();
      const patched = applyStrategicMerge(target as K8sObject, patch);
      expect(kubernetesSchemaError(patched)).toBeUndefined();
      expect(patched).not.toEqual(target);
    }
  });

  it('the schema check rejects a broken Deployment', () => {
    const deployment = structuredClone(base.find((object) => object.kind === 'Deployment')) as K8sObject;
    (deployment.spec as { replicas: unknown }).replicas = 'two';
    expect(kubernetesSchemaError(deployment)).toMatch(/replicas/);
    expect(
      kubernetesSchemaError({ apiVersion: 'apps/v9', kind: 'Deployment', metadata: { name: 'x' } }),
    ).toMatch(/no schema/);
  });

  it.each(['deploy/k8s/base', 'deploy/k8s/overlays/example'])(
    '%s/kustomization.yaml lists files that exist, and the base lists every manifest in it',
    (dir) => {
      const [kustomization] = readYamlDocuments(`${dir}/kustomization.yaml`) as {
        resources: string[];
        patches?: { path: string }[];
        secretGenerator?: { envs: string[] }[];
      }[];
      const referenced = [
        ...kustomization.resources,
        ...(kustomization.patches ?? []).map((patch) => patch.path),
        ...(kustomization.secretGenerator ?? []).flatMap((generator) => generator.envs),
      ];
      for (const path of referenced) expect(existsSync(join(ROOT, dir, path))).toBe(true);
      if (dir.endsWith('base')) {
        expect([...kustomization.resources].sort()).toEqual(
          manifestFiles.filter((path) => dirname(path) === dir).map((path) => path.slice(dir.length + 1)),
        );
      }
    },
  );

  describe.each(SERVICE_NAMES)('%s', (service) => {
    const name = `opsline-${service}`;
    const find = (kind: string): K8sObject | undefined =>
      base.find((object) => object.kind === kind && object.metadata.name === name);
    const deployment = find('Deployment') as K8sObject;
    const podSpec = (deployment.spec as { template: { spec: { containers: Record<string, unknown>[] } } })
      .template.spec;
    const [container] = podSpec.containers;

    it('sets exactly the variables its config class accepts', () => {
      expect(containerVariables(container, base)).toEqual(allowedFor(service));
      expect(container.args).toEqual([service]);
    });

    it('probes the health endpoints and has resource requests and limits', () => {
      const probe = (key: string): unknown => (container[key] as { httpGet: { path: string } }).httpGet.path;
      expect(probe('readinessProbe')).toBe('/health/ready');
      expect(probe('livenessProbe')).toBe('/health/live');
      expect(container.ports).toEqual([{ name: 'http', containerPort: DEFAULT_PORTS[service] }]);
      const resources = container.resources as { requests: object; limits: object };
      expect(Object.keys(resources.requests).sort()).toEqual(['cpu', 'memory']);
      expect(Object.keys(resources.limits)).toContain('memory');
    });

    it('has a PodDisruptionBudget and, if it scales, an HPA capped at the partition count', () => {
      expect(find('PodDisruptionBudget')).toBeDefined();
      const hpa = find('HorizontalPodAutoscaler');
      // the kpi projector runs alone (see below); its API replicas scale instead
      if (service === 'kpi') return expect(hpa).toBeUndefined();
      const spec = (hpa as K8sObject).spec as { maxReplicas: number; scaleTargetRef: { name: string } };
      expect(spec.scaleTargetRef.name).toBe(name);
      const [kafka] = [readCompose().services.kafka];
      expect(spec.maxReplicas).toBeLessThanOrEqual(Number(kafka.environment?.KAFKA_NUM_PARTITIONS));
    });

    it('is migrated by the migrations Job with the same configuration', () => {
      const job = base.find((object) => object.kind === 'Job') as K8sObject;
      const containers = (job.spec as { template: { spec: { containers: Record<string, unknown>[] } } })
        .template.spec.containers;
      const migrate = containers.find((candidate) => candidate.name === service) as Record<string, unknown>;
      expect(migrate.args).toEqual([service, '--migrate-only']);
      expect(migrate.envFrom).toEqual(container.envFrom);
    });
  });

  describe('kpi: one projector and scaled read-API replicas', () => {
    const deployment = (name: string) =>
      base.find((object) => object.kind === 'Deployment' && object.metadata.name === name) as K8sObject;
    const containerOf = (object: K8sObject) =>
      (object.spec as { template: { spec: { containers: { env: { name: string; value: string }[] }[] } } })
        .template.spec.containers[0];
    const role = (object: K8sObject) => containerOf(object).env.find((v) => v.name === 'KPI_ROLE')?.value;
    const projector = deployment('opsline-kpi');
    const api = deployment('opsline-kpi-api');

    it('runs exactly one projector, never two at once', () => {
      expect(role(projector)).toBe('projector');
      expect(projector.spec).toMatchObject({ replicas: 1, strategy: { type: 'Recreate' } });
    });

    it('runs the API replicas with the same configuration, KPI_ROLE=api, behind the Service', () => {
      expect(role(api)).toBe('api');
      expect(containerVariables(containerOf(api), base)).toEqual(allowedFor('kpi'));
      const others = (object: K8sObject) => containerOf(object).env.filter((v) => v.name !== 'KPI_ROLE');
      expect(others(api)).toEqual(others(projector));
      const service = base.find(
        (object) => object.kind === 'Service' && object.metadata.name === 'opsline-kpi',
      );
      expect((service?.spec as { selector: object }).selector).toEqual({
        'app.kubernetes.io/name': 'opsline-kpi-api',
      });
      const hpa = base.find(
        (object) => object.kind === 'HorizontalPodAutoscaler' && object.metadata.name === 'opsline-kpi-api',
      );
      expect((hpa?.spec as { scaleTargetRef: { name: string } }).scaleTargetRef.name).toBe('opsline-kpi-api');
      expect(
        base.some(
          (object) => object.kind === 'PodDisruptionBudget' && object.metadata.name === 'opsline-kpi-api',
        ),
      ).toBe(true);
    });
  });

  it('keeps DATABASE_URL and OPSLINE_API_KEYS in a Secret, not a ConfigMap', () => {
    const secret = base.find((object) => object.kind === 'Secret') as K8sObject;
    expect(Object.keys(secret.stringData as object).sort()).toEqual(['DATABASE_URL', 'OPSLINE_API_KEYS']);
    for (const configMap of base.filter((object) => object.kind === 'ConfigMap')) {
      expect(Object.keys(configMap.data as object)).not.toContain('DATABASE_URL');
      expect(Object.keys(configMap.data as object)).not.toContain('OPSLINE_API_KEYS');
    }
    const env = readFileSync(join(ROOT, 'deploy/k8s/overlays/example/secrets.example.env'), 'utf8');
    expect(
      env
        .trim()
        .split('\n')
        .map((line) => line.split('=')[0])
        .sort(),
    ).toEqual(['DATABASE_URL', 'OPSLINE_API_KEYS']);
  });

  it('documents the image variables it relies on', () => {
    const configuration = readFileSync(join(ROOT, 'docs/configuration.md'), 'utf8');
    for (const variable of IMAGE_VARIABLES) expect(configuration).toContain(`\`${variable}\``);
  });
});
