import { SA_NAME_ANNOTATION, SA_TOKEN_TYPE, SA_UID_ANNOTATION, SECRET, SERVICE_ACCOUNT } from '../kube/auth/service-account-tokens.ts';
import type { KubeObject } from '../kube/kube-object.ts';
import type { Controller, World } from './world.ts';

/**
 * kube-controller-manager's tokens controller, for the Secrets an operator creates by hand: a
 * `kubernetes.io/service-account-token` Secret naming a ServiceAccount gets `token`, `namespace`
 * and `ca.crt`, and the ServiceAccount's uid; one whose ServiceAccount is gone (or is another
 * object of the same name) is deleted, which is what revokes its token.
 */
export class ServiceAccountTokenController implements Controller {
  readonly name = 'serviceaccount-tokens';

  constructor(
    private readonly world: World,
    private readonly mint: () => string,
    private readonly caPem: string,
    private readonly controlPlaneUp: () => boolean,
  ) {}

  reconcile(): void {
    if (!this.controlPlaneUp()) return;
    const { store } = this.world;
    for (const secret of store.list(SECRET)) {
      if (secret.type !== SA_TOKEN_TYPE) continue;
      const namespace = secret.metadata.namespace ?? '';
      const saName = secret.metadata.annotations?.[SA_NAME_ANNOTATION] ?? '';
      const sa = store.get(SERVICE_ACCOUNT, namespace, saName);
      const wantedUid = secret.metadata.annotations?.[SA_UID_ANNOTATION];
      if (!sa || (wantedUid && wantedUid !== sa.metadata.uid)) {
        store.remove(SECRET, namespace, secret.metadata.name);
        continue;
      }
      if (this.complete(secret, sa)) continue;
      store.update(SECRET, namespace, secret.metadata.name, (draft) => {
        const data = { ...((draft.data as Record<string, string> | undefined) ?? {}) };
        data['ca.crt'] ??= Buffer.from(this.caPem).toString('base64');
        data.namespace ??= Buffer.from(namespace).toString('base64');
        data.token ??= Buffer.from(this.mint()).toString('base64');
        draft.data = data;
        draft.metadata.annotations = { ...draft.metadata.annotations, [SA_UID_ANNOTATION]: sa.metadata.uid ?? '' };
      });
    }
  }

  private complete(secret: KubeObject, sa: KubeObject): boolean {
    const data = (secret.data as Record<string, string> | undefined) ?? {};
    return !!data.token && !!data.namespace && !!data['ca.crt'] && secret.metadata.annotations?.[SA_UID_ANNOTATION] === sa.metadata.uid;
  }
}
