// A worker thread's first module: Tracehound runs TypeScript through tsx's loader (no build step),
// and hooks registered on the main thread do not reach worker threads, so each registers its own.
import { register } from 'tsx/esm/api';

register();
await import('./worker-main.ts');
