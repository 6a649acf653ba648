// Module hooks for bench/cost/probe.mjs: every import of local/lambda-runtime.ts (except the
// wrapper's own) gets the counting wrapper instead, so each handler invocation is counted and timed.
const wrapper = new URL('./lambda-runtime-probe.mjs', import.meta.url).href;

export async function resolve(specifier, context, nextResolve) {
  const resolved = await nextResolve(specifier, context);
  if (resolved.url.endsWith('/local/lambda-runtime.ts') && context.parentURL !== wrapper) {
    return { url: wrapper, format: 'module', shortCircuit: true };
  }
  return resolved;
}
