import { createRequire } from 'node:module';

/** Options of {@link svgToPng}. */
export interface SvgToPngOptions {
  /** Zoom factor (default `1`; `2` for high-DPI images). */
  scale?: number;
  /** Background colour behind transparent areas (CSS colour; default `'white'`). */
  background?: string;
}

type ResvgModule = typeof import('@resvg/resvg-js');
let resvg: ResvgModule | undefined;

/**
 * Rasterises an SVG document to PNG with resvg (`@resvg/resvg-js`, prebuilt native binaries;
 * loaded on first use), using the system fonts.
 *
 * @throws Error when the SVG is not well-formed XML (resvg's parser is strict).
 *
 * @example
 * ```ts
 * fs.writeFileSync('curves.png', svgToPng(trainingCurvesSvg(rows), { scale: 2 }));
 * ```
 */
export function svgToPng(svg: string, options: SvgToPngOptions = {}): Uint8Array {
  const { scale = 1, background = 'white' } = options;
  if (!(scale > 0 && Number.isFinite(scale)))
    throw new Error(`scale must be a positive number, got ${scale}`);
  if (resvg === undefined) {
    try {
      resvg = createRequire(import.meta.url)('@resvg/resvg-js') as ResvgModule;
    } catch (e) {
      throw new Error(
        `svgToPng needs @resvg/resvg-js, which failed to load (${(e as Error).message})`,
      );
    }
  }
  let rendered: ReturnType<InstanceType<ResvgModule['Resvg']>['render']>;
  try {
    rendered = new resvg.Resvg(svg, {
      fitTo: { mode: 'zoom', value: scale },
      background,
      font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans' },
      logLevel: 'off',
    }).render();
  } catch (e) {
    throw new Error(`svgToPng: cannot render the SVG (${(e as Error).message})`);
  }
  return new Uint8Array(rendered.asPng());
}
