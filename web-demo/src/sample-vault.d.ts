// The sample vault, compiled in by build.mjs (an esbuild virtual module).
declare module "vaultcrm:sample-vault" {
  const files: ReadonlyArray<{ path: string; text: string; mtime: number }>;
  export default files;
}
