#!/usr/bin/env node
/**
 * Makes fengari's integers exact over the safe-integer range of doubles (and Lua 5.4's 64-bit results
 * beyond it, rounded to a double) instead of wrapping at 32 bits. Run by `postinstall`; safe to run again.
 *
 * It copies scripts/fengari-int64.js to node_modules/fengari/src/lint64.js and applies exact text
 * replacements to fengari's sources. Each replacement states the text it expects: a file whose text is
 * neither the original nor the patched one (another fengari version) stops the install with an error
 * naming the file and the text, so a version bump cannot silently lose the patch. The patch's identity
 * (`PATCH_ID` in lint64.js, exported as `luaconf.KUMO_INT_PATCH`) is part of the chunk cache's key,
 * because the patched bytecode format stores 8-byte integers.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const src = join(root, 'node_modules', 'fengari', 'src');
const EXPECTED_VERSION = '0.1.5';

const useStrict = ['"use strict";\n', '"use strict";\n\nconst lint64 = require(\'./lint64.js\'); /* kumo: exact integers */\n'];

/** [file, [before, after, times = 1][]]: each `before` must occur exactly `times` times in the unpatched file. */
const patches = [
  ['luaconf.js', [
    useStrict,
    ['const LUA_MAXINTEGER = 2147483647;\nconst LUA_MININTEGER = -2147483648;',
     '/* kumo: integers are exact up to 2^53 (see lint64.js) */\nconst LUA_MAXINTEGER = 9007199254740991;\nconst LUA_MININTEGER = -9007199254740992;'],
    ['    return String(n); /* should match behaviour of LUA_INTEGER_FMT */',
     '    return lint64.tostr(n); /* kumo: all digits past 2^53 */'],
    ['    return n >= LUA_MININTEGER && n < -LUA_MININTEGER ? n : false;',
     '    return lint64.numbertointeger(n); /* kumo: Lua 5.4\'s range */'],
    ['module.exports.LUA_MAXINTEGER         = LUA_MAXINTEGER;',
     'module.exports.LUA_MAXINTEGER         = LUA_MAXINTEGER;\nmodule.exports.KUMO_INT_PATCH         = lint64.PATCH_ID;'],
  ]],
  ['lvm.js', [
    useStrict,
    ['L.stack[ra].setivalue((op1.value + op2.value)|0);', 'L.stack[ra].setivalue(lint64.add(op1.value, op2.value));'],
    ['L.stack[ra].setivalue((op1.value - op2.value)|0);', 'L.stack[ra].setivalue(lint64.sub(op1.value, op2.value));'],
    ['L.stack[ra].setivalue(luaV_imul(op1.value, op2.value));', 'L.stack[ra].setivalue(lint64.mul(op1.value, op2.value));'],
    ['L.stack[ra].setivalue(numberop1 & numberop2);', 'L.stack[ra].setivalue(lint64.band(numberop1, numberop2));'],
    ['L.stack[ra].setivalue(numberop1 | numberop2);', 'L.stack[ra].setivalue(lint64.bor(numberop1, numberop2));'],
    ['L.stack[ra].setivalue(numberop1 ^ numberop2);', 'L.stack[ra].setivalue(lint64.bxor(numberop1, numberop2));'],
    ['L.stack[ra].setivalue((-op.value)|0);', 'L.stack[ra].setivalue(lint64.unm(op.value));'],
    // The numeric for loop steps in plain doubles: it cannot wrap, so it always ends (kumo).
    ['let idx = (L.stack[ra].value + step)|0;', 'let idx = L.stack[ra].value + step; /* kumo: no wrap */'],
    ['init.value = (initv - pstep.value)|0;', 'init.value = initv - pstep.value; /* kumo: no wrap */'],
    ['    return Math.floor(m / n)|0;', '    return lint64.idiv(m, n);'],
    ['    return (m - Math.floor(m / n) * n)|0;', '    return lint64.mod(m, n);'],
    ['const luaV_shiftl = function(x, y) {\n', 'const luaV_shiftl = lint64.shiftl; /* kumo: 64-bit shifts */\nconst luaV_shiftl_32 = function(x, y) {\n'],
    // Lua 5.4: arithmetic and bitwise opcodes take numbers only; a string operand goes to the string
    // metamethods (runtime/vm/string-arith.ts), which keep '12' + 1 an integer; bitwise ops refuse strings.
    ['const tonumber = function(o) {\n',
     '/* kumo: number-only conversions, as Lua 5.4\'s tonumberns / luaV_tointegerns */\nconst tonumberns = function(o) {\n    return o.ttnov() === LUA_TNUMBER ? o.value : false;\n};\n\nconst tointegerns = function(o) {\n    return o.ttisinteger() ? o.value : o.ttisfloat() ? luaV_tointeger(o, 0) : false;\n};\n\nconst tonumber = function(o) {\n'],
    ['(numberop1 = tonumber(op1)) !== false && (numberop2 = tonumber(op2)) !== false',
     '(numberop1 = tonumberns(op1)) !== false && (numberop2 = tonumberns(op2)) !== false', 7],
    ['} else if ((numberop = tonumber(op)) !== false) {', '} else if ((numberop = tonumberns(op)) !== false) { /* kumo: 5.4 */'],
    ['(numberop1 = tointeger(op1)) !== false && (numberop2 = tointeger(op2)) !== false',
     '(numberop1 = tointegerns(op1)) !== false && (numberop2 = tointegerns(op2)) !== false', 5],
    ['                if (op.ttisinteger()) {\n                    L.stack[ra].setivalue(~op.value);',
     '                let numberop;  /* kumo: floats with an integer value, 64 bits */\n                if ((numberop = tointegerns(op)) !== false) {\n                    L.stack[ra].setivalue(lint64.bnot(numberop));'],
    ['module.exports.tonumber         = tonumber;', 'module.exports.tonumber         = tonumber;\nmodule.exports.tonumberns       = tonumberns; /* kumo */'],
  ]],
  ['ltm.js', [
    ['                let n1 = lvm.tonumber(p1);\n                let n2 = lvm.tonumber(p2);',
     '                let n1 = lvm.tonumberns(p1);  /* kumo: Lua 5.4, strings are not numbers here */\n                let n2 = lvm.tonumberns(p2);'],
  ]],
  ['ldebug.js', [
    ['    if (lvm.tonumber(p1) === false)\n        p2 = p1;', '    if (lvm.tonumberns(p1) === false)  /* kumo: Lua 5.4 blames a string operand */\n        p2 = p1;'],
  ]],
  ['lobject.js', [
    useStrict,
    ['            a = (a * 16 + luaO_hexavalue(s[i]))|0;', '            a = lint64.hexdigit(a, luaO_hexavalue(s[i]));'],
    ['            if (a >= MAXBY10 && (a > MAXBY10 || d > MAXLASTD + neg))  /* overflow? */\n                return null;  /* do not accept it (as integer) */\n            a = (a * 10 + d)|0;',
     '            if ((a = lint64.decdigit(a, d, neg)) === null)  /* kumo: overflow of 64 bits? */\n                return null;  /* do not accept it (as integer) */'],
    ['            n: (neg ? -a : a)|0,', '            n: lint64.intresult(a, neg),'],
    ['        case LUA_OPADD:  return (v1 + v2)|0;\n        case LUA_OPSUB:  return (v1 - v2)|0;\n        case LUA_OPMUL:  return lvm.luaV_imul(v1, v2);',
     '        case LUA_OPADD:  return lint64.add(v1, v2);\n        case LUA_OPSUB:  return lint64.sub(v1, v2);\n        case LUA_OPMUL:  return lint64.mul(v1, v2);'],
    ['        case LUA_OPBAND: return (v1 & v2);\n        case LUA_OPBOR:  return (v1 | v2);\n        case LUA_OPBXOR: return (v1 ^ v2);',
     '        case LUA_OPBAND: return lint64.band(v1, v2);\n        case LUA_OPBOR:  return lint64.bor(v1, v2);\n        case LUA_OPBXOR: return lint64.bxor(v1, v2);'],
    ['        case LUA_OPUNM:  return (0 - v1)|0;\n        case LUA_OPBNOT: return (~0 ^ v1);',
     '        case LUA_OPUNM:  return lint64.unm(v1);\n        case LUA_OPBNOT: return lint64.bnot(v1);'],
  ]],
  ['lapi.js', [
    ['    fengari_argcheck(typeof n === "number" && (n|0) === n);', '    fengari_argcheck(Number.isInteger(n)); /* kumo: integers past 32 bits */'],
  ]],
  ['ltable.js', [
    ['        if ((key.ttisfloat() && (kv|0) === kv)) { /* does index fit in an integer? */',
     '        if ((key.ttisfloat() && Number.isInteger(kv) && kv >= -9223372036854775808 && kv < 9223372036854775808)) { /* kumo: 64-bit */'],
  ]],
  ['lmathlib.js', [
    ['        if (n < 0) n = (-n)|0;', '        if (n < 0) n = 0 - n; /* kumo: no 32-bit wrap */'],
    ['            lua_pushinteger(L, (lua_tointeger(L, 1) % d)|0);', '            lua_pushinteger(L, (lua_tointeger(L, 1) % d) + 0); /* kumo: exact; no -0 */'],
  ]],
  ['lbaselib.js', [
    ['    return v|0;\n', '    return Number.isSafeInteger(v) ? v + 0 : require(\'./lint64.js\').strbase(r[1], r[2], base); /* kumo */\n'],
  ]],
  ['lstrlib.js', [
    ['const SZINT = 4; // Size of lua_Integer', 'const SZINT = 8; // Size of lua_Integer (kumo: 64-bit)'],
    ['                    let lim = 1 << (size * 8) - 1;', '                    let lim = Math.pow(2, (size * 8) - 1); /* kumo */'],
    ['                    luaL_argcheck(L, (n>>>0) < (1 << (size * NB)), arg, "unsigned overflow");\n                packint(b, n>>>0, h.islittle, size, false);',
     '                    luaL_argcheck(L, n >= 0 && n < Math.pow(2, size * NB), arg, "unsigned overflow"); /* kumo */\n                packint(b, n, h.islittle, size, false);'],
    ['    buff[islittle ? 0 : size - 1] = n & MC;  /* first byte */\n    for (let i = 1; i < size; i++) {\n        n >>= NB;\n        buff[islittle ? i : size - 1 - i] = n & MC;\n    }',
     '    let v = BigInt.asUintN(64, BigInt(n));  /* kumo: 64-bit two\'s complement */\n    for (let i = 0; i < size; i++) {\n        buff[islittle ? i : size - 1 - i] = i < SZINT ? Number(v & 0xFFn) : 0;\n        v >>= 8n;\n    }'],
    ['    let res = 0;\n    let limit = size <= SZINT ? size : SZINT;\n    for (let i = limit - 1; i >= 0; i--) {\n        res <<= NB;\n        res |= str[islittle ? i : size - 1 - i];\n    }\n    if (size < SZINT) {  /* real size smaller than lua_Integer? */\n        if (issigned) {  /* needs sign extension? */\n            let mask = 1 << (size * NB - 1);\n            res = ((res ^ mask) - mask);  /* do sign extension */\n        }\n    } else if (size > SZINT) {  /* must check unread bytes */\n        let mask = !issigned || res >= 0 ? 0 : MC;',
     '    let big = 0n;  /* kumo: 64-bit */\n    let limit = size <= SZINT ? size : SZINT;\n    for (let i = limit - 1; i >= 0; i--)\n        big = (big << 8n) | BigInt(str[islittle ? i : size - 1 - i]);\n    if (size < SZINT && issigned)  /* needs sign extension? */\n        big = BigInt.asIntN(size * NB, big);\n    let res = lint64.wrap(big);\n    if (size > SZINT) {  /* must check unread bytes */\n        let mask = !issigned || res >= 0 ? 0 : MC;'],
    // Sizes of kumod's x86_64 build (long, lua_Integer, size_t: 8 bytes).
    ["        case 108 /*'l'*/: r.size = 4; r.opt = Kint;   return r; // sizeof(long): 4\n        case 76  /*'L'*/: r.size = 4; r.opt = Kuint;  return r;\n        case 106 /*'j'*/: r.size = 4; r.opt = Kint;   return r; // sizeof(lua_Integer): 4\n        case 74  /*'J'*/: r.size = 4; r.opt = Kuint;  return r;\n        case 84  /*'T'*/: r.size = 4; r.opt = Kuint;  return r; // sizeof(size_t): 4",
     "        case 108 /*'l'*/: r.size = 8; r.opt = Kint;   return r; // sizeof(long): 8 (kumo)\n        case 76  /*'L'*/: r.size = 8; r.opt = Kuint;  return r;\n        case 106 /*'j'*/: r.size = 8; r.opt = Kint;   return r; // sizeof(lua_Integer): 8 (kumo)\n        case 74  /*'J'*/: r.size = 8; r.opt = Kuint;  return r;\n        case 84  /*'T'*/: r.size = 8; r.opt = Kuint;  return r; // sizeof(size_t): 8 (kumo)"],
    ["        case 115 /*'s'*/: r.size = getnumlimit(h, fmt, 4); r.opt = Kstring; return r;",
     "        case 115 /*'s'*/: r.size = getnumlimit(h, fmt, 8); r.opt = Kstring; return r; /* kumo: size_t */"],
    useStrict,
  ]],
  ['ldump.js', [
    ['const DumpInteger = function(x, D) {\n    let ab = new ArrayBuffer(4);\n    let dv = new DataView(ab);\n    dv.setInt32(0, x, true);\n    let t = new Uint8Array(ab);\n    DumpBlock(t, 4, D);',
     'const DumpInteger = function(x, D) {  /* kumo: 8 bytes, little-endian two\'s complement */\n    let ab = new ArrayBuffer(8);\n    let dv = new DataView(ab);\n    dv.setBigInt64(0, BigInt.asIntN(64, BigInt(x)), true);\n    let t = new Uint8Array(ab);\n    DumpBlock(t, 8, D);'],
    ['    DumpByte(4, D); // size_tSize\n    DumpByte(4, D); // instructionSize\n    DumpByte(4, D); // integerSize',
     '    DumpByte(8, D); // size_tSize (kumo: written by DumpInteger)\n    DumpByte(4, D); // instructionSize\n    DumpByte(8, D); // integerSize (kumo)'],
  ]],
  ['lundump.js', [
    ['    LoadInteger() {\n        if (luaZ_read(this.Z, this.u8, 0, this.integerSize) !== 0)\n            this.error("truncated");\n        return this.dv.getInt32(0, true);',
     '    LoadInteger() {  /* kumo: 8 bytes */\n        if (luaZ_read(this.Z, this.u8, 0, this.integerSize) !== 0)\n            this.error("truncated");\n        return this.dv.getInt32(4, true) * 4294967296 + this.dv.getUint32(0, true);'],
    ['        this.checksize(this.size_tSize, 4, "size_t");', '        this.checksize(this.size_tSize, 8, "size_t");'],
    ['        this.checksize(this.integerSize, 4, "integer");', '        this.checksize(this.integerSize, 8, "integer");'],
  ]],
];

