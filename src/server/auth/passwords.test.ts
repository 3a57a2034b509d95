import { parseOptions } from '@node-rs/argon2';
import { describe, expect, it } from 'vitest';
import {
  ARGON2_OPTIONS,
  DUMMY_HASH,
  GENERATED_PASSWORD_LENGTH,
  generatePassword,
  hashPassword,
  passwordProblem,
  verifyPassword,
} from './passwords';

describe('password hashing', () => {
  it('hashes with argon2id m=19456 t=2 p=1 and verifies only the right password', async () => {
    const hash = await hashPassword('correct horse battery');
    expect(hash.startsWith('$argon2id$v=19$m=19456,t=2,p=1$')).toBe(true);
    expect(await verifyPassword(hash, 'correct horse battery')).toBe(true);
    expect(await verifyPassword(hash, 'correct horse batterY')).toBe(false);
  });

  it('answers false, not an exception, for a hash it cannot read', async () => {
    expect(await verifyPassword('not a hash', 'anything at all')).toBe(false);
  });

  it('keeps the dummy hash on the same cost as real hashes, so unknown users cost the same', () => {
    const dummy = parseOptions(DUMMY_HASH);
    expect([dummy.algorithm, dummy.memoryCost, dummy.timeCost, dummy.parallelism]).toEqual([
      ARGON2_OPTIONS.algorithm,
      ARGON2_OPTIONS.memoryCost,
      ARGON2_OPTIONS.timeCost,
      ARGON2_OPTIONS.parallelism,
    ]);
  });
});

describe('passwordProblem', () => {
  it('asks for 12 to 128 characters, counted as code points, with no composition rules', () => {
    expect(passwordProblem('a'.repeat(11))).toMatch(/at least 12/);
    expect(passwordProblem('a'.repeat(12))).toBeNull();
    expect(passwordProblem('a'.repeat(128))).toBeNull();
    expect(passwordProblem('a'.repeat(129))).toMatch(/at most 128/);
    // 11 emoji are 22 UTF-16 units but 11 characters; 12 Hangul syllables are enough.
    expect(passwordProblem('🔑'.repeat(11))).toMatch(/at least 12/);
    expect(passwordProblem('비밀번호비밀번호비밀번호')).toBeNull();
    expect(passwordProblem('🔑'.repeat(128))).toBeNull();
  });

  it('refuses what cannot be hashed as typed (a broken emoji half) or typed again (a control character)', () => {
    const sentence = 'The password contains a character that cannot be stored (an invisible control character or a broken emoji half). Remove it.';
    expect(passwordProblem('correct horse \ud83d battery')).toBe(sentence);
    expect(passwordProblem('correct horse\u001b[A battery')).toBe(sentence);
    expect(passwordProblem('correct horse \u0085 battery')).toBe(sentence);
    expect(passwordProblem('correct horse 🔑 \ufffd battery')).toBeNull();
  });
});

describe('generatePassword', () => {
  it('makes distinct, acceptable passwords from an unambiguous alphabet', () => {
    const passwords = Array.from({ length: 200 }, generatePassword);
    expect(new Set(passwords).size).toBe(200);
    for (const password of passwords) {
      expect(password).toHaveLength(GENERATED_PASSWORD_LENGTH);
      expect(password).toMatch(/^[a-km-np-zA-HJ-NP-RT-Y346789]+$/);
      expect(passwordProblem(password)).toBeNull();
    }
  });
});
