import net from 'node:net';
import PostalMime, { type Email } from 'postal-mime';
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';

/** How the in-process SMTP server treats what it is sent. */
export type SmtpBehaviour =
  | { kind: 'accept' }
  /** Refuses every recipient, or only the address `only`. */
  | { kind: 'reject-rcpt'; code: number; message: string; only?: string }
  | { kind: 'reject-data'; code: number; message: string }
  /** Accepts, but only after `delayMs` (longer than the client's timeout). */
  | { kind: 'slow'; delayMs: number };

export interface ReceivedMail {
  /** Envelope recipients (RCPT TO). */
  rcptTo: string[];
  mailFrom: string;
  user: string | undefined;
  /** The session ran over TLS (STARTTLS or implicit). */
  secure: boolean;
  parsed: Email;
  raw: string;
}

export interface SmtpTestServer {
  port: number;
  received: ReceivedMail[];
  /** DATA commands that reached the server, delivered or not. */
  dataAttempts: number;
  rcptAttempts: number;
  close(): Promise<void>;
}

export const SMTP_USER = 'dwh-sender';

/**
 * A real SMTP server (smtp-server) on 127.0.0.1 with a free port. It requires AUTH with SMTP_USER and the
 * given password, offers STARTTLS with its built-in self-signed certificate, and parses what it receives
 * with postal-mime.
 */
export async function startSmtpServer(
  password: string,
  behaviour: SmtpBehaviour = { kind: 'accept' },
): Promise<SmtpTestServer> {
  const state = { received: [] as ReceivedMail[], dataAttempts: 0, rcptAttempts: 0 };
  const timers = new Set<NodeJS.Timeout>();
  const options: SMTPServerOptions = {
    logger: false,
    allowInsecureAuth: true,
    authMethods: ['PLAIN', 'LOGIN'],
    closeTimeout: 200,
    onAuth(auth, _session, callback) {
      if (auth.username === SMTP_USER && auth.password === password)
        return callback(null, { user: SMTP_USER });
      return callback(Object.assign(new Error('Invalid username or password'), { responseCode: 535 }));
    },
    onRcptTo(address, _session, callback) {
      state.rcptAttempts++;
      if (behaviour.kind === 'reject-rcpt' && (!behaviour.only || behaviour.only === address.address)) {
        return callback(Object.assign(new Error(behaviour.message), { responseCode: behaviour.code }));
      }
      callback();
    },
    onData(stream, session, callback) {
      state.dataAttempts++;
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const finish = () => {
          if (behaviour.kind === 'reject-data') {
            return callback(Object.assign(new Error(behaviour.message), { responseCode: behaviour.code }));
          }
          const raw = Buffer.concat(chunks).toString('utf8');
          PostalMime.parse(raw).then(
            (parsed) => {
              state.received.push({
                rcptTo: session.envelope.rcptTo.map((r) => r.address),
                mailFrom: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
                user: session.user as string | undefined,
                secure: session.secure,
                parsed,
                raw,
              });
              callback(null, 'OK: queued as test-1');
            },
            (error: Error) => callback(error),
          );
        };
        if (behaviour.kind === 'slow') {
          const timer = setTimeout(() => {
            timers.delete(timer);
            finish();
          }, behaviour.delayMs);
          timers.add(timer);
        } else finish();
      });
    },
  };
  const server = new SMTPServer(options);
  server.on('error', () => {
    // a client that gives up mid-session (the timeout tests) is expected
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.server.address();
  if (!address || typeof address === 'string') throw new Error('smtp test server has no port');
  return {
    port: address.port,
    get received() {
      return state.received;
    },
    get dataAttempts() {
      return state.dataAttempts;
    },
    get rcptAttempts() {
      return state.rcptAttempts;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const timer of timers) clearTimeout(timer);
        server.close(() => resolve());
      }),
  };
}

/**
 * A port on 127.0.0.1 where nothing listens: a server that is down. Port 1 (tcpmux) rather than a freshly
 * closed ephemeral port, which the next server started by a parallel test may be given.
 */
export async function closedPort(): Promise<number> {
  const port = 1;
  const refused = await new Promise<boolean>((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(true));
  });
  if (!refused) throw new Error(`something listens on 127.0.0.1:${port}; the SMTP-down tests need it closed`);
  return port;
}
