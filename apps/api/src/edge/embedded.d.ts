/** Swagger UI's files, embedded into the edge bundle by build-edge.ts. */
declare module 'clapboard:swagger-files' {
  const files: Record<'swagger-ui.css' | 'swagger-ui-bundle.js', Uint8Array>;
  export default files;
}

/** Registers pdfkit's standard fonts in its workerd build (embedded by build-edge.ts). */
declare module 'clapboard:pdf-standard-fonts' {}

/** The lesson player's files, embedded by build-edge.ts. */
declare module 'clapboard:lesson-player-files' {
  const files: Record<import('@clapboard/server/lesson-player').LessonPlayerFile, string>;
  export default files;
}
