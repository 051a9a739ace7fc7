// An Aho-Corasick automaton over ASCII-case-folded bytes, compiled to a full transition table so the
// scan is one table lookup per byte. Over whole files it answers "which lines contain a literal?" (run
// by a WebAssembly loop, see hit-finder-wasm.ts): a match and a line end are sentinel states, after a
// match the scan jumps to the next line, and lines are counted in the same pass. Over one line it
// answers "which literals occur?" (a JavaScript loop over the same transitions), so the matcher tries
// only the patterns those literals unlock.
import { HIT_STATE, LINE_END_STATE, WasmHitFinder } from './hit-finder-wasm';

const NEWLINE = 10;
/** In the one-line table: the next state has outputs. States fit below it. */
const OUTPUT_FLAG = 0x8000;
const STATE_MASK = 0x7fff;
/** Input is copied into the finder's memory in windows of about this size, cut at line ends. */
const WINDOW_BYTES = 1 << 20;

/** Sees a line holding a literal: its bytes are [start, end) (end excludes the newline). */
export type HitLineVisitor = (start: number, end: number, lineIndex: number) => void;

export class LiteralAutomaton {
  /** The distinct literals, lower-cased; `forEachLiteral` reports them by index into this list. */
  readonly words: readonly string[];
  private readonly finder: WasmHitFinder;
  /**
   * For one-line walks: transitions[(state << 8) | byte] is the next state, case folded, with
   * OUTPUT_FLAG set when a word ends there (so a walk reads one entry per character).
   */
  private readonly transitions: Uint16Array;
  /** The words ending at state s (its own and at suffixes of it) are outputWords[outputStart[s] … outputStart[s + 1]). */
  private readonly outputStart: Uint32Array;
  private readonly outputWords: Uint16Array;

  /** `literals` are ASCII and matched without regard to case; a non-ASCII literal is rejected. */
  constructor(literals: readonly string[]) {
    const words = [...new Set(literals.map((l) => l.toLowerCase()).filter((l) => l.length > 0))];
    this.words = words;
    for (const w of words) {
      if ([...w].some((ch) => ch.charCodeAt(0) > 0x7f))
        throw new Error(`literal automaton: non-ASCII literal ${JSON.stringify(w)}`);
      if (w.includes('\n')) throw new Error(`literal automaton: literal contains a newline ${JSON.stringify(w)}`);
    }
    // The trie: goto[state] maps a lower-case byte to a child; `terminal` marks where a word ends.
    const goto: Map<number, number>[] = [new Map()];
    const terminal: number[][] = [[]];
    for (const [index, w] of words.entries()) {
      let s = 0;
      for (let i = 0; i < w.length; i++) {
        const c = w.charCodeAt(i);
        let next = goto[s].get(c);
        if (next === undefined) {
          next = goto.length;
          goto.push(new Map());
          terminal.push([]);
          goto[s].set(c, next);
        }
        s = next;
      }
      terminal[s].push(index);
    }
    if (goto.length > STATE_MASK) throw new Error(`literal automaton: too many states (${goto.length})`);
    // Breadth-first: each state's failure link, and the words ending here or at a suffix of it.
    const fail = new Int32Array(goto.length);
    const outputs = terminal.map((own) => own.slice());
    const delta = new Uint16Array(goto.length << 8); // next = delta[(state << 8) | byte]
    const order: number[] = [0];
    for (let head = 0; head < order.length; head++) {
      const s = order[head];
      if (s !== 0) outputs[s].push(...outputs[fail[s]]);
      for (let c = 0; c < 256; c++) {
        const child = goto[s].get(c);
        if (child !== undefined) {
          fail[child] = s === 0 ? 0 : delta[(fail[s] << 8) | c];
          order.push(child);
          delta[(s << 8) | c] = child;
        } else {
          delta[(s << 8) | c] = s === 0 ? 0 : delta[(fail[s] << 8) | c];
        }
      }
    }
    // Fold case: upper-case input bytes move like their lower-case twins.
    for (let s = 0; s < goto.length; s++)
      for (let c = 65; c <= 90; c++) delta[(s << 8) | c] = delta[(s << 8) | (c + 32)];
    this.transitions = delta.map((next) => (outputs[next].length ? next | OUTPUT_FLAG : next));
    this.outputStart = new Uint32Array(outputs.length + 1);
    outputs.forEach((words, s) => (this.outputStart[s + 1] = this.outputStart[s] + words.length));
    this.outputWords = Uint16Array.from(outputs.flat());
    // The file scan's table: targets where a word ends become the hit sentinel, newlines the line end.
    for (let s = 0; s < goto.length; s++) {
      for (let c = 0; c < 256; c++) if (outputs[delta[(s << 8) | c]].length) delta[(s << 8) | c] = HIT_STATE;
      delta[(s << 8) | NEWLINE] = LINE_END_STATE; // no literal spans lines
    }
    this.finder = new WasmHitFinder(delta);
  }

  /**
   * Calls `visit` with the index (into `words`) of every literal occurrence in `line`, ignoring ASCII
   * case. Characters beyond one byte take no part in any literal (literals are ASCII).
   */
  forEachLiteral(line: string, visit: (word: number) => void): void {
    const { transitions, outputStart, outputWords } = this;
    let state = 0;
    for (let i = 0; i < line.length; i++) {
      const code = line.charCodeAt(i);
      const next = transitions[(state << 8) | (code < 128 ? code : 0)];
      state = next & STATE_MASK;
      if (next & OUTPUT_FLAG) for (let k = outputStart[state]; k < outputStart[state + 1]; k++) visit(outputWords[k]);
    }
  }

  /**
   * Calls `visit` for each line of `bytes` that contains a literal, in order, and returns how many
   * lines `bytes` holds (a last line without a newline counts).
   */
  forEachLineWithLiteral(bytes: Uint8Array, visit: HitLineVisitor): number {
    let newlines = 0;
    for (let windowStart = 0; windowStart < bytes.length;) {
      const windowEnd = this.windowEnd(bytes, windowStart);
      this.finder.load(bytes.subarray(windowStart, windowEnd));
      const length = windowEnd - windowStart;
      for (let from = 0; from < length;) {
        const { hit, newlines: crossed } = this.finder.findHit(from, length);
        newlines += crossed;
        if (hit < 0) break;
        const at = windowStart + hit;
        const start = bytes.lastIndexOf(NEWLINE, at) + 1;
        const newline = bytes.indexOf(NEWLINE, at);
        const end = newline < 0 ? bytes.length : newline;
        visit(start, end, newlines);
        if (newline >= 0) newlines++;
        from = end + 1 - windowStart;
      }
      windowStart = windowEnd;
    }
    const unterminated = bytes.length > 0 && bytes[bytes.length - 1] !== NEWLINE;
    return newlines + (unterminated ? 1 : 0);
  }

  /** The end of the window starting at `start`: after the last newline within reach, so no line is split. */
  private windowEnd(bytes: Uint8Array, start: number): number {
    const limit = start + WINDOW_BYTES;
    if (limit >= bytes.length) return bytes.length;
    const lastNewline = bytes.lastIndexOf(NEWLINE, limit - 1);
    if (lastNewline >= start) return lastNewline + 1;
    const nextNewline = bytes.indexOf(NEWLINE, limit); // one line longer than a window
    return nextNewline < 0 ? bytes.length : nextNewline + 1;
  }
}
