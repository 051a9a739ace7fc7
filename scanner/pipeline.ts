// line → matcher → attribution → batcher, with per-stream cursors that only advance past lines whose
// detections were delivered.
import type { Detection, DetectionSource } from '../core/contract';
import { getMatcher, parseToolInventory, type Matcher } from '../core/detection';
import type { ToolInventorySignal } from '../core/contract';
import { attribute, DEFAULT_ATTRIBUTION, type AttributionConfig, type Target } from './attribution';
import type { Batcher } from './batcher';
import type { StateStore } from './state';
import { ScanMeter } from './scan-metrics';
import type { Labels, SourceRecord } from './types';

/** Tracks which positions of a stream are settled; the cursor is the end of the settled prefix. */
export class StreamCursor {
  private readonly pending: Array<{ position: string; done: boolean }> = [];

  constructor(
    private readonly stream: string,
    private readonly state: StateStore,
    private readonly onAdvance: () => void,
  ) {}

  /** A position whose detection is in flight; call the returned function once delivered. */
  hold(position: string): () => void {
    const entry = { position, done: false };
    this.pending.push(entry);
    return () => {
      entry.done = true;
      this.settle();
    };
  }

  /** A position with nothing to deliver. */
  pass(position: string): void {
    if (this.pending.length === 0) this.advanceTo(position);
    else {
      this.pending.push({ position, done: true });
      this.settle();
    }
  }

  private settle(): void {
    let last: string | undefined;
    while (this.pending.length && this.pending[0].done) last = this.pending.shift()!.position;
    if (last !== undefined) this.advanceTo(last);
  }

  private advanceTo(position: string): void {
    const s = this.state.stream(this.stream);
    s.cursor = position;
    if (s.batches.length) s.batches = s.batches.filter((b) => b.lastPosition > position);
    this.onAdvance();
  }
}

export interface PipelineOptions {
  batcher: Batcher;
  state: StateStore;
  matcher?: Matcher;
  attribution?: AttributionConfig;
  /** How lines are labelled as a detection source, by stream prefix (default: the prefix before ':'). */
  sourceOf?: (stream: string) => DetectionSource;
  now?: () => Date;
  /** Cursor files are written at most this often (batch records are written before each send). */
  saveEveryMs?: number;
  /** Tool-inventory lines of attributed agents (pre-flight); best effort, not cursor-tracked. */
  onToolInventory?: (target: Target, inventory: ToolInventorySignal) => void;
  /** Lines per source and source lag (default: the process metrics). */
  meter?: ScanMeter;
}

const defaultSourceOf = (stream: string): DetectionSource => {
  const prefix = stream.slice(0, stream.indexOf(':'));
  return (['loki', 'kubernetes-logs', 'kubernetes-state', 'file', 'http'] as const).find((s) => s === prefix) ?? 'file';
};

export class Pipeline {
  private readonly cursors = new Map<string, StreamCursor>();
  private readonly dirty = new Set<string>();
  private saveTimer?: NodeJS.Timeout;
  readonly matcher: Matcher;
  readonly attribution: AttributionConfig;
  /** Counters for logs and metrics. */
  readonly stats = { lines: 0, detections: 0, alerts: 0 };
  private readonly meter: ScanMeter;

  constructor(private readonly opts: PipelineOptions) {
    this.meter = opts.meter ?? new ScanMeter();
    this.matcher = opts.matcher ?? getMatcher();
    this.attribution = opts.attribution ?? DEFAULT_ATTRIBUTION;
    for (const s of opts.state.allStreams()) if (s.batches.length) opts.batcher.prime(s.stream, s.batches);
  }

