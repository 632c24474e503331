import { loadNotifierConfig, settingsFromConfig } from '@ediflow/notifier';
import { ConfigError } from '@ediflow/errors';

describe('notifier config', () => {
  it('when nothing is set, then subscriptions come from the partner registry at var/partners.json', () => {
    const config = loadNotifierConfig({});
    expect(config.NOTIFIER_SUBSCRIPTIONS_FILE).toBeUndefined();
    expect(config.PARTNERS_FILE).toBe('var/partners.json');
    expect(config.PARTNERS_OBJECT_KEY).toBeUndefined();
  });

  it('when only the subscriptions file is set, then production defaults apply', () => {
    const s = settingsFromConfig(loadNotifierConfig({ NOTIFIER_SUBSCRIPTIONS_FILE: '/etc/ediflow/subscriptions.json' }));
    expect(s).toEqual({
      maxAttempts: 8,
      maxAgeMs: 86_400_000,
      retryBaseDelayMs: 1000,
      retryMaxDelayMs: 300_000,
      timeoutMs: 10_000,
      concurrency: 4,
      circuitFailureThreshold: 5,
      circuitOpenMs: 30_000,
      alertIntervalMs: 300_000,
      fanoutPrefetch: 20,
      replayToken: undefined,
      inputDestination: '/queue/edi.transaction.translated',
    });
  });

  it('when values are malformed, then the error names the variables and not the values', () => {
    let err: unknown;
    try {
      loadNotifierConfig({ NOTIFIER_MAX_ATTEMPTS: '0', NOTIFIER_REPLAY_TOKEN: 'short-secret-token' });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).variables.sort()).toEqual(['NOTIFIER_MAX_ATTEMPTS', 'NOTIFIER_REPLAY_TOKEN']);
    expect((err as ConfigError).message).not.toContain('short-secret-token');
  });
});
