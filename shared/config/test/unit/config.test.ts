import { ConfigError } from '@ediflow/errors';
import { envBoolean, envPort, loadConfig, z } from '@ediflow/config';

const schema = z.object({
  BROKER_URL: z.string().url(),
  HTTP_PORT: envPort(8080),
  ALLOW_PLAINTEXT: envBoolean(false),
  MODE: z.enum(['embedded', 's3']).default('embedded'),
});

describe('loadConfig', () => {
  it('when variables are valid or unset, then defaults apply and "false" stays false', () => {
    const cfg = loadConfig(schema, { BROKER_URL: 'stomp://127.0.0.1:61613', ALLOW_PLAINTEXT: 'false', HTTP_PORT: '' });
    expect(cfg).toEqual({ BROKER_URL: 'stomp://127.0.0.1:61613', HTTP_PORT: 8080, ALLOW_PLAINTEXT: false, MODE: 'embedded' });
    expect(loadConfig(schema, { BROKER_URL: 'stomp://h:1', ALLOW_PLAINTEXT: 'yes' }).ALLOW_PLAINTEXT).toBe(true);
  });

  it('when variables are bad, then the error names each bad variable and never echoes a value', () => {
    let caught: unknown;
    try {
      loadConfig(schema, { BROKER_URL: 's3cr3t-not-a-url', HTTP_PORT: '99999', ALLOW_PLAINTEXT: 'perhaps' });
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    const err = caught as ConfigError;
    expect(err.variables.sort()).toEqual(['ALLOW_PLAINTEXT', 'BROKER_URL', 'HTTP_PORT']);
    expect(err.message).not.toContain('s3cr3t');
    expect(err.message).not.toContain('perhaps');
    expect(err.message).not.toContain('99999');
  });

  it('when a required variable is missing, then it is reported as required', () => {
    expect(() => loadConfig(schema, {})).toThrow(/BROKER_URL: required/);
  });
});
