// Downloads from Maven Central with the machine's Maven, into the stack's cache. Each fetch
// writes into a temporary directory that is renamed into place only when complete, so an
// interrupted download is retried next time rather than half-used. Maven runs one at a time
// (concurrent runs could corrupt the shared local repository); the rest of `up` goes on.
import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { runTool } from './tools';

export interface MavenArtifact {
  groupId: string;
  artifactId: string;
  version: string;
  type?: string;
  classifier?: string;
}

const DEPENDENCY_PLUGIN = 'org.apache.maven.plugins:maven-dependency-plugin:3.8.1';
/**
 * For single archives. Unlike 3.x, its `copy` does not read the artifact's POM, and Apicurio's
 * distribution names a parent POM (io.apicurio:apicurio-registry:3.0.9) absent from Central.
 */
const COPY_PLUGIN = 'org.apache.maven.plugins:maven-dependency-plugin:2.8';

let mavenQueue: Promise<unknown> = Promise.resolve();

function serially<T>(task: () => Promise<T>): Promise<T> {
  const result = mavenQueue.then(task, task);
  mavenQueue = result.catch(() => undefined);
  return result;
}

function pom(artifacts: MavenArtifact[]): string {
  const dependencies = artifacts
    .map(
      (a) =>
        `    <dependency><groupId>${a.groupId}</groupId><artifactId>${a.artifactId}</artifactId>` +
        `<version>${a.version}</version>${a.type ? `<type>${a.type}</type>` : ''}` +
        `${a.classifier ? `<classifier>${a.classifier}</classifier>` : ''}</dependency>`,
    )
    .join('\n');
  return `<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>local.reval-stream</groupId><artifactId>stack-fetch</artifactId><version>1</version>
  <packaging>pom</packaging>
  <dependencies>
${dependencies}
  </dependencies>
</project>
`;
}

export interface MavenFetch {
  service: string;
  cacheDir: string;
  artifacts: MavenArtifact[];
  /** Also copy the artifacts' runtime dependencies (a classpath), not only the artifacts. */
  transitive: boolean;
  /** Final directory; created only when every file is in it. */
  outputDir: string;
  logFile: string;
}

/** Copies the artifacts (and, if asked, their dependencies) into `outputDir`, once. */
export async function mavenFetch(fetch: MavenFetch): Promise<void> {
  if (existsSync(fetch.outputDir)) return;
  await serially(async () => {
    const work = `${fetch.outputDir}.partial`;
    rmSync(work, { recursive: true, force: true });
    mkdirSync(join(work, 'files'), { recursive: true });
    writeFileSync(join(work, 'pom.xml'), pom(fetch.artifacts));
    const maven = (plugin: string, goal: string, ...args: string[]) =>
      runTool(
        fetch.service,
        'mvn',
        [
          '-q',
          '-B',
          `-Dmaven.repo.local=${join(fetch.cacheDir, 'm2')}`,
          `${plugin}:${goal}`,
          `-DoutputDirectory=${join(work, 'files')}`,
          ...args,
        ],
        { cwd: work, logFile: fetch.logFile, what: 'fetching from Maven Central (mvn)' },
      );
    if (fetch.transitive) {
      await maven(DEPENDENCY_PLUGIN, 'copy-dependencies', '-DincludeScope=runtime');
    } else {
      for (const a of fetch.artifacts) {
        const coordinates = [a.groupId, a.artifactId, a.version, a.type ?? 'jar', a.classifier];
        await maven(COPY_PLUGIN, 'copy', `-Dartifact=${coordinates.filter(Boolean).join(':')}`);
      }
    }
    mkdirSync(dirname(fetch.outputDir), { recursive: true });
    renameSync(join(work, 'files'), fetch.outputDir);
    rmSync(work, { recursive: true, force: true });
  });
}

/** Unpacks a .zip or .tar.gz into `targetDir` (atomically, once) with the system's unzip/tar. */
export async function extract(
  service: string,
  archive: string,
  targetDir: string,
  logFile: string,
): Promise<void> {
  if (existsSync(targetDir)) return;
  const work = `${targetDir}.partial`;
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  if (archive.endsWith('.zip'))
    await runTool(service, 'unzip', ['-q', archive, '-d', work], {
      logFile,
      what: `unpacking ${archive}`,
    });
  else
    await runTool(service, 'tar', ['-xzf', archive, '-C', work], {
      logFile,
      what: `unpacking ${archive}`,
    });
  mkdirSync(dirname(targetDir), { recursive: true });
  renameSync(work, targetDir);
}
