/**
 * `npm run simulate -w deploy/ecs -- <curve.csv> [--service translator|notifier] [--start-tasks N|min|max] [--minutes N]`
 * Prints, for each queue-driven service, tasks, depth and latency minute by minute for the curve.
 */
import { readFileSync } from 'node:fs';
import { checkScaling, queueDrivenServices } from './scaling-policy';
import { parseCurve, simulate, summarize } from './simulator';

const USAGE = 'usage: npm run simulate -w deploy/ecs -- <curve.csv> [--service translator|notifier] [--start-tasks N|min|max] [--minutes N]';

function fail(message: string): never {
  process.stderr.write(`simulate: ${message}\n${USAGE}\n`);
  process.exit(2);
}

function main(argv: string[]): void {
  let file: string | undefined;
  let only: string | undefined;
  let start: string | undefined;
  let minutes: number | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--service') only = argv[++i];
    else if (a === '--start-tasks') start = argv[++i];
    else if (a === '--minutes') minutes = Number(argv[++i]);
    else if (a === '--help' || a === '-h') {
      process.stdout.write(`${USAGE}\n`);
      return;
    } else if (!a.startsWith('--') && file === undefined) file = a;
    else fail(`unknown argument ${a}`);
  }
  if (file === undefined) fail('name a curve file');
  if (minutes !== undefined && !(Number.isInteger(minutes) && minutes > 0)) fail('--minutes takes a whole number above 0');
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    fail(`cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  let arrivals: number[];
  try {
    arrivals = parseCurve(text, file);
  } catch (err) {
    fail((err as Error).message);
  }
  const services = queueDrivenServices();
  if (only !== undefined && !services.some(([name]) => name === only)) fail(`--service must be one of ${services.map(([n]) => n).join(', ')}`);
  for (const [name, policy] of services) {
    if (only !== undefined && name !== only) continue;
    checkScaling(name, policy);
    const startTasks = start === undefined || start === 'min' ? policy.minTasks : start === 'max' ? policy.maxTasks : Number(start);
    if (!Number.isInteger(startTasks) || startTasks < 0) fail('--start-tasks takes a whole number, min or max');
    const rows = simulate(policy, arrivals, { minutes, startTasks });
    const s = summarize(rows);
    const out: string[] = [
      `${name}: queues ${policy.inputQueues.join(', ')}; tasks ${policy.minTasks}..${policy.maxTasks}; ${policy.messagesPerTaskMinute} messages per task-minute`,
      'minute  arrivals  processed    depth  desired  running  latency  oldest  action',
    ];
    for (const r of rows) {
      out.push(
        [r.minute, r.arrivals, r.processed, r.depth, r.desired, r.running, r.maxLatency, r.oldestAge]
          .map((v, i) => String(v).padStart([6, 10, 11, 9, 9, 9, 9, 8][i]))
          .join('') + (r.action ? `  ${r.action}` : ''),
      );
    }
    out.push(
      `summary: arrived ${s.arrived}, processed ${s.processed}, peak tasks ${s.peakTasks}, drained at minute ${s.drainedAt ?? 'never'}, ` +
        `longest latency ${s.maxLatency} min, ${s.taskMinutes} task-minutes, ${s.finalTasks} tasks at the end`,
      '',
    );
    process.stdout.write(`${out.join('\n')}\n`);
  }
}

main(process.argv.slice(2));
