import type * as ExcelJSModule from 'exceljs';
import type * as QRCodeModule from 'qrcode';
import type Sharp from 'sharp';

/*
 * Libraries loaded on first use, not when the API and the bot start: exceljs alone is about 660
 * files, needed only for a workbook; qrcode only for a placard sheet; sharp (native) for photos.
 * Plain requires, as no dynamic import() runs under the tests' CommonJS.
 */
/* eslint-disable @typescript-eslint/no-require-imports */

/** exceljs: the roster template, the monthly report, the register's export */
export const loadExcel = (): typeof ExcelJSModule => require('exceljs') as typeof ExcelJSModule;
/** qrcode: the placards' QR matrices */
export const loadQrcode = (): typeof QRCodeModule => require('qrcode') as typeof QRCodeModule;
/** sharp: the photo gate, thumbnails and the placards' QR images */
export const loadSharp = (): typeof Sharp => require('sharp') as typeof Sharp;
