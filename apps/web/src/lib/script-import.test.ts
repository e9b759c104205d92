import { MAX_SCRIPT_IMPORT_BYTES } from '@clapboard/shared/script-import';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { localApiForFile } from '../test/local-api';
import { ApiError, ApiResponseError } from './api-client';
import { createProjectFromScript, previewScriptImport } from './script-import';

const PROJECT = '00000000-0000-4000-8000-0000000000c1';
const FOUNTAIN = 'Title: Night Shift\n\nINT. DINER - NIGHT\n\nMAYA\nCoffee?\n';
const preview = {
  filename: 'night.fountain',
  format: 'fountain',
  title: 'Night Shift',
  scenes: [{ heading: 'INT. DINER - NIGHT', sceneNumber: null, lines: 1, characters: ['MAYA'] }],
  characters: ['MAYA'],
  scriptLength: FOUNTAIN.length,
};
const file = (text = FOUNTAIN, name = 'night.fountain') => new File([text], name, { type: 'text/plain' });

const server = localApiForFile('t-import');

describe('script import', () => {
  it('refuses a file over the limit before sending anything, with the API’s code', async () => {
    const big = file('x'.repeat(MAX_SCRIPT_IMPORT_BYTES + 1));
    const err = await previewScriptImport(big).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toMatchObject({
      status: 413,
      code: 'payload_too_large',
      message: 'Script files may be at most 2 MB.',
    });
    expect(server.received).toEqual([]);
  });

  it('previews a new project: the file goes as multipart field `file`, the preview comes back parsed', async () => {
    server.on('POST /api/v1/script-imports/preview', () => ({ status: 200, json: preview }));
    const res = await previewScriptImport(file());
    expect(res).toEqual({ preview, storyboard: null });
    const sent = server.received[0]!;
    expect(sent.headers['content-type']).toMatch(/^multipart\/form-data; boundary=/);
    expect(sent.body).toContain('name="file"; filename="night.fountain"');
    expect(sent.body).toContain('INT. DINER - NIGHT');
  });

  it('previews a replacement as a dry run and returns what happens to the storyboard', async () => {
    const storyboard = { summary: '1 new', lines: ['INT. DINER - NIGHT is new'], unchanged: 0 };
    server.on(`POST /api/v1/projects/${PROJECT}/script-import?dryRun=true`, () => ({
      status: 200,
      json: { preview, storyboard, dryRun: true, changed: false, backup: null },
    }));
    await expect(previewScriptImport(file(), PROJECT)).resolves.toEqual({ preview, storyboard });
  });

  it('creates a project with the name field, and rejects an answer without the project', async () => {
    server.on('POST /api/v1/script-imports', () => ({ status: 201, json: { preview } }));
    const err = await createProjectFromScript(file(), 'Diner').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiResponseError);
    expect((err as Error).message).toContain('project');
    expect(server.received[0]?.body).toMatch(/name="name"\r\n\r\nDiner\r\n/);
  });
});
