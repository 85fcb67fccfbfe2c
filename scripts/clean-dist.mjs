// Empties dist/ before a pack build, so the tarball never carries files compiled from sources that no longer exist.
import { rmSync } from 'node:fs';

rmSync(new URL('../dist', import.meta.url), { recursive: true, force: true });
