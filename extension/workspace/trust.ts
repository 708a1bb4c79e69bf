/**
 * Workspace Trust: a workspace app is code that came with the workspace, and Simul runs it with every right an
 * extension has. So Simul builds and runs apps only in a trusted workspace; in Restricted Mode it says why.
 */

/** Why an app is refused in an untrusted workspace (shown to the user). */
export function untrustedRefusal(appName: string): string {
  return (
    `Simul runs workspace apps only in trusted workspaces: ${appName} is code from this workspace, and running it ` +
    'would give it the same access to your files and programs as any extension. Trust the workspace to run it.'
  );
}

/** Thrown when a workspace app is built or loaded in a workspace that is not trusted. */
export class WorkspaceTrustError extends Error {
  override readonly name = 'WorkspaceTrustError';
  constructor(readonly appName: string) {
    super(untrustedRefusal(appName));
  }
}

/** Throws {@link WorkspaceTrustError} unless the workspace is trusted. */
export function requireTrust(isTrusted: boolean, appName: string): void {
  if (!isTrusted) throw new WorkspaceTrustError(appName);
}
