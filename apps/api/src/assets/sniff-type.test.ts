import { describe, expect, it } from 'vitest';
import { sniffType } from './sniff-type';

const bytes = (...parts: (string | number[])[]) =>
  new Uint8Array(parts.flatMap((p) => (typeof p === 'string' ? [...p].map((ch) => ch.charCodeAt(0)) : p)));
const box = (brand: string) => bytes([0, 0, 0, 0x20], 'ftyp', brand, [0, 0, 0, 0]);

describe('sniffType', () => {
  it.each([
    ['JPEG', bytes([0xff, 0xd8, 0xff, 0xe0]), 'image/jpeg', 'image'],
    ['PNG', bytes([0x89], 'PNG', [0x0d, 0x0a, 0x1a, 0x0a]), 'image/png', 'image'],
    ['GIF', bytes('GIF89a'), 'image/gif', 'image'],
    ['WebP', bytes('RIFF', [1, 2, 3, 4], 'WEBPVP8 '), 'image/webp', 'image'],
    ['WAV', bytes('RIFF', [1, 2, 3, 4], 'WAVEfmt '), 'audio/wav', 'audio'],
    ['MP4', box('isom'), 'video/mp4', 'video'],
    ['MOV', box('qt  '), 'video/quicktime', 'video'],
    ['MOV without ftyp', bytes([0, 0, 0, 8], 'wide'), 'video/quicktime', 'video'],
    ['M4A', box('M4A '), 'audio/mp4', 'audio'],
    [
      'WebM',
      bytes([0x1a, 0x45, 0xdf, 0xa3, 0x9f, 0x42, 0x86, 0x81, 0x01, 0x42, 0x82, 0x84], 'webm'),
      'video/webm',
      'video',
    ],
    ['OGG', bytes('OggS', [0, 2]), 'audio/ogg', 'audio'],
    ['FLAC', bytes('fLaC', [0, 0, 0, 0x22]), 'audio/flac', 'audio'],
    ['MP3 with ID3', bytes('ID3', [4, 0]), 'audio/mpeg', 'audio'],
    ['MP3 frame sync', bytes([0xff, 0xfb, 0x90, 0x64]), 'audio/mpeg', 'audio'],
    ['PDF', bytes('%PDF-1.7'), 'application/pdf', 'document'],
  ])('recognises %s', (_, head, mime, kind) => {
    expect(sniffType(head)).toMatchObject({ mime, kind });
  });

  it.each([
    ['ELF executable', bytes([0x7f], 'ELF', [2, 1, 1])],
    ['PE executable', bytes('MZ', [0x90, 0])],
    ['ZIP', bytes('PK', [3, 4])],
    ['HTML', bytes('<!doctype html>')],
    ['shell script', bytes('#!/bin/sh\n')],
    ['SVG (scriptable)', bytes('<svg xmlns=')],
    ['Matroska that is not WebM', bytes([0x1a, 0x45, 0xdf, 0xa3], 'matroska')],
    ['HEIC', box('heic')],
    ['AAC ADTS (layer bits 00, not MP3)', bytes([0xff, 0xf1, 0x50, 0x80])],
    ['empty', new Uint8Array(0)],
  ])('refuses %s', (_, head) => {
    expect(sniffType(head)).toBeNull();
  });
});
