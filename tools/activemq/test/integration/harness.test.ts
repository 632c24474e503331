import { readFileSync } from 'node:fs';
import net from 'node:net';
import { startBroker, removeBrokerDir, type BrokerHandle } from '@ediflow/activemq';

/** A minimal STOMP 1.2 conversation over a raw socket, so the harness test does not depend on the bus. */
class RawStomp {
  private buffer = '';
  private waiters: Array<() => void> = [];
  private constructor(private readonly socket: net.Socket) {
    socket.on('data', (chunk) => {
      this.buffer += chunk.toString('utf8');
      for (const w of this.waiters.splice(0)) w();
    });
  }

  static async open(port: number): Promise<RawStomp> {
    const socket = net.connect({ host: '127.0.0.1', port });
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    const client = new RawStomp(socket);
    client.write('CONNECT', { 'accept-version': '1.2', host: 'localhost', 'heart-beat': '0,0' });
    await client.next('CONNECTED');
    return client;
  }

  write(command: string, headers: Record<string, string>, body = ''): void {
    const lines = Object.entries(headers).map(([k, v]) => `${k}:${v}`);
    this.socket.write(`${command}\n${lines.join('\n')}\n\n${body}\0`);
  }

  /** Waits for the next frame with the given command and returns its body. */
  async next(command: string, timeoutMs = 5000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const end = this.buffer.indexOf('\0');
      if (end >= 0) {
        const frame = this.buffer.slice(0, end).replace(/^\n+/, '');
        this.buffer = this.buffer.slice(end + 1);
        const [head, body = ''] = frame.split('\n\n');
        if (head.split('\n')[0] === command) return body;
        if (head.startsWith('ERROR')) throw new Error(`broker sent ${head}`);
        continue;
      }
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no ${command} frame within ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  close(): void {
    this.socket.destroy();
  }
}

jest.setTimeout(60_000);

describe('ActiveMQ harness', () => {
  let broker: BrokerHandle | undefined;

  afterAll(async () => {
    if (broker) {
      await broker.kill();
      await removeBrokerDir(broker.dir);
    }
  });

  it('when a broker is stopped and started again, then a persistent message sent before the stop is still there', async () => {
    broker = await startBroker({ name: 'harness' });
    expect(broker.url).toBe(`stomp://127.0.0.1:${broker.stompPort}`);
    const firstPid = broker.pid;

    const producer = await RawStomp.open(broker.stompPort);
    producer.write('SEND', { destination: '/queue/harness.persist', persistent: 'true', receipt: 'r1' }, 'kept');
    await producer.next('RECEIPT');
    producer.close();

    await broker.stop();
    await expect(RawStomp.open(broker.stompPort)).rejects.toThrow();

    await broker.start();
    expect(broker.pid).not.toBe(firstPid);
    const consumer = await RawStomp.open(broker.stompPort);
    consumer.write('SUBSCRIBE', { destination: '/queue/harness.persist', id: '1', ack: 'auto' });
    expect(await consumer.next('MESSAGE')).toBe('kept');
    consumer.close();
  });

  it('when a broker is started on one CPU, then its JVM may run only there and it accepts STOMP', async () => {
    const pinned = await startBroker({ name: 'harness-pinned', cpus: '0' });
    try {
      const status = readFileSync(`/proc/${pinned.pid}/status`, 'utf8');
      expect(/^Cpus_allowed_list:\s*(\S+)$/m.exec(status)?.[1]).toBe('0');
      const client = await RawStomp.open(pinned.stompPort);
      client.close();
    } finally {
      await pinned.kill();
      await removeBrokerDir(pinned.dir);
    }
  });

  it('when the shared brokers are set up, then both A and B accept STOMP connections on different ports', async () => {
    const urls = [process.env.ACTIVEMQ_A_URL, process.env.ACTIVEMQ_B_URL];
    const ports = urls.map((u) => Number(/^stomp:\/\/127\.0\.0\.1:(\d+)$/.exec(u ?? '')?.[1]));
    expect(ports[0]).toBeGreaterThan(0);
    expect(ports[1]).toBeGreaterThan(0);
    expect(ports[0]).not.toBe(ports[1]);
    for (const port of ports) {
      const client = await RawStomp.open(port);
      client.close();
    }
  });
});
