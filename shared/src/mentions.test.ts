import { describe, expect, it } from 'vitest';
import { maskCode, parseMentions } from './mentions';

const known = new Set(['planner', 'writer', 'qa-bot', 'dev_2']);
const parse = (text: string) => parseMentions(text, known);

describe('parseMentions', () => {
  it.each([
    ['@planner split this', ['planner']],
    ['please, @planner.', ['planner']],
    ['@writer then @planner', ['writer', 'planner']],
    ['@planner @planner @PLANNER', ['planner']],
    ['(@planner) [@writer] "@qa-bot"', ['planner', 'writer', 'qa-bot']],
    ['ask @planner, then @writer: go!', ['planner', 'writer']],
    ['**@planner** and *@writer*', ['planner', 'writer']],
    ["@planner's idea", ['planner']],
    ['@planner-, then', ['planner']],
    ['@dev_2 fix', ['dev_2']],
    ['@all look', ['all']],
    ['line one\n@writer on line two', ['writer']],
    ['> @planner quoted', ['planner']],
  ])('%j → %j', (text, want) => {
    expect(parse(text)).toEqual(want);
  });

  it.each([
    ['mail bob@planner.io'],
    ['mail planner@writer'],
    ['@planner.io is a domain'],
    ['@planner@example.com'],
    ['see https://x.io/@planner'],
    ['escaped \\@planner'],
    ['a `@planner` code span'],
    ['a ``code with ` and @writer`` span'],
    ['```\n@planner in a fence\n```'],
    ['~~~ts\nconst a = "@writer";\n~~~'],
    ['@plannerx is someone else'],
    ['@plan is a prefix'],
    ['@bob is a person'],
    ['@ planner'],
    ['x@all'],
    ['@' + 'p'.repeat(40)],
  ])('%j is plain text', (text) => {
    expect(parse(text)).toEqual([]);
  });

  it('only code is masked: mentions before and after a fence still count', () => {
    expect(parse('@writer look:\n```\n@planner\n```\nthen @qa-bot')).toEqual(['writer', 'qa-bot']);
  });

  it('an unclosed backtick or fence is text up to where it closes (CommonMark)', () => {
    expect(parse('a ` then @planner')).toEqual(['planner']);
    // An unclosed fence runs to the end of the message.
    expect(parse('@writer\n```\n@planner')).toEqual(['writer']);
  });

  it('masking keeps every index', () => {
    const text = 'a `b` c\n```\nx\n```\nd';
    expect(maskCode(text)).toHaveLength(text.length);
    expect(maskCode(text).split('\n')).toHaveLength(text.split('\n').length);
  });
});
