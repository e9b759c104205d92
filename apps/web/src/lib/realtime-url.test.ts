// @vitest-environment happy-dom
import { afterEach, describe, expect, it } from 'vitest';
import { realtimeUrl } from './realtime-url';

// The test environment's window (happy-dom) can move the page to another URL.
declare global {
  interface Window {
    happyDOM: { setURL(url: string): void };
  }
}

function at(url: string, meta?: string) {
  window.happyDOM.setURL(url);
  document.head.innerHTML = meta === undefined ? '' : `<meta name="clapboard-realtime" content="${meta}">`;
}
afterEach(() => {
  document.head.innerHTML = '';
});

describe('realtimeUrl', () => {
  it('without a meta tag: the same host on port 8788, ws/http on a plain page', () => {
    at('http://studio.example:5173/projects/1');
    expect(realtimeUrl('ws')).toBe('ws://studio.example:8788');
    expect(realtimeUrl('http')).toBe('http://studio.example:8788');
  });

  it('without a meta tag on https: wss/https', () => {
    at('https://studio.example/');
    expect(realtimeUrl('ws')).toBe('wss://studio.example:8788');
    expect(realtimeUrl('http')).toBe('https://studio.example:8788');
  });

  it("with a meta tag: its host and its scheme's security, whatever the page's", () => {
    at('http://studio.example/', 'wss://rt.example:9443/');
    expect(realtimeUrl('ws')).toBe('wss://rt.example:9443');
    expect(realtimeUrl('http')).toBe('https://rt.example:9443');
    at('https://studio.example/', 'http://10.0.0.5:8788');
    expect(realtimeUrl('ws')).toBe('ws://10.0.0.5:8788');
  });

  it('a relative meta tag resolves against the page', () => {
    at('https://studio.example/app/', '//realtime.studio.example');
    expect(realtimeUrl('ws')).toBe('wss://realtime.studio.example');
  });
});
