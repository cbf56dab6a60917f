import { CellDecoder, CsvSyntaxError, parseCsv, parseCsvBytes } from './csv';

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

describe('parseCsvBytes', () => {
  const utf8 = (b: Buffer): CellDecoder => {
    void b;
    return (buf, s, e) => buf.toString('utf8', s, e);
  };
  async function bytes(buf: Buffer, size: number, wanted: () => readonly number[] | null = () => null) {
    async function* src() {
      for (let i = 0; i < buf.length; i += size) yield buf.subarray(i, i + size);
    }
    const out: { line: number; cells: string[] }[] = [];
    for await (const b of parseCsvBytes(src(), utf8, wanted, 2)) out.push(...b);
    return out;
  }
  const text = '\uFEFFa,b,c\r\n1,"x, y",3\n\n"multi\nline","say ""hi""",\n4,5,6';

  it('gives the records parseCsv gives, however the bytes are cut (inside characters too)', async () => {
    const whole = await all([text]);
    const buf = Buffer.from(`${text}\n中文,药,"引号"\n`);
    const expected = [...whole, { line: 7, cells: ['中文', '药', '引号'] }];
    for (const size of [1, 2, 3, 5, 7, 1000])
      expect(await bytes(buf, size)).toEqual(expected.map((r) => ({ sheet: 1, ...r })));
  });

  it('decodes only the wanted cells of unquoted lines, and whole lines whose wanted cells are blank', async () => {
    const buf = Buffer.from('h1,h2,h3,h4\n氨溴索,X1,长说明,x\n , ,有内容,\n,,,\n"q,1",X2,z,w\n');
    let wanted: readonly number[] | null = null;
    const rows: { line: number; cells: string[] }[] = [];
    async function* src() {
      for (const l of buf.toString().split(/(?<=\n)/)) yield Buffer.from(l);
    }
    for await (const b of parseCsvBytes(src(), utf8, () => wanted, 1)) {
      rows.push(...b);
      wanted = [0, 1];
    }
    expect(rows).toEqual([
      { sheet: 1, line: 1, cells: ['h1', 'h2', 'h3', 'h4'] },
      { sheet: 1, line: 2, cells: ['氨溴索', 'X1'] },
      { sheet: 1, line: 3, cells: [' ', ' ', '有内容', ''] },
      { sheet: 1, line: 4, cells: ['', '', '', ''] },
      { sheet: 1, line: 5, cells: ['q,1', 'X2', 'z', 'w'] },
    ]);
  });

  it('refuses an unterminated quote, naming the line it starts on', async () => {
    await expect(bytes(Buffer.from('a,b\n1,"open\n2,3\n'), 4)).rejects.toThrow(/line 2/);
  });
});
