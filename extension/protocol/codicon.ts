/** Codicon names, shared by the webview's renderer and the host's first frame (first-frame.ts). Pure: no DOM. */

/** A codicon name made safe for a class name: letters, digits and dashes, lower case (`circle-filled` if none). */
export function codiconName(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9-]/g, '') || 'circle-filled';
}
