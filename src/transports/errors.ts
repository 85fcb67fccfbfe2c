// Transport error classes, and the edge where OS error codes become sentences a user can act on.

/** A transport could not do what was asked; `message` is a sentence naming the transport and what to do. */
export class TransportError extends Error {
  override readonly name: string = 'TransportError';
  /** Told on the command line as its sentence alone: a failure the user can act on (exit code 1). */
  readonly exitCode: number = 1;
  constructor(
    readonly transport: string,
    message: string,
    readonly code?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** A message was offered to a transport that is closed (never opened, or closed). */
export class TransportClosedError extends TransportError {
  override readonly name = 'TransportClosedError';
  constructor(transport: string) {
    super(transport, `${transport} is closed; the message was not sent.`, 'CLOSED');
  }
}

/** The platform cannot provide the transport (no MIDI library, no ALSA sequencer). */
export class TransportUnavailableError extends TransportError {
  override readonly name = 'TransportUnavailableError';
  constructor(transport: string, reason: string) {
    super(transport, reason, 'UNAVAILABLE');
  }
}

/** The OS error code of an error, if it has one (`EADDRINUSE`, `ENOTFOUND`, ...). */
export function errorCode(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** The first line of any thrown value, for a status detail. */
export function oneLine(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  return (text.split('\n').find((l) => l.trim() !== '') ?? 'unknown error').trim();
}

export interface SocketErrorContext {
  /** What was being done: binding the local socket, or sending to a remote. */
  readonly action: 'bind' | 'send' | 'socket';
  readonly host?: string;
  readonly port?: number;
}

/** An OS socket error as a sentence with a fix, e.g. "Port 9000 on 0.0.0.0 is already in use by another program; ...". */
export function describeSocketError(err: unknown, ctx: SocketErrorContext): string {
  const where = ctx.host !== undefined && ctx.port !== undefined ? `${ctx.host}:${ctx.port}` : ctx.host ?? (ctx.port !== undefined ? `port ${ctx.port}` : 'the remote');
  const code = errorCode(err);
  switch (code) {
    case 'EADDRINUSE':
      return `Port ${ctx.port ?? '?'} on ${ctx.host ?? 'this machine'} is already in use by another program; close it or choose another port.`;
    case 'EACCES':
    case 'EPERM':
      return ctx.action === 'bind'
        ? `Not allowed to listen on ${where}; ports below 1024 need privileges, choose a higher port.`
        : `Not allowed to send to ${where} (${code}); a firewall or a broadcast address without permission may be the cause.`;
    case 'EADDRNOTAVAIL':
      return `The address ${ctx.host ?? '?'} does not belong to this machine; bind to 0.0.0.0 or to one of its own addresses.`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `The host name "${ctx.host ?? '?'}" could not be resolved; check the spelling or use an IP address.`;
    case 'EHOSTUNREACH':
      return `Host ${where} is unreachable; check that the device is on and on the same network.`;
    case 'ENETUNREACH':
      return `No network route to ${where}; check the network connection and the address.`;
    case 'ECONNREFUSED':
      return `Nothing is listening at ${where}; check that the receiving program or device is running and the port is right.`;
    case 'EMSGSIZE':
      return `A message to ${where} was too large for one datagram; send fewer arguments per message.`;
    case 'ERR_SOCKET_BAD_PORT':
      return `Port ${ctx.port ?? '?'} is not a valid UDP port; use a number from 1 to 65535.`;
    case 'ERR_SOCKET_DGRAM_NOT_RUNNING':
      return `The socket for ${where} is no longer running; reopen the transport.`;
    default:
      return `${ctx.action === 'bind' ? `Could not listen on ${where}` : ctx.action === 'send' ? `Could not send to ${where}` : 'Socket failed'}: ${oneLine(err)}${code ? ` (${code})` : ''}.`;
  }
}
