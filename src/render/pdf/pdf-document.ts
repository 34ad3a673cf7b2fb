import * as fontkit from 'fontkit';
import { existsSync, readFileSync } from 'node:fs';
import PDFDocument from 'pdfkit';

/**
 * The Chinese font the printed files embed (issue 27): Noto Sans CJK from Debian's
 * fonts-noto-cjk (installed by the Dockerfile and .ci/run). Chosen over a font shipped in an npm
 * package because the packages that ship a whole CJK font are unmaintained copies of this same
 * font, 15-20 MB each in node_modules; Debian's is kept up to date with the system. pdfkit (via
 * fontkit) opens the TTC collection's Simplified Chinese member by its PostScript name and embeds
 * only the glyphs a file uses (a subset), so a file stays small.
 */
export const CJK_FONT_FILES = [
  '/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc',
  '/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc',
  '/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc',
];
export const CJK_POSTSCRIPT_NAME = 'NotoSansCJKsc-Regular';

let font: fontkit.Font | null = null;
/**
 * The font, read and parsed once per process: parsing the 20 MB collection takes most of a second,
 * so every file after the first reuses the parsed font (pdfkit takes a fontkit font as it is; each
 * document still makes its own subset of it).
 */
export function cjkFont(): fontkit.Font {
  if (font) return font;
  const file = CJK_FONT_FILES.find((f) => existsSync(f));
  if (!file) throw new Error(`no CJK font found (install Debian's fonts-noto-cjk): looked in ${CJK_FONT_FILES.join(', ')}`);
  font = fontkit.create(readFileSync(file), CJK_POSTSCRIPT_NAME) as fontkit.Font;
  return font;
}

/** An A4 document with the Chinese font as its only font, and a promise of its bytes once ended. */
export function a4Document(title: string): { doc: PDFKit.PDFDocument; bytes: Promise<Buffer> } {
  const doc = new PDFDocument({ size: 'A4', margin: 40, info: { Title: title, Creator: '安心房东' }, autoFirstPage: true });
  doc.registerFont('cjk', cjkFont() as unknown as Buffer);
  doc.font('cjk');
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const bytes = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  return { doc, bytes };
}

/** the words every printed file has (headings, labels, digits), drawn once at start so their glyphs are laid out and cached */
const WARM_UP_TEXT =
  '一户一档 一户一方案 档案记录（新的在前） 地址：联防组：户长：房东：电话：租住 人，间 隐患 整改措施 验收方式 举报 钉牌 0123456789 ABCDEFGHIJKLMNOPQRSTUVWXYZ abcdefghijklmnopqrstuvwxyz：，。/·';

/**
 * Reads and parses the CJK font and makes one small file with it, so the first file a person
 * asks for does not wait for that (it made a group's first file up to 5 s on a busy machine).
 * main.ts calls it once the server listens; a missing font is then said in the log at start.
 */
export async function preparePdfFont(): Promise<void> {
  const { doc, bytes } = a4Document('warm-up');
  doc.fontSize(10).text(WARM_UP_TEXT);
  doc.end();
  await bytes;
}
