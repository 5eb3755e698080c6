import t from 'tap';
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkJava, checkMaven, javaMajor } from '../src/tools.js';

t.test('reads the major version of old and new java -version formats', async (t) => {
  t.equal(javaMajor('openjdk version "17.0.15" 2025-04-15'), 17);
  t.equal(javaMajor('openjdk version "21" 2023-09-19'), 21);
  t.equal(javaMajor('java version "1.8.0_392"'), 8);
  t.equal(javaMajor('something else'), undefined);
});

t.test('a missing java names itself and the install command', async (t) => {
  await t.rejects(checkJava('/nonexistent/java'), { code: 'TH_ERR_MISSING_TOOL', message: /Java 17.*\/nonexistent\/java.*apt-get install openjdk-17-jre-headless maven/ });
});

t.test('a java older than 17 is refused with its version', async (t) => {
  const dir = t.testdir();
  const fake = join(dir, 'java');
  writeFileSync(fake, '#!/bin/sh\necho \'openjdk version "11.0.22" 2024-01-16\' >&2\n');
  chmodSync(fake, 0o755);
  await t.rejects(checkJava(fake), { code: 'TH_ERR_MISSING_TOOL', message: /is Java 11/ });
});

t.test("this machine's java passes", async (t) => {
  t.ok((await checkJava('java')) >= 17);
});

t.test('a missing mvn names itself and the install command', async (t) => {
  await t.rejects(checkMaven('/nonexistent/mvn'), { code: 'TH_ERR_MISSING_TOOL', message: /Maven.*\/nonexistent\/mvn.*apt-get install/ });
});
