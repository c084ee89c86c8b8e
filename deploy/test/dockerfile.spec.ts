import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SERVICE_NAMES } from '../../tools/docs/service-environments';
import { REMOVED_FROM_IMAGE, ROOT } from './deploy-files';

interface Instruction {
  readonly keyword: string;
  readonly args: string;
}

interface Stage {
  readonly from: string;
  readonly name: string;
  readonly instructions: Instruction[];
}

/** The Dockerfile's stages with their instructions (continuation lines joined, comments dropped). */
function readStages(): Stage[] {
  const text = readFileSync(join(ROOT, 'Dockerfile'), 'utf8').replace(/\\\n/g, ' ');
  const stages: Stage[] = [];
  for (const line of text.split('\n').map((raw) => raw.trim())) {
    if (line === '' || line.startsWith('#')) continue;
    const [keyword, ...rest] = line.split(/\s+/);
    const args = rest.join(' ');
    if (keyword.toUpperCase() === 'FROM') {
      const [, from, name] = /^(\S+)(?:\s+AS\s+(\S+))?/i.exec(args) ?? [];
      stages.push({ from, name, instructions: [] });
    } else if (stages.length > 0) {
      stages[stages.length - 1].instructions.push({ keyword: keyword.toUpperCase(), args });
    }
  }
  return stages;
}

const stages = readStages();
const runtime = stages[stages.length - 1];
const of = (stage: Stage, keyword: string): string[] =>
  stage.instructions
    .filter((instruction) => instruction.keyword === keyword)
    .map((instruction) => instruction.args);

describe('Dockerfile', () => {
  it('builds in stages and ships only the runtime stage', () => {
    expect(stages.map((stage) => stage.name)).toEqual(['build', 'prod-deps', 'runtime']);
    expect(of(stages[0], 'RUN').join(' ')).toContain('npm run build');
    expect(of(stages[1], 'RUN').join(' ')).toMatch(/npm ci --omit=dev/);
    expect(of(runtime, 'RUN')).toEqual([]);
  });

  it('deletes from the production install exactly what the compiled-entrypoint test runs without', () => {
    const removed = /rm -rf ((?:node_modules\/\S+\s*)+)/.exec(of(stages[1], 'RUN').join(' '))?.[1] ?? '';
    expect(removed.trim().split(/\s+/).sort()).toEqual(
      REMOVED_FROM_IMAGE.map((name) => `node_modules/${name}`).sort(),
    );
  });

  it('runs as the unprivileged node user, with a HEALTHCHECK on /health/live', () => {
    expect(of(runtime, 'USER')).toEqual(['node']);
    const [healthcheck] = of(runtime, 'HEALTHCHECK');
    expect(healthcheck).toContain('/app/deploy/docker/healthcheck.js');
    expect(readFileSync(join(ROOT, 'deploy/docker/healthcheck.js'), 'utf8')).toContain('/health/live');
  });

  it('copies into the build context only paths that exist and are not docker-ignored', () => {
    const ignored = readFileSync(join(ROOT, '.dockerignore'), 'utf8')
      .split('\n')
      .filter((line) => line.trim() !== '' && !line.startsWith('#'));
    const sources = stages
      .flatMap((stage) => of(stage, 'COPY'))
      .filter((args) => !args.startsWith('--from'))
      .flatMap((args) => args.split(/\s+/).slice(0, -1));
    expect(sources.length).toBeGreaterThan(0);
    for (const source of sources) {
      expect(existsSync(join(ROOT, source))).toBe(true);
      expect(ignored).not.toContain(source);
    }
  });

  it('takes the service from its first argument, and the entrypoint refuses anything else', () => {
    const [entrypoint] = of(runtime, 'ENTRYPOINT');
    expect(JSON.parse(entrypoint)).toEqual(['/bin/sh', '/usr/local/bin/opsline']);
    const script = join(ROOT, 'deploy/docker/entrypoint.sh');
    expect(() => execFileSync('sh', [script, 'billing'], { env: {}, stdio: 'pipe' })).toThrow(
      /name the service/,
    );
    // A fake app dir whose main.js echoes its arguments stands in for the compiled service.
    const appDir = mkdtempSync(join(tmpdir(), 'opsline-image-'));
    mkdirSync(join(appDir, 'dist/apps/orders/src'), { recursive: true });
    writeFileSync(
      join(appDir, 'dist/apps/orders/src/main.js'),
      "process.stdout.write(JSON.stringify({ main: 'dist/apps/orders/src/main.js', args: process.argv.slice(2) }))",
    );
    const echoed = execFileSync('sh', [script, 'orders', '--migrate-only'], {
      env: { PATH: process.env.PATH, OPSLINE_APP_DIR: appDir },
    }).toString();
    rmSync(appDir, { recursive: true, force: true });
    expect(JSON.parse(echoed)).toEqual({ main: 'dist/apps/orders/src/main.js', args: ['--migrate-only'] });
  });

  it.each(SERVICE_NAMES)('has a compiled entrypoint for %s where the image runs it', (service) => {
    // tsc keeps paths under outDir "dist" (rootDir is the repository), so the main.ts below becomes
    // dist/apps/<service>/src/main.js; the medium test compiled-entrypoint runs the real build.
    expect(existsSync(join(ROOT, `apps/${service}/src/main.ts`))).toBe(true);
    const tsconfig = JSON.parse(readFileSync(join(ROOT, 'tsconfig.json'), 'utf8')) as {
      compilerOptions: { outDir: string };
    };
    expect(tsconfig.compilerOptions.outDir).toBe('dist');
    expect(readFileSync(join(ROOT, 'deploy/docker/entrypoint.sh'), 'utf8')).toContain(
      '/dist/apps/$service/src/main.js',
    );
  });
});
