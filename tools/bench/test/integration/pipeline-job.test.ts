import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { write837P } from '../../src/generate-837p';
import { pipelineWall } from '../../src/jobs/pipeline';
import { countSetsAndClaims } from '../../src/sections/tracking';

jest.setTimeout(240_000);

describe('bench: npm start pipeline wall time', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'bench-pipeline-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('when a small 837P goes through npm start with tracking, then every set is called back and tracking ends up holding every claim', async () => {
    const file = join(dir, 'small.837');
    const bytes = await write837P(file, { targetBytes: 600 * 1024 });
    const { sets, claims } = await countSetsAndClaims(file);
    expect(sets).toBeGreaterThan(1);
    expect(claims).toBeGreaterThan(sets);

    const r = await pipelineWall({ file, bytes, sets, claims, tracking: true, tmpDir: dir, trackedWaitSeconds: 120 });
    expect(r.callbacks).toBe(sets);
    expect(r.seconds).toBeGreaterThan(0);
    expect(r.trackedClaims).toBe(claims);
    expect(r.trackedSeconds).toBeGreaterThanOrEqual(r.seconds);
  });
});
