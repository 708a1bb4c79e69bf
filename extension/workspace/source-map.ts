/**
 * A decoder for the `mappings` of a version 3 source map (Base64 VLQ), and the lookup stack mapping needs: the
 * mapping at or before a generated position on its line. Portable (no `node:module`), so stacks map the same way
 * in the Node and the web worker extension hosts.
 */

/** One mapping of a generated line: 0-based generated column, and (if it has one) the 0-based original place. */
export interface Mapping {
  readonly column: number;
  readonly source?: number;
  readonly originalLine?: number;
  readonly originalColumn?: number;
}

const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const DIGIT = new Map([...BASE64].map((c, i) => [c, i]));

/** The mappings of each generated line (index: 0-based line), each line's sorted by column. */
export function decodeMappings(mappings: string): Mapping[][] {
  const lines: Mapping[][] = [];
  let source = 0;
  let originalLine = 0;
  let originalColumn = 0;
  for (const lineText of mappings.split(';')) {
    const line: Mapping[] = [];
    let column = 0;
    for (const segment of lineText.split(',')) {
      if (segment === '') continue;
      const values: number[] = [];
      let value = 0;
      let shift = 0;
      for (const char of segment) {
        const digit = DIGIT.get(char);
        if (digit === undefined) throw new Error(`invalid source map mapping ${JSON.stringify(segment)}`);
        value += (digit & 31) << shift;
        if (digit & 32) {
          shift += 5;
        } else {
          values.push(value & 1 ? -(value >>> 1) : value >>> 1);
          value = 0;
          shift = 0;
        }
      }
      column += values[0] ?? 0;
      if (values.length >= 4) {
        source += values[1];
        originalLine += values[2];
        originalColumn += values[3];
        line.push({ column, source, originalLine, originalColumn });
      } else {
        line.push({ column });
      }
    }
    line.sort((a, b) => a.column - b.column);
    lines.push(line);
  }
  return lines;
}

/** The last mapping of `line` (0-based) whose column is at or before `column` (0-based); undefined if none. */
export function findMapping(lines: readonly (readonly Mapping[])[], line: number, column: number): Mapping | undefined {
  const mappings = lines[line];
  if (!mappings) return undefined;
  let found: Mapping | undefined;
  for (const m of mappings) {
    if (m.column > column) break;
    found = m;
  }
  return found;
}
