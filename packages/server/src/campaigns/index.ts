export { pinBrandKit } from './pin-brand-kit';
export {
  insertVariants,
  restartVariants,
  settleVariants,
  type VariantRow,
} from './variant-store';
