import { describe, expect, it } from 'vitest';
import { checkAccountFields } from './AccountForm';
import { initials } from '../ui/Avatar';
import { matchesFilter, NO_FILTER } from '../features/board/filter';
import { typingSentence } from '../features/chat/ChatPanel';

describe('account fields', () => {
  it('says what is wrong with each field before anything is sent', () => {
    expect(checkAccountFields('sign-up', { name: ' ', email: 'ada', password: 'short' })).toEqual({
      name: 'Enter your name.',
      email: 'This is not an email address.',
      password: 'Password is too short: 5 of at least 8 characters.',
    });
    expect(
      checkAccountFields('sign-up', { name: 'Ada', email: 'ada@example.test', password: '12345678' }),
    ).toEqual({});
  });

  it('signing in asks for no name and no minimum length (old passwords still work)', () => {
    expect(checkAccountFields('sign-in', { name: '', email: 'ada@example.test', password: 'short' })).toEqual(
      {},
    );
    expect(checkAccountFields('sign-in', { name: '', email: '', password: '' })).toEqual({
      email: 'Enter your email address.',
      password: 'Enter your password.',
    });
  });
});

describe('people in words', () => {
  it('initials: first and last word, or the first two letters of one', () => {
    expect(initials('Bea van der Smith')).toBe('BS');
    expect(initials('ada')).toBe('AD');
    expect(initials('  ')).toBe('?');
  });

  it('typing: one, two, or how many', () => {
    expect(typingSentence([])).toBe('');
    expect(typingSentence(['Bea'])).toBe('Bea is typing…');
    expect(typingSentence(['Bea', 'Cy'])).toBe('Bea and Cy are typing…');
    expect(typingSentence(['Bea', 'Cy', 'Dee'])).toBe('3 people are typing…');
  });

  it('"assigned to me" keeps only the cards with that assignee', () => {
    const t = { title: 'x', description: '', priority: 'low' as const };
    const mine = { ...NO_FILTER, assignee: 'u1' };
    expect(matchesFilter({ ...t, assignee_ids: ['u2', 'u1'] }, mine)).toBe(true);
    expect(matchesFilter({ ...t, assignee_ids: ['u2'] }, mine)).toBe(false);
    expect(matchesFilter({ ...t }, mine)).toBe(false);
    expect(matchesFilter({ ...t }, NO_FILTER)).toBe(true);
  });
});
