import { configure } from '@testing-library/react';

// `npm test` runs every workspace's suites side by side on small CI machines: a real HTTP round
// trip can take longer than Testing Library's 1 s default wait, so waits give it 10 s (they still
// fail on a wrong value, only later).
configure({ asyncUtilTimeout: 10_000 });
