/**
 * The root Dockerfile and .dockerignore as data for the image tests: its stages and their
 * instructions (parsed with dockerfile-ast, the parser behind the Dockerfile language server),
 * and the build context as Docker and `cdk synth` see it (CDK's own .dockerignore matcher).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { IgnoreStrategy } from 'aws-cdk-lib';
import { DockerfileParser } from 'dockerfile-ast';

export const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');
export const DOCKERFILE = path.join(REPO_ROOT, 'Dockerfile');

export interface Step {
  keyword: string;
  /** The arguments as written (a RUN's shell command, a COPY's paths). */
  args: string;
  /** `--from=...` and the like, as name -> value. */
  flags: Record<string, string>;
  /** Exec-form arguments (ENTRYPOINT ["node", ...]); undefined in shell form. */
  exec?: string[];
}

export interface Stage {
  name: string | null;
  /** The FROM image (`node`), or an earlier stage's name. */
  image: string;
  tag: string | null;
  digest: string | null;
  steps: Step[];
}

export function dockerfileStages(text = readFileSync(DOCKERFILE, 'utf8')): Stage[] {
  const file = DockerfileParser.parse(text);
  const stages: Stage[] = [];
  for (const instruction of file.getInstructions()) {
    const keyword = instruction.getKeyword();
    if (keyword === 'FROM') {
      const from = instruction as unknown as { getImageName(): string | null; getImageTag(): string | null; getImageDigest(): string | null; getBuildStage(): string | null };
      stages.push({ name: from.getBuildStage(), image: from.getImageName() ?? '', tag: from.getImageTag(), digest: from.getImageDigest(), steps: [] });
      continue;
    }
    const flags: Record<string, string> = {};
    const withFlags = instruction as unknown as { getFlags?: () => { getName(): string; getValue(): string | null }[] };
    for (const f of withFlags.getFlags?.() ?? []) flags[f.getName()] = f.getValue() ?? '';
    const json = instruction as unknown as { getJSONStrings?: () => { getJSONValue(): string }[]; getOpeningBracket?: () => unknown };
    const exec = json.getOpeningBracket?.() ? json.getJSONStrings?.().map((s) => s.getJSONValue()) : undefined;
    stages.at(-1)?.steps.push({ keyword, args: instruction.getArgumentsContent() ?? '', flags, exec });
  }
  return stages;
}

/** The patterns of the root .dockerignore (comments and blank lines left out). */
export function dockerignorePatterns(): string[] {
  return readFileSync(path.join(REPO_ROOT, '.dockerignore'), 'utf8')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'));
}

/** Whether Docker (and CDK's asset staging) leaves a path of the repository out of the build context. */
export function contextIgnores(relativePath: string): boolean {
  return IgnoreStrategy.docker(REPO_ROOT, dockerignorePatterns()).ignores(path.join(REPO_ROOT, relativePath));
}