function count(text, sub) {
  let n = 0;
  for (let i = text.indexOf(sub); i !== -1; i = text.indexOf(sub, i + sub.length)) n++;
  return n;
}

function fail(msg) {
  console.error(`patch-fengari: ${msg}`);
  console.error('patch-fengari: fengari is not the version this patch was written for; update scripts/patch-fengari.mjs.');
  process.exit(1);
}

if (!existsSync(src)) {
  // Not installed (e.g. `npm ci --omit=dev` of something without fengari): nothing to patch.
  console.error(`patch-fengari: ${src} not found`);
  process.exit(1);
}
const version = JSON.parse(readFileSync(join(root, 'node_modules', 'fengari', 'package.json'), 'utf8')).version;
if (version !== EXPECTED_VERSION) fail(`fengari ${version} installed, expected ${EXPECTED_VERSION}`);

let changed = 0;
for (const [file, reps] of patches) {
  const path = join(src, file);
  const original = readFileSync(path, 'utf8');
  let text = original;
  for (const [before, after, times = 1] of reps) {
    const nb = count(text, before);
    const na = count(text, after);
    if (nb === times && (na === 0 || before.includes(after) || after.includes(before))) {
      if (after.includes(before) && na === times) continue; // already applied (after contains before)
      text = text.split(before).join(after);
    } else if (nb === 0 && na === times) {
      continue; // already applied
    } else {
      fail(`${path}: expected ${times === 1 ? 'exactly one occurrence' : `exactly ${times} occurrences`} of:\n${before}\n(found ${nb}; the patched text occurs ${na} times)`);
    }
  }
  if (text !== original) {
    writeFileSync(path, text);
    changed++;
  }
}

const helper = readFileSync(join(root, 'scripts', 'fengari-int64.js'), 'utf8');
const helperPath = join(src, 'lint64.js');
if (!existsSync(helperPath) || readFileSync(helperPath, 'utf8') !== helper) {
  writeFileSync(helperPath, helper);
  changed++;
}
console.log(`patch-fengari: fengari ${version} has exact integers (${changed ? `${changed} files written` : 'already patched'})`);
