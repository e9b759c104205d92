export {
  type ConnectDbOptions,
  connectDb,
  createSql,
  pingDb,
  type Queryable,
  type Sql,
  type Tx,
} from './connect-db';
export {
  type ChannelHandlers,
  type ChannelListener,
  type ListenChannelsOptions,
  listenChannels,
} from './listen-channels';
export { loadMigrations, MIGRATIONS_DIR, type Migration, migrate } from './migrate';
export {
  memberChangedSchema,
  PROJECT_CHANNELS,
  parseNotification,
  projectNotificationSchema,
} from './project-notifications';
