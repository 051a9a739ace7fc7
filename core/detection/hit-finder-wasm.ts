// The literal automaton's inner loop, one table lookup per byte, as a tiny WebAssembly function: on
// this loop JavaScript pays a bounds check and tagging per byte and runs at about half the speed.
// The module (under 200 bytes) is written out here instruction by instruction, so there is no
// toolchain or binary file to keep in step with the source.
//
// Memory layout: the transition table (u16 entries, next = table[(state << 8) | byte]) from offset
// 0, then the input window. `findHit(from, to)` scans input bytes [from, to) (absolute offsets) and
// returns the offset of the byte where a literal ended, or -1; the `newlines` global is set to the
// number of line ends crossed before that.

/** Sentinel states in the table: a literal ended here / the byte was a newline. */
export const HIT_STATE = 0xffff;
export const LINE_END_STATE = 0xfffe;

const PAGE = 65536;
const I32 = 0x7f;

/** Unsigned and signed LEB128, the integer encodings of the binary format. */
function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let byte = n & 0x7f;
    n >>>= 7;
    if (n !== 0) byte |= 0x80;
    out.push(byte);
  } while (n !== 0);
  return out;
}
function sleb(n: number): number[] {
  const out: number[] = [];
  for (;;) {
    const byte = n & 0x7f;
    n >>= 7;
    const done = (n === 0 && (byte & 0x40) === 0) || (n === -1 && (byte & 0x40) !== 0);
    out.push(done ? byte : byte | 0x80);
    if (done) return out;
  }
}
const name = (s: string): number[] => [...uleb(s.length), ...[...s].map((c) => c.charCodeAt(0))];
const vector = (items: number[][]): number[] => [...uleb(items.length), ...items.flat()];
const section = (id: number, body: number[]): number[] => [id, ...uleb(body.length), ...body];

// Opcodes used below.
const op = {
  block: [0x02, 0x40],
  loop: [0x03, 0x40],
  if: [0x04, 0x40],
  end: [0x0b],
  br: (depth: number) => [0x0c, depth],
  brIf: (depth: number) => [0x0d, depth],
  return: [0x0f],
  get: (local: number) => [0x20, local],
  set: (local: number) => [0x21, local],
  tee: (local: number) => [0x22, local],
  setGlobal: (global: number) => [0x24, global],
  load8: [0x2d, 0, 0], // i32.load8_u align=1 offset=0
  load16: [0x2f, 1, 0], // i32.load16_u align=2 offset=0
  const: (n: number) => [0x41, ...sleb(n)],
  eq: [0x46],
  geU: [0x4f],
  add: [0x6a],
  or: [0x72],
  shl: [0x74],
};

// Parameters 0 = from, 1 = to; locals 2 = state, 3 = i, 4 = newlines.
const [FROM, TO, STATE, I, NEWLINES] = [0, 1, 2, 3, 4];
const findHitBody: number[] = [
  ...op.get(FROM),
  ...op.set(I),
  ...op.block,
  ...op.loop,
  ...op.get(I),
  ...op.get(TO),
  ...op.geU,
  ...op.brIf(1), // i >= to: leave the block
  // state = table[((state << 8) | input[i]) << 1]
  ...op.get(STATE),
  ...op.const(8),
  ...op.shl,
  ...op.get(I),
  ...op.load8,
  ...op.or,
  ...op.const(1),
  ...op.shl,
  ...op.load16,
  ...op.tee(STATE),
  ...op.const(LINE_END_STATE),
  ...op.geU,
  ...op.if,
  ...op.get(STATE),
  ...op.const(HIT_STATE),
  ...op.eq,
  ...op.if,
  ...op.get(NEWLINES),
  ...op.setGlobal(0),
  ...op.get(I),
  ...op.return,
  ...op.end,
  ...op.get(NEWLINES),
  ...op.const(1),
  ...op.add,
  ...op.set(NEWLINES), // a line end: count it, start over
  ...op.const(0),
  ...op.set(STATE),
  ...op.end,
  ...op.get(I),
  ...op.const(1),
  ...op.add,
  ...op.set(I),
  ...op.br(0),
  ...op.end,
  ...op.end,
  ...op.get(NEWLINES),
  ...op.setGlobal(0),
  ...op.const(-1),
  ...op.end,
];

/** The module's bytes. */
export function hitFinderModule(): Uint8Array {
  const functionBody = [...vector([[3, I32]]), ...findHitBody]; // three i32 locals
  return new Uint8Array([
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00], // "\0asm", version 1
    ...section(1, vector([[0x60, ...vector([[I32], [I32]]), ...vector([[I32]])]])), // type (i32, i32) -> i32
    ...section(3, vector([[0]])), // function 0 has type 0
    ...section(5, vector([[0x00, 1]])), // one memory, at least one page
    ...section(6, vector([[I32, 0x01, ...op.const(0), ...op.end]])), // mutable i32 global = 0
    ...section(
      7,
      vector([
        [...name('findHit'), 0x00, 0],
        [...name('memory'), 0x02, 0],
        [...name('newlines'), 0x03, 0],
      ]),
    ),
    ...section(10, vector([[...uleb(functionBody.length), ...functionBody]])),
  ]);
}

let compiled: WebAssembly.Module | undefined;

/** One instance: a transition table loaded once, input windows copied in one at a time. */
export class WasmHitFinder {
  private readonly memory: WebAssembly.Memory;
  private readonly run: (from: number, to: number) => number;
  private readonly newlinesGlobal: WebAssembly.Global;
  /** Where input windows start (right after the table). */
  private readonly inputOffset: number;

  constructor(table: Uint16Array) {
    compiled ??= new WebAssembly.Module(hitFinderModule());
    const instance = new WebAssembly.Instance(compiled);
    const exports = instance.exports as {
      findHit: (from: number, to: number) => number;
      memory: WebAssembly.Memory;
      newlines: WebAssembly.Global;
    };
    this.memory = exports.memory;
    this.run = exports.findHit;
    this.newlinesGlobal = exports.newlines;
    this.inputOffset = table.byteLength;
    this.ensureCapacity(table.byteLength);
    new Uint16Array(this.memory.buffer, 0, table.length).set(table);
  }

  /** Copy a window of input (whole lines) into memory; offsets passed to `findHit` are into it. */
  load(window: Uint8Array): void {
    this.ensureCapacity(this.inputOffset + window.length);
    new Uint8Array(this.memory.buffer, this.inputOffset, window.length).set(window);
  }

  /** See the module comment; offsets are relative to the loaded window. */
  findHit(from: number, to: number): { hit: number; newlines: number } {
    const hit = this.run(this.inputOffset + from, this.inputOffset + to);
    return { hit: hit < 0 ? -1 : hit - this.inputOffset, newlines: this.newlinesGlobal.value as number };
  }

  private ensureCapacity(bytes: number): void {
    const missing = Math.ceil(bytes / PAGE) - this.memory.buffer.byteLength / PAGE;
    if (missing > 0) this.memory.grow(missing);
  }
}
