import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import { routesJsonSchema } from '@ediflow/bridge';
import { runCli } from '@ediflow/cli';
import { capture } from '../helpers';

const EXAMPLE = resolve(__dirname, '../../../../services/bridge/routes.example.json');
const SCHEMA_FILE = resolve(__dirname, '../../../../services/bridge/routes.schema.json');

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'edi-routes-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, doc: unknown): string {
  const p = join(dir, name);
  writeFileSync(p, typeof doc === 'string' ? doc : JSON.stringify(doc));
  return p;
}

describe('edi routes', () => {
  it('when the committed example is validated, then it is valid with its counts', async () => {
    const c = capture();
    expect(await runCli(['routes', 'validate', EXAMPLE], c.io)).toBe(0);
    expect(c.out()).toContain('valid (2 endpoints, 3 routes)');
  });

  it('when an endpoint has a tls block and a stomp:// URL and a RabbitMQ source has a selector, then both are reported by path, exit 1', async () => {
    const p = file('bad.json', {
      endpoints: {
        onprem: { urls: ['stomp://mq1:61613'], kind: 'rabbitmq', tls: { caFile: '/etc/ca.pem' } },
        cloud: { urls: ['stomp+ssl://b-1:61614'] },
      },
      routes: [{ name: 'r', from: { endpoint: 'onprem', destination: 'IN', selector: "a = 'b'" }, to: { endpoint: 'cloud', destination: 'OUT' } }],
    });
    const c = capture();
    expect(await runCli(['routes', 'validate', p], c.io)).toBe(1);
    expect(c.err()).toContain('endpoints.onprem.urls.0: has a tls block but this URL is plaintext');
    expect(c.err()).toContain('routes.0.from.selector: endpoint "onprem" is rabbitmq');
  });

  it('when --files is given and a tls file is missing, then it says which; not JSON or no file are errors too', async () => {
    const p = file('files.json', {
      endpoints: { a: { urls: ['stomp+ssl://a:61614'], tls: { caFile: join(dir, 'missing-ca.pem') } }, b: { urls: ['stomp+ssl://b:61614'] } },
      routes: [{ name: 'r', from: { endpoint: 'a', destination: 'IN' }, to: { endpoint: 'b', destination: 'OUT' } }],
    });
    const c = capture();
    expect(await runCli(['routes', 'validate', '--files', p], c.io)).toBe(1);
    expect(c.err()).toContain('endpoints.a.tls.caFile: cannot read');
    expect(await runCli(['routes', 'validate', p], capture().io)).toBe(0);
    const notJson = capture();
    expect(await runCli(['routes', 'validate', file('x.json', '{ nope')], notJson.io)).toBe(1);
    expect(notJson.err()).toContain('not JSON');
    expect(await runCli(['routes', 'validate', join(dir, 'absent.json')], capture().io)).toBe(2);
  });

  it('when the schema is printed, then it is the committed routes.schema.json, and the example conforms to it', async () => {
    const c = capture();
    expect(await runCli(['routes', 'schema'], c.io)).toBe(0);
    expect(JSON.parse(c.out())).toEqual(JSON.parse(readFileSync(SCHEMA_FILE, 'utf8')));
    const ajv = new Ajv2020({ strict: false });
    const check = ajv.compile(routesJsonSchema());
    expect(check(JSON.parse(readFileSync(EXAMPLE, 'utf8')))).toBe(true);
    expect(check({ endpoints: { a: { urls: ['ftp://x'] } }, routes: [] })).toBe(false);
  });
});
