/** A command line the CLI cannot run: printed with the usage, exit 2. */
export class UsageError extends Error {}

/** One line from stdin: how a code or PIN is passed without showing in the process list. */
export async function readStdinLine(): Promise<string> {
  let text = '';
  for await (const chunk of process.stdin) {
    text += chunk;
    if (text.includes('\n')) break;
  }
  return (text.split('\n')[0] ?? '').trim();
}
