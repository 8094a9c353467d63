import type { Prng } from '../../prng.ts';
import type { KubeObject } from '../kube-object.ts';
import { resourceForKind } from '../resources.ts';
import type { KubeStore } from '../store.ts';
import { serviceAccountUser, type UserInfo } from './user-info.ts';

export const SERVICE_ACCOUNT = resourceForKind('v1', 'ServiceAccount');
export const SECRET = resourceForKind('v1', 'Secret');
export const SA_TOKEN_TYPE = 'kubernetes.io/service-account-token';
export const SA_NAME_ANNOTATION = 'kubernetes.io/service-account.name';
export const SA_UID_ANNOTATION = 'kubernetes.io/service-account.uid';

interface IssuedToken {
  namespace: string;
  name: string;
  uid: string;
  expiresAt: number;
}

/**
 * ServiceAccount credentials. Real tokens are JWTs the API server verifies by signature; lab-sim's
 * are opaque random strings (from a stream of their own, so the world's seeded ids do not shift),
 * checked the way the JWT authenticator checks the claims: the ServiceAccount still exists with the
 * same uid, the token has not expired (sim time), and a legacy token's Secret still holds it.
 */
export class ServiceAccountTokens {
  private readonly issued = new Map<string, IssuedToken>();

  constructor(
    private readonly store: KubeStore,
    private readonly prng: Prng,
    private readonly now: () => number,
  ) {}

  mint(): string {
    return this.prng.bytes(32).toString('base64url');
  }

  /** A TokenRequest's token, bound to the ServiceAccount object (its uid) until `expiresAt`. */
  issue(serviceAccount: KubeObject, expiresAt: number): string {
    const token = this.mint();
    this.issued.set(token, { namespace: serviceAccount.metadata.namespace ?? '', name: serviceAccount.metadata.name, uid: serviceAccount.metadata.uid ?? '', expiresAt });
    return token;
  }

  authenticate(token: string): UserInfo | undefined {
    const bound = this.issued.get(token);
    if (bound) {
      if (this.now() >= bound.expiresAt) {
        this.issued.delete(token);
        return undefined;
      }
      const sa = this.store.get(SERVICE_ACCOUNT, bound.namespace, bound.name);
      return sa && sa.metadata.uid === bound.uid ? serviceAccountUser(bound.namespace, bound.name) : undefined;
    }
    return this.fromSecret(token);
  }

  private fromSecret(token: string): UserInfo | undefined {
    const encoded = Buffer.from(token).toString('base64');
    for (const secret of this.store.list(SECRET)) {
      if (secret.type !== SA_TOKEN_TYPE || (secret.data as Record<string, string> | undefined)?.token !== encoded) continue;
      const namespace = secret.metadata.namespace ?? '';
      const name = secret.metadata.annotations?.[SA_NAME_ANNOTATION] ?? '';
      const sa = this.store.get(SERVICE_ACCOUNT, namespace, name);
      const uid = secret.metadata.annotations?.[SA_UID_ANNOTATION];
      if (!sa || (uid && uid !== sa.metadata.uid)) return undefined;
      return serviceAccountUser(namespace, name);
    }
    return undefined;
  }
}
