import { inflateSync } from 'node:zlib';
import { PDFArray, PDFDict, PDFDocument, PDFName, PDFNumber, PDFRawStream } from 'pdf-lib';

/** An image XObject of a PDF, decoded to RGBA pixels (what jsQR reads); JPEGs are kept as their bytes. */
export interface PdfImage {
  width: number;
  height: number;
  /** RGBA, for Flate-coded images (pdfkit's PNGs); null for a JPEG (DCTDecode) */
  rgba: Uint8ClampedArray | null;
  jpeg: Buffer | null;
}

const num = (d: PDFDict, key: string): number => (d.lookup(PDFName.of(key)) as PDFNumber | undefined)?.asNumber() ?? 0;
const filterOf = (d: PDFDict): string => {
  const f = d.lookup(PDFName.of('Filter'));
  if (f instanceof PDFName) return f.asString();
  if (f instanceof PDFArray) return (f.get(0) as PDFName).asString();
  return '';
};
const contents = (s: PDFRawStream): Buffer => {
  const raw = Buffer.from(s.contents);
  return filterOf(s.dict) === '/FlateDecode' ? inflateSync(raw) : raw;
};

/** PNG's row filters undone (a PDF's /Predictor 10-15), `bpp` bytes a pixel: one filter a row, so the choice is made per row. */
function unpredict(data: Buffer, columns: number, bpp: number): Buffer {
  const row = columns * bpp;
  const out = Buffer.alloc((data.length / (row + 1)) * row);
  for (let y = 0, i = 0; i < data.length; y += 1) {
    const type = data[i++]!;
    const at = y * row;
    const up = at - row;
    for (let x = 0; x < row; x += 1, i += 1) {
      const a = x >= bpp ? out[at + x - bpp]! : 0;
      const b = y > 0 ? out[up + x]! : 0;
      let pred = 0;
      if (type === 1) pred = a;
      else if (type === 2) pred = b;
      else if (type === 3) pred = (a + b) >> 1;
      else if (type === 4) {
        const c = x >= bpp && y > 0 ? out[up + x - bpp]! : 0;
        const p = a + b - c;
        const pa = Math.abs(p - a);
        const pb = Math.abs(p - b);
        const pc = Math.abs(p - c);
        pred = pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
      }
      out[at + x] = (data[i]! + pred) & 0xff;
    }
  }
  return out;
}

/** Where a text object of a page starts (its text matrix's x and y, in points) and its font size. */
export interface TextRun {
  x: number;
  y: number;
  size: number;
}

/** The text objects of one page's content stream (pdfkit writes each as `BT … x y Tm /F size Tf … ET`). */
function textRuns(stream: string): TextRun[] {
  return [...stream.matchAll(/BT\s+[-\d.]+ [-\d.]+ [-\d.]+ [-\d.]+ ([-\d.]+) ([-\d.]+) Tm\s+\/\S+ ([\d.]+) Tf/g)].map((m) => ({
    x: Number(m[1]),
    y: Number(m[2]),
    size: Number(m[3]),
  }));
}

/**
 * Text printed over other text: two runs of a page that start at one left edge less than a
 * line apart (what a reader of the paper would see as a smudge). Empty when every line has its own place.
 */
export function overprinted(runs: TextRun[][]): string[] {
  const found: string[] = [];
  runs.forEach((page, p) => {
    const byX = new Map<number, TextRun[]>();
    for (const r of page) byX.set(Math.round(r.x), [...(byX.get(Math.round(r.x)) ?? []), r]);
    for (const [x, col] of byX) {
      const ys = [...col].sort((a, b) => a.y - b.y);
      for (let i = 1; i < ys.length; i += 1)
        if (ys[i]!.y - ys[i - 1]!.y < 0.9 * Math.min(ys[i]!.size, ys[i - 1]!.size))
          found.push(`page ${p + 1}: x ${x}, y ${ys[i - 1]!.y} and ${ys[i]!.y}`);
    }
  });
  return found;
}

/**
 * Reads a PDF back as a reader would need it: its pages, its text (the glyph codes of every
 * text operator mapped through the fonts' ToUnicode tables, so CJK text made with a subset font
 * reads as Chinese) and its images (QR codes decoded to pixels, photos as JPEG bytes).
 */
