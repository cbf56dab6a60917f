import * as argon2 from 'argon2';

// A hash of a random string: verifying against it costs the same as a real check, so
// unknown user names take as long as wrong passwords.
let decoy: Promise<string> | undefined;

export function hashPassword(plain: string): Promise<string> {
  return argon2.hash(plain, { type: argon2.argon2id });
}

export async function verifyPassword(hash: string | null, plain: string): Promise<boolean> {
  if (!hash) {
    decoy ??= hashPassword(`decoy-${Math.random()}`);
    await argon2.verify(await decoy, plain).catch(() => false);
    return false;
  }
  return argon2.verify(hash, plain).catch(() => false);
}

/** 等保 asks for complex passwords: at least 10 characters mixing letters and digits. */
export function passwordProblem(plain: string): string | null {
  if (plain.length < 10 || plain.length > 128 || !/[A-Za-z]/.test(plain) || !/\d/.test(plain)) {
    return '密码至少 10 位且须同时包含字母和数字 (password: at least 10 characters with letters and digits)';
  }
  return null;
}
