import type { Bus, Subscription } from '@ediflow/bus';
import { DESTINATIONS, decodeEnvelope, type Envelope, type FileReceivedBody } from '@ediflow/messages';
import type { Translator } from '../domain/translate-file';

export interface ConsumerOptions {
  prefetch: number;
  maxAttempts: number;
  retryBaseDelayMs: number;
}

/** Consumes FileReceived; the bus acks a message only after translate() resolved. */
export function createFileReceivedConsumer(bus: Bus, translator: Translator, options: ConsumerOptions) {
  let subscription: Subscription | undefined;
  return {
    async start(): Promise<void> {
      subscription = await bus.subscribe(
        DESTINATIONS.fileReceived,
        async (message) => {
          await translator.translate(decodeEnvelope(message.body) as Envelope<FileReceivedBody>);
        },
        options,
      );
    },
    async stop(): Promise<void> {
      await subscription?.close();
    },
  };
}
