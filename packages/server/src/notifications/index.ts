export { createNotifications } from './create-notifications';
