/** Every kumo function implemented in JS, by full name; the rest of the catalog is stubbed by module.ts. */
import type { KumoContext, KumoFunctions } from './context';
import { coreFunctions } from './core';
import { mpscFunctions } from './mpsc';
import { constructorFunctions } from './constructors';
import { serdeFunctions } from './serde';
import { timeFunctions } from './time';
import { binaryFunctions } from './binary';
import { textFunctions } from './text';
import { dnsFunctions } from './dns';
import { memoizeFunctions } from './memoize';
import { httpFunctions } from './http';
import { fsFunctions } from './fs';
import { asyncFileFunctions } from './async-file';
import { messageFunctions } from './message';
import { rejectFunctions } from './reject';
import { throttleFunctions } from './throttle';
import { registrarFunctions } from './registrars';
import { jsonlFunctions } from '../../tailer-lua/jsonl';

export function allKumoFunctions(ctx: KumoContext): KumoFunctions {
  return {
    ...constructorFunctions(ctx),
    ...coreFunctions(ctx),
    ...mpscFunctions(ctx),
    ...serdeFunctions(ctx),
    ...timeFunctions(ctx),
    ...binaryFunctions(ctx),
    ...textFunctions(ctx),
    ...dnsFunctions(ctx, ctx.dns),
    ...memoizeFunctions(ctx),
    ...httpFunctions(ctx),
    ...fsFunctions(ctx),
    ...asyncFileFunctions(ctx),
    ...messageFunctions(ctx),
    ...rejectFunctions(ctx),
    ...throttleFunctions(ctx),
    ...registrarFunctions(),
    ...jsonlFunctions(() => ({ host: ctx.host, log: ctx.log })),
  };
}
