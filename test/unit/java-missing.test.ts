import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { javaProblem } from '../helpers/java';

// `npm test` without Java (issue 14): the DynamoDB Local tests fail with one line saying what is missing and how to
// install it, before anything is spawned. A PATH with no java, and a fake `java` that reports an old version.

describe('javaProblem: what the DynamoDB Local tests say when Java is missing or too old', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'autorenew-java-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('no java on the PATH: one line naming the need and the install command', () => {
    const said = javaProblem({ PATH: join(dir, 'empty') });
    expect(said).toBe(
      'DynamoDB Local tests need Java 17+, and there is no "java" on the PATH: install a Java runtime 17+ (Debian/Ubuntu: apt-get install -y openjdk-17-jre-headless; .ci/run does this) and run the tests again',
    );
    expect(said).not.toContain('\n');
  });

  it('an old java: names its version', async () => {
    await writeFile(join(dir, 'java'), '#!/bin/sh\necho \'openjdk version "11.0.2" 2019-01-15\' >&2\n');
    await chmod(join(dir, 'java'), 0o755);
    expect(javaProblem({ PATH: dir })).toMatch(
      /^DynamoDB Local tests need Java 17\+, and "java" on the PATH is Java 11: /,
    );
  });
});
