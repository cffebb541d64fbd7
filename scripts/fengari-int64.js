"use strict";
/*
** Kumo Policy Studio: exact integers for fengari (Lua 5.3 in JS, whose integers are 32-bit).
**
** Copied to node_modules/fengari/src/lint64.js by scripts/patch-fengari.mjs, which also rewires fengari's
** integer operations to the functions below.
**
** Semantics: a Lua integer is still a JS number. Every operation computes Lua 5.4's 64-bit two's-complement
** result; while that result is within +-(2^53-1) (the safe integers, the fast path: plain double
** arithmetic) it is exact. Beyond, the 64-bit result is computed with BigInt (wrapping modulo 2^64 as Lua 5.4
** does) and rounded to the nearest double, so it is exact whenever the 64-bit result is representable
** (powers of two such as 1 << 62, -2^63) and otherwise off in its low bits. math.maxinteger is 2^53-1 and
** math.mininteger is -2^53; floats convert to integers over Lua 5.4's range [-2^63, 2^63).
*/

const MAXSAFE = 9007199254740991;
const TWO63 = 9223372036854775808;

/* the 64-bit two's-complement value of a BigInt, rounded to a double */
const wrap = function(b) {
    return Number(BigInt.asIntN(64, b));
};

const safe = function(r) {
    return r <= MAXSAFE && r >= -MAXSAFE;
};

const add = function(a, b) {
    const r = a + b;
    return safe(r) ? r : wrap(BigInt(a) + BigInt(b));
};

const sub = function(a, b) {
    const r = a - b;
    return safe(r) ? r : wrap(BigInt(a) - BigInt(b));
};

const mul = function(a, b) {
    const r = a * b;
    /* an exact product within the safe range is computed exactly; '+ 0' turns -0 (0 * -n) into 0 */
    return safe(r) ? r + 0 : wrap(BigInt(a) * BigInt(b));
};

const unm = function(a) {
    const r = 0 - a;
    /* -(-2^63) wraps to -2^63 */
    return r >= TWO63 ? -TWO63 : r;
};

/* floor division; the caller has ruled out b === 0 */
const idiv = function(a, b) {
    /* Math.floor(a / b) is exact when |a| < 2^53: the rounding of a / b cannot cross an integer */
    if (safe(a) && safe(b)) return Math.floor(a / b) + 0;
    const x = BigInt(a), y = BigInt(b);
    let q = x / y;
    if ((x % y !== 0n) && ((x < 0n) !== (y < 0n))) q -= 1n;
    return wrap(q);
};

/* floor modulo; the caller has ruled out b === 0 */
const mod = function(a, b) {
    if (safe(a) && safe(b)) {
        let r = a % b;  /* exact */
        if (r !== 0 && (r < 0) !== (b < 0)) r += b;
        return r + 0;
    }
    const x = BigInt(a), y = BigInt(b);
    let r = x % y;
    if (r !== 0n && ((r < 0n) !== (y < 0n))) r += y;
    return wrap(r);
};

const isint32 = function(a) {
    return (a | 0) === a;
};

/* bitwise operations: the 32-bit fast path is exact for operands within int32 (sign extension commutes) */
const band = function(a, b) {
    return isint32(a) && isint32(b) ? (a & b) : wrap(BigInt(a) & BigInt(b));
};

const bor = function(a, b) {
    return isint32(a) && isint32(b) ? (a | b) : wrap(BigInt(a) | BigInt(b));
};

const bxor = function(a, b) {
    return isint32(a) && isint32(b) ? (a ^ b) : wrap(BigInt(a) ^ BigInt(b));
};

const bnot = function(a) {
    return isint32(a) ? ~a : wrap(~BigInt(a));
};

/* Lua 5.4's luaV_shiftl: y > 0 shifts left, y < 0 shifts right (logical, on 64 bits) */
const shiftl = function(x, y) {
    if (y <= -64 || y >= 64) return 0;
    if (y < 0) {
        if (x >= 0) return Math.floor(x / Math.pow(2, -y));
        return wrap(BigInt.asUintN(64, BigInt(x)) >> BigInt(-y));
    }
    const r = x * Math.pow(2, y);
    return safe(r) ? r : wrap(BigInt(x) << BigInt(y));
};

/* integer literals (l_str2int): accumulate in a double while safe, then in a BigInt */
const hexdigit = function(a, d) {
    if (typeof a === "number") {
        const r = a * 16 + d;
        if (r <= MAXSAFE) return r;
        a = BigInt(a);
    }
    return BigInt.asUintN(64, a * 16n + BigInt(d));  /* hex literals wrap modulo 2^64 */
};

/* null when the decimal numeral does not fit a 64-bit integer (it is then read as a float) */
const decdigit = function(a, d, neg) {
    if (typeof a === "number") {
        const r = a * 10 + d;
        if (r <= MAXSAFE) return r;
        a = BigInt(a);
    }
    const r = a * 10n + BigInt(d);
    return r > (neg ? 9223372036854775808n : 9223372036854775807n) ? null : r;
};

const intresult = function(a, neg) {
    if (typeof a === "number") return neg ? 0 - a : a;
    return wrap(neg ? -a : a);
};

/* tonumber(s, base) */
const strbase = function(sign, digits, base) {
    const B = BigInt(base);
    let r = 0n;
    for (const c of digits.toLowerCase()) {
        const d = parseInt(c, 36);
        if (isNaN(d) || d >= base) return null;
        r = BigInt.asUintN(64, r * B + BigInt(d));
    }
    return wrap(sign === "-" ? -r : r);
};

const tostr = function(n) {
    return safe(n) ? String(n) : BigInt(n).toString();
};

/* float -> integer conversion (lua_numbertointeger): Lua 5.4's range [-2^63, 2^63) */
const numbertointeger = function(n) {
    return n >= -TWO63 && n < TWO63 ? n + 0 : false;
};

/* identity of this patch, part of the chunk cache key (bytecode stores 8-byte integers) */
const PATCH_ID = "kumo-int64/1";

module.exports = {
    PATCH_ID, wrap, add, sub, mul, unm, idiv, mod, band, bor, bxor, bnot, shiftl,
    hexdigit, decdigit, intresult, strbase, tostr, numbertointeger
};
