/**
 * Custom messages between the Kumo Policy Studio client and its language server: the one file both import.
 * Standard LSP covers everything else.
 */

/** Settings under `kumomta.*` that the server reads (initializationOptions or workspace/configuration). */
export interface ServerSettings {
  targetVersion?: string;
  /** Per diagnostic code: 'error' | 'warning' | 'information' | 'hint' | 'off'. */
  diagnosticSeverities?: Record<string, string>;
  policyExtrasPath?: string;
  genericLuaDiagnostics?: boolean;
  policyGlobs?: string[];
}

/** Sent after each validation, so the client's status item can show how long analysis took. */
export const AnalysisTimingNotification = 'kumomta/analysisTiming';
export interface AnalysisTimingParams {
  uri: string;
  version: number;
  durationMs: number;
  errors: number;
  warnings: number;
}

/** Lists the diagnostic codes the server knows (code, group, default severity, summary), for settings UIs and docs. */
export const DiagnosticCodesRequest = 'kumomta/diagnosticCodes';
export interface DiagnosticCodeDescription {
  code: string;
  group: string;
  severity: string;
  summary: string;
}
export type DiagnosticCodesResult = DiagnosticCodeDescription[];
