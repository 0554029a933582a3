import type { ChangeFeed } from '../src/realtime/change-feed-interface.js';

/** The cache feed is only needed to hear other instances' writes; a benchmark runs one instance. */
export const silentFeed: ChangeFeed = {
  kind: 'postgres',
  healthy: true,
  publish: async () => {},
  subscribe: () => () => {},
  ready: async () => true,
  stats: () => ({ published: 0, received: 0, errors: 0, reconnects: 0 }),
  close: async () => {},
};
