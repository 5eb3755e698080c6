import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { REPO_ROOT, runTool, tool } from '../src/tools.js';

const DOCKERFILE = join(REPO_ROOT, 'docker/Dockerfile');
const CONFIG = join(REPO_ROOT, 'docker/hadolint.yaml');
const lint = (file: string) => runTool(tool('hadolint'), ['--no-color', '--config', CONFIG, file]).then(() => '', (err: Error) => err.message);

t.test('docker/Dockerfile passes hadolint (every rule down to info, except the ones docker/hadolint.yaml explains)', async (t) => {
  t.equal(await lint(DOCKERFILE), '');
});

t.test('the linter catches what the Dockerfile avoids', async (t) => {
  const good = await readFile(DOCKERFILE, 'utf8');
  const dir = await mkdtemp(join(tmpdir(), 'th-dockerfile-'));
  const bad = join(dir, 'Dockerfile');
  await writeFile(bad, good.replace('ARG NODE_IMAGE=node:20.20.2-bookworm-slim', 'ARG NODE_IMAGE=node').replace('FROM ${NODE_IMAGE} AS build', 'FROM node:latest AS build').replace('USER 1000:1000', 'USER root'));
  const out = await lint(bad);
  t.match(out, /DL3007/, 'an image tagged latest');
  t.match(out, /DL3002/, 'the last USER is root');
});

t.test('docker/Dockerfile: stages, pins and users', async (t) => {
  const text = await readFile(DOCKERFILE, 'utf8');
  const froms = [...text.matchAll(/^FROM (\S+)(?: AS (\S+))?$/gm)].map((m) => ({ image: m[1]!, stage: m[2] }));
  t.same(froms.map((f) => f.stage), ['build', 'bpf', 'agent', 'tracehound'], 'multi-stage; the default (last) target is the services image');
  t.ok(froms.every((f) => f.image === '${NODE_IMAGE}'), 'every stage from the one pinned base');
  t.match(text, /^ARG NODE_IMAGE=node:\d+\.\d+\.\d+-bookworm-slim$/m, 'pinned to a full version tag');
  const stage = (name: string) => text.split(/^FROM /m).find((s) => s.includes(` AS ${name}\n`)) ?? '';
  t.match(stage('tracehound'), /^USER 1000:1000$/m, 'the services image runs as uid 1000');
  t.match(stage('bpf'), /clang/, 'the loader is built with clang');
  t.match(stage('agent'), /COPY --from=bpf \/src\/bpf\/\.output\/tracehound-loader \/app\/bpf\/\.output\/tracehound-loader/, 'the agent image holds the loader where the agent looks by default');
  t.match(stage('build'), /npm run build -w services\/ui/, 'the web UI is built into the image');
  const ignore = (await readFile(join(REPO_ROOT, '.dockerignore'), 'utf8')).split('\n');
  for (const p of ['.git', '.data', '**/node_modules', 'bpf/.output']) t.ok(ignore.includes(p), `.dockerignore leaves out ${p}`);
});
