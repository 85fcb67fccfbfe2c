// Listens to what desks report on their outputs: eqmorph's own values coming back, answers to its queries, and edits
// made by someone at the desk, which each output's on_desk_edit policy turns into what eqmorph sends next.

import { concatMap, filter, map, merge, pairwise, startWith, Subject, timer, type Observable, type Subscription } from 'rxjs';
import type { DeskEditPolicy, Mapping } from '../profiles/types.js';
import type { OscInMessage, OscOutMessage } from '../transports/osc-udp.js';
import type { Transport } from '../transports/transport.js';
import { describeReport, reportTable, sameSetting, type ReportEntry } from './desk-reports.js';
import type { WireMessage } from './encode-target.js';

type ReportingTransport = Pick<Transport<OscInMessage, OscOutMessage>, 'messages$' | 'status$' | 'send'>;

export interface DeskCounters {
  /** Changes made at the desk (a value eqmorph did not send). */
  edits: number;
  /** Reports of values eqmorph had sent itself. */
  echoes: number;
  /** Answers to eqmorph's queries (start, reconnection). */
  answers: number;
  /** Reports of anything else the desk has (faders, mutes, ...), read and left alone. */
  other: number;
}

export interface DeskEdit {
  readonly output: string;
  readonly policy: DeskEditPolicy;
  readonly entry: ReportEntry;
  readonly value: number | string;
  /** A sentence for the log. */
  readonly text: string;
}

export interface DeskWatch {
  /** The send path tells what it just sent to an output. */
  sent(output: string, msgs: readonly WireMessage[]): void;
  /**
   * Before an instance's frame is de-duplicated: forgets what was last sent for parameters edited at the desk (so the
   * next frame sends them, as `override` wants) and returns the keys that must be left alone (`yield`). A yielded
   * parameter is taken back once a control of its instance has moved (`retake`) and, under a `pickup` or `scale`
   * takeover, once eqmorph's value for it has met or crossed the desk's.
   */
  prepare(instance: string, lastSent: Map<string, WireMessage>, frame: readonly WireMessage[]): ReadonlySet<string>;
  /** A control moved this instance (not a start snapshot or a resync): its yielded parameters may be taken back. */
  retake(instance: string): void;
  /** Asks the desk for every reported parameter of an output's instances (targets with `reports.query`). */
  query(output: string): void;
  counters(): ReadonlyMap<string, Readonly<DeskCounters>>;
  /** What each instance's parameters hold on the desk, as far as eqmorph knows (sent, answered or edited), by key. */
  deskValues(instance: string): ReadonlyMap<string, number | string>;
  readonly edits$: Observable<DeskEdit>;
  stop(): void;
}

/** Values sent to one address that a late report may still echo. */
const RECENT = 4;
/** A query not answered within this long is forgotten: a later report of that address is a report again. */
const QUERY_MS = 2000;
/** Queries sent together, and the pause before each group. */
const QUERY_BATCH = 8;
const QUERY_PAUSE_MS = 10;

interface Pending {
  /** What eqmorph had sent to the address when it asked (undefined: nothing yet). */
  readonly before: number | string | undefined;
  readonly at: number;
  /** eqmorph sent a new value after asking: the answer says nothing about now. */
  superseded: boolean;
}

