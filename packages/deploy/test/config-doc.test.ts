import { readFileSync } from 'node:fs';
import t from 'tap';
import { Type } from '@sinclair/typebox';
import { CONFIG_DOC, configGroups, objectSchemas, renderConfigDoc } from '../src/config-doc.js';

t.test('docs/configuration.md is what `npm run gen:config-doc` writes from the current schemas', async (t) => {
  const onDisk = readFileSync(CONFIG_DOC, 'utf8');
  t.equal(onDisk, renderConfigDoc(), 'stale: run `npm run gen:config-doc` and commit docs/configuration.md');
});

t.test('every variable of every schema is documented once, with its default and meaning', async (t) => {
  const doc = renderConfigDoc();
  const variables = new Set(objectSchemas().flatMap(([, s]) => Object.keys(s.properties)));
  t.ok(variables.size > 60, `${variables.size} variables`);
  for (const v of variables) t.equal(doc.split(`| \`${v}\` |`).length - 1, 1, `${v} has one row`);
  t.match(doc, /\| `TRACEHOUND_KAFKA_BROKERS` \| string matching `.+` \| `127\.0\.0\.1:9092` \| comma-separated host:port list \(e\.g\. `127\.0\.0\.1:9092,kafka-1:9092`\) \|/);
  t.match(doc, /\| `TRACEHOUND_LOG_LEVEL` \| `trace`, `debug`, `info`, `warn`, `error`, `fatal`, `silent` \| `info` \|/);
  t.match(doc, /\| `TRACEHOUND_CLICKHOUSE_URL` \| string matching `\^https\?:\/\/` \| unset \|/);
  t.notOk(configGroups().some((g) => g.name === 'CommonConfig'), 'composites are not repeated as groups');
});

t.test('a new variable changes the document (the staleness check can fail)', async (t) => {
  const groups = configGroups();
  const withNew = groups.map((g) => g.name === 'LogConfig'
    ? { ...g, schema: Type.Object({ ...g.schema.properties, TRACEHOUND_LOG_FORMAT: Type.String({ default: 'json', description: 'json or pretty' }) }) }
    : g);
  const doc = renderConfigDoc(withNew);
  t.not(doc, renderConfigDoc(groups));
  t.match(doc, /\| `TRACEHOUND_LOG_FORMAT` \| string \| `json` \| json or pretty \|/);
});
