import { execFile } from 'node:child_process';
import { chmod, mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { THING_NAME } from './shadow-topics.ts';

const run = promisify(execFile);

/** What a device needs for mutual TLS, the same three PEMs AWS hands out for a thing. */
export interface ThingCredentials {
  certificatePem: string;
  privateKeyPem: string;
  caPem: string;
}

/** Certificates issued by the local CA name their owner in the subject; OU=backend marks the privileged backend. */
export const CERT_ORGANIZATION = 'Lobby local IoT';
export const BACKEND_UNIT = 'backend';

export interface LocalCa {
  dir: string;
  caPem: string;
  /** TLS identity of the local broker, valid for 127.0.0.1 and localhost */
  server: { keyPem: string; certificatePem: string };
  /** A client certificate with CN = thing name; the panel must connect with client id = thing name. */
  issueThingCertificate(thingName: string): Promise<ThingCredentials>;
  /** A client certificate for the local backend, which the broker lets do anything. */
  issueBackendCertificate(name?: string): Promise<ThingCredentials>;
}

/**
 * A local certificate authority kept in `{dataDir}/ca/` (created on first use), so any process
 * pointed at the same dataDir (e.g. the panel CLI) can issue certificates the broker accepts. Node cannot sign
 * X.509 certificates, so this drives the `openssl` CLI (OpenSSL 3, for `req -CA`). Keys are
 * EC P-256, which both Node's TLS and the AWS CRT accept.
 */
export async function openLocalCa(dataDir: string): Promise<LocalCa> {
  const dir = join(dataDir, 'ca');
  const files = {
    caKey: join(dir, 'ca.key.pem'),
    caCert: join(dir, 'ca.cert.pem'),
    serverKey: join(dir, 'server.key.pem'),
    serverCert: join(dir, 'server.cert.pem'),
  };
  if (!(await exists(files.caCert))) await createCa(dir, files);
  if (!(await exists(files.serverCert))) await createServerCertificate(files);
  const [caPem, serverKey, serverCert] = await Promise.all([files.caCert, files.serverKey, files.serverCert].map((file) => readFile(file, 'utf8')));

  const issue = async (subject: string, extensions: string[]): Promise<ThingCredentials> => {
    const { keyPem, certificatePem } = await issueLeaf(files, subject, extensions);
    return { certificatePem, privateKeyPem: keyPem, caPem };
  };
  return {
    dir,
    caPem,
    server: { keyPem: serverKey, certificatePem: serverCert },
    issueThingCertificate(thingName) {
      if (!THING_NAME.test(thingName)) return Promise.reject(new Error(`invalid thing name '${thingName}'`));
      return issue(`/O=${CERT_ORGANIZATION}/CN=${thingName}`, CLIENT_EXTENSIONS);
    },
    issueBackendCertificate(name = 'lobby-backend') {
      if (!THING_NAME.test(name)) return Promise.reject(new Error(`invalid backend name '${name}'`));
      return issue(`/O=${CERT_ORGANIZATION}/OU=${BACKEND_UNIT}/CN=${name}`, CLIENT_EXTENSIONS);
    },
  };
}

type CaFiles = { caKey: string; caCert: string; serverKey: string; serverCert: string };

const CLIENT_EXTENSIONS = ['basicConstraints=critical,CA:FALSE', 'keyUsage=critical,digitalSignature', 'extendedKeyUsage=clientAuth'];
const SERVER_EXTENSIONS = ['basicConstraints=critical,CA:FALSE', 'keyUsage=critical,digitalSignature', 'extendedKeyUsage=serverAuth', 'subjectAltName=IP:127.0.0.1,DNS:localhost'];
const NEW_KEY = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

async function createCa(dir: string, files: CaFiles): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  await openssl(dir, [
    'req',
    '-x509',
    ...NEW_KEY,
    '-keyout',
    files.caKey,
    '-out',
    files.caCert,
    '-days',
    '3650',
    '-subj',
    `/O=${CERT_ORGANIZATION}/CN=${CERT_ORGANIZATION} CA`,
    ...extensionArgs(['basicConstraints=critical,CA:TRUE', 'keyUsage=critical,keyCertSign,cRLSign', 'subjectKeyIdentifier=hash']),
  ]);
  await chmod(files.caKey, 0o600);
}

async function createServerCertificate(files: CaFiles): Promise<void> {
  const server = await issueLeaf(files, `/O=${CERT_ORGANIZATION}/CN=localhost`, SERVER_EXTENSIONS);
  await writeFile(files.serverKey, server.keyPem, { mode: 0o600 });
  await writeFile(files.serverCert, server.certificatePem);
}

async function issueLeaf(files: CaFiles, subject: string, extensions: string[]) {
  const work = await mkdtemp(join(tmpdir(), 'lobby-ca-'));
  try {
    const key = join(work, 'key.pem');
    const cert = join(work, 'cert.pem');
    await openssl(work, [
      'req',
      ...NEW_KEY,
      '-keyout',
      key,
      '-out',
      cert,
      '-CA',
      files.caCert,
      '-CAkey',
      files.caKey,
      '-days',
      '825',
      '-subj',
      subject,
      ...extensionArgs([...extensions, 'authorityKeyIdentifier=keyid']),
    ]);
    const [keyPem, certificatePem] = await Promise.all([readFile(key, 'utf8'), readFile(cert, 'utf8')]);
    return { keyPem, certificatePem };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

function extensionArgs(extensions: string[]): string[] {
  return extensions.flatMap((extension) => ['-addext', extension]);
}

// An empty config keeps the distribution's openssl.cnf defaults (e.g. its own v3_ca) out of the certificates.
async function openssl(cwd: string, args: string[]): Promise<void> {
  const config = join(cwd, 'openssl.cnf');
  await writeFile(config, '[req]\ndistinguished_name = dn\n[dn]\n');
  try {
    await run('openssl', [args[0], '-config', config, ...args.slice(1)], { cwd });
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr ?? '';
    throw new Error(`openssl ${args[0]} failed (is OpenSSL 3 installed?): ${stderr.trim()}`, { cause: error });
  } finally {
    await rm(config, { force: true });
  }
}

async function exists(file: string): Promise<boolean> {
  return stat(file).then(
    () => true,
    () => false,
  );
}
