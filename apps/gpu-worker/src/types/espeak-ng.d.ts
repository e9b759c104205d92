// The espeak-ng npm package ships no types: an Emscripten module factory that runs the CLI once.
declare module 'espeak-ng' {
  interface ESpeakModule {
    FS: { readFile(path: string): Uint8Array; writeFile(path: string, data: string | Uint8Array): void };
  }
  export default function ESpeakNg(options: { arguments: string[] }): Promise<ESpeakModule>;
}
