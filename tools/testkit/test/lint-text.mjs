// Lints pieces of code as if they were at the given paths, with the repository's eslint.config.mjs (the
// rules under test need no type information). Reads [{ path, code }] as JSON on stdin, writes
// [{ ruleId, message }[]] as JSON on stdout. Run by architecture-rules.test.ts (jest cannot load ESM configs).
import { join } from 'node:path';
import { ESLint } from 'eslint';

const root = join(import.meta.dirname, '..', '..', '..');
const eslint = new ESLint({
  cwd: root,
  overrideConfig: [{
    files: ['**/*.ts'],
    languageOptions: { parserOptions: { project: null, projectService: false } },
    rules: { '@typescript-eslint/no-floating-promises': 'off', '@typescript-eslint/no-misused-promises': 'off', '@typescript-eslint/no-unused-vars': 'off' },
  }],
});
const chunks = [];
for await (const c of process.stdin) chunks.push(c);
const cases = JSON.parse(Buffer.concat(chunks).toString('utf8'));
const out = [];
for (const { path, code } of cases) {
  const [result] = await eslint.lintText(code, { filePath: join(root, path) });
  out.push(result.messages.map((m) => ({ ruleId: m.ruleId, message: m.message })));
}
process.stdout.write(JSON.stringify(out));
