/** Minimal typing for fengari 0.1.5 (Lua 5.3 in JavaScript); the API mirrors the C API one to one. */
declare module 'fengari' {
  /** A lua_State (a thread); opaque to us. */
  export interface LuaState {
    readonly __luaState: unique symbol;
  }
  export type LuaString = Uint8Array;
  export type JsFunction = (L: LuaState) => number;
  export type Continuation = (L: LuaState, status: number, ctx: unknown) => number;
  // The C API surface: typed loosely, since every function takes the state first.
  export const lua: any;
  export const lauxlib: any;
  export const lualib: any;
  export function to_luastring(s: string, cache?: boolean): LuaString;
  export function to_jsstring(s: LuaString, from?: number, to?: number, replacement?: boolean): string;
  export function luastring_eq(a: LuaString, b: LuaString): boolean;
}
