import type { FunctionName } from './routes.ts';

/** Where each Lambda's entry lives, relative to functions/. CDK and the local server both use this. */
export const handlerFile = (fn: FunctionName | string) => `handlers/${fn}.ts`;
