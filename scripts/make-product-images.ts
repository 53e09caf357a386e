/**
 * Generates the shipped sample product pictures in server/images/<product-id>.png, one per
 * product in server/catalog.json: small flat illustrations drawn here from scratch, so the shop
 * carries no third-party artwork.
 *
 *   npm --prefix server exec -- tsx scripts/make-product-images.ts
 *
 * Uses only Node: a tiny supersampled raster (rectangles, ellipses, rounded shapes, polygons,
 * thick lines) and a minimal PNG writer (node:zlib deflate, CRC32 below). The output is
 * deterministic: running it twice writes identical bytes. Edit the drawings and re-run it to
 * change the pictures; the PNGs ship beside the catalogue.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as zlib from 'node:zlib';

const SIZE = 240;
/** Samples per pixel along each axis (4×4 = 16 samples): smooth, anti-aliased edges. */
const SS = 4;

// ---------------------------------------------------------------------------------------------
// Shapes: an "inside" test on continuous coordinates plus a bounding box to limit the work.

type RGB = readonly [number, number, number];
type Box = readonly [number, number, number, number]; // x0, y0, x1, y1
interface Shape {
  inside(x: number, y: number): boolean;
  box: Box;
}

const FULL: Box = [0, 0, SIZE, SIZE];

function hex(value: string): RGB {
  const n = parseInt(value.replace('#', ''), 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

function rect(x: number, y: number, w: number, h: number): Shape {
  return { inside: (px, py) => px >= x && px < x + w && py >= y && py < y + h, box: [x, y, x + w, y + h] };
}

function roundRect(x: number, y: number, w: number, h: number, r: number): Shape {
  return {
    inside(px, py) {
      if (px < x || px > x + w || py < y || py > y + h) return false;
      const dx = Math.max(x + r - px, 0, px - (x + w - r));
      const dy = Math.max(y + r - py, 0, py - (y + h - r));
      return dx * dx + dy * dy <= r * r;
    },
    box: [x, y, x + w, y + h],
  };
}

function ellipse(cx: number, cy: number, rx: number, ry: number): Shape {
  return {
    inside(px, py) {
      const dx = (px - cx) / rx;
      const dy = (py - cy) / ry;
      return dx * dx + dy * dy <= 1;
    },
    box: [cx - rx, cy - ry, cx + rx, cy + ry],
  };
}

function circle(cx: number, cy: number, r: number): Shape {
  return ellipse(cx, cy, r, r);
}

type Point = readonly [number, number];

function insidePolygon(points: readonly Point[], px: number, py: number): boolean {
  let inside = false;
  for (let i = 0, j = points.length - 1; i < points.length; j = i++) {
    const [xi, yi] = points[i];
    const [xj, yj] = points[j];
    if (yi > py !== yj > py && px < ((xj - xi) * (py - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

function segmentDistance2(px: number, py: number, a: Point, b: Point): number {
  const vx = b[0] - a[0];
  const vy = b[1] - a[1];
  const len2 = vx * vx + vy * vy;
  const t = len2 === 0 ? 0 : Math.max(0, Math.min(1, ((px - a[0]) * vx + (py - a[1]) * vy) / len2));
  const dx = px - (a[0] + t * vx);
  const dy = py - (a[1] + t * vy);
  return dx * dx + dy * dy;
}

function boxOf(points: readonly Point[], pad = 0): Box {
  const xs = points.map((p) => p[0]);
  const ys = points.map((p) => p[1]);
  return [Math.min(...xs) - pad, Math.min(...ys) - pad, Math.max(...xs) + pad, Math.max(...ys) + pad];
}

/** A polygon grown by `r` on every side, so its corners come out rounded (r = 0: sharp). */
function polygon(points: readonly Point[], r = 0): Shape {
  return {
    inside(px, py) {
      if (insidePolygon(points, px, py)) return true;
      if (r <= 0) return false;
      for (let i = 0, j = points.length - 1; i < points.length; j = i++) {
        if (segmentDistance2(px, py, points[j], points[i]) <= r * r) return true;
      }
      return false;
    },
    box: boxOf(points, r),
  };
}

/** A thick open line through the points, with round ends and joins. */
function stroke(points: readonly Point[], width: number): Shape {
  const r = width / 2;
  return {
    inside(px, py) {
      for (let i = 1; i < points.length; i++) {
        if (segmentDistance2(px, py, points[i - 1], points[i]) <= r * r) return true;
      }
      return false;
    },
    box: boxOf(points, r),
  };
}

/** A shape symmetric about x = cx, `halfWidth(y)` wide on each side between y0 and y1. */
function lathe(cx: number, y0: number, y1: number, halfWidth: (y: number) => number): Shape {
  let widest = 0;
  for (let y = y0; y <= y1; y += 0.5) widest = Math.max(widest, halfWidth(y));
  return {
    inside: (px, py) => py >= y0 && py <= y1 && Math.abs(px - cx) <= halfWidth(py),
    box: [cx - widest, y0, cx + widest, y1],
  };
}

function union(...shapes: Shape[]): Shape {
  return {
    inside: (px, py) => shapes.some((s) => s.inside(px, py)),
    box: [
      Math.min(...shapes.map((s) => s.box[0])),
      Math.min(...shapes.map((s) => s.box[1])),
      Math.max(...shapes.map((s) => s.box[2])),
      Math.max(...shapes.map((s) => s.box[3])),
    ],
  };
}

function minus(a: Shape, b: Shape): Shape {
  return { inside: (px, py) => a.inside(px, py) && !b.inside(px, py), box: a.box };
}

function intersect(a: Shape, b: Shape): Shape {
  return {
    inside: (px, py) => a.inside(px, py) && b.inside(px, py),
    box: [
      Math.max(a.box[0], b.box[0]),
      Math.max(a.box[1], b.box[1]),
      Math.min(a.box[2], b.box[2]),
      Math.min(a.box[3], b.box[3]),
    ],
  };
}

/** The shape turned by `degrees` (clockwise on screen) about (cx, cy). */
function rotate(shape: Shape, degrees: number, cx: number, cy: number): Shape {
  const a = (degrees * Math.PI) / 180;
  const cos = Math.cos(a);
  const sin = Math.sin(a);
  const [x0, y0, x1, y1] = shape.box;
  const corners: Point[] = [
    [x0, y0],
    [x1, y0],
    [x1, y1],
    [x0, y1],
  ].map(([x, y]) => [cx + (x - cx) * cos - (y - cy) * sin, cy + (x - cx) * sin + (y - cy) * cos]);
  return {
    inside(px, py) {
      const dx = px - cx;
      const dy = py - cy;
      return shape.inside(cx + dx * cos + dy * sin, cy - dx * sin + dy * cos);
    },
    box: boxOf(corners),
  };
}

function translate(shape: Shape, dx: number, dy: number): Shape {
  const [x0, y0, x1, y1] = shape.box;
  return { inside: (px, py) => shape.inside(px - dx, py - dy), box: [x0 + dx, y0 + dy, x1 + dx, y1 + dy] };
}

/** Points along a gentle S-curve, for steam and strings. */
function wave(x: number, y0: number, y1: number, amplitude: number, phase: number, steps = 24): Point[] {
  const points: Point[] = [];
  for (let i = 0; i <= steps; i++) {
    const t = i / steps;
    points.push([x + amplitude * Math.sin(phase + t * Math.PI * 2), y0 + (y1 - y0) * t]);
  }
  return points;
}

function star(cx: number, cy: number, outer: number, inner: number, spikes = 5): Point[] {
  const points: Point[] = [];
  for (let i = 0; i < spikes * 2; i++) {
    const r = i % 2 === 0 ? outer : inner;
    const a = -Math.PI / 2 + (i * Math.PI) / spikes;
    points.push([cx + r * Math.cos(a), cy + r * Math.sin(a)]);
  }
  return points;
}

// ---------------------------------------------------------------------------------------------
// Canvas: RGB floats, each shape blended in with its sampled coverage.

class Canvas {
  readonly pixels = new Float64Array(SIZE * SIZE * 3);

  constructor(background: RGB) {
    for (let i = 0; i < SIZE * SIZE; i++) this.pixels.set(background, i * 3);
  }

  fill(shape: Shape, color: RGB, opacity = 1): void {
    const x0 = Math.max(0, Math.floor(shape.box[0]));
    const y0 = Math.max(0, Math.floor(shape.box[1]));
    const x1 = Math.min(SIZE, Math.ceil(shape.box[2]));
    const y1 = Math.min(SIZE, Math.ceil(shape.box[3]));
    for (let py = y0; py < y1; py++) {
      for (let px = x0; px < x1; px++) {
        let hits = 0;
        for (let sy = 0; sy < SS; sy++) {
          for (let sx = 0; sx < SS; sx++) {
            if (shape.inside(px + (sx + 0.5) / SS, py + (sy + 0.5) / SS)) hits++;
          }
        }
        if (hits === 0) continue;
        const alpha = (hits / (SS * SS)) * opacity;
        const i = (py * SIZE + px) * 3;
        for (let c = 0; c < 3; c++) this.pixels[i + c] += (color[c] - this.pixels[i + c]) * alpha;
      }
    }
  }

  /** Raw 8-bit RGB rows. */
  bytes(): Buffer {
    const out = Buffer.alloc(SIZE * SIZE * 3);
    for (let i = 0; i < out.length; i++) out[i] = Math.max(0, Math.min(255, Math.round(this.pixels[i])));
    return out;
  }
}

// ---------------------------------------------------------------------------------------------
// PNG writer: 8-bit RGB, one IDAT, each row filtered with None or Sub (whichever looks smaller).

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(data: Buffer): number {
  let c = 0xffffffff;
  for (const byte of data) c = CRC_TABLE[(c ^ byte) & 255] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

function encodePng(rgb: Buffer, width: number, height: number): Buffer {
  const stride = width * 3;
  const raw = Buffer.alloc((stride + 1) * height);
  for (let y = 0; y < height; y++) {
    const row = rgb.subarray(y * stride, (y + 1) * stride);
    const sub = Buffer.alloc(stride);
    for (let x = 0; x < stride; x++) sub[x] = (row[x] - (x >= 3 ? row[x - 3] : 0)) & 255;
    // Usual heuristic: the filter whose bytes, read as signed, sum to the smallest magnitude.
    const cost = (bytes: Buffer) => bytes.reduce((sum, b) => sum + (b < 128 ? b : 256 - b), 0);
    const useSub = cost(sub) < cost(row);
    const at = y * (stride + 1);
    raw[at] = useSub ? 1 : 0;
    (useSub ? sub : row).copy(raw, at + 1);
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bit depth
  header[9] = 2; // colour type: RGB
  header[10] = 0; // compression
  header[11] = 0; // filter method
  header[12] = 0; // no interlace
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', zlib.deflateSync(raw, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

// ---------------------------------------------------------------------------------------------
// The pictures.

const SHADOW = hex('#000000');
const WHITE = hex('#ffffff');

/** Soft backdrop shared by all pictures: a lighter disc and a ground shadow. */
function backdrop(canvas: Canvas, disc: RGB, shadow: Shape): void {
  canvas.fill(circle(120, 120, 98), disc);
  canvas.fill(shadow, SHADOW, 0.1);
}

/** A price tag, hole and string, reading "0.01". */
function drawTestItem(): Canvas {
  const canvas = new Canvas(hex('#e9e4f5'));
  const angle = -24;
  const cx = 120;
  const cy = 124;
  const turn = (s: Shape) => rotate(s, angle, cx, cy);
  const tagOutline: Point[] = [
    [54, 124],
    [86, 92],
    [186, 92],
    [186, 156],
    [86, 156],
  ];
  const tag = polygon(tagOutline, 9);
  backdrop(canvas, hex('#f4f1fb'), ellipse(124, 200, 74, 10));
  canvas.fill(turn(translate(tag, 5, 7)), SHADOW, 0.12);
  canvas.fill(turn(tag), hex('#f2a93b'));
  // A lighter inner panel with a dashed "stitch" border.
  const inner: Point[] = [
    [64, 124],
    [90, 100],
    [178, 100],
    [178, 148],
    [90, 148],
  ];
  canvas.fill(turn(polygon(inner, 4)), hex('#f7bd5c'));
  // Hole with a metal eyelet, then the string leaving it.
  const hole: Point = [74, 124];
  canvas.fill(turn(circle(hole[0], hole[1], 9.5)), hex('#d9dde3'));
  canvas.fill(turn(circle(hole[0], hole[1], 6)), hex('#e9e4f5'));
  const a = (angle * Math.PI) / 180;
  const hx = cx + (hole[0] - cx) * Math.cos(a) - (hole[1] - cy) * Math.sin(a);
  const hy = cy + (hole[0] - cx) * Math.sin(a) + (hole[1] - cy) * Math.cos(a);
  const string: Point[] = [];
  for (let i = 0; i <= 30; i++) {
    const t = i / 30;
    string.push([hx - 4 - t * 44 + 10 * Math.sin(t * Math.PI), hy - t * 92 + 14 * Math.sin(t * Math.PI * 1.5)]);
  }
  canvas.fill(stroke(string, 3.2), hex('#8a5a44'));
  canvas.fill(stroke([[hx - 4, hy], [hx + 1, hy - 1]], 3.2), hex('#8a5a44'));
  // "0.01" in chunky seven-segment digits.
  const ink = hex('#7a3e12');
  const digit = (x: number, y: number, segments: string) => {
    const w = 14;
    const h = 13;
    const ends: Record<string, [Point, Point]> = {
      a: [[x, y], [x + w, y]],
      b: [[x + w, y], [x + w, y + h]],
      c: [[x + w, y + h], [x + w, y + 2 * h]],
      d: [[x, y + 2 * h], [x + w, y + 2 * h]],
      e: [[x, y + h], [x, y + 2 * h]],
      f: [[x, y], [x, y + h]],
      g: [[x, y + h], [x + w, y + h]],
    };
    for (const s of segments) canvas.fill(turn(stroke(ends[s], 5)), ink);
  };
  digit(102, 111, 'abcdef');
  canvas.fill(turn(circle(125, 137, 3.2)), ink);
  digit(133, 111, 'abcdef');
  digit(145, 111, 'bc');
  return canvas;
}

/** A white cup of flat white with latte-art heart, on a saucer, steam rising. */
function drawFlatWhite(): Canvas {
  const canvas = new Canvas(hex('#d9ece6'));
  backdrop(canvas, hex('#ecf6f2'), ellipse(122, 202, 92, 12));
  const cx = 116;
  // Saucer: an edge, its top and the well the cup sits in.
  canvas.fill(ellipse(cx, 190, 84, 20), hex('#cfd6d4'));
  canvas.fill(ellipse(cx, 186, 84, 19), hex('#fbfbf9'));
  canvas.fill(ellipse(cx, 185, 54, 11), hex('#eceeeb'));
  // Handle, partly hidden behind the cup.
  const handle = minus(ellipse(cx + 58, 128, 24, 21), ellipse(cx + 58, 128, 13, 11));
  canvas.fill(handle, hex('#e9ebe8'));
  canvas.fill(intersect(handle, rect(cx + 58, 100, 40, 60)), hex('#dfe2df'));
  // Cup body: a rounded bowl from the rim (y 100) down to a small foot.
  const top = 100;
  const bottom = 182;
  const body = union(
    lathe(cx, top, bottom, (y) => {
      const t = (y - top) / (bottom - top);
      return 60 * Math.sqrt(Math.max(0, 1 - (t * 0.8) ** 2));
    }),
    ellipse(cx, bottom - 1, 36, 7),
  );
  canvas.fill(body, hex('#fdfdfc'));
  // Shading on the right-hand side of the bowl.
  canvas.fill(minus(body, ellipse(cx - 16, 128, 66, 80)), hex('#e4e8e5'));
  // Rim, coffee and crema, latte-art heart.
  canvas.fill(ellipse(cx, top, 60, 15), hex('#ffffff'));
  canvas.fill(ellipse(cx, top + 1, 53, 12), hex('#c48a5a'));
  canvas.fill(ellipse(cx, top + 2, 50, 10.5), hex('#8b5636'));
  const heart: Shape = {
    inside(px, py) {
      const x = (px - cx) / 22;
      const y = -(py - (top + 1)) / (22 * 0.42);
      const q = x * x + y * y - 1;
      return q * q * q - x * x * y * y * y <= 0;
    },
    box: [cx - 26, top - 12, cx + 26, top + 12],
  };
  canvas.fill(heart, hex('#f6ebdc'));
  // Steam.
  canvas.fill(stroke(wave(cx - 16, 36, 80, 5, 0), 5), WHITE, 0.85);
  canvas.fill(stroke(wave(cx + 2, 26, 78, 6, Math.PI), 5), WHITE, 0.85);
  canvas.fill(stroke(wave(cx + 20, 40, 80, 5, 0.6), 5), WHITE, 0.85);
  return canvas;
}

/** A burgundy-shaped bottle of red with a mountain label, and a glass of wine. */
function drawPinotNoir(): Canvas {
  const canvas = new Canvas(hex('#f5dfe5'));
  backdrop(canvas, hex('#fbf0f3'), ellipse(126, 212, 86, 10));
  // Glass of wine (behind the bottle's right edge).
  const gx = 170;
  const bowl = intersect(ellipse(gx, 132, 25, 36), rect(gx - 30, 106, 60, 70));
  canvas.fill(rect(gx - 1.8, 160, 3.6, 46), hex('#e6eef2'));
  canvas.fill(ellipse(gx, 207, 19, 4.5), hex('#dfe8ec'));
  canvas.fill(bowl, hex('#ffffff'), 0.6);
  canvas.fill(intersect(ellipse(gx, 132, 22.5, 33.5), rect(gx - 30, 134, 60, 40)), hex('#8e1c3a'));
  canvas.fill(ellipse(gx, 134, 22.2, 4), hex('#b0304f'));
  canvas.fill(stroke([[gx - 16, 118], [gx - 18, 130], [gx - 16, 142]], 3), WHITE, 0.7);
  // Bottle: long neck, sloping shoulders, rounded base.
  const bx = 96;
  const neckTop = 28;
  const shoulder = 92;
  const bodyTop = 140;
  const base = 212;
  const bottle = lathe(bx, neckTop, base, (y) => {
    const neck = y < neckTop + 7 ? 11 : 9.5;
    if (y < shoulder) return neck;
    if (y < bodyTop) {
      const t = (y - shoulder) / (bodyTop - shoulder);
      const s = t * t * (3 - 2 * t);
      return neck + (31 - neck) * s;
    }
    const r = 7;
    if (y > base - r) return 31 - r + Math.sqrt(Math.max(0, r * r - (y - (base - r)) ** 2));
    return 31;
  });
  canvas.fill(bottle, hex('#2f4336'));
  canvas.fill(intersect(bottle, rect(bx + 14, 0, 40, 240)), hex('#263629'));
  // Foil capsule over the neck.
  canvas.fill(intersect(bottle, rect(0, neckTop, 240, 52)), hex('#8e1c3a'));
  canvas.fill(intersect(bottle, rect(0, neckTop + 49, 240, 3)), hex('#6d1129'));
  // Glass highlight.
  canvas.fill(stroke([[bx - 6, 88], [bx - 6, 60]], 3), WHITE, 0.35);
  canvas.fill(stroke([[bx - 18, 140], [bx - 22, 158], [bx - 22, 200]], 4.5), WHITE, 0.3);
  // Label with a snowy Otago mountain and two lines of "text".
  canvas.fill(roundRect(bx - 26, 150, 52, 46, 3), hex('#f6eedd'));
  canvas.fill(polygon([[bx - 20, 178], [bx - 4, 160], [bx + 6, 170], [bx + 12, 164], [bx + 21, 178]]), hex('#5d7a8c'));
  canvas.fill(polygon([[bx - 9, 166], [bx - 4, 160], [bx + 1, 165.5], [bx - 3, 168], [bx - 6, 165.5]]), WHITE);
  canvas.fill(roundRect(bx - 16, 182, 32, 3.5, 1.75), hex('#8e1c3a'));
  canvas.fill(roundRect(bx - 10, 188, 20, 2.5, 1.25), hex('#b9a98e'));
  return canvas;
}

/** A natural canvas tote bag with two handles and a star logo. */
function drawCanvasTote(): Canvas {
  const canvas = new Canvas(hex('#dbe6f4'));
  backdrop(canvas, hex('#eef3fa'), ellipse(120, 210, 80, 9));
  const strap = hex('#c9ad7f');
  // Back handle (darker, behind the bag), then the bag, then the front handle.
  const back = minus(ellipse(120, 96, 34, 56), ellipse(120, 96, 25, 48));
  canvas.fill(intersect(back, rect(0, 0, 240, 96)), hex('#a98d60'));
  const bag = polygon(
    [
      [62, 92],
      [178, 92],
      [186, 202],
      [54, 202],
    ],
    5,
  );
  canvas.fill(bag, hex('#efe2c6'));
  canvas.fill(intersect(bag, rect(150, 0, 100, 240)), hex('#e6d6b5'));
  // Hem band with stitching.
  canvas.fill(intersect(bag, rect(0, 80, 240, 26)), hex('#e2d1ae'));
  for (let x = 64; x < 178; x += 8) canvas.fill(roundRect(x, 108, 4.5, 1.8, 0.9), hex('#c2ab82'));
  const front = minus(ellipse(120, 98, 30, 50), ellipse(120, 98, 21, 42));
  canvas.fill(intersect(front, rect(0, 0, 240, 104)), strap);
  // Where the straps are sewn on.
  for (const x of [90, 141]) {
    canvas.fill(rect(x, 92, 9, 15), strap);
    canvas.fill(stroke([[x + 1.5, 94.5], [x + 7.5, 104.5]], 1.3), hex('#a98d60'));
    canvas.fill(stroke([[x + 7.5, 94.5], [x + 1.5, 104.5]], 1.3), hex('#a98d60'));
  }
  // Logo: a teal roundel with a white star.
  canvas.fill(circle(120, 152, 27), hex('#2f7478'));
  canvas.fill(polygon(star(120, 154, 16, 7), 1.2), hex('#fbf6ea'));
  return canvas;
}

const PICTURES: Record<string, () => Canvas> = {
  'test-item': drawTestItem,
  'flat-white': drawFlatWhite,
  'pinot-noir-otago': drawPinotNoir,
  'canvas-tote': drawCanvasTote,
};

function main(): void {
  const outDir = path.join(__dirname, '..', 'server', 'images');
  fs.mkdirSync(outDir, { recursive: true });
  for (const [id, draw] of Object.entries(PICTURES)) {
    const png = encodePng(draw().bytes(), SIZE, SIZE);
    const file = path.join(outDir, `${id}.png`);
    fs.writeFileSync(file, png);
    console.log(`${path.relative(process.cwd(), file)}  ${png.length} bytes`);
  }
}

main();
