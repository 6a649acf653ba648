import { type ParseArgsConfig, parseArgs } from 'node:util';

type Options = NonNullable<ParseArgsConfig['options']>;
const HELP_OPTION = { help: { type: 'boolean', short: 'h' } } as const;

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

/**
 * Every CLI's command line (panel, token, start, resident, phone, smoke, redrive, bench, webhooks):
 * `--help`/`-h` prints the usage on stdout and exits 0; a bad flag or a missing value is one sentence
 * and the usage on stderr, exit 2, never a stack trace (parseArgs throws TypeErrors with codes).
 */
interface CommandLineConfig<O extends Options, P extends boolean> {
  options: O;
  allowPositionals?: P;
  /** default: process.argv.slice(2) */
  args?: string[];
  /** what --help prints (default: the usage) */
  help?: string;
}

export function parseCommandLine<const O extends Options, const P extends boolean = false>(name: string, usage: string, config: CommandLineConfig<O, P>) {
  const options = { ...config.options, ...HELP_OPTION };
  let parsed: ReturnType<typeof parseArgs<{ options: O & typeof HELP_OPTION; allowPositionals: P; args: string[] }>>;
  try {
    parsed = parseArgs({ options, allowPositionals: (config.allowPositionals ?? false) as P, args: config.args ?? process.argv.slice(2) });
  } catch (error) {
    return usageExit(name, usage, parseArgsSentence(error));
  }
  if ((parsed.values as { help?: boolean }).help) {
    process.stdout.write(`${(config.help ?? usage).trimEnd()}\n`);
    process.exit(0);
  }
  return parsed;
}

/** One sentence and the usage on stderr, exit 2: what a CLI does with a command line it cannot run. */
export function usageExit(name: string, usage: string, sentence: string): never {
  process.stderr.write(`${name}: ${sentence}\n${usage.trimEnd()}\n`);
  process.exit(2);
}

/** parseArgs' messages, shortened to one sentence each (its own are two and suggest `--`). */
function parseArgsSentence(error: unknown): string {
  const { code, message } = error as { code?: string; message?: string };
  // "Option '-h, --help' does not take an argument": name the long form.
  const option = /'(?:-\w, )?(--?[^' ,]+)/.exec(message ?? '')?.[1];
  const argument = /argument '([^']*)'/.exec(message ?? '')?.[1];
  switch (code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
      return `unknown option ${option}`;
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE':
      return /does not take/.test(message ?? '') ? `${option} takes no value` : `${option} needs a value`;
    case 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL':
      return `unexpected argument '${argument}'`;
    default:
      return (message ?? String(error)).split('. ')[0] ?? 'bad command line';
  }
}

/** A whole number from a flag (ports, seconds, counts), or usage exit 2. */
export function intFlag(name: string, usage: string, flag: string, raw: string | undefined, min = 0): number | undefined {
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min) usageExit(name, usage, `--${flag} must be a whole number of at least ${min}, got '${raw}'`);
  return value;
}
