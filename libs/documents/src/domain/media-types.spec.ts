import { nameFor, recognise } from './media-types';

describe('clinical document kinds', () => {
  const dicom = Buffer.concat([Buffer.alloc(128), Buffer.from('DICM'), Buffer.from([2, 0, 0, 0])]);

  it('knows PDF, JPEG, PNG and DICOM by their first bytes', () => {
    expect(recognise(Buffer.from('%PDF-1.7\n%âãÏÓ'))?.mediaType).toBe('application/pdf');
    expect(recognise(Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0x10]))?.mediaType).toBe('image/jpeg');
    expect(recognise(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0]))?.mediaType).toBe(
      'image/png',
    );
    expect(recognise(dicom)?.mediaType).toBe('application/dicom');
  });

  it('refuses anything else, whatever it is called', () => {
    expect(recognise(Buffer.from('<html><script>alert(1)</script>'))).toBeNull();
    expect(recognise(Buffer.from(' %PDF-1.7'))).toBeNull();
    expect(recognise(Buffer.from([0xff, 0xd8]))).toBeNull();
    expect(recognise(Buffer.alloc(132))).toBeNull();
    expect(recognise(Buffer.from('PK\u0003\u0004'))).toBeNull();
  });

  it('gives a name the extension of what it holds', () => {
    const pdf = recognise(Buffer.from('%PDF-1.4'))!;
    const jpeg = recognise(Buffer.from([0xff, 0xd8, 0xff]))!;
    expect(nameFor('检验报告.PDF', pdf)).toBe('检验报告.PDF');
    expect(nameFor('x.html', pdf)).toBe('x.html.pdf');
    expect(nameFor('心电图.jpeg', jpeg)).toBe('心电图.jpeg');
    expect(nameFor('心电图', jpeg)).toBe('心电图.jpg');
    expect(nameFor('study', recognise(dicom)!)).toBe('study.dcm');
  });
});
