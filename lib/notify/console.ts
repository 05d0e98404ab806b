import { redact } from '../redact';
import type { Notifier } from './port';

/**
 * Create a notifier for local runs (no AUTORENEW_TOPIC_ARN): writes the subject, then the email digest, one line
 * per `write` call.
 */
export function createConsoleNotifier(write: (line: string) => void): Notifier {
  return {
    async publish(message) {
      write(redact(`Subject: ${message.subject}`));
      for (const line of redact(message.email).split('\n')) write(line);
      return {};
    },
  };
}
