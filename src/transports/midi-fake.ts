// An in-memory MIDI backend for tests: ports that come and go, injected incoming bytes, recorded outgoing bytes, failing sends.
import type { MidiBackend, MidiInputPort, MidiOutputPort } from './midi.js';

export interface FakePortOptions {
  /** Listed as an input (default true). */
  readonly input?: boolean;
  /** Listed as an output (default true). */
  readonly output?: boolean;
  /** Bytes sent to the output arrive on the input of the same port, a microtask later (a MIDI loopback cable). */
  readonly loopback?: boolean;
}

/**
 * A `MidiBackend` plus the controls of a test bench.
 *
 * Semantics follow RtMidi where a test can tell: port lists are live (each `getPortCount` sees the current ports, in
 * the order they were added); `openPort` with an index that is not listed throws; when a port is removed, port objects
 * that had it open stay "open" but are dead (nothing arrives, sends go nowhere), so a transport has to notice and reopen
 * it; a port added again under the same name is a new port.
 */
export interface FakeMidiBackend extends MidiBackend {
  /** Adds a port (both directions unless told otherwise). Adding a name that is present is an error. */
  addPort(name: string, options?: FakePortOptions): void;
  /** Removes a port from both lists, as when a USB device is unplugged. */
  removePort(name: string): void;
  /** Delivers bytes, synchronously, to every port object that has input `name` open (listed or virtual); returns how many. */
  emit(name: string, bytes: readonly number[], deltaTime?: number): number;
  /** Every message sent so far to output `name` (listed or virtual), oldest first. */
  sent(name: string): number[][];
  /** Forgets what was sent. */
  clearSent(): void;
  /** From now on `sendMessage` throws this (to port `name` only, if given) until called with null. */
  failSends(error: Error | string | null, name?: string): void;
  /** Whether some port object has `name` open in that direction. */
  isOpen(name: string, direction: 'input' | 'output'): boolean;
  /** Port names currently listed. */
  inputNames(): string[];
  outputNames(): string[];
  /** How many port objects were created and not destroyed. */
  liveObjects(): number;
}

interface FakePort {
  readonly name: string;
  readonly input: boolean;
  readonly output: boolean;
  readonly loopback: boolean;
}

type Listener = (deltaTime: number, bytes: number[]) => void;

export function createFakeMidiBackend(initial: readonly (string | ({ name: string } & FakePortOptions))[] = []): FakeMidiBackend {
  let ports: FakePort[] = [];
  const sentBytes = new Map<string, number[][]>();
  const inputs = new Set<FakeInput>();
  const outputs = new Set<FakeOutput>();
  let failure: { error: Error; name: string | undefined } | null = null;

  const listed = (direction: 'input' | 'output') => ports.filter((p) => p[direction]);

  /** What one port object has open: a listed port (by identity) or a virtual name. */
  type Opened = { kind: 'port'; port: FakePort } | { kind: 'virtual'; name: string } | null;

  abstract class FakeEnd {
    opened: Opened = null;
    constructor(private readonly direction: 'input' | 'output') {}
    getPortCount(): number {
      return listed(this.direction).length;
    }
    getPortName(index: number): string {
      // RtMidi returns an empty name for an index out of range.
      return listed(this.direction)[index]?.name ?? '';
    }
    openPort(index: number): void {
      if (this.opened) return; // RtMidi warns that a connection exists and does nothing
      const port = listed(this.direction)[index];
      if (!port) throw new RangeError(`Invalid MIDI port number ${index}`);
      this.opened = { kind: 'port', port };
    }
    openVirtualPort(name: string): void {
      if (this.opened) return;
      this.opened = { kind: 'virtual', name };
    }
    closePort(): void {
      this.opened = null;
    }
    isPortOpen(): boolean {
      return this.opened !== null;
    }
    /** The name bytes reach through this object, or null when closed or its port was removed. */
    liveName(): string | null {
      if (!this.opened) return null;
      if (this.opened.kind === 'virtual') return this.opened.name;
      return ports.includes(this.opened.port) ? this.opened.port.name : null;
    }
  }

  class FakeInput extends FakeEnd implements MidiInputPort {
    private readonly listeners = new Set<Listener>();
    ignored = { sysex: true, timing: true, activeSensing: true };
    constructor() {
      super('input');
    }
    ignoreTypes(sysex: boolean, timing: boolean, activeSensing: boolean): void {
      this.ignored = { sysex, timing, activeSensing };
    }
    on(_event: 'message', listener: Listener): this {
      this.listeners.add(listener);
      return this;
    }
    off(_event: 'message', listener: Listener): this {
      this.listeners.delete(listener);
      return this;
    }
    destroy(): void {
      this.closePort();
      this.listeners.clear();
      inputs.delete(this);
    }
    deliver(deltaTime: number, bytes: readonly number[]): boolean {
      const status = bytes[0];
      if (status === 0xf0 && this.ignored.sysex) return false;
      if (status === 0xf8 && this.ignored.timing) return false;
      if (status === 0xfe && this.ignored.activeSensing) return false;
      for (const l of [...this.listeners]) l(deltaTime, [...bytes]);
      return true;
    }
  }

  class FakeOutput extends FakeEnd implements MidiOutputPort {
    constructor() {
      super('output');
    }
    sendMessage(bytes: number[]): void {
      if (!this.opened) throw new Error('MidiOutAlsa::sendMessage: no open port');
      const name = this.liveName();
      if (name === null) return; // the device is gone: ALSA accepts the bytes and they go nowhere
      if (failure && (failure.name === undefined || failure.name === name)) throw failure.error;
      const copy = Array.from(bytes);
      const list = sentBytes.get(name) ?? [];
      list.push(copy);
      sentBytes.set(name, list);
      if (this.opened.kind === 'port' && this.opened.port.loopback) queueMicrotask(() => backend.emit(name, copy, 0));
    }
    destroy(): void {
      this.closePort();
      outputs.delete(this);
    }
  }

  const backend: FakeMidiBackend = {
    createInput() {
      const i = new FakeInput();
      inputs.add(i);
      return i;
    },
    createOutput() {
      const o = new FakeOutput();
      outputs.add(o);
      return o;
    },
    addPort(name, options = {}) {
      if (ports.some((p) => p.name === name)) throw new Error(`fake MIDI port "${name}" already exists`);
      ports = [...ports, { name, input: options.input ?? true, output: options.output ?? true, loopback: options.loopback ?? false }];
    },
    removePort(name) {
      ports = ports.filter((p) => p.name !== name);
    },
    emit(name, bytes, deltaTime = 0) {
      let n = 0;
      for (const i of [...inputs]) if (i.liveName() === name && i.deliver(deltaTime, bytes)) n += 1;
      return n;
    },
    sent(name) {
      return (sentBytes.get(name) ?? []).map((b) => [...b]);
    },
    clearSent() {
      sentBytes.clear();
    },
    failSends(error, name) {
      failure = error === null ? null : { error: typeof error === 'string' ? new Error(error) : error, name };
    },
    isOpen(name, direction) {
      const objects: Iterable<FakeEnd> = direction === 'input' ? inputs : outputs;
      for (const o of objects) if (o.liveName() === name) return true;
      return false;
    },
    inputNames: () => listed('input').map((p) => p.name),
    outputNames: () => listed('output').map((p) => p.name),
    liveObjects: () => inputs.size + outputs.size,
  };

  for (const p of initial) {
    if (typeof p === 'string') backend.addPort(p);
    else backend.addPort(p.name, p);
  }
  return backend;
}
