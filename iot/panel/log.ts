/**
 * The agent's logger. Everything goes to stderr (stdout belongs to the CLI's JSON result).
 * Nothing that reaches a logger may contain a keypad code, a QR token or the panel key:
 * callers log credential ids, hashes never, codes never.
 */
export interface PanelLogger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

type Level = 'debug' | 'info' | 'warn' | 'error';
const ORDER: Record<Level, number> = { debug: 10, info: 20, warn: 30, error: 40 };

/** One line per message on stderr: `time level [panel] message {fields}`. */
export function stderrLogger(prefix: string, minimum: Level = (process.env.PANEL_LOG_LEVEL as Level | undefined) ?? 'info'): PanelLogger {
  const write = (level: Level) => (message: string, fields?: Record<string, unknown>) => {
    if (ORDER[level] < (ORDER[minimum] ?? 20)) return;
    const extra = fields && Object.keys(fields).length > 0 ? ` ${safeJson(fields)}` : '';
    process.stderr.write(`${new Date().toISOString()} ${level.padEnd(5)} [${prefix}] ${message}${extra}\n`);
  };
  return { debug: write('debug'), info: write('info'), warn: write('warn'), error: write('error') };
}

export const silentLogger: PanelLogger = { debug() {}, info() {}, warn() {}, error() {} };

function safeJson(fields: Record<string, unknown>): string {
  return JSON.stringify(fields, (_key, value: unknown) => (value instanceof Error ? { name: value.name, message: value.message } : value));
}

export const errorText = (error: unknown) => (error instanceof Error ? error.message : String(error));
