import { scanCsvBytes } from '../files/csv';
import { cellDecoderFor } from '../files/tabular';
import { CopyTarget, DictionaryCopyWriter, emptyReadStats } from './dictionary-copy';

const rules = { essentialEditions: new Set(['2018', '2026']), defaultEssentialEdition: '2018' };
const X = 'XA01ABD075A002010100483';
const Z = 'ZA04CAE0023010100166';

/** The writer's COPY text and counts for a file cut into `size`-byte chunks; `bytes`: whether lines may go as bytes. */
async function run(file: Buffer, target: CopyTarget, bytes: boolean, size = 7) {
  const stats = emptyReadStats();
  const writer = new DictionaryCopyWriter(rules, stats, target);
  let taken = 0;
  const sink = {
    line: (buf: Buffer, pos: number, stop: number, line: number, utf8: boolean) => {
      const took = bytes && writer.line(buf, pos, stop, line, utf8);
      if (took) taken++;
      return took;
    },
    record: (line: number, cells: string[]) => writer.record(line, cells),
  };
  async function* chunks() {
    for (let i = 0; i < file.length; i += size) yield file.subarray(i, i + size);
  }
  const out: Buffer[] = [];
  for await (const _ of scanCsvBytes(chunks(), cellDecoderFor, sink)) {
    const b = writer.take();
    if (b) out.push(b);
  }
  writer.finish();
  return { text: Buffer.concat(out).toString('utf8'), stats, taken };
}

const targets: [string, CopyTarget][] = [
  ['staging', { stage: true }],
  ['drug_code', { stage: false }],
  ['narrow staging', { stage: true, narrow: true }],
  ['narrow drug_code', { stage: false, narrow: true }],
];

