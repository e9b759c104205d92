import { highlightsClipsPayloadSchema, LECTURE_LIMITS } from '@clapboard/shared/highlights';
import { describe, expect, it } from 'vitest';
import { picksToClips } from './picks-to-clips';

const candidate = (id: string, startSec: number, endSec: number) => ({
  id,
  startSec,
  endSec,
  text: '',
  topicIndex: 0,
  signals: {},
  reasons: [],
  llmReason: null,
});

describe('picks to clips', () => {
  it('applies trims inside the lecture and the clip length bounds, so the server accepts every clip', () => {
    const candidates = [
      candidate('late', 590, 598),
      candidate('long', 100, 250),
      candidate('short', 20, 26),
      candidate('unpicked', 0, 30),
    ];
    const clips = picksToClips(
      candidates,
      {
        late: { trimStartSec: 5, trimEndSec: 10 },
        long: { trimStartSec: -30, trimEndSec: 30 },
        short: { trimStartSec: 2, trimEndSec: -2 },
      },
      600,
    );
    expect(clips).toEqual([
      { candidateId: 'short', startSec: 22, endSec: 27 },
      { candidateId: 'long', startSec: 70, endSec: 70 + LECTURE_LIMITS.maxClipSec },
      { candidateId: 'late', startSec: 595, endSec: 600 },
    ]);
    const payload = { lectureId: crypto.randomUUID(), analysisJobId: crypto.randomUUID(), clips };
    expect(highlightsClipsPayloadSchema.safeParse(payload).success).toBe(true);
  });
});
