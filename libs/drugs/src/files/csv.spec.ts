import { CsvSyntaxError, parseCsv } from './csv';

async function all(chunks: string[], batch = 2) {
  async function* src() {
    for (const c of chunks) yield c;
  }
  const out: { line: number; cells: string[] }[] = [];
  for await (const b of parseCsv(src(), batch)) out.push(...b);
  return out;
}

describe('parseCsv', () => {
  const text = '\uFEFFa,b,c\r\n1,"x, y",3\n\n"multi\nline","say ""hi""",\n4,5,6';

  it('reads quotes, doubled quotes, line breaks inside quotes, CRLF, BOM and blank lines', async () => {
    expect(await all([text])).toEqual([
      { line: 1, cells: ['a', 'b', 'c'] },
      { line: 2, cells: ['1', 'x, y', '3'] },
      { line: 4, cells: ['multi\nline', 'say "hi"', ''] },
      { line: 6, cells: ['4', '5', '6'] },
    ]);
  });

  it('gives the same records however the text is cut into chunks', async () => {
    const whole = await all([text]);
    for (let size = 1; size <= 7; size++) {
      const chunks: string[] = [];
      for (let i = 0; i < text.length; i += size) chunks.push(text.slice(i, i + size));
      expect(await all(chunks)).toEqual(whole);
    }
  });

  it('keeps a stray quote inside an unquoted field', async () => {
    expect(await all(['a,5"x,c\n'])).toEqual([{ line: 1, cells: ['a', '5"x', 'c'] }]);
  });

  it('refuses an unterminated quote, naming the line it starts on', async () => {
    await expect(all(['a,b\n1,"open\n2,3\n'])).rejects.toThrow(CsvSyntaxError);
    await expect(all(['a,b\n1,"open\n2,3\n'])).rejects.toThrow(/line 2/);
  });
});
