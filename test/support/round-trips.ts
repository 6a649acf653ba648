import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/**
 * Counts DynamoDB round trips made through one client: every call's start and end are
 * recorded, and `serial()` is the longest chain of calls each started after the one
 * before had answered (what a request waits for; calls sent together count once).
 */
export function recordRoundTrips(client: DynamoDBDocumentClient, name: string) {
  const calls: Array<{ start: number; end: number }> = [];
  client.middlewareStack.add(
    (next) => async (args) => {
      const start = performance.now();
      try {
        return await next(args);
      } finally {
        calls.push({ start, end: performance.now() });
      }
    },
    { step: 'initialize', name },
  );
  return {
    reset: () => {
      calls.length = 0;
    },
    serial: () => {
      let chain = 0;
      let lastEnd = Number.NEGATIVE_INFINITY;
      for (const c of [...calls].sort((a, b) => a.end - b.end))
        if (c.start >= lastEnd) {
          chain++;
          lastEnd = c.end;
        }
      return chain;
    },
  };
}
