// The pipeline emits the build events the service stores and streams; the shapes are
// owned by src/spec/build-events.ts so server, browser and pipeline agree.
export type { ArtifactInfo, PipelineEvent, PublishedImage, StageName, VerifyCheck } from '../../src/spec/build-events';
