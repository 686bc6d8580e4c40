/** A set of grayscale images with labels: what the IDX loaders return, or arrays built in memory (a browser fetch, a canvas). */
export interface ImageSet {
  /** `count * height * width` intensities in `[0, 1]` (byte / 255), row-major `[N, H*W]`. */
  images: Float32Array;
  /** `count` class labels. */
  labels: Uint8Array;
  count: number;
  height: number;
  width: number;
  /** Where the images came from (the image file path). */
  source: string;
}
