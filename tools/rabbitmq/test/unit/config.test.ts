import { createHash } from 'node:crypto';
import { definitions, passwordHash, rabbitConf } from '@ediflow/rabbitmq';

describe('RabbitMQ instance files', () => {
  it('when a password is hashed, then the result is the 4-byte salt followed by sha256(salt + password), base64', () => {
    const salt = Buffer.from([1, 2, 3, 4]);
    const decoded = Buffer.from(passwordHash('s3cret', salt), 'base64');
    expect(decoded.subarray(0, 4)).toEqual(salt);
    expect(decoded.subarray(4)).toEqual(createHash('sha256').update(Buffer.concat([salt, Buffer.from('s3cret')])).digest());
  });

  it('when definitions are made, then every user gets every permission on every virtual host and no password in clear', () => {
    const defs = definitions([{ name: 'a', password: 'pa' }, { name: 'b', password: 'pb' }], ['/', 'edi']) as {
      users: Array<{ name: string; password_hash: string }>;
      vhosts: Array<{ name: string }>;
      permissions: Array<{ user: string; vhost: string }>;
    };
    expect(defs.vhosts.map((v) => v.name)).toEqual(['/', 'edi']);
    expect(defs.permissions.map((p) => `${p.user}@${p.vhost}`)).toEqual(['a@/', 'a@edi', 'b@/', 'b@edi']);
    expect(JSON.stringify(defs)).not.toContain('"pa"');
  });

  it('when the config is written, then the AMQP and STOMP listeners are on loopback only', () => {
    const conf = rabbitConf({ amqp: 5999, stomp: 6999 }, '/tmp/defs.json');
    expect(conf).toContain('listeners.tcp.1 = 127.0.0.1:5999');
    expect(conf).toContain('stomp.listeners.tcp.1 = 127.0.0.1:6999');
    expect(conf).toContain('load_definitions = /tmp/defs.json');
    expect(conf).not.toMatch(/0\.0\.0\.0/);
  });
});
