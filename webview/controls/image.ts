/**
 * Image: `bytes` (a Uint8Array with `mime`) shown through a blob: URL, revoked when the bytes are replaced
 * or the image leaves the page; or `uri` (a webview resource URI, or data:/blob:), which the CSP allows.
 */

import { h, setAttr } from '../dom';
import type { Control, ControlContext } from './types';

export function image(ctx: ControlContext<'image'>): Control {
  const element = h('img', { class: 'simul-image' });
  let objectUrl: string | undefined;
  let bytes: Uint8Array | null = null;
  let mime = '';
  const revoke = (): void => {
    if (objectUrl !== undefined) URL.revokeObjectURL(objectUrl);
    objectUrl = undefined;
  };
  return {
    element,
    update(changed) {
      const nextBytes = ctx.prop('bytes');
      const nextMime = ctx.prop('mime');
      if (nextBytes !== bytes || nextMime !== mime || changed.has('bytes') || changed.has('uri')) {
        bytes = nextBytes;
        mime = nextMime;
        revoke();
        if (bytes !== null && bytes.length > 0) {
          objectUrl = URL.createObjectURL(new Blob([bytes as Uint8Array<ArrayBuffer>], { type: mime }));
          element.src = objectUrl;
        } else {
          const uri = ctx.prop('uri');
          if (uri !== '' && !/^\s*javascript:/i.test(uri)) element.src = uri;
          else element.removeAttribute('src');
        }
      }
      element.alt = ctx.prop('alt');
      setAttr(element, 'role', ctx.prop('alt') === '' ? 'presentation' : null);
      setAttr(element, 'width', ctx.prop('width') > 0 ? ctx.prop('width') : null);
      setAttr(element, 'height', ctx.prop('height') > 0 ? ctx.prop('height') : null);
      element.dataset.source = objectUrl !== undefined ? 'bytes' : element.hasAttribute('src') ? 'uri' : 'none';
    },
    setDisabled() {},
    dispose: revoke,
  };
}