describe('DictionaryCopyWriter', () => {
  // Every way a cell can differ from its stored value, and every reason a row is refused.
  const rows = [
    `${X},地喹氯铵含片,含片,1.5mg,某药业,甲,是,`,
    `${X},地喹氯铵含片,含片,1.5mg,某药业,甲,是,`, // the same code again: the first line wins
    `${Z},儿童清肺口服液,,,,乙,否,`,
    `${Z.slice(0, -1)}7, 前导空格,,,,,,`,
    `${Z.slice(0, -1)}8,尾随全角空格\u3000,,,,,,`,
    `${Z.slice(0, -1)}9,\u00a0不换行空格,,,,,,`,
    `ＺＡ04CAE0023010100170,全角代码,,,,,,`,
    `za04cae0023010100171,小写代码,,,,,,`,
    ` ${Z.slice(0, -2)}72 ,代码带空格,,,,,,`,
    `${Z.slice(0, -2)}73,反斜杠\\名,,,,,,`,
    `${Z.slice(0, -2)}74,制表\t符,,,,,,`,
    `${Z.slice(0, -2)}75,控制\u0001符,,,,,,`,
    `${Z.slice(0, -2)}76,替换符\ufffd,,,,,,`,
    `${Z.slice(0, -2)}77,${'长'.repeat(200)},,,,,,`,
    `${Z.slice(0, -2)}78,${'长'.repeat(501)},,,,,,`,
    `${Z.slice(0, -2)}79,,,,,,,`,
    `XA01,格式错误,,,,,,`,
    `,无代码,,,,,,`,
    `${Z.slice(0, -2)}80,丙类,,,,丙,,`,
    `${Z.slice(0, -2)}81,基药版本,,,,,2026年版,`,
    `${Z.slice(0, -2)}82,未知版本,,,,,2012,`,
    `${Z.slice(0, -2)}83,可能,,,,,可能,`,
    `${Z.slice(0, -2)}84,"引号,名称",,,,,,`,
    `${Z.slice(0, -2)}85,短行`,
    `,,,,,,,`,
    '',
    `${Z.slice(0, -2)}86,规格（片）,片剂,0.25g*24粒,某某制药（集团）有限公司,a,y,\r`,
    `${Z.slice(0, -2)}87,末行`,
  ];
  const header = '\uFEFF国标代码,药品名称,剂型,规格,生产企业,甲乙类,基药,说明';
  const file = Buffer.concat([
    Buffer.from(`${header}\n${rows.join('\n')}\n`),
    Buffer.from([...Buffer.from(`${Z.slice(0, -2)}88,坏`), 0xff, ...Buffer.from(',,,,,,\n')]),
  ]);

  it.each(targets)('gives the same %s lines, errors and counts by bytes as by strings', async (_, target) => {
    for (const size of [1, 5, 64, 1 << 20]) {
      const strings = await run(file, target, false, size);
      const bytes = await run(file, target, true, size);
      expect(bytes.text).toBe(strings.text);
      expect(bytes.stats).toEqual(strings.stats);
      expect(strings.taken).toBe(0);
      // Lines 2, 3, 4, 21 and 28 went as bytes (in one chunk, the undecodable last line makes the
      // whole file GB18030: all go as strings).
      if (size < file.length) expect(bytes.taken).toBe(5);
    }
    const { stats } = await run(file, target, true);
    expect(stats.errors.map((e) => e.line)).toEqual([13, 14, 16, 17, 18, 19, 20, 22, 23, 30]);
    expect([stats.rowsBad, stats.rowsOk, stats.codesDistinct]).toEqual([10, 17, 16]);
  });

  it.each([true, false])(
    'leaves out of narrow lines (stage: %s) only the columns the header lacks, which every row would send empty',
    async (stage) => {
      const f = Buffer.from(
        `药品通用名,医保药品代码,说明\n地喹氯铵含片,${X},a\n 儿童清肺口服液,${Z},b\n"引号,名称",${Z.slice(0, -1)}7,c\n`,
      );
      for (const bytes of [true, false]) {
        const stats = emptyReadStats();
        const writer = new DictionaryCopyWriter(rules, stats, { stage, narrow: true });
        expect(writer.copyColumns()).toHaveLength(16); // before a header: every column
        const sink = {
          line: (buf: Buffer, pos: number, stop: number, line: number, utf8: boolean) =>
            bytes && writer.line(buf, pos, stop, line, utf8),
          record: (line: number, cells: string[]) => writer.record(line, cells),
        };
        const out: Buffer[] = [];
        for await (const _ of scanCsvBytes(
          (async function* () {
            yield f;
          })(),
          cellDecoderFor,
          sink,
        )) {
          const b = writer.take();
          if (b) out.push(b);
        }
        expect(writer.copyColumns()).toEqual([
          'code',
          'kind',
          'class_code',
          'product_key',
          'spec_no',
          'pack_no',
          'maker_code',
          'generic_name',
        ]);
        expect(Buffer.concat(out).toString('utf8')).toBe(
          `${X}\tX\tXA01AB\tXA01ABD075A002\t01\t01\t00483\t地喹氯铵含片\n` +
            `${Z}\tZ\tZA04CA\tZA04CAE0023\t01\t01\t00166\t儿童清肺口服液\n` +
            `${Z.slice(0, -1)}7\tZ\tZA04CA\tZA04CAE0023\t01\t01\t00167\t引号,名称\n`,
        );
        expect([stats.rowsOk, stats.rowsBad]).toEqual([3, 0]);
      }
    },
  );

  it('keeps a GB18030 file on the way of strings', async () => {
    const gb = Buffer.from([0xd6, 0xd0, 0xce, 0xc4]); // 中文 in GB18030, not UTF-8
    const f = Buffer.concat([Buffer.from(`code,name\n${X},`), gb, Buffer.from('\n')]);
    const { taken, stats, text } = await run(f, { stage: true }, true, 1 << 20);
    expect(taken).toBe(0);
    expect(stats.rowsOk).toBe(1);
    expect(text).toContain('\t中文\t');
  });
});
