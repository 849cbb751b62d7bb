// Child process for tests/js/state.test.mjs: `increment <path> <n>` does n atomic updates of
// the key 'counter'; `hold <path>` takes the store's lock inside an update and never lets go
// (the parent kills it to leave a stale lock behind).
import { StateStore } from 'stratlab';

const [mode, path, n] = process.argv.slice(2);
const store = await StateStore.open({ backend: 'file', path, backups: 2 });
if (mode === 'increment') {
  for (let i = 0; i < Number(n); i++) await store.update('counter', (c) => (c ?? 0) + 1);
  await store.close();
  process.send?.({ done: true });
} else if (mode === 'hold') {
  await store.update('counter', () => {
    process.send?.({ locked: true });
    setInterval(() => {}, 1000); // stay alive (and locked) until killed
    return new Promise(() => {});
  });
}
