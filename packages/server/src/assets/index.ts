export {
  type AssetKind,
  assetKey,
  downloadAsset,
  removeAsset,
  type SaveJobFileInput,
  saveJobFile,
} from './job-assets';
