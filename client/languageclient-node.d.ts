// vscode-languageclient 11 exposes `./node` only through package.json "exports", which the project's
// `moduleResolution: node` does not read; esbuild does. This maps the types for tsc.
declare module 'vscode-languageclient/node' {
  export * from 'vscode-languageclient/lib/node/main';
}
declare module 'vscode-languageclient' {
  export * from 'vscode-languageclient/lib/common/api';
}
