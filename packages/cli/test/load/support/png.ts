// A minimal PNG reader for screenshots (8-bit RGB or RGBA, not interlaced): enough to count pixels
// of a colour in what a real browser rendered.
import { inflateSync } from 'node:zlib';

export interface Image {
  width: number;
  height: number;
  channels: number;
  pixels: Buffer;
}

function paeth(a: number, b: number, c: number): number {
  const p = a + b - c;
  const pa = Math.abs(p - a);
  const pb = Math.abs(p - b);
  const pc = Math.abs(p - c);
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}

interface Header {
  width: number;
  height: number;
  channels: number;
  data: Buffer;
}

/** The image header and the concatenated, still compressed, pixel data. */
function readChunks(file: Buffer): Header {
  if (file.readUInt32BE(0) !== 0x89504e47) throw new Error('not a PNG');
  const header: Header = { width: 0, height: 0, channels: 0, data: Buffer.alloc(0) };
  const data: Buffer[] = [];
  for (let offset = 8; offset < file.length; ) {
    const length = file.readUInt32BE(offset);
    const type = file.toString('latin1', offset + 4, offset + 8);
    const body = file.subarray(offset + 8, offset + 8 + length);
    if (type === 'IHDR') {
      const [depth, colorType, , , interlace] = body.subarray(8, 13);
      if (depth !== 8 || interlace !== 0 || (colorType !== 2 && colorType !== 6)) {
        throw new Error(`unsupported PNG (depth ${depth}, colour type ${colorType})`);
      }
      header.width = body.readUInt32BE(0);
      header.height = body.readUInt32BE(4);
      header.channels = colorType === 6 ? 4 : 3;
    } else if (type === 'IDAT') data.push(body);
    offset += 12 + length;
  }
  header.data = Buffer.concat(data);
  return header;
}

export function readPng(file: Buffer): Image {
  const { width, height, channels, data } = readChunks(file);
  const raw = inflateSync(data);
  const stride = width * channels;
  const pixels = Buffer.alloc(stride * height);
  const at = (y: number, x: number) => (y >= 0 && x >= 0 ? (pixels[y * stride + x] as number) : 0);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)] as number;
    const line = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    for (let x = 0; x < stride; x++) {
      const left = at(y, x - channels);
      const up = at(y - 1, x);
      const predicted =
        [0, left, up, (left + up) >> 1, paeth(left, up, at(y - 1, x - channels))][filter] ?? 0;
      pixels[y * stride + x] = ((line[x] as number) + predicted) & 0xff;
    }
  }
  return { width, height, channels, pixels };
}

/** How many pixels have this colour (`#rrggbb`), give or take `tolerance` per channel. */
export function countColor(image: Image, hex: string, tolerance = 6): number {
  const [r, g, b] = [1, 3, 5].map((i) => Number.parseInt(hex.slice(i, i + 2), 16)) as [
    number,
    number,
    number,
  ];
  let count = 0;
  for (let i = 0; i < image.pixels.length; i += image.channels) {
    if (
      Math.abs((image.pixels[i] as number) - r) <= tolerance &&
      Math.abs((image.pixels[i + 1] as number) - g) <= tolerance &&
      Math.abs((image.pixels[i + 2] as number) - b) <= tolerance
    ) {
      count++;
    }
  }
  return count;
}
