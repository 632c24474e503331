import { createLogger, memoryDestination } from '@ediflow/logger';

describe('createLogger', () => {
  it('when a PHI-bearing field is logged by mistake, then the JSON line carries [redacted] instead', () => {
    const sink = memoryDestination();
    const log = createLogger({ service: 'test', destination: sink });
    log.info({ fileId: 'f1', fileName: 'SMITH_JOHN_837.x12', claim: { memberId: 'ZZ123', lastName: 'SMITH' } }, 'file received');
    const [line] = sink.lines();
    expect(line).toMatchObject({ service: 'test', level: 'info', fileId: 'f1', msg: 'file received' });
    expect(line.fileName).toBe('[redacted]');
    expect(line.claim).toEqual({ memberId: '[redacted]', lastName: '[redacted]' });
    expect(sink.text()).not.toMatch(/SMITH|ZZ123/);
  });
});
