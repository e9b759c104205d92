export { assetKeys, uploadPartKey } from './asset-keys';
export {
  type AssetKind,
  downloadAsset,
  removeAsset,
  type SaveJobFileInput,
  saveJobFile,
} from './job-assets';
