import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv from 'ajv';
import { DEFINITION_SCHEMA, SUPPORTED_GUIDES, guideDefinition, guideIndexEntry, schemaFor } from '@ediflow/hipaa';

describe('guide definitions', () => {
  const check = new Ajv({ allErrors: true, strict: false }).compile(DEFINITION_SCHEMA);
  it.each(SUPPORTED_GUIDES.map((g) => [g]))('when the definition of %s is checked against the definition schema, then it conforms', (guide) => {
    const ok = check(guideDefinition(guide));
    expect(check.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
  });

  it('when a definition has a segment without elements, then the definition schema rejects it', () => {
    const broken = JSON.parse(JSON.stringify(guideDefinition('005010X214'))) as { root: { children: Record<string, unknown>[] } };
    delete broken.root.children[0].elements;
    expect(check(broken)).toBe(false);
  });

  it('when an element group names its list or items with anything but a camelCase ASCII name, then the definition schema rejects it', () => {
    // the writer writes names as words of ASCII bytes (json-out.ts pieceOf)
    const withGroup = (change: (group: { key: string; itemKeys: string[] }) => void): unknown => {
      const def = JSON.parse(JSON.stringify(guideDefinition('005010X222A1'))) as unknown;
      const find = (node: unknown): { key: string; itemKeys: string[] } | undefined => {
        if (typeof node !== 'object' || node === null) return undefined;
        const group = (node as { group?: { key: string; itemKeys: string[] } }).group;
        if (group !== undefined) return group;
        for (const v of Object.values(node)) {
          const found = find(v);
          if (found !== undefined) return found;
        }
        return undefined;
      };
      const group = find(def);
      if (group === undefined) throw new Error('the 837P definition has element groups');
      change(group);
      return def;
    };
    expect(check(withGroup(() => undefined))).toBe(true);
    expect(check(withGroup((g) => (g.key = 'diagnosisCodé')))).toBe(false);
    expect(check(withGroup((g) => (g.itemKeys[0] = 'code point')))).toBe(false);
  });
});

describe('JSON Schemas', () => {
  it('when the guide index is made from the definitions, then the committed guide-index.json is the same', () => {
    const committed = JSON.parse(readFileSync(join(__dirname, '..', '..', 'src', 'guide-index.json'), 'utf8')) as unknown;
    expect(committed).toEqual(Object.fromEntries(SUPPORTED_GUIDES.map((g) => [g, guideIndexEntry(guideDefinition(g))])));
  });

  it.each(SUPPORTED_GUIDES.map((g) => [g]))('when the schema of %s is generated from the definition, then the committed copy is the same', (guide) => {
    const committed = JSON.parse(readFileSync(join(__dirname, '..', '..', 'schemas', `${guide}.json`), 'utf8')) as unknown;
    expect(committed).toEqual(schemaFor(guide));
  });

  it.each(SUPPORTED_GUIDES.map((g) => [g]))('when the schema of %s is compiled, then ajv accepts it and it is versioned in its $id', (guide) => {
    const s = schemaFor(guide);
    expect(() => new Ajv({ strict: false }).compile(s)).not.toThrow();
    expect(s.$id).toBe(`https://ediflow.dev/schemas/hipaa/${guide}/v1.json`);
  });

  it('when a document has a property the guide does not name, then the schema rejects it', () => {
    const validateDoc = new Ajv({ strict: false }).compile(schemaFor('005010X221A1'));
    const doc = { schemaVersion: 1, guide: '005010X221A1', transactionSet: '835', controlNumber: '1', implementationRef: '', interchange: {}, group: {}, delimiters: {}, source: {}, key: {}, transaction: { source: { loop: 'ST', first: 1, last: 1 }, transactionSetHeader: {}, madeUp: {} } };
    expect(validateDoc(doc)).toBe(false);
  });

  it.each(SUPPORTED_GUIDES.map((g) => [g]))('when the definition of %s is read, then every loop and segment has a camelCase key unique among its siblings', (guide) => {
    const visit = (l: ReturnType<typeof guideDefinition>['root']): void => {
      const keys = l.children.map((c) => c.key);
      expect(new Set(keys).size).toBe(keys.length);
      for (const c of l.children) {
        expect(c.key).toMatch(/^[a-z][A-Za-z0-9]*$/);
        if ('loop' in c) visit(c);
        else {
          const ek = c.elements.map((e) => e.key);
          expect(new Set(ek).size).toBe(ek.length);
        }
      }
    };
    visit(guideDefinition(guide).root);
  });
});