  /** Processes one record; resolves when it is buffered (so a full buffer slows the source down). */
  async handle(record: SourceRecord): Promise<void> {
    if (record.kind === 'alert') {
      this.stats.alerts++;
      const { target } = attribute(record.labels, this.attribution);
      await this.opts.batcher.add(target, {
        detection: record.detection,
        stream: record.stream,
        id: record.key,
        onDelivered: record.onDelivered,
      });
      return;
    }
    this.stats.lines++;
    const cursor = this.cursor(record.stream);
    const who = attribute(record.labels, this.attribution);
    if (this.opts.onToolInventory && who.target.kind === 'session') {
      const inventory = toolInventoryOf(record.line, who.agent);
      if (inventory) this.opts.onToolInventory(who.target, inventory);
    }
    const source = (this.opts.sourceOf ?? defaultSourceOf)(record.stream);
    this.meter.line(source, record.observedAt);
    const detection = this.matcher.matchLine(record.line, {
      source,
      observedAt: record.observedAt,
      agent: who.agent,
      taskId: who.taskId,
      pod: who.pod,
      lineNumber: record.lineNumber,
    });
    if (!detection) return cursor.pass(record.position);
    this.stats.detections++;
    const delivered = cursor.hold(record.position);
    await this.opts.batcher.add(who.target, {
      detection,
      stream: record.stream,
      position: record.position,
      onDelivered: delivered,
    });
  }

  /** Writes every changed cursor now. */
  saveNow(): void {
    clearTimeout(this.saveTimer);
    this.saveTimer = undefined;
    for (const stream of this.dirty) this.opts.state.saveStream(stream);
    this.dirty.clear();
  }

  private cursor(stream: string): StreamCursor {
    let c = this.cursors.get(stream);
    if (!c) {
      c = new StreamCursor(stream, this.opts.state, () => {
        this.dirty.add(stream);
        this.saveTimer ??= setTimeout(() => this.saveNow(), this.opts.saveEveryMs ?? 200);
      });
      this.cursors.set(stream, c);
    }
    return c;
  }
}

/** Records a batch in its stream state before the batch is sent (wire into `BatcherOptions.beforeSend`). */
export function recordBatch(state: StateStore): NonNullable<import('./batcher').BatcherOptions['beforeSend']> {
  return (stream, record) => {
    const s = state.stream(stream);
    if (!s.batches.some((b) => b.batchId === record.batchId)) s.batches.push(record);
    state.saveStream(stream);
  };
}

function toolInventoryOf(line: string, labelledAgent: string | undefined): ToolInventorySignal | undefined {
  if (!line.includes('nventory')) return undefined;
  const parsed = parseToolInventory(line);
  const agent = parsed?.agent ?? labelledAgent;
  return parsed && agent ? { agent, tools: parsed.tools } : undefined;
}

export interface PushedLinesResult {
  target: Target;
  detections: Detection[];
  /** Tool-inventory lines found among the pushed lines (send as `toolInventory` signals). */
  toolInventories: ToolInventorySignal[];
}

/**
 * Scans pushed lines (HTTP `POST /api/v1/session/{play_id}/logs`) and groups the detections by target
 * session. `labels` are the push labels (`agent`, `task_id`, `pod`, optionally `play-id`); when
 * `playId` is given it wins over labels. Returns one entry per target workflow (usually one), empty
 * when the lines hold neither detections nor tool-inventory lines.
 */
export function detectPushedLines(
  lines: readonly string[],
  labels: Labels,
  opts: {
    playId?: string;
    observedAt: string;
    attribution?: AttributionConfig;
    matcher?: Matcher;
    firstLineNumber?: number;
  },
): PushedLinesResult[] {
  const attribution = opts.attribution ?? DEFAULT_ATTRIBUTION;
  const withPlay = opts.playId ? { ...labels, [attribution.playIdLabels[0]]: opts.playId } : labels;
  const who = attribute(withPlay, attribution);
  const matcher = opts.matcher ?? getMatcher();
  const detections = matcher.matchLines(lines, {
    source: 'http',
    observedAt: opts.observedAt,
    agent: who.agent,
    taskId: who.taskId,
    pod: who.pod,
    lineNumber: opts.firstLineNumber ?? 1,
  });
  const toolInventories = lines
    .map((l) => toolInventoryOf(l, who.agent))
    .filter((i): i is ToolInventorySignal => i !== undefined);
  return detections.length || toolInventories.length ? [{ target: who.target, detections, toolInventories }] : [];
}
