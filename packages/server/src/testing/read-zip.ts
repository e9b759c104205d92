import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import yauzl from 'yauzl';

/**
 * Every file of a zip archive, by its path inside the archive (folders left out), read with a real
 * zip reader, so tests check what an LMS would unpack.
 */
export async function readZip(file: string): Promise<Map<string, Buffer>> {
  const zip = await yauzl.openPromise(file, { lazyEntries: true, autoClose: false });
  const files = new Map<string, Buffer>();
  try {
    for await (const entry of zip.eachEntry()) {
      if (entry.fileName.endsWith('/')) continue;
      const chunks: Buffer[] = [];
      for await (const chunk of await zip.openReadStreamPromise(entry)) chunks.push(chunk as Buffer);
      files.set(entry.fileName, Buffer.concat(chunks));
    }
  } finally {
    zip.close();
  }
  return files;
}

/** Writes the files of a read zip under `dir`, as an LMS unpacks a package. */
export function unpackZip(files: ReadonlyMap<string, Buffer>, dir: string): void {
  for (const [name, bytes] of files) {
    const target = join(dir, name);
    if (!target.startsWith(join(dir, '/'))) throw new Error(`zip entry outside the folder: ${name}`);
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, bytes);
  }
}
