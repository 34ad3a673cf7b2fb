import { loadQrcode, loadSharp } from '../../libraries';
import { a4Document } from './pdf-document';

/** One placard: the house code, its street and number, and the link its QR holds (with the token, never the house id). */
export interface Placard {
  code: string;
  place: string;
  link: string;
}

const COLS = 2;
const ROWS = 4;
const MARGIN = 30;

const QR_QUIET = 2;
const QR_SCALE = 6;

/**
 * A link's QR code as a one-channel PNG (a quiet zone of two modules, six pixels a module).
 * The PNG is made by sharp (libvips): qrcode's own PNG is RGBA encoded in JavaScript, and
 * pdfkit must then decode it again to split off the alpha, which cost most of a group sheet's
 * time. A grey PNG without alpha goes into the PDF as it is.
 */
async function qrPng(link: string): Promise<Buffer> {
  const { size, data } = loadQrcode().create(link, { errorCorrectionLevel: 'M' }).modules;
  const side = (size + QR_QUIET * 2) * QR_SCALE;
  const pixels = Buffer.alloc(side * side, 255);
  for (let r = 0; r < size; r += 1) {
    for (let c = 0; c < size; c += 1) {
      if (!data[r * size + c]) continue;
      for (let dy = 0; dy < QR_SCALE; dy += 1) {
        const start = ((r + QR_QUIET) * QR_SCALE + dy) * side + (c + QR_QUIET) * QR_SCALE;
        pixels.fill(0, start, start + QR_SCALE);
      }
    }
  }
  return loadSharp()(pixels, { raw: { width: side, height: side, channels: 1 } })
    .png({ compressionLevel: 6, adaptiveFiltering: false })
    .toBuffer();
}

/**
 * 一户一码 (issue 27): a group's placard sheet, A4, eight placards a page (two across, four
 * down), each with a cutting frame, the house code, the street and number only, and a QR code.
 * `say` gives the printed words in the caller's language.
 */
export async function placardsPdf(input: {
  title: string;
  placards: readonly Placard[];
  say: { heading: string; scan: string };
}): Promise<Buffer> {
  const { doc, bytes } = a4Document(input.title);
  const cellW = (doc.page.width - MARGIN * 2) / COLS;
  const cellH = (doc.page.height - MARGIN * 2) / ROWS;
  const qrs = await Promise.all(input.placards.map((p) => qrPng(p.link)));
  input.placards.forEach((p, i) => {
    const onPage = i % (COLS * ROWS);
    if (i > 0 && onPage === 0) doc.addPage();
    const x = MARGIN + (onPage % COLS) * cellW;
    const y = MARGIN + Math.floor(onPage / COLS) * cellH;
    doc
      .save()
      .lineWidth(0.5)
      .dash(4, { space: 3 })
      .rect(x + 4, y + 4, cellW - 8, cellH - 8)
      .stroke('#999999')
      .restore();
    const qr = Math.min(cellH - 40, cellW / 2 - 10);
    doc.image(qrs[i]!, x + 12, y + (cellH - qr) / 2, { width: qr, height: qr });
    const tx = x + qr + 22;
    const tw = cellW - qr - 34;
    doc
      .fillColor('#333333')
      .fontSize(10)
      .text(input.say.heading, tx, y + 22, { width: tw });
    doc
      .fillColor('#000000')
      .fontSize(26)
      .text(p.code, tx, y + 44, { width: tw });
    doc.fontSize(12).text(p.place, tx, y + 86, { width: tw });
    doc
      .fillColor('#c0392b')
      .fontSize(10)
      .text(input.say.scan, tx, y + cellH - 58, { width: tw });
    doc.fillColor('#000000');
  });
  doc.end();
  return bytes;
}
