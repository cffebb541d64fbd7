/** Every kumo function implemented in JS, by full name; the rest of the catalog is stubbed by module.ts. */
import type { KumoContext, KumoFunctions } from './context';
import { coreFunctions } from './core';
import { mpscFunctions } from './mpsc';

export function allKumoFunctions(ctx: KumoContext): KumoFunctions {
  return {
    ...coreFunctions(ctx),
    ...mpscFunctions(ctx),
  };
}
