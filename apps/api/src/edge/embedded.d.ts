/** Swagger UI's files, embedded into the edge bundle by build-edge.ts. */
declare module 'clapboard:swagger-files' {
  const files: Record<'swagger-ui.css' | 'swagger-ui-bundle.js', Uint8Array>;
  export default files;
}
