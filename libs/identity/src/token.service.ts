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
}

export type TokenCheck =
  { ok: true; user: AuthUser; expiresAt: Date } | { ok: false; reason: 'expired' | 'invalid' };

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
   */
  private readonly verified = new Map<string, TokenCheck & { ok: true }>();

  constructor(
    private readonly jwt: JwtService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    this.key = createSecretKey(Buffer.from(config.auth.jwtSecret, 'utf8'));
  }

  issue(user: AuthUser): { token: string; expiresAt: Date } {
    const claims: Claims = {
      sub: user.id,
      tid: user.tenantId,
      iid: user.institutionId,
      pid: user.practitionerId,
      roles: user.roles,
    };
    const token = this.jwt.sign(claims, {
      secret: this.key as unknown as string,
      expiresIn: this.config.auth.jwtTtlSeconds,
      algorithm: 'HS256',
      issuer: 'yigongti',
    });
    const { exp } = this.jwt.decode<{ exp: number }>(token);
    return { token, expiresAt: new Date(exp * 1000) };
  }

  check(token: string): TokenCheck {
    const known = this.verified.get(token);
    // jsonwebtoken's own rule: expired once the current whole second reaches exp.
    if (known && Math.floor(Date.now() / 1000) < known.expiresAt.getTime() / 1000) return known;
    const result = this.verify(token);
    if (result.ok) {
      if (this.verified.size >= VERIFIED_MAX) this.verified.clear();
      this.verified.set(token, result);
    } else if (known) {
      this.verified.delete(token);
    }
    return result;
  }

  private verify(token: string): TokenCheck {
    try {
      const c = this.jwt.verify<Claims & { exp: number }>(token, {
        secret: this.key as unknown as string,
        algorithms: ['HS256'],
        issuer: 'yigongti',
      });
      if (!c.sub || !c.tid || !c.iid || !Array.isArray(c.roles)) return { ok: false, reason: 'invalid' };
      return {
        ok: true,
        user: {
          id: c.sub,
          tenantId: c.tid,
          institutionId: c.iid,
          practitionerId: c.pid ?? null,
          roles: c.roles,
        },
        expiresAt: new Date(c.exp * 1000),
      };
    } catch (err) {
      return { ok: false, reason: (err as Error).name === 'TokenExpiredError' ? 'expired' : 'invalid' };
    }
  }
}
