// Reads a test fixture from tests/fixtures/shared/, gunzipping `name.gz` when only that exists.
import { existsSync, readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';

const root = new URL('../fixtures/shared/', import.meta.url);

export function readFixture(path) {
  const plain = new URL(path, root);
  if (existsSync(plain)) return readFileSync(plain, 'utf8');
  return gunzipSync(readFileSync(new URL(`${path}.gz`, root))).toString('utf8');
}
