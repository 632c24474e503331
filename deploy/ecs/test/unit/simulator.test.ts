import { readFileSync } from 'node:fs';
import path from 'node:path';
import { SCALING, queueDrivenServices, type QueueBacklogScaling } from '../../src/scaling-policy';
import { parseCurve, simulate, summarize } from '../../src/simulator';

const curve = (name: string): number[] => parseCurve(readFileSync(path.join(__dirname, '..', '..', 'curves', `${name}.csv`), 'utf8'), name);

describe('replay simulator on the shipped policy', () => {
  const services = queueDrivenServices();

  it('when a burst of 600 messages arrives, then every service drains it without going above its maximum', () => {
    const burst = curve('burst');
    expect(burst.reduce((a, b) => a + b, 0)).toBe(600);
    for (const [name, policy] of services) {
      const s = summarize(simulate(policy, burst));
      expect({ name, processed: s.processed }).toEqual({ name, processed: 600 });
      expect(s.drainedAt).toBeDefined();
      expect(s.peakTasks).toBeLessThanOrEqual(policy.maxTasks);
      expect(s.peakTasks).toBeGreaterThan(policy.minTasks);
    }
  });

  it('when a trickle arrives for two hours, then no service runs more than 2 tasks above its minimum', () => {
    const trickle = curve('trickle');
    for (const [name, policy] of services) {
      const s = summarize(simulate(policy, trickle));
      expect({ name, peak: s.peakTasks <= policy.minTasks + 2 }).toEqual({ name, peak: true });
      expect(s.processed).toBe(360);
    }
  });

  it('when nothing arrives, then a service started at its maximum is back at its minimum within 30 minutes', () => {
    const idle = curve('idle');
    for (const [name, policy] of services) {
      const rows = simulate(policy, idle, { startTasks: policy.maxTasks });
      const back = rows.findIndex((r) => r.desired === policy.minTasks);
      expect({ name, back: back >= 0 && back <= 30 }).toEqual({ name, back: true });
      expect(rows.slice(back).every((r) => r.desired === policy.minTasks)).toBe(true);
    }
  });

  it('when one message arrives at zero tasks, then a task is woken within 2 minutes and the message is processed', () => {
    const fromZero = services.filter(([, p]) => p.minTasks === 0);
    expect(fromZero.map(([n]) => n)).toContain('translator');
    for (const [, policy] of fromZero) {
      const rows = simulate(policy, curve('single'));
      const woken = rows.find((r) => r.desired >= 1);
      expect(woken).toBeDefined();
      expect(woken!.minute + 1).toBeLessThanOrEqual(2);
      expect(summarize(rows).processed).toBe(1);
    }
  });

  it('when the notifier is idle, then it keeps one task (scheduled retries are invisible to QueueSize)', () => {
    expect(SCALING.notifier.minTasks).toBe(1);
    expect(summarize(simulate(SCALING.notifier, curve('idle'))).finalTasks).toBe(1);
  });
});

describe('replay simulator mechanics', () => {
  const policy: QueueBacklogScaling = {
    kind: 'queue-backlog',
    minTasks: 0,
    maxTasks: 10,
    inputQueues: ['q'],
    messagesPerTaskMinute: 10,
    scaleOut: { steps: [{ atLeast: 5, change: 1 }, { atLeast: 50, change: 3 }], evaluationPeriods: 1, datapointsToAlarm: 1, cooldownSeconds: 300 },
    scaleIn: { steps: [{ below: 1, change: -1 }], evaluationPeriods: 3, datapointsToAlarm: 3, cooldownSeconds: 300 },
  };

  it('when a larger step fires during the scale-out cooldown, then only the difference is added', () => {
    // 30 at one task: backlog 20 per task, the first step (+1); then 400 at two tasks asks for the second (+3), 2 more than the first.
    const arrivals = [30, 0, 0, 400];
    const rows = simulate(policy, arrivals, { minutes: 6, startTasks: 1 });
    const actions = rows.map((r) => r.action).filter((a) => a !== '');
    expect(actions).toEqual(['+1', '+2']);
    expect(rows[rows.length - 1].desired).toBe(4);
  });

  it('when the scale-in alarm stays in ALARM, then steps are taken only once per cooldown', () => {
    const rows = simulate(policy, [0], { minutes: 20, startTasks: 4 });
    const at = rows.filter((r) => r.action === '-1').map((r) => r.minute);
    expect(at.length).toBe(4);
    for (let i = 1; i < at.length; i++) expect(at[i] - at[i - 1]).toBeGreaterThanOrEqual(5);
  });

  it('when the curve has a bad line, then the error names the file and line', () => {
    expect(() => parseCurve('minute,arrivals\n0,5\n1,x\n', 'c.csv')).toThrow('c.csv line 3');
    expect(() => parseCurve('0,5\n0,6\n', 'c.csv')).toThrow('c.csv line 2: minute 0 is not after minute 0');
    expect(parseCurve('# comment\nminute,arrivals\n0,2\n3,1\n')).toEqual([2, 0, 0, 1]);
  });
});
