// @ts-check
/** The one recursive directory walk the build and test scripts share. */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Every file below `dir` (absolute paths, sorted) whose name passes `accept`; none if `dir` does not exist.
 * @param {string} dir
 * @param {(name: string) => boolean} accept
 * @returns {string[]}
 */
export function filesUnder(dir, accept) {
  if (!existsSync(dir)) return [];
  /** @type {string[]} */
  const found = [];
  const walk = (/** @type {string} */ d) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (accept(name)) found.push(p);
    }
  };
  walk(dir);
  return found.sort();
}
