export * from './usage-kinds.js';
export * from './months.js';
export * from './weighted-stats.js';
export * from './equity-aggregates.js';
export * from './usage-recorder.js';
export * from './usage-recording.module.js';