export function createDeskWatch(opts: { mapping: Mapping; outputs: ReadonlyMap<string, ReportingTransport>; now?: () => number }): DeskWatch {
  const now = opts.now ?? (() => Date.now());
  const tables = new Map<string, Map<string, ReportEntry>>();
  const policies = new Map<string, DeskEditPolicy>();
  const counts = new Map<string, DeskCounters>();
  for (const [name, output] of opts.mapping.outputs) {
    if (!output.profile.reports || !opts.outputs.has(name)) continue;
    tables.set(name, reportTable(output.profile, opts.mapping.instances.filter((i) => i.output === name)));
    policies.set(name, output.onDeskEdit ?? 'yield');
    counts.set(name, { edits: 0, echoes: 0, answers: 0, other: 0 });
  }
  // By `<output> <address>`.
  const recent = new Map<string, (number | string)[]>();
  const pending = new Map<string, Pending>();
  const values = new Map<string, Map<string, number | string>>();
  const edited = new Map<string, Set<string>>();
  /** Yielded parameters by instance: the desk's value, and eqmorph's value for it in the last frame. */
  const held = new Map<string, Map<string, { desk: number | string; ours: number | string | undefined; entry: ReportEntry }>>();
  /** Instances a control has moved since their parameters were yielded. */
  const moved = new Set<string>();
  /** Instances whose controls take over at once (every absolute binding is `jump`): a move takes a parameter back. */
  const jumps = new Set(
    opts.mapping.instances
      .filter((i) => i.bindings.every((b) => !((b.target === 'alpha' || b.target === 'strength') && b.glue.control === 'absolute' && b.glue.takeover !== 'jump')))
      .map((i) => i.name),
  );
  const edits$ = new Subject<DeskEdit>();
  const setOf = (m: Map<string, Set<string>>, k: string) => m.get(k) ?? m.set(k, new Set()).get(k)!;
  const remember = (entry: ReportEntry, value: number | string) => (values.get(entry.instance) ?? values.set(entry.instance, new Map()).get(entry.instance)!).set(entry.key, value);

  const edit = (output: string, entry: ReportEntry, value: number | string) => {
    const policy = policies.get(output)!;
    counts.get(output)!.edits++;
    setOf(edited, entry.instance).add(entry.key);
    if (policy === 'yield') {
      const h = held.get(entry.instance) ?? held.set(entry.instance, new Map()).get(entry.instance)!;
      h.set(entry.key, { desk: value, ours: h.get(entry.key)?.ours ?? recent.get(`${output} ${entry.address}`)?.at(-1), entry });
      moved.delete(entry.instance);
    }
    const then = policy === 'yield' ? `left to the desk until ${entry.instance} is moved again` : policy === 'follow' ? 'shown; the next move of the instance sets it again' : 'the next move of the instance overwrites it';
    edits$.next({ output, policy, entry, value, text: `${output}: desk edit ${describeReport(entry, value)} (${policy}: ${then})` });
  };

  const report = (output: string, msg: OscInMessage) => {
    const c = counts.get(output)!;
    const entry = tables.get(output)!.get(msg.address);
    const value = msg.args[0];
    if (!entry || (typeof value !== 'number' && typeof value !== 'string')) {
      c.other++;
      return;
    }
    const at = `${output} ${msg.address}`;
    const asked = pending.get(at);
    if (asked && now() - asked.at <= QUERY_MS) {
      pending.delete(at);
      c.answers++;
      if (asked.superseded) return;
      remember(entry, value);
      // A value that changed while eqmorph was not listening (a lost connection) is an edit like any other.
      if (asked.before !== undefined && !sameSetting(entry, asked.before, value)) edit(output, entry, value);
      return;
    }
    pending.delete(at);
    if ((recent.get(at) ?? []).some((v) => sameSetting(entry, v, value))) {
      c.echoes++;
      return;
    }
    remember(entry, value);
    edit(output, entry, value);
  };

  // Queries go out a few at a time: a burst as large as a desk's whole EQ (128 addresses for 8 channels), on top of the
  // start snapshot, is more than a small receive buffer holds, and a lost answer is only a value not shown.
  const asks$ = new Subject<{ output: string; addresses: string[] }>();
  const askSub = asks$.pipe(concatMap((batch) => timer(QUERY_PAUSE_MS).pipe(map(() => batch)))).subscribe(({ output, addresses }) => {
    for (const address of addresses) {
      const last = recent.get(`${output} ${address}`);
      pending.set(`${output} ${address}`, { before: last?.[last.length - 1], at: now(), superseded: false });
      opts.outputs.get(output)!.send({ address, args: [], types: '' });
    }
  });
  const query = (output: string) => {
    const table = tables.get(output);
    if (!table || !opts.mapping.outputs.get(output)!.profile.reports!.query) return;
    const all = [...table.keys()];
    for (let i = 0; i < all.length; i += QUERY_BATCH) asks$.next({ output, addresses: all.slice(i, i + QUERY_BATCH) });
  };

  const subs: Subscription[] = [...tables.keys()].map((output) => {
    const t = opts.outputs.get(output)!;
    // Back after an error: what the desk holds may have changed meanwhile.
    const back$ = t.status$.pipe(
      map((s) => s.state),
      startWith('open'),
      pairwise(),
      filter(([was, is]) => was === 'error' && is === 'open'),
    );
    return merge(t.messages$.pipe(map((m) => () => report(output, m))), back$.pipe(map(() => () => query(output)))).subscribe((act) => act());
  });

  return {
    sent(output, msgs) {
      const table = tables.get(output);
      if (!table) return;
      for (const m of msgs) {
        if (m.transport !== 'osc') continue;
        const entry = table.get(m.address);
        if (!entry) continue;
        const at = `${output} ${m.address}`;
        const list = recent.get(at) ?? recent.set(at, []).get(at)!;
        list.push(m.value);
        if (list.length > RECENT) list.shift();
        const asked = pending.get(at);
        if (asked) asked.superseded = true;
        remember(entry, m.value);
      }
    },
    prepare(instance, lastSent, frame) {
      const h = held.get(instance);
      if (h?.size) {
        for (const m of frame) {
          const y = h.get(m.key);
          if (!y || m.transport !== 'osc') continue;
          const met = typeof m.value === 'number' && typeof y.desk === 'number' && typeof y.ours === 'number' ? (y.ours - y.desk) * (m.value - y.desk) <= 0 : false;
          if (moved.has(instance) && (jumps.has(instance) || met || sameSetting(y.entry, m.value, y.desk))) h.delete(m.key);
          else y.ours = m.value;
        }
      }
      const ed = edited.get(instance);
      if (ed) {
        for (const key of ed) {
          if (h?.has(key)) continue;
          lastSent.delete(key);
          ed.delete(key);
        }
      }
      return new Set(h?.keys() ?? []);
    },
    retake(instance) {
      if (held.get(instance)?.size) moved.add(instance);
    },
    query,
    counters: () => counts,
    deskValues: (instance) => values.get(instance) ?? new Map(),
    edits$: edits$.asObservable(),
    stop() {
      for (const s of subs) s.unsubscribe();
      askSub.unsubscribe();
      edits$.complete();
    },
  };
}
