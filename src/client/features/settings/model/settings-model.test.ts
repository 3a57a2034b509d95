import { describe, expect, it } from 'vitest';
import { createStaffRequestSchema } from '../../../../shared/api/staff';
import { createTranslator } from '../../../lib/i18n/translate';
import { labelFormValues, labelsFromForm } from './label-form';
import { GENERATED_PASSWORD_LENGTH, generateStaffPassword, randomPassword } from './password';
import { newStaffProblems, resetPasswordProblem } from './staff-form';

const t = createTranslator('en');

describe('generated passwords', () => {
  it('are 20 characters of the unambiguous alphabet from the CSPRNG, and the contract accepts them', () => {
    const password = generateStaffPassword('support');
    expect(password).toHaveLength(GENERATED_PASSWORD_LENGTH);
    expect(password).not.toMatch(/[0O1lI2Z5So]/);
    expect(createStaffRequestSchema.safeParse({ username: 'support', role: 'editor', password }).success).toBe(true);
    expect(new Set(Array.from({ length: 20 }, () => randomPassword())).size).toBe(20);
  });

  it('skip biased bytes and never contain the username', () => {
    // 255 is above the largest multiple of the alphabet size: drawn again, never mapped.
    let calls = 0;
    const bytes = (buffer: Uint8Array) => buffer.fill(calls++ === 0 ? 255 : 0);
    expect(randomPassword(4, bytes)).toBe('aaaa');
    // A source that first spells the username, then something else.
    const script = [..."pm".repeat(20)].map((char) => 'abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRTUVWXY346789'.indexOf(char));
    let round = 0;
    const spelled = (buffer: Uint8Array) => {
      buffer.set(round++ === 0 ? script.slice(0, buffer.length) : new Array(buffer.length).fill(1));
      return buffer;
    };
    expect(generateStaffPassword('pm', spelled)).toBe('b'.repeat(20));
  });
});

describe('staff form problems', () => {
  it('names the field and the rule', () => {
    expect(newStaffProblems({ username: 'Bad Name', role: 'viewer', password: 'x'.repeat(12) }, t)).toEqual({ username: t('settings.staff.usernameInvalid') });
    expect(newStaffProblems({ username: 'alice', role: 'viewer', password: 'short' }, t)).toEqual({ password: 'Use at least 12 characters.' });
    expect(newStaffProblems({ username: 'alice', role: 'viewer', password: 'my-alice-password' }, t)).toEqual({ password: 'The password may not contain the username.' });
    expect(newStaffProblems({ username: 'alice', role: 'viewer', password: 'a long passphrase' }, t)).toEqual({});
    expect(resetPasswordProblem('alice', 'x'.repeat(129), t)).toBe('Use at most 128 characters.');
    expect(resetPasswordProblem('alice', 'correct horse battery', t)).toBeNull();
  });
});

describe('text that cannot be stored', () => {
  const unstorable = t('text.unstorable');

  it('is named as such in the staff form, for the username and the password', () => {
    expect(newStaffProblems({ username: 'sam\u0007', role: 'viewer', password: 'correct horse battery' }, t)).toEqual({ username: unstorable });
    expect(newStaffProblems({ username: 'sam', role: 'viewer', password: 'correct horse \ud800 battery' }, t)).toEqual({ password: unstorable });
    expect(resetPasswordProblem('sam', 'correct\thorse battery', t)).toBe(unstorable);
  });

  it('is named as such beside a label name or description', () => {
    const values = labelFormValues(undefined);
    values.labels.b32 = { name: 'VIP \ud800', description: '' };
    values.labels.b33 = { name: 'Refund', description: 'two\nlines' };
    expect(labelsFromForm(values, t)).toEqual({
      problems: [
        { bit: 32, field: 'name', message: unstorable },
        { bit: 33, field: 'description', message: unstorable },
      ],
    });
  });
});

describe('labels form', () => {
  it('sends named bits only, trimmed, and explains refusals per field', () => {
    const values = labelFormValues({ '32': { name: 'VIP', description: '' } });
    values.labels.b40 = { name: '  Escalated ', description: ' tier 2 ' };
    expect(labelsFromForm(values, t)).toEqual({ labels: { '32': { name: 'VIP', description: '' }, '40': { name: 'Escalated', description: 'tier 2' } } });

    values.labels.b41 = { name: '42', description: '' };
    values.labels.b42 = { name: 'x'.repeat(41), description: '' };
    values.labels.b43 = { name: '', description: 'orphan' };
    values.labels.b44 = { name: 'Ok', description: 'y'.repeat(201) };
    expect(labelsFromForm(values, t)).toEqual({
      problems: [
        { bit: 41, field: 'name', message: 'A name cannot be only digits: it would read as a bit number.' },
        { bit: 42, field: 'name', message: 'This name has 41 characters; the limit is 40.' },
        { bit: 43, field: 'name', message: 'Give the bit a name, or clear its description.' },
        { bit: 44, field: 'description', message: 'This description has 201 characters; the limit is 200.' },
      ],
    });

    const duplicate = labelFormValues({ '32': { name: 'VIP', description: '' }, '50': { name: 'vip', description: '' } });
    expect(labelsFromForm(duplicate, t)).toEqual({ problems: [{ bit: 50, field: 'name', message: 'Bit 32 already has this name.' }] });
  });
});
