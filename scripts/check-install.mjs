#!/usr/bin/env node
/**
 * Proves each published package installs and works on its own, the way a user gets it:
 *   1. build every package and `pnpm pack` it (workspace: ranges become real versions);
 *   2. for each scenario, a fresh npm project in the OS temp dir (outside the workspace, no
 *      links), installing only the scenario's vaekit tarballs and the tfjs peers they declare;
 *   3. run the scenario's program as ESM (`import`) and as CJS (`require`), and type-check a
 *      `.ts` consumer with TypeScript.
 * The CLI scenario installs the CLI tarball and runs `npx vaekit --help`.
 *
 * Usage: node scripts/check-install.mjs [scenario ...]   (default: all)
 */
import { execFileSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const scenariosDir = join(root, 'scripts', 'install-check');
const TFJS = '4.22.0';

const PACKAGES = {
  backend: 'packages/backend',
  distributions: 'packages/distributions',
  objectives: 'packages/objectives',
  layers: 'packages/layers',
  core: 'packages/core',
  trainer: 'packages/trainer',
  sweep: 'packages/sweep',
  cli: 'apps/cli',
};

/** Each scenario: the vaekit packages it installs, the extra npm packages (tfjs peers), and whether it is the CLI. */
const SCENARIOS = JSON.parse(readFileSync(join(scenariosDir, 'scenarios.json'), 'utf8'));

/**
 * The same scenario (`scenario.cjs`: `exports.run = async (modules) => ...`) loaded through
 * both module systems: `program.mjs` imports the packages, `program.cjs` requires them.
 */
function writePrograms(dir, modules) {
  const list = modules.map((m) => JSON.stringify(m));
  writeFileSync(
    join(dir, 'program.mjs'),
    `${list.map((m, i) => `import * as m${i} from ${m};`).join('\n')}\nimport scenario from './scenario.cjs';\nconsole.log('OK', await scenario.run([${list.map((_, i) => `m${i}`).join(', ')}], 'esm'));\n`,
  );
  writeFileSync(
    join(dir, 'program.cjs'),
    `require('./scenario.cjs').run([${list.map((m) => `require(${m})`).join(', ')}], 'cjs').then((r) => console.log('OK', r));\n`,
  );
}

function run(cmd, args, cwd, options = {}) {
  const started = Date.now();
  try {
    const out = execFileSync(cmd, args, {
      cwd,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        ...process.env,
        npm_config_fund: 'false',
        npm_config_audit: 'false',
        npm_config_update_notifier: 'false',
      },
      ...options,
    });
    return { out, ms: Date.now() - started };
  } catch (error) {
    const detail = `${error.stdout ?? ''}${error.stderr ?? ''}`.trim();
    throw new Error(`${cmd} ${args.join(' ')} failed in ${cwd}:\n${detail}`);
  }
}

const wanted = process.argv.slice(2);
const selected = Object.entries(SCENARIOS).filter(
  ([name]) => wanted.length === 0 || wanted.includes(name),
);
if (selected.length === 0) {
  console.error(
    `unknown scenario(s) ${wanted.join(', ')}; valid: ${Object.keys(SCENARIOS).join(', ')}`,
  );
  process.exit(2);
}

const needed = new Set(selected.flatMap(([, s]) => s.packages));
console.log(`building ${[...needed].join(', ')} ...`);
run('npx', ['turbo', 'run', 'build', ...[...needed].map((p) => `--filter=./${PACKAGES[p]}`)], root);

const packDir = mkdtempSync(join(tmpdir(), 'vaekit-pack-'));
const tarballs = {};
for (const name of needed) {
  const before = new Set(readdirSync(packDir));
  run('pnpm', ['pack', '--pack-destination', packDir], join(root, PACKAGES[name]));
  const added = readdirSync(packDir).filter((f) => !before.has(f));
  if (added.length !== 1)
    throw new Error(`pnpm pack of ${name} produced ${added.join(', ') || 'nothing'}`);
  tarballs[name] = join(packDir, added[0]);
}

let failures = 0;
let passes = 0;
for (const [name, scenario] of selected) {
  const dir = mkdtempSync(join(tmpdir(), `vaekit-consumer-${name}-`));
  try {
    writeFileSync(
      join(dir, 'package.json'),
      JSON.stringify({ name: `consumer-${name}`, version: '1.0.0', private: true }, null, 2),
    );
    if (existsSync(join(scenariosDir, name)))
      cpSync(join(scenariosDir, name), dir, { recursive: true });
    if (!scenario.cli) writePrograms(dir, scenario.modules);
    const deps = [
      ...scenario.packages.map((p) => tarballs[p]),
      ...scenario.npm.map((d) => d.replace('$TFJS', TFJS)),
    ];
    const install = run('npm', ['install', '--no-package-lock', '--ignore-scripts', ...deps], dir);
    const steps = [];
    if (scenario.cli) {
      const help = run('npx', ['--no-install', 'vaekit', '--help'], dir);
      if (!/Usage: vaekit/.test(help.out))
        throw new Error(`npx vaekit --help printed:\n${help.out}`);
      steps.push(`npx vaekit --help (${help.ms} ms)`);
    } else {
      const esm = run('node', ['program.mjs'], dir);
      const cjs = run('node', ['program.cjs'], dir);
      for (const [label, r] of /** @type {const} */ ([
        ['esm', esm],
        ['cjs', cjs],
      ])) {
        if (!r.out.includes('OK')) throw new Error(`${label} program did not print OK:\n${r.out}`);
      }
      run(
        'npm',
        ['install', '--no-package-lock', '--ignore-scripts', 'typescript@5', '@types/node@20'],
        dir,
      );
      const tsc = run(
        'npx',
        [
          '--no-install',
          'tsc',
          '--noEmit',
          '--strict',
          '--module',
          'nodenext',
          '--moduleResolution',
          'nodenext',
          '--target',
          'es2022',
          '--skipLibCheck',
          'consumer.ts',
        ],
        dir,
      );
      steps.push(`esm (${esm.ms} ms)`, `cjs (${cjs.ms} ms)`, `tsc (${tsc.ms} ms)`);
    }
    console.log(`✓ ${name}: npm install (${install.ms} ms), ${steps.join(', ')}`);
    passes++;
  } catch (error) {
    console.error(`✗ ${name}: ${error.message}`);
    failures++;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
rmSync(packDir, { recursive: true, force: true });
console.log(`install-check: ${passes} passed, ${failures} failed`);
process.exit(failures === 0 ? 0 : 1);
