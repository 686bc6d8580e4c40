/**
 * Test helper: a strict well-formedness check for the XML subset our SVGs use (elements,
 * double-quoted attributes, text, the five predefined entities; no comments, CDATA or DTD).
 * Returns the element names in document order; throws on the first error.
 */
export function checkXml(xml: string): string[] {
  const stack: string[] = [];
  const names: string[] = [];
  const re = /<(\/?)([A-Za-z][\w:-]*)((?:\s+[\w:-]+="[^"<]*")*)\s*(\/?)>|([^<]+)|(<)/gy;
  let roots = 0;
  for (let m = re.exec(xml); m !== null; m = re.exec(xml)) {
    const [, close, name, attrs, selfClose, text, stray] = m;
    if (stray) throw new Error(`malformed tag at ${m.index}: ${xml.slice(m.index, m.index + 40)}`);
    const checkEntities = (s: string) => {
      for (const e of s.match(/&[^;\s]*;?/g) ?? []) {
        if (!/^&(amp|lt|gt|quot|apos|#\d+|#x[0-9a-f]+);$/i.test(e))
          throw new Error(`bad entity ${e}`);
      }
    };
    if (text !== undefined) {
      if (stack.length === 0 && text.trim()) throw new Error('text outside the root element');
      checkEntities(text);
      continue;
    }
    checkEntities(attrs ?? '');
    const attrNames = [...(attrs ?? '').matchAll(/([\w:-]+)=/g)].map((a) => a[1]);
    if (new Set(attrNames).size !== attrNames.length)
      throw new Error(`duplicate attribute in <${name}>`);
    if (close) {
      if (stack.pop() !== name) throw new Error(`unexpected </${name}>`);
    } else {
      if (stack.length === 0 && ++roots > 1) throw new Error('more than one root element');
      names.push(name!);
      if (!selfClose) stack.push(name!);
    }
  }
  if (re.lastIndex !== 0 && re.lastIndex !== xml.length)
    throw new Error(`unparsed input at ${re.lastIndex}`);
  if (stack.length) throw new Error(`unclosed <${stack.join('>, <')}>`);
  return names;
}
