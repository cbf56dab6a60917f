import { createSecretKey, KeyObject } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { APP_CONFIG, AppConfig, AuthUser, Role } from '@yg/core';

interface Claims {
  sub: string;
  tid: string;
  iid: string;
  pid: string | null;
  roles: Role[];
  /** Session version; tokens issued before versions existed carry none and count as 0. */
  sv?: number;
}

interface OperatorClaims {
  sub: string;
  sv: number;
}

/** Platform operators' tokens name this audience; tenant tokens name none, so neither passes for the other. */
const OPERATOR_AUDIENCE = 'yigongti-platform';
const ISSUER = 'yigongti';

export type TokenCheck =
  | { ok: true; user: AuthUser; sessionVersion: number; expiresAt: Date }
  | { ok: false; reason: 'expired' | 'invalid' };

export type OperatorTokenCheck =
  | { ok: true; operatorId: string; sessionVersion: number; expiresAt: Date }
  | { ok: false; reason: 'expired' | 'invalid' };

type Verified = (TokenCheck | OperatorTokenCheck) & { ok: true };
type Refused = { ok: false; reason: 'expired' | 'invalid' };
const INVALID: Refused = { ok: false, reason: 'invalid' };

const VERIFIED_MAX = 10_000;

/** Signs and checks the short-lived access tokens (HS256). */
@Injectable()
export class TokenService {
  /**
   * A key object made once: given a string, jsonwebtoken first tries (and fails) to parse it
   * as a PEM public key on every call, which costs more than the whole rest of a request.
   */
  private readonly key: KeyObject;
  /**
   * Tokens already verified, until they expire: a client sends the same token with every
   * request, and the HMAC and claim checks cost ~2 % of a request's CPU. Keyed by the whole
   * token, so a hit is exactly a string verified before; bounded by clearing when full.
   * Whether the session behind a token is still valid is the session registry's question.
   */
  private readonly verified = new Map<string, Verified>();

  constructor(
    private readonly jwt: JwtService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    this.key = createSecretKey(Buffer.from(config.auth.jwtSecret, 'utf8'));
  }

  issue(user: AuthUser, sessionVersion: number): { token: string; expiresAt: Date } {
    const claims: Claims = {
      sub: user.id,
      tid: user.tenantId,
      iid: user.institutionId,
      pid: user.practitionerId,
      roles: user.roles,
      sv: sessionVersion,
    };
    return this.sign(claims, {});
  }

  issueOperator(operatorId: string, sessionVersion: number): { token: string; expiresAt: Date } {
    const claims: OperatorClaims = { sub: operatorId, sv: sessionVersion };
    return this.sign(claims, { audience: OPERATOR_AUDIENCE });
  }

  /** A tenant user's token; an operator's token is invalid here. */
  check(token: string): TokenCheck {
    const result = this.cached(token, 'user');
    if (!result.ok) return result;
    return 'user' in result ? result : INVALID;
  }

  /** A platform operator's token; a tenant user's token is invalid here. */
  checkOperator(token: string): OperatorTokenCheck {
    const result = this.cached(token, 'operator');
    if (!result.ok) return result;
    return 'operatorId' in result ? result : INVALID;
  }

  private sign(claims: object, extra: { audience?: string }): { token: string; expiresAt: Date } {
    const token = this.jwt.sign(claims, {
      secret: this.key as unknown as string,
      expiresIn: this.config.auth.jwtTtlSeconds,
      algorithm: 'HS256',
      issuer: ISSUER,
      ...extra,
    });
    const { exp } = this.jwt.decode<{ exp: number }>(token);
    return { token, expiresAt: new Date(exp * 1000) };
  }

  private cached(token: string, kind: 'user' | 'operator'): Verified | Refused {
    const known = this.verified.get(token);
    // jsonwebtoken's own rule: expired once the current whole second reaches exp.
    if (known && Math.floor(Date.now() / 1000) < known.expiresAt.getTime() / 1000) return known;
    const result = kind === 'user' ? this.verifyUser(token) : this.verifyOperator(token);
    if (result.ok) {
      if (this.verified.size >= VERIFIED_MAX) this.verified.clear();
      this.verified.set(token, result);
    } else if (known) {
      this.verified.delete(token);
    }
    return result;
  }

  private verifyUser(token: string): TokenCheck {
    try {
      const c = this.jwt.verify<Claims & { exp: number; aud?: unknown }>(token, {
        secret: this.key as unknown as string,
        algorithms: ['HS256'],
        issuer: ISSUER,
      });
      if (c.aud !== undefined || !c.sub || !c.tid || !c.iid || !Array.isArray(c.roles)) {
        return { ok: false, reason: 'invalid' };
      }
      if (c.sv !== undefined && !Number.isInteger(c.sv)) return { ok: false, reason: 'invalid' };
      return {
        ok: true,
        user: {
          id: c.sub,
          tenantId: c.tid,
          institutionId: c.iid,
          practitionerId: c.pid ?? null,
          roles: c.roles,
        },
        sessionVersion: c.sv ?? 0,
        expiresAt: new Date(c.exp * 1000),
      };
    } catch (err) {
      return { ok: false, reason: (err as Error).name === 'TokenExpiredError' ? 'expired' : 'invalid' };
    }
  }

  private verifyOperator(token: string): OperatorTokenCheck {
    try {
      const c = this.jwt.verify<OperatorClaims & { exp: number }>(token, {
        secret: this.key as unknown as string,
        algorithms: ['HS256'],
        issuer: ISSUER,
        audience: OPERATOR_AUDIENCE,
      });
      if (!c.sub || !Number.isInteger(c.sv)) return { ok: false, reason: 'invalid' };
      return { ok: true, operatorId: c.sub, sessionVersion: c.sv, expiresAt: new Date(c.exp * 1000) };
    } catch (err) {
      return { ok: false, reason: (err as Error).name === 'TokenExpiredError' ? 'expired' : 'invalid' };
    }
  }
}
