import { BadRequest } from '../../net/http-util.ts';

// kubectl's clientset posts TokenRequests and SelfSubjectAccessReviews as protobuf
// (application/vnd.kubernetes.protobuf) and does not fall back to JSON: the API server's wire
// format for them, read just far enough for their specs (k8s.io/api authentication/v1 and
// authorization/v1 generated.proto).

const MAGIC = Buffer.from('k8s\0', 'latin1');

/** Field number → raw values (bytes for length-delimited fields, numbers for varints). */
function fields(buf: Buffer): Map<number, (Buffer | number)[]> {
  const out = new Map<number, (Buffer | number)[]>();
  let at = 0;
  const varint = (): number => {
    let value = 0;
    let shift = 0;
    for (;;) {
      const byte = buf[at++];
      if (byte === undefined) throw new BadRequest('truncated protobuf varint');
      value += (byte & 0x7f) * 2 ** shift;
      if (byte < 0x80) return value;
      shift += 7;
    }
  };
  while (at < buf.length) {
    const key = varint();
    const wire = key & 7;
    let value: Buffer | number = 0;
    if (wire === 0) value = varint();
    else if (wire === 2) {
      const length = varint();
      value = buf.subarray(at, at + length);
      at += length;
    } else if (wire === 1 || wire === 5) at += wire === 1 ? 8 : 4; // fixed64/fixed32: not in a TokenRequest spec
    else throw new BadRequest(`unsupported protobuf wire type ${wire}`);
    const list = out.get(Math.floor(key / 8)) ?? [];
    list.push(value);
    out.set(Math.floor(key / 8), list);
  }
  return out;
}

/** The object's spec (field 2) inside the runtime.Unknown envelope (raw, field 2). */
function specOf(body: Buffer): Map<number, (Buffer | number)[]> | undefined {
  if (!body.subarray(0, 4).equals(MAGIC)) throw new BadRequest('the request body is not a Kubernetes protobuf message');
  const raw = fields(body.subarray(4)).get(2)?.[0];
  const spec = raw instanceof Buffer ? fields(raw).get(2)?.[0] : undefined;
  return spec instanceof Buffer ? fields(spec) : undefined;
}

/** The strings of a message, by field name (field n = names[n - 1]); empty ones left out as in JSON. */
function strings(message: Buffer | number | undefined, names: string[]): Record<string, string> | undefined {
  if (!(message instanceof Buffer)) return undefined;
  const f = fields(message);
  const out: Record<string, string> = {};
  names.forEach((name, i) => {
    const value = f.get(i + 1)?.[0];
    if (value instanceof Buffer && value.length) out[name] = value.toString('utf8');
  });
  return out;
}

export function decodeSelfSubjectAccessReview(body: Buffer): { spec: { resourceAttributes?: Record<string, string>; nonResourceAttributes?: Record<string, string> } } {
  const spec = specOf(body);
  const resourceAttributes = strings(spec?.get(1)?.[0], ['namespace', 'verb', 'group', 'version', 'resource', 'subresource', 'name']);
  const nonResourceAttributes = strings(spec?.get(2)?.[0], ['path', 'verb']);
  return { spec: { ...(resourceAttributes ? { resourceAttributes } : {}), ...(nonResourceAttributes ? { nonResourceAttributes } : {}) } };
}

export function decodeTokenRequest(body: Buffer): { spec: { audiences?: string[]; expirationSeconds?: number } } {
  const specFields = specOf(body);
  if (!specFields) return { spec: {} };
  const audiences = (specFields.get(1) ?? []).map((a) => (a as Buffer).toString('utf8'));
  const expiration = specFields.get(4)?.[0];
  return { spec: { ...(audiences.length ? { audiences } : {}), ...(typeof expiration === 'number' ? { expirationSeconds: expiration } : {}) } };
}
