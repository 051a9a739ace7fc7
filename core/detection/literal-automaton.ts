// An Aho-Corasick automaton over ASCII-case-folded bytes, compiled to a full transition table so the
// scan is one table lookup per byte (run by a WebAssembly loop, see hit-finder-wasm.ts). It answers
// only "which lines contain a literal?"; those lines are then classified by the pattern regexes. A
// match and a line end are sentinel states: after a match the scan jumps to the next line, so
// accepting states need no outgoing transitions, and lines are counted in the same pass.
import { HIT_STATE, LINE_END_STATE, WasmHitFinder } from './hit-finder-wasm';

const NEWLINE = 10;
/** Input is copied into the finder's memory in windows of about this size, cut at line ends. */
const WINDOW_BYTES = 1 << 20;

/** Sees a line holding a literal: its bytes are [start, end) (end excludes the newline). */
export type HitLineVisitor = (start: number, end: number, lineIndex: number) => void;

export class LiteralAutomaton {
  private readonly finder: WasmHitFinder;

  /** `literals` are ASCII and matched without regard to case; a non-ASCII literal is rejected. */
  constructor(literals: readonly string[]) {
    const words = [...new Set(literals.map((l) => l.toLowerCase()).filter((l) => l.length > 0))];
    for (const w of words) {
      if ([...w].some((ch) => ch.charCodeAt(0) > 0x7f))
        throw new Error(`literal automaton: non-ASCII literal ${JSON.stringify(w)}`);
      if (w.includes('\n')) throw new Error(`literal automaton: literal contains a newline ${JSON.stringify(w)}`);
    }
    // The trie: goto[state] maps a lower-case byte to a child; `terminal` marks where a word ends.
    const goto: Map<number, number>[] = [new Map()];
    const terminal: boolean[] = [false];
    for (const w of words) {
      let s = 0;
      for (let i = 0; i < w.length; i++) {
        const c = w.charCodeAt(i);
        let next = goto[s].get(c);
        if (next === undefined) {
          next = goto.length;
          goto.push(new Map());
          terminal.push(false);
          goto[s].set(c, next);
        }
        s = next;
      }
      terminal[s] = true;
    }
    if (goto.length >= LINE_END_STATE) throw new Error(`literal automaton: too many states (${goto.length})`);
    // Breadth-first: each state's failure link, and whether a word ends here or at a suffix of it.
    const fail = new Int32Array(goto.length);
    const accepting = terminal.slice();
    const delta = new Uint16Array(goto.length << 8); // next = delta[(state << 8) | byte]
    const order: number[] = [0];
    for (let head = 0; head < order.length; head++) {
      const s = order[head];
      if (s !== 0) accepting[s] ||= accepting[fail[s]];
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
    // Fold case (upper-case input bytes move like their lower-case twins) and mark accepting targets.
    for (let s = 0; s < goto.length; s++) {
      for (let c = 65; c <= 90; c++) delta[(s << 8) | c] = delta[(s << 8) | (c + 32)];
      for (let c = 0; c < 256; c++) if (accepting[delta[(s << 8) | c]]) delta[(s << 8) | c] = HIT_STATE;
      delta[(s << 8) | NEWLINE] = LINE_END_STATE; // no literal spans lines
    }
    this.finder = new WasmHitFinder(delta);
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
