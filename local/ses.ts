import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as sesLocalModule from 'aws-ses-v2-local';
import { listen } from './listen.ts';
import { AwsError, commonAwsError, type Credentials, LOCAL_CREDENTIALS, SigV4Verifier } from './sigv4.ts';

/**
 * The local Amazon SES v2 API: aws-ses-v2-local (its web page shows the mails; GET /store lists
 * them as JSON) on a loopback port of its own, behind a front that checks SigV4 (signing name
 * `ses`, the local key pair, body hash included) on every SES API request, as SES does: the
 * package itself accepts any Authorization header that starts with "AWS". The stand-in's own
 * pages (/, /store, /health-check, /get-emlContent, POST /clear-store) are not SES's API and
 * need no signature.
 */
type StartSes = (config: { host: string; port: number }) => Promise<Server>;
// A CommonJS module with `exports.default`: depending on the loader's interop it comes wrapped once more.
const sesModule = sesLocalModule as unknown as { default: StartSes | { default: StartSes } };
const startSesLocal: StartSes = typeof sesModule.default === 'function' ? sesModule.default : sesModule.default.default;

const PAGES = new Set(['GET /', 'GET /store', 'GET /health-check', 'GET /get-emlContent', 'POST /clear-store']);
/** SES v2 takes at most 40 MB per message; anything past that is not a request the app sends. */
const MAX_BODY_BYTES = 40 * 1024 * 1024;

export interface LocalSes {
  /** What AWS_ENDPOINT_URL_SESV2 points at. */
  endpoint: string;
  /** The stand-in's web page: every mail sent so far. */
  webUrl: string;
  stop(): Promise<void>;
}

/** A refusal as SES v2 (restJson1) answers it: the status, x-amzn-ErrorType and a JSON message. */
function refuse(res: ServerResponse, error: AwsError) {
  res.writeHead(error.status, { 'content-type': 'application/json', 'x-amzn-errortype': error.code }).end(JSON.stringify({ message: error.message }));
}

async function readBody(req: IncomingMessage): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) return undefined;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

export async function startLocalSes(opts: { port: number; credentials?: Credentials }): Promise<LocalSes> {
  const inner = await startSesLocal({ host: '127.0.0.1', port: 0 });
  const innerPort = (inner.address() as AddressInfo).port;
  const verifier = new SigV4Verifier({ service: 'ses', credentials: opts.credentials ?? LOCAL_CREDENTIALS, refuse: commonAwsError });

  const front = createServer((req, res) => {
    void (async () => {
      try {
        const body = await readBody(req);
        if (!body) return refuse(res, new AwsError(413, 'BadRequestException', 'Request too large'));
        const path = (req.url ?? '/').split('?')[0];
        if (!PAGES.has(`${req.method} ${path}`)) {
          try {
            await verifier.verifyIncoming(req, body);
          } catch (error) {
            if (error instanceof AwsError) return refuse(res, error);
            throw error;
          }
        }
        const headers = { ...req.headers, host: `127.0.0.1:${innerPort}`, 'content-length': String(body.length) };
        const forwarded = request({ host: '127.0.0.1', port: innerPort, method: req.method, path: req.url, headers }, (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        });
        forwarded.on('error', () => refuse(res, new AwsError(500, 'InternalFailure', 'the SES stand-in did not answer')));
        forwarded.end(body);
      } catch (error) {
        refuse(res, new AwsError(500, 'InternalFailure', (error as Error).message));
      }
    })();
  });
  try {
    await listen(front, opts.port, 'SES v2 stand-in');
  } catch (error) {
    await new Promise((done) => inner.close(done));
    throw error;
  }
  const endpoint = `http://127.0.0.1:${(front.address() as AddressInfo).port}`;
  return {
    endpoint,
    webUrl: `${endpoint}/`,
    stop: async () => {
      await new Promise((done) => front.close(done));
      await new Promise((done) => inner.close(done));
    },
  };
}

/** A mail as the stand-in keeps it (GET /store). */
export interface StoredMail {
  messageId: string;
  from: string;
  destination: { to: string[]; cc?: string[]; bcc?: string[] };
  subject: string;
  body: { text?: string; html?: string };
  at: number;
}

/** The mails the stand-in has taken so far (tests, the bench). */
export async function storedMails(endpoint: string): Promise<StoredMail[]> {
  return ((await (await fetch(`${endpoint}/store`)).json()) as { emails: StoredMail[] }).emails;
}
