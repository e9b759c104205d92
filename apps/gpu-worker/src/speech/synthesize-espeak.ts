import ESpeakNg from 'espeak-ng';

/**
 * eSpeak NG (GPL-3.0, WASM build from the `espeak-ng` npm package) speaking `text` with a voice such
 * as `en-us`. Each call instantiates the module: it runs its CLI `main` once and exits.
 *
 * @returns WAV bytes (22.05 kHz mono 16-bit)
 */
export async function synthesizeEspeak(text: string, voice: string): Promise<Uint8Array> {
  const espeak = await ESpeakNg({ arguments: ['-w', 'out.wav', '-v', voice, '-s', '165', text] });
  return espeak.FS.readFile('out.wav');
}
