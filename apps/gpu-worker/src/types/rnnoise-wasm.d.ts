// @echogarden/rnnoise-wasm ships no types: an Emscripten module factory exposing RNNoise's C API.
declare module '@echogarden/rnnoise-wasm' {
  interface RNNoiseModule {
    HEAPF32: Float32Array;
    _malloc(bytes: number): number;
    _free(ptr: number): void;
    _rnnoise_create(model: number): number;
    _rnnoise_destroy(state: number): void;
    _rnnoise_get_frame_size(): number;
    _rnnoise_process_frame(state: number, out: number, input: number): number;
  }
  export default function RNNoise(options?: Record<string, unknown>): Promise<RNNoiseModule>;
}
