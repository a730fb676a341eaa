import type { IncomingHttpHeaders } from 'node:http';
import { betterAuth } from 'better-auth';
import { APIError, createAuthMiddleware } from 'better-auth/api';
import type pg from 'pg';
import type { Logger } from 'pino';
import type { Config } from '../config';
import { authSecret } from './secret';
import { trustedOrigins } from './origins';
import { becomeFirstUser, signUpAllowed } from './first-user';
import { colorFor } from './colors';

export type Auth = ReturnType<typeof createAuth>;

/**
 * better-auth with email + password and cookie sessions over our pool. Its tables come from
 * migrations/0004_auth.sql. The cookie cache keeps getSession off the database on hot paths
 * (a signed copy of the session in a second cookie, re-checked every minute).
 */
export function createAuth(deps: { config: Config; pool: pg.Pool; log: Logger }) {
  const { config, pool, log } = deps;
  const secure = config.PUBLIC_URL?.startsWith('https:') ?? false;
  return betterAuth({
    database: pool,
    secret: authSecret(config),
    ...(config.PUBLIC_URL ? { baseURL: config.PUBLIC_URL } : {}),
    basePath: '/api/auth',
    emailAndPassword: { enabled: true, autoSignIn: true, minPasswordLength: 8 },
    user: {
      additionalFields: {
        color: { type: 'string', required: false, input: false },
        // set by becomeFirstUser, never from a request body
        isAdmin: { type: 'boolean', required: false, input: false, defaultValue: false },
      },
    },
    session: { cookieCache: { enabled: true, maxAge: 60 } },
    trustedOrigins: (request?: Request) => trustedOrigins(request ? headersOf(request.headers) : {}, config),
    advanced: {
      useSecureCookies: secure,
      defaultCookieAttributes: { sameSite: 'lax', httpOnly: true, secure },
      ipAddress: { ipAddressHeaders: config.TRUST_PROXY > 0 ? ['x-forwarded-for'] : [] },
    },
    rateLimit: {
      enabled: true,
      storage: 'memory',
      window: 60,
      max: 1000,
      customRules: {
        '/sign-in/email': { window: 60, max: config.AUTH_RATE_LIMIT_PER_MIN },
        '/sign-up/email': { window: 60, max: config.AUTH_RATE_LIMIT_PER_MIN },
      },
    },
    telemetry: { enabled: false },
    // Its lines go to our 'http' logger. Without PUBLIC_URL the origin comes from each request
    // (on purpose: `npm start` has no configuration), which it warns about on every start.
    logger: {
      log: (level, message) => {
        if (!message.includes('Base URL is not set')) log[level]({ auth: true }, message);
      },
    },
    hooks: {
      before: createAuthMiddleware(async (ctx) => {
        if (ctx.path !== '/sign-up/email') return;
        const body = (ctx.body ?? {}) as { inviteToken?: unknown };
        const token = typeof body.inviteToken === 'string' ? body.inviteToken : undefined;
        const refusal = await signUpAllowed(pool, config.AUTH_SIGNUP, token);
        if (refusal) throw new APIError('FORBIDDEN', { message: refusal });
      }),
    },
    databaseHooks: {
      user: {
        create: {
          before: (user) => Promise.resolve({ data: { ...user, color: colorFor(user.email) } }),
          after: async (user) => {
            await becomeFirstUser(pool, user.id);
          },
        },
      },
    },
  });
}

function headersOf(h: Headers): IncomingHttpHeaders {
  const out: IncomingHttpHeaders = {};
  h.forEach((v, k) => {
    out[k] = v;
  });
  return out;
}
