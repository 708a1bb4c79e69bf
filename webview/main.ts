import { provideVSCodeDesignSystem, vsCodeButton } from '@vscode/webview-ui-toolkit';
import {
  DEMO_PROTOCOL_VERSION,
  type DemoClickMessage,
  type DemoReadyMessage,
  type DemoStateMessage,
  validateDemoToWebview,
} from '../extension/protocol/demo-protocol';
import { vscodeApi } from './vscode-api';

provideVSCodeDesignSystem().register(vsCodeButton());

const vscode = vscodeApi();
let seq = 0;

/** Builds the demo's controls once; `render` fills them from each state the host sends. */
function mount(root: HTMLElement): { text: HTMLElement; status: HTMLElement } {
  root.className = 'simul-demo';
  const button = document.createElement('vscode-button');
  button.id = 'run';
  button.textContent = 'Run async handler';
  button.setAttribute('aria-describedby', 'text');
  button.addEventListener('click', () => {
    const click: DemoClickMessage = { type: 'click', v: DEMO_PROTOCOL_VERSION, seq: ++seq };
    vscode.postMessage(click);
  });
  const text = document.createElement('p');
  text.id = 'text';
  text.setAttribute('role', 'status');
  text.setAttribute('aria-live', 'polite');
  const status = document.createElement('p');
  status.id = 'status';
  status.className = 'simul-muted';
  root.append(button, text, status);
  root.removeAttribute('aria-busy');
  return { text, status };
}

const root = document.getElementById('root');
if (!root) throw new Error('Simul webview: the page has no #root element');
const view = mount(root);

function render(state: DemoStateMessage): void {
  view.text.textContent = state.text;
  view.text.dataset.done = String(state.done);
  view.text.dataset.timings = JSON.stringify(state.timings);
  view.status.textContent = `${state.clicks} clicked · ${state.running} running · ${state.done} done`;
}

window.addEventListener('message', (event: MessageEvent<unknown>) => {
  const checked = validateDemoToWebview(event.data);
  if (!checked.ok) {
    console.error(`Simul webview: rejected a message from the host: ${checked.error}`);
    return;
  }
  render(checked.message);
});

const ready: DemoReadyMessage = { type: 'ready', v: DEMO_PROTOCOL_VERSION };
vscode.postMessage(ready);
