/**
 * Every secret a test creates (passwords, session tokens, API key secrets, PINs, private keys)
 * is remembered here, and each test app's close() fails when one of them appears in a log line
 * or an audit entry (issue 3 §8). Tests that create secrets without the helpers of
 * test/support/identity.ts call rememberSecret() themselves.
 */
const secrets = new Map<string, string>();

/** Remembers a secret under a label; the label, never the secret, is what a failure prints. */
export function rememberSecret(label: string, secret: string): void {
  // Very short values would match by accident (and are no secrets worth the name).
  if (secret.length >= 8) secrets.set(secret, label);
}

/** Labels of the remembered secrets that occur in the text. */
export function leakedSecrets(text: string): string[] {
  const found: string[] = [];
  for (const [secret, label] of secrets) if (text.includes(secret)) found.push(label);
  return found;
}
