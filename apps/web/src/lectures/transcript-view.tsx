import type { Transcript } from '@clapboard/shared/highlights';
import { type RefObject, useEffect, useRef, useState } from 'react';
import { wordAt } from './word-at';

const clock = (sec: number) => `${Math.floor(sec / 60)}:${String(Math.floor(sec % 60)).padStart(2, '0')}`;

/**
 * The transcript beside the player: the word being spoken is highlighted (and kept in view), and
 * a click on any word seeks the video there. One listener on the container serves every word, so
 * a two-hour transcript stays light.
 */
export function TranscriptView({
  transcript,
  video,
}: {
  transcript: Transcript;
  video: RefObject<HTMLVideoElement | null>;
}) {
  const [current, setCurrent] = useState(-1);
  const box = useRef<HTMLElement>(null);
  useEffect(() => {
    const el = video.current;
    if (!el) return;
    let frame = 0;
    // timeupdate fires only ~4 times a second: follow frames while playing for a smooth highlight.
    const tick = () => {
      setCurrent(wordAt(transcript.words, el.currentTime));
      if (!el.paused) frame = requestAnimationFrame(tick);
    };
    const onTime = () => {
      cancelAnimationFrame(frame);
      tick();
    };
    el.addEventListener('timeupdate', onTime);
    el.addEventListener('seeked', onTime);
    el.addEventListener('play', onTime);
    return () => {
      cancelAnimationFrame(frame);
      el.removeEventListener('timeupdate', onTime);
      el.removeEventListener('seeked', onTime);
      el.removeEventListener('play', onTime);
    };
  }, [video, transcript]);
  useEffect(() => {
    const word = box.current?.querySelector<HTMLElement>(`[data-i="${current}"]`);
    word?.scrollIntoView({ block: 'nearest' });
  }, [current]);

  const seek = (sec: number) => {
    const el = video.current;
    if (!el) return;
    el.currentTime = sec;
    setCurrent(wordAt(transcript.words, sec));
  };
  return (
    // Keyboard users reach the word buttons themselves: Enter and Space on a button fire this click too.
    // biome-ignore lint/a11y/useKeyWithClickEvents: the buttons inside take the keys
    <section
      ref={box}
      className="transcript"
      aria-label="Transcript"
      onClick={(e) => {
        const i = (e.target as HTMLElement).closest<HTMLElement>('[data-i]')?.dataset.i;
        if (i !== undefined) seek(transcript.words[Number(i)]!.startSec);
      }}
    >
      <p className="small muted">Transcribed by {transcript.engine}. Click a word to play from there.</p>
      {transcript.sentences.map((s) => (
        <p key={s.firstWord} className="sentence">
          <span className="small muted">{clock(s.startSec)} </span>
          {transcript.words.slice(s.firstWord, s.lastWord + 1).map((w, k) => {
            const i = s.firstWord + k;
            return (
              <button
                type="button"
                key={i}
                data-i={i}
                className={i === current ? 'word current' : 'word'}
                aria-current={i === current ? 'true' : undefined}
                tabIndex={k === 0 ? 0 : -1}
              >
                {w.word}
              </button>
            );
          })}
        </p>
      ))}
    </section>
  );
}
