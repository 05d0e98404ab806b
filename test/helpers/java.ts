import { spawnSync } from 'node:child_process';

/** The oldest Java DynamoDB Local runs on. */
export const JAVA_MIN_MAJOR = 17;

/**
 * Why DynamoDB Local cannot start here, in one line, or undefined when `java` on the PATH is 17 or later. Runs
 * `java -version` once (a few hundred ms); `env` is the environment to look in (default: this process's).
 */
export function javaProblem(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const fix =
    'install a Java runtime 17+ (Debian/Ubuntu: apt-get install -y openjdk-17-jre-headless; .ci/run does this) and run the tests again';
  const run = spawnSync('java', ['-version'], { env, encoding: 'utf8' });
  if (run.error) {
    const code = (run.error as NodeJS.ErrnoException).code;
    return code === 'ENOENT'
      ? `DynamoDB Local tests need Java ${JAVA_MIN_MAJOR}+, and there is no "java" on the PATH: ${fix}`
      : `DynamoDB Local tests need Java ${JAVA_MIN_MAJOR}+, and "java -version" failed (${code ?? run.error.message}): ${fix}`;
  }
  const said = `${run.stderr ?? ''}${run.stdout ?? ''}`;
  const version = /version "(\d+)(?:\.(\d+))?/.exec(said);
  // Java 8 and older report "1.8.0_x": the major is the second number.
  const major = version ? (version[1] === '1' ? Number(version[2]) : Number(version[1])) : Number.NaN;
  if (!Number.isFinite(major)) {
    return `DynamoDB Local tests need Java ${JAVA_MIN_MAJOR}+, and "java -version" did not say its version: ${fix}`;
  }
  if (major < JAVA_MIN_MAJOR) {
    return `DynamoDB Local tests need Java ${JAVA_MIN_MAJOR}+, and "java" on the PATH is Java ${major}: ${fix}`;
  }
  return undefined;
}
