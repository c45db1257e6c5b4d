import { createHash, randomBytes } from 'node:crypto';
import type { Request, Response } from 'express';

const COOKIE = 'hr_chat';
const ONE_YEAR_S = 365 * 24 * 3600;

/**
 * The web chat's address of a browser: a random token in an HttpOnly cookie.
 * Only its hash is stored, so a copy of the database cannot take over sessions.
 */
export function webAddress(req: Request, res: Response, secure: boolean): string {
  let token = readCookie(req.headers.cookie, COOKIE);
  if (!token || !/^[A-Za-z0-9_-]{32,64}$/.test(token)) {
    token = randomBytes(32).toString('base64url');
    res.append('Set-Cookie', `${COOKIE}=${token}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${ONE_YEAR_S}${secure ? '; Secure' : ''}`);
  }
  return createHash('sha256').update(token).digest('base64url');
}

function readCookie(header: string | undefined, name: string): string | undefined {
  for (const part of header?.split(';') ?? []) {
    const [key, ...value] = part.trim().split('=');
    if (key === name) return value.join('=');
  }
  return undefined;
}
