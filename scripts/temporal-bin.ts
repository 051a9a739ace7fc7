// Prints the path of the `temporal` CLI; with `install`, builds it with Go when it is missing (CI uses this).
import { ensureTemporalBinary, findTemporalBinary } from '../runtime/temporal-bin';

const command = process.argv[2] ?? 'find';
try {
  const path = command === 'install' ? ensureTemporalBinary() : findTemporalBinary();
  if (!path) {
    console.error('no temporal binary found (run with "install" to build one)');
    process.exit(1);
  }
  console.log(path);
} catch (error) {
  console.error((error as Error).message);
  process.exit(2);
}