export async function readPdf(
  bytes: Buffer,
): Promise<{ pages: number; text: string; images: PdfImage[]; fonts: string[]; runs: TextRun[][] }> {
  const doc = await PDFDocument.load(bytes);
  const objects = doc.context.enumerateIndirectObjects();
  const streams = objects.map(([, o]) => o).filter((o): o is PDFRawStream => o instanceof PDFRawStream);
  // an image's transparency (pdfkit's /SMask of a PNG with alpha) is not an image of its own
  const masks = new Set(streams.map((s) => s.dict.get(PDFName.of('SMask'))?.toString()).filter(Boolean));
  const refOf = new Map(objects.map(([r, o]) => [o, r.toString()]));
  const toUnicode = new Map<number, string>();
  const images: PdfImage[] = [];
  const pageStreams: string[] = [];
  for (const s of streams) {
    const subtype = s.dict.lookup(PDFName.of('Subtype'));
    if (subtype instanceof PDFName && subtype.asString() === '/Image') {
      if (masks.has(refOf.get(s))) continue;
      const width = num(s.dict, 'Width');
      const height = num(s.dict, 'Height');
      if (filterOf(s.dict) === '/DCTDecode') {
        images.push({ width, height, rgba: null, jpeg: Buffer.from(s.contents) });
        continue;
      }
      const cs = s.dict.lookup(PDFName.of('ColorSpace'));
      const channels = cs instanceof PDFName && cs.asString() === '/DeviceGray' ? 1 : 3;
      let data = contents(s);
      const parms = s.dict.lookup(PDFName.of('DecodeParms'));
      if (parms instanceof PDFDict && num(parms, 'Predictor') >= 10)
        data = unpredict(data, num(parms, 'Columns'), num(parms, 'Colors') || channels);
      if (data.length < width * height * channels) continue; // a soft mask's partner, or an indexed image: not needed
      const rgba = new Uint8ClampedArray(width * height * 4);
      for (let p = 0; p < width * height; p += 1) {
        for (let k = 0; k < 3; k += 1) rgba[p * 4 + k] = data[p * channels + (channels === 1 ? 0 : k)]!;
        rgba[p * 4 + 3] = 255;
      }
      images.push({ width, height, rgba, jpeg: null });
      continue;
    }
    const text = contents(s).toString('latin1');
    if (text.includes('beginbfrange') || text.includes('beginbfchar')) {
      for (const m of text.matchAll(/<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>\s*\[([^\]]*)\]/g)) {
        const start = parseInt(m[1]!, 16);
        // (a ligature maps to several code units: `<0066 0069>` is "fi")
        [...m[3]!.matchAll(/<([0-9a-fA-F\s]+)>/g)].forEach((u, i) =>
          toUnicode.set(start + i, Buffer.from(u[1]!.replace(/\s/g, ''), 'hex').swap16().toString('utf16le')),
        );
      }
      for (const block of text.matchAll(/beginbfchar([\s\S]*?)endbfchar/g))
        for (const m of block[1]!.matchAll(/<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>/g))
          toUnicode.set(parseInt(m[1]!, 16), Buffer.from(m[2]!, 'hex').swap16().toString('utf16le'));
    } else if (/\bT[Jj]\b/.test(text)) pageStreams.push(text);
  }
  const text = pageStreams
    .map((t) =>
      [...t.matchAll(/(\[[^\]]*\]\s*TJ|<[0-9a-fA-F]*>\s*Tj)/g)]
        .map((op) =>
          [...op[0].matchAll(/<([0-9a-fA-F]*)>/g)]
            .map(
              (h) =>
                h[1]!
                  .match(/.{4}/g)
                  ?.map((c) => toUnicode.get(parseInt(c, 16)) ?? '')
                  .join('') ?? '',
            )
            .join(''),
        )
        .join('\n'),
    )
    .join('\n');
  const fonts = objects
    .map(([, o]) => o)
    .filter(
      (o): o is PDFDict => o instanceof PDFDict && (o.lookup(PDFName.of('Type')) as PDFName | undefined)?.asString() === '/FontDescriptor',
    )
    .map((d) => (d.lookup(PDFName.of('FontName')) as PDFName).asString());
  return { pages: doc.getPageCount(), text, images, fonts, runs: pageStreams.map(textRuns) };
}
