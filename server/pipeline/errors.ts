/** A stage failed; carries what a user needs to see first: which stage and its last output. */
export class PipelineError extends Error {
  constructor(
    message: string,
    readonly stage: string,
    readonly lastLines: string[] = [],
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'PipelineError';
  }
}

/** The build was canceled through its AbortSignal. */
export class PipelineAbortError extends Error {
  constructor(readonly stage: string | undefined) {
    super(stage ? `build canceled during ${stage}` : 'build canceled');
    this.name = 'AbortError';
  }
}
