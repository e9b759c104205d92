/**
 * The one home for running FFmpeg, ffprobe and the other native media programs (festival, flite,
 * pocketsphinx) from Node: every app that spawns them imports these, so timeouts, cancellation,
 * process-tree cleanup (spawnTied) and readable errors behave the same everywhere.
 */
export * from './ffmpeg';
export * from './run-program';
export * from './serve-blob';
