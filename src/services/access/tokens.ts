import { createHash, randomBytes } from 'node:crypto';

/** API tokens are random and long, so a plain sha256 is the right hash for lookup. */
export const hashToken = (token: string): string => createHash('sha256').update(token, 'utf8').digest('hex');
export const generateToken = (): string => `afd_${randomBytes(24).toString('base64url')}`;
