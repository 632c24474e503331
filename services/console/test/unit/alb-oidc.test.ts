import { generateKeyPairSync, sign } from 'node:crypto';
import { createAlbOidcVerifier } from '../../src/adapters/alb-oidc';

const ALB = 'arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/ediflow-console/50dc6c495c0c9188';
const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const PEM = publicKey.export({ type: 'spki', format: 'pem' }).toString();
const NOW = 1_800_000_000_000;

const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');

/** A token as the ALB makes one: ES256, the key id and signer in the header, base64 with padding on the signature. */
function albToken(header: Record<string, unknown>, claims: Record<string, unknown>, key = privateKey): string {
  const h = b64({ alg: 'ES256', kid: 'key-1', signer: ALB, iss: 'https://idp.example', client: 'console', exp: NOW / 1000 + 60, typ: 'JWT', ...header });
  const c = b64({ sub: 'user-7', email: 'ops@example.org', groups: ['edi-ops'], exp: NOW / 1000 + 60, ...claims });
  const sig = sign('sha256', Buffer.from(`${h}.${c}`), { key, dsaEncoding: 'ieee-p1363' }).toString('base64');
  return `${h}.${c}.${sig}`;
}

function verifier() {
  const fetched: string[] = [];
  const verify = createAlbOidcVerifier({
    region: 'us-east-1',
    albArn: ALB,
    groupsClaim: 'groups',
    userClaim: 'email',
    fetchKey: async (kid) => {
      fetched.push(kid);
      return PEM;
    },
    clock: () => NOW,
  });
  return { verify, fetched };
}

describe('ALB OIDC identity', () => {
  it('when the ALB signed the token, then its user and groups are trusted, and the key is fetched once per key id', async () => {
    const { verify, fetched } = verifier();
    expect(await verify(albToken({}, {}))).toEqual({ user: 'ops@example.org', groups: ['edi-ops'] });
    expect(await verify(albToken({}, { groups: 'edi-viewers, auditors', email: undefined }))).toEqual({ user: 'user-7', groups: ['edi-viewers', 'auditors'] });
    expect(fetched).toEqual(['key-1']);
  });

  it('when the token is forged, altered, from another load balancer, expired or not ES256, then nobody is trusted', async () => {
    const { verify } = verifier();
    const other = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
    expect(await verify(albToken({}, {}, other))).toBeUndefined();
    const [h, , s] = albToken({}, {}).split('.');
    expect(await verify(`${h}.${b64({ sub: 'x', email: 'admin@example.org', groups: ['edi-ops'], exp: NOW / 1000 + 60 })}.${s}`)).toBeUndefined();
    expect(await verify(albToken({ signer: ALB.replace('ediflow-console', 'someone-else') }, {}))).toBeUndefined();
    expect(await verify(albToken({ exp: NOW / 1000 - 1 }, {}))).toBeUndefined();
    expect(await verify(albToken({ alg: 'none' }, {}))).toBeUndefined();
    expect(await verify(albToken({ kid: '../../evil' }, {}))).toBeUndefined();
    expect(await verify('not.a.jwt')).toBeUndefined();
    expect(await verify(undefined)).toBeUndefined();
  });
});
